package dev.hull.spec;

/**
 * A config.json that cannot be used. The message is one line and starts with the JSON path of
 * the offending member (e.g. {@code process.rlimits[0].hard: must not be negative}), so that it
 * can be printed as is after the command name, the way runc reports spec errors.
 */
public final class SpecException extends Exception {
    public SpecException(String message) {
        super(message);
    }
}
