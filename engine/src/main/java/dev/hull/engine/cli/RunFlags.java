package dev.hull.engine.cli;

import dev.hull.engine.EngineException;
import dev.hull.engine.cli.Flags.Flag;
import dev.hull.engine.container.CreateRequest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The flags of {@code hull run} and {@code hull create}, read into Docker's two API objects: the
 * container's {@code Config} and its {@code HostConfig}, with Docker's field names and values (what
 * {@code inspect} prints). Every value is checked here, so a bad one fails before anything exists.
 */
public final class RunFlags {
    private RunFlags() {}

    public static final List<Flag> FLAGS = List.of(
            Flag.bool("detach", 'd'), Flag.bool("interactive", 'i'), Flag.bool("tty", 't'), Flag.bool("rm"),
            Flag.bool("privileged"), Flag.bool("init"), Flag.bool("read-only"), Flag.bool("oom-kill-disable"), Flag.bool("help"),
            Flag.value("name"), Flag.value("env", 'e'), Flag.value("env-file"), Flag.value("workdir", 'w'),
            Flag.value("entrypoint"), Flag.value("hostname", 'h'), Flag.value("domainname"), Flag.value("label", 'l'),
            Flag.value("user", 'u'), Flag.value("group-add"), Flag.value("memory", 'm'), Flag.value("memory-swap"),
            Flag.value("memory-reservation"), Flag.value("memory-swappiness"), Flag.value("oom-score-adj"),
            Flag.value("cpu-shares", 'c'), Flag.value("cpus"), Flag.value("cpu-period"), Flag.value("cpu-quota"),
            Flag.value("cpuset-cpus"), Flag.value("cpuset-mems"), Flag.value("pids-limit"),
            Flag.value("blkio-weight"), Flag.value("blkio-weight-device"), Flag.value("device-read-bps"),
            Flag.value("device-write-bps"), Flag.value("device-read-iops"), Flag.value("device-write-iops"),
            Flag.value("device"), Flag.value("device-cgroup-rule"), Flag.value("ulimit"),
            Flag.value("cgroup-parent"), Flag.value("ipc"), Flag.value("shm-size"), Flag.value("pid"),
            Flag.value("uts"), Flag.value("network"), Flag.value("net"), Flag.value("cgroupns"),
            Flag.value("userns"), Flag.value("uidmap"), Flag.value("gidmap"), Flag.value("cap-add"),
            Flag.value("cap-drop"), Flag.value("security-opt"), Flag.value("sysctl"), Flag.value("volume", 'v'),
            Flag.value("mount"), Flag.value("tmpfs"), Flag.value("volumes-from"), Flag.value("restart"),
            Flag.value("publish", 'p'), Flag.value("stop-signal"), Flag.value("stop-timeout"),
            Flag.value("pull"), Flag.value("platform"), Flag.value("log-driver"), Flag.value("log-opt"),
            Flag.value("add-host"), Flag.value("cidfile"), Flag.value("label-file"), Flag.value("expose"),
            Flag.value("dns"), Flag.value("dns-search"), Flag.value("dns-option"), Flag.value("detach-keys"));

