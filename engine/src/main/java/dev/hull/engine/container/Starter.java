package dev.hull.engine.container;

import dev.hull.cgroups.Cgroup;
import dev.hull.cgroups.CgroupHost;
import dev.hull.engine.Engine;
import dev.hull.engine.EngineException;
import dev.hull.engine.Times;
import dev.hull.runtime.HullException;
import dev.hull.runtime.lifecycle.Create;
import dev.hull.runtime.lifecycle.Delete;
import dev.hull.runtime.lifecycle.HostMounts;
import dev.hull.runtime.lifecycle.Run;
import dev.hull.runtime.program.HostFacts;
import dev.hull.runtime.program.LaunchMode;
import dev.hull.runtime.program.Monitor;
import dev.hull.runtime.state.ContainerRecord;
import dev.hull.spec.json.Json;
import dev.hull.sys.MountInfo;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code hull start} (and the second half of {@code run}): the OCI config for this start (the
 * namespaces of other containers it joins are only known now), then the runtime's create and start,
 * in-process, with a monitor as the container's parent. Detached, the monitor outlives this command
 * and runs {@code hull container-exited ID} when the container exits; attached, it copies the
 * output here too and this command waits for the exit status.
 */
public final class Starter {
    private Starter() {}

    /**
     * Starts a created or exited container; returns its exit status when attached, else 0. The
     * container's lock is held while the config is made and the record says "running", not while
     * the container runs: other commands (stop, inspect) must reach it meanwhile.
     */
    public static int start(Engine engine, Container c0, boolean attach) throws EngineException {
        return start(engine, c0, attach, DetachKeys.bytes(null));
    }

    /** detachKeys: the bytes that detach an attached caller with a terminal and stdin (DetachKeys). */
    public static int start(Engine engine, Container c0, boolean attach, String detachKeys) throws EngineException {
        Prepared p;
        try (ContainerStore.Lock lock = engine.containers().lock(c0.id())) {
            Container c = engine.containers().load(c0.id());
            if (c.state().running() && RuntimeView.alive(engine, c.id())) {
                if (attach) {
                    throw new EngineException("container " + c.name() + " is already running: hull cannot attach to it");
                }
                return 0;
            }
            p = prepare(engine, c, attach, detachKeys);
        }
        return run(engine, p, attach);
    }

    /** A container whose config is written and whose record says running: ready for the runtime. */
    record Prepared(Container before, Container running, Create.Options options) {}

    static int run(Engine engine, Prepared p, boolean attach) throws EngineException {
        int status;
        try {
            status = Run.run(engine.runtime(), p.options(), !attach, true);
        } catch (HullException e) {
            EngineException failure = Errors.startFailure(e);
            // Docker's State.ExitCode of a container that could not start: 127, 126, else 128
            int code = failure.exitCode() == EngineException.ENGINE ? 128 : failure.exitCode();
            try (ContainerStore.Lock lock = engine.containers().lock(p.before().id())) {
                engine.containers().save(p.before().withState(new Container.State("exited", 0, code, false,
                        e.getMessage(), p.running().state().startedAt(), Times.now())));
                runtimeDelete(engine, p.before().id());
            }
            throw failure;
        }
        if (attach) {
            return Exits.afterForeground(engine, p.running(), status);
        }
        // the pid, unless the container has already exited and its exit was recorded
        boolean stoppedMeanwhile;
        try (ContainerStore.Lock lock = engine.containers().lock(p.before().id())) {
            Container now = engine.containers().load(p.before().id());
            ContainerRecord r = RuntimeView.record(engine, now.id());
            boolean thisStart = now.state().startedAt().equals(p.running().state().startedAt());
            if (now.state().status().equals("running") && now.state().pid() == 0 && r != null && thisStart) {
                engine.containers().save(now.withState(new Container.State("running", r.pid(), 0, false, "",
                        now.state().startedAt(), Container.State.ZERO_TIME)));
            }
            // a stop or kill that came while the runtime was starting it found nothing to signal
            stoppedMeanwhile = now.manuallyStopped() && thisStart;
        }
        if (stoppedMeanwhile) {
            Stopper.signal(engine, p.running(), "SIGKILL", true);
            Stopper.waitGone(engine, p.running(), 10_000);
            Exits.reconcile(engine, engine.containers().load(p.before().id()));
        }
        return 0;
    }

    /** Under the container's lock: the bundle, the monitor, and the record saying "running". */
    static Prepared prepare(Engine engine, Container c, boolean attach) throws EngineException {
        return prepare(engine, c, attach, "");
    }

