package dev.hull.image;

import dev.hull.sys.FileCalls;
import java.io.IOException;

/**
 * How the store mounts and unmounts a container's overlay. The default calls mount(2) through
 * FFM; the engine passes one that has the runtime's executor do it, since the first FFM downcall of
 * a fresh JVM costs ~20 ms and a fork of the front ~1 ms.
 */
public interface Mounter {
    void mount(String source, String target, String type, long flags, String data) throws IOException;

    void unmount(String target, int flags) throws IOException;

    Mounter FFM = new Mounter() {
        @Override
        public void mount(String source, String target, String type, long flags, String data) throws IOException {
            FileCalls.mount(source, target, type, flags, data);
        }

        @Override
        public void unmount(String target, int flags) throws IOException {
            FileCalls.umount2(target, flags);
        }
    };
}
