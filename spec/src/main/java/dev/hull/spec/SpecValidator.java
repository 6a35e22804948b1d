package dev.hull.spec;

import dev.hull.spec.json.Json;
import java.util.List;
import java.util.Map;

/**
 * Semantic checks on a parsed config that do not depend on the host: a config that fails here
 * could never run correctly anywhere, so it is refused before anything is created. Checks that
 * need the host (does the capability exist on this kernel, is the cgroup path free) belong to the
 * runtime.
 *
 * <p>The first failure is thrown; its message is the JSON path of the member, a colon, and a
 * lower-case reason without a trailing period. Values are quoted as JSON strings so that a
 * message stays one line whatever the config contains.
 *
 * <p>The checks accept records built in code as well as parsed ones, so members the parser
 * already requires are checked for null again here.
 */
public final class SpecValidator {
    private static final String[] NAMESPACE_TYPES = {
        "pid", "network", "mount", "ipc", "uts", "user", "cgroup", "time",
    };
    private static final String[] PROPAGATIONS = {
        "private", "rprivate", "slave", "rslave", "shared", "rshared", "unbindable", "runbindable",
    };
    /** The IPC-namespaced sysctls besides fs.mqueue.*, from runc's validator. */
    private static final String[] IPC_SYSCTLS = {
        "kernel.msgmax", "kernel.msgmnb", "kernel.msgmni", "kernel.sem", "kernel.shmall",
        "kernel.shmmax", "kernel.shmmni", "kernel.shm_rmid_forced",
    };
    private static final String[] IO_PRIORITY_CLASSES = {
        "IOPRIO_CLASS_RT", "IOPRIO_CLASS_BE", "IOPRIO_CLASS_IDLE",
    };
    private static final String[] SCHEDULER_POLICIES = {
        "SCHED_OTHER", "SCHED_FIFO", "SCHED_RR", "SCHED_BATCH", "SCHED_ISO", "SCHED_IDLE",
        "SCHED_DEADLINE",
    };

    private SpecValidator() {}

    public static void validate(Spec s) throws SpecException {
        if (s.ociVersion() == null || s.ociVersion().isEmpty()) {
            throw fail("ociVersion", "missing");
        }
        // config.md: ociVersion "MUST be in SemVer v2.0.0 format"; runc takes anything
        if (!isSemVer(s.ociVersion())) {
            throw fail("ociVersion", "must be a SemVer 2.0.0 version, got " + quote(s.ociVersion()));
        }
        // config.md: annotation "Keys MUST NOT be an empty string"
        if (s.annotations().containsKey("")) {
            throw fail("annotations", "a key must not be the empty string");
        }
        root(s.root());
        process(s.process());
        mounts(s.mounts());
        hooks(s.hooks());
        Linux linux = s.linux();
        namespaces(linux.namespaces());
        if (nonEmpty(s.hostname()) && !isNew(linux, "uts")) {
            throw fail("hostname", "setting a hostname needs a new UTS namespace");
        }
        if (nonEmpty(s.domainname()) && !isNew(linux, "uts")) {
            throw fail("domainname", "setting a domainname needs a new UTS namespace");
        }
        idMappings(linux);
        sysctl(linux);
        timeOffsets(linux);
        devices(linux.devices());
        String propagation = linux.rootfsPropagation();
        if (nonEmpty(propagation) && indexOf(PROPAGATIONS, propagation) < 0) {
            throw fail("linux.rootfsPropagation", "unknown propagation " + quote(propagation)
                    + " (expected one of " + String.join(", ", PROPAGATIONS) + ")");
        }
        absolutePaths("linux.maskedPaths", linux.maskedPaths());
        absolutePaths("linux.readonlyPaths", linux.readonlyPaths());
        seccomp(linux.seccomp());
        Linux.Personality personality = linux.personality();
        if (personality != null && personality.domain() != null
                && !personality.domain().equals("LINUX") && !personality.domain().equals("LINUX32")) {
            throw fail("linux.personality.domain", "unknown domain " + quote(personality.domain())
                    + " (expected LINUX or LINUX32)");
        }
    }

