package dev.hull.runtime.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hull.runtime.lifecycle.SpecTemplate;
import dev.hull.runtime.program.HostFacts;
import dev.hull.spec.Capabilities;
import dev.hull.spec.Linux;
import dev.hull.spec.Mount;
import dev.hull.spec.Resources;
import dev.hull.spec.Spec;
import dev.hull.spec.SpecParser;
import dev.hull.spec.SpecValidator;
import dev.hull.spec.json.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PrivilegedTest {
    static final int CAP_SYS_RESOURCE = 24;
    /** This machine's case: every capability up to 40 but CAP_SYS_RESOURCE. */
    static final HostFacts HOST = new HostFacts(40, ((1L << 41) - 1) & ~(1L << CAP_SYS_RESOURCE), true);

    static Spec parse(Map<String, Object> config) throws Exception {
        Spec s = SpecParser.parse(Json.write(config).getBytes(StandardCharsets.UTF_8));
        SpecValidator.validate(s);
        return s;
    }

    @Test
    void privilegedAsDockerMakesIt() throws Exception {
        Map<String, Object> config = SpecTemplate.config(false);
        String before = Json.write(config);
        List<Linux.Device> devs = List.of(new Linux.Device("b", "/dev/vda", 254L, 0L, 0660, 0L, 6L),
                new Linux.Device("c", "/dev/kvm", 10L, 232L, 0660, 0L, 104L));
        Spec s = parse(Privileged.apply(config, HOST, devs));
        assertEquals(before, Json.write(config), "the given tree is not changed");

        List<String> caps = s.process().capabilities().bounding();
        assertEquals(40, caps.size());
        assertFalse(caps.contains("CAP_SYS_RESOURCE"));
        assertTrue(caps.contains("CAP_SYS_ADMIN") && caps.contains("CAP_CHECKPOINT_RESTORE"), caps.toString());
        assertEquals(caps, s.process().capabilities().effective());
        assertEquals(caps, s.process().capabilities().permitted());
        assertNull(s.process().capabilities().inheritable());
        assertNull(s.process().capabilities().ambient());

        assertEquals(List.of(new Resources.DeviceRule(true, null, null, null, "rwm")),
                s.linux().resources().devices());
        assertEquals(devs, s.linux().devices());
        assertEquals(List.of(), s.linux().maskedPaths());
        assertEquals(List.of(), s.linux().readonlyPaths());
        assertNull(s.linux().seccomp());
        assertNull(s.linux().mountLabel());
        assertEquals("unconfined", s.process().apparmorProfile());
        assertNull(s.process().selinuxLabel());
        for (Mount m : s.mounts()) {
            if (m.destination().startsWith("/sys")) {
                assertTrue(m.options().contains("rw") && !m.options().contains("ro"), m.toString());
            }
        }
        assertEquals(List.of("nosuid", "noexec", "nodev", "rw"), mountAt(s, "/sys").options());
        assertEquals(List.of("nosuid", "noexec", "nodev", "relatime", "rw"), mountAt(s, "/sys/fs/cgroup").options());
        // what is not about privilege stays: namespaces, other mounts, the rest of the process
        assertEquals(parse(config).linux().namespaces(), s.linux().namespaces());
        assertEquals(parse(config).mounts().get(1), mountAt(s, "/dev"));
        assertTrue(s.process().noNewPrivileges());
        assertTrue(s.root().readonly());
    }

    private static Mount mountAt(Spec s, String dest) {
        for (Mount m : s.mounts()) {
            if (m.destination().equals(dest)) {
                return m;
            }
        }
        throw new AssertionError("no mount on " + dest);
    }

    @Test
    void theConfigsOwnDevicesWinOverTheHosts() throws Exception {
        Map<String, Object> config = SpecTemplate.config(false);
        @SuppressWarnings("unchecked")
        Map<String, Object> linux = (Map<String, Object>) config.get("linux");
        linux.put("devices", List.of(Map.of("path", "/dev/kvm", "type", "c", "major", 10, "minor", 232,
                "fileMode", 0600)));
        Spec s = parse(Privileged.apply(config, HOST, List.of(
                new Linux.Device("c", "/dev/kvm", 10L, 232L, 0660, 0L, 104L),
                new Linux.Device("p", "/dev/initctl", 0L, 0L, 0600, 0L, 0L))));
        assertEquals(List.of(new Linux.Device("c", "/dev/kvm", 10L, 232L, 0600, null, null),
                new Linux.Device("p", "/dev/initctl", null, null, 0600, 0L, 0L)), s.linux().devices());
    }

    @Test
    void capabilitiesAreTheBoundingSetsTheKernelKnows() {
        assertEquals(List.of("CAP_CHOWN", "CAP_KILL"),
                Privileged.capabilities(new HostFacts(40, 1L | 1L << 5, true)));
        // a bounding set wider than the kernel (cap_last_cap 38) or than the table
        List<String> all = Privileged.capabilities(new HostFacts(38, -1L, true));
        assertEquals(39, all.size());
        assertEquals(Capabilities.name(38), all.get(38));
    }

    @Test
    void hostDevicesAreWalkedAsRuncDoes(@TempDir Path dev) throws Exception {
        Files.createDirectories(dev.resolve("pts"));
        Files.createDirectories(dev.resolve("mqueue"));
        Files.createDirectories(dev.resolve("net"));
        mkfifo(dev.resolve("initctl"));
        mkfifo(dev.resolve("net/fifo"));
        mkfifo(dev.resolve("pts/fifo"));   // pts, shm, mqueue...: skipped
        mkfifo(dev.resolve("console"));    // the container gets its own console
        Files.writeString(dev.resolve("regular"), "not a device");
        Files.createSymbolicLink(dev.resolve("link"), Path.of("initctl"));
        List<String> got = new ArrayList<>();
        for (Linux.Device d : Privileged.hostDevices(dev)) {
            got.add(d.type() + " " + d.path() + " " + d.major() + ":" + d.minor() + " " + Integer.toOctalString(d.fileMode()));
        }
        assertEquals(List.of("p /dev/initctl 0:0 600", "p /dev/net/fifo 0:0 600"), got);
    }

    @Test
    void theRealDevHasTheNullDeviceAndNoPtys() throws IOException {
        List<Linux.Device> devs = Privileged.hostDevices(Path.of("/dev"));
        assertTrue(devs.contains(new Linux.Device("c", "/dev/null", 1L, 3L, 0666, 0L, 0L)), devs.toString());
        for (Linux.Device d : devs) {
            assertFalse(d.path().startsWith("/dev/pts/") || d.path().equals("/dev/console")
                    || d.path().equals("/dev/stdin"), d.toString());
        }
    }

    @Test
    void deviceNumbersAreDecodedAsGlibcDoes() {
        long maj = 0x12345, min = 0x6789a;
        long dev = ((maj & 0xfff) << 8) | ((maj & ~0xfffL) << 32) | (min & 0xff) | ((min & ~0xffL) << 12);
        assertEquals(maj, Privileged.major(dev));
        assertEquals(min, Privileged.minor(dev));
        assertEquals(8, Privileged.major(0x801));
        assertEquals(1, Privileged.minor(0x801));
    }

    private static void mkfifo(Path p) throws Exception {
        Process pr = new ProcessBuilder("mkfifo", "-m", "600", p.toString()).inheritIO().start();
        assertEquals(0, pr.waitFor());
    }
}
