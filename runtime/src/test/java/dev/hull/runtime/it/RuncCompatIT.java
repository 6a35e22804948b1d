package dev.hull.runtime.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.hull.spec.json.Json;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Issue #2: the same bundle run by runc and by hull-runtime shows the same things inside the
 * container. Each test runs one bundle twice, `runc run` and `hull-runtime run` (distinct ids,
 * so distinct cgroups), with a probe script (runc-compat-probe.sh) as the container's process,
 * and compares the two reports line by line after replacing what must differ (the container id,
 * namespace inodes, host pids). Differences that are intended are asserted as such, with the
 * reason, never dropped silently. The lifecycle tests compare the verbs' behaviour the same way.
 *
 * <p>The intended differences (runc 1.1): runc ignores "domainname"; in a user namespace its
 * /dev/mqueue has the host's gid 0, unmapped; it passes on the signals its caller ignores; it
 * deletes a created container without --force, which the spec (and Hull) refuses.
 */
class RuncCompatIT extends ContainerTest {
    private static final String PROBE = resource("runc-compat-probe.sh");

    /** Containers made with runc, deleted with `runc delete --force` after each test. */
    private final List<String> runcIds = new ArrayList<>();

    @BeforeEach
    void needRunc() {
        if (!Host.hasRunc()) {
            System.err.println("RuncCompatIT skipped: runc is not installed (/usr/sbin/runc or /usr/bin/runc)");
        }
        assumeTrue(Host.hasRunc(), "runc is not installed (/usr/sbin/runc or /usr/bin/runc): nothing to compare with");
    }

    // ---- runc ----

    /** runc --root DIR/runc-state args... */
    private Cmd.Result runc(String... args) {
        List<String> argv = new ArrayList<>();
        argv.add(Host.runc());
        argv.add("--root");
        argv.add(dir.resolve("runc-state").toString());
        argv.addAll(List.of(args));
        return Cmd.run(argv, Duration.ofSeconds(60), Map.of(), dir);
    }

    private Cmd.Result runcOk(String... args) {
        Cmd.Result r = runc(args);
        assertEquals(0, r.code(), () -> "runc " + String.join(" ", args) + " failed:\n" + r);
        return r;
    }

    /** A fresh id for a runc container: deleted after the test, its cgroups checked by ContainerTest. */
    private String newRuncId() {
        String id = newId();
        runcIds.add(id);
        return id;
    }

    /** Runs before ContainerTest's check (subclass first), so that runc's cgroups are gone by then. */
    @AfterEach
    void deleteRuncContainers() {
        if (dir == null || runcIds.isEmpty()) {
            return;
        }
        for (String id : runcIds) {
            runc("delete", "--force", id);
        }
        List<String> left = new ArrayList<>();
        for (String id : runc("list", "-q").out().split("\n")) {
            if (!id.isBlank()) {
                left.add(id);
            }
        }
        if (!left.isEmpty()) {
            fail("runc containers left after runc delete --force: " + left);
        }
    }

    // ---- the probe ----

    private record Views(List<String> runc, List<String> hull) {
        /**
         * An intended difference: runc shows runcLine where Hull shows hullLine. Asserted, then
         * made equal so that the rest of the reports is still compared.
         */
        Views intended(String runcLine, String hullLine, String why) {
            long i = runc.stream().filter(runcLine::equals).count();
            long j = hull.stream().filter(hullLine::equals).count();
            assertTrue(i > 0, () -> "expected runc to show \"" + runcLine + "\" (" + why + ")\n" + side(runc, hull));
            assertEquals(i, j, () -> "expected Hull to show \"" + hullLine + "\" where runc shows \"" + runcLine
                    + "\" (" + why + ")\n" + side(runc, hull));
            List<String> h = new ArrayList<>(hull);
            h.replaceAll(l -> l.equals(hullLine) ? runcLine : l);
            return new Views(runc, h);
        }
    }

