package dev.hull.engine.container;

import dev.hull.engine.EngineException;
import dev.hull.runtime.HullException;

/**
 * Docker's exit codes for a container that could not start: 127 when its command is not found,
 * 126 when it cannot be executed, 125 for anything else.
 */
final class Errors {
    private Errors() {}

    static EngineException startFailure(HullException e) {
        String m = e.getMessage() == null ? "" : e.getMessage();
        boolean lookup = m.contains("(find ");
        if (lookup && m.contains("ENOENT")) {
            return new EngineException("failed to start the container: executable file not found in $PATH: " + m,
                    EngineException.NOT_FOUND);
        }
        if ((lookup || m.contains("(exec")) && (m.contains("EACCES") || m.contains("EISDIR") || m.contains("ENOEXEC")
                || m.contains("ENOTDIR"))) {
            return new EngineException("failed to start the container: permission denied: " + m,
                    EngineException.CANNOT_EXECUTE);
        }
        return new EngineException("failed to start the container: " + m);
    }
}