    /**
     * config-linux.md "Seccomp": errnoRet/defaultErrnoRet with an action that returns no errno
     * "MUST print and error and fail"; `names` "MUST contain at least one entry";
     * `listenerMetadata` "MUST NOT be set if `listenerPath` is not set". runc accepts all three.
     */
    private static void seccomp(Seccomp sc) throws SpecException {
        if (sc == null) {
            return;
        }
        if (sc.defaultErrnoRet() != null && !takesErrno(sc.defaultAction())) {
            throw fail("linux.seccomp.defaultErrnoRet", "defaultAction " + quote(sc.defaultAction())
                    + " returns no errno");
        }
        if (nonEmpty(sc.listenerMetadata()) && !nonEmpty(sc.listenerPath())) {
            throw fail("linux.seccomp.listenerMetadata", "set without listenerPath");
        }
        if (sc.syscalls() == null) {
            return;
        }
        for (int i = 0; i < sc.syscalls().size(); i++) {
            Seccomp.Syscall rule = sc.syscalls().get(i);
            if (rule.names() == null || rule.names().isEmpty()) {
                throw fail("linux.seccomp.syscalls[" + i + "].names", "must contain at least one name");
            }
            if (rule.errnoRet() != null && !takesErrno(rule.action())) {
                throw fail("linux.seccomp.syscalls[" + i + "].errnoRet", "action " + quote(rule.action())
                        + " returns no errno");
            }
        }
    }

    /** The actions whose errno can be chosen (libseccomp's SCMP_ACT_ERRNO(x), SCMP_ACT_TRACE(x)). */
    private static boolean takesErrno(String action) {
        return "SCMP_ACT_ERRNO".equals(action) || "SCMP_ACT_TRACE".equals(action);
    }

    /**
     * SemVer 2.0.0 without a regex (the validator is on the start path): MAJOR.MINOR.PATCH, numbers
     * without leading zeros, then an optional -pre-release and +build of dot-separated
     * [0-9A-Za-z-] identifiers (numeric pre-release identifiers without leading zeros).
     */
    static boolean isSemVer(String v) {
        int end = v.length();
        int plus = v.indexOf('+');
        if (plus >= 0) {
            if (!identifiers(v, plus + 1, end, false)) {
                return false;
            }
            end = plus;
        }
        int dash = v.indexOf('-');
        if (dash >= 0 && dash < end) {
            if (!identifiers(v, dash + 1, end, true)) {
                return false;
            }
            end = dash;
        }
        int start = 0;
        for (int part = 0; part < 3; part++) {
            int stop = part < 2 ? v.indexOf('.', start) : end;
            if (stop < 0 || stop > end || !number(v, start, stop)) {
                return false;
            }
            start = stop + 1;
        }
        return true;
    }

    private static boolean number(String v, int from, int to) {
        if (from >= to || (v.charAt(from) == '0' && to - from > 1)) {
            return false;
        }
        for (int i = from; i < to; i++) {
            if (v.charAt(i) < '0' || v.charAt(i) > '9') {
                return false;
            }
        }
        return true;
    }

    private static boolean identifiers(String v, int from, int to, boolean preRelease) {
        int start = from;
        while (true) {
            int dot = v.indexOf('.', start);
            int stop = dot < 0 || dot > to ? to : dot;
            if (start >= stop) {
                return false;
            }
            boolean numeric = true;
            for (int i = start; i < stop; i++) {
                char ch = v.charAt(i);
                boolean digit = ch >= '0' && ch <= '9';
                if (!digit && ch != '-' && !(ch >= 'a' && ch <= 'z') && !(ch >= 'A' && ch <= 'Z')) {
                    return false;
                }
                numeric &= digit;
            }
            if (preRelease && numeric && !number(v, start, stop)) {
                return false;
            }
            if (stop == to) {
                return true;
            }
            start = stop + 1;
        }
    }

    /** Same as {@link Rlimits#rlimitNumber}, kept here too for callers that only know the validator. */
    public static int rlimitNumber(String type) {
        return Rlimits.rlimitNumber(type);
    }

    private static void root(Root root) throws SpecException {
        if (root == null) {
            throw fail("root", "missing");
        }
        if (root.path() == null || root.path().isEmpty()) {
            throw fail("root.path", "missing");
        }
    }

    /** The checks of config.json's process, for a process given alone (exec --process). */
    public static void validateProcess(Process p) throws SpecException {
        process(p);
    }

