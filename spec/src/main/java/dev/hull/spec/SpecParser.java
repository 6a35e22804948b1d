package dev.hull.spec;

import dev.hull.spec.json.Json;
import dev.hull.spec.json.JsonException;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Maps a config.json onto the {@link Spec} records.
 *
 * <p>This checks types only (plus the members the records cannot represent as absent, which are
 * reported as {@code missing}); meaning is {@link SpecValidator}'s job. Unknown members are
 * ignored, as runc does, so configs written for newer spec versions still run. A JSON
 * {@code null} is treated as an absent member, which is what Go's decoder does with
 * {@code omitempty} fields.
 *
 * <p>Numbers: the spec's uint64 members accept 0..2^64-1 and are stored as the same 64 bits in a
 * {@code long}, so {@code 18446744073709551615} (RLIM_INFINITY, "unlimited") becomes
 * {@code -1L}; read them with {@link Long#compareUnsigned} / {@link Long#toUnsignedString}.
 * uint32 members are 0..4294967295 in a {@code long}; int64 members accept negatives.
 *
 * <p>Error messages name the member by its JSON path ({@code mounts[2].options[0]}; members of
 * free-form maps as {@code annotations["key"]}). Paths are only built for the objects that
 * exist, and scalar paths only on failure, so a valid config costs no string building to speak
 * of; concatenation is avoided on the success path for the start-up reasons given in
 * {@link Json}.
 */
public final class SpecParser {
    // Integer kinds, named after the Go types in the runtime-spec.
    private static final int U64 = 0;
    private static final int I64 = 1;
    private static final int U32 = 2;
    private static final int I32 = 3;
    private static final int U16 = 4;
    /** Unsigned in the spec but kept in a Java int: 0..2^31-1. */
    private static final int U31 = 5;

    private SpecParser() {}

    public static Spec parse(byte[] configJson) throws SpecException {
        Object tree;
        try {
            tree = Json.parse(configJson);
        } catch (JsonException e) {
            throw new SpecException("config.json is not valid JSON: " + e.getMessage());
        }
        return fromTree(tree);
    }

    /** A config.json already parsed, or made in memory as {@link Json#tree} gives it. */
    public static Spec fromTree(Object tree) throws SpecException {
        if (!(tree instanceof Map)) {
            throw new SpecException("config.json: expected an object, got " + describe(tree));
        }
        Map<String, Object> m = asMap(tree);
        String p = "";
        return new Spec(
                str(m, "ociVersion", p),
                process(m, p),
                root(m, p),
                str(m, "hostname", p),
                str(m, "domainname", p),
                mounts(m, p),
                hooks(m, p),
                stringMap(m, "annotations", p),
                linux(m, p));
    }

    /**
     * A bare LinuxResources object, as `update --resources FILE` reads it; messages name its
     * members from {@code what} ("resources.memory.limit: ...").
     */
    public static Resources parseResources(byte[] json, String what) throws SpecException {
        Resources r = resources(bare(json, what, "resources"), "");
        return r == null ? Resources.EMPTY : r;
    }

    /**
     * A bare Process object, as `exec --process FILE` reads it; messages name its members from
     * {@code what} ("process.json: process.user.uid: ...").
     */
    public static Process parseProcess(byte[] json, String what) throws SpecException {
        Map<String, Object> parent = bare(json, what, "process");
        try {
            return process(parent, "");
        } catch (SpecException e) {
            throw new SpecException(what + ": " + e.getMessage());
        }
    }

    /** A JSON document that must be one object, put under {@code member} of a parent for the section readers. */
    private static Map<String, Object> bare(byte[] json, String what, String member) throws SpecException {
        Object tree;
        try {
            tree = Json.parse(json);
        } catch (JsonException e) {
            throw new SpecException(what + " is not valid JSON: " + e.getMessage());
        }
        if (!(tree instanceof Map)) {
            throw new SpecException(what + ": expected an object, got " + describe(tree));
        }
        Map<String, Object> parent = new java.util.HashMap<>();
        parent.put(member, tree);
        return parent;
    }

    // ------------------------------------------------------------------------------------------
    // sections

    private static Root root(Map<String, Object> parent, String p) throws SpecException {
        Map<String, Object> m = obj(parent, "root", p);
        if (m == null) {
            return null;
        }
        String q = path(p, "root");
        return new Root(str(m, "path", q), flag(m, "readonly", q));
    }

    private static Process process(Map<String, Object> parent, String p) throws SpecException {
        Map<String, Object> m = obj(parent, "process", p);
        if (m == null) {
            return null;
        }
        String q = path(p, "process");
        return new Process(
                flag(m, "terminal", q),
                consoleSize(m, q),
                user(m, q),
                strings(m, "args", q),
                str(m, "commandLine", q),
                strings(m, "env", q),
                str(m, "cwd", q),
                capabilities(m, q),
                rlimits(m, q),
                flag(m, "noNewPrivileges", q),
                str(m, "apparmorProfile", q),
                i32(m, "oomScoreAdj", q),
                str(m, "selinuxLabel", q),
                ioPriority(m, q),
                scheduler(m, q));
    }

    private static Process.ConsoleSize consoleSize(Map<String, Object> parent, String p)
            throws SpecException {
        Map<String, Object> m = obj(parent, "consoleSize", p);
        if (m == null) {
            return null;
        }
        String q = path(p, "consoleSize");
        return new Process.ConsoleSize((int) required(m, "height", q, U31),
                (int) required(m, "width", q, U31));
    }

    private static Process.User user(Map<String, Object> parent, String p) throws SpecException {
        Map<String, Object> m = obj(parent, "user", p);
        if (m == null) {
            return null;
        }
        String q = path(p, "user");
        List<Long> gids = null;
        List<Object> list = arr(m, "additionalGids", q);
        if (list != null) {
            String r = path(q, "additionalGids");
            gids = new ArrayList<>(list.size());
            for (int i = 0; i < list.size(); i++) {
                gids.add(integer(list.get(i), U32, r, null, i));
            }
        }
        return new Process.User(required(m, "uid", q, U32), required(m, "gid", q, U32),
                number(m, "umask", q, U32), gids, str(m, "username", q));
    }

    private static Process.Capabilities capabilities(Map<String, Object> parent, String p)
            throws SpecException {
        Map<String, Object> m = obj(parent, "capabilities", p);
        if (m == null) {
            return null;
        }
        String q = path(p, "capabilities");
        return new Process.Capabilities(strings(m, "bounding", q), strings(m, "effective", q),
                strings(m, "inheritable", q), strings(m, "permitted", q), strings(m, "ambient", q));
    }

    private static List<Process.Rlimit> rlimits(Map<String, Object> parent, String p)
            throws SpecException {
        List<Object> list = arr(parent, "rlimits", p);
        if (list == null) {
            return null;
        }
        String q = path(p, "rlimits");
        List<Process.Rlimit> out = new ArrayList<>(list.size());
        for (int i = 0; i < list.size(); i++) {
            String r = index(q, i);
            Map<String, Object> m = element(list, i, r);
            out.add(new Process.Rlimit(requiredStr(m, "type", r), required(m, "hard", r, U64),
                    required(m, "soft", r, U64)));
        }
        return out;
    }

    private static Process.IoPriority ioPriority(Map<String, Object> parent, String p)
            throws SpecException {
        Map<String, Object> m = obj(parent, "ioPriority", p);
        if (m == null) {
            return null;
        }
        String q = path(p, "ioPriority");
        Long priority = number(m, "priority", q, I32);
        return new Process.IoPriority(requiredStr(m, "class", q),
                priority == null ? 0 : (int) (long) priority);
    }

    private static Process.Scheduler scheduler(Map<String, Object> parent, String p)
            throws SpecException {
        Map<String, Object> m = obj(parent, "scheduler", p);
        if (m == null) {
            return null;
        }
        String q = path(p, "scheduler");
        return new Process.Scheduler(requiredStr(m, "policy", q), i32(m, "nice", q),
                i32(m, "priority", q), strings(m, "flags", q), number(m, "runtime", q, U64),
                number(m, "deadline", q, U64), number(m, "period", q, U64));
    }

    private static List<Mount> mounts(Map<String, Object> parent, String p) throws SpecException {
        List<Object> list = arr(parent, "mounts", p);
        if (list == null) {
            return null;
        }
        String q = path(p, "mounts");
        List<Mount> out = new ArrayList<>(list.size());
        for (int i = 0; i < list.size(); i++) {
            String r = index(q, i);
            Map<String, Object> m = element(list, i, r);
            out.add(new Mount(destination(requiredStr(m, "destination", r)), str(m, "type", r),
                    str(m, "source", r), strings(m, "options", r), idMappings(m, "uidMappings", r),
                    idMappings(m, "gidMappings", r)));
        }
        return out;
    }

    /**
     * config.md: on Linux a mount destination "MAY be a relative path, in which case it MUST be
     * interpreted as relative to \"/\"" (deprecated, kept for old configs; runc does the same).
     */
    private static String destination(String d) {
        return d.isEmpty() || d.charAt(0) == '/' ? d : "/" + d;
    }

    private static List<IdMapping> idMappings(Map<String, Object> parent, String key, String p)
            throws SpecException {
        List<Object> list = arr(parent, key, p);
        if (list == null) {
            return null;
        }
        String q = path(p, key);
        List<IdMapping> out = new ArrayList<>(list.size());
        for (int i = 0; i < list.size(); i++) {
            String r = index(q, i);
            Map<String, Object> m = element(list, i, r);
            out.add(new IdMapping(required(m, "containerID", r, U32),
                    required(m, "hostID", r, U32), required(m, "size", r, U32)));
        }
        return out;
    }

    private static Hooks hooks(Map<String, Object> parent, String p) throws SpecException {
        Map<String, Object> m = obj(parent, "hooks", p);
        if (m == null) {
            return null;
        }
        String q = path(p, "hooks");
        return new Hooks(hookList(m, "prestart", q), hookList(m, "createRuntime", q),
                hookList(m, "createContainer", q), hookList(m, "startContainer", q),
                hookList(m, "poststart", q), hookList(m, "poststop", q));
    }

    private static List<Hooks.Hook> hookList(Map<String, Object> parent, String key, String p)
            throws SpecException {
        List<Object> list = arr(parent, key, p);
        if (list == null) {
            return null;
        }
        String q = path(p, key);
        List<Hooks.Hook> out = new ArrayList<>(list.size());
        for (int i = 0; i < list.size(); i++) {
            String r = index(q, i);
            Map<String, Object> m = element(list, i, r);
            out.add(new Hooks.Hook(requiredStr(m, "path", r), strings(m, "args", r),
                    strings(m, "env", r), i32(m, "timeout", r)));
        }
        return out;
    }

    private static Linux linux(Map<String, Object> parent, String p) throws SpecException {
        Map<String, Object> m = obj(parent, "linux", p);
        if (m == null) {
            return null;
        }
        String q = path(p, "linux");
        // config-linux.md: with intelRdt set the runtime MUST put the container in a resctrl
        // group, or fail when there is no resctrl; Hull has no resctrl support, so it refuses
        // rather than run the container outside the group its owner asked for.
        if (m.get("intelRdt") != null) {
            throw new SpecException(path(q, "intelRdt") + ": Intel RDT (resctrl) is not supported");
        }
        return new Linux(
                idMappings(m, "uidMappings", q),
                idMappings(m, "gidMappings", q),
                timeOffsets(m, q),
                stringMap(m, "sysctl", q),
                resources(m, q),
                str(m, "cgroupsPath", q),
                namespaces(m, q),
                devices(m, q),
                seccomp(m, q),
                str(m, "rootfsPropagation", q),
                strings(m, "maskedPaths", q),
                strings(m, "readonlyPaths", q),
                str(m, "mountLabel", q),
                personality(m, q));
    }

    private static Map<String, Linux.TimeOffset> timeOffsets(Map<String, Object> parent, String p)
            throws SpecException {
        Map<String, Object> m = obj(parent, "timeOffsets", p);
        if (m == null) {
            return null;
        }
        String q = path(p, "timeOffsets");
        Map<String, Linux.TimeOffset> out = new LinkedHashMap<>();
        for (Map.Entry<String, Object> e : m.entrySet()) {
            String r = keyPath(q, e.getKey());
            Map<String, Object> o = element(e.getValue(), r);
            Long secs = number(o, "secs", r, I64);
            Long nanos = number(o, "nanosecs", r, U32);
            out.put(e.getKey(), new Linux.TimeOffset(secs == null ? 0 : secs,
                    nanos == null ? 0 : nanos));
        }
        return out;
    }

    private static List<Linux.Namespace> namespaces(Map<String, Object> parent, String p)
            throws SpecException {
        List<Object> list = arr(parent, "namespaces", p);
        if (list == null) {
            return null;
        }
        String q = path(p, "namespaces");
        List<Linux.Namespace> out = new ArrayList<>(list.size());
        for (int i = 0; i < list.size(); i++) {
            String r = index(q, i);
            Map<String, Object> m = element(list, i, r);
            String nsPath = str(m, "path", r);
            // Go's omitempty makes "" and absent the same thing: a new namespace.
            out.add(new Linux.Namespace(requiredStr(m, "type", r),
                    nsPath == null || nsPath.isEmpty() ? null : nsPath));
        }
        return out;
    }

    private static List<Linux.Device> devices(Map<String, Object> parent, String p)
            throws SpecException {
        List<Object> list = arr(parent, "devices", p);
        if (list == null) {
            return null;
        }
        String q = path(p, "devices");
        List<Linux.Device> out = new ArrayList<>(list.size());
        for (int i = 0; i < list.size(); i++) {
            String r = index(q, i);
            Map<String, Object> m = element(list, i, r);
            Long mode = number(m, "fileMode", r, U31);
            // major/minor are int64 in the schema, but mknod(2) takes unsigned halves of a dev_t.
            out.add(new Linux.Device(requiredStr(m, "type", r), requiredStr(m, "path", r),
                    number(m, "major", r, U32), number(m, "minor", r, U32),
                    mode == null ? null : (int) (long) mode, number(m, "uid", r, U32),
                    number(m, "gid", r, U32)));
        }
        return out;
    }

    private static Linux.Personality personality(Map<String, Object> parent, String p)
            throws SpecException {
        Map<String, Object> m = obj(parent, "personality", p);
        if (m == null) {
            return null;
        }
        String q = path(p, "personality");
        return new Linux.Personality(str(m, "domain", q), strings(m, "flags", q));
    }

    private static Resources resources(Map<String, Object> parent, String p) throws SpecException {
        Map<String, Object> m = obj(parent, "resources", p);
        if (m == null) {
            return null;
        }
        String q = path(p, "resources");
        return new Resources(deviceRules(m, q), memory(m, q), cpu(m, q), pids(m, q),
                blockIO(m, q), hugepageLimits(m, q), network(m, q), rdma(m, q),
                stringMap(m, "unified", q));
    }

    private static List<Resources.DeviceRule> deviceRules(Map<String, Object> parent, String p)
            throws SpecException {
        List<Object> list = arr(parent, "devices", p);
        if (list == null) {
            return null;
        }
        String q = path(p, "devices");
        List<Resources.DeviceRule> out = new ArrayList<>(list.size());
        for (int i = 0; i < list.size(); i++) {
            String r = index(q, i);
            Map<String, Object> m = element(list, i, r);
            Boolean allow = bool(m, "allow", r);
            if (allow == null) {
                throw missing(r, "allow");
            }
            // -1 is runc's "any major/minor" and is kept as given; absent stays null.
            out.add(new Resources.DeviceRule(allow, str(m, "type", r), number(m, "major", r, I64),
                    number(m, "minor", r, I64), str(m, "access", r)));
        }
        return out;
    }

    private static Resources.Memory memory(Map<String, Object> parent, String p)
            throws SpecException {
        Map<String, Object> m = obj(parent, "memory", p);
        if (m == null) {
            return null;
        }
        String q = path(p, "memory");
        return new Resources.Memory(number(m, "limit", q, I64), number(m, "reservation", q, I64),
                number(m, "swap", q, I64), number(m, "kernel", q, I64),
                number(m, "kernelTCP", q, I64), number(m, "swappiness", q, U64),
                bool(m, "disableOOMKiller", q), bool(m, "useHierarchy", q),
                bool(m, "checkBeforeUpdate", q));
    }

    private static Resources.Cpu cpu(Map<String, Object> parent, String p) throws SpecException {
        Map<String, Object> m = obj(parent, "cpu", p);
        if (m == null) {
            return null;
        }
        String q = path(p, "cpu");
        return new Resources.Cpu(number(m, "shares", q, U64), number(m, "quota", q, I64),
                number(m, "burst", q, U64), number(m, "period", q, U64),
                number(m, "realtimeRuntime", q, I64), number(m, "realtimePeriod", q, U64),
                str(m, "cpus", q), str(m, "mems", q), number(m, "idle", q, I64));
    }

    private static Resources.Pids pids(Map<String, Object> parent, String p) throws SpecException {
        Map<String, Object> m = obj(parent, "pids", p);
        if (m == null) {
            return null;
        }
        return new Resources.Pids(number(m, "limit", path(p, "pids"), I64));
    }

    private static Resources.BlockIO blockIO(Map<String, Object> parent, String p)
            throws SpecException {
        Map<String, Object> m = obj(parent, "blockIO", p);
        if (m == null) {
            return null;
        }
        String q = path(p, "blockIO");
        List<Resources.WeightDevice> weights = null;
        List<Object> list = arr(m, "weightDevice", q);
        if (list != null) {
            String r = path(q, "weightDevice");
            weights = new ArrayList<>(list.size());
            for (int i = 0; i < list.size(); i++) {
                String s = index(r, i);
                Map<String, Object> w = element(list, i, s);
                weights.add(new Resources.WeightDevice(required(w, "major", s, I64),
                        required(w, "minor", s, I64), u16(w, "weight", s),
                        u16(w, "leafWeight", s)));
            }
        }
        return new Resources.BlockIO(u16(m, "weight", q), u16(m, "leafWeight", q), weights,
                throttle(m, "throttleReadBpsDevice", q), throttle(m, "throttleWriteBpsDevice", q),
                throttle(m, "throttleReadIOPSDevice", q),
                throttle(m, "throttleWriteIOPSDevice", q));
    }

    private static List<Resources.ThrottleDevice> throttle(Map<String, Object> parent, String key,
                                                           String p) throws SpecException {
        List<Object> list = arr(parent, key, p);
        if (list == null) {
            return null;
        }
        String q = path(p, key);
        List<Resources.ThrottleDevice> out = new ArrayList<>(list.size());
        for (int i = 0; i < list.size(); i++) {
            String r = index(q, i);
            Map<String, Object> m = element(list, i, r);
            out.add(new Resources.ThrottleDevice(required(m, "major", r, I64),
                    required(m, "minor", r, I64), required(m, "rate", r, U64)));
        }
        return out;
    }

    private static List<Resources.HugepageLimit> hugepageLimits(Map<String, Object> parent,
                                                                String p) throws SpecException {
        List<Object> list = arr(parent, "hugepageLimits", p);
        if (list == null) {
            return null;
        }
        String q = path(p, "hugepageLimits");
        List<Resources.HugepageLimit> out = new ArrayList<>(list.size());
        for (int i = 0; i < list.size(); i++) {
            String r = index(q, i);
            Map<String, Object> m = element(list, i, r);
            out.add(new Resources.HugepageLimit(requiredStr(m, "pageSize", r),
                    required(m, "limit", r, U64)));
        }
        return out;
    }

    private static Resources.Network network(Map<String, Object> parent, String p)
            throws SpecException {
        Map<String, Object> m = obj(parent, "network", p);
        if (m == null) {
            return null;
        }
        String q = path(p, "network");
        List<Resources.Priority> priorities = null;
        List<Object> list = arr(m, "priorities", q);
        if (list != null) {
            String r = path(q, "priorities");
            priorities = new ArrayList<>(list.size());
            for (int i = 0; i < list.size(); i++) {
                String s = index(r, i);
                Map<String, Object> e = element(list, i, s);
                priorities.add(new Resources.Priority(requiredStr(e, "name", s),
                        required(e, "priority", s, U32)));
            }
        }
        return new Resources.Network(number(m, "classID", q, U32), priorities);
    }

    private static Map<String, Resources.Rdma> rdma(Map<String, Object> parent, String p)
            throws SpecException {
        Map<String, Object> m = obj(parent, "rdma", p);
        if (m == null) {
            return null;
        }
        String q = path(p, "rdma");
        Map<String, Resources.Rdma> out = new LinkedHashMap<>();
        for (Map.Entry<String, Object> e : m.entrySet()) {
            String r = keyPath(q, e.getKey());
            Map<String, Object> o = element(e.getValue(), r);
            out.put(e.getKey(), new Resources.Rdma(number(o, "hcaHandles", r, U32),
                    number(o, "hcaObjects", r, U32)));
        }
        return out;
    }

    private static Seccomp seccomp(Map<String, Object> parent, String p) throws SpecException {
        Map<String, Object> m = obj(parent, "seccomp", p);
        if (m == null) {
            return null;
        }
        String q = path(p, "seccomp");
        List<Seccomp.Syscall> syscalls = null;
        List<Object> list = arr(m, "syscalls", q);
        if (list != null) {
            String r = path(q, "syscalls");
            syscalls = new ArrayList<>(list.size());
            for (int i = 0; i < list.size(); i++) {
                String s = index(r, i);
                Map<String, Object> sc = element(list, i, s);
                List<String> names = strings(sc, "names", s);
                if (names == null) {
                    throw missing(s, "names");
                }
                syscalls.add(new Seccomp.Syscall(names, requiredStr(sc, "action", s),
                        number(sc, "errnoRet", s, U32), seccompArgs(sc, s)));
            }
        }
        return new Seccomp(requiredStr(m, "defaultAction", q), number(m, "defaultErrnoRet", q, U32),
                strings(m, "architectures", q), strings(m, "flags", q), str(m, "listenerPath", q),
                str(m, "listenerMetadata", q), syscalls);
    }

    private static List<Seccomp.Arg> seccompArgs(Map<String, Object> parent, String p)
            throws SpecException {
        List<Object> list = arr(parent, "args", p);
        if (list == null) {
            return null;
        }
        String q = path(p, "args");
        List<Seccomp.Arg> out = new ArrayList<>(list.size());
        for (int i = 0; i < list.size(); i++) {
            String r = index(q, i);
            Map<String, Object> m = element(list, i, r);
            Long two = number(m, "valueTwo", r, U64);
            out.add(new Seccomp.Arg((int) required(m, "index", r, U31), required(m, "value", r, U64),
                    two == null ? 0 : two, requiredStr(m, "op", r)));
        }
        return out;
    }

    // ------------------------------------------------------------------------------------------
    // typed member access; p is the path of the object holding the member

    private static Map<String, Object> obj(Map<String, Object> m, String key, String p)
            throws SpecException {
        Object v = m.get(key);
        if (v == null) {
            return null;
        }
        if (v instanceof Map) {
            return asMap(v);
        }
        throw typeError(path(p, key), "an object", v);
    }

    @SuppressWarnings("unchecked")
    private static List<Object> arr(Map<String, Object> m, String key, String p)
            throws SpecException {
        Object v = m.get(key);
        if (v == null) {
            return null;
        }
        if (v instanceof List) {
            return (List<Object>) v;
        }
        throw typeError(path(p, key), "an array", v);
    }

    /** An array element (or map value) that must be an object; r is its own path. */
    private static Map<String, Object> element(List<Object> list, int i, String r)
            throws SpecException {
        return element(list.get(i), r);
    }

    private static Map<String, Object> element(Object v, String r) throws SpecException {
        if (v instanceof Map) {
            return asMap(v);
        }
        throw typeError(r, "an object", v);
    }

    private static String str(Map<String, Object> m, String key, String p) throws SpecException {
        Object v = m.get(key);
        if (v == null || v instanceof String) {
            return (String) v;
        }
        throw typeError(path(p, key), "a string", v);
    }

    private static String requiredStr(Map<String, Object> m, String key, String p)
            throws SpecException {
        String s = str(m, key, p);
        if (s == null) {
            throw missing(p, key);
        }
        return s;
    }

    private static Boolean bool(Map<String, Object> m, String key, String p) throws SpecException {
        Object v = m.get(key);
        if (v == null || v instanceof Boolean) {
            return (Boolean) v;
        }
        throw typeError(path(p, key), "a boolean", v);
    }

    /** A boolean member whose absence means false. */
    private static boolean flag(Map<String, Object> m, String key, String p) throws SpecException {
        Boolean b = bool(m, key, p);
        return b != null && b;
    }

    private static List<String> strings(Map<String, Object> m, String key, String p)
            throws SpecException {
        List<Object> list = arr(m, key, p);
        if (list == null) {
            return null;
        }
        List<String> out = new ArrayList<>(list.size());
        for (int i = 0; i < list.size(); i++) {
            Object v = list.get(i);
            if (!(v instanceof String s)) {
                throw typeError(index(path(p, key), i), "a string", v);
            }
            out.add(s);
        }
        return out;
    }

    /** An object whose members are all strings (annotations, sysctl, unified), order kept. */
    private static Map<String, String> stringMap(Map<String, Object> m, String key, String p)
            throws SpecException {
        Map<String, Object> o = obj(m, key, p);
        if (o == null) {
            return null;
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (Map.Entry<String, Object> e : o.entrySet()) {
            if (!(e.getValue() instanceof String s)) {
                throw typeError(keyPath(path(p, key), e.getKey()), "a string", e.getValue());
            }
            out.put(e.getKey(), s);
        }
        return out;
    }

    private static Long number(Map<String, Object> m, String key, String p, int kind)
            throws SpecException {
        Object v = m.get(key);
        return v == null ? null : integer(v, kind, p, key, -1);
    }

    private static long required(Map<String, Object> m, String key, String p, int kind)
            throws SpecException {
        Object v = m.get(key);
        if (v == null) {
            throw missing(p, key);
        }
        return integer(v, kind, p, key, -1);
    }

    private static Integer i32(Map<String, Object> m, String key, String p) throws SpecException {
        Long v = number(m, key, p, I32);
        return v == null ? null : (int) (long) v;
    }

    private static Integer u16(Map<String, Object> m, String key, String p) throws SpecException {
        Long v = number(m, key, p, U16);
        return v == null ? null : (int) (long) v;
    }

    /**
     * Converts a JSON number to a long of the given kind. The member is {@code p.key}, or
     * {@code p[i]} when key is null; that path is only built if the value is wrong.
     */
    private static long integer(Object v, int kind, String p, String key, int i)
            throws SpecException {
        boolean unsigned = kind != I64 && kind != I32;
        long x;
        if (v instanceof Long l) {
            x = l;
        } else if (v instanceof BigInteger big) {
            // Only uint64 has room beyond a long; the wrap to negative is intended (see class doc).
            if (big.signum() > 0 && kind == U64 && big.bitLength() <= 64) {
                return big.longValue();
            }
            throw new SpecException(where(p, key, i) + ": "
                    + (big.signum() < 0 && unsigned ? "must not be negative" : range(kind)));
        } else if (v instanceof Double d) {
            throw new SpecException(where(p, key, i) + ": expected an integer, got " + d);
        } else {
            throw typeError(where(p, key, i), "an integer", v);
        }
        if (unsigned && x < 0) {
            throw new SpecException(where(p, key, i) + ": must not be negative");
        }
        boolean ok = switch (kind) {
            case U32 -> x <= 0xffff_ffffL;
            case I32 -> x >= Integer.MIN_VALUE && x <= Integer.MAX_VALUE;
            case U16 -> x <= 0xffff;
            case U31 -> x <= Integer.MAX_VALUE;
            default -> true;
        };
        if (!ok) {
            throw new SpecException(where(p, key, i) + ": " + range(kind));
        }
        return x;
    }

    private static String range(int kind) {
        return switch (kind) {
            case U64 -> "must be at most 18446744073709551615";
            case I64 -> "must be between -9223372036854775808 and 9223372036854775807";
            case U32 -> "must be at most 4294967295";
            case I32 -> "must be between -2147483648 and 2147483647";
            case U16 -> "must be at most 65535";
            default -> "must be at most 2147483647";
        };
    }

    // ------------------------------------------------------------------------------------------
    // paths and messages

    @SuppressWarnings("unchecked")
    private static Map<String, Object> asMap(Object o) {
        return (Map<String, Object>) o;
    }

    static String path(String p, String key) {
        if (p.isEmpty()) {
            return key;
        }
        return new StringBuilder(p.length() + 1 + key.length()).append(p).append('.').append(key)
                .toString();
    }

    static String index(String p, int i) {
        return new StringBuilder(p.length() + 6).append(p).append('[').append(i).append(']')
                .toString();
    }

    /** A member of a free-form map: keys may contain dots, so they are quoted in brackets. */
    static String keyPath(String p, String key) {
        return new StringBuilder(p.length() + key.length() + 4).append(p).append('[')
                .append(Json.write(key)).append(']').toString();
    }

    private static String where(String p, String key, int i) {
        return key != null ? path(p, key) : index(p, i);
    }

    private static SpecException missing(String p, String key) {
        return new SpecException(path(p, key) + ": missing");
    }

    private static SpecException typeError(String path, String expected, Object got) {
        return new SpecException(path + ": expected " + expected + ", got " + describe(got));
    }

    private static String describe(Object v) {
        if (v == null) {
            return "null";
        }
        if (v instanceof String) {
            return "a string";
        }
        if (v instanceof Boolean) {
            return "a boolean";
        }
        if (v instanceof Map) {
            return "an object";
        }
        if (v instanceof List) {
            return "an array";
        }
        return "a number";
    }
}
