package dev.hull.spec.json;

/**
 * Malformed JSON. Carries the 1-based line and column of the offending character so that a user
 * editing config.json by hand can find the mistake; the column counts UTF-16 characters from the
 * start of the line, the same as most editors.
 */
public final class JsonException extends Exception {
    private final int line;
    private final int column;
    private final String reason;

    public JsonException(String reason, int line, int column) {
        super("line " + line + ", column " + column + ": " + reason);
        this.reason = reason;
        this.line = line;
        this.column = column;
    }

    public int line() {
        return line;
    }

    public int column() {
        return column;
    }

    /** The message without the position, e.g. {@code expected ',' or '}' but found '"'}. */
    public String reason() {
        return reason;
    }
}
