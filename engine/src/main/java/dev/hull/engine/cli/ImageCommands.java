package dev.hull.engine.cli;

import dev.hull.engine.Engine;
import dev.hull.engine.EngineException;
import dev.hull.engine.Times;
import dev.hull.engine.cli.Flags.Flag;
import dev.hull.engine.container.Container;
import dev.hull.engine.container.RuntimeView;
import dev.hull.image.Image;
import dev.hull.image.ImageException;
import dev.hull.image.ImageStore;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** {@code images}, {@code load}, {@code import}, {@code save}, {@code tag}, {@code rmi}, {@code image ...}. */
final class ImageCommands {
    private ImageCommands() {}

    static final Map<String, Object> HEADERS = ContainerViews.headers("Repository", "REPOSITORY", "Tag", "TAG",
            "ID", "IMAGE ID", "CreatedSince", "CREATED", "CreatedAt", "CREATED AT", "Size", "SIZE", "Digest", "DIGEST");

    static int dispatch(Engine engine, String cmd, List<String> args, PrintStream out) throws EngineException {
        if (cmd.equals("image")) {
            if (args.isEmpty()) {
                throw EngineException.usage("image: expected a command (ls, inspect, load, import, save, tag, rm)");
            }
            String sub = args.remove(0);
            if (sub.equals("prune")) {
                return PruneCommands.image(engine, args, out);
            }
            cmd = switch (sub) {
                case "ls", "list" -> "images";
                case "rm", "remove" -> "rmi";
                case "inspect" -> "image-inspect";
                default -> sub;
            };
        }
        ImageStore store = engine.images();
        try {
            switch (cmd) {
                case "images" -> {
                    Flags f = Flags.parse(cmd, args, List.of(Flag.bool("quiet", 'q'), Flag.value("format"),
                            Flag.bool("all", 'a'), Flag.bool("no-trunc"), Flag.bool("digests")), true);
                    images(store, f, out);
                }
                case "load" -> {
                    Flags f = Flags.parse(cmd, args, List.of(Flag.value("input", 'i'), Flag.bool("quiet", 'q')), true);
                    Path in = f.get("input") == null ? stdinToFile(engine) : Path.of(f.get("input"));
                    try {
                        for (String name : store.load(in)) {
                            out.println((name.startsWith("sha256:") ? "Loaded image ID: " : "Loaded image: ") + name);
                        }
                    } finally {
                        if (f.get("input") == null) {
                            Files.deleteIfExists(in);
                        }
                    }
                }
                case "import" -> {
                    Flags f = Flags.parse(cmd, args, List.of(Flag.value("change", 'c'), Flag.value("message", 'm'),
                            Flag.value("platform")), true);
                    Commands.need(cmd, f, 1);
                    Map<String, String> changes = changes(f.all("change"));
                    String src = f.positional().get(0);
                    Path tar = src.equals("-") ? stdinToFile(engine) : Path.of(src);
                    try {
                        Image img = store.importRootfs(tar, f.positional().size() > 1 ? f.positional().get(1) : null, changes,
                                f.get("message"), f.get("platform") == null ? null : platform(f.get("platform")));
                        out.println(img.id());
                    } finally {
                        if (src.equals("-")) {
                            Files.deleteIfExists(tar);
                        }
                    }
                }
                case "save" -> {
                    Flags f = Flags.parse(cmd, args, List.of(Flag.value("output", 'o')), true);
                    Commands.need(cmd, f, 1);
                    if (f.get("output") != null) {
                        store.save(f.positional(), Path.of(f.get("output")));
                    } else if (stdoutIsATerminal()) {
                        throw new EngineException("save: cowardly refusing to save to a terminal. Use the -o flag or redirect");
                    } else { // to stdout, as Docker
                        store.save(f.positional(), out);
                        out.flush();
                        if (out.checkError()) {
                            throw new EngineException("save: the archive could not be written to stdout");
                        }
                    }
                }
                case "tag" -> {
                    Flags f = Flags.parse(cmd, args, List.of(), true);
                    if (f.positional().size() != 2) {
                        throw Flags.usage(cmd, "\"hull tag\" requires exactly 2 arguments.");
                    }
                    store.tag(f.positional().get(0), f.positional().get(1));
                }
                case "rmi" -> {
                    Flags f = Flags.parse(cmd, args, List.of(Flag.bool("force", 'f'), Flag.bool("no-prune")), true);
                    Commands.need(cmd, f, 1);
                    Set<String> used = new HashSet<>();
                    Map<String, String> running = new HashMap<>(); // image id -> a running container's id
                    for (Container c : engine.containers().all()) {
                        used.add(c.imageId());
                        if (c.state().running() && RuntimeView.alive(engine, c.id())) {
                            running.putIfAbsent(c.imageId(), c.id());
                        }
                    }
                    for (String ref : f.positional()) {
                        for (String line : store.remove(ref, f.bool("force"), used::contains, running::get)) {
                            out.println(line);
                        }
                    }
                }
                case "image-inspect" -> {
                    Flags f = Flags.parse(cmd, args, List.of(Flag.value("format", 'f')), true);
                    Commands.need("image inspect", f, 1);
                    List<Object> all = new ArrayList<>();
                    for (String ref : f.positional()) {
                        all.add(dev.hull.spec.json.Json.parse(store.inspectJson(store.resolve(ref))));
                    }
                    if (f.get("format") == null) {
                        out.println(dev.hull.spec.json.Json.writePretty(all, "    "));
                    } else {
                        for (Object o : all) {
                            out.println(Formats.render(f.get("format"), o));
                        }
                    }
                }
                default -> throw EngineException.usage("unknown command \"image " + cmd + "\"");
            }
        } catch (ImageException e) {
            throw new EngineException(e.getMessage());
        } catch (IOException e) {
            throw new EngineException(cmd + ": " + e.getMessage());
        } catch (dev.hull.spec.json.JsonException e) {
            throw new EngineException(cmd + ": " + e.getMessage());
        }
        return 0;
    }

