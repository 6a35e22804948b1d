package dev.hull.runtime.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hull.runtime.cli.Args.Flag;
import dev.hull.runtime.cli.Args.Parsed;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ArgsTest {
    static final List<Flag> FLAGS = List.of(new Flag(true, "root"), new Flag(false, "debug"),
            new Flag(true, "bundle", "b"), new Flag(false, "detach", "d"), new Flag(true, "console-socket"));

    private static Parsed parse(String... tokens) throws Args.UsageException {
        return Args.parse(List.of(tokens), FLAGS, false);
    }

    private static String error(String... tokens) {
        return assertThrows(Args.UsageException.class, () -> parse(tokens)).getMessage();
    }

    @Test
    void singleAndDoubleDash() throws Exception {
        assertTrue(parse("-debug").bool("debug"));
        assertTrue(parse("--debug").bool("debug"));
        assertTrue(parse("-d").bool("detach"));
        assertTrue(parse("--d").bool("detach"));
        assertEquals("/r", parse("-root", "/r").get("root"));
        assertEquals("/r", parse("--root", "/r").get("root"));
    }

    @Test
    void valueWithEquals() throws Exception {
        assertEquals("/run/x", parse("--root=/run/x").get("root"));
        assertEquals("/run/x", parse("-root=/run/x").get("root"));
        assertEquals("a=b=c", parse("--root=a=b=c").get("root"), "only the first = splits");
        assertEquals("", parse("--root=").get("root"));
        assertEquals("/s.sock", parse("--console-socket=/s.sock").get("console-socket"));
    }

    @Test
    void valueAsTheNextToken() throws Exception {
        Parsed a = parse("--bundle", "/b", "ctr");
        assertEquals("/b", a.get("bundle"));
        assertEquals(List.of("ctr"), a.positional());
        assertEquals("--debug", parse("--root", "--debug").get("root"), "the next token is the value, whatever it is");
        assertEquals("-", parse("--root", "-").get("root"));
    }

    @Test
    void aliasesStoreUnderTheFirstName() throws Exception {
        Parsed a = parse("-b", "/x", "-d");
        assertEquals(Map.of("bundle", "/x", "detach", "true"), a.values());
        assertNull(a.get("b"));
        assertEquals("/y", parse("-b=/y").get("bundle"));
    }

    @Test
    void booleans() throws Exception {
        assertEquals("true", parse("--debug").get("debug"));
        assertFalse(parse("--debug=false").bool("debug"));
        assertEquals("false", parse("--debug=false").get("debug"));
        assertTrue(parse("--debug=true").bool("debug"));
        assertFalse(parse("--debug", "--debug=false").bool("debug"), "the last one wins");
        assertFalse(parse().bool("debug"));
        assertNull(parse().get("debug"));
    }

    /** Go's flag package reads a boolean's value with strconv.ParseBool. */
    @ParameterizedTest
    @CsvSource({"1, true", "t, true", "T, true", "TRUE, true", "True, true", "true, true",
        "0, false", "f, false", "F, false", "FALSE, false", "False, false", "false, false"})
    void goBooleanSpellings(String text, boolean value) throws Exception {
        assertEquals(value, parse("--detach=" + text).bool("detach"));
        assertEquals(Boolean.toString(value), parse("-d=" + text).get("detach"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"yes", "no", "", "2", "tRuE", "on"})
    void badBoolean(String text) {
        assertEquals("invalid boolean value \"" + text + "\" for -debug", error("--debug=" + text));
    }

    @Test
    void aBooleanDoesNotTakeTheNextToken() throws Exception {
        Parsed a = parse("-d", "false");
        assertTrue(a.bool("detach"));
        assertEquals(List.of("false"), a.positional());
    }

    @Test
    void unknownFlag() {
        assertEquals("flag provided but not defined: -nope", error("--nope"));
        assertEquals("flag provided but not defined: -nope", error("-nope=3"));
        assertEquals("flag provided but not defined: -x", error("ctr", "-x"));
    }

    @Test
    void missingValue() {
        assertEquals("flag needs an argument: -root", error("--root"));
        assertEquals("flag needs an argument: -b", error("ctr", "-b"));
    }

    @Test
    void doubleDashEndsFlags() throws Exception {
        Parsed a = parse("--debug", "--", "--root", "x", "--");
        assertTrue(a.bool("debug"));
        assertNull(a.get("root"));
        assertEquals(List.of("--root", "x", "--"), a.positional());
        assertEquals(List.of(), parse("--").positional());
    }

    @Test
    void flagsAfterPositionals() throws Exception {
        Parsed a = parse("ctr1", "--bundle", "/b", "-d", "KILL");
        assertEquals(List.of("ctr1", "KILL"), a.positional());
        assertEquals("/b", a.get("bundle"));
        assertTrue(a.bool("detach"));
    }

    @Test
    void stopAtTheFirstPositional() throws Exception {
        Parsed a = Args.parse(List.of("--root", "/r", "--debug", "create", "--bundle", "/b", "--nope"), FLAGS, true);
        assertEquals("/r", a.get("root"));
        assertTrue(a.bool("debug"));
        assertEquals(List.of("create", "--bundle", "/b", "--nope"), a.positional(),
                "the command's own flags are left for the command");
    }

    @Test
    void aLoneDashIsPositional() throws Exception {
        assertEquals(List.of("-"), parse("-").positional());
    }

    @Test
    void nothing() throws Exception {
        Parsed a = parse();
        assertEquals(Map.of(), a.values());
        assertEquals(List.of(), a.positional());
    }
}
