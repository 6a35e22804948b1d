package dev.hull.runtime.program;

/** How the container's first process is launched, which decides what the executor's parent does. */
public enum LaunchMode {
    /** {@code create}: the parent exits once the pid is known; the container waits for {@code start}. */
    CREATE(0),
    /** {@code run -d}: like create, then started at once over the control channel. */
    RUN_DETACHED(0),
    /** {@code run}: the parent waits and passes the exit status on. */
    RUN_FOREGROUND(1),
    /** {@code run} with a terminal and no console socket: the parent also proxies the pty. */
    RUN_FOREGROUND_TTY(2);

    /** The CLONE step's parent-mode field (native/src/ns.c). */
    public final int parentMode;

    LaunchMode(int parentMode) {
        this.parentMode = parentMode;
    }
}
