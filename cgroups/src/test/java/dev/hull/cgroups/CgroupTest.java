package dev.hull.cgroups;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hull.sys.MountInfo;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Cgroup bookkeeping on a fake hybrid host whose hierarchies are plain directories in a temp dir:
 * mkdir and rmdir behave as on a cgroupfs as long as the leaves hold no files.
 */
class CgroupTest {
    @TempDir
    Path fs;
    CgroupHost host;

    @BeforeEach
    void fakeHost() throws IOException {
        host = host(fs, "/");
    }

    /** cpu,cpuacct + memory + name=systemd + the unified tree, mounted from {@code mountRoot}. */
    static CgroupHost host(Path fs, String mountRoot) throws IOException {
        for (String d : List.of("cpu,cpuacct", "memory", "systemd", "unified")) {
            Files.createDirectories(fs.resolve(d));
        }
        String r = mountRoot;
        String p = mountRoot.equals("/") ? "" : mountRoot;
        String mountinfo = "1 0 0:1 / / rw - ext4 /dev/a rw\n"
                + "10 1 0:10 " + r + " " + fs.resolve("cpu,cpuacct") + " rw - cgroup cgroup rw,cpu,cpuacct\n"
                + "11 1 0:11 " + r + " " + fs.resolve("memory") + " rw - cgroup cgroup rw,memory\n"
                + "12 1 0:12 " + r + " " + fs.resolve("systemd") + " rw - cgroup cgroup rw,xattr,name=systemd\n"
                + "13 1 0:13 " + r + " " + fs.resolve("unified") + " rw - cgroup2 cgroup2 rw\n";
        String own = "3:cpu,cpuacct:" + (p.isEmpty() ? "/" : p) + "\n"
                + "2:memory:" + p + "/user.slice\n"
                + "1:name=systemd:" + p + "/user.slice/session-1.scope\n"
                + "0::" + p + "/user.slice/session-1.scope\n";
        return CgroupHost.from(MountInfo.parse(mountinfo), own);
    }

    @Test
    void absolutePathFromEachHierarchyRoot() {
        Cgroup cg = Cgroup.of(host, "/hull/c1");
        assertEquals(CgroupMode.HYBRID, cg.mode());
        Map<String, Path> want = new LinkedHashMap<>();
        want.put("cpu,cpuacct", fs.resolve("cpu,cpuacct/hull/c1"));
        want.put("memory", fs.resolve("memory/hull/c1"));
        want.put("name=systemd", fs.resolve("systemd/hull/c1"));
        want.put("", fs.resolve("unified/hull/c1"));
        assertEquals(want, cg.dirs());
        assertEquals(List.copyOf(want.keySet()), List.copyOf(cg.dirs().keySet()), "hierarchy order is kept");
    }

    @Test
    void relativePathUnderOwnCgroup() {
        Cgroup cg = Cgroup.of(host, "c1");
        assertEquals(fs.resolve("cpu,cpuacct/c1"), cg.dirs().get("cpu,cpuacct"));
        assertEquals(fs.resolve("memory/user.slice/c1"), cg.dirs().get("memory"));
        assertEquals(fs.resolve("systemd/user.slice/session-1.scope/c1"), cg.dirs().get("name=systemd"));
        assertEquals(fs.resolve("unified/user.slice/session-1.scope/c1"), cg.dirs().get(""));
    }

    /**
     * In a nested container the hierarchies are mounted from a subtree (mountinfo's root field)
     * while /proc/self/cgroup names the full path; runc strips the mount's root from it.
     */
    @Test
    void relativePathThroughASubtreeMount(@TempDir Path nested) throws IOException {
        CgroupHost h = host(nested, "/docker/abc");
        Cgroup cg = Cgroup.of(h, "c1");
        assertEquals(nested.resolve("cpu,cpuacct/c1"), cg.dirs().get("cpu,cpuacct"));
        assertEquals(nested.resolve("memory/user.slice/c1"), cg.dirs().get("memory"));
        assertEquals(nested.resolve("unified/user.slice/session-1.scope/c1"), cg.dirs().get(""));
        // an absolute path is taken from the root of what is mounted, as runc does
        assertEquals(nested.resolve("memory/x"), Cgroup.of(h, "/x").dirs().get("memory"));
    }

