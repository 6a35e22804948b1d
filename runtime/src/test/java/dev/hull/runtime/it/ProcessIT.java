package dev.hull.runtime.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The process member of config.json, checked against what the kernel shows: /proc/PID/status,
 * environ, cmdline, limits and oom_score_adj of the running container's first process, or what a
 * probe run inside the container prints.
 */
class ProcessIT extends ContainerTest {

    private static final String DEFAULT_CAPS = "0000000020000420"; // AUDIT_WRITE, KILL, NET_BIND_SERVICE
    private static final String NET_BIND_SERVICE = "0000000000000400";
    private static final int CAP_SYS_RESOURCE = 24;

    // ---- args, env, cwd, HOME ----

    @Test
    void socketActivationPassesSystemdsFdsFirstAsRunc() throws Exception {
        Path listened = dir.resolve("listen-fd"), preserved = dir.resolve("preserved-fd");
        Files.writeString(listened, "from-systemd\n");
        Files.writeString(preserved, "preserved\n");
        TestBundle b = bundle();
        b.sh("echo \"[$LISTEN_FDS] [$LISTEN_PID]\"; cat <&3 && cat <&4");
        // LISTEN_PID names the process systemd started: the shell, which execs hull-runtime
        String activated = "exec 3<" + listened + " 4<" + preserved + "; LISTEN_FDS=1 LISTEN_PID=$$ exec \"$@\"";
        Cmd.Result r = Cmd.run(List.of("sh", "-c", activated, "sh", Host.HULL.toString(), "--root", state.toString(),
                "run", "--preserve-fds", "1", "--bundle", b.dir.toString(), newId()), Duration.ofSeconds(60), Map.of(), dir);
        assertEquals(0, r.code(), r.toString());
        assertEquals("[1] [1]\nfrom-systemd\npreserved\n", r.out());
        // fds meant for another process (LISTEN_PID not ours) are neither passed nor announced
        String other = "exec 3<" + listened + "; LISTEN_FDS=1 LISTEN_PID=1 exec \"$@\"";
        Cmd.Result not = Cmd.run(List.of("sh", "-c", other, "sh", Host.HULL.toString(), "--root", state.toString(),
                "run", "--bundle", b.dir.toString(), newId()), Duration.ofSeconds(60), Map.of(), dir);
        assertNotEquals(0, not.code(), not.toString());
        assertEquals("[] []\n", not.out());
    }

    @Test
    void argsReachTheProgramExactly() {
        TestBundle b = bundle();
        b.args("sh", "-c", "printf '[%s]' \"$0\" \"$@\"", "zero", "a b", "", "c\"d", "$HOME");
        assertEquals("[zero][a b][][c\"d][$HOME]", run(b));
    }

    @Test
    void envIsExactlyTheConfiguredEnvPlusHome() {
        TestBundle b = bundle();
        List<String> env = List.of("PATH=/bin", "A=1", "B=x y", "EMPTY=", "C=a=b");
        b.process().put("env", env);
        long pid = sleeper(b);
        List<String> expected = new ArrayList<>(env);
        expected.add("HOME=/root");
        assertEquals(expected, nulSeparated(Host.read("/proc/" + pid + "/environ")));
        assertEquals(List.of("sleep", "1000"), nulSeparated(Host.read("/proc/" + pid + "/cmdline")));
    }

    @Test
    void aConfiguredHomeIsKept() {
        TestBundle b = bundle();
        b.process().put("env", List.of("PATH=/bin", "HOME=/custom"));
        b.args("cat", "/proc/self/environ");
        assertEquals(List.of("PATH=/bin", "HOME=/custom"), nulSeparated(run(b)));
    }

    @Test
    void homeComesFromTheRootfsPasswdOrIsSlash() {
        TestBundle b = bundle();
        b.process().put("env", List.of("PATH=/bin"));
        b.args("cat", "/proc/self/environ");
        b.set("process.user", TestBundle.obj("uid", 1000, "gid", 1000));
        assertEquals(List.of("PATH=/bin", "HOME=/home/user"), nulSeparated(run(b)));
        // no passwd entry for the uid: runc's fallback "/"
        b.set("process.user", TestBundle.obj("uid", 1234, "gid", 1234));
        assertEquals(List.of("PATH=/bin", "HOME=/"), nulSeparated(run(b)));
    }

