package dev.hull.runtime.lifecycle;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.hull.cgroups.DeviceRules;
import dev.hull.cgroups.DeviceRules.Rule;
import dev.hull.runtime.HullException;
import dev.hull.spec.Linux;
import dev.hull.spec.Resources;
import dev.hull.spec.ResourcesJson;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** update's merge into the resources a container has, and the device rules a container gets. */
class LimitsTest {
    static final Resources.ThrottleDevice T1 = new Resources.ThrottleDevice(8, 0, 1024);
    static final Resources.ThrottleDevice T2 = new Resources.ThrottleDevice(8, 16, 2048);

    static Resources base() {
        return new Resources(
                List.of(new Resources.DeviceRule(false, null, null, null, "rwm")),
                new Resources.Memory(1073741824L, 536870912L, 2147483648L, null, null, 60L, true, null, null),
                new Resources.Cpu(1024L, 50000L, null, 100000L, null, null, "0-1", "0", null),
                new Resources.Pids(100L),
                new Resources.BlockIO(500, null, List.of(new Resources.WeightDevice(8, 0, 100, null)), List.of(T1),
                        List.of(T1), null, null),
                List.of(new Resources.HugepageLimit("2MB", 4194304)),
                new Resources.Network(7L, List.of(new Resources.Priority("eth0", 1))),
                Map.of("mlx4_0", new Resources.Rdma(1L, 2L)),
                Map.of("memory.high", "1000", "pids.max", "50"));
    }

    static final Resources NOTHING = Resources.EMPTY;

    @Test
    void anEmptyUpdateChangesNothing() {
        assertEquals(base(), Limits.merge(base(), NOTHING));
        assertEquals(base(), Limits.merge(NOTHING, base()));
        assertEquals(NOTHING, Limits.merge(NOTHING, NOTHING));
    }

    /** runc's update: a member the update sets wins, every other member stays. */
    @Test
    void setMembersWinOthersStay() {
        Resources over = new Resources(null,
                new Resources.Memory(2147483648L, null, null, null, null, null, false, null, true),
                new Resources.Cpu(null, -1L, 1000L, null, null, null, null, "1", null),
                new Resources.Pids(-1L),
                new Resources.BlockIO(null, 20, null, null, null, null, null),
                null, null, null, null);
        Resources m = Limits.merge(base(), over);
        assertEquals(new Resources.Memory(2147483648L, 536870912L, 2147483648L, null, null, 60L, false, null, true),
                m.memory());
        assertEquals(new Resources.Cpu(1024L, -1L, 1000L, 100000L, null, null, "0-1", "1", null), m.cpu());
        assertEquals(new Resources.Pids(-1L), m.pids());
        assertEquals(new Resources.BlockIO(500, 20, List.of(new Resources.WeightDevice(8, 0, 100, null)), List.of(T1),
                List.of(T1), null, null), m.blockIO());
        assertEquals(base().devices(), m.devices());
        assertEquals(base().hugepageLimits(), m.hugepageLimits());
        assertEquals(base().network(), m.network());
        assertEquals(base().rdma(), m.rdma());
        assertEquals(base().unified(), m.unified());
    }

    @Test
    void aPidsObjectWithoutALimitKeepsTheLimit() {
        Resources over = new Resources(null, null, null, new Resources.Pids(null), null, null, null, null, null);
        assertEquals(new Resources.Pids(100L), Limits.merge(base(), over).pids());
    }

    /** Lists are replaced whole, not merged; unified is merged by key. */
    @Test
    void listsReplace() {
        Resources over = new Resources(
                List.of(new Resources.DeviceRule(true, "c", 10L, 229L, "rwm")),
                null, null, null,
                new Resources.BlockIO(null, null, null, List.of(T2), null, List.of(T2), null),
                List.of(new Resources.HugepageLimit("1GB", 1073741824)),
                new Resources.Network(null, List.of(new Resources.Priority("lo", 2))),
                Map.of("mlx5_0", new Resources.Rdma(3L, null)),
                Map.of("pids.max", "60", "memory.low", "10"));
        Resources m = Limits.merge(base(), over);
        assertEquals(over.devices(), m.devices());
        assertEquals(new Resources.BlockIO(500, null, List.of(new Resources.WeightDevice(8, 0, 100, null)),
                List.of(T2), List.of(T1), List.of(T2), null), m.blockIO());
        assertEquals(over.hugepageLimits(), m.hugepageLimits());
        assertEquals(over.network(), m.network());
        assertEquals(over.rdma(), m.rdma());
        assertEquals(Map.of("memory.high", "1000", "pids.max", "60", "memory.low", "10"), m.unified());
    }

