package dev.hull.runtime.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hull.spec.Capabilities;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * linux.namespaces, seen from the host through /proc/PID/ns/* (the namespace inodes), uid_map,
 * gid_map, timens_offsets and status, and from inside through probes.
 */
class NamespacesIT extends ContainerTest {

    /** config type -> /proc/PID/ns link name. */
    private static final Map<String, String> LINK = Map.of("pid", "pid", "network", "net", "ipc", "ipc",
            "uts", "uts", "mount", "mnt", "cgroup", "cgroup", "time", "time", "user", "user");

    private static final String ID_MAP = "         0     100000      65536\n"; // "%10u %10u %10u\n"

    @Test
    void everyNewNamespaceDiffersFromTheHosts() {
        TestBundle b = bundle();
        for (String t : List.of("pid", "network", "ipc", "uts", "mount", "cgroup", "time")) {
            b.namespace(t, null);
        }
        long pid = sleeper(b);
        for (String t : List.of("pid", "network", "ipc", "uts", "mount", "cgroup", "time")) {
            assertNotEquals(Host.ns("self", LINK.get(t)), Host.ns(pid, LINK.get(t)), t + " namespace");
        }
        assertEquals(Host.ns("self", "user"), Host.ns(pid, "user"), "no user namespace was asked for");
    }

    @Test
    void absentNamespacesAreTheHosts() {
        TestBundle b = bundle();
        for (String t : List.of("pid", "network", "ipc", "uts")) {
            b.withoutNamespace(t);
        }
        b.set("hostname", null); // needs a new UTS namespace
        long pid = sleeper(b);
        for (String t : List.of("pid", "network", "ipc", "uts", "cgroup", "time", "user")) {
            assertEquals(Host.ns("self", LINK.get(t)), Host.ns(pid, LINK.get(t)), t + " namespace");
        }
        assertNotEquals(Host.ns("self", "mnt"), Host.ns(pid, "mnt"), "the mount namespace is always new");
        // in the host's pid namespace: a single NSpid entry, the host pid
        assertEquals(Long.toString(pid), Host.status(pid).get("NSpid"));
    }

    /**
     * B joins A's network, IPC, UTS, PID, cgroup and time namespaces by path. A is a shell that
     * keeps writing its `ps` to a directory of the test, so what A sees of B is read from inside A.
     */
    @Test
    void joiningNamespacesByPath() throws IOException {
        Path out = Files.createDirectory(dir.resolve("out"));
        TestBundle a = bundle();
        a.mount("/out", "bind", out.toString(), "rbind", "rw");
        a.sh("while :; do ps > /out/ps.tmp; mv /out/ps.tmp /out/ps; sleep 0.1; done");
        a.namespace("cgroup", null);
        a.namespace("time", null);
        long pidA = sleeper(a);

        TestBundle b = bundle();
        List<String> joined = List.of("network", "ipc", "uts", "pid", "cgroup", "time");
        for (String t : joined) {
            b.namespace(t, "/proc/" + pidA + "/ns/" + LINK.get(t));
        }
        b.set("hostname", null);
        long pidB = sleeper(b);
        for (String t : joined) {
            assertEquals(Host.ns(pidA, LINK.get(t)), Host.ns(pidB, LINK.get(t)), t + " namespace");
        }
        assertNotEquals(Host.ns(pidA, "mnt"), Host.ns(pidB, "mnt"), "B has its own mount namespace");
        assertNotEquals(Host.ns("self", "pid"), Host.ns(pidB, "pid"));

        String[] nspid = Host.status(pidB).get("NSpid").split("\\s+");
        assertEquals(2, nspid.length, "NSpid of B: host pid and pid in A's namespace");
        assertEquals(Long.toString(pidB), nspid[0]);
        assertNotEquals("1", nspid[1], "A's init is pid 1 there, B is another process");
        Pattern bInA = Pattern.compile("(?m)^\\s*" + nspid[1] + "\\s.*\\ssleep 1000$");
        waitFor(() -> bInA.matcher(readOr(out.resolve("ps"), "")).find(),
                () -> "A's ps never showed B as pid " + nspid[1] + ":\n" + readOr(out.resolve("ps"), ""));
    }

