package dev.hull.cgroups;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * The device allow-list as a BPF_PROG_TYPE_CGROUP_DEVICE program, for cgroup v2 (which has no
 * devices files). It has the shape of runc's: load the request (type, access, major, minor) from
 * struct bpf_cgroup_dev_ctx, test each exception, fall through to the default. Returns the
 * instructions (struct bpf_insn, 8 bytes each, little-endian); the executor loads and attaches them.
 */
public final class DeviceFilter {
    // struct bpf_insn opcodes
    private static final int LDXW = 0x61, AND32_K = 0x54, RSH32_K = 0x74, MOV32_X = 0xbc,
            JNE_K = 0x55, JNE_X = 0x5d, JEQ_K = 0x15, MOV64_K = 0xb7, EXIT = 0x95;
    private static final int R0 = 0, R1 = 1, R2 = 2, R3 = 3, R4 = 4, R5 = 5;
    // linux/bpf.h: BPF_DEVCG_DEV_BLOCK/CHAR, BPF_DEVCG_ACC_MKNOD/READ/WRITE
    private static final int DEV_BLOCK = 1, DEV_CHAR = 2, ACC_MKNOD = 1, ACC_READ = 2, ACC_WRITE = 4;

    private record Insn(int code, int dst, int src, int off, int imm) {}

    private DeviceFilter() {}

    public static byte[] program(DeviceRules.Effective e) {
        List<Insn> p = new ArrayList<>();
        p.add(new Insn(LDXW, R2, R1, 0, 0));          // r2 = ctx->access_type
        p.add(new Insn(AND32_K, R2, 0, 0, 0xffff));   // r2 = device type
        p.add(new Insn(LDXW, R3, R1, 0, 0));          // r3 = ctx->access_type
        p.add(new Insn(RSH32_K, R3, 0, 0, 16));       // r3 = access requested
        p.add(new Insn(LDXW, R4, R1, 4, 0));          // r4 = ctx->major
        p.add(new Insn(LDXW, R5, R1, 8, 0));          // r5 = ctx->minor
        for (DeviceRules.Rule r : e.exceptions()) {
            List<Insn> block = new ArrayList<>();
            // conditions jump to the end of the block ("next"); their offsets are patched below
            if (r.type() != 'a') {
                block.add(new Insn(JNE_K, R2, 0, -1, r.type() == 'b' ? DEV_BLOCK : DEV_CHAR));
            }
            int access = access(r.access());
            // a deny entry is tested even with "rwm": a request for no access (access(2) with
            // F_OK) shares no bit with it and gets the default
            if (access != (ACC_MKNOD | ACC_READ | ACC_WRITE) || !r.allow()) {
                block.add(new Insn(MOV32_X, R1, R3, 0, 0));
                block.add(new Insn(AND32_K, R1, 0, 0, access));
                if (r.allow()) {
                    // an allow-list entry must cover every requested bit: (req & rule) == req
                    block.add(new Insn(JNE_X, R1, R3, -1, 0));
                } else {
                    // a deny-list entry refuses any request it shares a bit with: (req & rule) != 0,
                    // as v1's match_exception_partial (an O_RDWR open of a device denied "w" fails)
                    block.add(new Insn(JEQ_K, R1, 0, -1, 0));
                }
            }
            if (r.major() >= 0) {
                block.add(new Insn(JNE_K, R4, 0, -1, (int) r.major()));
            }
            if (r.minor() >= 0) {
                block.add(new Insn(JNE_K, R5, 0, -1, (int) r.minor()));
            }
            block.add(new Insn(MOV64_K, R0, 0, 0, r.allow() ? 1 : 0));
            block.add(new Insn(EXIT, 0, 0, 0, 0));
            for (int i = 0; i < block.size(); i++) {
                Insn in = block.get(i);
                if (in.off() == -1) { // a jump to just after this block
                    block.set(i, new Insn(in.code(), in.dst(), in.src(), block.size() - i - 1, in.imm()));
                }
            }
            p.addAll(block);
        }
        p.add(new Insn(MOV64_K, R0, 0, 0, e.defaultAllow() ? 1 : 0));
        p.add(new Insn(EXIT, 0, 0, 0, 0));
        ByteArrayOutputStream out = new ByteArrayOutputStream(p.size() * 8);
        for (Insn in : p) {
            out.write(in.code());
            out.write((in.src() << 4) | in.dst());
            out.write(in.off());
            out.write(in.off() >> 8);
            out.write(in.imm());
            out.write(in.imm() >> 8);
            out.write(in.imm() >> 16);
            out.write(in.imm() >> 24);
        }
        return out.toByteArray();
    }

    private static int access(String a) {
        int v = 0;
        if (a.indexOf('m') >= 0) {
            v |= ACC_MKNOD;
        }
        if (a.indexOf('r') >= 0) {
            v |= ACC_READ;
        }
        if (a.indexOf('w') >= 0) {
            v |= ACC_WRITE;
        }
        return v;
    }
}