    @Test
    void createRecordsExactlyWhatItMade() throws CgroupException {
        Cgroup cg = Cgroup.of(host, "/hull/c1");
        assertTrue(fs.resolve("memory").toFile().isDirectory());
        // one parent exists already in one hierarchy
        assertTrue(fs.resolve("memory/hull").toFile().mkdir());
        List<Path> made = cg.create();
        assertEquals(List.of(
                fs.resolve("cpu,cpuacct/hull"), fs.resolve("cpu,cpuacct/hull/c1"),
                fs.resolve("memory/hull/c1"),
                fs.resolve("systemd/hull"), fs.resolve("systemd/hull/c1"),
                fs.resolve("unified/hull"), fs.resolve("unified/hull/c1")), made);
        for (Path d : cg.dirs().values()) {
            assertTrue(Files.isDirectory(d), d.toString());
        }
        assertTrue(cg.madeBy(made));
    }

    @Test
    void undoRemovesOnlyWhatCreateMade() throws CgroupException {
        assertTrue(fs.resolve("memory/hull").toFile().mkdir());
        Cgroup cg = Cgroup.of(host, "/hull/c1");
        List<Path> made = cg.create();
        cg.undo(made);
        for (Path p : made) {
            assertFalse(Files.exists(p), p + " is left");
        }
        assertTrue(Files.isDirectory(fs.resolve("memory/hull")), "a parent that existed before stays");
        assertTrue(Files.isDirectory(fs.resolve("memory")));
    }

    @Test
    void undoLeavesASharedParent() throws CgroupException {
        Cgroup a = Cgroup.of(host, "/hull/a");
        List<Path> madeA = a.create();
        Cgroup b = Cgroup.of(host, "/hull/b");
        List<Path> madeB = b.create();
        assertFalse(madeB.contains(fs.resolve("memory/hull")), "b found the parent a made");
        a.undo(madeA); // its parents are still used by b: rmdir fails and they stay
        assertTrue(Files.isDirectory(fs.resolve("memory/hull/b")));
        assertFalse(Files.exists(fs.resolve("memory/hull/a")));
        b.undo(madeB);
        assertTrue(Files.isDirectory(fs.resolve("memory/hull")), "made by a, not by b");
    }

    @Test
    void existingEmptyLeafIsReusedButNotMadeBy() throws IOException {
        Files.createDirectories(fs.resolve("memory/hull/c1"));
        Cgroup cg = Cgroup.of(host, "/hull/c1");
        List<Path> made = cg.create();
        assertFalse(made.contains(fs.resolve("memory/hull/c1")));
        assertFalse(made.contains(fs.resolve("memory/hull")));
        assertFalse(cg.madeBy(made), "one leaf existed before: it is not ours to remove");
        cg.undo(made);
        assertTrue(Files.isDirectory(fs.resolve("memory/hull/c1")));
        assertFalse(Files.exists(fs.resolve("cpu,cpuacct/hull")));
    }

    @Test
    void leafWithProcessesIsRefusedAndNothingIsLeft() throws IOException {
        Files.createDirectories(fs.resolve("systemd/busy"));
        Files.writeString(fs.resolve("systemd/busy/cgroup.procs"), "1234\n");
        Cgroup cg = Cgroup.of(host, "/busy");
        CgroupException e = assertThrows(CgroupException.class, cg::create);
        assertTrue(e.getMessage().contains("already has processes"), e.getMessage());
        assertTrue(e.getMessage().contains("linux.cgroupsPath"), e.getMessage());
        assertFalse(Files.exists(fs.resolve("cpu,cpuacct/busy")), "taken back");
        assertFalse(Files.exists(fs.resolve("memory/busy")), "taken back");
        assertTrue(Files.exists(fs.resolve("systemd/busy/cgroup.procs")));
    }

    @Test
    void createFailureTakesBackWhatWasMade() throws IOException {
        // a file where a directory must go: mkdir fails in the third hierarchy
        Files.writeString(fs.resolve("systemd/hull"), "not a directory");
        Cgroup cg = Cgroup.of(host, "/hull/c1");
        CgroupException e = assertThrows(CgroupException.class, cg::create);
        assertTrue(e.getMessage().startsWith("create cgroup " + fs.resolve("systemd/hull")), e.getMessage());
        assertFalse(Files.exists(fs.resolve("cpu,cpuacct/hull")));
        assertFalse(Files.exists(fs.resolve("memory/hull")));
    }

    @Test
    void madeBy() {
        Cgroup cg = Cgroup.of(host, "/x");
        List<Path> all = new ArrayList<>(cg.dirs().values());
        assertTrue(cg.madeBy(all));
        all.add(fs.resolve("memory"));
        assertTrue(cg.madeBy(all));
        all.remove(fs.resolve("unified/x"));
        assertFalse(cg.madeBy(all));
        assertFalse(Cgroup.restore(CgroupMode.V2, Map.of()).madeBy(List.of()), "no directories: made by nobody");
    }

