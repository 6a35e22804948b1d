package dev.hull.cgroups;

import java.nio.file.Path;
import java.util.Set;

/**
 * One mounted cgroup hierarchy. {@code key} names it the way /proc/self/cgroup does: the
 * controllers joined by commas ("cpu,cpuacct"), "name=systemd" for a named one, "" for v2.
 */
public record Hierarchy(String key, Set<String> controllers, Path mountPoint, String mountRoot,
                        boolean unified) {

    /** The directory name under /sys/fs/cgroup that the container sees: "cpu,cpuacct", "systemd". */
    public String dirName() {
        return mountPoint.getFileName() == null ? key : mountPoint.getFileName().toString();
    }
}
