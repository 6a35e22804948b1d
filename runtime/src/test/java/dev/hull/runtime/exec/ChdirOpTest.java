package dev.hull.runtime.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hull.runtime.program.Op;
import dev.hull.runtime.program.SetupProgram;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The executor's CHDIR (process.cwd, CVE-2024-21626), run by a real executor under a broker: it
 * needs no root, as "/" stands in for the container's root. The check of getcwd(2) against a
 * directory outside the root needs a chroot, hence root: EscapeIT covers it.
 */
class ChdirOpTest {
    static final int ELOOP = 40, ENOENT = 2, ENOTDIR = 20;

    @TempDir
    Path tmp;

    /** Runs a program of one CHDIR step; null when it finished, else its failure. */
    static ExecutorFailure chdir(String path) throws Exception {
        SetupProgram p = new SetupProgram();
        p.add(Op.CHDIR, "change to process.cwd " + path).s(path).done();
        try (Executor ex = Executor.start(p)) {
            try {
                ex.expect(Message.DONE, "changing directory");
                return null;
            } catch (ExecutorFailure f) {
                return f;
            } finally {
                ex.awaitExit();
            }
        }
    }

    @Test
    void directoryInsideTheRootIsTheCwd() throws Exception {
        Files.createDirectories(tmp.resolve("a/b"));
        assertEquals(null, chdir(tmp.resolve("a/b").toString()));
        // ".." cannot climb above the root: /../.. is /
        assertEquals(null, chdir("/../../.." + tmp.resolve("a")));
        // plain symlinks are followed (inside the root)
        Files.createSymbolicLink(tmp.resolve("link"), tmp.resolve("a/b"));
        assertEquals(null, chdir(tmp.resolve("link").toString()));
    }

    @Test
    void magicLinksAreRefusedAndTheFieldIsNamed() throws Exception {
        // /proc/self/fd/N is how a leaked host fd would be reached; cwd and root are magic too
        for (String path : new String[] {"/proc/self/fd/0", "/proc/self/cwd", "/proc/self/root",
            "/proc/self/cwd/."}) {
            ExecutorFailure f = chdir(path);
            assertTrue(f != null, path + " was accepted");
            assertEquals(ELOOP, f.errno(), f.getMessage());
            assertEquals(Op.CHDIR, f.op());
            assertEquals("step 0 (change to process.cwd " + path + "): process.cwd " + path
                    + ": a magic link (/proc/.../fd, cwd, root) or too many symlinks: ELOOP: Too many levels of symbolic links",
                    f.getMessage());
        }
        // a symlink to a magic link is no way round it
        Files.createSymbolicLink(tmp.resolve("fd"), Path.of("/proc/self/fd/0"));
        assertEquals(ELOOP, chdir(tmp.resolve("fd").toString()).errno());
    }

    @Test
    void missingOrNotADirectoryFails() throws Exception {
        ExecutorFailure f = chdir(tmp.resolve("missing").toString());
        assertEquals(ENOENT, f.errno());
        assertTrue(f.getMessage().contains("process.cwd " + tmp.resolve("missing")), f.getMessage());
        Files.writeString(tmp.resolve("file"), "x");
        assertEquals(ENOTDIR, chdir(tmp.resolve("file").toString()).errno());
    }
}
