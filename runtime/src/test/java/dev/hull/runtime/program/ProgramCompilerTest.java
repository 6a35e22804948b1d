package dev.hull.runtime.program;

import static dev.hull.runtime.program.LinuxConstants.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hull.spec.Capabilities;
import dev.hull.spec.Spec;
import dev.hull.spec.SpecException;
import dev.hull.spec.SpecParser;
import dev.hull.spec.SpecValidator;
import dev.hull.spec.json.Json;
import dev.hull.sys.MountInfo;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The compiler's step lists for configs parsed from JSON, on fake hosts. Every compiled program
 * is also fed to {@code hull-exec --dump}, which must read it as the test-side decoder does.
 */
class ProgramCompilerTest {
    /** runc's three default capabilities: CAP_AUDIT_WRITE(29), CAP_KILL(5), CAP_NET_BIND_SERVICE(10). */
    static final long DEFAULT_CAPS = 1L << 29 | 1L << 5 | 1L << 10;
    static final long ALL_CAPS = (1L << 41) - 1;
    static final HostFacts FULL_HOST = new HostFacts(40, ALL_CAPS, true);
    static final String PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
    /** Stands in for libseccomp: one RET ALLOW instruction; notifies when a rule says NOTIFY. */
    static final byte[] FAKE_BPF = {6, 0, 0, 0, 0, 0, (byte) 0xff, 0x7f};
    static final SeccompFilter.Compiler FAKE_SECCOMP = s -> {
        boolean notify = false;
        for (var c : s.syscalls()) {
            notify |= c.action().equals("SCMP_ACT_NOTIFY");
        }
        long flags = (s.flags().contains("SECCOMP_FILTER_FLAG_LOG") ? 2 : 0)
                | (s.flags().contains("SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV") ? 32 : 0);
        return new SeccompFilter(FAKE_BPF, flags, notify);
    };

    @TempDir
    Path bundle;
    Path rootfs;
    Path stateDir;
    final List<String> warnings = new ArrayList<>();

    @BeforeEach
    void bundle() throws IOException {
        rootfs = bundle.resolve("rootfs");
        Files.createDirectories(rootfs.resolve("etc"));
        Files.writeString(rootfs.resolve("etc/passwd"), """
                root:x:0:0:root:/root:/bin/sh
                daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin
                user:x:1000:1000:A User:/home/user:/bin/sh
                nohome:x:1001:1001:No Home::/bin/sh
                """);
        stateDir = bundle.resolve("state");
    }

    // ---- building configs and inputs ----

    /** A config.json tree to change before parsing: runc's `runc spec` output to start with. */
    static final class Cfg {
        final Map<String, Object> root;

        @SuppressWarnings("unchecked")
        Cfg() {
            try (InputStream in = ProgramCompilerTest.class.getResourceAsStream("/runc-spec-config.json")) {
                root = (Map<String, Object>) Json.parse(in.readAllBytes());
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        }

        @SuppressWarnings("unchecked")
        Map<String, Object> map(String key) {
            return (Map<String, Object>) root.get(key);
        }

        Map<String, Object> process() {
            return map("process");
        }

        Map<String, Object> linux() {
            return map("linux");
        }

        @SuppressWarnings("unchecked")
        List<Object> mounts() {
            return (List<Object>) root.get("mounts");
        }

        @SuppressWarnings("unchecked")
        List<Object> namespaces() {
            return (List<Object>) linux().get("namespaces");
        }

        Cfg terminal(boolean on) {
            process().put("terminal", on);
            return this;
        }

        Cfg namespace(String type, String path) {
            namespaces().removeIf(n -> type.equals(((Map<?, ?>) n).get("type")));
            namespaces().add(path == null ? obj("type", type) : obj("type", type, "path", path));
            return this;
        }

        Cfg noNamespace(String type) {
            namespaces().removeIf(n -> type.equals(((Map<?, ?>) n).get("type")));
            return this;
        }

        Cfg userNamespace() {
            namespace("user", null);
            linux().put("uidMappings", List.of(obj("containerID", 0, "hostID", 100000, "size", 65536)));
            linux().put("gidMappings", List.of(obj("containerID", 0, "hostID", 100000, "size", 65536)));
            return this;
        }

        Cfg mount(Map<String, Object> m) {
            mounts().add(m);
            return this;
        }

        /** The JSON text, parsed and validated as create does. */
        Spec spec() {
            return spec(true);
        }

        /** Without the validator: for what the compiler must catch even when it is bypassed. */
        Spec spec(boolean validate) {
            try {
                Spec s = SpecParser.parse(Json.write(root).getBytes(StandardCharsets.UTF_8));
                if (validate) {
                    SpecValidator.validate(s);
                }
                return s;
            } catch (SpecException e) {
                throw new AssertionError("test config is invalid: " + e.getMessage(), e);
            }
        }
    }

    static Map<String, Object> obj(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }

    /** The hybrid host's hierarchies, as Cgroup.of makes them for the container "c1". */
    static Map<String, Path> hybridDirs() {
        Map<String, Path> d = new LinkedHashMap<>();
        d.put("cpu,cpuacct", Path.of("/sys/fs/cgroup/cpu,cpuacct/c1"));
        d.put("memory", Path.of("/sys/fs/cgroup/memory/c1"));
        d.put("name=systemd", Path.of("/sys/fs/cgroup/systemd/c1"));
        d.put("", Path.of("/sys/fs/cgroup/unified/c1"));
        return d;
    }

    /** The rest of an Input, with the defaults of a plain `create`. */
    final class In {
        Spec spec;
        LaunchMode mode = LaunchMode.CREATE;
        String consoleSocket;
        boolean noPivot, noNewKeyring, v2;
        int preserveFds;
        Map<String, Path> cgroupDirs = hybridDirs();
        HostFacts host = FULL_HOST;
        Path root = rootfs;

        In(Cfg c) {
            spec = c.spec();
        }

        long preservedFdsOwner; // 0: under the front, the executor inherits the fds
        byte[] deviceFilter;
        SeccompFilter.Compiler seccomp = FAKE_SECCOMP;
        Monitor monitor;

        In(Spec s) {
            spec = s;
        }

        ProgramCompiler.Input input() {
            return new ProgramCompiler.Input(spec, "c1", bundle, root, stateDir, mode, consoleSocket, noPivot,
                    noNewKeyring, preserveFds, preservedFdsOwner, cgroupDirs, v2, deviceFilter, seccomp, host,
                    warnings::add, monitor);
        }

        SetupProgram compile() throws SpecException {
            SetupProgram p = ProgramCompiler.compile(input());
            // the executor reads every compiled program, and reads it as the test decoder does
            HullExec.Result r = HullExec.dump(p.encode());
            assertEquals(0, r.code(), r.toString());
            assertEquals(ProgramDecoder.dump(p), r.out());
            return p;
        }
    }

    SetupProgram compile(Cfg c) throws SpecException {
        return new In(c).compile();
    }

    static List<Op> ops(SetupProgram p) {
        return p.steps().stream().map(SetupProgram.Step::op).toList();
    }

    static List<Object> first(SetupProgram p, Op op) {
        int i = p.indexOf(op);
        assertTrue(i >= 0, op + " is missing from " + ops(p));
        return ProgramDecoder.fields(p.steps().get(i));
    }

    static List<List<Object>> all(SetupProgram p, Op op) {
        List<List<Object>> out = new ArrayList<>();
        for (SetupProgram.Step st : p.steps()) {
            if (st.op() == op) {
                out.add(ProgramDecoder.fields(st));
            }
        }
        return out;
    }

    static List<Object> at(SetupProgram p, int i) {
        return ProgramDecoder.fields(p.steps().get(i));
    }

    static int count(SetupProgram p, Op op) {
        return (int) p.steps().stream().filter(s -> s.op() == op).count();
    }

    /** The MOUNT_IN_ROOT step whose destination is dest. */
    static List<Object> mountAt(SetupProgram p, String dest) {
        for (List<Object> f : all(p, Op.MOUNT_IN_ROOT)) {
            if (f.get(1).equals(dest)) {
                return f;
            }
        }
        throw new AssertionError("no mount on " + dest);
    }

    /** MOUNT_IN_ROOT fields: src, dest, type, flags, data, mkkind, remount, propagation, set, clr, fallback. */
    static List<Object> mnt(String src, String dest, String type, long flags, String data, long mkkind, long remount,
                            long prop, long set, long clr, String fallback) {
        return List.of(src, dest, type, flags, data, mkkind, remount, prop, set, clr, fallback);
    }

    @SuppressWarnings("unchecked")
    static List<String> strings(Object o) {
        return (List<String>) o;
    }

    // ---- LSM labels and Landlock at exec (ProgramCompiler.confineAtExec) ----

    static final HostFacts APPARMOR_HOST = new HostFacts(40, ALL_CAPS, true, true, false, 6);
    static final HostFacts SELINUX_HOST = new HostFacts(40, ALL_CAPS, true, false, true, 6);
    static final String LABEL = "system_u:object_r:container_file_t:s0:c1,c2";

    /** The ops from WAIT_START to the end. */
    static List<Op> tail(SetupProgram p) {
        List<Op> all = ops(p);
        return all.subList(all.indexOf(Op.WAIT_START), all.size());
    }

    @ParameterizedTest
    @ValueSource(strings = {"hull-default", "docker-default"})
    void anAppArmorProfileNeedsAppArmor(String profile) {
        Cfg c = new Cfg();
        c.process().put("apparmorProfile", profile);
        SpecException e = assertThrows(SpecException.class, () -> compile(c));
        assertEquals("process.apparmorProfile: AppArmor is not enabled on this host, so profile \""
                + profile + "\" cannot be applied", e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "unconfined"})
    void noProfileOrUnconfinedIsNothingWithoutAppArmor(String profile) throws SpecException {
        Cfg c = new Cfg();
        c.process().put("apparmorProfile", profile);
        SetupProgram p = compile(c);
        assertEquals(0, count(p, Op.LSM_LABEL));
        assertEquals(List.of(Op.WAIT_START, Op.EXEC), tail(p));
    }

    @Test
    void theAppArmorProfileIsAppliedAtExecAfterTheStartHooks() throws SpecException {
        Cfg c = new Cfg();
        c.process().put("apparmorProfile", "hull-default");
        c.root.put("hooks", obj("startContainer", List.of(obj("path", "/bin/sc"))));
        In in = new In(c);
        in.host = APPARMOR_HOST;
        SetupProgram p = in.compile();
        assertEquals(List.of(Op.WAIT_START, Op.HOOK, Op.LSM_LABEL, Op.EXEC), tail(p));
        assertEquals(List.of("apparmor/exec", "exec hull-default"), first(p, Op.LSM_LABEL));
        assertEquals("apply AppArmor profile hull-default",
                p.describe(p.indexOf(Op.LSM_LABEL)));
    }

