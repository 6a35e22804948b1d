package dev.hull.runtime.it;

import static org.junit.jupiter.api.Assertions.fail;

import dev.hull.spec.json.Json;
import dev.hull.spec.json.JsonException;
import dev.hull.sys.KernelFiles;
import dev.hull.sys.MountInfo;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The host's cgroup files, as the resource tests read them: a container's directory in a
 * hierarchy is found from /proc/PID/cgroup of its process (what the kernel says, not what the
 * runtime recorded), or from its state.json once the process is gone.
 */
final class HostCgroups {
    private HostCgroups() {}

    /** The mount point of the v1 hierarchy with this controller ("name=systemd" too), or null. */
    static Path v1Mount(String controller) {
        for (MountInfo m : mounts()) {
            if (m.fsType().equals("cgroup") && Set.of(m.superOptions().split(",")).contains(controller)) {
                return Path.of(m.mountPoint());
            }
        }
        return null;
    }

    /** Where the cgroup2 tree is mounted (/sys/fs/cgroup/unified on a hybrid host), or null. */
    static Path unifiedMount() {
        for (MountInfo m : mounts()) {
            if (m.fsType().equals("cgroup2")) {
                return Path.of(m.mountPoint());
            }
        }
        return null;
    }

    private static List<MountInfo> mounts() {
        try {
            return MountInfo.self();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    /** The cgroup of a process in the hierarchy of this controller ("" for the unified one). */
    static Path dir(long pid, String controller) {
        return dirOf(Host.read("/proc/" + pid + "/cgroup"), controller);
    }

    /** This process's own cgroup in a hierarchy: where relative cgroupsPaths land. */
    static Path own(String controller) {
        return dirOf(Host.read("/proc/self/cgroup"), controller);
    }

    private static Path dirOf(String procCgroup, String controller) {
        for (String line : procCgroup.split("\n")) {
            String[] f = line.split(":", 3);
            if (f.length != 3) {
                continue;
            }
            if (controller.isEmpty() ? f[0].equals("0") && f[1].isEmpty()
                    : Set.of(f[1].split(",")).contains(controller)) {
                Path mount = controller.isEmpty() ? unifiedMount() : v1Mount(controller);
                if (mount == null) {
                    fail("no mount for the " + controller + " hierarchy");
                }
                return mount.resolve(f[2].substring(1));
            }
        }
        fail("no " + (controller.isEmpty() ? "unified" : controller) + " line in\n" + procCgroup);
        return null;
    }

    /** A container's directory in a hierarchy ("memory", "" for unified) from its state.json. */
    @SuppressWarnings("unchecked")
    static Path fromState(Path stateRoot, String id, String key) {
        return Path.of((String) ((Map<String, Object>) stateJson(stateRoot, id).get("cgroupDirs")).get(key));
    }

    /** The resources a container's state keeps for the next update. */
    @SuppressWarnings("unchecked")
    static Map<String, Object> stateResources(Path stateRoot, String id) {
        return (Map<String, Object>) stateJson(stateRoot, id).get("resources");
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> stateJson(Path stateRoot, String id) {
        Path file = stateRoot.resolve(id).resolve("state.json");
        try {
            return (Map<String, Object>) Json.parse(Files.readString(file));
        } catch (IOException | JsonException e) {
            throw new AssertionError("cannot read " + file + ": " + e, e);
        }
    }

    /** A cgroup file, trimmed. */
    static String read(Path dir, String file) {
        try {
            return KernelFiles.readTrimmed(dir.resolve(file));
        } catch (IOException e) {
            throw new AssertionError("cannot read " + dir.resolve(file) + ": " + e, e);
        }
    }

    static long number(Path dir, String file) {
        return Long.parseLong(read(dir, file));
    }

    /** The value of "key N" in a keyed file (memory.oom_control, cpu.stat, pids.events). */
    static long keyed(Path dir, String file, String key) {
        for (String line : read(dir, file).split("\n")) {
            String[] f = line.trim().split("\\s+");
            if (f.length == 2 && f[0].equals(key)) {
                return Long.parseLong(f[1]);
            }
        }
        fail("no " + key + " in " + dir.resolve(file) + ":\n" + read(dir, file));
        return -1;
    }

    static void write(Path dir, String file, String value) {
        try {
            Files.writeString(dir.resolve(file), value);
        } catch (IOException e) {
            throw new AssertionError("cannot write " + value + " to " + dir.resolve(file) + ": " + e, e);
        }
    }

    /** The pids in cgroup.procs. */
    static List<Long> procs(Path dir) {
        List<Long> out = new ArrayList<>();
        for (String l : read(dir, "cgroup.procs").split("\n")) {
            if (!l.isBlank()) {
                out.add(Long.parseLong(l.trim()));
            }
        }
        return out;
    }

    /**
     * The files a new child cgroup of this v1 hierarchy has (kernel features vary: the blkio
     * weight files come with CFQ or BFQ). Made and removed at once; its name is no test id.
     */
    static Set<String> childFiles(String controller) {
        Path probe = v1Mount(controller).resolve("hull-it-probe-" + ProcessHandle.current().pid());
        try {
            Files.createDirectory(probe);
            try (var s = Files.list(probe)) {
                return Set.copyOf(s.map(p -> p.getFileName().toString()).toList());
            } finally {
                Files.delete(probe);
            }
        } catch (IOException e) {
            throw new AssertionError("cannot probe a child " + controller + " cgroup: " + e, e);
        }
    }

    /**
     * major:minor of the disk the host's root filesystem is on ("254:0"), or null; for a
     * partition, its whole disk (blkio throttles take disks).
     */
    static String rootDisk() {
        for (MountInfo m : mounts()) {
            if (m.mountPoint().equals("/") && !m.device().startsWith("0:")) {
                Path sys = Path.of("/sys/dev/block", m.device());
                if (Files.exists(sys.resolve("partition"))) {
                    return Host.read(sys.resolve("../dev").toString()).trim();
                }
                return m.device();
            }
        }
        return null;
    }
}
