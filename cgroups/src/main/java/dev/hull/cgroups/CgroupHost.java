package dev.hull.cgroups;

import dev.hull.sys.KernelFiles;
import dev.hull.sys.MountInfo;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What the host's cgroup setup is, probed from mountinfo and /proc/self/cgroup: which hierarchies
 * are mounted where, and which cgroup this process is in on each (relative cgroupsPath values
 * are resolved under it, as runc does).
 */
public record CgroupHost(CgroupMode mode, List<Hierarchy> hierarchies, Map<String, String> ownCgroups) {

    /** Mount options of a v1 cgroup mount that are not controllers. */
    private static final Set<String> NOT_CONTROLLERS = Set.of("rw", "ro", "relatime", "noatime",
            "nosuid", "nodev", "noexec", "clone_children", "noprefix", "xattr", "cpuset_v2_mode",
            "nsdelegate", "memory_recursiveprot", "memory_localevents", "favordynmods");

    public static CgroupHost probe() throws IOException {
        return from(MountInfo.self(), KernelFiles.read(Path.of("/proc/self/cgroup")));
    }

    /** Builds the picture from mountinfo entries and the text of /proc/self/cgroup. */
    public static CgroupHost from(List<MountInfo> mounts, String procSelfCgroup) {
        Map<String, String> own = new HashMap<>();
        for (String line : procSelfCgroup.split("\n")) {
            String[] f = line.split(":", 3);
            if (f.length == 3) {
                own.put(f[1], f[2]);
            }
        }
        List<Hierarchy> found = new ArrayList<>();
        Set<String> seen = new LinkedHashSet<>();
        boolean v1 = false, v2 = false;
        for (MountInfo m : mounts) {
            if (m.fsType().equals("cgroup2")) {
                if (seen.add("")) {
                    found.add(new Hierarchy("", Set.of(), Path.of(m.mountPoint()), m.root(), true));
                    v2 = true;
                }
            } else if (m.fsType().equals("cgroup")) {
                Set<String> ctrls = new LinkedHashSet<>();
                String named = null;
                for (String o : m.superOptions().split(",")) {
                    if (o.startsWith("name=")) {
                        named = o;
                    } else if (!o.isEmpty() && !NOT_CONTROLLERS.contains(o) && !o.contains("=")) {
                        ctrls.add(o);
                    }
                }
                String key = named != null && ctrls.isEmpty() ? named : String.join(",", ctrls);
                if (!key.isEmpty() && seen.add(key)) {
                    found.add(new Hierarchy(key, Set.copyOf(ctrls), Path.of(m.mountPoint()), m.root(),
                            false));
                    v1 |= !ctrls.isEmpty();
                }
            }
        }
        CgroupMode mode = v1 ? (v2 ? CgroupMode.HYBRID : CgroupMode.V1) : CgroupMode.V2;
        return new CgroupHost(mode, List.copyOf(found), Map.copyOf(own));
    }

    /** The v2 hierarchy (the unified mount on a hybrid host), or null. */
    public Hierarchy unified() {
        for (Hierarchy h : hierarchies) {
            if (h.unified()) {
                return h;
            }
        }
        return null;
    }

    /** The v1 hierarchy that has this controller, or null. */
    public Hierarchy v1(String controller) {
        for (Hierarchy h : hierarchies) {
            if (!h.unified() && h.controllers().contains(controller)) {
                return h;
            }
        }
        return null;
    }

    /** This process's cgroup in a hierarchy, "/" when unknown. */
    public String ownCgroup(Hierarchy h) {
        String p = ownCgroups.get(h.key());
        return p == null ? "/" : p;
    }
}
