package dev.hull.runtime.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;

/**
 * Base of the conformance ITs (RuntimeSpecIT, ConfigSpecIT, LinuxConfigSpecIT): one test per
 * MUST clause of the runtime-spec, listed in resources/conformance/clauses.tsv.
 */
abstract class SpecClauseTest extends ContainerTest {

    /**
     * create of the bundle MUST fail: exit 1, one stderr line naming the field (contains
     * expected), and "a new container MUST NOT be created" (runtime.md, Create): no state left.
     */
    protected Cmd.Result refused(TestBundle b, String expected) {
        String id = newId();
        Cmd.Result r = hull("create", "--bundle", b.dir.toString(), id);
        assertEquals(1, r.code(), r::toString);
        assertTrue(r.err().contains(expected), () -> "stderr should contain " + expected + ":\n" + r);
        assertEquals(1, r.err().split("\n").length, () -> "one line:\n" + r.err());
        assertFalse(Files.exists(state.resolve(id)), "state directory left");
        assertEquals(1, hull("state", id).code(), "no container");
        return r;
    }

    /** `run` of the bundle succeeds; its stdout. */
    protected String runOut(TestBundle b) {
        Cmd.Result r = hull("run", "--bundle", b.dir.toString(), newId());
        assertEquals(0, r.code(), r::toString);
        return r.out();
    }
}
