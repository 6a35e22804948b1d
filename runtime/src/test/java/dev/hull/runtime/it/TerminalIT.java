package dev.hull.runtime.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.hull.sys.SysException;
import dev.hull.sys.UnixSocket;
import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** process.terminal: the pty handed out over --console-socket, and run's own terminal proxy. */
class TerminalIT extends ContainerTest {
    /** Runs the lines written to its terminal, without an interactive shell's prompt and editing. */
    private static final String LINE_RUNNER = "while read -r line; do eval \"$line\"; done";

    private TestBundle terminalBundle() {
        TestBundle b = bundle();
        b.set("process.terminal", true);
        return b;
    }

    @Test
    void consoleSocketReceivesThePtyMasterAndTheContainerRunsOnIt() throws Exception {
        TestBundle b = terminalBundle();
        b.set("process.consoleSize", TestBundle.obj("height", 30, "width", 100));
        b.args("sh", "-c", LINE_RUNNER);
        String id = newId();
        Path sock = dir.resolve("console.sock");
        int master;
        try (UnixSocket listener = UnixSocket.listen(sock)) {
            // the runtime connects and sends during create; the backlog holds the connection
            ok("create", "--bundle", b.dir.toString(), "--console-socket", sock.toString(), id);
            try (UnixSocket conn = listener.accept(5000)) {
                assertNotNull(conn, "nobody connected to the console socket");
                master = conn.receiveFd();
            }
        }
        assertTrue(master >= 0, "no fd received");
        try {
            ok("start", id);
            long pid = pid(id);
            UnixSocket.write(master, ("tty; stty size; echo \"out=$(readlink /proc/$$/fd/1) err=$(readlink /proc/$$/fd/2)\";"
                    + " echo ready-$((40+2))\n").getBytes(StandardCharsets.UTF_8));
            String out = readUntil(master, "ready-42\r\n", 10_000);
            Matcher tty = Pattern.compile("\n/dev/pts/(\\d+)\r\n").matcher(out);
            assertTrue(tty.find(), "tty output in:\n" + out);
            String pts = "/dev/pts/" + tty.group(1);
            assertTrue(out.contains("\n30 100\r\n"), "consoleSize applied (stty size):\n" + out);
            assertTrue(out.contains("\nout=" + pts + " err=" + pts + "\r\n"), "stdout and stderr on the pty:\n" + out);

            // /dev/console is a bind of that pts, from the container's devpts instance
            List<String> console = new ArrayList<>();
            for (String line : Host.read("/proc/" + pid + "/mountinfo").split("\n")) {
                String[] f = line.split(" ");
                if (f[4].equals("/dev/console")) {
                    console.add(f[3] + " " + line.substring(line.indexOf(" - ") + 3).split(" ")[0]);
                }
            }
            assertEquals(List.of("/" + tty.group(1) + " devpts"), console, "/dev/console mounts");

            UnixSocket.write(master, "echo bye; exit 3\n".getBytes(StandardCharsets.UTF_8));
            String rest = readToEnd(master, 10_000);
            assertTrue(rest.contains("\nbye\r\n"), rest);
        } finally {
            UnixSocket.closeFd(master);
        }
        LifecycleIT.waitFor(() -> status(id).equals("stopped"));
        ok("delete", id);
    }

    @Test
    void aTerminalWithoutAConsoleSocketIsRefusedForADetachedContainer() {
        TestBundle b = terminalBundle();
        b.args("sh");
        String expected = "hull-runtime: process.terminal is true but no --console-socket was given: "
                + "a detached container needs somewhere to send its terminal\n";
        for (String verb : List.of("create", "run -d")) {
            String id = newId();
            List<String> args = new ArrayList<>(List.of(verb.split(" ")));
            args.addAll(List.of("--bundle", b.dir.toString(), id));
            Cmd.Result r = hull(args.toArray(String[]::new));
            assertEquals(1, r.code(), verb + ": " + r);
            assertEquals(expected, r.err(), verb);
            assertFalse(Files.exists(state.resolve(id)), verb + ": state left");
        }
        assertEquals("", ok("list", "-q").out());
    }

    @Test
    void aConsoleSocketWithoutATerminalIsRefused() {
        TestBundle b = bundle();
        b.args("true");
        String id = newId();
        Cmd.Result r = hull("create", "--bundle", b.dir.toString(), "--console-socket", dir.resolve("s").toString(), id);
        assertEquals(1, r.code(), r.toString());
        assertEquals("hull-runtime: --console-socket is only used when process.terminal is true\n", r.err());
        assertFalse(Files.exists(state.resolve(id)));
    }