    /** {@code [OPTIONS] IMAGE [COMMAND] [ARG...]}. */
    public static CreateRequest parse(String command, List<String> args) throws EngineException {
        Flags f = Flags.parse(command, args, FLAGS, false);
        if (f.positional().isEmpty()) {
            throw Flags.usage(command, "\"hull " + command + "\" requires at least 1 argument.\nUsage:  hull "
                    + command + " [OPTIONS] IMAGE [COMMAND] [ARG...]");
        }
        String image = f.positional().get(0);
        List<String> cmd = new ArrayList<>(f.positional().subList(1, f.positional().size()));
        if (!f.all("publish").isEmpty()) {
            throw new EngineException("--publish: port publishing needs bridge networking, which hull does not have yet");
        }
        if (f.get("pull") != null && !f.get("pull").equals("never") && !f.get("pull").equals("missing")) {
            throw new EngineException("--pull " + f.get("pull") + ": no registry is reachable; only local images can be used");
        }
        if (f.get("log-driver") != null && !f.get("log-driver").equals("k8s-file")
                && !f.get("log-driver").equals("json-file")) {
            throw new EngineException("--log-driver " + f.get("log-driver") + ": not supported (hull writes its own log file)");
        }

        Map<String, Object> config = new LinkedHashMap<>();
        config.put("Hostname", f.get("hostname", ""));
        config.put("Domainname", f.get("domainname", ""));
        config.put("User", f.get("user", ""));
        config.put("AttachStdin", f.bool("interactive") && !f.bool("detach"));
        config.put("AttachStdout", !f.bool("detach"));
        config.put("AttachStderr", !f.bool("detach"));
        config.put("Tty", f.bool("tty"));
        config.put("OpenStdin", f.bool("interactive"));
        config.put("StdinOnce", f.bool("interactive") && !f.bool("detach"));
        config.put("Env", env(f));
        config.put("Cmd", cmd.isEmpty() ? null : cmd);
        config.put("Image", image);
        config.put("WorkingDir", f.get("workdir", ""));
        if (!config.get("WorkingDir").equals("") && !((String) config.get("WorkingDir")).startsWith("/")) {
            throw new EngineException("--workdir: the working directory '" + f.get("workdir") + "' is invalid, it needs to be an absolute path");
        }
        String entrypoint = f.get("entrypoint");
        config.put("Entrypoint", entrypoint == null ? null : entrypoint.isEmpty() ? List.of() : List.of(entrypoint));
        Map<String, String> labels = new LinkedHashMap<>(keyValues("--label-file", lines("--label-file", f.all("label-file"))));
        labels.putAll(keyValues("--label", f.all("label")));
        config.put("Labels", labels);
        config.put("ExposedPorts", exposed(f.all("expose")));
        String stopSignal = f.get("stop-signal");
        if (stopSignal != null) {
            try {
                dev.hull.sys.Signals.parse(stopSignal);
            } catch (IllegalArgumentException e) {
                throw new EngineException("--stop-signal: invalid signal: " + stopSignal);
            }
            config.put("StopSignal", stopSignal);
        }
        if (f.get("stop-timeout") != null) {
            config.put("StopTimeout", Sizes.integer("--stop-timeout", f.get("stop-timeout")));
        }

        Map<String, Object> host = new LinkedHashMap<>();
        host.put("Binds", f.all("volume").isEmpty() ? null : new ArrayList<>(f.all("volume")));
        for (String v : f.all("volume")) {
            Volumes.parseBind(v); // checked now, used at create
        }
        String network = f.get("network", f.get("net", "none"));
        checkMode("--network", network, true, "none", "host", "bridge", "default");
        if (network.equals("bridge") || network.equals("default")) {
            throw new EngineException("--network " + network + ": bridge networking is not implemented yet (use none, host or container:NAME)");
        }
        host.put("NetworkMode", network);
        host.put("RestartPolicy", restart(f.get("restart", "no")));
        host.put("AutoRemove", f.bool("rm"));
        if (f.bool("rm") && !((Map<?, ?>) host.get("RestartPolicy")).get("Name").equals("no")) {
            throw new EngineException("Conflicting options: --restart and --rm");
        }
        host.put("VolumesFrom", f.all("volumes-from").isEmpty() ? null : new ArrayList<>(f.all("volumes-from")));
        host.put("CapAdd", caps("--cap-add", f.all("cap-add")));
        host.put("CapDrop", caps("--cap-drop", f.all("cap-drop")));
        String cgroupns = f.get("cgroupns", "");
        checkMode("--cgroupns", cgroupns, false, "", "host", "private");
        host.put("CgroupnsMode", cgroupns);
        host.put("GroupAdd", f.all("group-add").isEmpty() ? null : new ArrayList<>(f.all("group-add")));
        String ipc = f.get("ipc", "private");
        checkMode("--ipc", ipc, true, "none", "private", "shareable", "host", "");
        host.put("IpcMode", ipc.isEmpty() ? "private" : ipc);
        host.put("OomScoreAdj", f.get("oom-score-adj") == null ? 0L : range("--oom-score-adj",
                Sizes.integer("--oom-score-adj", f.get("oom-score-adj")), -1000, 1000));
        String pid = f.get("pid", "");
        checkMode("--pid", pid, true, "", "host", "private");
        host.put("PidMode", pid.equals("private") ? "" : pid);
        host.put("Privileged", f.bool("privileged"));
        if (f.bool("init")) {
            dev.hull.engine.container.Init.binary(); // refused now, not at start, when there is none
            host.put("Init", true);
        }
        host.put("ReadonlyRootfs", f.bool("read-only"));
        List<String> securityOpt = new ArrayList<>();
        for (String s : f.all("security-opt")) {
            securityOpt.add(SecurityOpts.check(s));
        }
        host.put("SecurityOpt", securityOpt.isEmpty() ? null : securityOpt);
        host.put("Tmpfs", tmpfs(f.all("tmpfs")));
        String uts = f.get("uts", "");
        checkMode("--uts", uts, false, "", "host");
        host.put("UTSMode", uts);
        String userns = f.get("userns", "");
        checkMode("--userns", userns, false, "", "host");
        host.put("UsernsMode", userns);
        host.put("ShmSize", f.get("shm-size") == null ? 64L << 20 : positive("--shm-size", Sizes.ram("--shm-size", f.get("shm-size"))));
        host.put("Sysctls", keyValues("--sysctl", f.all("sysctl")));
        host.put("Runtime", "hull");
        host.put("ExtraHosts", extraHosts(f.all("add-host")));
        dns(f, network, host);
        host.put("LogConfig", logConfig(f.get("log-driver", "k8s-file"), f.all("log-opt")));
        resources(f, host);
        host.put("Mounts", f.all("mount").isEmpty() ? null : Volumes.parseMounts(f.all("mount")));
        host.put("UidMap", idMaps("--uidmap", f.all("uidmap")));
        host.put("GidMap", idMaps("--gidmap", f.all("gidmap").isEmpty() ? f.all("uidmap") : f.all("gidmap")));
        if (!f.all("gidmap").isEmpty() && f.all("uidmap").isEmpty()) {
            throw new EngineException("--gidmap: needs --uidmap too");
        }
        return new CreateRequest(f.get("name"), image, config, host, f.bool("detach"), f.bool("interactive"),
                f.bool("tty"), f.get("platform") == null ? null : ImageCommands.platform(f.get("platform")),
                f.get("cidfile"), dev.hull.engine.container.DetachKeys.bytes(f.get("detach-keys")));
    }

