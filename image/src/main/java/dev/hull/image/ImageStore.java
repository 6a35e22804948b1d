package dev.hull.image;

import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * The engine's image store under a root such as /var/lib/hull:
 * <pre>
 * images/index.json            images (config digest → layers) and names (StoreIndex)
 * images/blobs/sha256/HEX      configs, manifests, layer blobs as loaded (BlobStore)
 * images/.lock                 held (flock) around every change
 * overlay/layers/KEY/diff      each layer unpacked once, in overlayfs format (LayerStore)
 * overlay/containers/ID/       upper, work, merged: a container's rootfs (Overlay)
 * </pre>
 * Reads need no lock (the index is replaced by rename); every change holds images/.lock, so two
 * commands at once serialise. A change writes blobs and layers first and the index last; on
 * failure it removes what it added, so nothing half-loaded stays behind.
 */
public final class ImageStore {

    private final Path root;
    private final Path indexFile;
    private final Path lockFile;
    private final BlobStore blobs;
    private final LayerStore layers;
    private final Overlay overlay;

    private ImageStore(Path root, Mounter mounter) throws IOException {
        this.root = root;
        Path images = root.resolve("images");
        Files.createDirectories(images);
        this.indexFile = images.resolve("index.json");
        this.lockFile = images.resolve(".lock");
        this.blobs = new BlobStore(images);
        this.layers = new LayerStore(root.resolve("overlay"));
        this.overlay = new Overlay(root.resolve("overlay"), layers, mounter);
    }

    public static ImageStore open(Path root) throws ImageException {
        return open(root, Mounter.FFM);
    }

    /** With the given way of mounting the containers' overlays. */
    public static ImageStore open(Path root, Mounter mounter) throws ImageException {
        try {
            Files.createDirectories(root);
            // the real path: mountinfo shows mount points without symlinks
            // half-unpacked layers of an interrupted load are cleaned by the next load or import,
            // under the lock, not by every command that opens the store
            return new ImageStore(root.toRealPath(), mounter);
        } catch (IOException e) {
            throw new ImageException("image store " + root + ": " + e.getMessage(), e);
        }
    }

    public Path root() {
        return root;
    }

    public List<Image> list() throws ImageException {
        StoreIndex idx = StoreIndex.read(indexFile);
        List<Image> out = new ArrayList<>();
        for (StoreIndex.Entry e : idx.images.values()) {
            out.add(image(idx, e));
        }
        out.sort((a, b) -> String.valueOf(b.created()).compareTo(String.valueOf(a.created())));
        return out;
    }

    public Image resolve(String ref) throws ImageException {
        StoreIndex idx = StoreIndex.read(indexFile);
        return image(idx, idx.images.get(find(idx, ref)));
    }

    public List<String> load(Path archive) throws ImageException {
        try (Lock l = lock(); ArchiveDir a = ArchiveDir.open(archive, blobs.tmpDir())) {
            layers.clean();
            StoreIndex idx = StoreIndex.read(indexFile);
            List<Path> created = new ArrayList<>();
            try {
                List<String> loaded = new ArrayList<>();
                for (ArchiveReader.Candidate c : ArchiveReader.read(a)) {
                    StoreIndex.Entry e = store(c, a.what(), created);
                    idx.images.put(e.id(), e);
                    if (c.names().isEmpty()) {
                        loaded.add(e.id());
                    }
                    for (Reference r : c.names()) {
                        idx.names.put(r.canonical(), e.id());
                        loaded.add(r.familiar());
                    }
                }
                idx.write(indexFile);
                return loaded;
            } catch (ImageException | RuntimeException e) {
                undo(created);
                throw e;
            }
        } catch (IOException e) {
            throw new ImageException(archive + ": " + e.getMessage(), e);
        }
    }

    /**
     * {@code docker import}: one layer from a root filesystem tarball, the config from the
     * changes (CMD, ENV...), message the history's comment (default: "Imported from FILE"),
     * platform the os/architecture recorded (null: the host's).
     */
    public Image importRootfs(Path tarball, String name, Map<String, String> changes, String message, Platform platform)
            throws ImageException {
        Platform pf = platform == null ? Platform.host() : platform;
        if (!pf.os().equals("linux")) {
            throw new ImageException("--platform " + pf + ": only linux images can be imported");
        }
        ImageConfig config = Changes.apply(ImageConfig.EMPTY, changes);
        String comment = message != null && !message.isEmpty() ? message : "Imported from " + tarball.getFileName();
        return addLayer(tarball, tarball.toString(), null, name, (parent, now) -> {
            Map<String, Object> cfg = new LinkedHashMap<>();
            cfg.put("architecture", pf.architecture());
            if (pf.variant() != null) {
                cfg.put("variant", pf.variant());
            }
            cfg.put("comment", comment);
            cfg.put("config", ConfigJson.toJson(config));
            cfg.put("created", now);
            cfg.put("history", List.of(historyStep(now, null, comment)));
            cfg.put("os", pf.os());
            return cfg;
        });
    }

