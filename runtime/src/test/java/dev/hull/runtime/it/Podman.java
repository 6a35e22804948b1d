package dev.hull.runtime.it;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Podman with all of its state under one test directory: its storage (vfs, which mounts
 * nothing but a container's /dev/shm), run root, tmpdir, events file and containers.conf, the
 * cgroupfs manager (no systemd here), no network. The runtime keeps its state in its default root
 * (/run/runc, /run/hull): Podman passes a runtime no --root, and the `podman container cleanup`
 * that conmon runs when a container exits would not get a --runtime-flag, so a container could
 * not be deleted from another root.
 */
final class Podman {
    /** Podman on this machine cannot raise these limits to its defaults (the CI's hard limits). */
    static final List<String> ULIMITS = List.of("--ulimit", "nofile=1024:1024", "--ulimit", "nproc=1024:1024");
    static final String IMAGE = "localhost/hull-busybox:latest";

    final Path dir;
    final String runtime;
    final Path runtimeRoot;
    private final Path conf;
    private final java.util.Set<String> stateBefore;

    private Podman(Path dir, String runtime, Path runtimeRoot, Path conf) throws IOException {
        this.dir = dir;
        this.runtime = runtime;
        this.runtimeRoot = runtimeRoot;
        this.conf = conf;
        this.stateBefore = states();
    }

    /** Why Podman cannot be used here, or null when it can. */
    static String unavailable() {
        for (String p : List.of("/usr/bin/podman", "/usr/bin/conmon")) {
            if (!Files.isExecutable(Path.of(p))) {
                return p + " is missing (Debian package " + p.substring(p.lastIndexOf('/') + 1)
                        + "; `make deps` installs it where apt can)";
            }
        }
        if (!Host.hasRunc()) {
            return "runc is missing: the Podman tests compare Hull with it";
        }
        return null;
    }

    /**
     * A Podman in dir driving runtime (a path): hull-runtime is listed in runtime_supports_json,
     * so conmon passes it --log-format json as it does runc.
     */
    static Podman in(Path dir, String runtime, Path runtimeRoot) throws IOException {
        Path base = dir.resolve("podman");
        Files.createDirectories(base);
        Path conf = base.resolve("containers.conf");
        Files.writeString(conf, """
                [engine]
                runtime_supports_json = ["crun", "runc", "hull-runtime"]
                """);
        return new Podman(base, runtime, runtimeRoot, conf);
    }

    /** The image: the test bundle's busybox rootfs, imported from a tarball. */
    void importImage(Path rootfs) {
        Path tar = dir.resolve("rootfs.tar");
        Cmd.Result t = Cmd.run("tar", "-C", rootfs.toString(), "-cf", tar.toString(), ".");
        if (t.code() != 0) {
            throw new AssertionError("tar of the rootfs failed:\n" + t);
        }
        ok("import", tar.toString(), IMAGE);
    }

    Cmd.Result run(String... args) {
        return Cmd.run(argv(args), Duration.ofSeconds(90), Map.of("CONTAINERS_CONF", conf.toString()), dir);
    }

    Cmd.Result ok(String... args) {
        Cmd.Result r = run(args);
        if (r.code() != 0) {
            throw new AssertionError("podman " + String.join(" ", args) + " (runtime " + runtime + ") failed:\n" + r);
        }
        return r;
    }

    /** The whole podman command line, for a caller that runs it some other way (under script(1)). */
    List<String> argv(String... args) {
        List<String> argv = new ArrayList<>(List.of("/usr/bin/podman",
                "--root", dir.resolve("storage").toString(), "--runroot", dir.resolve("run").toString(),
                "--tmpdir", dir.resolve("tmp").toString(), "--storage-driver", "vfs",
                "--cgroup-manager", "cgroupfs", "--events-backend", "file",
                "--runtime", runtime));
        argv.addAll(List.of(args));
        return argv;
    }

    /** `podman run` options every container here gets, then the given ones. */
    static String[] runArgs(String verb, String... args) {
        List<String> a = new ArrayList<>(List.of(verb));
        a.addAll(List.of("--network", "none"));
        a.addAll(ULIMITS);
        a.addAll(List.of(args));
        return a.toArray(String[]::new);
    }

    /** Removes every container (stopping it) and checks the runtime's state root holds none. */
    List<String> cleanUp() throws IOException {
        List<String> leaks = new ArrayList<>();
        Cmd.Result ps = run("ps", "-a", "-q", "--no-trunc");
        for (String id : ps.out().split("\n")) {
            if (!id.isBlank()) {
                leaks.add("podman container left (" + runtime + "): " + id);
                run("rm", "-f", "-t", "0", id.trim());
            }
        }
        for (String s : states()) {
            if (!stateBefore.contains(s)) {
                leaks.add("runtime state left (" + runtime + "): " + runtimeRoot.resolve(s));
            }
        }
        return leaks;
    }

    /** The containers in the runtime's root ('@' entries are Hull's caches, not containers). */
    private java.util.Set<String> states() throws IOException {
        java.util.Set<String> out = new java.util.TreeSet<>();
        if (Files.isDirectory(runtimeRoot)) {
            try (var s = Files.list(runtimeRoot)) {
                for (Path p : s.toList()) {
                    if (!p.getFileName().toString().startsWith("@")) {
                        out.add(p.getFileName().toString());
                    }
                }
            }
        }
        return out;
    }
}
