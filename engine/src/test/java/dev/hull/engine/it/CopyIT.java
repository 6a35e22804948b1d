package dev.hull.engine.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** `hull cp` as `docker cp`: through the container's mounts, tar streams with "-", inside the root. */
class CopyIT extends EngineTest {

    @Test
    void copiesThroughMountsAndTarStreams() throws Exception {
        Path host = dir.resolve("cp-host");
        Files.createDirectories(host);
        sleeper("--name", "cp", "-v", "cpvol:/vol");
        ok("exec", "cp", "sh", "-c", "echo in-volume > /vol/f; mkdir -p /root/d; echo in-rootfs > /root/d/g; ln -s /etc/shadow-of-host /root/d/link");

        // a file of a volume, and the container's own /etc/hostname (a bind of the engine's file)
        ok("cp", "cp:/vol/f", host.toString());
        assertEquals("in-volume\n", Files.readString(host.resolve("f")));
        ok("cp", "cp:/etc/hostname", host.resolve("hn").toString());
        assertEquals(out("exec", "cp", "hostname"), Files.readString(host.resolve("hn")).strip());

        // a directory out as a tar stream: its entries, the symlink kept as a symlink
        Result tar = exec(List.of("sh", "-c", String.join(" ", hullArgv("cp", "cp:/root/d", "-")) + " | tar -tvf -"),
                Duration.ofSeconds(60));
        assertEquals(0, tar.code(), tar::toString);
        assertTrue(tar.out().contains("d/g") && tar.out().contains("d/link -> /etc/shadow-of-host"), tar.out());

        // a tar stream in: owned by root in the container
        Files.writeString(host.resolve("new"), "from-host\n");
        Result in = exec(List.of("sh", "-c", "tar -C " + host + " -cf - new | " + String.join(" ", hullArgv("cp", "-", "cp:/root"))),
                Duration.ofSeconds(60));
        assertEquals(0, in.code(), in::toString);
        assertEquals("from-host\n0 0", out("exec", "cp", "sh", "-c", "cat /root/new; stat -c '%u %g' /root/new"));

        // a symlink of the container does not lead a copy out to the host
        ok("exec", "cp", "ln", "-s", "/", "/root/hostroot");
        Result escape = hull("cp", "cp:/root/hostroot/etc/machine-id", host.resolve("mid").toString());
        assertNotEquals(0, escape.code(), "copied the host's /etc/machine-id through a symlink: " + escape);
        ok("rm", "-f", "-v", "cp");
        ok("volume", "rm", "cpvol");
    }

    @Test
    void ownersAndSymlinksAsDocker() throws Exception {
        Path host = dir.resolve("cp-owners");
        Files.createDirectories(host);
        Path mine = host.resolve("mine");
        Files.writeString(mine, "owned\n");
        Files.setAttribute(mine, "unix:uid", 1234);
        Files.setAttribute(mine, "unix:gid", 5678);
        Files.createSymbolicLink(host.resolve("to-mine"), mine);
        sleeper("--name", "own");
        ok("exec", "own", "sh", "-c", "echo inside > /o; chown 42:43 /o; ln -s /o /link");

        // in: the container's root owns the copy; -a keeps the source's owners
        ok("cp", mine.toString(), "own:/plain");
        ok("cp", "-a", mine.toString(), "own:/kept");
        assertEquals("0 0\n1234 5678", out("exec", "own", "stat", "-c", "%u %g", "/plain", "/kept"));
        // a symlink as the source is copied as one, -L copies its target (under the link's name)
        ok("cp", host.resolve("to-mine").toString(), "own:/");
        ok("cp", "-L", host.resolve("to-mine").toString(), "own:/tmp/");
        assertEquals(mine.toString() + "\nowned", out("exec", "own", "sh", "-c", "readlink /to-mine; cat /tmp/to-mine"));

        // out: the caller (root) owns the copy; -a keeps the container's owners
        ok("cp", "own:/o", host.resolve("o-plain").toString());
        ok("cp", "-a", "own:/o", host.resolve("o-kept").toString());
        assertEquals(0, Files.getAttribute(host.resolve("o-plain"), "unix:uid"));
        assertEquals(42, Files.getAttribute(host.resolve("o-kept"), "unix:uid"));
        assertEquals(43, Files.getAttribute(host.resolve("o-kept"), "unix:gid"));
        ok("cp", "own:/link", host.toString());
        assertEquals(Path.of("/o"), Files.readSymbolicLink(host.resolve("link")));
        ok("cp", "-L", "own:/link", host.resolve("followed").toString());
        assertEquals("inside\n", Files.readString(host.resolve("followed")));
        ok("rm", "-f", "own");
    }

