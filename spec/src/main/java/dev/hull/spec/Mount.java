package dev.hull.spec;

import java.util.List;

/** {@code mounts[]}, in the order they must be mounted. */
public record Mount(
        String destination,
        String type,
        String source,
        List<String> options,
        List<IdMapping> uidMappings,
        List<IdMapping> gidMappings) {

    public Mount {
        options = options == null ? List.of() : List.copyOf(options);
        uidMappings = uidMappings == null ? List.of() : List.copyOf(uidMappings);
        gidMappings = gidMappings == null ? List.of() : List.copyOf(gidMappings);
    }
}
