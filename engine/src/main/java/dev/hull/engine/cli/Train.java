package dev.hull.engine.cli;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * The AOT training run of {@code hull} (`make aot`): the commands people use most, once each, in one
 * JVM against a throw-away store, so that their classes land in build/hull.aot. Usage: Train
 * ROOTFS.tar (a root filesystem whose /bin/sh runs).
 */
public final class Train {
    private Train() {}

    public static void main(String[] args) throws Exception {
        Path tar = Path.of(args[0]);
        Path dir = Files.createTempDirectory("hull-train");
        PrintStream quiet = new PrintStream(OutputStream.nullOutputStream());
        String[] g = {"--root", dir.resolve("root").toString(), "--runroot", dir.resolve("run").toString()};
        try {
            run(quiet, g, "import", tar.toString(), "train");
            run(quiet, g, "images");
            run(quiet, g, "run", "--rm", "--network", "none", "train", "true");
            run(quiet, g, "run", "--rm", "-m", "64m", "--cpus", "1", "-u", "nobody", "--cap-drop", "net_raw", "train",
                    "sh", "-c", "echo out; echo err >&2");
            run(quiet, g, "run", "--rm", "train", "nosuchcommand");
            run(quiet, g, "run", "-m", "12zz", "train", "true");
            run(quiet, g, "run", "-d", "--name", "t1", "train", "sleep", "30");
            run(quiet, g, "ps");
            run(quiet, g, "ps", "-a", "--format", "{{.Names}} {{.Status}}");
            run(quiet, g, "inspect", "--format", "{{.State.Pid}} {{json .HostConfig}}", "t1");
            run(quiet, g, "inspect", "t1");
            run(quiet, g, "exec", "t1", "true");
            run(quiet, g, "logs", "t1");
            run(quiet, g, "stop", "-t", "0", "t1");
            run(quiet, g, "rm", "-f", "t1");
        } finally {
            run(quiet, g, "rm", "-f", "t1");
            delete(dir);
        }
    }

    private static void run(PrintStream quiet, String[] global, String... argv) {
        String[] all = new String[global.length + argv.length];
        System.arraycopy(global, 0, all, 0, global.length);
        System.arraycopy(argv, 0, all, global.length, argv.length);
        Main.run(all, quiet, quiet);
    }

    /** Removes the training store; it holds no mount once its containers are removed. */
    private static void delete(Path dir) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/mounts"))) {
            if (line.contains(dir.toString())) {
                throw new IOException("still mounted, left in place: " + line);
            }
        }
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
