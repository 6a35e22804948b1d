package dev.hull.cgroups;

import dev.hull.spec.Resources.DeviceRule;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The device allow-list: the config's rules, in order, then the devices every container gets
 * (runc's AllowedDevices: mknod of any node, the default /dev nodes, ptys, /dev/net/tun) and the
 * config's own linux.devices. Emulated the way the kernel's v1 devices controller reads a list
 * of allow/deny writes, so that v1 and the v2 eBPF filter enforce the same result.
 */
public final class DeviceRules {
    /** One rule in kernel terms: type 'a', 'c' or 'b'; major/minor -1 for any; access of "rwm". */
    public record Rule(char type, long major, long minor, String access, boolean allow) {
        /** "c 1:3 rwm", as devices.allow/deny take it. */
        public String v1() {
            return type + " " + (major < 0 ? "*" : Long.toString(major)) + ":"
                    + (minor < 0 ? "*" : Long.toString(minor)) + " " + access;
        }

    }

    /** The outcome: a default, and the exceptions to it. */
    public record Effective(boolean defaultAllow, List<Rule> exceptions) {}

    /**
     * runc's AllowedDevices (libcontainer/specconv). Not /dev/console (c 5:1): a container's
     * console is a pty bound over it (c 136:N), and with mknod of any node allowed, 5:1 would
     * let the container open the host's system console.
     */
    public static final List<Rule> DEFAULTS = List.of(
            new Rule('c', -1, -1, "m", true), new Rule('b', -1, -1, "m", true),
            new Rule('c', 1, 3, "rwm", true), new Rule('c', 1, 8, "rwm", true),
            new Rule('c', 1, 7, "rwm", true), new Rule('c', 5, 0, "rwm", true),
            new Rule('c', 1, 5, "rwm", true), new Rule('c', 1, 9, "rwm", true),
            new Rule('c', 136, -1, "rwm", true), new Rule('c', 5, 2, "rwm", true),
            new Rule('c', 10, 200, "rwm", true));

    private DeviceRules() {}

    /** A spec rule in kernel terms (type absent or "a": all; major/minor absent or -1: any). */
    public static Rule of(DeviceRule d) {
        char type = d.type() == null || d.type().isEmpty() ? 'a' : d.type().charAt(0);
        long major = d.major() == null ? -1 : d.major();
        long minor = d.minor() == null ? -1 : d.minor();
        String access = d.access() == null || d.access().isEmpty() ? "rwm" : normalise(d.access());
        return new Rule(type, major, minor, access, d.allow());
    }

    private static String normalise(String access) {
        StringBuilder b = new StringBuilder(3);
        for (char c : new char[] {'r', 'w', 'm'}) {
            if (access.indexOf(c) >= 0) {
                b.append(c);
            }
        }
        return b.toString();
    }

    /**
     * Applies the rules in order to a cgroup that starts allowing everything, exactly as the v1
     * devices controller does (security/device_cgroup.c): a rule of type 'a' resets the default
     * and drops the exceptions; a rule of the default's kind takes its access bits away from the
     * exception for the same type/major/minor; a rule of the other kind adds them to it.
     */
    public static Effective compute(List<Rule> rules) {
        boolean defaultAllow = true;
        List<Rule> exceptions = new ArrayList<>();
        for (Rule r : rules) {
            if (r.type() == 'a') {
                defaultAllow = r.allow();
                exceptions.clear();
                continue;
            }
            int at = indexOf(exceptions, r);
            if (r.allow() == defaultAllow) {
                if (at >= 0) {
                    String left = minus(exceptions.get(at).access(), r.access());
                    if (left.isEmpty()) {
                        exceptions.remove(at);
                    } else {
                        exceptions.set(at, withAccess(exceptions.get(at), left));
                    }
                }
            } else if (at >= 0) {
                exceptions.set(at, withAccess(exceptions.get(at),
                        normalise(exceptions.get(at).access() + r.access())));
            } else {
                exceptions.add(r);
            }
        }
        return new Effective(defaultAllow, List.copyOf(exceptions));
    }

    private static int indexOf(List<Rule> list, Rule r) {
        for (int i = 0; i < list.size(); i++) {
            Rule e = list.get(i);
            if (e.type() == r.type() && e.major() == r.major() && e.minor() == r.minor()) {
                return i;
            }
        }
        return -1;
    }

    private static Rule withAccess(Rule r, String access) {
        return new Rule(r.type(), r.major(), r.minor(), access, r.allow());
    }

    private static String minus(String a, String b) {
        StringBuilder out = new StringBuilder(3);
        for (int i = 0; i < a.length(); i++) {
            if (b.indexOf(a.charAt(i)) < 0) {
                out.append(a.charAt(i));
            }
        }
        return out.toString();
    }

    /**
     * runc's order of exceptions (its emulator sorts by major, minor, type; "*" first). The kernel
     * lists exceptions in the order written: devices.list then reads the same as under runc.
     */
    private static final Comparator<Rule> RUNC_ORDER = new Comparator<>() {
        @Override
        public int compare(Rule a, Rule b) {
            int c = Long.compare(a.major(), b.major());
            if (c == 0) {
                c = Long.compare(a.minor(), b.minor());
            }
            return c != 0 ? c : Character.compare(a.type(), b.type());
        }
    };

    /** The writes that give a v1 devices cgroup this state: first the default, then exceptions. */
    public static List<String[]> v1Writes(Effective e) {
        List<String[]> out = new ArrayList<>();
        out.add(new String[] {e.defaultAllow() ? "devices.allow" : "devices.deny", "a"});
        List<Rule> sorted = new ArrayList<>(e.exceptions());
        sorted.sort(RUNC_ORDER);
        for (Rule r : sorted) {
            out.add(new String[] {r.allow() ? "devices.allow" : "devices.deny", r.v1()});
        }
        return out;
    }
}
