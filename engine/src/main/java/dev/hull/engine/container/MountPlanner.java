package dev.hull.engine.container;

import dev.hull.engine.Engine;
import dev.hull.engine.EngineException;
import dev.hull.engine.cli.Volumes;
import dev.hull.engine.volume.VolumeStore;
import dev.hull.runtime.rootfs.RootfsPaths;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The container's user mounts, in Docker's {@code Mounts} shape: {@code -v}, {@code --mount},
 * {@code --volumes-from} and the image's {@code VOLUME}s (anonymous volumes). Named volumes are
 * made on first use and get a copy of the image's content at their mount point, as Docker's
 * local driver does; a missing host directory of {@code -v} is created, as Docker does.
 */
public final class MountPlanner {
    public static final String ANONYMOUS = "dev.hull.volume.anonymous";

    private MountPlanner() {}

    public static List<Map<String, Object>> plan(Engine engine, Map<String, Object> host, Path rootfs,
                                                 List<String> imageVolumes) throws EngineException, IOException {
        List<Map<String, Object>> out = new ArrayList<>();
        VolumeStore volumes = engine.volumes();
        for (String from : SpecBuilder.strings(host.get("VolumesFrom"))) {
            String ref = from, mode = null;
            int colon = from.lastIndexOf(':');
            if (colon > 0 && (from.endsWith(":ro") || from.endsWith(":rw"))) {
                ref = from.substring(0, colon);
                mode = from.substring(colon + 1);
            }
            Container source = engine.containers().find(ref);
            for (Map<String, Object> m : source.mounts()) {
                Map<String, Object> copy = new LinkedHashMap<>(m);
                if (mode != null) {
                    copy.put("Mode", mode);
                    copy.put("RW", mode.equals("rw"));
                }
                add(out, copy);
            }
        }
        for (String v : SpecBuilder.strings(host.get("Binds"))) {
            Volumes.Bind b = Volumes.parseBind(v);
            String mode = String.join(",", b.options());
            if (b.isHostPath()) {
                Path src = Path.of(b.source());
                if (!Files.exists(src)) {
                    Files.createDirectories(src);
                }
                add(out, entry("bind", null, src.toString(), b.destination(), mode, !b.readOnly(),
                        b.propagation().isEmpty() ? "rprivate" : b.propagation()));
            } else {
                String name = b.source() == null ? anonymousName() : b.source();
                Path data = volume(volumes, name, b.source() == null, rootfs, b.destination(),
                        !b.options().contains("nocopy"));
                add(out, volumeEntry(name, data, b.destination(), mode, !b.readOnly()));
            }
        }
        for (Object o : SpecBuilder.list(host.get("Mounts"))) {
            Map<?, ?> m = (Map<?, ?>) o;
            String type = (String) m.get("Type"), target = (String) m.get("Target");
            boolean rw = !Boolean.TRUE.equals(m.get("ReadOnly"));
            switch (type) {
                case "bind" -> {
                    String prop = m.get("BindOptions") instanceof Map<?, ?> bo ? String.valueOf(bo.get("Propagation")) : "rprivate";
                    add(out, entry("bind", null, (String) m.get("Source"), target, "", rw, prop));
                }
                case "volume" -> {
                    String src = (String) m.get("Source");
                    boolean noCopy = m.get("VolumeOptions") instanceof Map<?, ?> vo && Boolean.TRUE.equals(vo.get("NoCopy"));
                    String name = src == null || src.isEmpty() ? anonymousName() : src;
                    Path data = volume(volumes, name, src == null || src.isEmpty(), rootfs, target, !noCopy);
                    add(out, volumeEntry(name, data, target, "z", rw));
                }
                default -> {
                    Map<String, Object> e = entry("tmpfs", null, "", target, "", rw, "");
                    if (m.get("TmpfsOptions") instanceof Map<?, ?> t) {
                        e.put("HullTmpfsOptions", t);
                    }
                    add(out, e);
                }
            }
        }
        for (String dest : imageVolumes == null ? List.<String>of() : imageVolumes) {
            if (!taken(out, dest) && !(host.get("Tmpfs") instanceof Map<?, ?> t && t.containsKey(dest))) {
                String name = anonymousName();
                add(out, volumeEntry(name, volume(volumes, name, true, rootfs, dest, true), dest, "", true));
            }
        }
        return out;
    }

