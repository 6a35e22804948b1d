package dev.hull.runtime.program;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The encoder against hand-computed bytes and against the executor's own reading ({@code --dump}). */
class SetupProgramTest {

    /** One step of every field type; the byte layout is {@link #GOLDEN}. */
    static SetupProgram tiny() {
        SetupProgram p = new SetupProgram();
        p.add(Op.UMASK, "umask").i(18).done();
        p.add(Op.CHDIR, "chdir").s("/a").done();
        p.add(Op.PIVOT_ROOT, "pivot").done();
        p.add(Op.SETGROUPS, "groups").n(new long[] {5, -1}).done();
        p.add(Op.SECCOMP, "seccomp").i(0).b(new byte[] {1, 2, 3}).done();
        p.add(Op.EXEC, "exec").v(List.of("ab")).v(List.of()).i(0).done();
        return p;
    }

    private static final String GOLDEN = String.join("",
            // "HULLPRG1", 6 steps, 232 bytes
            "48554c4c50524731", "06000000", "e8000000",
            // UMASK(38) 1 field, 24 bytes: I 8 18
            "2600", "0100", "18000000", "49000000", "08000000", "1200000000000000",
            // CHDIR(27) 1 field, 24 bytes: S 3 "/a\0" + 5 bytes padding
            "1b00", "0100", "18000000", "53000000", "03000000", "2f61000000000000",
            // PIVOT_ROOT(20) no fields, 8 bytes
            "1400", "0000", "08000000",
            // SETGROUPS(32) 1 field, 32 bytes: N 16 [5, -1]
            "2000", "0100", "20000000", "4e000000", "10000000", "0500000000000000", "ffffffffffffffff",
            // SECCOMP(39) 2 fields, 40 bytes: I 8 0, B 3 01 02 03 + 5 bytes padding
            "2700", "0200", "28000000", "49000000", "08000000", "0000000000000000",
            "42000000", "03000000", "0102030000000000",
            // EXEC(44) 3 fields, 88 bytes:
            "2c00", "0300", "58000000",
            //   V 27: n=1, 0, 2 zero slots, "ab\0" + 5 bytes padding
            "56000000", "1b000000", "01000000", "00000000", "0000000000000000", "0000000000000000",
            "6162000000000000",
            //   V 16: n=0, 0, 1 zero slot
            "56000000", "10000000", "00000000", "00000000", "0000000000000000",
            //   I 8 0
            "49000000", "08000000", "0000000000000000");

    @Test
    void goldenBytes() {
        byte[] want = HexFormat.of().parseHex(GOLDEN);
        assertEquals(232, want.length);
        assertEquals(HexFormat.of().formatHex(want), HexFormat.of().formatHex(tiny().encode()));
    }

    @Test
    void goldenDump() {
        HullExec.Result r = HullExec.dump(HexFormat.of().parseHex(GOLDEN));
        assertEquals(0, r.code(), r.toString());
        assertEquals("""
                0 UMASK 18
                1 CHDIR "/a"
                2 PIVOT_ROOT
                3 SETGROUPS [5 -1]
                4 SECCOMP 0 <3 bytes>
                5 EXEC ["ab"] [] 0
                """, r.out());
        assertEquals("", r.err());
    }

    @Test
    void emptyProgram() {
        SetupProgram p = new SetupProgram();
        assertEquals("48554c4c50524731" + "00000000" + "10000000", HexFormat.of().formatHex(p.encode()));
        HullExec.Result r = HullExec.dump(p.encode());
        assertEquals(0, r.code(), r.toString());
        assertEquals("", r.out());
    }

