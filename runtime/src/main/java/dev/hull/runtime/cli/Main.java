package dev.hull.runtime.cli;

import dev.hull.runtime.HullException;
import dev.hull.runtime.cli.Args.Flag;
import dev.hull.runtime.cli.Args.Parsed;
import dev.hull.runtime.lifecycle.Create;
import dev.hull.runtime.lifecycle.Delete;
import dev.hull.runtime.lifecycle.Features;
import dev.hull.runtime.lifecycle.Inspect;
import dev.hull.runtime.lifecycle.Kill;
import dev.hull.runtime.lifecycle.Events;
import dev.hull.runtime.lifecycle.Exec;
import dev.hull.runtime.lifecycle.Log;
import dev.hull.runtime.lifecycle.Pause;
import dev.hull.runtime.lifecycle.Ps;
import dev.hull.runtime.lifecycle.Update;
import dev.hull.runtime.lifecycle.Run;
import dev.hull.runtime.lifecycle.RuntimeContext;
import dev.hull.runtime.lifecycle.SpecTemplate;
import dev.hull.runtime.lifecycle.Start;
import dev.hull.runtime.lifecycle.Version;
import dev.hull.runtime.program.LaunchMode;
import dev.hull.runtime.program.Monitor;
import dev.hull.runtime.state.StateStore;
import dev.hull.spec.Resources;
import dev.hull.spec.SpecException;
import dev.hull.spec.SpecParser;
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
            new Flag(true, "pidfd-socket"),
            // hidden, for tests of the executor's monitor (program.Monitor): the engine calls
            // Create/Run in-process instead; attached when run without --detach
            new Flag(true, "monitor-log"), new Flag(true, "monitor-exit"), new Flag(true, "monitor-on-exit"),
            new Flag(false, "monitor-stdin"));

    private static final List<Flag> RUN = concat(CREATE, List.of(new Flag(false, "detach", "d"),
            new Flag(false, "keep"), new Flag(false, "no-subreaper")));

    private static final String USAGE = """
            usage: hull-runtime [global options] command [options] [arguments]

            A runc-compatible OCI runtime.

            commands:
              spec      write a default config.json          (--bundle DIR, --rootless)
              create    create a container from a bundle      (--bundle, --pid-file, --console-socket,
                                                               --no-pivot, --no-new-keyring, --preserve-fds,
                                                               --pidfd-socket)
              start     start a created container
              run       create and start, wait, delete        (create's options, --detach, --keep)
              state     print the OCI state of a container
              kill      send a signal (default SIGTERM)       (--all)
              delete    delete a container                    (--force)
              update    change a container's resources        (--resources FILE|-, --memory, --cpu-quota, ...)
              pause     freeze a running container's processes
              resume    thaw a paused container
              events    resource statistics and OOM events    (--stats, --interval 5s)
              exec      run a process in a container          (ID CMD ARGS... or --process FILE; --tty,
                                                               --detach, --env, --user, --cwd, --cap, ...)
              ps        the container's processes             (--format table|json, then ps options)
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
        System.err.flush();
        // halt, not exit: nothing registers a shutdown hook, and the orderly shutdown of an
        // interpreted JVM costs ~20 ms of every command (measured: `hull version` 65 → 45 ms)
        Runtime.getRuntime().halt(code);
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
            case "update" -> {
                Parsed a = Args.parse(rest, UPDATE, false);
                Update.update(ctx, oneId(a, cmd), updateResources(a));
                return 0;
            }
            case "pause" -> {
                Pause.pause(ctx, oneId(Args.parse(rest, List.of(), false), cmd));
                return 0;
            }
            case "resume" -> {
                Pause.resume(ctx, oneId(Args.parse(rest, List.of(), false), cmd));
                return 0;
            }
            case "events" -> {
                Parsed a = Args.parse(rest, List.of(new Flag(false, "stats"), new Flag(true, "interval")), false);
                Events.run(ctx, oneId(a, cmd), a.bool("stats"), interval(a.get("interval")), out);
                return 0;
            }
            case "ps" -> {
                // ps options follow the id and belong to ps(1): stop at the id
                Parsed a = Args.parse(rest, List.of(new Flag(true, "format", "f")), true);
                if (a.positional().isEmpty()) {
                    throw new Args.UsageException("ps: expected a container id");
                }
                Ps.run(ctx, a.positional().get(0), a.get("format"),
                        a.positional().subList(1, a.positional().size()), out);
                return 0;
            }
            case "exec" -> {
                // the command and its arguments follow the id and are the container's: stop at the id
                Parsed a = Args.parse(rest, EXEC, true);
                if (a.positional().isEmpty()) {
                    throw new Args.UsageException("exec: expected a container id");
                }
                return Exec.exec(ctx, execOptions(a));
            }
            case "checkpoint", "restore" ->
                throw new HullException(cmd + " is not implemented yet");
            default -> throw new Args.UsageException("unknown command \"" + cmd + "\"");
        }
    }

    static final List<Flag> EXEC = List.of(new Flag(true, "process", "p"), new Flag(false, "tty", "t"),
            new Flag(true, "cwd"), new Flag(true, "env", "e"), new Flag(true, "user", "u"),
            new Flag(true, "additional-gids", "g"), new Flag(true, "cap", "c"), new Flag(false, "no-new-privs"),
            new Flag(true, "apparmor"), new Flag(true, "process-label"), new Flag(false, "detach", "d"),
            new Flag(true, "pid-file"), new Flag(true, "console-socket"), new Flag(true, "preserve-fds"),
            new Flag(false, "ignore-paused"), new Flag(true, "cgroup"));

    static Exec.Options execOptions(Parsed a) throws Args.UsageException {
        List<String> pos = a.positional();
        return new Exec.Options(pos.get(0), a.get("process") == null ? null : Path.of(a.get("process")),
                pos.subList(1, pos.size()), a.get("tty") == null ? null : a.bool("tty"), a.get("cwd"),
                a.all("env"), a.get("user"), a.all("additional-gids"), a.all("cap"), a.bool("no-new-privs"),
                a.get("apparmor"), a.get("process-label"), a.bool("detach"),
                a.get("pid-file") == null ? null : Path.of(a.get("pid-file")), a.get("console-socket"),
                preserveFds(a), a.bool("ignore-paused"), a.all("cgroup"), false);
    }

    private static int preserveFds(Parsed a) throws Args.UsageException {
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
        return preserve;
    }

    static final List<Flag> UPDATE = List.of(new Flag(true, "resources", "r"),
            new Flag(true, "blkio-weight"), new Flag(true, "cpu-period"), new Flag(true, "cpu-quota"),
            new Flag(true, "cpu-burst"), new Flag(true, "cpu-share"), new Flag(true, "cpu-rt-period"),
            new Flag(true, "cpu-rt-runtime"), new Flag(true, "cpuset-cpus"), new Flag(true, "cpuset-mems"),
            new Flag(true, "cpu-idle"), new Flag(true, "kernel-memory"), new Flag(true, "kernel-memory-tcp"),
            new Flag(true, "memory"), new Flag(true, "memory-reservation"), new Flag(true, "memory-swap"),
            new Flag(true, "pids-limit"), new Flag(true, "l3-cache-schema"), new Flag(true, "mem-bw-schema"));

    /** The resources an update sets: those of --resources FILE|-, then the flags on top. */
    static Resources updateResources(Parsed a) throws Args.UsageException, HullException {
        if (a.get("l3-cache-schema") != null || a.get("mem-bw-schema") != null) {
            throw new HullException("Intel RDT (--l3-cache-schema, --mem-bw-schema) is not supported");
        }
        Resources file = Resources.EMPTY;
        String path = a.get("resources");
        if (path != null) {
            try {
                byte[] json = path.equals("-") ? System.in.readAllBytes() : java.nio.file.Files.readAllBytes(Path.of(path));
                file = SpecParser.parseResources(json, "--resources " + path);
            } catch (java.io.IOException e) {
                throw new HullException("--resources " + path + ": " + e.getMessage());
            } catch (SpecException e) {
                throw new HullException(e.getMessage());
            }
        }
        Long memory = ram(a, "memory"), reservation = ram(a, "memory-reservation"), swap = ram(a, "memory-swap"),
                kernel = ram(a, "kernel-memory"), kernelTCP = ram(a, "kernel-memory-tcp");
        Resources.Memory mem = memory == null && reservation == null && swap == null && kernel == null && kernelTCP == null
                ? null : new Resources.Memory(memory, reservation, swap, kernel, kernelTCP, null, null, null, null);
        Long shares = num(a, "cpu-share"), quota = num(a, "cpu-quota"), burst = num(a, "cpu-burst"),
                period = num(a, "cpu-period"), rtRuntime = num(a, "cpu-rt-runtime"), rtPeriod = num(a, "cpu-rt-period"),
                idle = num(a, "cpu-idle");
        String cpus = a.get("cpuset-cpus"), mems = a.get("cpuset-mems");
        Resources.Cpu cpu = shares == null && quota == null && burst == null && period == null && rtRuntime == null
                && rtPeriod == null && idle == null && cpus == null && mems == null ? null
                : new Resources.Cpu(shares, quota, burst, period, rtRuntime, rtPeriod, cpus, mems, idle);
        Long pids = num(a, "pids-limit"), weight = num(a, "blkio-weight");
        Resources flags = new Resources(null, mem, cpu, pids == null ? null : new Resources.Pids(pids),
                weight == null ? null : new Resources.BlockIO(weight.intValue(), null, null, null, null, null, null),
                null, null, null, null);
        return dev.hull.runtime.lifecycle.Limits.merge(file, flags);
    }

    private static Long ram(Parsed a, String flag) throws Args.UsageException {
        return a.get(flag) == null ? null : Units.ramInBytes(flag, a.get(flag));
    }

    private static Long num(Parsed a, String flag) throws Args.UsageException {
        if (a.get(flag) == null) {
            return null;
        }
        try {
            return Long.parseLong(a.get(flag).trim());
        } catch (NumberFormatException e) {
            throw new Args.UsageException("--" + flag + ": \"" + a.get(flag) + "\" is not a number");
        }
    }

    /** Go durations as runc's --interval takes them: "5s", "500ms", "1m"; default 5s. */
    private static long interval(String text) throws Args.UsageException {
        if (text == null) {
            return 5000;
        }
        String t = text.trim();
        try {
            if (t.endsWith("ms")) {
                return Long.parseLong(t.substring(0, t.length() - 2));
            } else if (t.endsWith("s")) {
                return (long) (Double.parseDouble(t.substring(0, t.length() - 1)) * 1000);
            } else if (t.endsWith("m")) {
                return (long) (Double.parseDouble(t.substring(0, t.length() - 1)) * 60_000);
            }
        } catch (NumberFormatException e) {
            // the message below
        }
        throw new Args.UsageException("--interval: invalid duration \"" + text + "\" (e.g. 5s, 500ms)");
    }

    private static Create.Options createOptions(Parsed a, String id, LaunchMode mode) throws Args.UsageException, HullException {
        int preserve = preserveFds(a);
        String bundleFlag = a.get("bundle");
        Path bundle = Path.of(bundleFlag == null || bundleFlag.isEmpty() ? "." : bundleFlag);
        // socket activation: systemd's fds first (3 on), then the --preserve-fds ones, as runc
        int listen = SocketActivation.fds(System.getenv());
        Object config = listen > 0 ? SocketActivation.config(bundle, listen) : null;
        return new Create.Options(id, bundle,
                a.get("pid-file") == null ? null : Path.of(a.get("pid-file")), a.get("console-socket"),
                a.bool("no-pivot"), a.bool("no-new-keyring"), config != null ? listen + preserve : preserve, mode,
                a.get("pidfd-socket") == null ? null : Path.of(a.get("pidfd-socket")), monitor(a, mode), config);
    }

    /** The hidden --monitor-* flags: --monitor-on-exit once per argv element. */
    private static Monitor monitor(Parsed a, LaunchMode mode) throws Args.UsageException {
        if (a.get("monitor-log") == null && a.get("monitor-exit") == null) {
            return null;
        }
        if (a.get("monitor-log") == null || a.get("monitor-exit") == null) {
            throw new Args.UsageException("--monitor-log and --monitor-exit go together");
        }
        try {
            return new Monitor(Path.of(a.get("monitor-log")), Path.of(a.get("monitor-exit")),
                    mode == LaunchMode.RUN_FOREGROUND, a.bool("monitor-stdin"), a.all("monitor-on-exit"));
        } catch (IllegalArgumentException e) {
            throw new Args.UsageException(e.getMessage());
        }
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
