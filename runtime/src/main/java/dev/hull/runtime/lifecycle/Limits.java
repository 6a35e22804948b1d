package dev.hull.runtime.lifecycle;

import dev.hull.cgroups.DeviceRules;
import dev.hull.runtime.HullException;
import dev.hull.spec.Linux;
import dev.hull.spec.Resources;
import dev.hull.spec.SpecException;
import dev.hull.spec.SpecParser;
import dev.hull.spec.json.Json;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Glue between a container's config and its cgroup: device rules, and resources kept in state. */
public final class Limits {
    private Limits() {}

    /**
     * The config's device rules in order, then runc's AllowedDevices, then the nodes made from
     * linux.devices: a container can always use the devices it was given.
     */
    static List<DeviceRules.Rule> deviceRules(List<Resources.DeviceRule> spec, List<Object> devices) {
        List<DeviceRules.Rule> rules = new ArrayList<>();
        for (Resources.DeviceRule d : spec) {
            rules.add(DeviceRules.of(d));
        }
        rules.addAll(DeviceRules.DEFAULTS);
        for (Object o : devices) {
            Map<?, ?> m = (Map<?, ?>) o;
            rules.add(new DeviceRules.Rule(((String) m.get("type")).charAt(0), ((Number) m.get("major")).longValue(),
                    ((Number) m.get("minor")).longValue(), "rwm", true));
        }
        return rules;
    }

    /** linux.devices as kept in the state (character and block nodes: fifos need no rule). */
    static List<Object> devicesJson(List<Linux.Device> devices) {
        List<Object> out = new ArrayList<>();
        for (Linux.Device d : devices) {
            if (d.type().equals("c") || d.type().equals("u") || d.type().equals("b")) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("type", d.type().equals("b") ? "b" : "c");
                m.put("major", d.major() == null ? 0 : d.major());
                m.put("minor", d.minor() == null ? 0 : d.minor());
                out.add(m);
            }
        }
        return out;
    }

    static Resources parse(Map<String, Object> json) throws HullException {
        try {
            return SpecParser.parseResources(Json.write(json).getBytes(StandardCharsets.UTF_8), "resources");
        } catch (SpecException e) {
            throw new HullException("state: " + e.getMessage());
        }
    }

    /** runc's update: every member the update sets replaces the container's; the rest stays. */
    public static Resources merge(Resources base, Resources over) {
        return new Resources(
                over.devices().isEmpty() ? base.devices() : over.devices(),
                merge(base.memory(), over.memory()),
                merge(base.cpu(), over.cpu()),
                over.pids() != null && over.pids().limit() != null ? over.pids() : base.pids(),
                merge(base.blockIO(), over.blockIO()),
                over.hugepageLimits().isEmpty() ? base.hugepageLimits() : over.hugepageLimits(),
                over.network() != null ? over.network() : base.network(),
                over.rdma().isEmpty() ? base.rdma() : over.rdma(),
                mergeMap(base.unified(), over.unified()));
    }

    private static Resources.Memory merge(Resources.Memory a, Resources.Memory b) {
        if (a == null || b == null) {
            return b == null ? a : b;
        }
        return new Resources.Memory(or(b.limit(), a.limit()), or(b.reservation(), a.reservation()),
                or(b.swap(), a.swap()), or(b.kernel(), a.kernel()), or(b.kernelTCP(), a.kernelTCP()),
                or(b.swappiness(), a.swappiness()), or(b.disableOOMKiller(), a.disableOOMKiller()),
                or(b.useHierarchy(), a.useHierarchy()), or(b.checkBeforeUpdate(), a.checkBeforeUpdate()));
    }

    private static Resources.Cpu merge(Resources.Cpu a, Resources.Cpu b) {
        if (a == null || b == null) {
            return b == null ? a : b;
        }
        return new Resources.Cpu(or(b.shares(), a.shares()), or(b.quota(), a.quota()), or(b.burst(), a.burst()),
                or(b.period(), a.period()), or(b.realtimeRuntime(), a.realtimeRuntime()),
                or(b.realtimePeriod(), a.realtimePeriod()), or(b.cpus(), a.cpus()), or(b.mems(), a.mems()),
                or(b.idle(), a.idle()));
    }

    private static Resources.BlockIO merge(Resources.BlockIO a, Resources.BlockIO b) {
        if (a == null || b == null) {
            return b == null ? a : b;
        }
        return new Resources.BlockIO(or(b.weight(), a.weight()), or(b.leafWeight(), a.leafWeight()),
                b.weightDevice().isEmpty() ? a.weightDevice() : b.weightDevice(),
                b.throttleReadBpsDevice().isEmpty() ? a.throttleReadBpsDevice() : b.throttleReadBpsDevice(),
                b.throttleWriteBpsDevice().isEmpty() ? a.throttleWriteBpsDevice() : b.throttleWriteBpsDevice(),
                b.throttleReadIOPSDevice().isEmpty() ? a.throttleReadIOPSDevice() : b.throttleReadIOPSDevice(),
                b.throttleWriteIOPSDevice().isEmpty() ? a.throttleWriteIOPSDevice() : b.throttleWriteIOPSDevice());
    }

    private static Map<String, String> mergeMap(Map<String, String> a, Map<String, String> b) {
        Map<String, String> m = new LinkedHashMap<>(a);
        m.putAll(b);
        return m;
    }

    private static <T> T or(T preferred, T fallback) {
        return preferred != null ? preferred : fallback;
    }
}
