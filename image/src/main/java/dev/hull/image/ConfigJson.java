package dev.hull.image;

import dev.hull.spec.json.Json;
import dev.hull.spec.json.JsonException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An OCI/Docker image config (the JSON whose digest is the image id): what the store needs of it,
 * read with field names in errors, and the "docker image inspect" object built from it.
 */
record ConfigJson(Map<String, Object> raw, ImageConfig config, List<String> diffIds, String created,
        String architecture, String os, String variant, String comment, String author) {

    static ConfigJson parse(byte[] data, String what) throws ImageException {
        Object o;
        try {
            o = Json.parse(data);
        } catch (JsonException e) {
            throw new ImageException(what + ": not JSON: " + e.getMessage());
        }
        if (!(o instanceof Map<?, ?> m)) {
            throw new ImageException(what + ": not a JSON object");
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> raw = (Map<String, Object>) m;
        Map<?, ?> rootfs = map(raw.get("rootfs"), what, "rootfs");
        if (rootfs == null || !"layers".equals(rootfs.get("type"))) {
            throw new ImageException(what + ": rootfs.type must be \"layers\"");
        }
        List<String> diffIds = strings(rootfs.get("diff_ids"), what, "rootfs.diff_ids");
        if (diffIds == null) {
            throw new ImageException(what + ": rootfs.diff_ids is missing");
        }
        for (int i = 0; i < diffIds.size(); i++) {
            Digests.require(diffIds.get(i), what + ": rootfs.diff_ids[" + i + "]");
        }
        Map<?, ?> c = map(raw.get("config"), what, "config");
        ImageConfig config = c == null ? ImageConfig.EMPTY : new ImageConfig(
                string(c.get("User"), what, "config.User"),
                strings(c.get("Env"), what, "config.Env"),
                strings(c.get("Entrypoint"), what, "config.Entrypoint"),
                strings(c.get("Cmd"), what, "config.Cmd"),
                string(c.get("WorkingDir"), what, "config.WorkingDir"),
                labels(c.get("Labels"), what),
                keys(c.get("ExposedPorts"), what, "config.ExposedPorts"),
                keys(c.get("Volumes"), what, "config.Volumes"),
                string(c.get("StopSignal"), what, "config.StopSignal"));
        return new ConfigJson(raw, config, diffIds,
                string(raw.get("created"), what, "created"),
                string(raw.get("architecture"), what, "architecture"),
                string(raw.get("os"), what, "os"),
                string(raw.get("variant"), what, "variant"),
                string(raw.get("comment"), what, "comment"),
                string(raw.get("author"), what, "author"));
    }

    /** The image config "config" object for an ImageConfig, as written by importRootfs. */
    static Map<String, Object> toJson(ImageConfig c) {
        Map<String, Object> m = new LinkedHashMap<>();
        if (!c.user().isEmpty()) {
            m.put("User", c.user());
        }
        if (!c.exposedPorts().isEmpty()) {
            m.put("ExposedPorts", emptyObjects(c.exposedPorts()));
        }
        if (!c.env().isEmpty()) {
            m.put("Env", new ArrayList<Object>(c.env()));
        }
        if (c.entrypoint() != null) {
            m.put("Entrypoint", new ArrayList<Object>(c.entrypoint()));
        }
        if (c.cmd() != null) {
            m.put("Cmd", new ArrayList<Object>(c.cmd()));
        }
        if (!c.volumes().isEmpty()) {
            m.put("Volumes", emptyObjects(c.volumes()));
        }
        if (!c.workingDir().isEmpty()) {
            m.put("WorkingDir", c.workingDir());
        }
        if (!c.labels().isEmpty()) {
            m.put("Labels", new LinkedHashMap<String, Object>(c.labels()));
        }
        if (!c.stopSignal().isEmpty()) {
            m.put("StopSignal", c.stopSignal());
        }
        return m;
    }

    /** The object `docker image inspect` prints for one image. */
    static String inspect(Image image) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("Id", image.id());
        m.put("RepoTags", new ArrayList<Object>(image.repoTags()));
        m.put("RepoDigests", new ArrayList<Object>(image.repoDigests()));
        m.put("Parent", "");
        m.put("Comment", image.comment() == null ? "" : image.comment());
        m.put("Author", image.author() == null ? "" : image.author());
        m.put("Created", image.created() == null ? "" : image.created());
        ImageConfig c = image.config();
        Map<String, Object> cfg = new LinkedHashMap<>();
        cfg.put("User", c.user());
        cfg.put("Env", new ArrayList<Object>(c.env()));
        cfg.put("Cmd", c.cmd() == null ? null : new ArrayList<Object>(c.cmd()));
        cfg.put("Entrypoint", c.entrypoint() == null ? null : new ArrayList<Object>(c.entrypoint()));
        cfg.put("WorkingDir", c.workingDir());
        cfg.put("Labels", c.labels().isEmpty() ? null : new LinkedHashMap<String, Object>(c.labels()));
        cfg.put("ExposedPorts", c.exposedPorts().isEmpty() ? null : emptyObjects(c.exposedPorts()));
        cfg.put("Volumes", c.volumes().isEmpty() ? null : emptyObjects(c.volumes()));
        if (!c.stopSignal().isEmpty()) {
            cfg.put("StopSignal", c.stopSignal());
        }
        m.put("Config", cfg);
        m.put("Architecture", image.architecture() == null ? "" : image.architecture());
        if (image.variant() != null && !image.variant().isEmpty()) {
            m.put("Variant", image.variant());
        }
        m.put("Os", image.os() == null ? "" : image.os());
        m.put("Size", image.size());
        Map<String, Object> rootfs = new LinkedHashMap<>();
        rootfs.put("Type", "layers");
        rootfs.put("Layers", new ArrayList<Object>(image.diffIds()));
        m.put("RootFS", rootfs);
        m.put("Metadata", Map.of("LastTagTime", "0001-01-01T00:00:00Z"));
        return Json.writePretty(m, "    ");
    }

    static byte[] bytes(Map<String, Object> json) {
        return Json.write(json).getBytes(StandardCharsets.UTF_8);
    }

    private static Map<String, Object> emptyObjects(List<String> keys) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (String k : keys) {
            m.put(k, new LinkedHashMap<String, Object>());
        }
        return m;
    }

    private static Map<?, ?> map(Object o, String what, String field) throws ImageException {
        if (o == null) {
            return null;
        }
        if (!(o instanceof Map<?, ?> m)) {
            throw new ImageException(what + ": " + field + " must be an object");
        }
        return m;
    }

    private static String string(Object o, String what, String field) throws ImageException {
        if (o == null || o instanceof String) {
            return (String) o;
        }
        throw new ImageException(what + ": " + field + " must be a string");
    }

    private static List<String> strings(Object o, String what, String field) throws ImageException {
        if (o == null) {
            return null;
        }
        if (!(o instanceof List<?> l)) {
            throw new ImageException(what + ": " + field + " must be an array of strings");
        }
        List<String> out = new ArrayList<>();
        for (Object x : l) {
            if (!(x instanceof String s)) {
                throw new ImageException(what + ": " + field + " must be an array of strings");
            }
            out.add(s);
        }
        return out;
    }

    private static List<String> keys(Object o, String what, String field) throws ImageException {
        Map<?, ?> m = map(o, what, field);
        List<String> out = new ArrayList<>();
        if (m != null) {
            for (Object k : m.keySet()) {
                out.add((String) k);
            }
        }
        return out;
    }

    private static Map<String, String> labels(Object o, String what) throws ImageException {
        Map<?, ?> m = map(o, what, "config.Labels");
        Map<String, String> out = new LinkedHashMap<>();
        if (m != null) {
            for (var e : m.entrySet()) {
                out.put((String) e.getKey(), string(e.getValue(), what, "config.Labels." + e.getKey()));
            }
        }
        return out;
    }
}
