package dev.hull.engine.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Docker: Up & Running ("Working with images"): save/load round trip, listing, removal, OCI archives. */
class ImagesIT extends EngineTest {

    @Test
    void saveRmiLoadRoundTrip() throws Exception {
        String imageId = out("image", "inspect", "--format", "{{.Id}}", "busybox");
        assertTrue(imageId.matches("sha256:[0-9a-f]{64}"), imageId);
        ok("tag", "busybox", "copy:v1");
        assertEquals(List.of("busybox:latest", "copy:v1"),
                out("images", "--format", "{{.Repository}}:{{.Tag}}").lines().sorted().toList());
        Path tar = dir.resolve("saved.tar");
        ok("save", "-o", tar.toString(), "copy:v1");
        assertTrue(Files.size(tar) > 1_000_000, "the archive holds the layer");
        ok("rmi", "copy:v1");
        assertEquals(List.of("busybox:latest"), out("images", "--format", "{{.Repository}}:{{.Tag}}").lines().toList());
        assertNotEquals(0, hull("run", "--rm", "copy:v1", "true").code());
        ok("load", "-i", tar.toString());
        assertEquals(imageId, out("image", "inspect", "--format", "{{.Id}}", "copy:v1"));
        assertEquals("loaded", sh(List.of(), "echo loaded").strip());
        assertEquals("from copy", out("run", "--rm", "copy:v1", "echo", "from", "copy"));
        ok("rmi", "copy:v1");
    }

    @Test
    void importTakesAMessageAndAPlatformThatRunChecks() {
        String tarball = dir.resolve("busybox.tar").toString(); // what the store's busybox was imported from
        ok("import", "-m", "from the test", "--platform", "linux/aarch64/v8", tarball, "armbox");
        assertEquals("from the test linux/arm64/v8", out("image", "inspect", "--format",
                "{{.Comment}} {{.Os}}/{{.Architecture}}/{{.Variant}}", "armbox"));
        String host = out("image", "inspect", "--format", "{{.Os}}/{{.Architecture}}", "busybox");
        assertEquals("Imported from busybox.tar", out("image", "inspect", "--format", "{{.Comment}}", "busybox"));
        // run --platform: the image must be of it (Docker's message), and nothing is left behind
        Result wrong = hull("run", "--rm", "--platform", "linux/s390x", "busybox", "true");
        assertEquals(125, wrong.code(), wrong::toString);
        assertEquals("hull: image with reference busybox was found but does not match the specified platform: "
                + "wanted linux/s390x, actual: " + host + "\n", wrong.err());
        assertEquals(List.of(), containers());
        assertEquals("ok", out("run", "--rm", "--platform", host, "busybox", "echo", "ok"));
        Result bad = hull("import", "--platform", "linux//v8", tarball, "nobox");
        assertEquals(1, bad.code(), bad::toString);
        assertTrue(bad.err().contains("--platform linux//v8: expected OS[/ARCH[/VARIANT]]"), bad::toString);
        Result windows = hull("import", "--platform", "windows/amd64", tarball, "nobox");
        assertTrue(windows.err().contains("only linux images can be imported"), windows::toString);
        assertEquals(List.of("armbox:latest", "busybox:latest"),
                out("images", "--format", "{{.Repository}}:{{.Tag}}").lines().sorted().toList());
        ok("rmi", "armbox");
    }

