package dev.hull.runtime.security;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.hull.runtime.program.SeccompFilter;
import dev.hull.spec.Seccomp;
import dev.hull.spec.SpecException;
import dev.hull.spec.SpecParser;
import dev.hull.sys.LibSeccomp;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The compiler on fixed profiles, with the real libseccomp: the BPF it exports is run by a small
 * classic-BPF interpreter over seccomp_data, so the tests check what the kernel would decide.
 */
class SeccompCompilerTest {
    static final int X86_64 = 0xc000003e, I386 = 0x40000003;
    static final int MKDIR = 83, MKDIRAT = 258, PERSONALITY = 135, GETPID = 39, I386_MKDIR = 39;
    static final int ALLOW = 0x7fff0000, KILL_THREAD = 0, KILL_PROCESS = 0x80000000, TRAP = 0x30000,
            LOG = 0x7ffc0000, ERRNO = 0x50000, TRACE = 0x7ff00000;

    @BeforeEach
    void libseccomp() {
        assumeTrue(LibSeccomp.available(), "libseccomp.so.2 is not installed");
    }

    static Seccomp parse(String seccompJson) throws SpecException {
        String cfg = "{\"ociVersion\":\"1.0.2\",\"root\":{\"path\":\"rootfs\"},\"process\":{\"cwd\":\"/\",\"args\":[\"sh\"],"
                + "\"user\":{\"uid\":0,\"gid\":0}},\"linux\":{\"seccomp\":" + seccompJson + "}}";
        return SpecParser.parse(cfg.getBytes(StandardCharsets.UTF_8)).linux().seccomp();
    }

    static SeccompFilter compile(String json) throws SpecException {
        return new SeccompCompiler().compile(parse(json));
    }

    static String error(String json) {
        return assertThrows(SpecException.class, () -> compile(json)).getMessage();
    }

    // ---- a classic BPF interpreter, enough for what libseccomp emits ----

    static int run(byte[] prog, int arch, int nr, long... args) {
        ByteBuffer data = ByteBuffer.allocate(64).order(ByteOrder.LITTLE_ENDIAN);
        data.putInt(0, nr).putInt(4, arch);
        for (int i = 0; i < args.length; i++) {
            data.putLong(16 + 8 * i, args[i]);
        }
        ByteBuffer p = ByteBuffer.wrap(prog).order(ByteOrder.LITTLE_ENDIAN);
        int n = prog.length / 8;
        int a = 0, x = 0;
        int[] mem = new int[16];
        for (int pc = 0, steps = 0; pc < n && steps < 100000; pc++, steps++) {
            int code = p.getShort(8 * pc) & 0xffff;
            int jt = p.get(8 * pc + 2) & 0xff, jf = p.get(8 * pc + 3) & 0xff, k = p.getInt(8 * pc + 4);
            switch (code) {
                case 0x20 -> a = data.getInt(k); // LD W ABS
                case 0x00 -> a = k; // LD IMM
                case 0x60 -> a = mem[k]; // LD MEM
                case 0x61 -> x = mem[k]; // LDX MEM
                case 0x02 -> mem[k] = a; // ST
                case 0x03 -> mem[k] = x; // STX
                case 0x54 -> a &= k; // ALU AND K
                case 0x44 -> a |= k; // ALU OR K
                case 0x07 -> x = a; // TAX
                case 0x87 -> a = x; // TXA
                case 0x05 -> pc += k; // JA
                case 0x15 -> pc += a == k ? jt : jf;
                case 0x25 -> pc += Integer.compareUnsigned(a, k) > 0 ? jt : jf;
                case 0x35 -> pc += Integer.compareUnsigned(a, k) >= 0 ? jt : jf;
                case 0x45 -> pc += (a & k) != 0 ? jt : jf;
                case 0x06 -> {
                    return k;
                }
                case 0x16 -> {
                    return a;
                }
                default -> throw new AssertionError("BPF op 0x" + Integer.toHexString(code) + " at " + pc);
            }
        }
        throw new AssertionError("fell off the end of the program");
    }

    // ---- semantics ----