    private static void process(Process p) throws SpecException {
        if (p == null) {
            throw fail("process", "missing");
        }
        if (p.args().isEmpty() || p.args().get(0) == null || p.args().get(0).isEmpty()) {
            throw fail("process.args", "must name a program");
        }
        String why = notAbsolute(p.cwd());
        if (why != null) {
            throw fail("process.cwd", why);
        }
        if (p.user() == null) {
            throw fail("process.user", "missing");
        }
        List<String> env = p.env();
        for (int i = 0; i < env.size(); i++) {
            String e = env.get(i);
            if (e == null) {
                throw fail("process.env[" + i + "]", "missing");
            }
            if (e.indexOf('=') <= 0) {
                throw fail("process.env[" + i + "]", quote(e) + " is not NAME=VALUE");
            }
            if (e.indexOf('\0') >= 0) {
                throw fail("process.env[" + i + "]", quote(e) + " contains a NUL character");
            }
        }
        Process.Capabilities caps = p.capabilities();
        if (caps != null) {
            // capability names are not checked here: an unknown one is a warning, not an error
            // (config.md: MUST be logged as a warning, SHOULD NOT fail); ProgramCompiler warns
        }
        rlimits(p.rlimits());
        if (p.oomScoreAdj() != null && (p.oomScoreAdj() < -1000 || p.oomScoreAdj() > 1000)) {
            throw fail("process.oomScoreAdj", "must be between -1000 and 1000, got "
                    + p.oomScoreAdj());
        }
        Process.IoPriority io = p.ioPriority();
        if (io != null) {
            if (indexOf(IO_PRIORITY_CLASSES, io.ioPriorityClass()) < 0) {
                throw fail("process.ioPriority.class", "unknown class " + quote(io.ioPriorityClass())
                        + " (expected one of " + String.join(", ", IO_PRIORITY_CLASSES) + ")");
            }
            if (io.priority() < 0 || io.priority() > 7) {
                throw fail("process.ioPriority.priority", "must be between 0 and 7, got "
                        + io.priority());
            }
        }
        Process.Scheduler sched = p.scheduler();
        if (sched != null) {
            if (indexOf(SCHEDULER_POLICIES, sched.policy()) < 0) {
                throw fail("process.scheduler.policy", "unknown policy " + quote(sched.policy())
                        + " (expected one of " + String.join(", ", SCHEDULER_POLICIES) + ")");
            }
            if (sched.nice() != null && (sched.nice() < -20 || sched.nice() > 19)) {
                throw fail("process.scheduler.nice", "must be between -20 and 19, got "
                        + sched.nice());
            }
        }
    }

    private static void rlimits(List<Process.Rlimit> rlimits) throws SpecException {
        long seen = 0; // bit per rlimit number: there are only 16
        for (int i = 0; i < rlimits.size(); i++) {
            Process.Rlimit r = rlimits.get(i);
            if (r.type() == null) {
                throw fail("process.rlimits[" + i + "].type", "missing");
            }
            int number = Rlimits.rlimitNumber(r.type());
            if (number < 0) {
                throw fail("process.rlimits[" + i + "].type", "unknown rlimit type "
                        + quote(r.type()));
            }
            if ((seen & (1L << number)) != 0) {
                throw fail("process.rlimits[" + i + "].type", "duplicate rlimit type "
                        + quote(r.type()));
            }
            seen |= 1L << number;
            // uint64: RLIM_INFINITY is -1L here, and must compare as the largest value.
            if (Long.compareUnsigned(r.soft(), r.hard()) > 0) {
                throw fail("process.rlimits[" + i + "]", "soft limit " + Long.toUnsignedString(r.soft())
                        + " is above hard limit " + Long.toUnsignedString(r.hard()));
            }
        }
    }

    private static void mounts(List<Mount> mounts) throws SpecException {
        for (int i = 0; i < mounts.size(); i++) {
            Mount m = mounts.get(i);
            String why = notAbsolute(m.destination());
            if (why != null) {
                throw fail("mounts[" + i + "].destination", why);
            }
            int bad = zeroSize(m.uidMappings());
            if (bad >= 0) {
                throw fail("mounts[" + i + "].uidMappings[" + bad + "].size", "must be greater than 0");
            }
            bad = zeroSize(m.gidMappings());
            if (bad >= 0) {
                throw fail("mounts[" + i + "].gidMappings[" + bad + "].size", "must be greater than 0");
            }
        }
    }

