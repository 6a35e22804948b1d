package dev.hull.engine.container;

import dev.hull.engine.EngineException;
import dev.hull.engine.cli.Devices;
import dev.hull.engine.cli.Ulimits;
import dev.hull.runtime.program.HostFacts;
import dev.hull.runtime.security.DefaultSeccompProfile;
import dev.hull.runtime.security.Privileged;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A container's Docker {@code Config}/{@code HostConfig} → the OCI config.json the runtime runs,
 * with Docker's defaults (moby's daemon/oci_linux.go and oci/defaults.go): the 14 default
 * capabilities, its mounts, masked and read-only paths, the default seccomp profile, a cgroup
 * {@code /hull/<id>} (or under {@code --cgroup-parent}), and every isolation flag.
 */
public final class SpecBuilder {
    private SpecBuilder() {}

    /** Docker's default capabilities (moby oci/caps/defaults.go). */
    public static final List<String> DEFAULT_CAPS = List.of("CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FSETID",
            "CAP_FOWNER", "CAP_MKNOD", "CAP_NET_RAW", "CAP_SETGID", "CAP_SETUID", "CAP_SETFCAP", "CAP_SETPCAP",
            "CAP_NET_BIND_SERVICE", "CAP_SYS_CHROOT", "CAP_KILL", "CAP_AUDIT_WRITE");

    static final List<String> MASKED = List.of("/proc/asound", "/proc/acpi", "/proc/interrupts", "/proc/kcore",
            "/proc/keys", "/proc/latency_stats", "/proc/timer_list", "/proc/timer_stats", "/proc/sched_debug",
            "/proc/scsi", "/sys/firmware", "/sys/devices/virtual/powercap");

    static final List<String> READONLY = List.of("/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys",
            "/proc/sysrq-trigger");

    /** Everything decided outside the flags: the rootfs, the user, the mounts, the namespaces to join. */
    public record Input(Container container, Path rootfs, Users.User user, List<Map<String, Object>> userMounts,
                        Path containerDir, Path shmSource, Map<String, String> joinNamespaces, boolean cgroupV2,
                        HostFacts facts, Path seccompCache) {}

