package dev.hull.engine.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** `-it`: a real terminal, sized as the caller's, under script(1) (a pty of the test's own). */
class TerminalIT extends EngineTest {

    @Test
    void interactiveTerminalHasTheCallersSize() {
        String run = String.join(" ", hullArgv("run", "--rm", "-it", "busybox", "sh", "-c",
                "'tty; stty size; test -t 0 && echo stdin-is-a-tty'"));
        Result r = exec(List.of("script", "-qec", "stty cols 97 rows 31; " + run, "/dev/null"), Duration.ofSeconds(60));
        assertEquals(0, r.code(), r::toString);
        String out = r.out().replace("\r", "");
        assertTrue(out.contains("/dev/pts/0"), out);
        assertTrue(out.contains("31 97"), out);
        assertTrue(out.contains("stdin-is-a-tty"), out);
    }

    @Test
    void detachedTerminalOutputIsLogged() {
        sleeperWithTty();
        assertTrue(eventually(5000, () -> hull("logs", "tty").out().contains("hello-tty")), hull("logs", "tty")::toString);
        ok("rm", "-f", "tty");
    }

    private static void sleeperWithTty() {
        out("run", "-dit", "--name", "tty", "busybox", "sh", "-c", "echo hello-tty; sleep 1000");
    }
}
