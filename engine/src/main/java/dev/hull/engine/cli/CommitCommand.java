package dev.hull.engine.cli;

import dev.hull.engine.Engine;
import dev.hull.engine.EngineException;
import dev.hull.engine.cli.Flags.Flag;
import dev.hull.engine.container.Container;
import dev.hull.engine.container.RuntimeView;
import dev.hull.engine.container.SpecBuilder;
import dev.hull.image.Image;
import dev.hull.image.ImageConfig;
import dev.hull.image.ImageException;
import dev.hull.image.ImageStore;
import dev.hull.runtime.HullException;
import dev.hull.runtime.lifecycle.Pause;
import dev.hull.runtime.state.Status;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/**
 * {@code hull commit CONTAINER [REPOSITORY[:TAG]]}: a new image of the container's image and one
 * layer more, its changes: the paths of the overlay's upper dir (without the runtime's mount
 * points), their data read through the merged view (a metadata-only copy-up has none of its own),
 * deletions as ".wh." whiteouts and a directory made anew as an opaque one. The image's config is
 * the container's (Cmd, Env, User...), --change on top, as Docker's. A running container is
 * paused for the read unless --pause=false.
 */
final class CommitCommand {
    private CommitCommand() {}

    static int commit(Engine engine, List<String> args, PrintStream out) throws EngineException {
        Flags f = Flags.parse("commit", args, List.of(Flag.value("message", 'm'), Flag.value("author", 'a'),
                Flag.value("change", 'c'), Flag.bool("pause", 'p')), true);
        if (f.positional().isEmpty() || f.positional().size() > 2) {
            throw Flags.usage("commit", "\"hull commit\" requires at least 1 and at most 2 arguments.");
        }
        Container c = engine.containers().find(f.positional().get(0));
        String name = f.positional().size() > 1 ? f.positional().get(1) : null;
        Map<String, String> changes = ImageCommands.changes(f.all("change"));
        boolean pause = (!f.has("pause") || f.bool("pause")) && RuntimeView.status(engine, c.id()) == Status.RUNNING;
        Path layer = null;
        try {
            Files.createDirectories(engine.root());
            layer = Files.createTempFile(engine.root(), ".commit-", ".tar");
            if (pause) {
                Pause.pause(engine.runtime(), c.id());
            }
            try (OutputStream os = Files.newOutputStream(layer)) {
                writeLayer(engine, c, os);
            } finally {
                if (pause) {
                    Pause.resume(engine.runtime(), c.id());
                }
            }
            Image parent = engine.images().resolve(c.imageId());
            Image img = engine.images().commit(layer, c.imageId(), config(c, parent), changes, f.get("message"),
                    f.get("author"), name);
            out.println(img.id());
            return 0;
        } catch (HullException e) {
            throw new EngineException("commit: cannot pause " + c.name() + ": " + e.getMessage());
        } catch (ImageException e) {
            throw new EngineException("commit: " + e.getMessage());
        } catch (IOException e) {
            throw new EngineException("commit " + c.name() + ": " + e.getMessage());
        } finally {
            if (layer != null) {
                try {
                    Files.deleteIfExists(layer);
                } catch (IOException e) {
                    engine.log().warn("commit: cannot remove " + layer + ": " + e.getMessage());
                }
            }
        }
    }

    /** The container's Config as an image config: what `docker commit` keeps of it. */
    private static ImageConfig config(Container c, Image parent) {
        Map<String, Object> cfg = c.config();
        Map<String, String> labels = new java.util.LinkedHashMap<>();
        if (cfg.get("Labels") instanceof Map<?, ?> l) {
            l.forEach((k, v) -> labels.put(String.valueOf(k), String.valueOf(v)));
        }
        List<String> exposed = new ArrayList<>();
        if (cfg.get("ExposedPorts") instanceof Map<?, ?> e) {
            e.keySet().forEach(k -> exposed.add(String.valueOf(k)));
        }
        List<String> entrypoint = cfg.get("Entrypoint") == null ? null : SpecBuilder.strings(cfg.get("Entrypoint"));
        List<String> cmd = cfg.get("Cmd") == null ? null : SpecBuilder.strings(cfg.get("Cmd"));
        return new ImageConfig(SpecBuilder.str(cfg.get("User")), SpecBuilder.strings(cfg.get("Env")), entrypoint, cmd,
                SpecBuilder.str(cfg.get("WorkingDir")), labels, exposed, parent.config().volumes(),
                SpecBuilder.str(cfg.get("StopSignal")));
    }

    private static void writeLayer(Engine engine, Container c, OutputStream os) throws EngineException, IOException {
        ImageStore.RootfsDirs dirs = FilesystemViews.rootfs(engine, c);
        TarArchiveOutputStream tar = new TarArchiveOutputStream(os);
        tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
        tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
        walk(tar, dirs, c, dirs.upper(), "", FilesystemViews.mountPoints(c), new HashMap<>());
        tar.finish();
        tar.flush();
    }

    private static void walk(TarArchiveOutputStream tar, ImageStore.RootfsDirs dirs, Container c, Path upperDir,
                             String prefix, Set<String> mountPoints, Map<Object, String> inodes) throws IOException {
        for (Path p : FilesystemViews.sortedChildren(upperDir)) {
            String rel = prefix + p.getFileName();
            if (mountPoints.contains("/" + rel)) {
                continue;
            }
            if (FilesystemViews.whiteout(p)) {
                String parent = p.getParent().equals(dirs.upper()) ? "" : rel.substring(0, rel.lastIndexOf('/') + 1);
                empty(tar, parent + ".wh." + p.getFileName());
                continue;
            }
            if (FilesystemViews.entry(tar, dirs.merged().resolve(rel), rel, inodes, c)) {
                if (opaque(p)) {
                    empty(tar, rel + "/.wh..wh..opq"); // made anew: nothing of the layers below shows
                }
                walk(tar, dirs, c, p, rel + "/", mountPoints, inodes);
            }
        }
    }

    private static boolean opaque(Path dir) {
        try {
            byte[] v = dev.hull.sys.FileCalls.lgetxattr(dir.toString(), "trusted.overlay.opaque");
            return v != null && new String(v, StandardCharsets.ISO_8859_1).equals("y");
        } catch (dev.hull.sys.SysException e) {
            return false;
        }
    }

    private static void empty(TarArchiveOutputStream tar, String name) throws IOException {
        TarArchiveEntry e = new TarArchiveEntry(name);
        e.setMode(0100000);
        e.setSize(0);
        tar.putArchiveEntry(e);
        tar.closeArchiveEntry();
    }
}
