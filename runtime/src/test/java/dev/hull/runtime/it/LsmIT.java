package dev.hull.runtime.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * Security modules at exec: Landlock from the dev.hull.landlock annotation (what the container's
 * program may and may not touch, as the kernel enforces it), and AppArmor/SELinux requests on a
 * host without those modules (this one: Landlock only; the AppArmor path runs in the v2 guest,
 * tests/lsm-smoke.sh).
 */
class LsmIT extends ContainerTest {

    private TestBundle landlocked(String rules, String script) {
        TestBundle b = bundle();
        b.set("root.readonly", false);
        b.set("process.noNewPrivileges", true);
        b.set("annotations", TestBundle.obj("dev.hull.landlock", rules));
        b.sh(script);
        return b.write();
    }

    @Test
    void landlockAllowsOnlyTheListedPaths() {
        TestBundle b = landlocked("/bin:rx,/tmp:rw,/dev:rw,/home/user:r", """
                echo bin: $(ls /bin | grep -c .)
                cat /etc/passwd || echo passwd: refused
                echo hello > /tmp/f && echo tmp: $(cat /tmp/f)
                mkdir /tmp/d && rmdir /tmp/d && echo tmp: mkdir and rmdir
                echo x > /root/f || echo root: refused
                echo x > /home/user/f || echo home: refused
                ls /home/user >/dev/null && echo home: listed
                grep -c Landlock /proc/self/status || echo proc: refused
                """);
        Cmd.Result r = hull("run", "--bundle", b.dir.toString(), newId());
        assertEquals(0, r.code(), r.toString());
        assertTrue(r.out().matches("(?s)bin: [1-9][0-9]*\n.*"), r.out());
        assertTrue(r.err().contains("cat: can't open '/etc/passwd': Permission denied"), r.err());
        assertTrue(r.out().contains("passwd: refused\n"), r.out());
        assertFalse(r.out().contains("root:x:0:0"), r.out());
        assertTrue(r.out().contains("tmp: hello\n"), r.out());
        assertTrue(r.out().contains("tmp: mkdir and rmdir\n"), r.out());
        assertTrue(r.err().contains("can't create /root/f: Permission denied"), r.err());
        assertTrue(r.out().contains("root: refused\n"), r.out());
        assertTrue(r.out().contains("home: refused\nhome: listed\n"), r.out());
        assertTrue(r.out().contains("proc: refused\n"), r.out());
        assertFalse(Files.exists(b.rootfs.resolve("root/f")));
        assertTrue(Files.exists(b.rootfs.resolve("tmp/f")));
    }

    @Test
    void aFileRuleGivesOnlyFileRights() {
        // "/etc/passwd:rw": readable and writable, yet nothing else in /etc, and the directory
        // rights of "w" (create, remove) do not apply to a file
        TestBundle b = landlocked("/bin:rx,/etc/passwd:rw", """
                cat /etc/passwd | head -1
                cat /etc/group || echo group: refused
                echo extra:x:5:5::/:/bin/sh >> /etc/passwd && echo passwd: appended
                """);
        Cmd.Result r = hull("run", "--bundle", b.dir.toString(), newId());
        assertEquals(0, r.code(), r.toString());
        assertEquals("root:x:0:0:root:/root:/bin/sh\ngroup: refused\npasswd: appended\n", r.out());
    }

    @Test
    void aRulePathIsResolvedInsideTheContainer() throws IOException {
        // /data -> /etc in the image: the rule is about the container's /etc, never the host's
        TestBundle b = landlocked("/bin:rx,/data:r", "cat /data/passwd | head -1; cat /etc/passwd | head -1");
        Files.createSymbolicLink(b.rootfs.resolve("data"), Path.of("/etc"));
        Cmd.Result r = hull("run", "--bundle", b.dir.toString(), newId());
        assertEquals(0, r.code(), r.toString());
        assertEquals("root:x:0:0:root:/root:/bin/sh\nroot:x:0:0:root:/root:/bin/sh\n", r.out());
    }

    @Test
    void landlockWithoutNoNewPrivileges() {
        // without no_new_privs, landlock_restrict_self needs CAP_SYS_ADMIN, which the default
        // capabilities lack: the executor holds it until Landlock is applied, then drops it
        TestBundle b = landlocked("/bin:rx,/proc:r", "cat /etc/passwd || echo refused; grep NoNewPrivs /proc/self/status");
        b.set("process.noNewPrivileges", false).write();
        Cmd.Result r = hull("run", "--bundle", b.dir.toString(), newId());
        assertEquals(0, r.code(), r.toString());
        assertEquals("refused\nNoNewPrivs:\t0\n", r.out());
    }

