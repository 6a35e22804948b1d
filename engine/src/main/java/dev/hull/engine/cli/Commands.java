package dev.hull.engine.cli;

import dev.hull.engine.Engine;
import dev.hull.engine.EngineException;
import dev.hull.engine.cli.Flags.Flag;
import dev.hull.engine.container.Container;
import dev.hull.engine.container.ContainerStore;
import dev.hull.engine.container.CreateRequest;
import dev.hull.engine.container.Creator;
import dev.hull.engine.container.Exits;
import dev.hull.engine.container.Remover;
import dev.hull.engine.container.RuntimeView;
import dev.hull.engine.container.Starter;
import dev.hull.engine.container.Stopper;
import dev.hull.runtime.HullException;
import dev.hull.runtime.lifecycle.Pause;
import dev.hull.runtime.lifecycle.Ps;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

/** One case per {@code hull} command; the work is in the engine's classes. */
final class Commands {
    private Commands() {}

    static int dispatch(Engine engine, String cmd, List<String> args, PrintStream out, PrintStream err)
            throws EngineException {
        switch (cmd) {
            case "container" -> {
                if (args.isEmpty()) {
                    throw EngineException.usage("container: expected a command (ls, run, rm, ...)");
                }
                String sub = args.remove(0);
                if (sub.equals("prune")) {
                    return PruneCommands.container(engine, args, out);
                }
                return dispatch(engine, sub.equals("ls") || sub.equals("list") ? "ps" : sub, args, out, err);
            }
            case "run" -> {
                return Main.runContainer(engine, args, out);
            }
            case "create" -> {
                CreateRequest req = RunFlags.parse("create", args);
                out.println(Creator.create(engine, req).id());
                return 0;
            }
            case "start" -> {
                Flags f = Flags.parse(cmd, args, List.of(Flag.bool("attach", 'a'), Flag.bool("interactive", 'i'),
                        Flag.value("detach-keys")), true);
                need(cmd, f, 1);
                if (f.bool("attach")) {
                    if (f.positional().size() != 1) {
                        throw EngineException.usage("start: you cannot start and attach multiple containers at once");
                    }
                    return Starter.start(engine, engine.containers().find(f.positional().get(0)), true,
                            dev.hull.engine.container.DetachKeys.bytes(f.get("detach-keys")));
                }
                return each(f.positional(), err, ref -> {
                    Starter.start(engine, engine.containers().find(ref), false);
                    out.println(ref);
                });
            }
            case "stop", "restart" -> {
                Flags f = Flags.parse(cmd, args, List.of(Flag.value("time", 't'), Flag.value("signal", 's')), true);
                need(cmd, f, 1);
                Long t = f.get("time") == null ? null : Sizes.integer("--time", f.get("time"));
                return each(f.positional(), err, ref -> {
                    Container c = engine.containers().find(ref);
                    Stopper.stop(engine, c, t);
                    if (cmd.equals("restart")) {
                        try (ContainerStore.Lock lock = engine.containers().lock(c.id())) {
                            Container now = engine.containers().load(c.id());
                            engine.containers().save(now.withRestart(now.restartCount(), false));
                        }
                        Starter.start(engine, engine.containers().load(c.id()), false);
                    }
                    out.println(ref);
                });
            }
            case "kill" -> {
                Flags f = Flags.parse(cmd, args, List.of(Flag.value("signal", 's')), true);
                need(cmd, f, 1);
                return each(f.positional(), err, ref -> {
                    Stopper.kill(engine, engine.containers().find(ref), f.get("signal"));
                    out.println(ref);
                });
            }
            case "rm" -> {
                Flags f = Flags.parse(cmd, args, List.of(Flag.bool("force", 'f'), Flag.bool("volumes", 'v'),
                        Flag.bool("link", 'l')), true);
                need(cmd, f, 1);
                if (f.bool("link")) {
                    throw new EngineException("rm --link: hull has no legacy container links (run --link) to remove");
                }
                return each(f.positional(), err, ref -> {
                    Remover.remove(engine, ref, f.bool("force"), f.bool("volumes"));
                    out.println(ref);
                });
            }
            case "ps" -> {
                ContainerViews.ps(engine, Flags.parse(cmd, args, List.of(Flag.bool("all", 'a'), Flag.bool("quiet", 'q'),
                        Flag.value("format"), Flag.bool("no-trunc"), Flag.bool("latest", 'l'), Flag.value("filter", 'f'),
                        Flag.value("last", 'n'), Flag.bool("size", 's')), true), out);
                return 0;
            }
            case "inspect" -> {
                Flags f = Flags.parse(cmd, args, List.of(Flag.value("format", 'f'), Flag.value("type"),
                        Flag.bool("size", 's')), true);
                need(cmd, f, 1);
                return ContainerViews.inspect(engine, f, out, err);
            }
            case "logs" -> {
                Flags f = Flags.parse(cmd, args, List.of(Flag.bool("follow", 'f'), Flag.value("tail", 'n'),
                        Flag.bool("timestamps", 't'), Flag.value("since"), Flag.value("until"), Flag.bool("details")), true);
                need(cmd, f, 1);
                Logs.print(engine, engine.containers().find(f.positional().get(0)), f, out, err);
                return 0;
            }
            case "exec" -> {
                return ExecCommand.exec(engine, args);
            }
            case "wait" -> {
                Flags f = Flags.parse(cmd, args, List.of(), true);
                need(cmd, f, 1);
                return each(f.positional(), err, ref -> {
                    Container c = engine.containers().find(ref);
                    while (true) {
                        c = Exits.reconcile(engine, engine.containers().load(c.id()));
                        if (!c.state().running()) {
                            break;
                        }
                        sleep(50);
                    }
                    out.println(c.state().exitCode());
                });
            }
            case "export" -> {
                Flags f = Flags.parse(cmd, args, List.of(Flag.value("output", 'o')), true);
                if (f.positional().size() != 1) {
                    throw Flags.usage(cmd, "\"hull export\" requires exactly 1 argument.");
                }
                FilesystemViews.export(engine, engine.containers().find(f.positional().get(0)), f.get("output"), out);
                return 0;
            }
            case "commit" -> {
                return CommitCommand.commit(engine, args, out);
            }
            case "diff" -> {
                Flags f = Flags.parse(cmd, args, List.of(), true);
                if (f.positional().size() != 1) {
                    throw Flags.usage(cmd, "\"hull diff\" requires exactly 1 argument.");
                }
                for (String line : FilesystemViews.diff(engine, engine.containers().find(f.positional().get(0)))) {
                    out.println(line);
                }
                return 0;
            }
            case "top" -> {
                Flags f = Flags.parse(cmd, args, List.of(), false);
                need(cmd, f, 1);
                Container c = Main.reconciled(engine, f.positional().get(0));
                if (!c.state().running()) {
                    throw new EngineException("container " + c.id() + " is not running");
                }
                List<String> ps = f.positional().size() > 1 ? f.positional().subList(1, f.positional().size())
                        : List.of("-ef");
                try {
                    Ps.run(engine.runtime(), c.id(), null, ps, out);
                } catch (HullException e) {
                    throw new EngineException(e.getMessage());
                }
                return 0;
            }
            case "stats" -> {
                Stats.run(engine, Flags.parse(cmd, args, List.of(Flag.bool("no-stream"), Flag.value("format"),
                        Flag.bool("all", 'a'), Flag.bool("no-trunc")), true), out);
                return 0;
            }
            case "update" -> {
                return UpdateCommand.update(engine, args, out, err);
            }
            case "pause", "unpause" -> {
                Flags f = Flags.parse(cmd, args, List.of(), true);
                need(cmd, f, 1);
                return each(f.positional(), err, ref -> {
                    Container c = Main.reconciled(engine, ref);
                    if (!c.state().running()) {
                        throw new EngineException("container " + c.id() + " is not running");
                    }
                    try {
                        if (cmd.equals("pause")) {
                            Pause.pause(engine.runtime(), c.id());
                        } else {
                            Pause.resume(engine.runtime(), c.id());
                        }
                    } catch (HullException e) {
                        throw new EngineException(e.getMessage());
                    }
                    try (ContainerStore.Lock lock = engine.containers().lock(c.id())) {
                        Container now = engine.containers().load(c.id());
                        engine.containers().save(now.withState(new Container.State(cmd.equals("pause") ? "paused"
                                : "running", now.state().pid(), 0, false, "", now.state().startedAt(),
                                now.state().finishedAt())));
                    }
                    out.println(ref);
                });
            }
            case "rename" -> {
                Flags f = Flags.parse(cmd, args, List.of(), true);
                if (f.positional().size() != 2) {
                    throw Flags.usage(cmd, "\"hull rename\" requires exactly 2 arguments.");
                }
                ContainerViews.rename(engine, f.positional().get(0), f.positional().get(1));
                return 0;
            }
            case "port" -> {
                Flags f = Flags.parse(cmd, args, List.of(), true);
                need(cmd, f, 1);
                engine.containers().find(f.positional().get(0)); // no published ports without bridge networking
                if (f.positional().size() > 1) {
                    throw new EngineException("No public port '" + f.positional().get(1) + "' published for "
                            + f.positional().get(0));
                }
                return 0;
            }
            case "cp" -> {
                Flags f = Flags.parse(cmd, args, List.of(Flag.bool("archive", 'a'), Flag.bool("follow-link", 'L')), true);
                if (f.positional().size() != 2) {
                    throw Flags.usage(cmd, "\"hull cp\" requires exactly 2 arguments.");
                }
                Copy.run(engine, f.positional().get(0), f.positional().get(1),
                        new Copy.Options(f.bool("archive"), f.bool("follow-link")));
                return 0;
            }
            case "images", "load", "import", "save", "tag", "rmi", "image" -> {
                return ImageCommands.dispatch(engine, cmd, args, out);
            }
            case "system" -> {
                if (args.isEmpty() || !args.get(0).equals("prune")) {
                    throw EngineException.usage("system: expected a command (prune)");
                }
                args.remove(0);
                return PruneCommands.system(engine, args, out);
            }
            case "volume" -> {
                return VolumeCommands.dispatch(engine, args, out);
            }
            case "version" -> {
                out.println("Hull version " + dev.hull.runtime.lifecycle.Version.VERSION + " (OCI runtime-spec 1.2.0)");
                return 0;
            }
            case "container-exited" -> { // run by a container's monitor: not for users
                Flags f = Flags.parse(cmd, args, List.of(), true);
                need(cmd, f, 1);
                Exits.handle(engine, f.positional().get(0));
                return 0;
            }
            case "help" -> {
                out.print(Main.USAGE);
                return 0;
            }
            default -> throw EngineException.usage("unknown command \"" + cmd + "\" for \"hull\"\nRun 'hull --help' for usage.");
        }
    }

    interface Each {
        void apply(String ref) throws EngineException;
    }

    /** Docker's multi-container verbs: go on after a failure, print each error, exit 1 if any failed. */
    static int each(List<String> refs, PrintStream err, Each body) throws EngineException {
        if (refs.size() == 1) {
            body.apply(refs.get(0));
            return 0;
        }
        int code = 0;
        for (String ref : refs) {
            try {
                body.apply(ref);
            } catch (EngineException e) {
                err.println("hull: " + e.getMessage());
                code = 1;
            }
        }
        return code;
    }

    static void need(String cmd, Flags f, int n) throws EngineException {
        if (f.positional().size() < n) {
            throw Flags.usage(cmd, "\"hull " + cmd + "\" requires at least " + n + " argument.");
        }
    }

    static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
