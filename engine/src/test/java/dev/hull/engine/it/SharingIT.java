package dev.hull.engine.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Docker in Action ch. 6: --pid/--network/--uts container:NAME and host join the namespaces the kernel shows. */
class SharingIT extends EngineTest {
    private static String ns(long pid, String kind) throws Exception {
        return Files.readSymbolicLink(Path.of("/proc/" + pid + "/ns/" + kind)).toString();
    }

    @Test
    void containerModesJoinTheTargetsNamespaces() throws Exception {
        String target = sleeper("--name", "target");
        long tpid = pid(target);
        String s = sh(List.of("--pid", "container:target", "--network", "container:target"),
                "readlink /proc/self/ns/pid; readlink /proc/self/ns/net; readlink /proc/self/ns/mnt; ps -o comm | grep -c sleep");
        List<String> l = s.lines().toList();
        assertEquals(ns(tpid, "pid"), l.get(0));
        assertEquals(ns(tpid, "net"), l.get(1));
        assertNotEquals(ns(tpid, "mnt"), l.get(2), "its own mount namespace");
        assertEquals("1", l.get(3), "the target's sleep is visible in the shared pid namespace");

        Result notRunning = hull("run", "--rm", "--pid", "container:nosuch", "busybox", "true");
        assertEquals(125, notRunning.code(), notRunning::toString);
        ok("rm", "-f", "target");
    }

    @Test
    void hostModesUseTheHostsNamespaces() throws Exception {
        long self = ProcessHandle.current().pid();
        String s = sh(List.of("--pid", "host", "--network", "host", "--uts", "host", "--ipc", "host"),
                "readlink /proc/self/ns/pid; readlink /proc/self/ns/net; readlink /proc/self/ns/uts; readlink /proc/self/ns/ipc; hostname");
        List<String> l = s.lines().toList();
        assertEquals(ns(self, "pid"), l.get(0));
        assertEquals(ns(self, "net"), l.get(1));
        assertEquals(ns(self, "uts"), l.get(2));
        assertEquals(ns(self, "ipc"), l.get(3));
        assertEquals(Files.readString(Path.of("/proc/sys/kernel/hostname")).strip(), l.get(4));
        // and by default, none of them
        List<String> d = sh(List.of(), "readlink /proc/self/ns/pid; readlink /proc/self/ns/net").lines().toList();
        assertNotEquals(ns(self, "pid"), d.get(0));
        assertNotEquals(ns(self, "net"), d.get(1));
        assertTrue(sh(List.of(), "cat /proc/net/dev | grep -c :").equals("1"), "only lo in a new network namespace");
    }

    /** Without its own pid namespace, what the first process left behind dies with the container. */
    @Test
    void leftoversOfAHostPidContainerAreKilledWhenItExits() throws Exception {
        String marker = "sleep 1" + ProcessHandle.current().pid() % 1000;
        ok("run", "-d", "--pid", "host", "--name", "leaves", "busybox", "sh", "-c", marker + " & exit 0");
        assertTrue(eventually(10_000, () -> out("inspect", "--format", "{{.State.Status}}", "leaves").equals("exited")));
        assertTrue(eventually(5_000, () -> ProcessHandle.allProcesses().noneMatch(
                h -> h.info().commandLine().orElse("").equals(marker))), "the background sleep outlived its container");
        Result rm = hull(java.time.Duration.ofSeconds(20), "rm", "leaves");
        assertEquals(0, rm.code(), rm::toString);
    }

    /** --cgroupns: the host's on this v1 host by default (Docker's default there), private on request. */
    @Test
    void cgroupNamespace() throws Exception {
        long self = ProcessHandle.current().pid();
        String byDefault = sh(List.of(), "readlink /proc/self/ns/cgroup; grep :memory: /proc/self/cgroup");
        List<String> d = byDefault.lines().toList();
        assertEquals(ns(self, "cgroup"), d.get(0));
        assertTrue(d.get(1).matches("\\d+:memory:/hull/[0-9a-f]{64}"), byDefault);
        List<String> p = sh(List.of("--cgroupns", "private"), "readlink /proc/self/ns/cgroup; grep :memory: /proc/self/cgroup")
                .lines().toList();
        assertNotEquals(ns(self, "cgroup"), p.get(0));
        assertTrue(p.get(1).endsWith(":memory:/"), p.toString());
    }
}
