package dev.hull.runtime.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hull.spec.json.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * OCI hooks (config.md, "POSIX-platform Hooks"): each kind runs at its moment, in its namespaces,
 * with the state on its stdin; failures fail the operation (create/start) or only warn
 * (poststart/poststop); a timeout kills the hook.
 */
class HooksIT extends ContainerTest {
    static final List<String> KINDS = List.of("prestart", "createRuntime", "createContainer",
            "startContainer", "poststart", "poststop");

    /**
     * A hook body for sh (dash on the host, busybox in the container): $0 is the name it logs
     * under, $1 the log file. It appends "NAME STATUS" to the log and keeps the state it read,
     * its mount namespace, the binary its children run (readlink's own /proc/self/exe: tells the
     * host from the container rootfs) and the binary of the container's pid.
     */
    static final String RECORD = "st=$(cat); s=${st#*\\\"status\\\":\\\"}; echo \"$0 ${s%%\\\"*}\" >> \"$1\"; "
            + "printf '%s' \"$st\" > \"$1.$0.json\"; readlink /proc/self/ns/mnt > \"$1.$0.mnt\"; "
            + "readlink /proc/self/exe > \"$1.$0.exe\"; "
            + "p=${st#*\\\"pid\\\":}; p=${p%%,*}; readlink /proc/$p/exe > \"$1.$0.pidexe\" 2>/dev/null; true";

    static Map<String, Object> hook(String path, List<String> args, List<String> env, Integer timeout) {
        Map<String, Object> h = new LinkedHashMap<>();
        h.put("path", path);
        if (args != null) {
            h.put("args", args);
        }
        if (env != null) {
            h.put("env", env);
        }
        if (timeout != null) {
            h.put("timeout", timeout);
        }
        return h;
    }

    /** A recording hook: `sh -c RECORD name log`. */
    static Map<String, Object> recorder(String path, String name, String log) {
        return hook(path, List.of("sh", "-c", RECORD, name, log), null, null);
    }

    /** A hook that logs the container pid it was given to PIDFILE, prints a line and exits 3. */
    static Map<String, Object> failing(String kind, Path pidFile) {
        String script = "st=$(cat); p=${st#*\\\"pid\\\":}; echo \"${p%%,*}\" > " + pidFile
                + "; echo \"" + kind + " says no\" >&2; exit 3";
        return hook("/bin/sh", List.of("sh", "-c", script), null, null);
    }

    /** A directory bound into the container at /hooklog, and its log file (host path). */
    private Path logDir;

    private Path log(TestBundle b) throws IOException {
        logDir = dir.resolve("hooklog");
        Files.createDirectories(logDir);
        b.mount("/hooklog", "bind", logDir.toString(), "rbind", "rw");
        return logDir.resolve("log");
    }

    /** The host's program NAME as the hooks find it on the runtime's PATH. */
    private static String hostBinary(String name) throws IOException {
        for (String d : System.getenv("PATH").split(":")) {
            Path p = Path.of(d, name);
            if (Files.isExecutable(p)) {
                return p.toRealPath().toString();
            }
        }
        throw new AssertionError(name + " not on PATH");
    }

    private List<String> lines(Path log) throws IOException {
        return Files.exists(log) ? Files.readAllLines(log) : List.of();
    }

