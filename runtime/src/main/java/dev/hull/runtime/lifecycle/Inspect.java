package dev.hull.runtime.lifecycle;

import dev.hull.runtime.HullException;
import dev.hull.runtime.state.ContainerRecord;
import dev.hull.runtime.state.Status;
import dev.hull.spec.json.Json;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** {@code state ID} and {@code list}: what the runtime knows, without changing anything. */
public final class Inspect {
    private Inspect() {}

    /** The OCI state of one container; pid 0 once stopped, as runc prints it. */
    public static String state(RuntimeContext ctx, String id) throws HullException {
        ContainerRecord r = ctx.store().load(id);
        Status s = ctx.store().status(r);
        return Json.writePretty(OciState.of(r, s, s == Status.STOPPED ? 0 : r.pid()), "  ");
    }

    public static String list(RuntimeContext ctx, String format, boolean quiet) throws HullException {
        List<Map<String, Object>> states = new ArrayList<>();
        for (String id : ctx.store().ids()) {
            try {
                ContainerRecord r = ctx.store().load(id);
                Status s = ctx.store().status(r);
                states.add(OciState.of(r, s, s == Status.STOPPED ? 0 : r.pid()));
            } catch (HullException e) {
                // deleted meanwhile, or corrupt: not listed
            }
        }
        StringBuilder b = new StringBuilder();
        if (quiet) {
            for (Map<String, Object> m : states) {
                b.append(m.get("id")).append('\n');
            }
            return b.toString();
        }
        if ("json".equals(format)) {
            return Json.write(states) + "\n";
        }
        if (format != null && !format.equals("table")) {
            throw new HullException("--format: unknown format \"" + format + "\" (table or json)");
        }
        String[] head = {"ID", "PID", "STATUS", "BUNDLE", "CREATED", "OWNER"};
        List<String[]> rows = new ArrayList<>();
        rows.add(head);
        for (Map<String, Object> m : states) {
            rows.add(new String[] {String.valueOf(m.get("id")), String.valueOf(m.get("pid")),
                String.valueOf(m.get("status")), String.valueOf(m.get("bundle")),
                String.valueOf(m.get("created")), "root"});
        }
        int[] w = new int[head.length];
        for (String[] row : rows) {
            for (int i = 0; i < row.length; i++) {
                w[i] = Math.max(w[i], row[i].length());
            }
        }
        for (String[] row : rows) {
            for (int i = 0; i < row.length; i++) {
                b.append(row[i]);
                if (i < row.length - 1) {
                    b.append(" ".repeat(w[i] - row[i].length() + 4));
                }
            }
            b.append('\n');
        }
        return b.toString();
    }
}
