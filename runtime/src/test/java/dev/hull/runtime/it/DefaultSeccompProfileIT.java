package dev.hull.runtime.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.hull.runtime.security.DefaultSeccompProfile;
import dev.hull.spec.SeccompJson;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Hull's default seccomp profile in a real container: Docker's 14 default capabilities, root, the
 * profile resolved by {@link DefaultSeccompProfile} in linux.seccomp. Each test runs under
 * hull-runtime and under runc (the reference: the profile must do there what it does in Hull).
 * The probe is seccheck (src/test/c/seccheck.c, compiled static into the rootfs), which makes raw
 * syscalls and prints "name ok" or "name ERRNO"; busybox applets are run by seccomp-applets.sh.
 * The control test runs the same probe without a profile, so that every refusal asserted here is
 * shown to come from the filter rather than from the capabilities.
 *
 * <p>The network namespace is the host's, as in `docker run --network host`: a new one has its
 * loopback down and no CAP_NET_ADMIN to bring it up, and ping and wget need one.
 */
class DefaultSeccompProfileIT extends ContainerTest {
    static final List<String> DOCKER_CAPS = List.of("CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FSETID",
            "CAP_FOWNER", "CAP_MKNOD", "CAP_NET_RAW", "CAP_SETGID", "CAP_SETUID", "CAP_SETFCAP",
            "CAP_SETPCAP", "CAP_NET_BIND_SERVICE", "CAP_SYS_CHROOT", "CAP_KILL", "CAP_AUDIT_WRITE");

    private final List<String> runcIds = new ArrayList<>();

