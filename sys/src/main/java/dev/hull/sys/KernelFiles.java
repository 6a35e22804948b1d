package dev.hull.sys;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Reading /proc and /sys files. They report size 0 and some (the sysctl integers such as
 * /proc/sys/kernel/cap_last_cap) answer only the first read(2): Files.readString reads them one
 * byte at a time and gets "4" for "40". One large read is what the kernel expects.
 */
public final class KernelFiles {
    private KernelFiles() {}

    public static String read(Path p) throws IOException {
        try (InputStream in = Files.newInputStream(p)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /** The content without surrounding whitespace (the trailing newline). */
    public static String readTrimmed(Path p) throws IOException {
        return read(p).trim();
    }
}
