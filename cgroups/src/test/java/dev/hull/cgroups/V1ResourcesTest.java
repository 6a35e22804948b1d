package dev.hull.cgroups;

import static dev.hull.cgroups.Res.res;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hull.spec.Resources;
import dev.hull.sys.Errno;
import java.util.List;
import org.junit.jupiter.api.Test;

/** linux.resources on v1 controllers, against a recording double of the kernel's files. */
class V1ResourcesTest {
    static final String UNLIMITED = "9223372036854771712"; // what v1 shows for no limit

    /** A v1 cgroup with every controller and the files a recent kernel has, at their defaults. */
    static RecordingFiles host() {
        return RecordingFiles.v1()
                .controllers("memory", "cpu", "cpuacct", "cpuset", "pids", "blkio", "devices", "net_cls",
                        "net_prio", "hugetlb", "rdma", "freezer")
                .file("memory", "memory.limit_in_bytes", UNLIMITED)
                .file("memory", "memory.memsw.limit_in_bytes", UNLIMITED)
                .file("memory", "memory.usage_in_bytes", "104857600")
                .file("memory", "memory.soft_limit_in_bytes", UNLIMITED)
                .file("memory", "memory.kmem.tcp.limit_in_bytes", UNLIMITED)
                .file("memory", "memory.swappiness", "60")
                .file("memory", "memory.oom_control", "oom_kill_disable 0\nunder_oom 0\noom_kill 0")
                .file("cpu", "cpu.shares", "1024")
                .file("cpu", "cpu.cfs_period_us", "100000")
                .file("cpu", "cpu.cfs_quota_us", "-1")
                .file("cpu", "cpu.cfs_burst_us", "0")
                .file("cpu", "cpu.rt_period_us", "1000000")
                .file("cpu", "cpu.rt_runtime_us", "0")
                .file("cpu", "cpu.idle", "0")
                .file("cpuset", "cpuset.cpus", "0-7")
                .file("cpuset", "cpuset.mems", "0")
                .file("pids", "pids.max", "max")
                .file("blkio", "blkio.weight", "500")
                .file("blkio", "blkio.weight_device")
                .file("blkio", "blkio.leaf_weight", "500")
                .file("blkio", "blkio.leaf_weight_device")
                .file("blkio", "blkio.throttle.read_bps_device")
                .file("blkio", "blkio.throttle.write_bps_device")
                .file("blkio", "blkio.throttle.read_iops_device")
                .file("blkio", "blkio.throttle.write_iops_device")
                .file("devices", "devices.allow")
                .file("devices", "devices.deny")
                .file("net_cls", "net_cls.classid", "0")
                .file("net_prio", "net_prio.ifpriomap")
                .file("hugetlb", "hugetlb.2MB.limit_in_bytes", UNLIMITED)
                .file("hugetlb", "hugetlb.1GB.limit_in_bytes", UNLIMITED)
                .file("rdma", "rdma.max");
    }

    static List<String> apply(RecordingFiles f, String json) throws CgroupException {
        V1Resources.apply(res(json), f, null, false, new Res.Warnings());
        return f.log();
    }

    static String error(RecordingFiles f, String json) {
        return assertThrows(CgroupException.class, () -> apply(f, json)).getMessage();
    }

    static String updateError(RecordingFiles f, String json) {
        return assertThrows(CgroupException.class,
                () -> V1Resources.apply(res(json), f, null, true, new Res.Warnings())).getMessage();
    }

    // ---------------------------------------------------------------------------------------
    // memory

    @Test
    void memoryLimitAlone() throws Exception {
        RecordingFiles f = host();
        assertEquals(List.of("memory/memory.limit_in_bytes=1073741824"), apply(f, "{'memory':{'limit':1073741824}}"));
        assertEquals(List.of("linux.resources.memory.limit"), f.fields());
    }

    /** The kernel wants memory <= memory+swap at every moment: raising both writes memsw first. */
    @Test
    void memoryAndSwapAboveTheCurrentLimitWriteSwapFirst() throws Exception {
        RecordingFiles f = host().file("memory", "memory.limit_in_bytes", "536870912");
        assertEquals(List.of("memory/memory.memsw.limit_in_bytes=2147483648",
                        "memory/memory.limit_in_bytes=1073741824"),
                apply(f, "{'memory':{'limit':1073741824,'swap':2147483648}}"));
        assertEquals(List.of("linux.resources.memory.swap", "linux.resources.memory.limit"), f.fields());
    }

