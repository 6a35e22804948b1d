package dev.hull.engine.cli;

import dev.hull.engine.Engine;
import dev.hull.engine.EngineException;
import dev.hull.engine.Times;
import dev.hull.engine.container.Container;
import dev.hull.engine.container.ContainerStore;
import dev.hull.engine.container.Exits;
import dev.hull.engine.container.SpecBuilder;
import dev.hull.image.Image;
import dev.hull.image.ImageException;
import dev.hull.spec.json.Json;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code ps}, {@code inspect}, {@code rename}: containers as Docker shows them. */
final class ContainerViews {
    private ContainerViews() {}

    static final Map<String, Object> PS_HEADERS = headers("ID", "CONTAINER ID", "Image", "IMAGE", "Command", "COMMAND",
            "CreatedAt", "CREATED AT", "RunningFor", "CREATED", "Ports", "PORTS", "State", "STATE", "Status", "STATUS",
            "Size", "SIZE", "Names", "NAMES", "Labels", "LABELS", "Mounts", "MOUNTS", "Networks", "NETWORKS");

    static void ps(Engine engine, Flags f, PrintStream out) throws EngineException {
        List<Map<String, Object>> rows = new ArrayList<>();
        boolean all = f.bool("all") || f.bool("latest") || f.get("last") != null;
        List<Container> cs = engine.containers().all();
        for (int i = cs.size() - 1; i >= 0; i--) { // newest first
            Container c = Exits.reconcileListed(engine, cs.get(i));
            if (c == null || !all && !c.state().running()) {
                continue;
            }
            if (!matches(c, f.all("filter"))) {
                continue;
            }
            rows.add(psRow(c, f.bool("no-trunc")));
        }
        if (f.bool("latest") && rows.size() > 1) {
            rows = rows.subList(0, 1);
        }
        if (f.get("last") != null) {
            int n = (int) Sizes.integer("--last", f.get("last"));
            if (n >= 0 && rows.size() > n) {
                rows = rows.subList(0, n);
            }
        }
        if (f.bool("quiet")) {
            for (Map<String, Object> r : rows) {
                out.println(r.get("ID"));
            }
            return;
        }
        String format = f.get("format", "table {{.ID}}\t{{.Image}}\t{{.Command}}\t{{.RunningFor}}\t{{.Status}}\t{{.Ports}}\t{{.Names}}");
        Formats.print(format, rows, PS_HEADERS, out);
    }

