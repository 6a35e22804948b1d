package dev.hull.engine.container;

import dev.hull.engine.Engine;
import dev.hull.engine.EngineException;
import java.util.Map;

/** Which containers use which named volumes. */
public final class Volumes {
    private Volumes() {}

    /** Does a container other than {@code except} mount the volume? */
    public static boolean inUse(Engine engine, String volume, String except) throws EngineException {
        for (Container c : engine.containers().all()) {
            if (c.id().equals(except)) {
                continue;
            }
            for (Map<String, Object> m : c.mounts()) {
                if ("volume".equals(m.get("Type")) && volume.equals(m.get("Name"))) {
                    return true;
                }
            }
        }
        return false;
    }
}
