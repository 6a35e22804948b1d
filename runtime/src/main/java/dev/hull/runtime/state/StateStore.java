package dev.hull.runtime.state;

import dev.hull.cgroups.CgroupMode;
import dev.hull.runtime.HullException;
import dev.hull.runtime.program.ProgramCompiler;
import dev.hull.spec.json.Json;
import dev.hull.spec.json.JsonException;
import dev.hull.sys.KernelFiles;
import dev.hull.sys.ProcStat;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The runtime's state directory ({@code --root}, /run/hull by default): one directory per
 * container with state.json (written to a temp file and renamed), a lock file, and while the
 * container waits to be started, the start socket.
 */
public final class StateStore {
    private static final String STATE = "state.json", LOCK = ".lock";
    private final Path root;

    public StateStore(Path root) {
        this.root = root.toAbsolutePath();
    }

    public Path root() {
        return root;
    }

    public Path dir(String id) {
        return root.resolve(id);
    }

    /** runc's rule for ids: letters, digits and _ + - . ; not "." or "..". */
    public static void checkId(String id) throws HullException {
        if (id == null || id.isEmpty()) {
            throw new HullException("container id cannot be empty");
        }
        if (id.equals(".") || id.equals("..") || id.length() > 1024) {
            throw new HullException("invalid container id \"" + id + "\"");
        }
        for (int i = 0; i < id.length(); i++) {
            char c = id.charAt(i);
            boolean ok = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
                    || c == '_' || c == '+' || c == '-' || c == '.';
            if (!ok) {
                throw new HullException("invalid container id \"" + id
                        + "\": only letters, digits and _ + - . are allowed");
            }
        }
    }

    /** Makes the container's directory; fails if the id is taken. */
    public Path create(String id) throws HullException {
        try {
            if (!Files.isDirectory(root)) {
                Files.createDirectories(root, PosixFilePermissions.asFileAttribute(
                        PosixFilePermissions.fromString("rwx------")));
            }
            return Files.createDirectory(dir(id), PosixFilePermissions.asFileAttribute(
                    PosixFilePermissions.fromString("rwx------")));
        } catch (FileAlreadyExistsException e) {
            throw new HullException("container \"" + id + "\" already exists");
        } catch (IOException e) {
            throw new HullException("create state directory " + dir(id) + ": " + e.getMessage());
        }
    }

    public boolean exists(String id) {
        return Files.isRegularFile(dir(id).resolve(STATE));
    }

    public ContainerRecord load(String id) throws HullException {
        checkId(id);
        byte[] b;
        try {
            b = Files.readAllBytes(dir(id).resolve(STATE));
        } catch (NoSuchFileException e) {
            throw new HullException("container \"" + id + "\" does not exist");
        } catch (IOException e) {
            throw new HullException("read state of " + id + ": " + e.getMessage());
        }
        try {
            @SuppressWarnings("unchecked")
            Map<String, Object> m = (Map<String, Object>) Json.parse(b);
            return ContainerRecord.fromJson(m);
        } catch (JsonException | RuntimeException e) {
            throw new HullException("state of container \"" + id + "\" is corrupt: " + e.getMessage()
                    + " (delete --force removes it)");
        }
    }

    public void save(ContainerRecord r) throws HullException {
        Path dir = dir(r.id());
        Path tmp = dir.resolve(STATE + ".tmp");
        try {
            Files.write(tmp, Json.write(r.toJson()).getBytes(StandardCharsets.UTF_8));
            Files.move(tmp, dir.resolve(STATE), StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new HullException("write state of " + r.id() + ": " + e.getMessage());
        }
    }

    /** A held lock on one container; closing it releases the lock. */
    public record Lock(FileChannel channel) implements AutoCloseable {
        @Override
        public void close() {
            try {
                channel.close(); // releases the fcntl lock too
            } catch (IOException e) {
                // nothing to release any more
            }
        }
    }

    /** Serialises commands on one container (fcntl lock on a file in its directory). */
    public Lock lock(String id) throws HullException {
        try {
            FileChannel ch = FileChannel.open(dir(id).resolve(LOCK), StandardOpenOption.CREATE,
                    StandardOpenOption.WRITE);
            FileLock held = ch.lock();
            assert held.isValid();
            return new Lock(ch);
        } catch (NoSuchFileException e) {
            throw new HullException("container \"" + id + "\" does not exist");
        } catch (IOException e) {
            throw new HullException("lock container " + id + ": " + e.getMessage());
        }
    }

    /** Removes the container's directory and its files (it holds no mounts). */
    public void remove(String id) throws HullException {
        Path dir = dir(id);
        try {
            // the files this runtime makes, without listing the directory (which costs a lambda
            // and a lock class on a fresh JVM); anything else makes the rmdir fail, then we list
            for (String f : new String[] {STATE, STATE + ".tmp", LOCK, ProgramCompiler.START_SOCKET}) {
                Files.deleteIfExists(dir.resolve(f));
            }
            Files.deleteIfExists(dir);
        } catch (java.nio.file.DirectoryNotEmptyException e) {
            removeAll(dir);
        } catch (IOException e) {
            throw new HullException("remove state directory " + dir + ": " + e.getMessage());
        }
    }

    private static void removeAll(Path dir) throws HullException {
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
            for (Path f : ds) {
                Files.deleteIfExists(f);
            }
            Files.deleteIfExists(dir);
        } catch (NoSuchFileException e) {
            // already gone
        } catch (IOException e) {
            throw new HullException("remove state directory " + dir + ": " + e.getMessage());
        }
    }

    public List<String> ids() throws HullException {
        List<String> out = new ArrayList<>();
        if (!Files.isDirectory(root)) {
            return out;
        }
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(root)) {
            for (Path p : ds) {
                if (Files.isRegularFile(p.resolve(STATE))) {
                    out.add(p.getFileName().toString());
                }
            }
        } catch (IOException e) {
            throw new HullException("list " + root + ": " + e.getMessage());
        }
        out.sort(null);
        return out;
    }

    /** The OCI status, derived from the process, the start socket and the freezer. */
    public Status status(ContainerRecord r) {
        if (r.pid() <= 0) {
            return ContainerRecord.CREATING.equals(r.phase()) ? Status.CREATING : Status.STOPPED;
        }
        if (!alive(r)) {
            return Status.STOPPED;
        }
        if (ContainerRecord.CREATING.equals(r.phase())) {
            return Status.CREATING;
        }
        if (Files.exists(dir(r.id()).resolve(ProgramCompiler.START_SOCKET))) {
            return Status.CREATED;
        }
        return frozen(r) ? Status.PAUSED : Status.RUNNING;
    }

    /** The container's first process still exists (and is not a recycled pid, nor a zombie). */
    public static boolean alive(ContainerRecord r) {
        ProcStat st = ProcStat.read(r.pid());
        return st != null && st.alive() && st.startTime() == r.pidStartTime();
    }

    private static boolean frozen(ContainerRecord r) {
        try {
            if (CgroupMode.V1.label().equals(r.cgroupMode()) || CgroupMode.HYBRID.label().equals(r.cgroupMode())) {
                String d = r.cgroupDirs().get("freezer");
                return d != null && KernelFiles.readTrimmed(Path.of(d, "freezer.state")).equals("FROZEN");
            }
            String d = r.cgroupDirs().get("");
            return d != null && KernelFiles.readTrimmed(Path.of(d, "cgroup.freeze")).equals("1");
        } catch (IOException e) {
            return false;
        }
    }
}
