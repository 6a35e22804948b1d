package dev.hull.runtime.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.hull.sys.MountInfo;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** What the kernel shows about mounts and files, for the mount and device tests. */
final class Kernel {
    private Kernel() {}

    static List<MountInfo> mountinfo(Object pid) {
        return MountInfo.parse(Host.read("/proc/" + pid + "/mountinfo"));
    }

    /** The topmost mount at exactly this mount point; fails the test if there is none. */
    static MountInfo at(List<MountInfo> mounts, String mountPoint) {
        MountInfo found = find(mounts, mountPoint);
        if (found == null) {
            fail("no mount at " + mountPoint + " in\n" + dump(mounts));
        }
        return found;
    }

    static MountInfo find(List<MountInfo> mounts, String mountPoint) {
        MountInfo found = null;
        for (MountInfo m : mounts) {
            if (m.mountPoint().equals(mountPoint)) {
                found = m; // later lines are mounted on top
            }
        }
        return found;
    }

    static String dump(List<MountInfo> mounts) {
        StringBuilder b = new StringBuilder();
        for (MountInfo m : mounts) {
            b.append("  ").append(m.mountPoint()).append(' ').append(m.fsType()).append(" root=").append(m.root())
                    .append(' ').append(m.options()).append(' ').append(m.optionalFields()).append(' ')
                    .append(m.superOptions()).append('\n');
        }
        return b.toString();
    }

    static Set<String> options(MountInfo m) {
        return Set.of(m.options().split(","));
    }

    static Set<String> superOptions(MountInfo m) {
        return Set.of(m.superOptions().split(","));
    }

    /** Asserts the per-mount options include all of these. */
    static void assertOptions(MountInfo m, String... expected) {
        for (String o : expected) {
            assertTrue(options(m).contains(o), m.mountPoint() + ": per-mount options " + m.options() + " lack " + o);
        }
    }

    static void assertSuperOptions(MountInfo m, String... expected) {
        for (String o : expected) {
            assertTrue(superOptions(m).contains(o),
                    m.mountPoint() + ": superblock options " + m.superOptions() + " lack " + o);
        }
    }

    /** The N of an optional field "shared:N" / "master:N", or -1. */
    static int peerGroup(MountInfo m, String kind) {
        for (String f : m.optionalFields()) {
            if (f.startsWith(kind + ":")) {
                return Integer.parseInt(f.substring(kind.length() + 1));
            }
        }
        return -1;
    }

    /**
     * The output of a probe script split at its "== name" lines: name -> the lines that follow.
     */
    static Map<String, String> sections(String out) {
        Map<String, String> m = new LinkedHashMap<>();
        String key = "";
        StringBuilder cur = new StringBuilder();
        for (String line : out.split("\n", -1)) {
            if (line.startsWith("== ")) {
                m.put(key, cur.toString());
                key = line.substring(3).trim();
                cur = new StringBuilder();
            } else if (!line.isEmpty()) {
                cur.append(line).append('\n');
            }
        }
        m.put(key, cur.toString());
        return m;
    }

    static String section(Map<String, String> s, String name) {
        String v = s.get(name);
        if (v == null) {
            fail("the probe printed no section " + name + ": " + s);
        }
        return v;
    }

    /** stat of a path without following a last symlink: type letter, major, minor, mode bits, uid, gid. */
    record Node(char type, long major, long minor, int perms, int uid, int gid) {
        @Override
        public String toString() {
            return type + " " + major + ":" + minor + " " + Integer.toOctalString(perms) + " " + uid + ":" + gid;
        }
    }

    static Node node(Path p) {
        try {
            Map<String, Object> a = Files.readAttributes(p, "unix:mode,rdev,uid,gid", LinkOption.NOFOLLOW_LINKS);
            int mode = (Integer) a.get("mode");
            long rdev = (Long) a.get("rdev");
            char type = switch (mode & 0170000) {
                case 0020000 -> 'c';
                case 0060000 -> 'b';
                case 0010000 -> 'p';
                case 0040000 -> 'd';
                case 0120000 -> 'l';
                case 0100000 -> 'f';
                default -> '?';
            };
            // glibc's gnu_dev_major / gnu_dev_minor
            long major = ((rdev >>> 8) & 0xfff) | ((rdev >>> 32) & ~0xfffL);
            long minor = (rdev & 0xff) | ((rdev >>> 12) & ~0xffL);
            return new Node(type, major, minor, mode & 07777, (Integer) a.get("uid"), (Integer) a.get("gid"));
        } catch (IOException e) {
            throw new AssertionError("cannot stat " + p + ": " + e, e);
        }
    }

    /** The names in a directory, sorted; fails if it cannot be listed. */
    static List<String> list(Path dir) {
        try (var s = Files.list(dir)) {
            List<String> names = new ArrayList<>();
            s.forEach(p -> names.add(p.getFileName().toString()));
            names.sort(null);
            return names;
        } catch (IOException e) {
            throw new AssertionError("cannot list " + dir + ": " + e, e);
        }
    }

    /** A path of the host as seen inside a rootfs ("/tmp/x" -> ROOTFS/tmp/x). */
    static Path inRootfs(Path rootfs, Path hostPath) {
        return rootfs.resolve(hostPath.toString().substring(1));
    }

    static void assertExitOk(Cmd.Result r) {
        assertEquals(0, r.code(), () -> "command failed:\n" + r);
    }
}