    /** Every field type, with the lengths around each padding boundary, negative numbers and UTF-8. */
    static SetupProgram everything() {
        SetupProgram p = new SetupProgram();
        p.add(Op.MOUNT, "mount").s("").s("/").s("ext4").i(Long.MIN_VALUE).s("a,b").done();
        p.add(Op.WRITE_FILE, "padding").s("1234567").s("12345678").done();
        p.add(Op.WRITE_FILE, "padding").s("123456789012345").s("1234567890123456").done();
        p.add(Op.SETHOSTNAME, "utf-8").s("höst-名前-🚀").done();
        p.add(Op.SETGROUPS, "empty ints").n(new long[0]).done();
        p.add(Op.SETGROUPS, "ints").n(new long[] {0, 1, Long.MAX_VALUE, -42}).done();
        p.add(Op.SECCOMP, "empty bytes").i(3).b(new byte[0]).done();
        p.add(Op.SECCOMP, "8 bytes").i(-1).b(new byte[8]).done();
        p.add(Op.SECCOMP, "9 bytes").i(Long.MAX_VALUE).b(new byte[9]).done();
        p.add(Op.EXEC, "exec").v(List.of("/bin/sh", "-c", "echo 'ü' \"q\"")).v(List.of()).i(1).done();
        p.add(Op.HOOK, "hook").s("/h").v(List.of("")).v(List.of("A=1", "B=ä", "")).i(-1).s("n").done();
        p.add(Op.JOIN_NS, "join").n(new long[] {0x20000}).v(List.of("/proc/1/ns/mnt")).done();
        List<String> many = new ArrayList<>();
        for (int k = 0; k < 100; k++) {
            many.add("arg" + "x".repeat(k % 9));
        }
        p.add(Op.EXEC, "many").v(many).v(List.of("PATH=/bin")).i(0).done();
        p.add(Op.WAIT_START, "no fields").done();
        return p;
    }

    @Test
    void everyFieldTypeAsTheExecutorReadsIt() {
        SetupProgram p = everything();
        HullExec.Result r = HullExec.dump(p.encode());
        assertEquals(0, r.code(), r.toString());
        StringBuilder many = new StringBuilder();
        for (int k = 0; k < 100; k++) {
            many.append(k == 0 ? "" : " ").append("\"arg").append("x".repeat(k % 9)).append('"');
        }
        String want = """
                0 MOUNT "" "/" "ext4" -9223372036854775808 "a,b"
                1 WRITE_FILE "1234567" "12345678"
                2 WRITE_FILE "123456789012345" "1234567890123456"
                3 SETHOSTNAME "höst-名前-🚀"
                4 SETGROUPS []
                5 SETGROUPS [0 1 9223372036854775807 -42]
                6 SECCOMP 3 <0 bytes>
                7 SECCOMP -1 <8 bytes>
                8 SECCOMP 9223372036854775807 <9 bytes>
                9 EXEC ["/bin/sh" "-c" "echo 'ü' "q""] [] 1
                10 HOOK "/h" [""] ["A=1" "B=ä" ""] -1 "n"
                11 JOIN_NS [131072] ["/proc/1/ns/mnt"]
                12 EXEC [MANY] ["PATH=/bin"] 0
                13 WAIT_START
                """.replace("MANY", many);
        assertEquals(want, r.out());
        // the test-side decoder reads the same program the same way
        assertEquals(want, ProgramDecoder.dump(p));
    }

    @Test
    void decodedFields() {
        SetupProgram p = everything();
        List<Object> mount = ProgramDecoder.fields(p.steps().get(0));
        assertEquals(List.of("", "/", "ext4", Long.MIN_VALUE, "a,b"), mount);
        assertEquals(5, p.steps().get(0).fieldCount());
        List<Object> hook = ProgramDecoder.fields(p.steps().get(10));
        assertEquals(List.of("A=1", "B=ä", ""), hook.get(2));
        assertArrayEquals(new byte[9], (byte[]) ProgramDecoder.fields(p.steps().get(8)).get(1));
        assertArrayEquals(new long[] {0, 1, Long.MAX_VALUE, -42}, (long[]) ProgramDecoder.fields(p.steps().get(5)).get(0));
        // lengths: every step is a multiple of 8 and the total is in the header
        byte[] b = p.encode();
        assertEquals(b.length, (b[12] & 0xff) | (b[13] & 0xff) << 8 | (b[14] & 0xff) << 16 | (b[15] & 0xff) << 24);
        assertEquals(p.steps().size(), b[8]);
        for (SetupProgram.Step st : p.steps()) {
            assertEquals(0, st.fields().length % 8, st.description());
        }
    }

    @Test
    void nullStringIsEmpty() {
        SetupProgram p = new SetupProgram();
        p.add(Op.CHDIR, "null").s(null).done();
        assertEquals(List.of(""), ProgramDecoder.fields(p.steps().get(0)));
    }

