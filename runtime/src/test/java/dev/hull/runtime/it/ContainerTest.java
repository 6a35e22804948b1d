package dev.hull.runtime.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * Base of the integration tests: real containers, as root, each test in its own directory
 * (/tmp/hull-it-*) with its own runtime state root. After every test it deletes what is left,
 * then fails the test if anything leaked: a state directory, a cgroup, a mount in the host's
 * namespace, or a process whose root is inside the test directory.
 */
public abstract class ContainerTest {
    protected Path dir;
    protected Path state;
    private final List<String> ids = new ArrayList<>();

    @BeforeEach
    void prepare() throws IOException {
        assumeTrue(Host.isRoot(), "integration tests run real containers and need root");
        assumeTrue(Files.isExecutable(Host.HULL), "bin/hull-runtime missing: run make build");
        dir = Files.createTempDirectory("hull-it-");
        state = dir.resolve("state");
    }

    /** A fresh container id; cleanup checks its cgroups. */
    protected String newId() {
        String id = "hull-it-" + Long.toString(ThreadLocalRandom.current().nextLong() >>> 1, 36);
        ids.add(id);
        return id;
    }

    protected TestBundle bundle() {
        return TestBundle.busybox(dir, "bundle-" + ids.size() + "-" + ThreadLocalRandom.current().nextInt(1000));
    }

    /** bin/hull-runtime --root STATE args... */
    protected Cmd.Result hull(String... args) {
        List<String> argv = new ArrayList<>();
        argv.add(Host.HULL.toString());
        argv.add("--root");
        argv.add(state.toString());
        argv.addAll(List.of(args));
        return Cmd.run(argv, Duration.ofSeconds(60), Map.of(), dir);
    }

    protected Cmd.Result ok(String... args) {
        Cmd.Result r = hull(args);
        assertEquals(0, r.code(), () -> "hull-runtime " + String.join(" ", args) + " failed:\n" + r);
        return r;
    }

    /** create + start a container running `sleep 1000`; returns its id. */
    protected String startSleeper(TestBundle b) {
        b.args("sleep", "1000");
        String id = newId();
        ok("create", "--bundle", b.dir.toString(), id);
        ok("start", id);
        return id;
    }

    /** The pid from `state`. */
    protected long pid(String id) {
        String s = ok("state", id).out();
        int i = s.indexOf("\"pid\": ");
        return Long.parseLong(s.substring(i + 7, s.indexOf(',', i)).trim());
    }

    protected String status(String id) {
        String s = ok("state", id).out();
        int i = s.indexOf("\"status\": \"");
        return s.substring(i + 11, s.indexOf('"', i + 11));
    }

    @AfterEach
    void cleanUpAndCheck() throws IOException {
        if (dir == null) {
            return;
        }
        List<String> leaks = new ArrayList<>();
        Cmd.Result list = hull("list", "-q");
        for (String id : list.out().split("\n")) {
            if (!id.isBlank()) {
                leaks.add("container " + id + " was not deleted by the test");
                hull("delete", "--force", id);
            }
        }
        if (Files.isDirectory(state)) {
            try (Stream<Path> s = Files.list(state)) {
                // the compiled seccomp filters (SeccompCache) are the runtime's, not a container's
                s.filter(p -> !p.getFileName().toString().equals("@seccomp"))
                        .forEach(p -> leaks.add("state left: " + p));
            }
        }
        // processes first: a container process left behind also keeps its cgroup
        leaks.addAll(processesOf(dir, ids));
        leaks.addAll(cgroupsOf(ids));
        removeCgroups(ids);
        for (String line : Host.read("/proc/self/mountinfo").split("\n")) {
            if (line.contains(dir.toString())) {
                leaks.add("mount left in the host namespace: " + line);
            }
        }
        if (leaks.stream().noneMatch(l -> l.startsWith("mount left"))) {
            deleteTree(dir);
        }
        if (!leaks.isEmpty()) {
            fail("the test left things behind:\n  " + String.join("\n  ", leaks));
        }
    }

    /** cgroup directories named after the given ids, anywhere in the mounted hierarchies. */
    static List<String> cgroupsOf(List<String> ids) throws IOException {
        List<String> out = new ArrayList<>();
        if (ids.isEmpty()) {
            return out;
        }
        try (Stream<Path> s = Files.walk(Path.of("/sys/fs/cgroup"), 5)) {
            s.filter(Files::isDirectory).forEach(p -> {
                if (p.getFileName() != null && ids.contains(p.getFileName().toString())) {
                    out.add("cgroup left: " + p);
                }
            });
        } catch (java.io.UncheckedIOException e) {
            // a cgroup vanished while walking: fine
        }
        return out;
    }

    /** Processes whose root directory is inside dir (container processes), killed and reported. */
    static List<String> processesUnder(Path dir) throws IOException {
        return processesOf(dir, List.of());
    }

    /**
     * Container processes of a test, killed and reported: their root directory is inside dir, or
     * they are in a cgroup named after one of the ids (which also finds a process whose rootfs
     * is gone: its root then no longer reads as a path under dir).
     */
    static List<String> processesOf(Path dir, List<String> ids) throws IOException {
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
                    String cgroup = inCgroupOf(Files.readString(p.resolve("cgroup")), ids);
                    if (root.startsWith(dir.toString()) || cgroup != null) {
                        out.add("process left: " + name + " (root " + root
                                + (cgroup != null ? ", cgroup of " + cgroup : "") + ")");
                        ProcessHandle.of(Long.parseLong(name)).ifPresent(h -> {
                            h.destroyForcibly();
                            killed.add(h);
                        });
                    }
                } catch (IOException e) {
                    // exited, or a kernel thread
                }
            }
        }
        for (ProcessHandle h : killed) {
            try {
                h.onExit().get(5, java.util.concurrent.TimeUnit.SECONDS);
            } catch (Exception e) {
                // reported already; its cgroup will be reported too
            }
        }
        return out;
    }

    /** The id whose cgroup a /proc/<pid>/cgroup text names (a path component), or null. */
    static String inCgroupOf(String procCgroup, List<String> ids) {
        for (String line : procCgroup.split("\n")) {
            for (String part : line.substring(line.lastIndexOf(':') + 1).split("/")) {
                if (!part.isEmpty() && ids.contains(part)) {
                    return part;
                }
            }
        }
        return null;
    }

    /** Removes the cgroup directories named after the ids, children first (best effort). */
    static void removeCgroups(List<String> ids) throws IOException {
        if (ids.isEmpty()) {
            return;
        }
        List<Path> found = new ArrayList<>();
        try (Stream<Path> s = Files.walk(Path.of("/sys/fs/cgroup"), 5)) {
            s.filter(Files::isDirectory).forEach(p -> {
                if (p.getFileName() != null && ids.contains(p.getFileName().toString())) {
                    found.add(p);
                }
            });
        } catch (java.io.UncheckedIOException e) {
            // a cgroup vanished while walking
        }
        for (Path top : found) {
            try (Stream<Path> s = Files.walk(top)) {
                for (Path p : s.filter(Files::isDirectory).sorted(Comparator.reverseOrder()).toList()) {
                    try {
                        Files.deleteIfExists(p); // rmdir: a cgroup's files go with it
                    } catch (IOException e) {
                        // still populated: reported by cgroupsOf
                    }
                }
            } catch (IOException | java.io.UncheckedIOException e) {
                // gone meanwhile
            }
        }
    }

    static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
