package dev.hull.runtime.it;

import static dev.hull.runtime.it.HostCgroups.number;
import static dev.hull.runtime.it.HostCgroups.read;
import static dev.hull.runtime.it.LifecycleIT.waitFor;
import static dev.hull.runtime.it.TestBundle.obj;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.hull.spec.json.Json;
import dev.hull.spec.json.JsonException;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Issue #3's commands on a cgroup v1 / hybrid host: update (flags, -r FILE, -r -), pause and
 * resume, events (--stats, the stream and its OOM lines) and ps, checked against the container's
 * cgroup files and /proc.
 */
class ResourceCommandsIT extends ContainerTest {
    private static final long MIB = 1024 * 1024;

    @BeforeEach
    void v1Host() {
        assumeTrue(HostCgroups.v1Mount("memory") != null && HostCgroups.v1Mount("freezer") != null,
                "these tests read cgroup v1 files: no v1 memory or freezer hierarchy on this host");
    }

    private Path cg(String id, String controller) {
        return HostCgroups.dir(pid(id), controller);
    }

    private String start(TestBundle b) {
        String id = newId();
        ok("create", "--bundle", b.dir.toString(), id);
        ok("start", id);
        return id;
    }

    /** hull-runtime with this text on its stdin. */
    private Cmd.Result hullWithStdin(String input, String... args) throws IOException {
        Path in = dir.resolve("stdin-" + System.nanoTime());
        Files.writeString(in, input);
        List<String> argv = new ArrayList<>(List.of(Host.HULL.toString(), "--root", state.toString()));
        argv.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(argv).redirectInput(in.toFile());
        File out = dir.resolve("stdout-" + System.nanoTime()).toFile();
        File err = dir.resolve("stderr-" + System.nanoTime()).toFile();
        Process p = pb.redirectOutput(out).redirectError(err).start();
        try {
            assertTrue(p.waitFor(60, TimeUnit.SECONDS), "hull-runtime " + argv + " timed out");
        } catch (InterruptedException e) {
            p.destroyForcibly();
            throw new AssertionError(e);
        }
        return new Cmd.Result(p.exitValue(), Files.readString(out.toPath()), Files.readString(err.toPath()));
    }

    @SuppressWarnings("unchecked")
    private static Object at(Object json, String... path) {
        Object o = json;
        for (String k : path) {
            o = o instanceof Map<?, ?> m ? ((Map<String, Object>) m).get(k) : null;
        }
        return o;
    }

    private static long num(Object json, String... path) {
        Object o = at(json, path);
        assertTrue(o instanceof Number, String.join(".", path) + " is not a number in " + json);
        return ((Number) o).longValue();
    }

