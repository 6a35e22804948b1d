package dev.hull.runtime.lifecycle;

import dev.hull.cgroups.CgroupException;
import dev.hull.runtime.HullException;
import dev.hull.runtime.exec.Executor;
import dev.hull.runtime.exec.ExecutorFailure;
import dev.hull.runtime.exec.Message;
import dev.hull.runtime.program.HostFacts;
import dev.hull.runtime.program.LaunchMode;
import dev.hull.runtime.program.ProgramCompiler;
import dev.hull.runtime.program.SetupProgram;
import dev.hull.runtime.security.AppArmorProfile;
import dev.hull.runtime.security.SeccompCache;
import dev.hull.runtime.security.SeccompCompiler;
import dev.hull.runtime.state.ContainerRecord;
import dev.hull.runtime.state.StateStore;
import dev.hull.runtime.state.Status;
import dev.hull.spec.Hooks;
import dev.hull.spec.Linux.Namespace;
import dev.hull.spec.Process;
import dev.hull.spec.Spec;
import dev.hull.spec.SpecException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code exec}: a new process in an existing container, as runc's exec. It joins every namespace
 * of the container's first process, then its cgroup (the runtime moves it in between PID and GO,
 * as create does), and takes the identity and confinement of the process it is given: the
 * container's seccomp filter, LSM label, Landlock rules, no_new_privs, rlimits. In the foreground
 * the executor's parent waits for it, passes signals on and its exit status (128+N for signal N)
 * back; with --detach the command returns once the process has exec'd.
 */
public final class Exec {
    /**
     * The command line. {@code processFile}: an OCI process object replacing everything the
     * other process flags say; {@code tty}: null when -t was not given; {@code stdinNull}: the
     * process reads /dev/null, not the caller's stdin (the engine's exec without -i; runc's exec
     * has no such flag).
     */
    public record Options(String id, Path processFile, List<String> args, Boolean tty, String cwd,
                          List<String> env, String user, List<String> additionalGids, List<String> caps,
                          boolean noNewPrivs, String apparmor, String processLabel, boolean detach,
                          Path pidFile, String consoleSocket, int preserveFds, boolean ignorePaused,
                          List<String> cgroups, boolean stdinNull) {}

    /** Namespace types of the spec and their files under /proc/<pid>/ns. */
    private static final String[][] KINDS = {{"user", "user"}, {"cgroup", "cgroup"}, {"ipc", "ipc"},
        {"uts", "uts"}, {"network", "net"}, {"pid", "pid"}, {"time", "time"}, {"mount", "mnt"}};

    private Exec() {}

