package dev.hull.runtime.security;

import dev.hull.runtime.program.SeccompFilter;
import dev.hull.spec.Seccomp;
import dev.hull.spec.SpecException;
import dev.hull.sys.LibSeccomp;
import dev.hull.sys.LibSeccomp.Cmp;
import dev.hull.sys.SysException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code linux.seccomp} to classic BPF, with libseccomp, following runc
 * (libcontainer/seccomp/seccomp_linux.go) and config-linux.md:
 * <ul>
 * <li>SCMP_ACT_KILL is KILL_THREAD; ERRNO and TRACE return errnoRet, EPERM when it is absent;
 * <li>a syscall name libseccomp does not know is skipped, as is a rule whose action is the
 *     default action (libseccomp refuses those);
 * <li>several comparisons on the same argument cannot be ANDed by libseccomp: they become one
 *     rule each (so they are ORed), as runc does;
 * <li>flags are the kernel's SECCOMP_FILTER_FLAG_* bits, given to seccomp(2) by the executor.
 * </ul>
 * {@link #plan} checks the profile in plain Java; {@link #compile} adds what needs libseccomp.
 */
public final class SeccompCompiler implements SeccompFilter.Compiler {
    private static final String F = "linux.seccomp";
    private static final int EPERM = 1;

    public static final List<String> ACTIONS = List.of("SCMP_ACT_ALLOW", "SCMP_ACT_ERRNO", "SCMP_ACT_KILL",
            "SCMP_ACT_KILL_PROCESS", "SCMP_ACT_KILL_THREAD", "SCMP_ACT_LOG", "SCMP_ACT_NOTIFY", "SCMP_ACT_TRACE",
            "SCMP_ACT_TRAP");
    public static final List<String> OPERATORS = List.of("SCMP_CMP_EQ", "SCMP_CMP_GE", "SCMP_CMP_GT",
            "SCMP_CMP_LE", "SCMP_CMP_LT", "SCMP_CMP_MASKED_EQ", "SCMP_CMP_NE");
    /** runc's list; libseccomp's name for each is the suffix in lower case. */
    public static final List<String> ARCHS = List.of("SCMP_ARCH_AARCH64", "SCMP_ARCH_ARM", "SCMP_ARCH_MIPS",
            "SCMP_ARCH_MIPS64", "SCMP_ARCH_MIPS64N32", "SCMP_ARCH_MIPSEL", "SCMP_ARCH_MIPSEL64",
            "SCMP_ARCH_MIPSEL64N32", "SCMP_ARCH_PPC", "SCMP_ARCH_PPC64", "SCMP_ARCH_PPC64LE", "SCMP_ARCH_RISCV64",
            "SCMP_ARCH_S390", "SCMP_ARCH_S390X", "SCMP_ARCH_X32", "SCMP_ARCH_X86", "SCMP_ARCH_X86_64");
    public static final List<String> FLAGS = List.of("SECCOMP_FILTER_FLAG_TSYNC", "SECCOMP_FILTER_FLAG_LOG",
            "SECCOMP_FILTER_FLAG_SPEC_ALLOW", "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV");

    /** One seccomp_rule_add_array call. */
    public record Rule(String syscall, int action, List<Cmp> cmps, String field) {}

    /** A flag and the field that asked for it. */
    public record Flag(long bit, String name, String field) {}

    /** The profile, checked, in libseccomp's terms. */
    public record Plan(int defaultAction, List<String> archs, List<String> archFields, List<Flag> flags,
                       boolean notifies, List<Rule> rules) {
        public long flagBits() {
            long f = 0;
            for (Flag x : flags) {
                f |= x.bit();
            }
            return f;
        }
    }

    public static int action(String name, Long errnoRet, String field) throws SpecException {
        int ret = errnoRet == null ? EPERM : (int) (errnoRet & 0xffff);
        return switch (name) {
            case "SCMP_ACT_KILL", "SCMP_ACT_KILL_THREAD" -> LibSeccomp.ACT_KILL_THREAD;
            case "SCMP_ACT_KILL_PROCESS" -> LibSeccomp.ACT_KILL_PROCESS;
            case "SCMP_ACT_TRAP" -> LibSeccomp.ACT_TRAP;
            case "SCMP_ACT_ERRNO" -> LibSeccomp.ACT_ERRNO | ret;
            case "SCMP_ACT_TRACE" -> LibSeccomp.ACT_TRACE | ret;
            case "SCMP_ACT_ALLOW" -> LibSeccomp.ACT_ALLOW;
            case "SCMP_ACT_LOG" -> LibSeccomp.ACT_LOG;
            case "SCMP_ACT_NOTIFY" -> LibSeccomp.ACT_NOTIFY;
            default -> throw new SpecException(field + ": unknown action \"" + name + "\"");
        };
    }

    static long flag(String name, String field) throws SpecException {
        return switch (name) {
            case "SECCOMP_FILTER_FLAG_TSYNC" -> SeccompFilter.FLAG_TSYNC;
            case "SECCOMP_FILTER_FLAG_LOG" -> SeccompFilter.FLAG_LOG;
            case "SECCOMP_FILTER_FLAG_SPEC_ALLOW" -> SeccompFilter.FLAG_SPEC_ALLOW;
            case "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV" -> SeccompFilter.FLAG_WAIT_KILLABLE_RECV;
            default -> throw new SpecException(field + ": unknown flag \"" + name + "\"");
        };
    }

    static int operator(String op, String field) throws SpecException {
        return switch (op) {
            case "SCMP_CMP_NE" -> 1;
            case "SCMP_CMP_LT" -> 2;
            case "SCMP_CMP_LE" -> 3;
            case "SCMP_CMP_EQ" -> 4;
            case "SCMP_CMP_GE" -> 5;
            case "SCMP_CMP_GT" -> 6;
            case "SCMP_CMP_MASKED_EQ" -> 7;
            default -> throw new SpecException(field + ": unknown operator \"" + op + "\"");
        };
    }

    /** Everything that can be checked without libseccomp. */
    public static Plan plan(Seccomp s) throws SpecException {
        int def = action(s.defaultAction(), s.defaultErrnoRet(), F + ".defaultAction");
        if (def == LibSeccomp.ACT_NOTIFY) {
            throw new SpecException(F + ".defaultAction: SCMP_ACT_NOTIFY cannot be the default action");
        }
        List<String> archs = new ArrayList<>();
        List<String> archFields = new ArrayList<>();
        for (int i = 0; i < s.architectures().size(); i++) {
            String a = s.architectures().get(i);
            String field = F + ".architectures[" + i + "]";
            if (!ARCHS.contains(a)) {
                throw new SpecException(field + ": unknown architecture \"" + a + "\"");
            }
            archs.add(a.substring("SCMP_ARCH_".length()).toLowerCase(java.util.Locale.ROOT));
            archFields.add(field);
        }
        List<Flag> flags = new ArrayList<>();
        for (int i = 0; i < s.flags().size(); i++) {
            String field = F + ".flags[" + i + "]";
            flags.add(new Flag(flag(s.flags().get(i), field), s.flags().get(i), field));
        }
        boolean notifies = false;
        List<Rule> rules = new ArrayList<>();
        for (int i = 0; i < s.syscalls().size(); i++) {
            Seccomp.Syscall sc = s.syscalls().get(i);
            String field = F + ".syscalls[" + i + "]";
            int act = action(sc.action(), sc.errnoRet(), field + ".action");
            List<Cmp> cmps = new ArrayList<>();
            int[] perArg = new int[6];
            boolean repeated = false;
            for (int j = 0; j < sc.args().size(); j++) {
                Seccomp.Arg a = sc.args().get(j);
                String af = field + ".args[" + j + "]";
                if (a.index() > 5) {
                    throw new SpecException(af + ".index: " + a.index() + " is not an argument index (0-5)");
                }
                cmps.add(new Cmp(a.index(), operator(a.op(), af + ".op"), a.value(), a.valueTwo()));
                repeated |= ++perArg[a.index()] > 1;
            }
            if (act == LibSeccomp.ACT_NOTIFY) {
                notifies = true;
                if (sc.names().contains("sendmsg")) {
                    // the executor hands the listener to the agent with sendmsg once the filter is
                    // loaded: it would wait for an answer from an agent that has no fd yet
                    throw new SpecException(field + ".action: SCMP_ACT_NOTIFY cannot be used for sendmsg");
                }
            }
            if (act == def) {
                continue; // libseccomp refuses a rule that does what the default does (runc skips it)
            }
            for (String name : sc.names()) {
                if (repeated) {
                    for (Cmp c : cmps) {
                        rules.add(new Rule(name, act, List.of(c), field));
                    }
                } else {
                    rules.add(new Rule(name, act, List.copyOf(cmps), field));
                }
            }
        }
        if (notifies && (s.listenerPath() == null || s.listenerPath().isEmpty())) {
            throw new SpecException(F + ".listenerPath: required when a rule uses SCMP_ACT_NOTIFY");
        }
        return new Plan(def, archs, archFields, flags, notifies, rules);
    }

    /**
     * For the -ENOSYS stub: per listed architecture, the largest number of a syscall the profile
     * names (any rule, any action), as runc's findLastSyscalls; x86_64 and x32 share one entry.
     */
    private static List<EnosysStub.Arch> stubArchs(Seccomp s, Plan plan) {
        List<EnosysStub.Arch> out = new ArrayList<>();
        for (String arch : plan.archs()) {
            int audit = EnosysStub.audit(arch);
            int token = LibSeccomp.resolveArch(arch);
            long max = 0;
            for (Seccomp.Syscall sc : s.syscalls()) {
                for (String name : sc.names()) {
                    max = Math.max(max, LibSeccomp.resolveSyscall(token, name));
                }
            }
            int at = -1;
            for (int i = 0; i < out.size(); i++) {
                if (out.get(i).audit() == audit) {
                    at = i;
                }
            }
            EnosysStub.Arch prev = at < 0 ? new EnosysStub.Arch(audit, 0, 0, arch.startsWith("s390")) : out.get(at);
            EnosysStub.Arch next = arch.equals("x32")
                    ? new EnosysStub.Arch(audit, prev.max(), Math.max(prev.maxX32(), max), prev.s390())
                    : new EnosysStub.Arch(audit, Math.max(prev.max(), max), prev.maxX32(), prev.s390());
            if (at < 0) {
                out.add(next);
            } else {
                out.set(at, next);
            }
        }
        out.removeIf(a -> a.max() == 0 && a.maxX32() == 0); // nothing known there: no section, as runc
        return out;
    }

    @Override
    public SeccompFilter compile(Seccomp s) throws SpecException {
        Plan plan = plan(s);
        if (!LibSeccomp.available()) {
            throw new SpecException(F + ": libseccomp.so.2 cannot be loaded (install libseccomp2)");
        }
        for (Flag f : plan.flags()) {
            if (!LibSeccomp.kernelHasFlag(f.bit())) {
                throw new SpecException(f.field() + ": " + f.name() + " is not supported by this kernel");
            }
        }
        try (LibSeccomp ctx = new LibSeccomp(plan.defaultAction())) {
            for (int i = 0; i < plan.archs().size(); i++) {
                int arch = LibSeccomp.resolveArch(plan.archs().get(i));
                if (arch == 0) {
                    throw new SpecException(plan.archFields().get(i) + ": libseccomp " + LibSeccomp.version()
                            + " does not know the architecture " + plan.archs().get(i));
                }
                try {
                    ctx.addArch(arch);
                } catch (SysException e) {
                    throw new SpecException(plan.archFields().get(i) + ": " + e.getMessage());
                }
            }
            for (Rule r : plan.rules()) {
                int nr = LibSeccomp.resolveSyscall(r.syscall());
                if (nr == -1) {
                    continue; // unknown to libseccomp: skipped, as runc does
                }
                try {
                    ctx.addRule(r.action(), nr, r.cmps().toArray(new Cmp[0]));
                } catch (SysException e) {
                    throw new SpecException(r.field() + ": " + r.syscall() + ": " + e.getMessage());
                }
            }
            byte[] bpf = ctx.exportBpf();
            if (EnosysStub.needed(plan.defaultAction(), s.defaultErrnoRet())) {
                byte[] stub = EnosysStub.stub(stubArchs(s, plan));
                byte[] all = new byte[stub.length + bpf.length];
                System.arraycopy(stub, 0, all, 0, stub.length);
                System.arraycopy(bpf, 0, all, stub.length, bpf.length);
                bpf = all;
            }
            if (bpf.length / 8 > 4096) { // BPF_MAXINSNS
                throw new SpecException(F + ": the filter has " + bpf.length / 8
                        + " instructions, more than the kernel takes (4096)");
            }
            return new SeccompFilter(bpf, plan.flagBits(), plan.notifies());
        } catch (SysException e) {
            throw new SpecException(F + ": " + e.getMessage());
        } catch (IOException e) {
            throw new SpecException(F + ": exporting the filter: " + e.getMessage());
        }
    }
}