    @Test
    void cwdIsUsedAndCreatedWhenMissing() {
        TestBundle b = bundle();
        assertFalse(Files.exists(b.rootfs.resolve("work")));
        b.set("process.cwd", "/work/a/b");
        b.sh("pwd; ls -ld . | cut -c1-10");
        assertEquals("/work/a/b\ndrwxr-xr-x\n", run(b));
        assertTrue(Files.isDirectory(b.rootfs.resolve("work/a/b")), "created in the rootfs");
        b.set("process.cwd", "/tmp");
        b.args("pwd");
        assertEquals("/tmp\n", run(b));
    }

    // ---- user ----

    @Test
    void userUidGidAndAdditionalGids() {
        TestBundle b = bundle();
        b.set("process.user", TestBundle.obj("uid", 1000, "gid", 1000, "additionalGids", List.of(10, 20)));
        long pid = sleeper(b);
        Map<String, String> st = Host.status(pid);
        assertEquals("1000\t1000\t1000\t1000", st.get("Uid"));
        assertEquals("1000\t1000\t1000\t1000", st.get("Gid"));
        assertEquals("10 20", st.get("Groups"));
        b.sh("id; id -u; id -g; id -G");
        assertEquals("uid=1000(user) gid=1000(user) groups=10,20\n1000\n1000\n1000 10 20\n", run(b));
    }

    /** The runtime runs with supplementary groups 4 and 24: none of them reach the container. */
    @Test
    void supplementaryGroupsOfTheRuntimeAreNotInherited() {
        List<String> withGroups = List.of("setpriv", "--groups", "4,24", "--");
        Cmd.Result own = Cmd.run(concat(withGroups, List.of("grep", "^Groups:", "/proc/self/status")));
        assumeTrue(own.code() == 0 && own.out().trim().equals("Groups:\t4 24"), "setpriv --groups: " + own);

        TestBundle b = bundle();
        b.args("sleep", "1000");
        String id = newId();
        sleepers.add(id);
        Cmd.Result r = Cmd.run(concat(withGroups, List.of(Host.HULL.toString(), "--root", state.toString(),
                "create", "--bundle", b.dir.toString(), id)), Duration.ofSeconds(60), Map.of(), dir);
        assertEquals(0, r.code(), r.toString());
        ok("start", id);
        long pid = pid(id);
        assertEquals("", Host.status(pid).get("Groups"));
        assertEquals("0\t0\t0\t0", Host.status(pid).get("Gid"));
        // nor to a non-root user without additionalGids
        b.set("process.user", TestBundle.obj("uid", 1000, "gid", 1000));
        b.args("grep", "^Groups:", "/proc/self/status");
        r = Cmd.run(concat(withGroups, List.of(Host.HULL.toString(), "--root", state.toString(),
                "run", "--bundle", b.dir.toString(), newId())), Duration.ofSeconds(60), Map.of(), dir);
        assertEquals(0, r.code(), r.toString());
        assertEquals("Groups:", r.out().strip());
    }

    @Test
    void umaskDefaultsTo0022AndFollowsProcessUserUmask() {
        TestBundle b = bundle();
        b.sh("umask; grep Umask /proc/self/status; rm -f /tmp/f; touch /tmp/f && stat -c %a /tmp/f");
        b.set("root.readonly", false);
        assertEquals("0022\nUmask:\t0022\n644\n", run(b));
        b.set("process.user.umask", 077);
        assertEquals("0077\nUmask:\t0077\n600\n", run(b));
    }

    // ---- rlimits ----

