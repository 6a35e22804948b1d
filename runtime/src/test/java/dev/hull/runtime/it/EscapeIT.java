package dev.hull.runtime.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hull.spec.Capabilities;
import dev.hull.sys.UnixSocket;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A container process trying to get out through the runtime: by overwriting the executor's binary
 * (/proc/PID/exe, CVE-2019-5736), by ptrace-like access to the executor, through a file
 * descriptor of the runtime, or through its cwd (CVE-2024-21626). Mount destinations and cwds
 * through symlinks that point out of the rootfs are MountsIT's ("security" section).
 */
class EscapeIT extends ContainerTest {

    private Path shared() throws IOException {
        Path s = dir.resolve("shared");
        if (!Files.isDirectory(s)) {
            Files.createDirectory(s);
            Files.setPosixFilePermissions(s, PosixFilePermissions.fromString("rwxrwxrwx"));
        }
        return s;
    }

    /** A bundle with the test's shared directory on /shared. */
    private TestBundle sharing() throws IOException {
        TestBundle b = bundle();
        Files.createDirectories(b.rootfs.resolve("shared"));
        b.mount("/shared", "bind", shared().toString(), "rbind", "rw");
        return b;
    }

    private static List<String> allCapabilities() {
        int last = Integer.parseInt(Host.read("/proc/sys/kernel/cap_last_cap").trim());
        return Capabilities.all().subList(0, Math.min(Capabilities.all().size(), last + 1));
    }

    /** Every capability this runtime has (CapBnd: the host may withhold some from the test). */
    private static void allCaps(TestBundle b) {
        long bounding = Long.parseLong(Host.status("self").get("CapBnd"), 16);
        List<String> all = new java.util.ArrayList<>();
        for (String c : allCapabilities()) {
            if ((bounding & (1L << Capabilities.number(c))) != 0) {
                all.add(c);
            }
        }
        setCaps(b, all);
    }

    private static void setCaps(TestBundle b, List<String> all) {
        b.set("process.capabilities", TestBundle.obj("bounding", all, "effective", all, "permitted", all));
    }

    /** `hull-runtime run` in the background; the Process is the front (bin/hull-runtime execs it). */
    private Process runInBackground(TestBundle b, String id, Map<String, String> env) throws IOException {
        return runInBackground(Host.HULL, b, id, env);
    }

