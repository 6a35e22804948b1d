package dev.hull.engine.cli;

import dev.hull.engine.Engine;
import dev.hull.engine.EngineException;
import dev.hull.engine.container.Container;
import dev.hull.engine.container.RuntimeView;
import dev.hull.runtime.HullException;
import dev.hull.runtime.lifecycle.Pause;
import dev.hull.runtime.rootfs.RootfsPaths;
import dev.hull.runtime.state.Status;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.IntUnaryOperator;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/**
 * {@code hull cp CONTAINER:SRC DEST|-} and {@code hull cp SRC|- CONTAINER:DEST}. A path in the
 * container is looked up as the container sees it: under one of its mounts (volumes, binds, its
 * /etc files) in that mount's source, else in its overlay rootfs, resolved without following
 * symlinks out of either. As with Docker, a directory is copied with its contents, into DEST when
 * DEST is a directory; "-" is a tar stream on stdout or stdin. Owners are Docker's: what is copied
 * into a container belongs to its root, what is copied out to the caller, and {@code -a} keeps the
 * source's owners instead (through the container's --uidmap/--gidmap either way). A symlink named
 * as the source is copied as a symlink; {@code -L} copies what it points to. A running container
 * is frozen (its cgroup's freezer) from the lookup to the end of the copy, as Docker does since
 * CVE-2018-15664: none of its processes can swap a directory for a symlink in between; so is
 * every other running container that mounts the volume or bind the path goes through.
 */
final class Copy {
    private Copy() {}

    /** -a and -L. */
    record Options(boolean archive, boolean followLink) {}

    /** The owner given to what a copy writes, from the source's. */
    private record Owner(IntUnaryOperator uid, IntUnaryOperator gid) {
        /** Into the container: its root, or with -a the source's ids as the container's. */
        static Owner into(Container c, boolean archive) {
            return archive ? new Owner(c::hostUid, c::hostGid) : new Owner(u -> c.hostUid(0), g -> c.hostGid(0));
        }

