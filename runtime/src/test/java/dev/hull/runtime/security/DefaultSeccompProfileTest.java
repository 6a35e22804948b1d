package dev.hull.runtime.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hull.spec.Capabilities;
import dev.hull.spec.Seccomp;
import dev.hull.spec.SeccompJson;
import dev.hull.spec.SpecParser;
import dev.hull.spec.json.Json;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The default profile resolved for the capability sets that matter, as Docker resolves its own. */
class DefaultSeccompProfileTest {
    /** Docker's default capabilities (moby oci/caps/defaults.go). */
    static final List<String> DOCKER_CAPS = List.of("CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FSETID",
            "CAP_FOWNER", "CAP_MKNOD", "CAP_NET_RAW", "CAP_SETGID", "CAP_SETUID", "CAP_SETFCAP",
            "CAP_SETPCAP", "CAP_NET_BIND_SERVICE", "CAP_SYS_CHROOT", "CAP_KILL", "CAP_AUDIT_WRITE");

    static final DefaultSeccompProfile PROFILE = DefaultSeccompProfile.get();

    static Seccomp resolve(List<String> caps) {
        return PROFILE.forContainer(caps, "x86_64", "6.1.0-18-amd64");
    }

    static List<String> plus(List<String> caps, String... more) {
        List<String> out = new ArrayList<>(caps);
        out.addAll(List.of(more));
        return out;
    }

    static List<String> allCaps() {
        List<String> out = new ArrayList<>();
        for (int i = 0; i <= Capabilities.last(); i++) {
            out.add(Capabilities.name(i));
        }
        return out;
    }

    /** Names the first (merged) rule allows without conditions. */
    static Set<String> plainAllowed(Seccomp s) {
        Set<String> out = new HashSet<>();
        for (Seccomp.Syscall r : s.syscalls()) {
            if (r.action().equals("SCMP_ACT_ALLOW") && r.args().isEmpty()) {
                out.addAll(r.names());
            }
        }
        return out;
    }

    /** Every rule naming this syscall. */
    static List<Seccomp.Syscall> rulesFor(Seccomp s, String name) {
        List<Seccomp.Syscall> out = new ArrayList<>();
        for (Seccomp.Syscall r : s.syscalls()) {
            if (r.names().contains(name)) {
                out.add(r);
            }
        }
        return out;
    }

    @Test
    void dockerDefaultCapabilities() {
        Seccomp s = resolve(DOCKER_CAPS);
        assertEquals("SCMP_ACT_ERRNO", s.defaultAction());
        assertEquals(1L, s.defaultErrnoRet(), "EPERM for everything not allowed");
        assertEquals(List.of("SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"), s.architectures());
        Set<String> allowed = plainAllowed(s);
        for (String n : List.of("read", "write", "openat", "execve", "fork", "vfork", "wait4", "socketpair",
                "getrandom", "futex", "mmap", "chroot", "ptrace", "process_vm_readv", "arch_prctl", "modify_ldt",
                "setuid", "capset", "prctl", "seccomp")) {
            assertTrue(allowed.contains(n), n + " is allowed");
        }
        for (String n : List.of("mount", "umount2", "unshare", "setns", "sethostname", "setdomainname",
                "keyctl", "add_key", "request_key", "clock_settime", "settimeofday", "stime", "reboot",
                "init_module", "finit_module", "delete_module", "iopl", "ioperm", "acct", "bpf", "perf_event_open",
                "open_by_handle_at", "syslog", "vhangup", "mbind", "kcmp", "pidfd_getfd", "io_uring_setup",
                "kexec_load", "userfaultfd", "swapon", "pivot_root", "fsopen", "move_mount", "lookup_dcookie",
                "quotactl", "fanotify_init", "lsm_set_self_attr", "breakpoint", "s390_runtime_instr")) {
            assertTrue(rulesFor(s, n).isEmpty(), n + " is refused (no rule names it)");
        }
        // clone: only without namespace flags
        List<Seccomp.Syscall> clone = rulesFor(s, "clone");
        assertEquals(1, clone.size());
        assertEquals(List.of(new Seccomp.Arg(0, 0x7e020000L, 0, "SCMP_CMP_MASKED_EQ")), clone.get(0).args());
        assertEquals("SCMP_ACT_ALLOW", clone.get(0).action());
        // clone3: ENOSYS so that libc falls back to clone
        List<Seccomp.Syscall> clone3 = rulesFor(s, "clone3");
        assertEquals(1, clone3.size());
        assertEquals("SCMP_ACT_ERRNO", clone3.get(0).action());
        assertEquals(38L, clone3.get(0).errnoRet());
        // socket: any family but AF_VSOCK
        List<Seccomp.Syscall> socket = rulesFor(s, "socket");
        assertEquals(1, socket.size());
        assertEquals(List.of(new Seccomp.Arg(0, 40, 0, "SCMP_CMP_NE")), socket.get(0).args());
        // personality: Docker's five values, one rule each (alternatives)
        List<Long> values = new ArrayList<>();
        for (Seccomp.Syscall r : rulesFor(s, "personality")) {
            assertEquals(1, r.args().size());
            assertEquals("SCMP_CMP_EQ", r.args().get(0).op());
            assertEquals(0, r.args().get(0).index());
            values.add(r.args().get(0).value());
        }
        assertEquals(List.of(0L, 8L, 0x20000L, 0x20008L, 0xffffffffL), values);
    }