    private Process runInBackground(Path hull, TestBundle b, String id, Map<String, String> env) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(hull.toString(), "--root", state.toString(), "run",
                "--bundle", b.dir.toString(), id).directory(dir.toFile());
        pb.environment().putAll(env);
        pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        pb.redirectOutput(dir.resolve(id + ".out").toFile());
        pb.redirectError(dir.resolve(id + ".err").toFile());
        return pb.start();
    }

    private void awaitExit(Process p, String id) throws Exception {
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "run of " + id + " did not end");
        assertEquals(0, p.exitValue(), () -> "run of " + id + ": " + read(dir.resolve(id + ".err")));
    }

    private static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            throw new AssertionError("cannot read " + p + ": " + e);
        }
    }

    private static void awaitFile(Path p) {
        LifecycleIT.waitFor(() -> Files.exists(p));
    }

    private static String sha256(Path p) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(p)));
    }

    // ---- (a) the executor's binary ----

    /**
     * CVE-2019-5736. Container B shares the host's pid namespace and has every capability; it
     * finds its executor P ($PPID) and the front (P's parent) and tries to write their
     * /proc/PID/exe. Container A, the same, keeps an fd on the front's exe and writes through it
     * once the front has exited, when the host's binary would no longer be busy: this is what
     * overwrote runc. The fd reaches a sealed memfd, and the host's hull-exec stays as it was.
     * (Against the executor before the memfd, both late writes succeeded and emptied it.)
     */
    @Test
    void executorBinaryCannotBeOverwrittenFromTheContainer() throws Exception {
        Path hull = privateRuntime();
        Path executor = dir.resolve("top/hull-exec");
        String before = sha256(executor);
        Path s = shared();

        TestBundle a = sharing().withoutNamespace("pid");
        allCaps(a);
        a.sh("while [ ! -s /shared/pids ]; do sleep 0.05; done; read f p < /shared/pids;"
                + " exec 3< /proc/$f/exe; touch /shared/opened;"
                + " while [ -e /proc/$f/exe ]; do sleep 0.05; done;"
                + " { printf x >> /proc/self/fd/3; } 2> /shared/late; echo \"rc $?\" >> /shared/late;"
                + " { true > /proc/self/fd/3; } 2>> /shared/late; echo \"rc $?\" >> /shared/late;"
                + " exec sleep 1000");
        String idA = newId();
        ok("create", "--bundle", a.dir.toString(), idA);
        try {
            ok("start", idA);
            TestBundle b = sharing().withoutNamespace("pid");
            allCaps(b);
            b.sh("p=$PPID; f=$(sed -n 's/^PPid:[[:space:]]*//p' /proc/$p/status);"
                    + " readlink /proc/$f/exe > /shared/links; readlink /proc/$p/exe >> /shared/links;"
                    + " { printf x >> /proc/$f/exe; } 2> /shared/front; echo \"rc $?\" >> /shared/front;"
                    + " { printf x >> /proc/$p/exe; } 2> /shared/executor; echo \"rc $?\" >> /shared/executor;"
                    + " echo \"$f $p\" > /shared/pids.new; mv /shared/pids.new /shared/pids;"
                    + " while [ ! -e /shared/opened ]; do sleep 0.05; done");
            String idB = newId();
            Process front = runInBackground(hull, b, idB, Map.of());
            awaitExit(front, idB);

            String[] pids = read(s.resolve("pids")).trim().split(" ");
            assertEquals(front.pid(), Long.parseLong(pids[0]), "the container found the front");
            for (String who : new String[] {"front", "executor"}) {
                String out = read(s.resolve(who));
                // busy while it runs; and a sealed memfd in any case
                assertFalse(out.endsWith("rc 0\n"), who + ": " + out);
                assertTrue(out.contains("Text file busy") || out.contains("Operation not permitted"), who + ": " + out);
            }
            awaitFile(s.resolve("late"));
            LifecycleIT.waitFor(() -> read(s.resolve("late")).split("rc ").length == 3);
            String late = read(s.resolve("late"));
            assertFalse(late.contains("rc 0\n"), late);
            assertTrue(late.contains("Operation not permitted"), "sealed: " + late);
            assertEquals(before, sha256(executor), "the host's hull-exec changed");
            // what they reached: the sealed copy, in the front as in the executor forked from it
            assertEquals(Host.EXECUTOR_EXE + "\n" + Host.EXECUTOR_EXE + "\n", read(s.resolve("links")));
        } finally {
            ok("delete", "--force", idA);
        }
        assertEquals(before, sha256(executor));
    }

    /**
     * bin/hull-runtime with its own copy of hull-exec, in the test directory: should the attack
     * succeed, it damages that copy (the old executor was emptied) rather than the build.
     */
    private Path privateRuntime() throws IOException {
        Path top = Files.createDirectories(dir.resolve("top"));
        Files.createDirectories(top.resolve("bin"));
        Files.createDirectories(top.resolve("build"));
        Path hull = Files.copy(Host.HULL, top.resolve("bin/hull-runtime"), StandardCopyOption.COPY_ATTRIBUTES);
        StringBuilder env = new StringBuilder();
        for (String line : Host.read(Host.TOP.resolve("build/env").toString()).lines().toList()) {
            if (line.startsWith("HULL_EXECUTOR=")) {
                Path copy = Files.copy(Path.of(line.substring(14)), top.resolve("hull-exec"),
                        StandardCopyOption.COPY_ATTRIBUTES);
                line = "HULL_EXECUTOR=" + copy;
            }
            env.append(line).append('\n');
        }
        Files.writeString(top.resolve("build/env"), env);
        Path aot = Host.TOP.resolve("build/hull-runtime.aot");
        if (Files.exists(aot)) {
            Files.createSymbolicLink(top.resolve("build/hull-runtime.aot"), aot);
        }
        return hull;
    }

    // ---- (e) the executor is not dumpable ----

    /**
     * Container A has a user namespace and every capability in it, and shares the host's pid
     * namespace (with the host's /proc bound in: a proc filesystem of that pid namespace cannot
     * be mounted from a user namespace). Container B joins A's user namespace: B's executor P,
     * root on the host, is then in A's user namespace for as long as B runs, where A holds
     * CAP_SYS_PTRACE. Only P being non-dumpable makes the kernel ask for CAP_SYS_PTRACE in the
     * host's namespace instead (that of P's memory): without it A could ptrace P, a host root
     * process, or reach its binary. The exe link shows that decision (with a dumpable P, A read
     * it); P's environ and fd directory are closed to A by their owner too (host root, which A's
     * namespace does not map), and are checked as a second line.
     */
    @Test
    void executorIsNotDumpableToAContainerSharingItsUserNamespace() throws Exception {
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path s = shared();
        Map<String, Object> map = TestBundle.obj("containerID", 0, "hostID", 100000, "size", 65536);

        TestBundle a = sharing().withoutNamespace("pid").namespace("user", null);
        a.set("linux.uidMappings", List.of(map));
        a.set("linux.gidMappings", List.of(map));
        hostProc(a);
        setCaps(a, allCapabilities()); // capabilities in its user namespace: all of them
        a.sh("while [ ! -s /shared/pids ]; do sleep 0.05; done; read p < /shared/pids;"
                + " { cat /proc/$p/environ; } > /shared/environ 2>&1; echo \"rc $?\" >> /shared/environ;"
                + " { ls /proc/$p/fd; } > /shared/fd 2>&1; echo \"rc $?\" >> /shared/fd;"
                + " { readlink /proc/$p/exe; } > /shared/exe 2>&1; echo \"rc $?\" >> /shared/exe;"
                + " sed -n 's/^CapEff:[[:space:]]*//p' /proc/self/status > /shared/capeff;"
                + " touch /shared/done; exec sleep 1000");
        String idA = newId();
        ok("create", "--bundle", a.dir.toString(), idA);
        try {
            ok("start", idA);
            long pidA = pid(idA);
            TestBundle b = sharing().withoutNamespace("pid").namespace("user", "/proc/" + pidA + "/ns/user");
            hostProc(b);
            b.sh("echo $PPID > /shared/pids.new; mv /shared/pids.new /shared/pids;"
                    + " while [ ! -e /shared/done ]; do sleep 0.05; done");
            String idB = newId();
            String secret = "HULL_IT_SECRET=" + Long.toHexString(System.nanoTime());
            Process front = runInBackground(b, idB, Map.of(secret.substring(0, 14), secret.substring(15)));
            awaitFile(s.resolve("pids"));
            long p = Long.parseLong(read(s.resolve("pids")).trim());
            if (Host.alive(p)) { // B still runs: P is in A's user namespace, root on the host
                assertEquals(Host.ns(pidA, "user"), Host.ns(p, "user"));
                assertEquals("0", Host.status(p).get("Uid").split("\\s+")[0]);
            }
            awaitExit(front, idB);

            String full = String.format("%016x", (1L << allCapabilities().size()) - 1);
            assertEquals(full + "\n", read(s.resolve("capeff")), "A has CAP_SYS_PTRACE in its user namespace");
            String environ = read(s.resolve("environ"));
            assertFalse(environ.contains(secret), "A read the runtime's environment");
            assertTrue(environ.contains("Permission denied") && !environ.endsWith("rc 0\n"), environ);
            String fds = read(s.resolve("fd"));
            assertTrue(fds.contains("Permission denied") && !fds.endsWith("rc 0\n"), fds);
            assertEquals("rc 1\n", read(s.resolve("exe")), "readlink of P's exe failed (busybox's says nothing)");
        } finally {
            ok("delete", "--force", idA);
        }
    }

    /** The host's /proc bound on /proc, for a user namespace that shares the host's pid namespace. */
    @SuppressWarnings("unchecked")
    private static void hostProc(TestBundle b) {
        b.mounts().removeIf(m -> "/proc".equals(((Map<String, Object>) m).get("destination")));
        b.mounts().add(0, TestBundle.obj("destination", "/proc", "type", "bind", "source", "/proc",
                "options", List.of("rbind")));
        b.write();
    }

    // ---- (b) file descriptors ----

    /**
     * The fds of the process, listed by ls exec'd in its place: ls adds the fd of the directory it
     * reads, left out (busybox shows it without a target, coreutils with the directory's path).
     */
    private static final String FDS = "exec ls -l /proc/self/fd 2>/dev/null";

    /** The fd numbers with a link target in `ls -l` output, "0 1 2 ". */
    private static String fds(Path listing) {
        StringBuilder b = new StringBuilder();
        for (String line : read(listing).lines().toList()) {
            int arrow = line.indexOf(" -> ");
            if (arrow > 0 && !line.endsWith("/fd")) {
                String head = line.substring(0, arrow);
                b.append(head.substring(head.lastIndexOf(' ') + 1)).append(' ');
            }
        }
        return b.toString();
    }

    /**
     * The container's first process and its createContainer/startContainer hooks see only stdio
     * and the --preserve-fds, whatever else the caller left open (fd 7 here, not close-on-exec):
     * under run and under create + start, and with a terminal from --console-socket.
     */
    @Test
    void containerAndHooksSeeOnlyStdioAndPreservedFds() throws Exception {
        Path s = shared();
        TestBundle b = sharing();
        b.set("hooks", TestBundle.obj(
                "createContainer", List.of(TestBundle.obj("path", "/bin/sh",
                        "args", List.of("sh", "-c", FDS + " > " + s.resolve("create-hook")))),
                "startContainer", List.of(TestBundle.obj("path", "/bin/sh",
                        "args", List.of("sh", "-c", FDS + " > /shared/start-hook")))));
        b.sh(FDS + " > /shared/init");
        String leaky = "exec 3</etc/hostname 4</etc/hostname 7</etc/hostname; exec \"$@\"";

        String id = newId();
        Cmd.Result r = Cmd.run(List.of("sh", "-c", leaky, "sh", Host.HULL.toString(), "--root", state.toString(),
                "run", "--preserve-fds", "2", "--bundle", b.dir.toString(), id), Duration.ofSeconds(60), Map.of(), dir);
        assertEquals(0, r.code(), r.toString());
        assertEquals("0 1 2 3 4 ", fds(s.resolve("init")), "run: stdio and the 2 preserved fds");
        assertEquals("0 1 2 ", fds(s.resolve("create-hook")));
        assertEquals("0 1 2 ", fds(s.resolve("start-hook")));

        String id2 = newId();
        r = Cmd.run(List.of("sh", "-c", leaky, "sh", Host.HULL.toString(), "--root", state.toString(),
                "create", "--preserve-fds", "1", "--bundle", b.dir.toString(), id2), Duration.ofSeconds(60), Map.of(), dir);
        assertEquals(0, r.code(), r.toString());
        // waiting for start, the executor C holds nothing but its own fds (close-on-exec) above them
        long pid = pid(id2);
        for (String fd : Kernel.list(Path.of("/proc/" + pid + "/fd"))) {
            int n = Integer.parseInt(fd);
            assertTrue(n <= 3 || (Integer.parseInt(Host.read("/proc/" + pid + "/fdinfo/" + fd)
                    .lines().filter(l -> l.startsWith("flags:")).findFirst().orElseThrow().substring(6).trim(), 8)
                    & 02000000) != 0, "fd " + fd + " of the created container is not close-on-exec");
        }
        ok("start", id2);
        LifecycleIT.waitFor(() -> status(id2).equals("stopped"));
        ok("delete", id2);
        assertEquals("0 1 2 3 ", fds(s.resolve("init")), "create + start: stdio and the preserved fd");
        assertEquals("0 1 2 ", fds(s.resolve("create-hook")));
        assertEquals("0 1 2 ", fds(s.resolve("start-hook")));

        b.set("process.terminal", true);
        String id3 = newId();
        Path sock = dir.resolve("console.sock");
        int master = -1;
        try (UnixSocket listener = UnixSocket.listen(sock)) {
            r = Cmd.run(List.of("sh", "-c", leaky, "sh", Host.HULL.toString(), "--root", state.toString(),
                    "create", "--console-socket", sock.toString(), "--bundle", b.dir.toString(), id3),
                    Duration.ofSeconds(60), Map.of(), dir);
            assertEquals(0, r.code(), r.toString());
            try (UnixSocket conn = listener.accept(5000)) {
                assertNotNull(conn, "nobody connected to the console socket");
                master = conn.receiveFd();
            }
            ok("start", id3);
            LifecycleIT.waitFor(() -> status(id3).equals("stopped"));
            ok("delete", id3);
        } finally {
            if (master >= 0) {
                UnixSocket.closeFd(master);
            }
        }
        assertEquals("0 1 2 ", fds(s.resolve("init")), "a terminal: its pty on stdio, nothing else");
        assertEquals("0 1 2 ", fds(s.resolve("create-hook")));
        assertEquals("0 1 2 ", fds(s.resolve("start-hook")));
    }

    /**
     * The executor P of a foreground run waits in the runtime's namespaces while the container
     * runs: it keeps none of the fds the caller left open (fd 7 here), with or without a terminal
     * proxy, so that nothing which reaches P finds them there.
     */
    @Test
    void theWaitingExecutorKeepsNoneOfTheCallersFds() throws Exception {
        TestBundle b = bundle();
        b.sh("sleep 30");
        String id = newId();
        ProcessBuilder pb = new ProcessBuilder("sh", "-c", "exec 7</etc/hostname 9</etc/hostname; exec \"$@\"",
                "sh", Host.HULL.toString(), "--root", state.toString(), "run", "--bundle", b.dir.toString(), id)
                .directory(dir.toFile());
        pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        pb.redirectOutput(dir.resolve(id + ".out").toFile());
        pb.redirectError(dir.resolve(id + ".err").toFile());
        Process front = pb.start();
        try {
            LifecycleIT.waitFor(() -> hull("state", id).code() == 0 && status(id).equals("running"));
            long container = pid(id);
            String stat = Host.read("/proc/" + container + "/stat");
            long p = Long.parseLong(stat.substring(stat.lastIndexOf(')') + 2).split(" ")[1]);
            assertTrue(Host.read("/proc/" + p + "/cmdline").startsWith("hull-exec")
                    || Files.readSymbolicLink(Path.of("/proc/" + p + "/exe")).toString().contains("hull-exec"),
                    "the container's parent is not the executor");
            List<String> fds = Kernel.list(Path.of("/proc/" + p + "/fd"));
            assertEquals(List.of("2"), fds.stream().sorted().toList(), "fds of the waiting executor " + p);
        } finally {
            hull("kill", id, "KILL");
            front.waitFor(30, TimeUnit.SECONDS);
        }
    }

    // ---- (b) the cwd through a leaked fd (CVE-2024-21626) ----

    /**
     * process.cwd /proc/self/fd/N, for every fd the executor may hold (a preserved fd on a host
     * directory among them), fails create and names process.cwd; the container never starts.
     */
    @Test
    void cwdThroughAnFdIsRefused() throws Exception {
        Path hostDir = Files.createDirectories(dir.resolve("host-dir"));
        TestBundle b = bundle();
        b.args("true");
        for (int n = 3; n <= 10; n++) {
            String cwd = "/proc/self/fd/" + n;
            b.set("process.cwd", cwd);
            String id = newId();
            Cmd.Result r = Cmd.run(List.of("sh", "-c", "exec 3<\"$0\"; exec \"$@\"", hostDir.toString(),
                    Host.HULL.toString(), "--root", state.toString(), "create", "--preserve-fds", "1",
                    "--bundle", b.dir.toString(), id), Duration.ofSeconds(60), Map.of(), dir);
            assertNotEquals(0, r.code(), cwd + " was accepted: " + r);
            assertTrue(r.err().contains("process.cwd " + cwd), r.err());
            assertEquals(1, hull("state", id).code(), "no container left");
        }
        assertEquals(List.of(), Kernel.list(hostDir));
    }

    /**
     * The cwd is resolved again, after pivot_root, by CHDIR itself: a createContainer hook that
     * swaps the directory made for it for a link to a magic link cannot redirect it.
     */
    @Test
    void cwdSwappedForAMagicLinkAfterItWasMadeIsRefused() throws Exception {
        TestBundle b = bundle();
        b.args("true");
        b.set("process.cwd", "/work");
        Path work = b.rootfs.resolve("work");
        b.set("hooks.createContainer", List.of(TestBundle.obj("path", "/bin/sh", "args", List.of("sh", "-c",
                "rmdir " + work + " && ln -s /proc/self/cwd " + work))));
        String id = newId();
        Cmd.Result r = hull("run", "--bundle", b.dir.toString(), id);
        assertNotEquals(0, r.code(), r.toString());
        assertTrue(r.err().contains("(change to process.cwd /work): process.cwd /work: a magic link"), r.err());
        assertTrue(r.err().contains("ELOOP"), r.err());
        assertTrue(Files.isSymbolicLink(work), "the hook ran");
    }
}
