package dev.hull.cgroups;

import dev.hull.sys.KernelFiles;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A container's resource usage, read from its cgroup files when asked (no polling thread), as the
 * JSON tree runc's `events --stats` prints (runc's types.Stats; times in nanoseconds, sizes in
 * bytes). v1 and v2 files are mapped onto the same shape.
 */
public final class CgroupStats {
    private CgroupStats() {}

    public static Map<String, Object> read(Cgroup cg) {
        boolean v2 = cg.mode() == CgroupMode.V2;
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("cpu", v2 ? cpuV2(cg.dirFor("")) : cpuV1(cg.dirFor("cpuacct"), cg.dirFor("cpu")));
        s.put("memory", v2 ? memoryV2(cg.dirFor("")) : memoryV1(cg.dirFor("memory")));
        Map<String, Object> pids = new LinkedHashMap<>();
        Path p = cg.dirFor("pids");
        putIfSet(pids, "current", number(p, "pids.current"));
        long limit = number(p, "pids.max");
        putIfSet(pids, "limit", limit == Long.MAX_VALUE ? 0 : limit);
        s.put("pids", pids);
        s.put("blkio", v2 ? ioV2(cg.dirFor("")) : blkioV1(cg.dirFor("blkio")));
        s.put("hugetlb", new LinkedHashMap<String, Object>());
        return s;
    }

    private static Map<String, Object> cpuV1(Path acct, Path cpu) {
        Map<String, Object> usage = new LinkedHashMap<>();
        putIfSet(usage, "total", number(acct, "cpuacct.usage"));
        List<Long> percpu = numbers(acct, "cpuacct.usage_percpu");
        if (!percpu.isEmpty()) {
            usage.put("percpu", percpu);
        }
        List<Long> kernel = numbers(acct, "cpuacct.usage_percpu_sys");
        if (!kernel.isEmpty()) {
            usage.put("percpu_kernel", kernel);
        }
        List<Long> user = numbers(acct, "cpuacct.usage_percpu_user");
        if (!user.isEmpty()) {
            usage.put("percpu_user", user);
        }
        usage.put("kernel", Math.max(0, number(acct, "cpuacct.usage_sys")));
        usage.put("user", Math.max(0, number(acct, "cpuacct.usage_user")));
        Map<String, Long> st = keyed(cpu, "cpu.stat");
        Map<String, Object> throttling = new LinkedHashMap<>();
        putIfSet(throttling, "periods", st.getOrDefault("nr_periods", 0L));
        putIfSet(throttling, "throttledPeriods", st.getOrDefault("nr_throttled", 0L));
        putIfSet(throttling, "throttledTime", st.getOrDefault("throttled_time", 0L));
        return cpu(usage, throttling);
    }

    private static Map<String, Object> cpuV2(Path d) {
        Map<String, Long> st = keyed(d, "cpu.stat");
        Map<String, Object> usage = new LinkedHashMap<>();
        putIfSet(usage, "total", st.getOrDefault("usage_usec", 0L) * 1000);
        usage.put("kernel", st.getOrDefault("system_usec", 0L) * 1000);
        usage.put("user", st.getOrDefault("user_usec", 0L) * 1000);
        Map<String, Object> throttling = new LinkedHashMap<>();
        putIfSet(throttling, "periods", st.getOrDefault("nr_periods", 0L));
        putIfSet(throttling, "throttledPeriods", st.getOrDefault("nr_throttled", 0L));
        putIfSet(throttling, "throttledTime", st.getOrDefault("throttled_usec", 0L) * 1000);
        return cpu(usage, throttling);
    }

    private static Map<String, Object> cpu(Map<String, Object> usage, Map<String, Object> throttling) {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("usage", usage);
        c.put("throttling", throttling);
        return c;
    }

