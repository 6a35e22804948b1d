package dev.hull.engine.container;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hull.engine.EngineException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UsersTest {
    @TempDir
    Path root;

    @BeforeEach
    void files() throws Exception {
        Files.createDirectories(root.resolve("etc"));
        Files.writeString(root.resolve("etc/passwd"), "root:x:0:0:root:/root:/bin/sh\n"
                + "nobody:x:65534:65534:nobody:/nonexistent:/bin/false\napp:x:1000:1000::/home/app:/bin/sh\n");
        Files.writeString(root.resolve("etc/group"), "root:x:0:\nwheel:x:10:app\nnogroup:x:65534:\napp:x:1000:\n"
                + "audio:x:29:app,other\n");
    }

    @Test
    void namesNumbersAndGroups() throws EngineException {
        assertEquals(new Users.User(0, 0, List.of(), "/root"), Users.resolve(root, "", List.of()));
        assertEquals(new Users.User(65534, 65534, List.of(), "/nonexistent"), Users.resolve(root, "nobody", List.of()));
        assertEquals(new Users.User(1000, 1000, List.of(10L, 29L), "/home/app"), Users.resolve(root, "app", List.of()));
        // a uid without an entry works, with group 0 (Docker)
        assertEquals(new Users.User(10000, 20000, List.of(), "/"), Users.resolve(root, "10000:20000", List.of()));
        assertEquals(new Users.User(10000, 0, List.of(), "/"), Users.resolve(root, "10000", List.of()));
        assertEquals(new Users.User(65534, 10, List.of(), "/nonexistent"), Users.resolve(root, "nobody:wheel", List.of()));
        assertEquals(new Users.User(0, 0, List.of(29L, 4242L), "/root"), Users.resolve(root, "root", List.of("audio", "4242")));
    }

    @Test
    void unknownNamesAreErrors() {
        assertTrue(assertThrows(EngineException.class, () -> Users.resolve(root, "ghost", List.of())).getMessage()
                .contains("unable to find user ghost"));
        assertTrue(assertThrows(EngineException.class, () -> Users.resolve(root, "app:ghosts", List.of())).getMessage()
                .contains("unable to find group ghosts"));
        assertTrue(assertThrows(EngineException.class, () -> Users.resolve(root, "root", List.of("ghosts"))).getMessage()
                .contains("ghosts"));
    }

    @Test
    void aSymlinkedPasswdIsReadInsideTheRoot() throws Exception {
        Path outside = Files.createTempFile("passwd", "");
        try {
            Files.writeString(outside, "evil:x:4242:4242::/:/bin/sh\n");
            Files.delete(root.resolve("etc/passwd"));
            Files.createSymbolicLink(root.resolve("etc/passwd"), outside); // absolute: resolved in the root
            assertThrows(EngineException.class, () -> Users.resolve(root, "evil", List.of()));
        } finally {
            Files.delete(outside);
        }
    }
}