    /** Compiled once per checkout (target/), again when the source is newer. */
    static Path seccheck() {
        Path src = Host.TOP.resolve("runtime/src/test/c/seccheck.c");
        Path bin = Host.TOP.resolve("runtime/target/it-seccheck");
        try {
            if (!Files.exists(bin) || Files.getLastModifiedTime(bin).compareTo(Files.getLastModifiedTime(src)) < 0) {
                Cmd.Result r = Cmd.run("gcc", "-static", "-O2", "-Wall", "-o", bin.toString(), src.toString());
                assertEquals(0, r.code(), () -> "gcc -static seccheck.c failed (gcc and a static libc are build dependencies):\n" + r);
            }
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        return bin;
    }

    /** A busybox bundle with seccheck and the applet script, Docker's capabilities, a writable root. */
    private TestBundle bundle(List<String> caps, boolean withProfile) throws IOException {
        TestBundle b = bundle();
        Files.copy(seccheck(), b.rootfs.resolve("bin/seccheck"), StandardCopyOption.REPLACE_EXISTING);
        Path script = b.rootfs.resolve("bin/seccomp-applets.sh");
        try (InputStream in = DefaultSeccompProfileIT.class.getResourceAsStream("seccomp-applets.sh")) {
            Files.write(script, in.readAllBytes());
        }
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("bounding", caps);
        c.put("effective", caps);
        c.put("permitted", caps);
        b.process().put("capabilities", c);
        b.set("root.readonly", false);
        b.withoutNamespace("network");
        if (withProfile) {
            b.linux().put("seccomp", SeccompJson.toJson(DefaultSeccompProfile.get().forContainer(caps)));
        }
        return b.write();
    }

    /** Runs the bundle in the foreground with hull-runtime or runc; returns stdout as "name" -> "result". */
    private Map<String, String> run(String runtime, TestBundle b, String... args) {
        b.args(args);
        String id = newId();
        Cmd.Result r;
        if (runtime.equals("runc")) {
            assumeTrue(Host.hasRunc(), "runc is not installed: nothing to compare with");
            runcIds.add(id);
            r = Cmd.run(List.of(Host.runc(), "--root", dir.resolve("runc-state").toString(), "run", "--bundle",
                    b.dir.toString(), id), Duration.ofSeconds(60), Map.of(), dir);
        } else {
            r = hull("run", "--bundle", b.dir.toString(), id);
        }
        assertEquals(0, r.code(), () -> runtime + " run failed:\n" + r);
        Map<String, String> out = new LinkedHashMap<>();
        for (String line : r.out().split("\n")) {
            int sp = line.indexOf(' ');
            if (sp > 0) {
                out.put(line.substring(0, sp), line.substring(sp + 1));
            }
        }
        return out;
    }

    @AfterEach
    void deleteRuncContainers() {
        for (String id : runcIds) {
            Cmd.run(List.of(Host.runc(), "--root", dir.resolve("runc-state").toString(), "delete", "--force", id),
                    Duration.ofSeconds(30), Map.of(), dir);
        }
    }

    private static void expect(Map<String, String> seen, Map<String, String> expected, String what) {
        List<String> wrong = new ArrayList<>();
        for (Map.Entry<String, String> e : expected.entrySet()) {
            if (!e.getValue().equals(seen.get(e.getKey()))) {
                wrong.add(e.getKey() + ": expected " + e.getValue() + ", saw " + seen.get(e.getKey()));
            }
        }
        if (!wrong.isEmpty()) {
            fail(what + ":\n  " + String.join("\n  ", wrong) + "\nall: " + seen);
        }
    }

    /**
     * Refused by the filter alone: without it the same calls work (or fail otherwise) on any
     * host, whatever its sysctls (withoutTheProfileTheSameCallsWork shows it).
     */
    static final Map<String, String> REFUSED_BY_THE_FILTER = Map.of(
            "clone3", "ENOSYS",
            "keyctl", "EPERM",
            "add_key", "EPERM",
            "request_key", "EPERM",
            "socket-vsock", "EPERM",
            "personality-addr-no-randomize", "EPERM");

    /**
     * Refused by the filter too; without it, whether they work depends on the host (user
     * namespaces and io_uring may be disabled by sysctl, kexec compiled out, the order of the
     * kernel's checks differs between versions), so the control test leaves them out.
     */
    static final Map<String, String> REFUSED_ALSO_BY_THE_FILTER = Map.of(
            "clone-newuser", "EPERM",
            "unshare-user", "EPERM",
            "io_uring_setup", "EPERM",
            "bpf", "EPERM",
            "perf_event_open", "EPERM",
            "kexec_load", "EPERM",
            "open_by_handle_at", "EPERM");

    @ParameterizedTest
    @ValueSource(strings = {"hull", "runc"})
    void refusesWhatDockerRefuses(String runtime) throws IOException {
        Map<String, String> seen = run(runtime, bundle(DOCKER_CAPS, true), "/bin/seccheck");
        expect(seen, REFUSED_BY_THE_FILTER, "refused by the filter");
        expect(seen, REFUSED_ALSO_BY_THE_FILTER, "refused by the filter");
        // refused by the capabilities as well
        expect(seen, Map.of("mount-tmpfs", "EPERM", "umount2", "EPERM", "sethostname", "EPERM", "setns", "EPERM",
                "unshare-ns", "EPERM", "clock_settime", "EPERM", "settimeofday", "EPERM", "reboot", "EPERM",
                "clone-newns", "EPERM"), "refused");
        expect(seen, Map.of("getpid", "ok", "fork", "ok", "socket-inet", "ok", "personality-query", "ok",
                "personality-linux", "ok", "chroot", "ok"), "allowed");
    }

    /** The same probe without a profile: these refusals are the filter's, not the capabilities'. */
    @ParameterizedTest
    @ValueSource(strings = {"hull", "runc"})
    void withoutTheProfileTheSameCallsWork(String runtime) throws IOException {
        Map<String, String> seen = run(runtime, bundle(DOCKER_CAPS, false), "/bin/seccheck");
        for (Map.Entry<String, String> e : REFUSED_BY_THE_FILTER.entrySet()) {
            assertTrue(seen.containsKey(e.getKey()) && !e.getValue().equals(seen.get(e.getKey())),
                    () -> e.getKey() + " gives " + seen.get(e.getKey()) + " without the filter: the check proves nothing\nall: " + seen);
        }
    }

    /** Hull applies the profile as runc does: the same probe gives the same answers, call by call. */
    @Test
    void sameAnswersAsRunc() throws IOException {
        Map<String, String> runc = run("runc", bundle(DOCKER_CAPS, true), "/bin/seccheck");
        Map<String, String> hull = run("hull", bundle(DOCKER_CAPS, true), "/bin/seccheck");
        assertEquals(runc, hull);
    }

    @ParameterizedTest
    @ValueSource(strings = {"hull", "runc"})
    void theKernelShowsTheFilter(String runtime) throws IOException {
        Map<String, String> seen = run(runtime, bundle(DOCKER_CAPS, true), "sh", "-c",
                "grep -E '^(Seccomp|NoNewPrivs):' /proc/self/status | tr -d ':\t' | sed 's/\\([a-zA-Z]*\\)/\\1 /'");
        assertEquals("2", seen.get("Seccomp").trim(), () -> "filter mode in /proc/self/status: " + seen);
    }

    @ParameterizedTest
    @ValueSource(strings = {"hull", "runc"})
    void busyboxAppletsStillWork(String runtime) throws IOException {
        Map<String, String> seen = run(runtime, bundle(DOCKER_CAPS, true), "/bin/seccomp-applets.sh");
        assertTrue(seen.size() >= 30, () -> "the applet script stopped early: " + seen);
        List<String> failed = new ArrayList<>();
        for (Map.Entry<String, String> e : seen.entrySet()) {
            if (!e.getValue().equals("ok")) {
                failed.add(e.getKey());
            }
        }
        assertEquals(List.of(), failed, () -> "applets that failed under the default profile: " + seen);
    }

    @ParameterizedTest
    @ValueSource(strings = {"hull", "runc"})
    void capSysAdminAllowsUnshareAndMount(String runtime) throws IOException {
        List<String> caps = new ArrayList<>(DOCKER_CAPS);
        caps.add("CAP_SYS_ADMIN");
        Map<String, String> seen = run(runtime, bundle(caps, true), "/bin/seccheck");
        expect(seen, Map.of("mount-tmpfs", "ok", "umount2", "ok", "sethostname", "ok", "clone-newuser", "ok",
                "clone-newns", "ok", "clone3", "ok", "unshare-user", "ok", "unshare-ns", "ok"),
                "allowed with CAP_SYS_ADMIN");
        expect(seen, Map.of("keyctl", "EPERM", "add_key", "EPERM", "request_key", "EPERM", "socket-vsock", "EPERM",
                "personality-addr-no-randomize", "EPERM", "clock_settime", "EPERM", "kexec_load", "EPERM"),
                "still refused with CAP_SYS_ADMIN");
        Map<String, String> applets = run(runtime, bundle(caps, true), "sh", "-c",
                "unshare -U true && echo unshare-U ok; mkdir -p /tmp/mnt && mount -t tmpfs tmpfs /tmp/mnt && echo mount ok");
        expect(applets, Map.of("unshare-U", "ok", "mount", "ok"), "busybox unshare -U and mount with CAP_SYS_ADMIN");
    }
}
