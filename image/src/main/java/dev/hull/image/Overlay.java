package dev.hull.image;

import dev.hull.sys.MountInfo;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A container's root filesystem: an overlay of the image's unpacked layers (read-only, top
 * first) under a per-container upper and work directory, mounted on
 * &lt;root&gt;/overlay/containers/&lt;id&gt;/merged. The file "lower" there lists the layers the mount uses,
 * so that removing an image never removes a layer a container still has.
 */
final class Overlay {
    /** mount(2) copies its data argument into one page. */
    static final int PAGE = 4096;
    private final Path dir;
    private final LayerStore layers;
    private final Mounter mounter;

    Overlay(Path overlayDir, LayerStore layers, Mounter mounter) throws IOException {
        this.dir = overlayDir.resolve("containers");
        this.layers = layers;
        this.mounter = mounter;
        Files.createDirectories(dir);
    }

    /** [A-Za-z0-9][A-Za-z0-9_.-]{0,127}, without java.util.regex (start-up time). */
    static boolean validId(String id) {
        if (id == null || id.isEmpty() || id.length() > 128 || !Character.isLetterOrDigit(id.charAt(0))) {
            return false;
        }
        for (int i = 0; i < id.length(); i++) {
            char c = id.charAt(i);
            if (!(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '.' || c == '-')) {
                return false;
            }
        }
        return true;
    }

    Path containerDir(String containerId) throws ImageException {
        if (!validId(containerId)) {
            throw new ImageException("invalid container id \"" + containerId + "\"");
        }
        return dir.resolve(containerId);
    }

    static String options(List<Path> lowerTopFirst, Path upper, Path work) throws ImageException {
        StringBuilder sb = new StringBuilder("lowerdir=");
        for (int i = 0; i < lowerTopFirst.size(); i++) {
            String p = lowerTopFirst.get(i).toString();
            if (p.contains(",") || p.contains(":")) {
                throw new ImageException("overlay: layer path " + p + " holds ',' or ':'");
            }
            sb.append(i == 0 ? "" : ":").append(p);
        }
        sb.append(",upperdir=").append(upper).append(",workdir=").append(work).append(",index=off")
                // a chown or chmod copies up only the metadata (the engine shifts the owners of a
                // user-namespaced container's rootfs this way: ~50 KB for busybox, not its 2 MB)
                .append(",metacopy=on");
        if (sb.length() >= PAGE) {
            throw new ImageException("overlay: the mount options of " + lowerTopFirst.size() + " layers take "
                    + sb.length() + " bytes, more than a page (" + PAGE + "); use a shorter store root than "
                    + lowerTopFirst.get(0).getParent().getParent());
        }
        return sb.toString();
    }

    Path prepare(String containerId, List<String> diffIds) throws ImageException {
        Path c = containerDir(containerId);
        Path merged = c.resolve("merged");
        try {
            if (mounted(merged)) {
                return merged;
            }
            List<Path> lower = new ArrayList<>();
            StringBuilder record = new StringBuilder();
            for (int i = diffIds.size() - 1; i >= 0; i--) {
                String d = diffIds.get(i);
                if (!layers.has(d)) {
                    throw new ImageException("layer " + d + " is not unpacked in " + layers.layerDir(d));
                }
                lower.add(layers.diff(d));
                record.append(d).append('\n');
            }
            if (lower.isEmpty()) {
                // an image with no layers: overlay needs one lower directory
                Path empty = c.resolve("empty");
                Files.createDirectories(empty);
                lower.add(empty);
            }
            Path upper = c.resolve("upper");
            Path work = c.resolve("work");
            Files.createDirectories(upper);
            Files.createDirectories(work);
            Files.createDirectories(merged);
            Files.writeString(c.resolve("lower"), record.toString());
            mounter.mount("overlay", merged.toString(), "overlay", 0, options(lower, upper, work));
            return merged;
        } catch (IOException e) {
            throw new ImageException("rootfs of container " + containerId + ": " + e.getMessage(), e);
        }
    }

    /** The container's upper dir and the layers under it, top first, as its mount uses them. */
    ImageStore.RootfsDirs dirs(String containerId) throws ImageException {
        Path c = containerDir(containerId);
        try {
            List<Path> lower = new ArrayList<>();
            for (String d : Files.readAllLines(c.resolve("lower"))) {
                if (!d.isBlank()) {
                    lower.add(layers.diff(d.strip()));
                }
            }
            return new ImageStore.RootfsDirs(c.resolve("merged"), c.resolve("upper"), lower);
        } catch (IOException e) {
            throw new ImageException("rootfs of container " + containerId + ": " + e.getMessage(), e);
        }
    }

    void release(String containerId) throws ImageException {
        Path c = containerDir(containerId);
        Path merged = c.resolve("merged");
        try {
            if (!Files.exists(c)) {
                return;
            }
            if (mounted(merged)) {
                mounter.unmount(merged.toString(), 0);
            }
            List<String> left = mountsUnder(c);
            if (!left.isEmpty()) {
                throw new ImageException("rootfs of container " + containerId + ": still mounted on " + String.join(", ", left)
                        + "; not removing " + c);
            }
            LayerUnpacker.removeTree(c);
        } catch (IOException e) {
            throw new ImageException("rootfs of container " + containerId + ": " + e.getMessage(), e);
        }
    }

    /** The diffIDs of layers some container's overlay uses. */
    List<String> layersInUse() throws IOException {
        List<String> out = new ArrayList<>();
        try (var s = Files.list(dir)) {
            for (Path c : (Iterable<Path>) s::iterator) {
                Path lower = c.resolve("lower");
                if (Files.isRegularFile(lower)) {
                    for (String l : Files.readAllLines(lower)) {
                        if (!l.isBlank()) {
                            out.add(l.trim());
                        }
                    }
                }
            }
        }
        return out;
    }

    static boolean mounted(Path p) throws IOException {
        String s = p.toString();
        for (MountInfo m : MountInfo.self()) {
            if (m.mountPoint().equals(s)) {
                return true;
            }
        }
        return false;
    }

    static List<String> mountsUnder(Path p) throws IOException {
        String s = p.toString();
        List<String> out = new ArrayList<>();
        for (MountInfo m : MountInfo.self()) {
            if (m.mountPoint().equals(s) || m.mountPoint().startsWith(s + "/")) {
                out.add(m.mountPoint());
            }
        }
        return out;
    }
}
