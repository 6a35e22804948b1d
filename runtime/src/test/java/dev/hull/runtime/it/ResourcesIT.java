package dev.hull.runtime.it;

import static dev.hull.runtime.it.HostCgroups.keyed;
import static dev.hull.runtime.it.HostCgroups.number;
import static dev.hull.runtime.it.HostCgroups.read;
import static dev.hull.runtime.it.TestBundle.obj;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Issue #3 on a cgroup v1 / hybrid host: every linux.resources field the host supports, read back
 * from the container's own cgroup files (found from /proc/PID/cgroup of its process); limits that
 * bite; the device allow-list against runc's; and values the kernel or the host refuses, which
 * fail with the field, the file and the errno and leave nothing behind.
 */
class ResourcesIT extends ContainerTest {
    private static final long MIB = 1024 * 1024;

    /** The unified root's cgroup.subtree_control before the test: Hull enables hugetlb there. */
    private String unifiedControl;

    @BeforeEach
    void v1Host() {
        assumeTrue(HostCgroups.v1Mount("memory") != null,
                "these tests read cgroup v1 files: no v1 memory hierarchy on this host");
        Path unified = HostCgroups.unifiedMount();
        unifiedControl = unified == null ? null : read(unified, "cgroup.subtree_control");
    }

    /**
     * Puts the unified root's subtree_control back as it was: hugepageLimits on a hybrid host
     * make Hull enable the v2 hugetlb controller along the container's path, from the root down,
     * and nothing disables it again. Runs before ContainerTest deletes what a failed test left.
     */
    @AfterEach
    void restoreUnifiedControllers() {
        Path unified = HostCgroups.unifiedMount();
        if (unifiedControl == null || unified == null) {
            return;
        }
        Set<String> before = Set.of(unifiedControl.split(" "));
        for (String c : read(unified, "cgroup.subtree_control").split(" ")) {
            if (!c.isEmpty() && !before.contains(c)) {
                HostCgroups.write(unified, "cgroup.subtree_control", "-" + c);
            }
        }
        assertEquals(unifiedControl, read(unified, "cgroup.subtree_control"),
                "the unified root's cgroup.subtree_control could not be restored");
    }

    // ---- helpers ----

    private TestBundle withResources(TestBundle b, Object... kv) {
        for (int i = 0; i < kv.length; i += 2) {
            b.set("linux.resources." + kv[i], kv[i + 1]);
        }
        return b;
    }

    /** A running `sleep 1000` with these linux.resources members ("memory", obj(...), ...). */
    private String sleeper(Object... kv) {
        return startSleeper(withResources(bundle(), kv));
    }

    private Path cg(String id, String controller) {
        return HostCgroups.dir(pid(id), controller);
    }

    /** create must fail with exactly this one stderr line, and leave no state, cgroup or process. */
    private void refused(TestBundle b, String id, String expectedLine) throws IOException {
        Cmd.Result r = hull("create", "--bundle", b.dir.toString(), id);
        assertEquals(1, r.code(), r.toString());
        assertEquals(expectedLine + "\n", r.err(), "stderr");
        assertNothingLeft(id);
    }

    private void assertNothingLeft(String id) throws IOException {
        assertEquals("", hull("list", "-q").out(), "containers left");
        assertFalse(Files.exists(state.resolve(id)), "state directory left");
        assertEquals(List.of(), cgroupsOf(List.of(id)), "cgroups left");
        assertEquals(List.of(), processesUnder(dir), "processes left");
    }

    private static List<Object> device(String majorMinor, String key, long value) {
        String[] mm = majorMinor.split(":");
        return List.of(obj("major", Long.parseLong(mm[0]), "minor", Long.parseLong(mm[1]), key, value));
    }

    private static List<String> caps(String... extra) {
        List<String> c = new ArrayList<>(List.of("CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE"));
        c.addAll(List.of(extra));
        return c;
    }

    private static void withCaps(TestBundle b, String... extra) {
        b.set("process.capabilities", obj("bounding", caps(extra), "effective", caps(extra),
                "permitted", caps(extra)));
    }