    @Test
    void aConsoleSocketNobodyListensOnFailsCreate() {
        TestBundle b = terminalBundle();
        b.args("sh");
        String id = newId();
        Path sock = dir.resolve("nobody.sock");
        Cmd.Result r = hull("create", "--bundle", b.dir.toString(), "--console-socket", sock.toString(), id);
        assertEquals(1, r.code(), r.toString());
        assertTrue(r.err().matches("hull-runtime: step \\d+ \\(connect to --console-socket \\Q" + sock
                + "\\E\\): .*ENOENT: No such file or directory\n"), r.err());
        assertFalse(Files.exists(state.resolve(id)));
    }

    @Test
    void runWithATerminalProxiesTheCallersTerminal() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/script")), "util-linux script is needed for a pty");
        TestBundle b = terminalBundle();
        b.sh("tty; stty size; read line; echo \"got $line\"; exit 3");
        String id = newId();
        // script gives hull-runtime a terminal; its size is what the container must see
        String cmd = "stty rows 40 cols 100; exec '" + Host.HULL + "' --root '" + state + "' run --bundle '"
                + b.dir + "' " + id;
        Cmd.Result r = withInput(List.of("script", "-qec", cmd, "/dev/null"), "ping\n", 30);
        assertEquals(3, r.code(), r.toString());
        assertTrue(r.out().matches("(?s).*(^|\n)/dev/pts/\\d+\r\n.*"), "tty: " + r);
        assertTrue(r.out().contains("\n40 100\r\n"), "the caller's window size: " + r);
        assertTrue(r.out().contains("got ping\r\n"), "input goes through: " + r);
        assertEquals("", r.err());
        assertFalse(Files.exists(state.resolve(id)), "run deletes the container");
    }

    /** Reads from fd until the output contains marker. */
    private static String readUntil(int fd, String marker, long timeoutMs) throws SysException {
        StringBuilder b = new StringBuilder();
        long deadline = System.currentTimeMillis() + timeoutMs;
        while (!b.toString().contains(marker)) {
            long left = deadline - System.currentTimeMillis();
            if (left <= 0 || !UnixSocket.readable(fd, (int) left)) {
                throw new AssertionError("no \"" + marker.trim() + "\" within " + timeoutMs + " ms; got:\n" + b);
            }
            byte[] got = UnixSocket.read(fd, 4096);
            if (got.length == 0) {
                throw new AssertionError("end of output before \"" + marker.trim() + "\"; got:\n" + b);
            }
            b.append(new String(got, StandardCharsets.UTF_8));
        }
        return b.toString();
    }

    /** Reads until the last slave fd is closed (EIO on a pty master). */
    private static String readToEnd(int fd, long timeoutMs) throws SysException {
        StringBuilder b = new StringBuilder();
        long deadline = System.currentTimeMillis() + timeoutMs;
        for (;;) {
            long left = deadline - System.currentTimeMillis();
            if (left <= 0 || !UnixSocket.readable(fd, (int) left)) {
                throw new AssertionError("the terminal stayed open; got:\n" + b);
            }
            byte[] got;
            try {
                got = UnixSocket.read(fd, 4096);
            } catch (SysException e) {
                return b.toString(); // EIO: the container is gone
            }
            if (got.length == 0) {
                return b.toString();
            }
            b.append(new String(got, StandardCharsets.UTF_8));
        }
    }

    /** Like Cmd.run, with input written to stdin, which stays open until the command exits. */
    private Cmd.Result withInput(List<String> argv, String input, int timeoutSeconds) throws Exception {
        File out = dir.resolve("cmd.out").toFile();
        File err = dir.resolve("cmd.err").toFile();
        ProcessBuilder pb = new ProcessBuilder(argv).directory(dir.toFile());
        pb.redirectOutput(out);
        pb.redirectError(err);
        Process p = pb.start();
        OutputStream in = p.getOutputStream();
        try {
            in.write(input.getBytes(StandardCharsets.UTF_8));
            in.flush();
        } catch (IOException e) {
            // the command exited without reading: its output says why
        }
        boolean done = p.waitFor(timeoutSeconds, TimeUnit.SECONDS);
        if (!done) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            p.waitFor();
        }
        try {
            in.close(); // only now: an early end of input would reach the container's terminal
        } catch (IOException e) {
            // already gone
        }
        if (!done) {
            throw new AssertionError("timed out: " + argv + "\n" + Files.readString(out.toPath()));
        }
        return new Cmd.Result(p.exitValue(), Files.readString(out.toPath()), Files.readString(err.toPath()));
    }
}