    @Test
    void sysAdminAllowsMountsNamespacesAndAnyClone() {
        Seccomp s = resolve(plus(DOCKER_CAPS, "CAP_SYS_ADMIN"));
        Set<String> allowed = plainAllowed(s);
        for (String n : List.of("mount", "umount2", "unshare", "setns", "sethostname", "setdomainname", "clone",
                "clone3", "fsopen", "move_mount", "open_tree", "mount_setattr", "bpf", "perf_event_open",
                "quotactl", "syslog", "lookup_dcookie", "fanotify_init")) {
            assertTrue(allowed.contains(n), n + " is allowed with CAP_SYS_ADMIN");
        }
        assertEquals(1, rulesFor(s, "clone").size(), "no flag filter on clone with CAP_SYS_ADMIN");
        assertTrue(rulesFor(s, "clone").get(0).args().isEmpty());
        assertEquals(1, rulesFor(s, "clone3").size(), "no ENOSYS for clone3 with CAP_SYS_ADMIN");
        assertEquals("SCMP_ACT_ALLOW", rulesFor(s, "clone3").get(0).action());
        for (String n : List.of("keyctl", "add_key", "request_key", "clock_settime", "reboot", "init_module")) {
            assertTrue(rulesFor(s, n).isEmpty(), n + " still refused");
        }
    }

    @Test
    void eachCapabilityOpensItsGroup() {
        Map<String, List<String>> expected = Map.ofEntries(
                Map.entry("CAP_SYS_PTRACE", List.of("kcmp", "pidfd_getfd", "process_madvise")),
                Map.entry("CAP_SYS_TIME", List.of("clock_settime", "settimeofday", "stime", "clock_settime64")),
                Map.entry("CAP_SYS_BOOT", List.of("reboot")),
                Map.entry("CAP_SYS_MODULE", List.of("init_module", "finit_module", "delete_module")),
                Map.entry("CAP_SYS_RAWIO", List.of("iopl", "ioperm")),
                Map.entry("CAP_SYS_PACCT", List.of("acct")),
                Map.entry("CAP_SYS_NICE", List.of("mbind", "get_mempolicy", "set_mempolicy", "set_mempolicy_home_node")),
                Map.entry("CAP_SYSLOG", List.of("syslog")),
                Map.entry("CAP_BPF", List.of("bpf")),
                Map.entry("CAP_PERFMON", List.of("perf_event_open")),
                Map.entry("CAP_DAC_READ_SEARCH", List.of("open_by_handle_at")),
                Map.entry("CAP_SYS_TTY_CONFIG", List.of("vhangup")));
        Set<String> base = plainAllowed(resolve(DOCKER_CAPS));
        for (Map.Entry<String, List<String>> e : expected.entrySet()) {
            Set<String> with = plainAllowed(resolve(plus(DOCKER_CAPS, e.getKey())));
            Set<String> added = new HashSet<>(with);
            added.removeAll(base);
            assertEquals(Set.copyOf(e.getValue()), added, e.getKey() + " adds exactly its group");
        }
        Set<String> without = plainAllowed(resolve(List.of("CAP_KILL")));
        assertFalse(without.contains("chroot"), "chroot needs CAP_SYS_CHROOT");
    }

