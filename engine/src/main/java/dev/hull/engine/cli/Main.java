package dev.hull.engine.cli;

import dev.hull.engine.Engine;
import dev.hull.engine.EngineException;
import dev.hull.engine.cli.Flags.Flag;
import dev.hull.engine.container.Container;
import dev.hull.engine.container.CreateRequest;
import dev.hull.engine.container.Creator;
import dev.hull.engine.container.Exits;
import dev.hull.engine.container.Remover;
import dev.hull.engine.container.Starter;
import dev.hull.runtime.lifecycle.Log;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * {@code hull}: Docker's command line, daemonless, on Hull's runtime (called in-process). Exit
 * codes are Docker's: 125 for an engine error, 126/127 when the container's command cannot be run
 * or found, else the container's own status.
 */
public final class Main {
    private static final List<Flag> GLOBAL = List.of(Flag.value("root"), Flag.value("runroot"),
            Flag.bool("debug", 'D'), Flag.bool("version", 'v'), Flag.bool("help"), Flag.value("log-level", 'l'));

    static final String USAGE = """
            Usage:  hull [OPTIONS] COMMAND

            A daemonless container engine with Docker's command line, on Hull's OCI runtime.

            Containers:
              run        Create and run a new container from an image
              create     Create a new container
              start      Start one or more stopped containers (-a to attach)
              stop       Stop one or more running containers (-t SECONDS)
              restart    Restart one or more containers
              kill       Kill one or more running containers (-s SIGNAL)
              rm         Remove one or more containers (-f, -v)
              ps         List containers (-a, -q, --format, --no-trunc)
              inspect    Return low-level information on containers or images (--format)
              logs       Fetch the logs of a container (-f, --tail N, -t, --since, --until)
              exec       Execute a command in a running container (-i, -t, -d, -u, -e, -w)
              wait       Block until containers stop, then print their exit codes
              top        Display the running processes of a container
              stats      Display a live stream of container resource usage (--no-stream, --format)
              update     Update the resources of containers
              pause      Pause all processes within containers
              unpause    Unpause all processes within containers
              rename     Rename a container
              port       List port mappings of a container
              cp         Copy files between a container and the host (-a, -L)
              commit     Create a new image from a container's changes (-m, -a, -c, -p)
              diff       Inspect changes to files or directories on a container's filesystem
              export     Export a container's filesystem as a tar archive (-o FILE)

            Images:
              images     List images (-q, --format)
              load       Load an image from a docker save or OCI archive (-i FILE)
              import     Import a root filesystem tarball as an image
              save       Save images to a docker-archive and OCI tar (-o FILE, or stdout)
              tag        Create a tag TARGET_IMAGE that refers to SOURCE_IMAGE
              rmi        Remove one or more images (-f)
              image      Manage images (ls, inspect, load, import, save, tag, rm)

            Volumes:
              volume     Manage volumes (create, ls, inspect, rm, prune)

            Cleaning up:
              container prune   Remove all stopped containers (-f)
              image prune       Remove unused images (-a, -f)
              system prune      Remove stopped containers and unused images (-a, --volumes, -f)

            Global options:
              --root DIR      storage (default /var/lib/hull)
              --runroot DIR   runtime state (default /run/hull-engine)
              -D, --debug     print the runtime's setup steps
              -l, --log-level debug|info|warn|error|fatal
            """;

    private Main() {}

    public static void main(String[] argv) {
        int code = run(argv, System.out, System.err);
        System.out.flush();
        System.err.flush();
        // halt, not exit: nothing registers a shutdown hook, and the orderly shutdown of an
        // interpreted JVM costs ~20 ms of every command (measured: `hull version` 65 → 45 ms)
        if (System.getProperty("hull.noHalt") != null) {
            System.exit(code); // for profiling: a JFR recording is written by the orderly shutdown
        }
        // the front exits with the code now, while this JVM's teardown goes on (~5 ms)
        dev.hull.runtime.exec.Executor.finished(code);
        Runtime.getRuntime().halt(code);
    }

    static int run(String[] argv, PrintStream out, PrintStream err) {
        dev.hull.runtime.Trace.mark("main");
        Log log = Log.stderr();
        String cmd = "";
        try {
            Flags g = Flags.parse("", Arrays.asList(argv), GLOBAL, false);
            if (g.bool("version")) {
                out.println("Hull version " + dev.hull.runtime.lifecycle.Version.VERSION);
                return 0;
            }
            if (g.bool("help") || g.positional().isEmpty()) {
                (g.bool("help") ? out : err).print(USAGE);
                return g.bool("help") ? 0 : EngineException.ENGINE;
            }
            String level = g.get("log-level", "info");
            if (!List.of("debug", "info", "warn", "error", "fatal").contains(level)) {
                throw EngineException.usage("--log-level " + level + ": expected debug, info, warn, error or fatal");
            }
            log = new Log(null, false, g.bool("debug") || level.equals("debug"), err);
            String self = System.getProperty("hull.self", "hull");
            Engine engine = new Engine(Path.of(g.get("root", env("HULL_ROOT", "/var/lib/hull"))),
                    Path.of(g.get("runroot", env("HULL_RUNROOT", "/run/hull-engine"))), Path.of(self), log);
            List<String> rest = new ArrayList<>(g.positional());
            cmd = rest.remove(0);
            if (cmd.equals("container") && !rest.isEmpty()) {
                cmd = rest.get(0);
            }
            return Commands.dispatch(engine, g.positional().get(0), rest, out, err);
        } catch (EngineException e) {
            err.println("hull: " + e.getMessage());
            return e.exitCodeOf(cmd);
        } catch (RuntimeException e) {
            err.println("hull: internal error: " + e);
            if (log.debugging()) {
                e.printStackTrace(err);
            }
            return EngineException.ENGINE;
        }
    }

    private static String env(String name, String otherwise) {
        String v = System.getenv(name);
        return v == null || v.isEmpty() ? otherwise : v;
    }

    /** {@code hull run}: create, start, and unless detached wait for the exit status. */
    static int runContainer(Engine engine, List<String> args, PrintStream out) throws EngineException {
        CreateRequest req = RunFlags.parse("run", args);
        dev.hull.runtime.Trace.mark("flags parsed");
        Container c = Creator.create(engine, req);
        dev.hull.runtime.Trace.mark("container created");
        if (req.detach()) {
            try {
                Starter.start(engine, c, false);
            } catch (EngineException e) {
                removeQuietly(engine, c);
                removeCidFile(req);
                throw e;
            }
            out.println(c.id());
            return 0;
        }
        try {
            return Starter.start(engine, c, true, req.detachKeys());
        } catch (EngineException e) {
            removeQuietly(engine, c);
            removeCidFile(req);
            throw e;
        }
    }

    /** A failed run leaves no --cidfile either: it would name a container that is gone. */
    private static void removeCidFile(CreateRequest req) {
        if (req.cidFile() != null) {
            try {
                java.nio.file.Files.deleteIfExists(Path.of(req.cidFile()));
            } catch (java.io.IOException e) {
                // said by the error at hand
            }
        }
    }

    /** A run that failed leaves no container behind (Docker keeps it; the issue asks for nothing left). */
    private static void removeQuietly(Engine engine, Container c) {
        try {
            Remover.remove(engine, c.id(), true, true);
        } catch (EngineException e) {
            engine.log().warn("removing " + c.name() + " after its failed start: " + e.getMessage());
        }
    }

    static Container reconciled(Engine engine, String ref) throws EngineException {
        return Exits.reconcile(engine, engine.containers().find(ref));
    }
}
