package dev.hull.engine.container;

import dev.hull.engine.Engine;
import dev.hull.engine.EngineException;
import dev.hull.runtime.HullException;
import dev.hull.runtime.lifecycle.Kill;

/**
 * {@code hull stop} and {@code hull kill}. Stop sends the container's stop signal (its
 * {@code StopSignal}, else SIGTERM), waits up to the timeout (its {@code StopTimeout}, else 10 s),
 * then SIGKILLs everything in its cgroup. Both mark the container as stopped by its user, so no
 * restart policy brings it back (as Docker).
 */
public final class Stopper {
    private Stopper() {}

    public static void stop(Engine engine, Container c, Long timeoutSeconds) throws EngineException {
        c = Exits.reconcile(engine, c);
        c = markStopped(engine, c);
        if (!c.state().running() || c.state().status().equals("restarting")) {
            return;
        }
        String signal = SpecBuilder.str(c.config().get("StopSignal"));
        long timeout = timeoutSeconds != null ? timeoutSeconds
                : c.config().get("StopTimeout") instanceof Number n ? n.longValue() : 10;
        if (c.state().status().equals("paused")) {
            try {
                dev.hull.runtime.lifecycle.Pause.resume(engine.runtime(), c.id());
            } catch (HullException e) {
                // it may have gone meanwhile
            }
        }
        signal(engine, c, signal.isEmpty() ? "SIGTERM" : signal, false);
        long deadline = System.nanoTime() + timeout * 1_000_000_000L;
        while (RuntimeView.alive(engine, c.id()) && System.nanoTime() < deadline) {
            Exits.sleep(20);
        }
        if (RuntimeView.alive(engine, c.id())) {
            signal(engine, c, "SIGKILL", true);
            waitGone(engine, c, 10_000);
        }
        Exits.reconcile(engine, engine.containers().load(c.id()));
    }

    public static void kill(Engine engine, Container c, String signal) throws EngineException {
        c = Exits.reconcile(engine, c);
        if (!c.state().running() || !RuntimeView.alive(engine, c.id())) {
            throw new EngineException("cannot kill container: " + c.name() + ": container " + c.id() + " is not running");
        }
        String sig = signal == null ? "SIGKILL" : signal;
        int n;
        try {
            n = dev.hull.sys.Signals.parse(sig);
        } catch (IllegalArgumentException e) {
            throw new EngineException("invalid signal: " + sig);
        }
        if (n == 9 || n == 15) {
            markStopped(engine, c);
        }
        signal(engine, c, sig, false);
        if (n == 9) {
            waitGone(engine, c, 10_000);
            Exits.reconcile(engine, engine.containers().load(c.id()));
        }
    }

    /**
     * The container as marked stopped by its user. One waiting to be restarted (its exit handler
     * sleeps) is exited from now on: the handler will not restart it and nothing else would
     * change its status.
     */
    static Container markStopped(Engine engine, Container c) throws EngineException {
        try (ContainerStore.Lock lock = engine.containers().lock(c.id())) {
            Container now = engine.containers().load(c.id());
            if (now.state().status().equals("restarting")) {
                Container.State s = now.state();
                now = now.withState(new Container.State("exited", 0, s.exitCode(), s.oomKilled(), s.error(),
                        s.startedAt(), s.finishedAt()));
                engine.containers().save(now.withRestart(now.restartCount(), true));
            } else if (!now.manuallyStopped()) {
                engine.containers().save(now.withRestart(now.restartCount(), true));
            }
            return engine.containers().load(c.id());
        }
    }

    static void signal(Engine engine, Container c, String signal, boolean all) throws EngineException {
        try {
            Kill.kill(engine.runtime(), c.id(), signal, all);
        } catch (HullException e) {
            if (RuntimeView.alive(engine, c.id())) {
                throw new EngineException("cannot signal container " + c.name() + ": " + e.getMessage());
            }
        }
    }

    static void waitGone(Engine engine, Container c, long ms) {
        long deadline = System.nanoTime() + ms * 1_000_000L;
        while (RuntimeView.alive(engine, c.id()) && System.nanoTime() < deadline) {
            Exits.sleep(10);
        }
    }
}
