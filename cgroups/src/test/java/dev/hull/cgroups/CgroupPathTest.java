package dev.hull.cgroups;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CgroupPathTest {

    private static String resolve(String path) throws CgroupException {
        return CgroupPath.resolve(path, "ctr-1", false, false);
    }

    @Test
    void absolute() throws CgroupException {
        assertEquals("/machine/ctr", resolve("/machine/ctr"));
        assertEquals("/a", resolve("/a"));
    }

    @Test
    void relative() throws CgroupException {
        assertEquals("hull/ctr", resolve("hull/ctr"));
        assertEquals("x", resolve("x"));
        assertEquals("a..b/c.", resolve("a..b/c."), "dots inside a name are fine");
    }

    @Test
    void defaultIsTheContainerId() throws CgroupException {
        assertEquals("ctr-1", resolve(null));
        assertEquals("ctr-1", resolve(""));
    }

    @ParameterizedTest
    @ValueSource(strings = {"..", "../x", "/a/../b", "a/..", "/..", "a/../../etc"})
    void dotDotIsRefused(String path) {
        CgroupException e = assertThrows(CgroupException.class, () -> resolve(path));
        assertEquals("linux.cgroupsPath: \"" + path + "\" must not contain \"..\"", e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"system.slice:hull:ctr", "machine.slice:docker:abc", ":x:", "a:b"})
    void systemdFormNeedsTheFlag(String path) {
        CgroupException e = assertThrows(CgroupException.class, () -> resolve(path));
        assertTrue(e.getMessage().startsWith("linux.cgroupsPath: \"" + path + "\" is in systemd's"),
                e.getMessage());
        assertTrue(e.getMessage().contains("--systemd-cgroup"), e.getMessage());
    }

    @Test
    void systemdDriverWithoutSystemd() {
        CgroupException e = assertThrows(CgroupException.class,
                () -> CgroupPath.resolve("system.slice:hull:x", "x", true, false));
        assertTrue(e.getMessage().contains("systemd is not running"), e.getMessage());
    }

    @Test
    void systemdDriverIsNotSupportedYet() {
        CgroupException e = assertThrows(CgroupException.class,
                () -> CgroupPath.resolve("system.slice:hull:x", "x", true, true));
        assertTrue(e.getMessage().contains("not supported yet"), e.getMessage());
        assertThrows(CgroupException.class, () -> CgroupPath.resolve(null, "x", true, true));
    }
}
