package dev.hull.cgroups;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.hull.cgroups.DeviceRules.Effective;
import dev.hull.cgroups.DeviceRules.Rule;
import dev.hull.spec.Resources.DeviceRule;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The device rule emulator against the kernel's v1 devices controller (security/device_cgroup.c). */
class DeviceRulesTest {
    static Rule allow(char type, long major, long minor, String access) {
        return new Rule(type, major, minor, access, true);
    }

    static Rule deny(char type, long major, long minor, String access) {
        return new Rule(type, major, minor, access, false);
    }

    static final Rule DENY_ALL = deny('a', -1, -1, "rwm");
    static final Rule ALLOW_ALL = allow('a', -1, -1, "rwm");

    static Effective compute(Rule... rules) {
        return DeviceRules.compute(List.of(rules));
    }

    @Test
    void nothingAllowsEverything() {
        assertEquals(new Effective(true, List.of()), compute());
    }

    @Test
    void anARuleResetsDefaultAndExceptions() {
        assertEquals(new Effective(false, List.of()), compute(DENY_ALL));
        assertEquals(new Effective(true, List.of()), compute(DENY_ALL, allow('c', 1, 3, "rwm"), ALLOW_ALL));
        assertEquals(new Effective(false, List.of()),
                compute(deny('c', 1, 3, "w"), deny('b', 8, 0, "r"), DENY_ALL));
        // an 'a' rule's access and numbers do not matter: it resets
        assertEquals(new Effective(false, List.of()), compute(allow('c', 1, 3, "r"), deny('a', 5, 5, "m")));
    }

    @Test
    void otherKindRulesAddAndMergeByExactDevice() {
        assertEquals(new Effective(false, List.of(allow('c', 1, 3, "rw"))),
                compute(DENY_ALL, allow('c', 1, 3, "r"), allow('c', 1, 3, "w")));
        assertEquals(new Effective(false, List.of(allow('c', 1, 3, "rwm"), allow('c', 1, -1, "m"))),
                compute(DENY_ALL, allow('c', 1, 3, "mr"), allow('c', 1, -1, "m"), allow('c', 1, 3, "w")));
        assertEquals(new Effective(true, List.of(deny('c', 1, 3, "w"), deny('b', 8, -1, "rw"))),
                compute(deny('c', 1, 3, "w"), deny('b', 8, -1, "r"), deny('b', 8, -1, "w")));
    }

    @Test
    void sameKindRulesTakeAccessAwayFromTheExactDevice() {
        assertEquals(new Effective(false, List.of(allow('c', 1, 3, "rm"))),
                compute(DENY_ALL, allow('c', 1, 3, "rwm"), deny('c', 1, 3, "w")));
        assertEquals(new Effective(false, List.of()),
                compute(DENY_ALL, allow('c', 1, 3, "rwm"), deny('c', 1, 3, "rwm")));
        assertEquals(new Effective(true, List.of()), compute(deny('c', 1, 3, "w"), allow('c', 1, 3, "rw")));
        // a rule for a device that is no exception changes nothing
        assertEquals(new Effective(false, List.of(allow('c', 1, 3, "rwm"))),
                compute(DENY_ALL, allow('c', 1, 3, "rwm"), deny('c', 1, 5, "rwm")));
    }

    /** Wildcards are literal: denying 1:3 does not punch a hole in an allowed 1:*, nor the reverse. */
    @Test
    void wildcardsAreLiteralInMatching() {
        assertEquals(new Effective(false, List.of(allow('c', 1, -1, "rwm"))),
                compute(DENY_ALL, allow('c', 1, -1, "rwm"), deny('c', 1, 3, "rwm")));
        assertEquals(new Effective(false, List.of(allow('c', 1, 3, "rwm"))),
                compute(DENY_ALL, allow('c', 1, 3, "rwm"), deny('c', 1, -1, "rwm")));
        assertEquals(new Effective(false, List.of(allow('c', -1, -1, "m"))),
                compute(DENY_ALL, allow('c', -1, -1, "m"), deny('c', 1, 3, "m")));
        // types are distinct too
        assertEquals(new Effective(false, List.of(allow('c', 8, 0, "rwm"))),
                compute(DENY_ALL, allow('c', 8, 0, "rwm"), deny('b', 8, 0, "rwm")));
    }

    @Test
    void specRulesInKernelTerms() {
        assertEquals(allow('a', -1, -1, "rwm"), DeviceRules.of(new DeviceRule(true, null, null, null, null)));
        assertEquals(deny('a', -1, -1, "rwm"), DeviceRules.of(new DeviceRule(false, "a", null, null, "rwm")));
        assertEquals(allow('c', 1, -1, "rwm"), DeviceRules.of(new DeviceRule(true, "c", 1L, -1L, "mwr")));
        assertEquals(deny('b', 8, 0, "rw"), DeviceRules.of(new DeviceRule(false, "b", 8L, 0L, "wr")));
        assertEquals(allow('c', -1, 5, "m"), DeviceRules.of(new DeviceRule(true, "c", null, 5L, "m")));
    }

    @Test
    void v1Format() {
        assertEquals("c 1:3 rwm", allow('c', 1, 3, "rwm").v1());
        assertEquals("b *:* m", allow('b', -1, -1, "m").v1());
        assertEquals("c 136:* rw", deny('c', 136, -1, "rw").v1());
        assertEquals("c *:5 r", deny('c', -1, 5, "r").v1());
    }

