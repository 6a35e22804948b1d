package dev.hull.runtime.lifecycle;

import dev.hull.runtime.state.ContainerRecord;
import dev.hull.runtime.state.Status;
import dev.hull.spec.json.Json;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/** The OCI state object (runtime.md, "State"), as hooks receive it and `state` prints it. */
public final class OciState {
    private OciState() {}

    /** The spec's members plus runc's rootfs/created/owner, which clients such as go-runc read. */
    public static Map<String, Object> of(ContainerRecord r, Status status, long pid) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("ociVersion", r.ociVersion());
        m.put("id", r.id());
        m.put("status", status.label());
        m.put("pid", pid);
        m.put("bundle", r.bundle());
        m.put("rootfs", r.rootfs());
        m.put("created", r.created());
        m.put("owner", "");
        if (!r.annotations().isEmpty()) {
            m.put("annotations", r.annotations());
        }
        return m;
    }

    public static byte[] bytes(ContainerRecord r, Status status) {
        return Json.write(of(r, status, r.pid())).getBytes(StandardCharsets.UTF_8);
    }
}
