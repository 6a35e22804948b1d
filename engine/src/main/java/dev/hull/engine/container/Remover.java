package dev.hull.engine.container;

import dev.hull.engine.Engine;
import dev.hull.engine.EngineException;
import dev.hull.engine.volume.VolumeStore;
import dev.hull.image.ImageException;
import dev.hull.runtime.lifecycle.HostMounts;
import dev.hull.sys.MountInfo;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * {@code hull rm}: the runtime's container (process, cgroup), the shared /dev/shm tmpfs, the
 * overlay, the anonymous volumes (with -v, or --rm), then the record. Nothing is deleted while it
 * may still hold a mount: each mount is taken down and checked gone first.
 */
public final class Remover {
    private Remover() {}

    public static void remove(Engine engine, String ref, boolean force, boolean volumes) throws EngineException {
        try (ContainerStore.Lock names = engine.containers().lockNames()) {
            Container c;
            try {
                c = engine.containers().find(ref);
            } catch (EngineException e) {
                if (force && ref.length() == 64) {
                    return; // gone already (a monitor's --rm racing rm -f)
                }
                throw e;
            }
            c = Exits.reconcile(engine, c);
            if (c.state().running() && RuntimeView.alive(engine, c.id())) {
                if (!force) {
                    throw new EngineException("cannot remove container \"/" + c.name()
                            + "\": container is running: stop the container before removing or force remove");
                }
                Stopper.markStopped(engine, c);
                Stopper.signal(engine, c, "SIGKILL", true);
                Stopper.waitGone(engine, c, 10_000);
                c = Exits.reconcile(engine, engine.containers().load(c.id()));
            }
            removeStopped(engine, c, volumes);
            removeCgroupParentWhenLast(engine);
        }
    }

    /**
     * The cgroup {@code /hull} that every container's is made under (the runtime removes the
     * parents a create made only while they are empty, which they are not when containers
     * overlap): removed with the last container by {@code hull rm} (not by a foreground
     * {@code run --rm}, whose next run would pay ~50 ms to make it again). Under the names lock:
     * no container is being created meanwhile, and none can start without one.
     */
    static void removeCgroupParentWhenLast(Engine engine) throws EngineException {
        if (!engine.containers().all().isEmpty()) {
            return;
        }
        Path root = Path.of("/sys/fs/cgroup");
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(root)) {
            for (Path h : ds) {
                rmdirQuietly(h.resolve("hull"));
            }
        } catch (IOException e) {
            return; // no cgroup tree to tidy
        }
        rmdirQuietly(root.resolve("hull")); // a pure v2 host
    }

    private static void rmdirQuietly(Path cgroup) {
        try {
            if (Files.isDirectory(cgroup, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                Files.delete(cgroup); // rmdir(2): refused while it has children or processes
            }
        } catch (IOException e) {
            // in use (another --root's containers): it stays
        }
    }

    /**
     * The removal proper of a container whose process is gone, under the names lock the caller
     * holds: also the end of a foreground {@code run --rm}, which needs no exit recorded first.
     */
    static void removeStopped(Engine engine, Container c, boolean volumes) throws EngineException {
        try (ContainerStore.Lock lock = engine.containers().lock(c.id())) {
            if (RuntimeView.record(engine, c.id()) != null) {
                Starter.runtimeDelete(engine, c.id());
            }
            Path dir = engine.containers().dir(c.id());
            unmount(dir.resolve("shm"));
            try {
                engine.images().releaseRootfs(c.id());
            } catch (ImageException e) {
                throw new EngineException("cannot remove the rootfs of " + c.name() + ": " + e.getMessage());
            }
            if (volumes) {
                removeAnonymousVolumes(engine, c);
            }
            // the record goes first, so a half-removed container is not listed
            Files.deleteIfExists(dir.resolve("container.json"));
            VolumeStore.deleteTree(dir);
        } catch (IOException e) {
            throw new EngineException("cannot remove container " + c.name() + ": " + e.getMessage());
        }
    }

    private static void removeAnonymousVolumes(Engine engine, Container c) throws EngineException {
        VolumeStore store = engine.volumes();
        for (Map<String, Object> m : c.mounts()) {
            if ("volume".equals(m.get("Type")) && m.get("Name") instanceof String name && store.exists(name)
                    && store.get(name).labels().containsKey(MountPlanner.ANONYMOUS)
                    && !Volumes.inUse(engine, name, c.id())) {
                store.remove(name);
            }
        }
    }

    /** Unmounts a host mount made for a container, and checks it is gone. */
    static void unmount(Path p) throws EngineException {
        try {
            for (int i = 0; i < 5 && mounted(p); i++) {
                HostMounts.unmount(p.toString(), 2 /* MNT_DETACH */);
            }
            if (mounted(p)) {
                throw new EngineException("cannot unmount " + p);
            }
        } catch (IOException | dev.hull.runtime.HullException e) {
            throw new EngineException("cannot unmount " + p + ": " + e.getMessage());
        }
    }

    static boolean mounted(Path p) throws IOException {
        if (!Files.exists(p)) {
            return false;
        }
        for (MountInfo m : MountInfo.self()) {
            if (m.mountPoint().equals(p.toString())) {
                return true;
            }
        }
        return false;
    }
}