    private static Map<String, Object> memoryV1(Path d) {
        Map<String, Long> raw = keyed(d, "memory.stat");
        Map<String, Object> m = new LinkedHashMap<>();
        putIfSet(m, "cache", raw.getOrDefault("cache", 0L));
        m.put("usage", entry(d, "memory.limit_in_bytes", "memory.usage_in_bytes", "memory.max_usage_in_bytes",
                "memory.failcnt"));
        m.put("swap", entry(d, "memory.memsw.limit_in_bytes", "memory.memsw.usage_in_bytes",
                "memory.memsw.max_usage_in_bytes", "memory.memsw.failcnt"));
        m.put("kernel", entry(d, "memory.kmem.limit_in_bytes", "memory.kmem.usage_in_bytes",
                "memory.kmem.max_usage_in_bytes", "memory.kmem.failcnt"));
        m.put("kernelTCP", entry(d, "memory.kmem.tcp.limit_in_bytes", "memory.kmem.tcp.usage_in_bytes",
                "memory.kmem.tcp.max_usage_in_bytes", "memory.kmem.tcp.failcnt"));
        putIfAny(m, "raw", raw);
        return m;
    }

    private static Map<String, Object> memoryV2(Path d) {
        Map<String, Long> raw = keyed(d, "memory.stat");
        Map<String, Long> events = keyed(d, "memory.events");
        Map<String, Object> m = new LinkedHashMap<>();
        putIfSet(m, "cache", raw.getOrDefault("file", 0L));
        long memMax = number(d, "memory.max"), memUsage = number(d, "memory.current");
        Map<String, Object> usage = new LinkedHashMap<>();
        usage.put("limit", limitOf(memMax));
        putIfSet(usage, "usage", memUsage);
        putIfSet(usage, "max", number(d, "memory.peak"));
        usage.put("failcnt", events.getOrDefault("max", 0L));
        m.put("usage", usage);
        // v1's swap entry is memory+swap; runc adds memory to v2's swap alone to keep that meaning
        // (no swap files: no swap accounting, memory+swap is the memory)
        long swapMax = number(d, "memory.swap.max"), swapUsage = number(d, "memory.swap.current");
        if (swapUsage < 0) {
            swapMax = 0;
            swapUsage = 0;
        }
        Map<String, Object> swap = new LinkedHashMap<>();
        swap.put("limit", memMax == Long.MAX_VALUE || swapMax == Long.MAX_VALUE ? UNLIMITED
                : limitOf(Math.max(0, memMax) + Math.max(0, swapMax)));
        putIfSet(swap, "usage", Math.max(0, memUsage) + swapUsage);
        swap.put("failcnt", 0L);
        m.put("swap", swap);
        // runc prints these on v2 too, empty (no directory: limit 0, failcnt 0)
        m.put("kernel", entry(null, "", "", "", ""));
        m.put("kernelTCP", entry(null, "", "", "", ""));
        putIfAny(m, "raw", raw);
        return m;
    }

    /** "max" in a v2 limit file: runc reads it as 2^64-1. */
    private static final java.math.BigInteger UNLIMITED = new java.math.BigInteger("18446744073709551615");

    private static Object limitOf(long v) {
        return v == Long.MAX_VALUE ? UNLIMITED : v < 0 ? 0L : v; // "max" reads as Long.MAX_VALUE, unknown as -1
    }

    private static void putIfAny(Map<String, Object> m, String key, Map<String, Long> v) {
        if (!v.isEmpty()) { // runc's omitempty
            m.put(key, v);
        }
    }

    private static Map<String, Object> entry(Path d, String limit, String usage, String max, String failcnt) {
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("limit", Math.max(0, number(d, limit)));
        putIfSet(e, "usage", number(d, usage));
        putIfSet(e, "max", number(d, max));
        e.put("failcnt", Math.max(0, number(d, failcnt)));
        return e;
    }

    private static Map<String, Object> blkioV1(Path d) {
        Map<String, Object> b = new LinkedHashMap<>();
        List<Object> bytes = blkioEntries(d, "blkio.throttle.io_service_bytes_recursive");
        if (!bytes.isEmpty()) {
            b.put("ioServiceBytesRecursive", bytes);
        }
        List<Object> ios = blkioEntries(d, "blkio.throttle.io_serviced_recursive");
        if (!ios.isEmpty()) {
            b.put("ioServicedRecursive", ios);
        }
        return b;
    }