    private static void resources(Flags f, Map<String, Object> host) throws EngineException {
        host.put("CpuShares", f.get("cpu-shares") == null ? 0L
                : nonNegative("--cpu-shares", Sizes.integer("--cpu-shares", f.get("cpu-shares"))));
        long memory = f.get("memory") == null ? 0 : Sizes.ram("--memory", f.get("memory"));
        if (memory != 0 && memory < 6L << 20) {
            throw new EngineException("--memory: minimum memory limit allowed is 6MB");
        }
        host.put("Memory", memory);
        long nano = f.get("cpus") == null ? 0 : Sizes.nanoCpus(f.get("cpus"));
        int cpus = Runtime.getRuntime().availableProcessors();
        if (nano > (long) cpus * 1_000_000_000L) {
            throw new EngineException("--cpus: range of CPUs is from 0.01 to " + cpus + ".00, as there are only "
                    + cpus + " CPUs available");
        }
        host.put("NanoCpus", nano);
        host.put("CgroupParent", f.get("cgroup-parent", ""));
        host.put("BlkioWeight", f.get("blkio-weight") == null ? 0L
                : blkioWeight(Sizes.integer("--blkio-weight", f.get("blkio-weight"))));
        host.put("BlkioWeightDevice", throttles("--blkio-weight-device", f.all("blkio-weight-device"), "Weight", false));
        host.put("BlkioDeviceReadBps", throttles("--device-read-bps", f.all("device-read-bps"), "Rate", true));
        host.put("BlkioDeviceWriteBps", throttles("--device-write-bps", f.all("device-write-bps"), "Rate", true));
        host.put("BlkioDeviceReadIOps", throttles("--device-read-iops", f.all("device-read-iops"), "Rate", false));
        host.put("BlkioDeviceWriteIOps", throttles("--device-write-iops", f.all("device-write-iops"), "Rate", false));
        long period = f.get("cpu-period") == null ? 0 : Sizes.integer("--cpu-period", f.get("cpu-period"));
        if (period != 0 && (period < 1000 || period > 1_000_000)) {
            throw new EngineException("--cpu-period: CPU cfs period can not be less than 1ms (i.e. 1000) or larger than 1s (i.e. 1000000)");
        }
        long quota = f.get("cpu-quota") == null ? 0 : Sizes.integer("--cpu-quota", f.get("cpu-quota"));
        if (quota != 0 && quota != -1 && quota < 1000) {
            throw new EngineException("--cpu-quota: CPU cfs quota can not be less than 1ms (i.e. 1000)");
        }
        if (nano != 0 && (period != 0 || quota != 0)) {
            throw new EngineException("Conflicting options: Nano CPUs and CPU Period cannot both be set");
        }
        host.put("CpuPeriod", period);
        host.put("CpuQuota", quota);
        host.put("CpusetCpus", cpuset("--cpuset-cpus", f.get("cpuset-cpus", "")));
        host.put("CpusetMems", cpuset("--cpuset-mems", f.get("cpuset-mems", "")));
        host.put("Devices", Devices.parse(f.all("device")));
        List<String> rules = new ArrayList<>();
        for (String r : f.all("device-cgroup-rule")) {
            rules.add(Devices.checkRule(r));
        }
        host.put("DeviceCgroupRules", rules.isEmpty() ? null : rules);
        long reservation = f.get("memory-reservation") == null ? 0 : Sizes.ram("--memory-reservation", f.get("memory-reservation"));
        if (memory > 0 && reservation > memory) {
            throw new EngineException("--memory-reservation: Minimum memory limit can not be less than memory reservation limit, see usage");
        }
        host.put("MemoryReservation", reservation);
        long swap = 0;
        String swapText = f.get("memory-swap");
        if (swapText != null) {
            swap = swapText.trim().equals("-1") ? -1 : Sizes.ram("--memory-swap", swapText);
            if (memory == 0 && swap != 0) {
                throw new EngineException("--memory-swap: you should always set the memory limit when using the memoryswap limit, see usage");
            }
            if (swap > 0 && swap < memory) {
                throw new EngineException("--memory-swap: Minimum memoryswap limit should be larger than memory limit, see usage");
            }
        }
        if (memory > 0 && swapText == null) {
            swap = 2 * memory; // what Docker's daemon records (and sets) when only --memory is given
        }
        host.put("MemorySwap", swap);
        if (f.get("memory-swappiness") != null) {
            host.put("MemorySwappiness", range("--memory-swappiness",
                    Sizes.integer("--memory-swappiness", f.get("memory-swappiness")), -1, 100));
        } else {
            host.put("MemorySwappiness", null);
        }
        host.put("OomKillDisable", f.bool("oom-kill-disable"));
        host.put("PidsLimit", f.get("pids-limit") == null ? null : Sizes.integer("--pids-limit", f.get("pids-limit")));
        host.put("Ulimits", ulimits(f.all("ulimit")));
    }

