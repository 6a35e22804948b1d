package dev.hull.runtime.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The executor's monitor (native/src/monitor.c, program.Monitor), driven through the hidden
 * {@code --monitor-*} flags of {@code hull-runtime run}: the executor's parent stays the
 * container's parent, logs its output in the k8s-file format, writes the exit file and runs the
 * on-exit command (detached), or also copies the output to the caller and returns the status
 * (attached).
 */
class MonitorIT extends ContainerTest {
    /** timestamp stream F|P text */
    private static final Pattern RECORD = Pattern.compile(
            "(\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{9}Z) (stdout|stderr) ([FP]) (.*)", Pattern.DOTALL);
    private static final Pattern EXIT = Pattern.compile(
            "\\{\"exitCode\":(\\d+),\"signal\":(\\d+),\"finishedAt\":\"([^\"]+)\"}\n");

    private final List<Long> monitors = new ArrayList<>();

    record Rec(Instant time, String stream, String flag, String text) {}

    private Path log() {
        return dir.resolve("ctr.log");
    }

    private Path exitFile() {
        return dir.resolve("exit.json");
    }

    /** run -d with a monitor; returns the id. */
    private String runDetached(TestBundle b, String... extra) {
        String id = newId();
        List<String> args = new ArrayList<>(List.of("run", "-d", "--bundle", b.dir.toString(),
                "--monitor-log", log().toString(), "--monitor-exit", exitFile().toString()));
        args.addAll(List.of(extra));
        args.add(id);
        ok(args.toArray(String[]::new));
        return id;
    }

    private static List<Rec> records(Path log) throws IOException {
        List<Rec> out = new ArrayList<>();
        Instant now = Instant.now();
        for (String line : Files.readString(log).split("\n", -1)) {
            if (line.isEmpty()) {
                continue;
            }
            Matcher m = RECORD.matcher(line);
            assertTrue(m.matches(), "not a k8s-file record: \"" + line + "\"");
            Instant t = Instant.parse(m.group(1));
            assertTrue(Duration.between(t, now).abs().toMinutes() < 5, "timestamp " + t + " is not now");
            out.add(new Rec(t, m.group(2), m.group(3), m.group(4)));
        }
        return out;
    }

    private static List<String> stream(List<Rec> recs, String name) {
        return recs.stream().filter(r -> r.stream().equals(name)).map(r -> r.flag() + " " + r.text()).toList();
    }

    /** exitCode, signal; the exit file must be there (waits for it) and complete. */
    private long[] exitStatus() throws IOException {
        LifecycleIT.waitFor(() -> Files.exists(exitFile()));
        String s = Files.readString(exitFile());
        Matcher m = EXIT.matcher(s);
        assertTrue(m.matches(), "exit file: \"" + s + "\"");
        Instant.parse(m.group(3));
        assertFalse(Files.exists(dir.resolve("exit.json.tmp")), "the temporary file was renamed");
        return new long[] {Long.parseLong(m.group(1)), Long.parseLong(m.group(2))};
    }

    private static boolean alive(long pid) {
        try {
            String s = Files.readString(Path.of("/proc/" + pid + "/status"));
            return !s.contains("\nState:\tZ");
        } catch (IOException e) {
            return false;
        }
    }

    /** The monitor: the parent of the container's process. */
    private long monitorOf(String id) {
        long pid = pid(id);
        long m = Long.parseLong(Host.status(pid).get("PPid"));
        monitors.add(m);
        assertEquals(Host.EXECUTOR_EXE, exe(m), "the container's parent is the executor");
        return m;
    }

    private static String exe(long pid) {
        try {
            return Files.readSymbolicLink(Path.of("/proc/" + pid + "/exe")).toString();
        } catch (IOException e) {
            return "?";
        }
    }

    private void deleteAndCheckMonitorGone(String id, long monitor) {
        ok("delete", "--force", id);
        LifecycleIT.waitFor(() -> !alive(monitor));
    }

    @AfterEach
    void killMonitors() {
        for (long m : monitors) {
            if (alive(m) && Host.EXECUTOR_EXE.equals(exe(m))) {
                ProcessHandle.of(m).ifPresent(ProcessHandle::destroyForcibly);
            }
        }
    }

    @Test
    void detachedLogsEachStreamWithFullAndPartialRecordsAndTheExitCode() throws IOException {
        TestBundle b = bundle();
        b.sh("echo out; echo err >&2; echo two; printf partial; exit 3");
        String id = runDetached(b);
        assertEquals(3, exitStatus()[0]);
        assertEquals(0, exitStatus()[1]);
        List<Rec> recs = records(log());
        assertEquals(List.of("F out", "F two", "P partial"), stream(recs, "stdout"), recs.toString());
        assertEquals(List.of("F err"), stream(recs, "stderr"), recs.toString());
        for (int i = 1; i < recs.size(); i++) {
            assertFalse(recs.get(i).time().isBefore(recs.get(i - 1).time()), "records in time order: " + recs);
        }
        ok("delete", id);
    }

