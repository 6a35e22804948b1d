package dev.hull.engine.cli;

import dev.hull.engine.Engine;
import dev.hull.engine.EngineException;
import dev.hull.engine.cli.Flags.Flag;
import dev.hull.engine.container.Volumes;
import dev.hull.engine.volume.VolumeStore;
import dev.hull.spec.json.Json;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code hull volume create|ls|inspect|rm|prune}. */
final class VolumeCommands {
    private VolumeCommands() {}

    static int dispatch(Engine engine, List<String> args, PrintStream out) throws EngineException {
        if (args.isEmpty()) {
            throw EngineException.usage("volume: expected a command (create, ls, inspect, rm, prune)");
        }
        String sub = args.remove(0);
        VolumeStore store = engine.volumes();
        switch (sub) {
            case "create" -> {
                Flags f = Flags.parse("volume create", args, List.of(Flag.value("label"), Flag.value("driver", 'd'),
                        Flag.value("name"), Flag.value("opt", 'o')), true);
                if (f.get("driver") != null && !f.get("driver").equals("local")) {
                    throw new EngineException("--driver " + f.get("driver") + ": only the local driver exists");
                }
                if (!f.all("opt").isEmpty()) {
                    throw new EngineException("--opt: driver options are not supported");
                }
                String name = f.get("name", f.positional().isEmpty() ? null : f.positional().get(0));
                if (name == null) {
                    byte[] b = new byte[32];
                    java.util.concurrent.ThreadLocalRandom.current().nextBytes(b);
                    name = java.util.HexFormat.of().formatHex(b);
                }
                Map<String, String> labels = new LinkedHashMap<>();
                for (String l : f.all("label")) {
                    int eq = l.indexOf('=');
                    labels.put(eq < 0 ? l : l.substring(0, eq), eq < 0 ? "" : l.substring(eq + 1));
                }
                out.println(store.create(name, labels).name());
            }
            case "ls", "list" -> {
                Flags f = Flags.parse("volume ls", args, List.of(Flag.bool("quiet", 'q'), Flag.value("format")), true);
                List<Map<String, Object>> rows = new ArrayList<>();
                for (VolumeStore.Volume v : store.list()) {
                    Map<String, Object> r = new LinkedHashMap<>();
                    r.put("Driver", "local");
                    r.put("Name", v.name());
                    r.put("Mountpoint", v.mountpoint().toString());
                    rows.add(r);
                }
                if (f.bool("quiet")) {
                    for (Map<String, Object> r : rows) {
                        out.println(r.get("Name"));
                    }
                } else {
                    Formats.print(f.get("format", "table {{.Driver}}\t{{.Name}}"), rows,
                            ContainerViews.headers("Driver", "DRIVER", "Name", "VOLUME NAME", "Mountpoint", "MOUNTPOINT"), out);
                }
            }
            case "inspect" -> {
                Flags f = Flags.parse("volume inspect", args, List.of(Flag.value("format", 'f')), true);
                Commands.need("volume inspect", f, 1);
                List<Object> all = new ArrayList<>();
                for (String n : f.positional()) {
                    all.add(store.get(n).toJson());
                }
                if (f.get("format") == null) {
                    out.println(Json.writePretty(all, "    "));
                } else {
                    for (Object o : all) {
                        out.println(Formats.render(f.get("format"), o));
                    }
                }
            }
            case "rm", "remove" -> {
                Flags f = Flags.parse("volume rm", args, List.of(Flag.bool("force", 'f')), true);
                Commands.need("volume rm", f, 1);
                for (String n : f.positional()) {
                    if (Volumes.inUse(engine, n, null)) {
                        throw new EngineException("remove " + n + ": volume is in use");
                    }
                    store.remove(n);
                    out.println(n);
                }
            }
            case "prune" -> {
                Flags f = Flags.parse("volume prune", args, List.of(Flag.bool("force", 'f'), Flag.bool("all", 'a')), true);
                for (VolumeStore.Volume v : store.list()) {
                    boolean anonymous = v.labels().containsKey(dev.hull.engine.container.MountPlanner.ANONYMOUS);
                    if ((anonymous || f.bool("all")) && !Volumes.inUse(engine, v.name(), null)) {
                        store.remove(v.name());
                        out.println(v.name());
                    }
                }
            }
            default -> throw EngineException.usage("unknown command \"volume " + sub + "\"");
        }
        return 0;
    }
}
