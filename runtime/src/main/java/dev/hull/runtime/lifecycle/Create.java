package dev.hull.runtime.lifecycle;

import dev.hull.cgroups.Cgroup;
import dev.hull.cgroups.CgroupException;
import dev.hull.cgroups.CgroupHost;
import dev.hull.cgroups.CgroupMode;
import dev.hull.cgroups.CgroupPath;
import dev.hull.cgroups.DeviceFilter;
import dev.hull.cgroups.DeviceRules;
import dev.hull.runtime.HullException;
import dev.hull.runtime.Trace;
import dev.hull.runtime.exec.Executor;
import dev.hull.runtime.exec.ExecutorFailure;
import dev.hull.runtime.exec.Message;
import dev.hull.runtime.program.HostFacts;
import dev.hull.runtime.program.LaunchMode;
import dev.hull.runtime.program.Monitor;
import dev.hull.runtime.program.ProgramCompiler;
import dev.hull.runtime.program.SetupProgram;
import dev.hull.runtime.security.AppArmorProfile;
import dev.hull.runtime.security.SeccompCache;
import dev.hull.runtime.security.SeccompCompiler;
import dev.hull.runtime.state.ContainerRecord;
import dev.hull.runtime.state.StateStore;
import dev.hull.runtime.state.Status;
import dev.hull.spec.IdMapping;
import dev.hull.spec.Linux;
import dev.hull.spec.Resources;
import dev.hull.spec.ResourcesJson;
import dev.hull.spec.json.Json;
import dev.hull.spec.Spec;
import dev.hull.spec.SpecException;
import dev.hull.spec.SpecParser;
import dev.hull.spec.SpecValidator;
import dev.hull.sys.ProcStat;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code create}: everything up to a container whose process exists in all its namespaces and
 * cgroups and waits for {@code start}. All checks that can fail run before anything is made;
 * after that, a failure takes back everything made so far.
 */
public final class Create {

    /**
     * {@code monitor}: null, or the container's monitor (the executor's parent stays its parent,
     * logs its output, records its exit): detached with {@link LaunchMode#CREATE} or
     * {@link LaunchMode#RUN_DETACHED}, attached with {@link LaunchMode#RUN_FOREGROUND}.
     * {@code config}: null to read the bundle's config.json, or what it holds as a caller in the
     * same JVM already has it, in {@link Json#tree}'s form (the engine, which has just written
     * it: reading it back would cost milliseconds); it is checked the same way.
     */
    public record Options(String id, Path bundle, Path pidFile, String consoleSocket, boolean noPivot,
                          boolean noNewKeyring, int preserveFds, LaunchMode mode, Path pidfdSocket,
                          Monitor monitor, Object config) {

        /** Reading the bundle's config.json. */
        public Options(String id, Path bundle, Path pidFile, String consoleSocket, boolean noPivot,
                       boolean noNewKeyring, int preserveFds, LaunchMode mode, Path pidfdSocket,
                       Monitor monitor) {
            this(id, bundle, pidFile, consoleSocket, noPivot, noNewKeyring, preserveFds, mode, pidfdSocket,
                    monitor, null);
        }
    }

    /** A created container, with the executor session still open (run keeps using it). */
    public record Created(ContainerRecord record, Executor executor) {}

    private Create() {}

