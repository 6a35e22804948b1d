package dev.hull.engine.container;

import java.util.Map;

/**
 * What {@code hull run}/{@code create} asked for: Docker's {@code Config} and {@code HostConfig}
 * objects as the command line gave them (before the image's defaults are merged in), the name, and
 * how the client attaches; the image's required platform (--platform, or null) and the file the
 * id goes to (--cidfile, or null); detachKeys the bytes that detach an attached terminal.
 */
public record CreateRequest(String name, String image, Map<String, Object> config, Map<String, Object> hostConfig,
                            boolean detach, boolean interactive, boolean tty, dev.hull.image.Platform platform,
                            String cidFile, String detachKeys) {}