    @Test
    void allCapabilities() {
        Seccomp s = resolve(allCaps());
        Set<String> allowed = plainAllowed(s);
        // what stays filtered with every capability: socket and personality only
        Set<String> filtered = new HashSet<>();
        for (Seccomp.Syscall r : s.syscalls()) {
            if (!r.args().isEmpty() || !r.action().equals("SCMP_ACT_ALLOW")) {
                filtered.addAll(r.names());
            }
        }
        assertEquals(Set.of("socket", "personality"), filtered);
        for (SeccompProfile.Group g : PROFILE.profile().groups()) {
            if (g.when().arches().isEmpty() && g.args().isEmpty() && g.anyOf() == null && g.errno() == null) {
                assertTrue(allowed.containsAll(g.syscalls()), g.name() + " is allowed with every capability");
            }
        }
        for (String n : List.of("keyctl", "add_key", "request_key", "kexec_load", "kexec_file_load", "swapon",
                "swapoff", "userfaultfd", "io_uring_setup", "io_uring_enter", "pivot_root", "nfsservctl")) {
            assertTrue(rulesFor(s, n).isEmpty(), n + " is refused even with every capability");
        }
    }

    @Test
    void refusedListIsNeverAllowed() throws Exception {
        Map<?, ?> tree;
        try (var in = DefaultSeccompProfile.class.getResourceAsStream(DefaultSeccompProfile.RESOURCE)) {
            tree = (Map<?, ?>) Json.parse(in.readAllBytes());
        }
        List<?> refused = (List<?>) ((Map<?, ?>) tree.get("refused")).get("syscalls");
        assertTrue(refused.contains("keyctl"));
        for (String arch : List.of("x86_64", "aarch64", "s390x", "ppc64le", "riscv64")) {
            Seccomp s = PROFILE.forContainer(allCaps(), arch, "6.12");
            for (Object n : refused) {
                assertTrue(rulesFor(s, (String) n).isEmpty(), n + " is in 'refused' but allowed on " + arch);
            }
        }
    }

    @Test
    void ptraceNeedsKernel48WithoutCapSysPtrace() {
        assertTrue(plainAllowed(PROFILE.forContainer(DOCKER_CAPS, "x86_64", "4.8.0")).contains("ptrace"));
        assertTrue(plainAllowed(PROFILE.forContainer(DOCKER_CAPS, "x86_64", "5.4.0-150-generic")).contains("ptrace"));
        Seccomp old = PROFILE.forContainer(DOCKER_CAPS, "x86_64", "4.4.0-210-generic");
        assertTrue(rulesFor(old, "ptrace").isEmpty());
        assertTrue(rulesFor(old, "process_vm_writev").isEmpty());
        assertTrue(plainAllowed(PROFILE.forContainer(plus(DOCKER_CAPS, "CAP_SYS_PTRACE"), "x86_64", "4.4.0"))
                .contains("ptrace"));
    }