    /** "8:0 Read 4096" lines (and a "Total" line, which runc omits). */
    private static List<Object> blkioEntries(Path d, String file) {
        List<Object> out = new ArrayList<>();
        for (String line : lines(d, file)) {
            String[] f = line.split(" ");
            if (f.length == 3 && f[0].indexOf(':') > 0) {
                out.add(blkio(f[0], f[1], f[2]));
            }
        }
        return out;
    }

    private static Map<String, Object> ioV2(Path d) {
        List<Object> bytes = new ArrayList<>(), ios = new ArrayList<>();
        for (String line : lines(d, "io.stat")) {
            String[] f = line.split(" ");
            for (int i = 1; i < f.length; i++) {
                int eq = f[i].indexOf('=');
                if (eq < 0) {
                    continue;
                }
                String k = f[i].substring(0, eq), v = f[i].substring(eq + 1);
                switch (k) {
                    case "rbytes" -> bytes.add(blkio(f[0], "Read", v));
                    case "wbytes" -> bytes.add(blkio(f[0], "Write", v));
                    case "rios" -> ios.add(blkio(f[0], "Read", v));
                    case "wios" -> ios.add(blkio(f[0], "Write", v));
                    default -> { }
                }
            }
        }
        Map<String, Object> b = new LinkedHashMap<>();
        if (!bytes.isEmpty()) {
            b.put("ioServiceBytesRecursive", bytes);
        }
        if (!ios.isEmpty()) {
            b.put("ioServicedRecursive", ios);
        }
        return b;
    }

    private static Map<String, Object> blkio(String dev, String op, String value) {
        Map<String, Object> e = new LinkedHashMap<>();
        int c = dev.indexOf(':');
        // runc's BlkioEntry leaves out zero members (device 8:0 has no "minor")
        putIfSet(e, "major", Long.parseLong(dev.substring(0, c)));
        putIfSet(e, "minor", Long.parseLong(dev.substring(c + 1)));
        e.put("op", op);
        putIfSet(e, "value", Long.parseLong(value));
        return e;
    }

    /** A number file; "max" is Long.MAX_VALUE; a missing file or controller -1. */
    static long number(Path d, String file) {
        if (d == null) {
            return -1;
        }
        try {
            String s = KernelFiles.readTrimmed(d.resolve(file));
            return s.equals("max") ? Long.MAX_VALUE : Long.parseUnsignedLong(s);
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
    }

    private static List<Long> numbers(Path d, String file) {
        List<Long> out = new ArrayList<>();
        for (String line : lines(d, file)) {
            for (String n : line.split(" ")) {
                if (!n.isEmpty()) {
                    try {
                        out.add(Long.parseUnsignedLong(n));
                    } catch (NumberFormatException e) {
                        // a header (cpuacct.usage_all style): not a number list
                    }
                }
            }
        }
        return out;
    }

    /** "key value" lines, as in memory.stat and cpu.stat. */
    static Map<String, Long> keyed(Path d, String file) {
        Map<String, Long> out = new LinkedHashMap<>();
        for (String line : lines(d, file)) {
            int sp = line.indexOf(' ');
            if (sp > 0) {
                try {
                    out.put(line.substring(0, sp), Long.parseUnsignedLong(line.substring(sp + 1).trim()));
                } catch (NumberFormatException e) {
                    // not a number: skip
                }
            }
        }
        return out;
    }

    private static List<String> lines(Path d, String file) {
        if (d == null) {
            return List.of();
        }
        try {
            List<String> out = new ArrayList<>();
            for (String l : KernelFiles.read(d.resolve(file)).split("\n")) {
                if (!l.isBlank()) {
                    out.add(l.trim());
                }
            }
            return out;
        } catch (IOException e) {
            return List.of();
        }
    }

    private static void putIfSet(Map<String, Object> m, String key, long v) {
        if (v > 0) {
            m.put(key, v);
        }
    }
}
