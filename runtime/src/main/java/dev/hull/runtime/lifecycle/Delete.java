package dev.hull.runtime.lifecycle;

import dev.hull.runtime.HullException;
import dev.hull.runtime.state.ContainerRecord;
import dev.hull.runtime.state.StateStore;
import dev.hull.runtime.state.Status;
import java.nio.file.Files;

/**
 * {@code delete [--force] ID}: a stopped container is removed; any other is refused, as the spec
 * requires, unless --force, which kills it first. --force also clears the remains of a create
 * that was killed half way.
 */
public final class Delete {
    private Delete() {}

    @SuppressWarnings("try") // the lock is held for the body, never referenced
    public static void delete(RuntimeContext ctx, String id, boolean force) throws HullException {
        ContainerRecord r;
        try {
            r = ctx.store().load(id);
        } catch (HullException e) {
            if (force && !ctx.store().exists(id)) {
                // no state: maybe a directory left by an aborted create; runc returns success too
                if (Files.isDirectory(ctx.store().dir(id))) {
                    ctx.store().remove(id);
                }
                return;
            }
            throw e;
        }
        try (StateStore.Lock held = ctx.store().lock(id)) {
            Status s = ctx.store().status(r);
            if (s != Status.STOPPED) {
                if (!force) {
                    throw new HullException("cannot delete container " + id + " that is not stopped: " + s.label());
                }
                Teardown.killAll(r, true);
            } else if (!r.ownPidNamespace()) {
                // without a pid namespace of its own, the first process's children outlive it in
                // the cgroup, which then cannot be removed: killed, as runc's destroy does
                Teardown.killAll(r, true);
            }
            Teardown.destroy(ctx, r);
        }
    }
}
