package dev.hull.runtime.lifecycle;

import dev.hull.runtime.HullException;
import dev.hull.runtime.Trace;
import dev.hull.runtime.exec.Executor;
import dev.hull.runtime.exec.ExecutorFailure;
import dev.hull.runtime.exec.Message;
import dev.hull.runtime.state.ContainerRecord;
import dev.hull.runtime.state.Status;
import java.io.IOException;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * {@code run}: create, start over the still-open control channel, and (unless detached) wait for
 * the container and delete it, returning its exit status (128+N for signal N). The executor's
 * parent process stays as the container's parent and passes the status on.
 */
public final class Run {
    private Run() {}

    public static int run(RuntimeContext ctx, Create.Options o, boolean detach, boolean keep) throws HullException {
        Create.Created c = Create.create(ctx, o);
        ContainerRecord r = c.record();
        Executor ex = c.executor();
        try {
            ex.send(Message.START, OciState.bytes(r, Status.CREATED));
            Message m = ex.next(); // end of channel: the container exec'd its program
            if (m != null && m.type() == Message.ERROR) {
                throw ExecutorFailure.of(m, ex.program());
            }
        } catch (ExecutorFailure f) {
            failed(ctx, r, ex);
            throw new HullException(f.getMessage());
        } catch (IOException e) {
            failed(ctx, r, ex);
            throw new HullException("run: " + e.getMessage());
        }
        ex.close();
        Trace.mark("started");
        Start.poststart(ctx, r);
        if (detach) {
            return 0;
        }
        ignoreSignals();
        int status;
        try {
            status = ex.awaitExit(); // the executor's parent exits with the container's status
        } catch (IOException e) {
            throw new HullException("run: " + e.getMessage());
        }
        Trace.mark("container exited");
        if (!keep) {
            Teardown.killAll(r, true); // what the container left behind in its cgroup
            Teardown.destroy(ctx, r);
        }
        Trace.mark("deleted");
        return status;
    }

    private static void failed(RuntimeContext ctx, ContainerRecord r, Executor ex) {
        ex.close();
        Teardown.killAll(r, true);
        try {
            ex.awaitExit();
            Teardown.destroy(ctx, r);
        } catch (HullException e) {
            ctx.log().warn(e.getMessage());
        } catch (IOException e) {
            ctx.log().warn("run: " + e.getMessage());
        }
    }

    /**
     * While the container runs, signals are hull-exec's front's business: it passes those sent to
     * the runtime's process on to the executor's parent, which passes them to the container.
     * Those a terminal sends to the whole process group reach this JVM too: it must outlive them
     * to clean up after the container.
     */
    static void ignoreSignals() {
        for (String name : new String[] {"INT", "QUIT", "TERM", "HUP", "USR1", "USR2"}) {
            try {
                Signal.handle(new Signal(name), SignalHandler.SIG_IGN);
            } catch (IllegalArgumentException e) {
                // reserved by the JVM here: nothing to do
            }
        }
    }
}
