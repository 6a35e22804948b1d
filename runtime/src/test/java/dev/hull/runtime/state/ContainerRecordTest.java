package dev.hull.runtime.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hull.spec.Hooks.Hook;
import dev.hull.spec.json.Json;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ContainerRecordTest {

    static ContainerRecord sample() {
        Map<String, String> dirs = new LinkedHashMap<>();
        dirs.put("cpu,cpuacct", "/sys/fs/cgroup/cpu,cpuacct/c1");
        dirs.put("name=systemd", "/sys/fs/cgroup/systemd/c1");
        dirs.put("", "/sys/fs/cgroup/unified/c1");
        return new ContainerRecord("1.2.0", "c1", ContainerRecord.CREATED, 4194304L * 1024, 123456789012L,
                "/b/ündle", "/b/ündle/rootfs", "2024-06-11T10:00:00.123456Z",
                Map.of("org.example/key", "välue \"quoted\"\n", "empty", ""), "hybrid", dirs,
                List.of("/sys/fs/cgroup/memory/hull", "/sys/fs/cgroup/memory/hull/c1"), true,
                List.of(new Hook("/bin/post", List.of("post", "a b"), List.of("X=1"), 7),
                        new Hook("/bin/plain", List.of(), null, null)),
                List.of(new Hook("/bin/stop", List.of("stop"), List.of(), 0)),
                Map.of("memory", Map.of("limit", 1048576L), "pids", Map.of("limit", 20L)),
                List.of(Map.of("type", "c", "major", 10L, "minor", 229L)), true);
    }

    @SuppressWarnings("unchecked")
    static ContainerRecord roundTrip(ContainerRecord r) throws Exception {
        String text = Json.write(r.toJson());
        return ContainerRecord.fromJson((Map<String, Object>) Json.parse(text.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void jsonRoundTrip() throws Exception {
        ContainerRecord r = sample();
        assertEquals(r, roundTrip(r));
    }

    @Test
    void hooksKeepAbsentEnvAndTimeout() throws Exception {
        ContainerRecord back = roundTrip(sample());
        Hook plain = back.poststart().get(1);
        assertNull(plain.env(), "absent env means: inherit the runtime's");
        assertNull(plain.timeout());
        assertEquals(List.of(), plain.args());
        Hook post = back.poststart().get(0);
        assertEquals(7, post.timeout());
        assertEquals(List.of("X=1"), post.env());
        assertEquals(List.of(), back.poststop().get(0).env(), "an empty env stays empty, not absent");
    }

    @Test
    void jsonShape() {
        Map<String, Object> m = sample().toJson();
        assertEquals(List.of("ociVersion", "id", "phase", "pid", "pidStartTime", "bundle", "rootfs", "created",
                "annotations", "cgroupMode", "cgroupDirs", "cgroupCreated", "ownPidNamespace", "poststart",
                "poststop", "resources", "devices", "noNewKeyring"), List.copyOf(m.keySet()));
        @SuppressWarnings("unchecked")
        Map<String, Object> hook = ((List<Map<String, Object>>) m.get("poststart")).get(1);
        assertFalse(hook.containsKey("env"));
        assertFalse(hook.containsKey("timeout"));
    }

    @Test
    void emptyHooksAndNoOwnPidNamespace() throws Exception {
        ContainerRecord r = new ContainerRecord("1.0.0", "x", ContainerRecord.CREATING, 0, 0, "/b", "/b/r", "t",
                Map.of(), "v2", Map.of("", "/sys/fs/cgroup/x"), List.of(), false, List.of(), List.of(), Map.of(),
                List.of(), false);
        ContainerRecord back = roundTrip(r);
        assertEquals(r, back);
        assertFalse(back.ownPidNamespace());
    }

    @Test
    @SuppressWarnings("unchecked")
    void olderStateWithoutHooksReadsAsNoHooks() throws Exception {
        Map<String, Object> m = sample().toJson();
        m.remove("poststart");
        m.remove("poststop");
        m.remove("ownPidNamespace");
        ContainerRecord back = ContainerRecord.fromJson((Map<String, Object>) Json.parse(Json.write(m)));
        assertEquals(List.of(), back.poststart());
        assertEquals(List.of(), back.poststop());
        assertFalse(back.ownPidNamespace());
    }

    @Test
    void withers() {
        ContainerRecord r = sample();
        ContainerRecord p = r.withPid(99, 12345);
        assertEquals(99, p.pid());
        assertEquals(12345, p.pidStartTime());
        assertEquals(r.withPid(r.pid(), r.pidStartTime()), r);
        ContainerRecord c = r.withPhase(ContainerRecord.CREATING);
        assertEquals("creating", c.phase());
        assertEquals(r, c.withPhase("created"));
        ContainerRecord g = r.withCgroupCreated(List.of("/a"));
        assertEquals(List.of("/a"), g.cgroupCreated());
        assertEquals(r.id(), g.id());
        assertEquals(r.poststop(), g.poststop());
        assertTrue(r.ownPidNamespace() && p.ownPidNamespace() && c.ownPidNamespace() && g.ownPidNamespace());
    }
}
