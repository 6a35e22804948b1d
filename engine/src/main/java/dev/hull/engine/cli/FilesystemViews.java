package dev.hull.engine.cli;

import dev.hull.engine.Engine;
import dev.hull.engine.EngineException;
import dev.hull.engine.container.Container;
import dev.hull.image.Image;
import dev.hull.image.ImageException;
import dev.hull.image.ImageStore;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/**
 * {@code hull export} (the container's filesystem as a tar, as {@code docker export}: its rootfs
 * with the container's changes, not its volumes) and {@code hull diff} (what the container changed
 * against its image: A added, C changed, D deleted, read from the overlay's upper directory).
 */
final class FilesystemViews {
    private static final int S_IFMT = 0170000, S_IFDIR = 0040000, S_IFLNK = 0120000, S_IFREG = 0100000,
            S_IFCHR = 0020000, S_IFBLK = 0060000, S_IFIFO = 0010000;

    private FilesystemViews() {}

    static ImageStore.RootfsDirs rootfs(Engine engine, Container c) throws EngineException {
        try {
            Image image = engine.images().resolve(c.imageId());
            engine.images().prepareRootfs(c.id(), image); // mounted since create; again after a reboot
            return engine.images().rootfsDirs(c.id());
        } catch (ImageException e) {
            throw new EngineException("the filesystem of " + c.name() + ": " + e.getMessage());
        }
    }

    /** To the file (whole or not at all), or to stdout when none is given and it is not a terminal. */
    static void export(Engine engine, Container c, String output, PrintStream stdout) throws EngineException {
        Path merged = rootfs(engine, c).merged();
        try {
            if (output == null) {
                if (ImageCommands.stdoutIsATerminal()) {
                    throw new EngineException("export: cowardly refusing to save to a terminal. Use the -o flag or redirect");
                }
                tar(merged, stdout, c);
                if (stdout.checkError()) {
                    throw new EngineException("export: the archive could not be written to stdout");
                }
                return;
            }
            Path out = Path.of(output);
            Path tmp = out.toAbsolutePath().resolveSibling("." + out.getFileName() + ".tmp");
            try (OutputStream os = Files.newOutputStream(tmp)) {
                tar(merged, os, c);
            } catch (IOException e) {
                Files.deleteIfExists(tmp);
                throw e;
            }
            Files.move(tmp, out, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new EngineException("export " + c.name() + ": " + e.getMessage());
        }
    }

    private static void tar(Path root, OutputStream os, Container c) throws IOException {
        TarArchiveOutputStream tar = new TarArchiveOutputStream(os); // finished, not closed: stdout stays open
        tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
        tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
        addChildren(tar, root, "", new HashMap<>(), c);
        tar.finish();
        tar.flush();
    }

    /** The entries under dir, sorted by name; hard links as links to the first name of their inode. */
    private static void addChildren(TarArchiveOutputStream tar, Path dir, String prefix, Map<Object, String> inodes,
                                    Container c) throws IOException {
        for (Path p : sortedChildren(dir)) {
            String name = prefix + p.getFileName();
            if (entry(tar, p, name, inodes, c)) {
                addChildren(tar, p, name + "/", inodes, c);
            }
        }
    }

    static List<Path> sortedChildren(Path dir) throws IOException {
        List<Path> children = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
            for (Path p : ds) {
                children.add(p);
            }
        }
        children.sort((a, b) -> a.getFileName().toString().compareTo(b.getFileName().toString()));
        return children;
    }

    /**
     * One tar entry for the file p under name, owners as the container sees them (through
     * --uidmap), a hard link to an inode already written as a link. Returns whether p is a
     * directory (the caller goes on with its children); sockets are left out.
     */
    static boolean entry(TarArchiveOutputStream tar, Path p, String name, Map<Object, String> inodes, Container c)
            throws IOException {
        Map<String, Object> a = Files.readAttributes(p, "unix:mode,uid,gid,size,rdev,nlink,ino,dev,lastModifiedTime",
                LinkOption.NOFOLLOW_LINKS);
        int mode = (Integer) a.get("mode");
        TarArchiveEntry e;
        boolean content = false;
        switch (mode & S_IFMT) {
            case S_IFDIR -> e = new TarArchiveEntry(name + "/");
            case S_IFLNK -> {
                e = new TarArchiveEntry(name, TarArchiveEntry.LF_SYMLINK);
                e.setLinkName(Files.readSymbolicLink(p).toString());
            }
            case S_IFREG -> {
                Object key = a.get("dev") + ":" + a.get("ino");
                String first = (Integer) a.get("nlink") > 1 ? inodes.putIfAbsent(key, name) : null;
                if (first != null) {
                    e = new TarArchiveEntry(name, TarArchiveEntry.LF_LINK);
                    e.setLinkName(first);
                } else {
                    e = new TarArchiveEntry(name);
                    e.setSize((Long) a.get("size"));
                    content = true;
                }
            }
            case S_IFCHR, S_IFBLK -> {
                e = new TarArchiveEntry(name, (mode & S_IFMT) == S_IFCHR ? TarArchiveEntry.LF_CHR : TarArchiveEntry.LF_BLK);
                long rdev = (Long) a.get("rdev");
                e.setDevMajor((int) (((rdev >> 8) & 0xfff) | ((rdev >> 32) & ~0xfffL)));
                e.setDevMinor((int) ((rdev & 0xff) | ((rdev >> 12) & ~0xffL)));
            }
            case S_IFIFO -> e = new TarArchiveEntry(name, TarArchiveEntry.LF_FIFO);
            default -> {
                return false; // sockets: not in an archive
            }
        }
        e.setMode(mode);
        e.setUserId(c.containerUid((Integer) a.get("uid")));
        e.setGroupId(c.containerGid((Integer) a.get("gid")));
        e.setModTime(((FileTime) a.get("lastModifiedTime")).toMillis());
        tar.putArchiveEntry(e);
        if (content) {
            Files.copy(p, tar);
        }
        tar.closeArchiveEntry();
        return (mode & S_IFMT) == S_IFDIR;
    }

