package dev.hull.runtime.lifecycle;

import dev.hull.runtime.HullException;
import dev.hull.spec.json.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code spec}: a starting config.json, the same container `runc spec` describes. */
public final class SpecTemplate {
    public static final String OCI_VERSION = "1.2.0";

    private SpecTemplate() {}

    public static void write(Path bundle, boolean rootless) throws HullException {
        Path file = bundle.resolve("config.json");
        try {
            Files.write(file, (Json.writePretty(config(rootless), "\t") + "\n").getBytes(StandardCharsets.UTF_8),
                    StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        } catch (FileAlreadyExistsException e) {
            throw new HullException("File " + file + " exists. Remove it first");
        } catch (IOException e) {
            throw new HullException("write " + file + ": " + e.getMessage());
        }
    }

    public static Map<String, Object> config(boolean rootless) {
        List<String> caps = List.of("CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE");
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("ociVersion", OCI_VERSION);
        Map<String, Object> process = new LinkedHashMap<>();
        process.put("terminal", true);
        process.put("user", obj("uid", 0, "gid", 0));
        process.put("args", List.of("sh"));
        process.put("env", List.of("PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "TERM=xterm"));
        process.put("cwd", "/");
        process.put("capabilities", obj("bounding", caps, "effective", caps, "permitted", caps, "ambient", caps));
        process.put("rlimits", List.of(obj("type", "RLIMIT_NOFILE", "hard", 1024, "soft", 1024)));
        process.put("noNewPrivileges", true);
        c.put("process", process);
        c.put("root", obj("path", "rootfs", "readonly", true));
        c.put("hostname", "hull");
        List<Object> mounts = new ArrayList<>();
        mounts.add(obj("destination", "/proc", "type", "proc", "source", "proc"));
        mounts.add(obj("destination", "/dev", "type", "tmpfs", "source", "tmpfs",
                "options", List.of("nosuid", "strictatime", "mode=755", "size=65536k")));
        mounts.add(obj("destination", "/dev/pts", "type", "devpts", "source", "devpts", "options",
                rootless ? List.of("nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620")
                        : List.of("nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5")));
        mounts.add(obj("destination", "/dev/shm", "type", "tmpfs", "source", "shm",
                "options", List.of("nosuid", "noexec", "nodev", "mode=1777", "size=65536k")));
        mounts.add(obj("destination", "/dev/mqueue", "type", "mqueue", "source", "mqueue",
                "options", List.of("nosuid", "noexec", "nodev")));
        if (rootless) {
            mounts.add(obj("destination", "/sys", "type", "none", "source", "/sys",
                    "options", List.of("rbind", "nosuid", "noexec", "nodev", "ro")));
        } else {
            mounts.add(obj("destination", "/sys", "type", "sysfs", "source", "sysfs",
                    "options", List.of("nosuid", "noexec", "nodev", "ro")));
            mounts.add(obj("destination", "/sys/fs/cgroup", "type", "cgroup", "source", "cgroup",
                    "options", List.of("nosuid", "noexec", "nodev", "relatime", "ro")));
        }
        c.put("mounts", mounts);
        Map<String, Object> linux = new LinkedHashMap<>();
        if (rootless) {
            linux.put("uidMappings", List.of(obj("containerID", 0, "hostID", 1000, "size", 1)));
            linux.put("gidMappings", List.of(obj("containerID", 0, "hostID", 1000, "size", 1)));
        } else {
            linux.put("resources", obj("devices", List.of(obj("allow", false, "access", "rwm"))));
        }
        List<Object> ns = new ArrayList<>();
        for (String t : rootless ? List.of("pid", "ipc", "uts", "mount", "user")
                : List.of("pid", "network", "ipc", "uts", "mount")) {
            ns.add(obj("type", t));
        }
        linux.put("namespaces", ns);
        linux.put("maskedPaths", List.of("/proc/acpi", "/proc/asound", "/proc/kcore", "/proc/keys",
                "/proc/latency_stats", "/proc/timer_list", "/proc/timer_stats", "/proc/sched_debug",
                "/sys/firmware", "/proc/scsi"));
        linux.put("readonlyPaths", List.of("/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys",
                "/proc/sysrq-trigger"));
        c.put("linux", linux);
        return c;
    }

    private static Map<String, Object> obj(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }
}