    public static Created create(RuntimeContext ctx, Options o) throws HullException {
        StateStore.checkId(o.id());
        StateStore store = ctx.store();
        if (store.exists(o.id()) || Files.exists(store.dir(o.id()))) {
            throw new HullException("container \"" + o.id() + "\" already exists");
        }
        Path bundle = o.bundle().toAbsolutePath().normalize();
        Spec spec = o.config() != null ? checked(o.config()) : load(bundle);
        Trace.mark("config read");
        Path rootfs = rootfs(bundle, spec);
        checkTerminal(spec, o);
        LaunchMode mode = o.mode();
        checkMonitor(o);
        if (mode == LaunchMode.RUN_FOREGROUND && spec.process().terminal() && o.consoleSocket() == null
                && o.monitor() == null) {
            mode = LaunchMode.RUN_FOREGROUND_TTY; // the executor's parent proxies the pty to our stdio
        }

        CgroupHost host;
        Cgroup cgroup;
        try {
            host = CgroupHost.probe();
            String path = CgroupPath.resolve(spec.linux().cgroupsPath(), o.id(), ctx.systemdCgroup(),
                    Files.isDirectory(Path.of("/run/systemd/system")));
            cgroup = Cgroup.of(host, path);
        } catch (IOException e) {
            // a cgroupsPath problem is a config.json field like any other
            String msg = e.getMessage();
            throw new HullException(msg != null && msg.startsWith("linux.") ? "config.json: " + msg : msg);
        }
        Trace.mark("cgroup host probed");
        Resources resources = spec.linux().resources() == null ? Resources.EMPTY : spec.linux().resources();
        List<Object> devices = Limits.devicesJson(spec.linux().devices());
        DeviceRules.Effective access = DeviceRules.compute(Limits.deviceRules(resources.devices(), devices));
        SetupProgram program;
        HostFacts facts = HostFacts.probe();
        try {
            program = ProgramCompiler.compile(new ProgramCompiler.Input(spec, o.id(), bundle, rootfs,
                    store.dir(o.id()), mode, o.consoleSocket(), o.noPivot(), o.noNewKeyring(),
                    o.preserveFds(), o.preserveFds() > 0 ? Executor.preservedFdsOwner() : 0,
                    cgroup.dirs(), host.mode() == CgroupMode.V2,
                    host.mode() == CgroupMode.V2 ? DeviceFilter.program(access) : null,
                    new SeccompCache(store.root(), new SeccompCompiler()), facts,
                    ctx.log(), o.monitor()));
        } catch (SpecException e) {
            throw new HullException("config.json: " + e.getMessage());
        } catch (IOException e) {
            throw new HullException("hull-exec: " + e.getMessage());
        }
        Trace.mark("program compiled");
        if (facts.apparmor()) {
            AppArmorProfile.check(spec.process().apparmorProfile()); // before anything is made
        }
        if (ctx.log().debugging()) {
            for (int i = 0; i < program.steps().size(); i++) {
                ctx.log().debug("step " + i + ": " + program.describe(i));
            }
        }

        store.create(o.id());
        ContainerRecord rec = new ContainerRecord(spec.ociVersion(), o.id(), ContainerRecord.CREATING,
                0, 0, bundle.toString(), rootfs.toString(), Timestamps.now(), spec.annotations(),
                host.mode().label(), cgroup.savedDirs(), List.of(), spec.linux().namespace("pid") != null
                        && isEmpty(spec.linux().namespace("pid").path()),
                spec.hooks().poststart(), spec.hooks().poststop(), ResourcesJson.toJson(resources), devices,
                o.noNewKeyring());
        Executor ex = null;
        try {
            store.save(rec);
            List<Path> made = cgroup.create();
            List<String> madeNames = new ArrayList<>();
            for (Path made1 : made) {
                madeNames.add(made1.toString());
            }
            rec = rec.withCgroupCreated(madeNames);
            store.save(rec);
            // limits before the container joins: nothing runs in the cgroup unlimited
            cgroup.apply(resources, access, false, ctx.log());

            Trace.mark("cgroup made");
            ex = Executor.start(program);
            Trace.mark("executor spawned");
            Message pidMsg = ex.expect(Message.PID, "starting the container process");
            long pid = pidMsg.intAt(0);
            Trace.mark("pid received");
            ProcStat st = ProcStat.read(pid);
            rec = rec.withPid(pid, st == null ? 0 : st.startTime());
            store.save(rec);

            writeIdMaps(spec.linux(), pid);
            cgroup.join(pid);
            if (spec.process().oomScoreAdj() != null) {
                writeProc(pid, "oom_score_adj", spec.process().oomScoreAdj().toString(), "process.oomScoreAdj");
            }
            // C's pid as the host sees it (in its pid namespace it is 1): the seccomp agent gets it
            ex.send(Message.GO, new byte[] {(byte) pid, (byte) (pid >> 8), (byte) (pid >> 16),
                (byte) (pid >> 24)});
            Trace.mark("GO sent");
            for (;;) {
                Message m = ex.next();
                if (m == null) {
                    throw new HullException("the container process exited during setup");
                }
                if (m.type() == Message.ERROR) {
                    throw ExecutorFailure.of(m, program);
                }
                if (m.type() == Message.HOOKS) {
                    byte[] state = OciState.bytes(rec, Status.CREATING);
                    HookRunner.run(spec.hooks().prestart(), "prestart", state);
                    HookRunner.run(spec.hooks().createRuntime(), "createRuntime", state);
                    ex.send(Message.HOOKS_DONE, state);
                } else if (m.type() == Message.CREATED) {
                    break;
                } else {
                    throw new HullException("unexpected message " + m.type() + " from the executor");
                }
            }
            Trace.mark("created");
            rec = rec.withPhase(ContainerRecord.CREATED);
            store.save(rec);
            if (o.pidfdSocket() != null) {
                sendPidfd(o.pidfdSocket(), pid);
            }
            if (o.pidFile() != null) {
                writePidFile(o.pidFile(), pid);
            }
            if (o.mode() == LaunchMode.CREATE) {
                ex.close();
                ex = null;
            }
            return new Created(rec, ex);
        } catch (ExecutorFailure f) {
            abort(ctx, rec, ex);
            throw new HullException(f.getMessage());
        } catch (HullException e) {
            abort(ctx, rec, ex);
            throw e;
        } catch (CgroupException e) {
            // its message already names the field, the file and the errno, like a config error
            abort(ctx, rec, ex);
            throw new HullException(e.getMessage(), e);
        } catch (IOException | RuntimeException e) {
            if (ctx.log().debugging()) {
                e.printStackTrace();
            }
            abort(ctx, rec, ex);
            throw new HullException("create: " + e.getMessage(), e);
        }
    }