    /** The lines of --env-file / --label-file files that are neither empty nor comments. */
    private static List<String> lines(String flag, List<String> files) throws EngineException {
        List<String> out = new ArrayList<>();
        for (String file : files) {
            List<String> lines;
            try {
                lines = Files.readAllLines(Path.of(file));
            } catch (IOException e) {
                throw new EngineException(flag + " " + file + ": open " + file + ": no such file or directory");
            }
            for (String line : lines) {
                String l = line.strip();
                if (!l.isEmpty() && !l.startsWith("#")) {
                    out.add(l);
                }
            }
        }
        return out;
    }

    /** --add-host NAME:IP (Docker's; NAME=IP too): IP a literal address, v6 with or without brackets. */
    static List<String> extraHosts(List<String> given) throws EngineException {
        if (given.isEmpty()) {
            return null;
        }
        List<String> out = new ArrayList<>();
        for (String h : given) {
            int sep = h.indexOf('=') > 0 ? h.indexOf('=') : h.indexOf(':');
            String name = sep > 0 ? h.substring(0, sep) : "", ip = sep > 0 ? h.substring(sep + 1) : "";
            if (ip.startsWith("[") && ip.endsWith("]")) {
                ip = ip.substring(1, ip.length() - 1);
            }
            if (name.isEmpty() || ip.isEmpty()) {
                throw new EngineException("invalid argument \"" + h + "\" for \"--add-host\" flag: bad format for add-host: \"" + h + "\"");
            }
            if (ip.equals("host-gateway")) {
                throw new EngineException("--add-host " + h + ": host-gateway needs bridge networking, which hull does not have yet");
            }
            try {
                java.net.InetAddress.ofLiteral(ip);
            } catch (IllegalArgumentException e) {
                throw new EngineException("invalid argument \"" + h + "\" for \"--add-host\" flag: invalid IP address in add-host: \"" + ip + "\"");
            }
            out.add(name + ":" + ip);
        }
        return out;
    }

