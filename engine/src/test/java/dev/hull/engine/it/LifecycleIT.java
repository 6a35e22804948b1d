package dev.hull.engine.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Docker: Up & Running ("Working with containers") and Docker in Action: exit codes, what a
 * failed run leaves (nothing), logs, wait, restart and its policies, pause, rename, exec, inspect.
 */
class LifecycleIT extends EngineTest {

    @Test
    void exitCodesAndFailedRunsLeaveNothing() throws IOException {
        sleeper("--name", "taken");
        List<String> before = containers();
        List<String> mountsBefore = mountsUnder(dir);
        // a cgroup parent of its own: the cgroups of containers that never show an id can be checked
        String parent = "hull-eit-" + Long.toString(ThreadLocalRandom.current().nextLong() >>> 1, 36);
        try {
            assertEquals(3, hull("run", "--rm", "busybox", "sh", "-c", "exit 3").code());
            Result nosuch = hull("run", "--cgroup-parent", parent, "busybox", "nosuch");
            assertEquals(127, nosuch.code(), nosuch::toString);
            Result notExec = hull("run", "--cgroup-parent", parent, "busybox", "/etc/passwd");
            assertEquals(126, notExec.code(), notExec::toString);
            assertEquals(125, hull("run", "-m", "12zz", "busybox", "true").code());
            assertEquals(125, hull("run", "--no-such-flag", "busybox", "true").code());
            assertEquals(125, hull("run", "nosuchimage", "true").code());
            Result inUse = hull("run", "--name", "taken", "--cgroup-parent", parent, "busybox", "true");
            assertEquals(125, inUse.code(), inUse::toString);
            assertTrue(inUse.err().contains("already in use"), inUse::toString);

            assertEquals(before, containers(), "a failed run left a container record");
            assertEquals(before, storeEntries("containers"), "a failed run left a container directory");
            assertEquals(before, storeEntries("overlay/containers"), "a failed run left an overlay directory");
            assertEquals(mountsBefore, mountsUnder(dir), "a failed run left a mount");
            for (String controller : cgroupControllers()) {
                Path p = Path.of("/sys/fs/cgroup", controller, parent);
                if (Files.isDirectory(p)) {
                    try (Stream<Path> s = Files.list(p)) {
                        assertEquals(List.of(), s.filter(Files::isDirectory).toList(), "a failed run left a cgroup");
                    }
                }
            }
        } finally {
            for (String controller : cgroupControllers()) {
                Files.deleteIfExists(Path.of("/sys/fs/cgroup", controller, parent));
            }
        }
    }

    @Test
    void rmForceOfARunningContainerLeavesNothing() {
        String id = sleeper();
        long pid = pid(id);
        Path merged = dir.resolve("root/overlay/containers").resolve(id).resolve("merged");
        assertTrue(mountsUnder(dir).contains(merged.toString()), () -> "no overlay at " + merged);
        assertTrue(Files.isDirectory(cgroup("memory", id)));
        ok("rm", "-f", id);
        assertFalse(Files.exists(Path.of("/proc/" + pid)), "the container's process is alive");
        assertFalse(mountsUnder(dir).contains(merged.toString()), "the overlay is still mounted");
        for (String controller : cgroupControllers()) {
            assertFalse(Files.exists(cgroup(controller, id)), "cgroup left in " + controller);
        }
        assertFalse(Files.exists(dir.resolve("root/containers").resolve(id)));
        assertEquals(List.of(), containers());
    }

    @Test
    void logsFollowTailAndWait() {
        out("run", "-d", "--name", "talker", "busybox", "sh", "-c",
                "echo out1; echo err1 >&2; sleep 1; echo out2; exit 5");
        Result follow = hull("logs", "-f", "talker"); // returns when the container exits
        assertEquals(0, follow.code(), follow::toString);
        assertEquals("out1\nout2\n", follow.out());
        assertEquals("err1\n", follow.err());
        assertEquals("5", out("wait", "talker"));
        assertEquals("out2", out("logs", "--tail", "1", "talker"));
        assertEquals("exited 5", out("inspect", "--format", "{{.State.Status}} {{.State.ExitCode}}", "talker"));
    }