    private String recorded(String name, String what) throws IOException {
        return Files.readString(logDir.resolve("log." + name + "." + what)).trim();
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> stateOf(String name) throws Exception {
        return (Map<String, Object>) Json.parse(Files.readAllBytes(logDir.resolve("log." + name + ".json")));
    }

    /** All six kinds, two prestart hooks; the container logs "process" before it sleeps. */
    private TestBundle allHooks(TestBundle b, Path log) throws IOException {
        // the createContainer hook runs before pivot_root: a path that exists only on the host
        Path hostSh = dir.resolve("host-only-sh");
        if (!Files.exists(hostSh, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            Files.createSymbolicLink(hostSh, Path.of("/bin/sh"));
        }
        Map<String, Object> hooks = new LinkedHashMap<>();
        hooks.put("prestart", List.of(recorder("/bin/sh", "prestart#0", log.toString()),
                recorder("/bin/sh", "prestart#1", log.toString())));
        hooks.put("createRuntime", List.of(recorder("/bin/sh", "createRuntime", log.toString())));
        hooks.put("createContainer", List.of(recorder(hostSh.toString(), "createContainer", log.toString())));
        // after pivot_root: /bin/sh is the rootfs's busybox, and the log is at /hooklog
        hooks.put("startContainer", List.of(recorder("/bin/sh", "startContainer", "/hooklog/log")));
        hooks.put("poststart", List.of(recorder("/bin/sh", "poststart", log.toString())));
        hooks.put("poststop", List.of(recorder("/bin/sh", "poststop", log.toString())));
        return b.set("hooks", hooks);
    }

    @Test
    void allSixKindsRunAtTheirMomentInTheirNamespacesWithTheState() throws Exception {
        TestBundle b = bundle();
        Path log = log(b);
        allHooks(b, log);
        b.sh("echo process >> /hooklog/log; exec sleep 1000");
        String id = newId();

        ok("create", "--bundle", b.dir.toString(), id);
        assertEquals(List.of("prestart#0 creating", "prestart#1 creating", "createRuntime creating",
                "createContainer creating"), lines(log), "hooks run by create");
        long pid = pid(id);
        for (String name : List.of("prestart#0", "prestart#1", "createRuntime", "createContainer")) {
            Map<String, Object> st = stateOf(name);
            assertEquals(id, st.get("id"), name);
            assertEquals(pid, ((Number) st.get("pid")).longValue(), name);
            assertEquals(b.dir.toString(), st.get("bundle"), name);
            assertEquals("creating", st.get("status"), name);
        }
        // prestart and createRuntime: the runtime's namespaces
        String hostMnt = Host.ns("self", "mnt");
        String containerMnt = Host.ns(pid, "mnt");
        assertNotEquals(hostMnt, containerMnt);
        assertEquals(hostMnt, recorded("prestart#0", "mnt"));
        assertEquals(hostMnt, recorded("createRuntime", "mnt"));
        // createContainer: the container's mount namespace, before pivot_root (host binaries)
        assertEquals(containerMnt, recorded("createContainer", "mnt"));
        assertEquals(hostBinary("readlink"), recorded("createContainer", "exe"));
        assertEquals(Host.EXECUTOR_EXE, recorded("createContainer", "pidexe"),
                "the container has not exec'd its program yet");

        ok("start", id);
        // poststart has run when start returns, after the container exec'd its program
        List<String> afterStart = lines(log);
        assertEquals(List.of("prestart#0 creating", "prestart#1 creating", "createRuntime creating",
                "createContainer creating", "startContainer created", "poststart running"),
                afterStart.stream().filter(l -> !l.equals("process")).toList(), "hooks run by start");
        assertEquals("busybox", Path.of(recorded("poststart", "pidexe")).getFileName().toString());
        assertEquals(hostMnt, recorded("poststart", "mnt"));
        assertEquals("running", stateOf("poststart").get("status"));
        assertEquals(pid, ((Number) stateOf("poststart").get("pid")).longValue());
        // startContainer: inside the container, after pivot_root
        assertEquals(containerMnt, recorded("startContainer", "mnt"));
        assertEquals("/bin/busybox", recorded("startContainer", "exe"));
        assertEquals("created", stateOf("startContainer").get("status"));
        assertEquals(pid, ((Number) stateOf("startContainer").get("pid")).longValue());
        LifecycleIT.waitFor(() -> {
            try {
                return lines(log).contains("process");
            } catch (IOException e) {
                throw new AssertionError(e);
            }
        });
        List<String> l = lines(log);
        assertTrue(l.indexOf("process") > l.indexOf("startContainer created"), "startContainer before the program: " + l);

        ok("kill", id, "KILL");
        LifecycleIT.waitFor(() -> status(id).equals("stopped"));
        assertFalse(lines(log).stream().anyMatch(s -> s.startsWith("poststop")), "poststop waits for delete");
        ok("delete", id);
        List<String> all = lines(log);
        assertEquals("poststop stopped", all.get(all.size() - 1), all.toString());
        assertEquals(7, all.stream().filter(s -> !s.equals("process")).count(), all.toString());
        assertEquals(id, stateOf("poststop").get("id"));
        assertEquals(b.dir.toString(), stateOf("poststop").get("bundle"));
        assertEquals(hostMnt, recorded("poststop", "mnt"));
        assertFalse(Files.exists(state.resolve(id)));
    }

    @Test
    void runRunsEveryKindInOrder() throws Exception {
        TestBundle b = bundle();
        Path log = log(b);
        allHooks(b, log);
        b.sh("echo process >> /hooklog/log; exit 5");
        String id = newId();
        Cmd.Result r = hull("run", "--bundle", b.dir.toString(), id);
        assertEquals(5, r.code(), r.toString());
        assertEquals("", r.err());
        List<String> l = lines(log);
        assertEquals(List.of("prestart#0 creating", "prestart#1 creating", "createRuntime creating",
                "createContainer creating", "startContainer created", "poststart running", "poststop stopped"),
                l.stream().filter(s -> !s.equals("process")).toList());
        assertTrue(l.indexOf("process") > l.indexOf("startContainer created"), l.toString());
        assertEquals("/bin/busybox", recorded("startContainer", "exe"));
        assertFalse(Files.exists(state.resolve(id)));
    }

    @Test
    void argsAndEnvAreTheHooks() throws Exception {
        TestBundle b = bundle();
        Path out = dir.resolve("out");
        Files.createDirectories(out);
        // argv[0] other than the path
        String argv0 = "tr '\\0' '\\n' < /proc/$$/cmdline | head -n1 > " + out.resolve("argv0");
        // args absent: argv is just the path
        Path script = dir.resolve("noargs.sh");
        Files.writeString(script, "#!/bin/sh\necho \"$0 $#\" > " + out.resolve("noargs") + "\n");
        Files.setPosixFilePermissions(script, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        String env = "echo \"FOO=${FOO-unset} HULL_IT_MARK=${HULL_IT_MARK-unset}\" > " + out;
        b.set("hooks", Map.of(
                "prestart", List.of(
                        hook("/bin/sh", List.of("hook-argv0", "-c", argv0), null, null),
                        hook(script.toString(), null, null, null)),
                "createRuntime", List.of(
                        hook("/bin/sh", List.of("sh", "-c", env + "/given"), List.of("FOO=bar", "PATH=/usr/bin:/bin"), null),
                        hook("/bin/sh", List.of("sh", "-c", env + "/absent"), null, null),
                        hook("/bin/sh", List.of("sh", "-c", "env | grep -v ^PWD= | wc -l > " + out.resolve("empty")),
                                List.of(), null))));
        b.args("true");
        String id = newId();
        List<String> argv = new ArrayList<>(List.of(Host.HULL.toString(), "--root", state.toString(),
                "run", "--bundle", b.dir.toString(), id));
        Cmd.Result r = Cmd.run(argv, Duration.ofSeconds(60), Map.of("HULL_IT_MARK", "inherited"), dir);
        assertEquals(0, r.code(), r.toString());
        assertEquals("hook-argv0\n", Files.readString(out.resolve("argv0")));
        assertEquals(script + " 0\n", Files.readString(out.resolve("noargs")));
        assertEquals("FOO=bar HULL_IT_MARK=unset\n", Files.readString(out.resolve("given")), "env given: only it");
        assertEquals("FOO=unset HULL_IT_MARK=inherited\n", Files.readString(out.resolve("absent")),
                "env absent: the runtime's environment");
        assertEquals("0", Files.readString(out.resolve("empty")).trim(),
                "env given empty: an empty environment (as runc), not the runtime's");
    }

    @Test
    void hooksThatDoNotReadTheStateAreFine() {
        TestBundle b = bundle();
        // a state larger than a pipe's buffer: writing it to a hook that exits without reading
        // it must end in EPIPE, not in a SIGPIPE for whoever runs the hook
        b.set("annotations", TestBundle.obj("org.example.big", "x".repeat(70_000)));
        Map<String, Object> hooks = new LinkedHashMap<>();
        for (String kind : KINDS) {
            hooks.put(kind, List.of(hook("/bin/true", null, null, null))); // on the host and in busybox
        }
        b.set("hooks", hooks);
        b.args("sleep", "1000");
        String id = newId();
        ok("create", "--bundle", b.dir.toString(), id);
        assertEquals("", ok("start", id).err());
        assertEquals("running", status(id));
        assertEquals("", ok("delete", "--force", id).err());

        b.args("sh", "-c", "exit 4");
        Cmd.Result r = hull("run", "--bundle", b.dir.toString(), newId());
        assertEquals(4, r.code(), r.toString());
        assertEquals("", r.err());
    }

    @Test
    void aHookThatTimesOutIsKilledAndFailsCreate() throws Exception {
        for (String kind : List.of("createRuntime", "createContainer")) {
            TestBundle b = bundle();
            Path hookPid = dir.resolve(kind + ".hook.pid");
            Path containerPid = dir.resolve(kind + ".container.pid");
            // the hook's pid as the host sees it (a createContainer hook is in the container's pid
            // namespace, but /proc is still the host's): the parent of cut is the shell
            String script = "st=$(cat); p=${st#*\\\"pid\\\":}; echo \"${p%%,*}\" > " + containerPid
                    + "; cut -d' ' -f4 /proc/self/stat > " + hookPid + "; exec sleep 30";
            b.set("hooks", Map.of(kind, List.of(hook("/bin/sh", List.of("sh", "-c", script), null, 1))));
            b.args("true");
            String id = newId();
            long t0 = System.nanoTime();
            Cmd.Result r = hull("create", "--bundle", b.dir.toString(), id);
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertEquals(1, r.code(), r.toString());
            String msg = kind + " hook #0 (/bin/sh) did not finish within 1s and was killed";
            if (kind.equals("createContainer")) {
                assertTrue(r.err().matches("hull-runtime: step \\d+ \\(run the createContainer hook #0 /bin/sh\\): "
                        + "\\Q" + msg + "\\E\n"), r.err());
            } else {
                assertEquals("hull-runtime: " + msg + "\n", r.err());
            }
            assertTrue(ms < 10_000, "create took " + ms + " ms");
            long hook = Long.parseLong(Files.readString(hookPid).trim());
            LifecycleIT.waitFor(() -> !Host.alive(hook));
            long pid = Long.parseLong(Files.readString(containerPid).trim());
            assertNotEquals(hook, pid);
            LifecycleIT.waitFor(() -> !Host.alive(pid));
            assertFalse(Files.exists(state.resolve(id)), "state dir left");
        }
    }

    @Test
    void aFailingCreateHookFailsCreateAndLeavesNothing() throws Exception {
        for (String kind : List.of("prestart", "createRuntime", "createContainer")) {
            TestBundle b = bundle();
            Path pidFile = dir.resolve(kind + ".pid");
            b.set("hooks", Map.of(kind, List.of(failing(kind, pidFile))));
            b.args("true");
            String id = newId();
            Cmd.Result r = hull("create", "--bundle", b.dir.toString(), id);
            assertEquals(1, r.code(), kind + ": " + r);
            String msg = kind + " hook #0 (/bin/sh) exited with status 3: " + kind + " says no";
            if (kind.equals("createContainer")) { // run by the container process: a step of its program
                assertTrue(r.err().matches("hull-runtime: step \\d+ \\(run the createContainer hook #0 /bin/sh\\): "
                        + "\\Q" + msg + "\\E\n"), r.err());
            } else {
                assertEquals("hull-runtime: " + msg + "\n", r.err());
            }
            long pid = Long.parseLong(Files.readString(pidFile).trim());
            assertTrue(pid > 0, kind);
            LifecycleIT.waitFor(() -> !Host.alive(pid));
            assertFalse(Files.exists(state.resolve(id)), kind + ": state dir left");
            assertEquals(List.of(), cgroupsOf(List.of(id)), kind);
            assertEquals("", ok("list", "-q").out());
        }
    }

    @Test
    void aFailingStartContainerHookFailsStartAndTheContainerStops() throws Exception {
        TestBundle b = bundle();
        b.set("hooks", Map.of("startContainer", List.of(hook("/bin/sh",
                List.of("sh", "-c", "echo startContainer says no >&2; exit 3"), null, null))));
        b.args("sleep", "1000");
        String id = newId();
        ok("create", "--bundle", b.dir.toString(), id);
        long pid = pid(id);
        Cmd.Result r = hull("start", id);
        assertEquals(1, r.code(), r.toString());
        // relayed from the container's own program: its step number and the executor's detail
        assertTrue(r.err().matches("hull-runtime: start: step \\d+ \\(hook startContainer hook #0 \\(/bin/sh\\) "
                + "exited with status 3: startContainer says no\\)\n"), r.err());
        LifecycleIT.waitFor(() -> !Host.alive(pid));
        assertEquals("stopped", status(id));
        ok("delete", id);
        assertFalse(Files.exists(state.resolve(id)));

        // the same in run: it fails and cleans up
        String id2 = newId();
        r = hull("run", "--bundle", b.dir.toString(), id2);
        assertEquals(1, r.code(), r.toString());
        assertTrue(r.err().matches("hull-runtime: step \\d+ \\(run the startContainer hook #0 /bin/sh\\): "
                + "startContainer hook #0 \\(/bin/sh\\) exited with status 3: startContainer says no\n"), r.err());
        assertFalse(Files.exists(state.resolve(id2)));
    }

    @Test
    void failingPoststartAndPoststopHooksOnlyWarn() {
        TestBundle b = bundle();
        b.set("hooks", Map.of(
                "poststart", List.of(hook("/bin/sh", List.of("sh", "-c", "echo poststart says no; exit 3"), null, null)),
                "poststop", List.of(hook("/bin/sh", List.of("sh", "-c", "echo poststop says no; exit 4"), null, null))));
        b.args("sleep", "1000");
        String id = newId();
        ok("create", "--bundle", b.dir.toString(), id);
        Cmd.Result r = ok("start", id);
        assertEquals("hull-runtime: warning: poststart hook #0 (/bin/sh) exited with status 3: poststart says no\n", r.err());
        assertEquals("running", status(id));
        r = ok("delete", "--force", id);
        assertEquals("hull-runtime: warning: poststop hook #0 (/bin/sh) exited with status 4: poststop says no\n", r.err());
        assertFalse(Files.exists(state.resolve(id)));

        // run: the warnings, and the container's own status
        b.args("sh", "-c", "exit 6");
        r = hull("run", "--bundle", b.dir.toString(), newId());
        assertEquals(6, r.code(), r.toString());
        assertEquals("hull-runtime: warning: poststart hook #0 (/bin/sh) exited with status 3: poststart says no\n"
                + "hull-runtime: warning: poststop hook #0 (/bin/sh) exited with status 4: poststop says no\n", r.err());
    }
}