    /**
     * {@code docker commit}: an image of the parent's layers and one more, read from layerTar (the
     * layer format: ".wh." whiteouts), with config as the image's config (changes applied on top),
     * the parent's platform, and the parent's history and one entry more (comment, author).
     */
    public Image commit(Path layerTar, String parentId, ImageConfig config, Map<String, String> changes,
                        String comment, String author, String name) throws ImageException {
        ImageConfig applied = Changes.apply(config, changes);
        return addLayer(layerTar, "commit", parentId, name, (parent, now) -> {
            Map<String, Object> cfg = new LinkedHashMap<>();
            cfg.put("architecture", parent.get("architecture"));
            if (parent.get("variant") != null) {
                cfg.put("variant", parent.get("variant"));
            }
            if (author != null && !author.isEmpty()) {
                cfg.put("author", author);
            }
            if (comment != null && !comment.isEmpty()) {
                cfg.put("comment", comment);
            }
            cfg.put("config", ConfigJson.toJson(applied));
            cfg.put("created", now);
            List<Object> history = parent.get("history") instanceof List<?> h ? new ArrayList<>(h) : new ArrayList<>();
            history.add(historyStep(now, author, comment));
            cfg.put("history", history);
            cfg.put("os", parent.get("os") == null ? "linux" : parent.get("os"));
            return cfg;
        });
    }

    private static Map<String, Object> historyStep(String created, String author, String comment) {
        Map<String, Object> step = new LinkedHashMap<>();
        step.put("created", created);
        if (author != null && !author.isEmpty()) {
            step.put("author", author);
        }
        if (comment != null && !comment.isEmpty()) {
            step.put("comment", comment);
        }
        return step;
    }

    /** The config of an image made by addLayer, from the parent's raw config (empty: none) and the time. */
    private interface ConfigMaker {
        Map<String, Object> make(Map<String, Object> parent, String now);
    }

    /**
     * The core of import and commit, under the store's lock: the layer in tar (plain or
     * compressed) stored and unpacked, over the parent's layers (parentRef null: none), the config
     * the maker gives with rootfs.diff_ids filled in, the image named. A failure removes what it made.
     */
    private Image addLayer(Path tar, String what, String parentRef, String name, ConfigMaker maker) throws ImageException {
        Reference ref = name == null ? null : Reference.parse(name);
        try (Lock l = lock()) {
            layers.clean();
            StoreIndex idx = StoreIndex.read(indexFile);
            List<StoreIndex.Layer> below = List.of();
            Map<String, Object> parent = Map.of();
            if (parentRef != null) {
                String parentId = find(idx, parentRef);
                below = idx.images.get(parentId).layers();
                parent = ConfigJson.parse(blobs.readStored(parentId), "config " + parentId).raw();
            }
            List<Path> created = new ArrayList<>();
            try {
                String diffId;
                try (InputStream in = Compression.decompressed(Files.newInputStream(tar))) {
                    diffId = blobs.put(in, null, what, created);
                }
                long size = layers.has(diffId) ? layers.size(diffId) : layers.unpack(blobs.path(diffId), diffId, what, created);
                Map<String, Object> cfg = maker.make(parent, Instant.now().truncatedTo(ChronoUnit.NANOS).toString());
                List<StoreIndex.Layer> all = new ArrayList<>(below);
                all.add(new StoreIndex.Layer(diffId, diffId, size));
                List<Object> diffIds = new ArrayList<>();
                for (StoreIndex.Layer layer : all) {
                    diffIds.add(layer.diffId());
                }
                Map<String, Object> rootfs = new LinkedHashMap<>();
                rootfs.put("type", "layers");
                rootfs.put("diff_ids", diffIds);
                cfg.put("rootfs", rootfs);
                String id = blobs.put(ConfigJson.bytes(cfg), null, "config", created);
                StoreIndex.Entry e = new StoreIndex.Entry(id, all, null);
                idx.images.put(id, e);
                if (ref != null) {
                    idx.names.put(ref.canonical(), id);
                }
                idx.write(indexFile);
                return image(idx, e);
            } catch (ImageException | IOException | RuntimeException e) {
                undo(created);
                if (e instanceof ImageException ie) {
                    throw ie;
                }
                throw new ImageException(what + ": " + e.getMessage(), e);
            }
        } catch (IOException e) {
            throw new ImageException(what + ": " + e.getMessage(), e);
        }
    }

