package dev.hull.runtime.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.hull.runtime.program.HostFacts;
import dev.hull.runtime.security.Privileged;
import dev.hull.spec.Linux;
import java.io.FileInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A container made privileged by {@link Privileged}, as the kernel then shows it. */
class PrivilegedIT extends ContainerTest {

    private static String capBnd() {
        for (String line : Host.read("/proc/self/status").split("\n")) {
            if (line.startsWith("CapBnd:")) {
                return line.substring(7).trim();
            }
        }
        throw new AssertionError("no CapBnd");
    }

    /** A host block device this process can open (the root disk may refuse even root). */
    private static Linux.Device openableBlockDevice() throws IOException {
        for (Linux.Device d : Privileged.hostDevices(Path.of("/dev"))) {
            if (d.type().equals("b")) {
                try (FileInputStream in = new FileInputStream(d.path())) {
                    return d;
                } catch (IOException e) {
                    // EPERM on the mounted root disk here: try the next
                }
            }
        }
        return null;
    }

    @Test
    void aPrivilegedContainerHasWhatTheHostHas() throws IOException {
        Linux.Device block = openableBlockDevice();
        assumeTrue(block != null, "no host block device to open");
        // the default config masks these; on this host /proc/kcore may not exist
        String masked = Files.exists(Path.of("/proc/kcore")) ? "/proc/kcore" : "/proc/timer_list";
        TestBundle b = bundle();
        Map<String, Object> priv = Privileged.apply(b.config, HostFacts.probe());
        b.config.clear();
        b.config.putAll(priv);
        b.sh("grep -E '^(CapEff|CapBnd|Seccomp):' /proc/self/status\n"
                + "echo pid $$\n"
                + "dd if=" + block.path() + " of=/dev/null bs=512 count=1 2>/dev/null && echo opened " + block.path() + "\n"
                + "stat -c %F " + masked + "\n"
                + "echo privileged > /proc/sys/kernel/hostname && hostname\n"
                + "grep ' /sys ' /proc/self/mountinfo | cut -d' ' -f6 | cut -d, -f1\n"
                + "grep ' /sys/fs/cgroup ' /proc/self/mountinfo | cut -d' ' -f6 | cut -d, -f1\n").write();
        Cmd.Result r = hull("run", "--bundle", b.dir.toString(), newId());
        assertEquals(0, r.code(), r.toString());
        String caps = capBnd();
        // all the runtime's bounding set, which lacks CAP_SYS_RESOURCE here (Docker 20.10 fails on that)
        assertEquals("CapEff:\t" + caps + "\nCapBnd:\t" + caps + "\nSeccomp:\t0\npid 1\n"
                + "opened " + block.path() + "\nregular empty file\nprivileged\nrw\nrw\n", r.out());
    }
}
