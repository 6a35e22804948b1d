package dev.hull.cgroups;

import dev.hull.spec.Resources;
import dev.hull.sys.Errno;
import dev.hull.sys.KernelFiles;
import dev.hull.sys.MountInfo;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * A container's cgroup: one directory per mounted hierarchy (all the v1 ones, the unified one on
 * v2 and hybrid hosts). Creating, joining and removing it is the same on every kind of host;
 * limits and statistics differ and live in the v1/v2 drivers.
 */
public final class Cgroup {
    private final CgroupMode mode;
    private final Map<String, Path> dirs; // hierarchy key -> directory
    private Path unifiedMount;            // where the v2 tree is mounted, found when needed

    /** Children before parents. A class, not a lambda: lambdas cost start-up time. */
    private static final Comparator<Path> DEEPEST_FIRST = new Comparator<>() {
        @Override
        public int compare(Path a, Path b) {
            return Integer.compare(b.getNameCount(), a.getNameCount());
        }
    };

    private Cgroup(CgroupMode mode, Map<String, Path> dirs) {
        this.mode = mode;
        this.dirs = dirs;
    }

    private Cgroup(CgroupMode mode, Map<String, Path> dirs, Path unifiedMount) {
        this(mode, dirs);
        this.unifiedMount = unifiedMount;
    }

    /** The container's cgroup for a resolved cgroupsPath (see {@link CgroupPath}). */
    public static Cgroup of(CgroupHost host, String path) {
        Map<String, Path> dirs = new LinkedHashMap<>();
        Path unified = host.unified() == null ? null : host.unified().mountPoint();
        for (Hierarchy h : host.hierarchies()) {
            String rel = path.startsWith("/") ? path : join(ownBelowMount(host, h), path);
            dirs.put(h.key(), h.mountPoint().resolve(rel.substring(1)).normalize());
        }
        return new Cgroup(host.mode(), dirs, unified);
    }

    /**
     * This process's cgroup relative to what is mounted. In a nested container a hierarchy may be
     * mounted from a subtree (mountinfo's root, e.g. /docker/abc) while /proc/self/cgroup names
     * the full path; runc strips the mount's root, else the path points below a cgroup that the
     * mount does not show.
     */
    private static String ownBelowMount(CgroupHost host, Hierarchy h) {
        String own = host.ownCgroup(h);
        String root = h.mountRoot();
        if (root == null || root.equals("/")) {
            return own;
        }
        if (own.equals(root)) {
            return "/";
        }
        return own.startsWith(root + "/") ? own.substring(root.length()) : own;
    }

