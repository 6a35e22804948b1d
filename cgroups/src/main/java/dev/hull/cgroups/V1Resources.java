package dev.hull.cgroups;

import dev.hull.spec.Resources;
import dev.hull.spec.Resources.BlockIO;
import dev.hull.spec.Resources.Cpu;
import dev.hull.spec.Resources.Memory;
import java.util.function.Consumer;

/**
 * linux.resources on cgroup v1 controllers (v1 and hybrid hosts), in runc's file order. A
 * controller this host lacks is an error when the config asks for it; on a hybrid host one that
 * only the v2 tree has (hugetlb, rdma) is used there, with v2 file names.
 */
final class V1Resources {
    private static final String R = "linux.resources.";

    private V1Resources() {}

    static void apply(Resources r, CgroupFiles f, DeviceRules.Effective devices, boolean update,
                      Consumer<String> warn) throws CgroupException {
        // "allow everything" on a new cgroup is what it inherited already: writing it would only
        // fail for a runtime without CAP_SYS_ADMIN
        boolean nothingToRestrict = devices != null && !update && devices.defaultAllow()
                && devices.exceptions().isEmpty();
        if (devices != null && !nothingToRestrict) {
            CommonResources.require(f, "devices", R + "devices");
            for (String[] w : DeviceRules.v1Writes(devices)) {
                f.write("devices", w[0], w[1], R + "devices");
            }
        }
        memory(r.memory(), f, update, warn);
        cpu(r.cpu(), f);
        if (r.pids() != null && r.pids().limit() != null && r.pids().limit() != 0) {
            CommonResources.require(f, "pids", R + "pids");
            f.write("pids", "pids.max", r.pids().limit() > 0 ? Long.toString(r.pids().limit()) : "max",
                    R + "pids.limit");
        }
        blockIO(r.blockIO(), f);
        CommonResources.hugetlb(r, f);
        network(r.network(), f);
        CommonResources.rdma(r, f);
        if (!r.unified().isEmpty()) {
            if (!f.has("")) {
                throw new CgroupException(R + "unified: cgroup v2 files cannot be set on a cgroup v1 host");
            }
            CommonResources.unified(r.unified(), f);
        }
    }

    private static void memory(Memory m, CgroupFiles f, boolean update, Consumer<String> warn) throws CgroupException {
        if (m == null) {
            return;
        }
        CommonResources.require(f, "memory", R + "memory");
        if (m.kernel() != null) {
            warn.accept(R + "memory.kernel: kernel memory limits are deprecated by the kernel; ignored (as runc does)");
        }
        Long limit = m.limit(), swap = m.swap();
        CommonResources.checkBeforeUpdate(m, f, update, "memory.usage_in_bytes");
        boolean memsw = f.exists("memory", "memory.memsw.limit_in_bytes");
        if (limit != null && limit == -1 && swap == null) {
            swap = -1L; // unlimited memory means unlimited swap too, as in runc
        }
        if (swap != null && swap != 0 && !memsw) {
            if (swap > 0) {
                throw new CgroupException(R + "memory.swap: this host does not account swap "
                        + "(no memory.memsw.limit_in_bytes: boot with swapaccount=1)");
            }
            swap = null;
        }
        if (limit != null && limit != 0 && swap != null && swap != 0) {
            // the kernel wants memory <= memory+swap at every moment: order the two writes
            long current = CommonResources.number(f.read("memory", "memory.limit_in_bytes"));
            if (swap == -1 || Long.compareUnsigned(current, swap) < 0) {
                f.write("memory", "memory.memsw.limit_in_bytes", Long.toString(swap), R + "memory.swap");
                f.write("memory", "memory.limit_in_bytes", Long.toString(limit), R + "memory.limit");
            } else {
                f.write("memory", "memory.limit_in_bytes", Long.toString(limit), R + "memory.limit");
                f.write("memory", "memory.memsw.limit_in_bytes", Long.toString(swap), R + "memory.swap");
            }
        } else {
            if (limit != null && limit != 0) {
                f.write("memory", "memory.limit_in_bytes", Long.toString(limit), R + "memory.limit");
            }
            if (swap != null && swap != 0) {
                f.write("memory", "memory.memsw.limit_in_bytes", Long.toString(swap), R + "memory.swap");
            }
        }
        if (m.reservation() != null && m.reservation() != 0) {
            f.write("memory", "memory.soft_limit_in_bytes", Long.toString(m.reservation()), R + "memory.reservation");
        }
        if (m.kernelTCP() != null && m.kernelTCP() != 0) {
            f.write("memory", "memory.kmem.tcp.limit_in_bytes", Long.toString(m.kernelTCP()), R + "memory.kernelTCP");
        }
        // 2^64-1 is Go's uint64(-1), which runc reads as "not set": the kernel's value stays
        if (m.swappiness() != null && m.swappiness() != -1) {
            if (Long.compareUnsigned(m.swappiness(), 100) > 0) {
                throw new CgroupException(R + "memory.swappiness: " + Long.toUnsignedString(m.swappiness())
                        + " is not between 0 and 100");
            }
            f.write("memory", "memory.swappiness", Long.toString(m.swappiness()), R + "memory.swappiness");
        }
        if (Boolean.TRUE.equals(m.disableOOMKiller())) {
            f.write("memory", "memory.oom_control", "1", R + "memory.disableOOMKiller");
        }
    }

