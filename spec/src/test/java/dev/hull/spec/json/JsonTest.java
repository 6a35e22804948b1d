package dev.hull.spec.json;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class JsonTest {

    private static Object parse(String text) throws JsonException {
        return Json.parse(text);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> parseObject(String text) throws JsonException {
        return (Map<String, Object>) Json.parse(text);
    }

    private static String error(String text) {
        return assertThrows(JsonException.class, () -> Json.parse(text)).getMessage();
    }

    private static String error(byte[] bytes) {
        return assertThrows(JsonException.class, () -> Json.parse(bytes)).getMessage();
    }

    private static byte[] bytes(int... b) {
        byte[] out = new byte[b.length];
        for (int i = 0; i < b.length; i++) {
            out[i] = (byte) b[i];
        }
        return out;
    }

    // ------------------------------------------------------------------------------------------
    // scalars

    @Test
    void literals() throws Exception {
        assertEquals(Boolean.TRUE, parse("true"));
        assertEquals(Boolean.FALSE, parse("false"));
        assertNull(parse("null"));
        assertEquals(Boolean.TRUE, parse(" \t\r\n true \n"));
    }

    @Test
    void integersAreLongWhenTheyFit() throws Exception {
        assertEquals(0L, parse("0"));
        assertEquals(0L, parse("-0"));
        assertEquals(123L, parse("123"));
        assertEquals(-42L, parse("-42"));
        assertEquals(999_999_999_999_999_999L, parse("999999999999999999"));
        assertEquals(1_000_000_000_000_000_000L, parse("1000000000000000000"));
        assertEquals(Long.MAX_VALUE, parse("9223372036854775807"));
        assertEquals(Long.MIN_VALUE, parse("-9223372036854775808"));
    }

    @Test
    void integersBeyondLongAreBigInteger() throws Exception {
        BigInteger twoTo63 = BigInteger.ONE.shiftLeft(63);
        assertEquals(twoTo63, parse("9223372036854775808"));
        assertEquals(BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE),
                parse("18446744073709551615"));
        assertEquals(twoTo63.negate().subtract(BigInteger.ONE), parse("-9223372036854775809"));
        assertEquals(new BigInteger("123456789012345678901234567890"),
                parse("123456789012345678901234567890"));
    }

    @Test
    void hugeIntegersAreRejectedRatherThanParsedSlowly() throws Exception {
        assertInstanceOf(BigInteger.class, parse("9".repeat(1000)));
        assertEquals("line 1, column 1: integer has more than 1000 digits", error("9".repeat(1001)));
    }

    @Test
    void numbersWithFractionOrExponentAreDouble() throws Exception {
        assertEquals(1.5, parse("1.5"));
        assertEquals(1000.0, parse("1e3"));
        assertEquals(1000.0, parse("1E+3"));
        assertEquals(0.01, parse("1e-2"));
        assertEquals(2500.0, parse("2.5e3"));
        assertEquals(3.0, parse("3.0"));
        assertEquals(-0.0, parse("-0.0"));
        // Double.equals tells -0.0 from 0.0: the sign must survive.
        assertFalse(Double.valueOf(0.0).equals(parse("-0.0")));
        assertEquals(Double.MIN_VALUE, parse("4.9E-324"));
        assertEquals(Double.MAX_VALUE, parse("1.7976931348623157E308"));
        assertEquals(0.1, parse("0.1"));
    }

    @Test
    void numberOverflowingDoubleIsRejected() {
        assertEquals("line 1, column 2: number 1e400 is too large", error("[1e400]"));
        assertEquals("line 1, column 1: number -1e400 is too large", error("-1e400"));
    }

    // ------------------------------------------------------------------------------------------
    // strings

    @Test
    void everyEscape() throws Exception {
        String json = "\"q\\\" b\\\\ s\\/ b\\b f\\f n\\n r\\r t\\t u\\u0041\\u00e9\\u20AC\\u0000\"";
        assertEquals("q\" b\\ s/ b\b f\f n\n r\r t\t uA\u00e9\u20ac\0", parse(json));
    }

    @Test
    void surrogatePairEscapesMakeOneCodePoint() throws Exception {
        String s = (String) parse("\"\\uD83D\\uDE00\"");
        assertEquals(2, s.length());
        assertEquals(0x1F600, s.codePointAt(0));
        assertEquals("\uD83D\uDE00", parse("\"\\ud83d\\ude00\""));
    }

    /**
     * Lone surrogates in escapes are accepted and kept as that char, as Jackson does: refusing
     * them would reject configs that other runtimes accept, and the runtime only passes strings on.
     */
    @Test
    void loneSurrogateEscapesAreKept() throws Exception {
        assertEquals("\uD800", parse("\"\\uD800\""));
        assertEquals("a\uDC00b", parse("\"a\\uDC00b\""));
        assertEquals("\uDE00\uD83D", parse("\"\\uDE00\\uD83D\""));
    }

    @Test
    void rawNonAsciiFromUtf8Bytes() throws Exception {
        String text = "[\"h\u00e9llo \u4e16\u754c \uD83D\uDE00\"]";
        Object tree = Json.parse(text.getBytes(StandardCharsets.UTF_8));
        assertEquals(List.of("h\u00e9llo \u4e16\u754c \uD83D\uDE00"), tree);
    }

    @Test
    void rawControlCharactersInStringsAreRejected() {
        assertEquals("line 1, column 3: control character U+0009 must be escaped in a string",
                error("\"a\tb\""));
        assertEquals("line 1, column 2: control character U+000A must be escaped in a string",
                error("\"\nb\""));
        assertEquals("line 1, column 4: control character U+0001 must be escaped in a string",
                error("\"\\n\u0001\""));
        assertEquals("line 1, column 2: control character U+001F must be escaped in a string",
                error("\"\u001f\""));
    }

    @Test
    void delAndOtherNonControlCharactersAreFine() throws Exception {
        assertEquals("\u007f \u2028 \uFEFF", parse("\"\u007f \u2028 \uFEFF\""));
    }

    @Test
    void badEscapes() {
        assertEquals("line 1, column 3: invalid escape '\\x' in a string", error("\"a\\xb\""));
        assertEquals("line 1, column 2: invalid escape '\\'' in a string", error("\"\\'\""));
        assertEquals("line 1, column 2: invalid \\u escape: expected 4 hex digits",
                error("\"\\u12G4\""));
        assertEquals("line 1, column 2: invalid \\u escape: expected 4 hex digits",
                error("\"\\u12\""));
        assertEquals("line 1, column 2: invalid \\u escape: expected 4 hex digits",
                error("\"\\u"));
    }

    @Test
    void unterminatedStrings() {
        assertEquals("line 1, column 5: expected '\"' but found end of input", error("\"abc"));
        assertEquals("line 1, column 6: expected '\"' but found end of input", error("\"a\\nb"));
        assertEquals("line 1, column 4: expected '\"' but found end of input", error("\"a\\"));
    }

    // ------------------------------------------------------------------------------------------
    // containers

    @Test
    void objectsKeepOrderAndLastDuplicateWins() throws Exception {
        Map<String, Object> m = parseObject("{\"b\": 1, \"a\": 2, \"c\": 3, \"a\": 4}");
        assertInstanceOf(LinkedHashMap.class, m);
        assertEquals(List.of("b", "a", "c"), new ArrayList<>(m.keySet()));
        assertEquals(4L, m.get("a"));
    }

    @Test
    void nullMembersArePresentButNull() throws Exception {
        Map<String, Object> m = parseObject("{\"x\": null}");
        assertTrue(m.containsKey("x"));
        assertNull(m.get("x"));
        assertFalse(m.containsKey("y"));
    }

    @Test
    void nestedContainers() throws Exception {
        Object tree = parse("{\"a\": [1, {\"b\": [] , \"c\": {}}, [null, true]], \"\": \"\"}");
        Map<String, Object> inner = new LinkedHashMap<>();
        inner.put("b", List.of());
        inner.put("c", Map.of());
        Map<String, Object> expected = new LinkedHashMap<>();
        expected.put("a", Arrays.asList(1L, inner, Arrays.asList(null, true)));
        expected.put("", "");
        assertEquals(expected, tree);
        assertInstanceOf(ArrayList.class, ((Map<?, ?>) tree).get("a"));
    }

    @Test
    void byteOrderMarkIsSkipped() throws Exception {
        assertEquals(List.of(1L), parse("\uFEFF[1]"));
        assertEquals(List.of(1L), Json.parse(bytes(0xEF, 0xBB, 0xBF, '[', '1', ']')));
        // The BOM is not counted as a column.
        assertEquals("line 1, column 2: expected a value but found ','", error("\uFEFF[,]"));
    }

    // ------------------------------------------------------------------------------------------
    // rejects and error positions

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
        "{\"a\":1,}           | line 1, column 8: expected a string but found '}'",
        "[1,2,]               | line 1, column 6: expected a value but found ']'",
        "[1 2]                | line 1, column 4: expected ',' or ']' but found '2'",
        "01                   | line 1, column 2: leading zeros are not allowed",
        "-01                  | line 1, column 3: leading zeros are not allowed",
        "[00]                 | line 1, column 3: leading zeros are not allowed",
        "NaN                  | line 1, column 1: expected a value but found 'N'",
        "Infinity             | line 1, column 1: expected a value but found 'I'",
        "-Infinity            | line 1, column 2: expected a digit but found 'I'",
        "+1                   | line 1, column 1: expected a value but found '+'",
        ".5                   | line 1, column 1: expected a value but found '.'",
        "1.                   | line 1, column 3: expected a digit but found end of input",
        "1.e5                 | line 1, column 3: expected a digit but found 'e'",
        "1e                   | line 1, column 3: expected a digit but found end of input",
        "1e+                  | line 1, column 4: expected a digit but found end of input",
        "-                    | line 1, column 2: expected a digit but found end of input",
        "tru                  | line 1, column 1: expected a value but found 't'",
        "nul                  | line 1, column 1: expected a value but found 'n'",
        "True                 | line 1, column 1: expected a value but found 'T'",
        "{} x                 | line 1, column 4: expected end of input but found 'x'",
        "1 2                  | line 1, column 3: expected end of input but found '2'",
        "[1]]                 | line 1, column 4: expected end of input but found ']'",
        "{a:1}                | line 1, column 2: expected a string or '}' but found 'a'",
        "{'a':1}              | line 1, column 2: expected a string or '}' but found '''",
        "{\"a\" 1}            | line 1, column 6: expected ':' but found '1'",
        "{\"a\":1 \"b\":2}    | line 1, column 8: expected ',' or '}' but found '\"'",
        "{\"a\":}             | line 1, column 6: expected a value but found '}'",
        "[                    | line 1, column 2: expected a value but found end of input",
        "{                    | line 1, column 2: expected a string or '}' but found end of input",
        "{\"a\":1             | line 1, column 7: expected ',' or '}' but found end of input",
        "/* c */ {}           | line 1, column 1: expected a value but found '/'",
        "{} // c              | line 1, column 4: expected end of input but found '/'",
        "[1,,2]               | line 1, column 4: expected a value but found ','",
    })
    void rejects(String text, String message) {
        assertEquals(message, error(text.strip()));
    }

    @Test
    void emptyInputIsRejected() {
        assertEquals("line 1, column 1: expected a value but found end of input", error(""));
        assertEquals("line 2, column 3: expected a value but found end of input", error(" \n  "));
    }

    @Test
    void nonPrintableCharactersAreNamedByCodePoint() {
        assertEquals("line 1, column 2: expected a value but found U+000B", error("[\u000b1]"));
        assertEquals("line 1, column 1: expected a value but found U+00E9", error("\u00e9"));
        assertEquals("line 1, column 1: expected a value but found U+1F600",
                error("\uD83D\uDE00"));
    }

    @Test
    void errorLineAndColumnInAMultiLineDocument() {
        String text = "{\n    \"a\": 1,\n    \"b\": 2\n    \"c\": 3\n}";
        JsonException e = assertThrows(JsonException.class, () -> Json.parse(text));
        assertEquals(4, e.line());
        assertEquals(5, e.column());
        assertEquals("expected ',' or '}' but found '\"'", e.reason());
        assertEquals("line 4, column 5: expected ',' or '}' but found '\"'", e.getMessage());
    }

    @Test
    void crlfAndCrCountAsOneLineBreakEach() {
        assertEquals("line 3, column 1: expected a value but found ']'", error("[\r\n1,\r\n]"));
        assertEquals("line 3, column 1: expected a value but found ']'", error("[\r1,\r]"));
    }

    @Test
    void invalidUtf8IsRejectedWithItsPosition() {
        // "é" then a lone continuation byte
        assertEquals("line 1, column 3: invalid UTF-8 byte 0x80",
                error(bytes('"', 0xC3, 0xA9, 0x80, '"')));
        assertEquals("line 2, column 2: invalid UTF-8 byte 0xc3",
                error(bytes('[', '\n', '"', 0xC3, 0x28, '"', ']')));
        // overlong encoding of '/'
        assertEquals("line 1, column 2: invalid UTF-8 byte 0xc0", error(bytes('"', 0xC0, 0xAF, '"')));
        // overlong 3-byte encoding
        assertEquals("line 1, column 2: invalid UTF-8 byte 0xe0",
                error(bytes('"', 0xE0, 0x80, 0xAF, '"')));
        // UTF-8-encoded surrogate U+D800
        assertEquals("line 1, column 2: invalid UTF-8 byte 0xed",
                error(bytes('"', 0xED, 0xA0, 0x80, '"')));
        // above U+10FFFF
        assertEquals("line 1, column 2: invalid UTF-8 byte 0xf4",
                error(bytes('"', 0xF4, 0x90, 0x80, 0x80, '"')));
        assertEquals("line 1, column 2: invalid UTF-8 byte 0xf5",
                error(bytes('"', 0xF5, 0x80, 0x80, 0x80, '"')));
        // truncated at the end of input
        assertEquals("line 1, column 2: invalid UTF-8 byte 0xe2", error(bytes('"', 0xE2, 0x82)));
        // a 4-byte sequence before the bad byte counts as two UTF-16 columns
        assertEquals("line 1, column 4: invalid UTF-8 byte 0xff",
                error(bytes('"', 0xF0, 0x9F, 0x98, 0x80, 0xFF, '"')));
    }

    @Test
    void validUtf8EdgeCasesAreAccepted() throws Exception {
        assertEquals("\u0080\u07ff\u0800\uffff\uD800\uDC00\uDBFF\uDFFF",
                Json.parse(bytes('"', 0xC2, 0x80, 0xDF, 0xBF, 0xE0, 0xA0, 0x80, 0xEF, 0xBF, 0xBF,
                        0xF0, 0x90, 0x80, 0x80, 0xF4, 0x8F, 0xBF, 0xBF, '"')));
    }

    // ------------------------------------------------------------------------------------------
    // depth limit

    @Test
    void nestingUpTo512LevelsIsAccepted() throws Exception {
        Object tree = parse("[".repeat(512) + "]".repeat(512));
        int depth = 0;
        while (tree instanceof List<?> l && !l.isEmpty()) {
            tree = l.get(0);
            depth++;
        }
        assertEquals(511, depth);
        parse("{\"a\":".repeat(511) + "[]" + "}".repeat(511));
    }

    @Test
    void nestingBeyond512LevelsIsRejected() {
        assertEquals("line 1, column 513: nesting is deeper than 512 levels",
                error("[".repeat(513) + "]".repeat(513)));
        assertEquals("line 1, column 2561: nesting is deeper than 512 levels",
                error("{\"a\":".repeat(512) + "{}" + "}".repeat(512)));
    }

    @Test
    void hostileDepthDoesNotOverflowTheStack() {
        String text = "[".repeat(1_000_000);
        assertEquals("line 1, column 513: nesting is deeper than 512 levels", error(text));
    }

    // ------------------------------------------------------------------------------------------
    // writing

    @Test
    void writeIsCompact() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("s", "x");
        m.put("n", 1L);
        m.put("d", 2.5);
        m.put("t", true);
        m.put("z", null);
        m.put("a", List.of(1, "two", List.of()));
        m.put("o", Map.of());
        assertEquals("{\"s\":\"x\",\"n\":1,\"d\":2.5,\"t\":true,\"z\":null,\"a\":[1,\"two\",[]],\"o\":{}}",
                Json.write(m));
    }

    @Test
    void writePrettyWithTabs() {
        Map<String, Object> inner = new LinkedHashMap<>();
        inner.put("k", List.of(1L, 2L));
        inner.put("e", List.of());
        inner.put("f", Map.of());
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("a", "b");
        m.put("inner", inner);
        m.put("list", List.of(Map.of("x", false)));
        String expected = """
                {
                \t"a": "b",
                \t"inner": {
                \t\t"k": [
                \t\t\t1,
                \t\t\t2
                \t\t],
                \t\t"e": [],
                \t\t"f": {}
                \t},
                \t"list": [
                \t\t{
                \t\t\t"x": false
                \t\t}
                \t]
                }""";
        assertEquals(expected, Json.writePretty(m, "\t"));
    }

    @Test
    void writePrettyWithSpacesAndScalars() {
        assertEquals("[\n  1,\n  [\n    \"x\"\n  ]\n]", Json.writePretty(List.of(1, List.of("x")), "  "));
        assertEquals("{}", Json.writePretty(Map.of(), "  "));
        assertEquals("[]", Json.writePretty(List.of(), "  "));
        assertEquals("\"s\"", Json.writePretty("s", "  "));
        assertEquals("null", Json.writePretty(null, "  "));
        assertThrows(NullPointerException.class, () -> Json.writePretty(1, null));
    }

    @Test
    void writeEscapes() {
        assertEquals("\"q\\\" b\\\\ s/ \\b \\f \\n \\r \\t \\u0000 \\u0001 \\u001f \\u2028 \\u2029\"",
                Json.write("q\" b\\ s/ \b \f \n \r \t \0 \u0001 \u001f \u2028 \u2029"));
        // other non-ASCII is kept as is: callers encode the String as UTF-8
        assertEquals("\"\u00e9 \u4e16 \uD83D\uDE00 \u007f \uFEFF\"",
                Json.write("\u00e9 \u4e16 \uD83D\uDE00 \u007f \uFEFF"));
    }

    @Test
    void everyCharRoundTrips() throws Exception {
        StringBuilder sb = new StringBuilder();
        for (char c = 0; c < 0xD800; c++) {
            sb.append(c);
        }
        for (char c = 0xE000; c != 0; c++) {
            sb.append(c);
        }
        String all = sb.toString();
        assertEquals(all, Json.parse(Json.write(all)));
        assertEquals(all, Json.parse(Json.write(all).getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void writeNumbers() {
        assertEquals("[1,2,3,4,18446744073709551615,-9223372036854775808]",
                Json.write(List.of((byte) 1, (short) 2, 3, 4L,
                        new BigInteger("18446744073709551615"), Long.MIN_VALUE)));
        assertEquals("[0.1,1.0,-0.0,1.0E22,4.9E-324,0.1]",
                Json.write(List.of(0.1, 1.0, -0.0, 1e22, Double.MIN_VALUE, 0.1f)));
    }

    @Test
    void doublesReadBackExactly() throws Exception {
        double[] values = {0.1, 0.2 + 0.1, 1e-300, Double.MIN_VALUE, Double.MIN_NORMAL,
            Double.MAX_VALUE, 1e22, 1e23, -0.0, 123456789012345680000.0, Math.PI, -Math.E, 5e-324,
            9007199254740993.0, 2.2250738585072011e-308};
        for (double d : values) {
            assertEquals(Double.valueOf(d), Json.parse(Json.write(d)), Json.write(d));
        }
    }

    @Test
    void floatsAreWrittenInTheirShortForm() throws Exception {
        Object back = Json.parse(Json.write(0.1f));
        assertEquals(0.1, back);
        assertEquals(0.1f, ((Double) back).floatValue());
    }

    @Test
    void nonFiniteNumbersCannotBeWritten() {
        assertThrows(IllegalArgumentException.class, () -> Json.write(Double.NaN));
        assertThrows(IllegalArgumentException.class, () -> Json.write(Double.POSITIVE_INFINITY));
        assertThrows(IllegalArgumentException.class, () -> Json.write(List.of(Double.NEGATIVE_INFINITY)));
        assertThrows(IllegalArgumentException.class, () -> Json.write(Float.NaN));
    }

    @Test
    void unsupportedTypesCannotBeWritten() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Json.write(List.of(new Object())));
        assertEquals("cannot write a java.lang.Object as JSON", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Json.write(new java.math.BigDecimal("1.5")));
    }

    @Test
    void stringArraysSetsAndNonStringKeys() {
        assertEquals("[\"a\",\"b\"]", Json.write(new String[] {"a", "b"}));
        assertEquals("[[]]", Json.write(new Object[] {new String[0]}));
        Map<Integer, String> m = new TreeMap<>();
        m.put(2, "two");
        m.put(1, "one");
        assertEquals("{\"1\":\"one\",\"2\":\"two\"}", Json.write(m));
        assertEquals("[\"x\"]", Json.write(new java.util.TreeSet<>(List.of("x"))));
    }

    @Test
    void writingIsLimitedToTheDepthThatCanBeReadBack() throws Exception {
        Object deepest = List.of();
        for (int i = 1; i < Json.MAX_DEPTH; i++) {
            deepest = List.of(deepest);
        }
        String text = Json.write(deepest);
        assertEquals("[".repeat(512) + "]".repeat(512), text);
        assertEquals(deepest, Json.parse(text));
        Object tooDeep = List.of(deepest);
        assertEquals("nesting is deeper than 512 levels (a cyclic structure?)",
                assertThrows(IllegalArgumentException.class, () -> Json.write(tooDeep)).getMessage());
    }

    @Test
    void cyclicStructuresFailInsteadOfOverflowing() {
        List<Object> cycle = new ArrayList<>();
        cycle.add(cycle);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Json.write(cycle));
        assertTrue(e.getMessage().startsWith("nesting is deeper than"), e.getMessage());
    }

    // ------------------------------------------------------------------------------------------
    // a real document

    static byte[] runcSpec() throws IOException {
        try (InputStream in = JsonTest.class.getResourceAsStream("/runc-spec-config.json")) {
            return in.readAllBytes();
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void parsesRuncDefaultSpec() throws Exception {
        Map<String, Object> m = (Map<String, Object>) Json.parse(runcSpec());
        assertEquals(List.of("ociVersion", "process", "root", "hostname", "mounts", "linux"),
                new ArrayList<>(m.keySet()));
        assertEquals("1.0.2-dev", m.get("ociVersion"));
        Map<String, Object> process = (Map<String, Object>) m.get("process");
        assertEquals(Boolean.TRUE, process.get("terminal"));
        assertEquals(Map.of("uid", 0L, "gid", 0L), process.get("user"));
        assertEquals(List.of("sh"), process.get("args"));
        assertEquals(List.of(Map.of("type", "RLIMIT_NOFILE", "hard", 1024L, "soft", 1024L)),
                process.get("rlimits"));
        List<Object> mounts = (List<Object>) m.get("mounts");
        assertEquals(7, mounts.size());
        assertEquals("/dev/pts", ((Map<String, Object>) mounts.get(2)).get("destination"));
        assertEquals("gid=5",
                ((List<Object>) ((Map<String, Object>) mounts.get(2)).get("options")).get(5));
        Map<String, Object> linux = (Map<String, Object>) m.get("linux");
        assertEquals(10, ((List<Object>) linux.get("maskedPaths")).size());
        // runc writes with MarshalIndent(..., "", "\t") and no trailing newline: same layout
        assertEquals(new String(runcSpec(), StandardCharsets.UTF_8), Json.writePretty(m, "\t"));
    }
}
