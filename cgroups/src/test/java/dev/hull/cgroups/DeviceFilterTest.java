package dev.hull.cgroups;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.hull.cgroups.DeviceRules.Effective;
import dev.hull.cgroups.DeviceRules.Rule;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The v2 device filter: its bytes are decoded as struct bpf_insn and run by a small BPF
 * interpreter (only the instructions the generator uses), and its verdict is compared with
 * what the kernel's v1 devices controller decides for the same state.
 */
class DeviceFilterTest {
    /** struct bpf_insn: code, dst_reg:4, src_reg:4, off (s16), imm (s32). */
    record Insn(int code, int dst, int src, int off, int imm) {}

    static List<Insn> decode(byte[] p) {
        assertEquals(0, p.length % 8, "whole instructions");
        List<Insn> out = new ArrayList<>();
        for (int i = 0; i < p.length; i += 8) {
            int off = (short) ((p[i + 2] & 0xff) | (p[i + 3] & 0xff) << 8);
            int imm = (p[i + 4] & 0xff) | (p[i + 5] & 0xff) << 8 | (p[i + 6] & 0xff) << 16 | (p[i + 7] & 0xff) << 24;
            out.add(new Insn(p[i] & 0xff, p[i + 1] & 0x0f, (p[i + 1] & 0xf0) >> 4, off, imm));
        }
        return out;
    }

    // linux/bpf.h
    static final int DEV_BLOCK = 1, DEV_CHAR = 2;

    /**
     * Runs a BPF_PROG_TYPE_CGROUP_DEVICE program on struct bpf_cgroup_dev_ctx {access_type (access
     * << 16 | type), major, minor}; returns r0. Fails on an opcode it does not know, a read of a
     * register never written, a load from anything but the context, or a jump out of the program.
     */
    static long run(List<Insn> prog, int type, int access, int major, int minor) {
        long[] r = new long[11];
        boolean[] set = new boolean[11];
        r[1] = 0; // the context "pointer"
        set[1] = true;
        boolean r1IsCtx = true;
        int[] ctx = {access << 16 | type, major, minor};
        int pc = 0;
        for (int steps = 0; steps <= prog.size(); steps++) {
            if (pc < 0 || pc >= prog.size()) {
                fail("pc " + pc + " outside the program");
            }
            Insn in = prog.get(pc++);
            switch (in.code()) {
                case 0x61 -> { // ldxw dst, [src + off]
                    assertTrue(in.src() == 1 && r1IsCtx, "loads only from the context");
                    assertTrue(in.off() % 4 == 0 && in.off() >= 0 && in.off() < 12, "load offset " + in.off());
                    r[in.dst()] = ctx[in.off() / 4] & 0xffffffffL;
                }
                case 0x54 -> r[in.dst()] = (read(r, set, in.dst()) & in.imm()) & 0xffffffffL;   // and32 imm
                case 0x74 -> r[in.dst()] = (read(r, set, in.dst()) & 0xffffffffL) >>> in.imm(); // rsh32 imm
                case 0xbc -> r[in.dst()] = read(r, set, in.src()) & 0xffffffffL;                 // mov32 reg
                case 0xb7 -> r[in.dst()] = in.imm();                                             // mov64 imm
                case 0x55 -> pc += read(r, set, in.dst()) != (long) in.imm() ? in.off() : 0;     // jne imm
                case 0x15 -> pc += read(r, set, in.dst()) == (long) in.imm() ? in.off() : 0;     // jeq imm
                case 0x5d -> pc += read(r, set, in.dst()) != read(r, set, in.src()) ? in.off() : 0; // jne reg
                case 0x95 -> { // exit
                    return read(r, set, 0);
                }
                default -> fail("unexpected opcode 0x" + Integer.toHexString(in.code()) + " at " + (pc - 1));
            }
            if (in.code() != 0x95 && (in.code() & 0x07) != 0x05) { // an ALU or load wrote dst
                set[in.dst()] = true;
                if (in.dst() == 1) {
                    r1IsCtx = false;
                }
            }
        }
        fail("no exit");
        return -1;
    }

    private static long read(long[] r, boolean[] set, int reg) {
        assertTrue(set[reg], "r" + reg + " read before it was written");
        return r[reg];
    }

    /** Jumps go forward, land inside the program, and every path ends in exit. */
    static void checkShape(List<Insn> prog) {
        assertTrue(!prog.isEmpty());
        assertEquals(0x95, prog.getLast().code(), "ends in exit");
        for (int i = 0; i < prog.size(); i++) {
            Insn in = prog.get(i);
            if ((in.code() & 0x07) == 0x05 && in.code() != 0x95) {
                int target = i + 1 + in.off();
                assertTrue(in.off() >= 0 && target < prog.size(), "jump at " + i + " to " + target);
            }
        }
    }

    static final char[] TYPES = {'c', 'b'};
    static final int[] MAJORS = {0, 1, 4, 5, 8, 10, 136, 254};
    static final int[] MINORS = {0, 1, 2, 3, 5, 7, 8, 9, 200};