    @Test
    void aRemappedContainersRootOwnsWhatIsCopiedIn() throws Exception {
        Files.setAttribute(dir, "unix:mode", 0711);
        Path f = dir.resolve("cp-mapped");
        Files.writeString(f, "x\n");
        Files.setAttribute(f, "unix:uid", 7);
        sleeper("--name", "mapped", "--uidmap", "0:100000:65536", "--gidmap", "0:100000:65536");
        ok("exec", "mapped", "sh", "-c", "echo y > /made; chown 7:7 /made");
        ok("cp", f.toString(), "mapped:/plain");
        ok("cp", "-a", f.toString(), "mapped:/kept");
        assertEquals("0\n7", out("exec", "mapped", "stat", "-c", "%u", "/plain", "/kept"));
        assertEquals(100000, Files.getAttribute(Path.of(out("inspect", "--format", "{{.GraphDriver.Data.MergedDir}}", "mapped"), "plain"), "unix:uid"));
        // out with -a: the ids the container sees, not the host's
        ok("cp", "-a", "mapped:/made", dir.resolve("made").toString());
        assertEquals(7, Files.getAttribute(dir.resolve("made"), "unix:uid"));
        ok("rm", "-f", "mapped");
    }

    @Test
    void diffAndExportAsDocker() throws Exception {
        ok("run", "--name", "changer", "-v", "exported-vol:/data", "busybox", "sh", "-c",
                "echo x > /tmp/new; ln /tmp/new /tmp/hard; rm /bin/ls; echo y >> /etc/passwd; mkdir -p /made/sub; echo v > /data/f");
        // the runtime's mount points (/etc/hosts...) and the volume are not the container's changes
        assertEquals(List.of("C /bin", "D /bin/ls", "C /etc", "C /etc/passwd", "A /made", "A /made/sub", "C /tmp",
                "A /tmp/hard", "A /tmp/new"), out("diff", "changer").lines().toList());
        Path tar = dir.resolve("changer.tar");
        ok("export", "-o", tar.toString(), "changer");
        Result listed = exec(List.of("tar", "-tvf", tar.toString()), Duration.ofSeconds(60));
        assertEquals(0, listed.code(), listed::toString);
        List<String> names = exec(List.of("tar", "-tf", tar.toString()), Duration.ofSeconds(60)).out().lines().toList();
        assertTrue(names.containsAll(List.of("tmp/new", "made/sub/", "etc/passwd", "bin/busybox")), names::toString);
        assertTrue(!names.contains("bin/ls") && !names.contains("data/f"), "a deleted file or the volume's: " + names);
        assertTrue(listed.out().contains("tmp/new link to tmp/hard"), listed.out()); // (entries sorted by name)
        assertEquals("y", exec(List.of("sh", "-c", "tar -xOf " + tar + " etc/passwd | tail -n 1"), Duration.ofSeconds(60)).out().strip());
        // to stdout, but not to a terminal
        Result piped = exec(List.of("sh", "-c", String.join(" ", hullArgv("export", "changer")) + " | tar -tf - | grep -c ."),
                Duration.ofSeconds(60));
        assertEquals(String.valueOf(names.size()), piped.out().strip(), piped::toString);
        Result tty = exec(List.of("script", "-qec", String.join(" ", hullArgv("export", "changer")), "/dev/null"),
                Duration.ofSeconds(60));
        assertTrue(tty.out().contains("cowardly refusing to save to a terminal"), tty::toString);
        ok("rm", "-v", "changer");
        ok("volume", "rm", "exported-vol");
    }

    @Test
    void aRemappedContainersDiffIsOnlyWhatItChanged() throws Exception {
        Object mode = Files.getAttribute(dir, "unix:mode");
        Files.setAttribute(dir, "unix:mode", 0711); // the container's root must reach its rootfs
        try {
            // the owners shifted at create are metadata copy-ups in the upper dir, not changes
            ok("run", "--name", "shifted", "--uidmap", "0:100000:65536", "busybox", "sh", "-c",
                    "touch /tmp/x; chmod 600 /etc/group");
            assertEquals(List.of("C /etc", "C /etc/group", "C /tmp", "A /tmp/x"), out("diff", "shifted").lines().toList());
            ok("rm", "shifted");
        } finally {
            Files.setAttribute(dir, "unix:mode", (Integer) mode & 07777);
        }
    }

    @Test
    void aRunningContainerIsFrozenForTheCopy() throws Exception {
        // so that none of its processes can swap a looked-up directory for a symlink (CVE-2018-15664)
        Path host = dir.resolve("cp-frozen");
        Files.createDirectories(host);
        Files.writeString(host.resolve("late"), "slow\n");
        String id = sleeper("--name", "frozen");
        Path state = cgroup("freezer", id).resolve("freezer.state");
        // a tar stream that starts after 2 s: the copy is under way, the container frozen, meanwhile
        Process cp = start(List.of("sh", "-c", "(sleep 2; tar -C " + host + " -cf - late) | "
                + String.join(" ", hullArgv("cp", "-", "frozen:/tmp"))), host.resolve("out"), host.resolve("err"));
        assertTrue(eventually(2_000, () -> read(state).strip().equals("FROZEN")), () -> read(state));
        assertEquals(0, cp.waitFor(), () -> read(host.resolve("err").toString()));
        assertEquals("THAWED", read(state).strip());
        assertEquals("slow", out("exec", "frozen", "cat", "/tmp/late"));
        assertEquals("running", out("inspect", "--format", "{{.State.Status}}", "frozen"));
    }