    @SuppressWarnings("try") // the lock is held for the body, never referenced
    public static int exec(RuntimeContext ctx, Options o) throws HullException {
        ContainerRecord r = ctx.store().load(o.id());
        Spec config = Create.load(Path.of(r.bundle()));
        Process proc = process(config.process(), o);
        if (proc.terminal() && o.detach() && o.consoleSocket() == null) {
            throw new HullException("exec: cannot allocate a terminal (--tty) for a detached process "
                    + "without --console-socket");
        }
        if (!proc.terminal() && o.consoleSocket() != null) {
            throw new HullException("exec: --console-socket is only used with --tty (or process.terminal)");
        }
        LaunchMode mode = o.detach() ? LaunchMode.RUN_DETACHED
                : proc.terminal() && o.consoleSocket() == null ? LaunchMode.RUN_FOREGROUND_TTY
                : LaunchMode.RUN_FOREGROUND;
        Executor ex = null;
        long pid = 0;
        try (StateStore.Lock held = ctx.store().lock(o.id())) {
            r = ctx.store().load(o.id()); // as it is now that create and delete are kept out
            Status s = ctx.store().status(r);
            if (s == Status.STOPPED) {
                throw new HullException("cannot exec in a stopped container");
            }
            if (s == Status.CREATING) {
                throw new HullException("cannot exec in a container that is being created");
            }
            if (s == Status.PAUSED && !o.ignorePaused()) {
                throw new HullException("cannot exec in a paused container (use --ignore-paused to override)");
            }
            Map<String, String> cgroupDirs = cgroupDirs(r, o.cgroups());
            Spec spec = new Spec(config.ociVersion(), proc, config.root(), config.hostname(),
                    config.domainname(), config.mounts(), Hooks.NONE, config.annotations(),
                    config.linux().withNamespaces(namespaces(r.pid())));
            SetupProgram program = compile(ctx, r, spec, mode, o);
            HostFacts facts = HostFacts.probe();
            if (facts.apparmor()) {
                AppArmorProfile.check(proc.apparmorProfile());
            }
            if (ctx.log().debugging()) {
                for (int i = 0; i < program.steps().size(); i++) {
                    ctx.log().debug("step " + i + ": " + program.describe(i));
                }
            }
            ex = Executor.start(program);
            pid = ex.expect(Message.PID, "starting the process").intAt(0);
            // the init may have exited (and its pid been reused) since the status was read
            if (!StateStore.alive(r)) {
                throw new HullException("cannot exec in a stopped container");
            }
            dev.hull.cgroups.Cgroup.restore(Teardown.cgroup(r).mode(), cgroupDirs).join(pid);
            ex.send(Message.GO, new byte[] {(byte) pid, (byte) (pid >> 8), (byte) (pid >> 16),
                (byte) (pid >> 24)});
            Message m = ex.next(); // end of the channel: the process exec'd its program
            if (m != null && m.type() == Message.ERROR) {
                throw ExecutorFailure.of(m, program);
            }
            if (m != null) {
                throw new HullException("exec: unexpected message " + m.type() + " from the executor");
            }
        } catch (ExecutorFailure f) {
            abort(ex, pid);
            throw new HullException("exec: " + f.getMessage());
        } catch (CgroupException e) {
            abort(ex, pid);
            throw new HullException("exec: " + e.getMessage(), e);
        } catch (HullException e) {
            abort(ex, pid);
            throw e;
        } catch (IOException | RuntimeException e) {
            abort(ex, pid);
            throw new HullException("exec: " + e.getMessage(), e);
        }
        ex.close();
        if (o.pidFile() != null) {
            Create.writePidFile(o.pidFile(), pid);
        }
        if (o.detach()) {
            return 0;
        }
        Run.ignoreSignals();
        try {
            return ex.awaitExit(); // the executor's parent exits with the process's status
        } catch (IOException e) {
            throw new HullException("exec: " + e.getMessage());
        }
    }

    private static SetupProgram compile(RuntimeContext ctx, ContainerRecord r, Spec spec, LaunchMode mode,
                                        Options o) throws HullException {
        try {
            return ProgramCompiler.compileExec(new ProgramCompiler.Input(spec, r.id(), Path.of(r.bundle()),
                    Path.of(r.rootfs()), ctx.store().dir(r.id()), mode, o.consoleSocket(), false, r.noNewKeyring(),
                    o.preserveFds(), o.preserveFds() > 0 ? Executor.preservedFdsOwner() : 0, Map.of(),
                    false, null, new SeccompCache(ctx.store().root(), new SeccompCompiler()),
                    HostFacts.probe(), ctx.log()), o.stdinNull());
        } catch (SpecException e) {
            // the process fields come from the flags or process.json, the rest from config.json
            String m = e.getMessage();
            throw new HullException("exec: " + (m.startsWith("process") ? m : "config.json: " + m));
        } catch (IOException e) {
            throw new HullException("hull-exec: " + e.getMessage());
        }
    }

