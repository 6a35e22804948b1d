package dev.hull.engine.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hull.engine.EngineException;
import dev.hull.engine.container.CreateRequest;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RunFlagsTest {
    private static CreateRequest parse(String... args) throws EngineException {
        return RunFlags.parse("run", List.of(args));
    }

    private static String error(String... args) {
        EngineException e = assertThrows(EngineException.class, () -> parse(args));
        assertEquals(125, e.exitCode());
        return e.getMessage();
    }

    @Test
    void resourcesAsDockerStoresThem() throws EngineException {
        Map<String, Object> h = parse("-m", "64m", "--memory-swap", "128m", "--cpus", "1.5", "--cpu-shares", "512",
                "--cpuset-cpus", "0-1", "--pids-limit", "20", "--blkio-weight", "300", "--oom-score-adj", "-100",
                "busybox").hostConfig();
        assertEquals(64L << 20, h.get("Memory"));
        assertEquals(128L << 20, h.get("MemorySwap"));
        assertEquals(1_500_000_000L, h.get("NanoCpus"));
        assertEquals(512L, h.get("CpuShares"));
        assertEquals("0-1", h.get("CpusetCpus"));
        assertEquals(20L, h.get("PidsLimit"));
        assertEquals(300L, h.get("BlkioWeight"));
        assertEquals(-100L, h.get("OomScoreAdj"));
    }

    @Test
    void memorySwapDefaultsToTwiceTheMemory() throws EngineException {
        assertEquals(128L << 20, parse("-m", "64m", "busybox").hostConfig().get("MemorySwap"));
        assertEquals(-1L, parse("-m", "64m", "--memory-swap", "-1", "busybox").hostConfig().get("MemorySwap"));
        assertEquals(0L, parse("busybox").hostConfig().get("MemorySwap"));
    }

    @Test
    void badValuesNameTheFlag() {
        assertTrue(error("-m", "12zz", "busybox").contains("\"12zz\" for \"--memory\""));
        assertTrue(error("-m", "1m", "busybox").contains("minimum memory limit"));
        assertTrue(error("--cpus", "abc", "busybox").contains("--cpus"));
        assertTrue(error("--cpus", "1", "--cpu-quota", "50000", "busybox").contains("Conflicting options"));
        assertTrue(error("--memory-swap", "1g", "busybox").contains("--memory-swap"));
        assertTrue(error("--cpuset-cpus", "1-0", "busybox").contains("--cpuset-cpus"));
        assertTrue(error("--blkio-weight", "5", "busybox").contains("--blkio-weight"));
        assertTrue(error("--restart", "sometimes", "busybox").contains("--restart"));
        assertTrue(error("--restart", "always", "--rm", "busybox").contains("Conflicting options"));
        assertTrue(error("--ipc", "weird", "busybox").contains("--ipc"));
        assertTrue(error("--cap-add", "foo", "busybox").contains("unknown capability: \"foo\""));
        assertTrue(error("--security-opt", "seccomp=/nonexistent.json", "busybox").contains("/nonexistent.json"));
        assertTrue(error("--security-opt", "bogus", "busybox").contains("--security-opt"));
        assertTrue(error("--ulimit", "nofile=2:1", "busybox").contains("soft limit"));
        assertTrue(error("--ulimit", "bogus=1", "busybox").contains("invalid ulimit type"));
        assertTrue(error("-v", "relative/path:/x", "busybox").contains("invalid characters"));
        assertTrue(error("-v", "/a:b", "busybox").contains("invalid mode: b"));
        assertTrue(error("--device", "/dev/null:/dev/x:rwz", "busybox").contains("invalid device mode"));
        assertTrue(error("--device-cgroup-rule", "x 1:3 rwm", "busybox").contains("--device-cgroup-rule"));
        assertTrue(error("--uidmap", "0:100000", "busybox").contains("--uidmap"));
        assertTrue(error("-w", "relative", "busybox").contains("absolute"));
        assertTrue(error("-p", "80:80", "busybox").contains("--publish"));
        assertTrue(error().contains("requires at least 1 argument"));
    }

    @Test
    void capabilitiesAnyCaseWithOrWithoutPrefix() throws EngineException {
        Map<String, Object> h = parse("--cap-add", "sys_admin", "--cap-add", "CAP_NET_ADMIN", "--cap-drop", "all",
                "busybox").hostConfig();
        assertEquals(List.of("CAP_SYS_ADMIN", "CAP_NET_ADMIN"), h.get("CapAdd"));
        assertEquals(List.of("ALL"), h.get("CapDrop"));
        assertNull(parse("busybox").hostConfig().get("CapAdd"));
    }

    @Test
    void configAndCommand() throws EngineException {
        CreateRequest r = parse("-it", "-e", "A=1", "-u", "nobody", "-h", "box", "-l", "k=v", "--entrypoint", "sh",
                "busybox", "-c", "echo hi");
        assertTrue(r.tty() && r.interactive());
        assertEquals(List.of("-c", "echo hi"), r.config().get("Cmd"));
        assertEquals(List.of("sh"), r.config().get("Entrypoint"));
        assertEquals("nobody", r.config().get("User"));
        assertEquals("box", r.config().get("Hostname"));
        assertEquals(Map.of("k", "v"), r.config().get("Labels"));
        assertEquals(List.of("A=1"), r.config().get("Env"));
        assertNull(parse("busybox").config().get("Cmd"));
    }

    @Test
    void restartPolicies() throws EngineException {
        assertEquals(Map.of("Name", "on-failure", "MaximumRetryCount", 3L),
                parse("--restart", "on-failure:3", "busybox").hostConfig().get("RestartPolicy"));
        assertEquals(Map.of("Name", "no", "MaximumRetryCount", 0L), parse("busybox").hostConfig().get("RestartPolicy"));
    }

    @Test
    void mountsAndTmpfs() throws EngineException {
        Map<String, Object> h = parse("--mount", "type=tmpfs,target=/t,tmpfs-size=1m,tmpfs-mode=1770",
                "--tmpfs", "/run:size=64m", "busybox").hostConfig();
        @SuppressWarnings("unchecked")
        Map<String, Object> m = ((List<Map<String, Object>>) h.get("Mounts")).get(0);
        assertEquals("tmpfs", m.get("Type"));
        assertEquals("/t", m.get("Target"));
        assertEquals(Map.of("SizeBytes", 1L << 20, "Mode", 01770L), m.get("TmpfsOptions"));
        assertEquals(Map.of("/run", "size=64m"), h.get("Tmpfs"));
        assertTrue(error("--mount", "type=bind,source=/nonexistent-hull,target=/x", "busybox").contains("does not exist"));
    }

    @Test
    void sizes() throws EngineException {
        assertEquals(64L << 20, Sizes.ram("-m", "64m"));
        assertEquals(64L << 20, Sizes.ram("-m", "64MB"));
        assertEquals(1536L << 20, Sizes.ram("-m", "1.5g"));
        assertEquals(512L, Sizes.ram("-m", "512"));
        assertEquals(512L, Sizes.ram("-m", "512b"));
        assertThrows(EngineException.class, () -> Sizes.ram("-m", "m"));
        assertThrows(EngineException.class, () -> Sizes.ram("-m", "-5m"));
        assertEquals(10_000_000L, Sizes.nanoCpus("0.01"));
    }
}
