package dev.hull.spec;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@link Seccomp} back to the JSON tree of {@code linux.seccomp}, so that whoever builds a
 * config.json (the engine, with Hull's default profile) can write one. Absent members stay
 * absent; argument values are uint64 in the spec and are written as the unsigned value of their
 * 64 bits; {@code valueTwo} is written only when it is not 0 (its default).
 */
public final class SeccompJson {
    private SeccompJson() {}

    public static Map<String, Object> toJson(Seccomp s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("defaultAction", s.defaultAction());
        put(m, "defaultErrnoRet", s.defaultErrnoRet());
        if (!s.architectures().isEmpty()) {
            m.put("architectures", s.architectures());
        }
        if (!s.flags().isEmpty()) {
            m.put("flags", s.flags());
        }
        put(m, "listenerPath", s.listenerPath());
        put(m, "listenerMetadata", s.listenerMetadata());
        if (!s.syscalls().isEmpty()) {
            List<Object> list = new ArrayList<>(s.syscalls().size());
            for (Seccomp.Syscall sc : s.syscalls()) {
                Map<String, Object> o = new LinkedHashMap<>();
                o.put("names", sc.names());
                o.put("action", sc.action());
                put(o, "errnoRet", sc.errnoRet());
                if (!sc.args().isEmpty()) {
                    List<Object> args = new ArrayList<>(sc.args().size());
                    for (Seccomp.Arg a : sc.args()) {
                        Map<String, Object> ao = new LinkedHashMap<>();
                        ao.put("index", a.index());
                        ao.put("value", unsigned(a.value()));
                        if (a.valueTwo() != 0) {
                            ao.put("valueTwo", unsigned(a.valueTwo()));
                        }
                        ao.put("op", a.op());
                        args.add(ao);
                    }
                    o.put("args", args);
                }
                list.add(o);
            }
            m.put("syscalls", list);
        }
        return m;
    }

    private static Object unsigned(long v) {
        return v >= 0 ? (Object) v : new BigInteger(Long.toUnsignedString(v));
    }

    private static void put(Map<String, Object> o, String key, Object v) {
        if (v != null) {
            o.put(key, v);
        }
    }
}
