package dev.hull.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hull.spec.json.Json;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * One test per rule, each asserting the exact message. Configs start from a minimal valid one,
 * are changed as JSON trees, then go through the parser too; members the parser already refuses
 * to leave out are tested with records built in code.
 */
class SpecValidatorTest {

    private static final String BASE = """
            {
              "ociVersion": "1.2.0",
              "root": {"path": "rootfs"},
              "process": {"args": ["sh"], "cwd": "/", "user": {"uid": 0, "gid": 0},
                          "env": ["PATH=/bin", "TERM=xterm"]},
              "linux": {"namespaces": [{"type": "mount"}, {"type": "pid"}]}
            }
            """;

    @SuppressWarnings("unchecked")
    private static Map<String, Object> config() throws Exception {
        return (Map<String, Object>) Json.parse(BASE);
    }

    /** The object at {@code path} under {@code m}, created if absent. */
    @SuppressWarnings("unchecked")
    private static Map<String, Object> at(Map<String, Object> m, String... path) {
        for (String key : path) {
            m = (Map<String, Object>) m.computeIfAbsent(key, k -> new LinkedHashMap<String, Object>());
        }
        return m;
    }

    private static Map<String, Object> map(Object... keysAndValues) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            m.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return m;
    }

    /** Namespaces list: "type" for a new one, "type=/path" to join one. */
    private static List<Object> namespaces(String... specs) {
        List<Object> out = new ArrayList<>();
        for (String s : specs) {
            int eq = s.indexOf('=');
            out.add(eq < 0 ? map("type", s) : map("type", s.substring(0, eq), "path", s.substring(eq + 1)));
        }
        return out;
    }

    private static void setNamespaces(Map<String, Object> c, String... specs) {
        at(c, "linux").put("namespaces", namespaces(specs));
    }

    private static List<Object> mapping(long containerId, long hostId, long size) {
        return List.of(map("containerID", containerId, "hostID", hostId, "size", size));
    }

    private static Spec spec(Map<String, Object> c) throws SpecException {
        return SpecParser.parse(Json.write(c).getBytes(StandardCharsets.UTF_8));
    }

    private static String error(Map<String, Object> c) throws SpecException {
        Spec s = spec(c);
        String message = assertThrows(SpecException.class, () -> SpecValidator.validate(s)).getMessage();
        assertFalse(message.contains("\n"), message);
        return message;
    }

    private static String error(Spec s) {
        return assertThrows(SpecException.class, () -> SpecValidator.validate(s)).getMessage();
    }

    private static void valid(Map<String, Object> c) throws SpecException {
        SpecValidator.validate(spec(c));
    }

    private static Spec base() throws Exception {
        return spec(config());
    }

    private static Spec withMounts(Spec s, List<Mount> mounts) {
        return new Spec(s.ociVersion(), s.process(), s.root(), s.hostname(), s.domainname(), mounts,
                s.hooks(), s.annotations(), s.linux());
    }

    private static Spec withHooks(Spec s, Hooks hooks) {
        return new Spec(s.ociVersion(), s.process(), s.root(), s.hostname(), s.domainname(),
                s.mounts(), hooks, s.annotations(), s.linux());
    }

    private static Spec withLinux(Spec s, List<Linux.Namespace> namespaces, List<Linux.Device> devices) {
        return new Spec(s.ociVersion(), s.process(), s.root(), s.hostname(), s.domainname(),
                s.mounts(), s.hooks(), s.annotations(), new Linux(null, null, null, null, null, null,
                        namespaces, devices, null, null, null, null, null, null));
    }

    // ------------------------------------------------------------------------------------------

    @Test
    void baseConfigIsValid() throws Exception {
        valid(config());
    }

    @Test
    void firstFailureWins() throws Exception {
        Map<String, Object> c = config();
        c.remove("ociVersion");
        c.remove("root");
        assertEquals("ociVersion: missing", error(c));
    }

    @Test
    void ociVersionIsSemVer() throws Exception {
        for (String ok : new String[] {"1.0.0", "1.2.0", "0.1.0", "1.0.2-dev", "1.0.0-rc.1+build.5", "10.20.30"}) {
            assertTrue(SpecValidator.isSemVer(ok), ok);
        }
        for (String bad : new String[] {"1", "1.0", "01.0.0", "1.0.0-", "1.0.0+", "1.0.0-01", "a.b.c", "1.0.0.0", "1..0"}) {
            assertFalse(SpecValidator.isSemVer(bad), bad);
        }
        Map<String, Object> c = config();
        c.put("ociVersion", "foo");
        assertEquals("ociVersion: must be a SemVer 2.0.0 version, got \"foo\"", error(c));
    }

    @Test
    void ociVersionIsRequired() throws Exception {
        Map<String, Object> c = config();
        c.remove("ociVersion");
        assertEquals("ociVersion: missing", error(c));
        c.put("ociVersion", "");
        assertEquals("ociVersion: missing", error(c));
    }

    @Test
    void rootAndRootPathAreRequired() throws Exception {
        Map<String, Object> c = config();
        c.remove("root");
        assertEquals("root: missing", error(c));
        c.put("root", map());
        assertEquals("root.path: missing", error(c));
        c.put("root", map("path", ""));
        assertEquals("root.path: missing", error(c));
    }

    @Test
    void processIsRequired() throws Exception {
        Map<String, Object> c = config();
        c.remove("process");
        assertEquals("process: missing", error(c));
    }

    @Test
    void processArgsMustNameAProgram() throws Exception {
        Map<String, Object> c = config();
        at(c, "process").put("args", List.of());
        assertEquals("process.args: must name a program", error(c));
        at(c, "process").remove("args");
        assertEquals("process.args: must name a program", error(c));
        at(c, "process").put("args", List.of("", "x"));
        assertEquals("process.args: must name a program", error(c));
    }

    @Test
    void processCwdIsRequiredAndAbsolute() throws Exception {
        Map<String, Object> c = config();
        at(c, "process").remove("cwd");
        assertEquals("process.cwd: missing", error(c));
        at(c, "process").put("cwd", "tmp");
        assertEquals("process.cwd: must be an absolute path, got \"tmp\"", error(c));
    }

    @Test
    void processUserIsRequired() throws Exception {
        Map<String, Object> c = config();
        at(c, "process").remove("user");
        assertEquals("process.user: missing", error(c));
    }

    @Test
    void envEntriesAreNameEqualsValue() throws Exception {
        Map<String, Object> c = config();
        at(c, "process").put("env", List.of("PATH=/bin", "TERM=xterm", "FOO"));
        assertEquals("process.env[2]: \"FOO\" is not NAME=VALUE", error(c));
        at(c, "process").put("env", List.of("=x"));
        assertEquals("process.env[0]: \"=x\" is not NAME=VALUE", error(c));
        at(c, "process").put("env", List.of("A=1", "B=b\0c"));
        assertEquals("process.env[1]: \"B=b\\u0000c\" contains a NUL character", error(c));
        // a value may be empty or contain '='; the message stays one line whatever the entry
        at(c, "process").put("env", List.of("A=", "B==x=y"));
        valid(c);
        at(c, "process").put("env", List.of("FOO\nBAR"));
        assertEquals("process.env[0]: \"FOO\\nBAR\" is not NAME=VALUE", error(c));
    }

    @Test
    void unknownCapabilitiesAreNotTheValidatorsBusiness() throws Exception {
        // config.md: a value that cannot be mapped MUST be logged as a warning, SHOULD NOT fail
        Map<String, Object> c = config();
        at(c, "process", "capabilities").put("bounding", List.of("CAP_KILL", "CAP_FOO"));
        at(c, "process", "capabilities").put("ambient", List.of("kill"));
        valid(c);
    }

    private static Map<String, Object> rlimit(String type, Object hard, Object soft) {
        return map("type", type, "hard", hard, "soft", soft);
    }

    @Test
    void rlimitTypesMustBeKnown() throws Exception {
        Map<String, Object> c = config();
        at(c, "process").put("rlimits", List.of(rlimit("RLIMIT_FOO", 1, 1)));
        assertEquals("process.rlimits[0].type: unknown rlimit type \"RLIMIT_FOO\"", error(c));
        List<Object> all = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            all.add(rlimit(Rlimits.name(i), 10, 5));
        }
        at(c, "process").put("rlimits", all);
        valid(c);
    }

    @Test
    void rlimitTypesMustNotRepeat() throws Exception {
        Map<String, Object> c = config();
        at(c, "process").put("rlimits", List.of(rlimit("RLIMIT_NOFILE", 1024, 1024),
                rlimit("RLIMIT_CORE", 0, 0), rlimit("RLIMIT_NOFILE", 4096, 4096)));
        assertEquals("process.rlimits[2].type: duplicate rlimit type \"RLIMIT_NOFILE\"", error(c));
    }

    @Test
    void rlimitSoftMustNotExceedHardComparedUnsigned() throws Exception {
        Map<String, Object> c = config();
        at(c, "process").put("rlimits", List.of(rlimit("RLIMIT_NOFILE", 1024, 2048)));
        assertEquals("process.rlimits[0]: soft limit 2048 is above hard limit 1024", error(c));
        // soft unlimited (-1L when read signed) is the largest value, not the smallest
        at(c, "process").put("rlimits", List.of(rlimit("RLIMIT_NOFILE", 1024,
                new java.math.BigInteger("18446744073709551615"))));
        assertEquals("process.rlimits[0]: soft limit 18446744073709551615 is above hard limit 1024",
                error(c));
        at(c, "process").put("rlimits", List.of(rlimit("RLIMIT_NOFILE",
                new java.math.BigInteger("18446744073709551615"), 1024)));
        valid(c);
        at(c, "process").put("rlimits", List.of(rlimit("RLIMIT_NOFILE",
                new java.math.BigInteger("9223372036854775808"), Long.MAX_VALUE)));
        valid(c);
        at(c, "process").put("rlimits", List.of(rlimit("RLIMIT_NOFILE", 7, 7)));
        valid(c);
    }

    @Test
    void oomScoreAdjRange() throws Exception {
        Map<String, Object> c = config();
        at(c, "process").put("oomScoreAdj", 1001);
        assertEquals("process.oomScoreAdj: must be between -1000 and 1000, got 1001", error(c));
        at(c, "process").put("oomScoreAdj", -1001);
        assertEquals("process.oomScoreAdj: must be between -1000 and 1000, got -1001", error(c));
        at(c, "process").put("oomScoreAdj", -1000);
        valid(c);
        at(c, "process").put("oomScoreAdj", 1000);
        valid(c);
    }

    @Test
    void terminalWithConsoleSizeIsFine() throws Exception {
        Map<String, Object> c = config();
        at(c, "process").put("terminal", true);
        at(c, "process").put("consoleSize", map("height", 24, "width", 80));
        valid(c);
    }

    @Test
    void ioPriority() throws Exception {
        Map<String, Object> c = config();
        at(c, "process").put("ioPriority", map("class", "IOPRIO_CLASS_NONE", "priority", 0));
        assertEquals("process.ioPriority.class: unknown class \"IOPRIO_CLASS_NONE\" (expected one of "
                + "IOPRIO_CLASS_RT, IOPRIO_CLASS_BE, IOPRIO_CLASS_IDLE)", error(c));
        at(c, "process").put("ioPriority", map("class", "IOPRIO_CLASS_RT", "priority", 8));
        assertEquals("process.ioPriority.priority: must be between 0 and 7, got 8", error(c));
        at(c, "process").put("ioPriority", map("class", "IOPRIO_CLASS_IDLE", "priority", 7));
        valid(c);
    }

    @Test
    void scheduler() throws Exception {
        Map<String, Object> c = config();
        at(c, "process").put("scheduler", map("policy", "SCHED_NORMAL"));
        assertEquals("process.scheduler.policy: unknown policy \"SCHED_NORMAL\" (expected one of "
                + "SCHED_OTHER, SCHED_FIFO, SCHED_RR, SCHED_BATCH, SCHED_ISO, SCHED_IDLE, "
                + "SCHED_DEADLINE)", error(c));
        at(c, "process").put("scheduler", map("policy", "SCHED_OTHER", "nice", 20));
        assertEquals("process.scheduler.nice: must be between -20 and 19, got 20", error(c));
        at(c, "process").put("scheduler", map("policy", "SCHED_BATCH", "nice", -20));
        valid(c);
    }

    @Test
    void mountDestinationsAreAbsolute() throws Exception {
        Map<String, Object> c = config();
        // a relative destination is relative to "/" (config.md, Linux): the parser makes it so
        c.put("mounts", List.of(map("destination", "/dev", "type", "tmpfs", "source", "tmpfs"),
                map("destination", "proc", "type", "proc", "source", "proc")));
        valid(c);
        assertEquals("mounts[1].destination: must be an absolute path, got \"proc\"",
                error(withMounts(base(), List.of(new Mount("/dev", "tmpfs", "tmpfs", null, null, null),
                        new Mount("proc", "proc", "proc", null, null, null)))));
        // type and source may be absent, as for a bind mount given only by options
        c.put("mounts", List.of(map("destination", "/data", "options", List.of("bind"))));
        valid(c);
        assertEquals("mounts[0].destination: missing",
                error(withMounts(base(), List.of(new Mount(null, "proc", "proc", null, null, null)))));
    }

    @Test
    void mountIdMappingsMustNotBeEmpty() throws Exception {
        Map<String, Object> c = config();
        c.put("mounts", List.of(map("destination", "/data", "uidMappings", mapping(0, 1000, 1),
                "gidMappings", mapping(0, 1000, 0))));
        assertEquals("mounts[0].gidMappings[0].size: must be greater than 0", error(c));
    }

    @Test
    void namespaceTypesMustBeKnown() throws Exception {
        Map<String, Object> c = config();
        setNamespaces(c, "mount", "pid", "ipc", "foo");
        assertEquals("linux.namespaces[3].type: unknown namespace type \"foo\" (expected one of pid, "
                + "network, mount, ipc, uts, user, cgroup, time)", error(c));
        assertEquals("linux.namespaces[0].type: missing", error(withLinux(base(),
                List.of(new Linux.Namespace(null, null)), null)));
    }

    @Test
    void namespaceTypesMustNotRepeat() throws Exception {
        Map<String, Object> c = config();
        setNamespaces(c, "mount", "pid", "ipc", "pid=/proc/1/ns/pid");
        assertEquals("linux.namespaces: duplicate namespace type \"pid\"", error(c));
    }

    @Test
    void namespacePathsAreAbsolute() throws Exception {
        Map<String, Object> c = config();
        setNamespaces(c, "mount", "network=proc/1/ns/net");
        assertEquals("linux.namespaces[1].path: must be an absolute path, got \"proc/1/ns/net\"",
                error(c));
    }

    @Test
    void aMountNamespaceIsRequired() throws Exception {
        Map<String, Object> c = config();
        setNamespaces(c, "pid", "network");
        assertEquals("linux.namespaces: a mount namespace is required", error(c));
        c.remove("linux");
        assertEquals("linux.namespaces: a mount namespace is required", error(c));
        setNamespaces(c, "mount=/proc/42/ns/mnt");
        valid(c);
    }

    @Test
    void everyNamespaceTypeTogetherIsValid() throws Exception {
        Map<String, Object> c = config();
        setNamespaces(c, "pid", "network", "mount", "ipc", "uts", "user", "cgroup", "time");
        at(c, "linux").put("uidMappings", mapping(0, 100000, 65536));
        at(c, "linux").put("gidMappings", mapping(0, 100000, 65536));
        valid(c);
    }

    @Test
    void idMappingsNeedAUserNamespace() throws Exception {
        Map<String, Object> c = config();
        at(c, "linux").put("uidMappings", mapping(0, 1000, 1));
        assertEquals("linux.uidMappings: uid mappings need a user namespace", error(c));
        at(c, "linux").remove("uidMappings");
        at(c, "linux").put("gidMappings", mapping(0, 1000, 1));
        assertEquals("linux.gidMappings: gid mappings need a user namespace", error(c));
    }

    @Test
    void aNewUserNamespaceNeedsMappings() throws Exception {
        Map<String, Object> c = config();
        setNamespaces(c, "mount", "user");
        assertEquals("linux.uidMappings: a new user namespace needs uid mappings", error(c));
        at(c, "linux").put("uidMappings", mapping(0, 1000, 1));
        assertEquals("linux.gidMappings: a new user namespace needs gid mappings", error(c));
        at(c, "linux").put("gidMappings", mapping(0, 1000, 1));
        valid(c);
        // a joined user namespace already has its mappings
        c = config();
        setNamespaces(c, "mount", "user=/proc/42/ns/user");
        valid(c);
    }

    @Test
    void mappingSizesMustBePositive() throws Exception {
        Map<String, Object> c = config();
        setNamespaces(c, "mount", "user");
        List<Object> uids = new ArrayList<>(mapping(0, 1000, 1));
        uids.add(map("containerID", 1, "hostID", 100000, "size", 0));
        at(c, "linux").put("uidMappings", uids);
        at(c, "linux").put("gidMappings", mapping(0, 1000, 1));
        assertEquals("linux.uidMappings[1].size: must be greater than 0", error(c));
        at(c, "linux").put("uidMappings", mapping(0, 1000, 1));
        at(c, "linux").put("gidMappings", mapping(0, 1000, 0));
        assertEquals("linux.gidMappings[0].size: must be greater than 0", error(c));
    }

    @Test
    void hostnameNeedsANewUtsNamespace() throws Exception {
        Map<String, Object> c = config();
        c.put("hostname", "box");
        assertEquals("hostname: setting a hostname needs a new UTS namespace", error(c));
        setNamespaces(c, "mount", "uts=/proc/1/ns/uts");
        assertEquals("hostname: setting a hostname needs a new UTS namespace", error(c));
        setNamespaces(c, "mount", "uts");
        valid(c);
        c = config();
        c.put("hostname", "");
        valid(c);
    }

    @Test
    void domainnameNeedsANewUtsNamespace() throws Exception {
        Map<String, Object> c = config();
        c.put("domainname", "example.org");
        assertEquals("domainname: setting a domainname needs a new UTS namespace", error(c));
        setNamespaces(c, "mount", "uts");
        valid(c);
    }

    private static String sysctlError(String key, String... namespaces) throws Exception {
        Map<String, Object> c = config();
        setNamespaces(c, namespaces);
        at(c, "linux", "sysctl").put(key, "1");
        return error(c);
    }

    private static void sysctlValid(String key, String... namespaces) throws Exception {
        Map<String, Object> c = config();
        setNamespaces(c, namespaces);
        at(c, "linux", "sysctl").put(key, "1");
        valid(c);
    }

    @ParameterizedTest
    @ValueSource(strings = {"kernel.msgmax", "kernel.msgmnb", "kernel.msgmni", "kernel.sem",
        "kernel.shmall", "kernel.shmmax", "kernel.shmmni", "kernel.shm_rmid_forced",
        "fs.mqueue.msg_max", "fs.mqueue.queues_max", "kernel/shmmax", "fs/mqueue/msgsize_max"})
    void ipcSysctlsNeedANewIpcNamespace(String key) throws Exception {
        assertEquals("linux.sysctl: \"" + key + "\" needs a new IPC namespace", sysctlError(key, "mount"));
        assertEquals("linux.sysctl: \"" + key + "\" needs a new IPC namespace",
                sysctlError(key, "mount", "ipc=/proc/1/ns/ipc"));
        sysctlValid(key, "mount", "ipc");
    }

    @ParameterizedTest
    @ValueSource(strings = {"net.ipv4.ip_forward", "net.core.somaxconn", "net/ipv4/ip_forward"})
    void netSysctlsNeedANetworkNamespace(String key) throws Exception {
        assertEquals("linux.sysctl: \"" + key + "\" needs a network namespace",
                sysctlError(key, "mount", "ipc", "uts"));
        sysctlValid(key, "mount", "network");
        sysctlValid(key, "mount", "network=/var/run/netns/x");
    }

    @ParameterizedTest
    @ValueSource(strings = {"kernel.hostname", "kernel.domainname", "kernel/domainname"})
    void utsSysctlsNeedANewUtsNamespace(String key) throws Exception {
        assertEquals("linux.sysctl: \"" + key + "\" needs a new UTS namespace",
                sysctlError(key, "mount", "ipc", "network"));
        sysctlValid(key, "mount", "uts");
    }

    @ParameterizedTest
    @ValueSource(strings = {"vm.swappiness", "kernel.pid_max", "kernel.msgmax2", "fs.file-max",
        "kernel.shm", "vm/swappiness", "network.x", "fs.mqueue"})
    void otherSysctlsWouldChangeTheHost(String key) throws Exception {
        assertEquals("linux.sysctl: \"" + key + "\" is not namespaced: it would change the host",
                sysctlError(key, "mount", "pid", "network", "ipc", "uts", "cgroup"));
    }

    @Test
    void rootfsPropagation() throws Exception {
        Map<String, Object> c = config();
        at(c, "linux").put("rootfsPropagation", "foo");
        assertEquals("linux.rootfsPropagation: unknown propagation \"foo\" (expected one of private, "
                + "rprivate, slave, rslave, shared, rshared, unbindable, runbindable)", error(c));
        for (String p : List.of("", "private", "rprivate", "slave", "rslave", "shared", "rshared",
                "unbindable", "runbindable")) {
            at(c, "linux").put("rootfsPropagation", p);
            valid(c);
        }
    }

    private static String deviceError(Map<String, Object> device) throws Exception {
        Map<String, Object> c = config();
        at(c, "linux").put("devices", List.of(device));
        return error(c);
    }

    @Test
    void deviceTypes() throws Exception {
        assertEquals("linux.devices[0].type: unknown device type \"x\" (expected one of c, b, u, p)",
                deviceError(map("type", "x", "path", "/dev/x", "major", 1, "minor", 1)));
        assertEquals("linux.devices[0].type: missing",
                error(withLinux(base(), List.of(new Linux.Namespace("mount", null)),
                        List.of(new Linux.Device(null, "/dev/x", 1L, 1L, null, null, null)))));
    }

    @Test
    void devicePathsAreAbsolute() throws Exception {
        assertEquals("linux.devices[0].path: must be an absolute path, got \"dev/null\"",
                deviceError(map("type", "c", "path", "dev/null", "major", 1, "minor", 3)));
    }

    @Test
    void numberedDevicesNeedMajorAndMinor() throws Exception {
        assertEquals("linux.devices[0].major: missing",
                deviceError(map("type", "c", "path", "/dev/null", "minor", 3)));
        assertEquals("linux.devices[0].minor: missing",
                deviceError(map("type", "b", "path", "/dev/sda", "major", 8)));
        assertEquals("linux.devices[0].major: missing",
                deviceError(map("type", "u", "path", "/dev/u")));
        Map<String, Object> c = config();
        at(c, "linux").put("devices", List.of(map("type", "p", "path", "/dev/fifo"),
                map("type", "u", "path", "/dev/u", "major", 5, "minor", 0, "fileMode", 07777)));
        valid(c);
    }

    @Test
    void deviceFileModeIsAPermissionMode() throws Exception {
        assertEquals("linux.devices[0].fileMode: must be between 0 and 07777 (octal), got 010000",
                deviceError(map("type", "c", "path", "/dev/null", "major", 1, "minor", 3,
                        "fileMode", 010000)));
        assertEquals("linux.devices[0].fileMode: must be between 0 and 07777 (octal), got 0100666",
                deviceError(map("type", "c", "path", "/dev/null", "major", 1, "minor", 3,
                        "fileMode", 0100666)));
    }

    @Test
    void maskedAndReadonlyPathsAreAbsolute() throws Exception {
        Map<String, Object> c = config();
        at(c, "linux").put("maskedPaths", List.of("/proc/kcore", "proc/keys"));
        assertEquals("linux.maskedPaths[1]: must be an absolute path, got \"proc/keys\"", error(c));
        at(c, "linux").put("maskedPaths", List.of("/proc/kcore"));
        at(c, "linux").put("readonlyPaths", List.of("sys"));
        assertEquals("linux.readonlyPaths[0]: must be an absolute path, got \"sys\"", error(c));
        at(c, "linux").put("readonlyPaths", List.of(""));
        assertEquals("linux.readonlyPaths[0]: missing", error(c));
    }

    @Test
    void timeOffsetClocks() throws Exception {
        Map<String, Object> c = config();
        setNamespaces(c, "mount", "time");
        at(c, "linux", "timeOffsets").put("realtime", map("secs", 1));
        assertEquals("linux.timeOffsets: unknown clock \"realtime\" (expected monotonic or boottime)",
                error(c));
    }

    @Test
    void timeOffsetsNeedANewTimeNamespace() throws Exception {
        Map<String, Object> c = config();
        at(c, "linux", "timeOffsets").put("monotonic", map("secs", 1));
        assertEquals("linux.timeOffsets: time offsets need a new time namespace", error(c));
        setNamespaces(c, "mount", "time=/proc/1/ns/time");
        assertEquals("linux.timeOffsets: time offsets need a new time namespace", error(c));
        setNamespaces(c, "mount", "time");
        at(c, "linux", "timeOffsets").put("boottime", map("secs", -5, "nanosecs", 999999999));
        valid(c);
    }

    @Test
    void timeOffsetNanoseconds() throws Exception {
        Map<String, Object> c = config();
        setNamespaces(c, "mount", "time");
        at(c, "linux", "timeOffsets").put("monotonic", map("secs", 1, "nanosecs", 1000000000));
        assertEquals("linux.timeOffsets[\"monotonic\"].nanosecs: must be between 0 and 999999999, "
                + "got 1000000000", error(c));
    }

    @Test
    void hookPathsAreAbsolute() throws Exception {
        Map<String, Object> c = config();
        at(c, "hooks").put("prestart", List.of(map("path", "bin/hook")));
        assertEquals("hooks.prestart[0].path: must be an absolute path, got \"bin/hook\"", error(c));
        at(c, "hooks").put("prestart", List.of(map("path", "/bin/hook")));
        at(c, "hooks").put("poststop", List.of(map("path", "/a"), map("path", "b")));
        assertEquals("hooks.poststop[1].path: must be an absolute path, got \"b\"", error(c));
        Hooks hooks = new Hooks(null, List.of(new Hooks.Hook(null, null, null, null)), null, null,
                null, null);
        assertEquals("hooks.createRuntime[0].path: missing", error(withHooks(base(), hooks)));
    }

    @Test
    void hookTimeoutsArePositive() throws Exception {
        Map<String, Object> c = config();
        at(c, "hooks").put("poststart", List.of(map("path", "/bin/hook", "timeout", 0)));
        assertEquals("hooks.poststart[0].timeout: must be greater than 0, got 0", error(c));
        at(c, "hooks").put("poststart", List.of(map("path", "/bin/hook", "timeout", -3)));
        assertEquals("hooks.poststart[0].timeout: must be greater than 0, got -3", error(c));
        at(c, "hooks").put("poststart", List.of(map("path", "/bin/hook", "timeout", 1)));
        for (String kind : List.of("prestart", "createRuntime", "createContainer", "startContainer",
                "poststop")) {
            at(c, "hooks").put(kind, List.of(map("path", "/bin/" + kind, "timeout", 30)));
        }
        valid(c);
    }

    @Test
    void personalityDomain() throws Exception {
        Map<String, Object> c = config();
        at(c, "linux", "personality").put("domain", "LINUX64");
        assertEquals("linux.personality.domain: unknown domain \"LINUX64\" (expected LINUX or LINUX32)",
                error(c));
        at(c, "linux", "personality").put("domain", "LINUX");
        valid(c);
        at(c, "linux", "personality").put("domain", "LINUX32");
        valid(c);
        at(c, "linux", "personality").remove("domain");
        valid(c);
    }

    @Test
    void rlimitNumbers() {
        List<String> names = Arrays.asList("RLIMIT_CPU", "RLIMIT_FSIZE", "RLIMIT_DATA",
                "RLIMIT_STACK", "RLIMIT_CORE", "RLIMIT_RSS", "RLIMIT_NPROC", "RLIMIT_NOFILE",
                "RLIMIT_MEMLOCK", "RLIMIT_AS", "RLIMIT_LOCKS", "RLIMIT_SIGPENDING", "RLIMIT_MSGQUEUE",
                "RLIMIT_NICE", "RLIMIT_RTPRIO", "RLIMIT_RTTIME");
        for (int i = 0; i < names.size(); i++) {
            assertEquals(i, Rlimits.rlimitNumber(names.get(i)), names.get(i));
            assertEquals(i, SpecValidator.rlimitNumber(names.get(i)), names.get(i));
            assertEquals(names.get(i), Rlimits.name(i));
        }
        assertEquals(7, Rlimits.rlimitNumber("RLIMIT_NOFILE"));
        assertEquals(-1, Rlimits.rlimitNumber("RLIMIT_FOO"));
        assertEquals(-1, Rlimits.rlimitNumber("nofile"));
        assertEquals(-1, Rlimits.rlimitNumber(null));
        assertNull(Rlimits.name(16));
        assertNull(Rlimits.name(-1));
    }
}
