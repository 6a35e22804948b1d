package dev.hull.spec;

import java.util.List;
import java.util.Map;

/** {@code linux}: everything Linux-specific. */
public record Linux(
        List<IdMapping> uidMappings,
        List<IdMapping> gidMappings,
        Map<String, TimeOffset> timeOffsets,
        Map<String, String> sysctl,
        Resources resources,
        String cgroupsPath,
        List<Namespace> namespaces,
        List<Device> devices,
        Seccomp seccomp,
        String rootfsPropagation,
        List<String> maskedPaths,
        List<String> readonlyPaths,
        String mountLabel,
        Personality personality) {

    public static final Linux EMPTY = new Linux(null, null, null, null, null, null, null, null, null,
            null, null, null, null, null);

    public Linux {
        uidMappings = uidMappings == null ? List.of() : List.copyOf(uidMappings);
        gidMappings = gidMappings == null ? List.of() : List.copyOf(gidMappings);
        timeOffsets = timeOffsets == null ? Map.of() : Map.copyOf(timeOffsets);
        sysctl = sysctl == null ? Map.of() : java.util.Collections.unmodifiableMap(
                new java.util.LinkedHashMap<>(sysctl));
        namespaces = namespaces == null ? List.of() : List.copyOf(namespaces);
        devices = devices == null ? List.of() : List.copyOf(devices);
        maskedPaths = maskedPaths == null ? List.of() : List.copyOf(maskedPaths);
        readonlyPaths = readonlyPaths == null ? List.of() : List.copyOf(readonlyPaths);
    }

    /** The same, with other namespaces (exec: those of the container's process, by path). */
    public Linux withNamespaces(List<Namespace> ns) {
        return new Linux(uidMappings, gidMappings, timeOffsets, sysctl, resources, cgroupsPath, ns, devices,
                seccomp, rootfsPropagation, maskedPaths, readonlyPaths, mountLabel, personality);
    }

    /** {@code linux.namespaces[]}: a new namespace, or the one at {@code path} (null = new). */
    public record Namespace(String type, String path) {}

    /** {@code linux.devices[]}: a node to create in the container's /dev. */
    public record Device(String type, String path, Long major, Long minor, Integer fileMode,
                         Long uid, Long gid) {}

    /** {@code linux.timeOffsets.<clock>}. */
    public record TimeOffset(long secs, long nanosecs) {}

    /** {@code linux.personality}. */
    public record Personality(String domain, List<String> flags) {
        public Personality {
            flags = flags == null ? List.of() : List.copyOf(flags);
        }
    }

    /** The namespace of this type that the config asks for, or null. */
    public Namespace namespace(String type) {
        for (Namespace n : namespaces) {
            if (n.type().equals(type)) {
                return n;
            }
        }
        return null;
    }
}
