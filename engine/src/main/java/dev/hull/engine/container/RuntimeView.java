package dev.hull.engine.container;

import dev.hull.engine.Engine;
import dev.hull.runtime.HullException;
import dev.hull.runtime.state.ContainerRecord;
import dev.hull.runtime.state.StateStore;
import dev.hull.runtime.state.Status;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** What the runtime knows of a container's process: its state record, status and OOM kills. */
public final class RuntimeView {
    private RuntimeView() {}

    public static ContainerRecord record(Engine engine, String id) {
        StateStore store = engine.runtime().store();
        if (!store.exists(id)) {
            return null;
        }
        try {
            return store.load(id);
        } catch (HullException e) {
            return null;
        }
    }

    /** The runtime's status, STOPPED when it has no such container. */
    public static Status status(Engine engine, String id) {
        ContainerRecord r = record(engine, id);
        return r == null ? Status.STOPPED : engine.runtime().store().status(r);
    }

    public static boolean alive(Engine engine, String id) {
        Status s = status(engine, id);
        return s == Status.RUNNING || s == Status.PAUSED || s == Status.CREATED || s == Status.CREATING;
    }

    /** Did the kernel's OOM killer kill a process of the container's cgroup? */
    public static boolean oomKilled(ContainerRecord r) {
        if (r == null) {
            return false;
        }
        String v1 = r.cgroupDirs().get("memory");
        String v2 = r.cgroupDirs().get("");
        try {
            if (v1 != null && Files.exists(Path.of(v1, "memory.oom_control"))) {
                return counter(Files.readString(Path.of(v1, "memory.oom_control")), "oom_kill") > 0;
            }
            if (v2 != null && Files.exists(Path.of(v2, "memory.events"))) {
                return counter(Files.readString(Path.of(v2, "memory.events")), "oom_kill") > 0;
            }
        } catch (IOException e) {
            return false;
        }
        return false;
    }

    private static long counter(String text, String key) {
        for (String line : text.split("\n")) {
            if (line.startsWith(key + " ")) {
                try {
                    return Long.parseLong(line.substring(key.length() + 1).trim());
                } catch (NumberFormatException e) {
                    return 0;
                }
            }
        }
        return 0;
    }
}
