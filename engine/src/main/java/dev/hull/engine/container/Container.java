package dev.hull.engine.container;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One engine container, as kept in {@code containers/<id>/container.json}: Docker's
 * {@code Config} and {@code HostConfig} (with the image's defaults merged in), the mounts it got,
 * and its {@link State}. {@code inspect} prints it in Docker's shape ({@link #toJson}).
 */
public record Container(String id, String name, String created, String imageId, String path, List<String> args,
                        Map<String, Object> config, Map<String, Object> hostConfig, List<Map<String, Object>> mounts,
                        State state, long restartCount, boolean manuallyStopped, String rootfs, String logPath,
                        String hostnamePath, String hostsPath, String resolvConfPath) {

    /** Docker's State object. Status: created, running, paused, restarting, exited, dead. */
    public record State(String status, long pid, long exitCode, boolean oomKilled, String error, String startedAt,
                        String finishedAt) {
        public static final String ZERO_TIME = "0001-01-01T00:00:00Z";

        public static State created() {
            return new State("created", 0, 0, false, "", ZERO_TIME, ZERO_TIME);
        }

        public boolean running() {
            return status.equals("running") || status.equals("paused") || status.equals("restarting");
        }

        public Map<String, Object> toJson() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("Status", status);
            m.put("Running", running());
            m.put("Paused", status.equals("paused"));
            m.put("Restarting", status.equals("restarting"));
            m.put("OOMKilled", oomKilled);
            m.put("Dead", status.equals("dead"));
            m.put("Pid", pid);
            m.put("ExitCode", exitCode);
            m.put("Error", error);
            m.put("StartedAt", startedAt);
            m.put("FinishedAt", finishedAt);
            return m;
        }

        static State fromJson(Map<?, ?> m) {
            return new State((String) m.get("Status"), num(m.get("Pid")), num(m.get("ExitCode")),
                    Boolean.TRUE.equals(m.get("OOMKilled")), str(m.get("Error")), str(m.get("StartedAt")),
                    str(m.get("FinishedAt")));
        }
    }

    /** --log-opt max-size in bytes (decimal units, as Docker); 0: the log is not rotated. */
    public long logMaxSize() {
        String v = logOpt("max-size");
        if (v == null) {
            return 0;
        }
        try {
            return dev.hull.engine.cli.Sizes.human("--log-opt max-size", v);
        } catch (dev.hull.engine.EngineException e) {
            return 0; // checked when the container was created
        }
    }

    /** --log-opt max-file: how many files the log keeps when it is rotated (Docker's default 1). */
    public int logFiles() {
        String v = logOpt("max-file");
        return v == null ? 1 : Integer.parseInt(v.trim());
    }

    private String logOpt(String key) {
        return hostConfig.get("LogConfig") instanceof Map<?, ?> lc && lc.get("Config") instanceof Map<?, ?> opts
                && opts.get(key) instanceof String s ? s : null;
    }

    /** The host id of one of the container's user ids: its --uidmap applied (none: the same id). */
    public int hostUid(int containerUid) {
        return (int) IdShift.toHost(SpecBuilder.list(hostConfig.get("UidMap")), containerUid);
    }

    public int hostGid(int containerGid) {
        return (int) IdShift.toHost(SpecBuilder.list(hostConfig.get("GidMap")), containerGid);
    }

    /** The container's view of a host user id: the inverse of {@link #hostUid}. */
    public int containerUid(int hostUid) {
        return (int) IdShift.toContainer(SpecBuilder.list(hostConfig.get("UidMap")), hostUid);
    }

    public int containerGid(int hostGid) {
        return (int) IdShift.toContainer(SpecBuilder.list(hostConfig.get("GidMap")), hostGid);
    }

    public String shortId() {
        return id.substring(0, 12);
    }

    public Container withState(State s) {
        return new Container(id, name, created, imageId, path, args, config, hostConfig, mounts, s, restartCount,
                manuallyStopped, rootfs, logPath, hostnamePath, hostsPath, resolvConfPath);
    }

    public Container withName(String n) {
        return new Container(id, n, created, imageId, path, args, config, hostConfig, mounts, state, restartCount,
                manuallyStopped, rootfs, logPath, hostnamePath, hostsPath, resolvConfPath);
    }

    public Container withRestart(long count, boolean stopped) {
        return new Container(id, name, created, imageId, path, args, config, hostConfig, mounts, state, count,
                stopped, rootfs, logPath, hostnamePath, hostsPath, resolvConfPath);
    }

    public Container withHostConfig(Map<String, Object> h) {
        return new Container(id, name, created, imageId, path, args, config, h, mounts, state, restartCount,
                manuallyStopped, rootfs, logPath, hostnamePath, hostsPath, resolvConfPath);
    }

    /** Docker's {@code docker inspect} object for this container. */
    public Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("Id", id);
        m.put("Created", created);
        m.put("Path", path);
        m.put("Args", args);
        m.put("State", state.toJson());
        m.put("Image", imageId);
        m.put("ResolvConfPath", resolvConfPath);
        m.put("HostnamePath", hostnamePath);
        m.put("HostsPath", hostsPath);
        m.put("LogPath", logPath);
        m.put("Name", "/" + name);
        m.put("RestartCount", restartCount);
        m.put("Driver", "overlay");
        m.put("Platform", "linux");
        m.put("HostConfig", hostConfig);
        m.put("GraphDriver", graphDriver());
        m.put("Mounts", mounts);
        m.put("Config", config);
        m.put("NetworkSettings", networkSettings());
        m.put("HullManuallyStopped", manuallyStopped);
        m.put("HullRootfs", rootfs);
        return m;
    }

    private Map<String, Object> graphDriver() {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("MergedDir", rootfs);
        Map<String, Object> g = new LinkedHashMap<>();
        g.put("Data", data);
        g.put("Name", "overlay");
        return g;
    }

    private Map<String, Object> networkSettings() {
        Map<String, Object> n = new LinkedHashMap<>();
        n.put("Ports", new LinkedHashMap<>());
        n.put("SandboxKey", state.pid() > 0 ? "/proc/" + state.pid() + "/ns/net" : "");
        n.put("Networks", new LinkedHashMap<>());
        return n;
    }

    @SuppressWarnings("unchecked")
    public static Container fromJson(Map<?, ?> m) {
        String name = (String) m.get("Name");
        List<Map<String, Object>> mounts = new ArrayList<>();
        for (Object o : (List<?>) m.get("Mounts")) {
            mounts.add((Map<String, Object>) o);
        }
        List<String> args = new ArrayList<>();
        for (Object o : (List<?>) m.get("Args")) {
            args.add((String) o);
        }
        return new Container((String) m.get("Id"), name.startsWith("/") ? name.substring(1) : name,
                (String) m.get("Created"), (String) m.get("Image"), (String) m.get("Path"), args,
                (Map<String, Object>) m.get("Config"), (Map<String, Object>) m.get("HostConfig"), mounts,
                State.fromJson((Map<?, ?>) m.get("State")), num(m.get("RestartCount")),
                Boolean.TRUE.equals(m.get("HullManuallyStopped")), (String) m.get("HullRootfs"),
                (String) m.get("LogPath"), (String) m.get("HostnamePath"), (String) m.get("HostsPath"),
                (String) m.get("ResolvConfPath"));
    }

    static long num(Object o) {
        return o instanceof Number n ? n.longValue() : 0;
    }

    static String str(Object o) {
        return o == null ? "" : o.toString();
    }
}