    public static Map<String, Object> build(Input in) throws EngineException {
        Container c = in.container();
        Map<String, Object> cfg = c.config(), host = c.hostConfig();
        boolean privileged = Boolean.TRUE.equals(host.get("Privileged"));
        boolean tty = Boolean.TRUE.equals(cfg.get("Tty"));

        List<String> caps = capabilities(strings(host.get("CapAdd")), strings(host.get("CapDrop")));
        Map<String, Object> process = new LinkedHashMap<>();
        process.put("terminal", tty);
        Map<String, Object> user = new LinkedHashMap<>();
        user.put("uid", in.user().uid());
        user.put("gid", in.user().gid());
        if (!in.user().additionalGids().isEmpty()) {
            user.put("additionalGids", in.user().additionalGids());
        }
        process.put("user", user);
        List<String> args = new ArrayList<>();
        args.add(c.path());
        args.addAll(c.args());
        process.put("args", Boolean.TRUE.equals(host.get("Init")) ? Init.wrap(args) : args);
        process.put("env", env(c, in.user(), tty));
        String cwd = str(cfg.get("WorkingDir"));
        process.put("cwd", cwd.isEmpty() ? "/" : cwd);
        Map<String, Object> capSets = new LinkedHashMap<>();
        capSets.put("bounding", caps);
        // a non-root user starts with no effective or permitted capability (as execve gives it)
        capSets.put("effective", in.user().uid() == 0 ? caps : List.of());
        capSets.put("permitted", in.user().uid() == 0 ? caps : List.of());
        process.put("capabilities", capSets);
        List<Object> rlimits = new ArrayList<>();
        for (Object o : list(host.get("Ulimits"))) {
            Map<?, ?> u = (Map<?, ?>) o;
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("type", Ulimits.resource((String) u.get("Name")));
            r.put("hard", u.get("Hard"));
            r.put("soft", u.get("Soft"));
            rlimits.add(r);
        }
        if (!rlimits.isEmpty()) {
            process.put("rlimits", rlimits);
        }
        long oomScoreAdj = num(host.get("OomScoreAdj"));
        if (oomScoreAdj != 0) {
            process.put("oomScoreAdj", oomScoreAdj);
        }
        boolean noNewPrivs = false;
        String seccomp = null, apparmor = null;
        List<String> label = new ArrayList<>();
        boolean labelDisabled = false;
        for (String opt : strings(host.get("SecurityOpt"))) {
            if (opt.equals("no-new-privileges") || opt.equals("no-new-privileges:true")
                    || opt.equals("no-new-privileges=true")) {
                noNewPrivs = true;
            } else if (opt.startsWith("no-new-privileges")) {
                noNewPrivs = false;
            } else if (opt.startsWith("seccomp=")) {
                seccomp = opt.substring(8);
            } else if (opt.startsWith("apparmor=")) {
                apparmor = opt.substring(9);
            } else if (opt.equals("label=disable")) {
                labelDisabled = true;
            } else if (opt.startsWith("label=")) {
                label.add(opt.substring(6));
            }
        }
        if (noNewPrivs) {
            process.put("noNewPrivileges", true);
        }
        if (apparmor != null) {
            process.put("apparmorProfile", apparmor);
        } else if (in.facts().apparmor() && !privileged
                && java.nio.file.Files.isDirectory(Path.of("/sys/kernel/security/apparmor"))) {
            // as Docker's daemon: only where the profile can be loaded (securityfs mounted)
            process.put("apparmorProfile", "hull-default");
        }
        if (!label.isEmpty() && !labelDisabled) {
            process.put("selinuxLabel", selinuxLabel(label));
        }

        Map<String, Object> spec = new LinkedHashMap<>();
        spec.put("ociVersion", "1.2.0");
        spec.put("process", process);
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("path", in.rootfs().toString());
        root.put("readonly", Boolean.TRUE.equals(host.get("ReadonlyRootfs")));
        spec.put("root", root);
        boolean hostUts = str(host.get("UTSMode")).equals("host") || str(host.get("NetworkMode")).equals("host");
        if (!hostUts) {
            spec.put("hostname", str(cfg.get("Hostname")));
            if (!str(cfg.get("Domainname")).isEmpty()) {
                spec.put("domainname", str(cfg.get("Domainname")));
            }
        }
        spec.put("mounts", mounts(in, privileged));

        Map<String, Object> linux = new LinkedHashMap<>();
        linux.put("namespaces", namespaces(in, hostUts));
        if (host.get("UidMap") != null) {
            linux.put("uidMappings", idMappings(host.get("UidMap")));
            linux.put("gidMappings", idMappings(host.get("GidMap")));
        }
        linux.put("resources", resources(host));
        linux.put("cgroupsPath", cgroupParent(host) + "/" + c.id());
        if (host.get("Sysctls") instanceof Map<?, ?> s && !s.isEmpty()) {
            linux.put("sysctl", s);
        }
        linux.put("devices", devices(host));
        linux.put("maskedPaths", MASKED);
        linux.put("readonlyPaths", READONLY);
        if (seccomp == null) {
            try {
                linux.put("seccomp", DefaultSeccompProfile.cachedJson(in.seccompCache(), caps));
            } catch (IOException e) {
                throw new EngineException("the default seccomp profile: " + e.getMessage());
            }
        } else if (!seccomp.equals("unconfined")) {
            linux.put("seccomp", SeccompProfiles.load(Path.of(seccomp), caps));
        }
        spec.put("linux", linux);
        if (privileged) {
            try {
                return Privileged.apply(spec, in.facts());
            } catch (IOException e) {
                throw new EngineException("--privileged: " + e.getMessage());
            }
        }
        return spec;
    }

    /** Where the container's cgroup goes: {@code /hull}, or under {@code --cgroup-parent}. */
    static String cgroupParent(Map<String, Object> host) {
        String parent = str(host.get("CgroupParent"));
        return parent.isEmpty() ? "/hull" : parent.startsWith("/") ? parent : "/" + parent;
    }

    /** Docker's defaults, then --cap-add, then --cap-drop (ALL in either applies first, as moby). */
    static List<String> capabilities(List<String> add, List<String> drop) {
        List<String> caps = new ArrayList<>();
        if (add.contains("ALL")) {
            caps.addAll(dev.hull.spec.Capabilities.all());
        } else if (!drop.contains("ALL")) {
            caps.addAll(DEFAULT_CAPS);
        }
        for (String a : add) {
            if (!a.equals("ALL") && !caps.contains(a)) {
                caps.add(a);
            }
        }
        for (String d : drop) {
            caps.remove(d);
        }
        return caps;
    }

