package dev.hull.runtime.program;

import static dev.hull.runtime.program.LinuxConstants.*;

import dev.hull.runtime.rootfs.Passwd;
import dev.hull.runtime.rootfs.RootfsPaths;
import dev.hull.runtime.security.Landlock;
import dev.hull.runtime.security.SelinuxLabels;
import dev.hull.spec.Capabilities;
import dev.hull.spec.Hooks.Hook;
import dev.hull.spec.Linux;
import dev.hull.spec.Linux.Namespace;
import dev.hull.spec.Mount;
import dev.hull.spec.Process;
import dev.hull.spec.Rlimits;
import dev.hull.spec.Spec;
import dev.hull.spec.SpecException;
import dev.hull.sys.KernelFiles;
import dev.hull.sys.MountInfo;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Turns a validated OCI config into the executor's setup program. Every decision about the
 * container is made here; the executor only carries the steps out (DESIGN.md). The order of the
 * steps follows runc's init where the spec leaves room.
 */
public final class ProgramCompiler {

    /** Everything the compiler needs. {@code cgroupDirs}: hierarchy key -> host directory. */
    public record Input(Spec spec, String id, Path bundle, Path rootfs, Path stateDir,
                        LaunchMode mode, String consoleSocket, boolean noPivot, boolean noNewKeyring,
                        int preserveFds, long preservedFdsOwner, Map<String, Path> cgroupDirs,
                        boolean cgroupV2Host, byte[] deviceFilter, SeccompFilter.Compiler seccomp,
                        HostFacts host, Consumer<String> warn, Monitor monitor) {

        /** Without a monitor (the executor's parent exits or waits, as the mode says). */
        public Input(Spec spec, String id, Path bundle, Path rootfs, Path stateDir,
                     LaunchMode mode, String consoleSocket, boolean noPivot, boolean noNewKeyring,
                     int preserveFds, long preservedFdsOwner, Map<String, Path> cgroupDirs,
                     boolean cgroupV2Host, byte[] deviceFilter, SeccompFilter.Compiler seccomp,
                     HostFacts host, Consumer<String> warn) {
            this(spec, id, bundle, rootfs, stateDir, mode, consoleSocket, noPivot, noNewKeyring, preserveFds,
                    preservedFdsOwner, cgroupDirs, cgroupV2Host, deviceFilter, seccomp, host, warn, null);
        }
    }

    /** The name of the start socket in the state directory. */
    public static final String START_SOCKET = "exec.sock";

    private final Input in;
    private final Spec spec;
    private final Process proc;
    private final Linux linux;
    private final SetupProgram p = new SetupProgram();
    private final boolean newUserNs, anyUserNs, newCgroupNs;
    private final String mountLabel; // linux.mountLabel, null when there is none
    /** The compiled linux.seccomp, or null. */
    private SeccompFilter seccomp;
    /** The dev.hull.landlock rules, or null. */
    private Landlock.Rules landlock;
    /** An exec whose process gets /dev/null as stdin (STDIN_NULL). */
    private boolean stdinNull;
    /** The capability sets the process ends with (CAPS), when it holds CAP_SYS_ADMIN until exec. */
    private long finalEff, finalPerm, finalInh = -1;

    static final int CAP_SYS_ADMIN = 21;

    private ProgramCompiler(Input in) {
        this.in = in;
        this.spec = in.spec();
        this.proc = spec.process();
        this.linux = spec.linux();
        Namespace user = linux.namespace("user");
        this.newUserNs = user != null && empty(user.path());
        this.anyUserNs = user != null;
        Namespace cg = linux.namespace("cgroup");
        this.newCgroupNs = cg != null && empty(cg.path());
        this.mountLabel = empty(linux.mountLabel()) ? null : linux.mountLabel();
    }

    public static SetupProgram compile(Input in) throws SpecException {
        return new ProgramCompiler(in).build();
    }

    /**
     * The program of {@code exec}: a new process in a running container. {@code in.spec()} is the
     * container's config with the exec'd process as {@code process} and every namespace of the
     * container's init as a path ({@code /proc/<pid>/ns/<kind>}); the mode is one of the RUN_
     * modes, for what the executor's parent does (exit, wait, wait and proxy the terminal).
     * No rootfs, no hooks: the container is built; the process joins it, then takes the same
     * identity and confinement steps as the container's first process.
     */
    public static SetupProgram compileExec(Input in) throws SpecException {
        return compileExec(in, false);
    }

    /**
     * {@code stdinNull}: the process gets /dev/null as stdin rather than the caller's (the
     * engine's exec without -i, as Docker's).
     */
    public static SetupProgram compileExec(Input in, boolean stdinNull) throws SpecException {
        if (in.mode() == LaunchMode.CREATE) {
            throw new IllegalArgumentException("exec has no create mode");
        }
        if (in.monitor() != null) {
            throw new IllegalArgumentException("exec has no monitor");
        }
        for (Namespace ns : in.spec().linux().namespaces()) {
            if (empty(ns.path())) {
                throw new IllegalArgumentException("exec joins namespaces only, not " + ns.type());
            }
        }
        ProgramCompiler c = new ProgramCompiler(in);
        c.stdinNull = stdinNull;
        return c.buildExec();
    }

    private SetupProgram buildExec() throws SpecException {
        refuseWhatIsNotEnforced();
        landlock = landlockRules();
        if (linux.seccomp() != null) {
            seccomp = in.seccomp().compile(linux.seccomp());
            if (seccomp.notifies()) {
                // the agent's message carries the container's state, which only create receives
                throw new SpecException("linux.seccomp: SCMP_ACT_NOTIFY rules are not supported by exec yet");
            }
        }
        parentPhase(); // DUMPABLE first, the caller's fds and console, JOIN_NS, CLONE
        p.add(Op.WAIT_GO, "wait for the cgroup join").done();
        p.add(Op.SETSID, "start a new session").done();
        if (!in.noNewKeyring()) {
            // as runc's setns init: not the caller's session keyring, the container's
            p.add(Op.JOIN_KEYRING, "join the container's session keyring").s("_ses." + in.id()).done();
        }
        if (proc.terminal()) {
            terminal(false); // the container's /dev/console is its first process's
        }
        // the joined mount namespace's root is the container's: CHDIR resolves the cwd inside it
        p.add(Op.CHDIR, "change to process.cwd " + proc.cwd()).s(proc.cwd()).done();
        processIdentity();
        lastSteps(false);
        return p;
    }