    private static void hooks(Hooks h) throws SpecException {
        hookList("hooks.prestart", h.prestart());
        hookList("hooks.createRuntime", h.createRuntime());
        hookList("hooks.createContainer", h.createContainer());
        hookList("hooks.startContainer", h.startContainer());
        hookList("hooks.poststart", h.poststart());
        hookList("hooks.poststop", h.poststop());
    }

    private static void hookList(String at, List<Hooks.Hook> hooks) throws SpecException {
        for (int i = 0; i < hooks.size(); i++) {
            Hooks.Hook h = hooks.get(i);
            String why = notAbsolute(h.path());
            if (why != null) {
                throw fail(at + "[" + i + "].path", why);
            }
            if (h.timeout() != null && h.timeout() <= 0) {
                throw fail(at + "[" + i + "].timeout", "must be greater than 0, got " + h.timeout());
            }
        }
    }

    private static void namespaces(List<Linux.Namespace> namespaces) throws SpecException {
        int seen = 0;
        for (int i = 0; i < namespaces.size(); i++) {
            Linux.Namespace ns = namespaces.get(i);
            if (ns.type() == null) {
                throw fail("linux.namespaces[" + i + "].type", "missing");
            }
            int t = indexOf(NAMESPACE_TYPES, ns.type());
            if (t < 0) {
                throw fail("linux.namespaces[" + i + "].type", "unknown namespace type " + quote(ns.type())
                        + " (expected one of " + String.join(", ", NAMESPACE_TYPES) + ")");
            }
            if ((seen & (1 << t)) != 0) {
                throw fail("linux.namespaces", "duplicate namespace type " + quote(ns.type()));
            }
            seen |= 1 << t;
            if (ns.path() != null && !ns.path().startsWith("/")) {
                throw fail("linux.namespaces[" + i + "].path", "must be an absolute path, got "
                        + quote(ns.path()));
            }
        }
        // Hull never mounts anything in the namespace it was started in.
        if ((seen & (1 << indexOf(NAMESPACE_TYPES, "mount"))) == 0) {
            throw fail("linux.namespaces", "a mount namespace is required");
        }
    }

    private static void idMappings(Linux linux) throws SpecException {
        Linux.Namespace user = linux.namespace("user");
        if (user == null) {
            if (!linux.uidMappings().isEmpty()) {
                throw fail("linux.uidMappings", "uid mappings need a user namespace");
            }
            if (!linux.gidMappings().isEmpty()) {
                throw fail("linux.gidMappings", "gid mappings need a user namespace");
            }
        } else if (isNew(user)) {
            // A joined user namespace already has its mappings; a new one is useless without.
            if (linux.uidMappings().isEmpty()) {
                throw fail("linux.uidMappings", "a new user namespace needs uid mappings");
            }
            if (linux.gidMappings().isEmpty()) {
                throw fail("linux.gidMappings", "a new user namespace needs gid mappings");
            }
        }
        int bad = zeroSize(linux.uidMappings());
        if (bad >= 0) {
            throw fail("linux.uidMappings[" + bad + "].size", "must be greater than 0");
        }
        bad = zeroSize(linux.gidMappings());
        if (bad >= 0) {
            throw fail("linux.gidMappings[" + bad + "].size", "must be greater than 0");
        }
    }

    /** Index of the first empty mapping, or -1. */
    private static int zeroSize(List<IdMapping> mappings) {
        for (int i = 0; i < mappings.size(); i++) {
            if (mappings.get(i).size() == 0) {
                return i;
            }
        }
        return -1;
    }