    @Test
    void logsSinceAndUntilPickRecordsByTime() {
        out("run", "-d", "--name", "clock", "busybox", "sh", "-c", "echo early; sleep 1.2; echo late");
        assertEquals("0", out("wait", "clock"));
        String[] stamped = out("logs", "-t", "clock").split("\n");
        assertEquals(2, stamped.length, String.join("|", stamped));
        String early = stamped[0].split(" ")[0], late = stamped[1].split(" ")[0];
        assertEquals("late", out("logs", "--since", late, "clock"));
        assertEquals("early", out("logs", "--until", early, "clock"));
        assertEquals("early\nlate", out("logs", "--since", "10m", "clock"));
        assertEquals("", out("logs", "--since", "-10m", "clock")); // a duration into the future
        assertEquals("early\nlate", out("logs", "--since", "0", "clock"));
        // Unix seconds
        long earlySecond = java.time.Instant.parse(early).getEpochSecond();
        long lateSecond = java.time.Instant.parse(late).getEpochSecond();
        assertEquals("early\nlate", out("logs", "--since", String.valueOf(earlySecond), "clock"));
        assertEquals("", out("logs", "--since", (lateSecond + 1) + ".5", "clock"));
        assertEquals("late", out("logs", "--since", late, "--until", "2099-01-01", "clock"));
        // --tail first, then the window (Docker's order)
        assertEquals("", out("logs", "--tail", "1", "--until", early, "clock"));
        // -f stops following when --until passes, the container still running
        out("run", "-d", "--name", "ticker", "busybox", "sh", "-c", "echo tick; sleep 1000");
        assertTrue(eventually(5000, () -> out("logs", "ticker").equals("tick")));
        Result followed = hull("logs", "-f", "--until", "-2s", "ticker");
        assertEquals(0, followed.code(), followed::toString);
        assertEquals("tick\n", followed.out());
        assertEquals("running", out("inspect", "--format", "{{.State.Status}}", "ticker"));
        ok("rm", "-f", "ticker");
        Result bad = hull("logs", "--since", "yesterday", "clock");
        assertEquals(1, bad.code(), bad::toString);
        assertEquals("hull: invalid value for \"since\": failed to parse value as time or duration: \"yesterday\"\n",
                bad.err());
    }

    @Test
    void logOptsRotateTheLog() throws Exception {
        String loop = "i=0; while [ $i -lt 200 ]; do echo line-$i; i=$((i+1)); done";
        out("run", "-d", "--name", "chatty", "--log-opt", "max-size=2k", "--log-opt", "max-file=3", "busybox", "sh", "-c", loop);
        assertEquals("0", out("wait", "chatty"));
        assertEquals("{\"Type\":\"k8s-file\",\"Config\":{\"max-size\":\"2k\",\"max-file\":\"3\"}}",
                out("inspect", "--format", "{{json .HostConfig.LogConfig}}", "chatty"));
        Path log = Path.of(out("inspect", "--format", "{{.LogPath}}", "chatty"));
        for (Path p : List.of(log, Path.of(log + ".1"), Path.of(log + ".2"))) {
            assertTrue(Files.size(p) <= 2000 && Files.size(p) > 1000, p + ": " + Files.size(p));
        }
        assertFalse(Files.exists(Path.of(log + ".3")), "max-file=3 keeps three files");
        // what is left reads in order, oldest file first, up to the last line, without a gap
        List<String> lines = out("logs", "chatty").lines().toList();
        int first = Integer.parseInt(lines.get(0).substring(5));
        assertTrue(first > 0 && lines.size() < 200 && lines.size() > 60, lines::toString);
        for (int i = 0; i < lines.size(); i++) {
            assertEquals("line-" + (first + i), lines.get(i));
        }
        assertEquals(List.of("line-198", "line-199"), out("logs", "--tail", "2", "chatty").lines().toList());

        // one file: the log starts over; -f follows a log that is rotated under it
        out("run", "-d", "--name", "one", "--log-opt", "max-size=1k", "busybox", "sh", "-c", loop);
        assertEquals("0", out("wait", "one"));
        Path oneLog = Path.of(out("inspect", "--format", "{{.LogPath}}", "one"));
        assertTrue(Files.size(oneLog) <= 1000, () -> oneLog.toString());
        assertFalse(Files.exists(Path.of(oneLog + ".1")));
        assertEquals("line-199", out("logs", "--tail", "1", "one"));
        out("run", "-d", "--name", "slow", "--log-opt", "max-size=1k", "--log-opt", "max-file=2", "busybox", "sh", "-c",
                "sleep 0.5; i=0; while [ $i -lt 100 ]; do echo line-$i; i=$((i+1)); usleep 20000; done");
        Result followed = hull(Duration.ofSeconds(60), "logs", "-f", "slow");
        assertEquals(0, followed.code(), followed::toString);
        List<String> all = followed.out().lines().toList();
        assertEquals(100, all.size(), followed::toString);
        for (int i = 0; i < 100; i++) {
            assertEquals("line-" + i, all.get(i));
        }
        ok("rm", "chatty", "one", "slow");

        // bad options: refused before anything is made
        for (String[] bad : new String[][] {{"max-size=0", "max-size must be a positive number"},
                {"max-size=12zz", "invalid size"}, {"max-file=0", "max-file must be 1 to 1000"},
                {"compress=true", "unknown log opt 'compress' for k8s-file log driver"}, {"max-size", "expected KEY=VALUE"}}) {
            Result r = hull("run", "--rm", "--log-opt", bad[0], "busybox", "true");
            assertEquals(125, r.code(), r::toString);
            assertTrue(r.err().contains(bad[1]), r::toString);
        }
        assertEquals(List.of(), containers());
    }

