package dev.hull.runtime.lifecycle;

import dev.hull.runtime.HullException;
import dev.hull.runtime.exec.Executor;
import dev.hull.runtime.exec.ExecutorFailure;
import dev.hull.runtime.exec.Message;
import dev.hull.runtime.program.Op;
import dev.hull.runtime.program.ProgramCompiler;
import dev.hull.runtime.program.SetupProgram;
import dev.hull.runtime.state.ContainerRecord;
import dev.hull.runtime.state.StateStore;
import dev.hull.runtime.state.Status;
import java.io.IOException;
import java.nio.file.Files;

/**
 * {@code start}: the executor connects to the created container's start socket and hands it the
 * state for its startContainer hooks; the container closes the connection by exec'ing the user
 * program, or answers with the error. Then the poststart hooks run.
 */
public final class Start {
    private Start() {}

    @SuppressWarnings("try") // the lock is held for the body, never referenced
    public static void start(RuntimeContext ctx, String id) throws HullException {
        ContainerRecord r = ctx.store().load(id);
        try (StateStore.Lock held = ctx.store().lock(id)) {
            Status s = ctx.store().status(r);
            switch (s) {
                case CREATED -> { }
                case STOPPED -> throw new HullException("cannot start a container that has stopped");
                case RUNNING, PAUSED -> throw new HullException("cannot start an already running container");
                default -> throw new HullException("cannot start a container that is " + s.label());
            }
            SetupProgram p = new SetupProgram();
            p.add(Op.START_CLIENT, "start container " + id)
                    .s(ctx.store().dir(id).toString()).s(ProgramCompiler.START_SOCKET)
                    .b(OciState.bytes(r, Status.CREATED)).done();
            try (Executor ex = Executor.start(p)) {
                ex.expect(Message.DONE, "starting the container");
                // The container removes the socket before it execs, but in a user namespace it
                // may not write the 0700 state directory: the started container must not stay
                // "created"
                Files.deleteIfExists(ctx.store().dir(id).resolve(ProgramCompiler.START_SOCKET));
            } catch (ExecutorFailure f) {
                throw new HullException("start: " + f.getMessage());
            }
        } catch (IOException e) {
            throw new HullException("start: " + e.getMessage());
        }
        poststart(ctx, r);
    }

    /** The spec: poststart failures are logged and the lifecycle goes on. */
    static void poststart(RuntimeContext ctx, ContainerRecord r) {
        try {
            HookRunner.run(r.poststart(), "poststart", OciState.bytes(r, Status.RUNNING));
        } catch (HullException e) {
            ctx.log().warn(e.getMessage());
        }
    }
}
