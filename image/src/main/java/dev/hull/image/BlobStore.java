package dev.hull.image;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

/**
 * Content-addressed blobs under &lt;root&gt;/images/blobs/sha256/&lt;hex&gt;: configs, manifests and
 * layers as they were loaded (compressed or not). A blob is written to a temp file, its digest
 * checked, and only then renamed into place, so a blob file always matches its name.
 */
final class BlobStore {
    private final Path dir;
    private final Path tmp;

    BlobStore(Path imagesDir) throws IOException {
        this.dir = imagesDir.resolve("blobs/sha256");
        this.tmp = imagesDir.resolve("tmp");
        Files.createDirectories(dir);
        Files.createDirectories(tmp);
    }

    Path path(String digest) {
        return dir.resolve(Digests.hex(digest));
    }

    boolean has(String digest) {
        return Files.isRegularFile(path(digest));
    }

    Path tmpDir() {
        return tmp;
    }

    /**
     * Stores what in yields. When expected is not null the content must have that digest
     * (what names the source in the error). Returns the digest; created gets the blob's path when
     * the blob is new, so a failed load can remove what it added.
     */
    String put(InputStream in, String expected, String what, List<Path> created) throws ImageException {
        Path t = null;
        try {
            t = Files.createTempFile(tmp, "blob-", ".tmp");
            String digest;
            try (Digests.Counting c = new Digests.Counting(in); OutputStream out = Files.newOutputStream(t)) {
                c.transferTo(out);
                digest = Digests.of(c.md);
            }
            if (expected != null && !expected.equals(digest)) {
                throw new ImageException(what + ": content does not match its digest " + expected
                        + " (it is " + digest + ")");
            }
            Path target = path(digest);
            if (Files.exists(target)) {
                Files.delete(t);
            } else {
                move(t, target);
                created.add(target);
            }
            return digest;
        } catch (IOException e) {
            throw new ImageException(what + ": " + e.getMessage(), e);
        } finally {
            if (t != null) {
                try {
                    Files.deleteIfExists(t);
                } catch (IOException ignored) {
                    // best effort: tmp/ is emptied on the next open
                }
            }
        }
    }

    String put(byte[] data, String expected, String what, List<Path> created) throws ImageException {
        return put(new java.io.ByteArrayInputStream(data), expected, what, created);
    }

    /** Reads a small blob (config, manifest) and checks it against its digest. */
    byte[] read(String digest) throws ImageException {
        try {
            byte[] b = Files.readAllBytes(path(digest));
            if (!Digests.of(b).equals(digest)) {
                throw new ImageException("blob " + path(digest) + ": content does not match its digest");
            }
            return b;
        } catch (IOException e) {
            throw new ImageException("blob " + digest + ": " + e.getMessage(), e);
        }
    }

    /**
     * A blob as stored, not hashed again: every blob was checked against its digest when it was
     * written, and hashing on every `hull run` would start the JDK's security providers (~40 ms of
     * a fresh JVM). save() and load() use {@link #read}.
     */
    byte[] readStored(String digest) throws ImageException {
        try {
            return Files.readAllBytes(path(digest));
        } catch (IOException e) {
            throw new ImageException("blob " + digest + ": " + e.getMessage(), e);
        }
    }

    void delete(String digest) throws IOException {
        Files.deleteIfExists(path(digest));
    }

    static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to);
        }
    }
}
