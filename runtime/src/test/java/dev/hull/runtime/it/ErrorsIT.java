package dev.hull.runtime.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import dev.hull.spec.json.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Errors before and during create: a bad config.json, a missing rootfs, an unknown
 * namespace type, a failing mount (an unknown capability is only a warning). Each is one line on stderr, "hull-runtime: " and the field or
 * the step (and the errno), exit status 1, and nothing left behind.
 */
class ErrorsIT extends ContainerTest {

    /** create must fail with exactly this stderr line and leave no state. */
    private Cmd.Result refused(String id, String expectedLine, String... args) {
        Cmd.Result r = hull(args);
        assertEquals(1, r.code(), r.toString());
        assertEquals(expectedLine + "\n", r.err(), "stderr");
        assertEquals("", r.out());
        assertNothingLeft(id);
        return r;
    }

    /** create must fail with one stderr line matching the regex. */
    private Cmd.Result refusedMatching(String id, String regex, String... args) {
        Cmd.Result r = hull(args);
        assertEquals(1, r.code(), r.toString());
        assertTrue(r.err().matches(regex + "\n"), "stderr: " + r.err());
        assertNothingLeft(id);
        return r;
    }

    private void assertNothingLeft(String id) {
        if (id != null && !id.isEmpty() && !id.contains("/")) {
            assertFalse(Files.exists(state.resolve(id)), "state directory left");
        }
        assertEquals("", hull("list", "-q").out());
    }

    @Test
    void invalidJsonNamesLineAndColumn() throws Exception {
        TestBundle b = bundle();
        Files.writeString(b.dir.resolve("config.json"), "{\n  \"ociVersion\": \"1.2.0\",\n  \"process\": {\"args\": [\"sh\",]}\n}\n");
        String id = newId();
        refused(id, "hull-runtime: config.json is not valid JSON: line 3, column 29: expected a value but found ']'",
                "create", "--bundle", b.dir.toString(), id);
    }

    @Test
    void missingConfig() throws Exception {
        TestBundle b = bundle();
        Files.delete(b.dir.resolve("config.json"));
        String id = newId();
        refused(id, "hull-runtime: no config.json in bundle " + b.dir, "create", "--bundle", b.dir.toString(), id);
    }

    @Test
    void missingRootfs() {
        TestBundle b = bundle();
        b.set("root.path", "no-such-rootfs");
        String id = newId();
        refused(id, "hull-runtime: config.json: root.path: " + b.dir.resolve("no-such-rootfs") + " does not exist",
                "create", "--bundle", b.dir.toString(), id);
    }

    @Test
    @SuppressWarnings("unchecked")
    void unknownCapability() {
        // config.md: a value that cannot be mapped MUST be logged as a warning, SHOULD NOT fail
        TestBundle b = bundle();
        Map<String, Object> caps = (Map<String, Object>) b.process().get("capabilities");
        List<Object> eff = new ArrayList<>((List<Object>) caps.get("effective"));
        eff.add("CAP_NO_SUCH_THING");
        b.set("process.capabilities.effective", eff);
        b.args("true");
        Cmd.Result r = ok("run", "--bundle", b.dir.toString(), newId());
        assertTrue(r.err().contains("warning: process.capabilities.effective[" + (eff.size() - 1)
                + "]: unknown capability \"CAP_NO_SUCH_THING\"; left out"), r.err());
    }

    @Test
    void unknownNamespaceType() {
        TestBundle b = bundle();
        b.namespace("nosuchns", null);
        int index = b.namespaces().size() - 1;
        String id = newId();
        refused(id, "hull-runtime: config.json: linux.namespaces[" + index + "].type: unknown namespace type "
                + "\"nosuchns\" (expected one of pid, network, mount, ipc, uts, user, cgroup, time)",
                "create", "--bundle", b.dir.toString(), id);
    }

