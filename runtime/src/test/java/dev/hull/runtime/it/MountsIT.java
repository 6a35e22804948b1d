package dev.hull.runtime.it;

import static dev.hull.runtime.it.Kernel.assertOptions;
import static dev.hull.runtime.it.Kernel.assertSuperOptions;
import static dev.hull.runtime.it.Kernel.at;
import static dev.hull.runtime.it.Kernel.find;
import static dev.hull.runtime.it.Kernel.inRootfs;
import static dev.hull.runtime.it.Kernel.mountinfo;
import static dev.hull.runtime.it.Kernel.options;
import static dev.hull.runtime.it.Kernel.peerGroup;
import static dev.hull.runtime.it.Kernel.section;
import static dev.hull.runtime.it.Kernel.sections;
import static dev.hull.runtime.it.TestBundle.obj;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.hull.sys.MountInfo;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Mounts (issue #2): every usual kind, binds and their options, propagation, read-only and masked
 * paths, the cgroup mounts of this v1/hybrid host, and mount destinations that are symlinks out of
 * the rootfs. Everything is checked in what the kernel shows: the container's mountinfo (read from
 * the host through /proc/PID, or by a probe inside) and what writes inside do.
 */
class MountsIT extends ContainerTest {

    /** Host mounts a test made (mount points), undone before the harness looks for leaks. */
    private final List<Path> hostMounts = new ArrayList<>();

    @AfterEach
    void unmountHostMounts() {
        Collections.reverse(hostMounts);
        for (Path p : hostMounts) {
            Cmd.run("umount", "-l", p.toString());
        }
        hostMounts.clear();
    }

    /** mount(8) on the host; the last argument is the mount point. */
    private void hostMount(String... args) {
        List<String> argv = new ArrayList<>(List.of("mount"));
        argv.addAll(List.of(args));
        Cmd.Result r = Cmd.run(argv);
        assertEquals(0, r.code(), () -> "host " + argv + ": " + r);
        if (!args[0].startsWith("--make-")) {
            hostMounts.add(Path.of(args[args.length - 1]));
        }
    }

    /** A directory of the test bound onto itself and made shared on the host; returns its peer group. */
    private int sharedHostDir(Path d) throws IOException {
        Files.createDirectories(d);
        hostMount("--bind", d.toString(), d.toString());
        hostMount("--make-shared", d.toString());
        int group = peerGroup(at(mountinfo("self"), d.toString()), "shared");
        assertTrue(group > 0, "host mount of " + d + " is not shared");
        return group;
    }

    /** `run` of the bundle; its stdout. The container must exit 0. */
    private String run(TestBundle b, String... flags) {
        List<String> args = new ArrayList<>(List.of("run", "--bundle", b.dir.toString()));
        args.addAll(List.of(flags));
        args.add(newId());
        return ok(args.toArray(String[]::new)).out();
    }

    private static String tag() {
        return "hull-it-" + Long.toString(ThreadLocalRandom.current().nextLong() >>> 1, 36);
    }

    private static List<String> lines(String s) {
        List<String> out = new ArrayList<>();
        for (String l : s.split("\n")) {
            if (!l.isBlank()) {
                out.add(l.trim());
            }
        }
        return out;
    }

    // ---- the usual kinds ----

    @Test
    void defaultMountsHaveTheirTypesAndOptions() throws Exception {
        TestBundle b = bundle();
        String id = newId();
        long pid = runDetached(b, id);
        List<MountInfo> mi = mountinfo(pid);

        MountInfo root = at(mi, "/");
        assertEquals(b.rootfs.toRealPath().toString(), root.root(), "the container's / is its rootfs");
        assertOptions(root, "ro"); // root.readonly in the default spec

        assertEquals("proc", at(mi, "/proc").fsType());

        MountInfo dev = at(mi, "/dev");
        assertEquals("tmpfs", dev.fsType());
        assertOptions(dev, "nosuid");
        assertSuperOptions(dev, "mode=755", "size=65536k");

        MountInfo pts = at(mi, "/dev/pts");
        assertEquals("devpts", pts.fsType());
        assertOptions(pts, "nosuid", "noexec");
        assertSuperOptions(pts, "gid=5", "mode=620", "ptmxmode=666");
        // newinstance: a devpts of its own, not one of the host's, holding no pty yet
        for (MountInfo h : mountinfo("self")) {
            if (h.fsType().equals("devpts")) {
                assertNotEquals(h.device(), pts.device(), "container /dev/pts is the host's devpts " + h.mountPoint());
            }
        }
        assertEquals(List.of("ptmx"), Kernel.list(Path.of("/proc/" + pid + "/root/dev/pts")));
        Kernel.Node ptmx = Kernel.node(Path.of("/proc/" + pid + "/root/dev/pts/ptmx"));
        assertEquals(0666, ptmx.perms(), "ptmxmode=0666: " + ptmx);

        MountInfo shm = at(mi, "/dev/shm");
        assertEquals("tmpfs", shm.fsType());
        assertOptions(shm, "nosuid", "nodev", "noexec");
        assertSuperOptions(shm, "size=65536k");
        assertEquals(01777, Kernel.node(Path.of("/proc/" + pid + "/root/dev/shm")).perms(), "mode=1777 of /dev/shm");

        MountInfo mq = at(mi, "/dev/mqueue");
        assertEquals("mqueue", mq.fsType());
        assertOptions(mq, "nosuid", "nodev", "noexec");

        MountInfo sys = at(mi, "/sys");
        assertEquals("sysfs", sys.fsType());
        assertOptions(sys, "ro", "nosuid", "nodev", "noexec");
        ok("delete", "--force", id);
    }

