package dev.hull.runtime.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * runtime.md (runtime-spec 1.2): the operations and their errors in each state, seen from outside.
 * One test per clause not already covered by LifecycleIT, HooksIT, ErrorsIT, CleanupIT or
 * RuncCompatIT (see conformance/clauses.tsv).
 */
class RuntimeSpecIT extends SpecClauseTest {

    // "[state] This operation MUST generate an error if it is not provided the ID of a container."
    @Test
    void stateWithoutAnIdIsAnError() {
        Cmd.Result r = hull("state");
        assertNotEquals(0, r.code(), r::toString);
    }

    // "Attempting to query a container that does not exist MUST generate an error."
    @Test
    void stateOfAContainerThatDoesNotExistIsAnError() {
        Cmd.Result r = hull("state", newId());
        assertNotEquals(0, r.code(), r::toString);
        assertTrue(r.err().contains("does not exist"), r::toString);
    }

    // "[create] This operation MUST generate an error if it is not provided a path to the bundle
    // and the container ID to associate with the container."
    @Test
    void createWithoutAnIdOrWithoutABundleIsAnError() {
        TestBundle b = bundle();
        Cmd.Result r = hull("create", "--bundle", b.dir.toString());
        assertNotEquals(0, r.code(), r::toString);
        String id = newId();
        r = hull("create", "--bundle", dir.resolve("no-such-bundle").toString(), id);
        assertNotEquals(0, r.code(), r::toString);
        assertEquals("", hull("list", "-q").out());
    }

    // "Any updates to config.json after this step MUST NOT affect the container."
    @Test
    void configChangesAfterCreateDoNotAffectTheContainer() {
        TestBundle b = bundle();
        b.set("hostname", "before");
        b.sh("hostname; echo $MARK");
        b.process().put("env", List.of("PATH=/bin", "MARK=created"));
        b.write();
        Path out = dir.resolve("out");
        String id = newId();
        Cmd.Result c = Cmd.run(List.of("sh", "-c", Host.HULL + " --root " + state + " create --bundle " + b.dir
                + " " + id + " > " + out + " 2>&1"));
        assertEquals(0, c.code(), c::toString);
        b.set("hostname", "after");
        b.process().put("env", List.of("PATH=/bin", "MARK=changed"));
        b.sh("echo changed");
        ok("start", id);
        LifecycleIT.waitFor(() -> status(id).equals("stopped"));
        ok("delete", id);
        assertEquals("before\ncreated\n", Host.read(out.toString()));
    }

    // "[start] This operation MUST generate an error if it is not provided the container ID."
    // "Attempting to `start` a container that does not exist MUST generate an error" (not created)
    @Test
    void startWithoutAnIdOrOfAMissingContainerIsAnError() {
        assertNotEquals(0, hull("start").code());
        Cmd.Result r = hull("start", newId());
        assertNotEquals(0, r.code(), r::toString);
        assertTrue(r.err().contains("does not exist"), r::toString);
    }

    // "Attempting to `start` a container that is not `created` MUST have no effect on the
    // container and MUST generate an error."
    @Test
    void startOfARunningOrStoppedContainerHasNoEffectAndIsAnError() throws Exception {
        TestBundle b = bundle();
        Path out = Files.createDirectory(dir.resolve("out"));
        b.mount("/out", "none", out.toString(), "bind");
        b.sh("echo x >> /out/starts; exec sleep 1000");
        Path starts = out.resolve("starts");
        String id = newId();
        ok("create", "--bundle", b.dir.toString(), id);
        ok("start", id);
        long pid = pid(id);
        LifecycleIT.waitFor(() -> Files.exists(starts));
        assertNotEquals(0, hull("start", id).code());
        assertEquals("running", status(id));
        assertEquals(pid, pid(id));
        Thread.sleep(200);
        assertEquals("x\n", Files.readString(starts), "the program ran once");
        ok("kill", id, "KILL");
        LifecycleIT.waitFor(() -> status(id).equals("stopped"));
        assertNotEquals(0, hull("start", id).code());
        assertEquals("stopped", status(id));
        assertEquals("x\n", Files.readString(starts));
        ok("delete", id);
    }

