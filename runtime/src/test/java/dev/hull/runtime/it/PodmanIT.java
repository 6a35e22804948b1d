package dev.hull.runtime.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Podman drives hull-runtime (`--runtime .../bin/hull-runtime`) through conmon as it drives runc:
 * every test does the same thing with both runtimes, each under its own Podman state, and
 * compares what the containers saw and what Podman reports.
 */
class PodmanIT extends ContainerTest {
    private Podman runc;
    private Podman hull;
    private TreeSet<String> libpodCgroupsBefore;

    @BeforeEach
    void podmans() throws IOException {
        String why = Podman.unavailable();
        if (why != null) {
            System.out.println("PodmanIT skipped: " + why);
        }
        assumeTrue(why == null, why);
        Path rootfs = bundle().rootfs;
        runc = Podman.in(dir, Host.runc(), Path.of("/run/runc"));
        hull = Podman.in(dir.resolve("h"), Host.HULL.toString(), Path.of("/run/hull"));
        runc.importImage(rootfs);
        hull.importImage(rootfs);
        libpodCgroupsBefore = libpodCgroups();
    }

    @AfterEach
    void removePodmanContainers() throws IOException {
        if (runc == null) {
            return;
        }
        List<String> leaks = new ArrayList<>(runc.cleanUp());
        leaks.addAll(hull.cleanUp());
        TreeSet<String> after = libpodCgroups();
        after.removeAll(libpodCgroupsBefore);
        for (String c : after) {
            leaks.add("cgroup left: " + c);
        }
        if (!leaks.isEmpty()) {
            fail("the test left things behind:\n  " + String.join("\n  ", leaks));
        }
    }

    /** The containers' cgroups of Podman's cgroupfs manager: libpod_parent/libpod-ID. */
    private static TreeSet<String> libpodCgroups() throws IOException {
        TreeSet<String> out = new TreeSet<>();
        try (Stream<Path> s = Files.walk(Path.of("/sys/fs/cgroup"), 4)) {
            s.filter(p -> p.getFileName() != null && p.getFileName().toString().startsWith("libpod-")
                    && !p.getFileName().toString().startsWith("libpod-conmon"))
                    .forEach(p -> out.add(p.toString()));
        } catch (java.io.UncheckedIOException e) {
            // a cgroup vanished while walking
        }
        return out;
    }

    private record Both(Cmd.Result runc, Cmd.Result hull) {
        @Override
        public String toString() {
            return "--- runc: " + runc + "\n--- hull: " + hull;
        }
    }

    private Both both(String... args) {
        return new Both(runc.run(args), hull.run(args));
    }

    private Both run(String... args) {
        String[] a = Podman.runArgs("run", args);
        return both(a);
    }

    private static void assertSameResult(Both b, int code) {
        assertEquals(code, b.runc.code(), () -> "runc: " + b);
        assertEquals(code, b.hull.code(), () -> "hull: " + b);
        assertEquals(b.runc.out(), b.hull.out(), () -> "output differs: " + b);
    }

    @Test
    void runRmPassesOutputAndRemovesTheContainer() {
        Both b = run("--rm", Podman.IMAGE, "sh", "-c", "echo out; echo err >&2; hostname | wc -c");
        assertSameResult(b, 0);
        assertTrue(b.hull.out().startsWith("out\n"), b::toString);
        assertTrue(b.hull.err().contains("err"), b::toString);
        assertEquals("", hull.ok("ps", "-a", "-q").out());
    }

    @Test
    void aContainerThatExitsNonZeroReportsItsStatus() {
        assertSameResult(run("--rm", Podman.IMAGE, "sh", "-c", "exit 3"), 3);
        // a program that is not there: Podman's 127, from the runtime's create error
        Both missing = run("--rm", Podman.IMAGE, "/no/such/program");
        assertEquals(missing.runc.code(), missing.hull.code(), missing::toString);
        assertTrue(missing.hull.code() != 0, missing::toString);
    }

    @Test
    void detachedContainerLogsStopsWithItsTrapAndIsRemoved() throws Exception {
        String script = "echo started; trap 'echo got term; exit 7' TERM; while true; do sleep 0.1; done";
        for (Podman p : List.of(runc, hull)) {
            String id = p.ok(Podman.runArgs("run", "-d", Podman.IMAGE, "sh", "-c", script)).out().trim();
            waitForLog(p, id, "started");
            assertEquals("running", p.ok("inspect", "-f", "{{.State.Status}}", id).out().trim());
            long pid = Long.parseLong(p.ok("inspect", "-f", "{{.State.Pid}}", id).out().trim());
            assertTrue(Host.alive(pid), "the container's pid " + pid + " is not alive");
            p.ok("stop", "-t", "10", id);
            assertEquals("7 exited", p.ok("inspect", "-f", "{{.State.ExitCode}} {{.State.Status}}", id).out().trim(),
                    p.runtime);
            assertEquals("started\ngot term\n", p.ok("logs", id).out(), p.runtime);
            p.ok("rm", id);
            assertTrue(!Host.alive(pid), "pid " + pid + " outlived podman rm (" + p.runtime + ")");
        }
    }

