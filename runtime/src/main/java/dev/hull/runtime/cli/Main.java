package dev.hull.runtime.cli;

import dev.hull.runtime.HullException;
import dev.hull.runtime.cli.Args.Flag;
import dev.hull.runtime.cli.Args.Parsed;
import dev.hull.runtime.lifecycle.Create;
import dev.hull.runtime.lifecycle.Delete;
import dev.hull.runtime.lifecycle.Features;
import dev.hull.runtime.lifecycle.Inspect;
import dev.hull.runtime.lifecycle.Kill;
import dev.hull.runtime.lifecycle.Log;
import dev.hull.runtime.lifecycle.Run;
import dev.hull.runtime.lifecycle.RuntimeContext;
import dev.hull.runtime.lifecycle.SpecTemplate;
import dev.hull.runtime.lifecycle.Start;
import dev.hull.runtime.lifecycle.Version;
import dev.hull.runtime.program.LaunchMode;
import dev.hull.runtime.state.StateStore;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/** {@code hull-runtime}: the runc-compatible command line. */
public final class Main {
    private static final List<Flag> GLOBAL = List.of(
            new Flag(true, "root"), new Flag(true, "log"), new Flag(true, "log-format"),
            new Flag(false, "debug"), new Flag(false, "systemd-cgroup"), new Flag(true, "rootless"),
            new Flag(true, "criu"), new Flag(false, "help", "h"), new Flag(false, "version", "v"));

    private static final List<Flag> CREATE = List.of(
            new Flag(true, "bundle", "b"), new Flag(true, "console-socket"), new Flag(true, "pid-file"),
            new Flag(false, "no-pivot"), new Flag(false, "no-new-keyring"), new Flag(true, "preserve-fds"),
            new Flag(true, "pidfd-socket"));

    private static final List<Flag> RUN = concat(CREATE, List.of(new Flag(false, "detach", "d"),
            new Flag(false, "keep"), new Flag(false, "no-subreaper")));

    private static final String USAGE = """
            usage: hull-runtime [global options] command [options] [arguments]

            A runc-compatible OCI runtime.

            commands:
              spec      write a default config.json          (--bundle DIR, --rootless)
              create    create a container from a bundle      (--bundle, --pid-file, --console-socket,
                                                               --no-pivot, --no-new-keyring, --preserve-fds)
              start     start a created container
              run       create and start, wait, delete        (create's options, --detach, --keep)
              state     print the OCI state of a container
              kill      send a signal (default SIGTERM)       (--all)
              delete    delete a container                    (--force)
              list      list containers                       (--format table|json, --quiet)
              features  print the features this runtime has

            global options:
              --root DIR             state directory (default /run/hull)
              --log FILE             also write errors to FILE
              --log-format text|json
              --debug                print the steps of the setup program
              --systemd-cgroup       use the systemd cgroup driver (needs systemd)
            """;

    private Main() {}

    public static void main(String[] argv) {
        int code = run(argv, System.out, System.err);
        System.out.flush();
        System.exit(code);
    }

    static int run(String[] argv, PrintStream out, PrintStream err) {
        dev.hull.runtime.Trace.mark("main");
        Log log = Log.stderr();
        try {
            Parsed g = Args.parse(Arrays.asList(argv), GLOBAL, true);
            if (g.bool("version")) {
                out.println("hull-runtime version " + Version.VERSION);
                out.println("spec: " + SpecTemplate.OCI_VERSION);
                return 0;
            }
            if (g.bool("help") || g.positional().isEmpty()) {
                (g.bool("help") ? out : err).print(USAGE);
                return g.bool("help") ? 0 : 1;
            }
            String format = g.get("log-format");
            if (format != null && !format.equals("text") && !format.equals("json")) {
                throw new Args.UsageException("--log-format: unknown format \"" + format + "\" (text or json)");
            }
            log = new Log(g.get("log") == null ? null : Path.of(g.get("log")), "json".equals(format),
                    g.bool("debug"), err);
            RuntimeContext ctx = new RuntimeContext(
                    new StateStore(Path.of(g.get("root") == null ? "/run/hull" : g.get("root"))), log,
                    g.bool("systemd-cgroup"));
            String cmd = g.positional().get(0);
            List<String> rest = g.positional().subList(1, g.positional().size());
            return command(ctx, cmd, rest, out);
        } catch (Args.UsageException e) {
            log.error(e.getMessage());
            err.println("run 'hull-runtime --help' for usage");
            return 1;
        } catch (HullException e) {
            log.error(e.getMessage());
            return 1;
        } catch (RuntimeException e) {
            log.error("internal error: " + e);
            if (log.debugging()) {
                e.printStackTrace(err);
            }
            return 1;
        }
    }

