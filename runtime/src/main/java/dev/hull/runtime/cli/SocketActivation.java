package dev.hull.runtime.cli;

import dev.hull.spec.json.Json;
import dev.hull.spec.json.JsonException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * systemd's socket activation for {@code create}/{@code run}, as runc does it: when LISTEN_FDS
 * names fds for this process (LISTEN_PID is ours, or the front's: bin/hull-runtime execs the
 * front, which starts this JVM), those fds (3 on) go to the container's first process before the
 * --preserve-fds ones, and its environment gets LISTEN_FDS=N and LISTEN_PID=1.
 */
final class SocketActivation {
    private SocketActivation() {}

    /** How many fds systemd passed us: 0 when none, or when they were meant for another process. */
    static int fds(Map<String, String> env) {
        String n = env.get("LISTEN_FDS"), pid = env.get("LISTEN_PID");
        if (n == null || pid == null) {
            return 0;
        }
        int count;
        long forPid;
        try {
            count = Integer.parseInt(n.trim());
            forPid = Long.parseLong(pid.trim());
        } catch (NumberFormatException e) {
            return 0;
        }
        ProcessHandle self = ProcessHandle.current();
        boolean ours = forPid == self.pid() || self.parent().map(p -> p.pid() == forPid).orElse(false);
        return ours && count > 0 ? count : 0;
    }

    /**
     * The bundle's config.json as a tree with LISTEN_FDS and LISTEN_PID appended to process.env,
     * or null when it cannot be read as one (create then reads it itself and reports the error).
     */
    @SuppressWarnings("unchecked")
    static Object config(Path bundle, int fds) {
        try {
            Object tree = Json.parse(Files.readAllBytes(bundle.resolve("config.json")));
            if (!(tree instanceof Map<?, ?> root) || !(root.get("process") instanceof Map<?, ?> process)) {
                return null;
            }
            List<Object> env = process.get("env") instanceof List<?> l ? new ArrayList<>(l) : new ArrayList<>();
            env.add("LISTEN_FDS=" + fds);
            env.add("LISTEN_PID=1");
            ((Map<String, Object>) process).put("env", env);
            return tree;
        } catch (IOException | JsonException | UnsupportedOperationException e) {
            return null;
        }
    }
}
