package dev.hull.spec;

import java.util.List;
import java.util.Map;

/**
 * An OCI runtime-spec configuration (config.json), as far as a Linux runtime reads it. Absent
 * optional members are {@code null} (lists and maps: empty), so that "not set" and "set to the
 * default" stay distinguishable where the spec makes them differ.
 */
public record Spec(
        String ociVersion,
        Process process,
        Root root,
        String hostname,
        String domainname,
        List<Mount> mounts,
        Hooks hooks,
        Map<String, String> annotations,
        Linux linux) {

    public Spec {
        mounts = mounts == null ? List.of() : List.copyOf(mounts);
        annotations = annotations == null ? Map.of() : Map.copyOf(annotations);
        hooks = hooks == null ? Hooks.NONE : hooks;
        linux = linux == null ? Linux.EMPTY : linux;
    }
}
