package dev.hull.runtime.it;

import static dev.hull.runtime.it.TestBundle.obj;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hull.spec.json.Json;
import dev.hull.sys.UnixSocket;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * linux.seccomp, checked by what the container sees: a blocked call's errno, death by SIGSYS,
 * the Seccomp lines of /proc/self/status, argument filters, the capability sets after a filter
 * loaded without no_new_privs, and a seccomp agent that receives the listener and answers.
 */
class SeccompIT extends ContainerTest {
    private static final String ENOSYS_TEXT = "Function not implemented";

    private static Map<String, Object> rule(List<String> names, String action, Object... more) {
        Map<String, Object> r = obj("names", names, "action", action);
        for (int i = 0; i < more.length; i += 2) {
            r.put((String) more[i], more[i + 1]);
        }
        return r;
    }

    private static Map<String, Object> arg(int index, long value, long valueTwo, String op) {
        return obj("index", index, "value", value, "valueTwo", valueTwo, "op", op);
    }

    private TestBundle withSeccomp(Object... rules) {
        TestBundle b = bundle();
        b.set("linux.seccomp", obj("defaultAction", "SCMP_ACT_ALLOW",
                "architectures", List.of("SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"),
                "syscalls", List.of(rules)));
        return b;
    }

    private Cmd.Result run(TestBundle b) {
        return hull("run", "--bundle", b.dir.toString(), newId());
    }

    private static final List<String> MKDIR = List.of("mkdir", "mkdirat");

    @Test
    void aBlockedCallFailsWithTheConfiguredErrno() {
        TestBundle b = withSeccomp(rule(MKDIR, "SCMP_ACT_ERRNO", "errnoRet", 38));
        b.sh("mkdir /tmp/x; echo rc=$?; grep -E '^(Seccomp|Seccomp_filters|NoNewPrivs):' /proc/self/status");
        Cmd.Result r = run(b);
        assertEquals(0, r.code(), r.toString());
        assertEquals("mkdir: can't create directory '/tmp/x': " + ENOSYS_TEXT + "\n", r.err());
        assertEquals("rc=1\nNoNewPrivs:\t1\nSeccomp:\t2\nSeccomp_filters:\t1\n", r.out());
    }

    @Test
    void errnoWithoutErrnoRetIsEperm() {
        TestBundle b = withSeccomp(rule(MKDIR, "SCMP_ACT_ERRNO"));
        b.args("mkdir", "/tmp/x");
        Cmd.Result r = run(b);
        assertEquals(1, r.code(), r.toString());
        assertEquals("mkdir: can't create directory '/tmp/x': Operation not permitted\n", r.err());
    }

    @Test
    void killActionsKillWithSigsys() {
        for (String action : List.of("SCMP_ACT_KILL", "SCMP_ACT_KILL_PROCESS", "SCMP_ACT_KILL_THREAD", "SCMP_ACT_TRAP")) {
            TestBundle b = withSeccomp(rule(MKDIR, action));
            b.args("mkdir", "/tmp/x");
            Cmd.Result r = run(b);
            assertEquals(128 + 31, r.code(), action + ": " + r);
        }
    }

    @Test
    void argumentFiltersLetOnlyOneValueThrough() {
        // personality(2) denied unless its argument is PER_LINUX (0): linux64 asks for PER_LINUX,
        // linux32 for PER_LINUX32 (8)
        TestBundle b = withSeccomp(rule(List.of("personality"), "SCMP_ACT_ERRNO", "errnoRet", 1,
                "args", List.of(arg(0, 0, 0, "SCMP_CMP_NE"))));
        b.sh("linux64 true; echo rc64=$?; linux32 true; echo rc32=$?");
        Cmd.Result r = run(b);
        assertEquals("rc64=0\nrc32=1\n", r.out(), r.toString());
        assertTrue(r.err().contains("Operation not permitted"), r.err());
    }