    @Test
    void initIsPidOneAndPassesTheStopSignalOn() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/tini-static"))
                || Files.isExecutable(Path.of("/usr/bin/catatonit")), "no tini or catatonit (make deps installs tini)");
        assertEquals("1 docker-init", out("run", "--rm", "--init", "busybox", "sh", "-c",
                "ps -o pid,comm | grep -w 1 | tr -s ' ' | sed 's/^ //'"));
        // a zombie child of the command is reaped by the init, not left behind
        assertEquals("0", out("run", "--rm", "--init", "busybox", "sh", "-c",
                "sh -c 'sleep 0.2 & exit 0'; sleep 0.6; ps -o stat | grep -c Z || true"));
        // `sleep` as PID 1 ignores SIGTERM (no handler, init's protection); under --init it dies of it
        out("run", "-d", "--init", "--name", "inited", "busybox", "sleep", "1000");
        assertEquals("true sleep [1000]", out("inspect", "--format", "{{.HostConfig.Init}} {{.Path}} {{.Args}}", "inited"));
        long t0 = System.nanoTime();
        ok("stop", "-t", "20", "inited");
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertTrue(ms < 10_000, "stop took " + ms + " ms: SIGTERM did not reach sleep");
        assertEquals("143", out("inspect", "--format", "{{.State.ExitCode}}", "inited"));
        ok("rm", "inited");
    }

    @Test
    void addHostCidfileLabelAndEnvFilesExpose() throws Exception {
        Path envFile = dir.resolve("app.env"), labelFile = dir.resolve("app.labels"), cid = dir.resolve("app.cid");
        Files.writeString(envFile, "# settings\nMODE=prod\n\nGREETING=hello world\n");
        Files.writeString(labelFile, "tier=back\n# comment\nowner=ops\n");
        String id = out("run", "-d", "--name", "flagged", "--cidfile", cid.toString(), "--env-file", envFile.toString(),
                "--label-file", labelFile.toString(), "-l", "owner=dev", "--add-host", "db:10.0.0.5",
                "--add-host", "v6=[2001:db8::1]", "--expose", "8080", "--expose", "9000-9001/udp",
                "busybox", "sleep", "1000");
        assertEquals(id, Files.readString(cid));
        assertEquals("10.0.0.5\tdb\n2001:db8::1\tv6", out("exec", "flagged", "sh", "-c", "tail -n 2 /etc/hosts"));
        assertEquals("prod|hello world", out("exec", "flagged", "sh", "-c", "echo \"$MODE|$GREETING\""));
        assertEquals("back dev", out("inspect", "--format", "{{index .Config.Labels \"tier\"}} {{index .Config.Labels \"owner\"}}", "flagged"));
        assertEquals("[db:10.0.0.5 v6:2001:db8::1]", out("inspect", "--format", "{{.HostConfig.ExtraHosts}}", "flagged"));
        // --dns, --dns-search, --dns-option: their lines replace the host's of the same kind
        assertEquals("nameserver 9.9.9.9\nnameserver 2620:fe::fe\nsearch example.com corp.example\noptions ndots:2",
                out("run", "--rm", "--dns", "9.9.9.9", "--dns", "2620:fe::fe", "--dns-search", "example.com",
                        "--dns-search", "corp.example", "--dns-option", "ndots:2", "busybox", "sh", "-c",
                        "grep -E '^(nameserver|search|domain|options)' /etc/resolv.conf"));
        Result conflict = hull("run", "--rm", "--network", "host", "--dns", "1.1.1.1", "busybox", "true");
        assertEquals(125, conflict.code(), conflict::toString);
        assertTrue(conflict.err().contains("conflicting options: dns and the network mode"), conflict::toString);
        Result badDns = hull("run", "--rm", "--dns", "resolver.example", "busybox", "true");
        assertTrue(badDns.err().contains("resolver.example is not an ip address"), badDns::toString);
        assertEquals("{\"8080/tcp\":{},\"9000/udp\":{},\"9001/udp\":{}}",
                out("inspect", "--format", "{{json .Config.ExposedPorts}}", "flagged"));
        // a second container with the same --cidfile is refused before anything is made
        Result again = hull("run", "-d", "--cidfile", cid.toString(), "busybox", "true");
        assertEquals(125, again.code(), again::toString);
        assertTrue(again.err().contains("Container ID file found"), again::toString);
        assertEquals(1, containers().size());
        ok("rm", "-f", "flagged");
        // a run that fails takes its --cidfile with it
        Files.delete(cid);
        Result missing = hull("run", "--rm", "--cidfile", cid.toString(), "busybox", "no-such-command");
        assertEquals(127, missing.code(), missing::toString);
        assertFalse(Files.exists(cid), "the failed run left its --cidfile");
        for (String[] bad : new String[][] {{"--add-host", "db", "bad format for add-host"},
                {"--add-host", "db:not-an-ip", "invalid IP address in add-host"},
                {"--add-host", "gw:host-gateway", "needs bridge networking"},
                {"--expose", "70000", "invalid port"}, {"--expose", "80/icmp", "invalid proto"},
                {"--label-file", "/nonexistent/labels", "no such file"}}) {
            Result r = hull("run", "--rm", bad[0], bad[1], "busybox", "true");
            assertEquals(125, r.code(), r::toString);
            assertTrue(r.err().contains(bad[2]), r::toString);
        }
        assertEquals(List.of(), containers());
    }

    @Test
    void flagsHullHasNoUseForAreRefusedNotIgnored() {
        sleeper("--name", "linked");
        Result link = hull("rm", "-l", "linked");
        assertEquals(1, link.code(), link::toString);
        assertEquals("hull: rm --link: hull has no legacy container links (run --link) to remove\n", link.err());
        assertEquals("running", out("inspect", "--format", "{{.State.Status}}", "linked"));
        Result level = hull("--log-level", "loud", "ps");
        assertEquals(125, level.code(), level::toString);
        assertTrue(level.err().contains("--log-level loud: expected debug, info, warn, error or fatal"), level::toString);
        assertTrue(out("--log-level", "error", "ps").contains("linked"));
        ok("rm", "-f", "linked");
    }

    @Test
    void restartGivesANewProcess() throws Exception {
        String id = sleeper("--name", "again");
        long first = pid(id);
        ok("restart", "-t", "0", "again");
        long second = pid(id);
        assertNotEquals(first, second);
        assertTrue(Files.exists(Path.of("/proc/" + second)));
        assertFalse(Files.exists(Path.of("/proc/" + first)));
        Thread.sleep(1500); // the first run's exit handler must leave the second run alone
        JsonNode state = inspect(id).get("State");
        assertEquals("running", state.get("Status").asText(), state::toString);
        assertEquals(second, state.get("Pid").asLong());
        assertTrue(Files.exists(Path.of("/proc/" + second)), "the restarted container died: " + state);
    }

    @Test
    void restartPolicies() throws Exception {
        out("run", "-d", "--name", "flaky", "--restart", "on-failure:2", "busybox", "sh", "-c", "exit 1");
        out("run", "-d", "--name", "always", "--restart", "always", "busybox", "sh", "-c", "sleep 0.2");
        String fmt = "{{.State.Status}} {{.RestartCount}} {{.State.ExitCode}}";
        assertTrue(eventually(15_000, () -> hull("inspect", "--format", fmt, "flaky").out().strip().equals("exited 2 1")),
                () -> "on-failure:2 should end exited after 2 restarts: " + hull("inspect", "--format", fmt, "flaky").out());
        assertTrue(eventually(10_000, () -> Integer.parseInt(out("inspect", "--format", "{{.RestartCount}}", "always")) >= 1),
                "--restart always did not restart");
        ok("stop", "-t", "0", "always");
        Thread.sleep(1500);
        String stopped = out("inspect", "--format", "{{.State.Status}} {{.RestartCount}}", "always");
        assertTrue(stopped.startsWith("exited "), "a stopped --restart always container came back: " + stopped);
        Thread.sleep(1000);
        assertEquals(stopped, out("inspect", "--format", "{{.State.Status}} {{.RestartCount}}", "always"));
    }

    @Test
    void aRestartWhoseHandlerIsGoneEndsExited() throws Exception {
        out("run", "-d", "--name", "orphan", "--restart", "always", "busybox", "sleep", "1000");
        long pid = pid("orphan");
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        long monitor = Long.parseLong(stat.substring(stat.lastIndexOf(')') + 2).split(" ")[1]);
        assertTrue(Files.readString(Path.of("/proc/" + monitor + "/comm")).startsWith("hull-exec"), stat);
        // the monitor killed first: nobody is left to run the exit handler that restarts
        assertEquals(0, exec(List.of("kill", "-KILL", String.valueOf(monitor)), Duration.ofSeconds(10)).code());
        assertEquals(0, exec(List.of("kill", "-KILL", String.valueOf(pid)), Duration.ofSeconds(10)).code());
        String fmt = "{{.State.Status}} {{.RestartCount}}";
        assertTrue(eventually(5_000, () -> out("inspect", "--format", fmt, "orphan").equals("restarting 0")),
                () -> out("inspect", "--format", fmt, "orphan"));
        // not forever: once the handler's grace has passed, the container is exited, as Podman's
        assertTrue(eventually(20_000, () -> out("inspect", "--format", fmt, "orphan").equals("exited 0")),
                () -> out("inspect", "--format", fmt, "orphan"));
        ok("start", "orphan");
        assertEquals("running", out("inspect", "--format", "{{.State.Status}}", "orphan"));
        ok("rm", "-f", "orphan");
    }

    @Test
    void autoRemoveOfADetachedContainer() {
        String id = out("run", "--rm", "-d", "busybox", "true");
        assertTrue64(id);
        assertTrue(eventually(10_000, () -> containers().isEmpty()), () -> "still there: " + containers());
    }

    @Test
    void pauseUnpauseRenameExecHostname() throws Exception {
        String id = sleeper("--name", "box");
        assertTrue64(id);
        Path freezer = cgroup("freezer", id).resolve("freezer.state");
        ok("pause", "box");
        assertEquals("FROZEN", read(freezer));
        assertTrue(out("ps", "--format", "{{.Names}} {{.Status}}").contains("box Up"), "ps");
        assertTrue(out("ps", "--format", "{{.Status}}").contains("(Paused)"));
        assertEquals("paused", out("inspect", "--format", "{{.State.Status}}", "box"));
        ok("unpause", "box");
        assertEquals("THAWED", read(freezer));

        ok("rename", "box", "crate");
        assertNotEquals(0, hull("inspect", "box").code());
        assertEquals("/crate", inspect("crate").get("Name").asText());

        long pid = pid(id);
        Result e = hull("exec", "-u", "nobody", "-e", "FOO=bar", "crate", "sh", "-c",
                "id -u; echo $FOO; readlink /proc/self/ns/pid; readlink /proc/self/ns/mnt; hostname");
        assertEquals(0, e.code(), e::toString);
        List<String> l = e.out().lines().toList();
        assertEquals("65534", l.get(0));
        assertEquals("bar", l.get(1));
        assertEquals(Files.readSymbolicLink(Path.of("/proc/" + pid + "/ns/pid")).toString(), l.get(2));
        assertEquals(Files.readSymbolicLink(Path.of("/proc/" + pid + "/ns/mnt")).toString(), l.get(3));
        assertNotEquals(Files.readSymbolicLink(Path.of("/proc/self/ns/mnt")).toString(), l.get(3));
        assertEquals(id.substring(0, 12), l.get(4), "the hostname is the short id");
        assertEquals(7, hull("exec", "crate", "sh", "-c", "exit 7").code());
        assertEquals(127, hull("exec", "crate", "nosuchcommand").code());

        // top: ps(1) of the container's processes, by their host pids
        String top = out("top", "crate");
        assertTrue(top.lines().findFirst().orElse("").contains("PID"), top);
        assertTrue(top.contains("sleep 1000") && top.contains(" " + pid + " "), top);
        assertEquals("", out("port", "crate"), "no published ports without bridge networking");
    }

    @Test
    void inspectJson() throws Exception {
        Path src = Files.createDirectories(dir.resolve("inspect-src"));
        String id = out("run", "-d", "--name", "looked-at", "-m", "64m", "--cpu-shares", "256", "--cpus", "0.5",
                "--cpuset-cpus", "0", "--cap-add", "SYS_PTRACE", "--cap-drop", "MKNOD", "-u", "nobody",
                "--security-opt", "no-new-privileges", "--ipc", "shareable", "-e", "A=1", "-l", "k=v",
                "-v", src + ":/src", "busybox", "sleep", "1000");
        JsonNode c = inspect("looked-at");
        assertEquals(id, c.get("Id").asText());
        assertEquals("/looked-at", c.get("Name").asText());
        JsonNode s = c.get("State");
        assertEquals("running", s.get("Status").asText());
        assertTrue(s.get("Running").asBoolean());
        assertEquals(pid(id), s.get("Pid").asLong());
        assertEquals(0, s.get("ExitCode").asInt());
        assertFalse(s.get("OOMKilled").asBoolean());
        assertTrue(s.get("StartedAt").asText().matches("\\d{4}-\\d\\d-\\d\\dT.*Z"), s::toString);
        assertEquals("0001-01-01T00:00:00Z", s.get("FinishedAt").asText());
        JsonNode cfg = c.get("Config");
        assertEquals("nobody", cfg.get("User").asText());
        assertEquals("[\"sleep\",\"1000\"]", cfg.get("Cmd").toString());
        assertTrue(cfg.has("Entrypoint"));
        assertTrue(cfg.get("Env").toString().contains("\"A=1\""), cfg::toString);
        assertEquals("busybox", cfg.get("Image").asText());
        assertEquals("v", cfg.get("Labels").get("k").asText());
        JsonNode h = c.get("HostConfig");
        assertEquals(67108864L, h.get("Memory").asLong());
        assertEquals(256, h.get("CpuShares").asLong());
        assertEquals(500_000_000L, h.get("NanoCpus").asLong());
        assertEquals("0", h.get("CpusetCpus").asText());
        assertEquals("[\"CAP_SYS_PTRACE\"]", h.get("CapAdd").toString());
        assertEquals("[\"CAP_MKNOD\"]", h.get("CapDrop").toString());
        assertFalse(h.get("Privileged").asBoolean());
        assertEquals("[\"no-new-privileges\"]", h.get("SecurityOpt").toString());
        assertEquals("shareable", h.get("IpcMode").asText());
        assertEquals("[\"" + src + ":/src\"]", h.get("Binds").toString());
        assertEquals(0, c.get("RestartCount").asInt());
        JsonNode mounts = c.get("Mounts");
        assertEquals(1, mounts.size(), mounts::toString);
        assertEquals("bind", mounts.get(0).get("Type").asText());
        assertEquals(src.toString(), mounts.get(0).get("Source").asText());
        assertEquals("/src", mounts.get(0).get("Destination").asText());

        assertEquals(h, JSON.readTree(out("inspect", "--format", "{{json .HostConfig}}", "looked-at")));
        assertEquals(src.toString(), out("inspect", "--format", "{{range .Mounts}}{{.Source}}{{end}}", "looked-at"));
        // what the kernel got, for the same flags
        Result k = hull("exec", "looked-at", "sh", "-c", "grep -E '^(CapEff|NoNewPrivs|Cpus_allowed_list):' /proc/self/status; id -u");
        List<String> l = new ArrayList<>(k.out().lines().toList());
        long eff = (Long.parseLong(SecurityIT.DEFAULT_CAPS, 16) | (1L << 19)) & ~(1L << 27);
        // exec as nobody: no effective capabilities; the bounding set is checked by SecurityIT
        assertEquals(List.of("CapEff:\t0000000000000000", "NoNewPrivs:\t1", "Cpus_allowed_list:\t0", "65534"), l,
                () -> "expected bounding set " + Long.toHexString(eff));
    }
}
