package dev.hull.image;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Unpacked layers, once per diffID, shared by every image that has them:
 * &lt;root&gt;/overlay/layers/&lt;16 hex of the diffID&gt;/diff. The short name keeps overlay's
 * lowerdir option short (it must fit in one page with all layers). A layer is unpacked into
 * a temp directory beside it and renamed into place only when complete and its diffID checked.
 */
final class LayerStore {
    static final int KEY_LENGTH = 16;
    private final Path dir;

    LayerStore(Path overlayDir) throws IOException {
        this.dir = overlayDir.resolve("layers");
        Files.createDirectories(dir);
    }

    static String key(String diffId) {
        return Digests.hex(diffId).substring(0, KEY_LENGTH);
    }

    Path layerDir(String diffId) {
        return dir.resolve(key(diffId));
    }

    Path diff(String diffId) {
        return layerDir(diffId).resolve("diff");
    }

    /** Whether the layer is unpacked, and is the one with this diffID (not a key collision). */
    boolean has(String diffId) throws ImageException {
        Path id = layerDir(diffId).resolve("diffid");
        if (!Files.isRegularFile(id)) {
            return false;
        }
        try {
            String recorded = Files.readString(id).trim();
            if (!recorded.equals(diffId)) {
                throw new ImageException("layer " + diffId + ": " + layerDir(diffId) + " holds " + recorded);
            }
            return true;
        } catch (IOException e) {
            throw new ImageException(id + ": " + e.getMessage(), e);
        }
    }

    long size(String diffId) {
        try {
            return Long.parseLong(Files.readString(layerDir(diffId).resolve("size")).trim());
        } catch (IOException | NumberFormatException e) {
            return 0;
        }
    }

    /**
     * Unpacks the blob (any compression) as the layer diffId, checking that its uncompressed
     * content hashes to diffId; returns the unpacked size. created gets the new layer directory.
     */
    long unpack(Path blob, String diffId, String what, List<Path> created) throws ImageException {
        Path tmp = null;
        try {
            tmp = Files.createTempDirectory(dir, ".tmp-" + key(diffId) + "-");
            Path diff = tmp.resolve("diff");
            Files.createDirectory(diff);
            long size;
            String actual;
            try (InputStream raw = Files.newInputStream(blob);
                    Digests.Counting tar = new Digests.Counting(Compression.decompressed(raw))) {
                size = LayerUnpacker.unpack(new NoClose(tar), diff, what);
                actual = tar.drainAndDigest();
            }
            if (!actual.equals(diffId)) {
                throw new ImageException(what + ": uncompressed content does not match its diffID " + diffId
                        + " (it is " + actual + ")");
            }
            Files.writeString(tmp.resolve("size"), Long.toString(size));
            Files.writeString(tmp.resolve("diffid"), diffId);
            BlobStore.move(tmp, layerDir(diffId));
            created.add(layerDir(diffId));
            tmp = null;
            return size;
        } catch (IOException e) {
            throw new ImageException(what + ": " + e.getMessage(), e);
        } finally {
            if (tmp != null) {
                try {
                    LayerUnpacker.removeTree(tmp);
                } catch (IOException ignored) {
                    // removed by the next clean()
                }
            }
        }
    }

    void remove(String diffId) throws IOException {
        LayerUnpacker.removeTree(layerDir(diffId));
    }

    /** Leftovers of interrupted unpacks (called under the store lock). */
    void clean() throws IOException {
        try (var s = Files.list(dir)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                if (p.getFileName().toString().startsWith(".tmp-")) {
                    LayerUnpacker.removeTree(p);
                }
            }
        }
    }

    /** Keeps the tar reader's close from closing the digest stream before it is drained. */
    private static final class NoClose extends java.io.FilterInputStream {
        NoClose(InputStream in) {
            super(in);
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            return in.read(b, off, len);
        }

        @Override
        public void close() {}
    }
}
