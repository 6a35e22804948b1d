package dev.hull.engine.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;

/**
 * Base of the engine's integration tests: {@code bin/hull} as a user runs it, as root, against a
 * store of its own per test class (/tmp/hull-eit-*, with the busybox image of the demo bundle
 * imported once). After every test it force-removes every container, then fails the test if
 * anything of them is left: a container or overlay directory, runtime state, a mount under the
 * test directory, a process, or a cgroup /sys/fs/cgroup/CONTROLLER/hull/ID of one of the
 * containers it saw. The directory is deleted at the end only when nothing is mounted under it.
 */
public abstract class EngineTest {
    static final Path TOP = Path.of(System.getProperty("hull.top", "..")).toAbsolutePath().normalize();
    static final Path HULL = TOP.resolve("bin/hull");
    static final Path BUSYBOX_ROOTFS = TOP.resolve("build/demo-bundle/rootfs");
    static final Duration TIMEOUT = Duration.ofSeconds(60);
    static final Pattern ID = Pattern.compile("\\b[0-9a-f]{64}\\b");
    static final ObjectMapper JSON = new ObjectMapper();

    /** The test class's directory: root/ (the store), run/ (runtime state), and scratch files. */
    protected static Path dir;
    /** Every container id seen (printed, listed or in the store): their cgroups and processes are checked. */
    private static final Set<String> ids = ConcurrentHashMap.newKeySet();

    public record Result(int code, String out, String err) {
        @Override
        public String toString() {
            return "exit " + code + "\n--- stdout\n" + out + "--- stderr\n" + err;
        }
    }

    @BeforeAll
    static void prepareStore() throws IOException {
        assumeTrue("root".equals(System.getProperty("user.name")), "engine integration tests run real containers as root");
        assumeTrue(Files.isExecutable(HULL) && Files.isRegularFile(TOP.resolve("build/env")),
                "bin/hull is not built: run make build");
        assumeTrue(Files.isDirectory(BUSYBOX_ROOTFS), "no demo bundle: run make build");
        ids.clear();
        dir = Files.createTempDirectory("hull-eit-");
        Path tar = dir.resolve("busybox.tar");
        Result t = exec(List.of("tar", "-C", BUSYBOX_ROOTFS.toString(), "-cf", tar.toString(), "."), TIMEOUT);
        assertEquals(0, t.code(), () -> "tar of the busybox rootfs failed: " + t);
        ok("import", tar.toString(), "busybox");
    }

    /** {@code bin/hull --root DIR/root --runroot DIR/run ARGS}, with a 60 s timeout. */
    protected static Result hull(String... args) {
        return hull(TIMEOUT, args);
    }

    protected static Result hull(Duration timeout, String... args) {
        List<String> argv = new ArrayList<>(List.of(HULL.toString(), "--root", dir.resolve("root").toString(),
                "--runroot", dir.resolve("run").toString()));
        argv.addAll(List.of(args));
        Result r = exec(argv, timeout);
        noteIds(r.out());
        noteIds(r.err());
        noteStoredIds();
        return r;
    }

    /** The command, which must succeed; its result. */
    protected static Result ok(String... args) {
        Result r = hull(args);
        assertEquals(0, r.code(), () -> "hull " + String.join(" ", args) + " failed:\n" + r);
        return r;
    }

    /** The command's stdout, which must succeed, trimmed. */
    protected static String out(String... args) {
        return ok(args).out().strip();
    }

    /** {@code hull run --rm busybox sh -c SCRIPT} with the flags before the image: the stdout. */
    protected static String sh(List<String> flags, String script) {
        List<String> a = new ArrayList<>(List.of("run", "--rm"));
        a.addAll(flags);
        a.addAll(List.of("busybox", "sh", "-c", script));
        return out(a.toArray(String[]::new));
    }

    /** A detached {@code busybox sleep 1000} with these flags: its id. */
    protected static String sleeper(String... flags) {
        List<String> a = new ArrayList<>(List.of("run", "-d"));
        a.addAll(List.of(flags));
        a.addAll(List.of("busybox", "sleep", "1000"));
        String id = out(a.toArray(String[]::new));
        assertTrue64(id);
        return id;
    }

    static void assertTrue64(String id) {
        if (!ID.matcher(id).matches()) {
            fail("not a 64-hex container id: '" + id + "'");
        }
    }

    /** {@code inspect} of one container or image, parsed. */
    protected static JsonNode inspect(String ref) {
        try {
            JsonNode a = JSON.readTree(out("inspect", ref));
            assertEquals(1, a.size(), () -> "inspect " + ref + " gave " + a);
            return a.get(0);
        } catch (IOException e) {
            throw new AssertionError("inspect " + ref + " did not print JSON", e);
        }
    }

