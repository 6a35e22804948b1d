package dev.hull.runtime.it;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hull.runtime.HullException;
import dev.hull.runtime.lifecycle.HostMounts;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The executor's MOUNT and UMOUNT as one-step programs in the runtime's mount namespace. */
class HostMountsIT {
    private static String mountLine(Path p) throws Exception {
        for (String l : Files.readAllLines(Path.of("/proc/self/mountinfo"))) {
            if (l.split(" ")[4].equals(p.toString())) {
                return l;
            }
        }
        return null;
    }

    @Test
    void mountsAndUnmountsOnTheHost() throws Exception {
        Path dir = Files.createTempDirectory("hull-it-hostmount");
        try {
            HostMounts.mount("hulltest", dir.toString(), "tmpfs", 2 | 4 | 8, "size=1m,mode=1777");
            String line = mountLine(dir);
            assertTrue(line != null && line.contains(" - tmpfs hulltest ") && line.contains("size=1024k")
                    && line.contains("nosuid") && line.contains("nodev") && line.contains("noexec"), String.valueOf(line));
            HostMounts.unmount(dir.toString(), 0);
            assertFalse(mountLine(dir) != null, "still mounted");
            HullException e = assertThrows(HullException.class, () -> HostMounts.unmount(dir.toString(), 0));
            assertTrue(e.getMessage().contains("EINVAL"), e.getMessage());
        } finally {
            if (mountLine(dir) != null) {
                HostMounts.unmount(dir.toString(), 2);
            }
            if (mountLine(dir) == null) {
                Files.delete(dir);
            }
        }
    }
}
