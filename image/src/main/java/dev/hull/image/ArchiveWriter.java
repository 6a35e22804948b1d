package dev.hull.image;

import dev.hull.spec.json.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/**
 * Writes a docker-archive as Docker 25 does: manifest.json (Config, RepoTags, Layers) naming
 * files under blobs/sha256/, layers uncompressed (their name is their diffID), so that
 * `docker load`, `podman load` and our own load read it.
 */
final class ArchiveWriter {
    /** One image to write: its config, stored layer blobs (bottom first) and names. */
    record Item(String configDigest, byte[] config, List<StoreIndex.Layer> layers, List<String> repoTags) {}

    private ArchiveWriter() {}

    /** The archive into a file, which appears whole or not at all. */
    static void write(List<Item> items, BlobStore blobs, Path out) throws ImageException {
        Path tmp = out.resolveSibling("." + out.getFileName() + ".tmp");
        try (OutputStream os = Files.newOutputStream(tmp)) {
            write(items, blobs, os);
        } catch (IOException | ImageException e) {
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException ignored) {
                // nothing more to do
            }
            throw e instanceof ImageException ie ? ie : new ImageException(out + ": " + e.getMessage(), e);
        }
        try {
            BlobStore.move(tmp, out);
        } catch (IOException e) {
            throw new ImageException(out + ": " + e.getMessage(), e);
        }
    }

    /** The archive onto a stream (hull save to stdout); the stream is left open. */
    static void write(List<Item> items, BlobStore blobs, OutputStream os) throws IOException, ImageException {
        TarArchiveOutputStream tar = new TarArchiveOutputStream(os); // finished at the end, never closed
        tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
        tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
        dir(tar, "blobs/");
        dir(tar, "blobs/sha256/");
        Set<String> written = new HashSet<>();
        Map<String, Long> layerSizes = new HashMap<>();
        List<Object> manifest = new ArrayList<>();
        List<Object> index = new ArrayList<>();
        for (Item it : items) {
            if (written.add(it.configDigest())) {
                file(tar, "blobs/sha256/" + Digests.hex(it.configDigest()), it.config());
            }
            List<Object> layerNames = new ArrayList<>();
            List<Object> layerDescriptors = new ArrayList<>();
            for (StoreIndex.Layer l : it.layers()) {
                String name = "blobs/sha256/" + Digests.hex(l.diffId());
                if (written.add(l.diffId())) {
                    layerSizes.put(l.diffId(), layer(tar, name, blobs, l, blobs.tmpDir()));
                }
                layerNames.add(name);
                layerDescriptors.add(descriptor(LAYER, l.diffId(), layerSizes.get(l.diffId()), null));
            }
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("Config", "blobs/sha256/" + Digests.hex(it.configDigest()));
            m.put("RepoTags", it.repoTags().isEmpty() ? null : new ArrayList<Object>(it.repoTags()));
            m.put("Layers", layerNames);
            manifest.add(m);
            // the OCI side (Docker 25's save writes both): a manifest of the uncompressed layers,
            // and an index entry per name, annotated as containerd and the image spec name them
            Map<String, Object> oci = new LinkedHashMap<>();
            oci.put("schemaVersion", 2);
            oci.put("mediaType", MANIFEST);
            oci.put("config", descriptor(CONFIG, it.configDigest(), it.config().length, null));
            oci.put("layers", layerDescriptors);
            byte[] ociBytes = Json.write(oci).getBytes(StandardCharsets.UTF_8);
            String ociDigest = Digests.of(ociBytes);
            if (written.add(ociDigest)) {
                file(tar, "blobs/sha256/" + Digests.hex(ociDigest), ociBytes);
            }
            if (it.repoTags().isEmpty()) {
                index.add(descriptor(MANIFEST, ociDigest, ociBytes.length, null));
            }
            for (String tag : it.repoTags()) {
                Reference r = Reference.parse(tag);
                Map<String, Object> names = new LinkedHashMap<>();
                names.put("io.containerd.image.name", r.canonical());
                names.put("org.opencontainers.image.ref.name", r.tag());
                index.add(descriptor(MANIFEST, ociDigest, ociBytes.length, names));
            }
        }
        file(tar, "manifest.json", Json.write(manifest).getBytes(StandardCharsets.UTF_8));
        Map<String, Object> idx = new LinkedHashMap<>();
        idx.put("schemaVersion", 2);
        idx.put("mediaType", "application/vnd.oci.image.index.v1+json");
        idx.put("manifests", index);
        file(tar, "index.json", Json.write(idx).getBytes(StandardCharsets.UTF_8));
        file(tar, "oci-layout", "{\"imageLayoutVersion\":\"1.0.0\"}".getBytes(StandardCharsets.UTF_8));
        tar.finish();
        tar.flush();
    }

    private static final String MANIFEST = "application/vnd.oci.image.manifest.v1+json";
    private static final String CONFIG = "application/vnd.oci.image.config.v1+json";
    private static final String LAYER = "application/vnd.oci.image.layer.v1.tar";

    private static Map<String, Object> descriptor(String mediaType, String digest, long size, Map<String, Object> annotations) {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("mediaType", mediaType);
        d.put("digest", digest);
        d.put("size", size);
        if (annotations != null) {
            d.put("annotations", annotations);
        }
        return d;
    }

    private static void dir(TarArchiveOutputStream tar, String name) throws IOException {
        TarArchiveEntry e = new TarArchiveEntry(name);
        e.setMode(040755);
        e.setModTime(0);
        tar.putArchiveEntry(e);
        tar.closeArchiveEntry();
    }

    private static void file(TarArchiveOutputStream tar, String name, byte[] data) throws IOException {
        TarArchiveEntry e = new TarArchiveEntry(name);
        e.setMode(0100644);
        e.setSize(data.length);
        e.setModTime(0);
        tar.putArchiveEntry(e);
        tar.write(data);
        tar.closeArchiveEntry();
    }

    /**
     * The layer uncompressed (its digest is its diff id): a tar entry needs its size first, so a
     * compressed blob is expanded to a temp file. Returns the size.
     */
    private static long layer(TarArchiveOutputStream tar, String name, BlobStore blobs, StoreIndex.Layer l, Path tmpDir)
            throws IOException {
        Path blob = blobs.path(l.blob());
        Path plain = blob;
        Path tmp = null;
        if (!l.blob().equals(l.diffId())) {
            tmp = Files.createTempFile(tmpDir, "save-", ".tar");
            try (InputStream in = Compression.decompressed(Files.newInputStream(blob));
                    OutputStream o = Files.newOutputStream(tmp)) {
                in.transferTo(o);
            }
            plain = tmp;
        }
        try {
            long size = Files.size(plain);
            TarArchiveEntry e = new TarArchiveEntry(name);
            e.setMode(0100644);
            e.setSize(size);
            e.setModTime(0);
            tar.putArchiveEntry(e);
            try (InputStream in = Files.newInputStream(plain)) {
                in.transferTo(tar);
            }
            tar.closeArchiveEntry();
            return size;
        } finally {
            if (tmp != null) {
                Files.deleteIfExists(tmp);
            }
        }
    }
}
