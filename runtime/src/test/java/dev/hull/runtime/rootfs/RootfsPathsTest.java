package dev.hull.runtime.rootfs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RootfsPathsTest {
    @TempDir
    Path tmp;
    Path root;

    @BeforeEach
    void rootfs() throws IOException {
        root = Files.createDirectories(tmp.resolve("rootfs"));
        Files.createDirectories(root.resolve("etc"));
        Files.createDirectories(root.resolve("usr/lib"));
        Files.writeString(root.resolve("etc/passwd"), "root:x:0:0::/root:/bin/sh\n");
    }

    private Path resolve(String path) throws IOException {
        return RootfsPaths.resolve(root, path);
    }

    private void link(String at, String target) throws IOException {
        Files.createSymbolicLink(root.resolve(at), Path.of(target));
    }

    @Test
    void plainPaths() throws IOException {
        assertEquals(root.resolve("etc/passwd"), resolve("/etc/passwd"));
        assertEquals(root.resolve("etc/passwd"), resolve("etc/passwd"));
        assertEquals(root.resolve("etc/passwd"), resolve("//etc/./passwd/"));
        assertEquals(root, resolve("/"));
        assertEquals(root, resolve(""));
        assertEquals(root.resolve("not/there/yet"), resolve("/not/there/yet"), "missing paths are fine");
    }

    @Test
    void dotDotClampsAtTheRoot() throws IOException {
        assertEquals(root.resolve("etc"), resolve("/../../../etc"));
        assertEquals(root.resolve("etc/passwd"), resolve("/usr/../../etc/passwd"));
        assertEquals(root, resolve("/.."));
        assertEquals(root.resolve("usr"), resolve("/usr/lib/.."));
    }

    @Test
    void absoluteLinkStaysInTheRoot() throws IOException {
        link("etc/hostname", "/etc/passwd");
        assertEquals(root.resolve("etc/passwd"), resolve("/etc/hostname"));
        link("lib", "/usr/lib");
        assertEquals(root.resolve("usr/lib/libc.so"), resolve("/lib/libc.so"));
        link("host", "/");
        assertEquals(root.resolve("etc"), resolve("/host/etc"));
    }

    @Test
    void relativeLinkStaysInTheRoot() throws IOException {
        link("usr/lib/up", "../../../../../../../../etc");
        assertEquals(root.resolve("etc/passwd"), resolve("/usr/lib/up/passwd"));
        link("lib64", "usr/lib");
        assertEquals(root.resolve("usr/lib/x"), resolve("/lib64/x"));
        link("usr/lib/sibling", "./../lib/../../etc");
        assertEquals(root.resolve("etc"), resolve("/usr/lib/sibling"));
    }

    @Test
    void dotDotAfterALinkIsAppliedToItsTarget() throws IOException {
        Files.createDirectories(root.resolve("a/b"));
        link("l", "/a/b");
        assertEquals(root.resolve("a"), resolve("/l/.."), "as the kernel does: .. of the target, not of /l");
    }

    @Test
    void chainsOfLinks() throws IOException {
        link("one", "two");
        link("two", "/three");
        link("three", "etc/passwd");
        assertEquals(root.resolve("etc/passwd"), resolve("/one"));
    }

    @Test
    void fortyLinksAreFineFortyOneAreNot() throws IOException {
        for (int k = 0; k < 40; k++) {
            link("l" + k, k == 39 ? "/etc" : "l" + (k + 1));
        }
        assertEquals(root.resolve("etc"), resolve("/l0"));
        link("l40", "l0");
        IOException e = assertThrows(IOException.class, () -> resolve("/l40"));
        assertTrue(e.getMessage().startsWith("too many levels of symbolic links"), e.getMessage());
    }

    @Test
    void loopsAreDetected() throws IOException {
        link("a", "b");
        link("b", "/a");
        assertThrows(IOException.class, () -> resolve("/a"));
        link("self", "self");
        assertThrows(IOException.class, () -> resolve("/self/x"));
        link("etc/up", "..");
        assertEquals(root.resolve("etc/passwd"), resolve("/etc/up/etc/up/etc/passwd"), "a link to a parent is no loop");
    }

    @Test
    void theHostIsNeverReached() throws IOException {
        link("escape", "../../../../..");
        Path p = resolve("/escape/etc/passwd");
        assertEquals(root.resolve("etc/passwd"), p);
        assertTrue(p.startsWith(root));
    }

    @Test
    void exists() throws IOException {
        assertTrue(RootfsPaths.exists(resolve("/etc/passwd")));
        assertFalse(RootfsPaths.exists(resolve("/etc/shadow")));
        link("dangling", "/nowhere");
        assertTrue(RootfsPaths.exists(root.resolve("dangling")), "a link itself exists");
    }

    @Test
    void passwdHome() throws IOException {
        Files.writeString(root.resolve("etc/passwd"), """
                root:x:0:0:root:/root:/bin/sh
                # a comment
                broken line
                u:x:1000:1000::/home/u:/bin/sh
                empty:x:1001:1001:::/bin/sh
                """);
        assertEquals("/root", Passwd.home(root, 0));
        assertEquals("/home/u", Passwd.home(root, 1000));
        assertEquals("/", Passwd.home(root, 1001));
        assertEquals("/", Passwd.home(root, 5));
        assertEquals("/", Passwd.home(tmp.resolve("no-such-rootfs"), 0));
    }
}
