package dev.hull.sys;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

/**
 * libc through FFM, one lazily created handle per function. Each downcall handle costs several
 * milliseconds to create on a fresh JVM, so nothing here is touched on the container start path;
 * the executor does that work (ARCHITECTURE.md, "Where syscalls happen").
 */
public final class LibC {
    private static final Linker LINKER = Downcalls.LINKER;
    private static final StructLayout CAPTURE = Downcalls.CAPTURE;
    private static final long ERRNO_OFFSET = Downcalls.ERRNO_OFFSET;

    private LibC() {}

    private static MethodHandle handle(String name, FunctionDescriptor fd) {
        return Downcalls.libc(name, fd);
    }

    private static final class Kill {
        static final MethodHandle H = handle("kill",
                FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
    }

    /** kill(2). */
    public static void kill(long pid, int signal) throws SysException {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment state = a.allocate(CAPTURE);
            int r = (int) Kill.H.invokeExact(state, (int) pid, signal);
            if (r < 0) {
                throw new SysException("kill(" + pid + ", " + Signals.name(signal) + ")",
                        state.get(ValueLayout.JAVA_INT, ERRNO_OFFSET));
            }
        } catch (SysException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    private static final class PidfdOpen {
        @SuppressWarnings("restricted")
        static final MethodHandle H = LINKER.downcallHandle(
                LINKER.defaultLookup().find("syscall").orElseThrow(),
                FunctionDescriptor.of(ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT,
                        ValueLayout.JAVA_INT),
                Linker.Option.firstVariadicArg(1), Linker.Option.captureCallState("errno"));
    }

    /** pidfd_open(2) (434 on every architecture): a descriptor of the process pid, close-on-exec. */
    public static int pidfdOpen(long pid) throws SysException {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment state = a.allocate(CAPTURE);
            long r = (long) PidfdOpen.H.invokeExact(state, 434L, (int) pid, 0);
            if (r < 0) {
                throw new SysException("pidfd_open(" + pid + ")", state.get(ValueLayout.JAVA_INT, ERRNO_OFFSET));
            }
            return (int) r;
        } catch (SysException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    private static final class LandlockVersion {
        @SuppressWarnings("restricted")
        static final MethodHandle H = LINKER.downcallHandle(
                LINKER.defaultLookup().find("syscall").orElseThrow(),
                FunctionDescriptor.of(ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG, ValueLayout.ADDRESS,
                        ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT),
                Linker.Option.firstVariadicArg(1), Linker.Option.captureCallState("errno"));
    }

    /**
     * The kernel's Landlock ABI version (landlock_create_ruleset with
     * LANDLOCK_CREATE_RULESET_VERSION), or -errno: ENOSYS without Landlock, EOPNOTSUPP when it
     * was not enabled at boot.
     */
    public static int landlockAbi() {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment state = a.allocate(CAPTURE);
            // 444: landlock_create_ruleset, the same number on every architecture (after 424)
            long r = (long) LandlockVersion.H.invokeExact(state, 444L, MemorySegment.NULL, 0L, 1);
            return r < 0 ? -state.get(ValueLayout.JAVA_INT, ERRNO_OFFSET) : (int) r;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }
}
