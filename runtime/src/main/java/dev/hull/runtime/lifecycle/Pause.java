package dev.hull.runtime.lifecycle;

import dev.hull.cgroups.CgroupException;
import dev.hull.runtime.HullException;
import dev.hull.runtime.state.ContainerRecord;
import dev.hull.runtime.state.Status;

/** {@code pause} and {@code resume}: the v1 freezer or v2 cgroup.freeze of the container's cgroup. */
public final class Pause {
    private Pause() {}

    public static void pause(RuntimeContext ctx, String id) throws HullException {
        ContainerRecord r = ctx.store().load(id);
        Status s = ctx.store().status(r);
        if (s != Status.RUNNING) {
            throw new HullException("container " + id + " is " + s.label() + ": only a running container can be paused");
        }
        try {
            Teardown.cgroup(r).freeze();
        } catch (CgroupException e) {
            throw new HullException("pause: " + e.getMessage());
        }
    }

    public static void resume(RuntimeContext ctx, String id) throws HullException {
        ContainerRecord r = ctx.store().load(id);
        Status s = ctx.store().status(r);
        if (s != Status.PAUSED) {
            throw new HullException("container " + id + " is " + s.label() + ", not paused");
        }
        try {
            Teardown.cgroup(r).thaw();
        } catch (CgroupException e) {
            throw new HullException("resume: " + e.getMessage());
        }
    }
}