    @Test
    void memoryAndSwapBelowTheCurrentLimitWriteMemoryFirst() throws Exception {
        RecordingFiles f = host().file("memory", "memory.limit_in_bytes", "4294967296");
        assertEquals(List.of("memory/memory.limit_in_bytes=1073741824",
                        "memory/memory.memsw.limit_in_bytes=2147483648"),
                apply(f, "{'memory':{'limit':1073741824,'swap':2147483648}}"));
        // equal to the new memory+swap counts as "not below": memory first
        RecordingFiles g = host().file("memory", "memory.limit_in_bytes", "2147483648");
        assertEquals(List.of("memory/memory.limit_in_bytes=1073741824",
                        "memory/memory.memsw.limit_in_bytes=2147483648"),
                apply(g, "{'memory':{'limit':1073741824,'swap':2147483648}}"));
    }

    /** The kernel's check on v1 (mem_cgroup_resize_max): memory <= memory+swap after every write. */
    static final RecordingFiles.Kernel MEMSW_ORDER = (s, c, file, value) -> {
        long mem = RecordingFiles.limit(s.content("memory", "memory.limit_in_bytes"));
        long memsw = RecordingFiles.limit(s.content("memory", "memory.memsw.limit_in_bytes"));
        if (file.equals("memory.limit_in_bytes")) {
            return RecordingFiles.limit(value) > memsw ? Errno.EINVAL : 0;
        }
        if (file.equals("memory.memsw.limit_in_bytes")) {
            return RecordingFiles.limit(value) < mem ? Errno.EINVAL : 0;
        }
        return 0;
    };

    /** Every update from any (memory, memory+swap) pair to any other goes through the kernel's check. */
    @Test
    void everyMemoryAndSwapUpdateKeepsTheKernelsOrder() throws Exception {
        long g = 1L << 30;
        long[][] states = {{g, 2 * g}, {g, g}, {2 * g, 4 * g}, {3 * g, 3 * g}, {g / 2, 8 * g}, {-1, -1},
                {4 * g, 5 * g}, {g / 4, g / 2}};
        for (long[] from : states) {
            for (long[] to : states) {
                RecordingFiles f = host().kernel(MEMSW_ORDER)
                        .file("memory", "memory.limit_in_bytes", from[0] == -1 ? UNLIMITED : Long.toString(from[0]))
                        .file("memory", "memory.memsw.limit_in_bytes", from[1] == -1 ? UNLIMITED : Long.toString(from[1]));
                apply(f, "{'memory':{'limit':" + to[0] + ",'swap':" + to[1] + "}}");
                String at = "from " + from[0] + "/" + from[1] + " to " + to[0] + "/" + to[1] + ": " + f.log();
                assertEquals(Long.toString(to[0]), f.content("memory", "memory.limit_in_bytes"), at);
                assertEquals(Long.toString(to[1]), f.content("memory", "memory.memsw.limit_in_bytes"), at);
                assertEquals(2, f.writes.size(), at);
            }
        }
    }

    @Test
    void unlimitedMemoryMeansUnlimitedSwapToo() throws Exception {
        assertEquals(List.of("memory/memory.memsw.limit_in_bytes=-1", "memory/memory.limit_in_bytes=-1"),
                apply(host().file("memory", "memory.limit_in_bytes", "1073741824"), "{'memory':{'limit':-1}}"));
        // swap -1 goes first whatever the current limit is
        assertEquals(List.of("memory/memory.memsw.limit_in_bytes=-1", "memory/memory.limit_in_bytes=1073741824"),
                apply(host(), "{'memory':{'limit':1073741824,'swap':-1}}"));
    }

    @Test
    void withoutSwapAccountingUnlimitedSwapIsSkippedAndASwapLimitIsAnError() throws Exception {
        RecordingFiles f = host().remove("memory", "memory.memsw.limit_in_bytes");
        assertEquals(List.of("memory/memory.limit_in_bytes=-1"), apply(f, "{'memory':{'limit':-1}}"));
        RecordingFiles g = host().remove("memory", "memory.memsw.limit_in_bytes");
        assertEquals(List.of("memory/memory.limit_in_bytes=1024"), apply(g, "{'memory':{'limit':1024,'swap':-1}}"));
        assertEquals("linux.resources.memory.swap: this host does not account swap "
                        + "(no memory.memsw.limit_in_bytes: boot with swapaccount=1)",
                error(host().remove("memory", "memory.memsw.limit_in_bytes"),
                        "{'memory':{'limit':1024,'swap':4096}}"));
    }

