package dev.hull.engine.cli;

import dev.hull.cgroups.Cgroup;
import dev.hull.cgroups.CgroupMode;
import dev.hull.cgroups.CgroupStats;
import dev.hull.engine.Engine;
import dev.hull.engine.EngineException;
import dev.hull.engine.container.Container;
import dev.hull.engine.container.Exits;
import dev.hull.engine.container.RuntimeView;
import dev.hull.runtime.state.ContainerRecord;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code hull stats}: Docker's columns from the container's cgroup (runtime's CgroupStats) and its
 * network namespace's /proc/net/dev. CPU % is the container's CPU time over wall time between two
 * samples, times the CPUs (Docker's formula); memory usage leaves out the inactive file cache.
 */
final class Stats {
    private Stats() {}

    static final Map<String, Object> HEADERS = ContainerViews.headers("Container", "CONTAINER", "ID", "CONTAINER ID",
            "Name", "NAME", "CPUPerc", "CPU %", "MemUsage", "MEM USAGE / LIMIT", "MemPerc", "MEM %", "NetIO", "NET I/O",
            "BlockIO", "BLOCK I/O", "PIDs", "PIDS");

    private record Sample(long cpu, long nanos) {}

    static void run(Engine engine, Flags f, PrintStream out) throws EngineException {
        String format = f.get("format", "table {{.ID}}\t{{.Name}}\t{{.CPUPerc}}\t{{.MemUsage}}\t{{.MemPerc}}\t{{.NetIO}}\t{{.BlockIO}}\t{{.PIDs}}");
        Map<String, Sample> last = new LinkedHashMap<>();
        boolean first = true;
        while (true) {
            List<Container> cs = new ArrayList<>();
            if (f.positional().isEmpty()) {
                for (Container c : engine.containers().all()) {
                    c = Exits.reconcileListed(engine, c);
                    if (c != null && (c.state().running() || f.bool("all"))) {
                        cs.add(c);
                    }
                }
            } else {
                for (String ref : f.positional()) {
                    cs.add(Exits.reconcile(engine, engine.containers().find(ref)));
                }
            }
            if (first) { // a first sample, so that CPU % covers an interval even with --no-stream
                for (Container c : cs) {
                    last.put(c.id(), sample(engine, c));
                }
                Commands.sleep(500);
                first = false;
            }
            List<Map<String, Object>> rows = new ArrayList<>();
            for (Container c : cs) {
                rows.add(row(engine, c, last, f.bool("no-trunc")));
            }
            if (!f.bool("no-stream")) {
                out.print("\033[2J\033[H");
            }
            Formats.print(format, rows, HEADERS, out);
            out.flush();
            if (f.bool("no-stream")) {
                return;
            }
            Commands.sleep(1000);
        }
    }

    private static Map<String, Object> stats(Engine engine, Container c) {
        ContainerRecord r = RuntimeView.record(engine, c.id());
        if (r == null || !c.state().running()) {
            return null;
        }
        CgroupMode mode = CgroupMode.V1;
        for (CgroupMode m : CgroupMode.values()) {
            if (m.label().equals(r.cgroupMode())) {
                mode = m;
            }
        }
        return CgroupStats.read(Cgroup.restore(mode, r.cgroupDirs()));
    }

    private static Sample sample(Engine engine, Container c) {
        Map<String, Object> s = stats(engine, c);
        return new Sample(s == null ? 0 : num(s, "cpu", "usage", "total"), System.nanoTime());
    }

    private static Map<String, Object> row(Engine engine, Container c, Map<String, Sample> last, boolean noTrunc) {
        Map<String, Object> s = stats(engine, c);
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("Container", noTrunc ? c.id() : c.shortId());
        row.put("ID", noTrunc ? c.id() : c.shortId());
        row.put("Name", c.name());
        if (s == null) {
            row.put("CPUPerc", "0.00%");
            row.put("MemUsage", "0B / 0B");
            row.put("MemPerc", "0.00%");
            row.put("NetIO", "0B / 0B");
            row.put("BlockIO", "0B / 0B");
            row.put("PIDs", "0");
            return row;
        }
        long cpu = num(s, "cpu", "usage", "total"), now = System.nanoTime();
        Sample prev = last.get(c.id());
        double perc = 0;
        if (prev != null && now > prev.nanos()) {
            perc = (double) (cpu - prev.cpu()) / (now - prev.nanos()) * 100.0;
        }
        last.put(c.id(), new Sample(cpu, now));
        long usage = num(s, "memory", "usage", "usage");
        Object raw = dig(s, "memory", "raw");
        long inactive = raw instanceof Map<?, ?> m ? (m.get("total_inactive_file") instanceof Number n ? n.longValue()
                : m.get("inactive_file") instanceof Number n2 ? n2.longValue() : 0) : 0;
        if (inactive < usage) {
            usage -= inactive;
        }
        long limit = num(s, "memory", "usage", "limit");
        long total = hostMemory();
        if (limit <= 0 || limit > total) {
            limit = total;
        }
        row.put("CPUPerc", String.format(Locale.ROOT, "%.2f%%", perc));
        row.put("MemUsage", bytes(usage) + " / " + bytes(limit));
        row.put("MemPerc", String.format(Locale.ROOT, "%.2f%%", limit > 0 ? 100.0 * usage / limit : 0));
        long[] net = net(c.state().pid());
        row.put("NetIO", size(net[0]) + " / " + size(net[1]));
        long read = 0, write = 0;
        if (dig(s, "blkio", "ioServiceBytesRecursive") instanceof List<?> l) {
            for (Object o : l) {
                Map<?, ?> e = (Map<?, ?>) o;
                long v = e.get("value") instanceof Number n ? n.longValue() : 0;
                if ("Read".equalsIgnoreCase(String.valueOf(e.get("op")))) {
                    read += v;
                } else if ("Write".equalsIgnoreCase(String.valueOf(e.get("op")))) {
                    write += v;
                }
            }
        }
        row.put("BlockIO", size(read) + " / " + size(write));
        row.put("PIDs", String.valueOf(num(s, "pids", "current")));
        return row;
    }

    /** Bytes received and sent on the container's interfaces other than lo. */
    private static long[] net(long pid) {
        long[] rxTx = new long[2];
        if (pid <= 0) {
            return rxTx;
        }
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/net/dev"))) {
                int colon = line.indexOf(':');
                if (colon < 0 || line.substring(0, colon).trim().equals("lo")) {
                    continue;
                }
                String[] v = line.substring(colon + 1).trim().split("\\s+");
                rxTx[0] += Long.parseLong(v[0]);
                rxTx[1] += Long.parseLong(v[8]);
            }
        } catch (IOException | RuntimeException e) {
            // the container went away
        }
        return rxTx;
    }

    private static long hostMemory() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
                if (line.startsWith("MemTotal:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (IOException | NumberFormatException e) {
            return 0;
        }
        return 0;
    }

    /** go-units BytesSize (binary: KiB, MiB, GiB), as Docker prints memory. */
    static String bytes(long b) {
        return scaled(b, 1024, "B", "KiB", "MiB", "GiB", "TiB", "PiB");
    }

    /** go-units HumanSize (decimal: kB, MB, GB), as Docker prints I/O and image sizes. */
    static String size(long b) {
        return scaled(b, 1000, "B", "kB", "MB", "GB", "TB", "PB");
    }

    private static String scaled(long b, int base, String... units) {
        double v = b;
        int i = 0;
        while (v >= base && i < units.length - 1) {
            v /= base;
            i++;
        }
        return trim(v) + units[i];
    }

    private static String trim(double v) {
        String s = String.format(Locale.ROOT, "%.4g", v);
        if (s.contains(".")) {
            s = s.replaceAll("0+$", "").replaceAll("\\.$", "");
        }
        return s;
    }

    private static Object dig(Map<String, Object> m, String... path) {
        Object o = m;
        for (String p : path) {
            if (!(o instanceof Map<?, ?> mm)) {
                return null;
            }
            o = mm.get(p);
        }
        return o;
    }

    private static long num(Map<String, Object> m, String... path) {
        return dig(m, path) instanceof Number n ? n.longValue() : 0;
    }
}
