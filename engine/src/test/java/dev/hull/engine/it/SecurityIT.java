package dev.hull.engine.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Container Security (capabilities, seccomp, no-new-privileges, read-only rootfs, masked paths)
 * and Docker: Up & Running ("Privileged containers"): what /proc/self/status and the mounts say.
 */
class SecurityIT extends EngineTest {
    static final String DEFAULT_CAPS = "00000000a80425fb";

    static String capEff(List<String> flags) {
        return sh(flags, "grep CapEff /proc/self/status").replace("CapEff:", "").strip();
    }

    @Test
    void defaultCapabilitiesAndAddDrop() {
        assertEquals(DEFAULT_CAPS, capEff(List.of()));
        long dflt = Long.parseLong(DEFAULT_CAPS, 16);
        String s = sh(List.of("--cap-drop", "net_raw", "--cap-add", "sys_admin"),
                "grep -E '^Cap(Eff|Prm|Bnd)' /proc/self/status");
        String expected = String.format("%016x", (dflt & ~(1L << 13)) | (1L << 21));
        assertEquals("CapPrm:\t" + expected + "\nCapEff:\t" + expected + "\nCapBnd:\t" + expected, s);
        assertEquals("0000000000000000", capEff(List.of("--cap-drop", "ALL")));
    }

    @Test
    void unknownCapabilityFails125() {
        Result r = hull("run", "--rm", "--cap-add", "foo", "busybox", "true");
        assertEquals(125, r.code(), r::toString);
        assertEquals(List.of(), containers());
    }

    /** A profile of mine: the default denies, mkdir is allowed, chmod answers EACCES (13). */
    @Test
    void aCustomProfileInDockersFormat() throws Exception {
        java.nio.file.Path p = dir.resolve("profile.json");
        java.nio.file.Files.writeString(p, """
                {"defaultAction": "SCMP_ACT_ALLOW",
                 "archMap": [{"architecture": "SCMP_ARCH_X86_64", "subArchitectures": ["SCMP_ARCH_X86"]},
                             {"architecture": "SCMP_ARCH_AARCH64", "subArchitectures": ["SCMP_ARCH_ARM"]}],
                 "syscalls": [{"names": ["chmod", "fchmodat", "fchmodat2"], "action": "SCMP_ACT_ERRNO", "errnoRet": 13},
                              {"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO", "errnoRet": 1,
                               "excludes": {"caps": ["CAP_CHOWN"]}}]}
                """);
        String s = sh(List.of("--security-opt", "seccomp=" + p),
                "grep ^Seccomp: /proc/self/status; mkdir /tmp/d && echo mkdir-ok; chmod 700 /tmp/d 2>&1 || true");
        List<String> l = s.lines().toList();
        assertEquals("Seccomp:\t2", l.get(0));
        assertEquals("mkdir-ok", l.get(1), "the mkdir rule is left out: the container has CAP_CHOWN");
        assertTrue(l.get(2).contains("Permission denied"), s);
        // and Podman's own profile (containers-common), where it is installed
        java.nio.file.Path podmans = java.nio.file.Path.of("/usr/share/containers/seccomp.json");
        if (java.nio.file.Files.isRegularFile(podmans)) {
            assertEquals("Seccomp:\t2\nok", sh(List.of("--security-opt", "seccomp=" + podmans),
                    "grep ^Seccomp: /proc/self/status; echo ok"));
        }
    }

    @Test
    void privilegedHasTheHostsBoundingSetAndDevices() {
        long hostBnd = Long.parseLong(
                read("/proc/self/status").lines().filter(l -> l.startsWith("CapBnd:")).findFirst().orElseThrow()
                        .substring(7).strip(), 16);
        String s = sh(List.of("--privileged"), "grep CapEff /proc/self/status; ls /dev | wc -l; test -c /dev/kmsg && echo kmsg;"
                + " grep -c Seccomp:.0 /proc/self/status; mount | grep ' /sys ' | grep -c '(rw'");
        List<String> l = s.lines().toList();
        long eff = Long.parseLong(l.get(0).replace("CapEff:", "").strip(), 16);
        assertEquals(hostBnd, eff, () -> "CapEff " + Long.toHexString(eff) + " vs host CapBnd " + Long.toHexString(hostBnd));
        assertTrue(Integer.parseInt(l.get(1).strip()) > 20, "the host's devices in /dev: " + s);
        assertEquals("kmsg", l.get(2), s);
        assertEquals("1", l.get(3), "no seccomp when privileged: " + s);
        assertEquals("1", l.get(4), "/sys is read-write when privileged: " + s);
    }

