package dev.hull.cgroups;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hull.sys.MountInfo;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class CgroupHostTest {

    static String resource(String name) throws IOException {
        try (InputStream in = CgroupHostTest.class.getResourceAsStream("/hosts/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /** A host from the samples hosts/NAME.mountinfo and hosts/NAME.cgroup. */
    static CgroupHost host(String name) throws IOException {
        return CgroupHost.from(MountInfo.parse(resource(name + ".mountinfo")), resource(name + ".cgroup"));
    }

    private static List<String> keys(CgroupHost h) {
        return h.hierarchies().stream().map(Hierarchy::key).toList();
    }

    /** This machine's layout, captured from /proc/self/{mountinfo,cgroup}. */
    @Test
    void hybridHost() throws IOException {
        CgroupHost h = host("hybrid");
        assertEquals(CgroupMode.HYBRID, h.mode());
        assertEquals(List.of("cpu", "cpuacct", "cpuset", "memory", "devices", "freezer", "blkio", "pids",
                "name=systemd", ""), keys(h));
        Hierarchy unified = h.unified();
        assertNotNull(unified);
        assertEquals("", unified.key());
        assertTrue(unified.unified());
        assertEquals(Path.of("/sys/fs/cgroup/unified"), unified.mountPoint());
        assertEquals(Set.of(), unified.controllers());

        Hierarchy mem = h.v1("memory");
        assertEquals(new Hierarchy("memory", Set.of("memory"), Path.of("/sys/fs/cgroup/memory"), "/", false), mem);
        assertEquals("/process_api/4403cbb1dbfa58d73f50e727f19b9ef5", h.ownCgroup(mem));
        assertEquals("/", h.ownCgroup(h.v1("cpu")));
        assertEquals("/", h.ownCgroup(unified));

        Hierarchy systemd = h.hierarchies().get(8);
        assertEquals("name=systemd", systemd.key());
        assertEquals(Set.of(), systemd.controllers());
        assertEquals("systemd", systemd.dirName());
        assertFalse(systemd.unified());
        assertNull(h.v1("systemd"), "a named hierarchy has no controller");
        assertNull(h.v1("hugetlb"));
        assertNotNull(h.v1("cpuacct"));
        assertSame(h.v1("cpu"), h.hierarchies().get(0));
    }

    @Test
    void pureV2Host() throws IOException {
        CgroupHost h = host("v2");
        assertEquals(CgroupMode.V2, h.mode());
        assertEquals(List.of(""), keys(h));
        Hierarchy u = h.unified();
        assertEquals(new Hierarchy("", Set.of(), Path.of("/sys/fs/cgroup"), "/", true), u);
        assertEquals("/user.slice/user-1000.slice/session-3.scope", h.ownCgroup(u));
        assertNull(h.v1("memory"));
    }

    @Test
    void v1HostWithCombinedAndNamedHierarchies() throws IOException {
        CgroupHost h = host("v1");
        assertEquals(CgroupMode.V1, h.mode());
        assertNull(h.unified());
        assertEquals(List.of("name=systemd", "cpuset", "cpu,cpuacct", "memory", "devices", "freezer",
                "net_cls,net_prio", "blkio", "perf_event", "hugetlb", "pids"), keys(h));

        Hierarchy cpu = h.v1("cpu");
        assertSame(cpu, h.v1("cpuacct"), "one hierarchy carries both controllers");
        assertEquals("cpu,cpuacct", cpu.key());
        assertEquals(Set.of("cpu", "cpuacct"), cpu.controllers());
        assertEquals(Path.of("/sys/fs/cgroup/cpu,cpuacct"), cpu.mountPoint(),
                "the first mount of a hierarchy is the one used, not a later bind of a subtree");
        assertEquals("/", cpu.mountRoot());
        assertEquals("cpu,cpuacct", cpu.dirName());
        assertEquals("/user.slice", h.ownCgroup(cpu));

        Hierarchy cpuset = h.v1("cpuset");
        assertEquals(Set.of("cpuset"), cpuset.controllers(), "clone_children is an option, not a controller");

        Hierarchy systemd = h.hierarchies().get(0);
        assertEquals("name=systemd", systemd.key());
        assertEquals(Set.of(), systemd.controllers(), "release_agent=... and xattr are not controllers");
        assertEquals("/user.slice/user-0.slice/session-1.scope", h.ownCgroup(systemd));

        assertEquals(Set.of("net_cls", "net_prio"), h.v1("net_prio").controllers());
        assertEquals("/", h.ownCgroup(h.v1("net_cls")));
        assertEquals("/user.slice/user-0.slice", h.ownCgroup(h.v1("pids")));
    }

    @Test
    void unknownOwnCgroupIsTheRoot() {
        CgroupHost h = CgroupHost.from(MountInfo.parse(
                "30 22 0:26 / /sys/fs/cgroup rw - cgroup2 cgroup2 rw\n"), "");
        assertEquals(CgroupMode.V2, h.mode());
        assertEquals("/", h.ownCgroup(h.unified()));
    }

    @Test
    void noCgroupsMountedAtAll() {
        CgroupHost h = CgroupHost.from(MountInfo.parse("1 0 0:1 / / rw - ext4 /dev/a rw\n"), "0::/\n");
        assertEquals(List.of(), h.hierarchies());
        assertNull(h.unified());
    }

    @Test
    void probeThisHost() throws IOException {
        CgroupHost h = CgroupHost.probe();
        assertFalse(h.hierarchies().isEmpty(), "this machine has cgroups mounted");
        if (h.mode() != CgroupMode.V1) {
            assertNotNull(h.unified());
        }
    }
}
