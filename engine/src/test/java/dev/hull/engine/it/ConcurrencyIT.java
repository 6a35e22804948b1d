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

    @Test
    void imagesImportedAndTaggedAtOnceAllLand() throws Exception {
        java.nio.file.Path tar = TOP.resolve("build/busybox-rootfs.tar");
        List<Process> ps = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            ps.add(start(hullArgv("import", tar.toString(), "par" + i + ":v1"), dir.resolve("imp-" + i + ".out"),
                    dir.resolve("imp-" + i + ".err")));
            ps.add(start(hullArgv("tag", "busybox", "tagged" + i + ":v1"), dir.resolve("tag-" + i + ".out"),
                    dir.resolve("tag-" + i + ".err")));
        }
        for (Process p : ps) {
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
            assertEquals(0, p.exitValue());
        }
        List<String> names = out("images", "--format", "{{.Repository}}:{{.Tag}}").lines().toList();
        for (int i = 0; i < 3; i++) {
            org.junit.jupiter.api.Assertions.assertTrue(names.contains("par" + i + ":v1"), names.toString());
            org.junit.jupiter.api.Assertions.assertTrue(names.contains("tagged" + i + ":v1"), names.toString());
        }
        assertEquals("ok", sh(List.of(), "echo ok"));
        for (int i = 0; i < 3; i++) {
            ok("rmi", "par" + i + ":v1", "tagged" + i + ":v1");
        }
    }
}
