package dev.hull.runtime.program;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The Java op codes and the executor's (native/src/hull.h) are one table. */
class OpTableTest {

    private static Map<Integer, String> nativeTable() {
        HullExec.Result r = HullExec.ops();
        assertEquals(0, r.code(), r.toString());
        Map<Integer, String> t = new LinkedHashMap<>();
        for (String line : r.out().split("\n")) {
            String[] f = line.split(" ");
            assertEquals(2, f.length, "line \"" + line + "\"");
            assertNull(t.put(Integer.parseInt(f[0]), f[1]), "code " + f[0] + " twice");
        }
        return t;
    }

    @Test
    void everyJavaOpIsTheExecutorsOp() {
        Map<Integer, String> c = nativeTable();
        for (Op op : Op.values()) {
            assertEquals(op.name(), c.get(op.code), "hull-exec's op " + op.code);
        }
    }

    @Test
    void everyExecutorOpIsAJavaOp() {
        nativeTable().forEach((code, name) -> {
            Op op = Op.of(code);
            assertTrue(op != null, "op " + code + " " + name + " is missing from Op");
            assertEquals(name, op.name());
            assertSame(Op.valueOf(name), op);
        });
        assertEquals(Op.values().length, nativeTable().size());
    }

    @Test
    void codesAreUniqueAndDense() {
        Set<Integer> seen = new HashSet<>();
        for (Op op : Op.values()) {
            assertTrue(seen.add(op.code), "duplicate code " + op.code);
            assertSame(op, Op.of(op.code));
        }
        for (int code = 1; code <= Op.values().length; code++) {
            assertTrue(seen.contains(code), "gap at " + code);
        }
        assertNull(Op.of(0));
        assertNull(Op.of(Op.values().length + 1));
        assertNull(Op.of(-1));
    }
}