    @Test
    void aMountTheKernelRefusesNamesTheStepAndTheErrno() {
        TestBundle b = bundle();
        b.mount("/x", "nosuchfs", "none");
        int index = b.mounts().size() - 1;
        String id = newId();
        refusedMatching(id, "hull-runtime: step \\d+ \\(mount nosuchfs on /x \\(mounts\\[" + index + "\\]\\)\\): "
                + "mount none on /x: ENODEV: No such device", "create", "--bundle", b.dir.toString(), id);
        // and in run
        String id2 = newId();
        refusedMatching(id2, "hull-runtime: step \\d+ \\(mount nosuchfs on /x \\(mounts\\[" + index + "\\]\\)\\): "
                + "mount none on /x: ENODEV: No such device", "run", "--bundle", b.dir.toString(), id2);
    }

    @Test
    void aMissingProgramFailsCreate() {
        TestBundle b = bundle();
        b.args("/no/such/program");
        String id = newId();
        refusedMatching(id, "hull-runtime: step \\d+ \\(find /no/such/program\\): .*ENOENT: No such file or directory",
                "create", "--bundle", b.dir.toString(), id);
    }

    @Test
    void aBindSourceThatDoesNotExist() {
        TestBundle b = bundle();
        b.mount("/x", "bind", dir.resolve("no-such-source").toString(), "rbind", "ro");
        int index = b.mounts().size() - 1;
        String id = newId();
        refused(id, "hull-runtime: config.json: mounts[" + index + "].source: " + dir.resolve("no-such-source") + " does not exist",
                "create", "--bundle", b.dir.toString(), id);
    }

    /** Mounts with their own id mappings are refused, not mounted without them. */
    @Test
    void anIdmappedMountIsRefusedUntilSupported() {
        TestBundle b = bundle();
        b.mount("/x", "bind", dir.toString(), "rbind");
        int index = b.mounts().size() - 1;
        @SuppressWarnings("unchecked")
        java.util.Map<String, Object> m = (java.util.Map<String, Object>) b.mounts().get(index);
        m.put("uidMappings", List.of(TestBundle.obj("containerID", 0, "hostID", 100000, "size", 1)));
        b.write();
        String id = newId();
        refused(id, "hull-runtime: config.json: mounts[" + index + "].uidMappings: idmapped mounts are not supported yet",
                "create", "--bundle", b.dir.toString(), id);
    }

    @Test
    void systemdCgroupsPathWithoutTheSystemdDriver() {
        TestBundle b = bundle();
        b.set("linux.cgroupsPath", "a:b:c");
        String id = newId();
        refused(id, "hull-runtime: config.json: linux.cgroupsPath: \"a:b:c\" is in systemd's slice:prefix:name form, "
                + "which needs --systemd-cgroup", "create", "--bundle", b.dir.toString(), id);
    }

    @Test
    void systemdDriverWithoutSystemd() {
        assumeFalse(Files.isDirectory(Path.of("/run/systemd/system")), "systemd runs here");
        TestBundle b = bundle();
        String id = newId();
        refused(id, "hull-runtime: --systemd-cgroup: systemd is not running on this host (no /run/systemd/system); "
                + "use the cgroupfs driver (drop the flag)", "--systemd-cgroup", "create", "--bundle", b.dir.toString(), id);
    }

    @Test
    void invalidContainerIds() {
        TestBundle b = bundle();
        refused("a/b", "hull-runtime: invalid container id \"a/b\": only letters, digits and _ + - . are allowed",
                "create", "--bundle", b.dir.toString(), "a/b");
        refused("..", "hull-runtime: invalid container id \"..\"", "create", "--bundle", b.dir.toString(), "..");
        refused("", "hull-runtime: container id cannot be empty", "create", "--bundle", b.dir.toString(), "");
        assertFalse(Files.exists(state.resolve("a")));
    }

    @Test
    void aDuplicateIdIsRefusedAndTheFirstContainerIsUntouched() {
        TestBundle b = bundle();
        b.args("sleep", "1000");
        String id = newId();
        ok("create", "--bundle", b.dir.toString(), id);
        long pid = pid(id);
        Cmd.Result r = hull("create", "--bundle", b.dir.toString(), id);
        assertEquals(1, r.code(), r.toString());
        assertEquals("hull-runtime: container \"" + id + "\" already exists\n", r.err());
        r = hull("run", "--bundle", b.dir.toString(), id);
        assertEquals(1, r.code(), r.toString());
        assertEquals("hull-runtime: container \"" + id + "\" already exists\n", r.err());
        assertEquals("created", status(id));
        assertEquals(pid, pid(id));
        assertTrue(Host.alive(pid));
        ok("delete", "--force", id);
    }