    @Test
    void aBadLandlockAnnotationFailsCreateNamingIt() {
        String[][] cases = {
                {"/bin:rz", "unknown right 'z' in \"/bin:rz\" (letters r, w, x)"},
                {"bin:r", "\"bin\" is not an absolute path"},
                {"/bin:rx,/nope:r", "/nope does not exist in the rootfs"},
        };
        for (String[] c : cases) {
            TestBundle b = landlocked(c[0], "true");
            String id = newId();
            Cmd.Result r = hull("create", "--bundle", b.dir.toString(), id);
            assertEquals(1, r.code(), r.toString());
            assertEquals("hull-runtime: config.json: annotations[\"dev.hull.landlock\"]: " + c[1] + "\n", r.err());
            assertFalse(Files.exists(state.resolve(id)), "no state is left");
        }
    }

    @Test
    void aRulePathGoneAtStartFailsStartNamingTheAnnotation() throws IOException {
        TestBundle b = landlocked("/bin:rx,/data:r", "true");
        Files.createDirectories(b.rootfs.resolve("data"));
        String id = newId();
        ok("create", "--bundle", b.dir.toString(), id);
        Files.delete(b.rootfs.resolve("data"));
        Cmd.Result r = hull("start", id);
        assertEquals(1, r.code(), r.toString());
        assertTrue(r.err().contains("(restrict with Landlock): annotations[\"dev.hull.landlock\"]: path /data: ENOENT")
                || r.err().contains("annotations[\"dev.hull.landlock\"]: path /data): ENOENT"), r.err());
        ok("delete", "--force", id);
    }

    @Test
    void lsmRequestsNeedTheModule() {
        assumeFalse(Files.exists(Path.of("/sys/module/apparmor/parameters/enabled")), "this host has AppArmor");
        assumeFalse(Files.exists(Path.of("/sys/fs/selinux/enforce")), "this host has SELinux");
        TestBundle b = bundle();
        b.set("process.apparmorProfile", "hull-default").write();
        Cmd.Result r = hull("run", "--bundle", b.dir.toString(), newId());
        assertEquals("hull-runtime: config.json: process.apparmorProfile: AppArmor is not enabled on this host, "
                + "so profile \"hull-default\" cannot be applied\n", r.err());
        // "unconfined" asks for nothing a host without AppArmor lacks
        b.set("process.apparmorProfile", "unconfined").sh("echo ran").write();
        r = hull("run", "--bundle", b.dir.toString(), newId());
        assertEquals(0, r.code(), r.toString());
        assertEquals("ran\n", r.out());
        b.set("process.apparmorProfile", null).set("linux.mountLabel", "system_u:object_r:container_file_t:s0").write();
        r = hull("run", "--bundle", b.dir.toString(), newId());
        assertEquals("hull-runtime: config.json: linux.mountLabel: SELinux is not enabled on this host, so label "
                + "\"system_u:object_r:container_file_t:s0\" cannot be applied\n", r.err());
        b.set("linux.mountLabel", null).set("process.selinuxLabel", "system_u:system_r:container_t:s0").write();
        r = hull("run", "--bundle", b.dir.toString(), newId());
        assertEquals("hull-runtime: config.json: process.selinuxLabel: SELinux is not enabled on this host, so label "
                + "\"system_u:system_r:container_t:s0\" cannot be applied\n", r.err());
    }

    @Test
    void featuresSayWhatThisHostHas() {
        Cmd.Result r = ok("features");
        Path enabled = Path.of("/sys/module/apparmor/parameters/enabled");
        boolean apparmor = Files.exists(enabled) && Host.read(enabled.toString()).trim().equals("Y");
        assertTrue(r.out().contains("\"apparmor\": {\n            \"enabled\": " + apparmor + "\n"), r.out());
        assertTrue(r.out().contains("\"selinux\": {\n            \"enabled\": "
                + Files.exists(Path.of("/sys/fs/selinux/enforce")) + "\n"), r.out());
        assertTrue(r.out().contains("\"dev.hull.landlock\": \"PATH:RIGHTS[,...] with RIGHTS of r, w, x; kernel Landlock ABI "),
                r.out());
    }
}
