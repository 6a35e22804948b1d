package dev.hull.engine.container;

import dev.hull.engine.EngineException;
import dev.hull.spec.json.Json;
import dev.hull.spec.json.JsonException;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code <root>/containers}: one directory per container, its record written to a temp file and
 * renamed. File locks keep two {@code hull} commands from corrupting it: one per container
 * ({@code .lock} in its directory) and one for the set of names ({@code containers/.lock}).
 */
public final class ContainerStore {
    private final Path dir;
    static final java.nio.file.attribute.FileAttribute<?> OWNER_ONLY =
            java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
                    java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));

    public ContainerStore(Path root) {
        this.dir = root.resolve("containers");
    }

    public Path dir() {
        return dir;
    }

    public Path dir(String id) {
        return dir.resolve(id);
    }

    /** A held file lock; closing releases it. */
    public record Lock(FileChannel channel) implements AutoCloseable {
        @Override
        public void close() {
            try {
                channel.close();
            } catch (IOException e) {
                // released with the channel either way
            }
        }
    }

    public Lock lockNames() throws EngineException {
        return lock(dir.resolve(".lock"));
    }

    public Lock lock(String id) throws EngineException {
        if (!Files.isDirectory(dir(id))) {
            throw new EngineException("No such container: " + id);
        }
        try {
            // not lock(Path): creating the directory again would undo a removal running meanwhile
            return take(FileChannel.open(dir(id).resolve(".lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE),
                    dir(id).resolve(".lock"));
        } catch (NoSuchFileException e) {
            throw new EngineException("No such container: " + id);
        } catch (IOException e) {
            throw new EngineException("cannot lock " + dir(id).resolve(".lock") + ": " + e.getMessage());
        }
    }

    private static Lock take(FileChannel ch, Path file) throws IOException, EngineException {
        FileLock l = ch.lock();
        if (l == null) {
            ch.close();
            throw new EngineException("cannot lock " + file);
        }
        return new Lock(ch);
    }

    /**
     * Held by the container's exit handler ({@code hull container-exited}) from the moment it runs
     * until its restart is done: a "restarting" container whose handler holds none has nobody to
     * restart it (its monitor was killed).
     */
    public Lock lockRestart(String id) throws EngineException {
        Path file = dir(id).resolve(".restart.lock");
        try {
            return take(FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE), file);
        } catch (NoSuchFileException e) {
            throw new EngineException("No such container: " + id);
        } catch (IOException e) {
            throw new EngineException("cannot lock " + file + ": " + e.getMessage());
        }
    }

    /** Whether an exit handler holds the container's restart lock (this process's own included). */
    public boolean restartHandled(String id) {
        Path file = dir(id).resolve(".restart.lock");
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            return ch.tryLock() == null; // the lock, when taken here, goes with the channel
        } catch (java.nio.channels.OverlappingFileLockException e) {
            return true;
        } catch (IOException e) {
            return true; // cannot tell: leave the container to its handler
        }
    }

    private static Lock lock(Path file) throws EngineException {
        try {
            Files.createDirectories(file.getParent());
            FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock l = ch.lock();
            if (l == null) {
                ch.close();
                throw new EngineException("cannot lock " + file);
            }
            return new Lock(ch);
        } catch (IOException e) {
            throw new EngineException("cannot lock " + file + ": " + e.getMessage());
        }
    }

    public void save(Container c) throws EngineException {
        Path file = dir(c.id()).resolve("container.json");
        Path tmp = dir(c.id()).resolve(".container.json.tmp");
        try {
            Files.deleteIfExists(tmp);
            Files.createFile(tmp, OWNER_ONLY); // the environment may hold secrets
            Files.writeString(tmp, Json.writePretty(c.toJson(), "  "));
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new EngineException("cannot write " + file + ": " + e.getMessage());
        }
    }

    public Container load(String id) throws EngineException {
        Path file = dir(id).resolve("container.json");
        try {
            return Container.fromJson((Map<?, ?>) Json.parse(Files.readAllBytes(file)));
        } catch (NoSuchFileException e) {
            throw new EngineException("No such container: " + id);
        } catch (IOException | JsonException | ClassCastException | NullPointerException e) {
            throw new EngineException("container " + id + ": unreadable record " + file + ": " + e.getMessage());
        }
    }

    /** By creation time (RFC 3339 in UTC sorts as text); a class, not a lambda: start-up time. */
    private static final java.util.Comparator<Container> OLDEST_FIRST = new java.util.Comparator<>() {
        @Override
        public int compare(Container a, Container b) {
            return a.created().compareTo(b.created());
        }
    };

    /** Every container with a record, oldest first. */
    public List<Container> all() throws EngineException {
        List<Container> out = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return out;
        }
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
            for (Path p : ds) {
                String id = p.getFileName().toString();
                if (id.length() == 64 && Files.exists(p.resolve("container.json"))) {
                    try {
                        out.add(load(id));
                    } catch (EngineException e) {
                        // being removed, or half-created: not a container (yet)
                    }
                }
            }
        } catch (IOException e) {
            throw new EngineException("cannot list " + dir + ": " + e.getMessage());
        }
        out.sort(OLDEST_FIRST);
        return out;
    }

    /** A container by full id, name (with or without '/'), or unique id prefix, as Docker looks them up. */
    public Container find(String ref) throws EngineException {
        String r = ref.startsWith("/") ? ref.substring(1) : ref;
        if (r.length() == 64 && Files.exists(dir(r).resolve("container.json"))) {
            return load(r);
        }
        List<Container> all = all();
        for (Container c : all) {
            if (c.name().equals(r)) {
                return c;
            }
        }
        Container match = null;
        if (!r.isEmpty()) {
            for (Container c : all) {
                if (c.id().startsWith(r)) {
                    if (match != null) {
                        throw new EngineException("multiple containers found with provided prefix: " + ref);
                    }
                    match = c;
                }
            }
        }
        if (match == null) {
            throw new EngineException("No such container: " + ref);
        }
        return match;
    }
}
