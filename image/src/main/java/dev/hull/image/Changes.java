package dev.hull.image;

import dev.hull.spec.json.Json;
import dev.hull.spec.json.JsonException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * `docker import --change` instructions, given as a map from the Dockerfile instruction (CMD,
 * ENTRYPOINT, ENV, WORKDIR, USER, LABEL, EXPOSE, VOLUME, STOPSIGNAL) to its argument; ENV, LABEL,
 * EXPOSE and VOLUME take several values on separate lines.
 */
final class Changes {
    private Changes() {}

    static ImageConfig apply(ImageConfig base, Map<String, String> changes) throws ImageException {
        if (changes == null || changes.isEmpty()) {
            return base;
        }
        String user = base.user();
        List<String> env = new ArrayList<>(base.env());
        List<String> entrypoint = base.entrypoint();
        List<String> cmd = base.cmd();
        String workdir = base.workingDir();
        Map<String, String> labels = new LinkedHashMap<>(base.labels());
        List<String> ports = new ArrayList<>(base.exposedPorts());
        List<String> volumes = new ArrayList<>(base.volumes());
        String stop = base.stopSignal();
        for (var c : changes.entrySet()) {
            String v = c.getValue() == null ? "" : c.getValue().trim();
            switch (c.getKey().toUpperCase(Locale.ROOT)) {
                case "CMD" -> cmd = command(v, "CMD");
                case "ENTRYPOINT" -> entrypoint = command(v, "ENTRYPOINT");
                case "WORKDIR" -> workdir = v;
                case "USER" -> user = v;
                case "STOPSIGNAL" -> stop = v;
                case "ENV" -> {
                    for (String line : v.split("\n")) {
                        String[] kv = pair(line, "ENV");
                        env.removeIf(e -> e.startsWith(kv[0] + "="));
                        env.add(kv[0] + "=" + kv[1]);
                    }
                }
                case "LABEL" -> {
                    for (String line : v.split("\n")) {
                        String[] kv = pair(line, "LABEL");
                        labels.put(kv[0], kv[1]);
                    }
                }
                case "EXPOSE" -> {
                    for (String p : v.split("\\s+")) {
                        if (!p.matches("[0-9]{1,5}(/(tcp|udp|sctp))?")) {
                            throw new ImageException("change EXPOSE: bad port \"" + p + "\"");
                        }
                        String port = p.contains("/") ? p : p + "/tcp";
                        if (!ports.contains(port)) {
                            ports.add(port);
                        }
                    }
                }
                case "VOLUME" -> {
                    for (String p : v.startsWith("[") ? jsonArray(v, "VOLUME") : List.of(v.split("\\s+"))) {
                        if (!p.isEmpty() && !volumes.contains(p)) {
                            volumes.add(p);
                        }
                    }
                }
                default -> throw new ImageException("change \"" + c.getKey() + "\": not one of CMD, ENTRYPOINT, ENV, "
                        + "WORKDIR, USER, LABEL, EXPOSE, VOLUME, STOPSIGNAL");
            }
        }
        return new ImageConfig(user, env, entrypoint, cmd, workdir, labels, ports, volumes, stop);
    }

    /** Exec form (a JSON array) or shell form (run by /bin/sh -c), as in a Dockerfile. */
    private static List<String> command(String v, String what) throws ImageException {
        if (v.startsWith("[")) {
            return jsonArray(v, what);
        }
        return List.of("/bin/sh", "-c", v);
    }

    private static List<String> jsonArray(String v, String what) throws ImageException {
        try {
            if (Json.parse(v) instanceof List<?> l) {
                List<String> out = new ArrayList<>();
                for (Object o : l) {
                    if (!(o instanceof String s)) {
                        throw new ImageException("change " + what + ": the array must hold strings");
                    }
                    out.add(s);
                }
                return out;
            }
        } catch (JsonException e) {
            throw new ImageException("change " + what + ": bad JSON array: " + e.getMessage());
        }
        throw new ImageException("change " + what + ": not a JSON array");
    }

    private static String[] pair(String line, String what) throws ImageException {
        String l = line.trim();
        int eq = l.indexOf('=');
        int sp = l.indexOf(' ');
        int cut = eq > 0 && (sp < 0 || eq < sp) ? eq : sp;
        if (cut <= 0) {
            throw new ImageException("change " + what + ": \"" + l + "\" is not KEY=VALUE");
        }
        String value = l.substring(cut + 1).trim();
        if (value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")) {
            value = value.substring(1, value.length() - 1);
        }
        return new String[] {l.substring(0, cut), value};
    }
}
