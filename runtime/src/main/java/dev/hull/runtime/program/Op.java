package dev.hull.runtime.program;

/**
 * The executor's steps. The codes are the ones in native/src/hull.h (HULL_OPS); a unit test runs
 * {@code hull-exec --ops} and compares, so the two cannot drift apart.
 */
public enum Op {
    GRAB_FDS(1), CONNECT_SOCKET(2), JOIN_NS(3), UNSHARE_TIME(4), CLONE(5), WAIT_GO(6), SETSID(7),
    BECOME_ROOT(8), UNSHARE(9), SETHOSTNAME(10), SETDOMAINNAME(11), MOUNT(12), OPEN_ROOT(13),
    MOUNT_IN_ROOT(14), MKNOD_IN_ROOT(15), SYMLINK_IN_ROOT(16), SYNC_HOOKS(17), HOOK(18),
    LISTEN_START(19), PIVOT_ROOT(20), MOVE_ROOT(21), CONSOLE(22), MASK_PATH(23), READONLY_PATH(24),
    REMOUNT_ROOT_RO(25), WRITE_FILE(26), CHDIR(27), RLIMIT(28), PERSONALITY(29), CAP_BOUNDING(30),
    KEEPCAPS(31), SETGROUPS(32), SETRESGID(33), SETRESUID(34), CAPS(35), AMBIENT(36),
    NO_NEW_PRIVS(37), UMASK(38), SECCOMP(39), DUMPABLE(40), LOOKUP_EXEC(41), CREATED(42),
    WAIT_START(43), EXEC(44), SET_STATE(45), START_CLIENT(46), SIGNAL(47), CLOSE_FDS(48),
    MKDIR_IN_ROOT(49), JOIN_KEYRING(50), IOPRIO(51), SCHED(52), DEVICE_FILTER(53), CONNECT_LISTENER(54),
    LSM_LABEL(55), LANDLOCK(56), MONITOR(57), UMOUNT(58), STDIN_NULL(59);

    public final int code;

    Op(int code) {
        this.code = code;
    }

    public static Op of(int code) {
        for (Op op : values()) {
            if (op.code == code) {
                return op;
            }
        }
        return null;
    }
}