    @Test
    void v1WritesDefaultThenExceptions() {
        // exceptions in runc's order (major, minor, type; wildcards first), so devices.list matches runc's
        assertEquals(List.of("devices.deny a", "devices.allow b *:* m", "devices.allow c 1:3 rwm",
                        "devices.allow c 136:* rw"),
                writes(new Effective(false, List.of(allow('c', 1, 3, "rwm"), allow('c', 136, -1, "rw"),
                        allow('b', -1, -1, "m")))));
        assertEquals(List.of("devices.allow a", "devices.deny c 1:3 w"),
                writes(new Effective(true, List.of(deny('c', 1, 3, "w")))));
        assertEquals(List.of("devices.allow a"), writes(new Effective(true, List.of())));
    }

    static List<String> writes(Effective e) {
        List<String> out = new ArrayList<>();
        for (String[] w : DeviceRules.v1Writes(e)) {
            out.add(w[0] + " " + w[1]);
        }
        return out;
    }

    /** runc's spec default (deny everything) plus the defaults: exactly runc's AllowedDevices. */
    @Test
    void runcsDefaultConfigAllowsExactlyRuncsList() {
        List<Rule> rules = new ArrayList<>();
        rules.add(DeviceRules.of(new DeviceRule(false, null, null, null, "rwm")));
        rules.addAll(DeviceRules.DEFAULTS);
        assertEquals(new Effective(false, List.of(
                allow('c', -1, -1, "m"), allow('b', -1, -1, "m"),
                allow('c', 1, 3, "rwm"), allow('c', 1, 8, "rwm"), allow('c', 1, 7, "rwm"), allow('c', 5, 0, "rwm"),
                allow('c', 1, 5, "rwm"), allow('c', 1, 9, "rwm"), allow('c', 136, -1, "rwm"),
                allow('c', 5, 2, "rwm"), allow('c', 10, 200, "rwm"))), DeviceRules.compute(rules));
    }

    /** With runc's list, what a container can do with some devices, as the kernel decides. */
    @Test
    void runcsDefaultsAsTheKernelSeesThem() {
        List<Rule> rules = new ArrayList<>(List.of(DENY_ALL));
        rules.addAll(DeviceRules.DEFAULTS);
        Effective e = DeviceRules.compute(rules);
        int rw = DevCgroupModel.READ | DevCgroupModel.WRITE, m = DevCgroupModel.MKNOD;
        assertEquals(true, DevCgroupModel.permits(e, 'c', 1, 3, rw));          // /dev/null
        assertEquals(true, DevCgroupModel.permits(e, 'c', 136, 7, rw));        // a pty
        assertEquals(true, DevCgroupModel.permits(e, 'b', 8, 0, m));           // mknod of any node
        assertEquals(false, DevCgroupModel.permits(e, 'b', 8, 0, DevCgroupModel.READ)); // but not its use
        assertEquals(false, DevCgroupModel.permits(e, 'c', 5, 1, rw));         // not the host's console
        assertEquals(false, DevCgroupModel.permits(e, 'c', 1, 1, DevCgroupModel.READ)); // nor /dev/mem
    }

    // ---------------------------------------------------------------------------------------
    // against the kernel's algorithm, on random rule lists

    static Rule randomRule(Random rnd) {
        char type = rnd.nextInt(8) == 0 ? 'a' : rnd.nextBoolean() ? 'c' : 'b';
        long[] majors = {-1, 1, 5, 136};
        long[] minors = {-1, 0, 1, 3};
        String access = DevCgroupModel.access(1 + rnd.nextInt(7));
        return new Rule(type, majors[rnd.nextInt(majors.length)], minors[rnd.nextInt(minors.length)], access,
                rnd.nextBoolean());
    }

    static List<Rule> randomRules(Random rnd) {
        List<Rule> rules = new ArrayList<>();
        int n = rnd.nextInt(10);
        for (int i = 0; i < n; i++) {
            rules.add(randomRule(rnd));
        }
        return rules;
    }

    static DevCgroupModel kernelAfter(List<Rule> rules) {
        DevCgroupModel k = new DevCgroupModel();
        for (Rule r : rules) {
            k.write(r.allow(), r.v1());
        }
        return k;
    }

    /** The same default and the same exceptions, in the same order, as the kernel keeps them. */
    @Test
    void computeIsTheKernelsState() {
        Random rnd = new Random(3);
        for (int i = 0; i < 3000; i++) {
            List<Rule> rules = randomRules(rnd);
            DevCgroupModel k = kernelAfter(rules);
            Effective e = DeviceRules.compute(rules);
            assertEquals(k.defaultAllow, e.defaultAllow(), rules.toString());
            assertEquals(k.exceptions.toString(), render(e.exceptions()), rules.toString());
        }
    }

    /** Replaying v1Writes into a cgroup in any prior state gives what the rules themselves give. */
    @Test
    void v1WritesReproduceTheRules() {
        Random rnd = new Random(5);
        for (int i = 0; i < 1000; i++) {
            List<Rule> rules = randomRules(rnd);
            DevCgroupModel direct = kernelAfter(rules);
            DevCgroupModel replayed = kernelAfter(randomRules(rnd)); // whatever was there before
            for (String[] w : DeviceRules.v1Writes(DeviceRules.compute(rules))) {
                replayed.write(w[0].equals("devices.allow"), w[1]);
            }
            assertEquals(direct.defaultAllow, replayed.defaultAllow, rules.toString());
            // the same exceptions; their order is runc's (v1Writes sorts), which the kernel ignores
            assertEquals(sorted(direct), sorted(replayed), rules.toString());
        }
    }

    private static List<String> sorted(DevCgroupModel m) {
        List<String> out = new ArrayList<>();
        for (Object e : m.exceptions) {
            out.add(e.toString());
        }
        out.sort(null);
        return out;
    }

    static String render(List<Rule> rules) {
        List<String> out = new ArrayList<>();
        for (Rule r : rules) {
            out.add(r.v1());
        }
        return out.toString();
    }
}
