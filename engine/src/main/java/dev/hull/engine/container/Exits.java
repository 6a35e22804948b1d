package dev.hull.engine.container;

import dev.hull.engine.Engine;
import dev.hull.engine.EngineException;
import dev.hull.engine.Times;
import dev.hull.runtime.state.ContainerRecord;
import dev.hull.spec.json.Json;
import dev.hull.spec.json.JsonException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;

/**
 * A container's exit, recorded once: the exit code and time the monitor wrote, whether the OOM
 * killer struck, the runtime's container (process, cgroup) deleted; then the restart policy and
 * {@code --rm}. Any command that finds a "running" container whose process is gone does the
 * recording ({@link #reconcile}); only the monitor's handler ({@code hull container-exited}) and
 * a foreground run restart or remove.
 */
public final class Exits {
    private Exits() {}

    /**
     * How long a "restarting" container may wait for its exit handler to take the restart lock
     * (the monitor execs it right after the exit; a JVM starts in well under a second).
     */
    private static final long HANDLER_GRACE_SECONDS = 10;

    /** The record brought up to date with the runtime (under the container's lock). */
    public static Container reconcile(Engine engine, Container c) throws EngineException {
        if (c.state().status().equals("restarting")) {
            return orphanedRestart(engine, c) ? abandonRestart(engine, c) : c;
        }
        if (!c.state().running()) {
            return c;
        }
        if (RuntimeView.alive(engine, c.id())) {
            if (c.state().pid() == 0) { // a foreground run records its pid only at the end
                ContainerRecord r = RuntimeView.record(engine, c.id());
                if (r != null) {
                    return c.withState(new Container.State(c.state().status(), r.pid(), 0, false, "",
                            c.state().startedAt(), c.state().finishedAt()));
                }
            }
            boolean paused = RuntimeView.status(engine, c.id()) == dev.hull.runtime.state.Status.PAUSED;
            String status = paused ? "paused" : "running";
            return status.equals(c.state().status()) ? c : c.withState(new Container.State(status, c.state().pid(), 0,
                    false, "", c.state().startedAt(), c.state().finishedAt()));
        }
        try (ContainerStore.Lock lock = engine.containers().lock(c.id())) {
            Container now = engine.containers().load(c.id());
            if (!now.state().running() || now.state().status().equals("restarting")
                    || RuntimeView.alive(engine, c.id()) || starting(engine, now)) {
                return now;
            }
            return record(engine, now, -1);
        }
    }

    /**
     * A "restarting" container nobody will restart: its exit was recorded a while ago and no exit
     * handler holds its restart lock (the monitor, and with it the handler, was killed).
     */
    private static boolean orphanedRestart(Engine engine, Container c) {
        java.time.Instant finished = Times.parse(c.state().finishedAt());
        return finished != null && finished.isBefore(java.time.Instant.now().minusSeconds(HANDLER_GRACE_SECONDS))
                && !engine.containers().restartHandled(c.id());
    }

    /** As Podman when its conmon is gone: the container is left exited, with the code it had. */
    private static Container abandonRestart(Engine engine, Container c) throws EngineException {
        try (ContainerStore.Lock lock = engine.containers().lock(c.id())) {
            Container now = engine.containers().load(c.id());
            if (!now.state().status().equals("restarting") || !orphanedRestart(engine, now)) {
                return now;
            }
            engine.log().warn(now.name() + ": its exit handler is gone; left exited instead of restarting");
            Container exited = now.withState(new Container.State("exited", 0, now.state().exitCode(),
                    now.state().oomKilled(), "", now.state().startedAt(), now.state().finishedAt()));
            engine.containers().save(exited);
            return exited;
        }
    }

    /**
     * A start in progress: Starter saves "running" (pid 0) before the runtime has the container,
     * so "no runtime container" is no exit yet; taking it for one would delete the container being
     * started (an earlier run's exit handler did, after a quick restart). A start that died
     * half-way is recorded as exited after a minute.
     */
    private static boolean starting(Engine engine, Container c) {
        if (c.state().pid() != 0 || RuntimeView.record(engine, c.id()) != null) {
            return false;
        }
        java.time.Instant started = Times.parse(c.state().startedAt());
        return started != null && started.isAfter(java.time.Instant.now().minusSeconds(60));
    }

    /** {@link #reconcile} for listings: null when the container was removed meanwhile (--rm, rm -f). */
    public static Container reconcileListed(Engine engine, Container c) throws EngineException {
        try {
            return reconcile(engine, c);
        } catch (EngineException e) {
            if (!Files.exists(engine.containers().dir(c.id()).resolve("container.json"))) {
                return null;
            }
            throw e;
        }
    }

