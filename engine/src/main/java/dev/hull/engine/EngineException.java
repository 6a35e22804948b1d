package dev.hull.engine;

/**
 * An error {@code hull} reports as one line, with Docker's exit codes: 125 when the engine itself
 * failed (bad flag or value, unknown image, name in use...), 126 when the container's command
 * cannot be executed, 127 when it is not found.
 */
public class EngineException extends Exception {
    public static final int ENGINE = 125, CANNOT_EXECUTE = 126, NOT_FOUND = 127;

    private final int exitCode;
    private final boolean usage;

    public EngineException(String message) {
        this(message, ENGINE);
    }

    public EngineException(String message, int exitCode) {
        this(message, exitCode, false);
    }

    private EngineException(String message, int exitCode, boolean usage) {
        super(message);
        this.exitCode = exitCode;
        this.usage = usage;
    }

    /** A command-line mistake (Docker prints these with a pointer to --help, code 125). */
    public static EngineException usage(String message) {
        return new EngineException(message, ENGINE, true);
    }

    public int exitCode() {
        return exitCode;
    }

    /**
     * The code {@code hull COMMAND} exits with: Docker's CLI gives 125 for a command-line mistake
     * and for whatever keeps {@code run}/{@code create} from starting a container, but 1 when
     * another command's request fails (rm of a running container, rmi of an image in use...).
     */
    public int exitCodeOf(String command) {
        boolean startsContainers = command.equals("run") || command.equals("create") || command.equals("exec");
        return exitCode == ENGINE && !usage && !startsContainers ? 1 : exitCode;
    }
}
