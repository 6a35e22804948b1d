package dev.hull.engine.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hull.engine.EngineException;
import dev.hull.engine.cli.Flags.Flag;
import java.util.List;
import org.junit.jupiter.api.Test;

class FlagsTest {
    private static final List<Flag> FLAGS = List.of(Flag.bool("detach", 'd'), Flag.bool("interactive", 'i'),
            Flag.bool("tty", 't'), Flag.value("env", 'e'), Flag.value("name"), Flag.bool("rm"));

    private static Flags parse(boolean interspersed, String... args) throws EngineException {
        return Flags.parse("run", List.of(args), FLAGS, interspersed);
    }

    @Test
    void groupedShortBooleans() throws EngineException {
        Flags f = parse(false, "-dit", "busybox", "sh");
        assertTrue(f.bool("detach") && f.bool("interactive") && f.bool("tty"));
        assertEquals(List.of("busybox", "sh"), f.positional());
    }

    @Test
    void valuesInEveryForm() throws EngineException {
        Flags f = parse(false, "-e", "A=1", "-eB=2", "-e=C=3", "--env", "D=4", "--env=E=5", "--name=x", "img");
        assertEquals(List.of("A=1", "B=2", "C=3", "D=4", "E=5"), f.all("env"));
        assertEquals("x", f.get("name"));
    }

    @Test
    void theCommandAfterTheImageKeepsItsOwnFlags() throws EngineException {
        Flags f = parse(false, "--rm", "busybox", "ls", "-l", "--rm");
        assertEquals(List.of("busybox", "ls", "-l", "--rm"), f.positional());
        assertTrue(f.bool("rm"));
    }

    @Test
    void interspersedFlagsAfterArguments() throws EngineException {
        Flags f = parse(true, "a", "-d", "b");
        assertEquals(List.of("a", "b"), f.positional());
        assertTrue(f.bool("detach"));
    }

    @Test
    void booleanWithExplicitValue() throws EngineException {
        assertFalse(parse(false, "--rm=false", "x").bool("rm"));
        assertTrue(parse(false, "--rm=true", "x").bool("rm"));
        EngineException e = assertThrows(EngineException.class, () -> parse(false, "--rm=maybe", "x"));
        assertTrue(e.getMessage().contains("--rm"), e.getMessage());
    }

    @Test
    void unknownFlagsAndMissingValuesAreUsageErrors() {
        EngineException e = assertThrows(EngineException.class, () -> parse(false, "--nope", "x"));
        assertEquals(125, e.exitCode());
        assertTrue(e.getMessage().startsWith("unknown flag: --nope"), e.getMessage());
        e = assertThrows(EngineException.class, () -> parse(false, "-z", "x"));
        assertTrue(e.getMessage().contains("unknown shorthand flag: 'z'"), e.getMessage());
        e = assertThrows(EngineException.class, () -> parse(false, "--name"));
        assertTrue(e.getMessage().contains("flag needs an argument: --name"), e.getMessage());
    }

    @Test
    void doubleDashEndsFlags() throws EngineException {
        assertEquals(List.of("-d", "x"), parse(true, "--", "-d", "x").positional());
    }
}
