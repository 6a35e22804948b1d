package dev.hull.cgroups;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hull.spec.Resources;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What Cgroup reads and writes in a container's directories for pause/resume, OOM events and
 * limits, over plain directories that hold what the kernel would show.
 */
class CgroupStateTest {
    @TempDir
    Path fs;

    Cgroup v1(String... hierarchies) throws IOException {
        Map<String, String> dirs = new LinkedHashMap<>();
        for (String h : hierarchies) {
            Path d = fs.resolve(h).resolve("c1");
            Files.createDirectories(d);
            dirs.put(h, d.toString());
        }
        return Cgroup.restore(CgroupMode.V1, dirs);
    }

    Cgroup v2() throws IOException {
        Path d = fs.resolve("unified/c1");
        Files.createDirectories(d);
        return Cgroup.restore(CgroupMode.V2, Map.of("", d.toString()));
    }

    static void put(Cgroup cg, String hierarchy, String file, String content) throws IOException {
        Files.writeString(cg.dirs().get(hierarchy).resolve(file), content);
    }

    static String get(Cgroup cg, String hierarchy, String file) throws IOException {
        return Files.readString(cg.dirs().get(hierarchy).resolve(file));
    }

    // ---------------------------------------------------------------------------------------
    // frozen()

    @Test
    void v1FrozenOnlyWhenFrozen() throws IOException {
        Cgroup cg = v1("memory", "freezer");
        assertFalse(cg.frozen(), "no freezer.state yet");
        put(cg, "freezer", "freezer.state", "THAWED\n");
        assertFalse(cg.frozen());
        put(cg, "freezer", "freezer.state", "FREEZING\n");
        assertFalse(cg.frozen(), "freezing is not frozen");
        put(cg, "freezer", "freezer.state", "FROZEN\n");
        assertTrue(cg.frozen());
        assertFalse(v1("memory").frozen(), "no freezer hierarchy");
    }

    @Test
    void v2FrozenFromCgroupEvents() throws IOException {
        Cgroup cg = v2();
        assertFalse(cg.frozen());
        put(cg, "", "cgroup.events", "populated 1\nfrozen 0\n");
        assertFalse(cg.frozen());
        put(cg, "", "cgroup.events", "populated 1\nfrozen 1\n");
        assertTrue(cg.frozen());
    }

    // ---------------------------------------------------------------------------------------
    // freeze(), thaw()

    @Test
    void v1FreezeAndThawWriteTheState() throws Exception {
        Cgroup cg = v1("freezer");
        put(cg, "freezer", "freezer.state", "THAWED\n");
        cg.freeze(); // a plain file reads back what was written: the "kernel" froze at once
        assertEquals("FROZEN", get(cg, "freezer", "freezer.state"));
        cg.thaw();
        assertEquals("THAWED", get(cg, "freezer", "freezer.state"));
    }

    /** The kernel reports frozen some time after cgroup.freeze is written: freeze() waits for it. */
    @Test
    void v2FreezeWaitsForTheKernel() throws Exception {
        Cgroup cg = v2();
        put(cg, "", "cgroup.freeze", "0\n");
        put(cg, "", "cgroup.events", "populated 1\nfrozen 0\n");
        Thread kernel = Thread.ofPlatform().start(() -> {
            try {
                Path freeze = cg.dirs().get("").resolve("cgroup.freeze");
                while (!Files.readString(freeze).trim().equals("1")) {
                    Thread.sleep(1);
                }
                Thread.sleep(30);
                Files.writeString(cg.dirs().get("").resolve("cgroup.events"), "populated 1\nfrozen 1\n");
            } catch (IOException | InterruptedException e) {
                throw new RuntimeException(e);
            }
        });
        cg.freeze();
        assertTrue(cg.frozen(), "returned only once the kernel said frozen");
        kernel.join();
        put(cg, "", "cgroup.events", "populated 1\nfrozen 0\n");
        cg.thaw();
        assertEquals("0", get(cg, "", "cgroup.freeze"));
    }

