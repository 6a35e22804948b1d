package dev.hull.image;

import dev.hull.spec.json.Json;
import dev.hull.spec.json.JsonException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * &lt;root&gt;/images/index.json: the images (config digest → layers) and the names pointing at
 * them. Read whole, changed in memory under the store lock, written to a temp file and renamed,
 * so a reader without the lock sees the old or the new index, never half of one.
 */
final class StoreIndex {
    /** One layer of an image: the digest of its uncompressed tar, of its blob as stored, its unpacked size. */
    record Layer(String diffId, String blob, long size) {}

    /** An image: id is its config digest; manifest the digest of the manifest it came with, if any. */
    record Entry(String id, List<Layer> layers, String manifest) {
        long size() {
            long sum = 0; // a loop: no stream pipeline to set up on the interpreted run path
            for (Layer l : layers) {
                sum += l.size();
            }
            return sum;
        }
    }

    final Map<String, Entry> images = new LinkedHashMap<>();
    /** canonical name ("docker.io/library/busybox:latest") → image id */
    final Map<String, String> names = new LinkedHashMap<>();

    static StoreIndex read(Path file) throws ImageException {
        StoreIndex idx = new StoreIndex();
        byte[] data;
        try {
            data = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return idx;
        } catch (IOException e) {
            throw new ImageException(file + ": " + e.getMessage(), e);
        }
        try {
            Map<?, ?> root = (Map<?, ?>) Json.parse(data);
            Map<?, ?> imgs = (Map<?, ?>) root.get("images");
            for (var e : imgs.entrySet()) {
                Map<?, ?> m = (Map<?, ?>) e.getValue();
                List<Layer> layers = new ArrayList<>();
                for (Object o : (List<?>) m.get("layers")) {
                    Map<?, ?> l = (Map<?, ?>) o;
                    layers.add(new Layer((String) l.get("diffId"), (String) l.get("blob"), ((Number) l.get("size")).longValue()));
                }
                String id = Digests.require((String) e.getKey(), file + ": images");
                idx.images.put(id, new Entry(id, List.copyOf(layers), (String) m.get("manifest")));
            }
            Map<?, ?> names = (Map<?, ?>) root.get("names");
            for (var e : names.entrySet()) {
                idx.names.put((String) e.getKey(), (String) e.getValue());
            }
        } catch (JsonException | ClassCastException | NullPointerException e) {
            throw new ImageException(file + ": corrupt index: " + e.getMessage(), e);
        }
        return idx;
    }

    void write(Path file) throws ImageException {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("version", 1L);
        Map<String, Object> imgs = new LinkedHashMap<>();
        for (Entry e : images.values()) {
            Map<String, Object> m = new LinkedHashMap<>();
            List<Object> layers = new ArrayList<>();
            for (Layer l : e.layers()) {
                Map<String, Object> lm = new LinkedHashMap<>();
                lm.put("diffId", l.diffId());
                lm.put("blob", l.blob());
                lm.put("size", l.size());
                layers.add(lm);
            }
            m.put("layers", layers);
            if (e.manifest() != null) {
                m.put("manifest", e.manifest());
            }
            imgs.put(e.id(), m);
        }
        root.put("images", imgs);
        root.put("names", new LinkedHashMap<String, Object>(names));
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try {
            Files.writeString(tmp, Json.writePretty(root, "  ") + "\n", StandardCharsets.UTF_8);
            BlobStore.move(tmp, file);
        } catch (IOException e) {
            throw new ImageException(file + ": " + e.getMessage(), e);
        }
    }

    /** The canonical names of an image, in the order they were given. */
    List<String> namesOf(String id) {
        List<String> out = new ArrayList<>();
        for (Map.Entry<String, String> e : names.entrySet()) {
            if (e.getValue().equals(id)) {
                out.add(e.getKey());
            }
        }
        return out;
    }

    boolean layerUsed(String diffId) {
        return images.values().stream().anyMatch(e -> e.layers().stream().anyMatch(l -> l.diffId().equals(diffId)));
    }

    boolean blobUsed(String digest) {
        return images.values().stream().anyMatch(e -> e.id().equals(digest) || digest.equals(e.manifest())
                || e.layers().stream().anyMatch(l -> l.blob().equals(digest)));
    }
}