    @Test
    void unconfinedIsAskedForOnAnAppArmorHost() throws SpecException {
        // as runc: "exec unconfined" takes a confined runtime's child out of its profile
        Cfg c = new Cfg();
        c.process().put("apparmorProfile", "unconfined");
        In in = new In(c);
        in.host = APPARMOR_HOST;
        assertEquals(List.of("apparmor/exec", "exec unconfined"), first(in.compile(), Op.LSM_LABEL));
    }

    @Test
    void selinuxLabelsNeedSELinux() {
        Cfg c = new Cfg();
        c.process().put("selinuxLabel", LABEL);
        SpecException e = assertThrows(SpecException.class, () -> compile(c));
        assertEquals("process.selinuxLabel: SELinux is not enabled on this host, so label \"" + LABEL
                + "\" cannot be applied", e.getMessage());
        Cfg m = new Cfg();
        m.linux().put("mountLabel", LABEL);
        e = assertThrows(SpecException.class, () -> compile(m));
        assertTrue(e.getMessage().startsWith("linux.mountLabel: SELinux is not enabled on this host"), e.getMessage());
        // nor does an AppArmor host do
        In in = new In(m);
        in.host = APPARMOR_HOST;
        assertThrows(SpecException.class, in::compile);
    }

    @Test
    void theSELinuxProcessLabelIsTheExecAttribute() throws SpecException {
        Cfg c = new Cfg();
        c.process().put("selinuxLabel", LABEL);
        In in = new In(c);
        in.host = SELINUX_HOST;
        SetupProgram p = in.compile();
        assertEquals(List.of(Op.WAIT_START, Op.LSM_LABEL, Op.EXEC), tail(p));
        assertEquals(List.of("exec", LABEL), first(p, Op.LSM_LABEL));
        // and nothing else changes: no mount is labelled without linux.mountLabel
        assertEquals("mode=755,size=65536k", mountAt(p, "/dev").get(4));
    }

    @Test
    void theMountLabelGoesIntoTheMountsRuncLabels() throws SpecException {
        Cfg c = new Cfg();
        c.linux().put("mountLabel", LABEL);
        c.mount(obj("destination", "/sys/fs/cgroup", "type", "cgroup", "source", "cgroup",
                "options", List.of("nosuid", "noexec", "nodev", "ro")));
        c.mount(obj("destination", "/data", "type", "bind", "source", bundle.toString(), "options", List.of("rbind")));
        In in = new In(c);
        in.host = SELINUX_HOST;
        SetupProgram p = in.compile();
        String ctx = "context=\"" + LABEL + "\"";
        assertEquals("mode=755,size=65536k," + ctx, mountAt(p, "/dev").get(4));
        assertEquals("newinstance,ptmxmode=0666,mode=0620,gid=5," + ctx, mountAt(p, "/dev/pts").get(4));
        assertEquals("mode=1777,size=65536k," + ctx, mountAt(p, "/dev/shm").get(4));
        // the tmpfs holding the cgroup hierarchies; the binds of their directories take no data
        assertEquals("mode=755," + ctx, mountAt(p, "/sys/fs/cgroup").get(4));
        assertEquals("", mountAt(p, "/sys/fs/cgroup/memory").get(4));
        assertEquals("", mountAt(p, "/data").get(4));
        // proc and sysfs cannot be labelled
        assertEquals(mnt("proc", "/proc", "proc", 0, "", 1, 0, 0, 0, 0, ""), mountAt(p, "/proc"));
        assertEquals("", mountAt(p, "/sys").get(4));
        // mqueue: mounted as is, then its root relabelled (the optional last field)
        List<Object> mq = mountAt(p, "/dev/mqueue");
        assertEquals(12, mq.size());
        assertEquals("", mq.get(4));
        assertEquals(LABEL, mq.get(11));
        assertEquals(11, mountAt(p, "/dev").size());
        // the tmpfs over a masked directory, as runc's maskPath
        for (List<Object> f : all(p, Op.MASK_PATH)) {
            assertEquals(List.of(f.get(0), ctx), f);
        }
    }

    @Test
    void withoutAMountLabelMaskPathHasOneField() throws SpecException {
        for (List<Object> f : all(compile(new Cfg()), Op.MASK_PATH)) {
            assertEquals(1, f.size());
        }
    }