    private static int command(RuntimeContext ctx, String cmd, List<String> rest, PrintStream out)
            throws Args.UsageException, HullException {
        switch (cmd) {
            case "create" -> {
                Parsed a = Args.parse(rest, CREATE, false);
                String id = oneId(a, cmd);
                Create.create(ctx, createOptions(a, id, LaunchMode.CREATE));
                return 0;
            }
            case "run" -> {
                Parsed a = Args.parse(rest, RUN, false);
                String id = oneId(a, cmd);
                boolean detach = a.bool("detach");
                LaunchMode mode = detach ? LaunchMode.RUN_DETACHED : LaunchMode.RUN_FOREGROUND;
                return Run.run(ctx, createOptions(a, id, mode), detach, a.bool("keep"));
            }
            case "start" -> {
                Start.start(ctx, oneId(Args.parse(rest, List.of(), false), cmd));
                return 0;
            }
            case "state" -> {
                out.println(Inspect.state(ctx, oneId(Args.parse(rest, List.of(), false), cmd)));
                return 0;
            }
            case "kill" -> {
                Parsed a = Args.parse(rest, List.of(new Flag(false, "all", "a")), false);
                if (a.positional().isEmpty() || a.positional().size() > 2) {
                    throw new Args.UsageException("kill: expected a container id and optionally a signal");
                }
                Kill.kill(ctx, a.positional().get(0), a.positional().size() > 1 ? a.positional().get(1) : null,
                        a.bool("all"));
                return 0;
            }
            case "delete" -> {
                Parsed a = Args.parse(rest, List.of(new Flag(false, "force", "f")), false);
                if (a.positional().isEmpty()) {
                    throw new Args.UsageException("delete: expected a container id");
                }
                int code = 0;
                for (String id : a.positional()) { // runc deletes every id given
                    try {
                        Delete.delete(ctx, id, a.bool("force"));
                    } catch (HullException e) {
                        ctx.log().error(e.getMessage());
                        code = 1;
                    }
                }
                return code;
            }
            case "list", "ps-all" -> {
                Parsed a = Args.parse(rest, List.of(new Flag(true, "format", "f"), new Flag(false, "quiet", "q")), false);
                out.print(Inspect.list(ctx, a.get("format"), a.bool("quiet")));
                return 0;
            }
            case "spec" -> {
                Parsed a = Args.parse(rest, List.of(new Flag(true, "bundle", "b"), new Flag(false, "rootless")), false);
                SpecTemplate.write(Path.of(a.get("bundle") == null ? "." : a.get("bundle")), a.bool("rootless"));
                return 0;
            }
            case "features" -> {
                out.println(Features.json());
                return 0;
            }
            case "help" -> {
                out.print(USAGE);
                return 0;
            }
            case "exec", "ps", "pause", "resume", "update", "events", "checkpoint", "restore" ->
                throw new HullException(cmd + " is not implemented yet");
            default -> throw new Args.UsageException("unknown command \"" + cmd + "\"");
        }
    }

    private static Create.Options createOptions(Parsed a, String id, LaunchMode mode) throws Args.UsageException, HullException {
        if (a.get("pidfd-socket") != null) {
            throw new HullException("--pidfd-socket is not supported yet");
        }
        int preserve = 0;
        if (a.get("preserve-fds") != null) {
            try {
                preserve = Integer.parseInt(a.get("preserve-fds"));
            } catch (NumberFormatException e) {
                preserve = -1;
            }
            if (preserve < 0) {
                throw new Args.UsageException("--preserve-fds: \"" + a.get("preserve-fds") + "\" is not a count");
            }
        }
        String bundle = a.get("bundle");
        return new Create.Options(id, Path.of(bundle == null || bundle.isEmpty() ? "." : bundle),
                a.get("pid-file") == null ? null : Path.of(a.get("pid-file")), a.get("console-socket"),
                a.bool("no-pivot"), a.bool("no-new-keyring"), preserve, mode);
    }

    private static String oneId(Parsed a, String cmd) throws Args.UsageException {
        if (a.positional().size() != 1) {
            throw new Args.UsageException(cmd + ": expected exactly one container id, got "
                    + a.positional().size() + " arguments");
        }
        return a.positional().get(0);
    }

    private static List<Flag> concat(List<Flag> a, List<Flag> b) {
        List<Flag> out = new java.util.ArrayList<>(a);
        out.addAll(b);
        return List.copyOf(out);
    }
}
