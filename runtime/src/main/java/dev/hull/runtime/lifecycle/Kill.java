package dev.hull.runtime.lifecycle;

import dev.hull.cgroups.CgroupException;
import dev.hull.runtime.HullException;
import dev.hull.runtime.exec.Executor;
import dev.hull.runtime.exec.ExecutorFailure;
import dev.hull.runtime.exec.Message;
import dev.hull.runtime.program.Op;
import dev.hull.runtime.program.SetupProgram;
import dev.hull.runtime.state.ContainerRecord;
import dev.hull.runtime.state.Status;
import dev.hull.sys.Signals;
import java.io.IOException;
import java.util.List;

/**
 * {@code kill ID [SIGNAL] [--all]}: the executor signals through a pidfd, after checking the
 * process's start time, so a recycled pid is never hit.
 */
public final class Kill {
    private Kill() {}

    public static void kill(RuntimeContext ctx, String id, String signal, boolean all) throws HullException {
        int sig;
        try {
            sig = Signals.parse(signal == null ? "SIGTERM" : signal);
        } catch (IllegalArgumentException e) {
            throw new HullException(e.getMessage());
        }
        ContainerRecord r = ctx.store().load(id);
        Status s = ctx.store().status(r);
        boolean stopped = s == Status.STOPPED || r.pid() <= 0;
        if (stopped && !all) {
            throw new HullException("container not running");
        }
        SetupProgram p = new SetupProgram();
        if (!stopped) {
            p.add(Op.SIGNAL, "send " + Signals.name(sig) + " to the container's process " + r.pid())
                    .i(r.pid()).i(r.pidStartTime()).i(sig).i(all ? 1 : 0).done();
        }
        if (all) {
            // as runc: --all of a stopped container signals what is left in its cgroup (processes
            // that outlived the first one without a pid namespace of their own), and succeeds
            // when nothing is (containerd's shim sends it after the container exited)
            try {
                List<Long> pids = Teardown.cgroup(r).pids();
                for (long pid : pids) {
                    if (stopped || pid != r.pid()) {
                        p.add(Op.SIGNAL, "send " + Signals.name(sig) + " to " + pid).i(pid).i(0).i(sig).i(1).done();
                    }
                }
            } catch (CgroupException e) {
                if (!stopped) {
                    throw new HullException("kill --all: " + e.getMessage());
                }
                // a stopped container whose cgroup cannot be read has nothing left to signal
            }
        }
        if (p.steps().isEmpty()) {
            return;
        }
        try (Executor ex = Executor.start(p)) {
            ex.expect(Message.DONE, "signalling the container");
        } catch (ExecutorFailure f) {
            throw new HullException(f.errno() == 3 ? "container not running" : f.getMessage());
        } catch (IOException e) {
            throw new HullException("kill: " + e.getMessage());
        }
        if (sig == Signals.SIGKILL && s == Status.PAUSED) {
            // a process in a frozen v1 freezer acts on SIGKILL only once thawed: thaw, as runc does
            // (other signals stay pending until resume)
            try {
                Teardown.cgroup(r).thaw();
            } catch (CgroupException e) {
                throw new HullException("kill: " + e.getMessage());
            }
        }
    }

}