    @Test
    void commitMakesAnImageOfTheContainersChanges() {
        ok("run", "--name", "builder", "-e", "STAGE=built", "busybox", "sh", "-c",
                "echo x > /tmp/new; rm /bin/ls; echo y >> /etc/passwd; rm -rf /home; mkdir -p /home/only; "
                        + "touch /home/only/file; chown 1234:5678 /tmp/new");
        String id = out("commit", "-m", "the build", "-a", "the builder", "-c", "CMD [\"cat\", \"/tmp/new\"]",
                "builder", "built:1");
        assertTrue(id.matches("sha256:[0-9a-f]{64}"), id);
        assertEquals("x", out("run", "--rm", "built:1"));
        // deletions are whiteouts, a directory made anew hides what was under it, owners kept;
        // the container's environment becomes the image's
        assertEquals("gone\ny\nonly\n1234:5678\nbuilt", out("run", "--rm", "built:1", "sh", "-c",
                "test -e /bin/ls || echo gone; tail -n 1 /etc/passwd; ls /home; stat -c %u:%g /tmp/new; echo $STAGE"));
        assertEquals("the build|the builder|[\"cat\",\"/tmp/new\"]|2", out("image", "inspect", "--format",
                "{{.Comment}}|{{.Author}}|{{json .Config.Cmd}}|{{len .RootFS.Layers}}", "built:1"));
        // a running container is paused for the commit, and runs on after it
        String running = sleeper("--name", "live");
        ok("exec", "live", "sh", "-c", "echo live > /tmp/live");
        ok("commit", "live", "live:1");
        assertEquals("running", out("inspect", "--format", "{{.State.Status}}", "live"));
        assertEquals("live", out("run", "--rm", "live:1", "cat", "/tmp/live"));
        ok("rm", "-f", running, "builder");
        ok("rmi", "built:1", "live:1");
        Result bad = hull("commit", "-c", "NOPE x", "nosuch");
        assertEquals(1, bad.code(), bad::toString);
    }

    @Test
    void pruneRemovesWhatNothingUses() {
        ok("run", "--name", "stopped1", "busybox", "sh", "-c", "head -c 5000 /dev/zero > /junk");
        String stoppedId = out("inspect", "--format", "{{.Id}}", "stopped1");
        ok("commit", "stopped1", "unused:1");
        String runner = sleeper("--name", "runner");
        ok("import", dir.resolve("busybox.tar").toString()); // a dangling image: no name
        ok("run", "--name", "volumed", "-v", "/anon", "busybox", "true");
        ok("rm", "volumed"); // without -v: its anonymous volume stays
        String anonymous = out("volume", "ls", "-q");
        assertTrue(anonymous.matches("[0-9a-f]{64}"), anonymous);

        // without -f Docker's question; anything but y keeps everything
        Result no = exec(List.of("sh", "-c", "echo n | " + String.join(" ", hullArgv("container", "prune"))), Duration.ofSeconds(60));
        assertEquals(0, no.code(), no::toString);
        assertTrue(no.out().startsWith("WARNING! This will remove all stopped containers."), no::toString);
        assertEquals(List.of("runner", "stopped1"), out("ps", "-a", "--format", "{{.Names}}").lines().sorted().toList());

        String pruned = out("container", "prune", "-f");
        assertTrue(pruned.startsWith("Deleted Containers:\n" + stoppedId + "\n"), pruned);
        assertTrue(pruned.endsWith("Total reclaimed space: 5kB"), pruned);
        assertEquals(List.of("runner"), out("ps", "-a", "--format", "{{.Names}}").lines().toList());
        // dangling images only, then every image no container uses
        assertTrue(out("image", "prune", "-f").startsWith("Deleted Images:\ndeleted: sha256:"));
        assertEquals(List.of("busybox:latest", "unused:1"),
                out("images", "--format", "{{.Repository}}:{{.Tag}}").lines().sorted().toList());
        assertTrue(out("image", "prune", "-a", "-f").contains("untagged: unused:1"));
        assertEquals(List.of("busybox:latest"), out("images", "--format", "{{.Repository}}:{{.Tag}}").lines().toList());
        // system prune --volumes: the anonymous volume nothing uses goes too
        String system = out("system", "prune", "-f", "--volumes");
        assertTrue(system.contains("Deleted Volumes:\n" + anonymous + "\n"), system);
        assertEquals("", out("volume", "ls", "-q"));
        assertEquals(List.of("runner"), out("ps", "-a", "--format", "{{.Names}}").lines().toList());
        Result filtered = hull("container", "prune", "-f", "--filter", "until=1h");
        assertEquals(1, filtered.code(), filtered::toString);
        assertTrue(filtered.err().contains("--filter: prune filters are not supported yet"), filtered::toString);
        ok("rm", "-f", runner);
    }

