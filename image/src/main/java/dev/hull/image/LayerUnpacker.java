package dev.hull.image;

import dev.hull.sys.FileCalls;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/**
 * Unpacks one layer tar into a directory in the format overlayfs reads: a whiteout ".wh.NAME"
 * becomes a character device 0:0 named NAME, an opaque marker ".wh..wh..opq" the xattr
 * trusted.overlay.opaque=y on its directory. Owners (numeric), modes with setuid/setgid/sticky,
 * mtimes, xattrs, hard links, symlinks, devices and fifos are kept.
 *
 * <p>No entry may write outside dir: names are relative with no "..", every parent component
 * is checked with NOFOLLOW to be a real directory (a symlink the layer made earlier is never
 * followed), and a hard link's target must be a file of this layer.
 */
final class LayerUnpacker {
    static final String WHITEOUT = ".wh.";
    static final String OPAQUE = ".wh..wh..opq";
    private static final String XATTR = "SCHILY.xattr.";
    private static final LinkOption NOFOLLOW = LinkOption.NOFOLLOW_LINKS;

    private final Path dir;
    private final String what;
    /** Directories in the order met: their times are set last, since children change them. */
    private final List<Map.Entry<Path, FileTime>> dirTimes = new ArrayList<>();
    private long size;

    private LayerUnpacker(Path dir, String what) {
        this.dir = dir;
        this.what = what;
    }

    /**
     * Unpacks the uncompressed tar stream into dir (which must exist and be empty); returns the
     * unpacked size (the sum of regular file sizes). what names the layer in errors.
     */
    static long unpack(InputStream tar, Path dir, String what) throws ImageException {
        LayerUnpacker u = new LayerUnpacker(dir, what);
        XattrTap tap = new XattrTap(tar);
        try (TarArchiveInputStream in = new TarArchiveInputStream(tap, StandardCharsets.UTF_8.name())) {
            TarArchiveEntry e;
            while ((e = in.getNextEntry()) != null) {
                u.entry(in, e, tap.take());
            }
            u.finish();
        } catch (IOException e) {
            throw new ImageException(what + ": " + e.getMessage(), e);
        }
        return u.size;
    }

    /** The entry name made relative and checked: no absolute path, no "..". */
    static String clean(String name, String what) throws ImageException {
        String n = name;
        while (n.startsWith("./")) {
            n = n.substring(2);
        }
        if (n.startsWith("/")) {
            throw new ImageException(what + ": entry \"" + name + "\": absolute path");
        }
        StringBuilder out = new StringBuilder();
        for (String c : n.split("/")) {
            if (c.isEmpty() || c.equals(".")) {
                continue;
            }
            if (c.equals("..")) {
                throw new ImageException(what + ": entry \"" + name + "\": \"..\" leads out of the layer");
            }
            if (!out.isEmpty()) {
                out.append('/');
            }
            out.append(c);
        }
        return out.toString();
    }