    /**
     * A new user namespace mapping 0..65535 to 100000..165535. The process is root with every
     * capability inside it, and an unprivileged uid with no power over the host's files.
     */
    @Test
    void userNamespaceWithMappings() throws IOException {
        letTheMappedRootReachTheBundles();
        Path shared = Files.createDirectory(dir.resolve("shared"));
        Files.setPosixFilePermissions(shared, PosixFilePermissions.fromString("rwxrwxrwx"));
        Path secret = dir.resolve("secret");
        Files.writeString(secret, "host root only\n");
        Files.setPosixFilePermissions(secret, PosixFilePermissions.fromString("rw-------"));

        TestBundle b = userNsBundle();
        // the rootfs belongs to host root, in which the container's root may not create them
        Files.createDirectory(b.rootfs.resolve("shared"));
        Files.createFile(b.rootfs.resolve("secret"));
        b.mount("/shared", "bind", shared.toString(), "rbind", "rw");
        b.mount("/secret", "bind", secret.toString(), "bind", "ro");
        List<String> all = allCapabilities();
        b.set("process.capabilities", TestBundle.obj("bounding", all, "effective", all, "permitted", all));
        b.sh("{ id; grep CapEff /proc/self/status; cat /secret 2>&1; touch /shared/made; } > /shared/probe 2>&1;"
                + " exec sleep 1000");
        long pid = sleeper(b);

        assertEquals(ID_MAP, Host.read("/proc/" + pid + "/uid_map"));
        assertEquals(ID_MAP, Host.read("/proc/" + pid + "/gid_map"));
        assertNotEquals(Host.ns("self", "user"), Host.ns(pid, "user"));
        Map<String, String> st = Host.status(pid);
        assertEquals("100000\t100000\t100000\t100000", st.get("Uid"), "the host sees uid 100000");
        assertEquals("100000\t100000\t100000\t100000", st.get("Gid"));
        // every capability, CAP_SYS_RESOURCE included, which this runtime itself may lack: they
        // are capabilities in the user namespace only
        String full = String.format("%016x", (1L << (lastCap() + 1)) - 1);
        assertEquals(full, st.get("CapEff"));

        Path made = shared.resolve("made");
        waitFor(() -> Files.exists(made) && readOr(shared.resolve("probe"), "").contains("Permission denied"),
                () -> "probe output: " + readOr(shared.resolve("probe"), ""));
        assertEquals("uid=0(root) gid=0(root)\nCapEff:\t" + full + "\n"
                + "cat: can't open '/secret': Permission denied\n", Files.readString(shared.resolve("probe")));
        assertEquals(100000, Files.getAttribute(made, "unix:uid"), "owner of a file made inside, on the host");
        assertEquals(100000, Files.getAttribute(made, "unix:gid"));
    }

    /**
     * B joins A's user namespace together with A's network, IPC, UTS and PID namespaces (user
     * listed last). The executor joins the others first, and retries after the user namespace
     * those it may not join yet. A root runtime may join them all from the start, so a second
     * B is created by a runtime without CAP_SYS_ADMIN in the host's user namespace: setns(2) of
     * A's network namespace then needs A's user namespace joined first (where the runtime, as
     * the owner of that namespace, has every capability), which is the retry.
     */
    @Test
    void joiningAUserNamespaceWithOtherNamespacesOfAContainer() {
        letTheMappedRootReachTheBundles();
        long pidA = sleeper(userNsBundle());

        TestBundle b = bundle();
        for (String t : List.of("network", "ipc", "uts", "pid", "user")) {
            b.namespace(t, "/proc/" + pidA + "/ns/" + LINK.get(t));
        }
        b.set("hostname", null);
        long pidB = sleeper(b);
        assertJoinedUserNamespaceOf(pidA, pidB);

        List<String> noSysAdmin = List.of("setpriv", "--bounding-set", "-sys_admin", "--");
        Cmd.Result own = Cmd.run(concat(noSysAdmin, List.of("grep", "^CapEff:", "/proc/self/status")));
        assertEquals(0, own.code(), own.toString());
        assertEquals(0, Long.parseLong(own.out().substring(7).trim(), 16) & (1L << 21), "CAP_SYS_ADMIN dropped");
        // without CAP_SYS_ADMIN no runtime can program the devices cgroup (runc fails the same
        // way): this container keeps the host's device access
        b.set("linux.resources", null);
        String id = newId();
        started.add(id);
        Cmd.Result r = Cmd.run(concat(noSysAdmin, List.of(Host.HULL.toString(), "--root", state.toString(),
                "create", "--bundle", b.dir.toString(), id)), Duration.ofSeconds(60), Map.of(), dir);
        assertEquals(0, r.code(), r.toString());
        ok("start", id);
        assertJoinedUserNamespaceOf(pidA, pid(id));
    }

    private static void assertJoinedUserNamespaceOf(long pidA, long pidB) {
        for (String t : List.of("user", "network", "ipc", "uts", "pid")) {
            assertEquals(Host.ns(pidA, LINK.get(t)), Host.ns(pidB, LINK.get(t)), t + " namespace");
        }
        assertNotEquals(Host.ns(pidA, "mnt"), Host.ns(pidB, "mnt"));
        assertEquals(ID_MAP, Host.read("/proc/" + pidB + "/uid_map"));
        Map<String, String> st = Host.status(pidB);
        assertEquals("100000\t100000\t100000\t100000", st.get("Uid"), "root in A's user namespace");
        assertEquals("100000\t100000\t100000\t100000", st.get("Gid"));
        // the default capabilities, in A's user namespace
        assertEquals("0000000020000420", st.get("CapEff"));
        assertEquals(2, st.get("NSpid").split("\\s+").length, "in A's pid namespace");
    }

