package dev.hull.runtime.lifecycle;

import dev.hull.cgroups.Cgroup;
import dev.hull.cgroups.CgroupStats;
import dev.hull.runtime.HullException;
import dev.hull.runtime.state.ContainerRecord;
import dev.hull.runtime.state.Status;
import dev.hull.spec.json.Json;
import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code events}: runc's JSON lines, {"type":"stats","id":...,"data":{...}} and {"type":"oom",...}.
 * With --stats, one stats line. Otherwise stats every interval and an oom line whenever the OOM
 * killer struck (its counter in memory.oom_control / memory.events grew), until the container
 * stops. Stats are read from the cgroup files at that moment; nothing polls in between but the
 * OOM counter, a single small file.
 */
public final class Events {
    private static final long OOM_CHECK_MS = 100;

    private Events() {}

    public static void run(RuntimeContext ctx, String id, boolean statsOnce, long intervalMs, PrintStream out)
            throws HullException {
        ContainerRecord r = ctx.store().load(id);
        if (ctx.store().status(r) == Status.STOPPED) {
            throw new HullException("container " + id + " is not running");
        }
        Cgroup cg = Teardown.cgroup(r);
        if (statsOnce) {
            out.println(Json.write(event("stats", id, CgroupStats.read(cg))));
            return;
        }
        long ooms = cg.oomKills();
        long next = System.currentTimeMillis();
        for (;;) {
            if (!ctx.store().exists(id) || ctx.store().status(r) == Status.STOPPED) {
                return;
            }
            long kills = cg.oomKills();
            if (kills > ooms) {
                ooms = kills;
                out.println(Json.write(event("oom", id, null)));
                out.flush();
            }
            long now = System.currentTimeMillis();
            if (now >= next) {
                out.println(Json.write(event("stats", id, CgroupStats.read(cg))));
                out.flush();
                next = now + intervalMs;
            }
            try {
                Thread.sleep(Math.min(OOM_CHECK_MS, Math.max(1, next - now)));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private static Map<String, Object> event(String type, String id, Object data) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("type", type);
        m.put("id", id);
        if (data != null) {
            m.put("data", data);
        }
        return m;
    }
}
