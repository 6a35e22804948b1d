package dev.hull.runtime.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** process.ioPriority and process.scheduler (runtime-spec 1.2), read back from the kernel. */
class SchedulingIT extends ContainerTest {

    @Test
    void ioPriorityIsApplied() {
        TestBundle b = bundle();
        b.set("process.ioPriority", TestBundle.obj("class", "IOPRIO_CLASS_BE", "priority", 6));
        String id = startSleeper(b);
        Cmd.Result r = Cmd.run("ionice", "-p", Long.toString(pid(id)));
        assertEquals("best-effort: prio 6", r.out().trim(), r.toString());
        ok("delete", "--force", id);
    }

    @Test
    void schedulerPolicyAndNiceAreApplied() {
        TestBundle b = bundle();
        b.set("process.scheduler", TestBundle.obj("policy", "SCHED_BATCH", "nice", 7));
        String id = startSleeper(b);
        long pid = pid(id);
        Cmd.Result r = Cmd.run("chrt", "-p", Long.toString(pid));
        assertTrue(r.out().contains("SCHED_BATCH"), r.toString());
        String[] stat = Host.read("/proc/" + pid + "/stat").substring(Host.read("/proc/" + pid + "/stat").lastIndexOf(')') + 2).split(" ");
        assertEquals("7", stat[16], "nice is field 19 of /proc/<pid>/stat");
        ok("delete", "--force", id);
    }

    @Test
    void schedulerFlagsAreApplied() {
        TestBundle b = bundle();
        b.set("process.scheduler", TestBundle.obj("policy", "SCHED_IDLE",
                "flags", List.of("SCHED_FLAG_RESET_ON_FORK")));
        String id = startSleeper(b);
        Cmd.Result r = Cmd.run("chrt", "-p", Long.toString(pid(id)));
        assertTrue(r.out().contains("SCHED_IDLE|SCHED_RESET_ON_FORK"), r.toString());
        ok("delete", "--force", id);
    }

    /**
     * With RT group scheduling (this kernel), a new cpu cgroup has no realtime budget
     * (cpu.rt_runtime_us 0) until linux.resources.cpu.realtimeRuntime gives it one: the kernel
     * refuses SCHED_FIFO, and the error names the step.
     */
    @Test
    void realTimePolicyWithoutABudgetFailsClearly() {
        TestBundle b = bundle();
        b.set("process.scheduler", TestBundle.obj("policy", "SCHED_FIFO", "priority", 10));
        Cmd.Result r = hull("run", "--bundle", b.dir.toString(), newId());
        assertEquals(1, r.code());
        assertTrue(r.err().matches("(?s)hull-runtime: step \\d+ \\(set the scheduler SCHED_FIFO\\): "
                + "sched_setattr\\(policy 1, priority 10, nice 0\\): EPERM: Operation not permitted\n"), r.err());
    }

    @Test
    void unknownPolicyIsRefused() {
        TestBundle b = bundle();
        b.set("process.scheduler", TestBundle.obj("policy", "SCHED_FAST"));
        Cmd.Result r = hull("run", "--bundle", b.dir.toString(), newId());
        assertEquals(1, r.code());
        assertTrue(r.err().contains("process.scheduler.policy"), r.err());
    }
}