    /** What update keeps in the state reads back as what it merged. */
    @Test
    void mergedResourcesSurviveTheState() throws HullException {
        Resources m = Limits.merge(base(), new Resources(null, null, null, new Resources.Pids(7L), null, null, null,
                null, null));
        assertEquals(m, Limits.parse(ResourcesJson.toJson(m)));
    }

    // ---------------------------------------------------------------------------------------
    // device rules

    static Linux.Device device(String type, String path, long major, long minor) {
        return new Linux.Device(type, path, major, minor, 0666, 0L, 0L);
    }

    @Test
    void linuxDevicesInTheState() {
        assertEquals(List.of(Map.of("type", "c", "major", 10L, "minor", 229L),
                        Map.of("type", "b", "major", 7L, "minor", 0L),
                        Map.of("type", "c", "major", 4L, "minor", 64L)),
                Limits.devicesJson(List.of(device("c", "/dev/fuse", 10, 229), device("b", "/dev/loop0", 7, 0),
                        device("p", "/dev/fifo", 0, 0), device("u", "/dev/ttyS0", 4, 64))));
    }

    /** The config's rules in order, then runc's defaults, then an allow rule for each linux.devices node. */
    @Test
    void rulesInOrder() {
        List<Resources.DeviceRule> spec = List.of(new Resources.DeviceRule(false, null, null, null, "rwm"),
                new Resources.DeviceRule(true, "c", 1L, null, "r"));
        List<Object> devices = Limits.devicesJson(List.of(device("c", "/dev/fuse", 10, 229),
                device("b", "/dev/loop0", 7, 0)));
        List<Rule> want = new ArrayList<>(List.of(new Rule('a', -1, -1, "rwm", false), new Rule('c', 1, -1, "r", true)));
        want.addAll(DeviceRules.DEFAULTS);
        want.add(new Rule('c', 10, 229, "rwm", true));
        want.add(new Rule('b', 7, 0, "rwm", true));
        assertEquals(want, Limits.deviceRules(spec, devices));
        // a state read back from JSON has its numbers as Long
        assertEquals(want, Limits.deviceRules(spec, List.of(Map.of("type", "c", "major", 10, "minor", 229),
                Map.of("type", "b", "major", 7L, "minor", 0L))));
    }

    /** runc's default config with a /dev/fuse: deny all, runc's list, and the node the container was given. */
    @Test
    void defaultConfigWithADevice() {
        DeviceRules.Effective e = DeviceRules.compute(Limits.deviceRules(
                List.of(new Resources.DeviceRule(false, null, null, null, "rwm")),
                Limits.devicesJson(List.of(device("c", "/dev/fuse", 10, 229)))));
        List<Rule> want = new ArrayList<>(DeviceRules.DEFAULTS);
        want.add(new Rule('c', 10, 229, "rwm", true));
        assertEquals(new DeviceRules.Effective(false, want), e);
    }

    /** A config that denies a default device after allowing everything cannot take it away: defaults come after. */
    @Test
    void defaultsComeAfterTheConfigsRules() {
        DeviceRules.Effective e = DeviceRules.compute(Limits.deviceRules(
                List.of(new Resources.DeviceRule(false, "c", 1L, 3L, "rwm"),
                        new Resources.DeviceRule(false, "c", 4L, 1L, "w")), List.of()));
        assertEquals(new DeviceRules.Effective(true, List.of(new Rule('c', 4, 1, "w", false))), e);
    }
}