    private static boolean isEmpty(String s) {
        return s == null || s.isEmpty();
    }

    static Spec load(Path bundle) throws HullException {
        Path config = bundle.resolve("config.json");
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(config);
        } catch (NoSuchFileException e) {
            throw new HullException("no config.json in bundle " + bundle);
        } catch (IOException e) {
            throw new HullException("read " + config + ": " + e.getMessage());
        }
        try {
            Spec spec = SpecParser.parse(bytes);
            SpecValidator.validate(spec);
            return spec;
        } catch (SpecException e) {
            throw configError(e);
        }
    }

    private static Spec checked(Object config) throws HullException {
        try {
            Spec spec = SpecParser.fromTree(config);
            SpecValidator.validate(spec);
            return spec;
        } catch (SpecException e) {
            throw configError(e);
        }
    }

    private static HullException configError(SpecException e) {
        // the parser's JSON syntax errors already begin with "config.json is not valid JSON"
        String m = e.getMessage();
        return new HullException(m.startsWith("config.json ") ? m : "config.json: " + m);
    }

    private static Path rootfs(Path bundle, Spec spec) throws HullException {
        Path root = bundle.resolve(spec.root().path()).normalize();
        if (!Files.isDirectory(root)) {
            throw new HullException("config.json: root.path: " + root
                    + (Files.exists(root) ? " is not a directory" : " does not exist"));
        }
        try {
            return root.toRealPath();
        } catch (IOException e) {
            throw new HullException("config.json: root.path: " + root + ": " + e.getMessage());
        }
    }

    private static void checkMonitor(Options o) throws HullException {
        Monitor m = o.monitor();
        if (m == null) {
            return;
        }
        boolean detached = o.mode() == LaunchMode.CREATE || o.mode() == LaunchMode.RUN_DETACHED;
        if (m.attach() == detached) {
            throw new HullException(m.attach() ? "an attached monitor needs a foreground run"
                    : "a detached monitor needs create or a detached run");
        }
        if (o.consoleSocket() != null) {
            throw new HullException("--console-socket and a monitor: the monitor holds the terminal itself");
        }
    }

    private static void checkTerminal(Spec spec, Options o) throws HullException {
        boolean detached = o.mode() == LaunchMode.CREATE || o.mode() == LaunchMode.RUN_DETACHED;
        // a monitor takes the pty master itself
        if (spec.process().terminal() && detached && o.consoleSocket() == null && o.monitor() == null) {
            throw new HullException("process.terminal is true but no --console-socket was given: "
                    + "a detached container needs somewhere to send its terminal");
        }
        if (!spec.process().terminal() && o.consoleSocket() != null) {
            throw new HullException("--console-socket is only used when process.terminal is true");
        }
    }

    /** As root, the runtime writes the maps itself (no newuidmap): setgroups stays allowed. */
    private static void writeIdMaps(Linux linux, long pid) throws HullException {
        var user = linux.namespace("user");
        if (user == null || !isEmpty(user.path())) {
            return;
        }
        writeProc(pid, "uid_map", maps(linux.uidMappings()), "linux.uidMappings");
        writeProc(pid, "gid_map", maps(linux.gidMappings()), "linux.gidMappings");
    }

    private static String maps(List<IdMapping> ms) {
        StringBuilder b = new StringBuilder();
        for (IdMapping m : ms) {
            b.append(m.containerID()).append(' ').append(m.hostID()).append(' ').append(m.size()).append('\n');
        }
        return b.toString();
    }

    private static void writeProc(long pid, String file, String value, String field) throws HullException {
        Path p = Path.of("/proc", Long.toString(pid), file);
        try {
            Files.writeString(p, value);
        } catch (IOException e) {
            String reason = e instanceof java.nio.file.FileSystemException fse && fse.getReason() != null
                    ? fse.getReason() : e.getMessage();
            throw new HullException(field + ": write " + p + ": " + reason);
        }
    }

    /**
     * --pidfd-socket: a pidfd of the container's first process, sent with SCM_RIGHTS and the
     * message "standard" over a connection to the socket, as runc 1.2's init does. The JVM does
     * it (FFM: only a create that asks pays for the downcall handles): the process waits for
     * start, a child of its executor, so its pid cannot have been reused.
     */
    static void sendPidfd(Path socket, long pid) throws HullException {
        int pidfd = -1;
        try (dev.hull.sys.UnixSocket conn = dev.hull.sys.UnixSocket.connect(socket)) {
            pidfd = dev.hull.sys.LibC.pidfdOpen(pid);
            conn.sendFd("standard".getBytes(java.nio.charset.StandardCharsets.US_ASCII), pidfd);
        } catch (dev.hull.sys.SysException e) {
            throw new HullException("--pidfd-socket " + socket + ": " + e.getMessage());
        } finally {
            if (pidfd >= 0) {
                dev.hull.sys.UnixSocket.closeFd(pidfd);
            }
        }
    }

    /** Written to a temp file and renamed, so a reader never sees half a pid. */
    static void writePidFile(Path file, long pid) throws HullException {
        Path abs = file.toAbsolutePath();
        Path tmp = abs.resolveSibling("." + abs.getFileName() + ".tmp");
        try {
            Files.writeString(tmp, Long.toString(pid));
            Files.move(tmp, abs, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new HullException("--pid-file " + file + ": " + e.getMessage());
        }
    }

    /** Takes back a failed create: the process, the executor, the cgroup, the state directory. */
    static void abort(RuntimeContext ctx, ContainerRecord rec, Executor ex) {
        if (ex != null) {
            ex.close(); // the container process exits when it sees the channel close
        }
        List<Path> created = new ArrayList<>();
        for (String s : rec.cgroupCreated()) {
            created.add(Path.of(s));
        }
        Cgroup cg = Teardown.cgroup(rec);
        // only a cgroup this create made holds nothing but ours: never kill in a borrowed one
        Teardown.killAll(rec, cg.madeBy(created));
        if (ex != null) {
            try {
                ex.awaitExit();
            } catch (IOException e) {
                // the front is gone: nothing to wait for
            }
        }
        try {
            cg.undo(created);
        } catch (CgroupException e) {
            ctx.log().warn("cleaning up after a failed create: " + e.getMessage());
        }
        try {
            ctx.store().remove(rec.id());
        } catch (HullException e) {
            ctx.log().warn("cleaning up after a failed create: " + e.getMessage());
        }
    }
}
