package dev.hull.spec;

/**
 * The OCI rlimit names and their Linux resource numbers (asm-generic/resource.h, which every
 * architecture Hull runs on uses), needed to call setrlimit/prlimit directly.
 */
public final class Rlimits {
    private static final String[] NAMES = {
        "RLIMIT_CPU", "RLIMIT_FSIZE", "RLIMIT_DATA", "RLIMIT_STACK", "RLIMIT_CORE", "RLIMIT_RSS",
        "RLIMIT_NPROC", "RLIMIT_NOFILE", "RLIMIT_MEMLOCK", "RLIMIT_AS", "RLIMIT_LOCKS",
        "RLIMIT_SIGPENDING", "RLIMIT_MSGQUEUE", "RLIMIT_NICE", "RLIMIT_RTPRIO", "RLIMIT_RTTIME",
    };

    private Rlimits() {}

    /** The resource number of an OCI rlimit type such as "RLIMIT_NOFILE" (7), or -1 if unknown. */
    public static int rlimitNumber(String type) {
        for (int i = 0; i < NAMES.length; i++) {
            if (NAMES[i].equals(type)) {
                return i;
            }
        }
        return -1;
    }

    /** The OCI name of a resource number, or null if there is none. */
    public static String name(int number) {
        return number >= 0 && number < NAMES.length ? NAMES[number] : null;
    }
}