    private static boolean empty(String s) {
        return s == null || s.isEmpty();
    }

    // Plain loops rather than streams, lambdas and regexes: each of those costs milliseconds of
    // class spinning on a fresh JVM, and this runs on every container start.

    private static long[] longs(List<Long> list) {
        long[] out = new long[list.size()];
        for (int k = 0; k < out.length; k++) {
            out[k] = list.get(k);
        }
        return out;
    }

    private static String withoutTrailingSlashes(String path) {
        int end = path.length();
        while (end > 0 && path.charAt(end - 1) == '/') {
            end--;
        }
        return path.substring(0, end);
    }

    private static boolean isShared(MountInfo m) {
        for (String f : m.optionalFields()) {
            if (f.startsWith("shared:")) {
                return true;
            }
        }
        return false;
    }

    private SetupProgram build() throws SpecException {
        refuseWhatIsNotEnforced();
        landlock = landlockRules();
        if (linux.seccomp() != null) {
            // before any step: a profile error must fail create before anything is made
            seccomp = in.seccomp().compile(linux.seccomp());
        }
        parentPhase();
        childSetup();
        rootfs();
        hooksBeforePivot();
        if (in.noPivot()) {
            p.add(Op.MOVE_ROOT, "move the rootfs to / and chroot (--no-pivot)").done();
        } else {
            p.add(Op.PIVOT_ROOT, "pivot_root into " + in.rootfs()).done();
        }
        if (proc.terminal()) {
            terminal(needsDevSetup());
        }
        for (Map.Entry<String, String> e : linux.sysctl().entrySet()) {
            checkNotHostNetNs(e.getKey());
            String file = "/proc/sys/" + e.getKey().replace('.', '/');
            p.add(Op.WRITE_FILE, "linux.sysctl " + e.getKey() + "=" + e.getValue())
                    .s(file).s(e.getValue()).done();
        }
        for (String path : linux.readonlyPaths()) {
            p.add(Op.READONLY_PATH, "linux.readonlyPaths " + path).s(path).done();
        }
        for (String path : linux.maskedPaths()) {
            SetupProgram.Fields mask = p.add(Op.MASK_PATH, "linux.maskedPaths " + path).s(path);
            if (mountLabel != null) { // the tmpfs over a directory, labelled as runc's maskPath does
                mask.s(SelinuxLabels.formatMountLabel("", mountLabel));
            }
            mask.done();
        }
        if (spec.root().readonly()) {
            p.add(Op.REMOUNT_ROOT_RO, "remount the rootfs read-only (root.readonly)").done();
        }
        rootPropagation(); // last: the binds of the paths above cannot come out of an unbindable tree
        processIdentity();
        finish();
        return p;
    }

    /**
     * A confinement the config asks for but this runtime cannot apply yet must stop the container:
     * running it unconfined while the user believes otherwise would be worse than failing.
     */
    private void refuseWhatIsNotEnforced() throws SpecException {
        String profile = proc.apparmorProfile();
        if (!empty(profile) && !in.host().apparmor() && !profile.equals(UNCONFINED)) {
            throw new SpecException("process.apparmorProfile: AppArmor is not enabled on this host, "
                    + "so profile \"" + profile + "\" cannot be applied");
        }
        if (!empty(proc.selinuxLabel()) && !in.host().selinux()) {
            throw new SpecException("process.selinuxLabel: SELinux is not enabled on this host, so label \""
                    + proc.selinuxLabel() + "\" cannot be applied");
        }
        if (!empty(linux.mountLabel()) && !in.host().selinux()) {
            throw new SpecException("linux.mountLabel: SELinux is not enabled on this host, so label \""
                    + linux.mountLabel() + "\" cannot be applied");
        }
    }

    /** AppArmor's profile for a process it should not confine. */
    public static final String UNCONFINED = "unconfined";

    // ---- parent phase: runs in the runtime's namespaces ----