    @Test
    void maskedEquality() {
        // busybox mkdir asks for mode 0777: (0777 & 0700) == 0700 matches, (0777 & 0700) == 0500 not
        TestBundle b = withSeccomp(rule(List.of("mkdir"), "SCMP_ACT_ERRNO", "errnoRet", 13,
                "args", List.of(arg(1, 0700, 0700, "SCMP_CMP_MASKED_EQ"))),
                rule(List.of("mkdirat"), "SCMP_ACT_ERRNO", "errnoRet", 13,
                        "args", List.of(arg(2, 0700, 0700, "SCMP_CMP_MASKED_EQ"))));
        b.args("mkdir", "/tmp/x");
        Cmd.Result r = run(b);
        assertEquals("mkdir: can't create directory '/tmp/x': Permission denied\n", r.err());
        TestBundle c = withSeccomp(rule(List.of("mkdir"), "SCMP_ACT_ERRNO", "errnoRet", 13,
                "args", List.of(arg(1, 0700, 0500, "SCMP_CMP_MASKED_EQ"))),
                rule(List.of("mkdirat"), "SCMP_ACT_ERRNO", "errnoRet", 13,
                        "args", List.of(arg(2, 0700, 0500, "SCMP_CMP_MASKED_EQ"))));
        c.sh("mkdir /dev/shm/x && echo made");
        assertEquals("made\n", run(c).out());
    }

    @Test
    void logAllowsTheCall() {
        TestBundle b = withSeccomp(rule(MKDIR, "SCMP_ACT_LOG"));
        b.set("linux.seccomp.flags", List.of("SECCOMP_FILTER_FLAG_LOG"));
        b.sh("mkdir /dev/shm/x && echo made; grep '^Seccomp:' /proc/self/status");
        Cmd.Result r = run(b);
        assertEquals("made\nSeccomp:\t2\n", r.out(), r.toString());
    }

    // ---- capabilities: seccomp(2) needs no_new_privs or CAP_SYS_ADMIN ----

    private String capsOf(TestBundle b) {
        b.sh("grep -E '^(CapEff|CapPrm|NoNewPrivs|Seccomp):' /proc/self/status");
        Cmd.Result r = run(b);
        assertEquals(0, r.code(), r.toString());
        return r.out();
    }

    @Test
    void withoutNoNewPrivsTheCapabilitiesEndExactlyAsConfigured() {
        TestBundle b = withSeccomp(rule(MKDIR, "SCMP_ACT_ERRNO"));
        b.set("process.noNewPrivileges", false);
        // runc's default set lacks CAP_SYS_ADMIN: it is held until the filter is loaded, then dropped
        assertEquals("CapPrm:\t0000000020000420\nCapEff:\t0000000020000420\nNoNewPrivs:\t0\nSeccomp:\t2\n", capsOf(b));
        // not root: after exec only the ambient set survives (CAP_KILL, in every set)
        b.set("process.user", obj("uid", 1000, "gid", 1000));
        List<String> kill = List.of("CAP_KILL");
        b.set("process.capabilities", obj("bounding", kill, "effective", kill, "permitted", kill, "inheritable", kill,
                "ambient", kill));
        assertEquals("CapPrm:\t0000000000000020\nCapEff:\t0000000000000020\nNoNewPrivs:\t0\nSeccomp:\t2\n", capsOf(b));
    }

    @Test
    void withoutCapabilitiesANonRootUserEndsWithNone() {
        TestBundle b = withSeccomp(rule(MKDIR, "SCMP_ACT_ERRNO"));
        b.set("process.noNewPrivileges", false);
        b.set("process.capabilities", null);
        b.set("process.user", obj("uid", 1000, "gid", 1000));
        assertEquals("CapPrm:\t0000000000000000\nCapEff:\t0000000000000000\nNoNewPrivs:\t0\nSeccomp:\t2\n", capsOf(b));
    }

