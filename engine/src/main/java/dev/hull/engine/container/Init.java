package dev.hull.engine.container;

import dev.hull.engine.EngineException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * {@code --init}: a small init as the container's first process, which reaps zombies and passes
 * signals on to the command (Docker's docker-init is tini; Podman's is catatonit). The host's
 * static binary is bound read-only at Docker's path and the command becomes its argument.
 */
public final class Init {
    /** Where Docker puts it in the container. */
    public static final String PATH_IN_CONTAINER = "/sbin/docker-init";
    private static final List<String> CANDIDATES = List.of("/usr/bin/tini-static", "/usr/bin/docker-init",
            "/usr/bin/catatonit", "/usr/libexec/podman/catatonit");

    private Init() {}

    /** The host's init binary (statically linked: the container has its own libc, or none). */
    public static Path binary() throws EngineException {
        for (String c : CANDIDATES) {
            Path p = Path.of(c);
            if (Files.isExecutable(p)) {
                try {
                    return p.toRealPath();
                } catch (IOException e) {
                    // the next one
                }
            }
        }
        throw new EngineException("--init: no init binary on this host (looked for " + String.join(", ", CANDIDATES)
                + "; apt-get install tini)");
    }

    /** The command under the init: it waits for it, passes signals on and exits with its status. */
    static List<String> wrap(List<String> command) {
        List<String> out = new java.util.ArrayList<>(List.of(PATH_IN_CONTAINER, "--"));
        out.addAll(command);
        return out;
    }
}
