package dev.hull.engine.cli;

/** Docker's {@code --ulimit} names and the RLIMIT_ each stands for. */
public final class Ulimits {
    private static final String[] NAMES = {"core", "cpu", "data", "fsize", "locks", "memlock", "msgqueue", "nice",
        "nofile", "nproc", "rss", "rtprio", "rttime", "sigpending", "stack", "as"};

    private Ulimits() {}

    /** "nofile" → "RLIMIT_NOFILE", or null for a name Docker does not know. */
    public static String resource(String name) {
        for (String n : NAMES) {
            if (n.equals(name)) {
                return "RLIMIT_" + n.toUpperCase(java.util.Locale.ROOT);
            }
        }
        return null;
    }
}
