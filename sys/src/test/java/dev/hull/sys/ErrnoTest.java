package dev.hull.sys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ErrnoTest {

    @Test
    void knownNumbers() {
        assertEquals("EPERM", Errno.name(1));
        assertEquals("Operation not permitted", Errno.message(1));
        assertEquals("EPERM: Operation not permitted", Errno.describe(1));
        assertEquals("ENOENT: No such file or directory", Errno.describe(2));
        assertEquals("EINVAL: Invalid argument", Errno.describe(22));
        assertEquals("ELOOP: Too many levels of symbolic links", Errno.describe(40));
        assertEquals("ENOMSG", Errno.name(42));
        assertEquals("EBFONT", Errno.name(59));
        assertEquals("EBADMSG: Bad message", Errno.describe(74));
        assertEquals("ERFKILL: Operation not possible due to RF-kill", Errno.describe(132));
    }

    @ParameterizedTest
    @ValueSource(ints = {0, -1, 41, 58, 133, 512, 10000, Integer.MAX_VALUE, Integer.MIN_VALUE})
    void unknownNumbers(int n) {
        assertEquals("errno " + n, Errno.name(n));
        assertEquals("Unknown error " + n, Errno.message(n));
        assertEquals("errno " + n + ": Unknown error " + n, Errno.describe(n));
    }

    @Test
    void constantsMatchTheTable() {
        assertEquals("EPERM", Errno.name(Errno.EPERM));
        assertEquals("ENOENT", Errno.name(Errno.ENOENT));
        assertEquals("ESRCH", Errno.name(Errno.ESRCH));
        assertEquals("EINTR", Errno.name(Errno.EINTR));
        assertEquals("EBADF", Errno.name(Errno.EBADF));
        assertEquals("ECHILD", Errno.name(Errno.ECHILD));
        assertEquals("EAGAIN", Errno.name(Errno.EAGAIN));
        assertEquals("EACCES", Errno.name(Errno.EACCES));
        assertEquals("EBUSY", Errno.name(Errno.EBUSY));
        assertEquals("EEXIST", Errno.name(Errno.EEXIST));
        assertEquals("ENOTDIR", Errno.name(Errno.ENOTDIR));
        assertEquals("EISDIR", Errno.name(Errno.EISDIR));
        assertEquals("EINVAL", Errno.name(Errno.EINVAL));
        assertEquals("ENOSPC", Errno.name(Errno.ENOSPC));
        assertEquals("EROFS", Errno.name(Errno.EROFS));
        assertEquals("EPIPE", Errno.name(Errno.EPIPE));
        assertEquals("ENOSYS", Errno.name(Errno.ENOSYS));
        assertEquals("ENOTEMPTY", Errno.name(Errno.ENOTEMPTY));
        assertEquals("ETIMEDOUT", Errno.name(Errno.ETIMEDOUT));
    }

    @Test
    void sysExceptionMessage() {
        SysException e = new SysException("mount /x", 13);
        assertEquals("mount /x: EACCES: Permission denied", e.getMessage());
        assertEquals(13, e.errno());
    }

    /** Every name in the table is the kernel's for that number (directly or as an alias). */
    @Test
    void namesAgreeWithTheKernelHeaders() throws Exception {
        Path base = Path.of("/usr/include/asm-generic/errno-base.h");
        Path more = Path.of("/usr/include/asm-generic/errno.h");
        assumeTrue(Files.isReadable(base) && Files.isReadable(more), "kernel headers not installed");
        Map<String, String> defs = new HashMap<>();
        Pattern p = Pattern.compile("^#define\\s+(E[A-Z0-9]+)\\s+(\\w+)", Pattern.MULTILINE);
        for (Path f : new Path[] {base, more}) {
            Matcher m = p.matcher(Files.readString(f));
            while (m.find()) {
                defs.put(m.group(1), m.group(2));
            }
        }
        defs.put("ENOTSUP", "EOPNOTSUPP"); // glibc's alias (bits/errno.h)
        int checked = 0;
        for (int n = 1; n <= 200; n++) {
            String name = Errno.name(n);
            if (name.startsWith("errno ")) {
                continue;
            }
            String v = name;
            for (int hop = 0; hop < 3 && v != null && !v.matches("\\d+"); hop++) {
                v = defs.get(v);
            }
            assertEquals(Integer.toString(n), v, name + " is not " + n + " in the kernel headers");
            checked++;
        }
        assertTrue(checked > 120, "checked " + checked);
    }
}