    private static List<String> env(Container c, Users.User user, boolean tty) {
        List<String> env = new ArrayList<>();
        boolean path = false, home = false, term = false;
        for (String e : strings(c.config().get("Env"))) {
            path |= e.startsWith("PATH=");
            home |= e.startsWith("HOME=");
            term |= e.startsWith("TERM=");
        }
        if (!path) {
            env.add("PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
        }
        env.add("HOSTNAME=" + str(c.config().get("Hostname")));
        if (tty && !term) {
            env.add("TERM=xterm");
        }
        env.addAll(strings(c.config().get("Env")));
        if (!home) {
            env.add("HOME=" + user.home());
        }
        return env;
    }

    private static String selinuxLabel(List<String> parts) {
        String u = "system_u", r = "system_r", t = "container_t", l = "s0";
        for (String p : parts) {
            int colon = p.indexOf(':');
            String k = p.substring(0, colon), v = p.substring(colon + 1);
            switch (k) {
                case "user" -> u = v;
                case "role" -> r = v;
                case "type" -> t = v;
                case "level" -> l = v;
                default -> { }
            }
        }
        return u + ":" + r + ":" + t + ":" + l;
    }

    private static List<Object> mounts(Input in, boolean privileged) throws EngineException {
        Container c = in.container();
        Map<String, Object> host = c.hostConfig();
        List<Object> m = new ArrayList<>();
        m.add(mount("/proc", "proc", "proc", List.of("nosuid", "noexec", "nodev")));
        m.add(mount("/dev", "tmpfs", "tmpfs", List.of("nosuid", "strictatime", "mode=755", "size=65536k")));
        m.add(mount("/dev/pts", "devpts", "devpts",
                List.of("nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5")));
        String ro = privileged ? "rw" : "ro";
        if (host.get("UidMap") != null && str(host.get("NetworkMode")).equals("host")) {
            // sysfs belongs to the network namespace's owner: a user namespace cannot mount the host's
            m.add(mount("/sys", "/sys", "bind", List.of("rbind", "nosuid", "noexec", "nodev", "ro")));
        } else {
            m.add(mount("/sys", "sysfs", "sysfs", List.of("nosuid", "noexec", "nodev", ro)));
            m.add(mount("/sys/fs/cgroup", "cgroup", "cgroup", List.of("nosuid", "noexec", "nodev", "relatime", ro)));
        }
        m.add(mount("/dev/mqueue", "mqueue", "mqueue", List.of("nosuid", "noexec", "nodev")));
        String ipc = str(host.get("IpcMode"));
        if (in.shmSource() != null) {
            m.add(mount("/dev/shm", in.shmSource().toString(), "bind", List.of("rbind", "rprivate")));
        } else if (!ipc.equals("none")) {
            m.add(mount("/dev/shm", "shm", "tmpfs", List.of("nosuid", "noexec", "nodev", "mode=1777",
                    "size=" + num(host.get("ShmSize")))));
        }
        Path dir = in.containerDir();
        m.add(mount("/etc/resolv.conf", dir.resolve("resolv.conf").toString(), "bind", List.of("rbind", "rprivate")));
        m.add(mount("/etc/hostname", dir.resolve("hostname").toString(), "bind", List.of("rbind", "rprivate")));
        m.add(mount("/etc/hosts", dir.resolve("hosts").toString(), "bind", List.of("rbind", "rprivate")));
        if (Boolean.TRUE.equals(host.get("Init"))) {
            m.add(mount(Init.PATH_IN_CONTAINER, Init.binary().toString(), "bind", List.of("rbind", "ro", "nosuid", "nodev")));
        }
        m.addAll(in.userMounts());
        if (host.get("Tmpfs") instanceof Map<?, ?> t) {
            for (Map.Entry<?, ?> e : t.entrySet()) {
                List<String> opts = new ArrayList<>(List.of("noexec", "nosuid", "nodev"));
                String given = e.getValue().toString();
                if (!given.isEmpty()) {
                    for (String o : given.split(",")) {
                        if (o.equals("exec") || o.equals("suid") || o.equals("dev")) {
                            opts.remove("no" + o);
                        } else {
                            opts.add(o);
                        }
                    }
                }
                m.add(mount(e.getKey().toString(), "tmpfs", "tmpfs", opts));
            }
        }
        return m;
    }

    public static Map<String, Object> mount(String dest, String source, String type, List<String> options) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("destination", dest);
        m.put("type", type);
        m.put("source", source);
        m.put("options", options);
        return m;
    }