    @Test
    void procIsTheContainersOwnAndSysfsRefusesWrites() {
        TestBundle b = bundle();
        b.sh("echo == pids; ls /proc | grep -E '^[0-9]+$'; echo == self; readlink /proc/self; "
                + "echo == sys; mkdir /sys/kernel/hull-it 2>&1; echo rc=$?");
        Map<String, String> s = sections(run(b));
        // a proc of the container's pid namespace: only the shell (pid 1) and its children
        List<String> pids = lines(section(s, "pids"));
        assertTrue(pids.contains("1") && pids.size() <= 4, "pids in the container's /proc: " + pids);
        assertTrue(Integer.parseInt(section(s, "self").trim()) < 10, s.toString());
        String sys = section(s, "sys");
        assertTrue(sys.contains("Read-only file system") && sys.contains("rc=1"), sys);
    }

    @Test
    void tmpfsSizeAndModeAreApplied() throws Exception {
        TestBundle b = bundle();
        b.mount("/scratch", "tmpfs", "tmpfs", "nosuid", "nodev", "size=1m", "mode=1770");
        // over directories of the image: without mode= the tmpfs keeps the directory's mode (as
        // runc since 1.1.8 and crun do; not 1777, world-writable); an explicit mode= wins
        for (String d : new String[] {"keep", "override"}) {
            Files.createDirectories(b.rootfs.resolve(d));
            Files.setPosixFilePermissions(b.rootfs.resolve(d), PosixFilePermissions.fromString("rwx--x---"));
        }
        b.mount("/keep", "tmpfs", "tmpfs", "size=1m");
        b.mount("/override", "tmpfs", "tmpfs", "size=1m", "mode=755");
        b.mount("/fresh", "tmpfs", "tmpfs", "size=1m");
        b.sh("echo == mode; stat -c '%n %a' /scratch /keep /override /fresh; echo == fill; "
                + "dd if=/dev/zero of=/scratch/f bs=1k count=2048 2>&1; echo rc=$?; echo == size; du -k /scratch/f; "
                + "echo == mountinfo; cat /proc/self/mountinfo");
        Map<String, String> s = sections(run(b));
        assertEquals("/scratch 1770\n/keep 710\n/override 755\n/fresh 1777\n", section(s, "mode"));
        List<MountInfo> mi = MountInfo.parse(section(s, "mountinfo"));
        MountInfo m = at(mi, "/scratch");
        assertEquals("tmpfs", m.fsType());
        assertOptions(m, "nosuid", "nodev");
        assertSuperOptions(m, "size=1024k", "mode=1770");
        assertEquals("tmpfs", at(mi, "/keep").fsType());
        // size=1m is a limit the kernel enforces: 2 MiB do not fit
        String fill = section(s, "fill");
        assertTrue(fill.contains("No space left on device") && !fill.contains("rc=0"), fill);
        int kib = Integer.parseInt(section(s, "size").trim().split("\\s+")[0]);
        assertTrue(kib <= 1024, "wrote " + kib + " KiB into a 1 MiB tmpfs");
    }

    // ---- cgroups ----

    private static boolean hybridHost() {
        MountInfo m = find(mountinfo("self"), "/sys/fs/cgroup/unified");
        return v1Host() && m != null && m.fsType().equals("cgroup2");
    }

    private static boolean v1Host() {
        MountInfo m = find(mountinfo("self"), "/sys/fs/cgroup");
        return m != null && m.fsType().equals("tmpfs");
    }

    /** The v1 hierarchies mounted on the host: mount name under /sys/fs/cgroup -> hierarchy key. */
    private static Map<String, String> hostV1Hierarchies() {
        Map<String, String> m = new HashMap<>();
        for (MountInfo h : mountinfo("self")) {
            if (h.fsType().equals("cgroup") && h.mountPoint().startsWith("/sys/fs/cgroup/")) {
                String key = null;
                for (String o : h.superOptions().split(",")) {
                    if (!o.equals("rw") && !o.equals("ro") && !o.startsWith("release_agent")
                            && !o.equals("clone_children") && !o.equals("noprefix") && !o.equals("xattr")) {
                        key = key == null ? o : key + "," + o;
                    }
                }
                m.put(h.mountPoint().substring("/sys/fs/cgroup/".length()), key);
            }
        }
        return m;
    }

    /** /proc/PID/cgroup-style text: hierarchy ("pids", "name=systemd", "" for v2) -> path. */
    private static Map<String, String> cgroupPaths(String text) {
        Map<String, String> m = new HashMap<>();
        for (String line : text.split("\n")) {
            String[] f = line.split(":", 3);
            if (f.length == 3) {
                m.put(f[1], f[2]);
            }
        }
        return m;
    }

    /** `run --detach` of the bundle (a sleeper); its host pid, from --pid-file. */
    private long runDetached(TestBundle b, String id) throws IOException {
        b.args("sleep", "1000");
        Path pidFile = dir.resolve(id + ".pid");
        ok("run", "--detach", "--pid-file", pidFile.toString(), "--bundle", b.dir.toString(), id);
        return Long.parseLong(Files.readString(pidFile).trim());
    }

    private static final String CGROUP_PROBE = "echo == cgroup; cat /proc/self/cgroup; echo == procs; "
            + "cat /sys/fs/cgroup/pids/cgroup.procs; echo == mkdir; mkdir /sys/fs/cgroup/pids/sub 2>&1; "
            + "echo == mountinfo; cat /proc/self/mountinfo";

