package dev.hull.engine.container;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hull.engine.EngineException;
import dev.hull.engine.cli.RunFlags;
import dev.hull.runtime.program.HostFacts;
import dev.hull.spec.Spec;
import dev.hull.spec.SpecParser;
import dev.hull.spec.SpecValidator;
import dev.hull.spec.json.Json;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Docker's flags → the OCI config: checked by the runtime's own parser and validator too. */
class SpecBuilderTest {
    @TempDir
    Path tmp;

    private Map<String, Object> build(String... args) throws Exception {
        CreateRequest r = RunFlags.parse("run", List.of(args));
        Map<String, Object> config = new java.util.LinkedHashMap<>(r.config());
        config.put("Hostname", "0123456789ab");
        Container c = new Container("0123456789ab" + "0".repeat(52), "c", "2026-01-01T00:00:00Z", "sha256:x", "sh",
                List.of("-c", "true"), config, r.hostConfig(), List.of(), Container.State.created(), 0, false,
                tmp.resolve("rootfs").toString(), "", "", "", "");
        Users.User user = new Users.User(0, 0, List.of(), "/root");
        Map<String, Object> spec = SpecBuilder.build(new SpecBuilder.Input(c, tmp.resolve("rootfs"), user, List.of(),
                tmp, null, Map.of(), false, new HostFacts(40, (1L << 41) - 1, true), tmp.resolve("seccomp")));
        // what the runtime would read
        Spec parsed = SpecParser.parse(Json.write(spec).getBytes(StandardCharsets.UTF_8));
        SpecValidator.validate(parsed);
        // and what it is handed in memory by a run (Create.Options.config) is the same config
        assertEquals(parsed, SpecParser.fromTree(Json.tree(spec)));
        return spec;
    }

    @SuppressWarnings("unchecked")
    private static <T> T at(Map<String, Object> m, String... path) {
        Object o = m;
        for (String p : path) {
            o = ((Map<String, Object>) o).get(p);
        }
        return (T) o;
    }

    @Test
    void dockersDefaults() throws Exception {
        Map<String, Object> s = build("busybox");
        assertEquals(SpecBuilder.DEFAULT_CAPS, at(s, "process", "capabilities", "bounding"));
        assertEquals(SpecBuilder.DEFAULT_CAPS, at(s, "process", "capabilities", "effective"));
        assertEquals(SpecBuilder.MASKED, at(s, "linux", "maskedPaths"));
        assertEquals(SpecBuilder.READONLY, at(s, "linux", "readonlyPaths"));
        assertEquals("0123456789ab", s.get("hostname"));
        assertEquals("/hull/0123456789ab" + "0".repeat(52), at(s, "linux", "cgroupsPath"));
        assertEquals("SCMP_ACT_ERRNO", at(s, "linux", "seccomp", "defaultAction"));
        List<Object> ns = at(s, "linux", "namespaces");
        List<Object> types = new ArrayList<>();
        for (Object n : ns) {
            types.add(((Map<?, ?>) n).get("type"));
        }
        assertEquals(List.of("pid", "network", "ipc", "uts", "mount"), types); // cgroupns host on v1, as Docker
        List<Object> devices = at(s, "linux", "resources", "devices");
        assertEquals(Map.of("allow", false, "access", "rwm"), devices.get(0));
        assertNull(at(s, "process", "noNewPrivileges"));
    }

    @Test
    void capabilitiesAddDropAll() throws Exception {
        List<String> caps = at(build("--cap-drop", "net_raw", "--cap-add", "sys_admin", "busybox"),
                "process", "capabilities", "bounding");
        assertFalse(caps.contains("CAP_NET_RAW"));
        assertTrue(caps.contains("CAP_SYS_ADMIN"));
        assertEquals(List.of(), at(build("--cap-drop", "ALL", "busybox"), "process", "capabilities", "bounding"));
        assertEquals(List.of("CAP_CHOWN"), at(build("--cap-drop", "ALL", "--cap-add", "chown", "busybox"),
                "process", "capabilities", "bounding"));
        assertEquals(41, ((List<?>) at(build("--cap-add", "ALL", "busybox"), "process", "capabilities", "bounding")).size());
    }

    @Test
    void resources() throws Exception {
        Map<String, Object> s = build("-m", "64m", "--cpus", "0.5", "--cpu-shares", "512", "--pids-limit", "20",
                "--cpuset-cpus", "0", "--oom-kill-disable", "busybox");
        assertEquals((Object) (64L << 20), (Object) at(s, "linux", "resources", "memory", "limit"));
        assertEquals((Object) (128L << 20), (Object) at(s, "linux", "resources", "memory", "swap")); // Docker: twice the memory
        assertEquals((Object) true, (Object) at(s, "linux", "resources", "memory", "disableOOMKiller"));
        assertEquals((Object) 50_000L, (Object) at(s, "linux", "resources", "cpu", "quota"));
        assertEquals((Object) 100_000L, (Object) at(s, "linux", "resources", "cpu", "period"));
        assertEquals((Object) 512L, (Object) at(s, "linux", "resources", "cpu", "shares"));
        assertEquals("0", at(s, "linux", "resources", "cpu", "cpus"));
        assertEquals((Object) 20L, (Object) at(s, "linux", "resources", "pids", "limit"));
        assertEquals((Object) (-1L), (Object) at(build("--memory-swap", "-1", "-m", "64m", "busybox"), "linux", "resources", "memory", "swap"));
    }

