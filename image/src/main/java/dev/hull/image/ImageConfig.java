package dev.hull.image;

import java.util.List;
import java.util.Map;

/** The runtime defaults of an image (the "config" object of an OCI image config). */
public record ImageConfig(String user, List<String> env, List<String> entrypoint, List<String> cmd,
        String workingDir, Map<String, String> labels, List<String> exposedPorts, List<String> volumes,
        String stopSignal) {

    public ImageConfig {
        env = env == null ? List.of() : List.copyOf(env);
        entrypoint = entrypoint == null ? null : List.copyOf(entrypoint);
        cmd = cmd == null ? null : List.copyOf(cmd);
        labels = labels == null ? Map.of() : java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(labels));
        exposedPorts = exposedPorts == null ? List.of() : List.copyOf(exposedPorts);
        volumes = volumes == null ? List.of() : List.copyOf(volumes);
        user = user == null ? "" : user;
        workingDir = workingDir == null ? "" : workingDir;
        stopSignal = stopSignal == null ? "" : stopSignal;
    }

    public static final ImageConfig EMPTY = new ImageConfig(null, null, null, null, null, null, null, null, null);
}