    @Test
    void defaultCgroupMountIsATmpfsWithAReadOnlyBindOfTheContainersCgroupPerHierarchy() {
        assumeTrue(v1Host(), "a cgroup v1 or hybrid host");
        TestBundle b = bundle();
        b.sh(CGROUP_PROBE);
        String id = newId();
        // without a cgroup namespace the container sees cgroup paths as the host does
        Map<String, String> s = sections(ok("run", "--bundle", b.dir.toString(), id).out());
        List<MountInfo> mi = MountInfo.parse(section(s, "mountinfo"));
        Map<String, String> own = cgroupPaths(section(s, "cgroup"));

        MountInfo top = at(mi, "/sys/fs/cgroup");
        assertEquals("tmpfs", top.fsType());
        assertOptions(top, "nosuid", "nodev", "noexec");
        Map<String, String> hierarchies = hostV1Hierarchies();
        assertFalse(hierarchies.isEmpty());
        for (Map.Entry<String, String> h : hierarchies.entrySet()) {
            MountInfo m = at(mi, "/sys/fs/cgroup/" + h.getKey());
            assertEquals("cgroup", m.fsType(), m.toString());
            assertOptions(m, "ro", "nosuid", "nodev", "noexec");
            assertEquals(top.id(), m.parentId(), "mounted on the tmpfs: " + m);
            String path = own.get(h.getValue());
            assertTrue(path != null && path.endsWith("/" + id), h + " in " + own);
            assertEquals(path, m.root(), "the container's own cgroup is what " + m.mountPoint() + " shows");
        }
        // the unified tree of a hybrid host is not shown, as with runc
        for (MountInfo m : mi) {
            assertNotEquals("cgroup2", m.fsType(), m.toString());
        }
        // through the mount, the pids hierarchy lists the container's pid 1; and refuses writes
        assertTrue(lines(section(s, "procs")).contains("1"), s.toString());
        assertTrue(section(s, "mkdir").contains("Read-only file system"), s.toString());
    }

    @Test
    void cgroupNamespaceGetsCgroupMountsRootedAtTheContainersCgroup() throws IOException {
        assumeTrue(v1Host(), "a cgroup v1 or hybrid host");
        boolean hybrid = hybridHost();
        TestBundle b = bundle();
        b.namespace("cgroup", null);
        if (hybrid) { // and a cgroup2 mount, real in a cgroup namespace
            b.mount("/cg2", "cgroup2", "cgroup", "nosuid", "nodev", "noexec");
        }
        String id = newId();
        long pid = runDetached(b, id);
        assertNotEquals(Host.ns("self", "cgroup"), Host.ns(pid, "cgroup"));
        // from the host, the mounts show the container's cgroup in each hierarchy
        List<MountInfo> mi = mountinfo(pid);
        Map<String, String> own = cgroupPaths(Host.read("/proc/" + pid + "/cgroup"));
        for (Map.Entry<String, String> h : hostV1Hierarchies().entrySet()) {
            MountInfo m = at(mi, "/sys/fs/cgroup/" + h.getKey());
            assertEquals("cgroup", m.fsType());
            assertOptions(m, "ro", "nosuid", "nodev", "noexec");
            assertTrue(own.get(h.getValue()).endsWith("/" + id), own.toString());
            assertEquals(own.get(h.getValue()), m.root(), m.toString());
        }
        assertEquals(List.of(Long.toString(pid)),
                lines(Host.read("/proc/" + pid + "/root/sys/fs/cgroup/pids/cgroup.procs")));
        if (hybrid) {
            MountInfo cg2 = at(mi, "/cg2");
            assertEquals("cgroup2", cg2.fsType());
            assertEquals(own.get(""), cg2.root());
            assertEquals(List.of(Long.toString(pid)), lines(Host.read("/proc/" + pid + "/root/cg2/cgroup.procs")));
        }
        ok("delete", "--force", id);

        // inside, every hierarchy is rooted at the namespace's root, the container's cgroup: "/" in
        // mountinfo and in /proc/self/cgroup, and cgroup.procs lists the container's pid 1
        b.sh(CGROUP_PROBE + (hybrid ? "; echo == cg2; cat /cg2/cgroup.procs" : ""));
        Map<String, String> s = sections(run(b));
        for (String line : lines(section(s, "cgroup"))) {
            assertTrue(line.endsWith(":/"), "inside its cgroup namespace: " + line);
        }
        assertTrue(lines(section(s, "procs")).contains("1"), s.toString());
        assertTrue(section(s, "mkdir").contains("Read-only file system"), s.toString());
        List<MountInfo> inside = MountInfo.parse(section(s, "mountinfo"));
        for (String name : hostV1Hierarchies().keySet()) {
            assertEquals("/", at(inside, "/sys/fs/cgroup/" + name).root());
        }
        if (hybrid) {
            assertTrue(lines(section(s, "cg2")).contains("1"), s.toString());
            assertEquals("/", at(inside, "/cg2").root());
        }
    }

    @Test
    void cgroup2MountOnAHybridHostShowsTheContainersUnifiedCgroup() {
        assumeTrue(hybridHost(), "a hybrid host");
        TestBundle b = bundle();
        b.mount("/cg2", "cgroup2", "cgroup", "nosuid", "nodev", "noexec", "ro");
        b.sh("echo == cgroup; cat /proc/self/cgroup; echo == procs; cat /cg2/cgroup.procs; echo == mkdir; "
                + "mkdir /cg2/sub 2>&1; echo == mountinfo; cat /proc/self/mountinfo");
        String id = newId();
        Map<String, String> s = sections(ok("run", "--bundle", b.dir.toString(), id).out());
        MountInfo m = at(MountInfo.parse(section(s, "mountinfo")), "/cg2");
        assertEquals("cgroup2", m.fsType());
        assertOptions(m, "ro", "nosuid", "nodev", "noexec");
        String unified = cgroupPaths(section(s, "cgroup")).get("");
        assertTrue(unified != null && unified.endsWith("/" + id), s.toString());
        assertEquals(unified, m.root(), "the container's unified cgroup");
        assertTrue(lines(section(s, "procs")).contains("1"), s.toString());
        assertTrue(section(s, "mkdir").contains("Read-only file system"), s.toString());
    }