    /** The program decides as the kernel's v1 controller would, for every request tried. */
    static void agreesWithTheKernel(Effective e) {
        List<Insn> prog = decode(DeviceFilter.program(e));
        checkShape(prog);
        for (char type : TYPES) {
            for (int major : MAJORS) {
                for (int minor : MINORS) {
                    for (int access = 0; access < 8; access++) { // 0: access(2) with F_OK
                        boolean kernel = DevCgroupModel.permits(e, type, major, minor, access);
                        long verdict = run(prog, type == 'b' ? DEV_BLOCK : DEV_CHAR, access, major, minor);
                        assertEquals(kernel ? 1 : 0, verdict, e + ": " + type + " " + major + ":" + minor + " "
                                + DevCgroupModel.access(access) + " (" + access + ")");
                    }
                }
            }
        }
    }

    @Test
    void runcsDefaults() {
        List<Rule> rules = new ArrayList<>(List.of(DeviceRulesTest.DENY_ALL));
        rules.addAll(DeviceRules.DEFAULTS);
        agreesWithTheKernel(DeviceRules.compute(rules));
    }

    @Test
    void allowAllAndDenyAll() {
        agreesWithTheKernel(new Effective(true, List.of()));
        agreesWithTheKernel(new Effective(false, List.of()));
        assertEquals(8 * 8, DeviceFilter.program(new Effective(false, List.of())).length);
    }

    /** An allow list: one exception must cover every bit asked for. */
    @Test
    void allowListWithPartialAccess() {
        agreesWithTheKernel(new Effective(false, List.of(
                DeviceRulesTest.allow('c', 1, 3, "r"), DeviceRulesTest.allow('c', 1, -1, "w"),
                DeviceRulesTest.allow('b', -1, 0, "rm"), DeviceRulesTest.allow('c', 136, -1, "rw"))));
    }

    /**
     * A deny list: any bit in common with an exception denies. Opening with O_RDWR asks for
     * read and write at once; "c 4:1 w" denied must refuse it, as v1 does.
     */
    @Test
    void denyListWithPartialAccess() {
        Effective e = new Effective(true, List.of(DeviceRulesTest.deny('c', 4, 1, "w"),
                DeviceRulesTest.deny('b', 8, -1, "rm"), DeviceRulesTest.deny('c', -1, 5, "m")));
        List<Insn> prog = decode(DeviceFilter.program(e));
        assertEquals(0, run(prog, DEV_CHAR, DevCgroupModel.READ | DevCgroupModel.WRITE, 4, 1));
        assertEquals(1, run(prog, DEV_CHAR, DevCgroupModel.READ, 4, 1));
        assertEquals(1, run(prog, DEV_CHAR, 0, 4, 1));
        agreesWithTheKernel(e);
    }

    @Test
    void randomRuleLists() {
        Random rnd = new Random(11);
        for (int i = 0; i < 150; i++) {
            agreesWithTheKernel(DeviceRules.compute(DeviceRulesTest.randomRules(rnd)));
        }
    }

    /** The program for "deny all but c 1:3 rwm", byte for byte. */
    @Test
    void smallProgramBytes() {
        byte[] p = DeviceFilter.program(new Effective(false, List.of(DeviceRulesTest.allow('c', 1, 3, "rwm"))));
        String want = ""
                + "6112000000000000" // ldxw r2, [r1+0]        access_type
                + "54020000ffff0000" // and32 r2, 0xffff       the type
                + "6113000000000000" // ldxw r3, [r1+0]
                + "7403000010000000" // rsh32 r3, 16           the access
                + "6114040000000000" // ldxw r4, [r1+4]        major
                + "6115080000000000" // ldxw r5, [r1+8]        minor
                + "5502040002000000" // jne r2, 2 (char), +4
                + "5504030001000000" // jne r4, 1, +3
                + "5505020003000000" // jne r5, 3, +2
                + "b700000001000000" // mov64 r0, 1
                + "9500000000000000" // exit
                + "b700000000000000" // mov64 r0, 0
                + "9500000000000000"; // exit
        assertArrayEquals(HexFormat.of().parseHex(want), p, HexFormat.of().formatHex(p));
    }

    /** With partial access and wildcards: the access test, and no test for a wildcard number. */
    @Test
    void partialAccessProgramBytes() {
        byte[] p = DeviceFilter.program(new Effective(false, List.of(DeviceRulesTest.allow('b', 8, -1, "rw"))));
        String want = ""
                + "6112000000000000" + "54020000ffff0000" + "6113000000000000" + "7403000010000000"
                + "6114040000000000" + "6115080000000000"
                + "5502060001000000" // jne r2, 1 (block), +6
                + "bc31000000000000" // mov32 r1, r3
                + "5401000006000000" // and32 r1, 6 (read|write)
                + "5d31030000000000" // jne r1, r3, +3         (request & rule) != request
                + "5504020008000000" // jne r4, 8, +2
                + "b700000001000000" + "9500000000000000"
                + "b700000000000000" + "9500000000000000";
        assertArrayEquals(HexFormat.of().parseHex(want), p, HexFormat.of().formatHex(p));
    }
}
