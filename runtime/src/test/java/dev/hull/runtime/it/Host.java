package dev.hull.runtime.it;

import dev.hull.sys.KernelFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/** Facts about the machine the integration tests run on, and /proc readers for assertions. */
public final class Host {
    /** The checkout: -Dhull.top from the failsafe configuration, else the parent of runtime/. */
    public static final Path TOP = Path.of(System.getProperty("hull.top", "..")).toAbsolutePath().normalize();
    public static final Path HULL = TOP.resolve("bin/hull-runtime");
    /**
     * What /proc/PID/exe of the front, an executor or a container not yet exec'd shows: the
     * sealed memfd copy of hull-exec they all run from (native/src/sealed.c).
     */
    public static final String EXECUTOR_EXE = "/memfd:hull-exec (deleted)";

    private Host() {}

    public static boolean isRoot() {
        return "0".equals(status("self").getOrDefault("Uid", "x").split("\\s+")[0]);
    }

    public static boolean hasRunc() {
        return Files.isExecutable(Path.of("/usr/sbin/runc")) || Files.isExecutable(Path.of("/usr/bin/runc"));
    }

    public static String runc() {
        return Files.isExecutable(Path.of("/usr/sbin/runc")) ? "/usr/sbin/runc" : "/usr/bin/runc";
    }

    /** /proc/PID/status as a map ("CapEff" -> "00000000a80425fb"). PID may be "self". */
    public static Map<String, String> status(Object pid) {
        Map<String, String> m = new HashMap<>();
        for (String line : read("/proc/" + pid + "/status").split("\n")) {
            int c = line.indexOf(':');
            if (c > 0) {
                m.put(line.substring(0, c), line.substring(c + 1).trim());
            }
        }
        return m;
    }

    /** The inode of a namespace, "net:[4026531840]". */
    public static String ns(Object pid, String type) {
        try {
            return Files.readSymbolicLink(Path.of("/proc/" + pid + "/ns/" + type)).toString();
        } catch (IOException e) {
            throw new AssertionError("cannot read /proc/" + pid + "/ns/" + type + ": " + e);
        }
    }

    public static String read(String path) {
        try {
            return KernelFiles.read(Path.of(path));
        } catch (IOException e) {
            throw new AssertionError("cannot read " + path + ": " + e);
        }
    }

    public static boolean alive(long pid) {
        return Files.exists(Path.of("/proc/" + pid)) && !status(pid).getOrDefault("State", "Z").startsWith("Z");
    }
}
