package dev.hull.engine.container;

import dev.hull.engine.Engine;
import dev.hull.engine.EngineException;
import dev.hull.engine.Times;
import dev.hull.engine.volume.VolumeStore;
import dev.hull.image.Image;
import dev.hull.image.ImageConfig;
import dev.hull.image.ImageException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code hull create}: a container record with its image's defaults merged in, its rootfs (an
 * overlay of the image's layers), its /etc files and its volumes — no process yet, as with Docker.
 * Everything is checked before anything is made; a failure takes back what was made.
 */
public final class Creator {
    private Creator() {}

    public static Container create(Engine engine, CreateRequest req) throws EngineException {
        Path cidFile = req.cidFile() == null ? null : Path.of(req.cidFile());
        if (cidFile != null && Files.exists(cidFile, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            throw new EngineException("Container ID file found, make sure the other container isn't running or delete "
                    + cidFile);
        }
        Image image;
        try {
            image = engine.images().resolve(req.image());
        } catch (ImageException e) {
            throw new EngineException("Unable to find image '" + req.image() + "' locally (no registry is reachable: "
                    + "use 'hull load' or 'hull import'): " + e.getMessage());
        }
        if (req.platform() != null && !req.platform().matches(image.os(), image.architecture())) {
            throw new EngineException("image with reference " + req.image() + " was found but does not match the specified platform: wanted "
                    + req.platform() + ", actual: " + image.os() + "/" + image.architecture());
        }
        dev.hull.runtime.Trace.mark("image resolved");
        String id = newId();
        Map<String, Object> config = merge(req.config(), image.config(), id);
        List<String> command = new ArrayList<>();
        command.addAll(SpecBuilder.strings(config.get("Entrypoint")));
        command.addAll(SpecBuilder.strings(config.get("Cmd")));
        if (command.isEmpty()) {
            throw new EngineException("No command specified");
        }
        config.put("Image", req.image());
        Map<String, Object> host = new LinkedHashMap<>(req.hostConfig());

        try (ContainerStore.Lock names = engine.containers().lockNames()) {
            String name = req.name() == null ? Names.generate(engine.containers()) : checkName(engine, req.name());
            Path dir = engine.containers().dir(id);
            boolean rootfsMade = false;
            try {
                Files.createDirectories(dir);
                // its record and config hold the environment (secrets, often): root's alone; others
                // may only pass through (a --uidmap container's root reaches its /etc files)
                Files.setPosixFilePermissions(dir, java.nio.file.attribute.PosixFilePermissions.fromString("rwx--x--x"));
                Path rootfs = engine.images().prepareRootfs(id, image);
                rootfsMade = true;
                dev.hull.runtime.Trace.mark("rootfs mounted");
                Users.resolve(rootfs, SpecBuilder.str(config.get("User")), SpecBuilder.strings(host.get("GroupAdd")));
                if (host.get("UidMap") != null) {
                    IdShift.traversable(engine.root(), rootfs, dir);
                    IdShift.apply(rootfs, host.get("UidMap"), host.get("GidMap"));
                }
                List<Map<String, Object>> mounts = MountPlanner.plan(engine, host, rootfs, image.config().volumes());
                EtcFiles.write(dir, SpecBuilder.str(config.get("Hostname")),
                        SpecBuilder.str(host.get("NetworkMode")).equals("host"), SpecBuilder.strings(host.get("ExtraHosts")),
                        SpecBuilder.strings(host.get("Dns")), SpecBuilder.strings(host.get("DnsSearch")),
                        SpecBuilder.strings(host.get("DnsOptions")));
                if (host.get("UidMap") != null) {
                    IdShift.giveToContainerRoot(dir, host.get("UidMap"), host.get("GidMap"), "hostname", "hosts",
                            "resolv.conf");
                }
                Container c = new Container(id, name, Times.now(), image.id(), command.get(0),
                        command.subList(1, command.size()), config, host, mounts, Container.State.created(), 0,
                        false, rootfs.toString(), dir.resolve("container.log").toString(),
                        dir.resolve("hostname").toString(), dir.resolve("hosts").toString(),
                        dir.resolve("resolv.conf").toString());
                engine.containers().save(c);
                if (cidFile != null) {
                    writeCidFile(cidFile, id);
                }
                return c;
            } catch (EngineException | ImageException | IOException | RuntimeException e) {
                undo(engine, id, dir, rootfsMade);
                if (e instanceof EngineException ee) {
                    throw ee;
                }
                throw new EngineException(e instanceof RuntimeException ? "internal error: " + e : e.getMessage());
            }
        }
    }

    /** --cidfile: the id, in a file that must not exist yet (Docker's check against a second run). */
    private static void writeCidFile(Path file, String id) throws EngineException {
        try {
            Files.writeString(file, id, java.nio.file.StandardOpenOption.CREATE_NEW, java.nio.file.StandardOpenOption.WRITE);
        } catch (java.nio.file.FileAlreadyExistsException e) {
            throw new EngineException("Container ID file found, make sure the other container isn't running or delete " + file);
        } catch (IOException e) {
            throw new EngineException("--cidfile " + file + ": failed to create the container ID file: " + e.getMessage());
        }
    }

    private static void undo(Engine engine, String id, Path dir, boolean rootfsMade) {
        try {
            if (rootfsMade) {
                engine.images().releaseRootfs(id);
            }
            VolumeStore.deleteTree(dir);
        } catch (EngineException | ImageException | IOException e) {
            engine.log().warn("cleaning up after a failed create: " + e.getMessage());
        }
    }

    /** Docker's merge of the image's config under the container's (daemon/create.go, merge()). */
    static Map<String, Object> merge(Map<String, Object> given, ImageConfig image, String id) {
        Map<String, Object> c = new LinkedHashMap<>(given);
        if (SpecBuilder.str(c.get("Hostname")).isEmpty()) {
            c.put("Hostname", id.substring(0, 12));
        }
        if (SpecBuilder.str(c.get("User")).isEmpty() && image.user() != null) {
            c.put("User", image.user());
        }
        List<String> env = new ArrayList<>(image.env() == null ? List.of() : image.env());
        for (String e : SpecBuilder.strings(c.get("Env"))) {
            String key = e.contains("=") ? e.substring(0, e.indexOf('=')) : e;
            for (int i = env.size() - 1; i >= 0; i--) {
                if (env.get(i).equals(key) || env.get(i).startsWith(key + "=")) {
                    env.remove(i);
                }
            }
            env.add(e);
        }
        c.put("Env", env);
        if (c.get("Entrypoint") == null) {
            c.put("Entrypoint", image.entrypoint());
            if (c.get("Cmd") == null) {
                c.put("Cmd", image.cmd());
            }
        }
        if (SpecBuilder.str(c.get("WorkingDir")).isEmpty() && image.workingDir() != null) {
            c.put("WorkingDir", image.workingDir());
        }
        Map<String, Object> labels = new LinkedHashMap<>();
        if (image.labels() != null) {
            labels.putAll(image.labels());
        }
        if (c.get("Labels") instanceof Map<?, ?> l) {
            for (Map.Entry<?, ?> e : l.entrySet()) {
                labels.put(e.getKey().toString(), e.getValue());
            }
        }
        c.put("Labels", labels);
        Map<String, Object> exposed = new LinkedHashMap<>();
        for (String p : image.exposedPorts() == null ? List.<String>of() : image.exposedPorts()) {
            exposed.put(p, Map.of());
        }
        for (String p : SpecBuilder.strings(c.get("ExposedPorts"))) {
            exposed.put(p, Map.of());
        }
        c.put("ExposedPorts", exposed.isEmpty() ? null : exposed);
        if (c.get("StopSignal") == null && image.stopSignal() != null && !image.stopSignal().isEmpty()) {
            c.put("StopSignal", image.stopSignal());
        }
        return c;
    }

    private static String checkName(Engine engine, String name) throws EngineException {
        String n = name.startsWith("/") ? name.substring(1) : name;
        boolean ok = n.length() >= 1 && Character.isLetterOrDigit(n.charAt(0));
        for (int i = 0; ok && i < n.length(); i++) {
            char ch = n.charAt(i);
            ok = ch < 128 && (Character.isLetterOrDigit(ch) || ch == '_' || ch == '.' || ch == '-');
        }
        if (!ok) {
            throw new EngineException("Invalid container name (" + name + "), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed");
        }
        for (Container c : engine.containers().all()) {
            if (c.name().equals(n)) {
                throw new EngineException("Conflict. The container name \"/" + n + "\" is already in use by container \""
                        + c.id() + "\". You have to remove (or rename) that container to be able to reuse that name.");
            }
        }
        return n;
    }

    /** 64 hex digits from the kernel's random pool (SecureRandom's set-up costs start-up time). */
    static String newId() throws EngineException {
        byte[] b = new byte[32];
        try (InputStream in = Files.newInputStream(Path.of("/dev/urandom"))) {
            if (in.readNBytes(b, 0, 32) != 32) {
                throw new IOException("short read");
            }
        } catch (IOException e) {
            throw new EngineException("cannot read /dev/urandom: " + e.getMessage());
        }
        String id = HexFormat.of().formatHex(b);
        // Docker avoids all-digit short ids (they would read as numbers); so do we
        for (int i = 0; i < 12; i++) {
            if (!Character.isDigit(id.charAt(i))) {
                return id;
            }
        }
        return newId();
    }
}
