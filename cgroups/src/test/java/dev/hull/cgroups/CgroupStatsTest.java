package dev.hull.cgroups;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.hull.spec.json.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * `events --stats` from fake cgroup directories holding what the kernel shows, compared with the
 * JSON runc prints (its types.Stats: key names, which members are left out when zero, v2 swap
 * reported as memory+swap, "max" as 2^64-1).
 */
class CgroupStatsTest {
    @TempDir
    Path fs;

    static void write(Path dir, String... nameThenContent) throws IOException {
        Files.createDirectories(dir);
        for (int i = 0; i < nameThenContent.length; i += 2) {
            Files.writeString(dir.resolve(nameThenContent[i]), nameThenContent[i + 1]);
        }
    }

    static String json(String singleQuoted) {
        return singleQuoted.replace('\'', '"');
    }

    Cgroup v1Cgroup() throws IOException {
        Map<String, String> dirs = new LinkedHashMap<>();
        for (String h : new String[] {"cpu,cpuacct", "memory", "pids", "blkio", "name=systemd"}) {
            Path d = fs.resolve(h.replace("name=", "")).resolve("c1");
            Files.createDirectories(d);
            dirs.put(h, d.toString());
        }
        return Cgroup.restore(CgroupMode.V1, dirs);
    }

    @Test
    void v1() throws IOException {
        Cgroup cg = v1Cgroup();
        write(cg.dirs().get("cpu,cpuacct"),
                "cpuacct.usage", "123456789\n",
                "cpuacct.usage_percpu", "100000000 23456789 \n",
                "cpuacct.usage_percpu_sys", "40000000 3456789 \n",
                "cpuacct.usage_percpu_user", "60000000 20000000 \n",
                "cpuacct.usage_sys", "43456789\n",
                "cpuacct.usage_user", "80000000\n",
                "cpu.stat", "nr_periods 10\nnr_throttled 3\nthrottled_time 4500000\n");
        write(cg.dirs().get("memory"),
                "memory.stat", "cache 4096\nrss 8192\nmapped_file 0\ntotal_cache 4096\n",
                "memory.limit_in_bytes", "1073741824\n",
                "memory.usage_in_bytes", "12288\n",
                "memory.max_usage_in_bytes", "16384\n",
                "memory.failcnt", "0\n",
                "memory.memsw.limit_in_bytes", "2147483648\n",
                "memory.memsw.usage_in_bytes", "12288\n",
                "memory.memsw.max_usage_in_bytes", "16384\n",
                "memory.memsw.failcnt", "2\n",
                "memory.kmem.limit_in_bytes", "9223372036854771712\n",
                "memory.kmem.usage_in_bytes", "0\n",
                "memory.kmem.max_usage_in_bytes", "0\n",
                "memory.kmem.failcnt", "0\n");
        write(cg.dirs().get("pids"), "pids.current", "3\n", "pids.max", "max\n");
        write(cg.dirs().get("blkio"),
                "blkio.throttle.io_service_bytes_recursive",
                "8:0 Read 4096\n8:0 Write 0\n8:0 Sync 4096\n8:0 Async 0\n8:0 Discard 0\n8:0 Total 4096\n"
                        + "8:16 Read 512\n8:16 Write 1024\n8:16 Total 1536\nTotal 5632\n",
                "blkio.throttle.io_serviced_recursive", "8:0 Read 1\n8:0 Write 0\n8:0 Total 1\nTotal 1\n");
        assertEquals(json("{'cpu':{'usage':{'total':123456789,'percpu':[100000000,23456789],"
                        + "'percpu_kernel':[40000000,3456789],'percpu_user':[60000000,20000000],"
                        + "'kernel':43456789,'user':80000000},"
                        + "'throttling':{'periods':10,'throttledPeriods':3,'throttledTime':4500000}},"
                        + "'memory':{'cache':4096,"
                        + "'usage':{'limit':1073741824,'usage':12288,'max':16384,'failcnt':0},"
                        + "'swap':{'limit':2147483648,'usage':12288,'max':16384,'failcnt':2},"
                        + "'kernel':{'limit':9223372036854771712,'failcnt':0},"
                        + "'kernelTCP':{'limit':0,'failcnt':0},"
                        + "'raw':{'cache':4096,'rss':8192,'mapped_file':0,'total_cache':4096}},"
                        + "'pids':{'current':3},"
                        + "'blkio':{'ioServiceBytesRecursive':[{'major':8,'op':'Read','value':4096},"
                        + "{'major':8,'op':'Write'},{'major':8,'op':'Sync','value':4096},{'major':8,'op':'Async'},"
                        + "{'major':8,'op':'Discard'},{'major':8,'op':'Total','value':4096},"
                        + "{'major':8,'minor':16,'op':'Read','value':512},{'major':8,'minor':16,'op':'Write','value':1024},"
                        + "{'major':8,'minor':16,'op':'Total','value':1536}],"
                        + "'ioServicedRecursive':[{'major':8,'op':'Read','value':1},{'major':8,'op':'Write'},"
                        + "{'major':8,'op':'Total','value':1}]},"
                        + "'hugetlb':{}}"),
                Json.write(CgroupStats.read(cg)));
    }