    @Test
    void seccompModes() {
        assertEquals("Seccomp:\t2", sh(List.of(), "grep ^Seccomp: /proc/self/status"));
        assertEquals("Seccomp:\t0", sh(List.of("--security-opt", "seccomp=unconfined"), "grep ^Seccomp: /proc/self/status"));
        Result r = hull("run", "--rm", "--security-opt", "seccomp=" + dir.resolve("no-such-profile.json"), "busybox", "true");
        assertEquals(125, r.code(), r::toString);
        assertEquals(List.of(), containers());
    }


    @Test
    void noNewPrivileges() {
        assertEquals("NoNewPrivs:\t0", sh(List.of(), "grep ^NoNewPrivs: /proc/self/status"));
        assertEquals("NoNewPrivs:\t1", sh(List.of("--security-opt", "no-new-privileges"), "grep ^NoNewPrivs: /proc/self/status"));
    }

    @Test
    void readOnlyRootWithATmpfs() {
        String s = sh(List.of("--read-only", "--tmpfs", "/tmp"),
                "touch /x 2>&1; echo rc=$?; touch /tmp/y && echo tmp-ok; grep ' /tmp ' /proc/self/mountinfo | grep -c tmpfs");
        assertEquals("touch: /x: Read-only file system\nrc=1\ntmp-ok\n1", s);
    }

    @Test
    void maskedAndReadOnlyProcPaths() {
        // Docker's masked paths that this host's kernel has (kcore and sched_debug depend on its config)
        List<String> masked = Stream.of("/proc/kcore", "/proc/keys", "/proc/timer_list", "/proc/sched_debug")
                .filter(p -> Files.exists(Path.of(p))).toList();
        assertFalse(masked.isEmpty());
        StringBuilder script = new StringBuilder("echo 1 > /proc/sys/kernel/sysrq; echo rc=$?;"
                + " grep ' /proc/sys ' /proc/self/mountinfo | grep -c ' ro,';");
        for (String p : masked) {
            script.append(" echo ").append(p).append(" $(cat ").append(p).append(" 2>&1 | wc -c);");
        }
        List<String> l = sh(List.of(), script.toString()).lines().map(String::strip).toList();
        assertNotEquals("rc=0", l.get(0), "/proc/sys is writable: " + l);
        assertEquals("1", l.get(1), "/proc/sys is not a read-only mount: " + l);
        for (int i = 0; i < masked.size(); i++) {
            assertEquals(masked.get(i) + " 0", l.get(2 + i), "not masked: " + l);
        }
    }

    @Test
    void namespacedSysctl() {
        assertEquals("1", sh(List.of("--sysctl", "net.ipv4.ip_forward=1"), "cat /proc/sys/net/ipv4/ip_forward"));
        assertEquals("0", sh(List.of(), "cat /proc/sys/net/ipv4/ip_forward"));
        assertFalse(read("/proc/sys/net/ipv4/ip_forward").isEmpty());
    }

    /** AppArmor and SELinux options: refused where the host lacks the module, never silently dropped. */
    @Test
    void lsmOptionsOnAHostWithoutThem() {
        org.junit.jupiter.api.Assumptions.assumeFalse(java.nio.file.Files.isDirectory(java.nio.file.Path.of("/sys/kernel/security/apparmor")),
                "this host has AppArmor (tests/lsm-smoke.sh covers it)");
        org.junit.jupiter.api.Assumptions.assumeFalse(java.nio.file.Files.exists(java.nio.file.Path.of("/sys/fs/selinux/enforce")),
                "this host has SELinux");
        Result aa = hull("run", "--rm", "--security-opt", "apparmor=hull-default", "busybox", "true");
        assertEquals(125, aa.code(), aa::toString);
        assertTrue(aa.err().contains("apparmor"), aa::toString);
        Result se = hull("run", "--rm", "--security-opt", "label=type:container_t", "busybox", "true");
        assertEquals(125, se.code(), se::toString);
        assertEquals(List.of(), containers());
        // what turns them off is fine
        assertEquals("ok", sh(List.of("--security-opt", "apparmor=unconfined", "--security-opt", "label=disable"), "echo ok"));
    }
}
