package dev.hull.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hull.image.TestImages.Comp;
import dev.hull.image.TestImages.Tar;
import dev.hull.sys.FileCalls;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The store against real layouts and archives, as root: unpacking, overlay mounts, skopeo and umoci. */
class ImageStoreIT {
    private static final LinkOption NOFOLLOW = LinkOption.NOFOLLOW_LINKS;
    private Path tmp;
    private ImageStore store;

    @BeforeEach
    void setUp() throws Exception {
        tmp = Files.createTempDirectory("hull-image-it-").toRealPath();
        store = ImageStore.open(tmp.resolve("store"));
    }

    @AfterEach
    void tearDown() throws Exception {
        // unmount whatever a failed test left, then check nothing is mounted before removing
        for (String m : Overlay.mountsUnder(tmp).reversed()) {
            FileCalls.umount2(m, FileCalls.MNT_DETACH);
        }
        String mounts = Files.readString(Path.of("/proc/mounts"));
        assertFalse(mounts.contains(tmp.toString()), "a mount is left under " + tmp);
        LayerUnpacker.removeTree(tmp);
    }

    private static byte[] base() throws Exception {
        return new Tar().dir("etc", 0755).file("etc/a", "a").file("etc/b", "b").dir("d", 0755).file("d/old", "old")
                .file("keep", "keep").bytes();
    }

    private static byte[] deleting() throws Exception {
        return new Tar().file("etc/.wh.a", "").dir("d", 0755).file("d/.wh..wh..opq", "").file("d/new", "new").bytes();
    }

    @Test
    void whiteoutAndOpaqueDirInTheMergedView() throws Exception {
        Path layout = tmp.resolve("oci");
        String id = TestImages.ociLayout(layout, List.of(base(), deleting()), Comp.GZIP, "two:layers", null);
        assertEquals(List.of("docker.io/library/two:layers"), List.of(Reference.parse(store.load(layout).get(0)).canonical()));
        Image img = store.resolve("two:layers");
        assertEquals(id, img.id());
        Path top = store.root().resolve("overlay/layers").resolve(LayerStore.key(img.diffIds().get(1))).resolve("diff");
        assertEquals("character special file 0:0", TestImages.run("stat", "-c", "%F %t:%T", top.resolve("etc/a").toString()).trim());
        assertArrayEquals(new byte[] {'y'}, FileCalls.lgetxattr(top.resolve("d").toString(), "trusted.overlay.opaque"));

        Path merged = store.prepareRootfs("c1", img);
        assertTrue(Overlay.mounted(merged));
        assertFalse(Files.exists(merged.resolve("etc/a"), NOFOLLOW));
        assertEquals("b", Files.readString(merged.resolve("etc/b")));
        try (Stream<Path> s = Files.list(merged.resolve("d"))) {
            assertEquals(List.of("new"), s.map(p -> p.getFileName().toString()).toList());
        }
        Files.writeString(merged.resolve("written"), "x"); // goes to the container's upper dir
        assertEquals(merged, store.prepareRootfs("c1", img)); // idempotent
        store.releaseRootfs("c1");
        assertFalse(Overlay.mounted(merged));
        assertFalse(Files.exists(merged.getParent()));
        store.releaseRootfs("c1");
        // removed: both layers by their chain ids, the second sha256("<first> <second diff id>")
        String second = Digests.of((img.diffIds().get(0) + " " + img.diffIds().get(1)).getBytes(java.nio.charset.StandardCharsets.UTF_8));
        assertEquals(List.of("Untagged: two:layers", "Untagged: " + img.repoDigests().get(0), "Deleted: " + id, "Deleted: " + img.diffIds().get(0), "Deleted: " + second),
                store.remove("two:layers", false, x -> false, x -> null));
        assertFalse(Files.exists(top));
    }