    @Test
    void rlimitsAreSetSoftAndHard() {
        TestBundle b = bundle();
        b.process().put("rlimits", List.of(
                TestBundle.obj("type", "RLIMIT_NOFILE", "soft", 1000, "hard", 2000),
                TestBundle.obj("type", "RLIMIT_NPROC", "soft", 500, "hard", 600),
                TestBundle.obj("type", "RLIMIT_CORE", "soft", 4096,
                        "hard", new BigInteger("18446744073709551615")))); // RLIM_INFINITY
        long pid = sleeper(b);
        Map<String, String[]> limits = limits(pid);
        assertEquals("1000 2000", String.join(" ", limits.get("Max open files")));
        assertEquals("500 600", String.join(" ", limits.get("Max processes")));
        assertEquals("4096 unlimited", String.join(" ", limits.get("Max core file size")));
    }

    @Test
    void rlimitWithSoftAboveHardIsRejected() {
        TestBundle b = bundle();
        b.process().put("rlimits", List.of(
                TestBundle.obj("type", "RLIMIT_NPROC", "soft", 100, "hard", 100),
                TestBundle.obj("type", "RLIMIT_NOFILE", "soft", 2000, "hard", 1000)));
        b.write();
        createFails(b, "process.rlimits[1]: soft limit 2000 is above hard limit 1000");
    }

    /** Raising a hard limit needs CAP_SYS_RESOURCE, which this host's bounding set lacks. */
    @Test
    void rlimitAboveTheRuntimesHardLimitNeedsCapSysResource() {
        assumeLacksCapSysResource();
        String own = limits("self").get("Max open files")[1];
        assumeTrue(!own.equals("unlimited"), "the runtime's hard RLIMIT_NOFILE is unlimited");
        long above = Long.parseLong(own) + 1000;
        TestBundle b = bundle();
        b.process().put("rlimits", List.of(TestBundle.obj("type", "RLIMIT_NOFILE", "soft", 1024, "hard", above)));
        b.write();
        createFails(b, "set RLIMIT_NOFILE (process.rlimits[0])", "EPERM");
    }

    // ---- capabilities ----

    @Test
    void rootGetsExactlyTheConfiguredCapabilities() {
        TestBundle b = bundle(); // the default spec: AUDIT_WRITE, KILL, NET_BIND_SERVICE
        long pid = sleeper(b);
        assertCaps(pid, "0000000000000000", DEFAULT_CAPS, DEFAULT_CAPS, DEFAULT_CAPS, "0000000000000000");
    }

    @Test
    void nonRootKeepsAmbientCapabilitiesAcrossExec() {
        TestBundle b = bundle();
        b.set("process.user", TestBundle.obj("uid", 1000, "gid", 1000));
        List<String> nbs = List.of("CAP_NET_BIND_SERVICE");
        b.set("process.capabilities", TestBundle.obj("bounding", nbs, "effective", nbs, "permitted", nbs,
                "inheritable", nbs, "ambient", nbs));
        long pid = sleeper(b);
        assertEquals("1000\t1000\t1000\t1000", Host.status(pid).get("Uid"));
        assertCaps(pid, NET_BIND_SERVICE, NET_BIND_SERVICE, NET_BIND_SERVICE, NET_BIND_SERVICE, NET_BIND_SERVICE);
    }

    @Test
    void anAmbientCapabilityMissingFromInheritableIsLeftOut() {
        TestBundle b = bundle();
        b.set("process.user", TestBundle.obj("uid", 1000, "gid", 1000));
        List<String> two = List.of("CAP_NET_BIND_SERVICE", "CAP_KILL");
        b.set("process.capabilities", TestBundle.obj("bounding", two, "effective", two, "permitted", two,
                "inheritable", List.of("CAP_NET_BIND_SERVICE"), "ambient", two));
        long pid = sleeper(b);
        // KILL is not ambient, so a non-root exec drops it from permitted and effective too
        assertCaps(pid, NET_BIND_SERVICE, NET_BIND_SERVICE, NET_BIND_SERVICE, "0000000000000420", NET_BIND_SERVICE);
    }

