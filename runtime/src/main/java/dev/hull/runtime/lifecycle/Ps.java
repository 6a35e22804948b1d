package dev.hull.runtime.lifecycle;

import dev.hull.cgroups.CgroupException;
import dev.hull.runtime.HullException;
import dev.hull.runtime.state.ContainerRecord;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * {@code ps ID [ps options]}: as runc, runs the host's ps (default "-ef") and keeps the header
 * and the lines of the container's processes (those in its cgroup); {@code --format json}
 * prints just their pids.
 */
public final class Ps {
    private Ps() {}

    public static void run(RuntimeContext ctx, String id, String format, List<String> psArgs, PrintStream out)
            throws HullException {
        ContainerRecord r = ctx.store().load(id);
        List<Long> pids;
        try {
            pids = Teardown.cgroup(r).pids();
        } catch (CgroupException e) {
            throw new HullException("ps: " + e.getMessage());
        }
        if ("json".equals(format)) {
            StringBuilder b = new StringBuilder("[");
            for (int i = 0; i < pids.size(); i++) {
                b.append(i == 0 ? "" : ",").append(pids.get(i));
            }
            out.println(b.append(']'));
            return;
        }
        if (format != null && !format.equals("table")) {
            throw new HullException("--format: unknown format \"" + format + "\" (table or json)");
        }
        List<String> argv = new ArrayList<>();
        argv.add("ps");
        argv.addAll(psArgs.isEmpty() ? List.of("-ef") : psArgs);
        String text;
        try {
            Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
            text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (p.waitFor() != 0) {
                throw new HullException("ps " + String.join(" ", psArgs) + " failed: " + text.trim());
            }
        } catch (IOException e) {
            throw new HullException("ps: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new HullException("ps: interrupted");
        }
        String[] lines = text.split("\n");
        int column = -1;
        String[] head = lines[0].trim().split("\\s+");
        for (int i = 0; i < head.length; i++) {
            if (head[i].equals("PID")) {
                column = i;
            }
        }
        if (column < 0) {
            throw new HullException("ps: the output of ps has no PID column (use -o with pid)");
        }
        Set<String> want = new HashSet<>();
        for (long pid : pids) {
            want.add(Long.toString(pid));
        }
        out.println(lines[0]);
        for (int i = 1; i < lines.length; i++) {
            String[] f = lines[i].trim().split("\\s+");
            if (f.length > column && want.contains(f[column])) {
                out.println(lines[i]);
            }
        }
    }
}
