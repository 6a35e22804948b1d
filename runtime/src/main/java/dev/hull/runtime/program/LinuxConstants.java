package dev.hull.runtime.program;

/** Kernel ABI numbers the compiler puts into programs (x86-64 and arm64 agree on all of these). */
public final class LinuxConstants {
    private LinuxConstants() {}

    public static final long CLONE_NEWTIME = 0x00000080L;
    public static final long CLONE_NEWNS = 0x00020000L;
    public static final long CLONE_NEWCGROUP = 0x02000000L;
    public static final long CLONE_NEWUTS = 0x04000000L;
    public static final long CLONE_NEWIPC = 0x08000000L;
    public static final long CLONE_NEWUSER = 0x10000000L;
    public static final long CLONE_NEWPID = 0x20000000L;
    public static final long CLONE_NEWNET = 0x40000000L;

    public static final long MS_RDONLY = 1, MS_NOSUID = 2, MS_NODEV = 4, MS_NOEXEC = 8,
            MS_SYNCHRONOUS = 16, MS_REMOUNT = 32, MS_MANDLOCK = 64, MS_DIRSYNC = 128,
            MS_NOSYMFOLLOW = 256, MS_NOATIME = 1024, MS_NODIRATIME = 2048, MS_BIND = 4096,
            MS_MOVE = 8192, MS_REC = 16384, MS_SILENT = 32768, MS_POSIXACL = 1 << 16,
            MS_UNBINDABLE = 1 << 17, MS_PRIVATE = 1 << 18, MS_SLAVE = 1 << 19, MS_SHARED = 1 << 20,
            MS_RELATIME = 1 << 21, MS_I_VERSION = 1 << 23, MS_STRICTATIME = 1 << 24,
            MS_LAZYTIME = 1 << 25;

    public static final long MOUNT_ATTR_RDONLY = 0x1, MOUNT_ATTR_NOSUID = 0x2,
            MOUNT_ATTR_NODEV = 0x4, MOUNT_ATTR_NOEXEC = 0x8, MOUNT_ATTR__ATIME = 0x70,
            MOUNT_ATTR_RELATIME = 0, MOUNT_ATTR_NOATIME = 0x10, MOUNT_ATTR_STRICTATIME = 0x20,
            MOUNT_ATTR_NODIRATIME = 0x80, MOUNT_ATTR_NOSYMFOLLOW = 0x200000;

    public static final int S_IFIFO = 0010000, S_IFCHR = 0020000, S_IFBLK = 0060000;

    public static final int PER_LINUX = 0x0000, PER_LINUX32 = 0x0008;

    /** The flag for a namespace type of the OCI spec. */
    public static long cloneFlag(String nsType) {
        return switch (nsType) {
            case "pid" -> CLONE_NEWPID;
            case "network" -> CLONE_NEWNET;
            case "mount" -> CLONE_NEWNS;
            case "ipc" -> CLONE_NEWIPC;
            case "uts" -> CLONE_NEWUTS;
            case "user" -> CLONE_NEWUSER;
            case "cgroup" -> CLONE_NEWCGROUP;
            case "time" -> CLONE_NEWTIME;
            default -> throw new IllegalArgumentException("unknown namespace type " + nsType);
        };
    }
}
