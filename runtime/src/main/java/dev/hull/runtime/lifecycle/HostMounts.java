package dev.hull.runtime.lifecycle;

import dev.hull.runtime.HullException;
import dev.hull.runtime.exec.Executor;
import dev.hull.runtime.exec.ExecutorFailure;
import dev.hull.runtime.exec.Message;
import dev.hull.runtime.program.Op;
import dev.hull.runtime.program.SetupProgram;
import java.io.IOException;

/**
 * Mounts in the runtime's own mount namespace (the engine's overlay rootfs, a shared /dev/shm),
 * made by a one-step executor program: a fork of the front costs ~1 ms, the first FFM downcall of a
 * fresh JVM ~20 ms (ARCHITECTURE.md, "Start-up").
 */
public final class HostMounts {
    private HostMounts() {}

    public static void mount(String source, String target, String type, long flags, String data) throws HullException {
        SetupProgram p = new SetupProgram();
        p.add(Op.MOUNT, "mount " + type + " on " + target).s(source).s(target).s(type).i(flags)
                .s(data == null ? "" : data).done();
        run(p, "mount " + target);
    }

    /** umount2(2) with {@code flags} (MNT_DETACH = 2). */
    public static void unmount(String target, int flags) throws HullException {
        SetupProgram p = new SetupProgram();
        p.add(Op.UMOUNT, "unmount " + target).s(target).i(flags).done();
        run(p, "unmount " + target);
    }

    private static void run(SetupProgram p, String what) throws HullException {
        try (Executor ex = Executor.start(p)) {
            ex.expect(Message.DONE, what);
        } catch (ExecutorFailure f) {
            throw new HullException(f.getMessage());
        } catch (IOException e) {
            throw new HullException(what + ": " + e.getMessage());
        }
    }
}