    // ---- bind mounts ----

    @Test
    void readOnlyBindRefusesWritesAndPlainBindWritesThrough() throws Exception {
        Path src = Files.createDirectories(dir.resolve("src"));
        Files.writeString(src.resolve("file"), "from the host\n");
        TestBundle b = bundle();
        b.mount("/ro", "bind", src.toString(), "bind", "ro");
        b.mount("/rw", "bind", src.toString(), "bind");
        b.sh("echo == read; cat /ro/file; echo == ro; touch /ro/new 2>&1; echo rc=$?; echo == rw; "
                + "echo written > /rw/written; echo rc=$?; echo == mountinfo; cat /proc/self/mountinfo");
        Map<String, String> s = sections(run(b));
        assertEquals("from the host\n", section(s, "read"));
        assertTrue(section(s, "ro").contains("Read-only file system"), s.toString());
        assertFalse(Files.exists(src.resolve("new")));
        assertEquals("rc=0\n", section(s, "rw"));
        assertEquals("written\n", Files.readString(src.resolve("written")), "a rw bind writes through to the host");
        List<MountInfo> mi = MountInfo.parse(section(s, "mountinfo"));
        MountInfo ro = at(mi, "/ro");
        assertOptions(ro, "ro");
        assertEquals(src.toString(), ro.root());
        assertOptions(at(mi, "/rw"), "rw");
    }

    @Test
    void rbindKeepsSubMountsAndBindDoesNot() throws Exception {
        Path src = Files.createDirectories(dir.resolve("src"));
        Files.createDirectories(src.resolve("sub"));
        hostMount("-t", "tmpfs", "-o", "size=1m", "hull-it-sub", src.resolve("sub").toString());
        Files.writeString(src.resolve("sub/in-submount"), "x");
        TestBundle b = bundle();
        b.mount("/r", "bind", src.toString(), "rbind");
        b.mount("/nr", "bind", src.toString(), "bind");
        b.sh("echo == r; ls /r/sub; echo == nr; ls /nr/sub; echo == mountinfo; cat /proc/self/mountinfo");
        Map<String, String> s = sections(run(b));
        assertEquals("in-submount\n", section(s, "r"));
        assertEquals("", section(s, "nr"), "a non-recursive bind shows the directory under the sub-mount");
        List<MountInfo> mi = MountInfo.parse(section(s, "mountinfo"));
        MountInfo sub = at(mi, "/r/sub");
        assertEquals("tmpfs", sub.fsType());
        assertEquals(at(mi, "/r").id(), sub.parentId());
        assertNull(find(mi, "/nr/sub"));
    }

    @Test
    void nosuidNodevNoexecOnABindAreEnforced() throws Exception {
        TestBundle b = bundle();
        Path src = Files.createDirectories(dir.resolve("src"));
        Files.copy(b.rootfs.resolve("bin/busybox"), src.resolve("busybox"));
        Kernel.assertExitOk(Cmd.run("mknod", "-m", "666", src.resolve("null").toString(), "c", "1", "3"));
        b.mount("/locked", "bind", src.toString(), "bind", "nosuid", "nodev", "noexec");
        b.mount("/open", "bind", src.toString(), "bind");
        b.sh("echo == exec-locked; /locked/busybox true 2>&1; echo rc=$?; echo == exec-open; /open/busybox true; "
                + "echo rc=$?; echo == dev-locked; echo x 2>&1 > /locked/null; echo rc=$?; echo == dev-open; "
                + "echo x > /open/null; echo rc=$?; echo == mountinfo; cat /proc/self/mountinfo");
        Map<String, String> s = sections(run(b));
        List<MountInfo> mi = MountInfo.parse(section(s, "mountinfo"));
        assertOptions(at(mi, "/locked"), "nosuid", "nodev", "noexec");
        for (String o : new String[] {"nosuid", "nodev", "noexec"}) {
            assertFalse(options(at(mi, "/open")).contains(o), at(mi, "/open").toString());
        }
        assertTrue(section(s, "exec-locked").contains("Permission denied"), s.toString());
        assertEquals("rc=0\n", section(s, "exec-open"));
        assertTrue(section(s, "dev-locked").contains("Permission denied"), s.toString());
        assertEquals("rc=0\n", section(s, "dev-open"));
    }

    @Test
    void fileBindCreatesItsDestinationAndMissingDirectories() throws Exception {
        Path file = dir.resolve("app.conf");
        Files.writeString(file, "key=value\n");
        Path src = Files.createDirectories(dir.resolve("src"));
        TestBundle b = bundle();
        b.mount("/etc/app/deep/app.conf", "bind", file.toString(), "bind", "ro");
        b.mount("/new/a/b/c", "bind", src.toString(), "bind");
        b.mount("/new/t/m/p", "tmpfs", "tmpfs");
        b.sh("echo == conf; cat /etc/app/deep/app.conf; echo == mountinfo; cat /proc/self/mountinfo");
        Map<String, String> s = sections(run(b));
        assertEquals("key=value\n", section(s, "conf"));
        List<MountInfo> mi = MountInfo.parse(section(s, "mountinfo"));
        assertEquals(file.toString(), at(mi, "/etc/app/deep/app.conf").root());
        assertEquals(src.toString(), at(mi, "/new/a/b/c").root());
        assertEquals("tmpfs", at(mi, "/new/t/m/p").fsType());
        // the mount points were made in the rootfs: an empty file for the file, directories else
        Kernel.Node conf = Kernel.node(b.rootfs.resolve("etc/app/deep/app.conf"));
        assertEquals('f', conf.type());
        assertEquals(0L, Files.size(b.rootfs.resolve("etc/app/deep/app.conf")));
        assertEquals('d', Kernel.node(b.rootfs.resolve("new/a/b/c")).type());
        assertEquals('d', Kernel.node(b.rootfs.resolve("new/t/m/p")).type());
    }

