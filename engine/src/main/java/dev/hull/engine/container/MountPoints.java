package dev.hull.engine.container;

import dev.hull.engine.EngineException;
import dev.hull.runtime.rootfs.RootfsPaths;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * With a user namespace, the container's root is not the owner of the image's directories (they
 * belong to the host's root, unmapped), so the runtime could not create a mount point such as
 * /etc/resolv.conf. The engine, host root, creates them beforehand in the container's own layer,
 * resolved inside the rootfs so that a symlink of the image cannot lead out of it.
 */
final class MountPoints {
    private MountPoints() {}

    static void prepare(Path rootfs, Map<String, Object> spec) throws EngineException {
        if (!(spec.get("mounts") instanceof List<?> mounts)) {
            return;
        }
        for (Object o : mounts) {
            Map<?, ?> m = (Map<?, ?>) o;
            String dest = String.valueOf(m.get("destination"));
            String source = String.valueOf(m.get("source"));
            try {
                Path target = RootfsPaths.resolve(rootfs, dest);
                if (Files.exists(target, LinkOption.NOFOLLOW_LINKS) || !target.startsWith(rootfs)) {
                    continue;
                }
                Files.createDirectories(target.getParent());
                if ("bind".equals(m.get("type")) && Files.isRegularFile(Path.of(source))) {
                    Files.createFile(target);
                } else {
                    Files.createDirectory(target);
                }
            } catch (IOException e) {
                throw new EngineException("cannot create the mount point " + dest + " in the rootfs: " + e.getMessage());
            }
        }
    }
}
