package dev.hull.engine.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Stdio: `-i` passes stdin (else /dev/null, as Docker); `-t` a real terminal of the caller's size (script(1)), its keys only with -i. */
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
    void dashTAloneGivesATerminalButNoneOfTheCallersKeys() {
        out("run", "-d", "--name", "keys", "busybox", "sleep", "1000");
        String probe = "'stty size; read -t 2 x && echo got-$x || echo no-input'";
        String execT = String.join(" ", hullArgv("exec", "-t", "keys", "sh", "-c", probe));
        String execIt = String.join(" ", hullArgv("exec", "-it", "keys", "sh", "-c", probe));
        String runT = String.join(" ", hullArgv("run", "--rm", "-t", "busybox", "sh", "-c", probe));
        String runIt = String.join(" ", hullArgv("run", "--rm", "-it", "busybox", "sh", "-c", probe));
        for (String cmd : List.of(execT, execIt, runT, runIt)) {
            // script(1) types "hello" into the caller's terminal: only -i passes it on
            Result r = exec(List.of("sh", "-c", "echo hello | script -qec \"stty cols 97 rows 31; " + cmd.replace("$", "\\$")
                    + "\" /dev/null"), Duration.ofSeconds(60));
            String out = r.out().replace("\r", "");
            assertEquals(0, r.code(), r::toString);
            assertTrue(out.contains("31 97"), cmd + ": " + out);
            assertTrue(out.contains(cmd.contains(" -it ") ? "got-hello" : "no-input"), cmd + ": " + out);
        }
        ok("rm", "-f", "keys");
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

    @Test
    void stdinReachesTheContainerOnlyWithDashI() {
        String noI = String.join(" ", hullArgv("run", "--rm", "busybox", "sh", "-c", "'cat; echo end'"));
        String withI = String.join(" ", hullArgv("run", "--rm", "-i", "busybox", "sh", "-c", "'cat; echo end'"));
        Result r = exec(List.of("sh", "-c", "echo piped | " + noI + "; echo piped | " + withI), Duration.ofSeconds(60));
        assertEquals(0, r.code(), r::toString);
        assertEquals("end\npiped\nend\n", r.out());
    }

    @Test
    void execReadsStdinOnlyWithDashI() {
        out("run", "-d", "--name", "reader", "busybox", "sleep", "1000");
        String noI = String.join(" ", hullArgv("exec", "reader", "sh", "-c", "'cat; echo end'"));
        String withI = String.join(" ", hullArgv("exec", "-i", "reader", "sh", "-c", "'cat; echo end'"));
        // the loop's input must survive an exec without -i (it is /dev/null to the process)
        String loop = "printf 'a\\nb\\n' | while read x; do echo got-$x; " + noI + "; done";
        Result r = exec(List.of("sh", "-c", "echo piped | " + noI + "; echo piped | " + withI + "; " + loop),
                Duration.ofSeconds(60));
        assertEquals(0, r.code(), r::toString);
        assertEquals("end\npiped\nend\ngot-a\nend\ngot-b\nend\n", r.out());
        // the process's fd 0 is /dev/null
        assertEquals("/dev/null", out("exec", "reader", "readlink", "/proc/self/fd/0"));
    }
}
