package dev.hull.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ReferenceTest {
    private static void norm(String in, String canonical, String familiar) throws ImageException {
        Reference r = Reference.parse(in);
        assertEquals(canonical, r.canonical(), in);
        assertEquals(familiar, r.familiar(), in);
    }

    @Test
    void normalisesAsDocker() throws ImageException {
        norm("busybox", "docker.io/library/busybox:latest", "busybox:latest");
        norm("busybox:1.36", "docker.io/library/busybox:1.36", "busybox:1.36");
        norm("docker.io/library/busybox:latest", "docker.io/library/busybox:latest", "busybox:latest");
        norm("index.docker.io/library/busybox", "docker.io/library/busybox:latest", "busybox:latest");
        norm("x/y", "docker.io/x/y:latest", "x/y:latest");
        norm("localhost/x:y", "localhost/x:y", "localhost/x:y");
        norm("localhost:5000/a/b", "localhost:5000/a/b:latest", "localhost:5000/a/b:latest");
        norm("quay.io/podman/hello:v1", "quay.io/podman/hello:v1", "quay.io/podman/hello:v1");
        String d = "sha256:" + "a".repeat(64);
        norm("busybox@" + d, "docker.io/library/busybox@" + d, "busybox@" + d);
    }

    @Test
    void refusesInvalidReferences() {
        for (String bad : List.of("", "UPPER", "a:b:c", "a/", "busybox:", "x@sha256:12", "a//b", "-a", "a:" + "t".repeat(129))) {
            ImageException e = assertThrows(ImageException.class, () -> Reference.parse(bad), bad);
            assertTrue(e.getMessage().startsWith("invalid reference format"), e.getMessage());
        }
    }

    @Test
    void changesFollowDockerfileForms() throws ImageException {
        ImageConfig c = Changes.apply(ImageConfig.EMPTY, Map.of("CMD", "echo hi", "ENTRYPOINT", "[\"/init\"]",
                "LABEL", "a=b\nc=\"d e\"", "VOLUME", "[\"/data\"]", "USER", "1000:1000", "STOPSIGNAL", "SIGINT"));
        assertEquals(List.of("/bin/sh", "-c", "echo hi"), c.cmd());
        assertEquals(List.of("/init"), c.entrypoint());
        assertEquals(Map.of("a", "b", "c", "d e"), c.labels());
        assertEquals(List.of("/data"), c.volumes());
        assertEquals("1000:1000", c.user());
        assertEquals("SIGINT", c.stopSignal());
        assertThrows(ImageException.class, () -> Changes.apply(ImageConfig.EMPTY, Map.of("RUN", "x")));
        assertThrows(ImageException.class, () -> Changes.apply(ImageConfig.EMPTY, Map.of("EXPOSE", "http")));
    }

    @Test
    void entryNamesAreCleaned() throws ImageException {
        assertEquals("a/b", LayerUnpacker.clean("./a//b/", "l"));
        assertEquals("", LayerUnpacker.clean("./", "l"));
        assertThrows(ImageException.class, () -> LayerUnpacker.clean("/etc/passwd", "l"));
        assertThrows(ImageException.class, () -> LayerUnpacker.clean("a/../../b", "l"));
    }

    @Test
    void overlayOptionsMustFitInAPage() throws ImageException {
        java.nio.file.Path l = java.nio.file.Path.of("/var/lib/hull/overlay/layers/0123456789abcdef/diff");
        String o = Overlay.options(List.of(l, l), java.nio.file.Path.of("/u"), java.nio.file.Path.of("/w"));
        assertEquals("lowerdir=" + l + ":" + l + ",upperdir=/u,workdir=/w,index=off,metacopy=on", o);
        ImageException e = assertThrows(ImageException.class,
                () -> Overlay.options(java.util.Collections.nCopies(100, l), java.nio.file.Path.of("/u"), java.nio.file.Path.of("/w")));
        assertTrue(e.getMessage().contains("more than a page"), e.getMessage());
    }

    @Test
    void theGrammarsPartsWrittenOut() {
        for (String ok : new String[] {"a", "a0", "a.b", "a_b", "a__b", "a-b", "a---b", "a.b-c__d"}) {
            org.junit.jupiter.api.Assertions.assertTrue(Reference.isComponent(ok), ok);
        }
        for (String bad : new String[] {"", "A", "_a", "a_", "a..b", "a___b", "a.-b", "-a", "a-", "a/b", "a b"}) {
            org.junit.jupiter.api.Assertions.assertFalse(Reference.isComponent(bad), bad);
        }
        for (String ok : new String[] {"localhost", "localhost:5000", "my-registry.example.io", "REG.io:443", "[::1]:5000", "[fe80::1]"}) {
            org.junit.jupiter.api.Assertions.assertTrue(Reference.isDomain(ok), ok);
        }
        for (String bad : new String[] {"-bad.io", "bad-.io", "a..io", "host:", "host:p1", "[::1", "[]", "a_b.io"}) {
            org.junit.jupiter.api.Assertions.assertFalse(Reference.isDomain(bad), bad);
        }
        org.junit.jupiter.api.Assertions.assertTrue(Reference.isTag("v1.2_3-rc"));
        org.junit.jupiter.api.Assertions.assertFalse(Reference.isTag(".v1"));
        org.junit.jupiter.api.Assertions.assertFalse(Reference.isTag("x".repeat(129)));
        org.junit.jupiter.api.Assertions.assertTrue(Reference.isDigest("sha256:" + "ab".repeat(32)));
        org.junit.jupiter.api.Assertions.assertFalse(Reference.isDigest("sha256:" + "AB".repeat(32)));
    }
}
