package dev.hull.engine.volume;

import dev.hull.engine.EngineException;
import dev.hull.engine.cli.Volumes;
import dev.hull.spec.json.Json;
import dev.hull.spec.json.JsonException;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Named volumes, as Docker's local driver keeps them: {@code <root>/volumes/<name>/_data}, with
 * {@code volume.json} beside it (created time, labels). A volume used for the first time gets a copy
 * of what the image has at its mount point (Docker's copy-up), unless it already holds something.
 */
public final class VolumeStore {
    private final Path dir;

    public VolumeStore(Path dir) {
        this.dir = dir;
    }

    public record Volume(String name, Path mountpoint, String createdAt, Map<String, String> labels) {
        public Map<String, Object> toJson() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("CreatedAt", createdAt);
            m.put("Driver", "local");
            m.put("Labels", labels);
            m.put("Mountpoint", mountpoint.toString());
            m.put("Name", name);
            m.put("Options", new LinkedHashMap<>());
            m.put("Scope", "local");
            return m;
        }
    }

    public Volume create(String name, Map<String, String> labels) throws EngineException {
        Volumes.checkVolumeName("volume create", name);
        Path v = dir.resolve(name);
        if (Files.isDirectory(v.resolve("_data"))) {
            return get(name);
        }
        try {
            Files.createDirectories(v.resolve("_data"));
            Map<String, Object> meta = new LinkedHashMap<>();
            meta.put("CreatedAt", dev.hull.engine.Times.now());
            meta.put("Labels", labels);
            Path tmp = v.resolve(".volume.json.tmp");
            Files.writeString(tmp, Json.write(meta));
            Files.move(tmp, v.resolve("volume.json"), StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new EngineException("volume " + name + ": " + e.getMessage());
        }
        return get(name);
    }

    public Volume get(String name) throws EngineException {
        Path v = dir.resolve(name);
        if (!Files.isDirectory(v.resolve("_data"), LinkOption.NOFOLLOW_LINKS)) {
            throw new EngineException("get " + name + ": no such volume");
        }
        String created = "";
        Map<String, String> labels = new LinkedHashMap<>();
        try {
            Map<?, ?> meta = (Map<?, ?>) Json.parse(Files.readAllBytes(v.resolve("volume.json")));
            created = String.valueOf(meta.get("CreatedAt"));
            if (meta.get("Labels") instanceof Map<?, ?> l) {
                for (Map.Entry<?, ?> e : l.entrySet()) {
                    labels.put(e.getKey().toString(), String.valueOf(e.getValue()));
                }
            }
        } catch (IOException | JsonException | ClassCastException e) {
            // a volume made by hand: no metadata
        }
        return new Volume(name, v.resolve("_data"), created, labels);
    }

    public boolean exists(String name) {
        return Files.isDirectory(dir.resolve(name).resolve("_data"), LinkOption.NOFOLLOW_LINKS);
    }

    public List<Volume> list() throws EngineException {
        List<Volume> out = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return out;
        }
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
            for (Path p : ds) {
                if (Files.isDirectory(p.resolve("_data"))) {
                    out.add(get(p.getFileName().toString()));
                }
            }
        } catch (IOException e) {
            throw new EngineException("cannot list volumes: " + e.getMessage());
        }
        out.sort((a, b) -> a.name().compareTo(b.name()));
        return out;
    }

    /** Removes a volume no container uses (the caller checks that). */
    public void remove(String name) throws EngineException {
        get(name);
        try {
            Path v = dir.resolve(name);
            Path gone = dir.resolve("." + name + ".removing");
            Files.move(v, gone, StandardCopyOption.ATOMIC_MOVE);
            deleteTree(gone);
        } catch (IOException e) {
            throw new EngineException("remove " + name + ": " + e.getMessage());
        }
    }

    /** Deletes a tree without following symlinks out of it (a volume may hold links to anywhere). */
    public static void deleteTree(Path p) throws IOException {
        if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
            try (DirectoryStream<Path> ds = Files.newDirectoryStream(p)) {
                for (Path c : ds) {
                    deleteTree(c);
                }
            }
        }
        Files.deleteIfExists(p);
    }
}
