package dev.hull.runtime.security;

import dev.hull.spec.Seccomp;
import dev.hull.sys.Errno;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A seccomp profile in Hull's own format (see {@code seccomp-default.json}): groups of syscall
 * names with a reason each and the conditions under which the group applies. It is data only;
 * {@link DefaultSeccompProfile} resolves it for one container.
 */
public record SeccompProfile(int defaultErrno, Map<String, List<String>> architectures, List<Group> groups) {
    private static final List<String> GROUP_KEYS = List.of("name", "why", "when", "syscalls", "errno", "args", "anyOf");
    private static final List<String> WHEN_KEYS = List.of("caps", "notCaps", "arches", "notArches", "minKernel");

    public SeccompProfile {
        architectures = Map.copyOf(architectures);
        groups = List.copyOf(groups);
    }

    /**
     * One group. {@code errno} null means allow; {@code args} must all hold; {@code anyOf}, if
     * present, makes one rule per value (the rules are alternatives).
     */
    public record Group(String name, String why, When when, List<String> syscalls, Integer errno,
                        List<Seccomp.Arg> args, AnyOf anyOf) {
        public Group {
            syscalls = List.copyOf(syscalls);
            args = List.copyOf(args);
        }
    }

    /** Alternatives for one argument: {@code arg[index] op value} for any of the values. */
    public record AnyOf(int index, String op, List<Long> values) {
        public AnyOf {
            values = List.copyOf(values);
        }
    }

    /**
     * When a group applies: every cap of {@code caps} is in the container's set, none of
     * {@code notCaps} is, the host's architecture is one of {@code arches} (if any) and none of
     * {@code notArches}, and the kernel is at least {@code minKernel} (if any).
     */
    public record When(List<String> caps, List<String> notCaps, List<String> arches,
                       List<String> notArches, KernelVersion minKernel) {
        public static final When ALWAYS = new When(List.of(), List.of(), List.of(), List.of(), null);

        public When {
            caps = List.copyOf(caps);
            notCaps = List.copyOf(notCaps);
            arches = List.copyOf(arches);
            notArches = List.copyOf(notArches);
        }
    }

    /** Reads the JSON tree of a profile; errors name the file and the member. */
    public static SeccompProfile parse(Object tree, String file) {
        Map<String, Object> root = object(tree, file);
        int defaultErrno = errno(string(root.get("defaultErrno"), file + ": defaultErrno"), file + ": defaultErrno");
        Map<String, Object> archTree = object(root.get("architectures"), file + ": architectures");
        Map<String, List<String>> arches = new LinkedHashMap<>();
        for (Map.Entry<String, Object> e : archTree.entrySet()) {
            arches.put(e.getKey(), strings(e.getValue(), file + ": architectures." + e.getKey()));
        }
        List<Object> groupTree = list(root.get("groups"), file + ": groups");
        List<Group> groups = new ArrayList<>(groupTree.size());
        for (int i = 0; i < groupTree.size(); i++) {
            groups.add(group(groupTree.get(i), file + ": groups[" + i + "]"));
        }
        return new SeccompProfile(defaultErrno, arches, groups);
    }

    private static Group group(Object tree, String p) {
        Map<String, Object> g = object(tree, p);
        String name = string(g.get("name"), p + ".name");
        String why = string(g.get("why"), p + ".why");
        List<String> syscalls = strings(g.get("syscalls"), p + ".syscalls");
        if (syscalls.isEmpty()) {
            throw new IllegalArgumentException(p + ".syscalls: the group names no syscall");
        }
        When when = g.containsKey("when") ? when(g.get("when"), p + ".when") : When.ALWAYS;
        Integer errno = g.containsKey("errno") ? errno(string(g.get("errno"), p + ".errno"), p + ".errno") : null;
        List<Seccomp.Arg> args = new ArrayList<>();
        if (g.containsKey("args")) {
            List<Object> a = list(g.get("args"), p + ".args");
            for (int i = 0; i < a.size(); i++) {
                String q = p + ".args[" + i + "]";
                Map<String, Object> m = object(a.get(i), q);
                args.add(new Seccomp.Arg(index(m, q), number(m.get("value"), q + ".value"),
                        m.containsKey("valueTwo") ? number(m.get("valueTwo"), q + ".valueTwo") : 0,
                        op(m, q)));
            }
        }
        AnyOf anyOf = null;
        if (g.containsKey("anyOf")) {
            String q = p + ".anyOf";
            Map<String, Object> m = object(g.get("anyOf"), q);
            List<Object> raw = list(m.get("values"), q + ".values");
            List<Long> values = new ArrayList<>(raw.size());
            for (int i = 0; i < raw.size(); i++) {
                values.add(number(raw.get(i), q + ".values[" + i + "]"));
            }
            anyOf = new AnyOf(index(m, q), op(m, q), values);
        }
        for (String key : g.keySet()) {
            if (!GROUP_KEYS.contains(key)) {
                throw new IllegalArgumentException(p + "." + key + ": unknown member");
            }
        }
        return new Group(name, why, when, syscalls, errno, args, anyOf);
    }

