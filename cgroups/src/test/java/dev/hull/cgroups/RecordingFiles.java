package dev.hull.cgroups;

import dev.hull.sys.Errno;
import java.nio.file.FileSystemException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A stand-in for the kernel's cgroup files (youki's recording test double): the controllers the
 * container's cgroup has, the files that exist and what they hold, every write attempted in
 * order, and the writes the "kernel" refuses — always, once, or by a rule that looks at the
 * current values the way the kernel checks a new limit against the others.
 *
 * <p>Like a cgroupfs, a write to a file that does not exist fails with ENOENT (no O_CREAT), and
 * a write that succeeds replaces the file's content, so that later reads and rules see it.
 *
 * <p>On a v1 double every controller has its own directory ("memory/memory.limit_in_bytes"); a
 * v2 double has one directory for all ("memory.max"), as the unified hierarchy does, and the
 * controllers are what its cgroup.controllers lists. The key "" is the v2 directory itself.
 */
final class RecordingFiles implements CgroupFiles {
    /** A write attempt; {@code errno} is 0 when it succeeded. */
    record Write(String controller, String file, String value, String field, int errno) {}

    /** The kernel's verdict on a write given the current content: an errno, or 0 to accept it. */
    interface Kernel {
        int check(RecordingFiles state, String controller, String file, String value);
    }

    private final boolean v2;
    private final Set<String> controllers = new HashSet<>();
    private final Map<String, String> files = new LinkedHashMap<>();
    private final Map<String, Integer> failAlways = new HashMap<>();
    private final Map<String, Integer> failOnce = new HashMap<>();
    private final List<Kernel> kernel = new ArrayList<>();
    final List<Write> writes = new ArrayList<>();
    final List<String> reads = new ArrayList<>();

    private RecordingFiles(boolean v2) {
        this.v2 = v2;
    }

    /** A v1 (or hybrid, once "" is added as a controller) cgroup: one directory per controller. */
    static RecordingFiles v1() {
        return new RecordingFiles(false);
    }

    /** A v2 cgroup: one directory; {@code has("")} is always true. */
    static RecordingFiles v2() {
        RecordingFiles f = new RecordingFiles(true);
        f.controllers.add("");
        return f;
    }

    RecordingFiles controllers(String... names) {
        controllers.addAll(List.of(names));
        return this;
    }

    RecordingFiles without(String controller) {
        controllers.remove(controller);
        return this;
    }

    /** A file that exists with this content. */
    RecordingFiles file(String controller, String file, String content) {
        files.put(key(controller, file), content);
        return this;
    }

    RecordingFiles file(String controller, String file) {
        return file(controller, file, "");
    }

    RecordingFiles remove(String controller, String file) {
        files.remove(key(controller, file));
        return this;
    }

    /** Every write to this file fails with this errno. */
    RecordingFiles failWrites(String controller, String file, int errno) {
        failAlways.put(key(controller, file), errno);
        return this;
    }

    /** The next write to this file fails with this errno; later ones succeed. */
    RecordingFiles failNextWrite(String controller, String file, int errno) {
        failOnce.put(key(controller, file), errno);
        return this;
    }

    RecordingFiles kernel(Kernel rule) {
        kernel.add(rule);
        return this;
    }

    /** The current content of a file, or null when it does not exist. */
    String content(String controller, String file) {
        return files.get(key(controller, file));
    }

    /** The writes as "controller/file=value" (v2: "file=value"), failed ones marked with their errno. */
    List<String> log() {
        List<String> out = new ArrayList<>();
        for (Write w : writes) {
            out.add(key(w.controller(), w.file()) + "=" + w.value()
                    + (w.errno() == 0 ? "" : " (" + Errno.name(w.errno()) + ")"));
        }
        return out;
    }

    /** The fields named by the writes, in order. */
    List<String> fields() {
        List<String> out = new ArrayList<>();
        for (Write w : writes) {
            out.add(w.field());
        }
        return out;
    }

    private String key(String controller, String file) {
        return v2 || controller.isEmpty() ? file : controller + "/" + file;
    }

    private String path(String controller, String file) {
        return "/fake/" + (v2 || controller.isEmpty() ? "unified/" : controller + "/") + file;
    }

    @Override
    public boolean has(String controller) {
        return controllers.contains(controller);
    }

    @Override
    public boolean exists(String controller, String file) {
        return has(controller) && files.containsKey(key(controller, file));
    }

    @Override
    public String read(String controller, String file) throws CgroupException {
        reads.add(key(controller, file));
        String v = files.get(key(controller, file));
        if (!has(controller) || v == null) {
            throw new CgroupException("read " + path(controller, file) + ": " + Errno.describe(Errno.ENOENT));
        }
        return v.trim();
    }

    @Override
    public void write(String controller, String file, String value, String field) throws CgroupException {
        if (!has(controller)) {
            // what Cgroup's files say when no hierarchy has the controller
            throw new CgroupException(field + ": the " + controller + " cgroup controller is not available on this host");
        }
        String k = key(controller, file);
        int errno = 0;
        if (!files.containsKey(k)) {
            errno = Errno.ENOENT;
        } else if (failOnce.containsKey(k)) {
            errno = failOnce.remove(k);
        } else if (failAlways.containsKey(k)) {
            errno = failAlways.get(k);
        } else {
            for (Kernel rule : kernel) {
                errno = rule.check(this, controller, file, value);
                if (errno != 0) {
                    break;
                }
            }
        }
        writes.add(new Write(controller, file, value, field, errno));
        if (errno != 0) {
            String p = path(controller, file);
            // the same message, and the same cause (the JDK reports errno only by its text), as Cgroup's files
            throw new CgroupException(field + ": write " + value + " to " + p + ": " + Errno.describe(errno),
                    new FileSystemException(p, null, Errno.message(errno)));
        }
        files.put(k, value);
    }

    /** A number as the kernel shows a limit: "max" and -1 are unlimited. */
    static long limit(String s) {
        String t = s.trim();
        return t.equals("max") || t.equals("-1") ? Long.MAX_VALUE : Long.parseLong(t);
    }
}