    @Test
    void metadataIsPreserved() throws Exception {
        byte[] tar = new Tar().dir("tmp", 01777)
                .file("bin/su", "su", 04755, 1000, 2000, Map.of("user.test", "hello"))
                .hardlink("bin/su2", "bin/su")
                .symlink("bin/sh", "/bin/busybox")
                .device("dev/null", TarArchiveEntry.LF_CHR, 1, 3, 0666)
                .device("dev/sda", TarArchiveEntry.LF_BLK, 8, 0, 0660)
                .device("fifo", TarArchiveEntry.LF_FIFO, 0, 0, 0600)
                .bytes();
        Path layout = tmp.resolve("oci");
        TestImages.ociLayout(layout, List.of(tar), Comp.NONE, "meta:1", null);
        store.load(layout);
        Image img = store.resolve("meta:1");
        Path d = store.root().resolve("overlay/layers").resolve(LayerStore.key(img.diffIds().get(0))).resolve("diff");
        assertEquals("41777", TestImages.run("stat", "-c", "%a", d.resolve("tmp").toString()).trim().replaceFirst("^", "4"));
        assertEquals("4755 1000 2000 2", TestImages.run("stat", "-c", "%a %u %g %h", d.resolve("bin/su").toString()).trim());
        assertEquals(Files.getAttribute(d.resolve("bin/su"), "unix:ino"), Files.getAttribute(d.resolve("bin/su2"), "unix:ino"));
        assertEquals("hello", new String(FileCalls.lgetxattr(d.resolve("bin/su").toString(), "user.test"), StandardCharsets.UTF_8));
        assertEquals(Path.of("/bin/busybox"), Files.readSymbolicLink(d.resolve("bin/sh")));
        assertEquals("character special file 1:3 666", TestImages.run("stat", "-c", "%F %t:%T %a", d.resolve("dev/null").toString()).trim());
        assertEquals("block special file 8:0 660", TestImages.run("stat", "-c", "%F %t:%T %a", d.resolve("dev/sda").toString()).trim());
        assertEquals("fifo 600", TestImages.run("stat", "-c", "%F %a", d.resolve("fifo").toString()).trim());
        assertEquals(1_600_000_000_000L, Files.getLastModifiedTime(d.resolve("bin/su")).toMillis());
        assertEquals(1_600_000_000_000L, Files.getLastModifiedTime(d.resolve("tmp")).toMillis());
    }

    @Test
    void fileCapabilitiesSurviveAsBinaryXattrs() throws Exception {
        Path src = tmp.resolve("src");
        Files.createDirectories(src.resolve("bin"));
        Files.writeString(src.resolve("bin/ping"), "ping");
        TestImages.run("setcap", "cap_setuid,cap_net_raw+ep", src.resolve("bin/ping").toString());
        Path tar = tmp.resolve("layer.tar");
        TestImages.run("tar", "--xattrs", "--xattrs-include=*", "--numeric-owner", "-C", src.toString(), "-cf", tar.toString(), ".");
        Path layout = tmp.resolve("oci");
        TestImages.ociLayout(layout, List.of(Files.readAllBytes(tar)), Comp.GZIP, "caps:1", null);
        store.load(layout);
        Image img = store.resolve("caps:1");
        Path d = store.root().resolve("overlay/layers").resolve(LayerStore.key(img.diffIds().get(0))).resolve("diff");
        assertArrayEquals(FileCalls.lgetxattr(src.resolve("bin/ping").toString(), "security.capability"),
                FileCalls.lgetxattr(d.resolve("bin/ping").toString(), "security.capability"));
    }

    @Test
    void zstdAndPlainLayers() throws Exception {
        for (Comp c : List.of(Comp.ZSTD, Comp.NONE)) {
            Path layout = tmp.resolve("oci-" + c);
            TestImages.ociLayout(layout, List.of(base(), deleting()), c, "comp:" + c.name().toLowerCase(), null);
            store.load(layout);
        }
        Image z = store.resolve("comp:zstd");
        Image p = store.resolve("comp:none");
        assertEquals(z.id(), p.id()); // same config, same diffIDs: one image, two names
        assertEquals(List.of("comp:zstd", "comp:none"), p.repoTags());
        Path merged = store.prepareRootfs("z", z);
        assertEquals("new", Files.readString(merged.resolve("d/new")));
        store.releaseRootfs("z");
    }

    @Test
    void dockerArchiveAndOciArchiveFromSkopeo() throws Exception {
        Path layout = tmp.resolve("oci");
        String id = TestImages.ociLayout(layout, List.of(base(), deleting()), Comp.GZIP, "latest", null);
        Path docker = tmp.resolve("docker.tar");
        Path oci = tmp.resolve("oci.tar");
        TestImages.run("skopeo", "copy", "-q", "oci:" + layout + ":latest", "docker-archive:" + docker + ":example.com/x/y:1.0");
        TestImages.run("skopeo", "copy", "-q", "oci:" + layout + ":latest", "oci-archive:" + oci + ":localhost/ociname:2");
        assertEquals(List.of("example.com/x/y:1.0"), store.load(docker));
        assertEquals(List.of("localhost/ociname:2"), store.load(oci));
        assertEquals(id, store.resolve("example.com/x/y:1.0").id());
        assertEquals(id, store.resolve("localhost/ociname:2").id());
        assertEquals(1, store.list().size());
        // a tag-only ref.name and no io.containerd.image.name: loaded without a name
        ImageStore other = ImageStore.open(tmp.resolve("other"));
        assertEquals(List.of(id), other.load(layout));
    }

