package dev.hull.runtime.it;

import dev.hull.runtime.lifecycle.SpecTemplate;
import dev.hull.spec.json.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An OCI bundle for tests: a root filesystem made of the host's static busybox (every applet a
 * relative symlink, so it works inside the container), /etc/passwd and /etc/group, and the
 * config `hull-runtime spec` writes, with terminal off. Edit the config tree, then write().
 */
public final class TestBundle {
    public final Path dir;
    public final Path rootfs;
    public final Map<String, Object> config;

    private TestBundle(Path dir) {
        this.dir = dir;
        this.rootfs = dir.resolve("rootfs");
        this.config = SpecTemplate.config(false);
        process().put("terminal", false);
    }

    public static TestBundle busybox(Path parent, String name) {
        TestBundle b = new TestBundle(parent.resolve(name));
        try {
            for (String d : new String[] {"bin", "proc", "sys", "dev", "tmp", "etc", "root", "home/user"}) {
                Files.createDirectories(b.rootfs.resolve(d));
            }
            Path busybox = Path.of("/bin/busybox");
            if (!Files.isExecutable(busybox)) {
                busybox = Path.of("/usr/bin/busybox");
            }
            Files.copy(busybox, b.rootfs.resolve("bin/busybox"));
            for (String applet : applets(busybox)) {
                if (!applet.equals("busybox")) {
                    Files.createSymbolicLink(b.rootfs.resolve("bin").resolve(applet), Path.of("busybox"));
                }
            }
            Files.writeString(b.rootfs.resolve("etc/passwd"), """
                    root:x:0:0:root:/root:/bin/sh
                    user:x:1000:1000:user:/home/user:/bin/sh
                    nobody:x:65534:65534:nobody:/nonexistent:/bin/false
                    """);
            Files.writeString(b.rootfs.resolve("etc/group"), """
                    root:x:0:
                    user:x:1000:
                    nogroup:x:65534:
                    """);
            Files.setPosixFilePermissions(b.rootfs.resolve("tmp"),
                    java.nio.file.attribute.PosixFilePermissions.fromString("rwxrwxrwx"));
        } catch (IOException e) {
            throw new AssertionError("cannot build a busybox rootfs: " + e, e);
        }
        return b.write();
    }

    private static List<String> applets(Path busybox) {
        Cmd.Result r = Cmd.run(busybox.toString(), "--list");
        if (r.code() != 0) {
            throw new AssertionError("busybox --list failed: " + r);
        }
        return List.of(r.out().split("\n"));
    }

    @SuppressWarnings("unchecked")
    public Map<String, Object> process() {
        return (Map<String, Object>) config.get("process");
    }

    @SuppressWarnings("unchecked")
    public Map<String, Object> linux() {
        return (Map<String, Object>) config.computeIfAbsent("linux", k -> new LinkedHashMap<>());
    }

    @SuppressWarnings("unchecked")
    public List<Object> mounts() {
        List<Object> m = (List<Object>) config.get("mounts");
        if (!(m instanceof ArrayList)) {
            m = new ArrayList<>(m);
            config.put("mounts", m);
        }
        return m;
    }

    @SuppressWarnings("unchecked")
    public List<Object> namespaces() {
        List<Object> ns = (List<Object>) linux().get("namespaces");
        if (!(ns instanceof ArrayList)) {
            ns = new ArrayList<>(ns);
            linux().put("namespaces", ns);
        }
        return ns;
    }

    /** Sets process.args. */
    public TestBundle args(String... args) {
        process().put("args", List.of(args));
        return write();
    }

    /** Runs `sh -c script` in the container. */
    public TestBundle sh(String script) {
        return args("sh", "-c", script);
    }

    /** Sets a member by its dotted path, creating objects on the way: set("process.user.uid", 1000). */
    @SuppressWarnings("unchecked")
    public TestBundle set(String path, Object value) {
        String[] parts = path.split("\\.");
        Map<String, Object> m = config;
        for (int i = 0; i < parts.length - 1; i++) {
            Object next = m.get(parts[i]);
            if (!(next instanceof LinkedHashMap)) {
                next = next == null ? new LinkedHashMap<String, Object>() : new LinkedHashMap<>((Map<String, Object>) next);
                m.put(parts[i], next);
            }
            m = (Map<String, Object>) next;
        }
        if (value == null) {
            m.remove(parts[parts.length - 1]);
        } else {
            m.put(parts[parts.length - 1], value);
        }
        return write();
    }

    /** Adds a namespace entry {type, path?}. */
    public TestBundle namespace(String type, String path) {
        Map<String, Object> n = new LinkedHashMap<>();
        n.put("type", type);
        if (path != null) {
            n.put("path", path);
        }
        namespaces().removeIf(o -> type.equals(((Map<?, ?>) o).get("type")));
        namespaces().add(n);
        return write();
    }

    public TestBundle withoutNamespace(String type) {
        namespaces().removeIf(o -> type.equals(((Map<?, ?>) o).get("type")));
        return write();
    }

    public TestBundle mount(String destination, String type, String source, String... options) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("destination", destination);
        if (type != null) {
            m.put("type", type);
        }
        if (source != null) {
            m.put("source", source);
        }
        m.put("options", List.of(options));
        mounts().add(m);
        return write();
    }

    public static Map<String, Object> obj(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }

    public TestBundle write() {
        try {
            Files.writeString(dir.resolve("config.json"), Json.writePretty(config, "  "), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        return this;
    }
}