    private static void sleepMs(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    // ---- every field, read back ----

    @Test
    void memoryFieldsAreWrittenToTheV1MemoryFiles() {
        TestBundle b = withResources(bundle(), "memory", obj("limit", 64 * MIB, "reservation", 32 * MIB,
                "swap", 128 * MIB, "swappiness", 10, "disableOOMKiller", true, "kernelTCP", 16 * MIB,
                "kernel", 8 * MIB));
        b.args("sleep", "1000");
        String id = newId();
        Cmd.Result created = ok("create", "--bundle", b.dir.toString(), id);
        // kernel memory limits are gone from the kernel's v1 interface: a warning, as runc
        assertEquals("hull-runtime: warning: linux.resources.memory.kernel: kernel memory limits are deprecated "
                + "by the kernel; ignored (as runc does)\n", created.err());
        ok("start", id);
        Path m = cg(id, "memory");
        assertEquals(HostCgroups.own("memory").resolve(id), m, "a relative cgroup under the runtime's own");
        assertEquals(64 * MIB, number(m, "memory.limit_in_bytes"));
        assertEquals(32 * MIB, number(m, "memory.soft_limit_in_bytes"));
        assertEquals(128 * MIB, number(m, "memory.memsw.limit_in_bytes"));
        assertEquals(10, number(m, "memory.swappiness"));
        assertEquals(1, keyed(m, "memory.oom_control", "oom_kill_disable"));
        assertEquals(16 * MIB, number(m, "memory.kmem.tcp.limit_in_bytes"));
        assertEquals(read(m.getParent(), "memory.kmem.limit_in_bytes"), read(m, "memory.kmem.limit_in_bytes"),
                "memory.kernel is not written");
        ok("delete", "--force", id);
    }

    @Test
    void memoryAndSwapUpdatedTogetherGrowAndShrinkInAnOrderTheKernelTakes() throws IOException {
        String id = sleeper("memory", obj("limit", 64 * MIB, "swap", 128 * MIB));
        Path m = cg(id, "memory");
        Path file = dir.resolve("res.json");
        // growing: memory (256M) above the old memory+swap (128M) needs memsw first
        Files.writeString(file, "{\"memory\": {\"limit\": " + 256 * MIB + ", \"swap\": " + 512 * MIB + "}}");
        ok("update", "-r", file.toString(), id);
        assertEquals(256 * MIB, number(m, "memory.limit_in_bytes"));
        assertEquals(512 * MIB, number(m, "memory.memsw.limit_in_bytes"));
        // shrinking: memory+swap (48M) below the old memory (256M) needs memory first
        Files.writeString(file, "{\"memory\": {\"limit\": " + 32 * MIB + ", \"swap\": " + 48 * MIB + "}}");
        ok("update", "-r", file.toString(), id);
        assertEquals(32 * MIB, number(m, "memory.limit_in_bytes"));
        assertEquals(48 * MIB, number(m, "memory.memsw.limit_in_bytes"));
        // -1: unlimited, both
        Files.writeString(file, "{\"memory\": {\"limit\": -1, \"swap\": -1}}");
        ok("update", "-r", file.toString(), id);
        assertEquals(read(m.getParent(), "memory.limit_in_bytes"), read(m, "memory.limit_in_bytes"));
        assertEquals(read(m.getParent(), "memory.memsw.limit_in_bytes"), read(m, "memory.memsw.limit_in_bytes"));
        ok("delete", "--force", id);
    }

    @Test
    void cpuFieldsAreWrittenToTheV1CpuAndCpusetFiles() {
        Path cpuRoot = HostCgroups.own("cpu");
        assumeTrue(Files.exists(cpuRoot.resolve("cpu.rt_runtime_us")) && number(cpuRoot, "cpu.rt_runtime_us") >= 10000,
                "no realtime budget in the runtime's cpu cgroup");
        int last = Runtime.getRuntime().availableProcessors() - 1;
        String id = sleeper("cpu", obj("shares", 512, "quota", 50000, "period", 100000, "burst", 10000,
                "realtimeRuntime", 10000, "realtimePeriod", 1000000, "cpus", Integer.toString(last), "mems", "0"));
        Path cpu = cg(id, "cpu");
        assertEquals(512, number(cpu, "cpu.shares"));
        assertEquals(50000, number(cpu, "cpu.cfs_quota_us"));
        assertEquals(100000, number(cpu, "cpu.cfs_period_us"));
        assertEquals(10000, number(cpu, "cpu.cfs_burst_us"));
        assertEquals(10000, number(cpu, "cpu.rt_runtime_us"));
        assertEquals(1000000, number(cpu, "cpu.rt_period_us"));
        Path cpuset = cg(id, "cpuset");
        assertEquals(Integer.toString(last), read(cpuset, "cpuset.cpus"));
        assertEquals("0", read(cpuset, "cpuset.mems"));
        // and the kernel applies them to the process
        assertEquals(Integer.toString(last), Host.status(pid(id)).get("Cpus_allowed_list"));
        ok("delete", "--force", id);

        // an idle group (SCHED_IDLE weight) on its own: the kernel refuses shares for one
        String idle = sleeper("cpu", obj("idle", 1));
        assertEquals(1, number(cg(idle, "cpu"), "cpu.idle"));
        ok("delete", "--force", idle);
    }

    @Test
    void pidsLimitIsWrittenAndMinusOneMeansMax() throws IOException {
        String id = sleeper("pids", obj("limit", 10));
        Path p = cg(id, "pids");
        assertEquals("10", read(p, "pids.max"));
        Path file = dir.resolve("res.json");
        Files.writeString(file, "{\"pids\": {\"limit\": -1}}");
        ok("update", "-r", file.toString(), id);
        assertEquals("max", read(p, "pids.max"));
        ok("delete", "--force", id);
    }

    @Test
    void blockIOWeightAndThrottlesOfTheRootDisk() throws IOException {
        String disk = HostCgroups.rootDisk();
        assumeTrue(disk != null, "the root filesystem is on no block device");
        Set<String> child = HostCgroups.childFiles("blkio");
        String weightFile = child.contains("blkio.weight") ? "blkio.weight"
                : child.contains("blkio.bfq.weight") ? "blkio.bfq.weight" : null;
        TestBundle b = withResources(bundle(), "blockIO", obj("weight", 300,
                "throttleReadBpsDevice", device(disk, "rate", MIB),
                "throttleWriteBpsDevice", device(disk, "rate", 2 * MIB),
                "throttleReadIOPSDevice", device(disk, "rate", 100),
                "throttleWriteIOPSDevice", device(disk, "rate", 200)));
        if (weightFile == null) {
            // neither CFQ nor BFQ: the weight has nowhere to go, and create says so
            String id = newId();
            b.args("sleep", "1000");
            refused(b, id, "hull-runtime: linux.resources.blockIO.weight: this kernel has no blkio.bfq.weight");
            return;
        }
        String id = startSleeper(b);
        Path blkio = cg(id, "blkio");
        // blkio.bfq.weight reads "300"; blkio.weight (CFQ) too
        assertEquals("300", read(blkio, weightFile).replace("default ", ""));
        assertEquals(disk + " " + MIB, read(blkio, "blkio.throttle.read_bps_device"));
        assertEquals(disk + " " + 2 * MIB, read(blkio, "blkio.throttle.write_bps_device"));
        assertEquals(disk + " 100", read(blkio, "blkio.throttle.read_iops_device"));
        assertEquals(disk + " 200", read(blkio, "blkio.throttle.write_iops_device"));
        ok("delete", "--force", id);
    }

    @Test
    void hugepageLimitsAndUnifiedKeysLandInTheUnifiedHierarchy() throws IOException {
        Path unified = HostCgroups.unifiedMount();
        assumeTrue(unified != null && HostCgroups.v1Mount("hugetlb") == null
                && read(unified, "cgroup.controllers").contains("hugetlb"),
                "not a hybrid host whose unified hierarchy has hugetlb");
        String size = hugePageSize();
        long pageBytes = pageBytes(size);
        String id = sleeper("hugepageLimits", List.of(obj("pageSize", size, "limit", 2 * pageBytes)),
                "unified", obj("cgroup.max.descendants", "5"));
        Path u = cg(id, "");
        assertEquals(HostCgroups.own("").resolve(id), u);
        assertEquals(2 * pageBytes, number(u, "hugetlb." + size + ".max"));
        assertEquals("5", read(u, "cgroup.max.descendants"));
        // for the hugetlb files to exist at all, Hull enabled the controller from the unified root
        // down (restored after the test: see restoreUnifiedControllers)
        assertTrue(Set.of(read(unified, "cgroup.subtree_control").split(" ")).contains("hugetlb"));
        // and cgroup.max.descendants bites: a sixth cgroup below the container's is refused
        List<Path> made = new ArrayList<>();
        try {
            for (int i = 0; i < 5; i++) {
                made.add(Files.createDirectory(u.resolve("d" + i)));
            }
            try {
                Files.createDirectory(u.resolve("d5"));
                made.add(u.resolve("d5"));
                fail("a sixth descendant was created in spite of cgroup.max.descendants 5");
            } catch (IOException expected) {
                assertTrue(expected.getMessage().contains("Resource temporarily unavailable"), expected.toString());
            }
        } finally {
            for (Path p : made) {
                Files.deleteIfExists(p);
            }
        }
        ok("delete", "--force", id);
        assertFalse(Files.exists(u));
    }

    /** A huge page size this host has, as the cgroup files name it ("2MB", "1GB"). */
    private static String hugePageSize() throws IOException {
        List<String> sizes = new ArrayList<>();
        try (var s = Files.list(Path.of("/sys/kernel/mm/hugepages"))) {
            s.forEach(p -> sizes.add(p.getFileName().toString()));
        }
        assumeFalse(sizes.isEmpty(), "no huge pages on this host");
        sizes.sort(null);
        long kb = Long.parseLong(sizes.getFirst().replace("hugepages-", "").replace("kB", ""));
        return kb >= 1024 * 1024 ? kb / (1024 * 1024) + "GB" : kb >= 1024 ? kb / 1024 + "MB" : kb + "KB";
    }

    private static long pageBytes(String size) {
        long n = Long.parseLong(size.substring(0, size.length() - 2));
        return n * (size.endsWith("GB") ? 1024 * MIB : size.endsWith("MB") ? MIB : 1024);
    }

    @Test
    void networkAndRdmaAreRefusedNamingTheField() throws IOException {
        assumeTrue(HostCgroups.v1Mount("net_cls") == null && HostCgroups.v1Mount("net_prio") == null
                && HostCgroups.v1Mount("rdma") == null, "this host has net_cls, net_prio or rdma");
        TestBundle b = withResources(bundle(), "network", obj("classID", 1048577));
        b.args("sleep", "1000");
        refused(b, newId(), "hull-runtime: linux.resources.network.classID: the net_cls cgroup controller is not "
                + "available on this host");

        b.set("linux.resources.network", obj("priorities", List.of(obj("name", "eth0", "priority", 5))));
        refused(b, newId(), "hull-runtime: linux.resources.network.priorities[0]: the net_prio cgroup controller "
                + "is not available on this host");

        b.set("linux.resources.network", null);
        b.set("linux.resources.rdma", obj("mlx4_0", obj("hcaHandles", 2, "hcaObjects", 2000)));
        refused(b, newId(), "hull-runtime: linux.resources.rdma[\"mlx4_0\"]: the rdma cgroup controller is not "
                + "available on this host");
    }

    // ---- limits that bite ----

    @Test
    void aMemoryHogIsOomKilledInItsContainerOnly() {
        Path parent = HostCgroups.own("memory");
        long parentKills = keyed(parent, "memory.oom_control", "oom_kill");
        TestBundle b = withResources(bundle(), "memory", obj("limit", 32 * MIB));
        // a 64 MiB buffer, filled from /dev/zero: twice the limit, and no swap to go to
        b.args("dd", "if=/dev/zero", "of=/dev/null", "bs=64M", "count=1");
        String id = newId();
        Cmd.Result r = hull("run", "--keep", "--bundle", b.dir.toString(), id);
        assertEquals(137, r.code(), "SIGKILLed by the OOM killer: " + r);
        Path m = HostCgroups.fromState(state, id, "memory");
        assertEquals(1, keyed(m, "memory.oom_control", "oom_kill"), "the kill was the container's");
        assertTrue(number(m, "memory.failcnt") > 0);
        assertTrue(number(m, "memory.max_usage_in_bytes") <= 32 * MIB, read(m, "memory.max_usage_in_bytes"));
        // the host is fine: nothing above the container was short of memory
        assertEquals(parentKills, keyed(parent, "memory.oom_control", "oom_kill"));
        ok("delete", id);
    }

    @Test
    void aOneMiBLimitStillRunsTrue() {
        TestBundle b = withResources(bundle(), "memory", obj("limit", MIB));
        b.args("/bin/true");
        Cmd.Result r = hull("run", "--bundle", b.dir.toString(), newId());
        assertEquals(0, r.code(), r.toString());
    }

    @Test
    void sharesSplitOneCpuOneToTwo() {
        int cpus = Runtime.getRuntime().availableProcessors();
        assumeTrue(cpus >= 2, "needs two CPUs");
        String one = Integer.toString(cpus - 1);
        String busy = "while :; do :; done";
        TestBundle b1 = withResources(bundle(), "cpu", obj("shares", 512, "cpus", one));
        b1.sh(busy);
        TestBundle b2 = withResources(bundle(), "cpu", obj("shares", 1024, "cpus", one));
        b2.sh(busy);
        String low = newId(), high = newId();
        ok("run", "-d", "--bundle", b1.dir.toString(), low);
        ok("run", "-d", "--bundle", b2.dir.toString(), high);
        Path a1 = cg(low, "cpuacct"), a2 = cg(high, "cpuacct");
        sleepMs(300);
        long u1 = number(a1, "cpuacct.usage"), u2 = number(a2, "cpuacct.usage");
        sleepMs(2500);
        long d1 = number(a1, "cpuacct.usage") - u1, d2 = number(a2, "cpuacct.usage") - u2;
        ok("delete", "--force", low);
        ok("delete", "--force", high);
        double ratio = (double) d1 / d2;
        assertTrue(ratio > 0.5 * 0.85 && ratio < 0.5 * 1.15,
                "shares 512:1024 on one CPU should give 1:2, got " + d1 + " ns : " + d2 + " ns = " + ratio);
    }

    /**
     * The quota is a ceiling: the loop never gets more than half a core, in any window. Whether
     * it gets as much depends on the host: CI shares two cores with other jobs. So a window in
     * which it got less only fails the test if the host had a core's half to spare (idle time in
     * /proc/stat); a saturated host is measured again, up to three windows.
     */
    @Test
    void aQuotaHoldsABusyLoopAtHalfACore() {
        TestBundle b = withResources(bundle(), "cpu", obj("quota", 50000, "period", 100000));
        b.sh("while :; do :; done");
        String id = newId();
        ok("run", "-d", "--bundle", b.dir.toString(), id);
        Path acct = cg(id, "cpuacct");
        long throttled;
        List<String> windows = new ArrayList<>();
        boolean reached = false, spare = false;
        try {
            sleepMs(300);
            for (int w = 0; w < 3 && !reached; w++) {
                long u0 = number(acct, "cpuacct.usage"), idle0 = idleTicks(), t0 = System.nanoTime();
                sleepMs(1500);
                long used = number(acct, "cpuacct.usage") - u0, idle = idleTicks() - idle0;
                long wall = System.nanoTime() - t0;
                double share = (double) used / wall;
                double idleCores = idle / 100.0 / (wall / 1e9); // USER_HZ
                windows.add(String.format("%.3f of a core (host idle %.2f cores)", share, idleCores));
                assertTrue(share < 0.5 * 1.15, "a 50000/100000 quota let a busy loop have more than half a core: "
                        + windows);
                reached = share > 0.5 * 0.85;
                spare |= !reached && idleCores >= 0.5;
            }
            throttled = keyed(cg(id, "cpu"), "cpu.stat", "nr_throttled");
        } finally {
            ok("delete", "--force", id);
        }
        assertTrue(throttled > 0, "cpu.stat nr_throttled");
        if (!reached) {
            assertFalse(spare, "the busy loop got less than half a core while the host had CPU to spare: " + windows);
            System.err.println("aQuotaHoldsABusyLoopAtHalfACore: the host was saturated, only the ceiling was "
                    + "checked: " + windows);
        }
    }

    /** idle + iowait of all CPUs, in USER_HZ ticks, from /proc/stat. */
    private static long idleTicks() {
        String[] f = Host.read("/proc/stat").split("\n")[0].trim().split("\\s+");
        return Long.parseLong(f[4]) + Long.parseLong(f[5]);
    }

    @Test
    void aPidsLimitStopsAForkBomb() {
        TestBundle b = withResources(bundle(), "pids", obj("limit", 10));
        b.set("root.readonly", false);
        // a subshell forks without end until a fork fails, which ends it (a shell gives up on a
        // failed fork); pid 1 then carries on without forking
        b.sh("(while :; do sleep 1000 & done) 2>/tmp/fork-errors; echo $? > /tmp/done; exec sleep 1000");
        String id = startSleeperless(b);
        Path p = cg(id, "pids");
        long most = 0;
        Path done = b.rootfs.resolve("tmp/done");
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (!Files.exists(done)) {
            most = Math.max(most, number(p, "pids.current"));
            assertTrue(System.nanoTime() < deadline, "the fork loop did not end");
            sleepMs(2);
        }
        most = Math.max(most, number(p, "pids.current"));
        assertTrue(most <= 10, "pids.current went above the limit: " + most);
        assertTrue(keyed(p, "pids.events", "max") > 0, "pids.events counts the refused forks");
        assertEquals("sh: can't fork: Resource temporarily unavailable", read(b.rootfs.resolve("tmp"), "fork-errors"));
        assertNotEquals("0", read(b.rootfs.resolve("tmp"), "done"), "the forking subshell failed");
        // pid 1 and the sleeps the limit let through: the subshell is gone, and nothing got past ten
        assertEquals(9, number(p, "pids.current"));
        assertEquals(9, HostCgroups.procs(p).size());
        assertEquals("running", status(id), "pid 1 survives the refused forks");
        ok("delete", "--force", id);
    }

    /** create + start of a bundle whose process is already set. */
    private String startSleeperless(TestBundle b) {
        String id = newId();
        ok("create", "--bundle", b.dir.toString(), id);
        ok("start", id);
        return id;
    }

    // ---- devices ----

    /** runc --root DIR/runc-state args... */
    private Cmd.Result runc(String... args) {
        List<String> argv = new ArrayList<>(List.of(Host.runc(), "--root", dir.resolve("runc-state").toString()));
        argv.addAll(List.of(args));
        return Cmd.run(argv, java.time.Duration.ofSeconds(60), Map.of(), dir);
    }

    @Test
    void theDefaultDeviceListIsRuncsAndItsNodesWork() {
        assumeTrue(Host.hasRunc(), "runc is not installed: nothing to compare with");
        TestBundle b = bundle();
        b.args("sleep", "1000");
        String hullId = newId(), runcId = newId();
        String runcList;
        Cmd.Result r = runc("run", "-d", "--bundle", b.dir.toString(), runcId);
        try {
            assertEquals(0, r.code(), "runc run: " + r);
            String runcState = runc("state", runcId).out();
            long runcPid = Long.parseLong(runcState.replaceAll("(?s).*\"pid\": (\\d+),.*", "$1"));
            runcList = read(HostCgroups.dir(runcPid, "devices"), "devices.list");
        } finally {
            runc("delete", "--force", runcId);
        }
        ok("run", "-d", "--bundle", b.dir.toString(), hullId);
        String hullList = read(cg(hullId, "devices"), "devices.list");
        ok("delete", "--force", hullId);
        assertEquals(runcList, hullList, "devices.list of the same bundle under runc and Hull");
        assertEquals("""
                b *:* m
                c *:* m
                c 1:3 rwm
                c 1:5 rwm
                c 1:7 rwm
                c 1:8 rwm
                c 1:9 rwm
                c 5:0 rwm
                c 5:2 rwm
                c 10:200 rwm
                c 136:* rwm""", hullList);

        // the default nodes work; /dev/tty is allowed (no controlling terminal: ENXIO, not EPERM)
        TestBundle n = bundle();
        n.sh("echo x > /dev/null && echo null ok; head -c 4 /dev/zero | wc -c; head -c 4 /dev/urandom | wc -c; "
                + "head -c 4 /dev/random | wc -c; echo x > /dev/full; echo x > /dev/tty; true");
        Cmd.Result out = ok("run", "--bundle", n.dir.toString(), newId());
        assertEquals("null ok\n4\n4\n4\n", out.out());
        assertTrue(out.err().contains("No space left on device"), out.err());
        assertTrue(out.err().contains("No such device or address"), out.err());
        assertFalse(out.err().contains("Operation not permitted"), out.err());
    }

    @Test
    void aBlockDeviceOutsideTheListCanBeMadeButNotOpened() {
        String disk = HostCgroups.rootDisk();
        assumeTrue(disk != null, "the root filesystem is on no block device");
        String[] mm = disk.split(":");
        TestBundle b = bundle();
        withCaps(b, "CAP_MKNOD");
        b.sh("mknod /dev/disk b " + mm[0] + " " + mm[1] + " && echo made; head -c 1 /dev/disk > /dev/null; "
                + "echo rc=$?");
        Cmd.Result r = hull("run", "--bundle", b.dir.toString(), newId());
        assertEquals(0, r.code(), r.toString());
        assertEquals("made\nrc=1\n", r.out(), "'m' is allowed for every node, reading this one is not");
        assertEquals("head: /dev/disk: Operation not permitted\n", r.err());
    }

    @Test
    void linuxDevicesAndAnExplicitAllowRuleOpenTheirNodes() {
        TestBundle b = bundle();
        withCaps(b, "CAP_MKNOD");
        // /dev/myloop from linux.devices; 7:1 made by the container, allowed read-only by a rule
        b.set("linux.devices", List.of(obj("path", "/dev/myloop", "type", "b", "major", 7, "minor", 0)));
        b.set("linux.resources.devices", List.of(obj("allow", false, "access", "rwm"),
                obj("allow", true, "type", "b", "major", 7, "minor", 1, "access", "r")));
        b.sh("exec 3</dev/myloop && echo myloop opened; mknod /dev/l1 b 7 1 && (exec 4</dev/l1 && echo l1 read); "
                + "(exec 5<>/dev/l1 && echo l1 write); true");
        // the rules, as the kernel lists them, while the container waits to be started
        String id = newId();
        ok("create", "--bundle", b.dir.toString(), id);
        String list = read(cg(id, "devices"), "devices.list");
        ok("delete", "--force", id);
        assertTrue(List.of(list.split("\n")).contains("b 7:0 rwm"), list);
        assertTrue(List.of(list.split("\n")).contains("b 7:1 r"), list);
        Cmd.Result r = hull("run", "--bundle", b.dir.toString(), newId());
        assertEquals(0, r.code(), r.toString());
        assertEquals("myloop opened\nl1 read\n", r.out());
        // busybox opens <> with O_CREAT, hence its "can't create"
        assertEquals("sh: can't create /dev/l1: Operation not permitted\n", r.err(), "no w for 7:1");
    }

    // ---- what the kernel or the host refuses ----

    @Test
    void cpusOutsideTheMachineFailCreateWithTheFieldTheFileAndTheErrno() throws IOException {
        int cpus = Runtime.getRuntime().availableProcessors();
        assumeTrue(cpus < 8, "CPU 7 exists here");
        TestBundle b = withResources(bundle(), "cpu", obj("cpus", "7"));
        b.args("sleep", "1000");
        String id = newId();
        refused(b, id, "hull-runtime: linux.resources.cpu.cpus: write 7 to " + HostCgroups.own("cpuset").resolve(id)
                + "/cpuset.cpus: ERANGE: Numerical result out of range");
    }

    @Test
    void aMemoryLimitBelowUsageIsRefusedAndTheContainerIsUnchanged() throws IOException {
        TestBundle b = withResources(bundle(), "memory", obj("limit", 64 * MIB));
        // 8 MiB of tmpfs: charged to the container, and nowhere to reclaim it to without swap
        b.sh("head -c 8388608 /dev/zero > /dev/shm/fill && touch /dev/shm/ready; exec sleep 1000");
        String id = startSleeperless(b);
        long pid = pid(id);
        LifecycleIT.waitFor(() -> Files.exists(Path.of("/proc/" + pid + "/root/dev/shm/ready")));
        Path m = cg(id, "memory");
        Map<String, Object> kept = HostCgroups.stateResources(state, id);
        Path file = dir.resolve("res.json");

        Files.writeString(file, "{\"memory\": {\"limit\": " + 4 * MIB + ", \"checkBeforeUpdate\": true}}");
        Cmd.Result r = hull("update", "-r", file.toString(), id);
        assertEquals(1, r.code(), r.toString());
        assertTrue(r.err().matches("hull-runtime: linux\\.resources\\.memory\\.limit: 4194304 is below the current "
                + "usage, \\d+ \\(checkBeforeUpdate\\)\n"), r.err());
        assertEquals(64 * MIB, number(m, "memory.limit_in_bytes"));
        assertEquals(kept, HostCgroups.stateResources(state, id));

        // without the check, the kernel itself refuses: it cannot reclaim enough
        Files.writeString(file, "{\"memory\": {\"limit\": " + 4 * MIB + "}}");
        r = hull("update", "-r", file.toString(), id);
        assertEquals(1, r.code(), r.toString());
        assertEquals("hull-runtime: linux.resources.memory.limit: write 4194304 to " + m
                + "/memory.limit_in_bytes: EBUSY: Device or resource busy\n", r.err());
        assertEquals(64 * MIB, number(m, "memory.limit_in_bytes"));
        assertEquals(kept, HostCgroups.stateResources(state, id));
        assertEquals("running", status(id));
        assertTrue(Host.alive(pid));
        ok("delete", "--force", id);
    }

    @Test
    void hugepageLimitsWithAnUnknownPageSizeNamePageSize() throws IOException {
        Path unified = HostCgroups.unifiedMount();
        assumeTrue(HostCgroups.v1Mount("hugetlb") != null
                || unified != null && read(unified, "cgroup.controllers").contains("hugetlb"), "no hugetlb controller");
        TestBundle b = withResources(bundle(), "hugepageLimits", List.of(obj("pageSize", "3MB", "limit", 6 * MIB)));
        b.args("sleep", "1000");
        refused(b, newId(), "hull-runtime: linux.resources.hugepageLimits[0].pageSize: this host has no huge pages "
                + "of size \"3MB\"");
    }

    @Test
    void blockIOFilesTheKernelLacksOrRefusesAreNamed() throws IOException {
        String disk = HostCgroups.rootDisk();
        assumeTrue(disk != null, "the root filesystem is on no block device");
        Set<String> child = HostCgroups.childFiles("blkio");
        assumeFalse(child.contains("blkio.leaf_weight"), "this kernel has CFQ's leaf weights");
        TestBundle b = withResources(bundle(), "blockIO", obj("leafWeight", 300));
        b.args("sleep", "1000");
        refused(b, newId(), "hull-runtime: linux.resources.blockIO.leafWeight: this kernel has no blkio.leaf_weight");

        // a per-device BFQ weight for a disk whose scheduler is not BFQ: the kernel says no
        String scheduler = Host.read("/sys/dev/block/" + disk + "/queue/scheduler");
        assumeTrue(child.contains("blkio.bfq.weight_device") && !scheduler.contains("[bfq]"),
                "the root disk's scheduler is BFQ, or this kernel has no BFQ weights");
        b.set("linux.resources.blockIO", obj("weightDevice", device(disk, "weight", 500)));
        String id = newId();
        refused(b, id, "hull-runtime: linux.resources.blockIO.weightDevice[0]: write " + disk + " 500 to "
                + HostCgroups.own("blkio").resolve(id) + "/blkio.bfq.weight_device: ENOTSUP: Operation not supported");
    }
}