    @Test
    void relativeBindSourceIsResolvedAgainstTheBundle() throws Exception {
        TestBundle b = bundle();
        Files.createDirectories(b.dir.resolve("data"));
        Files.writeString(b.dir.resolve("data/which"), "bundle\n");
        // a decoy where the runtime runs (its cwd is the test directory)
        Files.createDirectories(dir.resolve("data"));
        Files.writeString(dir.resolve("data/which"), "cwd\n");
        b.mount("/data", "bind", "data", "bind", "ro");
        b.mount("/single", "bind", "data/which", "bind", "ro");
        b.sh("cat /data/which /single");
        assertEquals("bundle\nbundle\n", run(b));
    }

    @Test
    void readOnlyBindInAUserNamespaceKeepsTheFlagsTheKernelLocked() throws Exception {
        // the container's root (host uid 100000) must reach the rootfs and the source
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path src = Files.createDirectories(dir.resolve("src"));
        hostMount("-t", "tmpfs", "-o", "size=1m,nosuid,nodev,noexec,mode=755", "hull-it-locked", src.toString());
        Files.writeString(src.resolve("file"), "locked\n");
        TestBundle b = bundle();
        b.namespace("user", null);
        b.set("linux.uidMappings", List.of(obj("containerID", 0, "hostID", 100000, "size", 65536)));
        b.set("linux.gidMappings", List.of(obj("containerID", 0, "hostID", 100000, "size", 65536)));
        Files.createDirectories(b.rootfs.resolve("ro")); // the mapped root cannot create it in the rootfs
        // only "ro" asked: the remount must keep nosuid, nodev, noexec, which a user namespace
        // may not clear on a mount it got from the host
        b.mount("/ro", "bind", src.toString(), "bind", "ro");
        b.sh("echo == read; cat /ro/file; echo == write; touch /ro/x 2>&1; echo == mountinfo; cat /proc/self/mountinfo");
        Map<String, String> s = sections(run(b));
        assertEquals("locked\n", section(s, "read"));
        assertTrue(section(s, "write").contains("Read-only file system"), s.toString());
        assertOptions(at(MountInfo.parse(section(s, "mountinfo")), "/ro"), "ro", "nosuid", "nodev", "noexec");
    }

    // ---- propagation, recursive read-only ----

    @Test
    void bindPropagationOptionsShowInMountinfoAndAct() throws Exception {
        Path src = dir.resolve("src");
        int hostGroup = sharedHostDir(src);
        TestBundle b = bundle();
        b.mount("/p/private", "bind", src.toString(), "rbind", "rprivate");
        b.mount("/p/slave", "bind", src.toString(), "rbind", "rslave");
        b.mount("/p/shared", "bind", src.toString(), "rbind", "rshared");
        String id = newId();
        long pid = runDetached(b, id);
        List<MountInfo> mi = mountinfo(pid);
        MountInfo priv = at(mi, "/p/private");
        assertEquals(List.of(), priv.optionalFields(), "rprivate: " + priv);
        MountInfo slave = at(mi, "/p/slave");
        assertEquals(hostGroup, peerGroup(slave, "master"), "rslave: receives from the host's peer group " + slave);
        assertEquals(-1, peerGroup(slave, "shared"), slave.toString());
        MountInfo shared = at(mi, "/p/shared");
        int group = peerGroup(shared, "shared");
        assertTrue(group > 0 && group != hostGroup, "rshared: a peer group of its own " + shared);
        // the container's / is rslave: its shared mount still only receives from the host
        assertEquals(hostGroup, peerGroup(shared, "master"), shared.toString());

        // and they act so: a mount made on the host afterwards reaches the slave and the shared
        // bind, not the private one
        Files.createDirectories(src.resolve("late"));
        hostMount("-t", "tmpfs", "hull-it-late", src.resolve("late").toString());
        mi = mountinfo(pid);
        assertNotEquals(null, find(mi, "/p/slave/late"), "propagated to the rslave bind");
        assertNotEquals(null, find(mi, "/p/shared/late"), "propagated to the rshared bind");
        assertNull(find(mi, "/p/private/late"), "not propagated to the rprivate bind");
        ok("delete", "--force", id);
    }

    @Test
    void rroMakesSubMountsReadOnlyWhereRoDoesNot() throws Exception {
        Path src = Files.createDirectories(dir.resolve("src"));
        Files.createDirectories(src.resolve("sub"));
        hostMount("-t", "tmpfs", "-o", "size=1m", "hull-it-sub", src.resolve("sub").toString());
        TestBundle b = bundle();
        b.mount("/rro", "bind", src.toString(), "rbind", "rro");
        b.mount("/ro", "bind", src.toString(), "rbind", "ro");
        b.sh("echo == rro; touch /rro/sub/x 2>&1; echo rc=$?; echo == ro-sub; touch /ro/sub/y; echo rc=$?; "
                + "echo == ro; touch /ro/z 2>&1; echo rc=$?; echo == mountinfo; cat /proc/self/mountinfo");
        Map<String, String> s = sections(run(b));
        List<MountInfo> mi = MountInfo.parse(section(s, "mountinfo"));
        assertOptions(at(mi, "/rro"), "ro");
        assertOptions(at(mi, "/rro/sub"), "ro");
        assertOptions(at(mi, "/ro"), "ro");
        assertOptions(at(mi, "/ro/sub"), "rw");
        assertTrue(section(s, "rro").contains("Read-only file system"), s.toString());
        assertEquals("rc=0\n", section(s, "ro-sub"), "ro only applies to the top of an rbind");
        assertTrue(section(s, "ro").contains("Read-only file system"), s.toString());
        assertTrue(Files.exists(src.resolve("sub/y")));
        assertFalse(Files.exists(src.resolve("sub/x")));
    }

