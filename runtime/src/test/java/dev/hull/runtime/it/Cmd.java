package dev.hull.runtime.it;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs a command to completion with a timeout, collecting its exit code and output. */
public final class Cmd {
    public record Result(int code, String out, String err) {
        public String all() {
            return out + err;
        }

        @Override
        public String toString() {
            return "exit " + code + "\n--- stdout\n" + out + "--- stderr\n" + err;
        }
    }

    private Cmd() {}

    public static Result run(List<String> argv) {
        return run(argv, Duration.ofSeconds(60), Map.of(), null);
    }

    public static Result run(String... argv) {
        return run(List.of(argv));
    }

    /** stdout/stderr go to files, so a container that outlives the command cannot block us. */
    public static Result run(List<String> argv, Duration timeout, Map<String, String> env, Path cwd) {
        try {
            File out = File.createTempFile("hull-cmd", ".out");
            File err = File.createTempFile("hull-cmd", ".err");
            try {
                ProcessBuilder pb = new ProcessBuilder(argv);
                pb.environment().putAll(env);
                if (cwd != null) {
                    pb.directory(cwd.toFile());
                }
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
}