    private static void cpu(Cpu c, CgroupFiles f) throws CgroupException {
        if (c == null) {
            return;
        }
        if (nonZero(c.realtimePeriod()) || nonZero(c.realtimeRuntime())) {
            CommonResources.require(f, "cpu", R + "cpu");
            if (!f.exists("cpu", "cpu.rt_runtime_us")) {
                throw new CgroupException(R + "cpu.realtimeRuntime: this kernel has no realtime group scheduling");
            }
            // the kernel keeps runtime <= period: a period below the current runtime waits for the new runtime
            String rtPeriod = Long.toUnsignedString(c.realtimePeriod() == null ? 0 : c.realtimePeriod());
            boolean rtPeriodLater = nonZero(c.realtimePeriod()) && !CommonResources.writeOrDefer(f, "cpu",
                    "cpu.rt_period_us", rtPeriod, R + "cpu.realtimePeriod", nonZero(c.realtimeRuntime()));
            if (nonZero(c.realtimeRuntime())) {
                f.write("cpu", "cpu.rt_runtime_us", Long.toString(c.realtimeRuntime()), R + "cpu.realtimeRuntime");
                if (rtPeriodLater) {
                    f.write("cpu", "cpu.rt_period_us", rtPeriod, R + "cpu.realtimePeriod");
                }
            }
        }
        // As on v2: an idle group refuses cpu.shares (EINVAL), so leaving idle comes first and a
        // group that stays idle gets no shares (update rewrites every member).
        boolean idle = c.idle() != null && c.idle() != 0;
        if (c.idle() != null && !idle) {
            CommonResources.requireFile(f, "cpu", "cpu.idle", R + "cpu.idle");
            f.write("cpu", "cpu.idle", "0", R + "cpu.idle");
        }
        if (nonZero(c.shares()) && !idle) {
            CommonResources.require(f, "cpu", R + "cpu");
            f.write("cpu", "cpu.shares", Long.toUnsignedString(c.shares()), R + "cpu.shares");
        }
        // runc's order: period, burst, quota. The kernel checks each write against the other two
        // as they are: a shorter period with the old quota can exceed the parent's bandwidth, a
        // burst above the old quota is refused, and so is a quota below the old burst (hence the
        // burst before the quota). Refused periods and bursts are written again after the quota.
        boolean periodLater = false, burstLater = false;
        if (nonZero(c.period())) {
            CommonResources.require(f, "cpu", R + "cpu");
            periodLater = !CommonResources.writeOrDefer(f, "cpu", "cpu.cfs_period_us",
                    Long.toUnsignedString(c.period()), R + "cpu.period", nonZero(c.quota()));
        }
        if (c.burst() != null) {
            CommonResources.requireFile(f, "cpu", "cpu.cfs_burst_us", R + "cpu.burst");
            burstLater = !CommonResources.writeOrDefer(f, "cpu", "cpu.cfs_burst_us",
                    Long.toUnsignedString(c.burst()), R + "cpu.burst", nonZero(c.quota()));
        }
        if (nonZero(c.quota())) {
            CommonResources.require(f, "cpu", R + "cpu");
            f.write("cpu", "cpu.cfs_quota_us", Long.toString(c.quota()), R + "cpu.quota");
            if (periodLater) {
                f.write("cpu", "cpu.cfs_period_us", Long.toUnsignedString(c.period()), R + "cpu.period");
            }
            if (burstLater) {
                f.write("cpu", "cpu.cfs_burst_us", Long.toUnsignedString(c.burst()), R + "cpu.burst");
            }
        }
        if (idle) {
            CommonResources.requireFile(f, "cpu", "cpu.idle", R + "cpu.idle");
            f.write("cpu", "cpu.idle", Long.toString(c.idle()), R + "cpu.idle");
        }
        CommonResources.cpuset(c, f);
    }