    @Test
    void destroyRemovesLeavesAndTheParentsItMade() throws IOException {
        assertTrue(fs.resolve("memory/hull").toFile().mkdir());
        Cgroup cg = Cgroup.of(host, "/hull/a/c1");
        List<Path> made = cg.create();
        List<Path> parents = made.stream().filter(p -> !cg.dirs().containsValue(p)).toList();
        cg.destroy(parents);
        for (Path p : made) {
            assertFalse(Files.exists(p), p + " is left");
        }
        assertTrue(Files.isDirectory(fs.resolve("memory/hull")));
    }

    /**
     * A container may make cgroups of its own below its cgroup (systemd, a nested engine). The
     * kernel refuses rmdir of a cgroup with children (EBUSY on a cgroupfs, ENOTEMPTY here), so
     * they go first, deepest first, as runc's RemovePath does.
     */
    @Test
    void destroyRemovesChildCgroupsTheContainerMade() throws IOException {
        Cgroup cg = Cgroup.of(host, "/c1");
        List<Path> made = cg.create();
        Files.createDirectories(fs.resolve("memory/c1/init.scope/deeper"));
        Files.createDirectories(fs.resolve("unified/c1/a"));
        Files.createDirectories(fs.resolve("unified/c1/b"));
        cg.destroy(List.of());
        for (Path d : cg.dirs().values()) {
            assertFalse(Files.exists(d), d + " is left");
        }
        assertTrue(Files.isDirectory(fs.resolve("memory")));
        assertEquals(4, made.size());
    }

    @Test
    void destroyReportsWhatItCannotRemoveAndStillRemovesTheRest() throws IOException {
        Cgroup cg = Cgroup.of(host, "/c1");
        cg.create();
        // not possible on a cgroupfs, where rmdir ignores the interface files: stands for a cgroup
        // that cannot go
        Files.writeString(fs.resolve("memory/c1/stuck"), "x");
        CgroupException e = assertThrows(CgroupException.class, () -> cg.destroy(List.of()));
        assertTrue(e.getMessage().startsWith("remove cgroup " + fs.resolve("memory/c1")), e.getMessage());
        assertFalse(Files.exists(fs.resolve("cpu,cpuacct/c1")));
        assertFalse(Files.exists(fs.resolve("unified/c1")));
    }

    @Test
    void destroyOfAGoneCgroupIsFine() throws CgroupException {
        Cgroup.of(host, "/never-made").destroy(List.of());
    }

    @Test
    void joinWritesThePidEverywhere() throws IOException {
        Cgroup cg = Cgroup.of(host, "/j");
        cg.create();
        cg.join(4321);
        for (Path d : cg.dirs().values()) {
            assertEquals("4321", Files.readString(d.resolve("cgroup.procs")));
        }
    }

    @Test
    void joinOfAMissingCgroupNamesTheFile() {
        Cgroup cg = Cgroup.of(host, "/missing");
        CgroupException e = assertThrows(CgroupException.class, () -> cg.join(7));
        assertTrue(e.getMessage().startsWith("join cgroup: write 7 to " + fs.resolve("cpu,cpuacct/missing/cgroup.procs")),
                e.getMessage());
    }

    @Test
    void pids() throws IOException {
        Cgroup cg = Cgroup.of(host, "/p");
        assertEquals(List.of(), cg.pids(), "not created: no processes");
        cg.create();
        Files.writeString(fs.resolve("unified/p/cgroup.procs"), "12\n34\n\n");
        Files.writeString(fs.resolve("cpu,cpuacct/p/cgroup.procs"), "99\n");
        assertEquals(List.of(12L, 34L), cg.pids(), "without a pids hierarchy the unified one counts");
    }

    @Test
    void savedDirsRestoreTheSameCgroup() {
        Cgroup cg = Cgroup.of(host, "/s");
        Map<String, String> saved = cg.savedDirs();
        assertEquals(fs.resolve("memory/s").toString(), saved.get("memory"));
        Cgroup back = Cgroup.restore(CgroupMode.HYBRID, saved);
        assertEquals(cg.dirs(), back.dirs());
        assertEquals(CgroupMode.HYBRID, back.mode());
    }

    @Test
    void modeLabels() {
        assertEquals("v1", CgroupMode.V1.label());
        assertEquals("v2", CgroupMode.V2.label());
        assertEquals("hybrid", CgroupMode.HYBRID.label());
    }
}
