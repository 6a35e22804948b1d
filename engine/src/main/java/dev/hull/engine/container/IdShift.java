package dev.hull.engine.container;

import dev.hull.engine.EngineException;
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
 * bits, so the mode is put back after it.
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
                    if (hu != uid) {
                        Files.setAttribute(p, "unix:uid", (int) hu, LinkOption.NOFOLLOW_LINKS);
                    }
                    if (hg != gid) {
                        Files.setAttribute(p, "unix:gid", (int) hg, LinkOption.NOFOLLOW_LINKS);
                    }
                    if ((mode & 06000) != 0 && !Files.isSymbolicLink(p)) {
                        Files.setAttribute(p, "unix:mode", mode & 07777, LinkOption.NOFOLLOW_LINKS);
                    }
                }
            });
        } catch (IOException e) {
            throw new EngineException("--uidmap: cannot shift the owners of the rootfs " + rootfs + ": " + e.getMessage());
        }
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
        for (Object o : maps) {
            Map<?, ?> m = (Map<?, ?>) o;
            long c = SpecBuilder.num(m.get("ContainerID")), h = SpecBuilder.num(m.get("HostID")),
                    n = SpecBuilder.num(m.get("Size"));
            if (id >= c && id < c + n) {
                return h + (id - c);
            }
        }
        return id;
    }
}