    @Test
    void rootfsPropagationSetsThePropagationOfTheContainersRoot() throws Exception {
        Path shared = dir.resolve("shared");
        int hostGroup = sharedHostDir(shared);
        // the bundles live under a host mount that is shared
        Map<String, List<String>> fields = new HashMap<>();
        for (String prop : new String[] {"", "rshared", "private", "runbindable"}) {
            TestBundle b = TestBundle.busybox(shared, "bundle-" + (prop.isEmpty() ? "default" : prop));
            if (!prop.isEmpty()) {
                b.set("linux.rootfsPropagation", prop);
            }
            b.sh("cat /proc/self/mountinfo");
            MountInfo root = at(MountInfo.parse(run(b)), "/");
            assertEquals(b.rootfs.toRealPath().toString(), root.root(), root.toString());
            fields.put(prop, root.optionalFields());
        }
        // default (rslave): a slave of the host's peer group, nothing goes back
        assertEquals(List.of("master:" + hostGroup), fields.get(""), "default rootfs propagation");
        // private: nothing either way
        assertEquals(List.of(), fields.get("private"));
        // rshared: shared, in a peer group of its own (never the host's: the container's mounts
        // must not appear on the host)
        List<String> rs = fields.get("rshared");
        assertEquals(1, rs.size(), "rshared: " + rs);
        assertTrue(rs.get(0).startsWith("shared:") && !rs.get(0).equals("shared:" + hostGroup), "rshared: " + rs);
        // runbindable: the root (and the mounts on it) can no longer be bound
        assertEquals(List.of("unbindable"), fields.get("runbindable"));
    }

    // ---- read-only root, masked and read-only paths, --no-pivot ----

    @Test
    void readonlyRootRefusesWritesButWritableMountsStayWritable() throws Exception {
        TestBundle b = bundle(); // the default spec has root.readonly
        b.mount("/scratch", "tmpfs", "tmpfs", "size=1m");
        b.sh("echo == root; touch /hull-root 2>&1; echo rc=$?; echo == scratch; touch /scratch/x; echo rc=$?; "
                + "echo == shm; touch /dev/shm/x; echo rc=$?; echo == mountinfo; cat /proc/self/mountinfo");
        Map<String, String> s = sections(run(b));
        assertTrue(section(s, "root").contains("Read-only file system"), s.toString());
        assertEquals("rc=0\n", section(s, "scratch"));
        assertEquals("rc=0\n", section(s, "shm"));
        List<MountInfo> mi = MountInfo.parse(section(s, "mountinfo"));
        assertOptions(at(mi, "/"), "ro");
        assertOptions(at(mi, "/scratch"), "rw");
        assertFalse(Files.exists(b.rootfs.resolve("hull-root")));

        TestBundle w = bundle();
        w.set("root.readonly", false);
        w.sh("touch /hull-root && echo ok");
        assertEquals("ok\n", run(w));
        assertTrue(Files.exists(w.rootfs.resolve("hull-root")));
    }

    @Test
    void maskedPathsHideFilesAndDirectoriesAndSkipMissingOnes() throws Exception {
        TestBundle b = bundle();
        Files.writeString(b.rootfs.resolve("secret"), "s3cret\n");
        Files.createDirectories(b.rootfs.resolve("secretdir/sub"));
        Files.writeString(b.rootfs.resolve("secretdir/file"), "s3cret\n");
        List<Object> masked = new ArrayList<>(List.of("/secret", "/secretdir", "/does/not/exist", "/nothere"));
        masked.add("/proc/keys");
        b.set("linux.maskedPaths", masked);
        b.set("root.readonly", false);
        b.sh("echo == file; cat /secret; echo rc=$?; echo == keys; cat /proc/keys; echo == dir; ls -A /secretdir; "
                + "echo == write-dir; touch /secretdir/x 2>&1; echo == write-file; echo x > /secret; echo rc=$?; "
                + "echo == mountinfo; cat /proc/self/mountinfo");
        Map<String, String> s = sections(run(b));
        assertEquals("rc=0\n", section(s, "file"), "a masked file reads empty");
        assertEquals("", section(s, "keys"));
        assertEquals("", section(s, "dir"), "a masked directory is empty");
        assertTrue(section(s, "write-dir").contains("Read-only file system"), s.toString());
        List<MountInfo> mi = MountInfo.parse(section(s, "mountinfo"));
        MountInfo d = at(mi, "/secretdir");
        assertEquals("tmpfs", d.fsType());
        assertOptions(d, "ro");
        MountInfo f = at(mi, "/secret");
        assertEquals("/null", f.root(), "a masked file is a bind of the container's /dev/null: " + f);
        assertEquals(at(mi, "/dev").device(), f.device());
        assertEquals("/null", at(mi, "/proc/keys").root());
        assertNull(find(mi, "/does/not/exist"));
        assertNull(find(mi, "/nothere"));
        // writing the masked file goes to /dev/null: the rootfs keeps its content
        assertEquals("rc=0\n", section(s, "write-file"));
        assertEquals("s3cret\n", Files.readString(b.rootfs.resolve("secret")));
    }