    private static void blockIO(BlockIO b, CgroupFiles f) throws CgroupException {
        if (b == null) {
            return;
        }
        CommonResources.require(f, "blkio", R + "blockIO");
        String weightFile = f.exists("blkio", "blkio.weight") ? "blkio.weight" : "blkio.bfq.weight";
        if (b.weight() != null && b.weight() != 0) {
            CommonResources.requireFile(f, "blkio", weightFile, R + "blockIO.weight");
            f.write("blkio", weightFile, Integer.toString(b.weight()), R + "blockIO.weight");
        }
        if (b.leafWeight() != null && b.leafWeight() != 0) {
            CommonResources.requireFile(f, "blkio", "blkio.leaf_weight", R + "blockIO.leafWeight");
            f.write("blkio", "blkio.leaf_weight", Integer.toString(b.leafWeight()), R + "blockIO.leafWeight");
        }
        int i = 0;
        for (Resources.WeightDevice d : b.weightDevice()) {
            String field = R + "blockIO.weightDevice[" + i++ + "]";
            if (d.weight() != null) {
                String file = weightFile + "_device";
                CommonResources.requireFile(f, "blkio", file, field);
                f.write("blkio", file, d.major() + ":" + d.minor() + " " + d.weight(), field);
            }
            if (d.leafWeight() != null) {
                CommonResources.requireFile(f, "blkio", "blkio.leaf_weight_device", field);
                f.write("blkio", "blkio.leaf_weight_device", d.major() + ":" + d.minor() + " " + d.leafWeight(), field);
            }
        }
        throttle(f, b.throttleReadBpsDevice(), "blkio.throttle.read_bps_device", "throttleReadBpsDevice");
        throttle(f, b.throttleWriteBpsDevice(), "blkio.throttle.write_bps_device", "throttleWriteBpsDevice");
        throttle(f, b.throttleReadIOPSDevice(), "blkio.throttle.read_iops_device", "throttleReadIOPSDevice");
        throttle(f, b.throttleWriteIOPSDevice(), "blkio.throttle.write_iops_device", "throttleWriteIOPSDevice");
    }

    private static void throttle(CgroupFiles f, java.util.List<Resources.ThrottleDevice> list, String file,
                                 String key) throws CgroupException {
        int i = 0;
        for (Resources.ThrottleDevice d : list) {
            String field = R + "blockIO." + key + "[" + i++ + "]";
            CommonResources.requireFile(f, "blkio", file, field);
            f.write("blkio", file, d.major() + ":" + d.minor() + " " + Long.toUnsignedString(d.rate()), field);
        }
    }

    private static void network(Resources.Network n, CgroupFiles f) throws CgroupException {
        if (n == null) {
            return;
        }
        if (n.classID() != null) {
            CommonResources.require(f, "net_cls", R + "network.classID");
            f.write("net_cls", "net_cls.classid", Long.toString(n.classID()), R + "network.classID");
        }
        int i = 0;
        for (Resources.Priority p : n.priorities()) {
            String field = R + "network.priorities[" + i++ + "]";
            CommonResources.require(f, "net_prio", field);
            f.write("net_prio", "net_prio.ifpriomap", p.name() + " " + p.priority(), field);
        }
    }

    static boolean nonZero(Long v) {
        return v != null && v != 0;
    }
}