    private void parentPhase() throws SpecException {
        // First: from here on the executor may hold the caller's fds and join the container's
        // namespaces. Non-dumpable, P and the C it clones cannot be ptraced, nor their
        // /proc/<pid>/{exe,fd,mem,environ} opened, by a container process that shares a pid
        // namespace with them and holds CAP_SYS_PTRACE only in the container's user namespace
        // (the kernel then asks for it in the namespace of their memory: the host's). The
        // execve of the container's program resets it, as with runc.
        p.add(Op.DUMPABLE, "make the executor non-dumpable").i(0).done();
        if (stdinNull) {
            p.add(Op.STDIN_NULL, "give the process /dev/null as stdin").done();
        }
        // the executor inherits the caller's stdio and --preserve-fds from the front, unless the
        // runtime runs under a broker: then it copies the fds from the runtime's process
        if (in.preserveFds() > 0 && in.preservedFdsOwner() > 0) {
            p.add(Op.GRAB_FDS, "take --preserve-fds " + in.preserveFds()).i(in.preservedFdsOwner())
                    .i(3).i(in.preserveFds()).done();
        }
        Monitor mon = in.monitor();
        if (mon != null) {
            // before JOIN_NS: the log file and the exit file's directory are the runtime's paths
            boolean tty = proc.terminal() && in.consoleSocket() == null;
            p.add(Op.MONITOR, (mon.attach() ? "attached " : "") + "monitor: log to " + mon.logFile()
                    + ", exit status to " + mon.exitFile())
                    .s(mon.logFile().toString()).s(mon.exitFile().toString()).i(mon.attach() ? 1 : 0)
                    .i(mon.stdinOpen() ? 1 : 0).i(tty ? 1 : 0).i(mon.logMaxSize()).i(mon.logFiles())
                    .s(mon.detachKeys()).v(mon.onExit()).done();
        }
        if (proc.terminal() && in.consoleSocket() != null) {
            p.add(Op.CONNECT_SOCKET, "connect to --console-socket " + in.consoleSocket())
                    .s(in.consoleSocket()).done();
        }
        if (listens()) {
            // here, in the runtime's mount namespace, where the agent's socket is; the container
            // process inherits the connection and sends the listener fd over it (SECCOMP)
            p.add(Op.CONNECT_LISTENER, "connect to linux.seccomp.listenerPath " + linux.seccomp().listenerPath())
                    .s(linux.seccomp().listenerPath()).done();
        }
        if (in.deviceFilter() != null && in.cgroupDirs().get("") != null) {
            // cgroup v2 has no devices files: the allow-list is an eBPF program on the cgroup,
            // attached before the container's first process exists
            p.add(Op.DEVICE_FILTER, "attach the device filter (linux.resources.devices)")
                    .s(in.cgroupDirs().get("").toString()).b(in.deviceFilter()).done();
        }
        if (in.mode() == LaunchMode.CREATE) {
            // Bound here, as the runtime's root in its own namespaces: the state directory is
            // 0700 root, which the container's root in a user namespace (another host uid) can
            // neither search nor write, and a joined mount namespace may not even show it. The
            // child inherits the listening socket through the clone.
            p.add(Op.LISTEN_START, "listen on the start socket")
                    .s(in.stateDir().toString()).s(START_SOCKET).done();
        }
        List<Long> types = new ArrayList<>();
        List<String> paths = new ArrayList<>();
        long cloneFlags = 0;
        boolean newTime = false;
        for (Namespace ns : linux.namespaces()) {
            long flag = cloneFlag(ns.type());
            if (!empty(ns.path())) {
                if (!ns.type().equals("mount")) { // mount last: it changes what later paths mean
                    types.add(flag);
                    paths.add(ns.path());
                }
            } else if (flag == CLONE_NEWTIME) {
                newTime = true;
            } else if (flag != CLONE_NEWCGROUP && !(flag == CLONE_NEWIPC && newUserNs)) {
                cloneFlags |= flag; // the cgroup one after the cgroup is joined, in the child
            }
        }
        Namespace mnt = linux.namespace("mount");
        if (mnt != null && !empty(mnt.path())) {
            types.add(CLONE_NEWNS);
            paths.add(mnt.path());
        }
        if (!types.isEmpty()) {
            long[] t = longs(types);
            p.add(Op.JOIN_NS, "join namespaces " + paths).n(t).v(paths).done();
        }
        if (newTime) {
            Linux.TimeOffset mono = linux.timeOffsets().get("monotonic");
            Linux.TimeOffset boot = linux.timeOffsets().get("boottime");
            boolean has = mono != null || boot != null;
            p.add(Op.UNSHARE_TIME, "create the time namespace (linux.timeOffsets)").i(has ? 1 : 0)
                    .i(mono == null ? 0 : mono.secs()).i(mono == null ? 0 : mono.nanosecs())
                    .i(boot == null ? 0 : boot.secs()).i(boot == null ? 0 : boot.nanosecs()).done();
        }
        p.add(Op.CLONE, "clone the container process (flags " + Long.toHexString(cloneFlags) + ")")
                .i(cloneFlags).i(mon != null ? mon.parentMode() : in.mode().parentMode).done();
    }

    // ---- child: before the rootfs ----

    private void childSetup() {
        p.add(Op.WAIT_GO, "wait for id maps and cgroups").done();
        p.add(Op.SETSID, "start a new session").done();
        if (anyUserNs) {
            p.add(Op.BECOME_ROOT, "become root in the user namespace").done();
        }
        if (newUserNs && newIpcNs()) {
            // as root of the user namespace, as runc does: the new IPC namespace's mqueue
            // filesystem (/dev/mqueue) belongs to whoever creates it, and created by the clone
            // it would belong to the host's root, unmapped in the container
            p.add(Op.UNSHARE, "create the IPC namespace").i(CLONE_NEWIPC).done();
        }
        if (newCgroupNs) {
            p.add(Op.UNSHARE, "create the cgroup namespace").i(CLONE_NEWCGROUP).done();
        }
        p.add(Op.UMASK, "umask 0 while creating files").i(0).done();
        if (!in.noNewKeyring()) {
            p.add(Op.JOIN_KEYRING, "join a new session keyring").s("_ses." + in.id()).done();
        }
        if (!empty(spec.hostname())) {
            p.add(Op.SETHOSTNAME, "set hostname " + spec.hostname()).s(spec.hostname()).done();
        }
        if (!empty(spec.domainname())) {
            p.add(Op.SETDOMAINNAME, "set domainname " + spec.domainname()).s(spec.domainname()).done();
        }
    }

    // ---- rootfs and mounts ----

    private void rootfs() throws SpecException {
        String prop = empty(linux.rootfsPropagation()) ? "rslave" : linux.rootfsPropagation();
        long propFlags = MountOptions.parse(List.of(prop)).propagation();
        // as in runc, "private", "slave", "shared" change / alone, the r- forms the whole tree: a
        // shared mount of the host stays shared with it under "private"
        if ((propFlags & MS_UNBINDABLE) != 0) {
            // the rootfs could not be bound out of an unbindable tree: private until pivoted
            prop = "rprivate";
            propFlags = MS_PRIVATE | MS_REC;
        }
        p.add(Op.MOUNT, "make / " + prop + " (linux.rootfsPropagation)")
                .s("").s("/").s("").i(propFlags).s("").done();
        // pivot_root refuses a shared parent mount: make the mount holding the rootfs private, as
        // runc does, if it may be shared after the step above: when asked to, or when it kept the
        // host's propagation (the change was not recursive, and it is not / itself)
        boolean recursive = (propFlags & MS_REC) != 0;
        if ((propFlags & MS_SHARED) != 0 || !recursive) {
            try {
                MountInfo parent = MountInfo.containing(MountInfo.self(), in.rootfs().toString());
                if (parent != null && ((propFlags & MS_SHARED) != 0 || (!parent.mountPoint().equals("/")
                        && isShared(parent)))) {
                    p.add(Op.MOUNT, "make " + parent.mountPoint() + " private for pivot_root")
                            .s("").s(parent.mountPoint()).s("").i(MS_PRIVATE).s("").done();
                }
            } catch (IOException e) {
                throw new SpecException("linux.rootfsPropagation: cannot read mountinfo: " + e.getMessage());
            }
        }
        String root = in.rootfs().toString();
        p.add(Op.MOUNT, "bind the rootfs " + root + " onto itself").s(root).s(root).s("")
                .i(MS_BIND | MS_REC).s("").done();
        p.add(Op.OPEN_ROOT, "open the rootfs " + root).s(root).done();
        int i = 0;
        for (Mount m : spec.mounts()) {
            mount(m, "mounts[" + i++ + "]");
        }
        if (proc.cwd() != null && !proc.cwd().equals("/")) {
            p.add(Op.MKDIR_IN_ROOT, "create process.cwd " + proc.cwd()).s(proc.cwd()).done();
        }
        devices();
    }

