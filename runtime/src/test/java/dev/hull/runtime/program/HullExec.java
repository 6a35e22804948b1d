package dev.hull.runtime.program;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs the executor binary built by the native module ({@code -Dhull.executor}) in its tool modes. */
final class HullExec {
    record Result(int code, String out, String err) {
        @Override
        public String toString() {
            return "exit " + code + "\n--- stdout\n" + out + "--- stderr\n" + err;
        }
    }

    private HullExec() {}

    static Path binary() {
        String p = System.getProperty("hull.executor");
        Path exe = p != null ? Path.of(p) : Path.of("../native/target/hull-exec");
        assertTrue(Files.isExecutable(exe), "hull-exec not built at " + exe.toAbsolutePath()
                + " (build the native module first, or pass -Dhull.executor)");
        return exe;
    }

    /** {@code hull-exec --dump} with the program on stdin. */
    static Result dump(byte[] program) {
        return run(List.of(binary().toString(), "--dump"), program);
    }

    static Result ops() {
        return run(List.of(binary().toString(), "--ops"), new byte[0]);
    }

    /** valgrind, when installed; null when not. */
    static Path valgrind() {
        return onPath("valgrind");
    }

    /**
     * {@code valgrind hull-exec --dump} on a dynamically linked build of the same sources:
     * memcheck cannot follow the static binary's own libc (its start-up code alone gives reports).
     */
    static Result dumpUnderValgrind(Path valgrind, Path dynamicBuild, byte[] program) {
        List<String> argv = new ArrayList<>(List.of(valgrind.toString(), "--error-exitcode=9", "-q",
                dynamicBuild.toString(), "--dump"));
        return run(argv, program);
    }

    /** Compiles native/src into dir without -static; null when there is no gcc. */
    static Path dynamicBuild(Path dir) {
        Path gcc = onPath("gcc");
        if (gcc == null) {
            return null;
        }
        Path src = binary().toAbsolutePath().getParent().getParent().resolve("src");
        List<String> argv = new ArrayList<>(List.of(gcc.toString(), "-O0", "-g", "-std=gnu11", "-o",
                dir.resolve("hull-exec-dyn").toString()));
        try (var files = Files.list(src)) {
            files.filter(f -> f.toString().endsWith(".c")).sorted().forEach(f -> argv.add(f.toString()));
        } catch (IOException e) {
            throw new AssertionError("list " + src + ": " + e, e);
        }
        Result r = run(argv, new byte[0]);
        if (r.code() != 0) {
            throw new AssertionError("dynamic build of hull-exec failed: " + r);
        }
        return dir.resolve("hull-exec-dyn");
    }

    static Path onPath(String name) {
        for (String d : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
            Path v = Path.of(d, name);
            if (Files.isExecutable(v)) {
                return v;
            }
        }
        return null;
    }

    static Result run(List<String> argv, byte[] stdin) {
        try {
            File in = File.createTempFile("hull-exec", ".in");
            File out = File.createTempFile("hull-exec", ".out");
            File err = File.createTempFile("hull-exec", ".err");
            try {
                Files.write(in.toPath(), stdin);
                Process p = new ProcessBuilder(argv).redirectInput(in).redirectOutput(out).redirectError(err).start();
                if (!p.waitFor(60, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                    throw new AssertionError("timed out: " + argv);
                }
                // decoded leniently: a corrupted program may print bytes that are not UTF-8
                return new Result(p.exitValue(), new String(Files.readAllBytes(out.toPath()), StandardCharsets.UTF_8),
                        new String(Files.readAllBytes(err.toPath()), StandardCharsets.UTF_8));
            } finally {
                in.delete();
                out.delete();
                err.delete();
            }
        } catch (IOException e) {
            throw new AssertionError("cannot run " + argv + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted");
        }
    }
}
