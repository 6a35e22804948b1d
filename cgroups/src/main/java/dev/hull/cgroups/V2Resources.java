package dev.hull.cgroups;

import dev.hull.spec.Resources;
import dev.hull.spec.Resources.BlockIO;
import dev.hull.spec.Resources.Cpu;
import dev.hull.spec.Resources.Memory;
import java.util.function.Consumer;

/**
 * linux.resources on a cgroup v2 host, with runc's conversions (shares to weight, blkio weight
 * to io.weight, memory+swap to swap). The device list is enforced by an eBPF program that the
 * executor attaches (DeviceFilter), not here.
 */
final class V2Resources {
    private static final String R = "linux.resources.";

    private V2Resources() {}

    static void apply(Resources r, CgroupFiles f, boolean update, Consumer<String> warn) throws CgroupException {
        memory(r.memory(), f, update, warn);
        cpu(r.cpu(), f);
        if (r.pids() != null && r.pids().limit() != null && r.pids().limit() != 0) {
            CommonResources.require(f, "pids", R + "pids");
            f.write("pids", "pids.max", r.pids().limit() > 0 ? Long.toString(r.pids().limit()) : "max",
                    R + "pids.limit");
        }
        io(r.blockIO(), f, warn);
        CommonResources.hugetlb(r, f);
        if (r.network() != null && (r.network().classID() != null || !r.network().priorities().isEmpty())) {
            throw new CgroupException(R + "network: net_cls and net_prio do not exist on cgroup v2");
        }
        CommonResources.rdma(r, f);
        CommonResources.unified(r.unified(), f);
    }

    /** runc's ConvertCPUSharesToCgroupV2Value: shares 2..262144 onto weight 1..10000. */
    static long weightOfShares(long shares) {
        return shares == 0 ? 0 : 1 + ((shares - 2) * 9999) / 262142;
    }

    /** runc's ConvertBlkIOToIOWeightValue: blkio weight 10..1000 onto io.weight 1..10000. */
    static long ioWeightOfBlkio(long weight) {
        return weight == 0 ? 0 : 1 + (weight - 10) * 9999 / 990;
    }

    private static void memory(Memory m, CgroupFiles f, boolean update, Consumer<String> warn) throws CgroupException {
        if (m == null) {
            return;
        }
        CommonResources.require(f, "memory", R + "memory");
        if (m.kernel() != null) {
            warn.accept(R + "memory.kernel: cgroup v2 has no kernel memory limit; ignored");
        }
        if (m.kernelTCP() != null) {
            warn.accept(R + "memory.kernelTCP: cgroup v2 has no kernel TCP memory limit; ignored");
        }
        if (m.swappiness() != null) {
            warn.accept(R + "memory.swappiness: cgroup v2 has no per-cgroup swappiness; ignored");
        }
        if (Boolean.TRUE.equals(m.disableOOMKiller())) {
            warn.accept(R + "memory.disableOOMKiller: cgroup v2 cannot disable the OOM killer; ignored");
        }
        Long limit = m.limit(), swap = m.swap();
        CommonResources.checkBeforeUpdate(m, f, update, "memory.current");
        // the spec's swap is memory+swap; v2's memory.swap.max is the swap alone
        String swapMax = null;
        if (swap != null && swap != 0) {
            if (swap == -1) {
                swapMax = "max";
            } else if (limit == null || limit <= 0) {
                throw new CgroupException(R + "memory.swap: a swap limit needs a memory limit on cgroup v2");
            } else if (swap < limit) {
                throw new CgroupException(R + "memory.swap: " + swap + " (memory+swap) is below memory.limit " + limit);
            } else {
                swapMax = Long.toString(swap - limit);
            }
        } else if (limit != null && limit == -1) {
            swapMax = "max";
        }
        if (swapMax != null && f.exists("memory", "memory.swap.max")) {
            f.write("memory", "memory.swap.max", swapMax, R + "memory.swap");
        } else if (swapMax != null && !swapMax.equals("max") && !swapMax.equals("0")) {
            // without swap accounting, "no limit" and "no swap" (swap equal to the memory limit)
            // already hold: runc skips them; only a real swap limit cannot be honoured
            throw new CgroupException(R + "memory.swap: this host does not account swap (no memory.swap.max)");
        }
        if (limit != null && limit != 0) {
            f.write("memory", "memory.max", limit == -1 ? "max" : Long.toString(limit), R + "memory.limit");
        }
        if (m.reservation() != null && m.reservation() != 0) {
            f.write("memory", "memory.low", m.reservation() == -1 ? "max" : Long.toString(m.reservation()),
                    R + "memory.reservation");
        }
    }