    @Test
    void nonRootWithoutAmbientCapabilitiesHasNoneAfterExec() {
        TestBundle b = bundle();
        b.set("process.user", TestBundle.obj("uid", 1000, "gid", 1000));
        b.set("process.capabilities.ambient", null);
        long pid = sleeper(b);
        assertCaps(pid, "0000000000000000", "0000000000000000", "0000000000000000", DEFAULT_CAPS,
                "0000000000000000");
    }

    /** config.md: a capability that cannot be granted MUST be logged as a warning, SHOULD NOT fail. */
    @Test
    void capabilityOutsideTheRuntimesBoundingSetIsLeftOutWithAWarning() {
        assumeLacksCapSysResource();
        TestBundle b = bundle();
        List<String> caps = List.of("CAP_KILL", "CAP_SYS_RESOURCE");
        b.set("process.capabilities", TestBundle.obj("bounding", caps, "effective", caps, "permitted", caps));
        b.args("sleep", "1000");
        String id = newId();
        sleepers.add(id);
        Cmd.Result r = ok("create", "--bundle", b.dir.toString(), id);
        for (String set : List.of("bounding", "effective", "permitted")) {
            assertTrue(r.err().contains("warning: process.capabilities." + set + "[1]: CAP_SYS_RESOURCE is not in this"
                    + " runtime's bounding set"), r.err());
        }
        ok("start", id);
        String kill = "0000000000000020";
        assertCaps(pid(id), "0000000000000000", kill, kill, kill, "0000000000000000");
    }

    @Test
    void capabilityOutsideTheRuntimesBoundingSetOnlyWarnsInBounding() {
        assumeLacksCapSysResource();
        TestBundle b = bundle();
        b.set("process.capabilities.bounding", List.of("CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE",
                "CAP_SYS_RESOURCE"));
        b.args("sleep", "1000");
        String id = newId();
        sleepers.add(id);
        Cmd.Result r = ok("create", "--bundle", b.dir.toString(), id);
        assertTrue(r.err().contains("warning: process.capabilities.bounding[3]: CAP_SYS_RESOURCE is not in this"
                + " runtime's bounding set"), r.err());
        ok("start", id);
        assertCaps(pid(id), "0000000000000000", DEFAULT_CAPS, DEFAULT_CAPS, DEFAULT_CAPS, "0000000000000000");
    }

    // ---- noNewPrivileges, oomScoreAdj ----

    @Test
    void noNewPrivileges() {
        TestBundle b = bundle();
        b.args("grep", "^NoNewPrivs:", "/proc/self/status");
        b.set("process.noNewPrivileges", true);
        assertEquals("NoNewPrivs:\t1\n", run(b));
        b.set("process.noNewPrivileges", false);
        assertEquals("NoNewPrivs:\t0\n", run(b));
        b.set("process.noNewPrivileges", null);
        assertEquals("NoNewPrivs:\t0\n", run(b));
    }

    @Test
    void oomScoreAdjIsRaised() {
        TestBundle b = bundle();
        b.set("process.oomScoreAdj", 500);
        long pid = sleeper(b);
        assertEquals("500", Host.read("/proc/" + pid + "/oom_score_adj").trim());
        assertNotEquals("500", Host.read("/proc/self/oom_score_adj").trim());
    }

    /** Below the runtime's own value takes CAP_SYS_RESOURCE, which this host does not give. */
    @Test
    void oomScoreAdjBelowTheRuntimesFailsWithoutCapSysResource() {
        assumeLacksCapSysResource();
        int own = Integer.parseInt(Host.read("/proc/self/oom_score_adj").trim());
        assumeTrue(own > -1000, "the runtime's oom_score_adj is already -1000");
        TestBundle b = bundle();
        b.set("process.oomScoreAdj", Math.max(-1000, own - 500));
        createFails(b, "process.oomScoreAdj: write /proc/", "/oom_score_adj: Permission denied");
    }

    // ---- hostname, domainname, sysctl, personality ----