    /** Nothing of a failed exec stays: the executor and its process end, the cgroup is untouched. */
    private static void abort(Executor ex, long pid) {
        if (ex == null) {
            return;
        }
        ex.close(); // a process waiting for GO exits when it sees the channel close
        if (pid > 0) {
            Optional<ProcessHandle> h = ProcessHandle.of(pid);
            if (h.isPresent()) {
                h.get().destroyForcibly();
            }
        }
        try {
            ex.awaitExit();
        } catch (IOException e) {
            // the front is gone: nothing to wait for
        }
    }

    /**
     * Every namespace of the container's first process that is not already ours (setns(2) into
     * the user namespace one is in fails with EINVAL, and joining our own is a no-op).
     */
    static List<Namespace> namespaces(long pid) throws HullException {
        List<Namespace> out = new ArrayList<>();
        for (String[] k : KINDS) {
            Path theirs = Path.of("/proc", Long.toString(pid), "ns", k[1]);
            try {
                String target = Files.readSymbolicLink(theirs).toString();
                String ours = Files.readSymbolicLink(Path.of("/proc/self/ns", k[1])).toString();
                if (!target.equals(ours)) {
                    out.add(new Namespace(k[0], theirs.toString()));
                }
            } catch (java.nio.file.NoSuchFileException e) {
                if (!Files.exists(Path.of("/proc/self/ns", k[1]))) {
                    continue; // a kernel without this kind of namespace
                }
                throw new HullException("cannot exec in a stopped container");
            } catch (IOException e) {
                throw new HullException("exec: read " + theirs + ": " + e.getMessage());
            }
        }
        return out;
    }

    /**
     * The cgroup directories to join: the container's, or --cgroup's sub-cgroups of them, as runc's
     * {@code [controller[,controller]:]path} (a path alone is for every hierarchy).
     */
    static Map<String, String> cgroupDirs(ContainerRecord r, List<String> cgroups) throws HullException {
        Map<String, String> dirs = new LinkedHashMap<>(r.cgroupDirs());
        Map<String, String> sub = new LinkedHashMap<>();
        String all = null;
        for (String c : cgroups) {
            int colon = c.indexOf(':');
            if (colon < 0) {
                all = c;
                continue;
            }
            for (String ctl : c.substring(0, colon).split(",")) {
                if (!dirs.containsKey(ctl)) {
                    throw new HullException("--cgroup " + c + ": the container has no " + ctl + " cgroup");
                }
                sub.put(ctl, c.substring(colon + 1));
            }
        }
        if (all == null && sub.isEmpty()) {
            return dirs;
        }
        for (Map.Entry<String, String> e : dirs.entrySet()) {
            String rel = sub.containsKey(e.getKey()) ? sub.get(e.getKey()) : all;
            if (rel == null) {
                continue;
            }
            Path base = Path.of(e.getValue());
            Path dir = base.resolve(rel.startsWith("/") ? rel.substring(1) : rel).normalize();
            if (!dir.startsWith(base)) {
                throw new HullException("--cgroup " + rel + ": outside the container's cgroup");
            }
            if (!Files.isDirectory(dir)) {
                throw new HullException("--cgroup " + rel + ": " + dir + " does not exist");
            }
            e.setValue(dir.toString());
        }
        return dirs;
    }