    /**
     * --dns, --dns-search, --dns-option: each replaces its kind of line of the host's resolv.conf
     * (Docker's). A shared network namespace keeps its owner's resolv.conf: refused there, as Docker.
     */
    private static void dns(Flags f, String network, Map<String, Object> host) throws EngineException {
        List<String> servers = f.all("dns"), search = f.all("dns-search"), options = f.all("dns-option");
        if ((network.equals("host") || network.startsWith("container:"))
                && !(servers.isEmpty() && search.isEmpty() && options.isEmpty())) {
            throw new EngineException("conflicting options: dns and the network mode");
        }
        for (String s : servers) {
            try {
                java.net.InetAddress.ofLiteral(s);
            } catch (IllegalArgumentException e) {
                throw new EngineException("invalid argument \"" + s + "\" for \"--dns\" flag: " + s + " is not an ip address");
            }
        }
        host.put("Dns", new ArrayList<>(servers));
        host.put("DnsSearch", new ArrayList<>(search));
        host.put("DnsOptions", new ArrayList<>(options));
    }

    /** --expose PORT[/PROTO] or a range START-END[/PROTO]: Config.ExposedPorts, as "80/tcp". */
    static List<String> exposed(List<String> given) throws EngineException {
        if (given.isEmpty()) {
            return null;
        }
        List<String> out = new ArrayList<>();
        for (String e : given) {
            int slash = e.indexOf('/');
            String ports = slash < 0 ? e : e.substring(0, slash), proto = slash < 0 ? "tcp" : e.substring(slash + 1);
            if (!proto.equals("tcp") && !proto.equals("udp") && !proto.equals("sctp")) {
                throw new EngineException("invalid argument \"" + e + "\" for \"--expose\" flag: invalid proto: " + proto);
            }
            int dash = ports.indexOf('-');
            long first = port(e, dash < 0 ? ports : ports.substring(0, dash));
            long last = dash < 0 ? first : port(e, ports.substring(dash + 1));
            if (last < first) {
                throw new EngineException("invalid argument \"" + e + "\" for \"--expose\" flag: invalid range: " + ports);
            }
            for (long p = first; p <= last; p++) {
                out.add(p + "/" + proto);
            }
        }
        return out;
    }

    private static long port(String flagValue, String p) throws EngineException {
        try {
            long n = Long.parseLong(p);
            if (n >= 1 && n <= 65535) {
                return n;
            }
        } catch (NumberFormatException e) {
            // the message below
        }
        throw new EngineException("invalid argument \"" + flagValue + "\" for \"--expose\" flag: invalid port: " + p);
    }

    private static List<String> env(Flags f) throws EngineException {
        List<String> env = new ArrayList<>();
        for (String l : lines("--env-file", f.all("env-file"))) {
            env.add(envEntry("--env-file", l));
        }
        for (String e : f.all("env")) {
            env.add(envEntry("--env", e));
        }
        return env;
    }

    /** {@code K=V}, or a bare {@code K}: then the caller's value, or left out when it has none (as Docker). */
    private static String envEntry(String flag, String e) throws EngineException {
        int eq = e.indexOf('=');
        if (eq == 0) {
            throw new EngineException(flag + ": invalid environment variable: " + e);
        }
        if (eq > 0) {
            return e;
        }
        String v = System.getenv(e);
        return v == null ? e : e + "=" + v;
    }

