package dev.hull.runtime.rootfs;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Lookups in a container's /etc/passwd, read through {@link RootfsPaths}. */
public final class Passwd {
    private Passwd() {}

    /** The home directory of uid in the rootfs's /etc/passwd, or "/" as runc falls back to. */
    public static String home(Path rootfs, long uid) {
        try {
            Path f = RootfsPaths.resolve(rootfs, "/etc/passwd");
            if (!Files.isRegularFile(f)) {
                return "/";
            }
            String text = new String(Files.readAllBytes(f), StandardCharsets.UTF_8);
            for (String line : text.split("\n")) {
                String[] p = line.split(":", -1);
                if (p.length >= 6 && p[2].equals(Long.toString(uid)) && !p[5].isEmpty()) {
                    return p[5];
                }
            }
        } catch (IOException e) {
            // unreadable: the default applies
        }
        return "/";
    }
}