    @Test
    void saveWritesToStdoutUnlessItIsATerminal() throws Exception {
        String save = String.join(" ", hullArgv("save", "busybox"));
        Result listed = exec(List.of("sh", "-c", save + " | tar -tf -"), Duration.ofSeconds(60));
        assertEquals(0, listed.code(), listed::toString);
        assertTrue(listed.out().lines().anyMatch(l -> l.equals("manifest.json")), listed::toString);
        ok("tag", "busybox", "piped:v1");
        String savePiped = String.join(" ", hullArgv("save", "piped:v1"));
        ok("rmi", "piped:v1");
        Result back = exec(List.of("sh", "-c", savePiped.replace("piped:v1", "busybox") + " > " + dir.resolve("s.tar")
                + " && " + String.join(" ", hullArgv("load")) + " < " + dir.resolve("s.tar")), Duration.ofSeconds(60));
        assertEquals(0, back.code(), back::toString);
        assertEquals("Loaded image: busybox:latest\n", back.out());
        Result tty = exec(List.of("script", "-qec", save, "/dev/null"), Duration.ofSeconds(60));
        assertEquals(1, tty.code(), tty::toString);
        assertTrue(tty.out().contains("cowardly refusing to save to a terminal"), tty::toString);
    }

    @Test
    void rmiOfAnImageInUseFails() {
        sleeper("--name", "user-of-image");
        Result r = hull("rmi", "busybox");
        assertNotEquals(0, r.code(), r::toString);
        assertTrue(out("images", "--format", "{{.Repository}}:{{.Tag}}").contains("busybox:latest"));
        // with another tag, rmi of one only untags (as Docker), even while a container uses the image
        ok("tag", "busybox", "used:v1");
        ok("rmi", "used:v1");
        assertEquals(List.of("busybox:latest"), out("images", "--format", "{{.Repository}}:{{.Tag}}").lines().toList());
        assertEquals("still", out("exec", "user-of-image", "echo", "still"));
        // not even -f deletes the image of a running container (Docker: "cannot be forced") ...
        String id = out("image", "inspect", "--format", "{{.Id}}", "busybox");
        Result byId = hull("rmi", "-f", id);
        assertEquals(1, byId.code(), byId::toString);
        assertTrue(byId.err().contains("(cannot be forced) - image is being used by running container"), byId::toString);
        // ... and -f of its last name only untags it: the image stays for the container
        ok("tag", "busybox", "last:v1");
        assertEquals("Untagged: last:v1", out("rmi", "-f", "last:v1"));
        assertEquals(id, out("image", "inspect", "--format", "{{.Id}}", id));
        assertEquals("still", out("exec", "user-of-image", "echo", "still"));
    }