    @Test
    void nulCannotBeEncoded() {
        SetupProgram p = new SetupProgram();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> p.add(Op.CHDIR, "cwd").s("a\0b"));
        assertEquals("NUL in string field of CHDIR: cwd", e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> p.add(Op.EXEC, "exec x").v(List.of("ok", "x\0")));
        assertEquals("NUL in string list of EXEC: exec x", e.getMessage());
        assertEquals(0, p.steps().size(), "a failed step is not added");
    }

    @Test
    void describeAndIndexOf() {
        SetupProgram p = tiny();
        assertEquals("umask", p.describe(0));
        assertEquals("exec", p.describe(5));
        assertEquals("setup", p.describe(-1), "errors before the first step");
        assertEquals("setup", p.describe(6));
        assertEquals(2, p.indexOf(Op.PIVOT_ROOT));
        assertEquals(-1, p.indexOf(Op.CLONE));
    }

    // ---- malformed programs: an error exit, never a crash ----

    private static byte[] golden() {
        return HexFormat.of().parseHex(GOLDEN);
    }

    private static byte[] patch(Consumer<byte[]> change) {
        byte[] b = golden();
        change.accept(b);
        return b;
    }

    private static void le32(byte[] b, int off, long v) {
        for (int k = 0; k < 4; k++) {
            b[off + k] = (byte) (v >>> (8 * k));
        }
    }

    private static void le16(byte[] b, int off, int v) {
        b[off] = (byte) v;
        b[off + 1] = (byte) (v >>> 8);
    }

    /** name -> (bytes, the strerror the executor reports). Offsets are those of {@link #GOLDEN}. */
    static Map<String, Object[]> malformed() {
        Map<String, Object[]> m = new LinkedHashMap<>();
        String bad = "Bad message", pipe = "Broken pipe";
        m.put("empty input", new Object[] {new byte[0], "No data available"});
        m.put("truncated header", new Object[] {Arrays.copyOf(golden(), 10), pipe});
        m.put("header only", new Object[] {Arrays.copyOf(golden(), 16), "No data available"});
        m.put("truncated in a step", new Object[] {Arrays.copyOf(golden(), 100), pipe});
        m.put("last byte missing", new Object[] {Arrays.copyOf(golden(), 231), pipe});
        m.put("bad magic", new Object[] {patch(b -> b[7] = '2'), bad});
        m.put("bad tag", new Object[] {patch(b -> le32(b, 24, 'X')), bad});
        m.put("tag of another type", new Object[] {patch(b -> le32(b, 48, 'B')), null});
        m.put("string length overrun", new Object[] {patch(b -> le32(b, 52, 100)), bad});
        m.put("field length overrun, huge", new Object[] {patch(b -> le32(b, 28, 0xfffffff9L)), bad});
        m.put("step length overrun", new Object[] {patch(b -> le32(b, 20, 10000)), bad});
        m.put("step length not aligned", new Object[] {patch(b -> le32(b, 20, 20)), bad});
        m.put("step length below its header", new Object[] {patch(b -> le32(b, 20, 4)), bad});
        m.put("step length zero", new Object[] {patch(b -> le32(b, 20, 0)), bad});
        m.put("string without NUL", new Object[] {patch(b -> b[58] = 'x'), bad});
        m.put("empty string field", new Object[] {patch(b -> le32(b, 52, 0)), bad});
        m.put("int of 4 bytes", new Object[] {patch(b -> le32(b, 28, 4)), bad});
        m.put("ints not a multiple of 8", new Object[] {patch(b -> le32(b, 84, 12)), bad});
        m.put("vector count too big", new Object[] {patch(b -> le32(b, 160, 5)), bad});
        m.put("vector count huge", new Object[] {patch(b -> le32(b, 160, 0xffffffffL)), bad});
        m.put("vector string without NUL", new Object[] {patch(b -> b[186] = 'c'), bad});
        m.put("vector shorter than its header", new Object[] {patch(b -> le32(b, 196, 8)), bad});
        m.put("fewer fields than present", new Object[] {patch(b -> le16(b, 18, 0)), bad});
        m.put("more fields than present", new Object[] {patch(b -> le16(b, 18, 2)), bad});
        m.put("more steps than present", new Object[] {patch(b -> le32(b, 8, 7)), bad});
        m.put("fewer steps than present", new Object[] {patch(b -> le32(b, 8, 5)), bad});
        m.put("absurd step count", new Object[] {patch(b -> le32(b, 8, 0xffffffffL)), bad});
        m.put("total length below the header", new Object[] {patch(b -> le32(b, 12, 8)), bad});
        m.put("total length above the limit", new Object[] {patch(b -> le32(b, 12, 0x7fffffffL)), bad});
        m.put("total length cuts a step", new Object[] {patch(b -> le32(b, 12, 64)), bad});
        m.put("total length beyond the input", new Object[] {patch(b -> le32(b, 12, 1000)), pipe});
        return m;
    }

    @Test
    void malformedProgramsAreRefused() {
        List<String> failures = new ArrayList<>();
        malformed().forEach((name, c) -> {
            HullExec.Result r = HullExec.dump((byte[]) c[0]);
            String why = (String) c[1];
            if (why == null) {
                // a field of another type still links (the executor checks types when it runs a step)
                if (r.code() != 0 && r.code() != 1) {
                    failures.add(name + ": " + r);
                }
            } else if (r.code() != 1 || !r.err().equals("hull-exec: bad program: " + why + "\n")
                    || !r.out().isEmpty()) {
                failures.add(name + ": " + r);
            }
        });
        assertEquals(List.of(), failures);
    }

    /** Random corruption of a valid program: always exit 0 (still well-formed) or 1, never a signal. */
    @Test
    void corruptedProgramsNeverCrash() {
        byte[] base = everything().encode();
        Random rnd = new Random(20240611);
        List<String> failures = new ArrayList<>();
        for (int round = 0; round < 150; round++) {
            byte[] b = corrupt(base, rnd);
            HullExec.Result r = HullExec.dump(b);
            if (r.code() != 0 && !(r.code() == 1 && r.err().startsWith("hull-exec: bad program: "))) {
                failures.add("round " + round + ": " + r + "\n" + HexFormat.of().formatHex(b));
            }
        }
        assertEquals(List.of(), failures);
    }

    private static byte[] corrupt(byte[] base, Random rnd) {
        byte[] b = base.clone();
        switch (rnd.nextInt(4)) {
            case 0 -> b[rnd.nextInt(b.length)] = (byte) rnd.nextInt(256);
            case 1 -> { // a length or count field: step sizes and field lengths are at 4 mod 8
                int off = 16 + 8 * rnd.nextInt((b.length - 16) / 8) + 4 * rnd.nextInt(2);
                le32(b, off, rnd.nextBoolean() ? rnd.nextInt(64) : rnd.nextInt());
            }
            case 2 -> {
                for (int k = 0; k < 8; k++) {
                    b[16 + rnd.nextInt(b.length - 16)] ^= (byte) (1 << rnd.nextInt(8));
                }
            }
            default -> b = Arrays.copyOf(b, rnd.nextInt(b.length));
        }
        return b;
    }

    @Test
    void malformedProgramsUnderValgrind(@TempDir Path build) {
        Path valgrind = HullExec.valgrind();
        assumeTrue(valgrind != null, "valgrind is not installed: skipping the memory check of --dump");
        Path exe = HullExec.dynamicBuild(build);
        assumeTrue(exe != null, "no gcc for a dynamically linked build: skipping the memory check of --dump");
        // valgrind takes a second a run: the cases where a bad length could make a read overrun
        Map<String, Object[]> all = malformed();
        Map<String, Object[]> cases = new LinkedHashMap<>();
        for (String name : List.of("truncated in a step", "field length overrun, huge", "step length overrun",
                "string without NUL", "vector count huge", "vector string without NUL", "more fields than present")) {
            cases.put(name, all.get(name));
        }
        cases.put("valid: everything", new Object[] {everything().encode(), null});
        List<String> failures = cases.entrySet().parallelStream().map(e -> {
            HullExec.Result r = HullExec.dumpUnderValgrind(valgrind, exe, (byte[]) e.getValue()[0]);
            int want = e.getValue()[1] == null ? 0 : 1; // valgrind's own error exit is 9
            return r.code() != want || r.err().contains("==") ? e.getKey() + ": " + r : null;
        }).filter(java.util.Objects::nonNull).toList();
        assertEquals(List.of(), failures);
        assertEquals(8, cases.size());
    }
}
