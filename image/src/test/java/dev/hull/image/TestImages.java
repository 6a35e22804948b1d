package dev.hull.image;

import dev.hull.spec.json.Json;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/** Builds layer tars and OCI layouts by hand, so that tests control every entry and byte. */
final class TestImages {
    enum Comp { NONE, GZIP, ZSTD }

    private TestImages() {}

    /** A layer tar written entry by entry. */
    static final class Tar {
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        private final TarArchiveOutputStream out;

        Tar() {
            out = new TarArchiveOutputStream(bytes);
            out.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            out.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
        }

        Tar dir(String name, int mode) throws IOException {
            return entry(new TarArchiveEntry(name.endsWith("/") ? name : name + "/"), mode, 0, 0, null);
        }

        Tar file(String name, String content) throws IOException {
            return file(name, content, 0644, 0, 0, Map.of());
        }

        Tar file(String name, String content, int mode, int uid, int gid, Map<String, String> xattrs) throws IOException {
            TarArchiveEntry e = new TarArchiveEntry(name);
            for (var x : xattrs.entrySet()) {
                e.addPaxHeader("SCHILY.xattr." + x.getKey(), x.getValue());
            }
            return entry(e, mode, uid, gid, content.getBytes(StandardCharsets.UTF_8));
        }

        Tar symlink(String name, String target) throws IOException {
            TarArchiveEntry e = new TarArchiveEntry(name, TarArchiveEntry.LF_SYMLINK);
            e.setLinkName(target);
            return entry(e, 0777, 0, 0, null);
        }

        Tar hardlink(String name, String target) throws IOException {
            TarArchiveEntry e = new TarArchiveEntry(name, TarArchiveEntry.LF_LINK);
            e.setLinkName(target);
            return entry(e, 0644, 0, 0, null);
        }

        Tar device(String name, byte type, int major, int minor, int mode) throws IOException {
            TarArchiveEntry e = new TarArchiveEntry(name, type);
            e.setDevMajor(major);
            e.setDevMinor(minor);
            return entry(e, mode, 0, 0, null);
        }

        private Tar entry(TarArchiveEntry e, int mode, int uid, int gid, byte[] data) throws IOException {
            e.setMode((e.getMode() & ~07777) | mode);
            e.setUserId(uid);
            e.setGroupId(gid);
            e.setModTime(1_600_000_000_000L);
            if (data != null) {
                e.setSize(data.length);
            }
            out.putArchiveEntry(e);
            if (data != null) {
                out.write(data);
            }
            out.closeArchiveEntry();
            return this;
        }

        byte[] bytes() throws IOException {
            out.finish();
            out.close();
            return bytes.toByteArray();
        }
    }

    static byte[] compress(byte[] tar, Comp c, Path tmp) throws IOException, InterruptedException {
        switch (c) {
            case NONE -> {
                return tar;
            }
            case GZIP -> {
                ByteArrayOutputStream b = new ByteArrayOutputStream();
                try (GZIPOutputStream g = new GZIPOutputStream(b)) {
                    g.write(tar);
                }
                return b.toByteArray();
            }
            default -> {
                Path in = Files.createTempFile(tmp, "layer", ".tar");
                Files.write(in, tar);
                run("zstd", "-q", "-f", in.toString(), "-o", in + ".zst");
                byte[] z = Files.readAllBytes(Path.of(in + ".zst"));
                Files.delete(in);
                Files.delete(Path.of(in + ".zst"));
                return z;
            }
        }
    }

    /**
     * Writes an OCI layout with one image of these layer tars (bottom first), compressed as
     * comp; refName is the org.opencontainers.image.ref.name annotation (or null). Returns the
     * config digest (the image id).
     */
    static String ociLayout(Path dir, List<byte[]> tars, Comp comp, String refName, Map<String, Object> config)
            throws IOException, InterruptedException {
        Path blobs = dir.resolve("blobs/sha256");
        Files.createDirectories(blobs);
        Files.writeString(dir.resolve("oci-layout"), "{\"imageLayoutVersion\":\"1.0.0\"}");
        List<Object> diffIds = new ArrayList<>();
        List<Object> layers = new ArrayList<>();
        for (byte[] t : tars) {
            diffIds.add(Digests.of(t));
            byte[] blob = compress(t, comp, dir);
            String d = put(blobs, blob);
            layers.add(descriptor(comp == Comp.NONE ? "application/vnd.oci.image.layer.v1.tar"
                    : comp == Comp.GZIP ? "application/vnd.oci.image.layer.v1.tar+gzip"
                    : "application/vnd.oci.image.layer.v1.tar+zstd", d, blob.length));
        }
        Map<String, Object> cfg = new LinkedHashMap<>();
        cfg.put("created", "2024-01-02T03:04:05Z");
        cfg.put("architecture", "amd64");
        cfg.put("os", "linux");
        cfg.put("config", config == null ? Map.of("Cmd", List.of("/bin/sh")) : config);
        cfg.put("rootfs", Map.of("type", "layers", "diff_ids", diffIds));
        byte[] cfgBytes = Json.write(cfg).getBytes(StandardCharsets.UTF_8);
        String configDigest = put(blobs, cfgBytes);
        Map<String, Object> manifest = new LinkedHashMap<>();
        manifest.put("schemaVersion", 2L);
        manifest.put("mediaType", ArchiveReader.OCI_MANIFEST);
        manifest.put("config", descriptor("application/vnd.oci.image.config.v1+json", configDigest, cfgBytes.length));
        manifest.put("layers", layers);
        byte[] mBytes = Json.write(manifest).getBytes(StandardCharsets.UTF_8);
        Map<String, Object> md = descriptor(ArchiveReader.OCI_MANIFEST, put(blobs, mBytes), mBytes.length);
        if (refName != null) {
            md.put("annotations", Map.of(ArchiveReader.REF_NAME, refName));
        }
        Files.writeString(dir.resolve("index.json"), Json.write(Map.of("schemaVersion", 2L, "manifests", List.of(md))));
        return configDigest;
    }

    private static Map<String, Object> descriptor(String type, String digest, long size) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("mediaType", type);
        m.put("digest", digest);
        m.put("size", size);
        return m;
    }

    private static String put(Path blobs, byte[] data) throws IOException {
        String d = Digests.of(data);
        Files.write(blobs.resolve(Digests.hex(d)), data);
        return d;
    }

    /** Tars dir (as tar(1) does, for the archive formats made by hand). */
    static void tarDir(Path dir, Path out) throws IOException, InterruptedException {
        run("tar", "-C", dir.toString(), "-cf", out.toString(), ".");
    }

    static String run(String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException(String.join(" ", cmd) + " failed: " + out);
        }
        return out;
    }
}