    /**
     * A shared or unbindable rootfsPropagation is applied to the new root once it is "/": the
     * rootfs bind was made from a mount turned private for pivot_root (shared), or from a private
     * tree because an unbindable one cannot be bound (see rootfs()), so it came out private. This
     * was runc's long-standing bug 1755, fixed there the same way by its PR 4724.
     */
    private void rootPropagation() {
        String prop = linux.rootfsPropagation();
        if (empty(prop)) {
            return;
        }
        long flags = MountOptions.parse(List.of(prop)).propagation();
        if ((flags & (MS_SHARED | MS_UNBINDABLE)) != 0) {
            p.add(Op.MOUNT, "make the new / " + prop + " (linux.rootfsPropagation)")
                    .s("").s("/").s("").i(flags).s("").done();
        }
    }

    private void mount(Mount m, String field) throws SpecException {
        if (!m.uidMappings().isEmpty() || !m.gidMappings().isEmpty()) {
            throw new SpecException(field + ".uidMappings: idmapped mounts are not supported yet");
        }
        MountOptions o = MountOptions.parse(m.options());
        String type = empty(m.type()) ? "" : m.type();
        if (o.tmpcopyup()) {
            in.warn().accept(field + ": the tmpcopyup option is not supported yet; mounting without it");
        }
        if (type.equals("cgroup") || type.equals("cgroup2")) {
            cgroupMount(m, o, type, field);
            return;
        }
        boolean bind = o.bind() || type.equals("bind");
        String src = m.source() == null ? "" : m.source();
        int mkkind = 1; // directory
        String desc = "mount " + (bind ? src : type) + " on " + m.destination() + " (" + field + ")";
        if (bind) {
            Path s = Path.of(src);
            if (!s.isAbsolute()) {
                s = in.bundle().resolve(s);
                src = s.toString();
            }
            if (!Files.exists(s)) {
                throw new SpecException(field + ".source: " + src + " does not exist");
            }
            mkkind = Files.isDirectory(s) ? 1 : 2;
            long flags = o.flags() | MS_BIND;
            // the first mount(2) of a bind ignores every flag but MS_REC: the rest is a remount
            long remountFlags = (flags & ~(MS_BIND | MS_REC | MS_REMOUNT)) != 0
                    ? (flags & ~MS_REC) | MS_REMOUNT | MS_BIND : 0;
            p.add(Op.MOUNT_IN_ROOT, desc).s(src).s(m.destination()).s("")
                    .i(flags & (MS_BIND | MS_REC)).s("").i(mkkind).i(remountFlags & ~MS_REMOUNT)
                    .i(o.propagation()).i(o.attrSet()).i(o.attrClr()).s("").done();
            return;
        }
        String fallback = "";
        if (type.equals("sysfs") && newUserNs && !newNetNs()) {
            fallback = "/sys"; // sysfs needs CAP_SYS_ADMIN over the netns: bind the host's instead
        }
        String data = type.equals("tmpfs") ? tmpfsData(m, o.data()) : o.data();
        boolean relabel = false;
        if (mountLabel != null) {
            // as runc: proc and sysfs cannot be labelled; mqueue is mounted as is and its root
            // relabelled (older kernels refuse context= on it)
            if (type.equals("mqueue")) {
                relabel = true;
            } else if (!type.equals("proc") && !type.equals("sysfs")) {
                data = SelinuxLabels.formatMountLabel(data, mountLabel);
            }
        }
        SetupProgram.Fields step = p.add(Op.MOUNT_IN_ROOT, desc).s(src.isEmpty() ? type : src)
                .s(m.destination()).s(type).i(o.flags()).s(data).i(mkkind).i(0).i(o.propagation())
                .i(o.attrSet()).i(o.attrClr()).s(fallback);
        if (relabel) {
            step.s(mountLabel);
        }
        step.done();
    }

    /**
     * The validator lets net.* sysctls through with any network namespace, but one joined by path
     * may be the runtime's own: writing the sysctl would then change the host (runc refuses too).
     */
    private void checkNotHostNetNs(String key) throws SpecException {
        Namespace net = linux.namespace("network");
        if (net == null || empty(net.path()) || !key.replace('/', '.').startsWith("net.")) {
            return;
        }
        try {
            if (Files.isSameFile(Path.of(net.path()), Path.of("/proc/self/ns/net"))) {
                throw new SpecException("linux.sysctl: \"" + key + "\" is not allowed in the host's network"
                        + " namespace (linux.namespaces: network path " + net.path() + ")");
            }
        } catch (IOException e) {
            // unreadable here: joining it fails later with the reason
        }
    }

    private boolean newIpcNs() {
        Namespace n = linux.namespace("ipc");
        return n != null && empty(n.path());
    }