    @Test
    void swapAloneAndZeroes() throws Exception {
        assertEquals(List.of("memory/memory.memsw.limit_in_bytes=4096"), apply(host(), "{'memory':{'swap':4096}}"));
        assertEquals(List.of(), apply(host(), "{'memory':{'limit':0,'swap':0,'reservation':0,'kernelTCP':0}}"));
        assertEquals(List.of(), apply(host(), "{'memory':{}}"));
    }

    @Test
    void otherMemoryFilesInRuncsOrder() throws Exception {
        RecordingFiles f = host();
        assertEquals(List.of("memory/memory.limit_in_bytes=1073741824",
                        "memory/memory.soft_limit_in_bytes=536870912",
                        "memory/memory.kmem.tcp.limit_in_bytes=16777216",
                        "memory/memory.swappiness=10",
                        "memory/memory.oom_control=1"),
                apply(f, "{'memory':{'limit':1073741824,'reservation':536870912,'kernelTCP':16777216,"
                        + "'swappiness':10,'disableOOMKiller':true,'useHierarchy':true}}"));
        assertEquals(List.of("linux.resources.memory.limit", "linux.resources.memory.reservation",
                "linux.resources.memory.kernelTCP", "linux.resources.memory.swappiness",
                "linux.resources.memory.disableOOMKiller"), f.fields());
        assertEquals(List.of(), apply(host(), "{'memory':{'disableOOMKiller':false}}"));
        assertEquals(List.of("memory/memory.soft_limit_in_bytes=-1"), apply(host(), "{'memory':{'reservation':-1}}"));
    }

    @Test
    void swappinessBounds() throws Exception {
        assertEquals(List.of("memory/memory.swappiness=0"), apply(host(), "{'memory':{'swappiness':0}}"));
        assertEquals(List.of("memory/memory.swappiness=100"), apply(host(), "{'memory':{'swappiness':100}}"));
        assertEquals("linux.resources.memory.swappiness: 101 is not between 0 and 100",
                error(host(), "{'memory':{'swappiness':101}}"));
        assertEquals("linux.resources.memory.swappiness: 9223372036854775808 is not between 0 and 100",
                error(host(), "{'memory':{'swappiness':9223372036854775808}}"));
        // 2^64-1 is Go's uint64(-1): runc reads it as "not set" and leaves the kernel's value
        assertEquals(List.of(), apply(host(), "{'memory':{'swappiness':18446744073709551615}}"));
    }

    @Test
    void kernelMemoryIsAWarningNotAWrite() throws Exception {
        RecordingFiles f = host();
        Res.Warnings w = new Res.Warnings();
        V1Resources.apply(res("{'memory':{'kernel':1073741824}}"), f, null, false, w);
        assertEquals(List.of(), f.log());
        assertEquals(List.of("linux.resources.memory.kernel: kernel memory limits are deprecated by the kernel; "
                + "ignored (as runc does)"), w.list);
    }

    @Test
    void checkBeforeUpdateComparesWithTheUsage() throws Exception {
        // usage is 100 MiB
        assertEquals("linux.resources.memory.limit: 52428800 is below the current usage, 104857600 (checkBeforeUpdate)",
                updateError(host(), "{'memory':{'limit':52428800,'checkBeforeUpdate':true}}"));
        RecordingFiles f = host();
        V1Resources.apply(res("{'memory':{'limit':209715200,'checkBeforeUpdate':true}}"), f, null, true,
                new Res.Warnings());
        assertEquals(List.of("memory/memory.limit_in_bytes=209715200"), f.log());
        assertEquals(List.of("memory/memory.usage_in_bytes"), f.reads);
        // the usage itself is not below it
        RecordingFiles equal = host();
        V1Resources.apply(res("{'memory':{'limit':104857600,'checkBeforeUpdate':true}}"), equal, null, true,
                new Res.Warnings());
        assertEquals(List.of("memory/memory.limit_in_bytes=104857600"), equal.log());
        // only on update, only when asked, only for a limit
        RecordingFiles create = host();
        apply(create, "{'memory':{'limit':52428800,'checkBeforeUpdate':true}}");
        assertEquals(List.of(), create.reads);
        RecordingFiles notAsked = host();
        V1Resources.apply(res("{'memory':{'limit':52428800}}"), notAsked, null, true, new Res.Warnings());
        assertEquals(List.of("memory/memory.limit_in_bytes=52428800"), notAsked.log());
        RecordingFiles unlimited = host();
        V1Resources.apply(res("{'memory':{'limit':-1,'checkBeforeUpdate':true}}"), unlimited, null, true,
                new Res.Warnings());
        assertTrue(unlimited.reads.stream().noneMatch(r -> r.contains("usage")), unlimited.reads.toString());
    }