        /** Out of it: the caller, or with -a the ids the container sees. */
        static Owner outOf(Container c, boolean archive) throws IOException {
            if (archive) {
                return new Owner(c::containerUid, c::containerGid);
            }
            // /proc/self belongs to the caller's effective ids
            int uid = (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
            int gid = (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:gid");
            return new Owner(u -> uid, g -> gid);
        }

        void apply(Path p, int sourceUid, int sourceGid) throws IOException {
            Files.setAttribute(p, "unix:uid", uid.applyAsInt(sourceUid), LinkOption.NOFOLLOW_LINKS);
            Files.setAttribute(p, "unix:gid", gid.applyAsInt(sourceGid), LinkOption.NOFOLLOW_LINKS);
        }
    }

    static void run(Engine engine, String from, String to, Options o) throws EngineException {
        int a = containerSep(from), b = containerSep(to);
        if ((a < 0) == (b < 0)) {
            throw new EngineException("cp: " + (a < 0 ? "one of the paths must name a container (CONTAINER:PATH)"
                    : "copying between containers is not supported"));
        }
        Container c = engine.containers().find((a >= 0 ? from : to).substring(0, a >= 0 ? a : b));
        String inside = a >= 0 ? from.substring(a + 1) : to.substring(b + 1);
        List<Container> frozen = new ArrayList<>();
        try {
            for (Container x : sharers(engine, c, inside)) {
                try {
                    Pause.pause(engine.runtime(), x.id());
                    frozen.add(x);
                } catch (HullException e) {
                    throw new EngineException("cp: cannot freeze " + x.name() + " for the copy: " + e.getMessage());
                }
            }
            transfer(c, from, to, a, b, o);
        } finally {
            for (Container x : frozen) {
                try {
                    Pause.resume(engine.runtime(), x.id());
                } catch (HullException e) {
                    engine.log().warn("cp: cannot thaw " + x.name() + ": " + e.getMessage());
                }
            }
        }
    }

    /**
     * The running containers to freeze for a copy through path in c: c itself, and when the path
     * is under a volume or bind, every other running container that mounts the same directory (or
     * one inside it, or one it is inside), since any of them could swap a directory of it for a
     * symlink while the copy goes through.
     */
    private static List<Container> sharers(Engine engine, Container c, String path) throws EngineException {
        List<Container> out = new ArrayList<>();
        if (RuntimeView.status(engine, c.id()) == Status.RUNNING) {
            out.add(c);
        }
        String source = mountSource(c, path.startsWith("/") ? path : "/" + path);
        if (source == null) {
            return out;
        }
        for (Container other : engine.containers().all()) {
            if (other.id().equals(c.id()) || RuntimeView.status(engine, other.id()) != Status.RUNNING) {
                continue;
            }
            for (Map<String, Object> m : other.mounts()) {
                String s = String.valueOf(m.get("Source"));
                if (!"tmpfs".equals(m.get("Type")) && (covers(s, source) || covers(source, s))) {
                    out.add(other);
                    break;
                }
            }
        }
        return out;
    }

    /** The source of the volume or bind that covers the container path, null for the rootfs. */
    private static String mountSource(Container c, String p) {
        Map<String, Object> m = coveringMount(c, p);
        return m == null ? null : String.valueOf(m.get("Source"));
    }

    /** The innermost volume or bind whose destination is the path or one of its parents. */
    private static Map<String, Object> coveringMount(Container c, String p) {
        Map<String, Object> best = null;
        for (Map<String, Object> m : c.mounts()) {
            String d = String.valueOf(m.get("Destination"));
            if (!"tmpfs".equals(m.get("Type")) && covers(d, p)
                    && (best == null || d.length() > String.valueOf(best.get("Destination")).length())) {
                best = m;
            }
        }
        return best;
    }

    private static void transfer(Container c, String from, String to, int a, int b, Options o) throws EngineException {
        try {
            if (a >= 0) {
                String inside = from.substring(a + 1);
                Path src = inContainer(c, inside, o.followLink());
                if (!Files.exists(src, LinkOption.NOFOLLOW_LINKS)) {
                    throw new EngineException("Could not find the file " + inside + " in container " + c.name());
                }
                if (to.equals("-")) {
                    // finished, not closed: stdout stays open
                    TarArchiveOutputStream tar = new TarArchiveOutputStream(System.out);
                    tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
                    tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
                    addToTar(tar, src, name(inside, src), Owner.outOf(c, true));
                    tar.finish();
                    tar.flush();
                } else {
                    copy(src, target(Path.of(to), name(inside, src)), Owner.outOf(c, o.archive()));
                }
            } else {
                Path dest = inContainer(c, to.substring(b + 1), true);
                if (from.equals("-")) {
                    if (!Files.isDirectory(dest)) {
                        throw new EngineException("cp: the destination of a tar stream must be a directory: " + to);
                    }
                    extract(System.in, dest, Owner.into(c, o.archive()));
                } else {
                    Path src = Path.of(from);
                    if (!Files.exists(src, LinkOption.NOFOLLOW_LINKS)) {
                        throw new EngineException("cp: no such file or directory: " + from);
                    }
                    String name = name(from, src);
                    if (o.followLink()) {
                        src = src.toRealPath();
                    }
                    copy(src, target(dest, name), Owner.into(c, o.archive()));
                }
            }
        } catch (IOException e) {
            throw new EngineException("cp: " + e.getMessage());
        }
    }

    /**
     * The host path of a container path: in the source of the mount that covers it, or in the
     * rootfs. Symlinks are followed inside the container, the last one only with followLast.
     */
    static Path inContainer(Container c, String path, boolean followLast) throws IOException {
        String p = path.startsWith("/") ? path : "/" + path;
        int slash = p.lastIndexOf('/');
        String last = p.substring(slash + 1);
        if (!followLast && !last.isEmpty() && !last.equals(".") && !last.equals("..")
                && !FilesystemViews.mountPoints(c).contains(p)) {
            return inContainer(c, slash == 0 ? "/" : p.substring(0, slash), true).resolve(last);
        }
        Map<String, Object> mount = coveringMount(c, p);
        String[][] etc = {{"/etc/hostname", c.hostnamePath()}, {"/etc/hosts", c.hostsPath()},
            {"/etc/resolv.conf", c.resolvConfPath()}};
        for (String[] e : etc) {
            if (p.equals(e[0])) {
                return Path.of(e[1]);
            }
        }
        if (mount == null) {
            return RootfsPaths.resolve(Path.of(c.rootfs()), p);
        }
        return RootfsPaths.resolve(Path.of(String.valueOf(mount.get("Source"))),
                p.substring(String.valueOf(mount.get("Destination")).length()));
    }

    /** The name a copy gets: the last component of the source as given ("link", not its target's). */
    private static String name(String given, Path resolved) {
        Path n = Path.of(given).getFileName();
        if (n == null || n.toString().equals(".") || n.toString().equals("..")) {
            n = resolved.getFileName();
        }
        return n == null ? "root" : n.toString();
    }

    private static boolean covers(String dest, String p) {
        return p.equals(dest) || p.startsWith(dest.endsWith("/") ? dest : dest + "/");
    }

    private static int containerSep(String arg) {
        int colon = arg.indexOf(':');
        return colon > 0 && !arg.substring(0, colon).contains("/") ? colon : -1;
    }

    private static Path target(Path dest, String name) {
        return Files.isDirectory(dest) ? dest.resolve(name) : dest;
    }

    private static void copy(Path src, Path dest, Owner owner) throws IOException {
        Files.copy(src, dest, LinkOption.NOFOLLOW_LINKS, StandardCopyOption.COPY_ATTRIBUTES,
                StandardCopyOption.REPLACE_EXISTING);
        owner.apply(dest, (Integer) Files.getAttribute(src, "unix:uid", LinkOption.NOFOLLOW_LINKS),
                (Integer) Files.getAttribute(src, "unix:gid", LinkOption.NOFOLLOW_LINKS));
        if (Files.isDirectory(src, LinkOption.NOFOLLOW_LINKS)) {
            try (DirectoryStream<Path> ds = Files.newDirectoryStream(src)) {
                for (Path p : ds) {
                    copy(p, dest.resolve(p.getFileName().toString()), owner);
                }
            }
        }
    }

    /** A tar stream out carries the owners the container sees (Docker's archive of a container path). */
    private static void addToTar(TarArchiveOutputStream tar, Path p, String name, Owner owner) throws IOException {
        Map<String, Object> a = Files.readAttributes(p, "unix:mode,uid,gid,size,lastModifiedTime", LinkOption.NOFOLLOW_LINKS);
        boolean dir = Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS), link = Files.isSymbolicLink(p);
        TarArchiveEntry e;
        if (link) {
            e = new TarArchiveEntry(name, TarArchiveEntry.LF_SYMLINK);
            e.setLinkName(Files.readSymbolicLink(p).toString());
        } else {
            e = new TarArchiveEntry(name + (dir ? "/" : ""));
            if (!dir) {
                e.setSize((Long) a.get("size"));
            }
        }
        e.setMode((Integer) a.get("mode"));
        e.setUserId(owner.uid().applyAsInt((Integer) a.get("uid")));
        e.setGroupId(owner.gid().applyAsInt((Integer) a.get("gid")));
        e.setModTime(((FileTime) a.get("lastModifiedTime")).toMillis());
        tar.putArchiveEntry(e);
        if (!dir && !link && Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
            Files.copy(p, tar);
        }
        tar.closeArchiveEntry();
        if (dir) {
            try (DirectoryStream<Path> ds = Files.newDirectoryStream(p)) {
                for (Path c : ds) {
                    addToTar(tar, c, name + "/" + c.getFileName(), owner);
                }
            }
        }
    }

