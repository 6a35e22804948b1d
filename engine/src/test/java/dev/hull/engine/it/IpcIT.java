package dev.hull.engine.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Docker in Action ch. 6, "Sharing memory": IPC namespaces shared between containers. */
class IpcIT extends EngineTest {

    @Test
    void consumerJoinsTheShareableProducersIpcNamespaceAndShm() throws Exception {
        String producer = out("run", "-d", "--name", "producer", "--ipc", "shareable", "busybox", "sh", "-c",
                "echo hello > /dev/shm/msg; sleep 1000");
        assertTrue(eventually(3000, () -> hull("exec", "producer", "test", "-f", "/dev/shm/msg").code() == 0));
        String hostNs = Files.readSymbolicLink(Path.of("/proc/" + pid(producer) + "/ns/ipc")).toString();
        String ownNs = Files.readSymbolicLink(Path.of("/proc/self/ns/ipc")).toString();
        assertNotEquals(ownNs, hostNs, "the producer has its own IPC namespace");
        String s = sh(List.of("--ipc", "container:producer"), "cat /dev/shm/msg; readlink /proc/self/ns/ipc");
        assertEquals("hello\n" + hostNs, s);
        // the shared /dev/shm is a tmpfs on the host, under the store
        String shm = dir.resolve("root/containers").resolve(producer).resolve("shm").toString();
        assertTrue(mountsUnder(dir).contains(shm), () -> "mounts: " + mountsUnder(dir));
        // stopped, the producer's /dev/shm is unmounted (Docker); started again, a fresh one
        ok("stop", "-t", "0", "producer");
        assertFalse(mountsUnder(dir).contains(shm), () -> "still mounted after stop: " + mountsUnder(dir));
        ok("start", "producer");
        assertTrue(eventually(3000, () -> mountsUnder(dir).contains(shm)), () -> "mounts: " + mountsUnder(dir));
    }

    @Test
    void joiningANonShareableIpcFailsAndLeavesNothing() {
        sleeper("--name", "private");
        List<String> before = containers();
        Result r = hull("run", "--rm", "--ipc", "container:private", "busybox", "true");
        assertEquals(125, r.code(), r::toString);
        assertEquals(before, containers(), "the failed run left a container");
        Result r2 = hull("run", "--ipc", "container:nosuch", "busybox", "true");
        assertEquals(125, r2.code(), r2::toString);
        assertEquals(before, containers(), "the failed run left a container");
    }

    @Test
    void ipcNoneHasNoDevShm() {
        String s = sh(List.of("--ipc", "none"), "grep -c ' /dev/shm ' /proc/self/mountinfo; test -e /dev/shm && echo exists; true");
        assertEquals("0", s);
        String dflt = sh(List.of(), "grep ' /dev/shm ' /proc/self/mountinfo | grep -c tmpfs");
        assertEquals("1", dflt);
        assertFalse(dflt.isEmpty());
    }
}
