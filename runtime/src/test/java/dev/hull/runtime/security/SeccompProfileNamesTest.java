package dev.hull.runtime.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every syscall name in the profile is one libseccomp knows (a typo would be skipped silently by
 * the runtime, as runc skips names it cannot resolve), and is a real syscall where the profile
 * uses it: a group for all architectures names syscalls of the x86_64 filter's architectures,
 * an architecture's group names that architecture's syscalls. Asked of the host's libseccomp
 * through FFM.
 */
class SeccompProfileNamesTest {
    /**
     * Syscalls newer than libseccomp 2.5.x (kernel 6.8 to 6.13, libseccomp 2.6.0): an older
     * libseccomp does not know them, and the runtime skips them, as the kernel would refuse them.
     */
    static final List<String> SINCE_LIBSECCOMP_2_6 = List.of("listmount", "statmount", "lsm_get_self_attr",
            "lsm_set_self_attr", "lsm_list_modules", "mseal", "uretprobe", "riscv_hwprobe", "getxattrat",
            "listxattrat", "setxattrat", "removexattrat");

    /**
     * In the profile for the architectures that have them as syscalls of their own (arm: send,
     * recv); on x86 they are socketcall(2) operations, which libseccomp knows by name.
     */
    static final List<String> NOT_X86 = List.of("send", "recv");

    static Arena arena;
    static MethodHandle resolveNameArch;
    static MethodHandle archResolveName;
    static int[] version;

    @BeforeAll
    static void libseccomp() throws Throwable {
        arena = Arena.ofShared();
        SymbolLookup lib;
        try {
            lib = SymbolLookup.libraryLookup("libseccomp.so.2", arena);
        } catch (IllegalArgumentException e) {
            assumeTrue(false, "libseccomp.so.2 is not installed");
            return;
        }
        Linker linker = Linker.nativeLinker();
        resolveNameArch = linker.downcallHandle(lib.find("seccomp_syscall_resolve_name_arch").orElseThrow(),
                FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.ADDRESS));
        archResolveName = linker.downcallHandle(lib.find("seccomp_arch_resolve_name").orElseThrow(),
                FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS));
        MethodHandle versionFn = linker.downcallHandle(lib.find("seccomp_version").orElseThrow(),
                FunctionDescriptor.of(ValueLayout.ADDRESS));
        MemorySegment v = ((MemorySegment) versionFn.invokeExact()).reinterpret(12);
        version = new int[] {v.get(ValueLayout.JAVA_INT, 0), v.get(ValueLayout.JAVA_INT, 4)};
    }

    @AfterAll
    static void close() {
        if (arena != null) {
            arena.close();
        }
    }

    /** libseccomp's token for "SCMP_ARCH_X86_64" ("x86_64"), or 0 if it does not know it. */
    static int arch(String scmpArch) throws Throwable {
        String name = scmpArch.substring("SCMP_ARCH_".length()).toLowerCase(Locale.ROOT);
        try (Arena a = Arena.ofConfined()) {
            return (int) archResolveName.invokeExact(a.allocateFrom(name));
        }
    }

    /** >= 0: the syscall's number there; -1: a name libseccomp does not know; other < 0: not on that arch. */
    static int resolve(int arch, String name) throws Throwable {
        try (Arena a = Arena.ofConfined()) {
            return (int) resolveNameArch.invokeExact(arch, a.allocateFrom(name));
        }
    }

    static boolean before26() {
        return version[0] < 2 || (version[0] == 2 && version[1] < 6);
    }

    @Test
    void everyNameIsKnownToLibseccomp() throws Throwable {
        int x86_64 = arch("SCMP_ARCH_X86_64");
        TreeSet<String> unknown = new TreeSet<>();
        for (SeccompProfile.Group g : DefaultSeccompProfile.get().profile().groups()) {
            for (String n : g.syscalls()) {
                if (resolve(x86_64, n) == -1 && !(before26() && SINCE_LIBSECCOMP_2_6.contains(n))) {
                    unknown.add(g.name() + ": " + n);
                }
            }
        }
        assertEquals(new TreeSet<String>(), unknown, "names libseccomp " + version[0] + "." + version[1]
                + " does not know");
    }

    @Test
    void everyNameIsASyscallWhereTheProfileUsesIt() throws Throwable {
        Map<String, List<String>> arches = DefaultSeccompProfile.get().profile().architectures();
        List<String> missing = new ArrayList<>();
        for (SeccompProfile.Group g : DefaultSeccompProfile.get().profile().groups()) {
            List<String> where = g.when().arches().isEmpty() ? List.of("x86_64") : g.when().arches();
            List<Integer> tokens = new ArrayList<>();
            for (String hostArch : where) {
                for (String scmp : arches.get(hostArch)) {
                    int t = arch(scmp);
                    if (t != 0) {
                        tokens.add(t);
                    }
                }
            }
            assumeTrue(!tokens.isEmpty(), "libseccomp knows none of " + where);
            for (String n : g.syscalls()) {
                boolean real = false;
                for (int t : tokens) {
                    real |= resolve(t, n) >= 0;
                }
                boolean excused = (before26() && SINCE_LIBSECCOMP_2_6.contains(n))
                        || (g.when().arches().isEmpty() && NOT_X86.contains(n));
                if (!real && !excused) {
                    missing.add(g.name() + ": " + n + " on " + where);
                }
            }
        }
        assertEquals(List.of(), missing, "names that are no syscall where the profile allows them");
    }

    @Test
    void theExcusesAreNeeded() throws Throwable {
        // if libseccomp learns these on x86, the lists above should shrink
        int x86 = arch("SCMP_ARCH_X86");
        for (String n : NOT_X86) {
            assertTrue(resolve(x86, n) < -1, n + " is no x86 syscall of its own");
        }
        if (before26()) {
            for (String n : SINCE_LIBSECCOMP_2_6) {
                assertEquals(-1, resolve(arch("SCMP_ARCH_X86_64"), n), n + " unknown before libseccomp 2.6");
            }
        }
    }
}
