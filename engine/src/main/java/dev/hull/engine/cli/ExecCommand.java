package dev.hull.engine.cli;

import dev.hull.engine.Engine;
import dev.hull.engine.EngineException;
import dev.hull.engine.cli.Flags.Flag;
import dev.hull.engine.container.Container;
import dev.hull.engine.container.Exits;
import dev.hull.engine.container.SpecBuilder;
import dev.hull.engine.container.Users;
import dev.hull.runtime.HullException;
import dev.hull.runtime.lifecycle.Exec;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code hull exec [-i] [-t] [-d] [-u USER] [-e K=V] [-w DIR] [--privileged] CONTAINER CMD...}: the
 * runtime's exec, in-process. The user is resolved in the container's /etc/passwd; the process gets
 * the container's environment, capabilities, seccomp profile and confinement.
 */
final class ExecCommand {
    private ExecCommand() {}

    static final List<Flag> FLAGS = List.of(Flag.bool("interactive", 'i'), Flag.bool("tty", 't'),
            Flag.bool("detach", 'd'), Flag.value("user", 'u'), Flag.value("env", 'e'), Flag.value("env-file"),
            Flag.value("workdir", 'w'), Flag.bool("privileged"), Flag.value("detach-keys"));

    static int exec(Engine engine, List<String> args) throws EngineException {
        Flags f = Flags.parse("exec", args, FLAGS, false);
        if (f.positional().size() < 2) {
            throw Flags.usage("exec", "\"hull exec\" requires at least 2 arguments.");
        }
        Container c = Exits.reconcile(engine, engine.containers().find(f.positional().get(0)));
        if (!c.state().running()) {
            throw new EngineException("container " + c.id() + " is not running");
        }
        if (c.state().status().equals("paused")) {
            throw new EngineException("container " + c.id() + " is paused, unpause the container before exec");
        }
        String user = null;
        List<String> gids = new ArrayList<>();
        String spec = f.get("user", SpecBuilder.str(c.config().get("User")));
        Users.User u = Users.resolve(Path.of(c.rootfs()), spec, List.of());
        user = u.uid() + ":" + u.gid();
        for (Long g : u.additionalGids()) {
            gids.add(String.valueOf(g));
        }
        List<String> env = new ArrayList<>();
        for (String e : f.all("env")) {
            env.add(e.contains("=") ? e : e + "=" + (System.getenv(e) == null ? "" : System.getenv(e)));
        }
        List<String> caps = new ArrayList<>();
        if (f.bool("privileged")) {
            caps.addAll(dev.hull.spec.Capabilities.all());
        }
        List<String> cmd = f.positional().subList(1, f.positional().size());
        // without -i the process reads nothing of ours (Docker's): a `while read` loop around
        // `hull exec` keeps its input. With -t alone it gets a terminal that none of our keys reach.
        boolean stdinNull = !f.bool("interactive");
        Exec.Options o = new Exec.Options(c.id(), null, cmd, f.bool("tty") ? Boolean.TRUE : null, f.get("workdir"), env,
                user, gids, caps, false, null, null, f.bool("detach"), null, null, 0, false, List.of(), stdinNull);
        try {
            return Exec.exec(engine.runtime(), o);
        } catch (HullException e) {
            String m = e.getMessage() == null ? "" : e.getMessage();
            if (m.contains("(find ") && m.contains("ENOENT")) {
                throw new EngineException("exec failed: executable file not found in $PATH: " + m, EngineException.NOT_FOUND);
            }
            if (m.contains("(find ") || m.contains("EACCES")) {
                throw new EngineException("exec failed: " + m, EngineException.CANNOT_EXECUTE);
            }
            throw new EngineException("exec failed: " + m, EngineException.CANNOT_EXECUTE);
        }
    }
}
