package dev.hull.runtime.program;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * An ordered list of executor steps, each with a human description for error messages, and its
 * byte encoding (ARCHITECTURE.md, "The setup program"):
 *
 * <pre>
 * program := "HULLPRG1" u32:steps u32:total-length step*
 * step    := u16:op u16:fields u32:length field*            (length includes this header)
 * field   := u32:tag u32:length payload, padded to 8 bytes
 *   'I' i64 | 'S' bytes NUL | 'B' bytes | 'N' i64* | 'V' u32:n u32:0 (n+1)*u64 slots, n strings NUL
 * </pre>
 *
 * All integers little-endian. The slots of a 'V' field are zero here; the executor fills them
 * with pointers so that the vector can be passed to execve as it lies in memory.
 */
public final class SetupProgram {
    private final List<Step> steps = new ArrayList<>();

    /** One step: its op, its encoded fields, and what it does in words. */
    public record Step(Op op, byte[] fields, int fieldCount, String description) {}

    public List<Step> steps() {
        return steps;
    }

    /** The description of step i, for "step 14 (mount proc on /proc)". */
    public String describe(int i) {
        return i >= 0 && i < steps.size() ? steps.get(i).description() : "setup";
    }

    /** Index of the first step with this op, or -1. */
    public int indexOf(Op op) {
        for (int i = 0; i < steps.size(); i++) {
            if (steps.get(i).op() == op) {
                return i;
            }
        }
        return -1;
    }

    /** Starts a step; add its fields to the returned builder in the order the executor reads them. */
    public Fields add(Op op, String description) {
        return new Fields(this, op, description);
    }

    /** Builds the fields of one step; {@link #done()} appends it to the program. */
    public static final class Fields {
        private final SetupProgram program;
        private final Op op;
        private final String description;
        private final ByteArrayOutputStream out = new ByteArrayOutputStream(64);
        private int count;

        Fields(SetupProgram program, Op op, String description) {
            this.program = program;
            this.op = op;
            this.description = description;
        }

        public Fields i(long v) {
            header('I', 8);
            le64(out, v);
            count++;
            return this;
        }

        public Fields s(String v) {
            byte[] b = (v == null ? "" : v).getBytes(StandardCharsets.UTF_8);
            for (byte x : b) {
                if (x == 0) {
                    throw new IllegalArgumentException("NUL in string field of " + op + ": " + description);
                }
            }
            header('S', b.length + 1);
            out.writeBytes(b);
            out.write(0);
            pad(b.length + 1);
            count++;
            return this;
        }

        public Fields b(byte[] v) {
            header('B', v.length);
            out.writeBytes(v);
            pad(v.length);
            count++;
            return this;
        }

        public Fields n(long[] v) {
            header('N', v.length * 8);
            for (long x : v) {
                le64(out, x);
            }
            count++;
            return this;
        }

        public Fields v(List<String> v) {
            ByteArrayOutputStream strings = new ByteArrayOutputStream();
            for (String s : v) {
                byte[] b = s.getBytes(StandardCharsets.UTF_8);
                for (byte x : b) {
                    if (x == 0) {
                        throw new IllegalArgumentException("NUL in string list of " + op + ": " + description);
                    }
                }
                strings.writeBytes(b);
                strings.write(0);
            }
            int len = 8 + (v.size() + 1) * 8 + strings.size();
            header('V', len);
            le32(out, v.size());
            le32(out, 0);
            for (int k = 0; k <= v.size(); k++) {
                le64(out, 0);
            }
            out.writeBytes(strings.toByteArray());
            pad(len);
            count++;
            return this;
        }

        public SetupProgram done() {
            program.steps.add(new Step(op, out.toByteArray(), count, description));
            return program;
        }

        private void header(char tag, int len) {
            le32(out, tag);
            le32(out, len);
        }

        private void pad(int len) {
            for (int k = len; k % 8 != 0; k++) {
                out.write(0);
            }
        }
    }

    /** The program as the executor reads it. */
    public byte[] encode() {
        ByteArrayOutputStream out = new ByteArrayOutputStream(4096);
        out.writeBytes("HULLPRG1".getBytes(StandardCharsets.US_ASCII));
        le32(out, steps.size());
        le32(out, 0); // total length, patched below
        for (Step st : steps) {
            le16(out, st.op().code);
            le16(out, st.fieldCount());
            le32(out, 8 + st.fields().length);
            out.writeBytes(st.fields());
        }
        byte[] b = out.toByteArray();
        int n = b.length;
        b[12] = (byte) n;
        b[13] = (byte) (n >>> 8);
        b[14] = (byte) (n >>> 16);
        b[15] = (byte) (n >>> 24);
        return b;
    }

    static void le16(ByteArrayOutputStream o, int v) {
        o.write(v);
        o.write(v >>> 8);
    }

    static void le32(ByteArrayOutputStream o, int v) {
        o.write(v);
        o.write(v >>> 8);
        o.write(v >>> 16);
        o.write(v >>> 24);
    }

    static void le64(ByteArrayOutputStream o, long v) {
        for (int k = 0; k < 8; k++) {
            o.write((int) (v >>> (8 * k)));
        }
    }
}