    /** The mount points the runtime made in the container's upper dir: not the container's changes. */
    static Set<String> mountPoints(Container c) {
        Set<String> mountPoints = new HashSet<>(List.of("/etc/hostname", "/etc/hosts", "/etc/resolv.conf",
                dev.hull.engine.container.Init.PATH_IN_CONTAINER, "/proc", "/dev", "/sys", "/dev/shm", "/dev/pts", "/dev/mqueue", "/sys/fs/cgroup"));
        for (Map<String, Object> m : c.mounts()) {
            mountPoints.add(String.valueOf(m.get("Destination")));
        }
        return mountPoints;
    }

    /** Whether p in the upper dir is overlayfs's whiteout (a character device 0:0): a deletion. */
    static boolean whiteout(Path p) throws IOException {
        Map<String, Object> a = Files.readAttributes(p, "unix:mode,rdev", LinkOption.NOFOLLOW_LINKS);
        return ((Integer) a.get("mode") & S_IFMT) == S_IFCHR && (Long) a.get("rdev") == 0;
    }

    /** Docker's diff lines, sorted by path: "A /tmp/new", "C /etc", "D /bin/ls". */
    static List<String> diff(Engine engine, Container c) throws EngineException {
        ImageStore.RootfsDirs dirs = rootfs(engine, c);
        Set<String> mountPoints = mountPoints(c);
        TreeMap<String, Character> changes = new TreeMap<>();
        try {
            walk(dirs, c, dirs.upper(), "", mountPoints, changes);
            // a directory left "changed" only as the parent of mount points, its own metadata as the image's
            for (String path : new ArrayList<>(changes.descendingKeySet())) {
                Path upper = dirs.upper().resolve(path.substring(1));
                if (changes.get(path) == 'C' && !hasChild(changes, path)
                        && Files.isDirectory(upper, LinkOption.NOFOLLOW_LINKS)
                        && sameMetadata(c, upper, inLower(dirs, path))) {
                    changes.remove(path);
                }
            }
        } catch (IOException e) {
            throw new EngineException("diff " + c.name() + ": " + e.getMessage());
        }
        List<String> out = new ArrayList<>();
        changes.forEach((path, kind) -> out.add(kind + " " + path));
        return out;
    }

    private static void walk(ImageStore.RootfsDirs dirs, Container c, Path dir, String prefix, Set<String> mountPoints,
                             Map<String, Character> changes) throws IOException {
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
            for (Path p : ds) {
                String path = prefix + "/" + p.getFileName();
                if (mountPoints.contains(path)) {
                    continue;
                }
                if (whiteout(p)) {
                    changes.put(path, 'D');
                    continue;
                }
                int mode = (Integer) Files.getAttribute(p, "unix:mode", LinkOption.NOFOLLOW_LINKS);
                Path lower = inLower(dirs, path);
                if (lower == null) {
                    changes.put(path, 'A');
                } else if (!(c.hostConfig().get("UidMap") != null && (mode & S_IFMT) != S_IFDIR && sameMetadata(c, p, lower))) {
                    // (with --uidmap every file's owner was shifted by a metadata copy-up: not a change)
                    changes.put(path, 'C');
                }
                if ((mode & S_IFMT) == S_IFDIR) {
                    walk(dirs, c, p, path, mountPoints, changes);
                }
            }
        }
    }

    private static Path inLower(ImageStore.RootfsDirs dirs, String path) {
        for (Path layer : dirs.lowerTopFirst()) {
            Path p = layer.resolve(path.substring(1));
            if (Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
                return p;
            }
        }
        return null;
    }

    private static boolean hasChild(TreeMap<String, Character> changes, String dir) {
        String next = changes.higherKey(dir);
        return next != null && next.startsWith(dir + "/");
    }

    /** Mode and owners of the upper path as of the image's (owners through --uidmap). */
    private static boolean sameMetadata(Container c, Path upper, Path lower) throws IOException {
        if (lower == null) {
            return false;
        }
        Map<String, Object> up = Files.readAttributes(upper, "unix:mode,uid,gid", LinkOption.NOFOLLOW_LINKS);
        Map<String, Object> low = Files.readAttributes(lower, "unix:mode,uid,gid", LinkOption.NOFOLLOW_LINKS);
        return up.get("mode").equals(low.get("mode"))
                && (Integer) up.get("uid") == c.hostUid((Integer) low.get("uid"))
                && (Integer) up.get("gid") == c.hostGid((Integer) low.get("gid"));
    }
}
