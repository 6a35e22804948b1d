package dev.hull.sys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class MountInfoTest {

    private static final String SAMPLE = """
            27 1 254:0 / / rw,relatime shared:1 - ext4 /dev/vda rw,discard
            22 27 0:21 / /proc rw,nosuid,nodev,noexec,relatime shared:5 - proc proc rw
            31 27 0:28 / /sys/fs/cgroup ro,nosuid,nodev,noexec shared:9 master:3 propagate_from:2 - tmpfs tmpfs ro,mode=755
            40 27 0:40 /sub\\040dir /mnt/with\\040space\\011tab rw,relatime - tmpfs my\\134source rw
            41 27 0:41 / /mnt/new\\012line rw - tmpfs none rw
            42 27 0:42 / /run rw,nosuid - tmpfs tmpfs rw,size=100k,mode=755
            43 27 0:43 / /run/x rw - tmpfs tmpfs
            """;

    @Test
    void fields() {
        List<MountInfo> ms = MountInfo.parse(SAMPLE);
        assertEquals(7, ms.size());
        MountInfo root = ms.get(0);
        assertEquals(new MountInfo(27, 1, "254:0", "/", "/", "rw,relatime", List.of("shared:1"), "ext4",
                "/dev/vda", "rw,discard"), root);
        MountInfo proc = ms.get(1);
        assertEquals(22, proc.id());
        assertEquals(27, proc.parentId());
        assertEquals("/proc", proc.mountPoint());
        assertEquals("proc", proc.fsType());
        assertEquals("proc", proc.source());
        assertEquals("rw,nosuid,nodev,noexec,relatime", proc.options());
    }

    @Test
    void optionalFields() {
        List<MountInfo> ms = MountInfo.parse(SAMPLE);
        assertEquals(List.of("shared:9", "master:3", "propagate_from:2"), ms.get(2).optionalFields());
        assertEquals("tmpfs", ms.get(2).fsType());
        assertEquals("ro,mode=755", ms.get(2).superOptions());
        assertEquals(List.of(), ms.get(3).optionalFields());
    }

    @Test
    void octalEscapes() {
        List<MountInfo> ms = MountInfo.parse(SAMPLE);
        assertEquals("/sub dir", ms.get(3).root());
        assertEquals("/mnt/with space\ttab", ms.get(3).mountPoint());
        assertEquals("my\\source", ms.get(3).source());
        assertEquals("/mnt/new\nline", ms.get(4).mountPoint());
    }

    @Test
    void unescapeLeavesOtherBackslashesAlone() {
        assertEquals("a\\b", MountInfo.unescape("a\\b"));
        assertEquals("a\\08", MountInfo.unescape("a\\08"));
        assertEquals("a\\04", MountInfo.unescape("a\\04"));
        assertEquals("end\\", MountInfo.unescape("end\\"));
        assertEquals("  ", MountInfo.unescape("\\040\\040"));
        assertEquals("plain", MountInfo.unescape("plain"));
    }

    @Test
    void missingSuperOptionsAndShortLines() {
        List<MountInfo> ms = MountInfo.parse(SAMPLE + "44 27 0:44 / /broken rw\n\n   \n");
        assertEquals(7, ms.size(), "a line without the separator is skipped");
        assertEquals("", ms.get(6).superOptions());
    }

    @Test
    void containing() {
        List<MountInfo> ms = MountInfo.parse(SAMPLE);
        assertEquals("/", MountInfo.containing(ms, "/").mountPoint());
        assertEquals("/", MountInfo.containing(ms, "/home/user").mountPoint());
        assertEquals("/proc", MountInfo.containing(ms, "/proc").mountPoint());
        assertEquals("/proc", MountInfo.containing(ms, "/proc/self/fd").mountPoint());
        assertEquals("/", MountInfo.containing(ms, "/processes").mountPoint(), "a prefix must end at a /");
        assertEquals("/run/x", MountInfo.containing(ms, "/run/x/y").mountPoint());
        assertEquals("/run", MountInfo.containing(ms, "/run/xy").mountPoint());
        assertEquals("/sys/fs/cgroup", MountInfo.containing(ms, "/sys/fs/cgroup/memory").mountPoint());
        assertEquals("/mnt/with space\ttab", MountInfo.containing(ms, "/mnt/with space\ttab/f").mountPoint());
    }

    @Test
    void laterMountOnTheSamePointWins() {
        List<MountInfo> ms = MountInfo.parse("""
                1 0 0:1 / / rw - ext4 /dev/a rw
                2 1 0:2 / /mnt rw - tmpfs first rw
                3 2 0:3 / /mnt rw - tmpfs second rw
                """);
        assertEquals("second", MountInfo.containing(ms, "/mnt/file").source());
        assertSame(ms.get(2), MountInfo.containing(ms, "/mnt"));
    }

    @Test
    void nothingContainsARelativePathWithoutRoot() {
        List<MountInfo> ms = MountInfo.parse("2 1 0:2 / /mnt rw - tmpfs t rw\n");
        assertNull(MountInfo.containing(ms, "/other"));
        assertNull(MountInfo.containing(List.of(), "/"));
    }

    @Test
    void ownMountTable() throws Exception {
        List<MountInfo> ms = MountInfo.self();
        assertFalse(ms.isEmpty());
        assertTrue(ms.stream().anyMatch(m -> m.mountPoint().equals("/")));
        assertEquals("proc", MountInfo.containing(ms, "/proc/self").fsType());
    }
}