    /** Needs `hull-runtime exec` (another branch): fails with "exec is not implemented yet" until then. */
    @Test
    void execIntoADetachedContainer() throws Exception {
        for (Podman p : List.of(runc, hull)) {
            String id = p.ok(Podman.runArgs("run", "-d", Podman.IMAGE, "sh", "-c", "echo up; sleep 1000")).out().trim();
            waitForLog(p, id, "up");
            Cmd.Result r = p.run("exec", id, "sh", "-c", "echo in-exec; cat /proc/1/cmdline | tr '\\0' ' '; exit 4");
            assertEquals(4, r.code(), () -> p.runtime + ": " + r);
            // busybox sh execs its last command: pid 1 is the sleep
            assertEquals("in-exec\nsleep 1000 ", r.out(), p.runtime);
            p.ok("rm", "-f", "-t", "0", id);
        }
    }

    @Test
    void stopEscalatesToSigkillAfterTheTimeout() {
        for (Podman p : List.of(runc, hull)) {
            // pid 1 ignores SIGTERM without a handler: stop must fall back to SIGKILL
            String id = p.ok(Podman.runArgs("run", "-d", Podman.IMAGE, "sleep", "1000")).out().trim();
            p.ok("stop", "-t", "1", id);
            assertEquals("137 exited", p.ok("inspect", "-f", "{{.State.ExitCode}} {{.State.Status}}", id).out().trim(),
                    p.runtime);
            p.ok("rm", id);
        }
    }

    @Test
    void memoryAndCpusLimitsReachTheContainersCgroup() {
        Both b = run("--rm", "--memory", "64m", "--cpus", "0.5", Podman.IMAGE, "sh", "-c",
                "cat /sys/fs/cgroup/memory/memory.limit_in_bytes 2>/dev/null || cat /sys/fs/cgroup/memory.max;"
                        + " cat /sys/fs/cgroup/cpu/cpu.cfs_quota_us 2>/dev/null || cut -d' ' -f1 /sys/fs/cgroup/cpu.max");
        assertSameResult(b, 0);
        assertEquals("67108864\n50000\n", b.hull.out());
    }

    @Test
    void pauseUnpauseAndUpdateOfARunningContainer() {
        for (Podman p : List.of(runc, hull)) {
            String id = p.ok(Podman.runArgs("run", "-d", "--memory", "64m", Podman.IMAGE, "sleep", "1000")).out().trim();
            long pid = Long.parseLong(p.ok("inspect", "-f", "{{.State.Pid}}", id).out().trim());
            p.ok("pause", id);
            assertEquals("paused", p.ok("inspect", "-f", "{{.State.Status}}", id).out().trim(), p.runtime);
            assertEquals("FROZEN", freezerState(pid), p.runtime);
            p.ok("unpause", id);
            assertEquals("THAWED", freezerState(pid), p.runtime);
            p.ok("update", "--memory", "128m", id);
            assertEquals(String.valueOf(128L << 20), memoryLimit(pid), p.runtime);
            p.ok("rm", "-f", "-t", "0", id);
        }
    }

    /** The freezer state of pid's cgroup as the host sees it (v1 freezer, or v2 cgroup.freeze). */
    private static String freezerState(long pid) {
        for (String line : Host.read("/proc/" + pid + "/cgroup").split("\n")) {
            String[] f = line.split(":", 3);
            if (f[1].equals("freezer")) {
                return Host.read("/sys/fs/cgroup/freezer" + f[2] + "/freezer.state").trim();
            }
            if (f[0].equals("0") && Files.exists(Path.of("/sys/fs/cgroup" + f[2] + "/cgroup.freeze"))
                    && !Files.isDirectory(Path.of("/sys/fs/cgroup/freezer"))) {
                return Host.read("/sys/fs/cgroup" + f[2] + "/cgroup.freeze").trim().equals("1") ? "FROZEN" : "THAWED";
            }
        }
        throw new AssertionError("no freezer cgroup for " + pid);
    }

