package dev.hull.engine.cli;

import dev.hull.engine.Engine;
import dev.hull.engine.EngineException;
import dev.hull.engine.container.Container;
import dev.hull.runtime.rootfs.RootfsPaths;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * {@code hull cp CONTAINER:SRC DEST} and {@code hull cp SRC CONTAINER:DEST}, through the container's
 * root filesystem (its overlay), with paths inside it resolved without following symlinks out of
 * it. As with Docker, a directory is copied with its contents, into DEST when DEST is a directory;
 * what is copied into a container belongs to root there. Volumes mounted in the container are not
 * reached (they are not in its overlay).
 */
final class Copy {
    private Copy() {}

    static void run(Engine engine, String from, String to) throws EngineException {
        int a = containerSep(from), b = containerSep(to);
        if ((a < 0) == (b < 0)) {
            throw new EngineException("cp: " + (a < 0 ? "one of the paths must name a container (CONTAINER:PATH)"
                    : "copying between containers is not supported"));
        }
        try {
            if (a >= 0) {
                Container c = engine.containers().find(from.substring(0, a));
                Path src = RootfsPaths.resolve(Path.of(c.rootfs()), from.substring(a + 1));
                if (!Files.exists(src, LinkOption.NOFOLLOW_LINKS)) {
                    throw new EngineException("Could not find the file " + from.substring(a + 1) + " in container " + c.name());
                }
                copy(src, target(Path.of(to), src), false);
            } else {
                Container c = engine.containers().find(to.substring(0, b));
                Path src = Path.of(from);
                if (!Files.exists(src, LinkOption.NOFOLLOW_LINKS)) {
                    throw new EngineException("cp: no such file or directory: " + from);
                }
                Path dest = RootfsPaths.resolve(Path.of(c.rootfs()), to.substring(b + 1));
                copy(src, target(dest, src), true);
            }
        } catch (IOException e) {
            throw new EngineException("cp: " + e.getMessage());
        }
    }

    private static int containerSep(String arg) {
        int colon = arg.indexOf(':');
        return colon > 0 && !arg.substring(0, colon).contains("/") ? colon : -1;
    }

    private static Path target(Path dest, Path src) {
        return Files.isDirectory(dest) ? dest.resolve(src.getFileName().toString()) : dest;
    }

    private static void copy(Path src, Path dest, boolean chownRoot) throws IOException {
        Files.copy(src, dest, LinkOption.NOFOLLOW_LINKS, StandardCopyOption.COPY_ATTRIBUTES,
                StandardCopyOption.REPLACE_EXISTING);
        if (chownRoot) {
            Files.setAttribute(dest, "unix:uid", 0, LinkOption.NOFOLLOW_LINKS);
            Files.setAttribute(dest, "unix:gid", 0, LinkOption.NOFOLLOW_LINKS);
        }
        if (Files.isDirectory(src, LinkOption.NOFOLLOW_LINKS)) {
            try (DirectoryStream<Path> ds = Files.newDirectoryStream(src)) {
                for (Path p : ds) {
                    copy(p, dest.resolve(p.getFileName().toString()), chownRoot);
                }
            }
        }
    }
}
