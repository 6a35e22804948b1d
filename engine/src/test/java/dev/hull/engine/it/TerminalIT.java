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

    /** script(1) runs cmd in a terminal, typing what printf writes (with pauses: `sleep`). */
    private static Result typed(String keys, String cmd) {
        return exec(List.of("sh", "-c", "(" + keys + ") | script -qec \"" + cmd.replace("\"", "\\\"").replace("$", "\\$")
                + "\" /dev/null"), Duration.ofSeconds(60));
    }

    @Test
    void ctrlPCtrlQDetachesAndTheContainerRunsOn() {
        String run = String.join(" ", hullArgv("run", "-it", "--rm", "--name", "detaching", "busybox", "sh"));
        Result r = typed("sleep 1.5; printf 'echo typed-$((6*7))\\n'; sleep 1; printf '\\020\\021'; sleep 1", run);
        assertEquals(0, r.code(), r::toString);
        assertEquals("running", out("inspect", "--format", "{{.State.Status}}", "detaching"));
        assertTrue(out("inspect", "--format", "{{.State.Pid}}", "detaching").matches("[1-9][0-9]*"));
        assertEquals("alive", out("exec", "detaching", "echo", "alive"));
        assertTrue(hull("logs", "detaching").out().contains("typed-42"), hull("logs", "detaching")::toString);
        // from here on its monitor is a detached one: the exit is recorded and --rm applied
        ok("kill", "detaching");
        assertTrue(eventually(10_000, () -> hull("inspect", "detaching").code() != 0), "--rm did not remove it");
    }

    @Test
    void keysThatOnlyBeginTheSequenceGoThroughAndOtherKeysCanBeChosen() {
        // ctrl-p not followed by ctrl-q reaches the container
        String raw = String.join(" ", hullArgv("run", "-it", "--rm", "busybox", "sh", "-c",
                "'stty raw -echo; head -c 3 | od -c | head -n 1'"));
        Result r = typed("sleep 1.5; printf 'a\\020b'; sleep 1", raw);
        assertEquals(0, r.code(), r::toString);
        assertTrue(r.out().contains("a 020   b"), r::toString);
        // --detach-keys ctrl-a,x
        String run = String.join(" ", hullArgv("run", "-it", "--detach-keys", "ctrl-a,x", "--name", "custom", "busybox", "sh"));
        Result d = typed("sleep 1.5; printf '\\001x'; sleep 1", run);
        assertEquals(0, d.code(), d::toString);
        assertEquals("running", out("inspect", "--format", "{{.State.Status}}", "custom"));
        ok("rm", "-f", "custom");
        Result bad = hull("run", "-it", "--detach-keys", "ctrl-1", "busybox", "true");
        assertEquals(125, bad.code(), bad::toString);
        assertTrue(bad.err().contains("Invalid detach keys (ctrl-1) provided"), bad::toString);
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
