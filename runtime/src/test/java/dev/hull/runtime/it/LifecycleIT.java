package dev.hull.runtime.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The create/start split and the state machine of runtime.md, seen from outside. */
class LifecycleIT extends ContainerTest {

    @Test
    void createdContainerExistsInItsNamespacesButHasNotStartedItsProgram() throws Exception {
        TestBundle b = bundle();
        b.args("sleep", "1000");
        String id = newId();
        ok("create", "--bundle", b.dir.toString(), id);
        assertEquals("created", status(id));
        long pid = pid(id);
        assertTrue(Host.alive(pid));
        // in its own namespaces already
        for (String ns : new String[] {"pid", "net", "ipc", "uts", "mnt"}) {
            assertNotEquals(Host.ns("self", ns), Host.ns(pid, ns), ns + " namespace");
        }
        // and in its cgroup: the pids hierarchy lists it
        String cgroup = Host.read("/proc/" + pid + "/cgroup");
        assertTrue(cgroup.contains("/" + id + "\n"), cgroup);
        // but the user program has not started: the process is still the executor
        assertEquals(Host.EXECUTOR_EXE, Files.readSymbolicLink(Path.of("/proc/" + pid + "/exe")).toString());
        assertTrue(Files.exists(state.resolve(id).resolve("exec.sock")));

        ok("start", id);
        assertEquals("running", status(id));
        assertEquals(pid, pid(id), "start keeps the same process");
        assertEquals("busybox", Files.readSymbolicLink(Path.of("/proc/" + pid + "/exe")).getFileName().toString());
        assertFalse(Files.exists(state.resolve(id).resolve("exec.sock")));

        ok("kill", id, "KILL");
        waitFor(() -> status(id).equals("stopped"));
        String st = ok("state", id).out();
        assertTrue(st.contains("\"pid\": 0"), st);
        ok("delete", id);
        assertEquals(1, hull("state", id).code());
        assertFalse(Files.exists(state.resolve(id)));
    }

    @Test
    void stateHasTheSpecMembers() {
        TestBundle b = bundle();
        b.set("annotations", TestBundle.obj("org.example.key", "value"));
        String id = startSleeper(b);
        String s = ok("state", id).out();
        for (String member : new String[] {"\"ociVersion\": \"1.2.0\"", "\"id\": \"" + id + "\"",
            "\"status\": \"running\"", "\"bundle\": \"" + b.dir + "\"", "\"org.example.key\": \"value\""}) {
            assertTrue(s.contains(member), member + " in\n" + s);
        }
        ok("delete", "--force", id);
    }

    @Test
    void runReturnsTheExitCodeAndCleansUp() {
        TestBundle b = bundle();
        b.sh("exit 7");
        String id = newId();
        Cmd.Result r = hull("run", "--bundle", b.dir.toString(), id);
        assertEquals(7, r.code(), r.toString());
        assertEquals(1, hull("state", id).code(), "run deletes the container");
    }

    @Test
    void runOfAProgramKilledBySignalReturns128PlusSignal() {
        TestBundle b = bundle();
        // a shell as pid 1 ignores signals without handlers even from itself: run it in a child
        b.sh("sh -c 'kill -TERM $$'; exit $?");
        String id = newId();
        Cmd.Result r = hull("run", "--bundle", b.dir.toString(), id);
        assertEquals(143, r.code(), r.toString());
        // the init itself killed from outside: 128+9
        TestBundle b2 = bundle();
        b2.args("sleep", "1000");
        String id2 = newId();
        Thread killer = new Thread(() -> {
            waitFor(() -> hull("state", id2).out().contains("running"));
            hull("kill", id2, "KILL");
        });
        killer.start();
        Cmd.Result r2 = hull("run", "--bundle", b2.dir.toString(), id2);
        assertEquals(137, r2.code(), r2.toString());
    }

    @Test
    void runPassesTheContainersOutputThrough() {
        TestBundle b = bundle();
        b.sh("echo out; echo err >&2");
        Cmd.Result r = hull("run", "--bundle", b.dir.toString(), newId());
        assertEquals(0, r.code(), r.toString());
        assertEquals("out\n", r.out());
        assertEquals("err\n", r.err());
    }

    @Test
    void detachedRunKeepsRunning() {
        TestBundle b = bundle();
        b.args("sleep", "1000");
        String id = newId();
        ok("run", "--detach", "--bundle", b.dir.toString(), id);
        assertEquals("running", status(id));
        ok("delete", "--force", id);
    }