    @Test
    void architectures() {
        Seccomp arm = PROFILE.forContainer(DOCKER_CAPS, "aarch64", "6.1");
        assertEquals(List.of("SCMP_ARCH_AARCH64", "SCMP_ARCH_ARM"), arm.architectures());
        assertTrue(plainAllowed(arm).containsAll(List.of("cacheflush", "set_tls", "breakpoint", "arm_sync_file_range")));
        assertTrue(rulesFor(arm, "arch_prctl").isEmpty());
        assertEquals(arm, PROFILE.forContainer(DOCKER_CAPS, "arm64", "6.1"), "Go's name for aarch64");
        assertEquals(resolve(DOCKER_CAPS), PROFILE.forContainer(DOCKER_CAPS, "amd64", "6.1"), "Java's name for x86_64");

        Seccomp s390 = PROFILE.forContainer(DOCKER_CAPS, "s390x", "6.1");
        assertEquals(List.of("SCMP_ARCH_S390X", "SCMP_ARCH_S390"), s390.architectures());
        List<Seccomp.Syscall> clone = rulesFor(s390, "clone");
        assertEquals(1, clone.size());
        assertEquals(1, clone.get(0).args().get(0).index(), "s390 has the flags in clone's second argument");

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> PROFILE.forContainer(DOCKER_CAPS, "sparc64", "6.1"));
        assertTrue(e.getMessage().startsWith("host architecture: "), e.getMessage());
    }

    @Test
    void cloneMaskIsTheNamespaceFlags() {
        long mask = 0x00020000L /* NEWNS */ | 0x02000000L /* NEWCGROUP */ | 0x04000000L /* NEWUTS */
                | 0x08000000L /* NEWIPC */ | 0x10000000L /* NEWUSER */ | 0x20000000L /* NEWPID */
                | 0x40000000L /* NEWNET */;
        assertEquals(mask, rulesFor(resolve(DOCKER_CAPS), "clone").get(0).args().get(0).value());
    }

    @Test
    void badInput() {
        assertThrows(IllegalArgumentException.class, () -> resolve(List.of("CAP_NOPE")));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> PROFILE.forContainer(DOCKER_CAPS, "x86_64", "linux"));
        assertTrue(e.getMessage().startsWith("kernel version: "), e.getMessage());
        assertEquals(new KernelVersion(6, 12), KernelVersion.parse("6.12.9+bpo-amd64"));
        assertEquals(new KernelVersion(4, 8), KernelVersion.parse("4.8"));
    }

    @Test
    void writtenJsonIsOciAndReadsBack() throws Exception {
        for (List<String> caps : List.of(DOCKER_CAPS, plus(DOCKER_CAPS, "CAP_SYS_ADMIN"), allCaps())) {
            Seccomp s = resolve(caps);
            String json = "{\"ociVersion\":\"1.2.0\",\"root\":{\"path\":\"rootfs\"},\"linux\":{\"seccomp\":"
                    + Json.write(SeccompJson.toJson(s)) + "}}";
            Seccomp back = SpecParser.parse(json.getBytes(StandardCharsets.UTF_8)).linux().seccomp();
            assertEquals(s, back);
            for (String a : s.architectures()) {
                assertTrue(OCI_ARCHES.contains(a), a);
            }
            for (Seccomp.Syscall r : s.syscalls()) {
                assertTrue(OCI_ACTIONS.contains(r.action()), r.action());
                assertFalse(r.names().isEmpty());
                assertEquals(r.names().size(), Set.copyOf(r.names()).size(), "no name twice in a rule");
                if (r.action().equals("SCMP_ACT_ALLOW")) {
                    assertNull(r.errnoRet());
                }
                for (Seccomp.Arg a : r.args()) {
                    assertTrue(OCI_OPS.contains(a.op()), a.op());
                }
            }
        }
        assertTrue(Json.write(SeccompJson.toJson(resolve(DOCKER_CAPS))).contains("\"value\":4294967295,"));
    }

    /** config-linux.md and specs-go (runtime-spec 1.2). */
    static final Set<String> OCI_ARCHES = Set.of("SCMP_ARCH_X86", "SCMP_ARCH_X86_64", "SCMP_ARCH_X32",
            "SCMP_ARCH_ARM", "SCMP_ARCH_AARCH64", "SCMP_ARCH_MIPS", "SCMP_ARCH_MIPS64", "SCMP_ARCH_MIPS64N32",
            "SCMP_ARCH_MIPSEL", "SCMP_ARCH_MIPSEL64", "SCMP_ARCH_MIPSEL64N32", "SCMP_ARCH_PPC",
            "SCMP_ARCH_PPC64", "SCMP_ARCH_PPC64LE", "SCMP_ARCH_S390", "SCMP_ARCH_S390X", "SCMP_ARCH_PARISC",
            "SCMP_ARCH_PARISC64", "SCMP_ARCH_RISCV64", "SCMP_ARCH_LOONGARCH64", "SCMP_ARCH_M68K",
            "SCMP_ARCH_SH", "SCMP_ARCH_SHEB");
    static final Set<String> OCI_ACTIONS = Set.of("SCMP_ACT_KILL", "SCMP_ACT_KILL_PROCESS", "SCMP_ACT_KILL_THREAD",
            "SCMP_ACT_TRAP", "SCMP_ACT_ERRNO", "SCMP_ACT_TRACE", "SCMP_ACT_ALLOW", "SCMP_ACT_LOG",
            "SCMP_ACT_NOTIFY");
    static final Set<String> OCI_OPS = Set.of("SCMP_CMP_NE", "SCMP_CMP_LT", "SCMP_CMP_LE", "SCMP_CMP_EQ",
            "SCMP_CMP_GE", "SCMP_CMP_GT", "SCMP_CMP_MASKED_EQ");

    @Test
    void everyArchitectureOfTheProfileIsOci() {
        for (List<String> l : PROFILE.profile().architectures().values()) {
            assertTrue(OCI_ARCHES.containsAll(l), l.toString());
        }
    }
}