    @Test
    void capabilitiesWithSysAdminNeedNothingHeld() {
        TestBundle b = withSeccomp(rule(MKDIR, "SCMP_ACT_ERRNO"));
        b.set("process.noNewPrivileges", false);
        List<String> caps = List.of("CAP_SYS_ADMIN", "CAP_KILL");
        b.set("process.capabilities", obj("bounding", caps, "effective", caps, "permitted", caps));
        assertEquals("CapPrm:\t0000000000200020\nCapEff:\t0000000000200020\nNoNewPrivs:\t0\nSeccomp:\t2\n", capsOf(b));
    }

    @Test
    void inAUserNamespace() throws Exception {
        // the container's root is host uid 100000: it must reach the bundle
        Files.setPosixFilePermissions(dir, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        TestBundle b = withSeccomp(rule(MKDIR, "SCMP_ACT_ERRNO", "errnoRet", 38));
        b.namespace("user", null);
        b.set("linux.uidMappings", List.of(obj("containerID", 0, "hostID", 100000, "size", 65536)));
        b.set("linux.gidMappings", List.of(obj("containerID", 0, "hostID", 100000, "size", 65536)));
        b.set("process.noNewPrivileges", false);
        b.sh("mkdir /tmp/x; grep -E '^(CapEff|Seccomp):' /proc/self/status; cat /proc/self/uid_map");
        Cmd.Result r = run(b);
        assertTrue(r.err().contains(ENOSYS_TEXT), r.toString());
        assertTrue(r.out().startsWith("CapEff:\t0000000020000420\nSeccomp:\t2\n"), r.out());
        assertTrue(r.out().contains("100000"), r.out());
    }

    // ---- NOTIFY: the agent receives the listener and the container's state ----

    private static final int SECCOMP_IOCTL_NOTIF_RECV = 0xc0502100, SECCOMP_IOCTL_NOTIF_SEND = 0xc0182101;
    private static final int EXDEV = 18;

    @SuppressWarnings("restricted")
    private static final MethodHandle IOCTL = Linker.nativeLinker().downcallHandle(
            Linker.nativeLinker().defaultLookup().find("ioctl").orElseThrow(),
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_LONG, ValueLayout.ADDRESS),
            Linker.Option.firstVariadicArg(2));

    /** What the agent saw: the message, and the pid and syscall of the notification it answered. */
    record Seen(Map<String, Object> message, int notifiedPid, long notifiedParent, int nr) {}