    /** An idle new cgroup: zero members left out where runc leaves them out, limits and failcnt kept. */
    @Test
    void v1Empty() throws IOException {
        Cgroup cg = v1Cgroup();
        write(cg.dirs().get("pids"), "pids.current", "0\n", "pids.max", "100\n");
        assertEquals(json("{'cpu':{'usage':{'kernel':0,'user':0},'throttling':{}},"
                        + "'memory':{'usage':{'limit':0,'failcnt':0},'swap':{'limit':0,'failcnt':0},"
                        + "'kernel':{'limit':0,'failcnt':0},'kernelTCP':{'limit':0,'failcnt':0}},"
                        + "'pids':{'limit':100},'blkio':{},'hugetlb':{}}"),
                Json.write(CgroupStats.read(cg)));
    }

    Cgroup v2Cgroup(String... nameThenContent) throws IOException {
        Path d = fs.resolve("unified/c1");
        write(d, nameThenContent);
        return Cgroup.restore(CgroupMode.V2, Map.of("", d.toString()));
    }

    static final String[] V2_FILES = {
            "cpu.stat", "usage_usec 250000\nuser_usec 150000\nsystem_usec 100000\nnr_periods 20\nnr_throttled 5\n"
                    + "throttled_usec 7000\nnr_bursts 0\nburst_usec 0\n",
            "memory.stat", "anon 8192\nfile 4096\nkernel 1024\n",
            "memory.current", "12288\n",
            "memory.max", "1073741824\n",
            "memory.peak", "16384\n",
            "memory.swap.current", "4096\n",
            "memory.swap.max", "max\n",
            "memory.events", "low 0\nhigh 0\nmax 3\noom 1\noom_kill 1\noom_group_kill 0\n",
            "pids.current", "2\n",
            "pids.max", "100\n",
            "io.stat", "8:0 rbytes=4096 wbytes=8192 rios=1 wios=2 dbytes=0 dios=0\n"
                    + "8:16 rbytes=0 wbytes=512 rios=0 wios=1 dbytes=0 dios=0\n"};

    @Test
    void v2() throws IOException {
        Cgroup cg = v2Cgroup(V2_FILES);
        assertEquals(json("{'cpu':{'usage':{'total':250000000,'kernel':100000000,'user':150000000},"
                        + "'throttling':{'periods':20,'throttledPeriods':5,'throttledTime':7000000}},"
                        + "'memory':{'cache':4096,"
                        + "'usage':{'limit':1073741824,'usage':12288,'max':16384,'failcnt':3},"
                        + "'swap':{'limit':18446744073709551615,'usage':16384,'failcnt':0},"
                        + "'kernel':{'limit':0,'failcnt':0},'kernelTCP':{'limit':0,'failcnt':0},"
                        + "'raw':{'anon':8192,'file':4096,'kernel':1024}},"
                        + "'pids':{'current':2,'limit':100},"
                        + "'blkio':{'ioServiceBytesRecursive':[{'major':8,'op':'Read','value':4096},"
                        + "{'major':8,'op':'Write','value':8192},{'major':8,'minor':16,'op':'Read'},"
                        + "{'major':8,'minor':16,'op':'Write','value':512}],"
                        + "'ioServicedRecursive':[{'major':8,'op':'Read','value':1},{'major':8,'op':'Write','value':2},"
                        + "{'major':8,'minor':16,'op':'Read'},{'major':8,'minor':16,'op':'Write','value':1}]},"
                        + "'hugetlb':{}}"),
                Json.write(CgroupStats.read(cg)));
    }

    /** v1 reports swap as memory+swap; runc adds the two v2 files for the same meaning. */
    @Test
    void v2SwapIsMemoryPlusSwap() throws IOException {
        Map<String, Object> swap = memory(v2Cgroup("memory.current", "1000\n", "memory.max", "2147483648\n",
                "memory.swap.current", "24\n", "memory.swap.max", "1073741824\n")).get("swap");
        assertEquals(json("{'limit':3221225472,'usage':1024,'failcnt':0}"), Json.write(swap));
        // unlimited memory: unlimited memory+swap
        swap = memory(v2Cgroup("memory.current", "1000\n", "memory.max", "max\n", "memory.swap.current", "0\n",
                "memory.swap.max", "0\n")).get("swap");
        assertEquals(json("{'limit':18446744073709551615,'usage':1000,'failcnt':0}"), Json.write(swap));
    }

    /** Without swap accounting there are no swap files: memory+swap is the memory alone. */
    @Test
    void v2WithoutSwapAccounting() throws IOException {
        Map<String, Map<String, Object>> m = memory(v2Cgroup("memory.current", "1000\n", "memory.max", "max\n"));
        assertEquals(json("{'limit':18446744073709551615,'usage':1000,'failcnt':0}"), Json.write(m.get("usage")));
        assertEquals(json("{'limit':18446744073709551615,'usage':1000,'failcnt':0}"), Json.write(m.get("swap")));
    }

    @Test
    void v2PidsMaxIsNoLimit() throws IOException {
        assertEquals(json("{'current':7}"),
                Json.write(CgroupStats.read(v2Cgroup("pids.current", "7\n", "pids.max", "max\n")).get("pids")));
    }

    @SuppressWarnings("unchecked")
    static Map<String, Map<String, Object>> memory(Cgroup cg) {
        return (Map<String, Map<String, Object>>) CgroupStats.read(cg).get("memory");
    }
}
