package dev.hull.engine.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Docker in Action ch. 6, "Access to devices"; Container Security, the device cgroup. */
class DevicesIT extends EngineTest {

    @Test
    void mappedDeviceIsThereWritableAndAllowedByTheCgroup() {
        String id = sleeper("--device", "/dev/null:/dev/mynull");
        Result r = hull("exec", id, "sh", "-c", "stat -c '%F %t:%T' /dev/mynull; echo hi > /dev/mynull && echo written");
        assertEquals(0, r.code(), r::toString);
        assertEquals("character special file 1:3\nwritten", r.out().strip());
        List<String> rules = read(cgroup("devices", id).resolve("devices.list")).lines().toList();
        assertTrue(rules.contains("c 1:3 rwm"), "devices.list: " + rules);
        assertFalse(rules.contains("a *:* rwm"), "the device cgroup allows everything: " + rules);
    }

    @Test
    void mknodIsAllowedButOpeningADeviceOutsideTheCgroupIsNot() {
        // /dev/mem (1:1) is not in Docker's default device list
        String s = sh(List.of(), "mknod /dev/x c 1 1 && echo made; head -c1 /dev/x >/dev/null 2>/tmp/e; echo rc=$?; cat /tmp/e");
        assertTrue(s.startsWith("made\nrc=1\n"), s);
        assertTrue(s.contains("Operation not permitted"), s);
    }

    @Test
    void deviceCgroupRuleAllowsIt() {
        // reading /dev/mem may still fail in the kernel (ENXIO with STRICT_DEVMEM), but not with EPERM
        String s = sh(List.of("--device-cgroup-rule", "c 1:1 r"),
                "mknod /dev/x c 1 1 && head -c1 /dev/x >/dev/null 2>/tmp/e; echo rc=$?; cat /tmp/e; grep '^c 1:1 ' /sys/fs/cgroup/devices/devices.list");
        assertFalse(s.contains("Operation not permitted"), s);
        assertTrue(s.lines().anyMatch(l -> l.equals("c 1:1 r")), s);
    }
}