    /** Docker's filters that matter most: name=, id=, status=, label=, ancestor=. */
    private static boolean matches(Container c, List<String> filters) throws EngineException {
        for (String flt : filters) {
            int eq = flt.indexOf('=');
            if (eq <= 0) {
                throw new EngineException("--filter " + flt + ": bad format of filter (expected name=value)");
            }
            String k = flt.substring(0, eq), v = flt.substring(eq + 1);
            boolean ok = switch (k) {
                case "name" -> c.name().contains(v);
                case "id" -> c.id().startsWith(v);
                case "status" -> c.state().status().equals(v);
                case "label" -> {
                    Map<?, ?> labels = (Map<?, ?>) c.config().get("Labels");
                    int e2 = v.indexOf('=');
                    yield labels != null && (e2 < 0 ? labels.containsKey(v)
                            : v.substring(e2 + 1).equals(labels.get(v.substring(0, e2))));
                }
                case "ancestor" -> v.equals(c.config().get("Image")) || c.imageId().contains(v);
                default -> throw new EngineException("--filter: invalid filter '" + k + "'");
            };
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    static Map<String, Object> psRow(Container c, boolean noTrunc) {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("ID", noTrunc ? c.id() : c.shortId());
        r.put("Image", c.config().get("Image"));
        StringBuilder cmd = new StringBuilder(c.path());
        for (String a : c.args()) {
            cmd.append(' ').append(a);
        }
        String command = cmd.toString();
        if (!noTrunc && command.length() > 20) {
            command = command.substring(0, 19) + "…";
        }
        r.put("Command", "\"" + command + "\"");
        r.put("CreatedAt", c.created());
        r.put("RunningFor", Times.ago(c.created()));
        r.put("Ports", "");
        r.put("State", c.state().status());
        r.put("Status", status(c));
        r.put("Size", "0B");
        r.put("Names", c.name());
        StringBuilder labels = new StringBuilder();
        if (c.config().get("Labels") instanceof Map<?, ?> l) {
            for (Map.Entry<?, ?> e : l.entrySet()) {
                labels.append(labels.isEmpty() ? "" : ",").append(e.getKey()).append('=').append(e.getValue());
            }
        }
        r.put("Labels", labels.toString());
        StringBuilder mounts = new StringBuilder();
        for (Map<String, Object> m : c.mounts()) {
            mounts.append(mounts.isEmpty() ? "" : ",").append(m.get("Name") != null ? m.get("Name") : m.get("Source"));
        }
        r.put("Mounts", mounts.toString());
        r.put("Networks", SpecBuilder.str(c.hostConfig().get("NetworkMode")));
        return r;
    }

    /** "Up 5 seconds", "Up 2 minutes (Paused)", "Exited (0) 3 seconds ago", "Created", "Restarting (1) ...". */
    static String status(Container c) {
        Container.State s = c.state();
        return switch (s.status()) {
            case "running" -> "Up " + Times.human(java.time.Duration.between(Times.parse(s.startedAt()), java.time.Instant.now()));
            case "paused" -> "Up " + Times.human(java.time.Duration.between(Times.parse(s.startedAt()), java.time.Instant.now()))
                    + " (Paused)";
            case "restarting" -> "Restarting (" + s.exitCode() + ") " + Times.ago(s.finishedAt());
            case "exited" -> "Exited (" + s.exitCode() + ") " + Times.ago(s.finishedAt());
            case "created" -> "Created";
            default -> s.status();
        };
    }

    static int inspect(Engine engine, Flags f, PrintStream out, PrintStream err) throws EngineException {
        String type = f.get("type", "");
        List<Object> found = new ArrayList<>();
        int code = 0;
        for (String ref : f.positional()) {
            Object o = null;
            if (!type.equals("image")) {
                try {
                    o = Exits.reconcile(engine, engine.containers().find(ref)).toJson();
                } catch (EngineException e) {
                    if (type.equals("container")) {
                        err.println("hull: " + e.getMessage());
                        code = 1;
                        continue;
                    }
                }
            }
            if (o == null) {
                try {
                    Image img = engine.images().resolve(ref);
                    o = Json.parse(engine.images().inspectJson(img));
                } catch (ImageException | dev.hull.spec.json.JsonException e) {
                    err.println("hull: No such object: " + ref);
                    code = 1;
                    continue;
                }
            }
            found.add(o);
        }
        String format = f.get("format");
        if (format == null) {
            out.println(Json.writePretty(found, "    "));
        } else {
            for (Object o : found) {
                out.println(Formats.render(format, o));
            }
        }
        return code;
    }

    static void rename(Engine engine, String ref, String newName) throws EngineException {
        try (ContainerStore.Lock names = engine.containers().lockNames()) {
            Container c = engine.containers().find(ref);
            String n = newName.startsWith("/") ? newName.substring(1) : newName;
            for (Container other : engine.containers().all()) {
                if (other.name().equals(n)) {
                    throw new EngineException("Conflict. The container name \"/" + n + "\" is already in use by container \""
                            + other.id() + "\". You have to remove (or rename) that container to be able to reuse that name.");
                }
            }
            if (n.isEmpty() || !Character.isLetterOrDigit(n.charAt(0))) {
                throw new EngineException("Invalid container name (" + newName + "), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed");
            }
            try (ContainerStore.Lock lock = engine.containers().lock(c.id())) {
                engine.containers().save(engine.containers().load(c.id()).withName(n));
            }
        }
    }

    static Map<String, Object> headers(String... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return m;
    }
}