    @Test
    void maskedFilesNeedARealNullDevice() throws Exception {
        // /dev bound from a directory: the container's /dev/null is whatever is there. Masking
        // must not silently leave a file readable because it is missing, nor bind something else.
        for (String kind : new String[] {"missing", "regular file", "symlink"}) {
            TestBundle b = bundle();
            Path devdir = Files.createDirectories(b.dir.resolve("devdir"));
            if (kind.equals("regular file")) {
                Files.writeString(devdir.resolve("null"), "not the null device\n");
            } else if (kind.equals("symlink")) { // to a file the container may read anyway
                Files.createSymbolicLink(devdir.resolve("null"), Path.of("/etc/passwd"));
            }
            b.mounts().removeIf(m -> ((Map<?, ?>) m).get("destination").equals("/dev"));
            b.mounts().add(0, obj("destination", "/dev", "type", "bind", "source", devdir.toString(),
                    "options", List.of("rbind")));
            Files.writeString(b.rootfs.resolve("secret"), "s3cret\n");
            b.set("linux.maskedPaths", List.of("/secret"));
            b.sh("cat /secret");
            String id = newId();
            Cmd.Result r = hull("run", "--bundle", b.dir.toString(), id);
            assertFalse(r.code() == 0 && r.out().contains("s3cret"), kind + " /dev/null: the masked file was readable\n" + r);
            assertNotEquals(0, r.code(), kind + " /dev/null: " + r);
            assertTrue(r.err().contains("/dev/null"), kind + ": the error names /dev/null: " + r.err());
        }
    }

    @Test
    void readonlyPathsRefuseWrites() throws Exception {
        TestBundle b = bundle();
        Files.createDirectories(b.rootfs.resolve("rodir"));
        Files.writeString(b.rootfs.resolve("rofile"), "ro\n");
        b.set("root.readonly", false);
        b.set("linux.readonlyPaths", List.of("/rodir", "/rofile", "/does/not/exist"));
        b.sh("echo == dir; touch /rodir/x 2>&1; echo == file; echo x 2>&1 > /rofile; echo == other; touch /other; "
                + "echo rc=$?; echo == mountinfo; cat /proc/self/mountinfo");
        Map<String, String> s = sections(run(b));
        assertTrue(section(s, "dir").contains("Read-only file system"), s.toString());
        assertTrue(section(s, "file").contains("Read-only file system"), s.toString());
        assertEquals("rc=0\n", section(s, "other"));
        List<MountInfo> mi = MountInfo.parse(section(s, "mountinfo"));
        assertOptions(at(mi, "/rodir"), "ro");
        assertOptions(at(mi, "/rofile"), "ro");
        assertNull(find(mi, "/does/not/exist"));
        assertEquals("ro\n", Files.readString(b.rootfs.resolve("rofile")));
    }

    @Test
    void noPivotStillRunsInTheRootfs() throws Exception {
        TestBundle b = bundle();
        Files.writeString(b.rootfs.resolve("marker"), "rootfs\n");
        b.sh("echo == marker; cat /marker; echo == ls; ls /; echo == root; readlink /proc/self/root; "
                + "echo == mountinfo; cat /proc/self/mountinfo");
        Map<String, String> s = sections(run(b, "--no-pivot"));
        assertEquals("rootfs\n", section(s, "marker"));
        assertEquals(Kernel.list(b.rootfs), lines(section(s, "ls")));
        assertEquals("/\n", section(s, "root"));
        List<MountInfo> mi = MountInfo.parse(section(s, "mountinfo"));
        assertEquals(b.rootfs.toRealPath().toString(), at(mi, "/").root());
        assertEquals("proc", at(mi, "/proc").fsType());
        // the host's mounts stay out of sight: every mount point is one the config made
        for (MountInfo m : mi) {
            assertTrue(m.mountPoint().equals("/") || m.mountPoint().startsWith("/proc")
                    || m.mountPoint().startsWith("/dev") || m.mountPoint().startsWith("/sys"), m.toString());
        }
    }

    // ---- security: destinations through symlinks that point out of the rootfs ----

    /** Mount lines of the host at or under /etc. */
    private static List<String> hostEtcMounts() {
        List<String> out = new ArrayList<>();
        for (MountInfo m : mountinfo("self")) {
            if (m.mountPoint().equals("/etc") || m.mountPoint().startsWith("/etc/")) {
                out.add(m.mountPoint() + " " + m.fsType());
            }
        }
        return out;
    }

    @Test
    void absoluteSymlinkDestinationStaysInTheRootfs() throws Exception {
        List<String> hostEtc = hostEtcMounts();
        String tag = tag();
        Path src = Files.createDirectories(dir.resolve("src"));
        Files.writeString(src.resolve(tag), "marker\n");
        TestBundle b = bundle();
        Files.createSymbolicLink(b.rootfs.resolve("evil"), Path.of("/etc"));
        b.mount("/evil", "bind", src.toString(), "bind");
        b.sh("echo == marker; cat /etc/" + tag + "; echo == mountinfo; cat /proc/self/mountinfo");
        Map<String, String> s = sections(run(b));
        // inside: the bind landed on the container's /etc
        assertEquals("marker\n", section(s, "marker"));
        MountInfo m = at(MountInfo.parse(section(s, "mountinfo")), "/etc");
        assertEquals(src.toString(), m.root());
        // the host: its /etc untouched
        assertFalse(Files.exists(Path.of("/etc", tag)));
        assertEquals(hostEtc, hostEtcMounts());
    }