    @Test
    void tamperedBlobIsRefusedAndLeavesNothing() throws Exception {
        Path layout = tmp.resolve("oci");
        TestImages.ociLayout(layout, List.of(base(), deleting()), Comp.NONE, "t:1", null);
        // flip one byte of the second layer's blob: same name, other content
        Path victim = null;
        for (Path p : Files.list(layout.resolve("blobs/sha256")).toList()) {
            if (Files.readString(p, StandardCharsets.ISO_8859_1).contains("d/new")) {
                victim = p;
            }
        }
        byte[] b = Files.readAllBytes(victim);
        int at = new String(b, StandardCharsets.ISO_8859_1).indexOf("new", 600);
        b[at] = 'N';
        Files.write(victim, b);
        ImageException e = assertThrows(ImageException.class, () -> store.load(layout));
        assertTrue(e.getMessage().contains(victim.getFileName().toString()), e.getMessage());
        assertEquals(List.of(), store.list());
        try (Stream<Path> s = Files.list(store.root().resolve("overlay/layers"))) {
            assertEquals(0, s.count(), "layers left");
        }
        try (Stream<Path> s = Files.list(store.root().resolve("images/blobs/sha256"))) {
            assertEquals(0, s.count(), "blobs left");
        }
    }

    @Test
    void pathTraversalIsRefused() throws Exception {
        Path outside = tmp.resolve("outside");
        Files.createDirectories(outside);
        List<byte[]> evil = List.of(
                new Tar().file("../escape", "x").bytes(),
                new Tar().symlink("link", outside.toString()).file("link/escape", "x").bytes(),
                new Tar().symlink("link", "..").file("link/escape", "x").bytes(),
                new Tar().hardlink("passwd", "../../../../etc/passwd").bytes(),
                new Tar().symlink("s", "/etc/passwd").hardlink("h", "s").bytes());
        int i = 0;
        for (byte[] t : evil) {
            Path layout = tmp.resolve("evil" + i++);
            TestImages.ociLayout(layout, List.of(t), Comp.NONE, "evil:" + i, null);
            ImageException e = assertThrows(ImageException.class, () -> store.load(layout));
            assertTrue(e.getMessage().contains("entry"), e.getMessage());
        }
        try (Stream<Path> s = Files.list(outside)) {
            assertEquals(0, s.count());
        }
        assertFalse(Files.exists(store.root().resolve("overlay/escape")));
        assertEquals(List.of(), store.list());
    }

    @Test
    void saveThenLoadRoundTrip() throws Exception {
        Path layout = tmp.resolve("oci");
        String id = TestImages.ociLayout(layout, List.of(base(), deleting()), Comp.ZSTD, "example.com/rt:1", null);
        store.load(layout);
        Path saved = tmp.resolve("saved.tar");
        store.save(List.of("example.com/rt:1"), saved);
        ImageStore other = ImageStore.open(tmp.resolve("other"));
        assertEquals(List.of("example.com/rt:1"), other.load(saved));
        Image img = other.resolve("example.com/rt:1");
        assertEquals(id, img.id());
        assertEquals(store.resolve(id).diffIds(), img.diffIds());
        // skopeo reads it as a docker-archive too
        TestImages.run("skopeo", "inspect", "docker-archive:" + saved);
    }