    @Test
    void timeNamespaceWithOffsets() {
        TestBundle b = bundle();
        b.namespace("time", null);
        b.set("linux.timeOffsets", TestBundle.obj(
                "monotonic", TestBundle.obj("secs", 86400, "nanosecs", 0),
                "boottime", TestBundle.obj("secs", 172800, "nanosecs", 0)));
        long pid = sleeper(b);
        assertNotEquals(Host.ns("self", "time"), Host.ns(pid, "time"));
        List<String> offsets = Host.read("/proc/" + pid + "/timens_offsets").lines()
                .map(l -> l.trim().replaceAll("\\s+", " ")).toList();
        assertEquals(List.of("monotonic 86400 0", "boottime 172800 0"), offsets);

        b.args("cat", "/proc/uptime");
        double before = uptime(Host.read("/proc/uptime"));
        double inside = uptime(run(b));
        double after = uptime(Host.read("/proc/uptime"));
        assertTrue(inside >= before + 172800 && inside <= after + 172800,
                "uptime inside " + inside + " should be the host's (" + before + ".." + after + ") + 172800");
    }

    @Test
    void cgroupNamespaceMakesTheContainersCgroupTheRoot() {
        TestBundle b = bundle();
        b.args("cat", "/proc/self/cgroup");
        String id = newId();
        Cmd.Result r = hull("run", "--bundle", b.dir.toString(), id);
        assertEquals(0, r.code(), r.toString());
        List<String> without = r.out().lines().toList();
        int hierarchies = Host.read("/proc/self/cgroup").lines().toList().size();
        assertEquals(hierarchies, without.size(), r.out());
        for (String line : without) {
            assertTrue(line.endsWith("/" + id), "without a cgroup namespace, the full path: " + line);
        }

        b.namespace("cgroup", null);
        String with = run(b);
        List<String> lines = with.lines().toList();
        assertEquals(hierarchies, lines.size(), with);
        for (String line : lines) {
            assertTrue(line.matches("\\d+:[^:]*:/"), "with a cgroup namespace, \"/\": " + line);
        }
    }

    // ---- helpers ----

    private final List<String> started = new ArrayList<>();

    /** A started container (its args, default `sleep 1000`), deleted after the test; its pid. */
    private long sleeper(TestBundle b) {
        List<?> args = (List<?>) b.process().get("args");
        if (args.equals(List.of("sh"))) {
            b.args("sleep", "1000");
        }
        String id = newId();
        ok("create", "--bundle", b.dir.toString(), id);
        started.add(id);
        ok("start", id);
        return pid(id);
    }

    /** Deleted in reverse: a container that joined another's namespaces goes first. */
    @AfterEach
    void deleteStarted() {
        for (int i = started.size() - 1; i >= 0; i--) {
            ok("delete", "--force", started.get(i));
        }
    }

    /** The container's root is host uid 100000: it must be able to reach the bundle (as with runc). */
    private void letTheMappedRootReachTheBundles() {
        try {
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private TestBundle userNsBundle() {
        TestBundle b = bundle();
        b.namespace("user", null);
        Map<String, Object> map = TestBundle.obj("containerID", 0, "hostID", 100000, "size", 65536);
        b.set("linux.uidMappings", List.of(map));
        b.set("linux.gidMappings", List.of(map));
        return b;
    }

    private String run(TestBundle b) {
        Cmd.Result r = hull("run", "--bundle", b.dir.toString(), newId());
        assertEquals(0, r.code(), () -> "run failed:\n" + r);
        return r.out();
    }

    private static double uptime(String procUptime) {
        Matcher m = Pattern.compile("^(\\d+\\.\\d+) ").matcher(procUptime);
        assertTrue(m.find(), procUptime);
        return Double.parseDouble(m.group(1));
    }

    private static int lastCap() {
        return Integer.parseInt(Host.read("/proc/sys/kernel/cap_last_cap").trim());
    }

    private static List<String> allCapabilities() {
        return Capabilities.all().subList(0, Math.min(Capabilities.all().size(), lastCap() + 1));
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> out = new ArrayList<>(a);
        out.addAll(b);
        return out;
    }

    private static String readOr(Path p, String dflt) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            return dflt;
        }
    }

    private static void waitFor(BooleanSupplier cond, java.util.function.Supplier<String> why) {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (!cond.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within 10 s: " + why.get());
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted");
            }
        }
    }
}
