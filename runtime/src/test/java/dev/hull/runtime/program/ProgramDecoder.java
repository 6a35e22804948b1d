package dev.hull.runtime.program;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The test side's reading of the encoded fields of a step, written from ARCHITECTURE.md's format
 * independently of {@link SetupProgram}: 'I' -> Long, 'S' -> String, 'B' -> byte[],
 * 'N' -> long[], 'V' -> List of String. Also renders a step the way {@code hull-exec --dump}
 * prints it, so that the two readings can be compared.
 */
final class ProgramDecoder {
    private ProgramDecoder() {}

    static List<Object> fields(SetupProgram.Step st) {
        ByteBuffer b = ByteBuffer.wrap(st.fields()).order(ByteOrder.LITTLE_ENDIAN);
        List<Object> out = new ArrayList<>();
        while (b.hasRemaining()) {
            int tag = b.getInt();
            int len = b.getInt();
            int start = b.position();
            switch (tag) {
                case 'I' -> {
                    if (len != 8) {
                        throw new IllegalStateException("I field of length " + len);
                    }
                    out.add(b.getLong());
                }
                case 'S' -> {
                    byte[] s = Arrays.copyOfRange(st.fields(), start, start + len);
                    if (len == 0 || s[len - 1] != 0) {
                        throw new IllegalStateException("S field without NUL");
                    }
                    out.add(new String(s, 0, len - 1, StandardCharsets.UTF_8));
                }
                case 'B' -> out.add(Arrays.copyOfRange(st.fields(), start, start + len));
                case 'N' -> {
                    long[] v = new long[len / 8];
                    for (int k = 0; k < v.length; k++) {
                        v[k] = b.getLong(start + 8 * k);
                    }
                    out.add(v);
                }
                case 'V' -> {
                    int n = b.getInt(start);
                    int slots = 8 + (n + 1) * 8;
                    for (int k = 0; k <= n; k++) {
                        if (b.getLong(start + 8 + 8 * k) != 0) {
                            throw new IllegalStateException("V slot " + k + " is not zero");
                        }
                    }
                    List<String> v = new ArrayList<>();
                    int pos = start + slots;
                    for (int k = 0; k < n; k++) {
                        int nul = pos;
                        while (st.fields()[nul] != 0) {
                            nul++;
                        }
                        v.add(new String(st.fields(), pos, nul - pos, StandardCharsets.UTF_8));
                        pos = nul + 1;
                    }
                    if (pos != start + len) {
                        throw new IllegalStateException("V field has " + (start + len - pos) + " stray bytes");
                    }
                    out.add(v);
                }
                default -> throw new IllegalStateException("unknown tag " + tag);
            }
            int padded = (len + 7) & ~7;
            for (int k = start + len; k < start + padded; k++) {
                if (st.fields()[k] != 0) {
                    throw new IllegalStateException("padding is not zero");
                }
            }
            b.position(start + padded);
        }
        if (out.size() != st.fieldCount()) {
            throw new IllegalStateException(st.op() + ": " + out.size() + " fields, count says " + st.fieldCount());
        }
        return out;
    }

    /** One line of {@code hull-exec --dump}: "index OP field field...". */
    static String dumpLine(int index, SetupProgram.Step st) {
        StringBuilder sb = new StringBuilder().append(index).append(' ').append(st.op().name());
        for (Object f : fields(st)) {
            sb.append(' ');
            switch (f) {
                case Long l -> sb.append(l);
                case String s -> sb.append('"').append(s).append('"');
                case byte[] bytes -> sb.append('<').append(bytes.length).append(" bytes>");
                case long[] v -> {
                    sb.append('[');
                    for (int k = 0; k < v.length; k++) {
                        sb.append(k == 0 ? "" : " ").append(v[k]);
                    }
                    sb.append(']');
                }
                case List<?> v -> {
                    sb.append('[');
                    for (int k = 0; k < v.size(); k++) {
                        sb.append(k == 0 ? "" : " ").append('"').append(v.get(k)).append('"');
                    }
                    sb.append(']');
                }
                default -> throw new IllegalStateException(f.toString());
            }
        }
        return sb.append('\n').toString();
    }

    static String dump(SetupProgram p) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < p.steps().size(); i++) {
            sb.append(dumpLine(i, p.steps().get(i)));
        }
        return sb.toString();
    }
}
