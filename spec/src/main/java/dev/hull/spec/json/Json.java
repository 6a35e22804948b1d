package dev.hull.spec.json;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A small strict JSON (RFC 8259) reader and writer over plain Java types.
 *
 * <p>Why not a library: every {@code hull-runtime} command is a fresh JVM, and start-up time is a
 * product feature. Jackson databind costs ~170 ms to read a config.json there, jackson-core
 * ~18 ms; this reader is about 1 ms because it loads two classes and runs plain loops. For the same
 * reason the code avoids lambdas, pattern {@code switch} on types, regular expressions and string
 * concatenation on the success path: all of those bootstrap method handles on first use.
 *
 * <p>Tree types: object = {@link LinkedHashMap}{@code <String,Object>} (member order kept, the
 * last of duplicate keys wins, in the first one's position), array = {@link ArrayList}, string =
 * {@link String}, integer = {@link Long} if it fits else {@link BigInteger}, number with a fraction
 * or exponent = {@link Double}, {@code true}/{@code false} = {@link Boolean}, {@code null} = Java
 * null (so use {@code containsKey} to tell a null member from an absent one).
 *
 * <p>Decisions a caller may trip over:
 * <ul>
 *   <li>{@code \}{@code uXXXX} escapes that form a lone surrogate are accepted and kept as that
 *       {@code char}, as Jackson does; the resulting String is then not valid UTF-16.
 *   <li>A number whose magnitude overflows a double (e.g. {@code 1e400}) is rejected rather than
 *       read as infinity, because such a value could never be written back.
 *   <li>{@code -0} is the integer 0; {@code -0.0} is the double -0.0.
 *   <li>A leading byte-order mark is skipped; raw bytes must be well-formed UTF-8.
 *   <li>Nesting deeper than {@value #MAX_DEPTH} arrays/objects is rejected so that hostile input
 *       cannot overflow the stack.
 * </ul>
 */
public final class Json {
    /** Deep enough for any real document, shallow enough for the default thread stack. */
    public static final int MAX_DEPTH = 512;

    /** Far beyond any meaningful value (2^64 has 20 digits); Jackson also stops at 1000. */
    private static final int MAX_INTEGER_DIGITS = 1000;

    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private final String s;
    private final int n;
    /** Where the document starts (1 after a BOM), so that columns count from the first real char. */
    private final int base;
    private int pos;
    private int depth;

    private Json(String s, int base) {
        this.s = s;
        this.n = s.length();
        this.base = base;
        this.pos = base;
    }

    // ------------------------------------------------------------------------------------------
    // reading

    /** Parses a whole JSON text; see the class comment for the resulting types. */
    public static Object parse(String text) throws JsonException {
        int start = !text.isEmpty() && text.charAt(0) == '\uFEFF' ? 1 : 0;
        Json p = new Json(text, start);
        p.skipWhitespace();
        Object value = p.value();
        p.skipWhitespace();
        if (p.pos < p.n) {
            throw p.error("expected end of input but found " + p.found());
        }
        return value;
    }

    /** Parses UTF-8 bytes, rejecting malformed UTF-8 (which a plain decode would turn into U+FFFD). */
    public static Object parse(byte[] utf8) throws JsonException {
        int bad = firstInvalidUtf8(utf8);
        if (bad >= 0) {
            // The valid prefix decodes exactly; its length is the position of the bad byte.
            String prefix = new String(utf8, 0, bad, StandardCharsets.UTF_8);
            int start = !prefix.isEmpty() && prefix.charAt(0) == '\uFEFF' ? 1 : 0;
            Json p = new Json(prefix, start);
            p.pos = prefix.length();
            throw p.error("invalid UTF-8 byte 0x" + Integer.toHexString(utf8[bad] & 0xff));
        }
        return parse(new String(utf8, StandardCharsets.UTF_8));
    }

    /** Index of the first byte of the first ill-formed sequence (Unicode table 3-7), or -1. */
    private static int firstInvalidUtf8(byte[] b) {
        int i = 0;
        int len = b.length;
        while (i < len) {
            int c = b[i];
            if (c >= 0) {
                i++;
                continue;
            }
            c &= 0xff;
            int need;
            int lo = 0x80;
            int hi = 0xbf;
            if (c >= 0xc2 && c <= 0xdf) {
                need = 1;
            } else if (c >= 0xe0 && c <= 0xef) {
                need = 2;
                if (c == 0xe0) {
                    lo = 0xa0; // overlong
                } else if (c == 0xed) {
                    hi = 0x9f; // UTF-16 surrogates
                }
            } else if (c >= 0xf0 && c <= 0xf4) {
                need = 3;
                if (c == 0xf0) {
                    lo = 0x90; // overlong
                } else if (c == 0xf4) {
                    hi = 0x8f; // above U+10FFFF
                }
            } else {
                return i;
            }
            if (i + need >= len) { // truncated at the end
                return i;
            }
            int second = b[i + 1] & 0xff;
            if (second < lo || second > hi) {
                return i;
            }
            for (int k = 2; k <= need; k++) {
                int cont = b[i + k] & 0xff;
                if (cont < 0x80 || cont > 0xbf) {
                    return i;
                }
            }
            i += need + 1;
        }
        return -1;
    }

    private Object value() throws JsonException {
        if (pos >= n) {
            throw error("expected a value but found end of input");
        }
        char c = s.charAt(pos);
        if (c == '"') {
            return string();
        }
        if (c == '{') {
            return object();
        }
        if (c == '[') {
            return array();
        }
        if (c == '-' || (c >= '0' && c <= '9')) {
            return number();
        }
        if (c == 't') {
            literal("true");
            return Boolean.TRUE;
        }
        if (c == 'f') {
            literal("false");
            return Boolean.FALSE;
        }
        if (c == 'n') {
            literal("null");
            return null;
        }
        throw error("expected a value but found " + found());
    }

    private void literal(String word) throws JsonException {
        if (!s.startsWith(word, pos)) {
            throw error("expected a value but found " + found());
        }
        pos += word.length();
    }

    private Map<String, Object> object() throws JsonException {
        enter();
        pos++; // '{'
        LinkedHashMap<String, Object> map = new LinkedHashMap<>();
        skipWhitespace();
        if (pos < n && s.charAt(pos) == '}') {
            pos++;
            depth--;
            return map;
        }
        while (true) {
            if (pos >= n || s.charAt(pos) != '"') {
                throw error(map.isEmpty() ? "expected a string or '}' but found " + found()
                        : "expected a string but found " + found());
            }
            String key = string();
            skipWhitespace();
            if (pos >= n || s.charAt(pos) != ':') {
                throw error("expected ':' but found " + found());
            }
            pos++;
            skipWhitespace();
            map.put(key, value());
            skipWhitespace();
            if (pos < n) {
                char c = s.charAt(pos);
                if (c == ',') {
                    pos++;
                    skipWhitespace();
                    continue;
                }
                if (c == '}') {
                    pos++;
                    depth--;
                    return map;
                }
            }
            throw error("expected ',' or '}' but found " + found());
        }
    }

    private List<Object> array() throws JsonException {
        enter();
        pos++; // '['
        ArrayList<Object> list = new ArrayList<>();
        skipWhitespace();
        if (pos < n && s.charAt(pos) == ']') {
            pos++;
            depth--;
            return list;
        }
        while (true) {
            list.add(value());
            skipWhitespace();
            if (pos < n) {
                char c = s.charAt(pos);
                if (c == ',') {
                    pos++;
                    skipWhitespace();
                    continue;
                }
                if (c == ']') {
                    pos++;
                    depth--;
                    return list;
                }
            }
            throw error("expected ',' or ']' but found " + found());
        }
    }

    private void enter() throws JsonException {
        if (++depth > MAX_DEPTH) {
            throw error("nesting is deeper than " + MAX_DEPTH + " levels");
        }
    }

    private String string() throws JsonException {
        pos++; // opening quote
        int start = pos;
        // Fast path: most strings have no escapes and are one substring.
        while (pos < n) {
            char c = s.charAt(pos);
            if (c == '"') {
                String r = s.substring(start, pos);
                pos++;
                return r;
            }
            if (c == '\\') {
                break;
            }
            if (c < 0x20) {
                throw error("control character " + found() + " must be escaped in a string");
            }
            pos++;
        }
        StringBuilder sb = new StringBuilder(pos - start + 16);
        sb.append(s, start, pos);
        while (pos < n) {
            char c = s.charAt(pos);
            if (c == '"') {
                pos++;
                return sb.toString();
            }
            if (c < 0x20) {
                throw error("control character " + found() + " must be escaped in a string");
            }
            if (c != '\\') {
                sb.append(c);
                pos++;
                continue;
            }
            if (pos + 1 >= n) {
                pos++;
                break;
            }
            char e = s.charAt(pos + 1);
            switch (e) {
                case '"', '\\', '/' -> sb.append(e);
                case 'b' -> sb.append('\b');
                case 'f' -> sb.append('\f');
                case 'n' -> sb.append('\n');
                case 'r' -> sb.append('\r');
                case 't' -> sb.append('\t');
                case 'u' -> {
                    int v = 0;
                    for (int k = 0; k < 4; k++) {
                        int h = pos + 2 + k < n ? hexValue(s.charAt(pos + 2 + k)) : -1;
                        if (h < 0) {
                            throw error("invalid \\u escape: expected 4 hex digits");
                        }
                        v = (v << 4) | h;
                    }
                    // Surrogate pairs arrive as two escapes and simply append as two chars.
                    sb.append((char) v);
                    pos += 4;
                }
                default -> throw error("invalid escape '\\" + printable(e) + "' in a string");
            }
            pos += 2;
        }
        throw error("expected '\"' but found end of input");
    }

    private static int hexValue(char c) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        if (c >= 'a' && c <= 'f') {
            return c - 'a' + 10;
        }
        if (c >= 'A' && c <= 'F') {
            return c - 'A' + 10;
        }
        return -1;
    }

    private Object number() throws JsonException {
        int start = pos;
        boolean negative = s.charAt(pos) == '-';
        if (negative) {
            pos++;
        }
        if (pos >= n) {
            throw error("expected a digit but found end of input");
        }
        char c = s.charAt(pos);
        if (c == '0') {
            pos++;
            if (pos < n && isDigit(s.charAt(pos))) {
                throw error("leading zeros are not allowed");
            }
        } else if (c >= '1' && c <= '9') {
            while (pos < n && isDigit(s.charAt(pos))) {
                pos++;
            }
        } else {
            throw error("expected a digit but found " + found());
        }
        int digitsEnd = pos;
        boolean integral = true;
        if (pos < n && s.charAt(pos) == '.') {
            pos++;
            digits();
            integral = false;
        }
        if (pos < n && (s.charAt(pos) == 'e' || s.charAt(pos) == 'E')) {
            pos++;
            if (pos < n && (s.charAt(pos) == '+' || s.charAt(pos) == '-')) {
                pos++;
            }
            digits();
            integral = false;
        }
        if (!integral) {
            double d = Double.parseDouble(s.substring(start, pos));
            if (Double.isInfinite(d)) {
                int end = pos;
                pos = start;
                throw error("number " + s.substring(start, end) + " is too large");
            }
            return d;
        }
        int firstDigit = negative ? start + 1 : start;
        if (digitsEnd - firstDigit <= 18) {
            // Up to 18 digits always fits a long: no BigInteger on the common path.
            long v = 0;
            for (int i = firstDigit; i < digitsEnd; i++) {
                v = v * 10 + (s.charAt(i) - '0');
            }
            return negative ? -v : v;
        }
        if (digitsEnd - firstDigit > MAX_INTEGER_DIGITS) {
            // BigInteger parsing is superlinear: a megabyte of digits would stall the runtime.
            pos = start;
            throw error("integer has more than " + MAX_INTEGER_DIGITS + " digits");
        }
        BigInteger big = new BigInteger(s.substring(start, digitsEnd));
        if (big.bitLength() < 64) {
            return big.longValue();
        }
        return big;
    }

    private void digits() throws JsonException {
        if (pos >= n || !isDigit(s.charAt(pos))) {
            throw error("expected a digit but found " + found());
        }
        while (pos < n && isDigit(s.charAt(pos))) {
            pos++;
        }
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    private void skipWhitespace() {
        while (pos < n) {
            char c = s.charAt(pos);
            if (c != ' ' && c != '\n' && c != '\r' && c != '\t') {
                return;
            }
            pos++;
        }
    }

    /** Describes the character at {@code pos} for an error message. */
    private String found() {
        if (pos >= n) {
            return "end of input";
        }
        char c = s.charAt(pos);
        if (c > 0x20 && c < 0x7f) {
            return "'" + c + "'";
        }
        int cp = s.codePointAt(pos);
        String hex = Integer.toHexString(cp).toUpperCase(java.util.Locale.ROOT);
        return "U+" + "0000".substring(Math.min(4, hex.length())) + hex;
    }

    private static String printable(char c) {
        if (c > 0x20 && c < 0x7f) {
            return String.valueOf(c);
        }
        String hex = Integer.toHexString(c).toUpperCase(java.util.Locale.ROOT);
        return "U+" + "0000".substring(hex.length()) + hex;
    }

    /** Builds the exception; line and column are only worked out here, off the success path. */
    private JsonException error(String reason) {
        int line = 1;
        int lineStart = base;
        int end = Math.min(pos, n);
        for (int i = base; i < end; i++) {
            char c = s.charAt(i);
            if (c == '\n' || (c == '\r' && (i + 1 >= n || s.charAt(i + 1) != '\n'))) {
                line++;
                lineStart = i + 1;
            }
        }
        return new JsonException(reason, line, end - lineStart + 1);
    }

    /**
     * The tree {@code parse(write(value))} gives, without the text in between: {@link Map}s with
     * {@link String} keys, {@link List}s, {@link Long} for integers ({@link BigInteger} beyond a
     * long), {@link Double}, {@link Boolean}, {@link String} and null. For a caller that made the
     * document in memory and would otherwise write it and read it back (the engine's config.json:
     * parsing 8 kB costs milliseconds in an interpreted JVM).
     *
     * @throws IllegalArgumentException for what {@link #write} refuses
     */
    public static Object tree(Object v) {
        return tree(v, 0);
    }

    private static Object tree(Object v, int level) {
        if (v == null || v instanceof String || v instanceof Boolean || v instanceof Long) {
            return v;
        } else if (v instanceof Map<?, ?> map) {
            checkDepth(level);
            Map<String, Object> out = new LinkedHashMap<>();
            for (Map.Entry<?, ?> e : map.entrySet()) {
                out.put(String.valueOf(e.getKey()), tree(e.getValue(), level + 1));
            }
            return out;
        } else if (v instanceof Collection<?> || v instanceof Object[]) {
            checkDepth(level);
            Collection<?> c = v instanceof Object[] a ? java.util.Arrays.asList(a) : (Collection<?>) v;
            List<Object> out = new ArrayList<>(c.size());
            for (Object e : c) {
                out.add(tree(e, level + 1));
            }
            return out;
        } else if (v instanceof Integer || v instanceof Short || v instanceof Byte) {
            return ((Number) v).longValue();
        } else if (v instanceof Double || v instanceof Float) {
            // what the text of each reads back as: Float 0.1f is written "0.1", read as 0.1d
            double x = v instanceof Float f ? Double.parseDouble(f.toString()) : (Double) v;
            if (Double.isNaN(x) || Double.isInfinite(x)) {
                throw new IllegalArgumentException("JSON has no representation for " + x);
            }
            return x;
        } else if (v instanceof BigInteger big) {
            return big.bitLength() < 64 ? (Object) big.longValue() : big;
        }
        throw new IllegalArgumentException("cannot write a " + v.getClass().getName() + " as JSON");
    }

    // ------------------------------------------------------------------------------------------
    // writing


    /**
     * Writes a value compactly, without any spaces. Accepts {@link Map} (keys written with
     * {@link String#valueOf}), {@link Collection}, {@code Object[]}, {@link String}, {@link Long},
     * {@link Integer}, {@link Short}, {@link Byte}, {@link BigInteger}, {@link Double},
     * {@link Float}, {@link Boolean} and null.
     *
     * @throws IllegalArgumentException for other types and for NaN or infinite numbers
     */
    public static String write(Object value) {
        StringBuilder sb = new StringBuilder(64);
        writeValue(sb, value, null, 0);
        return sb.toString();
    }

    /**
     * Writes a value with one member or element per line, nested levels indented by
     * {@code indent} (e.g. {@code "\t"}), {@code "key": value}, and no trailing newline; this is
     * the layout of Go's {@code json.MarshalIndent}, so files look like the ones runc writes.
     */
    public static String writePretty(Object value, String indent) {
        if (indent == null) {
            throw new NullPointerException("indent");
        }
        StringBuilder sb = new StringBuilder(256);
        writeValue(sb, value, indent, 0);
        return sb.toString();
    }

    // instanceof chains rather than a pattern switch: see the class comment (start-up cost). The
    // common types come first; BigInteger last among numbers so that writing a document without
    // one does not even load that class.
    private static void writeValue(StringBuilder sb, Object v, String indent, int level) {
        if (v == null) {
            sb.append("null");
        } else if (v instanceof String str) {
            quote(sb, str);
        } else if (v instanceof Map<?, ?> map) {
            writeMap(sb, map, indent, level);
        } else if (v instanceof Collection<?> list) {
            writeCollection(sb, list, indent, level);
        } else if (v instanceof Boolean b) {
            sb.append(b.booleanValue());
        } else if (v instanceof Long || v instanceof Integer || v instanceof Short
                || v instanceof Byte) {
            sb.append(((Number) v).longValue());
        } else if (v instanceof Double d) {
            double x = d;
            if (Double.isNaN(x) || Double.isInfinite(x)) {
                throw new IllegalArgumentException("JSON has no representation for " + x);
            }
            // Shortest representation that reads back as the same double (JDK 19+).
            sb.append(x);
        } else if (v instanceof BigInteger big) {
            sb.append(big.toString());
        } else if (v instanceof Float f) {
            float x = f;
            if (Float.isNaN(x) || Float.isInfinite(x)) {
                throw new IllegalArgumentException("JSON has no representation for " + x);
            }
            sb.append(x);
        } else if (v instanceof Object[] array) {
            writeCollection(sb, java.util.Arrays.asList(array), indent, level);
        } else {
            throw new IllegalArgumentException("cannot write a " + v.getClass().getName() + " as JSON");
        }
    }

    private static void writeMap(StringBuilder sb, Map<?, ?> map, String indent, int level) {
        checkDepth(level);
        if (map.isEmpty()) {
            sb.append("{}");
            return;
        }
        sb.append('{');
        boolean first = true;
        for (Map.Entry<?, ?> e : map.entrySet()) {
            if (!first) {
                sb.append(',');
            }
            first = false;
            newline(sb, indent, level + 1);
            quote(sb, String.valueOf(e.getKey()));
            sb.append(indent == null ? ":" : ": ");
            writeValue(sb, e.getValue(), indent, level + 1);
        }
        newline(sb, indent, level);
        sb.append('}');
    }

    private static void writeCollection(StringBuilder sb, Collection<?> list, String indent,
                                        int level) {
        checkDepth(level);
        if (list.isEmpty()) {
            sb.append("[]");
            return;
        }
        sb.append('[');
        boolean first = true;
        for (Object element : list) {
            if (!first) {
                sb.append(',');
            }
            first = false;
            newline(sb, indent, level + 1);
            writeValue(sb, element, indent, level + 1);
        }
        newline(sb, indent, level);
        sb.append(']');
    }

    /**
     * The reader's limit applies to writing too: a deeper document could not be read back, and a
     * cyclic structure fails here instead of with a StackOverflowError.
     */
    private static void checkDepth(int level) {
        if (level >= MAX_DEPTH) {
            throw new IllegalArgumentException("nesting is deeper than " + MAX_DEPTH
                    + " levels (a cyclic structure?)");
        }
    }

    private static void newline(StringBuilder sb, String indent, int level) {
        if (indent != null) {
            sb.append('\n');
            for (int i = 0; i < level; i++) {
                sb.append(indent);
            }
        }
    }

    /**
     * Appends {@code str} as a JSON string. U+2028 and U+2029 are escaped too: they are legal in
     * JSON but end a line in JavaScript and in some log viewers, which would split a record.
     */
    private static void quote(StringBuilder sb, String str) {
        sb.append('"');
        int last = 0;
        int len = str.length();
        for (int i = 0; i < len; i++) {
            char c = str.charAt(i);
            if (c >= 0x20 && c != '"' && c != '\\' && c != '\u2028' && c != '\u2029') {
                continue;
            }
            sb.append(str, last, i);
            last = i + 1;
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\t' -> sb.append("\\t");
                case '\r' -> sb.append("\\r");
                case '\b' -> sb.append("\\b");
                case '\f' -> sb.append("\\f");
                default -> sb.append("\\u").append(HEX[c >> 12]).append(HEX[(c >> 8) & 15])
                        .append(HEX[(c >> 4) & 15]).append(HEX[c & 15]);
            }
        }
        sb.append(str, last, len).append('"');
    }
}