    static Prepared prepare(Engine engine, Container c, boolean attach, String detachKeys) throws EngineException {
        Path dir = engine.containers().dir(c.id());
        if (RuntimeView.record(engine, c.id()) != null) {
            runtimeDelete(engine, c.id()); // what the last run left in the runtime
        }
        Map<String, String> join = new LinkedHashMap<>();
        Path shm = null;
        Map<String, Object> host = c.hostConfig();
        for (String[] kind : new String[][] {{"PidMode", "pid", "pid"}, {"NetworkMode", "network", "net"},
            {"IpcMode", "ipc", "ipc"}}) {
            String mode = SpecBuilder.str(host.get(kind[0]));
            if (mode.startsWith("container:")) {
                Container target = engine.containers().find(mode.substring(10));
                if (target.id().equals(c.id())) {
                    throw new EngineException("cannot join own " + kind[1] + " namespace");
                }
                if (!target.state().running() || !RuntimeView.alive(engine, target.id())) {
                    throw new EngineException("cannot join " + kind[1] + " of a non running container: " + target.name());
                }
                if (kind[1].equals("ipc")) {
                    String targetIpc = SpecBuilder.str(target.hostConfig().get("IpcMode"));
                    if (!targetIpc.equals("shareable")) {
                        throw new EngineException("--ipc container:" + target.name()
                                + ": non-shareable IPC (hint: use --ipc shareable for the donor container)");
                    }
                    shm = engine.containers().dir(target.id()).resolve("shm");
                }
                // the runtime's pid: a target run in the foreground has none in its record yet
                ContainerRecord tr = RuntimeView.record(engine, target.id());
                join.put(kind[1], "/proc/" + (tr != null ? tr.pid() : target.state().pid()) + "/ns/" + kind[2]);
            }
        }
        String ipc = SpecBuilder.str(host.get("IpcMode"));
        if (ipc.equals("shareable")) {
            shm = dir.resolve("shm");
            mountShm(shm, SpecBuilder.num(host.get("ShmSize")));
        } else if (ipc.equals("host")) {
            shm = Path.of("/dev/shm");
        }
        ensureCgroupParent(SpecBuilder.cgroupParent(host));
        Path rootfs = Path.of(c.rootfs());
        Users.User user = Users.resolve(rootfs, SpecBuilder.str(c.config().get("User")),
                SpecBuilder.strings(host.get("GroupAdd")));
        dev.hull.runtime.Trace.mark("start: user resolved");
        HostFacts facts = HostFacts.probe();
        boolean v2 = Files.exists(Path.of("/sys/fs/cgroup/cgroup.controllers"));
        Map<String, Object> spec = SpecBuilder.build(new SpecBuilder.Input(c, rootfs, user,
                MountPlanner.toOci(c.mounts()), dir, shm, join, v2, facts, engine.root().resolve("seccomp")));
        dev.hull.runtime.Trace.mark("start: spec built");
        if (host.get("UidMap") != null) {
            MountPoints.prepare(rootfs, spec);
        }
        Path bundle = dir.resolve("bundle");
        Path exit = dir.resolve("exit.json");
        try {
            Files.createDirectories(bundle);
            Path config = bundle.resolve("config.json");
            if (!Files.exists(config)) {
                Files.createFile(config, ContainerStore.OWNER_ONLY); // the environment may hold secrets
            }
            Files.writeString(config, Json.write(spec));
            Files.deleteIfExists(exit);
            Files.deleteIfExists(dir.resolve("detached"));
        } catch (IOException e) {
            throw new EngineException("cannot write " + bundle + ": " + e.getMessage());
        }
        boolean detach = !attach;
        boolean tty = Boolean.TRUE.equals(c.config().get("Tty")), stdin = Boolean.TRUE.equals(c.config().get("OpenStdin"));
        boolean detachable = attach && tty && stdin && !detachKeys.isEmpty();
        // attached, the monitor runs the exit handler only once its caller has detached
        List<String> onExit = detach || detachable ? List.of(engine.self().toString(), "--root", engine.root().toString(),
                "--runroot", engine.runRoot().toString(), "container-exited", c.id()) : List.of();
        Monitor monitor = new Monitor(Path.of(c.logPath()), exit, attach, stdin, onExit, c.logMaxSize(), c.logFiles(),
                detachable ? detachKeys : "");
        // the config as written, handed over in memory: the runtime need not read it back
        Create.Options o = new Create.Options(c.id(), bundle, null, null, false, false, 0,
                detach ? LaunchMode.RUN_DETACHED : LaunchMode.RUN_FOREGROUND, null, monitor, Json.tree(spec));
        // the record says running before the process exists: a fast exit finds it so (the exit
        // handler waits for this lock); a start clears "stopped by its user" (Docker's
        // HasBeenManuallyStopped), so its restart policy applies again
        Container running = c.withRestart(c.restartCount(), false).withState(
                new Container.State("running", 0, 0, false, "", Times.now(), Container.State.ZERO_TIME));
        engine.containers().save(running);
        return new Prepared(c, running, o);
    }

    /**
     * The parent of the containers' cgroups ({@code /hull}, or {@code --cgroup-parent}), made here
     * when missing so that it outlives each container, as Docker's /docker does: the runtime removes
     * the parents a create made, and making /hull again in every v1 hierarchy for the next container
     * costs ~40 ms of kernel time.
     */
    private static void ensureCgroupParent(String parent) throws EngineException {
        // the common case without reading mountinfo: the parent is there (v1 memory, or v2)
        if (Files.isDirectory(Path.of("/sys/fs/cgroup/memory" + parent))
                || Files.exists(Path.of("/sys/fs/cgroup" + parent + "/cgroup.controllers"))) {
            return;
        }
        try {
            Cgroup cg = Cgroup.of(CgroupHost.probe(), parent);
            for (Path d : cg.dirs().values()) {
                if (!Files.isDirectory(d)) {
                    cg.create();
                    return;
                }
            }
        } catch (IOException e) { // a CgroupException too
            throw new EngineException("cgroup parent " + parent + ": " + e.getMessage());
        }
    }

    /** A tmpfs on the host for a shareable IPC namespace's /dev/shm, as Docker makes it. */
    private static void mountShm(Path shm, long size) throws EngineException {
        try {
            Files.createDirectories(shm);
            for (MountInfo m : MountInfo.self()) {
                if (m.mountPoint().equals(shm.toString())) {
                    return;
                }
            }
            HostMounts.mount("shm", shm.toString(), "tmpfs", 2 | 4 | 8 /* nosuid nodev noexec */,
                    "mode=1777,size=" + size);
        } catch (IOException | HullException e) {
            throw new EngineException("cannot mount the shared /dev/shm on " + shm + ": " + e.getMessage());
        }
    }

    static void runtimeDelete(Engine engine, String id) {
        try {
            Delete.delete(engine.runtime(), id, true);
        } catch (HullException e) {
            engine.log().warn(e.getMessage());
        }
    }
}
