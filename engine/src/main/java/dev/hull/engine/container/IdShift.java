package dev.hull.engine.container;

import dev.hull.engine.EngineException;
import dev.hull.sys.FileCalls;
import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;
import java.util.Map;

/**
 * With {@code --uidmap}/{@code --gidmap}, the container's root is a host uid such as 100000, and
 * the image's files, owned by host uid 0, would be nobody's inside. As Docker's userns-remap and
 * Podman do, the owners of the container's rootfs are shifted by the mapping once, at create: in
 * the overlay's merged view, whose metacopy copies up only the metadata into the container's own
 * layer (the image's layers are shared and stay as they are). chown clears the setuid and setgid
 * bits, so the mode is put back after it; it also drops a file's capabilities
 * ({@code security.capability}), which are put back as a version 3 entry whose root is the
 * container's (the kernel honours a version 2 one, the host root's, in no user namespace but the
 * host's), as containers/storage does for Podman.
 */
final class IdShift {
    private IdShift() {}

    static void apply(Path rootfs, Object uidMaps, Object gidMaps) throws EngineException {
        List<Object> uids = SpecBuilder.list(uidMaps), gids = SpecBuilder.list(gidMaps);
        try {
            Files.walkFileTree(rootfs, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                    shift(dir);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    shift(file);
                    return FileVisitResult.CONTINUE;
                }

                private void shift(Path p) throws IOException {
                    Map<String, Object> a = Files.readAttributes(p, "unix:uid,gid,mode", LinkOption.NOFOLLOW_LINKS);
                    int uid = (Integer) a.get("uid"), gid = (Integer) a.get("gid"), mode = (Integer) a.get("mode");
                    long hu = toHost(uids, uid), hg = toHost(gids, gid);
                    if (hu == uid && hg == gid) {
                        return;
                    }
                    byte[] caps = (mode & 0170000) == 0100000 ? FileCalls.lgetxattr(p.toString(), CAPS) : null;
                    if (hu != uid) {
                        Files.setAttribute(p, "unix:uid", (int) hu, LinkOption.NOFOLLOW_LINKS);
                    }
                    if (hg != gid) {
                        Files.setAttribute(p, "unix:gid", (int) hg, LinkOption.NOFOLLOW_LINKS);
                    }
                    if ((mode & 06000) != 0 && !Files.isSymbolicLink(p)) {
                        Files.setAttribute(p, "unix:mode", mode & 07777, LinkOption.NOFOLLOW_LINKS);
                    }
                    if (caps != null) {
                        FileCalls.lsetxattr(p.toString(), CAPS, forRoot(caps, uids));
                    }
                }
            });
        } catch (IOException e) {
            throw new EngineException("--uidmap: cannot shift the owners of the rootfs " + rootfs + ": " + e.getMessage());
        }
    }

    private static final String CAPS = "security.capability";

    /**
     * A file's capabilities (struct vfs_cap_data) for the container's user namespace: version 3,
     * its rootid the host uid of the container's root (of the image's rootid under the mapping,
     * for a version 3 entry; 0 for a version 2 one). Other versions are returned as they are.
     */
    static byte[] forRoot(byte[] caps, List<Object> uidMaps) {
        if (caps.length < 20) {
            return caps;
        }
        int magic = le32(caps, 0), revision = magic & 0xff000000;
        if (revision != 0x02000000 && revision != 0x03000000) {
            return caps;
        }
        long root = toHost(uidMaps, revision == 0x03000000 && caps.length >= 24 ? le32(caps, 20) & 0xffffffffL : 0);
        byte[] v3 = java.util.Arrays.copyOf(caps, 24);
        putLe32(v3, 0, 0x03000000 | (magic & 0x00ffffff)); // the flags (effective) kept
        putLe32(v3, 20, (int) root);
        return v3;
    }

    private static int le32(byte[] b, int o) {
        return (b[o] & 0xff) | (b[o + 1] & 0xff) << 8 | (b[o + 2] & 0xff) << 16 | (b[o + 3] & 0xff) << 24;
    }

    private static void putLe32(byte[] b, int o, int v) {
        b[o] = (byte) v;
        b[o + 1] = (byte) (v >> 8);
        b[o + 2] = (byte) (v >> 16);
        b[o + 3] = (byte) (v >> 24);
    }

    /**
     * The container's root, an unprivileged host uid, must be able to reach its rootfs and the
     * files bound into it (as with Docker's userns-remap, whose data root is 0711): the store's own
     * directories on the way get o+x; a directory above the store that lacks it is an error naming it.
     */
    static void traversable(Path root, Path rootfs, Path containerDir) throws EngineException {
        try {
            for (Path p = root.toAbsolutePath().getParent(); p != null; p = p.getParent()) {
                int mode = (Integer) Files.getAttribute(p, "unix:mode");
                if ((mode & 01) == 0) {
                    throw new EngineException("--uidmap: the container's root cannot reach its rootfs: " + p
                            + " is not searchable by others (chmod o+x " + p + ", or another --root)");
                }
            }
            for (Path p : new Path[] {root, containerDir.getParent(), containerDir}) {
                addSearch(p);
            }
            for (Path p = rootfs.getParent(); p != null && p.startsWith(root); p = p.getParent()) {
                addSearch(p);
            }
            Path volumes = root.resolve("volumes");
            if (Files.isDirectory(volumes)) {
                addSearch(volumes);
            }
        } catch (IOException e) {
            throw new EngineException("--uidmap: " + e.getMessage());
        }
    }

    private static void addSearch(Path p) throws IOException {
        int mode = (Integer) Files.getAttribute(p, "unix:mode", LinkOption.NOFOLLOW_LINKS);
        if ((mode & 01) == 0) {
            Files.setAttribute(p, "unix:mode", (mode & 07777) | 011, LinkOption.NOFOLLOW_LINKS);
        }
    }

    /** The engine's files bound into the container, owned by its root (as Docker's userns-remap). */
    static void giveToContainerRoot(Path dir, Object uidMaps, Object gidMaps, String... files) throws IOException {
        int uid = (int) toHost(SpecBuilder.list(uidMaps), 0), gid = (int) toHost(SpecBuilder.list(gidMaps), 0);
        for (String f : files) {
            Files.setAttribute(dir.resolve(f), "unix:uid", uid);
            Files.setAttribute(dir.resolve(f), "unix:gid", gid);
        }
    }

    /** The host id of a container id under the mappings; ids outside them stay as they are. */
    static long toHost(List<Object> maps, long id) {
        return translate(maps, id, "ContainerID", "HostID");
    }

    /** The container id of a host id under the mappings; ids outside them stay as they are. */
    static long toContainer(List<Object> maps, long id) {
        return translate(maps, id, "HostID", "ContainerID");
    }

    private static long translate(List<Object> maps, long id, String from, String to) {
        for (Object o : maps) {
            Map<?, ?> m = (Map<?, ?>) o;
            long f = SpecBuilder.num(m.get(from)), t = SpecBuilder.num(m.get(to)), n = SpecBuilder.num(m.get("Size"));
            if (id >= f && id < f + n) {
                return t + (id - f);
            }
        }
        return id;
    }
}
