package dev.hull.sys;

/** Linux (x86-64 and arm64 share these) signal names and numbers, parsed the way runc's kill does. */
public final class Signals {
    private static final String[] NAMES = {
        null, "HUP", "INT", "QUIT", "ILL", "TRAP", "ABRT", "BUS", "FPE", "KILL", "USR1", "SEGV",
        "USR2", "PIPE", "ALRM", "TERM", "STKFLT", "CHLD", "CONT", "STOP", "TSTP", "TTIN", "TTOU",
        "URG", "XCPU", "XFSZ", "VTALRM", "PROF", "WINCH", "IO", "PWR", "SYS",
    };
    /** glibc keeps 32 and 33 for itself; SIGRTMIN as programs see it is 34. */
    private static final int RTMIN = 34, RTMAX = 64;

    public static final int SIGHUP = 1, SIGINT = 2, SIGQUIT = 3, SIGKILL = 9, SIGUSR1 = 10,
            SIGUSR2 = 12, SIGTERM = 15, SIGCONT = 18, SIGSTOP = 19, SIGWINCH = 28;

    private Signals() {}

    /**
     * "KILL", "SIGKILL", "sigkill", "9", "RTMIN+2", "SIGRTMAX-1" -> number.
     *
     * @throws IllegalArgumentException naming the text when it is no signal
     */
    public static int parse(String text) {
        String s = text.trim();
        if (!s.isEmpty() && allDigits(s)) {
            int n;
            try {
                n = Integer.parseInt(s);
            } catch (NumberFormatException e) {
                n = -1;
            }
            if (n >= 1 && n <= RTMAX) {
                return n;
            }
            throw new IllegalArgumentException("invalid signal \"" + text + "\"");
        }
        String u = s.toUpperCase(java.util.Locale.ROOT);
        if (u.startsWith("SIG")) {
            u = u.substring(3);
        }
        for (int i = 1; i < NAMES.length; i++) {
            if (NAMES[i].equals(u)) {
                return i;
            }
        }
        if (u.equals("IOT")) {
            return 6;
        }
        if (u.equals("POLL")) {
            return 29;
        }
        if (u.startsWith("RTMIN") || u.startsWith("RTMAX")) {
            int base = u.startsWith("RTMIN") ? RTMIN : RTMAX;
            String rest = u.substring(5);
            try {
                int off = rest.isEmpty() ? 0 : Integer.parseInt(rest);
                int n = base + off;
                if (n >= RTMIN && n <= RTMAX) {
                    return n;
                }
            } catch (NumberFormatException e) {
                // fall through to the error
            }
        }
        throw new IllegalArgumentException("invalid signal \"" + text + "\"");
    }

    private static boolean allDigits(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) < '0' || s.charAt(i) > '9') {
                return false;
            }
        }
        return true;
    }

    /** "SIGKILL" for 9. */
    public static String name(int sig) {
        if (sig > 0 && sig < NAMES.length) {
            return "SIG" + NAMES[sig];
        }
        if (sig >= RTMIN && sig <= RTMAX) {
            return sig == RTMIN ? "SIGRTMIN" : "SIGRTMIN+" + (sig - RTMIN);
        }
        return "signal " + sig;
    }
}