    private static List<Object> namespaces(Input in, boolean hostUts) {
        Map<String, Object> host = in.container().hostConfig();
        Map<String, String> join = in.joinNamespaces();
        List<Object> ns = new ArrayList<>();
        addNs(ns, "pid", str(host.get("PidMode")).equals("host"), join.get("pid"));
        addNs(ns, "network", str(host.get("NetworkMode")).equals("host"), join.get("network"));
        addNs(ns, "ipc", str(host.get("IpcMode")).equals("host"), join.get("ipc"));
        addNs(ns, "uts", hostUts, null);
        addNs(ns, "mount", false, null);
        String cgroupns = str(host.get("CgroupnsMode"));
        boolean privateCgroup = cgroupns.equals("private") || (cgroupns.isEmpty() && in.cgroupV2());
        addNs(ns, "cgroup", !privateCgroup, null);
        if (host.get("UidMap") != null) {
            addNs(ns, "user", false, null);
        }
        return ns;
    }

    private static void addNs(List<Object> ns, String type, boolean shareHost, String path) {
        if (shareHost) {
            return;
        }
        Map<String, Object> n = new LinkedHashMap<>();
        n.put("type", type);
        if (path != null) {
            n.put("path", path);
        }
        ns.add(n);
    }

    private static List<Object> idMappings(Object maps) {
        List<Object> out = new ArrayList<>();
        for (Object o : list(maps)) {
            Map<?, ?> m = (Map<?, ?>) o;
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("containerID", m.get("ContainerID"));
            r.put("hostID", m.get("HostID"));
            r.put("size", m.get("Size"));
            out.add(r);
        }
        return out;
    }

