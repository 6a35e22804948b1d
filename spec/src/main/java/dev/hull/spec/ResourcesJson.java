package dev.hull.spec;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@link Resources} back to the JSON tree of the spec (absent members stay absent), so that the
 * runtime can keep a container's current resources in its state and merge `update`s into them.
 * Unsigned members are written as the unsigned value of their 64 bits.
 */
public final class ResourcesJson {
    private ResourcesJson() {}

    public static Map<String, Object> toJson(Resources r) {
        Map<String, Object> m = new LinkedHashMap<>();
        if (!r.devices().isEmpty()) {
            List<Object> list = new ArrayList<>();
            for (Resources.DeviceRule d : r.devices()) {
                Map<String, Object> o = new LinkedHashMap<>();
                o.put("allow", d.allow());
                put(o, "type", d.type());
                put(o, "major", d.major());
                put(o, "minor", d.minor());
                put(o, "access", d.access());
                list.add(o);
            }
            m.put("devices", list);
        }
        if (r.memory() != null) {
            Resources.Memory x = r.memory();
            Map<String, Object> o = new LinkedHashMap<>();
            put(o, "limit", x.limit());
            put(o, "reservation", x.reservation());
            put(o, "swap", x.swap());
            put(o, "kernel", x.kernel());
            put(o, "kernelTCP", x.kernelTCP());
            putUnsigned(o, "swappiness", x.swappiness());
            put(o, "disableOOMKiller", x.disableOOMKiller());
            put(o, "useHierarchy", x.useHierarchy());
            put(o, "checkBeforeUpdate", x.checkBeforeUpdate());
            m.put("memory", o);
        }
        if (r.cpu() != null) {
            Resources.Cpu x = r.cpu();
            Map<String, Object> o = new LinkedHashMap<>();
            putUnsigned(o, "shares", x.shares());
            put(o, "quota", x.quota());
            putUnsigned(o, "burst", x.burst());
            putUnsigned(o, "period", x.period());
            put(o, "realtimeRuntime", x.realtimeRuntime());
            putUnsigned(o, "realtimePeriod", x.realtimePeriod());
            put(o, "cpus", x.cpus());
            put(o, "mems", x.mems());
            put(o, "idle", x.idle());
            m.put("cpu", o);
        }
        if (r.pids() != null) {
            Map<String, Object> o = new LinkedHashMap<>();
            put(o, "limit", r.pids().limit());
            m.put("pids", o);
        }
        if (r.blockIO() != null) {
            Resources.BlockIO x = r.blockIO();
            Map<String, Object> o = new LinkedHashMap<>();
            put(o, "weight", x.weight());
            put(o, "leafWeight", x.leafWeight());
            if (!x.weightDevice().isEmpty()) {
                List<Object> list = new ArrayList<>();
                for (Resources.WeightDevice d : x.weightDevice()) {
                    Map<String, Object> e = new LinkedHashMap<>();
                    e.put("major", d.major());
                    e.put("minor", d.minor());
                    put(e, "weight", d.weight());
                    put(e, "leafWeight", d.leafWeight());
                    list.add(e);
                }
                o.put("weightDevice", list);
            }
            throttle(o, "throttleReadBpsDevice", x.throttleReadBpsDevice());
            throttle(o, "throttleWriteBpsDevice", x.throttleWriteBpsDevice());
            throttle(o, "throttleReadIOPSDevice", x.throttleReadIOPSDevice());
            throttle(o, "throttleWriteIOPSDevice", x.throttleWriteIOPSDevice());
            m.put("blockIO", o);
        }
        if (!r.hugepageLimits().isEmpty()) {
            List<Object> list = new ArrayList<>();
            for (Resources.HugepageLimit h : r.hugepageLimits()) {
                Map<String, Object> e = new LinkedHashMap<>();
                e.put("pageSize", h.pageSize());
                e.put("limit", h.limit() >= 0 ? (Object) h.limit() : new java.math.BigInteger(Long.toUnsignedString(h.limit())));
                list.add(e);
            }
            m.put("hugepageLimits", list);
        }
        if (r.network() != null) {
            Map<String, Object> o = new LinkedHashMap<>();
            put(o, "classID", r.network().classID());
            if (!r.network().priorities().isEmpty()) {
                List<Object> list = new ArrayList<>();
                for (Resources.Priority p : r.network().priorities()) {
                    Map<String, Object> e = new LinkedHashMap<>();
                    e.put("name", p.name());
                    e.put("priority", p.priority());
                    list.add(e);
                }
                o.put("priorities", list);
            }
            m.put("network", o);
        }
        if (!r.rdma().isEmpty()) {
            Map<String, Object> o = new LinkedHashMap<>();
            for (Map.Entry<String, Resources.Rdma> e : r.rdma().entrySet()) {
                Map<String, Object> d = new LinkedHashMap<>();
                put(d, "hcaHandles", e.getValue().hcaHandles());
                put(d, "hcaObjects", e.getValue().hcaObjects());
                o.put(e.getKey(), d);
            }
            m.put("rdma", o);
        }
        if (!r.unified().isEmpty()) {
            m.put("unified", new LinkedHashMap<>(r.unified()));
        }
        return m;
    }

    private static void throttle(Map<String, Object> o, String key, List<Resources.ThrottleDevice> list) {
        if (list.isEmpty()) {
            return;
        }
        List<Object> out = new ArrayList<>();
        for (Resources.ThrottleDevice d : list) {
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("major", d.major());
            e.put("minor", d.minor());
            e.put("rate", new java.math.BigInteger(Long.toUnsignedString(d.rate())));
            out.add(e);
        }
        o.put(key, out);
    }

    private static void put(Map<String, Object> o, String key, Object v) {
        if (v != null) {
            o.put(key, v);
        }
    }

    private static void putUnsigned(Map<String, Object> o, String key, Long v) {
        if (v != null) {
            o.put(key, v >= 0 ? (Object) v : new java.math.BigInteger(Long.toUnsignedString(v)));
        }
    }
}
