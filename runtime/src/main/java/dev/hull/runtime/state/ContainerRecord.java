package dev.hull.runtime.state;

import dev.hull.spec.Hooks.Hook;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the runtime keeps about a container in {@code <root>/<id>/state.json} between commands:
 * the OCI state members plus what delete and kill need later (cgroup directories, the hooks that
 * run after create, the pid's start time to recognise a recycled pid).
 *
 * @param phase "creating" until create has finished, then "created"
 */
public record ContainerRecord(
        String ociVersion,
        String id,
        String phase,
        long pid,
        long pidStartTime,
        String bundle,
        String rootfs,
        String created,
        Map<String, String> annotations,
        String cgroupMode,
        Map<String, String> cgroupDirs,
        List<String> cgroupCreated,
        boolean ownPidNamespace,
        List<Hook> poststart,
        List<Hook> poststop,
        Map<String, Object> resources,
        List<Object> devices,
        boolean noNewKeyring) {

    public static final String CREATING = "creating", CREATED = "created";

    public ContainerRecord withPid(long newPid, long startTime) {
        return new ContainerRecord(ociVersion, id, phase, newPid, startTime, bundle, rootfs, created,
                annotations, cgroupMode, cgroupDirs, cgroupCreated, ownPidNamespace, poststart, poststop,
                resources, devices, noNewKeyring);
    }

    public ContainerRecord withPhase(String newPhase) {
        return new ContainerRecord(ociVersion, id, newPhase, pid, pidStartTime, bundle, rootfs, created,
                annotations, cgroupMode, cgroupDirs, cgroupCreated, ownPidNamespace, poststart, poststop,
                resources, devices, noNewKeyring);
    }

    public ContainerRecord withCgroupCreated(List<String> dirs) {
        return new ContainerRecord(ociVersion, id, phase, pid, pidStartTime, bundle, rootfs, created,
                annotations, cgroupMode, cgroupDirs, List.copyOf(dirs), ownPidNamespace, poststart, poststop,
                resources, devices, noNewKeyring);
    }

    /** After `update`: the resources now in force, as JSON (ResourcesJson). */
    public ContainerRecord withResources(Map<String, Object> newResources) {
        return new ContainerRecord(ociVersion, id, phase, pid, pidStartTime, bundle, rootfs, created,
                annotations, cgroupMode, cgroupDirs, cgroupCreated, ownPidNamespace, poststart, poststop,
                newResources, devices, noNewKeyring);
    }

    /** The JSON tree written to state.json. */
    public Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("ociVersion", ociVersion);
        m.put("id", id);
        m.put("phase", phase);
        m.put("pid", pid);
        m.put("pidStartTime", pidStartTime);
        m.put("bundle", bundle);
        m.put("rootfs", rootfs);
        m.put("created", created);
        m.put("annotations", annotations);
        m.put("cgroupMode", cgroupMode);
        m.put("cgroupDirs", cgroupDirs);
        m.put("cgroupCreated", cgroupCreated);
        m.put("ownPidNamespace", ownPidNamespace);
        m.put("poststart", hooksJson(poststart));
        m.put("poststop", hooksJson(poststop));
        m.put("resources", resources);
        m.put("devices", devices);
        m.put("noNewKeyring", noNewKeyring); // created with --no-new-keyring: exec joins none either
        return m;
    }

    private static List<Object> hooksJson(List<Hook> hooks) {
        List<Object> out = new ArrayList<>();
        for (Hook h : hooks) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("path", h.path());
            m.put("args", h.args());
            if (h.env() != null) {
                m.put("env", h.env());
            }
            if (h.timeout() != null) {
                m.put("timeout", h.timeout());
            }
            out.add(m);
        }
        return out;
    }

    @SuppressWarnings("unchecked")
    public static ContainerRecord fromJson(Map<String, Object> m) {
        return new ContainerRecord(
                (String) m.get("ociVersion"),
                (String) m.get("id"),
                (String) m.get("phase"),
                ((Number) m.get("pid")).longValue(),
                ((Number) m.get("pidStartTime")).longValue(),
                (String) m.get("bundle"),
                (String) m.get("rootfs"),
                (String) m.get("created"),
                (Map<String, String>) m.get("annotations"),
                (String) m.get("cgroupMode"),
                (Map<String, String>) m.get("cgroupDirs"),
                (List<String>) m.get("cgroupCreated"),
                Boolean.TRUE.equals(m.get("ownPidNamespace")),
                hooks((List<Object>) m.get("poststart")),
                hooks((List<Object>) m.get("poststop")),
                m.get("resources") == null ? Map.of() : (Map<String, Object>) m.get("resources"),
                m.get("devices") == null ? List.of() : (List<Object>) m.get("devices"),
                Boolean.TRUE.equals(m.get("noNewKeyring")));
    }

    @SuppressWarnings("unchecked")
    private static List<Hook> hooks(List<Object> list) {
        List<Hook> out = new ArrayList<>();
        if (list != null) {
            for (Object o : list) {
                Map<String, Object> h = (Map<String, Object>) o;
                Number t = (Number) h.get("timeout");
                out.add(new Hook((String) h.get("path"), (List<String>) h.get("args"),
                        (List<String>) h.get("env"), t == null ? null : t.intValue()));
            }
        }
        return out;
    }
}