    @Test
    void loadsAnOciArchiveMadeBySkopeo() throws Exception {
        Path skopeo = Path.of("/usr/bin/skopeo");
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isExecutable(skopeo), "no skopeo");
        Path docker = dir.resolve("for-skopeo.tar");
        ok("save", "-o", docker.toString(), "busybox");
        Path oci = dir.resolve("oci.tar");
        Result c = exec(List.of(skopeo.toString(), "copy", "-q", "docker-archive:" + docker,
                "oci-archive:" + oci + ":skopeo/bb:oci"), Duration.ofSeconds(60));
        assertEquals(0, c.code(), c::toString);
        ok("load", "-i", oci.toString());
        assertEquals("uid=0(root) gid=0(root)", out("run", "--rm", "skopeo/bb:oci", "id"));
        // an image loaded with its manifest has a digest (--digests), an imported one none
        String digests = out("images", "--digests");
        assertTrue(digests.lines().findFirst().orElse("").matches("REPOSITORY +TAG +DIGEST +IMAGE ID +CREATED +SIZE"), digests);
        String manifest = out("image", "inspect", "--format", "{{index .RepoDigests 0}}", "skopeo/bb:oci");
        assertTrue(manifest.matches("skopeo/bb@sha256:[0-9a-f]{64}"), manifest);
        assertEquals(List.of("busybox <none>", "skopeo/bb " + manifest.substring(manifest.indexOf('@') + 1)),
                out("images", "--format", "{{.Repository}} {{.Digest}}").lines().sorted().toList());
        ok("rmi", "skopeo/bb:oci");
        // hull save's archive is an OCI layout too (Docker 25's shape): skopeo reads it as one
        ok("tag", "busybox", "example.com/oci/box:2");
        Path saved = dir.resolve("oci-saved.tar");
        ok("save", "-o", saved.toString(), "example.com/oci/box:2");
        Path back = dir.resolve("oci-back");
        Result viaOci = exec(List.of(skopeo.toString(), "copy", "-q", "oci-archive:" + saved + ":2",
                "oci:" + back + ":again"), Duration.ofSeconds(60));
        assertEquals(0, viaOci.code(), viaOci::toString);
        Result listed = exec(List.of("tar", "-tf", saved.toString()), Duration.ofSeconds(60));
        assertTrue(listed.out().lines().toList().containsAll(List.of("manifest.json", "index.json", "oci-layout")), listed::toString);
        ok("rmi", "example.com/oci/box:2");
        assertEquals("Loaded image: example.com/oci/box:2", out("load", "-i", saved.toString()));
        assertEquals("oci", out("run", "--rm", "example.com/oci/box:2", "echo", "oci"));
        ok("rmi", "example.com/oci/box:2");
    }

    /** Docker's archive format both ways with a real peer: Podman loads what hull saves, and back. */
    @Test
    void podmanLoadsWhatHullSavesAndBack() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/podman")),
                "podman is not installed (make deps installs it where apt can)");
        ok("tag", "busybox", "example.com/team/box:1.0");
        Path saved = dir.resolve("hull-saved.tar"), back = dir.resolve("podman-saved.tar");
        ok("save", "-o", saved.toString(), "example.com/team/box:1.0");
        Path pr = dir.resolve("podman");
        List<String> podman = List.of("podman", "--root", pr.resolve("root").toString(), "--runroot",
                pr.resolve("run").toString(), "--storage-driver", "vfs", "--events-backend", "none");
        try {
            Result load = exec(cat(podman, "load", "-i", saved.toString()), Duration.ofSeconds(120));
            assertEquals(0, load.code(), load::toString);
            Result ids = exec(cat(podman, "images", "--format", "{{.Repository}}:{{.Tag}} {{.ID}}"), Duration.ofSeconds(60));
            String id = out("image", "inspect", "--format", "{{.Id}}", "busybox").substring(7, 19);
            assertTrue(ids.out().contains("example.com/team/box:1.0 " + id), ids::toString);
            Result save = exec(cat(podman, "save", "-o", back.toString(), "example.com/team/box:1.0"), Duration.ofSeconds(120));
            assertEquals(0, save.code(), save::toString);
        } finally {
            exec(cat(podman, "system", "reset", "-f"), Duration.ofSeconds(120));
        }
        ok("rmi", "example.com/team/box:1.0");
        assertTrue(out("load", "-i", back.toString()).contains("Loaded image: example.com/team/box:1.0"));
        assertEquals("ok", out("run", "--rm", "example.com/team/box:1.0", "echo", "ok"));
        ok("rmi", "example.com/team/box:1.0");
    }

    private static List<String> cat(List<String> a, String... b) {
        List<String> out = new java.util.ArrayList<>(a);
        out.addAll(List.of(b));
        return out;
    }
}