    @Test
    void hostnameAndDomainname() {
        String hostName = Host.read("/proc/sys/kernel/hostname");
        String hostDomain = Host.read("/proc/sys/kernel/domainname");
        TestBundle b = bundle();
        b.set("hostname", "probe-host");
        b.set("domainname", "probe.example");
        b.sh("uname -n; hostname; cat /proc/sys/kernel/domainname");
        assertEquals("probe-host\nprobe-host\nprobe.example\n", run(b));
        assertEquals(hostName, Host.read("/proc/sys/kernel/hostname"));
        assertEquals(hostDomain, Host.read("/proc/sys/kernel/domainname"));
    }

    @Test
    void namespacedSysctlsAreSetInsideOnly() {
        String hostForward = Host.read("/proc/sys/net/ipv4/ip_forward").trim();
        String hostShmmax = Host.read("/proc/sys/kernel/shmmax").trim();
        String forward = hostForward.equals("1") ? "0" : "1";
        TestBundle b = bundle();
        b.set("linux.sysctl", TestBundle.obj("net.ipv4.ip_forward", forward, "kernel.shmmax", "123456789"));
        b.sh("cat /proc/sys/net/ipv4/ip_forward /proc/sys/kernel/shmmax");
        assertEquals(forward + "\n123456789\n", run(b));
        assertEquals(hostForward, Host.read("/proc/sys/net/ipv4/ip_forward").trim());
        assertEquals(hostShmmax, Host.read("/proc/sys/kernel/shmmax").trim());
    }

    @Test
    void nonNamespacedSysctlIsRejected() {
        TestBundle b = bundle();
        b.set("linux.sysctl", TestBundle.obj("vm.swappiness", "10"));
        createFails(b, "linux.sysctl: \"vm.swappiness\" is not namespaced: it would change the host");
        // an IPC sysctl without a new IPC namespace
        b.set("linux.sysctl", TestBundle.obj("kernel.shmmax", "123456789"));
        b.withoutNamespace("ipc");
        createFails(b, "linux.sysctl: \"kernel.shmmax\" needs a new IPC namespace");
    }

    /**
     * A network namespace joined by path can be the host's: a net.* sysctl must then be refused
     * (runc does). The value is the host's own, so nothing changes even if it were written.
     */
    @Test
    void netSysctlInTheHostsNetworkNamespaceIsRejected() {
        String hostForward = Host.read("/proc/sys/net/ipv4/ip_forward").trim();
        TestBundle b = bundle();
        b.namespace("network", "/proc/" + ProcessHandle.current().pid() + "/ns/net");
        b.set("linux.sysctl", TestBundle.obj("net.ipv4.ip_forward", hostForward));
        createFails(b, "linux.sysctl: \"net.ipv4.ip_forward\" is not allowed in the host's network namespace");
    }

    @Test
    void personalityLinux32() {
        assumeTrue(System.getProperty("os.arch").equals("amd64"), "an x86_64 host");
        TestBundle b = bundle();
        b.args("uname", "-m");
        assertEquals("x86_64\n", run(b));
        b.set("linux.personality", TestBundle.obj("domain", "LINUX32"));
        assertEquals("i686\n", run(b));
    }

    // ---- finding the program ----

    @Test
    void programIsFoundThroughProcessEnvPath() throws IOException {
        TestBundle b = bundle();
        Path tools = Files.createDirectories(b.rootfs.resolve("opt/tools"));
        Path tool = tools.resolve("probe-tool");
        Files.writeString(tool, "#!/bin/sh\necho \"tool $1 $PATH\"\n");
        Files.setPosixFilePermissions(tool, PosixFilePermissions.fromString("rwxr-xr-x"));
        b.process().put("env", List.of("PATH=/nowhere:/opt/tools:/bin"));
        b.args("probe-tool", "x");
        assertEquals("tool x /nowhere:/opt/tools:/bin\n", run(b));
    }

    @Test
    void programByAbsolutePathNeedsNoPath() {
        TestBundle b = bundle();
        b.process().put("env", List.of("PATH=/nowhere"));
        b.args("/bin/echo", "abs");
        assertEquals("abs\n", run(b));
    }

