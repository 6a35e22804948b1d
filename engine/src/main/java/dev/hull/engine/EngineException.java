package dev.hull.engine;

/**
 * An error {@code hull} reports as one line, with Docker's exit codes: 125 when the engine itself
 * failed (bad flag or value, unknown image, name in use...), 126 when the container's command
 * cannot be executed, 127 when it is not found.
 */
public class EngineException extends Exception {
    public static final int ENGINE = 125, CANNOT_EXECUTE = 126, NOT_FOUND = 127;

    private final int exitCode;

    public EngineException(String message) {
        this(message, ENGINE);
    }

    public EngineException(String message, int exitCode) {
        super(message);
        this.exitCode = exitCode;
    }

    /** A command-line mistake (Docker prints these with a pointer to --help, code 125). */
    public static EngineException usage(String message) {
        return new EngineException(message, ENGINE);
    }

    public int exitCode() {
        return exitCode;
    }
}