    @Test
    void noMemoryController() {
        assertEquals("linux.resources.memory: the memory cgroup controller is not available on this host",
                error(host().without("memory"), "{'memory':{'limit':1024}}"));
    }

    /** A failed write names the field, the file and the errno; nothing after it is written. */
    @Test
    void aRefusedWriteStopsWithItsField() {
        RecordingFiles f = host().failWrites("memory", "memory.limit_in_bytes", Errno.EBUSY);
        assertEquals("linux.resources.memory.limit: write 1024 to /fake/memory/memory.limit_in_bytes: "
                        + "EBUSY: Device or resource busy",
                error(f, "{'memory':{'limit':1024,'reservation':512},'pids':{'limit':10}}"));
        assertEquals(List.of("memory/memory.limit_in_bytes=1024 (EBUSY)"), f.log());
    }

    // ---------------------------------------------------------------------------------------
    // cpu

    // idle 1: an idle group refuses shares/weight (EINVAL), so they are not written
    @Test
    void cpuFilesInOrder() throws Exception {
        RecordingFiles f = host();
        assertEquals(List.of("cpu/cpu.cfs_period_us=50000", "cpu/cpu.cfs_burst_us=1000",
                        "cpu/cpu.cfs_quota_us=25000", "cpu/cpu.idle=1", "cpuset/cpuset.cpus=0-1",
                        "cpuset/cpuset.mems=0"),
                apply(f, "{'cpu':{'shares':512,'quota':25000,'period':50000,'burst':1000,'idle':1,"
                        + "'cpus':'0-1','mems':'0'}}"));
        assertEquals(List.of("linux.resources.cpu.period", "linux.resources.cpu.burst",
                "linux.resources.cpu.quota", "linux.resources.cpu.idle", "linux.resources.cpu.cpus",
                "linux.resources.cpu.mems"), f.fields());
    }

    @Test
    void cpuSingleFieldsAndUnlimitedQuota() throws Exception {
        assertEquals(List.of("cpu/cpu.cfs_quota_us=-1"), apply(host(), "{'cpu':{'quota':-1}}"));
        assertEquals(List.of("cpu/cpu.cfs_period_us=100000"), apply(host(), "{'cpu':{'period':100000}}"));
        assertEquals(List.of("cpu/cpu.shares=2"), apply(host(), "{'cpu':{'shares':2}}"));
        assertEquals(List.of("cpu/cpu.cfs_burst_us=0"), apply(host(), "{'cpu':{'burst':0}}"));
        assertEquals(List.of("cpu/cpu.idle=0"), apply(host(), "{'cpu':{'idle':0}}"));
        assertEquals(List.of(), apply(host(), "{'cpu':{'shares':0,'quota':0,'period':0,'cpus':'','mems':''}}"));
    }

    @Test
    void realtimeBeforeTheRest() throws Exception {
        RecordingFiles f = host();
        assertEquals(List.of("cpu/cpu.rt_period_us=1000000", "cpu/cpu.rt_runtime_us=950000", "cpu/cpu.shares=100"),
                apply(f, "{'cpu':{'realtimePeriod':1000000,'realtimeRuntime':950000,'shares':100}}"));
        assertEquals(List.of("linux.resources.cpu.realtimePeriod", "linux.resources.cpu.realtimeRuntime",
                "linux.resources.cpu.shares"), f.fields());
        assertEquals(List.of("cpu/cpu.rt_runtime_us=-1"), apply(host(), "{'cpu':{'realtimeRuntime':-1}}"));
        assertEquals("linux.resources.cpu.realtimeRuntime: this kernel has no realtime group scheduling",
                error(host().remove("cpu", "cpu.rt_runtime_us"), "{'cpu':{'realtimePeriod':1000000}}"));
    }

