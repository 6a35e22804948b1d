package dev.hull.cgroups;

import static dev.hull.cgroups.Res.res;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.hull.sys.Errno;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** linux.resources on the unified hierarchy, with runc's conversions, against a recording double. */
class V2ResourcesTest {
    /** A v2 cgroup whose parent enables every controller, with the files of a recent kernel. */
    static RecordingFiles host() {
        return RecordingFiles.v2()
                .controllers("memory", "cpu", "cpuset", "pids", "io", "hugetlb", "rdma")
                .file("", "memory.max", "max")
                .file("", "memory.swap.max", "max")
                .file("", "memory.low", "0")
                .file("", "memory.high", "max")
                .file("", "memory.current", "104857600")
                .file("", "cpu.weight", "100")
                .file("", "cpu.max", "max 100000")
                .file("", "cpu.max.burst", "0")
                .file("", "cpu.idle", "0")
                .file("", "cpuset.cpus")
                .file("", "cpuset.mems")
                .file("", "pids.max", "max")
                .file("", "io.weight", "default 100")
                .file("", "io.max")
                .file("", "hugetlb.2MB.max", "max")
                .file("", "hugetlb.1GB.max", "max")
                .file("", "rdma.max");
    }

    static List<String> apply(RecordingFiles f, String json) throws CgroupException {
        V2Resources.apply(res(json), f, false, new Res.Warnings());
        return f.log();
    }

    static String error(RecordingFiles f, String json) {
        return assertThrows(CgroupException.class, () -> apply(f, json)).getMessage();
    }

    // ---------------------------------------------------------------------------------------
    // runc's conversions

    @ParameterizedTest
    @CsvSource({"2,1", "262144,10000", "512,20", "1024,39", "0,0", "3,1", "100,4", "131072,5000"})
    void sharesToWeight(long shares, long weight) {
        assertEquals(weight, V2Resources.weightOfShares(shares));
    }

    @ParameterizedTest
    @CsvSource({"10,1", "1000,10000", "500,4950", "100,910", "0,0", "11,11"})
    void blkioWeightToIoWeight(long blkio, long io) {
        assertEquals(io, V2Resources.ioWeightOfBlkio(blkio));
    }

    @Test
    void sharesAreWrittenAsWeight() throws Exception {
        RecordingFiles f = host();
        assertEquals(List.of("cpu.weight=39"), apply(f, "{'cpu':{'shares':1024}}"));
        assertEquals(List.of("linux.resources.cpu.shares"), f.fields());
        assertEquals(List.of("cpu.weight=10000"), apply(host(), "{'cpu':{'shares':262144}}"));
        assertEquals(List.of(), apply(host(), "{'cpu':{'shares':0}}"));
    }

    // ---------------------------------------------------------------------------------------
    // memory

    /** The spec's swap is memory+swap; memory.swap.max is the swap alone, and goes first. */
    @Test
    void memoryPlusSwapBecomesSwapAlone() throws Exception {
        RecordingFiles f = host();
        assertEquals(List.of("memory.swap.max=1073741824", "memory.max=1073741824"),
                apply(f, "{'memory':{'limit':1073741824,'swap':2147483648}}"));
        assertEquals(List.of("linux.resources.memory.swap", "linux.resources.memory.limit"), f.fields());
        // the same value: no swap at all
        assertEquals(List.of("memory.swap.max=0", "memory.max=1073741824"),
                apply(host(), "{'memory':{'limit':1073741824,'swap':1073741824}}"));
    }

    @Test
    void minusOneIsMax() throws Exception {
        assertEquals(List.of("memory.swap.max=max", "memory.max=1073741824"),
                apply(host(), "{'memory':{'limit':1073741824,'swap':-1}}"));
        // unlimited memory with swap unset: swap unlimited too, as on v1
        assertEquals(List.of("memory.swap.max=max", "memory.max=max"), apply(host(), "{'memory':{'limit':-1}}"));
        assertEquals(List.of("memory.swap.max=max", "memory.max=max"),
                apply(host(), "{'memory':{'limit':-1,'swap':-1}}"));
        assertEquals(List.of("memory.swap.max=max"), apply(host(), "{'memory':{'swap':-1}}"));
        assertEquals(List.of("memory.low=max"), apply(host(), "{'memory':{'reservation':-1}}"));
    }