    @Test
    void noFreezer() throws IOException {
        assertEquals("the freezer is not available on this host",
                assertThrows(CgroupException.class, () -> v1("memory").freeze()).getMessage());
        Cgroup v1 = v1("freezer"); // a hierarchy without freezer.state
        assertEquals("the freezer is not available on this host",
                assertThrows(CgroupException.class, v1::thaw).getMessage());
        Cgroup old = v2(); // a kernel before 5.2: no cgroup.freeze
        assertEquals("the freezer is not available on this host",
                assertThrows(CgroupException.class, old::freeze).getMessage());
    }

    // ---------------------------------------------------------------------------------------
    // oomKills()

    @Test
    void oomKillsV1FromOomControl() throws IOException {
        Cgroup cg = v1("cpu,cpuacct", "memory");
        assertEquals(0, cg.oomKills(), "no file yet");
        put(cg, "memory", "memory.oom_control", "oom_kill_disable 0\nunder_oom 0\noom_kill 3\n");
        assertEquals(3, cg.oomKills());
        // kernels before 4.13 have no oom_kill line
        put(cg, "memory", "memory.oom_control", "oom_kill_disable 0\nunder_oom 1\n");
        assertEquals(0, cg.oomKills());
        assertEquals(0, v1("cpu,cpuacct").oomKills(), "no memory hierarchy");
    }

    @Test
    void oomKillsV2FromMemoryEvents() throws IOException {
        Cgroup cg = v2();
        assertEquals(0, cg.oomKills());
        put(cg, "", "memory.events", "low 0\nhigh 0\nmax 12\noom 2\noom_kill 1\noom_group_kill 4\n");
        assertEquals(1, cg.oomKills(), "oom_kill, not oom or oom_group_kill");
    }

    @Test
    void oomKillsHybridUsesTheV1Memory() throws IOException {
        Path mem = fs.resolve("memory/c1"), uni = fs.resolve("unified/c1");
        Files.createDirectories(mem);
        Files.createDirectories(uni);
        Map<String, String> dirs = new LinkedHashMap<>();
        dirs.put("memory", mem.toString());
        dirs.put("", uni.toString());
        Cgroup cg = Cgroup.restore(CgroupMode.HYBRID, dirs);
        Files.writeString(mem.resolve("memory.oom_control"), "oom_kill_disable 0\nunder_oom 0\noom_kill 5\n");
        Files.writeString(uni.resolve("memory.events"), "oom_kill 9\n");
        assertEquals(5, cg.oomKills());
    }

    // ---------------------------------------------------------------------------------------
    // apply() through the directories

    @Test
    void applyWritesIntoEachHierarchysDirectory() throws Exception {
        Cgroup cg = v1("memory", "pids");
        put(cg, "memory", "memory.limit_in_bytes", "9223372036854771712\n");
        cg.apply(Res.res("{'memory':{'limit':1048576},'pids':{'limit':10}}"), null, false, new Res.Warnings());
        assertEquals("1048576", get(cg, "memory", "memory.limit_in_bytes"));
        assertEquals("10", get(cg, "pids", "pids.max"));
    }

    @Test
    void aFailedWriteNamesFieldFileAndErrno() throws Exception {
        Cgroup cg = v1("memory");
        Files.delete(cg.dirs().get("memory"));
        CgroupException e = assertThrows(CgroupException.class, () -> cg.apply(
                Res.res("{'memory':{'limit':1024}}"), null, false, new Res.Warnings()));
        assertEquals("linux.resources.memory.limit: write 1024 to " + cg.dirs().get("memory").resolve(
                "memory.limit_in_bytes") + ": ENOENT: No such file or directory", e.getMessage());
        assertThrows(CgroupException.class, () -> v1("memory").apply(
                Res.res("{'pids':{'limit':1}}"), null, false, new Res.Warnings()));
        v1("memory").apply(Resources.EMPTY, null, false, new Res.Warnings());
    }
}