    public void save(List<String> refs, Path out) throws ImageException {
        ArchiveWriter.write(saveItems(refs), blobs, out);
    }

    /** {@code docker save} to a stream (stdout); the stream stays open. */
    public void save(List<String> refs, java.io.OutputStream out) throws ImageException {
        List<ArchiveWriter.Item> items = saveItems(refs);
        try {
            ArchiveWriter.write(items, blobs, out);
        } catch (IOException e) {
            throw new ImageException("save: " + e.getMessage(), e);
        }
    }

    private List<ArchiveWriter.Item> saveItems(List<String> refs) throws ImageException {
        StoreIndex idx = StoreIndex.read(indexFile);
        Map<String, ArchiveWriter.Item> items = new LinkedHashMap<>();
        for (String ref : refs) {
            String id = find(idx, ref);
            StoreIndex.Entry e = idx.images.get(id);
            ArchiveWriter.Item prev = items.get(id);
            List<String> tags = new ArrayList<>(prev == null ? List.of() : prev.repoTags());
            // as docker save: a name given is kept in the archive, an id gives no names
            String name = nameOf(idx, ref);
            if (name != null && !tags.contains(name)) {
                tags.add(name);
            }
            items.put(id, new ArchiveWriter.Item(id, blobs.read(id), e.layers(), tags));
        }
        return new ArrayList<>(items.values());
    }

    public void tag(String source, String target) throws ImageException {
        Reference t = Reference.parse(target);
        if (t.digest() != null) {
            throw new ImageException("refusing to create a tag with a digest reference: \"" + target + "\"");
        }
        try (Lock l = lock()) {
            StoreIndex idx = StoreIndex.read(indexFile);
            idx.names.put(t.canonical(), find(idx, source));
            idx.write(indexFile);
        } catch (IOException e) {
            throw new ImageException("tag " + target + ": " + e.getMessage(), e);
        }
    }

    /**
     * {@code docker rmi}: {@code used} says whether a container uses an image, {@code running}
     * gives a running container that does (or null). As Docker: a name of several only untags;
     * an image in use needs force; one a running container uses cannot be deleted even so, and
     * force of its last name only untags it (it stays, dangling, for the container).
     */
    public List<String> remove(String ref, boolean force, Predicate<String> used, Function<String, String> running)
            throws ImageException {
        try (Lock l = lock()) {
            StoreIndex idx = StoreIndex.read(indexFile);
            String id = find(idx, ref);
            StoreIndex.Entry e = idx.images.get(id);
            List<String> names = idx.namesOf(id);
            String byName = nameOf(idx, ref);
            String shortId = Digests.hex(id).substring(0, 12);
            List<String> lines = new ArrayList<>();
            if (byName != null && names.size() > 1) {
                // one of several names: only that name goes, as docker rmi does
                idx.names.remove(Reference.parse(ref).canonical());
                idx.write(indexFile);
                return List.of("Untagged: " + byName);
            }
            if (used.test(id) && !force) {
                throw new ImageException(byName != null
                        ? "conflict: unable to remove repository reference \"" + ref + "\" (must force) - container is using its referenced image " + shortId
                        : "conflict: unable to delete " + shortId + " (must be forced) - image is being used by a container");
            }
            String runner = running.apply(id);
            if (runner != null) { // force, and a running container uses the image
                if (byName == null) {
                    throw new ImageException("conflict: unable to delete " + shortId
                            + " (cannot be forced) - image is being used by running container " + runner.substring(0, 12));
                }
                idx.names.remove(Reference.parse(ref).canonical());
                idx.write(indexFile);
                return List.of("Untagged: " + byName);
            }
            if (byName == null && names.size() > 1 && !force) {
                throw new ImageException("conflict: unable to delete " + shortId
                        + " (must be forced) - image is referenced in multiple repositories");
            }
            Set<String> digested = new LinkedHashSet<>();
            for (String n : names) {
                idx.names.remove(n);
                Reference r = Reference.parse(n);
                lines.add("Untagged: " + r.familiar());
                if (e.manifest() != null && digested.add(r.familiarRepository())) {
                    lines.add("Untagged: " + r.familiarRepository() + "@" + e.manifest());
                }
            }
            idx.images.remove(id);
            idx.write(indexFile);
            lines.add("Deleted: " + id);
            for (String chainId : collect(idx, e)) {
                lines.add("Deleted: " + chainId);
            }
            return lines;
        } catch (IOException e) {
            throw new ImageException("remove " + ref + ": " + e.getMessage(), e);
        }
    }