    /**
     * The process to run, as runc's exec builds it: process.json alone when given (the flags
     * other than --tty do not change it); otherwise config.json's process with the flags applied,
     * the terminal off unless --tty.
     */
    static Process process(Process base, Options o) throws HullException {
        if (o.processFile() != null) {
            String what = "--process " + o.processFile();
            Process p;
            try {
                p = dev.hull.spec.SpecParser.parseProcess(Files.readAllBytes(o.processFile()), what);
            } catch (IOException e) {
                throw new HullException(what + ": " + e.getMessage());
            } catch (SpecException e) {
                throw new HullException(e.getMessage());
            }
            if (o.tty() != null) {
                p = with(p, o.tty(), p.args(), p.env(), p.cwd(), p.user(), p.capabilities(),
                        p.noNewPrivileges(), p.apparmorProfile(), p.selinuxLabel());
            }
            validate(p, what + ": ");
            return p;
        }
        if (o.args().isEmpty()) {
            throw new HullException("exec: no command given (the arguments after the container id, or --process)");
        }
        Process.User u = base.user();
        if (o.user() != null) {
            String[] parts = o.user().split(":", 2);
            long uid = id(parts[0], "--user");
            long gid = parts.length > 1 ? id(parts[1], "--user") : u.gid();
            u = new Process.User(uid, gid, u.umask(), u.additionalGids(), u.username());
        }
        if (!o.additionalGids().isEmpty()) {
            List<Long> gids = new ArrayList<>(u.additionalGids());
            for (String g : o.additionalGids()) {
                gids.add(id(g, "--additional-gids"));
            }
            u = new Process.User(u.uid(), u.gid(), u.umask(), gids, u.username());
        }
        Process.Capabilities caps = base.capabilities();
        if (!o.caps().isEmpty()) {
            // as runc 1.1.5: bounding, effective, permitted and ambient, never inheritable
            // (CVE-2022-29162); ambient ones need inheritable, so without it they are left out
            caps = new Process.Capabilities(plus(caps == null ? null : caps.bounding(), o.caps()),
                    plus(caps == null ? null : caps.effective(), o.caps()),
                    caps == null ? null : caps.inheritable(),
                    plus(caps == null ? null : caps.permitted(), o.caps()),
                    plus(caps == null ? null : caps.ambient(), o.caps()));
        }
        List<String> env = new ArrayList<>(base.env());
        env.addAll(o.env());
        Process p = with(base, o.tty() != null && o.tty(), o.args(), dedupe(env),
                o.cwd() != null && !o.cwd().isEmpty() ? o.cwd() : base.cwd(), u, caps,
                o.noNewPrivs() || base.noNewPrivileges(),
                o.apparmor() != null && !o.apparmor().isEmpty() ? o.apparmor() : base.apparmorProfile(),
                o.processLabel() != null && !o.processLabel().isEmpty() ? o.processLabel() : base.selinuxLabel());
        validate(p, "exec: ");
        return p;
    }

    private static void validate(Process p, String prefix) throws HullException {
        try {
            dev.hull.spec.SpecValidator.validateProcess(p);
        } catch (SpecException e) {
            throw new HullException(prefix + e.getMessage());
        }
    }

    private static Process with(Process p, boolean terminal, List<String> args, List<String> env, String cwd,
                                Process.User user, Process.Capabilities caps, boolean noNewPrivs,
                                String apparmor, String label) {
        return new Process(terminal, p.consoleSize(), user, args, p.commandLine(), env, cwd, caps,
                p.rlimits(), noNewPrivs, apparmor, p.oomScoreAdj(), label, p.ioPriority(), p.scheduler());
    }

    private static List<String> plus(List<String> list, List<String> more) {
        List<String> out = list == null ? new ArrayList<>() : new ArrayList<>(list);
        for (String c : more) {
            String name = c.startsWith("CAP_") ? c : "CAP_" + c;
            if (!out.contains(name)) {
                out.add(name);
            }
        }
        return out;
    }

    /** NAME=VALUE with the last value of each name, at the place of its first (Go's os.Setenv). */
    static List<String> dedupe(List<String> env) {
        Map<String, String> m = new LinkedHashMap<>();
        for (String e : env) {
            int eq = e.indexOf('=');
            m.put(eq < 0 ? e : e.substring(0, eq), e);
        }
        return new ArrayList<>(m.values());
    }

    private static long id(String text, String flag) throws HullException {
        try {
            long v = Long.parseLong(text.trim());
            if (v < 0 || v > 0xffffffffL) {
                throw new NumberFormatException();
            }
            return v;
        } catch (NumberFormatException e) {
            throw new HullException(flag + ": \"" + text + "\" is not a numeric id");
        }
    }
}