    private static String memoryLimit(long pid) {
        for (String line : Host.read("/proc/" + pid + "/cgroup").split("\n")) {
            String[] f = line.split(":", 3);
            if (f[1].equals("memory")) {
                return Host.read("/sys/fs/cgroup/memory" + f[2] + "/memory.limit_in_bytes").trim();
            }
            if (f[0].equals("0") && !Files.isDirectory(Path.of("/sys/fs/cgroup/memory"))) {
                return Host.read("/sys/fs/cgroup" + f[2] + "/memory.max").trim();
            }
        }
        throw new AssertionError("no memory cgroup for " + pid);
    }

    @Test
    void capDropLeavesTheSameCapabilities() {
        Both b = run("--rm", "--cap-drop", "all", "--cap-add", "chown", Podman.IMAGE, "grep", "^Cap", "/proc/self/status");
        assertSameResult(b, 0);
        assertTrue(b.hull.out().contains("CapEff:\t0000000000000001\n"), b::toString);
        assertTrue(b.hull.out().contains("CapBnd:\t0000000000000001\n"), b::toString);
    }

    @Test
    void seccompProfilesApply() throws IOException {
        Path profile = dir.resolve("seccomp.json");
        Files.writeString(profile, """
                {"defaultAction": "SCMP_ACT_ALLOW",
                 "syscalls": [{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO", "errnoRet": 1}]}
                """);
        Both custom = run("--rm", "--security-opt", "seccomp=" + profile, Podman.IMAGE, "sh", "-c",
                "mkdir /tmp/x 2>&1; grep ^Seccomp: /proc/self/status");
        assertSameResult(custom, 0);
        assertTrue(custom.hull.out().contains("Operation not permitted"), custom::toString);
        assertTrue(custom.hull.out().contains("Seccomp:\t2"), custom::toString);
        // Podman's default profile
        Both dflt = run("--rm", Podman.IMAGE, "grep", "^Seccomp:", "/proc/self/status");
        assertSameResult(dflt, 0);
        assertEquals("Seccomp:\t2\n", dflt.hull.out());
        Both unconfined = run("--rm", "--security-opt", "seccomp=unconfined", Podman.IMAGE, "grep", "^Seccomp:", "/proc/self/status");
        assertSameResult(unconfined, 0);
        assertEquals("Seccomp:\t0\n", unconfined.hull.out());
    }

    @Test
    void uidmapRunsTheContainerInAUserNamespace() {
        Both b = run("--rm", "--uidmap", "0:100000:65536", "--gidmap", "0:100000:65536", Podman.IMAGE, "sh", "-c",
                "cat /proc/self/uid_map /proc/self/gid_map; id -u; stat -c %u /bin/busybox");
        assertSameResult(b, 0);
        assertEquals("         0     100000      65536\n         0     100000      65536\n0\n0\n", b.hull.out());
    }

    @Test
    void runWithATerminal() throws Exception {
        // script(1) gives podman a pty of its own, as an interactive shell would
        for (Podman p : List.of(runc, hull)) {
            List<String> argv = p.argv(Podman.runArgs("run", "--rm", "-it", Podman.IMAGE, "sh", "-c",
                    "tty; [ -t 0 ] && [ -t 1 ] && echo both-ttys; exit 5"));
            Path out = dir.resolve("script.out");
            ProcessBuilder pb = new ProcessBuilder("script", "-qec", shellQuote(argv), "/dev/null");
            pb.environment().put("CONTAINERS_CONF", p.dir.resolve("containers.conf").toString());
            pb.redirectOutput(out.toFile()).redirectErrorStream(true);
            Process proc = pb.start();
            // stdin stays open: at its EOF script(1) may stop copying the output before it is all read
            try (var stdin = proc.getOutputStream()) {
                assertTrue(proc.waitFor(60, java.util.concurrent.TimeUnit.SECONDS), "podman run -it timed out");
            }
            String text = Files.readString(out);
            assertEquals(5, proc.exitValue(), () -> p.runtime + ": " + text);
            assertTrue(text.contains("/dev/pts/0\r\nboth-ttys\r\n"), () -> p.runtime + ": " + text);
        }
    }

    private static String shellQuote(List<String> argv) {
        StringBuilder b = new StringBuilder();
        for (String a : argv) {
            b.append(b.isEmpty() ? "" : " ").append('\'').append(a.replace("'", "'\\''")).append('\'');
        }
        return b.toString();
    }

    private static void waitForLog(Podman p, String id, String text) throws InterruptedException {
        for (int i = 0; i < 100; i++) {
            if (p.run("logs", id).out().contains(text)) {
                return;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("\"" + text + "\" never appeared in the logs of " + id + " (" + p.runtime + ")");
    }
}
