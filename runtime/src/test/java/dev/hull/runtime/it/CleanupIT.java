package dev.hull.runtime.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * What is left when the runtime dies half way, or a container leaves processes behind, and that
 * delete --force (or run itself) takes all of it away: processes, cgroups, state.
 */
class CleanupIT extends ContainerTest {

    /** bin/hull-runtime --root STATE args..., in the background, output to files in the test dir. */
    private Process background(String... args) throws Exception {
        List<String> argv = new java.util.ArrayList<>(List.of(Host.HULL.toString(), "--root", state.toString()));
        argv.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(argv).directory(dir.toFile());
        pb.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        pb.redirectOutput(dir.resolve("bg.out").toFile());
        pb.redirectError(dir.resolve("bg.err").toFile());
        return pb.start();
    }

    /**
     * SIGKILLs the hull-runtime JVM: bin/hull-runtime execs hull-exec's front (the Process), whose
     * child the JVM is. The front must then exit with the JVM's status.
     */
    private static void kill9(Process p) throws Exception {
        assertEquals(Host.EXECUTOR_EXE, Files.readSymbolicLink(Path.of("/proc/" + p.pid() + "/exe")).toString(),
                "not hull-exec's front");
        long jvm = -1;
        for (ProcessHandle child : p.toHandle().children().toList()) {
            if (Files.readSymbolicLink(Path.of("/proc/" + child.pid() + "/exe")).toString().endsWith("/java")) {
                jvm = child.pid();
            }
        }
        assertTrue(jvm > 0, "the front has no JVM child");
        Cmd.Result k = Cmd.run("kill", "-9", Long.toString(jvm));
        assertEquals(0, k.code(), k.toString());
        assertTrue(p.waitFor(10, TimeUnit.SECONDS));
        assertEquals(137, p.exitValue());
    }

    private static long ppid(long pid) {
        String stat = Host.read("/proc/" + pid + "/stat");
        return Long.parseLong(stat.substring(stat.lastIndexOf(')') + 2).split(" ")[1]);
    }

    private static void waitForFile(Path f) {
        LifecycleIT.waitFor(() -> Files.exists(f));
    }

    private static long readPid(Path f) throws Exception {
        return Long.parseLong(Files.readString(f).trim());
    }

    private void assertGone(String id) throws Exception {
        assertFalse(Files.exists(state.resolve(id)), "state directory left");
        assertEquals(List.of(), cgroupsOf(List.of(id)), "cgroups left");
        assertEquals(1, hull("state", id).code());
    }

    @Test
    void runtimeKilledDuringCreateIsCleanedUpByDeleteForce() throws Exception {
        TestBundle b = bundle();
        Path containerPid = dir.resolve("container.pid");
        Path hookPid = dir.resolve("hook.pid");
        String script = "st=$(cat); p=${st#*\\\"pid\\\":}; echo \"${p%%,*}\" > " + containerPid
                + "; echo $$ > " + hookPid + ".tmp; mv " + hookPid + ".tmp " + hookPid + "; exec sleep 30";
        b.set("hooks", Map.of("createRuntime", List.of(HooksIT.hook("/bin/sh", List.of("sh", "-c", script), null, null))));
        b.args("sleep", "1000");
        String id = newId();
        Process p = background("create", "--bundle", b.dir.toString(), id);
        try {
            waitForFile(hookPid);
        } finally {
            kill9(p);
        }
        long hook = readPid(hookPid);
        long pid = readPid(containerPid);
        // the runtime died half way: its state says so, and only delete --force can clear it
        assertEquals(id + "\n", ok("list", "-q").out());
        ok("delete", "--force", id);
        LifecycleIT.waitFor(() -> !Host.alive(pid));
        LifecycleIT.waitFor(() -> !Host.alive(hook)); // no hook outlives its runtime
        assertGone(id);
    }

    @Test
    void runtimeKilledDuringRunLeavesARunningContainerThatDeleteForceRemoves() throws Exception {
        TestBundle b = bundle();
        b.args("sleep", "1000");
        String id = newId();
        Process p = background("run", "--bundle", b.dir.toString(), id);
        long pid;
        long parent;
        try {
            LifecycleIT.waitFor(() -> hull("state", id).out().contains("\"status\": \"running\""));
            pid = pid(id);
            parent = ppid(pid); // the executor's parent, which waits for the container in a run
            assertEquals(p.pid(), ppid(parent));
        } finally {
            kill9(p);
        }
        // as with runc, the container outlives its runtime
        assertEquals("running", status(id));
        assertTrue(Host.alive(pid));
        ok("delete", "--force", id);
        LifecycleIT.waitFor(() -> !Host.alive(pid));
        LifecycleIT.waitFor(() -> !Host.alive(parent));
        assertGone(id);
    }

    @Test
    void deleteForceOfACreatedContainer() throws Exception {
        TestBundle b = bundle();
        b.args("sleep", "1000");
        String id = newId();
        ok("create", "--bundle", b.dir.toString(), id);
        long pid = pid(id);
        assertEquals("created", status(id));
        Cmd.Result r = ok("delete", "--force", id);
        assertEquals("", r.err());
        assertFalse(Host.alive(pid), "delete --force returns once the process is gone");
        assertGone(id);
    }

    @Test
    void deleteForceClearsAStateDirectoryWithoutState() throws Exception {
        String id = newId();
        Files.createDirectories(state.resolve(id));
        ok("delete", "--force", id);
        assertGone(id);
    }

    @Test
    void runRemovesWhatTheContainerLeftBehind() throws Exception {
        TestBundle b = bundle();
        b.withoutNamespace("pid"); // no pid namespace: the child does not die with the shell
        b.sh("sleep 1000 & echo $!");
        String id = newId();
        Cmd.Result r = hull("run", "--bundle", b.dir.toString(), id);
        assertEquals(0, r.code(), r.toString());
        long child = Long.parseLong(r.out().trim());
        assertFalse(Host.alive(child), "the background child outlived run");
        assertGone(id);
    }
}
