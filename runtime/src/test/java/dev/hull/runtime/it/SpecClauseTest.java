package dev.hull.runtime.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Map;

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

    /**
     * Where the spec leaves room, Hull does what runc does: `runc run` of the same bundle must
     * print what Hull printed. Without runc installed only Hull's side is checked.
     */
    protected void sameAsRunc(TestBundle b, String hullOut) {
        Cmd.Result r = runcRun(b);
        if (r != null) {
            assertEquals(0, r.code(), () -> "runc run failed:\n" + r);
            assertEquals(r.out(), hullOut, "runc's output, then Hull's");
        }
    }

    /** An intended difference: runc fails to run this bundle, where the spec says it must run. */
    protected void runcFails(TestBundle b, String why) {
        Cmd.Result r = runcRun(b);
        if (r != null) {
            assertTrue(r.code() != 0, () -> "runc now runs it (" + why + "): drop the intended difference\n" + r);
        }
    }

    /** `runc run` of the bundle, or null without runc. */
    private Cmd.Result runcRun(TestBundle b) {
        if (!Host.hasRunc()) {
            System.err.println(getClass().getSimpleName() + ": runc not installed, not compared");
            return null;
        }
        String id = newId();
        Cmd.Result r = Cmd.run(List.of(Host.runc(), "--root", dir.resolve("runc-state").toString(), "run",
                "--bundle", b.dir.toString(), id), Duration.ofSeconds(60), Map.of(), dir);
        Cmd.run(Host.runc(), "--root", dir.resolve("runc-state").toString(), "delete", "--force", id);
        return r;
    }

    /** `run` of the bundle succeeds; its stdout. */
    protected String runOut(TestBundle b) {
        Cmd.Result r = hull("run", "--bundle", b.dir.toString(), newId());
        assertEquals(0, r.code(), r::toString);
        return r.out();
    }
}