    /** Accepts one connection, reads the fd and the JSON, answers one notification with EXDEV. */
    private static Seen agent(UnixSocket listener) throws Throwable {
        try (UnixSocket conn = listener.accept(20000)) {
            if (conn == null) {
                throw new AssertionError("nobody connected to the listener socket");
            }
            UnixSocket.Received got = conn.receive(1 << 16);
            byte[] json = got.data();
            // the rest of the message, if the stream split it
            while (json.length == 0 || json[json.length - 1] != '}') {
                byte[] more = UnixSocket.read(conn.fd(), 1 << 16);
                if (more.length == 0) {
                    break;
                }
                byte[] all = new byte[json.length + more.length];
                System.arraycopy(json, 0, all, 0, json.length);
                System.arraycopy(more, 0, all, json.length, more.length);
                json = all;
            }
            assertTrue(got.fd() >= 0, "no fd came with the message");
            // every copy of the connection is closed once the fd is sent (the executor's parent
            // too, which lives on in `run`): the program cannot write to the agent
            assertTrue(UnixSocket.readable(conn.fd(), 10000), "the agent's connection stayed open");
            assertEquals(0, UnixSocket.read(conn.fd(), 16).length);
            @SuppressWarnings("unchecked")
            Map<String, Object> msg = (Map<String, Object>) Json.parse(json);
            try (Arena a = Arena.ofConfined()) {
                MemorySegment notif = a.allocate(80, 8);
                int r = (int) IOCTL.invokeExact(got.fd(), (long) SECCOMP_IOCTL_NOTIF_RECV, notif);
                assertEquals(0, r, "SECCOMP_IOCTL_NOTIF_RECV");
                long id = notif.get(ValueLayout.JAVA_LONG, 0);
                int pid = notif.get(ValueLayout.JAVA_INT, 8);
                int nr = notif.get(ValueLayout.JAVA_INT, 16);
                // the caller waits in the syscall: its parent (the container's shell) can be read
                long ppid = Long.parseLong(Host.status(pid).get("PPid"));
                MemorySegment resp = a.allocate(24, 8);
                resp.set(ValueLayout.JAVA_LONG, 0, id);
                resp.set(ValueLayout.JAVA_LONG, 8, 0);
                resp.set(ValueLayout.JAVA_INT, 16, -EXDEV);
                r = (int) IOCTL.invokeExact(got.fd(), (long) SECCOMP_IOCTL_NOTIF_SEND, resp);
                assertEquals(0, r, "SECCOMP_IOCTL_NOTIF_SEND");
                return new Seen(msg, pid, ppid, nr);
            } finally {
                UnixSocket.closeFd(got.fd());
            }
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void notifyHandsTheListenerToTheAgent() throws Exception {
        Path sock = dir.resolve("agent.sock");
        TestBundle b = withSeccomp(rule(MKDIR, "SCMP_ACT_NOTIFY"));
        b.set("linux.seccomp.listenerPath", sock.toString());
        b.set("linux.seccomp.listenerMetadata", "hello agent");
        b.sh("mkdir /tmp/x; echo rc=$?; ls -l /proc/$$/fd | grep -c socket; grep '^Seccomp:' /proc/self/status");
        String id = newId();
        try (UnixSocket listener = UnixSocket.listen(sock)) {
            CompletableFuture<Seen> seen = CompletableFuture.supplyAsync(() -> {
                try {
                    return agent(listener);
                } catch (Throwable t) {
                    throw new RuntimeException(t);
                }
            });
            Cmd.Result r = hull("run", "--bundle", b.dir.toString(), id);
            Seen s = seen.get(30, TimeUnit.SECONDS);
            assertEquals("mkdir: can't create directory '/tmp/x': Invalid cross-device link\n", r.err(), r.toString());
            // no socket reached the program: the agent's connection was closed, not inherited
            assertEquals("rc=1\n0\nSeccomp:\t2\n", r.out());
            Map<String, Object> m = s.message();
            assertEquals(List.of("seccompFd"), m.get("fds"));
            assertEquals("hello agent", m.get("metadata"));
            assertEquals(b.config.get("ociVersion"), m.get("ociVersion"));
            Map<String, Object> state = (Map<String, Object>) m.get("state");
            assertEquals(id, state.get("id"));
            assertEquals("creating", state.get("status"));
            assertEquals(b.dir.toString(), state.get("bundle"));
            // the host's pid of the container's first process, whose child (mkdir) made the call
            assertEquals(((Number) m.get("pid")).longValue(), ((Number) state.get("pid")).longValue());
            assertEquals(((Number) m.get("pid")).longValue(), s.notifiedParent());
            assertTrue(s.nr() == 83 || s.nr() == 258, "mkdir or mkdirat: " + s.nr());
        }
    }

    @Test
    void anAgentThatIsNotThereFailsCreate() {
        TestBundle b = withSeccomp(rule(MKDIR, "SCMP_ACT_NOTIFY"));
        b.set("linux.seccomp.listenerPath", dir.resolve("nobody.sock").toString());
        Cmd.Result r = run(b);
        assertEquals(1, r.code());
        assertTrue(r.err().contains("connect to seccomp listener socket " + dir.resolve("nobody.sock")), r.err());
    }

    @Test
    @SuppressWarnings("unchecked")
    void featuresDescribeSeccomp() throws Exception {
        Map<String, Object> f = (Map<String, Object>) Json.parse(ok("features").out());
        Map<String, Object> sc = (Map<String, Object>) ((Map<String, Object>) f.get("linux")).get("seccomp");
        assertEquals(true, sc.get("enabled"));
        assertTrue(((List<String>) sc.get("actions")).contains("SCMP_ACT_NOTIFY"));
        assertEquals(7, ((List<String>) sc.get("operators")).size());
        assertTrue(((List<String>) sc.get("archs")).contains("SCMP_ARCH_X86_64"));
        assertEquals(List.of("SECCOMP_FILTER_FLAG_TSYNC", "SECCOMP_FILTER_FLAG_LOG", "SECCOMP_FILTER_FLAG_SPEC_ALLOW",
                "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV"), sc.get("knownFlags"));
        // this kernel's: the flags of /proc/sys/kernel/seccomp/actions_avail's era (TSYNC 3.17 .. 6.0)
        assertTrue(((List<String>) sc.get("supportedFlags")).containsAll(List.of("SECCOMP_FILTER_FLAG_TSYNC",
                "SECCOMP_FILTER_FLAG_LOG")), sc.toString());
    }

    // ---- errors: one line naming the field; nothing left behind (ContainerTest checks) ----

    private String error(TestBundle b) {
        Cmd.Result r = run(b);
        assertEquals(1, r.code(), r.toString());
        assertEquals("", r.out());
        return r.err();
    }

    @Test
    void errorsNameTheField() {
        TestBundle b = withSeccomp(rule(MKDIR, "SCMP_ACT_ERRNO"), rule(List.of("getpid"), "SCMP_ACT_SOMETIMES"));
        assertEquals("hull-runtime: config.json: linux.seccomp.syscalls[1].action: unknown action "
                + "\"SCMP_ACT_SOMETIMES\"\n", error(b));
        b = withSeccomp();
        b.set("linux.seccomp.architectures", List.of("SCMP_ARCH_X86_64", "SCMP_ARCH_PDP11"));
        assertEquals("hull-runtime: config.json: linux.seccomp.architectures[1]: unknown architecture "
                + "\"SCMP_ARCH_PDP11\"\n", error(b));
        b = withSeccomp();
        b.set("linux.seccomp.flags", List.of("SECCOMP_FILTER_FLAG_SOON"));
        assertEquals("hull-runtime: config.json: linux.seccomp.flags[0]: unknown flag "
                + "\"SECCOMP_FILTER_FLAG_SOON\"\n", error(b));
        b = withSeccomp();
        b.set("linux.seccomp.syscalls", "mkdir");
        assertTrue(error(b).startsWith("hull-runtime: config.json: linux.seccomp.syscalls: "), b.toString());
        b = withSeccomp();
        b.set("linux.seccomp.defaultAction", 7);
        assertTrue(error(b).startsWith("hull-runtime: config.json: linux.seccomp.defaultAction: "));
    }

    @Test
    void theCompiledFilterIsCachedUnderTheRoot() throws Exception {
        TestBundle b = withSeccomp(rule(MKDIR, "SCMP_ACT_ERRNO", "errnoRet", 38));
        b.args("true");
        assertEquals(0, run(b).code());
        Path cache = state.resolve("@seccomp");
        List<Path> files = new ArrayList<>();
        try (var s = Files.list(cache)) {
            s.forEach(files::add);
        }
        assertEquals(1, files.size(), files.toString());
        assertTrue(files.get(0).getFileName().toString().matches("[0-9a-f]{1,16}\\.bpf"));
        assertEquals("rwx------", java.nio.file.attribute.PosixFilePermissions.toString(
                Files.getPosixFilePermissions(cache)));
        // a second run uses it (same bytes; the file is not rewritten)
        long before = Files.getLastModifiedTime(files.get(0)).toMillis();
        Thread.sleep(20);
        b.sh("mkdir /tmp/x 2>&1");
        Cmd.Result r = run(b);
        assertEquals(before, Files.getLastModifiedTime(files.get(0)).toMillis());
        assertEquals("mkdir: can't create directory '/tmp/x': " + ENOSYS_TEXT + "\n", r.out());
    }
}