    @Test
    void containersSharingTheVolumeAreFrozenToo() throws Exception {
        Path host = dir.resolve("cp-shared");
        Files.createDirectories(host.resolve("sub"));
        Files.writeString(host.resolve("late"), "slow\n");
        String target = sleeper("--name", "target", "-v", "sharedvol:/data");
        String sharer = sleeper("--name", "sharer", "-v", "sharedvol:/elsewhere");
        String inner = sleeper("--name", "inner", "-v", host.resolve("sub") + ":/sub", "-v", host + ":/whole");
        String bystander = sleeper("--name", "bystander");
        Path targetState = cgroup("freezer", target).resolve("freezer.state");
        Path sharerState = cgroup("freezer", sharer).resolve("freezer.state");
        Path bystanderState = cgroup("freezer", bystander).resolve("freezer.state");
        Process cp = start(List.of("sh", "-c", "(sleep 2; tar -C " + host + " -cf - late) | "
                + String.join(" ", hullArgv("cp", "-", "target:/data"))), host.resolve("out"), host.resolve("err"));
        assertTrue(eventually(2_000, () -> read(sharerState).strip().equals("FROZEN")), () -> read(sharerState));
        assertEquals("FROZEN", read(targetState).strip());
        assertEquals("THAWED", read(bystanderState).strip(), "a container without the volume is left alone");
        assertEquals(0, cp.waitFor(), () -> read(host.resolve("err").toString()));
        assertEquals("THAWED", read(sharerState).strip());
        assertEquals("slow", out("exec", "sharer", "cat", "/elsewhere/late"));
        // a copy through a bind freezes the containers that bind a directory inside it, and a
        // path of the rootfs freezes nobody else
        Path innerState = cgroup("freezer", inner).resolve("freezer.state");
        Process viaBind = start(List.of("sh", "-c", "(sleep 2; tar -C " + host + " -cf - late) | "
                + String.join(" ", hullArgv("cp", "-", "inner:/whole"))), host.resolve("out2"), host.resolve("err2"));
        assertTrue(eventually(2_000, () -> read(innerState).strip().equals("FROZEN")), () -> read(innerState));
        assertEquals("THAWED", read(sharerState).strip());
        assertEquals(0, viaBind.waitFor(), () -> read(host.resolve("err2").toString()));
        Process viaRootfs = start(List.of("sh", "-c", "(sleep 2; tar -C " + host + " -cf - late) | "
                + String.join(" ", hullArgv("cp", "-", "target:/tmp"))), host.resolve("out3"), host.resolve("err3"));
        assertTrue(eventually(2_000, () -> read(targetState).strip().equals("FROZEN")), () -> read(targetState));
        assertEquals("THAWED", read(sharerState).strip());
        assertEquals(0, viaRootfs.waitFor(), () -> read(host.resolve("err3").toString()));
        ok("rm", "-f", "-v", "target", "sharer", "inner", "bystander");
        ok("volume", "rm", "sharedvol");
    }

    @Test
    void userNamespaceRootOwnsItsRootfs() throws Exception {
        // the test's directory is 0700: the container's root (uid 100000) could not reach its
        // rootfs, and the engine says so
        Result refused = hull("run", "--rm", "--uidmap", "0:100000:65536", "busybox", "true");
        assertEquals(125, refused.code(), refused::toString);
        assertTrue(refused.err().contains("is not searchable by others"), refused::toString);
        Files.setAttribute(dir, "unix:mode", 0711);
        String s = sh(List.of("--uidmap", "0:100000:65536"),
                "cat /proc/self/uid_map | tr -s ' '; stat -c '%u' /bin /etc/hosts; touch /bin/new && echo wrote");
        assertEquals("0 100000 65536\n0\n0\nwrote", s); // (stripped)
        // on the host, the container's root is uid 100000: a file it writes to a bind is 100000's
        Path vol = dir.resolve("userns-vol");
        Files.createDirectories(vol);
        Files.setAttribute(vol, "unix:uid", 100000);
        sh(List.of("--uidmap", "0:100000:65536", "-v", vol + ":/v"), "echo x > /v/f");
        assertEquals(100000, Files.getAttribute(vol.resolve("f"), "unix:uid"));
    }
}