    /** The unpacked size of a layer in the store, 0 when it is not (or no longer) there. */
    public long layerSize(String diffId) throws ImageException {
        return layers.has(diffId) ? layers.size(diffId) : 0;
    }

    public String inspectJson(Image image) {
        return ConfigJson.inspect(image);
    }

    public Path prepareRootfs(String containerId, Image image) throws ImageException {
        try (Lock l = lock()) {
            return overlay.prepare(containerId, image.diffIds());
        } catch (IOException e) {
            throw new ImageException("rootfs of container " + containerId + ": " + e.getMessage(), e);
        }
    }

    /** A container's rootfs: the overlay mount, its upper dir, and the image's layers, top first. */
    public record RootfsDirs(Path merged, Path upper, List<Path> lowerTopFirst) {}

    /** The directories of a container's rootfs, as prepareRootfs made them. */
    public RootfsDirs rootfsDirs(String containerId) throws ImageException {
        return overlay.dirs(containerId);
    }

    public void releaseRootfs(String containerId) throws ImageException {
        try (Lock l = lock()) {
            overlay.release(containerId);
        } catch (IOException e) {
            throw new ImageException("rootfs of container " + containerId + ": " + e.getMessage(), e);
        }
    }

    // ---- internals

    /** Copies one archive image into the store, checking every digest on the way. */
    private StoreIndex.Entry store(ArchiveReader.Candidate c, String what, List<Path> created) throws ImageException {
        String configDigest;
        try (InputStream in = Files.newInputStream(c.config())) {
            configDigest = blobs.put(in, c.configDigest(), what + ": config " + c.config().getFileName(), created);
        } catch (IOException e) {
            throw new ImageException(what + ": config: " + e.getMessage(), e);
        }
        ConfigJson config = ConfigJson.parse(blobs.read(configDigest), what + ": config " + configDigest);
        if (config.diffIds().size() != c.layers().size()) {
            throw new ImageException(what + ": config " + configDigest + " lists " + config.diffIds().size()
                    + " diff_ids but the manifest has " + c.layers().size() + " layers");
        }
        if (c.manifest() != null) {
            blobs.put(c.manifest(), c.manifestDigest(), what + ": manifest", created);
        }
        List<StoreIndex.Layer> ls = new ArrayList<>();
        for (int i = 0; i < c.layers().size(); i++) {
            ArchiveReader.LayerSource src = c.layers().get(i);
            String diffId = config.diffIds().get(i);
            String lw = what + ": layer " + src.field();
            String blob = src.digest();
            if (blob == null || !blobs.has(blob)) {
                try (InputStream in = Files.newInputStream(src.file())) {
                    blob = blobs.put(in, src.digest(), lw, created);
                } catch (IOException e) {
                    throw new ImageException(lw + ": " + e.getMessage(), e);
                }
            }
            long size = layers.has(diffId) ? layers.size(diffId) : layers.unpack(blobs.path(blob), diffId, lw, created);
            ls.add(new StoreIndex.Layer(diffId, blob, size));
        }
        return new StoreIndex.Entry(configDigest, List.copyOf(ls), c.manifestDigest());
    }

    /** Removes what a failed change added, newest first. */
    private static void undo(List<Path> created) {
        for (int i = created.size() - 1; i >= 0; i--) {
            try {
                LayerUnpacker.removeTree(created.get(i));
            } catch (IOException ignored) {
                // a leftover blob or layer is garbage, not corruption: nothing refers to it
            }
        }
    }

