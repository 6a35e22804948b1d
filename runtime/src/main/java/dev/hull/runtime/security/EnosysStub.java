package dev.hull.runtime.security;

import java.io.ByteArrayOutputStream;
import java.util.List;

/**
 * runc's -ENOSYS stub (libcontainer/seccomp/patchbpf), prepended to libseccomp's program: a
 * syscall numbered above every syscall the profile names (per architecture) gets ENOSYS rather
 * than the default action. Such a syscall is newer than the profile, and libc falls back from
 * ENOSYS (clone3 to clone, statx to fstatat, ...) but not from EPERM. Added only when the default
 * action refuses (not ALLOW, LOG or TRACE) with something other than ENOSYS already, and only for
 * the architectures the profile lists, as in runc. The stub only jumps forward into the program
 * libseccomp made, whose first instruction loads the architecture again.
 */
final class EnosysStub {
    static final int RET_ENOSYS = 0x00050000 | 38;
    static final int X32_BIT = 0x40000000;
    static final int AUDIT_X86_64 = 0xc000003e;

    private EnosysStub() {}

    /**
     * One architecture of the stub: its AUDIT_ARCH_* value, and the largest syscall number the
     * profile names on it (0: none), on x86-64 for the 64-bit and the x32 ABI apart.
     */
    record Arch(int audit, long max, long maxX32, boolean s390) {}

    static boolean needed(int defaultAction, Long defaultErrnoRet) {
        if (defaultErrnoRet != null && defaultErrnoRet == 38) {
            return false;
        }
        int kind = defaultAction & 0xffff0000;
        return kind != 0x7fff0000 && kind != 0x7ffc0000 && kind != 0x7ff00000; // ALLOW, LOG, TRACE
    }

    /** The AUDIT_ARCH_* value of a libseccomp architecture name ("x86_64"); x32 shares x86-64's. */
    static int audit(String arch) {
        return switch (arch) {
            case "x86" -> 0x40000003;
            case "x86_64", "x32" -> AUDIT_X86_64;
            case "arm" -> 0x40000028;
            case "aarch64" -> 0xc00000b7;
            case "mips" -> 0x00000008;
            case "mips64" -> 0x80000008;
            case "mips64n32" -> 0xa0000008;
            case "mipsel" -> 0x40000008;
            case "mipsel64" -> 0xc0000008;
            case "mipsel64n32" -> 0xe0000008;
            case "ppc" -> 0x00000014;
            case "ppc64" -> 0x80000015;
            case "ppc64le" -> 0xc0000015;
            case "s390" -> 0x00000016;
            case "s390x" -> 0x80000016;
            case "riscv64" -> 0xc00000f3;
            default -> 0;
        };
    }

    /** The stub, to put before a program of tail instructions (struct sock_filter[], 8 bytes each). */
    static byte[] stub(List<Arch> archs) {
        // layout: ld arch; per arch "jeq A,0,1; ja section"; "ja filter"; sections
        int head = 1 + 2 * archs.size() + 1;
        int[] sectionStart = new int[archs.size()];
        int pos = head;
        for (int i = 0; i < archs.size(); i++) {
            sectionStart[i] = pos;
            pos += sectionLength(archs.get(i));
        }
        int filter = pos; // the first instruction of libseccomp's program
        Out o = new Out();
        o.insn(0x20, 0, 0, 4); // ld [4]: the architecture
        for (int i = 0; i < archs.size(); i++) {
            o.insn(0x15, 0, 1, archs.get(i).audit()); // jeq
            o.ja(sectionStart[i]);
        }
        o.ja(filter); // any other architecture: libseccomp's bad-arch action
        for (Arch a : archs) {
            o.insn(0x20, 0, 0, 0); // ld [0]: the syscall number
            if (a.s390()) {
                // setup(2) (0) multiplexes large syscall numbers the kernel does not know
                o.insn(0x15, 0, 1, 0);
                o.insn(0x06, 0, 0, RET_ENOSYS);
            }
            if (a.audit() == AUDIT_X86_64) {
                int native64 = a.max() > 0 ? 3 : 1;
                o.insn(0x45, native64, 0, X32_BIT); // jset: an x32 call
                check(o, a.max(), filter);
                check(o, a.maxX32(), filter);
            } else {
                check(o, a.max(), filter);
            }
        }
        if (o.count() != filter) {
            throw new IllegalStateException("stub layout: " + o.count() + " != " + filter);
        }
        return o.bytes();
    }

    private static int sectionLength(Arch a) {
        int n = 1 + (a.s390() ? 2 : 0);
        if (a.audit() == AUDIT_X86_64) {
            return n + 1 + (a.max() > 0 ? 3 : 1) + (a.maxX32() > 0 ? 3 : 1);
        }
        return n + (a.max() > 0 ? 3 : 1);
    }

    /** "jgt max,0,1; ret ENOSYS; ja filter", or only "ja filter" when the profile names nothing. */
    private static void check(Out o, long max, int filter) {
        if (max > 0) {
            o.insn(0x25, 0, 1, (int) max);
            o.insn(0x06, 0, 0, RET_ENOSYS);
        }
        o.ja(filter);
    }

    private static final class Out {
        private final ByteArrayOutputStream b = new ByteArrayOutputStream();
        private int n;

        void insn(int code, int jt, int jf, int k) {
            b.write(code);
            b.write(code >> 8);
            b.write(jt);
            b.write(jf);
            b.write(k);
            b.write(k >> 8);
            b.write(k >> 16);
            b.write(k >> 24);
            n++;
        }

        /** ja to the absolute instruction target (relative to the next instruction). */
        void ja(int target) {
            insn(0x05, 0, 0, target - (n + 1));
        }

        int count() {
            return n;
        }

        byte[] bytes() {
            return b.toByteArray();
        }
    }
}
