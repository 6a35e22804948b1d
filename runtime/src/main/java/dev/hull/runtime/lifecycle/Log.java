package dev.hull.runtime.lifecycle;

import dev.hull.spec.json.Json;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The runtime's messages: errors and warnings on stderr, and also in --log FILE as text or as
 * runc-shaped JSON lines ({"level":"error","msg":...,"time":...}; containerd shows the last
 * error line of that file to its user).
 */
public final class Log implements Consumer<String> {
    private final Path file;
    private final boolean json;
    private final boolean debug;
    private final PrintStream err;

    public Log(Path file, boolean json, boolean debug, PrintStream err) {
        this.file = file;
        this.json = json;
        this.debug = debug;
        this.err = err;
    }

    public static Log stderr() {
        return new Log(null, false, false, System.err);
    }

    public void error(String msg) {
        err.println("hull-runtime: " + msg);
        write("error", msg);
    }

    public void warn(String msg) {
        err.println("hull-runtime: warning: " + msg);
        write("warning", msg);
    }

    /** As a consumer of warnings (the compiler's). */
    @Override
    public void accept(String warning) {
        warn(warning);
    }

    public void debug(String msg) {
        if (debug) {
            err.println("hull-runtime: debug: " + msg);
            write("debug", msg);
        }
    }

    public boolean debugging() {
        return debug;
    }

    private void write(String level, String msg) {
        if (file == null) {
            return;
        }
        String line;
        String time = Timestamps.nowSeconds();
        if (json) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("level", level);
            m.put("msg", msg);
            m.put("time", time);
            line = Json.write(m) + "\n";
        } else {
            // quoted as logrus does, so that a message over several lines (a hook's output) stays
            // one line of the log
            line = "time=\"" + time + "\" level=" + level + " msg=\"" + msg.replace("\\", "\\\\")
                    .replace("\"", "\\\"").replace("\n", "\\n").replace("\r", "\\r").replace("\t", "\\t") + "\"\n";
        }
        try {
            Files.write(file, line.getBytes(StandardCharsets.UTF_8), StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND, StandardOpenOption.WRITE);
        } catch (IOException e) {
            err.println("hull-runtime: cannot write --log " + file + ": " + e.getMessage());
        }
    }
}
