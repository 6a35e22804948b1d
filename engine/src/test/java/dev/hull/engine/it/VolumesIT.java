package dev.hull.engine.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Docker in Action ch. 4 and 6 examples on storage: named volumes, copy-up, volumes-from, tmpfs, ro binds. */
class VolumesIT extends EngineTest {

    @Test
    void namedVolumePersistsAndIsManaged() throws Exception {
        sh(List.of("-v", "data:/data"), "echo persisted > /data/f");
        assertEquals("persisted", sh(List.of("-v", "data:/data"), "cat /data/f"));
        assertTrue(out("volume", "ls", "-q").lines().toList().contains("data"));
        JsonNode v = JSON.readTree(out("volume", "inspect", "data")).get(0);
        assertEquals("data", v.get("Name").asText());
        Path mountpoint = Path.of(v.get("Mountpoint").asText());
        assertEquals("persisted\n", Files.readString(mountpoint.resolve("f")), "the volume's data on the host");

        sleeper("--name", "holder", "-v", "data:/data");
        Result inUse = hull("volume", "rm", "data");
        assertNotEquals(0, inUse.code(), inUse::toString);
        assertTrue(Files.exists(mountpoint.resolve("f")));
        // --volumes-from: the same volume at the same place
        assertEquals("persisted", sh(List.of("--volumes-from", "holder"), "cat /data/f"));
        ok("rm", "-f", "holder");
        ok("volume", "rm", "data");
        assertTrue(!out("volume", "ls", "-q").lines().toList().contains("data"));
        assertTrue(!Files.exists(mountpoint));
    }

    @Test
    void newVolumeOverAnImageDirectoryGetsItsContent() throws Exception {
        String s = sh(List.of("-v", "etcvol:/etc"), "cat /etc/passwd | head -1; grep ' /etc ' /proc/self/mountinfo | wc -l");
        assertEquals("root:x:0:0:root:/root:/bin/sh\n1", s);
        JsonNode v = JSON.readTree(out("volume", "inspect", "etcvol")).get(0);
        assertTrue(Files.readString(Path.of(v.get("Mountpoint").asText()).resolve("passwd")).contains("nobody"));
        ok("volume", "rm", "etcvol");
    }

    @Test
    void tmpfsMountWithASize() {
        String s = sh(List.of("--mount", "type=tmpfs,target=/t,tmpfs-size=1m"),
                "grep ' /t ' /proc/self/mountinfo | cut -d' ' -f9-; df -k /t | tail -1 | awk '{print $2}'");
        List<String> l = s.lines().toList();
        assertTrue(l.get(0).startsWith("tmpfs ") && l.get(0).contains("size=1024k"), s);
        assertEquals("1024", l.get(1));
    }

    @Test
    void readOnlyBind() throws Exception {
        Path host = Files.createDirectories(dir.resolve("ro-src"));
        Files.writeString(host.resolve("r"), "readable\n");
        String s = sh(List.of("-v", host + ":/c:ro"), "cat /c/r; touch /c/x 2>&1; echo rc=$?");
        assertEquals("readable\ntouch: /c/x: Read-only file system\nrc=1", s);
        assertTrue(!Files.exists(host.resolve("x")));
    }
}