    /** After an image is gone: its blobs and layers no other image, and no container, uses. */
    /**
     * Removes what only the image gone used; returns the chain ids (Docker's layer ids: the
     * first layer's diff id, then sha256 of "parent-chain-id diff-id") of the layers removed.
     */
    private List<String> collect(StoreIndex idx, StoreIndex.Entry gone) throws IOException {
        Set<String> inUse = new HashSet<>(overlay.layersInUse());
        List<String> removed = new ArrayList<>();
        String chain = null;
        for (StoreIndex.Layer l : gone.layers()) {
            chain = chain == null ? l.diffId() : Digests.of((chain + " " + l.diffId()).getBytes(StandardCharsets.UTF_8));
            if (!idx.layerUsed(l.diffId()) && !inUse.contains(l.diffId())) {
                layers.remove(l.diffId());
                removed.add(chain);
            }
            if (!idx.blobUsed(l.blob())) {
                blobs.delete(l.blob());
            }
        }
        if (!idx.blobUsed(gone.id())) {
            blobs.delete(gone.id());
        }
        if (gone.manifest() != null && !idx.blobUsed(gone.manifest())) {
            blobs.delete(gone.manifest());
        }
        return removed;
    }

    /** The id ref names: a full id, a name, or a unique id prefix of at least 4 hex digits. */
    private static String find(StoreIndex idx, String ref) throws ImageException {
        if (ref == null || ref.isEmpty()) {
            throw new ImageException("No such image: " + ref);
        }
        if (Digests.id(ref, 64)) {
            String id = ref.startsWith("sha256:") ? ref : "sha256:" + ref;
            if (idx.images.containsKey(id)) {
                return id;
            }
            throw new ImageException("No such image: " + ref);
        }
        String byName = canonicalName(idx, ref);
        if (byName != null) {
            return idx.names.get(byName);
        }
        if (Digests.id(ref, 4)) {
            String prefix = ref.startsWith("sha256:") ? ref : "sha256:" + ref;
            List<String> hits = idx.images.keySet().stream().filter(k -> k.startsWith(prefix)).toList();
            if (hits.size() == 1) {
                return hits.get(0);
            }
            if (hits.size() > 1) {
                throw new ImageException("image id prefix \"" + ref + "\" is ambiguous: it matches " + hits.size() + " images");
            }
        }
        if (!ref.startsWith("sha256:")) {
            Reference.parse(ref); // an invalid reference says so, rather than "No such image"
        }
        throw new ImageException("No such image: " + ref);
    }

    /** The stored canonical name ref stands for, or null when it is no name in the store. */
    private static String canonicalName(StoreIndex idx, String ref) {
        Reference r;
        try {
            r = Reference.parse(ref);
        } catch (ImageException e) {
            return null;
        }
        if (r.digest() != null) {
            // name@digest: the image loaded with that manifest under that repository
            for (var e : idx.names.entrySet()) {
                StoreIndex.Entry img = idx.images.get(e.getValue());
                if (img != null && r.digest().equals(img.manifest()) && e.getKey().startsWith(r.repository() + ":")) {
                    return e.getKey();
                }
            }
            return null;
        }
        return idx.names.containsKey(r.canonical()) ? r.canonical() : null;
    }

    /** The familiar name when ref is a name of the store, else null (an id or a prefix). */
    private static String nameOf(StoreIndex idx, String ref) throws ImageException {
        if (Digests.id(ref, 64)) {
            return null;
        }
        String n = canonicalName(idx, ref);
        return n == null ? null : Reference.parse(n).familiar();
    }

    private Image image(StoreIndex idx, StoreIndex.Entry e) throws ImageException {
        ConfigJson c = ConfigJson.parse(blobs.readStored(e.id()), "config " + e.id());
        List<String> tags = new ArrayList<>();
        Set<String> digests = new LinkedHashSet<>();
        for (String n : idx.namesOf(e.id())) {
            Reference r = Reference.parse(n);
            tags.add(r.familiar());
            if (e.manifest() != null) {
                digests.add(r.familiarRepository() + "@" + e.manifest());
            }
        }
        return new Image(e.id(), tags, new ArrayList<>(digests), c.config(), c.diffIds(), e.size(), c.created(),
                c.architecture(), c.os(), c.variant(), c.comment(), c.author());
    }

    /** An exclusive flock on images/.lock: serialises changes between processes. */
    private Lock lock() throws IOException {
        FileChannel ch = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        try {
            return new Lock(ch, ch.lock());
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }

    private record Lock(FileChannel channel, FileLock lock) implements AutoCloseable {
        @Override
        public void close() throws IOException {
            try {
                lock.release();
            } finally {
                channel.close();
            }
        }
    }
}
