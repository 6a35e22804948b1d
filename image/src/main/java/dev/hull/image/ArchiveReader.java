package dev.hull.image;

import dev.hull.spec.json.Json;
import dev.hull.spec.json.JsonException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Finds the images of an unpacked archive: docker-archive (manifest.json; layers as
 * "&lt;id&gt;/layer.tar" or "blobs/sha256/&lt;hex&gt;") or OCI layout (oci-layout, index.json, blobs).
 * Nothing is stored here; the store checks every digest as it copies.
 */
final class ArchiveReader {
    /** A layer file, with the digest its content must have when the archive says it (OCI). */
    record LayerSource(Path file, String digest, String field) {}

    /** One image to load; configDigest is what the config must hash to. */
    record Candidate(Path config, String configDigest, List<LayerSource> layers, List<Reference> names,
            String manifestDigest, byte[] manifest) {}

    static final String OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";
    static final String OCI_INDEX = "application/vnd.oci.image.index.v1+json";
    static final String DOCKER_MANIFEST = "application/vnd.docker.distribution.manifest.v2+json";
    static final String DOCKER_LIST = "application/vnd.docker.distribution.manifest.list.v2+json";
    static final String REF_NAME = "org.opencontainers.image.ref.name";
    static final String CONTAINERD_NAME = "io.containerd.image.name";

    private ArchiveReader() {}

    static List<Candidate> read(ArchiveDir a) throws ImageException {
        if (a.has("manifest.json")) {
            return docker(a);
        }
        if (a.has("index.json") && a.has("oci-layout")) {
            return oci(a);
        }
        throw new ImageException(a.what() + ": neither a docker archive (manifest.json) nor an OCI layout (oci-layout, index.json)");
    }

