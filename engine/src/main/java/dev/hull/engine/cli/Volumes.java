package dev.hull.engine.cli;

import dev.hull.engine.EngineException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code -v/--volume} and {@code --mount} as Docker reads them. {@code -v SRC:DST[:OPTS]}: an
 * absolute SRC is a host directory (bind), anything else a named volume; {@code -v DST} alone is an
 * anonymous volume. {@code --mount} is CSV: {@code type=bind|volume|tmpfs,source=,target=,readonly,...}.
 */
public final class Volumes {
    private Volumes() {}

    private static final List<String> BIND_OPTIONS = List.of("ro", "rw", "z", "Z", "shared", "rshared", "slave",
            "rslave", "private", "rprivate", "nocopy");

    /** A parsed {@code -v}: source (null for an anonymous volume), destination, options. */
    public record Bind(String source, String destination, List<String> options) {
        public boolean isHostPath() {
            return source != null && source.startsWith("/");
        }

        public boolean readOnly() {
            return options.contains("ro");
        }

        public String propagation() {
            for (String o : options) {
                if (o.endsWith("shared") || o.endsWith("slave") || o.endsWith("private")) {
                    return o;
                }
            }
            return "";
        }
    }

    public static Bind parseBind(String v) throws EngineException {
        String[] p = v.split(":", -1);
        String source = null, dest, opts = "";
        switch (p.length) {
            case 1 -> dest = p[0];
            case 2 -> {
                if (p[1].startsWith("/")) {
                    source = p[0];
                    dest = p[1];
                } else {
                    dest = p[0];
                    opts = p[1];
                }
            }
            case 3 -> {
                source = p[0];
                dest = p[1];
                opts = p[2];
            }
            default -> throw new EngineException("--volume " + v + ": invalid volume specification: '" + v + "'");
        }
        if (!dest.startsWith("/")) {
            throw new EngineException("--volume " + v + ": invalid volume specification: '" + v
                    + "': invalid mount config for type \"volume\": invalid mount path: '" + dest + "' mount path must be absolute");
        }
        if (dest.equals("/")) {
            throw new EngineException("--volume " + v + ": invalid volume specification: '" + v + "': destination can't be '/'");
        }
        if (source != null && source.isEmpty()) {
            throw new EngineException("--volume " + v + ": invalid volume specification: '" + v + "': empty source");
        }
        if (source != null && !source.startsWith("/")) {
            checkVolumeName("--volume " + v, source);
        }
        List<String> options = new ArrayList<>();
        if (!opts.isEmpty()) {
            for (String o : opts.split(",")) {
                if (!BIND_OPTIONS.contains(o)) {
                    throw new EngineException("--volume " + v + ": invalid mode: " + o);
                }
                options.add(o);
            }
        }
        if (options.contains("ro") && options.contains("rw")) {
            throw new EngineException("--volume " + v + ": invalid mode: ro and rw together");
        }
        return new Bind(source, dest, options);
    }

    public static void checkVolumeName(String what, String name) throws EngineException {
        boolean ok = !name.isEmpty() && Character.isLetterOrDigit(name.charAt(0)) && name.length() >= 2;
        for (int i = 0; ok && i < name.length(); i++) {
            char c = name.charAt(i);
            ok = c < 128 && (Character.isLetterOrDigit(c) || c == '_' || c == '.' || c == '-');
        }
        if (!ok) {
            throw new EngineException(what + ": \"" + name
                    + "\" includes invalid characters for a local volume name, only \"[a-zA-Z0-9][a-zA-Z0-9_.-]\" are allowed."
                    + " If you intended to pass a host directory, use absolute path");
        }
    }

    /** {@code --mount} entries as Docker's Mount objects (HostConfig.Mounts). */
    public static List<Map<String, Object>> parseMounts(List<String> items) throws EngineException {
        List<Map<String, Object>> out = new ArrayList<>();
        for (String item : items) {
            String type = "volume", source = "", target = null, propagation = "";
            boolean readOnly = false, noCopy = false;
            Long size = null, mode = null;
            for (String field : item.split(",")) {
                int eq = field.indexOf('=');
                String k = (eq < 0 ? field : field.substring(0, eq)).trim().toLowerCase(java.util.Locale.ROOT);
                String val = eq < 0 ? null : field.substring(eq + 1).trim();
                switch (k) {
                    case "type" -> type = need(item, k, val);
                    case "source", "src" -> source = need(item, k, val);
                    case "target", "destination", "dst" -> target = need(item, k, val);
                    case "readonly", "ro" -> readOnly = val == null || val.equals("true") || val.equals("1");
                    case "bind-propagation" -> propagation = need(item, k, val);
                    case "volume-nocopy" -> noCopy = val == null || val.equals("true") || val.equals("1");
                    case "tmpfs-size" -> size = Sizes.ram("--mount tmpfs-size", need(item, k, val));
                    case "tmpfs-mode" -> {
                        try {
                            mode = Long.parseLong(need(item, k, val), 8);
                        } catch (NumberFormatException e) {
                            throw new EngineException("--mount " + item + ": invalid tmpfs-mode " + val);
                        }
                    }
                    case "consistency", "bind-nonrecursive" -> { } // no meaning on Linux / kept simple
                    default -> throw new EngineException("--mount " + item + ": unexpected key '" + k + "' in '" + field + "'");
                }
            }
            if (!type.equals("bind") && !type.equals("volume") && !type.equals("tmpfs")) {
                throw new EngineException("--mount " + item + ": invalid type \"" + type + "\" (bind, volume or tmpfs)");
            }
            if (target == null || !target.startsWith("/")) {
                throw new EngineException("--mount " + item + ": invalid mount config: target must be an absolute path");
            }
            if (type.equals("bind")) {
                if (!source.startsWith("/")) {
                    throw new EngineException("--mount " + item + ": invalid mount config for type \"bind\": source must be an absolute path");
                }
                if (!java.nio.file.Files.exists(java.nio.file.Path.of(source))) {
                    throw new EngineException("--mount " + item + ": invalid mount config for type \"bind\": bind source path does not exist: " + source);
                }
            } else if (type.equals("volume") && !source.isEmpty()) {
                checkVolumeName("--mount " + item, source);
            } else if (type.equals("tmpfs") && !source.isEmpty()) {
                throw new EngineException("--mount " + item + ": invalid mount config for type \"tmpfs\": source must not be specified");
            }
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("Type", type);
            m.put("Source", source);
            m.put("Target", target);
            m.put("ReadOnly", readOnly);
            if (type.equals("bind") && !propagation.isEmpty()) {
                m.put("BindOptions", new LinkedHashMap<>(Map.of("Propagation", propagation)));
            }
            if (type.equals("volume") && noCopy) {
                m.put("VolumeOptions", new LinkedHashMap<>(Map.of("NoCopy", true)));
            }
            if (type.equals("tmpfs") && (size != null || mode != null)) {
                Map<String, Object> t = new LinkedHashMap<>();
                if (size != null) {
                    t.put("SizeBytes", size);
                }
                if (mode != null) {
                    t.put("Mode", mode);
                }
                m.put("TmpfsOptions", t);
            }
            out.add(m);
        }
        return out;
    }

    private static String need(String item, String key, String val) throws EngineException {
        if (val == null || val.isEmpty()) {
            throw new EngineException("--mount " + item + ": invalid field '" + key + "' must be a key=value pair");
        }
        return val;
    }
}
