package dev.hull.engine.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Docker in Action ch. 6, "Resource allowances": limits as the kernel's cgroup files show them. */
class ResourcesIT extends EngineTest {

    @Test
    void limitsReachTheCgroupFilesAndUpdateChangesThem() {
        String id = sleeper("--name", "limited", "-m", "64m", "--cpus", "0.5", "--cpu-shares", "512",
                "--pids-limit", "20");
        assertEquals("67108864", read(cgroup("memory", id).resolve("memory.limit_in_bytes")));
        assertEquals("134217728", read(cgroup("memory", id).resolve("memory.memsw.limit_in_bytes")),
                "memory+swap is twice the memory limit by default");
        assertEquals("50000", read(cgroup("cpu", id).resolve("cpu.cfs_quota_us")));
        assertEquals("100000", read(cgroup("cpu", id).resolve("cpu.cfs_period_us")));
        assertEquals("512", read(cgroup("cpu", id).resolve("cpu.shares")));
        assertEquals("20", read(cgroup("pids", id).resolve("pids.max")));
        // the container's process is really in those cgroups
        String procCgroup = read("/proc/" + pid(id) + "/cgroup");
        assertTrue(procCgroup.contains(":memory:/hull/" + id + "\n") || procCgroup.endsWith(":memory:/hull/" + id),
                procCgroup);

        // docker stats: its row, with the limit and the pids count
        String stats = out("stats", "--no-stream");
        String row = stats.lines().filter(l -> l.startsWith(id.substring(0, 12))).findFirst()
                .orElseThrow(() -> new AssertionError("no row for the container in\n" + stats));
        assertTrue(row.matches(".*\\s/\\s64MiB\\s.*"), "MEM USAGE / LIMIT of 64MiB in: " + row);
        String[] cols = row.trim().split("\\s+");
        assertTrue(Integer.parseInt(cols[cols.length - 1]) >= 1, "PIDS >= 1 in: " + row);
        assertEquals("limited 1", out("stats", "--no-stream", "--format", "{{.Name}} {{.PIDs}}", "limited"));

        ok("update", "--memory", "128m", "--cpus", "1", "limited");
        assertEquals("134217728", read(cgroup("memory", id).resolve("memory.limit_in_bytes")));
        assertEquals("100000", read(cgroup("cpu", id).resolve("cpu.cfs_quota_us")));
        JsonNode host = inspect("limited").get("HostConfig");
        assertEquals(134217728L, host.get("Memory").asLong());
        assertEquals(1_000_000_000L, host.get("NanoCpus").asLong());
        assertEquals(512L, host.get("CpuShares").asLong());
    }

    @Test
    void memoryHogIsOomKilled() {
        Result r = hull("run", "--name", "hog", "-m", "32m", "busybox", "sh", "-c", "x=a; while true; do x=$x$x; done");
        assertEquals(137, r.code(), r::toString);
        assertEquals("true 137 exited", out("inspect", "--format", "{{.State.OOMKilled}} {{.State.ExitCode}} {{.State.Status}}", "hog"));
        ok("rm", "hog");
    }

    @Test
    void cpusetAndPidsLimitsAreEnforced() {
        // sh and 3 sleeps fill a pids limit of 4: the 4th fork fails (and busybox sh gives up with 2)
        Result r = hull("run", "--rm", "--cpuset-cpus", "0", "--pids-limit", "4", "busybox", "sh", "-c",
                "grep Cpus_allowed_list /proc/self/status; for i in 1 2 3 4 5; do sleep 1 & done; wait");
        assertEquals("Cpus_allowed_list:\t0", r.out().strip(), r::toString);
        assertEquals("sh: can't fork: Resource temporarily unavailable", r.err().strip(), r::toString);
        assertEquals(2, r.code(), r::toString);
    }
}
