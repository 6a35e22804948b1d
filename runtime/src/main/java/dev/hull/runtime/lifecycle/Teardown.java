package dev.hull.runtime.lifecycle;

import dev.hull.cgroups.Cgroup;
import dev.hull.cgroups.CgroupException;
import dev.hull.cgroups.CgroupMode;
import dev.hull.runtime.HullException;
import dev.hull.runtime.state.ContainerRecord;
import dev.hull.runtime.state.StateStore;
import dev.hull.runtime.state.Status;
import dev.hull.sys.ProcStat;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Stopping a container for good and removing everything it had: processes, cgroup, state. */
final class Teardown {
    private Teardown() {}

    static Cgroup cgroup(ContainerRecord r) {
        CgroupMode mode = switch (r.cgroupMode()) {
            case "v1" -> CgroupMode.V1;
            case "v2" -> CgroupMode.V2;
            default -> CgroupMode.HYBRID;
        };
        return Cgroup.restore(mode, r.cgroupDirs());
    }

    /**
     * SIGKILLs the container's first process and, with {@code wholeCgroup}, everything in its
     * cgroup, and waits until they are gone. ProcessHandle sends the signal: no FFM handle is
     * needed on this path.
     */
    static void killAll(ContainerRecord r, boolean wholeCgroup) {
        Cgroup cg = cgroup(r);
        long deadline = System.nanoTime() + 10_000_000_000L;
        for (int round = 0; ; round++) {
            List<Long> pids = new ArrayList<>();
            if (r.pid() > 0 && StateStore.alive(r)) {
                pids.add(r.pid());
            }
            if (wholeCgroup) {
                try {
                    pids.addAll(cg.pids());
                } catch (CgroupException e) {
                    // no cgroup left: nothing more to find there
                }
            }
            List<Long> living = new ArrayList<>();
            for (long p : pids) {
                ProcStat st = ProcStat.read(p);
                if (st != null && st.alive()) {
                    living.add(p);
                }
            }
            if (living.isEmpty() || System.nanoTime() > deadline) {
                return;
            }
            for (long pid : living) {
                Optional<ProcessHandle> h = ProcessHandle.of(pid);
                if (h.isPresent()) {
                    h.get().destroyForcibly();
                }
            }
            if (round == 0) {
                thaw(r); // frozen processes cannot act on SIGKILL until thawed
            }
            try {
                Thread.sleep(Math.min(1 + round * 2L, 20));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private static void thaw(ContainerRecord r) {
        try {
            String v1 = r.cgroupDirs().get("freezer");
            if (v1 != null && java.nio.file.Files.exists(Path.of(v1, "freezer.state"))) {
                java.nio.file.Files.writeString(Path.of(v1, "freezer.state"), "THAWED");
            }
            String v2 = r.cgroupDirs().get("");
            if ("v2".equals(r.cgroupMode()) && v2 != null && java.nio.file.Files.exists(Path.of(v2, "cgroup.freeze"))) {
                java.nio.file.Files.writeString(Path.of(v2, "cgroup.freeze"), "0");
            }
        } catch (java.io.IOException e) {
            // not frozen, or already gone
        }
    }

    /** Removes the cgroup and the state directory, then runs the poststop hooks (which may only warn). */
    static void destroy(RuntimeContext ctx, ContainerRecord r) throws HullException {
        try {
            List<Path> created = new ArrayList<>();
            for (String s : r.cgroupCreated()) {
                created.add(Path.of(s));
            }
            cgroup(r).destroy(created);
        } catch (CgroupException e) {
            // keep the state: a later delete --force can finish the job
            throw new HullException(e.getMessage());
        }
        ctx.store().remove(r.id());
        try {
            HookRunner.run(r.poststop(), "poststop", OciState.bytes(r, Status.STOPPED));
        } catch (HullException e) {
            ctx.log().warn(e.getMessage()); // the spec: a failing poststop hook is only logged
        }
    }
}
