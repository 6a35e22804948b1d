package dev.hull.engine.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hull.sys.FileCalls;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Docker in Action ch. 6, "Running as a user"; Container Security, running as non-root. */
class UsersIT extends EngineTest {

    @Test
    void userByNameAndByNumbers() {
        String s = sh(List.of("-u", "nobody"), "id; grep -E '^(Uid|Gid):' /proc/self/status");
        assertEquals("uid=65534(nobody) gid=65534(nogroup)\nUid:\t65534\t65534\t65534\t65534\n"
                + "Gid:\t65534\t65534\t65534\t65534", s);
    }

    @Test
    void numericUserAndGroup() {
        String s = sh(List.of("-u", "10000:20000"), "grep -E '^(Uid|Gid):' /proc/self/status");
        assertEquals("Uid:\t10000\t10000\t10000\t10000\nGid:\t20000\t20000\t20000\t20000", s);
    }

    @Test
    void aRemappedRootKeepsTheImagesFileCapabilities() throws Exception {
        Files.setAttribute(dir, "unix:mode", 0711); // the remapped root must reach its rootfs
        Path x = Files.createDirectories(dir.resolve("capimg/capbin"));
        Path box = x.resolve("busybox");
        Files.copy(BUSYBOX_ROOTFS.resolve("bin/busybox"), box);
        // cap_dac_override+ep, as setcap writes it (struct vfs_cap_data, version 2)
        FileCalls.lsetxattr(box.toString(), "security.capability",
                new byte[] {1, 0, 0, 2, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0});
        Path secret = x.resolveSibling("secret");
        Files.writeString(secret, "s3cret\n");
        Files.setPosixFilePermissions(secret, PosixFilePermissions.fromString("rw-------"));
        Path tar = dir.resolve("capimg.tar");
        Result t = exec(List.of("tar", "--xattrs", "--xattrs-include=*", "-cf", tar.toString(), "-C",
                BUSYBOX_ROOTFS.toString(), ".", "-C", x.getParent().toString(), "./capbin", "./secret"), TIMEOUT);
        assertEquals(0, t.code(), t::toString);
        ok("import", tar.toString(), "capimg");
        // uid 1000 reads the 0600 file of root only through the binary's capability: on the
        // host's root, and on a remapped one (whose chown of the rootfs would have dropped it)
        assertNotEquals(0, hull("run", "--rm", "-u", "1000", "capimg", "cat", "/secret").code());
        assertEquals("s3cret", out("run", "--rm", "-u", "1000", "capimg", "/capbin/busybox", "cat", "/secret"));
        assertEquals("s3cret", out("run", "--rm", "--uidmap", "0:100000:65536", "-u", "1000", "capimg",
                "/capbin/busybox", "cat", "/secret"));
        ok("rmi", "capimg");
    }

    @Test
    void unknownUserFails125AndLeavesNoContainer() {
        Result r = hull("run", "-u", "nosuchuser", "busybox", "id");
        assertEquals(125, r.code(), r::toString);
        assertTrue(r.err().contains("nosuchuser"), r::toString);
        assertEquals(List.of(), containers());
    }

    @Test
    void bindMountPermissionsAreTheHostsAndFilesGetTheContainersIds() throws Exception {
        Path vol = Files.createDirectory(dir.resolve("vol-perms"));
        Path secret = vol.resolve("secret");
        Files.writeString(secret, "top secret\n");
        Files.setPosixFilePermissions(secret, PosixFilePermissions.fromString("rw-------"));
        Files.setPosixFilePermissions(vol, PosixFilePermissions.fromString("rwxrwxrwx"));
        String bind = vol + ":/data";

        Result denied = hull("run", "--rm", "-u", "nobody", "-v", bind, "busybox", "cat", "/data/secret");
        assertNotEquals(0, denied.code(), denied::toString);
        assertTrue(denied.err().contains("Permission denied"), denied::toString);
        assertEquals("top secret", sh(List.of("-v", bind), "cat /data/secret"));

        sh(List.of("-u", "2000:2000", "-v", bind), "echo x > /data/made-by-2000");
        Path made = vol.resolve("made-by-2000");
        assertEquals(2000, (int) Files.getAttribute(made, "unix:uid"));
        assertEquals(2000, (int) Files.getAttribute(made, "unix:gid"));
    }

    /** --group-add: by name (from the image's /etc/group) or number, as supplementary groups. */
    @Test
    void groupAdd() {
        String s = sh(List.of("-u", "nobody", "--group-add", "root", "--group-add", "4242"), "id -G; grep ^Groups: /proc/self/status");
        List<String> l = s.lines().toList();
        assertEquals("65534 0 4242", l.get(0));
        assertEquals("Groups:\t0 4242", l.get(1).strip());
        Result bad = hull("run", "--rm", "--group-add", "nosuchgroup", "busybox", "true");
        assertEquals(125, bad.code(), bad::toString);
    }
}
