package dev.hull.engine;

import dev.hull.engine.container.ContainerStore;
import dev.hull.engine.volume.VolumeStore;
import dev.hull.image.ImageException;
import dev.hull.image.ImageStore;
import dev.hull.runtime.lifecycle.Log;
import dev.hull.runtime.lifecycle.RuntimeContext;
import dev.hull.runtime.state.StateStore;
import java.nio.file.Path;

/**
 * Where one {@code hull} command keeps things: {@code root} (default /var/lib/hull: images,
 * overlay snapshots, containers, volumes) and {@code runRoot} (default /run/hull-engine: the
 * runtime's state of the containers' processes). The runtime is called in-process.
 */
public final class Engine {
    private final Path root, runRoot, self;
    private final ContainerStore containers;
    private final RuntimeContext runtime;
    private ImageStore images;

    /** @param self the {@code hull} launcher, which a container's monitor runs when the container exits */
    public Engine(Path root, Path runRoot, Path self, Log log) {
        this.root = root;
        this.runRoot = runRoot;
        this.self = self;
        this.containers = new ContainerStore(root);
        this.runtime = new RuntimeContext(new StateStore(runRoot), log, false);
    }

    public Path root() {
        return root;
    }

    public Path runRoot() {
        return runRoot;
    }

    public Path self() {
        return self;
    }

    public ContainerStore containers() {
        return containers;
    }

    public RuntimeContext runtime() {
        return runtime;
    }

    public Log log() {
        return runtime.log();
    }

    public VolumeStore volumes() {
        return new VolumeStore(root.resolve("volumes"));
    }

    /** Opened on first use: commands that do not touch images do not pay for it. */
    public ImageStore images() throws EngineException {
        if (images == null) {
            try {
                images = ImageStore.open(root, new ExecutorMounts());
            } catch (ImageException e) {
                throw new EngineException(e.getMessage());
            }
        }
        return images;
    }
}
