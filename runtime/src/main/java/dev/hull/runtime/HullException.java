package dev.hull.runtime;

/** An error the runtime reports to its user as one line, and exits non-zero. */
public class HullException extends Exception {
    public HullException(String message) {
        super(message);
    }

    public HullException(String message, Throwable cause) {
        super(message, cause);
    }
}
