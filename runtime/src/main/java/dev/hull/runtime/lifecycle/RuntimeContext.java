package dev.hull.runtime.lifecycle;

import dev.hull.runtime.state.StateStore;

/** The global options every command sees: --root, --log/--log-format/--debug, --systemd-cgroup. */
public record RuntimeContext(StateStore store, Log log, boolean systemdCgroup) {}