    /**
     * A tmpfs without mode= over a directory of the image takes that directory's mode, as runc
     * (since 1.1.8) and crun do; the kernel's default would make it 1777, world-writable where
     * the image had, say, a 0700 directory. A destination under an earlier mount of the config
     * is not the image's at mount time: it keeps the default.
     */
    private String tmpfsData(Mount m, String data) {
        for (String o : data.split(",")) {
            if (o.startsWith("mode=")) {
                return data;
            }
        }
        String dest = m.destination();
        for (Mount earlier : spec.mounts()) {
            if (earlier == m) {
                break;
            }
            String d = withoutTrailingSlashes(earlier.destination());
            if (d.isEmpty() || dest.equals(d) || dest.startsWith(d + "/")) {
                return data;
            }
        }
        try {
            Path dir = RootfsPaths.resolve(in.rootfs(), dest);
            if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
                return data;
            }
            int mode = (Integer) Files.getAttribute(dir, "unix:mode", LinkOption.NOFOLLOW_LINKS) & 07777;
            String opt = "mode=" + Integer.toOctalString(mode);
            return data.isEmpty() ? opt : opt + "," + data;
        } catch (IOException | UnsupportedOperationException e) {
            return data; // unreadable: the kernel's default
        }
    }

    private boolean newNetNs() {
        Namespace n = linux.namespace("network");
        return n != null && empty(n.path());
    }

    /**
     * "cgroup" on a v1 or hybrid host: a tmpfs with one directory per hierarchy, each either a
     * fresh cgroup mount (with a cgroup namespace the kernel shows the container's cgroup as the
     * root) or a bind of the container's own cgroup directory, as runc lays it out.
     * "cgroup2", or either type on a v2 host: the unified hierarchy the same way.
     */
    private void cgroupMount(Mount m, MountOptions o, String type, String field) {
        long flags = o.flags() | MS_NOSUID | MS_NODEV | MS_NOEXEC;
        String dest = m.destination();
        boolean unified = type.equals("cgroup2") || in.cgroupV2Host();
        if (unified) {
            Path dir = in.cgroupDirs().get("");
            if (newCgroupNs || dir == null) {
                p.add(Op.MOUNT_IN_ROOT, "mount cgroup2 on " + dest + " (" + field + ")").s("cgroup2")
                        .s(dest).s("cgroup2").i(flags).s(o.data()).i(1).i(0).i(o.propagation())
                        .i(0).i(0).s("").done();
            } else {
                bindCgroupDir(dir, dest, flags, o, field);
            }
            return;
        }
        p.add(Op.MOUNT_IN_ROOT, "mount a tmpfs for the cgroup hierarchies on " + dest + " (" + field + ")")
                .s("tmpfs").s(dest).s("tmpfs").i(MS_NOSUID | MS_NODEV | MS_NOEXEC)
                .s(SelinuxLabels.formatMountLabel("mode=755", mountLabel))
                .i(1).i(0).i(0).i(0).i(0).s("").done();
        for (Map.Entry<String, Path> e : in.cgroupDirs().entrySet()) {
            String key = e.getKey();
            if (key.isEmpty()) {
                continue; // the unified tree of a hybrid host is not shown, as with runc
            }
            String name = key.startsWith("name=") ? key.substring(5) : key;
            String sub = dest + "/" + name;
            if (newCgroupNs) {
                String data = key.startsWith("name=") ? "none," + key : key;
                // runc names the source of its name=systemd mount "systemd" (seen in mountinfo)
                String source = key.equals("name=systemd") ? "systemd" : "cgroup";
                p.add(Op.MOUNT_IN_ROOT, "mount cgroup " + key + " on " + sub).s(source).s(sub)
                        .s("cgroup").i(flags).s(data).i(1).i(0).i(0).i(0).i(0).s("").done();
            } else {
                bindCgroupDir(e.getValue(), sub, flags, o, field);
            }
            if (name.contains(",")) { // "cpu,cpuacct": also reachable as "cpu" and "cpuacct"
                for (String ctrl : name.split(",")) {
                    p.add(Op.SYMLINK_IN_ROOT, "link " + dest + "/" + ctrl).s(name)
                            .s(dest + "/" + ctrl).done();
                }
            }
        }
    }

    private void bindCgroupDir(Path dir, String dest, long flags, MountOptions o, String field) {
        p.add(Op.MOUNT_IN_ROOT, "bind cgroup " + dir + " on " + dest + " (" + field + ")")
                .s(dir.toString()).s(dest).s("").i(MS_BIND | MS_REC).s("").i(1)
                .i(flags | MS_BIND).i(o.propagation()).i(0).i(0).s("").done();
    }

    /** runc creates the default nodes only when /dev is not a bind mount of the host's. */
    private boolean needsDevSetup() {
        for (Mount m : spec.mounts()) {
            String d = withoutTrailingSlashes(m.destination());
            if (d.equals("/dev") && (MountOptions.parse(m.options()).bind() || "bind".equals(m.type()))) {
                return false;
            }
        }
        return true;
    }

    private record DefaultDevice(String path, int major, int minor) {}

    /**
     * In runc's order (its AllowedDevices list): in a user namespace they are bind mounts, and
     * the order shows in the container's mountinfo.
     */
    private static final List<DefaultDevice> DEFAULT_DEVICES = List.of(
            new DefaultDevice("/dev/null", 1, 3), new DefaultDevice("/dev/random", 1, 8),
            new DefaultDevice("/dev/full", 1, 7), new DefaultDevice("/dev/tty", 5, 0),
            new DefaultDevice("/dev/zero", 1, 5), new DefaultDevice("/dev/urandom", 1, 9));

    private void devices() {
        boolean setup = needsDevSetup();
        if (setup) {
            for (DefaultDevice d : DEFAULT_DEVICES) {
                if (linuxDevice(d.path()) == null) {
                    device(d.path(), S_IFCHR, 0666, d.major(), d.minor(), 0, 0, "default device");
                }
            }
        }
        int i = 0;
        for (Linux.Device d : linux.devices()) {
            int type = switch (d.type()) {
                case "b" -> S_IFBLK;
                case "p" -> S_IFIFO;
                default -> S_IFCHR;
            };
            device(d.path(), type, d.fileMode() == null ? 0666 : d.fileMode(),
                    d.major() == null ? 0 : d.major(), d.minor() == null ? 0 : d.minor(),
                    d.uid() == null ? 0 : d.uid(), d.gid() == null ? 0 : d.gid(),
                    "linux.devices[" + i++ + "]");
        }
        if (setup) {
            symlink("/proc/self/fd", "/dev/fd");
            symlink("/proc/self/fd/0", "/dev/stdin");
            symlink("/proc/self/fd/1", "/dev/stdout");
            symlink("/proc/self/fd/2", "/dev/stderr");
            if (in.host().hasKcore()) {
                symlink("/proc/kcore", "/dev/core");
            }
            symlink("pts/ptmx", "/dev/ptmx");
        }
    }

    private Linux.Device linuxDevice(String path) {
        for (Linux.Device d : linux.devices()) {
            if (d.path().equals(path)) {
                return d;
            }
        }
        return null;
    }

    private void device(String path, int type, int mode, long major, long minor, long uid, long gid,
                        String field) {
        if (anyUserNs && type != S_IFIFO) {
            // mknod is refused in a user namespace: bind the host's node, as runc does
            p.add(Op.MOUNT_IN_ROOT, "bind device " + path + " (" + field + ")").s(path).s(path).s("")
                    .i(MS_BIND).s("").i(2).i(0).i(0).i(0).i(0).s("").done();
            return;
        }
        p.add(Op.MKNOD_IN_ROOT, "create device " + path + " (" + field + ")").s(path)
                .i(type | (mode & 07777)).i(major).i(minor).i(uid).i(gid).done();
    }

    private void symlink(String target, String link) {
        p.add(Op.SYMLINK_IN_ROOT, "link " + link + " -> " + target).s(target).s(link).done();
    }

    // ---- hooks inside the container's namespaces ----

    private void hooksBeforePivot() {
        var hooks = spec.hooks();
        // the seccomp agent gets the container's state, which the executor receives here
        if (hooks.prestart().isEmpty() && hooks.createRuntime().isEmpty()
                && hooks.createContainer().isEmpty() && !listens()) {
            return;
        }
        p.add(Op.SYNC_HOOKS, "run the prestart and createRuntime hooks").done();
        hookSteps(hooks.createContainer(), "createContainer");
    }

    private void hookSteps(List<Hook> hooks, String kind) {
        for (int k = 0; k < hooks.size(); k++) {
            addHook(p, hooks.get(k), kind, k);
        }
    }

    /** A HOOK step; also used for the runtime-namespace hooks the runtime runs through the executor. */
    public static void addHook(SetupProgram prog, Hook h, String kind, int index) {
        String name = kind + " hook #" + index;
        prog.add(Op.HOOK, "run the " + name + " " + h.path()).s(h.path())
                .v(h.args().isEmpty() ? List.of(h.path()) : h.args())
                .v(h.env() == null ? List.of() : h.env())
                .i(h.timeout() == null ? 0 : h.timeout()).s(name).i(h.env() == null ? 1 : 0).done();
    }

    // ---- the process ----

    private void processIdentity() throws SpecException {
        for (int k = 0; k < proc.rlimits().size(); k++) {
            // raising a hard limit needs CAP_SYS_RESOURCE, which a runtime may lack: name the entry
            Process.Rlimit r = proc.rlimits().get(k);
            p.add(Op.RLIMIT, "set " + r.type() + " (process.rlimits[" + k + "])")
                    .i(Rlimits.rlimitNumber(r.type())).i(r.soft()).i(r.hard()).done();
        }
        if (linux.personality() != null) {
            int persona = "LINUX32".equals(linux.personality().domain()) ? PER_LINUX32 : PER_LINUX;
            p.add(Op.PERSONALITY, "set personality " + linux.personality().domain()).i(persona).done();
        }
        scheduling();
        Process.Capabilities caps = proc.capabilities();
        boolean hold = holdsSysAdmin();
        if (caps != null) {
            p.add(Op.CAP_BOUNDING, "drop capabilities from the bounding set")
                    .i(mask(caps.bounding(), "process.capabilities.bounding", true)).done();
        }
        if (caps != null || hold) {
            p.add(Op.KEEPCAPS, "keep capabilities across the uid change").i(1).done();
        }
        if (setgroupsAllowed()) {
            long[] gids = longs(proc.user().additionalGids());
            p.add(Op.SETGROUPS, "set additional groups " + proc.user().additionalGids()).n(gids).done();
        }
        p.add(Op.SETRESGID, "set gid " + proc.user().gid()).i(proc.user().gid()).done();
        p.add(Op.SETRESUID, "set uid " + proc.user().uid()).i(proc.user().uid()).done();
        if (caps == null && hold) {
            // no capabilities asked for, and not root: none once exec'd, CAP_SYS_ADMIN until then
            p.add(Op.KEEPCAPS, "stop keeping capabilities").i(0).done();
            finalInh = -1; // the executor keeps the inheritable set it has
            p.add(Op.CAPS, "hold CAP_SYS_ADMIN until seccomp is loaded").i(1L << CAP_SYS_ADMIN)
                    .i(1L << CAP_SYS_ADMIN).i(-1).done();
        }
        if (caps != null) {
            p.add(Op.KEEPCAPS, "stop keeping capabilities").i(0).done();
            long eff = mask(caps.effective(), "process.capabilities.effective", true);
            long perm = mask(caps.permitted(), "process.capabilities.permitted", true);
            long inh = mask(caps.inheritable(), "process.capabilities.inheritable", true);
            long amb = mask(caps.ambient(), "process.capabilities.ambient", true);
            finalEff = eff;
            finalPerm = perm;
            finalInh = inh;
            if (hold) {
                long admin = 1L << CAP_SYS_ADMIN;
                p.add(Op.CAPS, "set capabilities, holding CAP_SYS_ADMIN until seccomp is loaded")
                        .i(eff | admin).i(perm | admin).i(inh).done();
            } else {
                p.add(Op.CAPS, "set capabilities").i(eff).i(perm).i(inh).done();
            }
            // ambient capabilities that are not both permitted and inheritable are left out, as
            // the kernel requires and runc does silently (its own default spec asks for some)
            if (amb != 0) {
                p.add(Op.AMBIENT, "raise ambient capabilities").i(amb & perm & inh).done();
            }
        }
    }

    /** process.ioPriority and process.scheduler, set while the process still has its capabilities. */
    private void scheduling() throws SpecException {
        Process.IoPriority io = proc.ioPriority();
        if (io != null) {
            int cls = switch (io.ioPriorityClass()) {
                case "IOPRIO_CLASS_RT" -> 1;
                case "IOPRIO_CLASS_BE" -> 2;
                case "IOPRIO_CLASS_IDLE" -> 3;
                default -> throw new SpecException("process.ioPriority.class: unknown class \""
                        + io.ioPriorityClass() + "\"");
            };
            p.add(Op.IOPRIO, "set the I/O priority " + io.ioPriorityClass() + " " + io.priority())
                    .i((long) cls << 13 | io.priority()).done();
        }
        Process.Scheduler s = proc.scheduler();
        if (s != null) {
            int policy = switch (s.policy()) {
                case "SCHED_OTHER" -> 0;
                case "SCHED_FIFO" -> 1;
                case "SCHED_RR" -> 2;
                case "SCHED_BATCH" -> 3;
                case "SCHED_ISO" -> 4;
                case "SCHED_IDLE" -> 5;
                case "SCHED_DEADLINE" -> 6;
                default -> throw new SpecException("process.scheduler.policy: unknown policy \"" + s.policy() + "\"");
            };
            long flags = 0;
            for (String f : s.flags()) {
                flags |= switch (f) {
                    case "SCHED_FLAG_RESET_ON_FORK" -> 0x01;
                    case "SCHED_FLAG_RECLAIM" -> 0x02;
                    case "SCHED_FLAG_DL_OVERRUN" -> 0x04;
                    case "SCHED_FLAG_KEEP_POLICY" -> 0x08;
                    case "SCHED_FLAG_KEEP_PARAMS" -> 0x10;
                    case "SCHED_FLAG_UTIL_CLAMP_MIN" -> 0x20;
                    case "SCHED_FLAG_UTIL_CLAMP_MAX" -> 0x40;
                    default -> throw new SpecException("process.scheduler.flags: unknown flag \"" + f + "\"");
                };
            }
            p.add(Op.SCHED, "set the scheduler " + s.policy()).i(policy).i(flags)
                    .i(s.nice() == null ? 0 : s.nice()).i(s.priority() == null ? 0 : s.priority())
                    .i(s.runtime() == null ? 0 : s.runtime()).i(s.deadline() == null ? 0 : s.deadline())
                    .i(s.period() == null ? 0 : s.period()).done();
        }
    }

    /** Setting groups is refused in a joined user namespace whose setgroups file says "deny". */
    private boolean setgroupsAllowed() {
        Namespace user = linux.namespace("user");
        if (user == null || empty(user.path())) {
            return true;
        }
        Path ns = Path.of(user.path());
        if (ns.getNameCount() == 4 && ns.startsWith("/proc")) { // /proc/<pid>/ns/user
            try {
                return !KernelFiles.read(Path.of("/proc", ns.getName(1).toString(), "setgroups"))
                        .trim().equals("deny");
            } catch (IOException e) {
                return true;
            }
        }
        return true;
    }

    /**
     * The mask of a capability list. A name this runtime does not know, one the kernel does not
     * know, or one outside this runtime's own bounding set (it cannot be granted) is left out with
     * a warning: config.md says such a value MUST be logged as a warning and the runtime SHOULD
     * NOT fail (as runc, which ignores unknown and unavailable capabilities). warn is false when the
     * same list is read a second time.
     */
    private long mask(List<String> names, String field, boolean warn) {
        if (names == null) {
            return 0;
        }
        long m = 0;
        for (int k = 0; k < names.size(); k++) {
            int n = Capabilities.number(names.get(k));
            String why = null;
            if (n < 0) {
                why = "unknown capability \"" + names.get(k) + "\"";
            } else if (n > in.host().capLastCap()) {
                why = names.get(k) + " is not known to this kernel";
            } else if (!newUserNs && (in.host().boundingSet() & (1L << n)) == 0) {
                why = names.get(k) + " is not in this runtime's bounding set (see CapBnd in /proc/self/status)";
            }
            if (why == null) {
                m |= 1L << n;
            } else if (warn) {
                in.warn().accept(field + "[" + k + "]: " + why + "; left out");
            }
        }
        return m;
    }

    /** The dev.hull.landlock annotation, checked against the kernel and the rootfs; null without it. */
    private Landlock.Rules landlockRules() throws SpecException {
        String value = spec.annotations().get(Landlock.ANNOTATION);
        if (value == null) {
            return null;
        }
        Landlock.Rules rules = Landlock.parse(value);
        int abi = in.host().landlockAbiNow();
        if (abi <= 0) {
            throw new SpecException(Landlock.FIELD + ": this kernel has no Landlock ("
                    + (abi == -95 ? "not enabled at boot: add landlock to lsm=" : "landlock_create_ruleset: errno " + -abi) + ")");
        }
        for (String path : rules.paths()) {
            if (!existsInContainer(path)) {
                throw new SpecException(Landlock.FIELD + ": " + path + " does not exist in the rootfs");
            }
        }
        return rules;
    }

    /** In the rootfs, or at or below the destination of one of the config's mounts. */
    private boolean existsInContainer(String path) {
        String clean = withoutTrailingSlashes(path);
        for (Mount m : spec.mounts()) {
            String d = withoutTrailingSlashes(m.destination());
            if (clean.equals(d) || clean.startsWith(d + "/")) {
                return true;
            }
        }
        try {
            return Files.exists(RootfsPaths.resolve(in.rootfs(), path), LinkOption.NOFOLLOW_LINKS);
        } catch (IOException e) {
            return false;
        }
    }

    /** A pty for the process; {@code console}: bind its slave on the container's /dev/console. */
    private void terminal(boolean console) {
        Process.ConsoleSize size = proc.consoleSize();
        p.add(Op.CONSOLE, "set up the terminal").i(proc.user().uid()).i(proc.user().gid())
                .i(size == null ? 0 : size.height()).i(size == null ? 0 : size.width())
                .i(console ? 1 : 0).done();
    }

    private void finish() throws SpecException {
        p.add(Op.CHDIR, "change to process.cwd " + proc.cwd()).s(proc.cwd()).done();
        lastSteps(true);
    }

    /**
     * From no_new_privs to EXEC, shared by create and exec. {@code created}: report CREATED and
     * wait for start (with the startContainer hooks) before the confinements.
     */
    private void lastSteps(boolean created) throws SpecException {
        if (proc.noNewPrivileges()) {
            p.add(Op.NO_NEW_PRIVS, "set no_new_privs (process.noNewPrivileges)").done();
        }
        Long umask = proc.user().umask();
        p.add(Op.UMASK, "set umask").i(umask == null ? 022 : umask).done();
        String path = "";
        for (String e : proc.env()) {
            if (e.startsWith("PATH=")) {
                path = e.substring(5);
            }
        }
        p.add(Op.LOOKUP_EXEC, "find " + proc.args().get(0)).s(proc.args().get(0)).s(path).done();
        p.add(Op.CLOSE_FDS, "close the runtime's file descriptors").i(3 + in.preserveFds()).done();
        if (created) {
            p.add(Op.CREATED, "report the container created").done();
            p.add(Op.WAIT_START, "wait for start").done();
            hookSteps(spec.hooks().startContainer(), "startContainer");
        }
        confineAtExec();
        p.add(Op.EXEC, "exec " + proc.args().get(0)).v(proc.args()).v(environment())
                .i(proc.terminal() ? 1 : 0).done();
    }

    /**
     * Whether a confinement is loaded as the last step before EXEC (after WAIT_START and the
     * startContainer hooks), so that it sees as few of the runtime's own syscalls as possible.
     * Such a confinement needs no_new_privs or CAP_SYS_ADMIN when it is loaded.
     */
    boolean confinesAtExec() {
        return seccomp != null || landlock != null;
    }

    /** A seccomp agent is to receive the listener fd (some rule is SCMP_ACT_NOTIFY). */
    private boolean listens() {
        return seccomp != null && seccomp.notifies();
    }

    /**
     * seccomp(2) and landlock_restrict_self(2) need no_new_privs or CAP_SYS_ADMIN. Without
     * process.noNewPrivileges, a process that would end without CAP_SYS_ADMIN keeps it (effective
     * and permitted) until the filter is loaded, and a last CAPS step sets the configured sets.
     * runc loads the filter before its capset in that case; the profile must allow capset either way.
     */
    private boolean holdsSysAdmin() throws SpecException {
        if (!confinesAtExec() || proc.noNewPrivileges()) {
            return false;
        }
        Process.Capabilities caps = proc.capabilities();
        if (caps == null) {
            return proc.user().uid() != 0; // root keeps every capability; anyone else loses them
        }
        return (mask(caps.effective(), "process.capabilities.effective", false) & (1L << CAP_SYS_ADMIN)) == 0;
    }

    /**
     * The confinements that take effect at exec, after the startContainer hooks (which they must
     * not confine): the LSM label of the program, Landlock, then the seccomp filter, last so that
     * it sees as few of the runtime's syscalls as possible.
     */
    private void confineAtExec() throws SpecException {
        // the descriptions do not name the fields: the executor's errors do, as `start` reports
        // these steps without descriptions
        String profile = proc.apparmorProfile();
        if (!empty(profile) && in.host().apparmor()) {
            // as runc: "exec <profile>" makes the next execve change to the profile
            p.add(Op.LSM_LABEL, "apply AppArmor profile " + profile)
                    .s("apparmor/exec").s("exec " + profile).done();
        }
        if (!empty(proc.selinuxLabel())) {
            p.add(Op.LSM_LABEL, "apply SELinux label " + proc.selinuxLabel())
                    .s("exec").s(proc.selinuxLabel()).done();
        }
        if (landlock != null) {
            p.add(Op.LANDLOCK, "restrict with Landlock").n(landlock.rights())
                    .v(landlock.paths()).done();
        }
        if (seccomp != null) {
            long flags = seccomp.flags();
            String prefix = "";
            if (!seccomp.notifies()) {
                // it concerns the listener only, and seccomp(2) refuses it without one
                flags &= ~SeccompFilter.FLAG_WAIT_KILLABLE_RECV;
            }
            if (seccomp.notifies()) {
                flags |= SeccompFilter.FLAG_NEW_LISTENER;
                if ((flags & SeccompFilter.FLAG_TSYNC) != 0) {
                    flags |= SeccompFilter.FLAG_TSYNC_ESRCH; // TSYNC alone refuses NEW_LISTENER
                }
                prefix = listenerMessagePrefix();
            }
            p.add(Op.SECCOMP, "load the seccomp filter (linux.seccomp)").i(flags).b(seccomp.bpf()).s(prefix).done();
        }
        if (holdsSysAdmin()) {
            p.add(Op.CAPS, "drop CAP_SYS_ADMIN held to load Landlock/seccomp (the profile must allow capset)")
                    .i(finalEff).i(finalPerm).i(finalInh).done();
        }
    }

    /**
     * The start of the containerProcessState (config-linux.md, "seccomp") the agent receives: the
     * executor appends its host pid (from GO), the state it got at SYNC_HOOKS and the closing brace.
     */
    private String listenerMessagePrefix() {
        Map<String, Object> m = new java.util.LinkedHashMap<>();
        m.put("ociVersion", spec.ociVersion());
        m.put("fds", List.of("seccompFd"));
        String meta = linux.seccomp().listenerMetadata();
        if (!empty(meta)) {
            m.put("metadata", meta);
        }
        String json = dev.hull.spec.json.Json.write(m);
        return json.substring(0, json.length() - 1) + ",\"pid\":";
    }

    /** process.env, plus HOME from the rootfs's /etc/passwd when unset (as runc does). */
    private List<String> environment() {
        for (String e : proc.env()) {
            if (e.startsWith("HOME=")) {
                return proc.env();
            }
        }
        List<String> env = new ArrayList<>(proc.env());
        env.add("HOME=" + Passwd.home(in.rootfs(), proc.user().uid()));
        return env;
    }
}