    @Test
    void tagResolveAndRemove() throws Exception {
        Path layout = tmp.resolve("oci");
        String id = TestImages.ociLayout(layout, List.of(base()), Comp.GZIP, "busybox:latest", null);
        store.load(layout);
        store.tag("busybox", "localhost/mine:v1");
        Image img = store.resolve(Digests.hex(id).substring(0, 6));
        assertEquals(List.of("busybox:latest", "localhost/mine:v1"), img.repoTags());
        assertEquals(id, store.resolve("docker.io/library/busybox:latest").id());
        assertEquals(id, store.resolve(id).id());
        assertEquals("No such image: nothere", assertThrows(ImageException.class, () -> store.resolve("nothere")).getMessage());
        assertTrue(store.inspectJson(img).contains("\"Layers\""));

        assertEquals(List.of("Untagged: localhost/mine:v1"), store.remove("localhost/mine:v1", false, x -> true, x -> null));
        ImageException inUse = assertThrows(ImageException.class, () -> store.remove("busybox", false, x -> x.equals(id), x -> null));
        assertTrue(inUse.getMessage().contains("must force"), inUse.getMessage());
        Path merged = store.prepareRootfs("user", img);
        // a running container's image: not even force deletes it; force of its name only untags
        ImageException running = assertThrows(ImageException.class,
                () -> store.remove(id, true, x -> true, x -> "c".repeat(64)));
        assertTrue(running.getMessage().contains("(cannot be forced) - image is being used by running container cccccccccccc"),
                running.getMessage());
        store.tag(id, "localhost/again:v1");
        assertEquals(List.of("Untagged: localhost/again:v1"),
                store.remove("localhost/again:v1", true, x -> true, x -> "c".repeat(64)));
        assertEquals(id, store.resolve(id).id());
        assertEquals(List.of("Untagged: busybox:latest", "Untagged: " + img.repoDigests().get(0), "Deleted: " + id),
                store.remove("busybox", true, x -> true, x -> null));
        assertEquals(List.of(), store.list());
        // the container's layers stay until its rootfs is released
        assertEquals("keep", Files.readString(merged.resolve("keep")));
        store.releaseRootfs("user");
    }

    @Test
    void busyboxImageBuiltWithUmoci() throws Exception {
        Path busybox = Path.of("/bin/busybox");
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isExecutable(busybox), "no /bin/busybox");
        Path layout = tmp.resolve("umoci");
        Path bundle = tmp.resolve("bundle");
        TestImages.run("umoci", "init", "--layout", layout.toString());
        TestImages.run("umoci", "new", "--image", layout + ":latest");
        TestImages.run("umoci", "unpack", "--image", layout + ":latest", bundle.toString());
        Files.createDirectories(bundle.resolve("rootfs/bin"));
        Files.copy(busybox, bundle.resolve("rootfs/bin/busybox"));
        Files.createSymbolicLink(bundle.resolve("rootfs/bin/sh"), Path.of("busybox"));
        TestImages.run("umoci", "repack", "--image", layout + ":latest", bundle.toString());
        TestImages.run("umoci", "config", "--image", layout + ":latest", "--config.cmd", "/bin/sh");
        Path archive = tmp.resolve("bb.tar");
        TestImages.run("skopeo", "copy", "-q", "oci:" + layout + ":latest", "docker-archive:" + archive + ":bb:umoci");
        assertEquals(List.of("bb:umoci"), store.load(archive));
        Image img = store.resolve("bb:umoci");
        assertEquals(List.of("/bin/sh"), img.config().cmd());
        Path merged = store.prepareRootfs("bb", img);
        assertTrue(Files.isExecutable(merged.resolve("bin/busybox")));
        assertEquals("busybox", TestImages.run("chroot", merged.toString(), "/bin/sh", "-c", "echo busybox").trim());
        store.releaseRootfs("bb");
    }

    @Test
    void importRootfsWithChanges() throws Exception {
        Path src = tmp.resolve("src");
        Files.createDirectories(src.resolve("etc"));
        Files.writeString(src.resolve("etc/hostname"), "x");
        Path tar = tmp.resolve("rootfs.tar");
        TestImages.tarDir(src, tar);
        TestImages.run("gzip", tar.toString());
        Image img = store.importRootfs(Path.of(tar + ".gz"), "imported:1",
                Map.of("CMD", "[\"/bin/sh\"]", "ENV", "A=1\nB=2", "WORKDIR", "/srv", "EXPOSE", "80 53/udp"), null, null);
        assertEquals(List.of("imported:1"), img.repoTags());
        assertEquals(List.of("/bin/sh"), img.config().cmd());
        assertEquals(List.of("A=1", "B=2"), img.config().env());
        assertEquals(List.of("80/tcp", "53/udp"), img.config().exposedPorts());
        assertEquals("/srv", img.config().workingDir());
        assertEquals(1, img.diffIds().size());
        assertEquals(img.id(), store.resolve("imported:1").id());
        // the last name of an image with a layer no other image has: Docker's lines, the layer by
        // its chain id (a first layer's is its diff id)
        store.tag("imported:1", "imported:2");
        assertEquals(List.of("Untagged: imported:2"), store.remove("imported:2", false, x -> false, x -> null));
        assertEquals(List.of("Untagged: imported:1", "Deleted: " + img.id(), "Deleted: " + img.diffIds().get(0)),
                store.remove("imported:1", false, x -> false, x -> null));
    }
}
