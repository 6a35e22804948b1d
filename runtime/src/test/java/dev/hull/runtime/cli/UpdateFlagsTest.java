package dev.hull.runtime.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.hull.runtime.HullException;
import dev.hull.spec.Resources;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `update`'s flags to the resources they set: each flag its member, the rest absent. */
class UpdateFlagsTest {
    static Resources update(String... args) throws Exception {
        return Main.updateResources(Args.parse(List.of(args), Main.UPDATE, false));
    }

    static Resources memory(Long limit, Long reservation, Long swap, Long kernel, Long kernelTCP) {
        return new Resources(null, new Resources.Memory(limit, reservation, swap, kernel, kernelTCP, null, null, null,
                null), null, null, null, null, null, null, null);
    }

    static Resources cpu(Resources.Cpu c) {
        return new Resources(null, null, c, null, null, null, null, null, null);
    }

    @Test
    void noFlagsSetNothing() throws Exception {
        assertEquals(Resources.EMPTY, update("c1"));
    }

    @Test
    void memoryFlags() throws Exception {
        assertEquals(memory(536870912L, null, null, null, null), update("--memory", "512m", "c1"));
        assertEquals(memory(null, 268435456L, null, null, null), update("--memory-reservation=256MiB", "c1"));
        assertEquals(memory(null, null, -1L, null, null), update("--memory-swap", "-1", "c1"));
        assertEquals(memory(null, null, null, 1024L, null), update("--kernel-memory", "1k", "c1"));
        assertEquals(memory(null, null, null, null, 1610612736L), update("--kernel-memory-tcp", "1.5g", "c1"));
        assertEquals(memory(1073741824L, 1L, 2147483648L, null, null),
                update("c1", "--memory", "1g", "--memory-swap", "2g", "--memory-reservation", "1"));
    }

    @Test
    void cpuFlags() throws Exception {
        assertEquals(cpu(new Resources.Cpu(512L, null, null, null, null, null, null, null, null)),
                update("--cpu-share", "512", "c1"));
        assertEquals(cpu(new Resources.Cpu(null, -1L, null, null, null, null, null, null, null)),
                update("--cpu-quota", "-1", "c1"));
        assertEquals(cpu(new Resources.Cpu(null, null, 1000L, null, null, null, null, null, null)),
                update("--cpu-burst", "1000", "c1"));
        assertEquals(cpu(new Resources.Cpu(null, null, null, 250000L, null, null, null, null, null)),
                update("--cpu-period", "250000", "c1"));
        assertEquals(cpu(new Resources.Cpu(null, null, null, null, 950000L, null, null, null, null)),
                update("--cpu-rt-runtime", "950000", "c1"));
        assertEquals(cpu(new Resources.Cpu(null, null, null, null, null, 1000000L, null, null, null)),
                update("--cpu-rt-period", "1000000", "c1"));
        assertEquals(cpu(new Resources.Cpu(null, null, null, null, null, null, "0-3", null, null)),
                update("--cpuset-cpus", "0-3", "c1"));
        assertEquals(cpu(new Resources.Cpu(null, null, null, null, null, null, null, "0,1", null)),
                update("--cpuset-mems", "0,1", "c1"));
        assertEquals(cpu(new Resources.Cpu(null, null, null, null, null, null, null, null, 1L)),
                update("--cpu-idle", "1", "c1"));
        assertEquals(cpu(new Resources.Cpu(1024L, 50000L, null, 100000L, null, null, "1", null, null)),
                update("--cpu-quota", "50000", "--cpu-period", "100000", "--cpu-share", "1024", "--cpuset-cpus", "1",
                        "c1"));
    }

    @Test
    void pidsAndBlkio() throws Exception {
        assertEquals(new Resources(null, null, null, new Resources.Pids(100L), null, null, null, null, null),
                update("--pids-limit", "100", "c1"));
        assertEquals(new Resources(null, null, null, new Resources.Pids(-1L), null, null, null, null, null),
                update("--pids-limit=-1", "c1"));
        assertEquals(new Resources(null, null, null, null,
                        new Resources.BlockIO(300, null, null, null, null, null, null), null, null, null, null),
                update("--blkio-weight", "300", "c1"));
    }

    /** The file's resources, then the flags on top of them, member by member. */
    @Test
    void resourcesFileThenFlags(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("r.json");
        Files.writeString(file, "{\"memory\":{\"limit\":1024,\"swap\":4096},\"cpu\":{\"shares\":100},"
                + "\"pids\":{\"limit\":5},\"unified\":{\"memory.high\":\"2048\"}}");
        Resources r = update("-r", file.toString(), "--memory", "2048", "--pids-limit", "9", "c1");
        assertEquals(new Resources.Memory(2048L, null, 4096L, null, null, null, null, null, null), r.memory());
        assertEquals(new Resources.Cpu(100L, null, null, null, null, null, null, null, null), r.cpu());
        assertEquals(new Resources.Pids(9L), r.pids());
        assertEquals(java.util.Map.of("memory.high", "2048"), r.unified());
    }

    @Test
    void errors(@TempDir Path dir) throws Exception {
        assertEquals("--memory: invalid size \"lots\"",
                assertThrows(Args.UsageException.class, () -> update("--memory", "lots", "c1")).getMessage());
        assertEquals("--cpu-quota: \"1.5\" is not a number",
                assertThrows(Args.UsageException.class, () -> update("--cpu-quota", "1.5", "c1")).getMessage());
        assertEquals("--pids-limit: \"many\" is not a number",
                assertThrows(Args.UsageException.class, () -> update("--pids-limit", "many", "c1")).getMessage());
        assertEquals("Intel RDT (--l3-cache-schema, --mem-bw-schema) is not supported",
                assertThrows(HullException.class, () -> update("--l3-cache-schema", "L3:0=f", "c1")).getMessage());
        Path bad = dir.resolve("bad.json");
        Files.writeString(bad, "{\"memory\":{\"limit\":\"big\"}}");
        assertEquals("resources.memory.limit: expected an integer, got a string",
                assertThrows(HullException.class, () -> update("--resources", bad.toString(), "c1")).getMessage());
        assertEquals(true, assertThrows(HullException.class,
                () -> update("--resources", dir.resolve("none.json").toString(), "c1")).getMessage()
                .startsWith("--resources " + dir.resolve("none.json") + ": "));
    }
}
