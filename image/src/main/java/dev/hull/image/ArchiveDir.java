package dev.hull.image;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/**
 * An image archive (docker-archive or OCI archive, maybe compressed) unpacked into a scratch
 * directory, or an OCI layout directory used in place; files named by the archive's JSON are
 * looked up here and must stay inside it.
 */
final class ArchiveDir implements AutoCloseable {
    final Path dir;
    private final String what;
    private final boolean scratch;

    private ArchiveDir(Path dir, String what, boolean scratch) {
        this.dir = dir;
        this.what = what;
        this.scratch = scratch;
    }

    static ArchiveDir open(Path archive, Path tmpParent) throws ImageException {
        if (Files.isDirectory(archive)) {
            return new ArchiveDir(archive, archive.toString(), false);
        }
        Path d;
        try {
            d = Files.createTempDirectory(tmpParent, "load-");
        } catch (IOException e) {
            throw new ImageException(tmpParent + ": " + e.getMessage(), e);
        }
        ArchiveDir a = new ArchiveDir(d, archive.toString(), true);
        try (InputStream raw = Files.newInputStream(archive);
                TarArchiveInputStream in = new TarArchiveInputStream(Compression.decompressed(raw))) {
            TarArchiveEntry e;
            int n = 0;
            while ((e = in.getNextEntry()) != null) {
                n++;
                String rel = LayerUnpacker.clean(e.getName(), archive.toString());
                if (rel.isEmpty()) {
                    continue;
                }
                Path p = d.resolve(rel);
                Files.createDirectories(p.getParent());
                if (e.isDirectory()) {
                    Files.createDirectories(p);
                } else if (e.isSymbolicLink()) {
                    // docker save links repeated layers to the first copy ("../<id>/layer.tar")
                    Files.deleteIfExists(p);
                    Files.createSymbolicLink(p, Path.of(e.getLinkName()));
                } else if (e.isFile()) {
                    Files.deleteIfExists(p);
                    try (OutputStream out = Files.newOutputStream(p, StandardOpenOption.CREATE_NEW,
                            StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS)) {
                        in.transferTo(out);
                    }
                }
            }
            if (n == 0) {
                throw new ImageException(archive + ": empty or not a tar archive");
            }
        } catch (IOException e) {
            a.close();
            throw new ImageException(archive + ": " + e.getMessage(), e);
        } catch (ImageException e) {
            a.close();
            throw e;
        }
        return a;
    }

    String what() {
        return what;
    }

    /** The file rel names, which must resolve (symlinks followed) to a regular file inside the archive. */
    Path file(String rel, String field) throws ImageException {
        String clean = LayerUnpacker.clean(rel, what + ": " + field);
        try {
            Path real = dir.resolve(clean).toRealPath();
            if (!real.startsWith(dir.toRealPath()) || !Files.isRegularFile(real)) {
                throw new ImageException(what + ": " + field + " \"" + rel + "\" is not a file of the archive");
            }
            return real;
        } catch (IOException e) {
            throw new ImageException(what + ": " + field + " \"" + rel + "\": no such file in the archive");
        }
    }

    Path blob(String digest, String field) throws ImageException {
        Digests.require(digest, what + ": " + field);
        return file("blobs/sha256/" + Digests.hex(digest), field);
    }

    boolean has(String rel) {
        return Files.exists(dir.resolve(rel), LinkOption.NOFOLLOW_LINKS);
    }

    @Override
    public void close() {
        if (scratch) {
            try {
                LayerUnpacker.removeTree(dir);
            } catch (IOException ignored) {
                // tmp/ is emptied on the next open of the store
            }
        }
    }
}