    /** The OCI mounts of a container's Docker mounts. */
    public static List<Map<String, Object>> toOci(List<Map<String, Object>> mounts) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (Map<String, Object> m : mounts) {
            String type = (String) m.get("Type");
            List<String> opts = new ArrayList<>();
            if (type.equals("tmpfs")) {
                opts.addAll(List.of("nosuid", "nodev", "noexec"));
                if (m.get("HullTmpfsOptions") instanceof Map<?, ?> t) {
                    if (t.get("SizeBytes") != null) {
                        opts.add("size=" + t.get("SizeBytes"));
                    }
                    if (t.get("Mode") instanceof Number n) {
                        opts.add("mode=" + Long.toOctalString(n.longValue()));
                    }
                }
                if (!Boolean.TRUE.equals(m.get("RW"))) {
                    opts.add("ro");
                }
                out.add(SpecBuilder.mount((String) m.get("Destination"), "tmpfs", "tmpfs", opts));
                continue;
            }
            opts.add("rbind");
            opts.add(Boolean.TRUE.equals(m.get("RW")) ? "rw" : "ro");
            String prop = SpecBuilder.str(m.get("Propagation"));
            opts.add(prop.isEmpty() ? "rprivate" : prop);
            out.add(SpecBuilder.mount((String) m.get("Destination"), (String) m.get("Source"), "bind", opts));
        }
        return out;
    }

    private static void add(List<Map<String, Object>> out, Map<String, Object> m) throws EngineException {
        if (taken(out, (String) m.get("Destination"))) {
            throw new EngineException("Duplicate mount point: " + m.get("Destination"));
        }
        out.add(m);
    }

    private static boolean taken(List<Map<String, Object>> out, String dest) {
        for (Map<String, Object> m : out) {
            if (dest.equals(m.get("Destination"))) {
                return true;
            }
        }
        return false;
    }

    private static Map<String, Object> entry(String type, String name, String source, String dest, String mode,
                                             boolean rw, String propagation) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("Type", type);
        if (name != null) {
            m.put("Name", name);
        }
        m.put("Source", source);
        m.put("Destination", dest);
        if (name != null) {
            m.put("Driver", "local");
        }
        m.put("Mode", mode);
        m.put("RW", rw);
        m.put("Propagation", propagation);
        return m;
    }

    private static Map<String, Object> volumeEntry(String name, Path data, String dest, String mode, boolean rw) {
        return entry("volume", name, data.toString(), dest, mode, rw, "");
    }

    private static String anonymousName() {
        byte[] b = new byte[32];
        java.util.concurrent.ThreadLocalRandom.current().nextBytes(b);
        return HexFormat.of().formatHex(b);
    }

    /** The volume's data directory, made (and filled from the image) when it is new. */
    private static Path volume(VolumeStore volumes, String name, boolean anonymous, Path rootfs, String dest,
                               boolean copyUp) throws EngineException, IOException {
        boolean isNew = !volumes.exists(name);
        Map<String, String> labels = new LinkedHashMap<>();
        if (anonymous) {
            labels.put(ANONYMOUS, "");
        }
        VolumeStore.Volume v = volumes.create(name, labels);
        if (copyUp && (isNew || isEmpty(v.mountpoint()))) {
            Path src = RootfsPaths.resolve(rootfs, dest);
            if (Files.isDirectory(src, LinkOption.NOFOLLOW_LINKS)) {
                copyTree(src, v.mountpoint());
                // the volume's root takes the owner and mode of the image's directory
                Files.setAttribute(v.mountpoint(), "unix:uid", Files.getAttribute(src, "unix:uid", LinkOption.NOFOLLOW_LINKS));
                Files.setAttribute(v.mountpoint(), "unix:gid", Files.getAttribute(src, "unix:gid", LinkOption.NOFOLLOW_LINKS));
                Files.setAttribute(v.mountpoint(), "unix:mode", Files.getAttribute(src, "unix:mode", LinkOption.NOFOLLOW_LINKS));
            }
        }
        return v.mountpoint();
    }

    private static boolean isEmpty(Path dir) throws IOException {
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
            return !ds.iterator().hasNext();
        }
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(from)) {
            for (Path p : ds) {
                Path t = to.resolve(p.getFileName().toString());
                Files.copy(p, t, LinkOption.NOFOLLOW_LINKS, StandardCopyOption.COPY_ATTRIBUTES);
                if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                    copyTree(p, t);
                }
            }
        }
    }
}
