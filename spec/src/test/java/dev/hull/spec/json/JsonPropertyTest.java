package dev.hull.spec.json;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Randomized checks of {@link Json} against itself and against Jackson as an oracle. Seeds are
 * fixed so that a failure reproduces; the failing text is in the assertion message.
 */
class JsonPropertyTest {
    /** Jackson ignores what follows the first value unless told otherwise; RFC 8259 does not. */
    private static final ObjectMapper JACKSON = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private static final BigInteger TWO_TO_63 = BigInteger.ONE.shiftLeft(63);

    // ------------------------------------------------------------------------------------------
    // random trees in exactly the types Json.parse produces

    static Object randomValue(Random r, int depth) {
        int kind = r.nextInt(depth >= 4 ? 6 : 8);
        return switch (kind) {
            case 0 -> null;
            case 1 -> r.nextBoolean();
            case 2 -> randomString(r);
            case 3 -> randomLong(r);
            case 4 -> randomBig(r);
            case 5 -> randomDouble(r);
            case 6 -> {
                int n = r.nextInt(5);
                List<Object> list = new ArrayList<>(n);
                for (int i = 0; i < n; i++) {
                    list.add(randomValue(r, depth + 1));
                }
                yield list;
            }
            default -> {
                int n = r.nextInt(5);
                Map<String, Object> map = new LinkedHashMap<>();
                for (int i = 0; i < n; i++) {
                    map.put(randomString(r), randomValue(r, depth + 1));
                }
                yield map;
            }
        };
    }

