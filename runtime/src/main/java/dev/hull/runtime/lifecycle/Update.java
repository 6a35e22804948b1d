package dev.hull.runtime.lifecycle;

import dev.hull.cgroups.Cgroup;
import dev.hull.cgroups.CgroupException;
import dev.hull.cgroups.CgroupMode;
import dev.hull.cgroups.DeviceFilter;
import dev.hull.cgroups.DeviceRules;
import dev.hull.runtime.HullException;
import dev.hull.runtime.exec.Executor;
import dev.hull.runtime.exec.ExecutorFailure;
import dev.hull.runtime.exec.Message;
import dev.hull.runtime.program.Op;
import dev.hull.runtime.program.SetupProgram;
import dev.hull.runtime.state.ContainerRecord;
import dev.hull.runtime.state.StateStore;
import dev.hull.runtime.state.Status;
import dev.hull.spec.Resources;
import dev.hull.spec.ResourcesJson;
import java.io.IOException;

/**
 * {@code update}: changes the resources of a container that exists (created, running or paused).
 * Whatever the update sets replaces the container's value; the rest stays; the result is what
 * the state keeps for the next update. The device list is rewritten only when the update gives
 * one, so that a running container does not lose its devices for a moment on every update.
 */
public final class Update {
    private Update() {}

    @SuppressWarnings("try") // the lock is held for the body
    public static void update(RuntimeContext ctx, String id, Resources changes) throws HullException {
        ContainerRecord r = ctx.store().load(id);
        try (StateStore.Lock held = ctx.store().lock(id)) {
            Status s = ctx.store().status(r);
            if (s == Status.STOPPED || r.pid() <= 0) {
                throw new HullException("container " + id + " is not running: cannot update it");
            }
            Resources merged = Limits.merge(Limits.parse(r.resources()), changes);
            Cgroup cg = Teardown.cgroup(r);
            DeviceRules.Effective access = changes.devices().isEmpty() ? null
                    : DeviceRules.compute(Limits.deviceRules(merged.devices(), r.devices()));
            cg.apply(merged, access, true, ctx.log());
            if (access != null && cg.mode() == CgroupMode.V2) {
                attachFilter(cg, access);
            }
            ctx.store().save(r.withResources(ResourcesJson.toJson(merged)));
        } catch (CgroupException e) {
            throw new HullException(e.getMessage());
        }
    }

    /** The executor replaces the cgroup's eBPF device program (attach the new, detach the old). */
    private static void attachFilter(Cgroup cg, DeviceRules.Effective access) throws HullException {
        SetupProgram p = new SetupProgram();
        p.add(Op.DEVICE_FILTER, "replace the device filter (linux.resources.devices)")
                .s(cg.dirs().get("").toString()).b(DeviceFilter.program(access)).done();
        try (Executor ex = Executor.start(p)) {
            ex.expect(Message.DONE, "replacing the device filter");
        } catch (ExecutorFailure f) {
            throw new HullException(f.getMessage());
        } catch (IOException e) {
            throw new HullException("update: " + e.getMessage());
        }
    }
}