    private static void sleepMs(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    // ---- update ----

    @Test
    void updateFlagsChangeTheFilesAndAreKeptForTheNextUpdate() {
        TestBundle b = bundle();
        b.set("linux.resources.memory", obj("limit", 128 * MIB));
        b.args("sleep", "1000");
        String id = start(b);
        Path blkio = cg(id, "blkio");
        // the weight file a child blkio cgroup has here (CFQ's or BFQ's), if any
        String weightFile = Files.exists(blkio.resolve("blkio.weight")) ? "blkio.weight"
                : Files.exists(blkio.resolve("blkio.bfq.weight")) ? "blkio.bfq.weight" : null;
        int cpus = Runtime.getRuntime().availableProcessors();
        List<String> args = new ArrayList<>(List.of("update", "--memory", "64m", "--memory-swap", "96m",
                "--cpu-quota", "30000", "--cpu-period", "60000", "--cpu-share", "256",
                "--cpuset-cpus", Integer.toString(cpus - 1), "--pids-limit", "20"));
        if (weightFile != null) {
            args.addAll(List.of("--blkio-weight", "300"));
        }
        args.add(id);
        ok(args.toArray(String[]::new));
        Path m = cg(id, "memory"), cpu = cg(id, "cpu");
        assertEquals(64 * MIB, number(m, "memory.limit_in_bytes"));
        assertEquals(96 * MIB, number(m, "memory.memsw.limit_in_bytes"));
        assertEquals(30000, number(cpu, "cpu.cfs_quota_us"));
        assertEquals(60000, number(cpu, "cpu.cfs_period_us"));
        assertEquals(256, number(cpu, "cpu.shares"));
        assertEquals(Integer.toString(cpus - 1), read(cg(id, "cpuset"), "cpuset.cpus"));
        assertEquals(Integer.toString(cpus - 1), Host.status(pid(id)).get("Cpus_allowed_list"));
        assertEquals("20", read(cg(id, "pids"), "pids.max"));
        if (weightFile != null) {
            assertEquals("300", read(blkio, weightFile).replace("default ", ""));
        } else {
            Cmd.Result r = hull("update", "--blkio-weight", "300", id);
            assertEquals("hull-runtime: linux.resources.blockIO.weight: this kernel has no blkio.bfq.weight\n", r.err());
        }

        // the state keeps the result ...
        Map<String, Object> kept = HostCgroups.stateResources(state, id);
        assertEquals(64 * MIB, num(kept, "memory", "limit"));
        assertEquals(96 * MIB, num(kept, "memory", "swap"));
        assertEquals(256, num(kept, "cpu", "shares"));
        assertEquals(20, num(kept, "pids", "limit"));
        // ... and the next update, which sets only the pids limit, applies the rest of it again
        HostCgroups.write(cpu, "cpu.shares", "1024");
        ok("update", "--pids-limit", "30", id);
        assertEquals("30", read(cg(id, "pids"), "pids.max"));
        assertEquals(256, number(cpu, "cpu.shares"));
        assertEquals(64 * MIB, number(m, "memory.limit_in_bytes"));
        assertEquals(30000, number(cpu, "cpu.cfs_quota_us"));
        ok("delete", "--force", id);
    }

    @Test
    void updateReadsResourcesFromAFileAndFromStdin() throws IOException {
        TestBundle b = bundle();
        b.args("sleep", "1000");
        String id = start(b);
        Path file = dir.resolve("resources.json");
        Files.writeString(file, "{\"memory\": {\"limit\": " + 48 * MIB + "}, \"cpu\": {\"shares\": 300}}");
        ok("update", "-r", file.toString(), id);
        Path m = cg(id, "memory"), cpu = cg(id, "cpu");
        assertEquals(48 * MIB, number(m, "memory.limit_in_bytes"));
        assertEquals(300, number(cpu, "cpu.shares"));

        // "-": the resources come on stdin; flags go on top of them, as in runc
        Cmd.Result r = hullWithStdin("{\"pids\": {\"limit\": 15}, \"cpu\": {\"shares\": 500}}",
                "update", "-r", "-", "--cpu-share", "400", id);
        assertEquals(0, r.code(), r.toString());
        assertEquals("15", read(cg(id, "pids"), "pids.max"));
        assertEquals(400, number(cpu, "cpu.shares"));
        assertEquals(48 * MIB, number(m, "memory.limit_in_bytes"), "kept from the first update");

        // a bad document on stdin is an error, and changes nothing
        r = hullWithStdin("{\"pids\": {\"limit\": \"ten\"}}", "update", "-r", "-", id);
        assertEquals(1, r.code(), r.toString());
        assertTrue(r.err().startsWith("hull-runtime: ") && r.err().contains("pids.limit"), r.err());
        assertEquals("15", read(cg(id, "pids"), "pids.max"));
        ok("delete", "--force", id);
    }

    @Test
    void updateWorksOnACreatedContainerAndFailsOnAStoppedOne() {
        TestBundle b = bundle();
        b.args("true");
        String id = newId();
        ok("create", "--bundle", b.dir.toString(), id);
        ok("update", "--pids-limit", "12", id);
        assertEquals("12", read(cg(id, "pids"), "pids.max"));
        ok("start", id);
        waitFor(() -> status(id).equals("stopped"));
        Cmd.Result r = hull("update", "--pids-limit", "13", id);
        assertEquals(1, r.code(), r.toString());
        assertEquals("hull-runtime: container " + id + " is not running: cannot update it\n", r.err());
        assertEquals(12, ((Number) at(HostCgroups.stateResources(state, id), "pids", "limit")).longValue(),
                "the state is unchanged");
        ok("delete", id);
    }

    // ---- pause, resume ----

    @Test
    void pauseFreezesEveryProcessAndResumeThawsThem() throws IOException {
        TestBundle b = bundle();
        b.set("root.readonly", false);
        b.sh("i=0; while :; do i=$((i+1)); echo $i > /tmp/count; sleep 0.02; done & sleep 1000 & wait");
        String id = start(b);
        Path count = b.rootfs.resolve("tmp/count");
        waitFor(() -> Files.exists(count) && counter(count) > 2);
        Path freezer = cg(id, "freezer");
        ok("pause", id);
        assertEquals("paused", status(id));
        assertEquals("FROZEN", read(freezer, "freezer.state"));
        List<Long> pids = HostCgroups.procs(cg(id, "pids"));
        assertTrue(pids.size() >= 3, "sh, the loop's subshell, sleep: " + pids);
        for (long p : pids) {
            String st = Host.status(p).get("State");
            assertTrue(st.startsWith("D") || st.startsWith("T"), "process " + p + " is " + st + " while paused");
        }
        long frozenAt = counter(count);
        sleepMs(300);
        assertEquals(frozenAt, counter(count), "nothing runs while paused");

        ok("resume", id);
        assertEquals("running", status(id));
        assertEquals("THAWED", read(freezer, "freezer.state"));
        waitFor(() -> counter(count) > frozenAt + 2);
        for (long p : HostCgroups.procs(cg(id, "pids"))) {
            String st = Host.status(p).get("State");
            assertTrue(st.startsWith("S") || st.startsWith("R"), "process " + p + " is " + st + " after resume");
        }
        ok("delete", "--force", id);
    }

    private static long counter(Path file) {
        try {
            String s = Files.readString(file).trim();
            return s.isEmpty() ? -1 : Long.parseLong(s);
        } catch (IOException | NumberFormatException e) {
            return -1; // being rewritten
        }
    }

    @Test
    void pauseAndResumeRefuseContainersInTheWrongState() {
        TestBundle b = bundle();
        b.args("sleep", "1000");
        String id = newId();
        ok("create", "--bundle", b.dir.toString(), id);
        Cmd.Result r = hull("pause", id);
        assertEquals(1, r.code());
        assertEquals("hull-runtime: container " + id + " is created: only a running container can be paused\n", r.err());
        ok("start", id);
        r = hull("resume", id);
        assertEquals(1, r.code());
        assertEquals("hull-runtime: container " + id + " is running, not paused\n", r.err());
        ok("pause", id);
        r = hull("pause", id);
        assertEquals(1, r.code());
        assertEquals("hull-runtime: container " + id + " is paused: only a running container can be paused\n", r.err());
        assertEquals("paused", status(id));
        ok("resume", id);
        ok("kill", id, "KILL");
        waitFor(() -> status(id).equals("stopped"));
        r = hull("pause", id);
        assertEquals(1, r.code());
        assertEquals("hull-runtime: container " + id + " is stopped: only a running container can be paused\n", r.err());
        ok("delete", id);
    }

    @Test
    void killAndDeleteForceOfAPausedContainer() {
        TestBundle b = bundle();
        b.sh("sleep 1000 & sleep 1000");
        String id = start(b);
        long pid = pid(id);
        ok("pause", id);
        ok("kill", id, "KILL");
        waitFor(() -> !Host.alive(pid));
        waitFor(() -> status(id).equals("stopped"));
        ok("delete", id);

        String id2 = start(b);
        List<Long> pids = HostCgroups.procs(cg(id2, "pids"));
        ok("pause", id2);
        ok("delete", "--force", id2);
        for (long p : pids) {
            assertFalse(Host.alive(p), "process " + p + " of the deleted container");
        }
        assertEquals(1, hull("state", id2).code());
    }

    // ---- events ----

    @Test
    void eventsStatsPrintsOneLineThatMatchesTheCgroupFiles() throws JsonException {
        TestBundle b = bundle();
        b.set("linux.resources.memory", obj("limit", 64 * MIB));
        b.set("linux.resources.pids", obj("limit", 50));
        b.sh("sleep 1000 & exec sleep 1001");
        String id = start(b);
        Path m = cg(id, "memory"), pids = cg(id, "pids"), acct = cg(id, "cpuacct");
        waitFor(() -> HostCgroups.procs(pids).size() == 2);
        long cpuBefore = number(acct, "cpuacct.usage");
        String out = ok("events", "--stats", id).out();
        long cpuAfter = number(acct, "cpuacct.usage");
        assertEquals(1, out.split("\n").length, out);
        Object e = Json.parse(out.trim());
        assertEquals("stats", at(e, "type"));
        assertEquals(id, at(e, "id"));
        Object d = at(e, "data");
        for (String k : new String[] {"cpu", "memory", "pids", "blkio"}) {
            assertTrue(at(d, k) instanceof Map, k + " in " + out);
        }
        assertEquals(64 * MIB, num(d, "memory", "usage", "limit"));
        assertEquals(number(m, "memory.memsw.limit_in_bytes"), num(d, "memory", "swap", "limit"));
        long usage = num(d, "memory", "usage", "usage");
        assertTrue(usage > 0 && usage <= 64 * MIB, "memory usage " + usage);
        assertEquals(2, num(d, "pids", "current"), "sh's two sleeps");
        assertEquals(number(pids, "pids.current"), num(d, "pids", "current"));
        assertEquals(50, num(d, "pids", "limit"));
        long cpu = num(d, "cpu", "usage", "total");
        assertTrue(cpu >= cpuBefore && cpu <= cpuAfter, cpuBefore + " <= " + cpu + " <= " + cpuAfter);
        ok("delete", "--force", id);
    }

    @Test
    @SuppressWarnings("unchecked")
    void eventsStreamsStatsReportsAnOomKillAndEndsWithTheContainer() throws Exception {
        TestBundle b = bundle();
        b.set("root.readonly", false);
        b.set("linux.resources.memory", obj("limit", 32 * MIB));
        // pid 1 waits for the go, then forks a hog that the OOM killer takes; pid 1 lives on
        b.sh("while [ ! -e /tmp/go ]; do sleep 0.05; done; dd if=/dev/zero of=/dev/null bs=64M count=1; "
                + "echo $? > /tmp/hog; exec sleep 1000");
        String id = start(b);
        File out = dir.resolve("events.out").toFile();
        Process events = new ProcessBuilder(Host.HULL.toString(), "--root", state.toString(), "events",
                "--interval", "1s", id).redirectOutput(out).redirectError(dir.resolve("events.err").toFile()).start();
        try {
            waitFor(() -> lines(out).size() >= 1);
            Files.writeString(b.rootfs.resolve("tmp/go"), "");
            waitFor(() -> Files.exists(b.rootfs.resolve("tmp/hog")));
            assertEquals("137", Files.readString(b.rootfs.resolve("tmp/hog")).trim(), "the hog was SIGKILLed");
            waitFor(() -> lines(out).stream().anyMatch(l -> l.contains("\"oom\"")));
            assertEquals("running", status(id), "pid 1 survived");
            waitFor(() -> lines(out).stream().filter(l -> l.contains("\"stats\"")).count() >= 2);
            assertTrue(events.isAlive(), "events runs while the container does");
            ok("kill", id, "KILL");
            assertTrue(events.waitFor(10, TimeUnit.SECONDS), "events did not end with the container");
            assertEquals(0, events.exitValue(), Files.readString(dir.resolve("events.err")));
        } finally {
            events.destroyForcibly();
        }
        int stats = 0, ooms = 0;
        for (String l : lines(out)) {
            Map<String, Object> e = (Map<String, Object>) Json.parse(l);
            assertEquals(id, e.get("id"), l);
            if ("oom".equals(e.get("type"))) {
                ooms++;
                assertEquals(Map.of("type", "oom", "id", id), e);
            } else {
                assertEquals("stats", e.get("type"), l);
                assertEquals(32 * MIB, num(e, "data", "memory", "usage", "limit"));
                stats++;
            }
        }
        assertEquals(1, ooms, "one OOM kill, one oom line");
        assertTrue(stats >= 2, "stats lines: " + stats);
        ok("delete", id);
    }

    private static List<String> lines(File f) {
        try {
            List<String> out = new ArrayList<>();
            for (String l : Files.readString(f.toPath()).split("\n")) {
                if (!l.isBlank()) {
                    out.add(l);
                }
            }
            return out;
        } catch (IOException e) {
            return List.of();
        }
    }

    // ---- ps ----

    @Test
    void psShowsOnlyTheContainersProcesses() throws JsonException {
        TestBundle b = bundle();
        b.sh("sleep 1000 & sleep 1001 & wait");
        String id = start(b);
        Path pidsDir = cg(id, "pids");
        waitFor(() -> HostCgroups.procs(pidsDir).size() == 3);
        Set<Long> procs = new HashSet<>(HostCgroups.procs(pidsDir));

        String[] table = ok("ps", id).out().split("\n");
        assertTrue(table[0].trim().startsWith("UID") && table[0].contains(" PID "), table[0]);
        Set<Long> listed = new HashSet<>();
        for (int i = 1; i < table.length; i++) {
            listed.add(Long.parseLong(table[i].trim().split("\\s+")[1]));
        }
        assertEquals(procs, listed, String.join("\n", table));
        assertEquals(procs.size(), table.length - 1, "one line per process");

        Object json = Json.parse(ok("ps", "--format", "json", id).out().trim());
        Set<Long> fromJson = new HashSet<>();
        for (Object o : (List<?>) json) {
            fromJson.add(((Number) o).longValue());
        }
        assertEquals(procs, fromJson);

        // options after the id belong to ps(1)
        String[] custom = ok("ps", id, "-o", "pid,comm").out().split("\n");
        assertEquals(List.of("PID", "COMMAND"), List.of(custom[0].trim().split("\\s+")));
        Set<String> comms = new HashSet<>();
        for (int i = 1; i < custom.length; i++) {
            String[] f = custom[i].trim().split("\\s+");
            assertTrue(procs.contains(Long.parseLong(f[0])), custom[i]);
            comms.add(f[1]);
        }
        assertEquals(3, custom.length - 1);
        assertEquals(Set.of("sh", "sleep"), comms);
        ok("delete", "--force", id);
        assertNotEquals(0, hull("ps", id).code(), "ps of a container that is gone");
    }
}