    private static List<Candidate> docker(ArchiveDir a) throws ImageException {
        String what = a.what() + ": manifest.json";
        Object root = json(a.file("manifest.json", "manifest.json"), what);
        if (!(root instanceof List<?> list)) {
            throw new ImageException(what + ": not a JSON array");
        }
        List<Candidate> out = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            String f = "manifest.json[" + i + "]";
            if (!(list.get(i) instanceof Map<?, ?> m) || !(m.get("Config") instanceof String config)
                    || !(m.get("Layers") instanceof List<?> layers)) {
                throw new ImageException(a.what() + ": " + f + ": needs Config (a string) and Layers (an array)");
            }
            // the config's name is its digest: "<hex>.json" (old) or "blobs/sha256/<hex>" (Docker 25)
            String base = config.substring(config.lastIndexOf('/') + 1);
            if (base.endsWith(".json")) {
                base = base.substring(0, base.length() - 5);
            }
            String digest = Digests.valid("sha256:" + base) ? "sha256:" + base : null;
            List<LayerSource> ls = new ArrayList<>();
            for (int j = 0; j < layers.size(); j++) {
                String lf = f + ".Layers[" + j + "]";
                if (!(layers.get(j) instanceof String l)) {
                    throw new ImageException(a.what() + ": " + lf + " must be a string");
                }
                String h = l.startsWith("blobs/sha256/") ? "sha256:" + l.substring(13) : null;
                ls.add(new LayerSource(a.file(l, lf), Digests.valid(h) ? h : null, l));
            }
            List<Reference> names = new ArrayList<>();
            if (m.get("RepoTags") instanceof List<?> tags) {
                for (Object t : tags) {
                    if (t instanceof String s) {
                        names.add(Reference.parse(s));
                    }
                }
            }
            out.add(new Candidate(a.file(config, f + ".Config"), digest, ls, names, null, null));
        }
        return out;
    }

    private static List<Candidate> oci(ArchiveDir a) throws ImageException {
        Object root = json(a.file("index.json", "index.json"), a.what() + ": index.json");
        if (!(root instanceof Map<?, ?> idx) || !(idx.get("manifests") instanceof List<?> manifests)) {
            throw new ImageException(a.what() + ": index.json: needs a \"manifests\" array");
        }
        List<Candidate> out = new ArrayList<>();
        for (int i = 0; i < manifests.size(); i++) {
            String f = "index.json manifests[" + i + "]";
            if (!(manifests.get(i) instanceof Map<?, ?> d)) {
                throw new ImageException(a.what() + ": " + f + ": not an object");
            }
            List<Reference> names = names(d, a.what() + ": " + f);
            out.add(manifest(a, d, names, f, 0));
        }
        return out;
    }

    /** A descriptor of a manifest or, for an index, of the entry for this machine's platform. */
    private static Candidate manifest(ArchiveDir a, Map<?, ?> d, List<Reference> names, String f, int depth)
            throws ImageException {
        String digest = (String) d.get("digest");
        Path file = a.blob(digest, f + ".digest");
        byte[] data = verified(file, digest, a.what() + ": " + f);
        Object o = parse(data, a.what() + ": blob " + digest);
        if (!(o instanceof Map<?, ?> m)) {
            throw new ImageException(a.what() + ": blob " + digest + ": not a JSON object");
        }
        String type = m.get("mediaType") instanceof String s ? s : String.valueOf(d.get("mediaType"));
        if (m.get("manifests") instanceof List<?> list && (OCI_INDEX.equals(type) || DOCKER_LIST.equals(type)
                || !m.containsKey("layers"))) {
            if (depth > 4) {
                throw new ImageException(a.what() + ": " + f + ": indexes nested too deep");
            }
            Map<?, ?> pick = null;
            for (Object x : list) {
                if (x instanceof Map<?, ?> e && e.get("platform") instanceof Map<?, ?> p
                        && "linux".equals(p.get("os")) && hostArch().equals(p.get("architecture"))) {
                    pick = e;
                    break;
                }
            }
            if (pick == null && list.size() == 1 && list.get(0) instanceof Map<?, ?> only) {
                pick = only;
            }
            if (pick == null) {
                throw new ImageException(a.what() + ": " + f + ": no manifest for linux/" + hostArch());
            }
            return manifest(a, pick, names, f + " → " + digest, depth + 1);
        }
        if (!(m.get("config") instanceof Map<?, ?> cfg) || !(m.get("layers") instanceof List<?> layers)) {
            throw new ImageException(a.what() + ": manifest " + digest + ": needs config and layers");
        }
        String configDigest = Digests.require((String) cfg.get("digest"), a.what() + ": manifest " + digest + ": config.digest");
        List<LayerSource> ls = new ArrayList<>();
        for (int j = 0; j < layers.size(); j++) {
            String lf = "manifest " + digest + ": layers[" + j + "]";
            if (!(layers.get(j) instanceof Map<?, ?> l)) {
                throw new ImageException(a.what() + ": " + lf + ": not an object");
            }
            String ld = Digests.require((String) l.get("digest"), a.what() + ": " + lf + ".digest");
            ls.add(new LayerSource(a.blob(ld, lf), ld, "blob " + ld));
        }
        return new Candidate(a.blob(configDigest, "manifest " + digest + ": config"), configDigest, ls, names, digest, data);
    }

    /**
     * The names an index.json entry gives: io.containerd.image.name (Docker, containerd) and
     * org.opencontainers.image.ref.name, which skopeo and podman set to a tag only or to a full
     * name; a tag alone is combined with the containerd name's repository, else ignored.
     */
    static List<Reference> names(Map<?, ?> descriptor, String what) throws ImageException {
        List<Reference> out = new ArrayList<>();
        if (!(descriptor.get("annotations") instanceof Map<?, ?> ann)) {
            return out;
        }
        Reference full = null;
        if (ann.get(CONTAINERD_NAME) instanceof String n) {
            full = Reference.parse(n);
        }
        if (ann.get(REF_NAME) instanceof String ref && !ref.isEmpty()) {
            if (ref.contains("/") || ref.contains(":") || ref.contains("@")) {
                out.add(Reference.parse(ref));
            } else if (full != null) {
                full = full.withTag(ref);
            }
        }
        if (full != null) {
            String name = full.canonical();
            if (out.stream().noneMatch(r -> r.canonical().equals(name))) {
                out.add(0, full);
            }
        }
        return out;
    }

    static String hostArch() {
        String a = System.getProperty("os.arch");
        return switch (a) {
            case "amd64", "x86_64" -> "amd64";
            case "aarch64" -> "arm64";
            default -> a;
        };
    }

    private static byte[] verified(Path file, String digest, String what) throws ImageException {
        try {
            byte[] b = Files.readAllBytes(file);
            String actual = Digests.of(b);
            if (!actual.equals(digest)) {
                throw new ImageException(what + ": blob " + digest + " has the wrong content (digest " + actual + ")");
            }
            return b;
        } catch (IOException e) {
            throw new ImageException(what + ": " + e.getMessage(), e);
        }
    }

    private static Object json(Path file, String what) throws ImageException {
        try {
            return parse(Files.readAllBytes(file), what);
        } catch (IOException e) {
            throw new ImageException(what + ": " + e.getMessage(), e);
        }
    }

    private static Object parse(byte[] data, String what) throws ImageException {
        try {
            return Json.parse(data);
        } catch (JsonException e) {
            throw new ImageException(what + ": not JSON: " + e.getMessage());
        }
    }
}
