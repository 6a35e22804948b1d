package dev.hull.runtime.security;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hull.runtime.program.SeccompFilter;
import dev.hull.spec.Seccomp;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The cache of compiled filters under --root, with a counting compiler standing in for libseccomp. */
class SeccompCacheTest {
    @TempDir
    Path root;
    int compiled;

    final SeccompFilter.Compiler counting = s -> {
        compiled++;
        return new SeccompFilter(new byte[] {6, 0, 0, 0, (byte) compiled, 0, (byte) 0xff, 0x7f}, 2, true);
    };

    static Seccomp profile(String action) {
        return new Seccomp("SCMP_ACT_ALLOW", null, List.of("SCMP_ARCH_X86_64"), List.of(), null, null,
                List.of(new Seccomp.Syscall(List.of("mkdir"), action, 38L,
                        List.of(new Seccomp.Arg(0, 1, 0, "SCMP_CMP_EQ")))));
    }

    @Test
    void aSecondCompileIsServedFromTheFile() throws Exception {
        SeccompCache c = new SeccompCache(root, counting);
        SeccompFilter a = c.compile(profile("SCMP_ACT_ERRNO"));
        SeccompFilter b = new SeccompCache(root, counting).compile(profile("SCMP_ACT_ERRNO"));
        assertEquals(1, compiled);
        assertArrayEquals(a.bpf(), b.bpf());
        assertEquals(2, b.flags());
        assertTrue(b.notifies());
        Path dir = root.resolve("@seccomp");
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir)));
        try (var s = Files.list(dir)) {
            assertEquals(List.of(c.fileOf(profile("SCMP_ACT_ERRNO"))), s.toList(), "no temporary file is left");
        }
    }

    @Test
    void aMissSweepsOldFormatFilesAndTheOldestEntriesBeyondTheCap() throws Exception {
        Path dir = root.resolve("@seccomp");
        Files.createDirectories(dir);
        Path oldFormat = dir.resolve("ab".repeat(32) + ".bpf");
        Files.writeString(oldFormat, "an entry of the earlier format");
        List<Path> filler = new java.util.ArrayList<>();
        for (int i = 0; i < SeccompCache.MAX_ENTRIES + 5; i++) {
            Path p = dir.resolve(Integer.toHexString(0x1000 + i) + ".bpf");
            Files.writeString(p, "x");
            Files.setLastModifiedTime(p, java.nio.file.attribute.FileTime.fromMillis(1_000_000L + i * 1000L));
            filler.add(p);
        }
        SeccompCache c = new SeccompCache(root, counting);
        c.compile(profile("SCMP_ACT_ERRNO"));
        assertTrue(Files.notExists(oldFormat));
        assertTrue(Files.exists(c.fileOf(profile("SCMP_ACT_ERRNO"))), "the new entry stays");
        try (var s = Files.list(dir)) {
            assertEquals(SeccompCache.MAX_ENTRIES, s.count());
        }
        assertTrue(Files.notExists(filler.get(0)) && Files.notExists(filler.get(5)), "the oldest go");
        assertTrue(Files.exists(filler.get(6)) && Files.exists(filler.get(filler.size() - 1)), "the newest stay");
        // a hit sweeps nothing
        Files.writeString(oldFormat, "again");
        c.compile(profile("SCMP_ACT_ERRNO"));
        assertTrue(Files.exists(oldFormat));
    }

    @Test
    void anotherProfileIsAnotherEntry() throws Exception {
        SeccompCache c = new SeccompCache(root, counting);
        c.compile(profile("SCMP_ACT_ERRNO"));
        c.compile(profile("SCMP_ACT_KILL"));
        assertEquals(2, compiled);
        assertNotEquals(c.fileOf(profile("SCMP_ACT_ERRNO")), c.fileOf(profile("SCMP_ACT_KILL")));
        assertEquals(SeccompCache.canonical(profile("SCMP_ACT_KILL")), SeccompCache.canonical(profile("SCMP_ACT_KILL")));
    }

    @Test
    void aDamagedFileIsCompiledAgain() throws Exception {
        SeccompCache c = new SeccompCache(root, counting);
        c.compile(profile("SCMP_ACT_ERRNO"));
        Files.write(c.fileOf(profile("SCMP_ACT_ERRNO")), new byte[] {1, 2, 3});
        SeccompFilter f = c.compile(profile("SCMP_ACT_ERRNO"));
        assertEquals(2, compiled);
        assertEquals(2, f.bpf()[4]);
        assertEquals(20 + SeccompCache.key(profile("SCMP_ACT_ERRNO")).length + 8,
                Files.size(c.fileOf(profile("SCMP_ACT_ERRNO"))));
    }

    @Test
    void anEntryIsServedOnlyForItsOwnKey() throws Exception {
        // another profile's file under this profile's name (as a hash collision would put it)
        SeccompCache c = new SeccompCache(root, counting);
        c.compile(profile("SCMP_ACT_KILL"));
        Files.copy(c.fileOf(profile("SCMP_ACT_KILL")), c.fileOf(profile("SCMP_ACT_ERRNO")));
        SeccompFilter f = c.compile(profile("SCMP_ACT_ERRNO"));
        assertEquals(2, compiled, "the other profile's filter is not taken");
        assertEquals(2, f.bpf()[4]);
        assertEquals(f.bpf()[4], new SeccompCache(root, counting).compile(profile("SCMP_ACT_ERRNO")).bpf()[4]);
        assertEquals(2, compiled);
    }
}
