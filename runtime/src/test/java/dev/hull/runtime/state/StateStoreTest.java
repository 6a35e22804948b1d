package dev.hull.runtime.state;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hull.runtime.HullException;
import dev.hull.sys.ProcStat;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class StateStoreTest {
    @TempDir
    Path tmp;
    StateStore store;

    @BeforeEach
    void store() {
        store = new StateStore(tmp.resolve("root"));
    }

    static ContainerRecord record(String id, String phase, long pid, long start, String mode, Map<String, String> dirs) {
        return new ContainerRecord("1.2.0", id, phase, pid, start, "/b", "/b/rootfs", "2024-01-01T00:00:00Z",
                Map.of(), mode, dirs, List.of(), true, List.of(), List.of(), Map.of(), List.of(), false);
    }

    // ---- ids ----

    @ParameterizedTest
    @ValueSource(strings = {"a", "abc", "A-Z_0.9+x", "...", "-leading-dash", "x..y", "1"})
    void goodIds(String id) {
        assertDoesNotThrow(() -> StateStore.checkId(id));
    }

    @Test
    void longestId() {
        assertDoesNotThrow(() -> StateStore.checkId("x".repeat(1024)));
        assertThrows(HullException.class, () -> StateStore.checkId("x".repeat(1025)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"a/b", "../x", "a b", "tab\there", "é", "a:b", "a*", "new\nline", "/abs", "a\\b"})
    void badCharacters(String id) {
        HullException e = assertThrows(HullException.class, () -> StateStore.checkId(id));
        assertEquals("invalid container id \"" + id + "\": only letters, digits and _ + - . are allowed",
                e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {".", ".."})
    void dotIds(String id) {
        assertEquals("invalid container id \"" + id + "\"",
                assertThrows(HullException.class, () -> StateStore.checkId(id)).getMessage());
    }

    @Test
    void emptyId() {
        assertEquals("container id cannot be empty", assertThrows(HullException.class, () -> StateStore.checkId("")).getMessage());
        assertEquals("container id cannot be empty", assertThrows(HullException.class, () -> StateStore.checkId(null)).getMessage());
    }

    // ---- directories and state files ----

    @Test
    void createMakesPrivateDirectories() throws Exception {
        Path d = store.create("c1");
        assertEquals(tmp.resolve("root/c1"), d);
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(store.root())));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(d)));
        assertFalse(store.exists("c1"), "a directory without state.json is no container yet");
    }

    @Test
    void createTwiceIsAnError() throws Exception {
        store.create("c1");
        HullException e = assertThrows(HullException.class, () -> store.create("c1"));
        assertEquals("container \"c1\" already exists", e.getMessage());
    }

    @Test
    void relativeRootIsMadeAbsolute() {
        assertTrue(new StateStore(Path.of("rel")).root().isAbsolute());
    }

    @Test
    void saveAndLoad() throws Exception {
        store.create("c1");
        ContainerRecord r = ContainerRecordTest.sample();
        store.save(r);
        assertTrue(store.exists("c1"));
        assertEquals(r, store.load("c1"));
        assertEquals(List.of("state.json"), names(store.dir("c1")), "no temp file is left");
        ContainerRecord later = r.withPid(7, 8).withPhase(ContainerRecord.CREATING);
        store.save(later);
        assertEquals(later, store.load("c1"));
        assertEquals(List.of("state.json"), names(store.dir("c1")));
    }

    @Test
    void saveReplacesAtomically() throws Exception {
        store.create("c1");
        ContainerRecord r = ContainerRecordTest.sample();
        store.save(r);
        // a stale temp file from a writer that died is simply replaced
        Files.writeString(store.dir("c1").resolve("state.json.tmp"), "garbage");
        store.save(r.withPid(5, 6));
        assertEquals(5, store.load("c1").pid());
        assertEquals(List.of("state.json"), names(store.dir("c1")));
    }

    private static List<String> names(Path dir) throws Exception {
        try (var s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void loadErrors() throws Exception {
        assertEquals("container \"nope\" does not exist",
                assertThrows(HullException.class, () -> store.load("nope")).getMessage());
        assertThrows(HullException.class, () -> store.load("../etc"));
        store.create("bad");
        Files.writeString(store.dir("bad").resolve("state.json"), "{\"id\": ");
        String msg = assertThrows(HullException.class, () -> store.load("bad")).getMessage();
        assertTrue(msg.startsWith("state of container \"bad\" is corrupt: "), msg);
        assertTrue(msg.endsWith("(delete --force removes it)"), msg);
        Files.writeString(store.dir("bad").resolve("state.json"), "{\"id\": \"bad\"}");
        msg = assertThrows(HullException.class, () -> store.load("bad")).getMessage();
        assertTrue(msg.startsWith("state of container \"bad\" is corrupt: "), msg);
    }

    @Test
    void saveWithoutDirectoryFails() {
        HullException e = assertThrows(HullException.class, () -> store.save(ContainerRecordTest.sample()));
        assertTrue(e.getMessage().startsWith("write state of c1: "), e.getMessage());
    }

    @Test
    void idsAndRemove() throws Exception {
        assertEquals(List.of(), store.ids(), "no root yet");
        for (String id : List.of("b", "a", "c")) {
            store.create(id);
            store.save(record(id, "created", 0, 0, "v2", Map.of()));
        }
        store.create("half"); // no state.json: not listed
        assertEquals(List.of("a", "b", "c"), store.ids());
        store.remove("b");
        assertFalse(Files.exists(store.dir("b")));
        assertEquals(List.of("a", "c"), store.ids());
        store.remove("b"); // gone already: fine
    }

    @Test
    void lock() throws Exception {
        store.create("c1");
        try (StateStore.Lock l = store.lock("c1")) {
            assertTrue(l.channel().isOpen());
        }
        assertEquals("container \"zz\" does not exist",
                assertThrows(HullException.class, () -> store.lock("zz")).getMessage());
    }

    // ---- status ----

    private static long me() {
        return ProcessHandle.current().pid();
    }

    private static long myStart() {
        return ProcStat.read(me()).startTime();
    }

    @Test
    void statusWithoutPid() {
        assertEquals(Status.CREATING, store.status(record("c", ContainerRecord.CREATING, 0, 0, "v2", Map.of())));
        assertEquals(Status.STOPPED, store.status(record("c", ContainerRecord.CREATED, 0, 0, "v2", Map.of())));
    }

    @Test
    void statusOfALiveProcess() throws Exception {
        store.create("c");
        ContainerRecord r = record("c", ContainerRecord.CREATED, me(), myStart(), "v2", Map.of());
        assertEquals(Status.RUNNING, store.status(r));
        Files.createFile(store.dir("c").resolve("exec.sock"));
        assertEquals(Status.CREATED, store.status(r), "the start socket exists: waiting for start");
        assertEquals(Status.CREATING, store.status(r.withPhase(ContainerRecord.CREATING)));
    }

    @Test
    void statusOfARecycledOrGonePid() {
        ContainerRecord r = record("c", ContainerRecord.CREATED, me(), myStart() + 1, "v2", Map.of());
        assertEquals(Status.STOPPED, store.status(r), "same pid, another process");
        assertEquals(Status.STOPPED, store.status(r.withPhase(ContainerRecord.CREATING)));
        assertEquals(Status.STOPPED, store.status(record("c", "created", Integer.MAX_VALUE, 1, "v2", Map.of())));
    }

    @Test
    void pausedOnV2() throws Exception {
        Path cg = Files.createDirectories(tmp.resolve("cg"));
        ContainerRecord r = record("c", ContainerRecord.CREATED, me(), myStart(), "v2", Map.of("", cg.toString()));
        assertEquals(Status.RUNNING, store.status(r), "no cgroup.freeze file");
        Files.writeString(cg.resolve("cgroup.freeze"), "1\n");
        assertEquals(Status.PAUSED, store.status(r));
        Files.writeString(cg.resolve("cgroup.freeze"), "0\n");
        assertEquals(Status.RUNNING, store.status(r));
    }

    @Test
    void pausedOnV1AndHybrid() throws Exception {
        Path fr = Files.createDirectories(tmp.resolve("freezer"));
        for (String mode : List.of("v1", "hybrid")) {
            ContainerRecord r = record("c", ContainerRecord.CREATED, me(), myStart(), mode,
                    Map.of("freezer", fr.toString(), "", tmp.toString()));
            Files.writeString(fr.resolve("freezer.state"), "FROZEN\n");
            assertEquals(Status.PAUSED, store.status(r), mode);
            Files.writeString(fr.resolve("freezer.state"), "THAWED\n");
            assertEquals(Status.RUNNING, store.status(r), mode);
        }
    }

    @Test
    void labels() {
        assertEquals("creating", Status.CREATING.label());
        assertEquals("created", Status.CREATED.label());
        assertEquals("running", Status.RUNNING.label());
        assertEquals("paused", Status.PAUSED.label());
        assertEquals("stopped", Status.STOPPED.label());
    }
}