    private static String resource(String name) {
        try (InputStream in = RuncCompatIT.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new AssertionError("test resource " + name + " missing");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    /** Puts the probe in the rootfs and makes it the container's process. */
    private static TestBundle withProbe(TestBundle b) {
        try {
            Path p = b.rootfs.resolve("probe.sh");
            Files.writeString(p, PROBE);
            Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        return b.args("/probe.sh");
    }

    /** Runs the bundle's probe with `runc run`, then with `hull-runtime run`; both must succeed. */
    private Views probe(TestBundle b, String... runFlags) {
        withProbe(b);
        String rid = newRuncId();
        Cmd.Result r = runc(runArgs(b, rid, runFlags));
        assertEquals(0, r.code(), () -> "runc run failed:\n" + r);
        String hid = newId();
        Cmd.Result h = hull(runArgs(b, hid, runFlags));
        assertEquals(0, h.code(), () -> "hull-runtime run failed:\n" + h + "\n(runc's report:\n" + r.out() + ")");
        // the probe writes nothing there; a runtime's warning is a difference too
        assertEquals(r.err().replace(rid, "<ID>"), h.err().replace(hid, "<ID>"), "stderr");
        Views v = new Views(normalize(r.out(), rid), normalize(h.out(), hid));
        String callerIgnores = Host.status("self").get("SigIgn");
        if (!callerIgnores.equals("0000000000000000")) {
            // intended: runc passes on the signals its caller ignores (its Go runtime leaves
            // glibc's signals 32 and 33 alone, and an ignored SIGHUP or SIGINT); Hull's process
            // starts with every signal at its default. This JVM ignores 32, its children too.
            v = v.intended("SigIgn:\t" + callerIgnores, "SigIgn:\t0000000000000000",
                    "runc keeps the caller's ignored signals, Hull resets them");
        }
        return v;
    }

    private static String[] runArgs(TestBundle b, String id, String... flags) {
        List<String> a = new ArrayList<>();
        a.add("run");
        a.addAll(List.of(flags));
        a.add("--bundle");
        a.add(b.dir.toString());
        a.add(id);
        return a.toArray(String[]::new);
    }

    /**
     * The report without what depends on the run: the container id (cgroup paths, mount roots),
     * namespace inodes (only whether each is the host's is kept), and pids outside a pid namespace.
     */
    private static List<String> normalize(String out, String id) {
        List<String> lines = new ArrayList<>();
        boolean hostPidNs = false;
        for (String line : out.replace(id, "<ID>").split("\n")) {
            if (line.startsWith("ns: ")) {
                String[] f = line.split(" ");
                boolean host = f[2].equals(Host.ns("self", f[1]));
                if (f[1].equals("pid")) {
                    hostPidNs = host;
                }
                line = "ns: " + f[1] + " " + (host ? "host" : "new");
            }
            lines.add(line);
        }
        if (hostPidNs) {
            lines.replaceAll(l -> l.startsWith("pid: ") ? "pid: <host pid>" : l);
        }
        return lines;
    }

    private static void assertSame(String what, Views v) {
        if (!v.runc.equals(v.hull)) {
            fail(what + ": the container looks different under runc and Hull\n" + diff(v.runc, v.hull)
                    + "\n" + side(v.runc, v.hull));
        }
    }

    /** A sanity check that the configuration took effect (with runc: the reference). */
    private static void assertRuncShows(Views v, String line) {
        assertTrue(v.runc.contains(line), () -> "runc's report lacks \"" + line + "\"\n" + side(v.runc, v.hull));
    }

    /** The differing lines, by a longest-common-subsequence diff: "- runc", "+ hull". */
    static String diff(List<String> a, List<String> b) {
        int[][] l = new int[a.size() + 1][b.size() + 1];
        for (int i = a.size() - 1; i >= 0; i--) {
            for (int j = b.size() - 1; j >= 0; j--) {
                l[i][j] = a.get(i).equals(b.get(j)) ? l[i + 1][j + 1] + 1 : Math.max(l[i + 1][j], l[i][j + 1]);
            }
        }
        StringBuilder sb = new StringBuilder("differences (- runc, + hull, with line numbers):\n");
        int i = 0;
        int j = 0;
        while (i < a.size() || j < b.size()) {
            if (i < a.size() && j < b.size() && a.get(i).equals(b.get(j))) {
                i++;
                j++;
            } else if (j == b.size() || (i < a.size() && l[i + 1][j] >= l[i][j + 1])) {
                sb.append(String.format("  - %3d %s%n", i + 1, a.get(i++)));
            } else {
                sb.append(String.format("  + %3d %s%n", j + 1, b.get(j++)));
            }
        }
        return sb.toString();
    }

    /** Both reports in full. */
    static String side(List<String> runc, List<String> hull) {
        return "--- runc\n" + String.join("\n", runc) + "\n--- hull\n" + String.join("\n", hull) + "\n";
    }

    // ---- configurations ----

    @Test
    void runcDefaultSpec() throws Exception {
        TestBundle b = bundle();
        Files.delete(b.dir.resolve("config.json"));
        runcOk("spec", "--bundle", b.dir.toString());
        b.config.clear();
        @SuppressWarnings("unchecked")
        Map<String, Object> c = (Map<String, Object>) Json.parse(Files.readString(b.dir.resolve("config.json")));
        b.config.putAll(c);
        b.process().put("terminal", false);
        b.write();
        Views v = probe(b);
        assertRuncShows(v, "write: /proc/sys/kernel/hostname read-only");
        assertRuncShows(v, "firmware: []");
        assertSame("runc spec", v);
    }

    @Test
    void userNamespace() throws Exception {
        // the container's root (host uid 100000) must reach the rootfs through the test directory
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        TestBundle b = bundle();
        b.namespace("user", null);
        b.set("linux.uidMappings", List.of(TestBundle.obj("containerID", 0, "hostID", 100000, "size", 65536)));
        b.set("linux.gidMappings", List.of(TestBundle.obj("containerID", 0, "hostID", 100000, "size", 65536)));
        Views v = probe(b);
        assertRuncShows(v, "ns: user new");
        // intended: both create the IPC namespace (whose mqueue filesystem belongs to its
        // creator) as root of the user namespace, but runc switches only its uid before, so its
        // /dev/mqueue has the host's gid 0, unmapped; Hull's belongs to the container's root
        v = v.intended("dev: drwxrwxrwt 0 65534 0:0 /dev/mqueue", "dev: drwxrwxrwt 0 0 0:0 /dev/mqueue",
                "runc's nsexec does setresuid(0) but not setresgid(0) before unshare");
        assertSame("user namespace 0->100000 (65536)", v);
    }

    @Test
    void writableRoot() {
        TestBundle b = bundle();
        b.set("root.readonly", false);
        Views v = probe(b);
        assertRuncShows(v, "write: /.probe writable");
        assertSame("root.readonly false", v);
    }

    @Test
    void bindMounts() throws Exception {
        Path ro = Files.createDirectories(dir.resolve("src-ro"));
        Path rw = Files.createDirectories(dir.resolve("src-rw"));
        Files.writeString(ro.resolve("file"), "ro\n");
        Files.writeString(dir.resolve("file-ro"), "file-ro\n");
        Files.writeString(dir.resolve("file-rw"), "file-rw\n");
        Path tree = Files.createDirectories(dir.resolve("src-tree/sub"));
        Cmd.Result m = Cmd.run("mount", "-t", "tmpfs", "-o", "size=64k,mode=755", "hull-it-sub", tree.toString());
        assertEquals(0, m.code(), m::toString);
        try {
            TestBundle b = bundle();
            b.mount("/mnt/ro", "bind", ro.toString(), "bind", "ro");
            b.mount("/mnt/rw", "none", rw.toString(), "rbind", "rw");
            b.mount("/mnt/dir/file-ro", "bind", dir.resolve("file-ro").toString(), "bind", "ro", "nosuid", "nodev");
            b.mount("/etc/file-rw", null, "../file-rw", "bind"); // relative to the bundle
            b.mount("/mnt/tree-rbind", "bind", tree.getParent().toString(), "rbind", "ro");
            b.mount("/mnt/tree-bind", "bind", tree.getParent().toString(), "bind", "noexec");
            b.process().put("env", List.of("PATH=/bin", "PROBE_WRITE=/mnt/ro /mnt/rw /mnt/dir/file-ro /etc/file-rw "
                    + "/mnt/tree-rbind /mnt/tree-rbind/sub /mnt/tree-bind/sub"));
            Views v = probe(b);
            assertRuncShows(v, "write: /mnt/rw writable");
            assertRuncShows(v, "write: /mnt/ro read-only");
            assertSame("bind mounts", v);
        } finally {
            unmountAll(tree);
        }
    }

    @Test
    void devices() {
        TestBundle b = bundle();
        b.set("linux.devices", List.of(
                TestBundle.obj("path", "/dev/fuse", "type", "c", "major", 10, "minor", 229, "fileMode", 0600),
                TestBundle.obj("path", "/dev/loop-probe", "type", "b", "major", 7, "minor", 0, "fileMode", 0660,
                        "uid", 0, "gid", 6),
                TestBundle.obj("path", "/dev/sub/mynull", "type", "c", "major", 1, "minor", 3, "fileMode", 0640,
                        "uid", 1000, "gid", 1000),
                TestBundle.obj("path", "/dev/myfifo", "type", "p", "fileMode", 0622),
                TestBundle.obj("path", "/dev/zero", "type", "c", "major", 1, "minor", 5, "fileMode", 0600)));
        Views v = probe(b);
        assertRuncShows(v, "dev: crw------- 0 0 a:e5 /dev/fuse");
        assertRuncShows(v, "dev: crw-r----- 1000 1000 1:3 /dev/sub/mynull");
        assertSame("linux.devices", v);
    }

    @Test
    void rlimits() {
        TestBundle b = bundle();
        // lowered only: raising a hard limit needs CAP_SYS_RESOURCE, which this host's bounding set lacks
        b.process().put("rlimits", List.of(
                TestBundle.obj("type", "RLIMIT_NOFILE", "soft", 512, "hard", 800),
                TestBundle.obj("type", "RLIMIT_NPROC", "soft", 300, "hard", 400),
                TestBundle.obj("type", "RLIMIT_CORE", "soft", 0, "hard", 1048576),
                TestBundle.obj("type", "RLIMIT_STACK", "soft", 4194304, "hard", 16777216),
                TestBundle.obj("type", "RLIMIT_MEMLOCK", "soft", 65536, "hard", 65536),
                TestBundle.obj("type", "RLIMIT_MSGQUEUE", "soft", 4096, "hard", 8192),
                TestBundle.obj("type", "RLIMIT_CPU", "soft", 100, "hard", 200)));
        b.write();
        Views v = probe(b);
        assertTrue(v.runc.stream().anyMatch(l -> l.matches("limits: Max open files +512 +800 .*")),
                () -> side(v.runc, v.hull));
        assertSame("rlimits", v);
    }

    @Test
    void nonRootUserWithAdditionalGidsAndAmbientCapabilities() {
        TestBundle b = bundle();
        b.set("process.user", TestBundle.obj("uid", 1000, "gid", 1000, "additionalGids", List.of(10, 2000),
                "umask", 077));
        List<String> caps = List.of("CAP_NET_BIND_SERVICE", "CAP_KILL");
        b.set("process.capabilities", TestBundle.obj("bounding", List.of("CAP_NET_BIND_SERVICE", "CAP_KILL",
                "CAP_CHOWN"), "effective", caps, "permitted", caps, "inheritable", caps, "ambient", caps));
        b.set("process.cwd", "/home/user");
        b.process().put("env", List.of("PATH=/bin:/usr/bin")); // HOME comes from /etc/passwd
        b.write();
        Views v = probe(b);
        assertRuncShows(v, "CapAmb:\t0000000000000420");
        assertSame("non-root user", v);
    }

    @Test
    void noPidNamespace() {
        TestBundle b = bundle();
        b.withoutNamespace("pid");
        Views v = probe(b);
        assertRuncShows(v, "ns: pid host");
        assertSame("no pid namespace", v);
    }

    @Test
    void cgroupNamespace() {
        TestBundle b = bundle();
        b.namespace("cgroup", null);
        Views v = probe(b);
        assertRuncShows(v, "ns: cgroup new");
        assertSame("cgroup namespace", v);
    }

    @Test
    void hostnameAndDomainname() {
        TestBundle b = bundle();
        b.set("hostname", "probe-host");
        b.set("domainname", "probe.example");
        Views v = probe(b);
        assertRuncShows(v, "hostname: probe-host");
        // intended: runc 1.1 ignores "domainname" (it came with runc 1.2); the spec asks for it
        v = v.intended("domainname: (none)", "domainname: probe.example",
                "runc 1.1 does not set the domainname, Hull does as the spec says");
        assertSame("hostname and domainname", v);
    }

    /** A tmpfs on a new directory of the test directory, shared (its own peer group). */
    private Path sharedTmpfs(String name, String size) throws IOException {
        Path p = Files.createDirectories(dir.resolve(name));
        Cmd.Result m = Cmd.run("mount", "-t", "tmpfs", "-o", "size=" + size + ",mode=755", "hull-it-" + name, p.toString());
        assertEquals(0, m.code(), m::toString);
        Cmd.Result s = Cmd.run("mount", "--make-shared", p.toString());
        assertEquals(0, s.code(), s::toString);
        return p;
    }

    /**
     * The propagation of the container's mounts only shows with something to propagate from: a
     * shared mount of the host, bound into the container. With the default (rslave) the copy is
     * a slave of the host's peer group. "private" (unlike "rprivate") applies to / alone, in runc:
     * the copy stays a peer of the host's mount. And a rootfs that is itself a shared mount point
     * must be made private for pivot_root, whatever the propagation asked for.
     */
    @Test
    void rootfsPropagation() throws Exception {
        Path shared = null;
        Path rootfsMount = null;
        try {
            shared = sharedTmpfs("src-shared", "64k");
            TestBundle b = bundle();
            b.mount("/mnt/shared", "bind", shared.toString(), "rbind");
            Views v = probe(b);
            assertTrue(v.runc.stream().anyMatch(l -> l.startsWith("mount: /mnt/shared ") && l.endsWith("prop= master")),
                    () -> side(v.runc, v.hull));
            assertSame("rootfsPropagation unset (rslave)", v);

            b.set("linux.rootfsPropagation", "private");
            Views p = probe(b);
            assertTrue(p.runc.stream().anyMatch(l -> l.startsWith("mount: /mnt/shared ") && l.endsWith("prop= shared")),
                    () -> side(p.runc, p.hull));
            assertSame("rootfsPropagation private", p);

            Files.createDirectories(dir.resolve("bundle-shared"));
            rootfsMount = sharedTmpfs("bundle-shared/rootfs", "16m");
            TestBundle onShared = TestBundle.busybox(dir, "bundle-shared");
            onShared.set("linux.rootfsPropagation", "private");
            assertSame("rootfsPropagation private, the rootfs a shared mount point", probe(onShared));
        } finally {
            unmountAll(rootfsMount);
            unmountAll(shared);
        }
    }

    /**
     * Unmounts path and everything under it, stacked mounts too: a runtime that got propagation
     * wrong may have propagated the container's mounts back to these shared host mounts.
     */
    private static void unmountAll(Path path) {
        if (path == null) {
            return;
        }
        for (int i = 0; i < 10 && Host.read("/proc/self/mountinfo").contains(" " + path + " "); i++) {
            Cmd.run("umount", "-R", path.toString());
        }
    }

    @Test
    void newPrivilegesAllowed() {
        TestBundle b = bundle();
        b.set("process.noNewPrivileges", false);
        Views v = probe(b);
        assertRuncShows(v, "NoNewPrivs:\t0");
        assertSame("noNewPrivileges false", v);
    }

    @Test
    void noPivot() {
        TestBundle b = bundle();
        assertSame("--no-pivot", probe(b, "--no-pivot"));
    }

    // ---- lifecycle ----

    @SuppressWarnings("unchecked")
    private static Map<String, Object> json(Cmd.Result r) {
        try {
            return (Map<String, Object>) Json.parse(r.out());
        } catch (Exception e) {
            throw new AssertionError("not a JSON object: " + r, e);
        }
    }

    private String runcStatus(String id) {
        return (String) json(runcOk("state", id)).get("status");
    }

    private String hullStatus(String id) {
        return (String) json(ok("state", id)).get("status");
    }

    @Test
    void stateAfterCreateAndKillOfACreatedContainer() {
        TestBundle b = bundle();
        b.args("sleep", "1000");
        String rid = newRuncId();
        String hid = newId();
        runcOk("create", "--bundle", b.dir.toString(), rid);
        ok("create", "--bundle", b.dir.toString(), hid);
        Map<String, Object> rs = json(runcOk("state", rid));
        Map<String, Object> hs = json(ok("state", hid));
        String both = "runc: " + rs + "\nhull: " + hs;
        for (Map<String, Object> s : List.of(rs, hs)) {
            assertEquals("created", s.get("status"), both);
            assertTrue(((Number) s.get("pid")).longValue() > 0, both);
            assertEquals(b.dir.toString(), s.get("bundle"), both);
            assertEquals(b.rootfs.toString(), s.get("rootfs"), both);
        }
        assertEquals(rid, rs.get("id"), both);
        assertEquals(hid, hs.get("id"), both);
        assertEquals(rs.keySet().stream().sorted().toList(), hs.keySet().stream().sorted().toList(),
                "the members of state\n" + both);

        // kill of a created container: the process dies, the container is stopped, delete works
        long rpid = ((Number) rs.get("pid")).longValue();
        long hpid = ((Number) hs.get("pid")).longValue();
        runcOk("kill", rid, "KILL");
        ok("kill", hid, "KILL");
        waitFor(() -> !Host.alive(rpid) && !Host.alive(hpid));
        waitFor(() -> runcStatus(rid).equals("stopped") && hullStatus(hid).equals("stopped"));
        runcOk("delete", rid);
        ok("delete", hid);
        assertNotEquals(0, runc("state", rid).code());
        assertNotEquals(0, hull("state", hid).code());
    }

    @Test
    void deleteWithoutForceRefusesARunningContainer() {
        TestBundle b = bundle();
        b.args("sleep", "1000");
        String rid = newRuncId();
        String hid = newId();
        runcOk("run", "--detach", "--bundle", b.dir.toString(), rid);
        ok("run", "--detach", "--bundle", b.dir.toString(), hid);
        Cmd.Result r = runc("delete", rid);
        Cmd.Result h = hull("delete", hid);
        assertNotEquals(0, r.code(), () -> "runc deleted a running container: " + r);
        assertEquals(r.code(), h.code(), () -> "runc:\n" + r + "\nhull:\n" + h);
        assertEquals("running", runcStatus(rid));
        assertEquals("running", hullStatus(hid));
        runcOk("delete", "--force", rid);
        ok("delete", "--force", hid);
    }

    /**
     * Intended difference: runc 1.1 deletes a created container without --force (it kills the
     * waiting init). The runtime spec says delete of a container that is not stopped MUST fail,
     * and Hull follows the spec: it refuses, and the container stays created.
     */
    @Test
    void deleteWithoutForceOfACreatedContainerIsRefusedByHullOnly() {
        TestBundle b = bundle();
        b.args("sleep", "1000");
        String rid = newRuncId();
        String hid = newId();
        runcOk("create", "--bundle", b.dir.toString(), rid);
        ok("create", "--bundle", b.dir.toString(), hid);
        Cmd.Result r = runc("delete", rid);
        assertEquals(0, r.code(), () -> "runc 1.1 deletes a created container: " + r);
        assertNotEquals(0, runc("state", rid).code(), "runc's container is gone");
        Cmd.Result h = hull("delete", hid);
        assertEquals(1, h.code(), h::toString);
        assertTrue(h.err().contains("that is not stopped: created"), h::toString);
        assertEquals("created", hullStatus(hid));
        ok("delete", "--force", hid);
    }

    @Test
    void runExitCodes() {
        TestBundle b = bundle();
        b.sh("exit 3");
        Cmd.Result r = runc("run", "--bundle", b.dir.toString(), newRuncId());
        Cmd.Result h = hull("run", "--bundle", b.dir.toString(), newId());
        assertEquals(3, r.code(), r::toString);
        assertEquals(3, h.code(), h::toString);

        // a process that kills itself: only possible outside a pid namespace (an init is immune)
        TestBundle k = bundle();
        k.withoutNamespace("pid");
        k.sh("kill -KILL $$");
        r = runc("run", "--bundle", k.dir.toString(), newRuncId());
        h = hull("run", "--bundle", k.dir.toString(), newId());
        assertEquals(137, r.code(), r.toString());
        assertEquals(137, h.code(), h.toString());
    }

    @Test
    void runOfAnInitKilledFromOutside() throws Exception {
        TestBundle b = bundle();
        b.args("sleep", "1000");
        String rid = newRuncId();
        String hid = newId();
        Thread killer = new Thread(() -> {
            waitFor(() -> runc("state", rid).out().contains("\"running\"")
                    && hull("state", hid).out().contains("\"running\""));
            runc("kill", rid, "KILL");
            hull("kill", hid, "KILL");
        });
        killer.start();
        Cmd.Result[] out = new Cmd.Result[1];
        Thread runcRun = new Thread(() -> out[0] = runc("run", "--bundle", b.dir.toString(), rid));
        runcRun.start();
        Cmd.Result h = hull("run", "--bundle", b.dir.toString(), hid);
        runcRun.join();
        killer.join();
        assertEquals(137, out[0].code(), out[0].toString());
        assertEquals(137, h.code(), h.toString());
    }

    private static void waitFor(BooleanSupplier cond) {
        LifecycleIT.waitFor(cond);
    }
}