    @Test
    void relativeSymlinkDestinationCannotClimbOutOfTheRootfs() throws Exception {
        List<String> hostEtc = hostEtcMounts();
        TestBundle b = bundle();
        Files.createSymbolicLink(b.rootfs.resolve("evil2"), Path.of("../../../../../../../../etc"));
        Files.createDirectories(b.rootfs.resolve("usr"));
        Files.createSymbolicLink(b.rootfs.resolve("usr/evil3"), Path.of("../../../../../../../../etc"));
        b.mount("/evil2", "tmpfs", "tmpfs", "size=1m");
        b.mount("/usr/evil3/sub", "tmpfs", "tmpfs", "size=1m");
        b.sh("echo == ls; ls -A /etc; echo == mountinfo; cat /proc/self/mountinfo");
        Map<String, String> s = sections(run(b));
        List<MountInfo> mi = MountInfo.parse(section(s, "mountinfo"));
        assertEquals("tmpfs", at(mi, "/etc").fsType(), "the tmpfs is on the container's /etc");
        assertEquals("tmpfs", at(mi, "/etc/sub").fsType(), "a destination under the link too");
        assertEquals(at(mi, "/etc").id(), at(mi, "/etc/sub").parentId());
        assertEquals("sub\n", section(s, "ls"));
        assertFalse(Files.exists(Path.of("/etc/sub")), "nothing was made in the host's /etc");
        assertEquals(hostEtc, hostEtcMounts());
    }

    @Test
    void destinationUnderASymlinkToAHostPathIsMadeInsideTheRootfs() throws Exception {
        List<String> hostEtc = hostEtcMounts();
        String tag = tag();
        // a host directory that exists only on the host, and /etc, which both have
        Path outside = Files.createDirectories(dir.resolve("outside"));
        Path file = dir.resolve("file");
        Files.writeString(file, "file\n");
        TestBundle b = bundle();
        Files.createSymbolicLink(b.rootfs.resolve("out"), outside);
        Files.createSymbolicLink(b.rootfs.resolve("evil"), Path.of("/etc"));
        b.mount("/out/newdir/deeper", "tmpfs", "tmpfs", "size=1m");
        b.mount("/out/newfile", "bind", file.toString(), "bind");
        b.mount("/evil/" + tag + "/d", "tmpfs", "tmpfs", "size=1m");
        b.mount("/evil/" + tag + ".conf", "bind", file.toString(), "bind");
        b.sh("echo == file; cat /out/newfile; echo == mountinfo; cat /proc/self/mountinfo");
        Map<String, String> s = sections(run(b));
        assertEquals("file\n", section(s, "file"));
        List<MountInfo> mi = MountInfo.parse(section(s, "mountinfo"));
        // the links were followed inside the rootfs: the host path, recreated there
        assertEquals("tmpfs", at(mi, outside + "/newdir/deeper").fsType());
        assertEquals(file.toString(), at(mi, outside + "/newfile").root());
        assertEquals("tmpfs", at(mi, "/etc/" + tag + "/d").fsType());
        assertEquals(file.toString(), at(mi, "/etc/" + tag + ".conf").root());
        assertTrue(Files.isDirectory(inRootfs(b.rootfs, outside).resolve("newdir/deeper")));
        assertTrue(Files.isRegularFile(inRootfs(b.rootfs, outside).resolve("newfile")));
        assertTrue(Files.isDirectory(b.rootfs.resolve("etc/" + tag + "/d")));
        // and nothing on the host
        assertEquals(List.of(), Kernel.list(outside));
        assertFalse(Files.exists(Path.of("/etc", tag)));
        assertFalse(Files.exists(Path.of("/etc", tag + ".conf")));
        assertEquals(hostEtc, hostEtcMounts());
    }

    @Test
    void cwdThroughASymlinkOutOfTheRootfsIsMadeInsideIt() throws Exception {
        String tag = tag();
        Path outside = Files.createDirectories(dir.resolve("outside"));
        TestBundle b = bundle();
        Files.createSymbolicLink(b.rootfs.resolve("out"), outside);
        b.set("process.cwd", "/out/work");
        b.sh("pwd -P");
        assertEquals(outside + "/work\n", run(b), "the cwd is the link's target inside the rootfs");
        assertTrue(Files.isDirectory(inRootfs(b.rootfs, outside).resolve("work")));
        assertEquals(List.of(), Kernel.list(outside));

        TestBundle e = bundle();
        Files.createSymbolicLink(e.rootfs.resolve("evil"), Path.of("/etc"));
        e.set("process.cwd", "/evil/" + tag + "/w");
        e.sh("pwd -P");
        assertEquals("/etc/" + tag + "/w\n", run(e));
        assertTrue(Files.isDirectory(e.rootfs.resolve("etc/" + tag + "/w")));
        assertFalse(Files.exists(Path.of("/etc", tag)));
    }

    // ---- runc ----

    /** A mount table with what differs between two containers (ids, devices, names) left out. */
    private static List<String> normalized(List<MountInfo> mi, String id) {
        List<String> out = new ArrayList<>();
        for (MountInfo m : mi) {
            out.add(m.mountPoint() + " " + m.fsType() + " root=" + m.root().replace(id, "ID") + " " + m.options()
                    + " " + m.optionalFields() + " " + m.superOptions());
        }
        return out;
    }

    @Test
    void defaultMountTableIsRuncs() {
        assumeTrue(Host.hasRunc(), "runc installed");
        TestBundle b = bundle();
        b.sh("cat /proc/self/mountinfo");
        String hid = newId();
        String hull = ok("run", "--bundle", b.dir.toString(), hid).out();
        String rid = newId();
        Cmd.Result r = Cmd.run(List.of(Host.runc(), "--root", dir.resolve("runc-state").toString(), "run",
                "--bundle", b.dir.toString(), rid), Duration.ofSeconds(60), Map.of(), dir);
        assertEquals(0, r.code(), r.toString());
        assertEquals(normalized(MountInfo.parse(r.out()), rid), normalized(MountInfo.parse(hull), hid));
    }
}
