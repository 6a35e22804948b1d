package dev.hull.engine.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Two engines (daemonless: two processes) racing for the same name: the store's locks decide. */
class ConcurrencyIT extends EngineTest {

    @Test
    void twoRunsWithTheSameNameAtOnceExactlyOneWins() throws Exception {
        List<Process> ps = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            ps.add(start(hullArgv("run", "-d", "--name", "same", "busybox", "sleep", "1000"),
                    dir.resolve("same-" + i + ".out"), dir.resolve("same-" + i + ".err")));
        }
        List<Integer> codes = new ArrayList<>();
        for (Process p : ps) {
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
            codes.add(p.exitValue());
        }
        String errs = Files.readString(dir.resolve("same-0.err")) + Files.readString(dir.resolve("same-1.err"));
        codes.sort(null);
        assertEquals(List.of(0, 125), codes, errs);
        assertEquals(1, containers().size());
        assertEquals("running", out("inspect", "--format", "{{.State.Status}}", "same"));
    }
}