    /**
     * The kernel's cfs bandwidth checks (tg_set_cfs_bandwidth): burst <= quota, and the parent
     * allows at most one cpu (quota/period <= 1), checked on each write with the other values as
     * they are at that moment.
     */
    static final RecordingFiles.Kernel CFS = (s, c, file, value) -> {
        long quota = Long.parseLong(s.content("cpu", "cpu.cfs_quota_us"));
        long period = Long.parseLong(s.content("cpu", "cpu.cfs_period_us"));
        long burst = Long.parseLong(s.content("cpu", "cpu.cfs_burst_us"));
        switch (file) {
            case "cpu.cfs_quota_us" -> quota = Long.parseLong(value);
            case "cpu.cfs_period_us" -> period = Long.parseLong(value);
            case "cpu.cfs_burst_us" -> burst = Long.parseLong(value);
            default -> {
                return 0;
            }
        }
        if (quota != -1 && (burst > quota || quota > period)) {
            return Errno.EINVAL;
        }
        return 0;
    };

    /** A shorter period with the old quota is over the parent's: runc writes it again after the quota. */
    @Test
    void aPeriodTheKernelRefusesIsWrittenAgainAfterTheQuota() throws Exception {
        RecordingFiles f = host().kernel(CFS).file("cpu", "cpu.cfs_quota_us", "100000");
        assertEquals(List.of("cpu/cpu.cfs_period_us=50000 (EINVAL)", "cpu/cpu.cfs_quota_us=50000",
                        "cpu/cpu.cfs_period_us=50000"),
                apply(f, "{'cpu':{'quota':50000,'period':50000}}"));
        // without a quota to set there is nothing to wait for: the error stands
        assertEquals("linux.resources.cpu.period: write 50000 to /fake/cpu/cpu.cfs_period_us: EINVAL: Invalid argument",
                error(host().kernel(CFS).file("cpu", "cpu.cfs_quota_us", "100000"), "{'cpu':{'period':50000}}"));
        // any other errno is not retried
        RecordingFiles busy = host().failWrites("cpu", "cpu.cfs_period_us", Errno.EBUSY);
        assertEquals("linux.resources.cpu.period: write 50000 to /fake/cpu/cpu.cfs_period_us: "
                + "EBUSY: Device or resource busy", error(busy, "{'cpu':{'quota':50000,'period':50000}}"));
        assertEquals(List.of("cpu/cpu.cfs_period_us=50000 (EBUSY)"), busy.log());
    }

    /** Lowering quota and burst: the burst goes first, else the new quota is below the old burst. */
    @Test
    void burstAndQuotaFollowTheKernelsChecks() throws Exception {
        RecordingFiles lower = host().kernel(CFS).file("cpu", "cpu.cfs_quota_us", "100000")
                .file("cpu", "cpu.cfs_burst_us", "50000");
        assertEquals(List.of("cpu/cpu.cfs_burst_us=10000", "cpu/cpu.cfs_quota_us=20000"),
                apply(lower, "{'cpu':{'quota':20000,'burst':10000}}"));
        RecordingFiles raise = host().kernel(CFS).file("cpu", "cpu.cfs_quota_us", "20000")
                .file("cpu", "cpu.cfs_burst_us", "10000");
        assertEquals(List.of("cpu/cpu.cfs_burst_us=50000 (EINVAL)", "cpu/cpu.cfs_quota_us=100000",
                        "cpu/cpu.cfs_burst_us=50000"),
                apply(raise, "{'cpu':{'quota':100000,'burst':50000}}"));
        assertEquals("50000", raise.content("cpu", "cpu.cfs_burst_us"));
    }