    /**
     * Only sysctls that the kernel scopes to a namespace the container owns may be set: anything
     * else would change the host. The classification is runc's; keys may use '/' for '.'.
     */
    private static void sysctl(Linux linux) throws SpecException {
        for (String key : linux.sysctl().keySet()) {
            String k = key.replace('/', '.');
            if (indexOf(IPC_SYSCTLS, k) >= 0 || k.startsWith("fs.mqueue.")) {
                if (!isNew(linux, "ipc")) {
                    throw fail("linux.sysctl", quote(key) + " needs a new IPC namespace");
                }
            } else if (k.startsWith("net.")) {
                if (linux.namespace("network") == null) {
                    throw fail("linux.sysctl", quote(key) + " needs a network namespace");
                }
            } else if (k.equals("kernel.hostname") || k.equals("kernel.domainname")) {
                if (!isNew(linux, "uts")) {
                    throw fail("linux.sysctl", quote(key) + " needs a new UTS namespace");
                }
            } else {
                throw fail("linux.sysctl", quote(key)
                        + " is not namespaced: it would change the host");
            }
        }
    }

    private static void timeOffsets(Linux linux) throws SpecException {
        Map<String, Linux.TimeOffset> offsets = linux.timeOffsets();
        if (offsets.isEmpty()) {
            return;
        }
        for (Map.Entry<String, Linux.TimeOffset> e : offsets.entrySet()) {
            String clock = e.getKey();
            if (!clock.equals("monotonic") && !clock.equals("boottime")) {
                throw fail("linux.timeOffsets", "unknown clock " + quote(clock)
                        + " (expected monotonic or boottime)");
            }
            long nanos = e.getValue().nanosecs();
            if (nanos < 0 || nanos > 999_999_999) {
                throw fail("linux.timeOffsets[" + quote(clock) + "].nanosecs",
                        "must be between 0 and 999999999, got " + nanos);
            }
        }
        // Offsets can only be written before the first process enters a new time namespace.
        if (!isNew(linux, "time")) {
            throw fail("linux.timeOffsets", "time offsets need a new time namespace");
        }
    }

    private static void devices(List<Linux.Device> devices) throws SpecException {
        for (int i = 0; i < devices.size(); i++) {
            Linux.Device d = devices.get(i);
            if (d.type() == null) {
                throw fail("linux.devices[" + i + "].type", "missing");
            }
            boolean numbered;
            switch (d.type()) {
                case "c", "b", "u" -> numbered = true;
                case "p" -> numbered = false;
                default -> throw fail("linux.devices[" + i + "].type", "unknown device type "
                        + quote(d.type()) + " (expected one of c, b, u, p)");
            }
            String why = notAbsolute(d.path());
            if (why != null) {
                throw fail("linux.devices[" + i + "].path", why);
            }
            if (numbered && d.major() == null) {
                throw fail("linux.devices[" + i + "].major", "missing");
            }
            if (numbered && d.minor() == null) {
                throw fail("linux.devices[" + i + "].minor", "missing");
            }
            Integer mode = d.fileMode();
            if (mode != null && (mode < 0 || mode > 07777)) {
                throw fail("linux.devices[" + i + "].fileMode", "must be between 0 and 07777 (octal), got 0"
                        + Integer.toOctalString(mode));
            }
        }
    }

    private static void absolutePaths(String at, List<String> paths) throws SpecException {
        for (int i = 0; i < paths.size(); i++) {
            String why = notAbsolute(paths.get(i));
            if (why != null) {
                throw fail(at + "[" + i + "]", why);
            }
        }
    }

    /**
     * Why a path is not absolute, or null if it is. Callers build the member's path only on
     * failure: string concatenation bootstraps method handles, which costs start-up time.
     */
    private static String notAbsolute(String path) {
        if (path == null || path.isEmpty()) {
            return "missing";
        }
        if (!path.startsWith("/")) {
            return "must be an absolute path, got " + quote(path);
        }
        return null;
    }

    /** Whether the config asks for a new (not joined) namespace of this type. */
    private static boolean isNew(Linux linux, String type) {
        Linux.Namespace ns = linux.namespace(type);
        return ns != null && isNew(ns);
    }

    private static boolean isNew(Linux.Namespace ns) {
        return ns.path() == null || ns.path().isEmpty();
    }

    private static boolean nonEmpty(String s) {
        return s != null && !s.isEmpty();
    }

    private static int indexOf(String[] names, String name) {
        for (int i = 0; i < names.length; i++) {
            if (names[i].equals(name)) {
                return i;
            }
        }
        return -1;
    }

    private static String quote(String s) {
        return Json.write(s);
    }

    private static SpecException fail(String path, String reason) {
        return new SpecException(path + ": " + reason);
    }
}