    @Test
    void errnoRuleAndDefaultAllow() throws SpecException {
        SeccompFilter f = compile("""
                {"defaultAction":"SCMP_ACT_ALLOW","architectures":["SCMP_ARCH_X86_64"],
                 "syscalls":[{"names":["mkdir","mkdirat"],"action":"SCMP_ACT_ERRNO","errnoRet":38}]}""");
        assertEquals(0, f.bpf().length % 8);
        assertEquals(0, f.flags());
        assertEquals(false, f.notifies());
        assertEquals(ERRNO | 38, run(f.bpf(), X86_64, MKDIR));
        assertEquals(ERRNO | 38, run(f.bpf(), X86_64, MKDIRAT));
        assertEquals(ALLOW, run(f.bpf(), X86_64, GETPID));
        // an architecture the filter does not have: libseccomp's bad-arch action, kill
        assertEquals(KILL_THREAD, run(f.bpf(), I386, I386_MKDIR));
    }

    @Test
    void anAddedArchitectureGetsItsOwnNumbers() throws SpecException {
        SeccompFilter f = compile("""
                {"defaultAction":"SCMP_ACT_ALLOW","architectures":["SCMP_ARCH_X86_64","SCMP_ARCH_X86"],
                 "syscalls":[{"names":["mkdir"],"action":"SCMP_ACT_ERRNO"}]}""");
        assertEquals(ERRNO | 1, run(f.bpf(), I386, I386_MKDIR), "errnoRet absent: EPERM");
        assertEquals(ALLOW, run(f.bpf(), I386, 20)); // getpid on i386
        assertEquals(ERRNO | 1, run(f.bpf(), X86_64, MKDIR));
    }