    private static Map<String, Object> resources(Map<String, Object> host) throws EngineException {
        Map<String, Object> r = new LinkedHashMap<>();
        Map<String, Object> memory = new LinkedHashMap<>();
        long limit = num(host.get("Memory")), swap = num(host.get("MemorySwap"));
        if (limit > 0) {
            memory.put("limit", limit);
            // Docker: without --memory-swap, as much swap again as memory (limit+swap = 2x)
            memory.put("swap", swap == 0 ? 2 * limit : swap);
        }
        if (num(host.get("MemoryReservation")) > 0) {
            memory.put("reservation", num(host.get("MemoryReservation")));
        }
        if (host.get("MemorySwappiness") instanceof Number n && n.longValue() >= 0) {
            memory.put("swappiness", n.longValue());
        }
        if (Boolean.TRUE.equals(host.get("OomKillDisable"))) {
            memory.put("disableOOMKiller", true);
        }
        if (!memory.isEmpty()) {
            r.put("memory", memory);
        }
        Map<String, Object> cpu = new LinkedHashMap<>();
        if (num(host.get("CpuShares")) > 0) {
            cpu.put("shares", num(host.get("CpuShares")));
        }
        long nano = num(host.get("NanoCpus"));
        if (nano > 0) {
            cpu.put("period", 100_000L);
            cpu.put("quota", nano * 100_000L / 1_000_000_000L);
        }
        if (num(host.get("CpuPeriod")) > 0) {
            cpu.put("period", num(host.get("CpuPeriod")));
        }
        if (num(host.get("CpuQuota")) != 0) {
            cpu.put("quota", num(host.get("CpuQuota")));
        }
        if (!str(host.get("CpusetCpus")).isEmpty()) {
            cpu.put("cpus", str(host.get("CpusetCpus")));
        }
        if (!str(host.get("CpusetMems")).isEmpty()) {
            cpu.put("mems", str(host.get("CpusetMems")));
        }
        if (!cpu.isEmpty()) {
            r.put("cpu", cpu);
        }
        if (host.get("PidsLimit") instanceof Number n && n.longValue() != 0) {
            r.put("pids", new LinkedHashMap<>(Map.of("limit", n.longValue() < 0 ? -1L : n.longValue())));
        }
        Map<String, Object> blkio = new LinkedHashMap<>();
        if (num(host.get("BlkioWeight")) > 0) {
            blkio.put("weight", num(host.get("BlkioWeight")));
        }
        putThrottles(blkio, "weightDevice", host.get("BlkioWeightDevice"), "Weight", "weight");
        putThrottles(blkio, "throttleReadBpsDevice", host.get("BlkioDeviceReadBps"), "Rate", "rate");
        putThrottles(blkio, "throttleWriteBpsDevice", host.get("BlkioDeviceWriteBps"), "Rate", "rate");
        putThrottles(blkio, "throttleReadIOPSDevice", host.get("BlkioDeviceReadIOps"), "Rate", "rate");
        putThrottles(blkio, "throttleWriteIOPSDevice", host.get("BlkioDeviceWriteIOps"), "Rate", "rate");
        if (!blkio.isEmpty()) {
            r.put("blockIO", blkio);
        }
        List<Object> devices = new ArrayList<>();
        if (!Boolean.TRUE.equals(host.get("Privileged"))) {
            devices.add(deviceRule(false, null, null, null, "rwm"));
        }
        for (String rule : strings(host.get("DeviceCgroupRules"))) {
            String[] p = rule.split("\\s+");
            String[] mm = p[1].split(":");
            devices.add(deviceRule(true, p[0], mm[0].equals("*") ? null : Long.parseLong(mm[0]),
                    mm[1].equals("*") ? null : Long.parseLong(mm[1]), p[2]));
        }
        for (Object o : list(host.get("Devices"))) {
            Map<?, ?> d = (Map<?, ?>) o;
            Devices.Node n = Devices.stat("--device", (String) d.get("PathOnHost"));
            devices.add(deviceRule(true, String.valueOf(n.type()), n.major(), n.minor(),
                    (String) d.get("CgroupPermissions")));
        }
        r.put("devices", devices);
        return r;
    }

    private static void putThrottles(Map<String, Object> blkio, String key, Object list, String from, String to)
            throws EngineException {
        List<Object> out = new ArrayList<>();
        for (Object o : list(list)) {
            Map<?, ?> t = (Map<?, ?>) o;
            Devices.Node n = Devices.stat("--" + key, (String) t.get("Path"));
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("major", n.major());
            m.put("minor", n.minor());
            m.put(to, t.get(from));
            out.add(m);
        }
        if (!out.isEmpty()) {
            blkio.put(key, out);
        }
    }

    private static Map<String, Object> deviceRule(boolean allow, String type, Long major, Long minor, String access) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("allow", allow);
        if (type != null && !type.equals("a")) {
            m.put("type", type);
        }
        if (major != null) {
            m.put("major", major);
        }
        if (minor != null) {
            m.put("minor", minor);
        }
        m.put("access", access);
        return m;
    }

    private static List<Object> devices(Map<String, Object> host) throws EngineException {
        List<Object> out = new ArrayList<>();
        for (Object o : list(host.get("Devices"))) {
            Map<?, ?> d = (Map<?, ?>) o;
            Devices.Node n = Devices.stat("--device", (String) d.get("PathOnHost"));
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("path", d.get("PathInContainer"));
            m.put("type", String.valueOf(n.type()));
            m.put("major", n.major());
            m.put("minor", n.minor());
            m.put("fileMode", (long) n.mode());
            m.put("uid", (long) n.uid());
            m.put("gid", (long) n.gid());
            out.add(m);
        }
        return out;
    }

    static List<Object> list(Object o) {
        return o instanceof List<?> l ? new ArrayList<>(l) : List.of();
    }

    public static List<String> strings(Object o) {
        List<String> out = new ArrayList<>();
        if (o instanceof List<?> l) {
            for (Object x : l) {
                out.add(String.valueOf(x));
            }
        }
        return out;
    }

    public static String str(Object o) {
        return o == null ? "" : o.toString();
    }

    public static long num(Object o) {
        return o instanceof Number n ? n.longValue() : 0;
    }
}