    /** Under the lock: the exit of a container whose process is gone. */
    static Container record(Engine engine, Container c, int knownStatus) throws EngineException {
        Path exitFile = engine.containers().dir(c.id()).resolve("exit.json");
        long code = knownStatus;
        String finished = null;
        // the monitor writes the file right after the process exits: give it a moment
        for (int i = 0; i < 40 && !Files.exists(exitFile); i++) {
            sleep(25);
        }
        try {
            Map<?, ?> m = (Map<?, ?>) Json.parse(Files.readAllBytes(exitFile));
            code = ((Number) m.get("exitCode")).longValue();
            finished = (String) m.get("finishedAt");
        } catch (NoSuchFileException e) {
            if (code < 0) {
                code = 255; // the monitor is gone without a word (killed): Docker's "unknown"
            }
        } catch (IOException | JsonException | ClassCastException | NullPointerException e) {
            code = code < 0 ? 255 : code;
        }
        ContainerRecord r = RuntimeView.record(engine, c.id());
        boolean oom = RuntimeView.oomKilled(r);
        Starter.runtimeDelete(engine, c.id());
        if ("shareable".equals(c.hostConfig().get("IpcMode"))) {
            // as Docker: the shared /dev/shm goes with the container's run (a container that joined
            // it keeps its own bind of it); the next start mounts a fresh one
            Remover.unmount(engine.containers().dir(c.id()).resolve("shm"));
        }
        String status = restarts(c, code) ? "restarting" : "exited";
        Container done = c.withState(new Container.State(status, 0, code, oom, "", c.state().startedAt(),
                finished == null ? Times.now() : finished));
        engine.containers().save(done);
        return done;
    }

    /** Docker's restart policies; a container its user stopped is never restarted. */
    static boolean restarts(Container c, long code) {
        if (c.manuallyStopped() || !(c.hostConfig().get("RestartPolicy") instanceof Map<?, ?> p)) {
            return false;
        }
        return switch (String.valueOf(p.get("Name"))) {
            case "always", "unless-stopped" -> true;
            case "on-failure" -> code != 0 && (SpecBuilder.num(p.get("MaximumRetryCount")) == 0
                    || c.restartCount() < SpecBuilder.num(p.get("MaximumRetryCount")));
            default -> false;
        };
    }

    /**
     * {@code hull container-exited ID}, which the monitor runs: records the exit if nobody has,
     * then restarts the container (with Docker's doubling delay from 100 ms) or removes it (--rm).
     */
    public static void handle(Engine engine, String id) throws EngineException {
        Container c;
        try {
            c = engine.containers().load(id);
        } catch (EngineException e) {
            return; // removed meanwhile (rm -f)
        }
        try (ContainerStore.Lock restart = engine.containers().lockRestart(id)) {
            c = reconcile(engine, c);
            if (c.state().status().equals("restarting")) {
                sleep(Math.min(100L << Math.min(c.restartCount(), 10), 60_000));
                Starter.Prepared p;
                try (ContainerStore.Lock lock = engine.containers().lock(id)) {
                    Container now = engine.containers().load(id);
                    if (!now.state().status().equals("restarting") || now.manuallyStopped()) {
                        return;
                    }
                    now = now.withRestart(now.restartCount() + 1, false);
                    engine.containers().save(now);
                    p = Starter.prepare(engine, now, false);
                }
                Starter.run(engine, p, false);
                return;
            }
        } catch (EngineException e) {
            if (!Files.isDirectory(engine.containers().dir(id))) {
                return; // removed meanwhile (rm -f)
            }
            throw e;
        }
        if (c.state().status().equals("exited") && Boolean.TRUE.equals(c.hostConfig().get("AutoRemove"))) {
            Remover.remove(engine, c.id(), true, true);
        }
    }

    /** After a foreground run: the exit recorded with the status the runtime passed on; --rm. */
    static int afterForeground(Engine engine, Container running, int status) throws EngineException {
        if (Files.exists(engine.containers().dir(running.id()).resolve("detached"))) {
            return detached(engine, running);
        }
        if (Boolean.TRUE.equals(running.hostConfig().get("AutoRemove"))) {
            // --rm: nobody will read the exit, nothing restarts; the container is removed at once
            try (ContainerStore.Lock names = engine.containers().lockNames()) {
                // not the cgroup parent: taking /hull down and making it again for the next run
                // costs ~50 ms of kernel time on a v1 host (Docker keeps its /docker too)
                Remover.removeStopped(engine, running, true);
            }
            dev.hull.runtime.Trace.mark("removed");
            return status;
        }
        Container c;
        try (ContainerStore.Lock lock = engine.containers().lock(running.id())) {
            Container now = engine.containers().load(running.id());
            c = now.state().running() && !now.state().status().equals("restarting")
                    ? record(engine, now, status) : now;
            if (c.state().status().equals("restarting")) { // no restarts in the foreground
                c = c.withState(new Container.State("exited", 0, c.state().exitCode(), c.state().oomKilled(), "",
                        c.state().startedAt(), c.state().finishedAt()));
                engine.containers().save(c);
            }
        }
        dev.hull.runtime.Trace.mark("exit recorded");
        if (Boolean.TRUE.equals(c.hostConfig().get("AutoRemove"))) {
            Remover.remove(engine, c.id(), true, true);
            dev.hull.runtime.Trace.mark("removed");
        }
        return (int) c.state().exitCode();
    }

    /**
     * The caller detached (ctrl-p ctrl-q): the container runs on under its monitor, which records
     * the exit and applies --restart and --rm as for any detached container. Its pid goes in now.
     */
    private static int detached(Engine engine, Container running) throws EngineException {
        try (ContainerStore.Lock lock = engine.containers().lock(running.id())) {
            Container now = engine.containers().load(running.id());
            dev.hull.runtime.state.ContainerRecord r = RuntimeView.record(engine, now.id());
            if (now.state().status().equals("running") && now.state().pid() == 0 && r != null) {
                engine.containers().save(now.withState(new Container.State("running", r.pid(), 0, false, "",
                        now.state().startedAt(), Container.State.ZERO_TIME)));
            }
        }
        return 0;
    }

    static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