    /** A tar stream into a container directory: no entry may leave it (no "..", no absolute names). */
    private static void extract(InputStream in, Path dest, Owner owner) throws IOException, EngineException {
        TarArchiveInputStream tar = new TarArchiveInputStream(in);
        TarArchiveEntry e;
        while ((e = tar.getNextEntry()) != null) {
            String name = e.getName();
            Path rel = Path.of(name).normalize();
            if (rel.isAbsolute() || rel.startsWith("..") || name.contains("/../") || name.startsWith("../")) {
                throw new EngineException("cp: the tar stream names a path outside the destination: " + name);
            }
            if (rel.toString().isEmpty()) {
                continue;
            }
            // each parent resolved again inside the destination: an entry's symlink cannot lead out
            Path parent = RootfsPaths.resolve(dest, rel.getParent() == null ? "/" : rel.getParent().toString());
            Files.createDirectories(parent);
            Path out = parent.resolve(rel.getFileName().toString());
            if (e.isDirectory()) {
                if (!Files.isDirectory(out, LinkOption.NOFOLLOW_LINKS)) {
                    Files.createDirectory(out);
                }
            } else if (e.isSymbolicLink()) {
                Files.deleteIfExists(out);
                Files.createSymbolicLink(out, Path.of(e.getLinkName()));
            } else if (e.isFile()) {
                Files.deleteIfExists(out);
                Files.copy(tar, out);
            } else {
                continue; // devices, fifos, hard links: not through cp
            }
            if (!e.isSymbolicLink()) {
                Files.setAttribute(out, "unix:mode", e.getMode() & 07777, LinkOption.NOFOLLOW_LINKS);
            }
            owner.apply(out, (int) e.getLongUserId(), (int) e.getLongGroupId());
        }
    }
}
