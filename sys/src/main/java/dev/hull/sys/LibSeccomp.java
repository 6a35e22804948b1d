package dev.hull.sys;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * libseccomp (libseccomp.so.2) through FFM: just what compiling an OCI profile into classic BPF
 * needs. Creating the downcall handles costs tens of milliseconds on a fresh JVM, which is why
 * the runtime caches what this produces (SeccompCache) and the executor only loads the bytes.
 *
 * <p>The functions return a negative errno on failure (libseccomp's convention); the wrappers
 * turn that into a {@link SysException} naming the call.
 */
public final class LibSeccomp implements AutoCloseable {
    // actions (seccomp.h)
    public static final int ACT_KILL_PROCESS = 0x80000000;
    public static final int ACT_KILL_THREAD = 0x00000000;
    public static final int ACT_TRAP = 0x00030000;
    public static final int ACT_NOTIFY = 0x7fc00000;
    public static final int ACT_ERRNO = 0x00050000;
    public static final int ACT_TRACE = 0x7ff00000;
    public static final int ACT_LOG = 0x7ffc0000;
    public static final int ACT_ALLOW = 0x7fff0000;

    // filter attributes (enum scmp_filter_attr)
    public static final int ATTR_ACT_BADARCH = 2;
    public static final int ATTR_CTL_NNP = 3;

    private static final Linker LINKER = Linker.nativeLinker();
    private static final ValueLayout.OfInt I = ValueLayout.JAVA_INT;
    private static final ValueLayout.OfLong L = ValueLayout.JAVA_LONG;
    private static final MemoryLayout P = ValueLayout.ADDRESS;
    /** struct scmp_arg_cmp { unsigned int arg; enum scmp_compare op; u64 datum_a; u64 datum_b; }. */
    private static final StructLayout ARG_CMP = MemoryLayout.structLayout(I, I, L, L);

    private static final class H {
        static final SymbolLookup LIB = lookup();
        static final MethodHandle INIT = h("seccomp_init", FunctionDescriptor.of(P, I));
        static final MethodHandle RELEASE = h("seccomp_release", FunctionDescriptor.ofVoid(P));
        static final MethodHandle ARCH_RESOLVE = h("seccomp_arch_resolve_name", FunctionDescriptor.of(I, P));
        static final MethodHandle ARCH_NATIVE = h("seccomp_arch_native", FunctionDescriptor.of(I));
        static final MethodHandle ARCH_ADD = h("seccomp_arch_add", FunctionDescriptor.of(I, P, I));
        static final MethodHandle SYSCALL_RESOLVE = h("seccomp_syscall_resolve_name",
                FunctionDescriptor.of(I, P));
        static final MethodHandle SYSCALL_RESOLVE_ARCH = h("seccomp_syscall_resolve_name_arch",
                FunctionDescriptor.of(I, I, P));
        static final MethodHandle RULE_ADD = h("seccomp_rule_add_array",
                FunctionDescriptor.of(I, P, I, I, I, P));
        static final MethodHandle ATTR_SET = h("seccomp_attr_set", FunctionDescriptor.of(I, P, I, I));
        static final MethodHandle EXPORT = h("seccomp_export_bpf", FunctionDescriptor.of(I, P, I));
        static final MethodHandle VERSION = h("seccomp_version", FunctionDescriptor.of(P));

        @SuppressWarnings("restricted")
        private static SymbolLookup lookup() {
            return SymbolLookup.libraryLookup("libseccomp.so.2", Arena.global());
        }

        @SuppressWarnings("restricted")
        private static MethodHandle h(String name, FunctionDescriptor fd) {
            MemorySegment sym = LIB.find(name).orElseThrow(() -> new UnsatisfiedLinkError("libseccomp has no " + name));
            return LINKER.downcallHandle(sym, fd);
        }
    }

    private static final class Sys {
        // long syscall(long number, ...): seccomp(2) has no glibc wrapper
        @SuppressWarnings("restricted")
        static final MethodHandle SYSCALL = LINKER.downcallHandle(
                LINKER.defaultLookup().find("syscall").orElseThrow(),
                FunctionDescriptor.of(L, L, L, L, P), Linker.Option.firstVariadicArg(1),
                Linker.Option.captureCallState("errno"));
        @SuppressWarnings("restricted")
        static final MethodHandle MEMFD = LINKER.downcallHandle(
                LINKER.defaultLookup().find("memfd_create").orElseThrow(), FunctionDescriptor.of(I, P, I));
        @SuppressWarnings("restricted")
        static final MethodHandle CLOSE = LINKER.downcallHandle(
                LINKER.defaultLookup().find("close").orElseThrow(), FunctionDescriptor.of(I, I));
    }

    private static final int SYS_SECCOMP = 317; // x86_64
    private static final int SECCOMP_SET_MODE_FILTER = 1;
    private static final int EFAULT = 14;

    private MemorySegment ctx;

    /** A new filter context whose default action is defaultAction (native arch included). */
    public LibSeccomp(int defaultAction) throws SysException {
        try {
            ctx = (MemorySegment) H.INIT.invokeExact(defaultAction);
        } catch (Throwable t) {
            throw rethrow(t);
        }
        if (ctx.equals(MemorySegment.NULL)) {
            throw new SysException("seccomp_init(0x" + Integer.toHexString(defaultAction) + ")", 22);
        }
    }

    /** Whether libseccomp.so.2 can be loaded at all. */
    public static boolean available() {
        try {
            return H.LIB != null;
        } catch (Throwable t) {
            return false;
        }
    }

    private static RuntimeException rethrow(Throwable t) {
        if (t instanceof RuntimeException r) {
            return r;
        }
        if (t instanceof Error e) {
            throw e;
        }
        return new IllegalStateException(t);
    }

    /** The SCMP_ARCH_* token of a name such as "x86_64", 0 when libseccomp does not know it. */
    public static int resolveArch(String name) {
        try (Arena a = Arena.ofConfined()) {
            return (int) H.ARCH_RESOLVE.invokeExact(a.allocateFrom(name));
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static int nativeArch() {
        try {
            return (int) H.ARCH_NATIVE.invokeExact();
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** The native syscall number of name, or a negative number when libseccomp does not know it. */
    public static int resolveSyscall(String name) {
        try (Arena a = Arena.ofConfined()) {
            return (int) H.SYSCALL_RESOLVE.invokeExact(a.allocateFrom(name));
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** The syscall number of name on the architecture arch (a SCMP_ARCH_* token), -1 if unknown. */
    public static int resolveSyscall(int arch, String name) {
        try (Arena a = Arena.ofConfined()) {
            return (int) H.SYSCALL_RESOLVE_ARCH.invokeExact(arch, a.allocateFrom(name));
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** "major.minor.micro" of the loaded library. */
    public static String version() {
        try {
            MemorySegment v = ((MemorySegment) H.VERSION.invokeExact()).reinterpret(12);
            return v.get(I, 0) + "." + v.get(I, 4) + "." + v.get(I, 8);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** Adds an architecture; one the filter has already (the native one) is fine. */
    public void addArch(int arch) throws SysException {
        int r;
        try {
            r = (int) H.ARCH_ADD.invokeExact(ctx, arch);
        } catch (Throwable t) {
            throw rethrow(t);
        }
        if (r < 0 && r != -17) { // -EEXIST
            throw new SysException("seccomp_arch_add(0x" + Integer.toHexString(arch) + ")", -r);
        }
    }

    public void setAttr(int attr, int value) throws SysException {
        int r;
        try {
            r = (int) H.ATTR_SET.invokeExact(ctx, attr, value);
        } catch (Throwable t) {
            throw rethrow(t);
        }
        if (r < 0) {
            throw new SysException("seccomp_attr_set(" + attr + ")", -r);
        }
    }

    /** One comparison: arg index, SCMP_CMP_* op, datum_a, datum_b. */
    public record Cmp(int arg, int op, long a, long b) {}

    /** seccomp_rule_add_array: all comparisons must match (AND). */
    public void addRule(int action, int syscall, Cmp... cmps) throws SysException {
        int r;
        try (Arena a = Arena.ofConfined()) {
            MemorySegment arr = cmps.length == 0 ? MemorySegment.NULL : a.allocate(ARG_CMP, cmps.length);
            for (int k = 0; k < cmps.length; k++) {
                long off = k * ARG_CMP.byteSize();
                arr.set(I, off, cmps[k].arg());
                arr.set(I, off + 4, cmps[k].op());
                arr.set(L, off + 8, cmps[k].a());
                arr.set(L, off + 16, cmps[k].b());
            }
            r = (int) H.RULE_ADD.invokeExact(ctx, action, syscall, cmps.length, arr);
        } catch (Throwable t) {
            throw rethrow(t);
        }
        if (r < 0) {
            throw new SysException("seccomp_rule_add_array(syscall " + syscall + ")", -r);
        }
    }

    /** The filter as the kernel takes it: an array of struct sock_filter (8 bytes each). */
    public byte[] exportBpf() throws IOException {
        int fd;
        try (Arena a = Arena.ofConfined()) {
            fd = (int) Sys.MEMFD.invokeExact(a.allocateFrom("hull-seccomp"), 1 /* MFD_CLOEXEC */);
        } catch (Throwable t) {
            throw rethrow(t);
        }
        if (fd < 0) {
            throw new IOException("memfd_create failed");
        }
        try {
            int r = (int) H.EXPORT.invokeExact(ctx, fd);
            if (r < 0) {
                throw new SysException("seccomp_export_bpf", -r);
            }
            // a new open file description: it reads from offset 0
            return Files.readAllBytes(Path.of("/proc/self/fd/" + fd));
        } catch (IOException e) {
            throw e;
        } catch (Throwable t) {
            throw rethrow(t);
        } finally {
            try {
                int ignored = (int) Sys.CLOSE.invokeExact(fd);
            } catch (Throwable t) {
                // nothing to do
            }
        }
    }

    /**
     * Whether this kernel knows a SECCOMP_FILTER_FLAG_*: seccomp(SET_MODE_FILTER, flag, NULL)
     * fails with EFAULT (it got as far as reading the program) rather than EINVAL, as runc probes.
     */
    public static boolean kernelHasFlag(long flag) {
        if (flag == 32) { // WAIT_KILLABLE_RECV is refused without NEW_LISTENER
            flag |= 8;
        }
        try (Arena a = Arena.ofConfined()) {
            StructLayout cap = Linker.Option.captureStateLayout();
            MemorySegment state = a.allocate(cap);
            long r = (long) Sys.SYSCALL.invokeExact(state, (long) SYS_SECCOMP, (long) SECCOMP_SET_MODE_FILTER,
                    flag, MemorySegment.NULL);
            int errno = state.get(I, cap.byteOffset(MemoryLayout.PathElement.groupElement("errno")));
            return r < 0 && errno == EFAULT;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    @Override
    public void close() {
        if (ctx != null && !ctx.equals(MemorySegment.NULL)) {
            try {
                H.RELEASE.invokeExact(ctx);
            } catch (Throwable t) {
                throw rethrow(t);
            }
            ctx = null;
        }
    }
}
