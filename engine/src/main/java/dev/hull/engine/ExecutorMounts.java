package dev.hull.engine;

import dev.hull.image.Mounter;
import dev.hull.runtime.HullException;
import dev.hull.runtime.lifecycle.HostMounts;
import java.io.IOException;

/** The image store's mounts made by the runtime's executor (no FFM on the container start path). */
final class ExecutorMounts implements Mounter {
    @Override
    public void mount(String source, String target, String type, long flags, String data) throws IOException {
        try {
            HostMounts.mount(source, target, type, flags, data);
        } catch (HullException e) {
            throw new IOException(e.getMessage());
        }
    }

    @Override
    public void unmount(String target, int flags) throws IOException {
        try {
            HostMounts.unmount(target, flags);
        } catch (HullException e) {
            throw new IOException(e.getMessage());
        }
    }
}
