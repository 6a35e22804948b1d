package dev.hull.runtime.security;

import dev.hull.runtime.program.HostFacts;
import dev.hull.runtime.program.ProgramCompiler;
import dev.hull.spec.Capabilities;
import dev.hull.spec.Linux;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A config made privileged as Docker's {@code --privileged} makes it: every capability the
 * runtime can give, every host device, no device cgroup restriction, no masked or read-only
 * paths, no seccomp filter, AppArmor unconfined, no SELinux label, and /sys and cgroup mounts
 * writable. The namespaces stay as they are. Unlike Docker (which asks for every capability the
 * kernel knows, and fails where the runtime's bounding set lacks one), the capabilities are those
 * of the runtime's bounding set.
 *
 * <p>It works on the config.json tree (what {@code SpecTemplate} builds and an engine writes for
 * the runtime), not on the parser's {@code Spec} records, which have no writer; the result
 * parses and validates like any config.
 */
public final class Privileged {
    private Privileged() {}

    /** Directories of /dev that hold no host devices of their own (runc's devices.GetDevices). */
    private static final Set<String> SKIPPED_DIRS = Set.of("pts", "shm", "fd", "mqueue", ".lxc",
            ".lxd-mounts", ".udev");

    public static Map<String, Object> apply(Map<String, Object> config, HostFacts host) throws IOException {
        return apply(config, host, hostDevices(Path.of("/dev")));
    }

    /** With the given host devices (tests pass those of a fake /dev). A new tree; config is not changed. */
    public static Map<String, Object> apply(Map<String, Object> config, HostFacts host,
                                            List<Linux.Device> devices) {
        Map<String, Object> c = new LinkedHashMap<>(config);
        List<String> caps = capabilities(host);
        Map<String, Object> process = new LinkedHashMap<>(map(c, "process"));
        // no inheritable or ambient set: as Docker since 20.10.14 (CVE-2022-24769)
        process.put("capabilities", obj("bounding", caps, "effective", caps, "permitted", caps));
        process.put("apparmorProfile", ProgramCompiler.UNCONFINED);
        process.remove("selinuxLabel");
        c.put("process", process);

        Map<String, Object> linux = new LinkedHashMap<>(map(c, "linux"));
        Map<String, Object> resources = new LinkedHashMap<>(map(linux, "resources"));
        resources.put("devices", List.of(obj("allow", true, "access", "rwm")));
        linux.put("resources", resources);
        linux.put("devices", mergeDevices(list(linux, "devices"), devices));
        linux.remove("seccomp");
        linux.remove("mountLabel");
        linux.put("maskedPaths", List.of());
        linux.put("readonlyPaths", List.of());
        c.put("linux", linux);

        List<Object> mounts = new ArrayList<>();
        for (Object o : list(c, "mounts")) {
            @SuppressWarnings("unchecked")
            Map<String, Object> m = (Map<String, Object>) o;
            Object type = m.get("type");
            boolean sys = "sysfs".equals(type) || "/sys".equals(m.get("destination"));
            boolean cgroup = "cgroup".equals(type) || "cgroup2".equals(type);
            mounts.add(sys || cgroup ? writable(m) : m);
        }
        c.put("mounts", mounts);
        return c;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Map<String, Object> m, String key) {
        Object v = m.get(key);
        return v instanceof Map<?, ?> ? (Map<String, Object>) v : Map.of();
    }

    @SuppressWarnings("unchecked")
    private static List<Object> list(Map<String, Object> m, String key) {
        Object v = m.get(key);
        return v instanceof List<?> ? (List<Object>) v : List.of();
    }

    private static Map<String, Object> obj(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }

    /** Every capability of the runtime's bounding set that the kernel knows. */
    static List<String> capabilities(HostFacts host) {
        List<String> caps = new ArrayList<>();
        int last = Math.min(host.capLastCap(), Capabilities.last());
        for (int n = 0; n <= last; n++) {
            if ((host.boundingSet() & (1L << n)) != 0) {
                caps.add(Capabilities.name(n));
            }
        }
        return caps;
    }

    /** The mount without "ro" (Docker's clearReadOnly), and "rw" said explicitly. */
    private static Map<String, Object> writable(Map<String, Object> m) {
        List<Object> opts = new ArrayList<>();
        for (Object o : list(m, "options")) {
            if (!"ro".equals(o) && !"rw".equals(o)) {
                opts.add(o);
            }
        }
        opts.add("rw");
        Map<String, Object> out = new LinkedHashMap<>(m);
        out.put("options", opts);
        return out;
    }

    /** The config's own devices first; host devices at other paths after them. */
    private static List<Object> mergeDevices(List<Object> own, List<Linux.Device> host) {
        List<Object> out = new ArrayList<>(own);
        for (Linux.Device d : host) {
            boolean taken = false;
            for (Object o : own) {
                taken |= o instanceof Map<?, ?> m && d.path().equals(m.get("path"));
            }
            if (!taken) {
                Map<String, Object> dev = obj("path", d.path(), "type", d.type());
                if (!d.type().equals("p")) {
                    dev.put("major", d.major());
                    dev.put("minor", d.minor());
                }
                dev.put("fileMode", d.fileMode());
                dev.put("uid", d.uid());
                dev.put("gid", d.gid());
                out.add(dev);
            }
        }
        return out;
    }

    /**
     * The device nodes under {@code dev}, walked as runc's devices.HostDevices does: character,
     * block and fifo nodes (not symlinks), skipping pts, shm, fd, mqueue and the LXC/LXD/udev
     * directories, and /dev/console (the container gets its own). Paths are given as under /dev.
     */
    public static List<Linux.Device> hostDevices(Path dev) throws IOException {
        List<Linux.Device> out = new ArrayList<>();
        walk(dev, dev, out);
        return out;
    }

    private static void walk(Path root, Path dir, List<Linux.Device> out) throws IOException {
        List<Path> entries = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
            for (Path p : ds) {
                entries.add(p);
            }
        }
        entries.sort(null);
        for (Path p : entries) {
            String name = p.getFileName().toString();
            if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                if (!SKIPPED_DIRS.contains(name)) {
                    walk(root, p, out);
                }
                continue;
            }
            if (name.equals("console")) {
                continue;
            }
            int mode;
            long rdev;
            try {
                mode = (Integer) Files.getAttribute(p, "unix:mode", LinkOption.NOFOLLOW_LINKS);
                rdev = (Long) Files.getAttribute(p, "unix:rdev", LinkOption.NOFOLLOW_LINKS);
            } catch (IOException e) {
                continue; // gone meanwhile
            }
            String type = switch (mode & 0170000) {
                case 0020000 -> "c";
                case 0060000 -> "b";
                case 0010000 -> "p";
                default -> null;
            };
            if (type == null) {
                continue;
            }
            long uid = ((Number) Files.getAttribute(p, "unix:uid", LinkOption.NOFOLLOW_LINKS)).longValue();
            long gid = ((Number) Files.getAttribute(p, "unix:gid", LinkOption.NOFOLLOW_LINKS)).longValue();
            String path = "/dev/" + root.relativize(p);
            out.add(new Linux.Device(type, path, type.equals("p") ? 0L : major(rdev),
                    type.equals("p") ? 0L : minor(rdev), mode & 07777, uid, gid));
        }
    }

    /** glibc's gnu_dev_major/minor. */
    static long major(long dev) {
        return ((dev >>> 8) & 0xfff) | ((dev >>> 32) & 0xfffff000L);
    }

    static long minor(long dev) {
        return (dev & 0xff) | ((dev >>> 12) & 0xffffff00L);
    }
}