    private static void images(ImageStore store, Flags f, PrintStream out) throws ImageException, EngineException {
        List<Map<String, Object>> rows = new ArrayList<>();
        for (Image img : store.list()) {
            List<String> tags = img.repoTags().isEmpty() ? List.of("<none>:<none>") : img.repoTags();
            for (String t : tags) {
                int colon = t.lastIndexOf(':');
                Map<String, Object> r = new LinkedHashMap<>();
                r.put("Repository", colon < 0 ? t : t.substring(0, colon));
                r.put("Tag", colon < 0 ? "latest" : t.substring(colon + 1));
                r.put("ID", f.bool("no-trunc") ? img.id() : img.shortId());
                r.put("CreatedSince", img.created() == null ? "N/A" : Times.ago(img.created()));
                r.put("CreatedAt", img.created());
                r.put("Size", Stats.size(img.size()));
                r.put("Digest", digestOf(img, (String) r.get("Repository")));
                rows.add(r);
            }
        }
        if (f.bool("quiet")) {
            Set<Object> seen = new HashSet<>();
            for (Map<String, Object> r : rows) {
                if (seen.add(r.get("ID"))) {
                    out.println(r.get("ID"));
                }
            }
            return;
        }
        Formats.print(f.get("format", "table {{.Repository}}\t{{.Tag}}\t" + (f.bool("digests") ? "{{.Digest}}\t" : "")
                + "{{.ID}}\t{{.CreatedSince}}\t{{.Size}}"), rows, HEADERS, out);
    }

    /** --change "INSTRUCTION VALUE" (import, commit): Dockerfile instructions by name. */
    static Map<String, String> changes(List<String> given) throws EngineException {
        Map<String, String> changes = new LinkedHashMap<>();
        for (String ch : given) {
            int sp = ch.indexOf(' ');
            if (sp <= 0) {
                throw new EngineException("--change " + ch + ": expected INSTRUCTION VALUE (CMD, ENTRYPOINT, ENV, USER, WORKDIR, LABEL)");
            }
            changes.put(ch.substring(0, sp).toUpperCase(java.util.Locale.ROOT), ch.substring(sp + 1));
        }
        return changes;
    }

    /** The manifest digest the image has under this repository (Docker's DIGEST column). */
    private static String digestOf(Image img, String repository) {
        for (String d : img.repoDigests()) {
            int at = d.indexOf('@');
            if (at > 0 && d.substring(0, at).equals(repository)) {
                return d.substring(at + 1);
            }
        }
        return "<none>";
    }

    static dev.hull.image.Platform platform(String value) throws EngineException {
        try {
            return dev.hull.image.Platform.parse("--platform", value);
        } catch (IllegalArgumentException e) {
            throw new EngineException(e.getMessage());
        }
    }

    static boolean stdoutIsATerminal() {
        try {
            String fd1 = Files.readSymbolicLink(Path.of("/proc/self/fd/1")).toString();
            return fd1.startsWith("/dev/pts/") || fd1.startsWith("/dev/tty") || fd1.equals("/dev/console");
        } catch (IOException e) {
            return false;
        }
    }

    /** `hull load` without -i reads the archive from stdin, as Docker does: into a file first (tar needs seeking). */
    private static Path stdinToFile(Engine engine) throws IOException {
        Files.createDirectories(engine.root());
        Path tmp = Files.createTempFile(engine.root(), ".stdin-", ".tar");
        try (InputStream in = System.in) {
            Files.copy(in, tmp, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
        return tmp;
    }
}
