package dev.hull.engine.cli;

import dev.hull.engine.Engine;
import dev.hull.engine.EngineException;
import dev.hull.engine.cli.Flags.Flag;
import dev.hull.engine.container.Container;
import dev.hull.engine.container.Exits;
import dev.hull.engine.container.MountPlanner;
import dev.hull.engine.container.Remover;
import dev.hull.engine.volume.VolumeStore;
import dev.hull.image.Image;
import dev.hull.image.ImageException;
import dev.hull.image.ImageStore;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * {@code hull container prune}, {@code hull image prune [-a]} and {@code hull system prune [-a]
 * [--volumes]}: what nothing uses any more, with Docker's confirmation (unless -f), listing and
 * "Total reclaimed space" line. Stopped containers go with their anonymous volumes; an image goes
 * when no container uses it and it is dangling (no name), or with -a any such image.
 */
final class PruneCommands {
    private PruneCommands() {}

    static int container(Engine engine, List<String> args, PrintStream out) throws EngineException {
        Flags f = Flags.parse("container prune", args, List.of(Flag.bool("force", 'f'), Flag.value("filter")), true);
        refuseFilters(f);
        if (!confirmed(f, out, "WARNING! This will remove all stopped containers.")) {
            return 0;
        }
        long space = containers(engine, out);
        out.println("Total reclaimed space: " + Stats.size(space));
        return 0;
    }

    static int image(Engine engine, List<String> args, PrintStream out) throws EngineException {
        Flags f = Flags.parse("image prune", args, List.of(Flag.bool("force", 'f'), Flag.bool("all", 'a'),
                Flag.value("filter")), true);
        refuseFilters(f);
        if (!confirmed(f, out, f.bool("all") ? "WARNING! This will remove all images without at least one container associated to them."
                : "WARNING! This will remove all dangling images.")) {
            return 0;
        }
        long space = images(engine, f.bool("all"), out);
        out.println("Total reclaimed space: " + Stats.size(space));
        return 0;
    }

    static int system(Engine engine, List<String> args, PrintStream out) throws EngineException {
        Flags f = Flags.parse("system prune", args, List.of(Flag.bool("force", 'f'), Flag.bool("all", 'a'),
                Flag.bool("volumes"), Flag.value("filter")), true);
        refuseFilters(f);
        String warning = "WARNING! This will remove:\n  - all stopped containers\n"
                + (f.bool("volumes") ? "  - all anonymous volumes not used by at least one container\n" : "")
                + (f.bool("all") ? "  - all images without at least one container associated to them" : "  - all dangling images");
        if (!confirmed(f, out, warning)) {
            return 0;
        }
        long space = containers(engine, out);
        if (f.bool("volumes")) {
            space += volumes(engine, out);
        }
        space += images(engine, f.bool("all"), out);
        out.println("Total reclaimed space: " + Stats.size(space));
        return 0;
    }

    private static void refuseFilters(Flags f) throws EngineException {
        if (!f.all("filter").isEmpty()) {
            throw new EngineException("--filter: prune filters are not supported yet");
        }
    }

    /** Docker's prompt: anything but y/Y (or end of input) keeps everything. */
    private static boolean confirmed(Flags f, PrintStream out, String warning) {
        if (f.bool("force")) {
            return true;
        }
        out.print(warning + "\nAre you sure you want to continue? [y/N] ");
        out.flush();
        try {
            String answer = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
            return answer != null && answer.strip().equalsIgnoreCase("y");
        } catch (IOException e) {
            return false;
        }
    }

    private static long containers(Engine engine, PrintStream out) throws EngineException {
        List<String> deleted = new ArrayList<>();
        long space = 0;
        for (Container c : engine.containers().all()) {
            Container now = Exits.reconcileListed(engine, c);
            if (now == null || now.state().running()) {
                continue;
            }
            long size = upperSize(engine, now);
            try {
                Remover.remove(engine, now.id(), false, true); // with its anonymous volumes, as Docker
            } catch (EngineException e) {
                engine.log().warn("prune: " + now.name() + ": " + e.getMessage()); // started meanwhile
                continue;
            }
            deleted.add(now.id());
            space += size;
        }
        if (!deleted.isEmpty()) {
            out.println("Deleted Containers:");
            deleted.forEach(out::println);
            out.println();
        }
        return space;
    }

    /** The bytes of the container's own layer (its upper dir). */
    private static long upperSize(Engine engine, Container c) {
        try {
            Path upper = engine.images().rootfsDirs(c.id()).upper();
            try (Stream<Path> s = Files.walk(upper)) {
                return s.filter(p -> Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)).mapToLong(p -> {
                    try {
                        return Files.size(p);
                    } catch (IOException e) {
                        return 0;
                    }
                }).sum();
            }
        } catch (EngineException | ImageException | IOException | RuntimeException e) {
            return 0;
        }
    }

    private static long volumes(Engine engine, PrintStream out) throws EngineException {
        List<String> deleted = new ArrayList<>();
        VolumeStore store = engine.volumes();
        for (VolumeStore.Volume v : store.list()) {
            if (v.labels().containsKey(MountPlanner.ANONYMOUS)
                    && !dev.hull.engine.container.Volumes.inUse(engine, v.name(), null)) {
                store.remove(v.name());
                deleted.add(v.name());
            }
        }
        if (!deleted.isEmpty()) {
            out.println("Deleted Volumes:");
            deleted.forEach(out::println);
            out.println();
        }
        return 0; // (their contents are not measured)
    }

    private static long images(Engine engine, boolean all, PrintStream out) throws EngineException {
        ImageStore store = engine.images();
        Set<String> used = new HashSet<>();
        for (Container c : engine.containers().all()) {
            used.add(c.imageId());
        }
        List<String> lines = new ArrayList<>();
        long space = 0;
        try {
            for (Image img : store.list()) {
                if (used.contains(img.id()) || (!all && !img.repoTags().isEmpty())) {
                    continue;
                }
                long[] sizes = new long[img.diffIds().size()];
                for (int i = 0; i < sizes.length; i++) {
                    sizes[i] = store.layerSize(img.diffIds().get(i));
                }
                for (String line : store.remove(img.id(), true, id -> false, id -> null)) {
                    lines.add(line.substring(0, 1).toLowerCase(java.util.Locale.ROOT) + line.substring(1));
                }
                for (int i = 0; i < sizes.length; i++) {
                    if (store.layerSize(img.diffIds().get(i)) == 0) {
                        space += sizes[i];
                    }
                }
            }
        } catch (ImageException e) {
            throw new EngineException("prune: " + e.getMessage());
        }
        if (!lines.isEmpty()) {
            out.println("Deleted Images:");
            lines.forEach(out::println);
            out.println();
        }
        return space;
    }
}