    @Test
    void theMonitorOutlivesTheCommandHoldsOnlyItsFilesAndIsSmall() throws IOException {
        TestBundle b = bundle();
        b.sh("echo started; exec sleep 1000");
        String id = runDetached(b);
        long c = pid(id);
        long m = monitorOf(id);
        // the command has returned: its front is gone, the monitor was reparented away from it
        long ppid = Long.parseLong(Host.status(m).get("PPid"));
        assertNotEquals(Host.EXECUTOR_EXE, exe(ppid), "the monitor's parent is not a front of ours");
        String stat = Files.readString(Path.of("/proc/" + m + "/stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        assertEquals(Long.toString(m), f[3], "its own session (setsid): " + stat);
        assertEquals(Path.of("/"), Files.readSymbolicLink(Path.of("/proc/" + m + "/cwd")));

        List<String> fds = new ArrayList<>();
        int pipes = 0;
        try (Stream<Path> s = Files.list(Path.of("/proc/" + m + "/fd"))) {
            for (Path fd : s.sorted().toList()) {
                String target = Files.readSymbolicLink(fd).toString();
                String n = fd.getFileName().toString();
                fds.add(n + " -> " + target);
                if (n.equals("0") || n.equals("1") || n.equals("2")) {
                    assertEquals("/dev/null", target, "stdio of the monitor");
                } else if (target.startsWith("pipe:[")) {
                    pipes++;
                } else {
                    assertTrue(target.equals(log().toString()) || target.equals(dir.toString())
                            || target.equals("anon_inode:[signalfd]"), "unexpected fd " + n + " -> " + target);
                }
            }
        }
        assertEquals(2, pipes, "stdout and stderr of the container: " + fds);
        assertTrue(fds.contains("0 -> /dev/null"), fds.toString());
        String rss = Host.status(m).get("VmRSS");
        System.out.println("monitor " + m + " VmRSS: " + rss + ", fds: " + fds);
        long kb = Long.parseLong(rss.replace("kB", "").trim());
        assertTrue(kb < 4096, "the monitor is small: " + rss);

        LifecycleIT.waitFor(() -> {
            try {
                return Files.exists(log()) && Files.readString(log()).contains(" stdout F started\n");
            } catch (IOException e) {
                return false;
            }
        });
        ok("kill", id, "KILL");
        long[] st = exitStatus();
        assertEquals(137, st[0]);
        assertEquals(9, st[1]);
        LifecycleIT.waitFor(() -> !alive(m));
        assertFalse(alive(c));
        ok("delete", id);
    }

    @Test
    void onExitRunsOnceTheExitFileIsWritten() throws IOException {
        TestBundle b = bundle();
        b.sh("exit 7");
        Path done = dir.resolve("done");
        String id = runDetached(b, "--monitor-on-exit", "/bin/sh", "--monitor-on-exit=-c",
                "--monitor-on-exit", "cat " + exitFile() + " > " + done + "; echo $PWD >> " + done);
        LifecycleIT.waitFor(() -> {
            try {
                return Files.exists(done) && Files.readString(done).endsWith("\n/\n");
            } catch (IOException e) {
                return false;
            }
        });
        String s = Files.readString(done);
        assertTrue(s.startsWith("{\"exitCode\":7,\"signal\":0,"), s);
        ok("delete", id);
    }

    @Test
    void stdinOpenKeepsAShellWaitingUntilItIsKilled() throws IOException, InterruptedException {
        // without it, stdin is /dev/null: sh reads end of file and exits 0
        TestBundle b = bundle();
        b.args("sh");
        String id0 = runDetached(b);
        assertEquals(0, exitStatus()[0]);
        ok("delete", id0);
        Files.delete(exitFile());

        String id = runDetached(b, "--monitor-stdin");
        long m = monitorOf(id);
        long c = pid(id);
        Thread.sleep(500);
        assertTrue(alive(c), "sh still waits for input");
        assertEquals("running", status(id));
        assertFalse(Files.exists(exitFile()));
        assertTrue(Files.readSymbolicLink(Path.of("/proc/" + c + "/fd/0")).toString().startsWith("pipe:["));
        ok("kill", id, "KILL");
        assertEquals(137, exitStatus()[0]);
        deleteAndCheckMonitorGone(id, m);
    }

    @Test
    void attachedCopiesOutputToTheCallerAndReturnsTheStatus() throws IOException {
        TestBundle b = bundle();
        b.sh("echo out; echo err >&2; printf partial; exit 3");
        String id = newId();
        Cmd.Result r = hull("run", "--bundle", b.dir.toString(), "--monitor-log", log().toString(),
                "--monitor-exit", exitFile().toString(), id);
        assertEquals(3, r.code(), r.toString());
        assertEquals("out\npartial", r.out(), r.toString());
        assertEquals("err\n", r.err(), r.toString());
        List<Rec> recs = records(log());
        assertEquals(List.of("F out", "P partial"), stream(recs, "stdout"));
        assertEquals(List.of("F err"), stream(recs, "stderr"));
        assertEquals(3, exitStatus()[0]);
        assertEquals(1, hull("state", id).code(), "run deleted the container");
    }

    @Test
    void attachedForwardsSignalsToTheContainer() throws Exception {
        TestBundle b = bundle();
        b.sh("trap 'echo got-term; exit 42' TERM; echo ready; while true; do sleep 0.1; done");
        String id = newId();
        ProcessBuilder pb = new ProcessBuilder(Host.HULL.toString(), "--root", state.toString(), "run",
                "--bundle", b.dir.toString(), "--monitor-log", log().toString(), "--monitor-exit",
                exitFile().toString(), id);
        pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        pb.redirectOutput(dir.resolve("run.out").toFile());
        pb.redirectErrorStream(true);
        Process p = pb.start(); // bin/hull-runtime execs the front: p is the front
        try {
            LifecycleIT.waitFor(() -> {
                try {
                    return Files.exists(log()) && Files.readString(log()).contains(" stdout F ready\n");
                } catch (IOException e) {
                    return false;
                }
            });
            p.destroy(); // SIGTERM to the front, which passes it to the monitor, which passes it on
            assertTrue(p.waitFor(20, java.util.concurrent.TimeUnit.SECONDS));
            assertEquals(42, p.exitValue(), Files.readString(dir.resolve("run.out")));
        } finally {
            if (p.isAlive()) {
                p.destroyForcibly();
                p.waitFor();
            }
        }
        assertEquals("ready\ngot-term\n", Files.readString(dir.resolve("run.out")));
        assertEquals(List.of("F ready", "F got-term"), stream(records(log()), "stdout"));
        assertEquals(42, exitStatus()[0]);
    }

    @Test
    void childrenHoldingThePipesDoNotDelayTheExitFile() throws IOException {
        // no pid namespace: the background sleep outlives the container's process, pipes open
        TestBundle b = bundle();
        b.withoutNamespace("pid");
        b.sh("sleep 1000 & echo $!; exit 4");
        long t0 = System.nanoTime();
        String id = runDetached(b);
        long sleeper = 0;
        try {
            assertEquals(4, exitStatus()[0]);
            assertTrue(System.nanoTime() - t0 < 5_000_000_000L);
            List<String> out = stream(records(log()), "stdout");
            assertEquals(1, out.size(), out.toString());
            sleeper = Long.parseLong(out.get(0).substring(2));
            assertTrue(alive(sleeper), "the background sleep still holds the pipes");
        } finally {
            // delete does not kill what a stopped container left in its cgroup: the test does
            long pid = sleeper;
            if (pid > 0) {
                ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
                LifecycleIT.waitFor(() -> !alive(pid));
            }
        }
        ok("delete", id);
    }

    @Test
    void aTerminalIsLoggedAsStdout() throws IOException {
        TestBundle b = bundle();
        b.set("process.terminal", true);
        b.sh("echo on-tty; echo also >&2; exit 2");
        String id = runDetached(b);
        assertEquals(2, exitStatus()[0]);
        List<Rec> recs = records(log());
        // the pty turns \n into \r\n; both of the shell's streams are the terminal
        assertEquals(List.of("F on-tty\r", "F also\r"), stream(recs, "stdout"), recs.toString());
        assertEquals(List.of(), stream(recs, "stderr"));
        ok("delete", id);
    }

    @Test
    void aMonitorIsRefusedWithAConsoleSocket() {
        TestBundle b = bundle();
        b.set("process.terminal", true);
        String id = newId();
        Cmd.Result r = hull("run", "-d", "--console-socket", dir.resolve("sock").toString(), "--bundle",
                b.dir.toString(), "--monitor-log", log().toString(), "--monitor-exit", exitFile().toString(), id);
        assertNotEquals(0, r.code());
        assertTrue(r.err().contains("the monitor holds the terminal itself"), r.toString());
        assertFalse(Files.exists(log()), "refused before anything was made");
    }

    @Test
    void logAppendsAcrossContainers() throws IOException {
        TestBundle b = bundle();
        b.sh("echo first");
        String id1 = runDetached(b);
        exitStatus();
        Files.delete(exitFile());
        b.sh("echo second");
        String id2 = runDetached(b);
        exitStatus();
        assertEquals(List.of("F first", "F second"), stream(records(log()), "stdout"));
        assertEquals("rw-r-----", java.nio.file.attribute.PosixFilePermissions.toString(
                Files.getPosixFilePermissions(log())));
        ok("delete", id1);
        ok("delete", id2);
    }

}
