package dev.hull.runtime.it;

import static dev.hull.runtime.it.TestBundle.obj;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hull.sys.UnixSocket;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code exec}: a process in a running container, compared with what the kernel shows of its init. */
class ExecIT extends ContainerTest {
    private static final String[] KINDS = {"cgroup", "ipc", "mnt", "net", "pid", "time", "user", "uts"};

    /** A detached exec of `sleep 1000`; its host pid, from --pid-file. */
    private long execSleeper(String id) throws Exception {
        return execSleeperAs(id, "sleep", "1000");
    }

    /** A detached exec of the command; its host pid, from --pid-file. */
    private long execSleeperAs(String id, String... command) throws Exception {
        Path pf = dir.resolve("exec-" + System.nanoTime() + ".pid");
        List<String> args = new ArrayList<>(List.of("exec", "-d", "--pid-file", pf.toString(), id));
        args.addAll(List.of(command));
        ok(args.toArray(String[]::new));
        return Long.parseLong(Files.readString(pf).trim());
    }

    private static String status(long pid, String field) {
        for (String line : Host.read("/proc/" + pid + "/status").split("\n")) {
            if (line.startsWith(field + ":")) {
                return line.substring(field.length() + 1).trim();
            }
        }
        throw new AssertionError(field + " not in /proc/" + pid + "/status");
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void joinsEveryNamespaceAndTheCgroupWithTheContainersSeccomp(boolean userNs) throws Exception {
        TestBundle b = bundle();
        if (userNs) {
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
            b.namespace("user", null);
            b.set("linux.uidMappings", List.of(obj("containerID", 0, "hostID", 100000, "size", 65536)));
            b.set("linux.gidMappings", List.of(obj("containerID", 0, "hostID", 100000, "size", 65536)));
        }
        b.namespace("cgroup", null).namespace("time", null);
        b.set("linux.seccomp", obj("defaultAction", "SCMP_ACT_ALLOW", "syscalls",
                List.of(obj("names", List.of("mkdir"), "action", "SCMP_ACT_ERRNO"))));
        b.args("sleep", "1000");
        String id = newId();
        ok("run", "-d", "--bundle", b.dir.toString(), id);
        long init = pid(id);
        long p = execSleeper(id);
        for (String k : KINDS) {
            Path theirs = Path.of("/proc/" + init + "/ns/" + k);
            assertEquals(Files.readSymbolicLink(theirs), Files.readSymbolicLink(Path.of("/proc/" + p + "/ns/" + k)), k);
        }
        assertNotEquals(Files.readSymbolicLink(Path.of("/proc/self/ns/mnt")),
                Files.readSymbolicLink(Path.of("/proc/" + p + "/ns/mnt")), "not the host's");
        assertEquals(Host.read("/proc/" + init + "/cgroup"), Host.read("/proc/" + p + "/cgroup"));
        assertEquals("2", status(p, "Seccomp"));
        assertEquals("1", status(p, "NoNewPrivs")); // runc's spec asks for it
        assertEquals(status(init, "CapEff"), status(p, "CapEff"));
        assertEquals(status(init, "CapBnd"), status(p, "CapBnd"));
        // ps and kill --all see it: it is in the container's cgroup
        assertTrue(ok("ps", "--format", "json", id).out().contains(Long.toString(p)));
        ok("kill", "--all", id, "KILL");
        LifecycleIT.waitFor(() -> !Files.exists(Path.of("/proc/" + p + "/status"))
                || status(p, "State").startsWith("Z"));
        ok("delete", "--force", id);
    }

    @Test
    void userGroupsEnvCwdAndExitCode() {
        String id = startSleeper(bundle());
        Cmd.Result r = hull("exec", "-u", "1000:1000", "-g", "5", "-g", "6", "--cwd", "/tmp", "-e", "FOO=bar",
                "-e", "PATH=/bin", id, "sh", "-c", "id -u; id -g; id -G; pwd; echo $FOO $PATH $HOME; exit 7");
        assertEquals(7, r.code(), r.toString());
        assertEquals("1000\n1000\n1000 5 6\n/tmp\nbar /bin /home/user\n", r.out());
        assertEquals("", r.err());
        Cmd.Result killed = hull("exec", id, "sh", "-c", "kill -USR1 $$");
        assertEquals(128 + 10, killed.code(), "128+N for signal N: " + killed);
        ok("delete", "--force", id);
    }

    @Test
    void execJoinsTheContainersSessionKeyringUnlessCreatedWithoutOne() {
        // /proc/keys (unmasked here) lists the keyrings the process possesses: its session keyring
        TestBundle a = bundle().set("linux.maskedPaths", List.of());
        String id = startSleeper(a);
        String own = ok("exec", id, "cat", "/proc/keys").out();
        ok("delete", "--force", id);
        assertTrue(own.contains(" _ses." + id + ": "), own);
        TestBundle b = bundle().set("linux.maskedPaths", List.of());
        b.args("sleep", "1000");
        String bare = newId();
        ok("create", "--no-new-keyring", "--bundle", b.dir.toString(), bare);
        ok("start", bare);
        String keys = ok("exec", bare, "cat", "/proc/keys").out();
        assertTrue(!keys.contains("_ses." + bare), "exec joined a new keyring of a --no-new-keyring container: " + keys);
        ok("delete", "--force", bare);
    }

    @Test
    void capabilitiesAddedWithCap() {
        String id = startSleeper(bundle());
        Cmd.Result r = ok("exec", "--cap", "CAP_SYS_ADMIN", id, "sh", "-c", "grep CapEff /proc/self/status");
        // runc's default three plus CAP_SYS_ADMIN (21)
        assertEquals("CapEff:\t0000000020200420\n", r.out());
        ok("delete", "--force", id);
    }

    @Test
    void processJson() throws Exception {
        String id = startSleeper(bundle());
        Path pj = dir.resolve("process.json");
        Files.writeString(pj, """
                {"args": ["sh", "-c", "echo $A; pwd; id -u; grep NoNewPrivs /proc/self/status"],
                 "env": ["A=from-json", "PATH=/bin"], "cwd": "/etc", "user": {"uid": 1000, "gid": 1000}}
                """);
        Cmd.Result r = ok("exec", "-p", pj.toString(), id);
        assertEquals("from-json\n/etc\n1000\nNoNewPrivs:\t0\n", r.out());

        Files.writeString(pj, "{\"args\": [\"true\"], \"cwd\": \"/\", \"user\": {\"uid\": \"x\"}}");
        Cmd.Result bad = hull("exec", "-p", pj.toString(), id);
        assertEquals(1, bad.code());
        assertTrue(bad.err().startsWith("hull-runtime: --process " + pj + ": process.user.uid: "), bad.err());
        Files.writeString(pj, "{\"args\": [\"true\"], ");
        bad = hull("exec", "-p", pj.toString(), id);
        assertTrue(bad.err().startsWith("hull-runtime: --process " + pj + " is not valid JSON"), bad.err());
        Files.writeString(pj, "{\"args\": [\"true\"], \"cwd\": \"rel\", \"user\": {\"uid\": 0, \"gid\": 0}}");
        bad = hull("exec", "-p", pj.toString(), id);
        assertTrue(bad.err().startsWith("hull-runtime: --process " + pj + ": process.cwd: "), bad.err());
        assertEquals(List.of(pid(id)), pidsOf(id), "nothing left in the cgroup");
        ok("delete", "--force", id);
    }

    private List<Long> pidsOf(String id) {
        List<Long> out = new ArrayList<>();
        for (String line : ok("ps", "--format", "json", id).out().replaceAll("[\\[\\]\\s]", "").split(",")) {
            if (!line.isEmpty()) {
                out.add(Long.parseLong(line));
            }
        }
        return out;
    }

    @Test
    void preserveFds() throws Exception {
        String id = startSleeper(bundle());
        Path f = dir.resolve("passed");
        Files.writeString(f, "through fd 3\n");
        Cmd.Result r = Cmd.run("sh", "-c", "exec 3<'" + f + "'; exec '" + Host.HULL + "' --root '" + state
                + "' exec --preserve-fds 1 " + id + " sh -c 'cat <&3; ls /proc/self/fd | wc -l'");
        assertEquals(0, r.code(), r.toString());
        String[] lines = r.out().split("\n");
        assertEquals("through fd 3", lines[0]);
        assertEquals("5", lines[1].trim(), "0 1 2 3 and ls's directory");
        ok("delete", "--force", id);
    }

    @Test
    void signalsAreForwardedToTheProcess() throws Exception {
        String id = startSleeper(bundle());
        ProcessBuilder pb = new ProcessBuilder(Host.HULL.toString(), "--root", state.toString(), "exec", id, "sh",
                "-c", "trap 'echo got-term; exit 9' TERM; echo ready; while :; do sleep 0.05; done");
        pb.redirectErrorStream(true);
        Process p = pb.start();
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        assertEquals("ready", out.readLine());
        p.toHandle().destroy(); // SIGTERM to hull-runtime
        assertEquals("got-term", out.readLine());
        assertTrue(p.waitFor(10, TimeUnit.SECONDS));
        assertEquals(9, p.exitValue());
        assertEquals(List.of(pid(id)), pidsOf(id));
        ok("delete", "--force", id);
    }

    @Test
    void ttyOverTheConsoleSocket() throws Exception {
        String id = startSleeper(bundle());
        Path sock = dir.resolve("console.sock");
        Path pf = dir.resolve("tty.pid");
        int master;
        try (UnixSocket listener = UnixSocket.listen(sock)) {
            ok("exec", "-d", "-t", "--console-socket", sock.toString(), "--pid-file", pf.toString(), id,
                    "sh", "-c", "tty; echo done-$((40+2)); sleep 1000");
            try (UnixSocket conn = listener.accept(5000)) {
                assertNotNull(conn, "nobody connected to the console socket");
                master = conn.receiveFd();
            }
        }
        try {
            StringBuilder got = new StringBuilder();
            long deadline = System.currentTimeMillis() + 10_000;
            while (!got.toString().contains("done-42") && System.currentTimeMillis() < deadline) {
                if (UnixSocket.readable(master, 1000)) {
                    got.append(new String(UnixSocket.read(master, 4096), StandardCharsets.UTF_8));
                }
            }
            assertTrue(got.toString().matches("(?s)/dev/pts/\\d+\r\ndone-42\r\n.*"), got.toString());
            long p = Long.parseLong(Files.readString(pf).trim());
            assertEquals(status(p, "NSsid").split("\\s+")[0], status(p, "NSpid").split("\\s+")[0],
                    "session leader: the pty is its controlling terminal");
        } finally {
            UnixSocket.closeFd(master);
        }
        ok("delete", "--force", id);
        assertTrue(Files.notExists(pf.resolveSibling("." + pf.getFileName() + ".tmp")), "pid file renamed into place");
    }

    @Test
    void createdContainerAcceptsExecAsRunc() {
        TestBundle b = bundle().args("sleep", "1000");
        String id = newId();
        ok("create", "--bundle", b.dir.toString(), id);
        assertEquals("in\n", ok("exec", id, "echo", "in").out());
        assertEquals("created", status(id));
        ok("delete", "--force", id);
    }

    @Test
    void refusedWithoutLeavingAnything() throws Exception {
        Cmd.Result missing = hull("exec", "nosuch", "true");
        assertEquals(1, missing.code());
        assertEquals("hull-runtime: container \"nosuch\" does not exist\n", missing.err());

        TestBundle b = bundle().args("true");
        String stopped = newId();
        ok("create", "--bundle", b.dir.toString(), stopped);
        ok("start", stopped);
        LifecycleIT.waitFor(() -> status(stopped).equals("stopped"));
        Cmd.Result r = hull("exec", stopped, "true");
        assertEquals(1, r.code());
        assertEquals("hull-runtime: cannot exec in a stopped container\n", r.err());
        ok("delete", stopped);

        String id = startSleeper(bundle());
        ok("pause", id);
        String procs = Host.read("/sys/fs/cgroup/pids/" + id + "/cgroup.procs");
        r = hull("exec", id, "true");
        assertEquals(1, r.code());
        assertEquals("hull-runtime: cannot exec in a paused container (use --ignore-paused to override)\n", r.err());
        assertEquals(procs, Host.read("/sys/fs/cgroup/pids/" + id + "/cgroup.procs"));
        ok("resume", id);
        r = hull("exec", id, "/no/such/program");
        assertEquals(1, r.code());
        assertTrue(r.err().startsWith("hull-runtime: exec: step "), r.err());
        r = hull("exec", "-d", "-t", id, "true");
        assertEquals(1, r.code());
        assertTrue(r.err().contains("--console-socket"), r.err());
        assertEquals(List.of(pid(id)), pidsOf(id));
        ok("delete", "--force", id);
    }

    /**
     * CVE-2019-5736 through exec: the program exec'd into the container is /proc/self/exe (or a
     * script whose interpreter it is), so the executor's own binary runs as a container process;
     * the container then writes through /proc/PID/exe. That is the sealed memfd, not the host's file.
     */
    @Test
    void theExecutorsBinaryCannotBeWrittenFromTheContainer() throws Exception {
        String id = startSleeper(bundle());
        Path executor = Host.TOP.resolve("native/target/hull-exec");
        byte[] before = Files.readAllBytes(executor);
        // the executor's binary, as the front, stays running in the container (its child sleeps)
        long evil = execSleeperAs(id, "/proc/self/exe", "--front", "--", "/bin/sleep", "1000");
        String exe = Files.readSymbolicLink(Path.of("/proc/" + evil + "/exe")).toString();
        assertEquals(Host.EXECUTOR_EXE, exe, "the executor runs from its sealed memfd");
        String inner = status(evil, "NSpid").split("\\s+")[1];
        Cmd.Result w = hull("exec", id, "sh", "-c", "printf x >> /proc/" + inner + "/exe; echo rc $?");
        assertTrue(w.out().contains("rc 1"), "the write failed: " + w);
        assertTrue(java.util.Arrays.equals(before, Files.readAllBytes(executor)), "hull-exec unchanged");
        ok("delete", "--force", id);
    }
}