    protected static long pid(String ref) {
        long pid = Long.parseLong(out("inspect", "--format", "{{.State.Pid}}", ref));
        assertNotEquals(0, pid, "no pid for running " + ref);
        return pid;
    }

    /** The directory of a container in the hierarchy of a v1 controller (or the unified tree). */
    protected static Path cgroup(String controller, String id) {
        return Path.of("/sys/fs/cgroup", controller, "hull", id);
    }

    protected static String read(Path p) {
        try {
            return Files.readString(p).strip();
        } catch (IOException e) {
            throw new AssertionError("cannot read " + p + ": " + e, e);
        }
    }

    protected static String read(String p) {
        return read(Path.of(p));
    }

    /** Polls for up to timeout ms. */
    protected static boolean eventually(long timeoutMs, BooleanSupplier cond) {
        long end = System.nanoTime() + timeoutMs * 1_000_000;
        while (true) {
            if (cond.getAsBoolean()) {
                return true;
            }
            if (System.nanoTime() > end) {
                return false;
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
    }

    /** Containers in the store (all, full ids). */
    protected static List<String> containers() {
        return ok("ps", "-aq", "--no-trunc").out().lines().filter(l -> !l.isBlank()).map(String::strip).toList();
    }

    // ------------------------------------------------------------------ clean-up and leak checks

    @AfterEach
    void cleanUpAndCheck() throws IOException {
        List<String> leaks = cleanUp();
        if (!leaks.isEmpty()) {
            fail("the test left things behind:\n  " + String.join("\n  ", leaks));
        }
    }

    @AfterAll
    static void removeStore() throws IOException {
        if (dir == null) {
            return;
        }
        cleanUp();
        for (int i = 0; i < 3; i++) {
            for (String mp : mountsUnder(dir).reversed()) {
                exec(List.of("umount", "-l", mp), TIMEOUT);
            }
        }
        if (mountsUnder(dir).isEmpty()) {
            deleteTree(dir);
        } else {
            System.err.println("EngineTest: not deleting " + dir + ": still mounted: " + mountsUnder(dir));
        }
        dir = null;
    }

    /** rm -f of every container, then what is left of them. */
    static List<String> cleanUp() throws IOException {
        List<String> leaks = new ArrayList<>();
        if (dir == null || !Files.isDirectory(dir.resolve("root"))) {
            return leaks;
        }
        Result ps = hull("ps", "-aq", "--no-trunc");
        List<String> left = ps.out().lines().filter(l -> !l.isBlank()).map(String::strip).toList();
        if (!left.isEmpty()) {
            List<String> a = new ArrayList<>(List.of("rm", "-f"));
            a.addAll(left);
            Result rm = hull(a.toArray(String[]::new));
            if (rm.code() != 0) {
                leaks.add("rm -f of the test's containers failed: " + rm);
            }
        }
        // a detached --rm container removes itself: give its monitor a moment
        eventually(5000, () -> storeEntries("containers").isEmpty());
        for (String e : storeEntries("containers")) {
            leaks.add("container directory left: " + e);
        }
        for (String e : storeEntries("overlay/containers")) {
            leaks.add("overlay directory left: " + e);
        }
        Path run = dir.resolve("run");
        if (Files.isDirectory(run)) {
            try (Stream<Path> s = Files.list(run)) {
                s.map(p -> p.getFileName().toString()).filter(n -> !n.startsWith("@") && !n.startsWith("."))
                        .forEach(n -> leaks.add("runtime state left: " + run.resolve(n)));
            }
        }
        leaks.addAll(processesOf(dir, ids));
        for (String id : ids) {
            for (String controller : cgroupControllers()) {
                Path p = cgroup(controller, id);
                if (Files.isDirectory(p)) {
                    leaks.add("cgroup left: " + p);
                    try {
                        Files.delete(p);
                    } catch (IOException e) {
                        // reported
                    }
                }
            }
        }
        for (String mp : mountsUnder(dir)) {
            leaks.add("mount left: " + mp);
        }
        return leaks;
    }

    /** Entries of a store directory, without its lock files. */
    static List<String> storeEntries(String sub) {
        Path p = dir.resolve("root").resolve(sub);
        if (!Files.isDirectory(p)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(p)) {
            return s.map(x -> x.getFileName().toString()).filter(n -> !n.startsWith(".")).sorted().toList();
        } catch (IOException e) {
            return List.of();
        }
    }

    static List<String> cgroupControllers() {
        try (Stream<Path> s = Files.list(Path.of("/sys/fs/cgroup"))) {
            return s.filter(Files::isDirectory).map(p -> p.getFileName().toString()).toList();
        } catch (IOException e) {
            return List.of();
        }
    }

    /** Mount points under d in this (the host's) mount namespace, in mount order. */
    static List<String> mountsUnder(Path d) {
        List<String> out = new ArrayList<>();
        for (String line : read("/proc/self/mountinfo").split("\n")) {
            String[] f = line.split(" ");
            if (f.length > 4) {
                String mp = f[4].replace("\\040", " ");
                if (mp.equals(d.toString()) || mp.startsWith(d + "/")) {
                    out.add(mp);
                }
            }
        }
        return out;
    }

    /** Processes rooted under d or in a cgroup of one of the ids: killed and reported. */
    static List<String> processesOf(Path d, Set<String> idSet) throws IOException {
        List<String> out = new ArrayList<>();
        List<ProcessHandle> killed = new ArrayList<>();
        try (Stream<Path> s = Files.list(Path.of("/proc"))) {
            for (Path p : s.toList()) {
                String name = p.getFileName().toString();
                if (!name.chars().allMatch(Character::isDigit)) {
                    continue;
                }
                try {
                    String root = Files.readSymbolicLink(p.resolve("root")).toString();
                    String cg = Files.readString(p.resolve("cgroup"));
                    String inCgroup = null;
                    for (String id : idSet) {
                        if (cg.contains("/" + id)) {
                            inCgroup = id;
                        }
                    }
                    if (root.startsWith(d.toString()) || inCgroup != null) {
                        String cmd = Files.readString(p.resolve("cmdline")).replace('\0', ' ');
                        out.add("process left: " + name + " " + cmd + "(root " + root
                                + (inCgroup != null ? ", cgroup of " + inCgroup : "") + ")");
                        ProcessHandle.of(Long.parseLong(name)).ifPresent(h -> {
                            h.destroyForcibly();
                            killed.add(h);
                        });
                    }
                } catch (IOException e) {
                    // gone, or a kernel thread
                }
            }
        }
        for (ProcessHandle h : killed) {
            try {
                h.onExit().get(5, TimeUnit.SECONDS);
            } catch (Exception e) {
                // reported already
            }
        }
        return out;
    }

    private static void noteIds(String s) {
        Matcher m = ID.matcher(s);
        while (m.find()) {
            ids.add(m.group());
        }
    }

    private static void noteStoredIds() {
        for (String e : storeEntries("containers")) {
            if (ID.matcher(e).matches()) {
                ids.add(e);
            }
        }
    }

    static void deleteTree(Path p) throws IOException {
        if (!Files.exists(p)) {
            return;
        }
        try (Stream<Path> s = Files.walk(p)) {
            for (Path x : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(x);
            }
        }
    }

    /** Runs a command; output to files so a child that outlives it cannot block the test. */
    static Result exec(List<String> argv, Duration timeout) {
        try {
            File out = File.createTempFile("hull-eit", ".out");
            File err = File.createTempFile("hull-eit", ".err");
            try {
                ProcessBuilder pb = new ProcessBuilder(argv);
                pb.environment().remove("HULL_ROOT");
                pb.environment().remove("HULL_RUNROOT");
                pb.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
                pb.redirectOutput(out);
                pb.redirectError(err);
                Process p = pb.start();
                if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                    p.destroyForcibly();
                    p.waitFor();
                    throw new AssertionError("timed out after " + timeout + ": " + argv + "\n"
                            + Files.readString(out.toPath()) + Files.readString(err.toPath()));
                }
                return new Result(p.exitValue(), Files.readString(out.toPath(), StandardCharsets.UTF_8),
                        Files.readString(err.toPath(), StandardCharsets.UTF_8));
            } finally {
                out.delete();
                err.delete();
            }
        } catch (IOException e) {
            throw new AssertionError("cannot run " + argv + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted: " + argv);
        }
    }

    /** The background variant: started, not waited for (stdout/stderr to files in dir). */
    static Process start(List<String> argv, Path outFile, Path errFile) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(argv);
        pb.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        pb.redirectOutput(outFile.toFile());
        pb.redirectError(errFile.toFile());
        return pb.start();
    }

    static List<String> hullArgv(String... args) {
        List<String> argv = new ArrayList<>(List.of(HULL.toString(), "--root", dir.resolve("root").toString(),
                "--runroot", dir.resolve("run").toString()));
        argv.addAll(List.of(args));
        return argv;
    }
}