    /** rt_runtime <= rt_period (tg_rt_schedulable): a shorter period waits for the shorter runtime. */
    @Test
    void aRealtimePeriodTheKernelRefusesIsWrittenAgainAfterTheRuntime() throws Exception {
        RecordingFiles.Kernel rt = (s, c, file, value) -> {
            long period = Long.parseLong(s.content("cpu", "cpu.rt_period_us"));
            long runtime = Long.parseLong(s.content("cpu", "cpu.rt_runtime_us"));
            if (file.equals("cpu.rt_period_us")) {
                period = Long.parseLong(value);
            } else if (file.equals("cpu.rt_runtime_us")) {
                runtime = Long.parseLong(value);
            }
            return runtime > period ? Errno.EINVAL : 0;
        };
        RecordingFiles f = host().kernel(rt).file("cpu", "cpu.rt_runtime_us", "950000");
        assertEquals(List.of("cpu/cpu.rt_period_us=500000 (EINVAL)", "cpu/cpu.rt_runtime_us=400000",
                        "cpu/cpu.rt_period_us=500000"),
                apply(f, "{'cpu':{'realtimePeriod':500000,'realtimeRuntime':400000}}"));
        assertEquals("linux.resources.cpu.realtimePeriod: write 500000 to /fake/cpu/cpu.rt_period_us: "
                        + "EINVAL: Invalid argument",
                error(host().kernel(rt).file("cpu", "cpu.rt_runtime_us", "950000"), "{'cpu':{'realtimePeriod':500000}}"));
    }

    @Test
    void missingCpuFilesAndControllers() {
        assertEquals("linux.resources.cpu.burst: this kernel has no cpu.cfs_burst_us",
                error(host().remove("cpu", "cpu.cfs_burst_us"), "{'cpu':{'burst':1000}}"));
        assertEquals("linux.resources.cpu.idle: this kernel has no cpu.idle",
                error(host().remove("cpu", "cpu.idle"), "{'cpu':{'idle':1}}"));
        assertEquals("linux.resources.cpu: the cpu cgroup controller is not available on this host",
                error(host().without("cpu"), "{'cpu':{'shares':1024}}"));
        assertEquals("linux.resources.cpu: the cpu cgroup controller is not available on this host",
                error(host().without("cpu"), "{'cpu':{'quota':1000}}"));
        assertEquals("linux.resources.cpu.idle: the cpu cgroup controller is not available on this host",
                error(host().without("cpu"), "{'cpu':{'idle':1}}"));
        assertEquals("linux.resources.cpu.cpus: the cpuset cgroup controller is not available on this host",
                error(host().without("cpuset"), "{'cpu':{'cpus':'0'}}"));
        assertEquals("linux.resources.cpu.mems: the cpuset cgroup controller is not available on this host",
                error(host().without("cpuset"), "{'cpu':{'mems':'0'}}"));
    }

    // ---------------------------------------------------------------------------------------
    // pids, blkio

    @Test
    void pids() throws Exception {
        RecordingFiles f = host();
        assertEquals(List.of("pids/pids.max=100"), apply(f, "{'pids':{'limit':100}}"));
        assertEquals(List.of("linux.resources.pids.limit"), f.fields());
        assertEquals(List.of("pids/pids.max=max"), apply(host(), "{'pids':{'limit':-1}}"));
        assertEquals(List.of(), apply(host(), "{'pids':{'limit':0}}"));
        assertEquals(List.of(), apply(host(), "{'pids':{}}"));
        assertEquals("linux.resources.pids: the pids cgroup controller is not available on this host",
                error(host().without("pids"), "{'pids':{'limit':100}}"));
    }

    @Test
    void blkioInRuncsOrder() throws Exception {
        RecordingFiles f = host();
        assertEquals(List.of("blkio/blkio.weight=300", "blkio/blkio.leaf_weight=200",
                        "blkio/blkio.weight_device=8:0 400", "blkio/blkio.leaf_weight_device=8:0 100",
                        "blkio/blkio.weight_device=8:16 50",
                        "blkio/blkio.throttle.read_bps_device=8:0 1048576",
                        "blkio/blkio.throttle.read_bps_device=8:16 18446744073709551615",
                        "blkio/blkio.throttle.write_bps_device=8:0 2097152",
                        "blkio/blkio.throttle.read_iops_device=8:0 100",
                        "blkio/blkio.throttle.write_iops_device=8:0 0"),
                apply(f, "{'blockIO':{'weight':300,'leafWeight':200,"
                        + "'weightDevice':[{'major':8,'minor':0,'weight':400,'leafWeight':100},"
                        + "{'major':8,'minor':16,'weight':50}],"
                        + "'throttleReadBpsDevice':[{'major':8,'minor':0,'rate':1048576},"
                        + "{'major':8,'minor':16,'rate':18446744073709551615}],"
                        + "'throttleWriteBpsDevice':[{'major':8,'minor':0,'rate':2097152}],"
                        + "'throttleReadIOPSDevice':[{'major':8,'minor':0,'rate':100}],"
                        + "'throttleWriteIOPSDevice':[{'major':8,'minor':0,'rate':0}]}}"));
        assertEquals(List.of("linux.resources.blockIO.weight", "linux.resources.blockIO.leafWeight",
                "linux.resources.blockIO.weightDevice[0]", "linux.resources.blockIO.weightDevice[0]",
                "linux.resources.blockIO.weightDevice[1]", "linux.resources.blockIO.throttleReadBpsDevice[0]",
                "linux.resources.blockIO.throttleReadBpsDevice[1]", "linux.resources.blockIO.throttleWriteBpsDevice[0]",
                "linux.resources.blockIO.throttleReadIOPSDevice[0]",
                "linux.resources.blockIO.throttleWriteIOPSDevice[0]"), f.fields());
    }