    /** A cgroup known from a container's saved state. */
    public static Cgroup restore(CgroupMode mode, Map<String, String> saved) {
        Map<String, Path> dirs = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : saved.entrySet()) {
            dirs.put(e.getKey(), Path.of(e.getValue()));
        }
        return new Cgroup(mode, dirs);
    }

    private static String join(String base, String rel) {
        return (base.endsWith("/") ? base : base + "/") + rel;
    }

    public CgroupMode mode() {
        return mode;
    }

    /** hierarchy key ("memory", "cpu,cpuacct", "name=systemd", "" for v2) -> directory. */
    public Map<String, Path> dirs() {
        return dirs;
    }

    /** Paths as strings, for the container's state file. */
    public Map<String, String> savedDirs() {
        Map<String, String> out = new LinkedHashMap<>();
        for (Map.Entry<String, Path> e : dirs.entrySet()) {
            out.put(e.getKey(), e.getValue().toString());
        }
        return out;
    }

    /**
     * Creates the directories (and missing parents). Returns every directory this call created,
     * so that removal can take away exactly those and leave shared parents alone.
     *
     * @throws CgroupException if the leaf is already in use by processes
     */
    public List<Path> create() throws CgroupException {
        List<Path> created = new ArrayList<>();
        try {
            for (Map.Entry<String, Path> e : dirs.entrySet()) {
                Path leaf = e.getValue();
                if (Files.isDirectory(leaf) && !procsOrEmpty(leaf).isEmpty()) {
                    throw new CgroupException("cgroup " + leaf + " already has processes in it; "
                            + "choose another linux.cgroupsPath");
                }
                List<Path> missing = new ArrayList<>();
                for (Path p = leaf; p != null && !Files.isDirectory(p); p = p.getParent()) {
                    missing.addFirst(p);
                }
                for (Path p : missing) {
                    try {
                        Files.createDirectory(p);
                    } catch (IOException ex) {
                        throw new CgroupException("create cgroup " + p + ": " + describe(ex), ex);
                    }
                    created.add(p);
                    if (e.getKey().contains("cpuset")) {
                        inheritCpuset(p);
                    }
                }
            }
            if (mode == CgroupMode.V2 && dirs.get("") != null) {
                enableAlongPath(dirs.get(""), null);
            }
            return created;
        } catch (CgroupException ex) {
            removeCreated(created);
            throw ex;
        }
    }

    /** A new v1 cpuset group starts with no cpus and mems: nothing could join it. */
    private static void inheritCpuset(Path dir) throws CgroupException {
        for (String f : new String[] {"cpuset.cpus", "cpuset.mems"}) {
            Path file = dir.resolve(f);
            try {
                if (Files.exists(file) && KernelFiles.read(file).isBlank()) {
                    Files.writeString(file, KernelFiles.readTrimmed(dir.getParent().resolve(f)));
                }
            } catch (IOException ex) {
                throw new CgroupException("initialise " + file + ": " + reason(ex), ex);
            }
        }
    }

    /** Moves a process into the cgroup in every hierarchy. */
    public void join(long pid) throws CgroupException {
        for (Path dir : dirs.values()) {
            Path procs = dir.resolve("cgroup.procs");
            try {
                Files.writeString(procs, Long.toString(pid));
            } catch (IOException ex) {
                throw new CgroupException("join cgroup: write " + pid + " to " + procs + ": " + describe(ex), ex);
            }
        }
    }

    /**
     * On v2, a cgroup only gets the controllers its parent enables for its children: enable them
     * (all that each level has, or just {@code only}) on every level from the mount down to the
     * container's parent, as runc does. Best effort: a level with processes of its own refuses
     * (no internal processes), and the container then runs without those limits unless it asks.
     */
    private void enableAlongPath(Path leaf, String only) {
        Path root = unifiedMount();
        if (root == null || !leaf.startsWith(root)) {
            return;
        }
        Path level = root;
        for (Path part : root.relativize(leaf)) {
            try {
                String available = KernelFiles.readTrimmed(level.resolve("cgroup.controllers"));
                for (String c : available.split(" ")) {
                    if (!c.isEmpty() && (only == null || only.equals(c))) {
                        try {
                            Files.writeString(level.resolve("cgroup.subtree_control"), "+" + c);
                        } catch (IOException e) {
                            // see above
                        }
                    }
                }
            } catch (IOException e) {
                return;
            }
            level = level.resolve(part);
        }
    }

    private Path unifiedMount() {
        if (unifiedMount == null && dirs.get("") != null) {
            try {
                MountInfo m = MountInfo.containing(MountInfo.self(), dirs.get("").toString());
                if (m != null && m.fsType().equals("cgroup2")) {
                    unifiedMount = Path.of(m.mountPoint());
                }
            } catch (IOException e) {
                return null;
            }
        }
        return unifiedMount;
    }

    /**
     * Applies linux.resources. On v2 the device list is not applied here: it is an eBPF program
     * ({@link DeviceFilter}) that the executor attaches.
     */
    public void apply(Resources r, DeviceRules.Effective devices, boolean update, Consumer<String> warn)
            throws CgroupException {
        if (mode == CgroupMode.V2) {
            V2Resources.apply(r, files(), update, warn);
        } else {
            V1Resources.apply(r, files(), devices, update, warn);
        }
    }

    /** Freezes every process of the container (v1 freezer, v2 cgroup.freeze) and waits for it. */
    public void freeze() throws CgroupException {
        setFrozen(true);
    }

    public void thaw() throws CgroupException {
        setFrozen(false);
    }

    private void setFrozen(boolean on) throws CgroupException {
        CgroupFiles f = files();
        boolean v2 = mode == CgroupMode.V2;
        String ctl = v2 ? "" : "freezer";
        if (!f.has(ctl) || (!v2 && !f.exists(ctl, "freezer.state")) || (v2 && !f.exists(ctl, "cgroup.freeze"))) {
            throw new CgroupException("the freezer is not available on this host");
        }
        long deadline = System.nanoTime() + 5_000_000_000L;
        for (int round = 0; ; round++) {
            if (round % 50 == 0) { // the v1 freezer can stall in FREEZING: asking again helps
                f.write(ctl, v2 ? "cgroup.freeze" : "freezer.state", v2 ? (on ? "1" : "0") : (on ? "FROZEN" : "THAWED"),
                        on ? "pause" : "resume");
            }
            if (frozen() == on) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new CgroupException((on ? "pause" : "resume") + ": the container's processes did not "
                        + (on ? "freeze" : "thaw") + " within 5 s");
            }
            try {
                Thread.sleep(1);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new CgroupException("interrupted");
            }
        }
    }

    /** True when the container's processes are frozen (not merely freezing). */
    public boolean frozen() {
        try {
            if (mode == CgroupMode.V2) {
                Path d = dirs.get("");
                for (String line : KernelFiles.read(d.resolve("cgroup.events")).split("\n")) {
                    if (line.equals("frozen 1")) {
                        return true;
                    }
                }
                return false;
            }
            Path d = dirFor("freezer");
            return d != null && KernelFiles.readTrimmed(d.resolve("freezer.state")).equals("FROZEN");
        } catch (IOException e) {
            return false;
        }
    }

    /** How many times the OOM killer has killed in this cgroup (memory.oom_control / memory.events). */
    public long oomKills() {
        try {
            Path d = mode == CgroupMode.V2 ? dirs.get("") : dirFor("memory");
            if (d == null) {
                return 0;
            }
            String file = mode == CgroupMode.V2 ? "memory.events" : "memory.oom_control";
            for (String line : KernelFiles.read(d.resolve(file)).split("\n")) {
                if (line.startsWith("oom_kill ")) {
                    return Long.parseLong(line.substring(9).trim());
                }
            }
        } catch (IOException | NumberFormatException e) {
            // no memory controller, or gone
        }
        return 0;
    }

    /** The directory of the v1 hierarchy that has this controller (or the v2 one), or null. */
    Path dirFor(String controller) {
        if (controller.isEmpty()) {
            return dirs.get("");
        }
        for (Map.Entry<String, Path> e : dirs.entrySet()) {
            for (String c : e.getKey().split(",")) {
                if (c.equals(controller)) {
                    return e.getValue();
                }
            }
        }
        return mode == CgroupMode.V1 ? null : dirs.get("");
    }

    /** The container's cgroup files, by controller. */
    public CgroupFiles files() {
        return new DirFiles();
    }

    private final class DirFiles implements CgroupFiles {
        @Override
        public boolean has(String controller) {
            if (controller.isEmpty()) {
                return dirs.get("") != null;
            }
            Path d = dirFor(controller);
            if (d == null) {
                return false;
            }
            if (!d.equals(dirs.get(""))) {
                return true; // a v1 hierarchy
            }
            if (enabled(d, controller)) {
                return true;
            }
            if (mode == CgroupMode.HYBRID) { // a controller only the v2 tree has (hugetlb here)
                enableAlongPath(d, controller);
                return enabled(d, controller);
            }
            return false;
        }

        private boolean enabled(Path d, String controller) {
            try {
                for (String c : KernelFiles.readTrimmed(d.resolve("cgroup.controllers")).split(" ")) {
                    if (c.equals(controller)) {
                        return true;
                    }
                }
            } catch (IOException e) {
                // not there
            }
            return false;
        }

        @Override
        public boolean exists(String controller, String file) {
            Path d = dirFor(controller);
            return d != null && Files.exists(d.resolve(file));
        }

        @Override
        public String read(String controller, String file) throws CgroupException {
            Path d = dirFor(controller);
            try {
                return KernelFiles.readTrimmed(d.resolve(file));
            } catch (IOException | NullPointerException e) {
                throw new CgroupException("read " + (d == null ? file : d.resolve(file)) + ": "
                        + (e instanceof IOException io ? describe(io) : "no " + controller + " controller"));
            }
        }

        @Override
        public void write(String controller, String file, String value, String field) throws CgroupException {
            Path d = dirFor(controller);
            if (d == null) {
                throw new CgroupException(field + ": the " + controller + " cgroup controller is not available on this host");
            }
            Path p = d.resolve(file);
            try {
                Files.writeString(p, value);
            } catch (IOException e) {
                throw new CgroupException(field + ": write " + value + " to " + p + ": " + describe(e), e);
            }
        }
    }

    /** "EBUSY: Device or resource busy" from a JDK exception, which only has the message. */
    static String describe(IOException e) {
        String reason = reason(e);
        int errno = Errno.fromMessage(reason);
        return errno == 0 ? reason : Errno.describe(errno);
    }

    /** Pids in the cgroup, read from the hierarchy that tracks processes best. */
    public List<Long> pids() throws CgroupException {
        Path dir = dirs.get("pids");
        if (dir == null) {
            dir = dirs.get("");
        }
        if (dir == null && !dirs.isEmpty()) {
            dir = dirs.values().iterator().next();
        }
        if (dir == null) {
            return List.of();
        }
        try {
            return readProcs(dir);
        } catch (NoSuchFileException e) {
            return List.of();
        } catch (IOException e) {
            throw new CgroupException("read " + dir.resolve("cgroup.procs") + ": " + reason(e), e);
        }
    }

    private static List<Long> procsOrEmpty(Path dir) {
        try {
            return readProcs(dir);
        } catch (IOException e) {
            return List.of();
        }
    }

    private static List<Long> readProcs(Path dir) throws IOException {
        List<Long> out = new ArrayList<>();
        for (String l : KernelFiles.read(dir.resolve("cgroup.procs")).split("\n")) {
            if (!l.isBlank()) {
                out.add(Long.parseLong(l.trim()));
            }
        }
        return out;
    }

    /**
     * Removes the container's directories, waiting for exiting processes to leave them, then any
     * parents that {@link #create()} made and nothing else uses.
     */
    public void destroy(List<Path> createdParents) throws CgroupException {
        CgroupException first = null;
        for (Path dir : dirs.values()) {
            try {
                removeWithRetry(dir);
            } catch (CgroupException e) {
                if (first == null) {
                    first = e;
                }
            }
        }
        removeCreated(createdParents);
        if (first != null) {
            throw first;
        }
    }

    private static void removeCreated(List<Path> created) {
        List<Path> deepestFirst = new ArrayList<>(created);
        deepestFirst.sort(DEEPEST_FIRST);
        for (Path p : deepestFirst) {
            try {
                Files.deleteIfExists(p);
            } catch (IOException e) {
                // still used by another container, or has children of its own: leave it
            }
        }
    }

    /**
     * Takes back a {@link #create()} whose container never ran: removes exactly the directories it
     * made (waiting for exiting processes), and nothing that existed before.
     */
    public void undo(List<Path> created) throws CgroupException {
        List<Path> deepestFirst = new ArrayList<>(created);
        deepestFirst.sort(DEEPEST_FIRST);
        CgroupException first = null;
        for (Path p : deepestFirst) {
            if (dirs.containsValue(p)) {
                try {
                    removeWithRetry(p);
                } catch (CgroupException e) {
                    if (first == null) {
                        first = e;
                    }
                }
            } else {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    // shared with someone else by now: leave it
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }

    /** True when every leaf directory of this cgroup was made by the given create() result. */
    public boolean madeBy(List<Path> created) {
        return !dirs.isEmpty() && created.containsAll(dirs.values());
    }

    private static void removeWithRetry(Path dir) throws CgroupException {
        // cgroups the container made below its own (systemd, a nested engine) go first: a cgroup
        // with children refuses rmdir with EBUSY, which no waiting cures (runc's RemovePath)
        for (Path child : childDirs(dir)) {
            removeWithRetry(child);
        }
        long deadline = System.nanoTime() + 10_000_000_000L;
        int sleepMs = 1;
        for (;;) {
            try {
                Files.deleteIfExists(dir);
                return;
            } catch (DirectoryNotEmptyException e) {
                throw new CgroupException("remove cgroup " + dir + ": it has child cgroups", e);
            } catch (FileSystemException e) {
                // EBUSY: processes are still leaving (exit is not instant)
                if (System.nanoTime() > deadline) {
                    String left;
                    try {
                        left = readProcs(dir).toString();
                    } catch (IOException io) {
                        left = "?";
                    }
                    throw new CgroupException("remove cgroup " + dir + ": " + reason(e)
                            + " (processes still in it: " + left + ")", e);
                }
            } catch (IOException e) {
                throw new CgroupException("remove cgroup " + dir + ": " + reason(e), e);
            }
            try {
                Thread.sleep(sleepMs);
            } catch (InterruptedException ie) {
                Thread.currentThread().interrupt();
                throw new CgroupException("remove cgroup " + dir + ": interrupted");
            }
            sleepMs = Math.min(sleepMs * 2, 50);
        }
    }

    private static List<Path> childDirs(Path dir) throws CgroupException {
        List<Path> out = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
            for (Path p : ds) {
                if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                    out.add(p);
                }
            }
        } catch (NoSuchFileException | NotDirectoryException e) {
            // nothing below it
        } catch (IOException e) {
            throw new CgroupException("remove cgroup " + dir + ": " + reason(e), e);
        }
        return out;
    }

    /** The kernel's reason ("No space left on device") without the JDK's path decorations. */
    static String reason(IOException e) {
        if (e instanceof FileSystemException fse && fse.getReason() != null) {
            return fse.getReason();
        }
        if (e instanceof NoSuchFileException) {
            return "No such file or directory";
        }
        return e.getMessage();
    }
}
