package dev.hull.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SpecParserTest {

    static byte[] resource(String name) throws IOException {
        try (InputStream in = SpecParserTest.class.getResourceAsStream("/" + name)) {
            return in.readAllBytes();
        }
    }

    private static Spec parse(String json) throws SpecException {
        return SpecParser.parse(json.getBytes(StandardCharsets.UTF_8));
    }

    private static String error(String json) {
        return assertThrows(SpecException.class, () -> parse(json)).getMessage();
    }

    /** A config with {@code fragment} as the process's user object. */
    private static String withUser(String fragment) {
        return "{\"process\": {\"user\": " + fragment + "}}";
    }

    // ------------------------------------------------------------------------------------------
    // happy paths

    @Test
    void runcDefaultSpec() throws Exception {
        Spec s = SpecParser.parse(resource("runc-spec-config.json"));
        assertEquals("1.0.2-dev", s.ociVersion());
        Process p = s.process();
        assertTrue(p.terminal());
        assertNull(p.consoleSize());
        assertEquals(new Process.User(0, 0, null, List.of(), null), p.user());
        assertEquals(List.of("sh"), p.args());
        assertEquals(List.of("PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
                "TERM=xterm"), p.env());
        assertEquals("/", p.cwd());
        List<String> caps = List.of("CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE");
        // runc's default has no inheritable set: absent stays null, unlike an empty list
        assertEquals(new Process.Capabilities(caps, caps, null, caps, caps), p.capabilities());
        assertEquals(List.of(new Process.Rlimit("RLIMIT_NOFILE", 1024, 1024)), p.rlimits());
        assertTrue(p.noNewPrivileges());
        assertNull(p.oomScoreAdj());
        assertEquals(new Root("rootfs", true), s.root());
        assertEquals("runc", s.hostname());
        assertNull(s.domainname());
        assertEquals(7, s.mounts().size());
        assertEquals(new Mount("/proc", "proc", "proc", List.of(), List.of(), List.of()),
                s.mounts().get(0));
        assertEquals(List.of("nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5"),
                s.mounts().get(2).options());
        assertEquals("/sys/fs/cgroup", s.mounts().get(6).destination());
        assertEquals(Hooks.NONE, s.hooks());
        assertEquals(Map.of(), s.annotations());
        Linux l = s.linux();
        assertEquals(List.of(new Resources.DeviceRule(false, null, null, null, "rwm")),
                l.resources().devices());
        assertNull(l.resources().memory());
        List<String> types = new ArrayList<>();
        for (Linux.Namespace ns : l.namespaces()) {
            types.add(ns.type());
            assertNull(ns.path());
        }
        assertEquals(List.of("pid", "network", "ipc", "uts", "mount"), types);
        assertEquals(10, l.maskedPaths().size());
        assertEquals("/proc/scsi", l.maskedPaths().get(9));
        assertEquals(List.of("/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger"),
                l.readonlyPaths());
        assertNull(l.seccomp());
        assertEquals(List.of(), l.uidMappings());
        // ...and it is a valid config
        SpecValidator.validate(s);
    }

    /** Every member the records hold, with values that would catch swapped fields. */
    static final String FULL = """
            {
              "ociVersion": "1.2.0",
              "process": {
                "terminal": true,
                "consoleSize": {"height": 25, "width": 80},
                "user": {"uid": 1000, "gid": 1001, "umask": 18, "additionalGids": [5, 4294967295],
                         "username": "me"},
                "args": ["/bin/sh", "-c", "true"],
                "commandLine": "sh -c true",
                "env": ["A=1", "B="],
                "cwd": "/work",
                "capabilities": {"bounding": ["CAP_KILL"], "effective": ["CAP_CHOWN"],
                                 "inheritable": [], "permitted": ["CAP_SETUID"],
                                 "ambient": ["CAP_SETGID"]},
                "rlimits": [{"type": "RLIMIT_NOFILE", "hard": 18446744073709551615, "soft": 4096},
                            {"type": "RLIMIT_CORE", "hard": 9223372036854775808, "soft": 0}],
                "noNewPrivileges": true,
                "apparmorProfile": "aa",
                "oomScoreAdj": -17,
                "selinuxLabel": "system_u:system_r:svirt_lxc_net_t:s0",
                "ioPriority": {"class": "IOPRIO_CLASS_BE", "priority": 4},
                "scheduler": {"policy": "SCHED_DEADLINE", "nice": -5, "priority": 2,
                              "flags": ["SCHED_FLAG_RESET_ON_FORK"], "runtime": 100,
                              "deadline": 200, "period": 300}
              },
              "root": {"path": "/var/rootfs", "readonly": false},
              "hostname": "box",
              "domainname": "example.org",
              "mounts": [
                {"destination": "/data", "type": "bind", "source": "/srv/data",
                 "options": ["rbind", "ro"],
                 "uidMappings": [{"containerID": 0, "hostID": 100000, "size": 65536}],
                 "gidMappings": [{"containerID": 1, "hostID": 200000, "size": 10}]}
              ],
              "hooks": {
                "prestart": [{"path": "/bin/pre", "args": ["pre", "x"], "env": ["E=1"], "timeout": 5}],
                "createRuntime": [{"path": "/bin/cr"}],
                "createContainer": [{"path": "/bin/cc", "env": []}],
                "startContainer": [{"path": "/bin/sc"}],
                "poststart": [{"path": "/bin/ps"}],
                "poststop": [{"path": "/bin/pst"}, {"path": "/bin/pst2"}]
              },
              "annotations": {"org.example.key": "value", "b": ""},
              "linux": {
                "uidMappings": [{"containerID": 0, "hostID": 1000, "size": 1}],
                "gidMappings": [{"containerID": 0, "hostID": 1001, "size": 2}],
                "timeOffsets": {"monotonic": {"secs": -86400, "nanosecs": 5},
                                "boottime": {"secs": 7}},
                "sysctl": {"net.ipv4.ip_forward": "1", "kernel.shmmax": "100", "fs.mqueue.msg_max": "3"},
                "resources": {
                  "devices": [{"allow": false, "access": "rwm"},
                              {"allow": true, "type": "c", "major": 1, "minor": -1, "access": "rw"}],
                  "memory": {"limit": 536870912, "reservation": 1, "swap": -1, "kernel": 2,
                             "kernelTCP": 3, "swappiness": 60, "disableOOMKiller": true,
                             "useHierarchy": false, "checkBeforeUpdate": true},
                  "cpu": {"shares": 1024, "quota": -1, "burst": 10, "period": 100000,
                          "realtimeRuntime": -2, "realtimePeriod": 1000000, "cpus": "0-3",
                          "mems": "0", "idle": 1},
                  "pids": {"limit": -1},
                  "blockIO": {"weight": 500, "leafWeight": 300,
                              "weightDevice": [{"major": 8, "minor": 0, "weight": 600}],
                              "throttleReadBpsDevice": [{"major": 8, "minor": 16, "rate": 1048576}],
                              "throttleWriteBpsDevice": [{"major": 8, "minor": 17, "rate": 2}],
                              "throttleReadIOPSDevice": [{"major": 8, "minor": 18, "rate": 3}],
                              "throttleWriteIOPSDevice": [{"major": 8, "minor": 19, "rate": 4}]},
                  "hugepageLimits": [{"pageSize": "2MB", "limit": 209715200}],
                  "network": {"classID": 1048577, "priorities": [{"name": "eth0", "priority": 500}]},
                  "rdma": {"mlx5_1": {"hcaHandles": 3, "hcaObjects": 10000}},
                  "unified": {"io.weight": "default 100", "memory.high": "max"}
                },
                "cgroupsPath": "/hull/box",
                "namespaces": [{"type": "pid"}, {"type": "network", "path": "/var/run/netns/x"},
                               {"type": "mount"}, {"type": "ipc"}, {"type": "uts"},
                               {"type": "user"}, {"type": "cgroup", "path": ""}, {"type": "time"}],
                "devices": [{"type": "c", "path": "/dev/fuse", "major": 10, "minor": 229,
                             "fileMode": 438, "uid": 0, "gid": 0},
                            {"type": "p", "path": "/dev/fifo"}],
                "seccomp": {
                  "defaultAction": "SCMP_ACT_ERRNO", "defaultErrnoRet": 1,
                  "architectures": ["SCMP_ARCH_X86_64", "SCMP_ARCH_X86"],
                  "flags": ["SECCOMP_FILTER_FLAG_LOG"],
                  "listenerPath": "/run/seccomp.sock", "listenerMetadata": "meta",
                  "syscalls": [
                    {"names": ["read", "write"], "action": "SCMP_ACT_ALLOW"},
                    {"names": ["personality"], "action": "SCMP_ACT_ERRNO", "errnoRet": 38,
                     "args": [{"index": 0, "value": 18446744073709551615, "op": "SCMP_CMP_EQ"},
                              {"index": 1, "value": 2, "valueTwo": 3, "op": "SCMP_CMP_MASKED_EQ"}]}
                  ]
                },
                "rootfsPropagation": "rslave",
                "maskedPaths": ["/proc/kcore"],
                "readonlyPaths": ["/proc/sys"],
                "mountLabel": "system_u:object_r:svirt_sandbox_file_t:s0",
                "personality": {"domain": "LINUX32", "flags": ["X"]},
                "futureMember": {"ignored": [1, 2, 3]}
              },
              "someFutureTopLevelMember": true
            }
            """;

    @Test
    void fullConfigProcess() throws Exception {
        Process p = parse(FULL).process();
        assertTrue(p.terminal());
        assertEquals(new Process.ConsoleSize(25, 80), p.consoleSize());
        assertEquals(new Process.User(1000, 1001, 18L, List.of(5L, 4294967295L), "me"), p.user());
        assertEquals(List.of("/bin/sh", "-c", "true"), p.args());
        assertEquals("sh -c true", p.commandLine());
        assertEquals(List.of("A=1", "B="), p.env());
        assertEquals("/work", p.cwd());
        assertEquals(new Process.Capabilities(List.of("CAP_KILL"), List.of("CAP_CHOWN"), List.of(),
                List.of("CAP_SETUID"), List.of("CAP_SETGID")), p.capabilities());
        assertEquals(List.of(new Process.Rlimit("RLIMIT_NOFILE", -1L, 4096),
                new Process.Rlimit("RLIMIT_CORE", Long.MIN_VALUE, 0)), p.rlimits());
        assertEquals("18446744073709551615", Long.toUnsignedString(p.rlimits().get(0).hard()));
        assertTrue(p.noNewPrivileges());
        assertEquals("aa", p.apparmorProfile());
        assertEquals(-17, p.oomScoreAdj());
        assertEquals("system_u:system_r:svirt_lxc_net_t:s0", p.selinuxLabel());
        assertEquals(new Process.IoPriority("IOPRIO_CLASS_BE", 4), p.ioPriority());
        assertEquals(new Process.Scheduler("SCHED_DEADLINE", -5, 2, List.of("SCHED_FLAG_RESET_ON_FORK"),
                100L, 200L, 300L), p.scheduler());
    }

    @Test
    void fullConfigTopLevelMountsAndHooks() throws Exception {
        Spec s = parse(FULL);
        assertEquals("1.2.0", s.ociVersion());
        assertEquals(new Root("/var/rootfs", false), s.root());
        assertEquals("box", s.hostname());
        assertEquals("example.org", s.domainname());
        assertEquals(List.of(new Mount("/data", "bind", "/srv/data", List.of("rbind", "ro"),
                List.of(new IdMapping(0, 100000, 65536)), List.of(new IdMapping(1, 200000, 10)))),
                s.mounts());
        Hooks h = s.hooks();
        assertEquals(List.of(new Hooks.Hook("/bin/pre", List.of("pre", "x"), List.of("E=1"), 5)),
                h.prestart());
        // env absent means "inherit" (null); present but empty means "empty environment"
        assertEquals(List.of(new Hooks.Hook("/bin/cr", List.of(), null, null)), h.createRuntime());
        assertEquals(List.of(), h.createContainer().get(0).env());
        assertEquals("/bin/sc", h.startContainer().get(0).path());
        assertEquals("/bin/ps", h.poststart().get(0).path());
        assertEquals(List.of("/bin/pst", "/bin/pst2"),
                List.of(h.poststop().get(0).path(), h.poststop().get(1).path()));
        assertEquals(Map.of("org.example.key", "value", "b", ""), s.annotations());
    }

    @Test
    void fullConfigLinux() throws Exception {
        Linux l = parse(FULL).linux();
        assertEquals(List.of(new IdMapping(0, 1000, 1)), l.uidMappings());
        assertEquals(List.of(new IdMapping(0, 1001, 2)), l.gidMappings());
        assertEquals(Map.of("monotonic", new Linux.TimeOffset(-86400, 5),
                "boottime", new Linux.TimeOffset(7, 0)), l.timeOffsets());
        assertEquals(List.of("net.ipv4.ip_forward", "kernel.shmmax", "fs.mqueue.msg_max"),
                new ArrayList<>(l.sysctl().keySet()));
        assertEquals("100", l.sysctl().get("kernel.shmmax"));
        assertEquals("/hull/box", l.cgroupsPath());
        assertEquals(List.of(new Linux.Namespace("pid", null),
                new Linux.Namespace("network", "/var/run/netns/x"), new Linux.Namespace("mount", null),
                new Linux.Namespace("ipc", null), new Linux.Namespace("uts", null),
                new Linux.Namespace("user", null), new Linux.Namespace("cgroup", null),
                new Linux.Namespace("time", null)), l.namespaces());
        assertEquals(List.of(new Linux.Device("c", "/dev/fuse", 10L, 229L, 0666, 0L, 0L),
                new Linux.Device("p", "/dev/fifo", null, null, null, null, null)), l.devices());
        assertEquals("rslave", l.rootfsPropagation());
        assertEquals(List.of("/proc/kcore"), l.maskedPaths());
        assertEquals(List.of("/proc/sys"), l.readonlyPaths());
        assertEquals("system_u:object_r:svirt_sandbox_file_t:s0", l.mountLabel());
        assertEquals(new Linux.Personality("LINUX32", List.of("X")), l.personality());
    }

    @Test
    void fullConfigResources() throws Exception {
        Resources r = parse(FULL).linux().resources();
        assertEquals(List.of(new Resources.DeviceRule(false, null, null, null, "rwm"),
                new Resources.DeviceRule(true, "c", 1L, -1L, "rw")), r.devices());
        assertEquals(new Resources.Memory(536870912L, 1L, -1L, 2L, 3L, 60L, true, false, true),
                r.memory());
        assertEquals(new Resources.Cpu(1024L, -1L, 10L, 100000L, -2L, 1000000L, "0-3", "0", 1L),
                r.cpu());
        assertEquals(new Resources.Pids(-1L), r.pids());
        assertEquals(new Resources.BlockIO(500, 300,
                List.of(new Resources.WeightDevice(8, 0, 600, null)),
                List.of(new Resources.ThrottleDevice(8, 16, 1048576)),
                List.of(new Resources.ThrottleDevice(8, 17, 2)),
                List.of(new Resources.ThrottleDevice(8, 18, 3)),
                List.of(new Resources.ThrottleDevice(8, 19, 4))), r.blockIO());
        assertEquals(List.of(new Resources.HugepageLimit("2MB", 209715200)), r.hugepageLimits());
        assertEquals(new Resources.Network(1048577L, List.of(new Resources.Priority("eth0", 500))),
                r.network());
        assertEquals(Map.of("mlx5_1", new Resources.Rdma(3L, 10000L)), r.rdma());
        assertEquals(Map.of("io.weight", "default 100", "memory.high", "max"), r.unified());
    }

    @Test
    void fullConfigSeccomp() throws Exception {
        Seccomp s = parse(FULL).linux().seccomp();
        assertEquals(new Seccomp("SCMP_ACT_ERRNO", 1L, List.of("SCMP_ARCH_X86_64", "SCMP_ARCH_X86"),
                List.of("SECCOMP_FILTER_FLAG_LOG"), "/run/seccomp.sock", "meta", List.of(
                        new Seccomp.Syscall(List.of("read", "write"), "SCMP_ACT_ALLOW", null, null),
                        new Seccomp.Syscall(List.of("personality"), "SCMP_ACT_ERRNO", 38L, List.of(
                                new Seccomp.Arg(0, -1L, 0, "SCMP_CMP_EQ"),
                                new Seccomp.Arg(1, 2, 3, "SCMP_CMP_MASKED_EQ"))))), s);
    }

    @Test
    void fullConfigIsValid() throws Exception {
        SpecValidator.validate(parse(FULL));
    }

    @Test
    void emptyObjectGivesEmptyDefaults() throws Exception {
        Spec s = parse("{}");
        assertNull(s.ociVersion());
        assertNull(s.process());
        assertNull(s.root());
        assertEquals(List.of(), s.mounts());
        assertEquals(Hooks.NONE, s.hooks());
        assertEquals(Linux.EMPTY, s.linux());
    }

    @Test
    void nullMembersAreAbsent() throws Exception {
        Spec s = parse("""
                {"ociVersion": null, "hostname": null, "mounts": null, "linux": null,
                 "process": {"terminal": null, "user": {"uid": 1, "gid": 2, "umask": null},
                             "capabilities": {"bounding": null}, "oomScoreAdj": null}}
                """);
        assertNull(s.ociVersion());
        assertNull(s.hostname());
        assertEquals(List.of(), s.mounts());
        assertEquals(Linux.EMPTY, s.linux());
        assertFalse(s.process().terminal());
        assertNull(s.process().user().umask());
        assertNull(s.process().capabilities().bounding());
        assertNull(s.process().oomScoreAdj());
    }

    @Test
    void sysctlKeepsTheConfigsOrder() throws Exception {
        StringBuilder sb = new StringBuilder("{\"linux\": {\"sysctl\": {");
        List<String> keys = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            String key = "net.k" + ((i * 7919) % 30);
            keys.add(key);
            sb.append(i == 0 ? "" : ", ").append('"').append(key).append("\": \"").append(i).append('"');
        }
        sb.append("}}}");
        assertEquals(keys, new ArrayList<>(parse(sb.toString()).linux().sysctl().keySet()));
    }

    @Test
    void emptyNamespacePathMeansNew() throws Exception {
        assertNull(parse("{\"linux\": {\"namespaces\": [{\"type\": \"pid\", \"path\": \"\"}]}}")
                .linux().namespace("pid").path());
    }

    // ------------------------------------------------------------------------------------------
    // unsigned and range handling

    @Test
    void uint64MaxIsStoredAsMinusOne() throws Exception {
        Spec s = parse("{\"process\": {\"rlimits\": [{\"type\": \"RLIMIT_CPU\","
                + " \"hard\": 18446744073709551615, \"soft\": 18446744073709551614}]}}");
        assertEquals(-1L, s.process().rlimits().get(0).hard());
        assertEquals(-2L, s.process().rlimits().get(0).soft());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        // uint64
        "{\"process\": {\"rlimits\": [{\"type\": \"RLIMIT_CPU\", \"hard\": -1, \"soft\": 0}]}}"
            + " | process.rlimits[0].hard: must not be negative",
        "{\"process\": {\"rlimits\": [{\"type\": \"RLIMIT_CPU\", \"hard\": 1, \"soft\": 18446744073709551616}]}}"
            + " | process.rlimits[0].soft: must be at most 18446744073709551615",
        "{\"process\": {\"rlimits\": [{\"type\": \"RLIMIT_CPU\", \"hard\": -9223372036854775809, \"soft\": 0}]}}"
            + " | process.rlimits[0].hard: must not be negative",
        // uint32
        "{\"process\": {\"user\": {\"uid\": -1, \"gid\": 0}}} | process.user.uid: must not be negative",
        "{\"process\": {\"user\": {\"uid\": 4294967296, \"gid\": 0}}} | process.user.uid: must be at most 4294967295",
        "{\"process\": {\"user\": {\"uid\": 18446744073709551615, \"gid\": 0}}} | process.user.uid: must be at most 4294967295",
        "{\"process\": {\"user\": {\"uid\": 0, \"gid\": 0, \"additionalGids\": [1, -2]}}}"
            + " | process.user.additionalGids[1]: must not be negative",
        "{\"linux\": {\"uidMappings\": [{\"containerID\": 0, \"hostID\": 4294967296, \"size\": 1}]}}"
            + " | linux.uidMappings[0].hostID: must be at most 4294967295",
        // int64
        "{\"linux\": {\"resources\": {\"memory\": {\"limit\": 9223372036854775808}}}}"
            + " | linux.resources.memory.limit: must be between -9223372036854775808 and 9223372036854775807",
        // int32 / uint16 / int kept in a Java int
        "{\"process\": {\"oomScoreAdj\": 2147483648}} | process.oomScoreAdj: must be between -2147483648 and 2147483647",
        "{\"linux\": {\"resources\": {\"blockIO\": {\"weight\": 65536}}}} | linux.resources.blockIO.weight: must be at most 65535",
        "{\"process\": {\"consoleSize\": {\"height\": 2147483648, \"width\": 1}}}"
            + " | process.consoleSize.height: must be at most 2147483647",
        "{\"linux\": {\"devices\": [{\"type\": \"c\", \"path\": \"/dev/x\", \"major\": -1}]}}"
            + " | linux.devices[0].major: must not be negative",
        // non-integers
        "{\"process\": {\"user\": {\"uid\": 1.5, \"gid\": 0}}} | process.user.uid: expected an integer, got 1.5",
        "{\"process\": {\"user\": {\"uid\": 1e3, \"gid\": 0}}} | process.user.uid: expected an integer, got 1000.0",
    })
    void numberRanges(String json, String message) {
        assertEquals(message, error(json));
    }

    @Test
    void signedMembersAcceptNegatives() throws Exception {
        Spec s = parse("""
                {"process": {"oomScoreAdj": -1000},
                 "linux": {"resources": {"memory": {"limit": -9223372036854775808, "swap": -1},
                                         "cpu": {"quota": -1, "realtimeRuntime": -5},
                                         "pids": {"limit": -1},
                                         "devices": [{"allow": true, "major": -1, "minor": -1}]},
                           "timeOffsets": {"boottime": {"secs": -9223372036854775808}}}}
                """);
        assertEquals(-1000, s.process().oomScoreAdj());
        assertEquals(Long.MIN_VALUE, s.linux().resources().memory().limit());
        assertEquals(-1L, s.linux().resources().cpu().quota());
        assertEquals(-5L, s.linux().resources().cpu().realtimeRuntime());
        assertEquals(-1L, s.linux().resources().pids().limit());
        assertEquals(-1L, s.linux().resources().devices().get(0).major());
        assertEquals(Long.MIN_VALUE, s.linux().timeOffsets().get("boottime").secs());
    }

    @Test
    void uint32BoundaryIsAccepted() throws Exception {
        Process.User u = parse(withUser("{\"uid\": 4294967295, \"gid\": 0}")).process().user();
        assertEquals(4294967295L, u.uid());
    }

    // ------------------------------------------------------------------------------------------
    // type errors name the member

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "{\"process\": {\"user\": {\"uid\": \"0\", \"gid\": 0}}} | process.user.uid: expected an integer, got a string",
        "{\"mounts\": [{\"destination\": \"/a\"}, {\"destination\": \"/b\"}, {\"destination\": \"/c\", \"options\": [5]}]}"
            + " | mounts[2].options[0]: expected a string, got a number",
        "{\"linux\": {\"namespaces\": [{\"type\": \"pid\"}, {\"path\": \"/x\"}]}} | linux.namespaces[1].type: missing",
        "{\"linux\": {\"namespaces\": [{\"type\": \"pid\"}, {\"type\": null}]}} | linux.namespaces[1].type: missing",
        "{\"process\": {\"terminal\": \"yes\"}} | process.terminal: expected a boolean, got a string",
        "{\"process\": {\"terminal\": 1}} | process.terminal: expected a boolean, got a number",
        "{\"process\": {\"args\": {}}} | process.args: expected an array, got an object",
        "{\"process\": {\"args\": \"sh\"}} | process.args: expected an array, got a string",
        "{\"process\": {\"env\": [\"A=1\", null]}} | process.env[1]: expected a string, got null",
        "{\"process\": {\"cwd\": true}} | process.cwd: expected a string, got a boolean",
        "{\"process\": {\"user\": {\"gid\": 0}}} | process.user.uid: missing",
        "{\"process\": {\"user\": {\"uid\": 0}}} | process.user.gid: missing",
        "{\"process\": {\"user\": []}} | process.user: expected an object, got an array",
        "{\"process\": {\"capabilities\": {\"ambient\": [\"CAP_KILL\", 3]}}} | process.capabilities.ambient[1]: expected a string, got a number",
        "{\"process\": {\"rlimits\": [{\"type\": \"RLIMIT_CPU\", \"soft\": 1}]}} | process.rlimits[0].hard: missing",
        "{\"process\": {\"rlimits\": [\"RLIMIT_CPU\"]}} | process.rlimits[0]: expected an object, got a string",
        "{\"process\": {\"ioPriority\": {\"priority\": 1}}} | process.ioPriority.class: missing",
        "{\"process\": {\"scheduler\": {\"nice\": 1}}} | process.scheduler.policy: missing",
        "{\"process\": {\"consoleSize\": {\"height\": 1}}} | process.consoleSize.width: missing",
        "{\"root\": \"rootfs\"} | root: expected an object, got a string",
        "{\"root\": {\"path\": \"rootfs\", \"readonly\": \"true\"}} | root.readonly: expected a boolean, got a string",
        "{\"hostname\": 7} | hostname: expected a string, got a number",
        "{\"mounts\": {}} | mounts: expected an array, got an object",
        "{\"mounts\": [\"/proc\"]} | mounts[0]: expected an object, got a string",
        "{\"mounts\": [{\"type\": \"proc\"}]} | mounts[0].destination: missing",
        "{\"mounts\": [{\"destination\": \"/a\", \"uidMappings\": [{\"containerID\": 0, \"hostID\": 0}]}]} | mounts[0].uidMappings[0].size: missing",
        "{\"hooks\": {\"poststop\": [{\"args\": []}]}} | hooks.poststop[0].path: missing",
        "{\"hooks\": {\"prestart\": [{\"path\": \"/x\", \"timeout\": \"5\"}]}} | hooks.prestart[0].timeout: expected an integer, got a string",
        "{\"hooks\": {\"createRuntime\": [{\"path\": \"/x\", \"env\": \"A=1\"}]}} | hooks.createRuntime[0].env: expected an array, got a string",
        "{\"annotations\": {\"org.example.x\": 1}} | annotations[\"org.example.x\"]: expected a string, got a number",
        "{\"annotations\": []} | annotations: expected an object, got an array",
        "{\"linux\": {\"sysctl\": {\"net.ipv4.ip_forward\": true}}} | linux.sysctl[\"net.ipv4.ip_forward\"]: expected a string, got a boolean",
        "{\"linux\": {\"timeOffsets\": {\"monotonic\": {\"secs\": \"1\"}}}} | linux.timeOffsets[\"monotonic\"].secs: expected an integer, got a string",
        "{\"linux\": {\"timeOffsets\": {\"monotonic\": 5}}} | linux.timeOffsets[\"monotonic\"]: expected an object, got a number",
        "{\"linux\": {\"resources\": {\"unified\": {\"memory.max\": 100}}}} | linux.resources.unified[\"memory.max\"]: expected a string, got a number",
        "{\"linux\": {\"resources\": {\"rdma\": {\"mlx\": {\"hcaHandles\": -1}}}}} | linux.resources.rdma[\"mlx\"].hcaHandles: must not be negative",
        "{\"linux\": {\"resources\": {\"devices\": [{\"access\": \"rwm\"}]}}} | linux.resources.devices[0].allow: missing",
        "{\"linux\": {\"resources\": {\"devices\": [{\"allow\": \"no\"}]}}} | linux.resources.devices[0].allow: expected a boolean, got a string",
        "{\"linux\": {\"resources\": {\"memory\": {\"disableOOMKiller\": 0}}}} | linux.resources.memory.disableOOMKiller: expected a boolean, got a number",
        "{\"linux\": {\"resources\": {\"cpu\": {\"cpus\": 3}}}} | linux.resources.cpu.cpus: expected a string, got a number",
        "{\"linux\": {\"resources\": {\"blockIO\": {\"throttleReadBpsDevice\": [{\"major\": 8, \"minor\": 0}]}}}} | linux.resources.blockIO.throttleReadBpsDevice[0].rate: missing",
        "{\"linux\": {\"resources\": {\"blockIO\": {\"weightDevice\": [{\"major\": 8, \"minor\": \"0\"}]}}}} | linux.resources.blockIO.weightDevice[0].minor: expected an integer, got a string",
        "{\"linux\": {\"resources\": {\"hugepageLimits\": [{\"limit\": 1}]}}} | linux.resources.hugepageLimits[0].pageSize: missing",
        "{\"linux\": {\"resources\": {\"network\": {\"priorities\": [{\"name\": \"eth0\"}]}}}} | linux.resources.network.priorities[0].priority: missing",
        "{\"linux\": {\"devices\": [{\"path\": \"/dev/x\"}]}} | linux.devices[0].type: missing",
        "{\"linux\": {\"devices\": [{\"type\": \"c\", \"path\": \"/dev/x\", \"fileMode\": \"0666\"}]}} | linux.devices[0].fileMode: expected an integer, got a string",
        "{\"linux\": {\"seccomp\": {\"syscalls\": []}}} | linux.seccomp.defaultAction: missing",
        "{\"linux\": {\"seccomp\": {\"defaultAction\": \"A\", \"syscalls\": [{\"action\": \"B\"}]}}} | linux.seccomp.syscalls[0].names: missing",
        "{\"linux\": {\"seccomp\": {\"defaultAction\": \"A\", \"syscalls\": [{\"names\": [\"read\"], \"action\": \"B\", \"args\": [{\"index\": 0, \"value\": 1}]}]}}} | linux.seccomp.syscalls[0].args[0].op: missing",
        "{\"linux\": {\"seccomp\": {\"defaultAction\": \"A\", \"syscalls\": [{\"names\": [\"read\"], \"action\": \"B\", \"args\": [{\"index\": 0, \"value\": -1, \"op\": \"X\"}]}]}}} | linux.seccomp.syscalls[0].args[0].value: must not be negative",
        "{\"linux\": {\"personality\": {\"flags\": [1]}}} | linux.personality.flags[0]: expected a string, got a number",
        "{\"linux\": {\"maskedPaths\": \"/proc\"}} | linux.maskedPaths: expected an array, got a string",
    })
    void typeErrorsNameTheMember(String json, String message) {
        assertEquals(message, error(json));
    }

    @Test
    void notAnObject() {
        assertEquals("config.json: expected an object, got an array", error("[]"));
        assertEquals("config.json: expected an object, got null", error("null"));
    }

    @Test
    void invalidJsonGivesThePosition() {
        assertEquals("config.json is not valid JSON: line 3, column 5: expected ',' or '}' but found '\"'",
                error("{\n  \"ociVersion\": \"1.2.0\"\n    \"hostname\": \"x\"\n}"));
        assertEquals("config.json is not valid JSON: line 1, column 2: invalid UTF-8 byte 0xff",
                assertThrows(SpecException.class,
                        () -> SpecParser.parse(new byte[] {'{', (byte) 0xff, '}'})).getMessage());
        assertEquals("config.json is not valid JSON: line 1, column 1: expected a value but found end of input",
                error(""));
    }
}