    private static void cpu(Cpu c, CgroupFiles f) throws CgroupException {
        if (c == null) {
            return;
        }
        if (V1Resources.nonZero(c.realtimePeriod()) || V1Resources.nonZero(c.realtimeRuntime())) {
            throw new CgroupException(R + "cpu.realtimeRuntime: cgroup v2 has no realtime group scheduling");
        }
        // An idle group has the minimum weight: the kernel refuses cpu.weight writes to it
        // (EINVAL) and resets its weight whenever it enters or leaves idle. So leaving idle comes
        // before the weight, and a group that is to stay idle gets no weight: update rewrites
        // every member, and would otherwise fail on a container once made idle.
        boolean idle = c.idle() != null && c.idle() != 0;
        if (c.idle() != null && !idle) {
            idle(c, f);
        }
        if (V1Resources.nonZero(c.shares()) && !idle) {
            CommonResources.require(f, "cpu", R + "cpu");
            f.write("cpu", "cpu.weight", Long.toString(weightOfShares(c.shares())), R + "cpu.shares");
        }
        // runc's order: the burst, then cpu.max. The kernel keeps burst <= quota on each write: a
        // quota below the old burst is refused, and a burst above the old quota, which is then
        // written again after cpu.max.
        boolean max = V1Resources.nonZero(c.quota()) || V1Resources.nonZero(c.period());
        boolean burstLater = false;
        if (c.burst() != null) {
            CommonResources.requireFile(f, "cpu", "cpu.max.burst", R + "cpu.burst");
            burstLater = !CommonResources.writeOrDefer(f, "cpu", "cpu.max.burst", Long.toUnsignedString(c.burst()),
                    R + "cpu.burst", max);
        }
        if (max) {
            CommonResources.require(f, "cpu", R + "cpu");
            String v = c.quota() != null && c.quota() > 0 ? Long.toString(c.quota()) : "max";
            if (V1Resources.nonZero(c.period())) {
                v += " " + Long.toUnsignedString(c.period());
            }
            f.write("cpu", "cpu.max", v, R + "cpu.quota");
            if (burstLater) {
                f.write("cpu", "cpu.max.burst", Long.toUnsignedString(c.burst()), R + "cpu.burst");
            }
        }
        if (idle) {
            idle(c, f);
        }
        CommonResources.cpuset(c, f);
    }

    /** The burst the cgroup has now; 0 (a new cgroup's) when it cannot be read. */
    private static void idle(Cpu c, CgroupFiles f) throws CgroupException {
        CommonResources.requireFile(f, "cpu", "cpu.idle", R + "cpu.idle");
        f.write("cpu", "cpu.idle", Long.toString(c.idle()), R + "cpu.idle");
    }

    private static void io(BlockIO b, CgroupFiles f, Consumer<String> warn) throws CgroupException {
        if (b == null) {
            return;
        }
        CommonResources.require(f, "io", R + "blockIO");
        boolean bfq = f.exists("io", "io.bfq.weight");
        if (b.weight() != null && b.weight() != 0) {
            if (bfq) {
                f.write("io", "io.bfq.weight", Integer.toString(b.weight()), R + "blockIO.weight");
            } else {
                CommonResources.requireFile(f, "io", "io.weight", R + "blockIO.weight");
                f.write("io", "io.weight", "default " + ioWeightOfBlkio(b.weight()), R + "blockIO.weight");
            }
        }
        if (b.leafWeight() != null && b.leafWeight() != 0) {
            warn.accept(R + "blockIO.leafWeight: cgroup v2 has no leaf weight; ignored");
        }
        int i = 0;
        for (Resources.WeightDevice d : b.weightDevice()) {
            String field = R + "blockIO.weightDevice[" + i++ + "]";
            if (d.weight() != null) {
                String file = bfq ? "io.bfq.weight" : "io.weight";
                CommonResources.requireFile(f, "io", file, field);
                long w = bfq ? d.weight() : ioWeightOfBlkio(d.weight());
                f.write("io", file, d.major() + ":" + d.minor() + " " + w, field);
            }
        }
        max(f, b.throttleReadBpsDevice(), "rbps", "throttleReadBpsDevice");
        max(f, b.throttleWriteBpsDevice(), "wbps", "throttleWriteBpsDevice");
        max(f, b.throttleReadIOPSDevice(), "riops", "throttleReadIOPSDevice");
        max(f, b.throttleWriteIOPSDevice(), "wiops", "throttleWriteIOPSDevice");
    }

    private static void max(CgroupFiles f, java.util.List<Resources.ThrottleDevice> list, String key, String field)
            throws CgroupException {
        int i = 0;
        for (Resources.ThrottleDevice d : list) {
            String fld = R + "blockIO." + field + "[" + i++ + "]";
            CommonResources.requireFile(f, "io", "io.max", fld);
            f.write("io", "io.max", d.major() + ":" + d.minor() + " " + key + "="
                    + (d.rate() == 0 ? "max" : Long.toUnsignedString(d.rate())), fld);
        }
    }
}