    @Test
    void limitAloneAndReservation() throws Exception {
        RecordingFiles f = host();
        assertEquals(List.of("memory.max=1073741824", "memory.low=536870912"),
                apply(f, "{'memory':{'limit':1073741824,'reservation':536870912}}"));
        assertEquals(List.of("linux.resources.memory.limit", "linux.resources.memory.reservation"), f.fields());
        assertEquals(List.of(), apply(host(), "{'memory':{'limit':0,'swap':0,'reservation':0}}"));
    }

    @Test
    void swapLimitsThatCannotBeConverted() {
        assertEquals("linux.resources.memory.swap: 536870912 (memory+swap) is below memory.limit 1073741824",
                error(host(), "{'memory':{'limit':1073741824,'swap':536870912}}"));
        assertEquals("linux.resources.memory.swap: a swap limit needs a memory limit on cgroup v2",
                error(host(), "{'memory':{'swap':536870912}}"));
        assertEquals("linux.resources.memory.swap: a swap limit needs a memory limit on cgroup v2",
                error(host(), "{'memory':{'limit':-1,'swap':536870912}}"));
    }

    /** Without swap accounting runc skips "max" and "0" silently; only a real swap limit fails. */
    @Test
    void withoutSwapAccounting() throws Exception {
        RecordingFiles f = host().remove("", "memory.swap.max");
        assertEquals(List.of("memory.max=max"), apply(f, "{'memory':{'limit':-1}}"));
        assertEquals(List.of("memory.max=1024"),
                apply(host().remove("", "memory.swap.max"), "{'memory':{'limit':1024,'swap':-1}}"));
        assertEquals(List.of("memory.max=1024"),
                apply(host().remove("", "memory.swap.max"), "{'memory':{'limit':1024,'swap':1024}}"));
        assertEquals("linux.resources.memory.swap: this host does not account swap (no memory.swap.max)",
                error(host().remove("", "memory.swap.max"), "{'memory':{'limit':1024,'swap':4096}}"));
    }

    @Test
    void v1OnlyMemoryMembersAreWarnings() throws Exception {
        RecordingFiles f = host();
        Res.Warnings w = new Res.Warnings();
        V2Resources.apply(res("{'memory':{'kernel':1024,'kernelTCP':2048,'swappiness':10,'disableOOMKiller':true,"
                + "'useHierarchy':true}}"), f, false, w);
        assertEquals(List.of(), f.log());
        assertEquals(List.of(
                "linux.resources.memory.kernel: cgroup v2 has no kernel memory limit; ignored",
                "linux.resources.memory.kernelTCP: cgroup v2 has no kernel TCP memory limit; ignored",
                "linux.resources.memory.swappiness: cgroup v2 has no per-cgroup swappiness; ignored",
                "linux.resources.memory.disableOOMKiller: cgroup v2 cannot disable the OOM killer; ignored"), w.list);
        Res.Warnings none = new Res.Warnings();
        V2Resources.apply(res("{'memory':{'disableOOMKiller':false}}"), host(), false, none);
        assertEquals(List.of(), none.list);
    }

    @Test
    void checkBeforeUpdateReadsMemoryCurrent() throws Exception {
        CgroupException e = assertThrows(CgroupException.class, () -> V2Resources.apply(
                res("{'memory':{'limit':52428800,'checkBeforeUpdate':true}}"), host(), true, new Res.Warnings()));
        assertEquals("linux.resources.memory.limit: 52428800 is below the current usage, 104857600 (checkBeforeUpdate)",
                e.getMessage());
        RecordingFiles f = host();
        V2Resources.apply(res("{'memory':{'limit':209715200,'checkBeforeUpdate':true}}"), f, true, new Res.Warnings());
        assertEquals(List.of("memory.current"), f.reads);
        assertEquals(List.of("memory.max=209715200"), f.log());
        RecordingFiles create = host();
        V2Resources.apply(res("{'memory':{'limit':52428800,'checkBeforeUpdate':true}}"), create, false,
                new Res.Warnings());
        assertEquals(List.of(), create.reads);
    }