    @Test
    void landlockComesAfterTheLabelAndBeforeExec() throws SpecException, IOException {
        Files.createDirectories(rootfs.resolve("bin"));
        Files.createDirectories(rootfs.resolve("tmp"));
        Cfg c = new Cfg();
        c.process().put("apparmorProfile", "hull-default");
        c.root.put("annotations", obj("dev.hull.landlock", "/bin:rx, /etc:r,/tmp:rw,/etc/passwd:w,/proc/self:r"));
        In in = new In(c);
        in.host = APPARMOR_HOST;
        SetupProgram p = in.compile();
        assertEquals(List.of(Op.WAIT_START, Op.LSM_LABEL, Op.LANDLOCK, Op.EXEC), tail(p));
        List<Object> f = first(p, Op.LANDLOCK);
        long r = 1L << 2 | 1L << 3, x = 1L, w = 0xfff2L; // write: bits 1, 4..15
        assertEquals(List.of(r | x, r, r | w, w, r), Arrays.stream((long[]) f.get(0)).boxed().toList());
        assertEquals(List.of("/bin", "/etc", "/tmp", "/etc/passwd", "/proc/self"), f.get(1));
        assertEquals("restrict with Landlock", p.describe(p.indexOf(Op.LANDLOCK)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"/bin:rq", "bin:r", "/bin", "/bin:", "", "/nope:r", "/bin:r,,/tmp:w"})
    void aBadLandlockAnnotationNamesIt(String value) throws IOException {
        Files.createDirectories(rootfs.resolve("bin"));
        Files.createDirectories(rootfs.resolve("tmp"));
        Cfg c = new Cfg();
        c.root.put("annotations", obj("dev.hull.landlock", value));
        SpecException e = assertThrows(SpecException.class, () -> compile(c));
        assertTrue(e.getMessage().startsWith("annotations[\"dev.hull.landlock\"]: "), e.getMessage());
    }

    @Test
    void landlockNeedsAKernelWithIt() throws IOException {
        Files.createDirectories(rootfs.resolve("bin"));
        Cfg c = new Cfg();
        c.root.put("annotations", obj("dev.hull.landlock", "/bin:rx"));
        In in = new In(c);
        in.host = new HostFacts(40, ALL_CAPS, true, false, false, -95);
        SpecException e = assertThrows(SpecException.class, in::compile);
        assertEquals("annotations[\"dev.hull.landlock\"]: this kernel has no Landlock (not enabled at boot: "
                + "add landlock to lsm=)", e.getMessage());
    }

    // ---- the default config ----

    @Test
    void runcDefaultConfig() throws SpecException {
        In in = new In(new Cfg());
        in.consoleSocket = "/run/console.sock";
        SetupProgram p = in.compile();
        List<Op> want = new ArrayList<>(List.of(
                // parent (the start socket is bound here, as the runtime's root: see ProgramCompiler)
                Op.DUMPABLE, Op.CONNECT_SOCKET, Op.LISTEN_START, Op.CLONE,
                // child, before the rootfs
                Op.WAIT_GO, Op.SETSID, Op.UMASK, Op.JOIN_KEYRING, Op.SETHOSTNAME,
                Op.MOUNT, Op.MOUNT, Op.OPEN_ROOT));
        // proc, /dev, /dev/pts, /dev/shm, /dev/mqueue, /sys; the cgroup tmpfs, 3 binds, 2 links
        want.addAll(List.of(Op.MOUNT_IN_ROOT, Op.MOUNT_IN_ROOT, Op.MOUNT_IN_ROOT, Op.MOUNT_IN_ROOT,
                Op.MOUNT_IN_ROOT, Op.MOUNT_IN_ROOT, Op.MOUNT_IN_ROOT, Op.MOUNT_IN_ROOT,
                Op.SYMLINK_IN_ROOT, Op.SYMLINK_IN_ROOT, Op.MOUNT_IN_ROOT, Op.MOUNT_IN_ROOT));
        for (int k = 0; k < 6; k++) {
            want.add(Op.MKNOD_IN_ROOT);
        }
        for (int k = 0; k < 6; k++) {
            want.add(Op.SYMLINK_IN_ROOT);
        }
        want.addAll(List.of(Op.PIVOT_ROOT, Op.CONSOLE));
        for (int k = 0; k < 5; k++) {
            want.add(Op.READONLY_PATH);
        }
        for (int k = 0; k < 10; k++) {
            want.add(Op.MASK_PATH);
        }
        want.addAll(List.of(Op.REMOUNT_ROOT_RO, Op.RLIMIT, Op.CAP_BOUNDING, Op.KEEPCAPS, Op.SETGROUPS,
                Op.SETRESGID, Op.SETRESUID, Op.KEEPCAPS, Op.CAPS, Op.AMBIENT, Op.CHDIR, Op.NO_NEW_PRIVS,
                Op.UMASK, Op.LOOKUP_EXEC, Op.CLOSE_FDS, Op.CREATED, Op.WAIT_START, Op.EXEC));
        assertEquals(want, ops(p));
        assertEquals(List.of(), warnings);

        assertEquals(List.of(0L), at(p, 0), "non-dumpable");
        assertEquals(List.of("/run/console.sock"), at(p, 1));
        assertEquals(List.of(stateDir.toString(), "exec.sock"), at(p, 2));
        long flags = CLONE_NEWPID | CLONE_NEWNET | CLONE_NEWIPC | CLONE_NEWUTS | CLONE_NEWNS;
        assertEquals(0x6c020000L, flags);
        assertEquals(List.of(flags, 0L), at(p, 3));
        assertEquals("clone the container process (flags 6c020000)", p.describe(3));

        assertEquals(List.of(0L), at(p, 6));
        assertEquals(List.of("_ses.c1"), at(p, 7));
        assertEquals(List.of("runc"), at(p, 8));
        assertEquals(List.of("", "/", "", MS_SLAVE | MS_REC, ""), at(p, 9));
        assertEquals(List.of(rootfs.toString(), rootfs.toString(), "", MS_BIND | MS_REC, ""), at(p, 10));
        assertEquals(List.of(rootfs.toString()), at(p, 11));

        assertEquals(mnt("proc", "/proc", "proc", 0, "", 1, 0, 0, 0, 0, ""), at(p, 12));
        assertEquals(mnt("tmpfs", "/dev", "tmpfs", MS_NOSUID | MS_STRICTATIME, "mode=755,size=65536k", 1, 0, 0, 0,
                0, ""), at(p, 13));
        assertEquals(mnt("devpts", "/dev/pts", "devpts", MS_NOSUID | MS_NOEXEC,
                "newinstance,ptmxmode=0666,mode=0620,gid=5", 1, 0, 0, 0, 0, ""), at(p, 14));
        assertEquals(mnt("shm", "/dev/shm", "tmpfs", MS_NOSUID | MS_NOEXEC | MS_NODEV, "mode=1777,size=65536k",
                1, 0, 0, 0, 0, ""), at(p, 15));
        assertEquals(mnt("mqueue", "/dev/mqueue", "mqueue", MS_NOSUID | MS_NOEXEC | MS_NODEV, "", 1, 0, 0, 0, 0,
                ""), at(p, 16));
        assertEquals(mnt("sysfs", "/sys", "sysfs", MS_NOSUID | MS_NOEXEC | MS_NODEV | MS_RDONLY, "", 1, 0, 0, 0,
                0, ""), at(p, 17));

        List<String> nodes = new ArrayList<>();
        for (List<Object> f : all(p, Op.MKNOD_IN_ROOT)) {
            nodes.add(f.get(0) + " " + Long.toOctalString((Long) f.get(1)) + " " + f.get(2) + ":" + f.get(3)
                    + " " + f.get(4) + ":" + f.get(5));
        }
        // runc's order (it shows in a user namespace, where the nodes are binds)
        assertEquals(List.of("/dev/null 20666 1:3 0:0", "/dev/random 20666 1:8 0:0", "/dev/full 20666 1:7 0:0",
                "/dev/tty 20666 5:0 0:0", "/dev/zero 20666 1:5 0:0", "/dev/urandom 20666 1:9 0:0"), nodes);
        List<List<Object>> links = all(p, Op.SYMLINK_IN_ROOT);
        assertEquals(List.of(
                List.of("cpu,cpuacct", "/sys/fs/cgroup/cpu"), List.of("cpu,cpuacct", "/sys/fs/cgroup/cpuacct"),
                List.of("/proc/self/fd", "/dev/fd"), List.of("/proc/self/fd/0", "/dev/stdin"),
                List.of("/proc/self/fd/1", "/dev/stdout"), List.of("/proc/self/fd/2", "/dev/stderr"),
                List.of("/proc/kcore", "/dev/core"), List.of("pts/ptmx", "/dev/ptmx")), links);

        assertEquals(List.of(stateDir.toString(), "exec.sock"), first(p, Op.LISTEN_START));
        assertEquals(List.of(0L, 0L, 0L, 0L, 1L), first(p, Op.CONSOLE));
        assertEquals(List.of("/proc/bus"), first(p, Op.READONLY_PATH));
        assertEquals(List.of("/proc/scsi"), all(p, Op.MASK_PATH).get(9));
        assertEquals(List.of(7L, 1024L, 1024L), first(p, Op.RLIMIT));
        assertEquals(List.of(DEFAULT_CAPS), first(p, Op.CAP_BOUNDING));
        assertEquals(List.of(List.of(1L), List.of(0L)), all(p, Op.KEEPCAPS));
        assertEquals(0, ((long[]) first(p, Op.SETGROUPS).get(0)).length);
        assertEquals(List.of(0L), first(p, Op.SETRESGID));
        assertEquals(List.of(0L), first(p, Op.SETRESUID));
        // no inheritable set: nothing inheritable, so no ambient capability can be raised
        assertEquals(List.of(DEFAULT_CAPS, DEFAULT_CAPS, 0L), first(p, Op.CAPS));
        assertEquals(List.of(0L), first(p, Op.AMBIENT));
        assertEquals(List.of("/"), first(p, Op.CHDIR));
        assertEquals(List.of(List.of(0L), List.of(18L)), all(p, Op.UMASK));
        assertEquals(List.of("sh", PATH), first(p, Op.LOOKUP_EXEC));
        assertEquals(List.of(3L), first(p, Op.CLOSE_FDS));
        assertEquals(List.of(), first(p, Op.CREATED));
        assertEquals(List.of(List.of("sh"), List.of("PATH=" + PATH, "TERM=xterm", "HOME=/root"), 1L),
                first(p, Op.EXEC));
    }

    @Test
    void descriptionsNameTheConfigField() throws SpecException {
        SetupProgram p = compile(new Cfg());
        int proc = p.indexOf(Op.MOUNT_IN_ROOT);
        assertEquals("mount proc on /proc (mounts[0])", p.describe(proc));
        assertEquals("mount sysfs on /sys (mounts[5])", p.describe(proc + 5));
    }

    // ---- launch modes ----

    @ParameterizedTest
    @EnumSource(LaunchMode.class)
    void launchModes(LaunchMode mode) throws SpecException {
        In in = new In(new Cfg().terminal(false));
        in.mode = mode;
        SetupProgram p = in.compile();
        assertEquals(mode == LaunchMode.CREATE ? 1 : 0, count(p, Op.LISTEN_START));
        assertEquals(List.of(), first(p, Op.CREATED));
        assertEquals((long) mode.parentMode, first(p, Op.CLONE).get(1));
        assertEquals(List.of(0L, 0L, 1L, 2L), List.of((long) LaunchMode.CREATE.parentMode,
                (long) LaunchMode.RUN_DETACHED.parentMode, (long) LaunchMode.RUN_FOREGROUND.parentMode,
                (long) LaunchMode.RUN_FOREGROUND_TTY.parentMode));
        if (mode == LaunchMode.CREATE) {
            assertTrue(p.indexOf(Op.LISTEN_START) < p.indexOf(Op.CLONE), "bound before the clone, by the parent");
        }
        assertEquals(0, count(p, Op.MONITOR), "no monitor unless asked for");
    }

    // ---- the monitor ----

    @Test
    void detachedMonitor() throws SpecException {
        In in = new In(new Cfg().terminal(false).namespace("network", "/proc/42/ns/net"));
        in.mode = LaunchMode.RUN_DETACHED;
        in.preserveFds = 2;
        in.preservedFdsOwner = 77;
        in.monitor = new Monitor(Path.of("/var/log/c1.log"), Path.of("/run/c1/exit.json"), false, true,
                List.of("/usr/bin/hull", "internal-exited", "c1"), 10_000_000, 3);
        SetupProgram p = in.compile();
        assertEquals(List.of("/var/log/c1.log", "/run/c1/exit.json", 0L, 1L, 0L, 10_000_000L, 3L, "",
                List.of("/usr/bin/hull", "internal-exited", "c1")), first(p, Op.MONITOR));
        assertEquals(1, count(p, Op.MONITOR));
        assertEquals((long) Monitor.PARENT_MODE, first(p, Op.CLONE).get(1));
        assertEquals(3L, (long) Monitor.PARENT_MODE);
        List<Op> o = ops(p);
        // after the caller's fds are taken, before any namespace is joined: the runtime's paths
        assertEquals(List.of(Op.DUMPABLE, Op.GRAB_FDS, Op.MONITOR), o.subList(0, 3));
        assertTrue(o.indexOf(Op.MONITOR) < o.indexOf(Op.JOIN_NS) && o.indexOf(Op.JOIN_NS) < o.indexOf(Op.CLONE), o.toString());
        assertEquals(0L, first(p, Op.EXEC).get(2), "stdio inherited from the monitor's pipes");
    }

    @Test
    void attachedMonitorWithATerminalTakesThePty() throws SpecException {
        In in = new In(new Cfg());
        in.mode = LaunchMode.RUN_FOREGROUND;
        in.monitor = new Monitor(Path.of("/l"), Path.of("/e"), true, false, List.of());
        SetupProgram p = in.compile();
        assertEquals(List.of("/l", "/e", 1L, 0L, 1L, 0L, 1L, "", List.of()), first(p, Op.MONITOR));
        assertEquals((long) Monitor.PARENT_MODE_ATTACHED, first(p, Op.CLONE).get(1));
        assertEquals(4L, (long) Monitor.PARENT_MODE_ATTACHED);
        assertEquals(0, count(p, Op.CONNECT_SOCKET));
        assertEquals(1, count(p, Op.CONSOLE), "the pty master goes to the monitor");
        assertEquals(1L, first(p, Op.EXEC).get(2));
    }

    @Test
    void createWithAMonitorStillListens() throws SpecException {
        In in = new In(new Cfg().terminal(false));
        in.monitor = Monitor.detached(Path.of("/l"), Path.of("/e"));
        SetupProgram p = in.compile();
        assertEquals(1, count(p, Op.LISTEN_START));
        assertEquals(3L, first(p, Op.CLONE).get(1));
        assertEquals(List.of("/l", "/e", 0L, 0L, 0L, 0L, 1L, "", List.of()), first(p, Op.MONITOR));
    }

    @Test
    void execHasNoMonitor() {
        In in = new In(new Cfg().terminal(false));
        in.mode = LaunchMode.RUN_FOREGROUND;
        in.monitor = Monitor.detached(Path.of("/l"), Path.of("/e"));
        assertThrows(IllegalArgumentException.class, () -> ProgramCompiler.compileExec(in.input()));
    }

    @Test
    void monitorRecord() {
        Monitor m = new Monitor(Path.of("rel/log"), Path.of("/a/../exit"), false, false, null);
        assertEquals(Path.of("rel/log").toAbsolutePath(), m.logFile());
        assertEquals(Path.of("/exit"), m.exitFile());
        assertEquals(List.of(), m.onExit());
        assertThrows(IllegalArgumentException.class, () -> new Monitor(null, Path.of("/e"), false, false, List.of()));
        assertThrows(IllegalArgumentException.class, () -> new Monitor(Path.of("/l"), Path.of("/"), false, false, List.of()));
        assertThrows(IllegalArgumentException.class,
                () -> new Monitor(Path.of("/l"), Path.of("/e"), false, false, List.of("hull", "x")));
        assertThrows(IllegalArgumentException.class, () -> new Monitor(Path.of("/l"), Path.of("/e"), false, false, List.of(), 10, 0));
        assertThrows(IllegalArgumentException.class, () -> new Monitor(Path.of("/l"), Path.of("/e"), false, false, List.of(), -1, 1));
    }

    // ---- user namespaces ----

    @Test
    void newUserNamespace() throws SpecException {
        SetupProgram p = compile(new Cfg().userNamespace());
        // the IPC namespace comes after BECOME_ROOT, so that its mqueue belongs to the container's root
        assertEquals(CLONE_NEWPID | CLONE_NEWNET | CLONE_NEWUTS | CLONE_NEWNS | CLONE_NEWUSER,
                first(p, Op.CLONE).get(0));
        List<Op> o = ops(p);
        assertEquals(o.indexOf(Op.SETSID) + 1, o.indexOf(Op.BECOME_ROOT));
        assertEquals(0, count(p, Op.MKNOD_IN_ROOT), "mknod is refused in a user namespace");
        for (String dev : List.of("/dev/null", "/dev/zero", "/dev/full", "/dev/random", "/dev/urandom", "/dev/tty")) {
            assertEquals(mnt(dev, dev, "", MS_BIND, "", 2, 0, 0, 0, 0, ""), mountAt(p, dev));
        }
        // a new network namespace: the kernel lets the container mount its own sysfs
        assertEquals("", mountAt(p, "/sys").get(10));
    }

    @Test
    void sysfsFallbackInAUserNamespaceWithoutItsOwnNetwork() throws SpecException {
        SetupProgram p = compile(new Cfg().userNamespace().noNamespace("network"));
        List<Object> sys = mountAt(p, "/sys");
        assertEquals("sysfs", sys.get(2));
        assertEquals("/sys", sys.get(10));
        // without a user namespace there is nothing to fall back from
        assertEquals("", mountAt(compile(new Cfg().noNamespace("network")), "/sys").get(10));
        // a joined network namespace is not the container's own either
        assertEquals("/sys", mountAt(compile(new Cfg().userNamespace().namespace("network", "/run/netns/n1")),
                "/sys").get(10));
    }

    @Test
    void fifoIsCreatedEvenInAUserNamespace() throws SpecException {
        Cfg c = new Cfg().userNamespace();
        c.linux().put("devices", List.of(obj("type", "p", "path", "/dev/myfifo", "fileMode", 0600)));
        SetupProgram p = compile(c);
        assertEquals(List.of(List.of("/dev/myfifo", (long) (S_IFIFO | 0600), 0L, 0L, 0L, 0L)), all(p, Op.MKNOD_IN_ROOT));
    }

    @Test
    void capabilitiesOutsideTheBoundingSetAreFineInANewUserNamespace() throws SpecException {
        Cfg c = new Cfg().userNamespace();
        c.process().put("capabilities", obj("bounding", List.of("CAP_SYS_ADMIN"), "effective", List.of("CAP_SYS_ADMIN"),
                "permitted", List.of("CAP_SYS_ADMIN")));
        In in = new In(c);
        in.host = new HostFacts(40, 0, true);
        SetupProgram p = in.compile();
        assertEquals(List.of(1L << 21, 1L << 21, 0L), first(p, Op.CAPS));
        assertEquals(List.of(), warnings);
    }

    // ---- devices ----

    @Test
    void devices() throws SpecException {
        Cfg c = new Cfg();
        c.linux().put("devices", List.of(
                obj("type", "c", "path", "/dev/fuse", "major", 10, "minor", 229, "fileMode", 0600, "uid", 1, "gid", 2),
                obj("type", "b", "path", "/dev/sda", "major", 8, "minor", 0),
                obj("type", "c", "path", "/dev/null", "major", 1, "minor", 3, "fileMode", 0640)));
        SetupProgram p = compile(c);
        List<List<Object>> nodes = all(p, Op.MKNOD_IN_ROOT);
        assertEquals(List.of("/dev/random", "/dev/full", "/dev/tty", "/dev/zero", "/dev/urandom", "/dev/fuse",
                "/dev/sda", "/dev/null"), nodes.stream().map(f -> f.get(0)).toList(),
                "a default device the config lists is created once, as the config says");
        assertEquals(List.of("/dev/fuse", (long) (S_IFCHR | 0600), 10L, 229L, 1L, 2L), nodes.get(5));
        assertEquals(List.of("/dev/sda", (long) (S_IFBLK | 0666), 8L, 0L, 0L, 0L), nodes.get(6));
        assertEquals(List.of("/dev/null", (long) (S_IFCHR | 0640), 1L, 3L, 0L, 0L), nodes.get(7));
    }

    @Test
    void hostDevBindMeansNoDeviceSetup() throws SpecException {
        Cfg c = new Cfg();
        c.mounts().set(1, obj("destination", "/dev/", "type", "bind", "source", "/dev", "options", List.of("rbind")));
        SetupProgram p = compile(c.terminal(true));
        assertEquals(0, count(p, Op.MKNOD_IN_ROOT));
        assertEquals(List.of("cpu,cpuacct", "cpu,cpuacct"),
                all(p, Op.SYMLINK_IN_ROOT).stream().map(f -> f.get(0)).toList(), "only the cgroup links");
        assertEquals(0L, first(p, Op.CONSOLE).get(4), "the console is not mounted over the host's /dev");
    }

    @Test
    void noKcoreNoCoreLink() throws SpecException {
        In in = new In(new Cfg());
        in.host = new HostFacts(40, ALL_CAPS, false);
        SetupProgram p = in.compile();
        assertFalse(all(p, Op.SYMLINK_IN_ROOT).stream().anyMatch(f -> f.get(1).equals("/dev/core")));
    }

    // ---- cgroups ----

    @Test
    void cgroupOnAHybridHost() throws SpecException {
        SetupProgram p = compile(new Cfg());
        long ro = MS_NOSUID | MS_NOEXEC | MS_NODEV | MS_RELATIME | MS_RDONLY;
        int tmpfs = ops(p).indexOf(Op.MOUNT_IN_ROOT) + 6;
        assertEquals(mnt("tmpfs", "/sys/fs/cgroup", "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, "mode=755", 1, 0, 0,
                0, 0, ""), at(p, tmpfs));
        assertEquals(mnt("/sys/fs/cgroup/cpu,cpuacct/c1", "/sys/fs/cgroup/cpu,cpuacct", "", MS_BIND | MS_REC, "", 1,
                ro | MS_BIND, 0, 0, 0, ""), at(p, tmpfs + 1));
        assertEquals(List.of("cpu,cpuacct", "/sys/fs/cgroup/cpu"), at(p, tmpfs + 2));
        assertEquals(List.of("cpu,cpuacct", "/sys/fs/cgroup/cpuacct"), at(p, tmpfs + 3));
        assertEquals(mnt("/sys/fs/cgroup/memory/c1", "/sys/fs/cgroup/memory", "", MS_BIND | MS_REC, "", 1,
                ro | MS_BIND, 0, 0, 0, ""), at(p, tmpfs + 4));
        assertEquals(mnt("/sys/fs/cgroup/systemd/c1", "/sys/fs/cgroup/systemd", "", MS_BIND | MS_REC, "", 1,
                ro | MS_BIND, 0, 0, 0, ""), at(p, tmpfs + 5));
        assertEquals(Op.MKNOD_IN_ROOT, p.steps().get(tmpfs + 6).op(), "the unified tree is not shown");
    }

    @Test
    void cgroupNamespaceOnAHybridHost() throws SpecException {
        SetupProgram p = compile(new Cfg().namespace("cgroup", null));
        long flags = MS_NOSUID | MS_NOEXEC | MS_NODEV | MS_RELATIME | MS_RDONLY;
        assertEquals(CLONE_NEWPID | CLONE_NEWNET | CLONE_NEWIPC | CLONE_NEWUTS | CLONE_NEWNS, first(p, Op.CLONE).get(0),
                "the cgroup namespace is made by the child once it is in its cgroup");
        assertEquals(List.of(CLONE_NEWCGROUP), first(p, Op.UNSHARE));
        assertEquals(ops(p).indexOf(Op.SETSID) + 1, ops(p).indexOf(Op.UNSHARE));
        assertEquals(mnt("cgroup", "/sys/fs/cgroup/cpu,cpuacct", "cgroup", flags, "cpu,cpuacct", 1, 0, 0, 0, 0, ""),
                mountAt(p, "/sys/fs/cgroup/cpu,cpuacct"));
        assertEquals(mnt("cgroup", "/sys/fs/cgroup/memory", "cgroup", flags, "memory", 1, 0, 0, 0, 0, ""),
                mountAt(p, "/sys/fs/cgroup/memory"));
        assertEquals(mnt("systemd", "/sys/fs/cgroup/systemd", "cgroup", flags, "none,name=systemd", 1, 0, 0, 0, 0, ""),
                mountAt(p, "/sys/fs/cgroup/systemd"));
        assertEquals(2, all(p, Op.SYMLINK_IN_ROOT).stream().filter(f -> f.get(0).equals("cpu,cpuacct")).count());
    }

    @Test
    void cgroupOnAV2Host() throws SpecException {
        In in = new In(new Cfg());
        in.v2 = true;
        in.cgroupDirs = Map.of("", Path.of("/sys/fs/cgroup/c1"));
        SetupProgram p = in.compile();
        long flags = MS_NOSUID | MS_NOEXEC | MS_NODEV | MS_RELATIME | MS_RDONLY;
        List<List<Object>> cg = all(p, Op.MOUNT_IN_ROOT).stream()
                .filter(f -> ((String) f.get(1)).startsWith("/sys/fs/cgroup")).toList();
        assertEquals(List.of(mnt("/sys/fs/cgroup/c1", "/sys/fs/cgroup", "", MS_BIND | MS_REC, "", 1, flags | MS_BIND,
                0, 0, 0, "")), cg, "a single bind of the container's own cgroup");
    }

    @Test
    void cgroupOnAV2HostWithACgroupNamespace() throws SpecException {
        In in = new In(new Cfg().namespace("cgroup", null));
        in.v2 = true;
        in.cgroupDirs = Map.of("", Path.of("/sys/fs/cgroup/c1"));
        SetupProgram p = in.compile();
        long flags = MS_NOSUID | MS_NOEXEC | MS_NODEV | MS_RELATIME | MS_RDONLY;
        List<List<Object>> cg = all(p, Op.MOUNT_IN_ROOT).stream()
                .filter(f -> ((String) f.get(1)).startsWith("/sys/fs/cgroup")).toList();
        assertEquals(List.of(mnt("cgroup2", "/sys/fs/cgroup", "cgroup2", flags, "", 1, 0, 0, 0, 0, "")), cg);
    }

    @Test
    void cgroup2TypeOnAHybridHostShowsTheUnifiedTree() throws SpecException {
        Cfg c = new Cfg();
        c.mounts().set(6, obj("destination", "/sys/fs/cgroup", "type", "cgroup2", "source", "cgroup2"));
        SetupProgram p = compile(c);
        assertEquals(mnt("/sys/fs/cgroup/unified/c1", "/sys/fs/cgroup", "", MS_BIND | MS_REC, "", 1,
                MS_NOSUID | MS_NODEV | MS_NOEXEC | MS_BIND, 0, 0, 0, ""), mountAt(p, "/sys/fs/cgroup"));
        assertEquals(0, all(p, Op.SYMLINK_IN_ROOT).stream().filter(f -> f.get(0).equals("cpu,cpuacct")).count());
    }

    // ---- capabilities ----

    private Cfg caps(Object... kv) {
        Cfg c = new Cfg();
        c.process().put("capabilities", obj(kv));
        return c;
    }

    @Test
    void capabilityMasks() throws SpecException {
        SetupProgram p = compile(caps(
                "bounding", Capabilities.all(),
                "effective", List.of("CAP_CHOWN", "CAP_SYS_ADMIN"),
                "permitted", List.of("CAP_CHOWN", "CAP_SYS_ADMIN", "CAP_BPF", "CAP_KILL"),
                "inheritable", List.of("CAP_KILL", "CAP_CHOWN"),
                "ambient", List.of("CAP_KILL", "CAP_NET_RAW")));
        assertEquals(List.of(0x1ffffffffffL), first(p, Op.CAP_BOUNDING));
        assertEquals(List.of(0x200001L, 0x8000200021L, 0x21L), first(p, Op.CAPS));
        assertEquals(List.of(0x20L), first(p, Op.AMBIENT), "only what is permitted and inheritable");
        List<Op> o = ops(p);
        assertTrue(o.indexOf(Op.CAP_BOUNDING) < o.indexOf(Op.KEEPCAPS));
        assertTrue(o.indexOf(Op.SETRESUID) < o.lastIndexOf(Op.KEEPCAPS));
        assertTrue(o.lastIndexOf(Op.KEEPCAPS) < o.indexOf(Op.CAPS));
        assertEquals(o.indexOf(Op.CAPS) + 1, o.indexOf(Op.AMBIENT));
        assertEquals(List.of(), warnings);
    }

    @Test
    void noCapabilitiesObject() throws SpecException {
        Cfg c = new Cfg();
        c.process().remove("capabilities");
        SetupProgram p = compile(c);
        assertEquals(0, count(p, Op.CAP_BOUNDING) + count(p, Op.KEEPCAPS) + count(p, Op.CAPS) + count(p, Op.AMBIENT));
    }

    @Test
    void emptyListsDropEverything() throws SpecException {
        SetupProgram p = compile(caps("bounding", List.of(), "effective", List.of(), "permitted", List.of()));
        assertEquals(List.of(0L), first(p, Op.CAP_BOUNDING));
        assertEquals(List.of(0L, 0L, 0L), first(p, Op.CAPS));
        assertEquals(0, count(p, Op.AMBIENT));
    }

    @ParameterizedTest
    @ValueSource(strings = {"bounding", "effective", "permitted", "inheritable", "ambient"})
    void unknownCapabilityIsLeftOutWithAWarningNamingTheField(String set) throws SpecException {
        // config.md: MUST be logged as a warning, SHOULD NOT fail (runc ignores it too)
        In in = new In(caps(set, List.of("CAP_KILL", "CAP_FOO"), "permitted", List.of("CAP_KILL", "CAP_FOO"),
                "inheritable", List.of("CAP_KILL", "CAP_FOO")));
        SetupProgram p = in.compile();
        assertTrue(warnings.contains("process.capabilities." + set + "[1]: unknown capability \"CAP_FOO\"; left out"),
                warnings.toString());
        long kill = 1L << 5;
        Op op = switch (set) {
            case "bounding" -> Op.CAP_BOUNDING;
            case "ambient" -> Op.AMBIENT;
            default -> Op.CAPS;
        };
        int at = switch (set) {
            case "permitted" -> 1;
            case "inheritable" -> 2;
            default -> 0;
        };
        assertEquals(kill, (long) first(p, op).get(at));
    }

    @ParameterizedTest
    @ValueSource(strings = {"effective", "permitted", "inheritable"})
    void capabilityOutsideTheBoundingSetIsLeftOutWithAWarning(String set) throws SpecException {
        In in = new In(caps(set, List.of("CAP_KILL", "CAP_SYS_ADMIN"), "permitted", List.of("CAP_KILL", "CAP_SYS_ADMIN")));
        in.host = new HostFacts(40, ALL_CAPS & ~(1L << 21), true);
        in.compile();
        assertTrue(warnings.contains("process.capabilities." + set + "[1]: CAP_SYS_ADMIN is not in this runtime's "
                + "bounding set (see CapBnd in /proc/self/status); left out"), warnings.toString());
    }

    @ParameterizedTest
    @ValueSource(strings = {"bounding", "ambient"})
    void capabilityOutsideTheBoundingSetIsAWarningForBoundingAndAmbient(String set) throws SpecException {
        In in = new In(caps(set, List.of("CAP_SYS_ADMIN", "CAP_KILL"),
                "permitted", List.of("CAP_KILL"), "inheritable", List.of("CAP_KILL")));
        in.host = new HostFacts(40, ALL_CAPS & ~(1L << 21), true);
        SetupProgram p = in.compile();
        assertEquals(List.of("process.capabilities." + set + "[0]: CAP_SYS_ADMIN is not in this runtime's bounding "
                + "set (see CapBnd in /proc/self/status); left out"), warnings);
        Op op = set.equals("bounding") ? Op.CAP_BOUNDING : Op.AMBIENT;
        assertEquals(List.of(1L << 5), first(p, op));
    }

    @Test
    void capabilityTheKernelDoesNotKnowIsLeftOutWithAWarning() throws SpecException {
        In in = new In(caps("bounding", List.of("CAP_KILL", "CAP_BPF", "CAP_CHECKPOINT_RESTORE"),
                "effective", List.of("CAP_BPF")));
        in.host = new HostFacts(38, (1L << 39) - 1, true);
        SetupProgram p = in.compile();
        assertEquals(List.of(1L << 5), first(p, Op.CAP_BOUNDING));
        assertEquals(0L, first(p, Op.CAPS).get(0));
        assertEquals(List.of(
                "process.capabilities.bounding[1]: CAP_BPF is not known to this kernel; left out",
                "process.capabilities.bounding[2]: CAP_CHECKPOINT_RESTORE is not known to this kernel; left out",
                "process.capabilities.effective[0]: CAP_BPF is not known to this kernel; left out"), warnings);
    }

    // ---- bind mounts ----

    @Test
    void bindMountFlagsSplit() throws IOException, SpecException {
        Files.createDirectories(bundle.resolve("data"));
        Files.writeString(bundle.resolve("file.txt"), "x");
        Cfg c = new Cfg()
                .mount(obj("destination", "/data", "type", "bind", "source", "data",
                        "options", List.of("rbind", "ro", "nosuid", "rprivate")))
                .mount(obj("destination", "/plain", "type", "none", "source", bundle.resolve("data").toString(),
                        "options", List.of("bind")))
                .mount(obj("destination", "/etc/file.txt", "source", bundle.resolve("file.txt").toString(),
                        "options", List.of("bind", "rro", "noexec", "rw")))
                .mount(obj("destination", "/typed", "type", "bind", "source", "/tmp"));
        SetupProgram p = compile(c);
        assertEquals(mnt(bundle.resolve("data").toString(), "/data", "", MS_BIND | MS_REC, "", 1,
                MS_BIND | MS_RDONLY | MS_NOSUID, MS_PRIVATE | MS_REC, 0, 0, ""), mountAt(p, "/data"),
                "the first mount(2) gets only MS_BIND|MS_REC, the rest is a remount");
        assertEquals(mnt(bundle.resolve("data").toString(), "/plain", "", MS_BIND, "", 1, 0, 0, 0, 0, ""),
                mountAt(p, "/plain"), "nothing to remount");
        assertEquals(mnt(bundle.resolve("file.txt").toString(), "/etc/file.txt", "", MS_BIND, "", 2,
                MS_BIND | MS_NOEXEC, 0, MOUNT_ATTR_RDONLY, 0, ""), mountAt(p, "/etc/file.txt"),
                "a file is bound onto a file");
        assertEquals(mnt("/tmp", "/typed", "", MS_BIND, "", 1, 0, 0, 0, 0, ""), mountAt(p, "/typed"),
                "type bind without a bind option is a bind mount");
        assertTrue(p.steps().stream().anyMatch(st -> st.description().equals("mount data on /data (mounts[7])")),
                "the description quotes the config");
    }

    @Test
    void relativeBindSourceIsResolvedAgainstTheBundle() throws IOException, SpecException {
        Files.createDirectories(bundle.resolve("sub/dir"));
        SetupProgram p = compile(new Cfg().mount(obj("destination", "/x", "type", "bind", "source", "sub/dir",
                "options", List.of("rbind"))));
        assertEquals(bundle.resolve("sub/dir").toString(), mountAt(p, "/x").get(0));
    }

    @Test
    void missingBindSourceIsASpecError() {
        Cfg c = new Cfg().mount(obj("destination", "/x", "type", "bind", "source", "nope", "options", List.of("rbind")));
        In in = new In(c);
        SpecException e = assertThrows(SpecException.class, () -> ProgramCompiler.compile(in.input()));
        assertEquals("mounts[7].source: " + bundle.resolve("nope") + " does not exist", e.getMessage());
    }

    @Test
    void tmpcopyupIsAWarning() throws SpecException {
        Cfg c = new Cfg().mount(obj("destination", "/run", "type", "tmpfs", "source", "tmpfs",
                "options", List.of("tmpcopyup", "mode=755")));
        SetupProgram p = compile(c);
        assertEquals(List.of("mounts[7]: the tmpcopyup option is not supported yet; mounting without it"), warnings);
        assertEquals("mode=755", mountAt(p, "/run").get(4));
    }

    @Test
    void recursiveAttributesAndPropagationOfAFilesystemMount() throws SpecException {
        Cfg c = new Cfg().mount(obj("destination", "/scratch", "type", "tmpfs", "source", "tmpfs",
                "options", List.of("rnosuid", "rnoatime", "shared", "size=1m")));
        SetupProgram p = compile(c);
        assertEquals(mnt("tmpfs", "/scratch", "tmpfs", 0, "size=1m", 1, 0, MS_SHARED,
                MOUNT_ATTR_NOSUID | MOUNT_ATTR_NOATIME, MOUNT_ATTR__ATIME, ""), mountAt(p, "/scratch"));
    }

    // ---- rootfs propagation ----

    @ParameterizedTest
    @ValueSource(strings = {"private", "rprivate", "slave", "rslave"})
    void rootfsPropagation(String prop) throws SpecException {
        Cfg c = new Cfg();
        c.linux().put("rootfsPropagation", prop);
        SetupProgram p = compile(c);
        assertEquals(List.of("", "/", "", MountOptions.parse(List.of(prop)).propagation(), ""),
                first(p, Op.MOUNT));
        assertEquals(2, count(p, Op.MOUNT), "no extra step: the parent mount is not shared");
    }

    /**
     * An unbindable tree could not give the rootfs bind: the tree starts rprivate, and the new
     * root is made unbindable after everything else was bound (runc's PR 4724 does the same).
     */
    @ParameterizedTest
    @ValueSource(strings = {"unbindable", "runbindable"})
    void unbindableRootfsPropagationIsAppliedToTheNewRootLast(String prop) throws SpecException {
        Cfg c = new Cfg();
        c.linux().put("rootfsPropagation", prop);
        SetupProgram p = compile(c);
        List<List<Object>> mounts = all(p, Op.MOUNT);
        assertEquals(List.of("", "/", "", MS_PRIVATE | MS_REC, ""), mounts.get(0));
        assertEquals(List.of("", "/", "", MountOptions.parse(List.of(prop)).propagation(), ""),
                mounts.get(mounts.size() - 1));
        assertTrue(p.indexOf(Op.PIVOT_ROOT) < p.steps().size() - 1
                && ops(p).lastIndexOf(Op.MOUNT) > ops(p).lastIndexOf(Op.MASK_PATH));
    }

    @ParameterizedTest
    @ValueSource(strings = {"shared", "rshared"})
    void sharedRootfsPropagationMakesTheParentMountPrivate(String prop) throws Exception {
        Cfg c = new Cfg();
        c.linux().put("rootfsPropagation", prop);
        SetupProgram p = compile(c);
        List<List<Object>> mounts = all(p, Op.MOUNT);
        assertEquals(4, mounts.size());
        assertEquals(List.of("", "/", "", MountOptions.parse(List.of(prop)).propagation(), ""), mounts.get(0));
        MountInfo holder = MountInfo.containing(MountInfo.self(), rootfs.toString());
        assertEquals(List.of("", holder.mountPoint(), "", MS_PRIVATE, ""), mounts.get(1));
        assertEquals(List.of(rootfs.toString(), rootfs.toString(), "", MS_BIND | MS_REC, ""), mounts.get(2));
        // and the new root is made shared once it is /, since the bind came out of a private mount
        assertEquals(List.of("", "/", "", MountOptions.parse(List.of(prop)).propagation(), ""), mounts.get(3));
    }

    /**
     * A rootfs that is itself a mount point (an overlay, as container engines prepare it): the
     * bind of the rootfs sits on that mount, so that is the one pivot_root needs unshared, as in
     * runc's rootfsParentMountPrivate(rootfs).
     */
    @Test
    void sharedPropagationWithARootfsThatIsAMountPoint() throws Exception {
        MountInfo proc = MountInfo.containing(MountInfo.self(), "/proc");
        assertNotNull(proc);
        assertEquals("/proc", proc.mountPoint(), "/proc is a mount point on Linux");
        Cfg c = new Cfg();
        c.linux().put("rootfsPropagation", "rshared");
        In in = new In(c);
        in.root = Path.of("/proc");
        SetupProgram p = in.compile();
        assertEquals(List.of("", "/proc", "", MS_PRIVATE, ""), all(p, Op.MOUNT).get(1));
    }

    // ---- namespaces ----

    @Test
    void timeOffsets() throws SpecException {
        Cfg c = new Cfg().namespace("time", null);
        c.linux().put("timeOffsets", obj("monotonic", obj("secs", 10, "nanosecs", 5),
                "boottime", obj("secs", -3, "nanosecs", 999)));
        SetupProgram p = compile(c);
        assertEquals(List.of(1L, 10L, 5L, -3L, 999L), first(p, Op.UNSHARE_TIME));
        assertEquals(ops(p).indexOf(Op.CLONE) - 1, ops(p).indexOf(Op.UNSHARE_TIME));
        assertEquals(0L, (Long) first(p, Op.CLONE).get(0) & CLONE_NEWTIME, "the time namespace is not cloned");
    }

    @Test
    void timeNamespaceWithOneOffsetOrNone() throws SpecException {
        Cfg c = new Cfg().namespace("time", null);
        c.linux().put("timeOffsets", obj("boottime", obj("secs", 7, "nanosecs", 0)));
        assertEquals(List.of(1L, 0L, 0L, 7L, 0L), first(compile(c), Op.UNSHARE_TIME));
        assertEquals(List.of(0L, 0L, 0L, 0L, 0L), first(compile(new Cfg().namespace("time", null)), Op.UNSHARE_TIME));
        assertEquals(0, count(compile(new Cfg()), Op.UNSHARE_TIME));
    }

    @Test
    void joinedNamespacesOneStepMountLast() throws SpecException {
        Cfg c = new Cfg().namespace("mount", "/proc/42/ns/mnt").namespace("network", "/run/netns/n1")
                .namespace("ipc", "/proc/42/ns/ipc").namespace("time", "/proc/42/ns/time");
        SetupProgram p = compile(c);
        assertEquals(1, count(p, Op.JOIN_NS));
        List<Object> join = first(p, Op.JOIN_NS);
        assertEquals(List.of(CLONE_NEWNET, CLONE_NEWIPC, CLONE_NEWTIME, CLONE_NEWNS),
                java.util.Arrays.stream((long[]) join.get(0)).boxed().toList());
        assertEquals(List.of("/run/netns/n1", "/proc/42/ns/ipc", "/proc/42/ns/time", "/proc/42/ns/mnt"), join.get(1));
        assertEquals(CLONE_NEWPID | CLONE_NEWUTS, first(p, Op.CLONE).get(0));
        assertEquals(0, count(p, Op.UNSHARE_TIME), "a joined time namespace has its offsets already");
        List<Op> o = ops(p);
        assertTrue(o.indexOf(Op.GRAB_FDS) < o.indexOf(Op.JOIN_NS) && o.indexOf(Op.JOIN_NS) < o.indexOf(Op.CLONE));
    }

    @Test
    void executorIsNonDumpableBeforeItTakesAnythingOfTheHost() throws SpecException {
        // the first step of every launch mode and config: before fds are grabbed or namespaces joined
        Cfg c = new Cfg().namespace("user", "/proc/42/ns/user").namespace("pid", "/proc/42/ns/pid");
        for (LaunchMode mode : LaunchMode.values()) {
            In in = new In(c);
            in.mode = mode;
            in.preserveFds = 2;
            in.preservedFdsOwner = 4242;
            SetupProgram p = in.compile();
            assertEquals(Op.DUMPABLE, ops(p).get(0), mode.toString());
            assertEquals(List.of(0L), at(p, 0));
            assertEquals(1, count(p, Op.DUMPABLE), "never made dumpable again: execve resets it");
            assertEquals("make the executor non-dumpable", p.describe(0));
        }
    }

    @Test
    void joinedUserNamespaceStillBecomesRoot() throws SpecException {
        Cfg c = new Cfg().namespace("user", "/run/userns/u1");
        SetupProgram p = compile(c);
        assertEquals(List.of("/run/userns/u1"), first(p, Op.JOIN_NS).get(1));
        assertEquals(1, count(p, Op.BECOME_ROOT));
        assertEquals(0, (Long) first(p, Op.CLONE).get(0) & CLONE_NEWUSER);
        assertEquals(0, count(p, Op.MKNOD_IN_ROOT), "devices are bound in any user namespace");
        assertEquals(1, count(p, Op.SETGROUPS), "not a /proc/<pid>/ns path: no setgroups file to ask");
    }

    // ---- process ----

    @Test
    void homeFromTheRootfsPasswd() throws SpecException {
        Cfg c = new Cfg();
        c.process().put("user", obj("uid", 1000, "gid", 1000, "additionalGids", List.of(5, 27)));
        SetupProgram p = compile(c);
        assertEquals(List.of("PATH=" + PATH, "TERM=xterm", "HOME=/home/user"), first(p, Op.EXEC).get(1));
        assertEquals(List.of(1000L), first(p, Op.SETRESUID));
        assertEquals(List.of(1000L), first(p, Op.SETRESGID));
        assertEquals(List.of(5L, 27L), java.util.Arrays.stream((long[]) first(p, Op.SETGROUPS).get(0)).boxed().toList());
    }

    @ParameterizedTest
    @ValueSource(ints = {1001, 4242})
    void homeIsSlashWhenPasswdHasNone(int uid) throws SpecException {
        Cfg c = new Cfg();
        c.process().put("user", obj("uid", uid, "gid", 0));
        assertEquals("HOME=/", strings(first(compile(c), Op.EXEC).get(1)).getLast());
    }

    @Test
    void homeIsSlashWithoutPasswd() throws IOException, SpecException {
        Files.delete(rootfs.resolve("etc/passwd"));
        assertEquals("HOME=/", strings(first(compile(new Cfg()), Op.EXEC).get(1)).getLast());
    }

    @Test
    void passwdIsReadInsideTheRootfs() throws IOException, SpecException {
        Files.createDirectories(rootfs.resolve("usr/etc"));
        Files.move(rootfs.resolve("etc/passwd"), rootfs.resolve("usr/etc/passwd"));
        Files.createSymbolicLink(rootfs.resolve("etc/passwd"), Path.of("/usr/etc/passwd"));
        assertEquals("HOME=/root", strings(first(compile(new Cfg()), Op.EXEC).get(1)).getLast());
        // a link that climbs out ends at the rootfs itself: the host's /etc/passwd is never read
        Files.delete(rootfs.resolve("etc/passwd"));
        Files.createSymbolicLink(rootfs.resolve("etc/passwd"), Path.of("../../../../../../../../etc/passwd"));
        assertEquals("HOME=/", strings(first(compile(new Cfg()), Op.EXEC).get(1)).getLast());
    }

    @Test
    void homeIsNotAddedWhenSet() throws SpecException {
        Cfg c = new Cfg();
        c.process().put("env", List.of("HOME=/srv", "PATH=/bin"));
        assertEquals(List.of("HOME=/srv", "PATH=/bin"), first(compile(c), Op.EXEC).get(1));
    }

    @Test
    void lookupUsesTheLastPath() throws SpecException {
        Cfg c = new Cfg();
        c.process().put("env", List.of("PATH=/a", "X=1", "PATH=/b:/c"));
        c.process().put("args", List.of("/bin/app", "--flag", "ü"));
        SetupProgram p = compile(c);
        assertEquals(List.of("/bin/app", "/b:/c"), first(p, Op.LOOKUP_EXEC));
        assertEquals(List.of("/bin/app", "--flag", "ü"), first(p, Op.EXEC).get(0));
        Cfg none = new Cfg();
        none.process().put("env", List.of());
        assertEquals(List.of("sh", ""), first(compile(none), Op.LOOKUP_EXEC));
    }

    @Test
    void terminalGivesAConsoleStep() throws SpecException {
        Cfg c = new Cfg();
        c.process().put("user", obj("uid", 1000, "gid", 1001));
        c.process().put("consoleSize", obj("height", 40, "width", 120));
        In in = new In(c);
        in.consoleSocket = "/tmp/cs.sock";
        SetupProgram p = in.compile();
        assertEquals(List.of(1000L, 1001L, 40L, 120L, 1L), first(p, Op.CONSOLE));
        assertEquals(ops(p).indexOf(Op.PIVOT_ROOT) + 1, ops(p).indexOf(Op.CONSOLE));
        assertEquals(List.of("/tmp/cs.sock"), first(p, Op.CONNECT_SOCKET));
        assertEquals(1L, first(p, Op.EXEC).get(2));
    }

    @Test
    void noTerminalNoConsole() throws SpecException {
        In in = new In(new Cfg().terminal(false));
        in.consoleSocket = "/tmp/cs.sock";
        SetupProgram p = in.compile();
        assertEquals(0, count(p, Op.CONSOLE));
        assertEquals(0, count(p, Op.CONNECT_SOCKET));
        assertEquals(0L, first(p, Op.EXEC).get(2));
    }

    @Test
    void runWithATerminalAndNoSocketHasNoConnect() throws SpecException {
        In in = new In(new Cfg());
        in.mode = LaunchMode.RUN_FOREGROUND_TTY;
        SetupProgram p = in.compile();
        assertEquals(0, count(p, Op.CONNECT_SOCKET));
        assertEquals(1, count(p, Op.CONSOLE));
    }

    @Test
    void optionsOfTheCommand() throws SpecException {
        In in = new In(new Cfg().terminal(false));
        in.noPivot = true;
        in.noNewKeyring = true;
        in.preserveFds = 2;
        SetupProgram p = in.compile();
        // under the front the executor inherits the fds: nothing to copy
        assertEquals(List.of(), all(p, Op.GRAB_FDS));
        assertEquals(List.of(5L), first(p, Op.CLOSE_FDS));
        // under a broker they are copied from the runtime's process
        in.preservedFdsOwner = 4242;
        assertEquals(List.of(List.of(4242L, 3L, 2L)), all(in.compile(), Op.GRAB_FDS));
        assertEquals(0, count(p, Op.PIVOT_ROOT));
        assertEquals(1, count(p, Op.MOVE_ROOT));
        assertEquals(0, count(p, Op.JOIN_KEYRING));
    }

    @Test
    void hooks() throws SpecException {
        Cfg c = new Cfg().terminal(false);
        c.root.put("hooks", obj(
                "createRuntime", List.of(obj("path", "/bin/rt")),
                "createContainer", List.of(obj("path", "/bin/cc", "args", List.of("cc", "-x"), "env", List.of("A=1"),
                        "timeout", 5), obj("path", "/bin/cc2")),
                "startContainer", List.of(obj("path", "/bin/sc", "args", List.of("sc")))));
        SetupProgram p = compile(c);
        List<Op> o = ops(p);
        int sync = o.indexOf(Op.SYNC_HOOKS);
        assertEquals(List.of(Op.SYNC_HOOKS, Op.HOOK, Op.HOOK, Op.PIVOT_ROOT), o.subList(sync, sync + 4));
        // the last field: 1 = hook.env absent, inherit the runtime's; 0 = exactly the given env
        assertEquals(List.of("/bin/cc", List.of("cc", "-x"), List.of("A=1"), 5L, "createContainer hook #0", 0L), at(p, sync + 1));
        assertEquals(List.of("/bin/cc2", List.of("/bin/cc2"), List.of(), 0L, "createContainer hook #1", 1L), at(p, sync + 2));
        int ws = o.indexOf(Op.WAIT_START);
        assertEquals(List.of(Op.WAIT_START, Op.HOOK, Op.EXEC), o.subList(ws, o.size()));
        assertEquals(List.of("/bin/sc", List.of("sc"), List.of(), 0L, "startContainer hook #0", 1L), at(p, ws + 1));
        assertTrue(o.indexOf(Op.MKNOD_IN_ROOT) < sync && o.lastIndexOf(Op.SYMLINK_IN_ROOT) < sync);
    }

    @Test
    void prestartAloneStillSyncs() throws SpecException {
        Cfg c = new Cfg();
        c.root.put("hooks", obj("prestart", List.of(obj("path", "/bin/p"))));
        SetupProgram p = compile(c);
        assertEquals(1, count(p, Op.SYNC_HOOKS));
        assertEquals(0, count(p, Op.HOOK));
        assertEquals(0, count(compile(new Cfg()), Op.SYNC_HOOKS));
    }

    @Test
    void everythingElseInItsPlace() throws SpecException {
        Cfg c = new Cfg().terminal(false);
        c.root.put("domainname", "example.org");
        c.root.put("root", obj("path", "rootfs", "readonly", false));
        c.process().put("cwd", "/work");
        c.process().put("user", obj("uid", 0, "gid", 0, "umask", 077));
        c.process().put("noNewPrivileges", false);
        c.process().put("rlimits", List.of(obj("type", "RLIMIT_CORE", "hard", 0, "soft", 0),
                obj("type", "RLIMIT_NOFILE", "hard", new java.math.BigInteger("18446744073709551615"), "soft", 4096)));
        c.linux().put("sysctl", obj("net.ipv4.ip_forward", "1", "kernel.shmmax", "65536"));
        c.linux().put("personality", obj("domain", "LINUX32"));
        SetupProgram p = compile(c);
        List<Op> o = ops(p);
        assertEquals(List.of("example.org"), first(p, Op.SETDOMAINNAME));
        assertEquals(o.indexOf(Op.SETHOSTNAME) + 1, o.indexOf(Op.SETDOMAINNAME));
        assertEquals(List.of("/work"), first(p, Op.MKDIR_IN_ROOT));
        assertTrue(o.lastIndexOf(Op.MOUNT_IN_ROOT) < o.indexOf(Op.MKDIR_IN_ROOT)
                && o.indexOf(Op.MKDIR_IN_ROOT) < o.indexOf(Op.MKNOD_IN_ROOT));
        assertEquals(List.of("/work"), first(p, Op.CHDIR));
        assertEquals(List.of(List.of("/proc/sys/net/ipv4/ip_forward", "1"), List.of("/proc/sys/kernel/shmmax", "65536")),
                all(p, Op.WRITE_FILE));
        assertTrue(o.indexOf(Op.PIVOT_ROOT) < o.indexOf(Op.WRITE_FILE) && o.lastIndexOf(Op.WRITE_FILE) < o.indexOf(Op.READONLY_PATH));
        assertEquals(0, count(p, Op.REMOUNT_ROOT_RO));
        assertEquals(0, count(p, Op.NO_NEW_PRIVS));
        assertEquals(List.of(List.of(4L, 0L, 0L), List.of(7L, 4096L, -1L)), all(p, Op.RLIMIT));
        assertEquals(List.of((long) PER_LINUX32), first(p, Op.PERSONALITY));
        assertEquals(o.lastIndexOf(Op.RLIMIT) + 1, o.indexOf(Op.PERSONALITY));
        assertEquals(List.of(List.of(0L), List.of(077L)), all(p, Op.UMASK));
    }

    // ---- seccomp ----

    static final long SYS_ADMIN = 1L << 21;

    static final String FAKE_HEX = java.util.HexFormat.of().formatHex(FAKE_BPF);

    /** The SECCOMP step's fields, the filter in hex. */
    private static List<Object> seccompStep(SetupProgram p) {
        List<Object> f = new ArrayList<>(first(p, Op.SECCOMP));
        f.set(1, java.util.HexFormat.of().formatHex((byte[]) f.get(1)));
        return f;
    }

    private static Cfg seccomp(Cfg c, Object... syscalls) {
        c.linux().put("seccomp", obj("defaultAction", "SCMP_ACT_ALLOW", "syscalls", List.of(syscalls)));
        return c;
    }

    private static Object rule(String name, String action) {
        return obj("names", List.of(name), "action", action);
    }

    /** The steps from WAIT_START to the end. */
    @Test
    void seccompIsLoadedLastAfterTheStartContainerHooks() throws SpecException {
        Cfg c = seccomp(new Cfg().terminal(false), rule("mkdir", "SCMP_ACT_ERRNO"));
        c.root.put("hooks", obj("startContainer", List.of(obj("path", "/bin/sc"))));
        SetupProgram p = compile(c);
        // runc's default config has noNewPrivileges: no capability is held
        assertEquals(List.of(Op.WAIT_START, Op.HOOK, Op.SECCOMP, Op.EXEC), tail(p));
        assertEquals(List.of(0L, FAKE_HEX, ""), seccompStep(p));
        assertEquals(List.of(DEFAULT_CAPS, DEFAULT_CAPS, 0L), first(p, Op.CAPS));
        assertEquals(1, count(p, Op.CAPS));
        assertEquals(0, count(p, Op.CONNECT_LISTENER) + count(p, Op.SYNC_HOOKS));
        assertTrue(ops(p).indexOf(Op.NO_NEW_PRIVS) < ops(p).indexOf(Op.SECCOMP));
    }

    @Test
    void withoutSeccompNothingChanges() throws SpecException {
        SetupProgram p = compile(new Cfg());
        assertEquals(0, count(p, Op.SECCOMP));
        assertEquals(List.of(Op.WAIT_START, Op.EXEC), tail(p));
    }

    @Test
    @SuppressWarnings("unchecked")
    void seccompFlagsReachTheStep() throws SpecException {
        Cfg c = seccomp(new Cfg());
        ((Map<String, Object>) c.linux().get("seccomp")).put("flags", List.of("SECCOMP_FILTER_FLAG_LOG",
                "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV"));
        // WAIT_KILLABLE_RECV only concerns a listener, and seccomp(2) refuses it without one
        assertEquals(List.of(2L, FAKE_HEX, ""), seccompStep(compile(c)));
    }

    @Test
    void capabilitiesThatKeepSysAdminNeedNoHold() throws SpecException {
        Cfg c = seccomp(caps("bounding", List.of("CAP_SYS_ADMIN"), "effective", List.of("CAP_SYS_ADMIN"),
                "permitted", List.of("CAP_SYS_ADMIN")));
        c.process().put("noNewPrivileges", false);
        SetupProgram p = compile(c);
        assertEquals(0, count(p, Op.NO_NEW_PRIVS));
        assertEquals(List.of(List.of(SYS_ADMIN, SYS_ADMIN, 0L)), all(p, Op.CAPS));
        assertEquals(List.of(Op.WAIT_START, Op.SECCOMP, Op.EXEC), tail(p));
    }

    @Test
    void withoutNoNewPrivsSysAdminIsHeldUntilTheFilterIsLoaded() throws SpecException {
        Cfg c = seccomp(caps("bounding", List.of("CAP_KILL"), "effective", List.of("CAP_KILL"),
                "permitted", List.of("CAP_KILL"), "inheritable", List.of("CAP_KILL"), "ambient", List.of("CAP_KILL")));
        c.process().put("noNewPrivileges", false);
        c.process().put("user", obj("uid", 1000, "gid", 1000));
        SetupProgram p = compile(c);
        long kill = 1L << 5;
        assertEquals(List.of(List.of(kill | SYS_ADMIN, kill | SYS_ADMIN, kill), List.of(kill, kill, kill)),
                all(p, Op.CAPS));
        assertEquals(List.of(Op.WAIT_START, Op.SECCOMP, Op.CAPS, Op.EXEC), tail(p));
        assertEquals(List.of(kill), first(p, Op.AMBIENT));
        assertEquals(0, count(p, Op.NO_NEW_PRIVS));
    }

    @Test
    void landlockAloneAlsoHoldsSysAdminAndSeccompComesAfterIt() throws SpecException, IOException {
        Files.createDirectories(rootfs.resolve("bin"));
        Cfg c = new Cfg();
        c.process().put("noNewPrivileges", false);
        c.root.put("annotations", obj("dev.hull.landlock", "/bin:rx"));
        SetupProgram p = compile(c);
        // Docker's/runc's default capabilities lack CAP_SYS_ADMIN: held, then dropped after LANDLOCK
        assertEquals(List.of(Op.WAIT_START, Op.LANDLOCK, Op.CAPS, Op.EXEC), tail(p));
        List<List<Object>> caps = all(p, Op.CAPS);
        assertEquals(2, caps.size());
        assertEquals((long) caps.get(1).get(0) | SYS_ADMIN, (long) caps.get(0).get(0));
        assertEquals(0, (long) caps.get(1).get(0) & SYS_ADMIN);

        Cfg both = seccomp(c, rule("mkdir", "SCMP_ACT_ERRNO"));
        assertEquals(List.of(Op.WAIT_START, Op.LANDLOCK, Op.SECCOMP, Op.CAPS, Op.EXEC), tail(compile(both)));
    }

    @Test
    void aNonRootUserWithoutCapabilitiesHoldsOnlySysAdmin() throws SpecException {
        Cfg c = seccomp(new Cfg());
        c.process().remove("capabilities");
        c.process().put("noNewPrivileges", false);
        c.process().put("user", obj("uid", 1000, "gid", 1000));
        SetupProgram p = compile(c);
        List<Op> o = ops(p);
        assertEquals(List.of(Op.KEEPCAPS, Op.SETGROUPS, Op.SETRESGID, Op.SETRESUID, Op.KEEPCAPS, Op.CAPS),
                o.subList(o.indexOf(Op.KEEPCAPS), o.indexOf(Op.CAPS) + 1));
        assertEquals(List.of(List.of(1L), List.of(0L)), all(p, Op.KEEPCAPS));
        // -1: the inheritable set stays what it is
        assertEquals(List.of(List.of(SYS_ADMIN, SYS_ADMIN, -1L), List.of(0L, 0L, -1L)), all(p, Op.CAPS));
        assertEquals(List.of(Op.WAIT_START, Op.SECCOMP, Op.CAPS, Op.EXEC), tail(p));
    }

    @Test
    void rootWithoutCapabilitiesObjectKeepsEverything() throws SpecException {
        Cfg c = seccomp(new Cfg());
        c.process().remove("capabilities");
        c.process().put("noNewPrivileges", false);
        SetupProgram p = compile(c);
        assertEquals(0, count(p, Op.CAPS) + count(p, Op.KEEPCAPS));
        assertEquals(List.of(Op.WAIT_START, Op.SECCOMP, Op.EXEC), tail(p));
    }

    @Test
    @SuppressWarnings("unchecked")
    void aListenerConnectsBeforeTheCloneAndGetsTheState() throws SpecException {
        Cfg c = seccomp(new Cfg(), rule("mkdir", "SCMP_ACT_NOTIFY"));
        c.process().put("terminal", false);
        Map<String, Object> sc = (Map<String, Object>) c.linux().get("seccomp");
        sc.put("listenerPath", "/run/agent.sock");
        sc.put("listenerMetadata", "a \"b\"");
        sc.put("flags", List.of("SECCOMP_FILTER_FLAG_LOG", "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV"));
        SetupProgram p = compile(c);
        List<Op> o = ops(p);
        assertEquals(List.of(Op.DUMPABLE, Op.CONNECT_LISTENER, Op.LISTEN_START, Op.CLONE), o.subList(0, 4));
        assertEquals(List.of("/run/agent.sock"), at(p, 1));
        assertEquals(1, count(p, Op.SYNC_HOOKS), "the executor needs the state for the agent");
        assertEquals(List.of(2L | 8L | 32L, FAKE_HEX,
                "{\"ociVersion\":\"1.0.2-dev\",\"fds\":[\"seccompFd\"],\"metadata\":\"a \\\"b\\\"\",\"pid\":"),
                seccompStep(p));
    }

    @Test
    void aProfileErrorStopsTheCompiler() {
        In in = new In(seccomp(new Cfg()));
        in.seccomp = s -> {
            throw new SpecException("linux.seccomp.defaultAction: unknown action \"X\"");
        };
        SpecException e = assertThrows(SpecException.class, () -> ProgramCompiler.compile(in.input()));
        assertEquals("linux.seccomp.defaultAction: unknown action \"X\"", e.getMessage());
    }

    // ---- exec: a process joining a running container ----

    /** The exec program of a container made from c, its init at pid 42. */
    SetupProgram compileExec(Cfg c, LaunchMode mode) throws SpecException {
        return compileExec(c, mode, FULL_HOST);
    }

    SetupProgram compileExec(Cfg c, LaunchMode mode, HostFacts host) throws SpecException {
        return compileExec(c, mode, host, false);
    }

    SetupProgram compileExec(Cfg c, LaunchMode mode, HostFacts host, boolean stdinNull) throws SpecException {
        Spec s = c.spec();
        List<dev.hull.spec.Linux.Namespace> ns = new ArrayList<>();
        for (String[] k : new String[][] {{"user", "user"}, {"cgroup", "cgroup"}, {"ipc", "ipc"}, {"uts", "uts"},
            {"network", "net"}, {"pid", "pid"}, {"time", "time"}, {"mount", "mnt"}}) {
            ns.add(new dev.hull.spec.Linux.Namespace(k[0], "/proc/42/ns/" + k[1]));
        }
        In in = new In(new Spec(s.ociVersion(), s.process(), s.root(), s.hostname(), s.domainname(), s.mounts(),
                dev.hull.spec.Hooks.NONE, s.annotations(), s.linux().withNamespaces(ns)));
        in.mode = mode;
        in.host = host;
        SetupProgram p = ProgramCompiler.compileExec(in.input(), stdinNull);
        HullExec.Result r = HullExec.dump(p.encode());
        assertEquals(0, r.code(), r.toString());
        assertEquals(ProgramDecoder.dump(p), r.out());
        return p;
    }

    @Test
    void execJoinsEveryNamespaceAndBuildsNothing() throws SpecException {
        Cfg c = new Cfg().terminal(false);
        c.root.put("hooks", obj("prestart", List.of(obj("path", "/bin/pre")),
                "startContainer", List.of(obj("path", "/bin/sc"))));
        c.process().put("rlimits", List.of(obj("type", "RLIMIT_NOFILE", "hard", 100, "soft", 50)));
        SetupProgram p = compileExec(c, LaunchMode.RUN_FOREGROUND);
        assertEquals(List.of(Op.DUMPABLE, Op.JOIN_NS, Op.CLONE, Op.WAIT_GO, Op.SETSID, Op.JOIN_KEYRING, Op.CHDIR,
                Op.RLIMIT, Op.CAP_BOUNDING, Op.KEEPCAPS, Op.SETGROUPS, Op.SETRESGID, Op.SETRESUID, Op.KEEPCAPS,
                Op.CAPS, Op.AMBIENT, Op.NO_NEW_PRIVS, Op.UMASK, Op.LOOKUP_EXEC, Op.CLOSE_FDS, Op.EXEC), ops(p));
        assertEquals(List.of(0L), first(p, Op.DUMPABLE));
        // the executor defers the user namespace itself; the mount namespace comes last
        List<Object> join = first(p, Op.JOIN_NS);
        assertEquals(List.of(CLONE_NEWUSER, CLONE_NEWCGROUP, CLONE_NEWIPC, CLONE_NEWUTS, CLONE_NEWNET,
                CLONE_NEWPID, CLONE_NEWTIME, CLONE_NEWNS), Arrays.stream((long[]) join.get(0)).boxed().toList());
        assertEquals(List.of(List.of("/proc/42/ns/user", "/proc/42/ns/cgroup",
                "/proc/42/ns/ipc", "/proc/42/ns/uts", "/proc/42/ns/net", "/proc/42/ns/pid", "/proc/42/ns/time",
                "/proc/42/ns/mnt")), join.subList(1, 2));
        // no new namespace: the pid and time namespaces are entered by the clone's child
        assertEquals(List.of(0L, 1L), first(p, Op.CLONE));
        assertEquals(List.of("_ses.c1"), first(p, Op.JOIN_KEYRING));
        assertEquals(List.of("/"), first(p, Op.CHDIR));
        assertEquals(List.of(3L), first(p, Op.CLOSE_FDS));
    }

    @Test
    void execWithoutStdinOpensDevNullBeforeJoiningAnything() throws SpecException {
        SetupProgram p = compileExec(new Cfg().terminal(false), LaunchMode.RUN_FOREGROUND, FULL_HOST, true);
        assertEquals(List.of(Op.DUMPABLE, Op.STDIN_NULL, Op.JOIN_NS, Op.CLONE), ops(p).subList(0, 4));
        assertEquals(-1, compileExec(new Cfg().terminal(false), LaunchMode.RUN_FOREGROUND).indexOf(Op.STDIN_NULL));
    }

    @ParameterizedTest
    @EnumSource(value = LaunchMode.class, names = {"RUN_DETACHED", "RUN_FOREGROUND", "RUN_FOREGROUND_TTY"})
    void execParentModes(LaunchMode mode) throws SpecException {
        SetupProgram p = compileExec(new Cfg().terminal(mode == LaunchMode.RUN_FOREGROUND_TTY), mode);
        assertEquals((long) mode.parentMode, first(p, Op.CLONE).get(1));
        assertEquals(0, count(p, Op.LISTEN_START) + count(p, Op.CREATED) + count(p, Op.WAIT_START));
    }

    @Test
    void execHasNoCreateMode() {
        In in = new In(new Cfg());
        assertThrows(IllegalArgumentException.class, () -> ProgramCompiler.compileExec(in.input()));
    }

    @Test
    void execTerminalIsNotTheConsole() throws SpecException {
        Cfg c = new Cfg().terminal(true);
        c.process().put("consoleSize", obj("height", 30, "width", 100));
        In in = new In(c);
        in.consoleSocket = "/run/console.sock";
        SetupProgram p = compileExec(c, LaunchMode.RUN_DETACHED);
        assertEquals(List.of(0L, 0L, 30L, 100L, 0L), first(p, Op.CONSOLE), "no /dev/console bind");
        assertTrue(p.indexOf(Op.SETSID) < p.indexOf(Op.CONSOLE), "the pty becomes the controlling terminal");
        assertEquals(List.of(1L), first(p, Op.EXEC).subList(2, 3));
    }

    @Test
    void execGetsTheContainersConfinementLast() throws SpecException {
        Cfg c = seccomp(new Cfg().terminal(false), rule("mkdir", "SCMP_ACT_ERRNO"));
        c.process().put("noNewPrivileges", false);
        c.process().put("apparmorProfile", "hull-default");
        c.root.put("annotations", obj("dev.hull.landlock", "/bin:rx"));
        try { // the rule's path must exist in the rootfs
            Files.createDirectories(rootfs.resolve("bin"));
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        SetupProgram p = compileExec(c, LaunchMode.RUN_FOREGROUND, new HostFacts(40, ALL_CAPS, true, true, false, 6));
        assertEquals(List.of(Op.CLOSE_FDS, Op.LSM_LABEL, Op.LANDLOCK, Op.SECCOMP, Op.CAPS, Op.EXEC),
                ops(p).subList(ops(p).size() - 6, ops(p).size()));
        assertEquals(List.of(0L, FAKE_HEX, ""), seccompStep(p));
        // CAP_SYS_ADMIN held to load the filter without no_new_privs, then the configured sets
        assertEquals(List.of(DEFAULT_CAPS | 1L << 21, DEFAULT_CAPS | 1L << 21, 0L), all(p, Op.CAPS).get(0));
        assertEquals(List.of(DEFAULT_CAPS, DEFAULT_CAPS, 0L), all(p, Op.CAPS).get(1));
        assertEquals(0, count(p, Op.NO_NEW_PRIVS));
    }

    @Test
    void execRefusesASeccompAgent() {
        Cfg c = seccomp(new Cfg().terminal(false), rule("mkdir", "SCMP_ACT_NOTIFY"));
        c.linux().put("seccomp", obj("defaultAction", "SCMP_ACT_ALLOW", "listenerPath", "/run/agent.sock",
                "syscalls", List.of(rule("mkdir", "SCMP_ACT_NOTIFY"))));
        SpecException e = assertThrows(SpecException.class, () -> compileExec(c, LaunchMode.RUN_FOREGROUND));
        assertEquals("linux.seccomp: SCMP_ACT_NOTIFY rules are not supported by exec yet", e.getMessage());
    }
}