    private void entry(InputStream in, TarArchiveEntry e, Map<String, byte[]> xattrs) throws IOException, ImageException {
        String rel = clean(e.getName(), what);
        if (rel.isEmpty()) {
            // the layer's root: keep its metadata off the store's directory
            return;
        }
        int slash = rel.lastIndexOf('/');
        String parentRel = slash < 0 ? "" : rel.substring(0, slash);
        String base = rel.substring(slash + 1);
        Path parent = parents(parentRel, e.getName());
        if (base.equals(OPAQUE)) {
            FileCalls.lsetxattr(parent.toString(), "trusted.overlay.opaque", new byte[] {'y'});
            return;
        }
        if (base.startsWith(WHITEOUT)) {
            String victim = base.substring(WHITEOUT.length());
            if (victim.isEmpty() || victim.equals(".") || victim.equals("..")) {
                throw new ImageException(what + ": entry \"" + e.getName() + "\": bad whiteout");
            }
            Path p = parent.resolve(victim);
            removeExisting(p);
            FileCalls.mknod(p.toString(), FileCalls.S_IFCHR, 0);
            owner(p, e);
            return;
        }
        Path p = parent.resolve(base);
        BasicFileAttributes existing = attrs(p);
        if (e.isDirectory()) {
            if (existing == null || !existing.isDirectory()) {
                removeExisting(p);
                Files.createDirectory(p);
            }
        } else {
            removeExisting(p);
            if (e.isSymbolicLink()) {
                Files.createSymbolicLink(p, Path.of(e.getLinkName()));
            } else if (e.isLink()) {
                String target = clean(e.getLinkName(), what);
                int ts = target.lastIndexOf('/');
                Path tp = parents(ts < 0 ? "" : target.substring(0, ts), e.getLinkName()).resolve(target.substring(ts + 1));
                BasicFileAttributes ta = attrs(tp);
                if (target.isEmpty() || ta == null || ta.isDirectory() || ta.isSymbolicLink()) {
                    throw new ImageException(what + ": entry \"" + e.getName() + "\": hard link target \""
                            + e.getLinkName() + "\" is not a file of this layer");
                }
                Files.createLink(p, tp);
                return; // shares the target's inode: its metadata is already set
            } else if (e.isCharacterDevice() || e.isBlockDevice() || e.isFIFO()) {
                int type = e.isCharacterDevice() ? FileCalls.S_IFCHR : e.isBlockDevice() ? FileCalls.S_IFBLK : FileCalls.S_IFIFO;
                FileCalls.mknod(p.toString(), type | (e.getMode() & 07777),
                        e.isFIFO() ? 0 : FileCalls.makedev(e.getDevMajor(), e.getDevMinor()));
            } else if (e.isFile()) {
                try (OutputStream out = Files.newOutputStream(p, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
                        NOFOLLOW)) {
                    size += in.transferTo(out);
                }
            } else {
                throw new ImageException(what + ": entry \"" + e.getName() + "\": unsupported type '"
                        + (char) e.getLinkFlag() + "'");
            }
        }
        // chown first: it clears setuid/setgid and security.capability, which come after
        owner(p, e);
        if (!e.isSymbolicLink()) {
            FileCalls.chmod(p.toString(), e.getMode() & 07777);
        }
        for (var x : xattrs.entrySet()) {
            if (x.getKey().startsWith("trusted.overlay.")) {
                continue; // overlay's own markers come only from whiteouts, never from the layer
            }
            FileCalls.lsetxattr(p.toString(), x.getKey(), x.getValue());
        }
        FileTime mtime = e.getLastModifiedTime();
        if (e.isDirectory()) {
            dirTimes.add(Map.entry(p, mtime));
        } else {
            setTime(p, mtime);
        }
    }

    private void owner(Path p, TarArchiveEntry e) throws IOException {
        FileCalls.lchown(p.toString(), (int) e.getLongUserId(), (int) e.getLongGroupId());
    }

    /**
     * dir/parentRel, each component checked without following symlinks; missing ones are made
     * (tar files may name a file before, or without, its directory).
     */
    private Path parents(String parentRel, String entryName) throws IOException, ImageException {
        Path p = dir;
        if (parentRel.isEmpty()) {
            return p;
        }
        for (String c : parentRel.split("/")) {
            p = p.resolve(c);
            BasicFileAttributes a = attrs(p);
            if (a == null) {
                Files.createDirectory(p);
                dirTimes.add(Map.entry(p, FileTime.fromMillis(0)));
            } else if (a.isSymbolicLink()) {
                throw new ImageException(what + ": entry \"" + entryName + "\": path component \""
                        + dir.relativize(p) + "\" is a symlink; refusing to write through it");
            } else if (!a.isDirectory()) {
                throw new ImageException(what + ": entry \"" + entryName + "\": path component \""
                        + dir.relativize(p) + "\" is not a directory");
            }
        }
        return p;
    }

    private static BasicFileAttributes attrs(Path p) throws IOException {
        try {
            return Files.readAttributes(p, BasicFileAttributes.class, NOFOLLOW);
        } catch (NoSuchFileException e) {
            return null;
        }
    }

    /** Tar semantics: a later entry replaces an earlier one of the same name. */
    private static void removeExisting(Path p) throws IOException {
        BasicFileAttributes a = attrs(p);
        if (a == null) {
            return;
        }
        if (a.isDirectory()) {
            try {
                Files.delete(p);
            } catch (DirectoryNotEmptyException e) {
                removeTree(p);
            }
        } else {
            Files.delete(p);
        }
    }

    /** Removes a tree without following symlinks (walkFileTree does not by default). */
    static void removeTree(Path root) throws IOException {
        if (attrs(root) == null) {
            return;
        }
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path f, BasicFileAttributes a) throws IOException {
                Files.delete(f);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
                if (e != null) {
                    throw e;
                }
                Files.delete(d);
                return FileVisitResult.CONTINUE;
            }
        });
    }

    private void finish() throws IOException {
        for (int i = dirTimes.size() - 1; i >= 0; i--) {
            var d = dirTimes.get(i);
            setTime(d.getKey(), d.getValue());
        }
    }

    private static void setTime(Path p, FileTime t) throws IOException {
        java.time.Instant i = t.toInstant();
        FileCalls.lutimes(p.toString(), i.getEpochSecond(), i.getNano());
    }
}