    @Test
    void securityOptions() throws Exception {
        Map<String, Object> s = build("--security-opt", "no-new-privileges", "--security-opt", "seccomp=unconfined",
                "--read-only", "--sysctl", "net.ipv4.ip_forward=1", "busybox");
        assertEquals((Object) true, (Object) at(s, "process", "noNewPrivileges"));
        assertNull(at(s, "linux", "seccomp"));
        assertEquals((Object) true, (Object) at(s, "root", "readonly"));
        assertEquals(Map.of("net.ipv4.ip_forward", "1"), at(s, "linux", "sysctl"));
        assertEquals("unconfined", at(build("--security-opt", "apparmor=unconfined", "busybox"), "process", "apparmorProfile"));
    }

    @Test
    void sharingModes() throws Exception {
        Map<String, Object> s = build("--network", "host", "--pid", "host", "--ipc", "host", "--cgroupns", "private", "busybox");
        List<Object> types = new ArrayList<>();
        for (Object n : (List<?>) at(s, "linux", "namespaces")) {
            types.add(((Map<?, ?>) n).get("type"));
        }
        // --network host shares the host's UTS namespace too, as Docker does
        assertEquals(List.of("mount", "cgroup"), types);
        assertNull(s.get("hostname"));
    }

    @Test
    void ulimitsTmpfsAndDevices() throws Exception {
        Map<String, Object> s = build("--ulimit", "nofile=1024:2048", "--tmpfs", "/run:size=1m,exec",
                "--device", "/dev/null:/dev/mynull:rw", "--device-cgroup-rule", "c 1:5 r", "busybox");
        assertEquals(List.of(Map.of("type", "RLIMIT_NOFILE", "hard", 2048L, "soft", 1024L)), at(s, "process", "rlimits"));
        boolean tmpfs = false;
        for (Object o : (List<?>) s.get("mounts")) {
            Map<?, ?> m = (Map<?, ?>) o;
            if ("/run".equals(m.get("destination"))) {
                tmpfs = true;
                assertEquals(List.of("nosuid", "nodev", "size=1m"), m.get("options"));
            }
        }
        assertTrue(tmpfs);
        List<Object> devices = at(s, "linux", "devices");
        assertEquals("/dev/mynull", ((Map<?, ?>) devices.get(0)).get("path"));
        assertEquals((Object) 1L, ((Map<?, ?>) devices.get(0)).get("major"));
        assertEquals((Object) 3L, ((Map<?, ?>) devices.get(0)).get("minor"));
        List<Object> rules = at(s, "linux", "resources", "devices");
        assertTrue(rules.contains(Map.of("allow", true, "type", "c", "major", 1L, "minor", 5L, "access", "r")), rules.toString());
        assertTrue(rules.contains(Map.of("allow", true, "type", "c", "major", 1L, "minor", 3L, "access", "rw")), rules.toString());
    }

    @Test
    void blockIoThrottlesByDeviceNumbers() throws Exception {
        Map<String, Object> s = build("--device-read-bps", "/dev/null:1mb", "--device-write-iops", "/dev/null:100",
                "--blkio-weight", "300", "busybox");
        assertEquals(List.of(Map.of("major", 1L, "minor", 3L, "rate", 1L << 20)),
                at(s, "linux", "resources", "blockIO", "throttleReadBpsDevice"));
        assertEquals(List.of(Map.of("major", 1L, "minor", 3L, "rate", 100L)),
                at(s, "linux", "resources", "blockIO", "throttleWriteIOPSDevice"));
        assertEquals((Object) 300L, (Object) at(s, "linux", "resources", "blockIO", "weight"));
    }

    @Test
    void privilegedAndUserNamespace() throws Exception {
        Map<String, Object> s = build("--privileged", "busybox");
        assertEquals(List.of(), at(s, "linux", "maskedPaths"));
        assertNull(at(s, "linux", "seccomp"));
        Map<String, Object> u = build("--uidmap", "0:100000:65536", "busybox");
        assertEquals(List.of(Map.of("containerID", 0L, "hostID", 100000L, "size", 65536L)), at(u, "linux", "uidMappings"));
        assertEquals(List.of(Map.of("containerID", 0L, "hostID", 100000L, "size", 65536L)), at(u, "linux", "gidMappings"));
    }

    @Test
    void nonRootUsersStartWithoutEffectiveCapabilities() throws EngineException {
        assertEquals(SpecBuilder.DEFAULT_CAPS, SpecBuilder.capabilities(List.of(), List.of()));
    }
}