    @Test
    void missingProgramFailsCreate() {
        TestBundle b = bundle();
        b.args("nope");
        createFails(b, "exec: \"nope\": executable file not found in $PATH");
        // a program that exists only on the host's PATH is not found either
        b.process().put("env", List.of("PATH=/nowhere"));
        b.args("sleep", "1");
        createFails(b, "exec: \"sleep\": executable file not found in $PATH");
    }

    @Test
    void nonExecutableProgramIsPermissionDenied() throws IOException {
        TestBundle b = bundle();
        Path data = Files.createDirectories(b.rootfs.resolve("opt/tools")).resolve("data");
        Files.writeString(data, "#!/bin/sh\necho never\n");
        Files.setPosixFilePermissions(data, PosixFilePermissions.fromString("rw-r--r--"));
        b.process().put("env", List.of("PATH=/opt/tools"));
        b.args("/opt/tools/data");
        String err = createFails(b, "exec: \"/opt/tools/data\"");
        assertTrue(err.contains("Permission denied"), err);
        b.args("data");
        createFails(b, "exec: \"data\": permission denied");
    }

    // ---- helpers ----

    private final List<String> sleepers = new ArrayList<>();

    /** A started `sleep 1000` container, deleted after the test; returns its pid. */
    private long sleeper(TestBundle b) {
        String id = startSleeper(b);
        sleepers.add(id);
        return pid(id);
    }

    @AfterEach
    void deleteSleepers() {
        for (String id : sleepers) {
            ok("delete", "--force", id);
        }
    }

    /** hull-runtime run: the container's stdout; fails unless it exits 0. */
    private String run(TestBundle b) {
        Cmd.Result r = hull("run", "--bundle", b.dir.toString(), newId());
        assertEquals(0, r.code(), () -> "run failed:\n" + r);
        return r.out();
    }

    /** create must fail with every expected text in its error, and leave no container behind. */
    private String createFails(TestBundle b, String... expected) {
        String id = newId();
        Cmd.Result r = hull("create", "--bundle", b.dir.toString(), id);
        assertEquals(1, r.code(), () -> "create should have failed:\n" + r);
        for (String e : expected) {
            assertTrue(r.err().contains(e), () -> "expected \"" + e + "\" in:\n" + r.err());
        }
        assertEquals("", ok("list", "-q").out(), "a failed create leaves no container");
        assertFalse(Files.exists(state.resolve(id)), "a failed create leaves no state directory");
        assertEquals(List.of(), cgroupsLeft(id));
        return r.err();
    }

    private static List<String> cgroupsLeft(String id) {
        try {
            return ContainerTest.cgroupsOf(List.of(id));
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private static void assertCaps(long pid, String inh, String prm, String eff, String bnd, String amb) {
        Map<String, String> st = Host.status(pid);
        assertEquals(List.of(inh, prm, eff, bnd, amb),
                List.of(st.get("CapInh"), st.get("CapPrm"), st.get("CapEff"), st.get("CapBnd"), st.get("CapAmb")),
                "CapInh, CapPrm, CapEff, CapBnd, CapAmb of " + pid);
    }

    private static void assumeLacksCapSysResource() {
        long bnd = Long.parseUnsignedLong(Host.status("self").get("CapBnd"), 16);
        assumeTrue((bnd & (1L << CAP_SYS_RESOURCE)) == 0, "this host's bounding set has CAP_SYS_RESOURCE");
    }

    /** /proc/PID/limits: "Max open files" -> {soft, hard}. */
    private static Map<String, String[]> limits(Object pid) {
        Map<String, String[]> m = new java.util.HashMap<>();
        String[] lines = Host.read("/proc/" + pid + "/limits").split("\n");
        for (int i = 1; i < lines.length; i++) {
            String name = lines[i].substring(0, 26).trim();
            String[] v = lines[i].substring(26).trim().split("\\s+");
            m.put(name, new String[] {v[0], v[1]});
        }
        return m;
    }

    private static List<String> nulSeparated(String s) {
        return Arrays.asList(s.split("\0"));
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> out = new ArrayList<>(a);
        out.addAll(b);
        return out;
    }
}
