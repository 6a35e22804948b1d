package dev.hull.runtime.cli;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import dev.hull.spec.json.Json;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The AOT training run (`make aot`): drives every command once, in one JVM, against a throw-away
 * state directory, so that the classes of the whole container lifecycle land in the AOT cache.
 * Usage: Train BUNDLE (a bundle whose process exits by itself).
 */
public final class Train {
    private Train() {}

    public static void main(String[] args) throws Exception {
        Path bundle = Path.of(args[0]);
        Path root = Files.createTempDirectory("hull-train");
        Path specDir = Files.createTempDirectory("hull-train-spec");
        PrintStream quiet = new PrintStream(OutputStream.nullOutputStream());
        String r = root.toString();
        String id = "hull-train-" + ProcessHandle.current().pid();
        try {
            run(quiet, "--version");
            run(quiet, "features");
            run(quiet, "spec", "--bundle", specDir.toString());
            run(quiet, "--root", r, "run", "--bundle", bundle.toString(), id);
            run(quiet, "--root", r, "create", "--bundle", bundle.toString(), id);
            run(quiet, "--root", r, "state", id);
            run(quiet, "--root", r, "list");
            run(quiet, "--root", r, "list", "--format", "json");
            run(quiet, "--root", r, "start", id);
            run(quiet, "--root", r, "kill", id, "KILL");
            run(quiet, "--root", r, "delete", "--force", id);
            run(quiet, "--root", r, "state", id); // an error path
            run(quiet, "--root", r, "run", "--bundle", specDir.toString(), id); // another
            // a seccomp profile: compiled (libseccomp), then taken from the cache, as most starts do
            Path sc = seccompBundle(bundle, specDir);
            run(quiet, "--root", r, "run", "--bundle", sc.toString(), id);
            run(quiet, "--root", r, "run", "--bundle", sc.toString(), id);
        } finally {
            delete(root);
            delete(specDir);
        }
    }

    /** The bundle's config with a small seccomp profile, in dir (the rootfs stays where it is). */
    @SuppressWarnings("unchecked")
    private static Path seccompBundle(Path bundle, Path dir) throws IOException, dev.hull.spec.json.JsonException {
        Map<String, Object> c = (Map<String, Object>) Json.parse(Files.readAllBytes(bundle.resolve("config.json")));
        Map<String, Object> root = (Map<String, Object>) c.get("root");
        root.put("path", bundle.resolve(String.valueOf(root.get("path"))).toAbsolutePath().toString());
        Map<String, Object> rule = new LinkedHashMap<>();
        rule.put("names", List.of("mkdir", "mkdirat"));
        rule.put("action", "SCMP_ACT_ERRNO");
        rule.put("errnoRet", 38);
        Map<String, Object> sc = new LinkedHashMap<>();
        sc.put("defaultAction", "SCMP_ACT_ALLOW");
        sc.put("architectures", List.of("SCMP_ARCH_X86_64"));
        sc.put("syscalls", List.of(rule));
        ((Map<String, Object>) c.get("linux")).put("seccomp", sc);
        Path out = dir.resolve("seccomp");
        Files.createDirectories(out);
        Files.writeString(out.resolve("config.json"), Json.write(c));
        return out;
    }

    private static void run(PrintStream quiet, String... argv) {
        Main.run(argv, quiet, quiet);
    }

    private static void delete(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