    private static When when(Object tree, String p) {
        Map<String, Object> w = object(tree, p);
        for (String key : w.keySet()) {
            if (!WHEN_KEYS.contains(key)) {
                throw new IllegalArgumentException(p + "." + key + ": unknown condition");
            }
        }
        return new When(optionalStrings(w, "caps", p), optionalStrings(w, "notCaps", p),
                optionalStrings(w, "arches", p), optionalStrings(w, "notArches", p),
                w.containsKey("minKernel") ? KernelVersion.parse(string(w.get("minKernel"), p + ".minKernel")) : null);
    }

    private static int index(Map<String, Object> m, String p) {
        long i = number(m.get("index"), p + ".index");
        if (i < 0 || i > 5) {
            throw new IllegalArgumentException(p + ".index: a syscall has arguments 0 to 5, not " + i);
        }
        return (int) i;
    }

    private static String op(Map<String, Object> m, String p) {
        String op = string(m.get("op"), p + ".op");
        switch (op) {
            case "SCMP_CMP_NE", "SCMP_CMP_LT", "SCMP_CMP_LE", "SCMP_CMP_EQ", "SCMP_CMP_GE",
                 "SCMP_CMP_GT", "SCMP_CMP_MASKED_EQ" -> {
                return op;
            }
            default -> throw new IllegalArgumentException(p + ".op: " + op + " is not an OCI seccomp operator");
        }
    }

    static int errno(String name, String p) {
        for (int i = 1; i < 200; i++) {
            if (Errno.name(i).equals(name)) {
                return i;
            }
        }
        throw new IllegalArgumentException(p + ": " + name + " is not an errno name");
    }

    /** A number, or a string "0x..." for the values that read better in hex; uint64. */
    private static long number(Object v, String p) {
        if (v instanceof Long l && l >= 0) {
            return l;
        }
        if (v instanceof String s && s.startsWith("0x") && s.length() > 2 && s.length() <= 18) {
            try {
                return Long.parseUnsignedLong(s.substring(2), 16);
            } catch (NumberFormatException e) {
                // reported below
            }
        }
        throw new IllegalArgumentException(p + ": expected a number >= 0 or a \"0x...\" string, not " + v);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> object(Object v, String p) {
        if (v instanceof Map) {
            return (Map<String, Object>) v;
        }
        throw new IllegalArgumentException(p + ": expected an object");
    }

    @SuppressWarnings("unchecked")
    private static List<Object> list(Object v, String p) {
        if (v instanceof List) {
            return (List<Object>) v;
        }
        throw new IllegalArgumentException(p + ": expected an array");
    }

    private static String string(Object v, String p) {
        if (v instanceof String s && !s.isEmpty()) {
            return s;
        }
        throw new IllegalArgumentException(p + ": expected a non-empty string");
    }

    private static List<String> strings(Object v, String p) {
        List<Object> l = list(v, p);
        List<String> out = new ArrayList<>(l.size());
        for (int i = 0; i < l.size(); i++) {
            out.add(string(l.get(i), p + "[" + i + "]"));
        }
        return out;
    }

    private static List<String> optionalStrings(Map<String, Object> m, String key, String p) {
        return m.containsKey(key) ? strings(m.get(key), p + "." + key) : List.of();
    }
}