    /** Without CFQ (blkio.weight), the BFQ scheduler's files take the weights, as in runc. */
    @Test
    void blkioWeightsGoToBfqWithoutCfq() throws Exception {
        RecordingFiles f = host().remove("blkio", "blkio.weight").remove("blkio", "blkio.weight_device")
                .file("blkio", "blkio.bfq.weight", "100").file("blkio", "blkio.bfq.weight_device");
        assertEquals(List.of("blkio/blkio.bfq.weight=300", "blkio/blkio.bfq.weight_device=8:0 400"),
                apply(f, "{'blockIO':{'weight':300,'weightDevice':[{'major':8,'minor':0,'weight':400}]}}"));
        RecordingFiles none = host().remove("blkio", "blkio.weight").remove("blkio", "blkio.weight_device");
        assertEquals("linux.resources.blockIO.weight: this kernel has no blkio.bfq.weight",
                error(none, "{'blockIO':{'weight':300}}"));
        assertEquals("linux.resources.blockIO.weightDevice[0]: this kernel has no blkio.bfq.weight_device",
                error(none, "{'blockIO':{'weightDevice':[{'major':8,'minor':0,'weight':400}]}}"));
        assertEquals("linux.resources.blockIO.leafWeight: this kernel has no blkio.leaf_weight",
                error(host().remove("blkio", "blkio.leaf_weight"), "{'blockIO':{'leafWeight':300}}"));
        assertEquals("linux.resources.blockIO.throttleWriteIOPSDevice[0]: this kernel has no "
                        + "blkio.throttle.write_iops_device",
                error(host().remove("blkio", "blkio.throttle.write_iops_device"),
                        "{'blockIO':{'throttleWriteIOPSDevice':[{'major':8,'minor':0,'rate':1}]}}"));
        assertEquals("linux.resources.blockIO: the blkio cgroup controller is not available on this host",
                error(host().without("blkio"), "{'blockIO':{'weight':10}}"));
    }

    // ---------------------------------------------------------------------------------------
    // hugetlb, network, rdma, unified, devices

    @Test
    void hugetlb() throws Exception {
        RecordingFiles f = host();
        assertEquals(List.of("hugetlb/hugetlb.2MB.limit_in_bytes=4194304",
                        "hugetlb/hugetlb.1GB.limit_in_bytes=18446744073709551615"),
                apply(f, "{'hugepageLimits':[{'pageSize':'2MB','limit':4194304},"
                        + "{'pageSize':'1GB','limit':18446744073709551615}]}"));
        assertEquals(List.of("linux.resources.hugepageLimits[0]", "linux.resources.hugepageLimits[1]"), f.fields());
        assertEquals("linux.resources.hugepageLimits[1].pageSize: this host has no huge pages of size \"64KB\"",
                error(host(), "{'hugepageLimits':[{'pageSize':'2MB','limit':1},{'pageSize':'64KB','limit':1}]}"));
        assertEquals("linux.resources.hugepageLimits[0]: the hugetlb cgroup controller is not available on this host",
                error(host().without("hugetlb"), "{'hugepageLimits':[{'pageSize':'2MB','limit':1}]}"));
    }

    @Test
    void network() throws Exception {
        RecordingFiles f = host();
        assertEquals(List.of("net_cls/net_cls.classid=1048577", "net_prio/net_prio.ifpriomap=eth0 5",
                        "net_prio/net_prio.ifpriomap=lo 2"),
                apply(f, "{'network':{'classID':1048577,'priorities':[{'name':'eth0','priority':5},"
                        + "{'name':'lo','priority':2}]}}"));
        assertEquals(List.of("linux.resources.network.classID", "linux.resources.network.priorities[0]",
                "linux.resources.network.priorities[1]"), f.fields());
        assertEquals("linux.resources.network.classID: the net_cls cgroup controller is not available on this host",
                error(host().without("net_cls"), "{'network':{'classID':1}}"));
        assertEquals("linux.resources.network.priorities[0]: the net_prio cgroup controller is not available "
                        + "on this host",
                error(host().without("net_prio"), "{'network':{'priorities':[{'name':'lo','priority':2}]}}"));
    }