    @Test
    void everyAction() throws SpecException {
        String[] actions = {"SCMP_ACT_KILL", "SCMP_ACT_KILL_THREAD", "SCMP_ACT_KILL_PROCESS", "SCMP_ACT_TRAP",
            "SCMP_ACT_LOG", "SCMP_ACT_TRACE", "SCMP_ACT_ERRNO"};
        int[] want = {KILL_THREAD, KILL_THREAD, KILL_PROCESS, TRAP, LOG, TRACE | 7, ERRNO | 7};
        for (int i = 0; i < actions.length; i++) {
            SeccompFilter f = compile("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":[\"mkdir\"],"
                    + "\"action\":\"" + actions[i] + "\",\"errnoRet\":7}]}");
            assertEquals(want[i], run(f.bpf(), X86_64, MKDIR), actions[i]);
        }
        SeccompFilter d = compile("{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"defaultErrnoRet\":38,"
                + "\"syscalls\":[{\"names\":[\"getpid\"],\"action\":\"SCMP_ACT_ALLOW\"}]}");
        assertEquals(ERRNO | 38, run(d.bpf(), X86_64, MKDIR));
        assertEquals(ALLOW, run(d.bpf(), X86_64, GETPID));
    }

    @Test
    void argumentComparisons() throws SpecException {
        // personality allowed only with 0xffffffff (a query) or PER_LINUX (0)
        SeccompFilter f = compile("""
                {"defaultAction":"SCMP_ACT_ALLOW","syscalls":[
                  {"names":["personality"],"action":"SCMP_ACT_ERRNO","errnoRet":13,
                   "args":[{"index":0,"value":0,"op":"SCMP_CMP_NE"},{"index":1,"value":5,"op":"SCMP_CMP_LT"}]},
                  {"names":["mkdir"],"action":"SCMP_ACT_ERRNO",
                   "args":[{"index":1,"value":255,"valueTwo":8,"op":"SCMP_CMP_MASKED_EQ"}]},
                  {"names":["mkdirat"],"action":"SCMP_ACT_ERRNO",
                   "args":[{"index":2,"value":4294967296,"op":"SCMP_CMP_GT"}]}]}""");
        // two different arguments: both must match
        assertEquals(ERRNO | 13, run(f.bpf(), X86_64, PERSONALITY, 8, 4));
        assertEquals(ALLOW, run(f.bpf(), X86_64, PERSONALITY, 8, 5));
        assertEquals(ALLOW, run(f.bpf(), X86_64, PERSONALITY, 0, 4));
        assertEquals(ERRNO | 1, run(f.bpf(), X86_64, MKDIR, 0, 0x1208));
        assertEquals(ALLOW, run(f.bpf(), X86_64, MKDIR, 0, 0x1209));
        // 64-bit comparisons look at both halves
        assertEquals(ERRNO | 1, run(f.bpf(), X86_64, MKDIRAT, 0, 0, 0x100000001L));
        assertEquals(ALLOW, run(f.bpf(), X86_64, MKDIRAT, 0, 0, 0x100000000L));
        assertEquals(ALLOW, run(f.bpf(), X86_64, MKDIRAT, 0, 0, 0xffffffffL));
    }

    @Test
    void comparisonsOnTheSameArgumentBecomeSeparateRules() throws SpecException {
        // as runc: libseccomp cannot AND two tests of one argument, so each is a rule of its own
        SeccompFilter f = compile("""
                {"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["personality"],"action":"SCMP_ACT_ERRNO",
                   "args":[{"index":0,"value":1,"op":"SCMP_CMP_EQ"},{"index":0,"value":2,"op":"SCMP_CMP_EQ"}]}]}""");
        assertEquals(ERRNO | 1, run(f.bpf(), X86_64, PERSONALITY, 1));
        assertEquals(ERRNO | 1, run(f.bpf(), X86_64, PERSONALITY, 2));
        assertEquals(ALLOW, run(f.bpf(), X86_64, PERSONALITY, 3));
    }

    @Test
    void unknownSyscallsAndRulesLikeTheDefaultAreSkipped() throws SpecException {
        SeccompFilter f = compile("""
                {"defaultAction":"SCMP_ACT_ALLOW","syscalls":[
                  {"names":["no_such_call","mkdir"],"action":"SCMP_ACT_ERRNO"},
                  {"names":["getpid"],"action":"SCMP_ACT_ALLOW"}]}""");
        assertEquals(ERRNO | 1, run(f.bpf(), X86_64, MKDIR));
        assertEquals(ALLOW, run(f.bpf(), X86_64, GETPID));
    }

    @Test
    void sameProfileSameBytes() throws SpecException {
        String p = """
                {"defaultAction":"SCMP_ACT_ERRNO","architectures":["SCMP_ARCH_X86_64","SCMP_ARCH_X86","SCMP_ARCH_X32"],
                 "syscalls":[{"names":["read","write","exit_group","personality"],"action":"SCMP_ACT_ALLOW"}]}""";
        byte[] a = compile(p).bpf();
        assertArrayEquals(a, compile(p).bpf());
        assertTrue(a.length > 8 * 10, "three architectures, four calls: " + a.length / 8 + " instructions");
    }

    @Test
    void flagsAreTheKernelBits() throws SpecException {
        SeccompFilter f = compile("""
                {"defaultAction":"SCMP_ACT_ALLOW","flags":["SECCOMP_FILTER_FLAG_LOG","SECCOMP_FILTER_FLAG_SPEC_ALLOW",
                 "SECCOMP_FILTER_FLAG_TSYNC"]}""");
        assertEquals(2 | 4 | 1, f.flags());
    }

    @Test
    void notifyNeedsAListener() throws SpecException {
        SeccompFilter f = compile("""
                {"defaultAction":"SCMP_ACT_ALLOW","listenerPath":"/run/a.sock",
                 "syscalls":[{"names":["mkdir"],"action":"SCMP_ACT_NOTIFY"}]}""");
        assertTrue(f.notifies());
        assertEquals(0x7fc00000, run(f.bpf(), X86_64, MKDIR));
        assertEquals("linux.seccomp.listenerPath: required when a rule uses SCMP_ACT_NOTIFY", error("""
                {"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["mkdir"],"action":"SCMP_ACT_NOTIFY"}]}"""));
    }

    // ---- runc's -ENOSYS stub ----

    @Test
    void syscallsNewerThanTheProfileGetEnosys() throws SpecException {
        SeccompFilter f = compile("""
                {"defaultAction":"SCMP_ACT_ERRNO","architectures":["SCMP_ARCH_X86_64","SCMP_ARCH_X86","SCMP_ARCH_X32"],
                 "syscalls":[{"names":["getpid","mkdir"],"action":"SCMP_ACT_ALLOW"},
                             {"names":["personality"],"action":"SCMP_ACT_ERRNO"}]}""");
        // x86_64: personality (135) is the largest number the profile names
        assertEquals(ALLOW, run(f.bpf(), X86_64, GETPID));
        assertEquals(ERRNO | 1, run(f.bpf(), X86_64, 100), "known to the profile's era: the default");
        assertEquals(ERRNO | 1, run(f.bpf(), X86_64, PERSONALITY));
        assertEquals(ERRNO | 38, run(f.bpf(), X86_64, 136), "newer than anything named: ENOSYS");
        assertEquals(ERRNO | 38, run(f.bpf(), X86_64, 435), "clone3");
        // i386: personality is 136 there
        assertEquals(ERRNO | 1, run(f.bpf(), I386, 136));
        assertEquals(ERRNO | 38, run(f.bpf(), I386, 137));
        assertEquals(ALLOW, run(f.bpf(), I386, 20));
        // x32 numbers carry bit 30 and have their own maximum
        int x32Max = LibSeccomp.resolveSyscall(LibSeccomp.resolveArch("x32"), "personality");
        assertTrue((x32Max & 0x40000000) != 0, Integer.toHexString(x32Max));
        assertEquals(ERRNO | 1, run(f.bpf(), X86_64, x32Max));
        assertEquals(ERRNO | 38, run(f.bpf(), X86_64, x32Max + 1));
        assertEquals(ALLOW, run(f.bpf(), X86_64, 0x40000000 | GETPID));
        // an architecture the profile does not list: libseccomp's bad-arch action
        assertEquals(KILL_THREAD, run(f.bpf(), 0xc00000b7, 1));
    }

    @Test
    void noStubWhenTheDefaultAllowsOrIsEnosysAlready() throws SpecException {
        String rules = "\"architectures\":[\"SCMP_ARCH_X86_64\"],\"syscalls\":[{\"names\":[\"getpid\"],"
                + "\"action\":\"SCMP_ACT_KILL\"}]}";
        for (String def : List.of("SCMP_ACT_ALLOW", "SCMP_ACT_LOG", "SCMP_ACT_TRACE")) {
            SeccompFilter f = compile("{\"defaultAction\":\"" + def + "\"," + rules);
            assertEquals(compileWithoutStub(def), run(f.bpf(), X86_64, 440), def);
        }
        SeccompFilter f = compile("{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"defaultErrnoRet\":1234," + rules);
        assertEquals(ERRNO | 1234, run(f.bpf(), X86_64, 30), "below getpid (39): the default");
        assertEquals(ERRNO | 38, run(f.bpf(), X86_64, 440));
        f = compile("{\"defaultAction\":\"SCMP_ACT_KILL_PROCESS\"," + rules);
        assertEquals(ERRNO | 38, run(f.bpf(), X86_64, 440), "kill is not an allow action");
        assertEquals(KILL_PROCESS, run(f.bpf(), X86_64, 38));
    }

    private static int compileWithoutStub(String def) {
        return switch (def) {
            case "SCMP_ACT_ALLOW" -> ALLOW;
            case "SCMP_ACT_LOG" -> LOG;
            default -> TRACE | 1;
        };
    }

    // ---- errors name the field ----

    @Test
    void errors() {
        assertEquals("linux.seccomp.defaultAction: unknown action \"SCMP_ACT_MAYBE\"",
                error("{\"defaultAction\":\"SCMP_ACT_MAYBE\"}"));
        assertEquals("linux.seccomp.syscalls[1].action: unknown action \"ALLOW\"", error("""
                {"defaultAction":"SCMP_ACT_ERRNO","syscalls":[{"names":["read"],"action":"SCMP_ACT_ALLOW"},
                 {"names":["write"],"action":"ALLOW"}]}"""));
        assertEquals("linux.seccomp.architectures[1]: unknown architecture \"SCMP_ARCH_Z80\"",
                error("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"architectures\":[\"SCMP_ARCH_X86\",\"SCMP_ARCH_Z80\"]}"));
        assertEquals("linux.seccomp.flags[0]: unknown flag \"SECCOMP_FILTER_FLAG_FAST\"",
                error("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"flags\":[\"SECCOMP_FILTER_FLAG_FAST\"]}"));
        assertEquals("linux.seccomp.syscalls[0].args[0].op: unknown operator \"SCMP_CMP_LIKE\"", error("""
                {"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["read"],"action":"SCMP_ACT_ERRNO",
                 "args":[{"index":0,"value":1,"op":"SCMP_CMP_LIKE"}]}]}"""));
        assertEquals("linux.seccomp.syscalls[0].args[0].index: 6 is not an argument index (0-5)", error("""
                {"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["read"],"action":"SCMP_ACT_ERRNO",
                 "args":[{"index":6,"value":1,"op":"SCMP_CMP_EQ"}]}]}"""));
        assertEquals("linux.seccomp.defaultAction: SCMP_ACT_NOTIFY cannot be the default action",
                error("{\"defaultAction\":\"SCMP_ACT_NOTIFY\",\"listenerPath\":\"/a\"}"));
        assertEquals("linux.seccomp.syscalls[0].action: SCMP_ACT_NOTIFY cannot be used for sendmsg", error("""
                {"defaultAction":"SCMP_ACT_ALLOW","listenerPath":"/a",
                 "syscalls":[{"names":["sendmsg"],"action":"SCMP_ACT_NOTIFY"}]}"""));
    }
}