    // "[start] This operation MUST generate an error if `process` was not set."
    // (Hull, as runc, refuses such a config already at create: process is needed to build it.)
    @Test
    void withoutProcessCreateIsAnErrorSoStartCannotRun() {
        TestBundle b = bundle();
        b.config.remove("process");
        b.write();
        refused(b, "process: missing");
    }

    // "[start] Upon successful completion ... This operation MUST run the user-specified program"
    // and "[status] running: the container process has executed the user-specified program"
    @Test
    void statePidIsTheContainerProcessAsSeenByTheHost() {
        TestBundle b = bundle();
        String id = startSleeper(b);
        long pid = pid(id);
        String nspid = Host.status(pid).get("NSpid");
        assertTrue(nspid.startsWith(pid + "\t") && nspid.endsWith("\t1"), nspid);
        assertEquals("sleep", Host.read("/proc/" + pid + "/comm").trim());
        ok("delete", "--force", id);
    }

    // "[kill] This operation MUST generate an error if it is not provided the container ID."
    // and a container that does not exist is neither created nor running: an error.
    @Test
    void killWithoutAnIdOrOfAMissingContainerIsAnError() {
        assertNotEquals(0, hull("kill").code());
        Cmd.Result r = hull("kill", newId(), "KILL");
        assertNotEquals(0, r.code(), r::toString);
    }

    // "Attempting to send a signal to a container that is neither `created` nor `running` MUST
    // have no effect on the container and MUST generate an error."
    @Test
    void killOfAStoppedContainerHasNoEffectAndIsAnError() {
        TestBundle b = bundle();
        b.sh("true");
        String id = newId();
        ok("create", "--bundle", b.dir.toString(), id);
        ok("start", id);
        LifecycleIT.waitFor(() -> status(id).equals("stopped"));
        String before = ok("state", id).out();
        Cmd.Result r = hull("kill", id, "KILL");
        assertEquals(1, r.code(), r::toString);
        assertEquals(before, ok("state", id).out());
        ok("delete", id);
    }

    // "[stopped] the container process has exited": also when it exits by itself, not only by kill
    @Test
    void statusIsStoppedWhenTheProcessExitsByItself() {
        TestBundle b = bundle();
        b.sh("exit 3");
        String id = newId();
        ok("create", "--bundle", b.dir.toString(), id);
        ok("start", id);
        LifecycleIT.waitFor(() -> status(id).equals("stopped"));
        ok("delete", id);
    }

    // "[delete] This operation MUST generate an error if it is not provided the container ID."
    @Test
    void deleteWithoutAnIdIsAnError() {
        assertNotEquals(0, hull("delete").code());
    }

    // "Deleting a container MUST delete the resources that were created during the `create` step.
    // Note that resources associated with the container, but not created by this container, MUST
    // NOT be deleted."
    @Test
    void deleteRemovesWhatCreateMadeAndNothingElse() throws Exception {
        TestBundle b = bundle();
        String parent = newId(); // an existing cgroup the container goes under: not the container's
        Path pids = Path.of("/sys/fs/cgroup/pids");
        if (!Files.isDirectory(pids)) {
            pids = Path.of("/sys/fs/cgroup");
        }
        Path parentDir = Files.createDirectory(pids.resolve(parent));
        Path volume = Files.createDirectory(dir.resolve("volume"));
        Files.writeString(volume.resolve("keep"), "data");
        b.mount("/data", "none", volume.toString(), "bind");
        String id = newId();
        b.set("linux.cgroupsPath", "/" + parent + "/" + id);
        b.args("sleep", "1000");
        ok("create", "--bundle", b.dir.toString(), id);
        assertTrue(Files.isDirectory(parentDir.resolve(id)));
        ok("kill", id, "KILL");
        LifecycleIT.waitFor(() -> status(id).equals("stopped"));
        ok("delete", id);
        assertFalse(Files.exists(parentDir.resolve(id)), "the container's cgroup is gone");
        assertTrue(Files.isDirectory(parentDir), "the cgroup it did not create stays");
        assertFalse(Files.exists(state.resolve(id)), "its state is gone");
        assertEquals("data", Files.readString(volume.resolve("keep")), "the bind source stays");
        assertTrue(Files.isDirectory(b.rootfs.resolve("bin")), "the bundle stays");
        Files.delete(parentDir);
    }
}
