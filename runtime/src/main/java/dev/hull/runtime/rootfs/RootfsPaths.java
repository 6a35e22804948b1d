package dev.hull.runtime.rootfs;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Resolves a path inside a root filesystem the way the kernel would after chroot: symlinks are
 * followed, but absolute targets and ".." stay inside the root. Used by the runtime to read files
 * of the container (such as /etc/passwd) from the host without being led out of the rootfs.
 * The executor does its own resolution with openat2(RESOLVE_IN_ROOT); this is the Java twin for
 * reads done before the container exists.
 */
public final class RootfsPaths {
    private static final int MAX_LINKS = 40;

    private RootfsPaths() {}

    /** The host path of {@code path} inside {@code root}; it may not exist. */
    public static Path resolve(Path root, String path) throws IOException {
        Deque<String> todo = new ArrayDeque<>();
        push(todo, path);
        Deque<String> done = new ArrayDeque<>();
        int links = 0;
        while (!todo.isEmpty()) {
            String part = todo.pop();
            if (part.isEmpty() || part.equals(".")) {
                continue;
            }
            if (part.equals("..")) {
                done.pollLast();
                continue;
            }
            Path candidate = build(root, done).resolve(part);
            if (Files.isSymbolicLink(candidate)) {
                if (++links > MAX_LINKS) {
                    throw new IOException("too many levels of symbolic links: " + path);
                }
                String target = Files.readSymbolicLink(candidate).toString();
                if (target.startsWith("/")) {
                    done.clear();
                }
                push(todo, target);
                continue;
            }
            done.addLast(part);
        }
        return build(root, done);
    }

    private static void push(Deque<String> todo, String path) {
        String[] parts = path.split("/");
        for (int i = parts.length - 1; i >= 0; i--) {
            todo.push(parts[i]);
        }
    }

    private static Path build(Path root, Deque<String> parts) {
        Path p = root;
        for (String s : parts) {
            p = p.resolve(s);
        }
        return p;
    }

    /** True when the resolved path is an existing regular file or directory (not a link). */
    public static boolean exists(Path resolved) {
        return Files.exists(resolved, LinkOption.NOFOLLOW_LINKS);
    }
}