    @Test
    void stateErrorsFollowTheSpec() {
        TestBundle b = bundle();
        String id = startSleeper(b);
        // start of a running container
        Cmd.Result r = hull("start", id);
        assertEquals(1, r.code());
        assertTrue(r.err().contains("cannot start an already running container"), r.err());
        // delete of a running container must fail and leave it alone
        r = hull("delete", id);
        assertEquals(1, r.code());
        assertTrue(r.err().contains("that is not stopped: running"), r.err());
        assertEquals("running", status(id));
        long pid = pid(id);
        assertTrue(Host.alive(pid));
        // kill with a bad signal
        r = hull("kill", id, "SIGNOPE");
        assertEquals(1, r.code());
        assertTrue(r.err().contains("invalid signal \"SIGNOPE\""), r.err());
        ok("kill", id, "9");
        waitFor(() -> status(id).equals("stopped"));
        // kill and start of a stopped container
        r = hull("kill", id);
        assertEquals(1, r.code());
        assertTrue(r.err().contains("container not running"), r.err());
        // --all of a stopped container: nothing left in its cgroup, success (runc; containerd's shim sends it)
        ok("kill", "--all", id, "KILL");
        r = hull("start", id);
        assertTrue(r.err().contains("cannot start a container that has stopped"), r.err());
        ok("delete", id);
        r = hull("delete", id);
        assertTrue(r.err().contains("does not exist"), r.err());
        assertEquals(0, hull("delete", "--force", id).code(), "delete --force of nothing succeeds, as in runc");
    }

    @Test
    void killSendsTheGivenSignalToACreatedContainer() {
        TestBundle b = bundle();
        b.args("sleep", "1000");
        String id = newId();
        ok("create", "--bundle", b.dir.toString(), id);
        long pid = pid(id);
        ok("kill", id, "TERM");
        waitFor(() -> !Host.alive(pid));
        assertEquals("stopped", status(id));
        ok("delete", id);
    }

    @Test
    void killAllSignalsEveryProcessInTheContainer() {
        TestBundle b = bundle();
        b.withoutNamespace("pid"); // without its own pid namespace, only --all reaches the children
        b.sh("sleep 1000 & sleep 1000 & wait");
        String id = newId();
        ok("create", "--bundle", b.dir.toString(), id);
        ok("start", id);
        waitFor(() -> Host.read("/proc/" + pid(id) + "/task/" + pid(id) + "/children").trim().split(" ").length == 2);
        String[] children = Host.read("/proc/" + pid(id) + "/task/" + pid(id) + "/children").trim().split(" ");
        ok("kill", "--all", id, "KILL");
        for (String c : children) {
            waitFor(() -> !Host.alive(Long.parseLong(c)));
        }
        waitFor(() -> status(id).equals("stopped"));
        ok("delete", id);
    }

    @Test
    void killAllReachesWhatOutlivedTheFirstProcessWithoutAPidNamespace() {
        TestBundle b = bundle();
        b.withoutNamespace("pid"); // the background sleep outlives sh, in the container's cgroup
        b.sh("sleep 1000 & exit 0");
        String id = newId();
        ok("create", "--bundle", b.dir.toString(), id);
        long first = pid(id);
        ok("start", id);
        waitFor(() -> status(id).equals("stopped"));
        // ps reads the container's cgroup: the sleep is all that is left there
        String child = ok("ps", "--format", "json", id).out().trim().replace("[", "").replace("]", "");
        assertTrue(!child.isEmpty() && !child.contains(","), "ps --format json: " + child);
        assertTrue(Host.alive(Long.parseLong(child)), "the background sleep " + child + " (first process " + first + ")");
        ok("kill", "--all", id, "KILL");
        waitFor(() -> !Host.alive(Long.parseLong(child)));
        ok("delete", id);
    }

    @Test
    void pidFileIsWritten() throws Exception {
        TestBundle b = bundle();
        b.args("sleep", "1000");
        String id = newId();
        Path pidDir = Files.createDirectory(dir.resolve("piddir"));
        Path pidFile = pidDir.resolve("pid");
        Files.writeString(pidFile, "stale");
        ok("create", "--bundle", b.dir.toString(), "--pid-file", pidFile.toString(), id);
        assertEquals(Long.toString(pid(id)), Files.readString(pidFile));
        // written beside and renamed over the old one (a reader never sees half a pid): no temp file left
        try (var s = Files.list(pidDir)) {
            assertEquals(List.of(pidFile), s.toList());
        }
        ok("delete", "--force", id);
    }

    @Test
    void listShowsContainers() {
        TestBundle b = bundle();
        String id = startSleeper(b);
        String table = ok("list").out();
        assertTrue(table.startsWith("ID"), table);
        assertTrue(table.contains(id) && table.contains("running"), table);
        String json = ok("list", "--format", "json").out();
        assertTrue(json.contains("\"id\":\"" + id + "\""), json);
        assertEquals(id + "\n", ok("list", "-q").out());
        ok("delete", "--force", id);
    }

    static void waitFor(java.util.function.BooleanSupplier cond) {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (!cond.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not met within 10 s");
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