    @Test
    void rdma() throws Exception {
        RecordingFiles f = host();
        assertEquals(List.of("rdma/rdma.max=mlx4_0 hca_handle=2 hca_object=2000"),
                apply(f, "{'rdma':{'mlx4_0':{'hcaHandles':2,'hcaObjects':2000}}}"));
        assertEquals(List.of("linux.resources.rdma[\"mlx4_0\"]"), f.fields());
        assertEquals(List.of("rdma/rdma.max=mlx5_1 hca_handle=3"), apply(host(), "{'rdma':{'mlx5_1':{'hcaHandles':3}}}"));
        assertEquals(List.of("rdma/rdma.max=mlx5_1 hca_object=7"), apply(host(), "{'rdma':{'mlx5_1':{'hcaObjects':7}}}"));
        assertEquals("linux.resources.rdma[\"mlx4_0\"]: the rdma cgroup controller is not available on this host",
                error(host().without("rdma"), "{'rdma':{'mlx4_0':{'hcaHandles':2}}}"));
    }

    @Test
    void unifiedNeedsAV2Tree() throws Exception {
        assertEquals("linux.resources.unified: cgroup v2 files cannot be set on a cgroup v1 host",
                error(host(), "{'unified':{'memory.high':'1024'}}"));
        // a hybrid host: the v2 tree is there
        RecordingFiles hybrid = host().controllers("").file("", "memory.high", "max");
        assertEquals(List.of("memory.high=1024"), apply(hybrid, "{'unified':{'memory.high':'1024'}}"));
    }

    @Test
    void devicesComeFirstAsDefaultThenExceptions() throws Exception {
        RecordingFiles f = host();
        DeviceRules.Effective e = new DeviceRules.Effective(false, List.of(
                new DeviceRules.Rule('c', 1, 3, "rwm", true), new DeviceRules.Rule('c', 136, -1, "rw", true)));
        V1Resources.apply(res("{'memory':{'limit':1024}}"), f, e, false, new Res.Warnings());
        assertEquals(List.of("devices/devices.deny=a", "devices/devices.allow=c 1:3 rwm",
                "devices/devices.allow=c 136:* rw", "memory/memory.limit_in_bytes=1024"), f.log());
        assertEquals("linux.resources.devices", f.writes.get(0).field());
        RecordingFiles none = host().without("devices");
        CgroupException ex = assertThrows(CgroupException.class,
                () -> V1Resources.apply(Resources.EMPTY, none, e, false, new Res.Warnings()));
        assertEquals("linux.resources.devices: the devices cgroup controller is not available on this host",
                ex.getMessage());
        // no device list (an update that does not change it): nothing is written, no controller needed
        RecordingFiles untouched = host().without("devices");
        V1Resources.apply(Resources.EMPTY, untouched, null, false, new Res.Warnings());
        assertEquals(List.of(), untouched.log());
    }

    /** Everything at once: runc's controller order, each field named. */
    @Test
    void wholeResourcesInControllerOrder() throws Exception {
        RecordingFiles f = host().file("memory", "memory.limit_in_bytes", "1048576");
        assertEquals(List.of("memory/memory.memsw.limit_in_bytes=4194304", "memory/memory.limit_in_bytes=2097152",
                        "cpu/cpu.shares=256", "pids/pids.max=64", "blkio/blkio.weight=100",
                        "hugetlb/hugetlb.2MB.limit_in_bytes=2097152", "net_cls/net_cls.classid=7",
                        "rdma/rdma.max=hca hca_handle=1"),
                apply(f, "{'rdma':{'hca':{'hcaHandles':1}},'network':{'classID':7},"
                        + "'hugepageLimits':[{'pageSize':'2MB','limit':2097152}],'blockIO':{'weight':100},"
                        + "'pids':{'limit':64},'cpu':{'shares':256},'memory':{'limit':2097152,'swap':4194304}}"));
    }
}
