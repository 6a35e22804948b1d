package dev.hull.runtime.cli;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * The AOT training run (`make aot`): drives every command once, in one JVM, against a throw-away
 * state directory, so that the classes of the whole container lifecycle land in the AOT cache.
 * Usage: Train BUNDLE (a bundle whose process exits by itself).
 */
public final class Train {
    private Train() {}

    public static void main(String[] args) throws IOException {
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
        } finally {
            delete(root);
            delete(specDir);
        }
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
