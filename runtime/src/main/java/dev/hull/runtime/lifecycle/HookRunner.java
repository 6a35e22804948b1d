package dev.hull.runtime.lifecycle;

import dev.hull.runtime.HullException;
import dev.hull.runtime.exec.Executor;
import dev.hull.runtime.exec.ExecutorFailure;
import dev.hull.runtime.exec.Message;
import dev.hull.runtime.program.Op;
import dev.hull.runtime.program.ProgramCompiler;
import dev.hull.runtime.program.SetupProgram;
import dev.hull.spec.Hooks.Hook;
import java.io.IOException;
import java.util.List;

/**
 * Runs the hooks that belong in the runtime's namespaces (prestart, createRuntime, poststart,
 * poststop). They go through the executor: ProcessBuilder cannot give a program an argv[0] other
 * than its path, and hooks' args may.
 */
public final class HookRunner {
    private HookRunner() {}

    public static void run(List<Hook> hooks, String kind, byte[] state) throws HullException {
        if (hooks.isEmpty()) {
            return;
        }
        SetupProgram p = new SetupProgram();
        p.add(Op.SET_STATE, "the state for the " + kind + " hooks").b(state).done();
        for (int i = 0; i < hooks.size(); i++) {
            ProgramCompiler.addHook(p, hooks.get(i), kind, i);
        }
        try (Executor ex = Executor.start(p)) {
            ex.expect(Message.DONE, "running the " + kind + " hooks");
        } catch (ExecutorFailure f) {
            throw new HullException(f.errno() == 0 && !f.detail().isEmpty() ? f.detail() : f.getMessage());
        } catch (IOException e) {
            throw new HullException(kind + " hooks: " + e.getMessage());
        }
    }
}