    static String randomString(Random r) {
        int n = r.nextInt(12);
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < n; i++) {
            switch (r.nextInt(10)) {
                case 0 -> sb.append((char) r.nextInt(0x20)); // control characters
                case 1 -> sb.append("\"\\/".charAt(r.nextInt(3)));
                case 2 -> sb.append("\u2028\u2029\u007f\uFEFF\uFFFF\u00a0".charAt(r.nextInt(6)));
                case 3 -> sb.append((char) (0x80 + r.nextInt(0x780))); // two-byte UTF-8
                case 4 -> sb.append((char) (0x800 + r.nextInt(0xD800 - 0x800))); // three-byte
                case 5 -> sb.appendCodePoint(0x10000 + r.nextInt(0x100000)); // surrogate pair
                default -> sb.append((char) (0x20 + r.nextInt(0x5f))); // printable ASCII
            }
        }
        return sb.toString();
    }

    static Long randomLong(Random r) {
        return switch (r.nextInt(5)) {
            case 0 -> (long) r.nextInt(100) - 50;
            case 1 -> r.nextLong();
            case 2 -> r.nextBoolean() ? Long.MAX_VALUE : Long.MIN_VALUE;
            case 3 -> r.nextLong() >> r.nextInt(64);
            default -> (r.nextBoolean() ? 1 : -1) * (long) Math.pow(10, r.nextInt(19));
        };
    }

    /** Integers outside the long range only: inside it, Json.parse gives Long. */
    static BigInteger randomBig(Random r) {
        BigInteger magnitude = TWO_TO_63.add(new BigInteger(r.nextInt(200) + 1, r));
        if (r.nextInt(4) == 0) {
            magnitude = TWO_TO_63; // exactly 2^63: one past Long.MAX_VALUE
        }
        return r.nextBoolean() ? magnitude : magnitude.negate().subtract(BigInteger.ONE);
    }

    static Double randomDouble(Random r) {
        while (true) {
            double d = switch (r.nextInt(5)) {
                case 0 -> Double.longBitsToDouble(r.nextLong());
                case 1 -> r.nextDouble();
                case 2 -> (double) (r.nextInt(2000) - 1000); // integral, written as "12.0"
                case 3 -> r.nextBoolean() ? -0.0 : Double.MIN_VALUE;
                default -> r.nextGaussian() * Math.pow(10, r.nextInt(40) - 20);
            };
            if (Double.isFinite(d)) {
                return d;
            }
        }
    }

    // ------------------------------------------------------------------------------------------
    // comparison: a canonical text that keeps member order and number types

    static String canon(Object v) {
        StringBuilder sb = new StringBuilder();
        canon(sb, v);
        return sb.toString();
    }

    private static void canon(StringBuilder sb, Object v) {
        if (v == null) {
            sb.append("null");
        } else if (v instanceof Boolean b) {
            sb.append(b);
        } else if (v instanceof Long l) {
            sb.append('L').append(l);
        } else if (v instanceof BigInteger b) {
            sb.append('B').append(b);
        } else if (v instanceof Double d) {
            sb.append('D').append(d); // Double.toString keeps -0.0 apart from 0.0
        } else if (v instanceof String s) {
            // Independent of Json's own escaping on purpose.
            sb.append('S').append('<');
            for (int i = 0; i < s.length(); i++) {
                char c = s.charAt(i);
                if (c >= 0x20 && c < 0x7f && c != '<' && c != '>' && c != '\\') {
                    sb.append(c);
                } else {
                    sb.append("\\x").append(Integer.toHexString(c)).append(';');
                }
            }
            sb.append('>');
        } else if (v instanceof Map<?, ?> m) {
            sb.append('{');
            for (Map.Entry<?, ?> e : m.entrySet()) {
                canon(sb, e.getKey());
                sb.append('=');
                canon(sb, e.getValue());
                sb.append(',');
            }
            sb.append('}');
        } else if (v instanceof List<?> l) {
            sb.append('[');
            for (Object o : l) {
                canon(sb, o);
                sb.append(',');
            }
            sb.append(']');
        } else {
            throw new AssertionError("unexpected type in tree: " + v.getClass());
        }
    }

    /** Jackson's tree in the Java types Json.parse uses. */
    static Object fromJackson(JsonNode n) {
        if (n.isObject()) {
            Map<String, Object> m = new LinkedHashMap<>();
            for (Map.Entry<String, JsonNode> e : n.properties()) {
                m.put(e.getKey(), fromJackson(e.getValue()));
            }
            return m;
        }
        if (n.isArray()) {
            List<Object> l = new ArrayList<>();
            for (JsonNode e : n) {
                l.add(fromJackson(e));
            }
            return l;
        }
        if (n.isTextual()) {
            return n.textValue();
        }
        if (n.isBoolean()) {
            return n.booleanValue();
        }
        if (n.isNull()) {
            return null;
        }
        if (n.isIntegralNumber()) {
            return n.canConvertToLong() ? (Object) n.longValue() : n.bigIntegerValue();
        }
        if (n.isFloatingPointNumber()) {
            return n.doubleValue();
        }
        throw new AssertionError("unexpected Jackson node " + n.getNodeType());
    }

    private static boolean hasNonFinite(JsonNode n) {
        if (n.isContainerNode()) {
            for (JsonNode e : n) {
                if (hasNonFinite(e)) {
                    return true;
                }
            }
            return false;
        }
        return n.isFloatingPointNumber() && !Double.isFinite(n.doubleValue());
    }

    // ------------------------------------------------------------------------------------------
    // properties

    @Test
    void writtenTreesParseBackAndAgreeWithJackson() throws Exception {
        Random r = new Random(0x48756c6cL);
        for (int i = 0; i < 3000; i++) {
            Object tree = randomValue(r, 0);
            String expected = canon(tree);
            String[] texts = {
                Json.write(tree), Json.writePretty(tree, "\t"), Json.writePretty(tree, "  "),
            };
            for (String text : texts) {
                // (a) our reader gives the same tree, from a String and from UTF-8 bytes
                assertEquals(expected, canon(Json.parse(text)), text);
                assertEquals(expected, canon(Json.parse(text.getBytes(StandardCharsets.UTF_8))), text);
                // (b) Jackson reads our text as the same tree
                assertEquals(expected, canon(fromJackson(JACKSON.readTree(text))), text);
            }
            // (c) we read Jackson's rendering of the same tree as the same tree
            String jackson = JACKSON.writeValueAsString(tree);
            assertEquals(expected, canon(Json.parse(jackson)), jackson);
            String jacksonPretty = JACKSON.writerWithDefaultPrettyPrinter().writeValueAsString(tree);
            assertEquals(expected, canon(Json.parse(jacksonPretty)), jacksonPretty);
        }
    }

    /** The same tree in the other types the writer takes: Integer, Short, Float, arrays, sets. */
    static Object writerTypes(Object v, Random r) {
        if (v instanceof Long l && l == (int) (long) l && r.nextBoolean()) {
            return r.nextBoolean() || l != (short) (long) l ? (Object) (int) (long) l : (Object) (short) (long) l;
        } else if (v instanceof BigInteger b && b.bitLength() < 64 && r.nextBoolean()) {
            return b; // a small BigInteger: read back as a Long
        } else if (v instanceof Double d && (float) (double) d == d && r.nextBoolean()) {
            return (float) (double) d;
        } else if (v instanceof List<?> list) {
            List<Object> out = new ArrayList<>();
            for (Object e : list) {
                out.add(writerTypes(e, r));
            }
            return r.nextBoolean() ? out.toArray() : out;
        } else if (v instanceof Map<?, ?> map) {
            Map<Object, Object> out = new LinkedHashMap<>();
            for (Map.Entry<?, ?> e : map.entrySet()) {
                out.put(e.getKey(), writerTypes(e.getValue(), r));
            }
            return out;
        }
        return v;
    }

    @Test
    void treeIsWhatWritingAndReadingBackGives() throws Exception {
        Random r = new Random(0x54726565L);
        for (int i = 0; i < 3000; i++) {
            Object v = writerTypes(randomValue(r, 0), r);
            String text = Json.write(v);
            // equals, not canon: the types must be the parser's (Long, not Integer; Double, not Float)
            assertEquals(Json.parse(text), Json.tree(v), text);
        }
        Map<Object, Object> intKeys = new LinkedHashMap<>();
        intKeys.put(1, 0.1f);
        intKeys.put(2, java.util.Set.of("a"));
        intKeys.put(3, TWO_TO_63);
        assertEquals(Json.parse(Json.write(intKeys)), Json.tree(intKeys));
        assertThrows(IllegalArgumentException.class, () -> Json.tree(List.of(Double.NaN)));
        assertThrows(IllegalArgumentException.class, () -> Json.tree(Map.of("a", new Object())));
    }

    @Test
    void compactOutputHasNoWhitespaceOutsideStrings() throws Exception {
        Random r = new Random(7);
        for (int i = 0; i < 500; i++) {
            Object tree = randomValue(r, 0);
            String text = Json.write(tree);
            boolean inString = false;
            for (int k = 0; k < text.length(); k++) {
                char c = text.charAt(k);
                if (c == '"' && unescaped(text, k)) {
                    inString = !inString;
                }
                assertTrue(inString || (c != ' ' && c != '\n' && c != '\t'), text);
            }
        }
    }

    /** Whether the backslashes before position k pair up, leaving the quote at k unescaped. */
    private static boolean unescaped(String text, int k) {
        int n = 0;
        for (int j = k - 1; j >= 0 && text.charAt(j) == '\\'; j--) {
            n++;
        }
        return n % 2 == 0;
    }

    /**
     * Mutated documents: whatever Jackson (strict settings) accepts we accept with the same tree,
     * and whatever it rejects we reject. The one intended difference, numbers that overflow a
     * double, is skipped.
     */
    @Test
    void mutatedTextsAreAcceptedExactlyWhenJacksonAcceptsThem() throws Exception {
        Random r = new Random(42);
        String alphabet = "{}[],:\"\\ \t\n\r0123456789-+.eEtrufalsnbx/\u00e9\u0001";
        int accepted = 0;
        int rejected = 0;
        for (int i = 0; i < 20000; i++) {
            StringBuilder sb = new StringBuilder(Json.write(randomValue(r, 2)));
            int mutations = 1 + r.nextInt(3);
            for (int m = 0; m < mutations; m++) {
                int at = sb.isEmpty() ? 0 : r.nextInt(sb.length());
                char c = alphabet.charAt(r.nextInt(alphabet.length()));
                switch (r.nextInt(4)) {
                    case 0 -> {
                        if (!sb.isEmpty()) {
                            sb.deleteCharAt(at);
                        }
                    }
                    case 1 -> sb.insert(at, c);
                    case 2 -> {
                        if (!sb.isEmpty()) {
                            sb.setCharAt(at, c);
                        }
                    }
                    default -> sb.insert(at, sb.substring(at, Math.min(sb.length(), at + 3)));
                }
            }
            String text = sb.toString();
            Object ours = null;
            boolean oursOk;
            try {
                ours = Json.parse(text);
                oursOk = true;
            } catch (JsonException e) {
                oursOk = false;
            }
            JsonNode theirs = null;
            boolean theirsOk;
            try {
                theirs = JACKSON.readTree(text);
                theirsOk = theirs != null && !theirs.isMissingNode();
            } catch (JsonProcessingException e) {
                theirsOk = false;
            }
            if (theirsOk && hasNonFinite(theirs)) {
                continue;
            }
            assertEquals(theirsOk, oursOk, () -> "accept/reject differs for: " + text);
            if (oursOk) {
                accepted++;
                assertEquals(canon(fromJackson(theirs)), canon(ours), text);
            } else {
                rejected++;
            }
        }
        // The mutations must exercise both outcomes, or this test proves little.
        assertTrue(accepted > 1000, "accepted " + accepted);
        assertTrue(rejected > 1000, "rejected " + rejected);
    }

    @Test
    void loneSurrogateEscapesMatchJackson() throws Exception {
        for (String text : new String[] {"\"\\uD800\"", "\"x\\uDFFFy\"", "\"\\uDC00\\uD800\""}) {
            assertEquals(canon(fromJackson(JACKSON.readTree(text))), canon(Json.parse(text)), text);
        }
    }
}