    @Test
    void emptyProcessArgs() {
        TestBundle b = bundle();
        b.process().put("args", List.of());
        b.write();
        String id = newId();
        refused(id, "hull-runtime: config.json: process.args: must name a program",
                "create", "--bundle", b.dir.toString(), id);
    }

    @Test
    @SuppressWarnings("unchecked")
    void logFileGetsJsonLines() throws Exception {
        TestBundle b = bundle();
        b.set("linux.cgroupsPath", "a:b:c");
        Path log = dir.resolve("log.json");
        String id = newId();
        String msg = "config.json: linux.cgroupsPath: \"a:b:c\" is in systemd's slice:prefix:name form, which needs --systemd-cgroup";
        // logrus's time, as runc writes it: RFC 3339 to the second
        Instant before = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
        refused(id, "hull-runtime: " + msg, "--log", log.toString(), "--log-format", "json",
                "create", "--bundle", b.dir.toString(), id);
        refused("x/y", "hull-runtime: invalid container id \"x/y\": only letters, digits and _ + - . are allowed",
                "--log", log.toString(), "--log-format", "json", "create", "--bundle", b.dir.toString(), "x/y");
        List<String> lines = Files.readAllLines(log);
        assertEquals(2, lines.size(), lines.toString());
        Map<String, Object> first = (Map<String, Object>) Json.parse(lines.get(0));
        assertEquals(List.of("level", "msg", "time"), List.copyOf(first.keySet()));
        assertEquals("error", first.get("level"));
        assertEquals(msg, first.get("msg"));
        assertTrue(((String) first.get("time")).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ"),
                () -> "time " + first.get("time"));
        Instant t = Instant.parse((String) first.get("time"));
        assertFalse(t.isBefore(before), t + " before " + before);
        Map<String, Object> second = (Map<String, Object>) Json.parse(lines.get(1));
        assertEquals("invalid container id \"x/y\": only letters, digits and _ + - . are allowed", second.get("msg"));
        assertTrue(lines.get(0).startsWith("{\"level\":\"error\",\"msg\":\"config.json: linux.cgroupsPath: \\\"a:b:c\\\" is"), lines.get(0));
    }

    @Test
    void logFileGetsTextLines() throws Exception {
        TestBundle b = bundle();
        b.set("linux.cgroupsPath", "a:b:c");
        Path log = dir.resolve("log.txt");
        String id = newId();
        refused(id, "hull-runtime: config.json: linux.cgroupsPath: \"a:b:c\" is in systemd's slice:prefix:name form, "
                + "which needs --systemd-cgroup", "--log", log.toString(), "create", "--bundle", b.dir.toString(), id);
        // a message over several lines (a hook's output) stays one line in the log
        b.set("linux.cgroupsPath", null);
        b.set("hooks", Map.of("prestart", List.of(HooksIT.hook("/bin/sh",
                List.of("sh", "-c", "printf '%s\\n' 'no\\way' second; exit 2"), null, null))));
        Cmd.Result r = hull("--log", log.toString(), "--log-format", "text", "create", "--bundle", b.dir.toString(), id);
        assertEquals(1, r.code(), r.toString());
        assertNothingLeft(id);
        List<String> lines = Files.readAllLines(log);
        assertEquals(2, lines.size(), lines.toString());
        String time = "time=\"\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(\\.\\d+)?Z\"";
        assertTrue(lines.get(0).matches(time + " level=error msg=\"config.json: linux.cgroupsPath: \\\\\"a:b:c\\\\\" is in "
                + "systemd's slice:prefix:name form, which needs --systemd-cgroup\""), lines.get(0));
        assertTrue(lines.get(1).matches(time + " level=error msg=\"prestart hook #0 \\(/bin/sh\\) exited with status 2: "
                + "no\\\\\\\\way\\\\nsecond\""), lines.get(1));
    }
}