    /**
     * HostConfig.LogConfig: the driver (hull writes one format, CRI's k8s-file, whichever of the
     * two accepted names is given) and the --log-opt rotation keys Docker's json-file and
     * Podman's k8s-file share, checked here: max-size (decimal units, "10m") and max-file.
     */
    static Map<String, Object> logConfig(String driver, List<String> opts) throws EngineException {
        Map<String, String> config = new LinkedHashMap<>();
        for (String o : opts) {
            int eq = o.indexOf('=');
            if (eq <= 0) {
                throw new EngineException("--log-opt " + o + ": expected KEY=VALUE (max-size=10m, max-file=3)");
            }
            String key = o.substring(0, eq), value = o.substring(eq + 1);
            switch (key) {
                case "max-size" -> {
                    if (Sizes.human("--log-opt max-size", value) <= 0) {
                        throw new EngineException("--log-opt max-size=" + value + ": max-size must be a positive number");
                    }
                }
                case "max-file" -> {
                    long n = Sizes.integer("--log-opt max-file", value);
                    if (n < 1 || n > 1000) {
                        throw new EngineException("--log-opt max-file=" + value + ": max-file must be 1 to 1000");
                    }
                }
                default -> throw new EngineException("unknown log opt '" + key + "' for " + driver + " log driver");
            }
            config.put(key, value);
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("Type", driver);
        m.put("Config", config);
        return m;
    }

    private static Map<String, String> keyValues(String flag, List<String> items) throws EngineException {
        Map<String, String> m = new LinkedHashMap<>();
        for (String s : items) {
            int eq = s.indexOf('=');
            if (eq == 0 || s.isEmpty()) {
                throw new EngineException(flag + ": invalid value \"" + s + "\" (expected KEY=VALUE)");
            }
            if (eq < 0) {
                if (flag.equals("--sysctl")) {
                    throw new EngineException(flag + ": sysctl '" + s + "' is not allowed: expected KEY=VALUE");
                }
                m.put(s, "");
            } else {
                m.put(s.substring(0, eq), s.substring(eq + 1));
            }
        }
        return m;
    }

    private static void checkMode(String flag, String value, boolean containerOk, String... allowed) throws EngineException {
        for (String a : allowed) {
            if (a.equals(value)) {
                return;
            }
        }
        if (containerOk && value.startsWith("container:") && value.length() > "container:".length()) {
            return;
        }
        throw new EngineException(flag + ": invalid value \"" + value + "\" (expected " + String.join(", ", allowed)
                .replace(", ,", ",") + (containerOk ? " or container:NAME" : "") + ")");
    }

    static Map<String, Object> restart(String text) throws EngineException {
        String name = text, count = null;
        int colon = text.indexOf(':');
        if (colon >= 0) {
            name = text.substring(0, colon);
            count = text.substring(colon + 1);
        }
        long max = 0;
        switch (name) {
            case "no", "always", "unless-stopped" -> {
                if (count != null) {
                    throw new EngineException("--restart " + text + ": maximum retry count cannot be used with restart policy '" + name + "'");
                }
            }
            case "on-failure" -> {
                if (count != null) {
                    max = Sizes.integer("--restart", count);
                    if (max < 0) {
                        throw new EngineException("--restart " + text + ": maximum retry count cannot be negative");
                    }
                }
            }
            default -> throw new EngineException("--restart " + text + ": invalid restart policy '" + name
                    + "' (no, always, unless-stopped, on-failure[:N])");
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("Name", name);
        m.put("MaximumRetryCount", max);
        return m;
    }

    /** Capability names as Docker takes them: with or without CAP_, any case, or ALL. */
    static List<String> caps(String flag, List<String> names) throws EngineException {
        if (names.isEmpty()) {
            return null;
        }
        List<String> out = new ArrayList<>();
        for (String n0 : names) {
            for (String n : n0.split(",")) {
                String c = n.trim().toUpperCase(Locale.ROOT);
                if (c.equals("ALL")) {
                    out.add("ALL");
                    continue;
                }
                if (!c.startsWith("CAP_")) {
                    c = "CAP_" + c;
                }
                if (dev.hull.spec.Capabilities.number(c) < 0) {
                    throw new EngineException(flag + ": unknown capability: \"" + n.trim() + "\"");
                }
                out.add(c);
            }
        }
        return out;
    }

    private static Map<String, String> tmpfs(List<String> items) throws EngineException {
        if (items.isEmpty()) {
            return null;
        }
        Map<String, String> m = new LinkedHashMap<>();
        for (String t : items) {
            int colon = t.indexOf(':');
            String dest = colon < 0 ? t : t.substring(0, colon);
            if (!dest.startsWith("/")) {
                throw new EngineException("--tmpfs " + t + ": invalid mount path: '" + dest + "' mount path must be absolute");
            }
            m.put(dest, colon < 0 ? "" : t.substring(colon + 1));
        }
        return m;
    }

    private static long range(String flag, long v, long lo, long hi) throws EngineException {
        if (v < lo || v > hi) {
            throw new EngineException(flag + ": invalid value " + v + " (must be between " + lo + " and " + hi + ")");
        }
        return v;
    }

    private static long positive(String flag, long v) throws EngineException {
        if (v <= 0) {
            throw new EngineException(flag + ": must be greater than 0");
        }
        return v;
    }

    private static long nonNegative(String flag, long v) throws EngineException {
        if (v < 0) {
            throw new EngineException(flag + ": must not be negative");
        }
        return v;
    }

    private static long blkioWeight(long w) throws EngineException {
        if (w != 0 && (w < 10 || w > 1000)) {
            throw new EngineException("--blkio-weight: range of blkio weight is from 10 to 1000");
        }
        return w;
    }

    private static String cpuset(String flag, String v) throws EngineException {
        if (v.isEmpty()) {
            return v;
        }
        for (String part : v.split(",", -1)) {
            String[] r = part.split("-", -1);
            try {
                if (r.length > 2 || Integer.parseInt(r[0].trim()) < 0
                        || (r.length == 2 && Integer.parseInt(r[1].trim()) < Integer.parseInt(r[0].trim()))) {
                    throw new NumberFormatException();
                }
            } catch (NumberFormatException e) {
                throw new EngineException(flag + ": invalid value \"" + v + "\" (a list such as 0-2,4)");
            }
        }
        return v;
    }

    /** {@code /dev/sda:10mb} (bps), {@code /dev/sda:1000} (iops, weight). */
    private static List<Map<String, Object>> throttles(String flag, List<String> items, String key, boolean bytes)
            throws EngineException {
        List<Map<String, Object>> out = new ArrayList<>();
        for (String t : items) {
            int colon = t.lastIndexOf(':');
            if (colon <= 0 || !t.startsWith("/dev/")) {
                throw new EngineException(flag + ": bad format " + t + " (expected /dev/DEVICE:VALUE)");
            }
            String path = t.substring(0, colon), value = t.substring(colon + 1);
            long v = bytes ? Sizes.ram(flag, value) : Sizes.integer(flag, value);
            if (key.equals("Weight") && (v < 10 || v > 1000)) {
                throw new EngineException(flag + ": invalid weight for device: " + t + " (10 to 1000)");
            }
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("Path", path);
            m.put(key, v);
            out.add(m);
        }
        return out;
    }

    private static List<Map<String, Object>> ulimits(List<String> items) throws EngineException {
        List<Map<String, Object>> out = new ArrayList<>();
        for (String u : items) {
            int eq = u.indexOf('=');
            if (eq <= 0) {
                throw new EngineException("--ulimit " + u + ": invalid ulimit argument (expected NAME=SOFT[:HARD])");
            }
            String name = u.substring(0, eq);
            if (Ulimits.resource(name) == null) {
                throw new EngineException("--ulimit " + u + ": invalid ulimit type: " + name);
            }
            String[] v = u.substring(eq + 1).split(":", -1);
            if (v.length > 2) {
                throw new EngineException("--ulimit " + u + ": too many limit value arguments");
            }
            long soft = Sizes.integer("--ulimit", v[0]), hard = v.length == 2 ? Sizes.integer("--ulimit", v[1]) : soft;
            if (soft > hard && hard != -1) {
                throw new EngineException("--ulimit " + u + ": ulimit soft limit must be less than or equal to hard limit: "
                        + soft + " > " + hard);
            }
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("Name", name);
            m.put("Hard", hard);
            m.put("Soft", soft);
            out.add(m);
        }
        return out;
    }

    /** Podman's {@code CONTAINER_ID:HOST_ID:AMOUNT}. */
    private static List<Map<String, Object>> idMaps(String flag, List<String> items) throws EngineException {
        if (items.isEmpty()) {
            return null;
        }
        List<Map<String, Object>> out = new ArrayList<>();
        for (String s : items) {
            String[] p = s.split(":", -1);
            long[] n = new long[3];
            boolean ok = p.length == 3;
            for (int i = 0; ok && i < 3; i++) {
                try {
                    n[i] = Long.parseLong(p[i]);
                    ok = n[i] >= 0 && n[i] <= 0xFFFFFFFFL;
                } catch (NumberFormatException e) {
                    ok = false;
                }
            }
            if (!ok || n[2] == 0) {
                throw new EngineException(flag + " " + s + ": invalid mapping (expected CONTAINER_ID:HOST_ID:AMOUNT)");
            }
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("ContainerID", n[0]);
            m.put("HostID", n[1]);
            m.put("Size", n[2]);
            out.add(m);
        }
        return out;
    }
}
