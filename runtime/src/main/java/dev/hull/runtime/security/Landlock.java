package dev.hull.runtime.security;

import dev.hull.spec.SpecException;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code dev.hull.landlock} annotation: {@code PATH:RIGHTS[,PATH:RIGHTS...]}, RIGHTS being
 * letters among r (read files, list directories), w (write, truncate, create, remove, rename or
 * link across directories, device ioctls) and x (execute). With it, the container's process is
 * restricted with Landlock just before exec: every filesystem access the kernel's Landlock knows
 * is handled, and only the listed paths (and what is beneath them) get the listed rights.
 * The executor opens each path inside the container's root and drops the rights its kernel does
 * not know, and the directory rights on a path that is a file (LANDLOCK op).
 */
public final class Landlock {
    public static final String ANNOTATION = "dev.hull.landlock";
    public static final String FIELD = "annotations[\"" + ANNOTATION + "\"]";

    // linux/landlock.h, LANDLOCK_ACCESS_FS_*
    public static final long EXECUTE = 1L;
    public static final long WRITE_FILE = 1L << 1;
    public static final long READ_FILE = 1L << 2;
    public static final long READ_DIR = 1L << 3;
    public static final long REMOVE_DIR = 1L << 4;
    public static final long REMOVE_FILE = 1L << 5;
    public static final long MAKE_CHAR = 1L << 6;
    public static final long MAKE_DIR = 1L << 7;
    public static final long MAKE_REG = 1L << 8;
    public static final long MAKE_SOCK = 1L << 9;
    public static final long MAKE_FIFO = 1L << 10;
    public static final long MAKE_BLOCK = 1L << 11;
    public static final long MAKE_SYM = 1L << 12;
    public static final long REFER = 1L << 13;      // ABI 2
    public static final long TRUNCATE = 1L << 14;   // ABI 3
    public static final long IOCTL_DEV = 1L << 15;  // ABI 5

    public static final long READ = READ_FILE | READ_DIR;
    public static final long WRITE = WRITE_FILE | REMOVE_DIR | REMOVE_FILE | MAKE_CHAR | MAKE_DIR
            | MAKE_REG | MAKE_SOCK | MAKE_FIFO | MAKE_BLOCK | MAKE_SYM | REFER | TRUNCATE | IOCTL_DEV;

    /** The rules, in the annotation's order: {@code rights[i]} for {@code paths.get(i)}. */
    public record Rules(List<String> paths, long[] rights) {}

    private Landlock() {}

    /** Parses the annotation's value; errors name the annotation. */
    public static Rules parse(String value) throws SpecException {
        List<String> paths = new ArrayList<>();
        List<Long> rights = new ArrayList<>();
        if (value.trim().isEmpty()) {
            throw new SpecException(FIELD + ": empty; expected PATH:RIGHTS[,PATH:RIGHTS...], e.g. \"/bin:rx,/tmp:rw\"");
        }
        for (String entry : value.split(",")) {
            String rule = entry.trim();
            int colon = rule.lastIndexOf(':');
            if (colon < 0) {
                throw new SpecException(FIELD + ": \"" + rule + "\" has no rights; expected PATH:RIGHTS such as \"/bin:rx\"");
            }
            String path = rule.substring(0, colon);
            String letters = rule.substring(colon + 1);
            if (!path.startsWith("/")) {
                throw new SpecException(FIELD + ": \"" + path + "\" is not an absolute path");
            }
            if (letters.isEmpty()) {
                throw new SpecException(FIELD + ": \"" + rule + "\" has no rights (letters r, w, x)");
            }
            long mask = 0;
            for (int k = 0; k < letters.length(); k++) {
                char c = letters.charAt(k);
                mask |= switch (c) {
                    case 'r' -> READ;
                    case 'w' -> WRITE;
                    case 'x' -> EXECUTE;
                    default -> throw new SpecException(FIELD + ": unknown right '" + c + "' in \"" + rule
                            + "\" (letters r, w, x)");
                };
            }
            paths.add(path);
            rights.add(mask);
        }
        long[] r = new long[rights.size()];
        for (int k = 0; k < r.length; k++) {
            r[k] = rights.get(k);
        }
        return new Rules(List.copyOf(paths), r);
    }
}