    @Test
    void noMemoryController() {
        assertEquals("linux.resources.memory: the memory cgroup controller is not available on this host",
                error(host().without("memory"), "{'memory':{'limit':1024}}"));
    }

    // ---------------------------------------------------------------------------------------
    // cpu

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "{'cpu':{'quota':50000,'period':100000}} | 50000 100000",
            "{'cpu':{'quota':-1,'period':100000}}    | max 100000",
            "{'cpu':{'period':250000}}               | max 250000",
            "{'cpu':{'quota':50000}}                 | 50000",
            "{'cpu':{'quota':-1}}                    | max"})
    void quotaAndPeriodMakeCpuMax(String json, String max) throws Exception {
        RecordingFiles f = host();
        assertEquals(List.of("cpu.max=" + max), apply(f, json));
        assertEquals(List.of("linux.resources.cpu.quota"), f.fields());
    }

    // idle 1: an idle group refuses shares/weight (EINVAL), so they are not written
    @Test
    void cpuFilesInOrder() throws Exception {
        RecordingFiles f = host();
        assertEquals(List.of("cpu.max.burst=1000", "cpu.max=25000 50000", "cpu.idle=1",
                        "cpuset.cpus=0-1", "cpuset.mems=0"),
                apply(f, "{'cpu':{'shares':512,'quota':25000,'period':50000,'burst':1000,'idle':1,"
                        + "'cpus':'0-1','mems':'0'}}"));
        assertEquals(List.of("linux.resources.cpu.burst", "linux.resources.cpu.quota",
                "linux.resources.cpu.idle", "linux.resources.cpu.cpus", "linux.resources.cpu.mems"), f.fields());
    }

    /** The kernel's check on cpu.max and cpu.max.burst: burst <= quota unless the quota is max. */
    static final RecordingFiles.Kernel BURST = (s, c, file, value) -> {
        String quota = s.content("", "cpu.max").split(" ")[0];
        long burst = Long.parseLong(s.content("", "cpu.max.burst"));
        if (file.equals("cpu.max")) {
            quota = value.split(" ")[0];
        } else if (file.equals("cpu.max.burst")) {
            burst = Long.parseLong(value);
        } else {
            return 0;
        }
        return !quota.equals("max") && burst > Long.parseLong(quota) ? Errno.EINVAL : 0;
    };

    @Test
    void burstAndQuotaFollowTheKernelsChecks() throws Exception {
        RecordingFiles lower = host().kernel(BURST).file("", "cpu.max", "100000 100000")
                .file("", "cpu.max.burst", "50000");
        assertEquals(List.of("cpu.max.burst=10000", "cpu.max=20000 100000"),
                apply(lower, "{'cpu':{'quota':20000,'period':100000,'burst':10000}}"));
        RecordingFiles raise = host().kernel(BURST).file("", "cpu.max", "20000 100000")
                .file("", "cpu.max.burst", "10000");
        assertEquals(List.of("cpu.max.burst=50000 (EINVAL)", "cpu.max=100000 100000", "cpu.max.burst=50000"),
                apply(raise, "{'cpu':{'quota':100000,'period':100000,'burst':50000}}"));
        // no quota to wait for: the error stands
        assertEquals("linux.resources.cpu.burst: write 50000 to /fake/unified/cpu.max.burst: EINVAL: Invalid argument",
                error(host().kernel(BURST).file("", "cpu.max", "20000 100000"), "{'cpu':{'burst':50000}}"));
    }

    @Test
    void cpuErrors() {
        assertEquals("linux.resources.cpu.realtimeRuntime: cgroup v2 has no realtime group scheduling",
                error(host(), "{'cpu':{'realtimeRuntime':950000}}"));
        assertEquals("linux.resources.cpu.realtimeRuntime: cgroup v2 has no realtime group scheduling",
                error(host(), "{'cpu':{'realtimePeriod':1000000}}"));
        assertEquals("linux.resources.cpu.burst: this kernel has no cpu.max.burst",
                error(host().remove("", "cpu.max.burst"), "{'cpu':{'burst':1000}}"));
        assertEquals("linux.resources.cpu.idle: this kernel has no cpu.idle",
                error(host().remove("", "cpu.idle"), "{'cpu':{'idle':1}}"));
        assertEquals("linux.resources.cpu: the cpu cgroup controller is not available on this host",
                error(host().without("cpu"), "{'cpu':{'shares':1024}}"));
        assertEquals("linux.resources.cpu.cpus: the cpuset cgroup controller is not available on this host",
                error(host().without("cpuset"), "{'cpu':{'cpus':'0'}}"));
    }

    // ---------------------------------------------------------------------------------------
    // pids, io

    @Test
    void pids() throws Exception {
        assertEquals(List.of("pids.max=100"), apply(host(), "{'pids':{'limit':100}}"));
        assertEquals(List.of("pids.max=max"), apply(host(), "{'pids':{'limit':-1}}"));
        assertEquals(List.of(), apply(host(), "{'pids':{'limit':0}}"));
        assertEquals("linux.resources.pids: the pids cgroup controller is not available on this host",
                error(host().without("pids"), "{'pids':{'limit':100}}"));
    }

    @Test
    void ioWeightAndThrottles() throws Exception {
        RecordingFiles f = host();
        Res.Warnings w = new Res.Warnings();
        V2Resources.apply(res("{'blockIO':{'weight':500,'leafWeight':200,"
                + "'weightDevice':[{'major':8,'minor':0,'weight':1000},{'major':8,'minor':16,'leafWeight':10}],"
                + "'throttleReadBpsDevice':[{'major':8,'minor':0,'rate':1048576}],"
                + "'throttleWriteBpsDevice':[{'major':8,'minor':0,'rate':18446744073709551615}],"
                + "'throttleReadIOPSDevice':[{'major':8,'minor':0,'rate':0}],"
                + "'throttleWriteIOPSDevice':[{'major':8,'minor':16,'rate':200}]}}"), f, false, w);
        assertEquals(List.of("io.weight=default 4950", "io.weight=8:0 10000", "io.max=8:0 rbps=1048576",
                "io.max=8:0 wbps=18446744073709551615", "io.max=8:0 riops=max", "io.max=8:16 wiops=200"), f.log());
        assertEquals(List.of("linux.resources.blockIO.weight", "linux.resources.blockIO.weightDevice[0]",
                "linux.resources.blockIO.throttleReadBpsDevice[0]", "linux.resources.blockIO.throttleWriteBpsDevice[0]",
                "linux.resources.blockIO.throttleReadIOPSDevice[0]",
                "linux.resources.blockIO.throttleWriteIOPSDevice[0]"), f.fields());
        assertEquals(List.of("linux.resources.blockIO.leafWeight: cgroup v2 has no leaf weight; ignored"), w.list);
    }

    /** With the BFQ scheduler the weights are BFQ's own (10..1000), unconverted, as in runc. */
    @Test
    void bfqTakesTheWeightsUnconverted() throws Exception {
        RecordingFiles f = host().file("", "io.bfq.weight", "default 100");
        assertEquals(List.of("io.bfq.weight=500", "io.bfq.weight=8:0 300"),
                apply(f, "{'blockIO':{'weight':500,'weightDevice':[{'major':8,'minor':0,'weight':300}]}}"));
    }

    @Test
    void ioErrors() {
        assertEquals("linux.resources.blockIO.weight: this kernel has no io.weight",
                error(host().remove("", "io.weight"), "{'blockIO':{'weight':500}}"));
        assertEquals("linux.resources.blockIO.weightDevice[0]: this kernel has no io.weight",
                error(host().remove("", "io.weight"), "{'blockIO':{'weightDevice':[{'major':8,'minor':0,'weight':300}]}}"));
        assertEquals("linux.resources.blockIO.throttleReadBpsDevice[0]: this kernel has no io.max",
                error(host().remove("", "io.max"), "{'blockIO':{'throttleReadBpsDevice':[{'major':8,'minor':0,'rate':1}]}}"));
        assertEquals("linux.resources.blockIO: the io cgroup controller is not available on this host",
                error(host().without("io"), "{'blockIO':{'weight':500}}"));
    }

    // ---------------------------------------------------------------------------------------
    // hugetlb, network, rdma, unified

    @Test
    void hugetlbUsesMax() throws Exception {
        RecordingFiles f = host();
        assertEquals(List.of("hugetlb.2MB.max=4194304", "hugetlb.1GB.max=18446744073709551615"),
                apply(f, "{'hugepageLimits':[{'pageSize':'2MB','limit':4194304},"
                        + "{'pageSize':'1GB','limit':18446744073709551615}]}"));
        assertEquals("linux.resources.hugepageLimits[0].pageSize: this host has no huge pages of size \"16GB\"",
                error(host(), "{'hugepageLimits':[{'pageSize':'16GB','limit':1}]}"));
        assertEquals("linux.resources.hugepageLimits[0]: the hugetlb cgroup controller is not available on this host",
                error(host().without("hugetlb"), "{'hugepageLimits':[{'pageSize':'2MB','limit':1}]}"));
    }

    @Test
    void networkDoesNotExistOnV2() throws Exception {
        assertEquals("linux.resources.network: net_cls and net_prio do not exist on cgroup v2",
                error(host(), "{'network':{'classID':1}}"));
        assertEquals("linux.resources.network: net_cls and net_prio do not exist on cgroup v2",
                error(host(), "{'network':{'priorities':[{'name':'lo','priority':1}]}}"));
        assertEquals(List.of(), apply(host(), "{'network':{}}"));
    }

    @Test
    void rdma() throws Exception {
        assertEquals(List.of("rdma.max=mlx4_0 hca_handle=2 hca_object=2000"),
                apply(host(), "{'rdma':{'mlx4_0':{'hcaHandles':2,'hcaObjects':2000}}}"));
        assertEquals("linux.resources.rdma[\"mlx4_0\"]: the rdma cgroup controller is not available on this host",
                error(host().without("rdma"), "{'rdma':{'mlx4_0':{'hcaHandles':2}}}"));
    }

    /** Raw files come last, so that they win over the converted values (runc's order). */
    @Test
    void unifiedIsWrittenLast() throws Exception {
        RecordingFiles f = host();
        assertEquals(List.of("memory.max=1024", "pids.max=5", "memory.high=512"),
                apply(f, "{'unified':{'memory.high':'512'},'pids':{'limit':5},'memory':{'limit':1024}}"));
        assertEquals("linux.resources.unified[\"memory.high\"]", f.writes.get(2).field());
    }

    /** A multi-line value (io.max for two devices) is written a line at a time, as runc does. */
    @Test
    void unifiedMultiLineValuesAreWrittenByLine() throws Exception {
        assertEquals(List.of("io.max=8:0 rbps=1024", "io.max=8:16 wbps=2048"),
                apply(host(), "{'unified':{'io.max':'8:0 rbps=1024\\n8:16 wbps=2048\\n'}}"));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "../memory.max  | not a cgroup file name",
            "sub/memory.max | not a cgroup file name",
            ".memory.max    | not a cgroup file name",
            "memorymax      | not a cgroup file name",
            "memory.foo     | the container's cgroup has no file memory.foo (is its controller enabled?)"})
    void unifiedKeys(String key, String message) {
        assertEquals("linux.resources.unified[\"" + key + "\"]: " + message,
                error(host(), "{'unified':{'" + key + "':'1'}}"));
    }

    @Test
    void unifiedEmptyKey() {
        assertEquals("linux.resources.unified[\"\"]: not a cgroup file name", error(host(), "{'unified':{'':'1'}}"));
    }

    /** Everything at once: runc's v2 order, each field named. */
    @Test
    void wholeResourcesInOrder() throws Exception {
        assertEquals(List.of("memory.swap.max=2048", "memory.max=2048", "cpu.weight=39", "pids.max=64",
                        "io.weight=default 1", "hugetlb.2MB.max=2097152", "rdma.max=hca hca_handle=1",
                        "memory.high=1024"),
                apply(host(), "{'unified':{'memory.high':'1024'},'rdma':{'hca':{'hcaHandles':1}},"
                        + "'hugepageLimits':[{'pageSize':'2MB','limit':2097152}],'blockIO':{'weight':10},"
                        + "'pids':{'limit':64},'cpu':{'shares':1024},'memory':{'limit':2048,'swap':4096}}"));
    }
}
