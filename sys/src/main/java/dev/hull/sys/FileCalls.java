package dev.hull.sys;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

/**
 * The file calls java.nio has no equivalent for, used to unpack image layers and mount their
 * overlay: mknod (devices, fifos, overlay whiteouts), lchown, chmod with the setuid/setgid/sticky
 * bits, lsetxattr (overlay's opaque marker, security.capability), mount and umount2. Handles are
 * created lazily, one holder class per function, as in {@link LibC}: each costs milliseconds.
 * None of these follows a symlink in the last component except chmod, which callers never apply
 * to a symlink.
 */
public final class FileCalls {
    private static final StructLayout CAPTURE = Downcalls.CAPTURE;
    private static final long ERRNO_OFFSET = Downcalls.ERRNO_OFFSET;
    private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT;
    private static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG;
    private static final java.lang.foreign.AddressLayout PTR = ValueLayout.ADDRESS;

    public static final int S_IFIFO = 0010000;
    public static final int S_IFCHR = 0020000;
    public static final int S_IFBLK = 0060000;
    /** umount2 flag: detach lazily. */
    public static final int MNT_DETACH = 2;

    private FileCalls() {}

    private static MethodHandle handle(String name, FunctionDescriptor fd) {
        return Downcalls.libc(name, fd);
    }

    private static final class Mknod {
        static final MethodHandle H = handle("mknod", FunctionDescriptor.of(INT, PTR, INT, LONG));
    }

    private static final class Lchown {
        static final MethodHandle H = handle("lchown", FunctionDescriptor.of(INT, PTR, INT, INT));
    }

    private static final class Chmod {
        static final MethodHandle H = handle("chmod", FunctionDescriptor.of(INT, PTR, INT));
    }

    private static final class Lsetxattr {
        static final MethodHandle H = handle("lsetxattr", FunctionDescriptor.of(INT, PTR, PTR, PTR, LONG, INT));
    }

    private static final class Lgetxattr {
        static final MethodHandle H = handle("lgetxattr", FunctionDescriptor.of(LONG, PTR, PTR, PTR, LONG));
    }

    private static final class Utimensat {
        static final MethodHandle H = handle("utimensat", FunctionDescriptor.of(INT, INT, PTR, PTR, INT));
    }

    private static final class Mount {
        static final MethodHandle H = handle("mount", FunctionDescriptor.of(INT, PTR, PTR, PTR, LONG, PTR));
    }

    private static final class Umount2 {
        static final MethodHandle H = handle("umount2", FunctionDescriptor.of(INT, PTR, INT));
    }

    /** glibc's gnu_dev_makedev: the 64-bit dev_t of a major and minor number. */
    public static long makedev(long major, long minor) {
        return ((major & 0x00000fffL) << 8) | ((major & 0xfffff000L) << 32)
                | (minor & 0x000000ffL) | ((minor & 0xffffff00L) << 12);
    }

    /** mknod(2): mode holds the file type (S_IFCHR, S_IFBLK, S_IFIFO) and the permission bits. */
    public static void mknod(String path, int mode, long dev) throws SysException {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment st = a.allocate(CAPTURE);
            int r = (int) Mknod.H.invokeExact(st, a.allocateFrom(path), mode, dev);
            check(r, st, "mknod(" + path + ")");
        } catch (SysException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /** lchown(2): numeric owner of path itself, a symlink included. */
    public static void lchown(String path, int uid, int gid) throws SysException {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment st = a.allocate(CAPTURE);
            int r = (int) Lchown.H.invokeExact(st, a.allocateFrom(path), uid, gid);
            check(r, st, "lchown(" + path + ")");
        } catch (SysException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /** chmod(2) with all 12 bits (java.nio's PosixFilePermission has no setuid, setgid, sticky). */
    public static void chmod(String path, int mode) throws SysException {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment st = a.allocate(CAPTURE);
            int r = (int) Chmod.H.invokeExact(st, a.allocateFrom(path), mode & 07777);
            check(r, st, "chmod(" + path + ")");
        } catch (SysException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /** lsetxattr(2). */
    public static void lsetxattr(String path, String name, byte[] value) throws SysException {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment st = a.allocate(CAPTURE);
            MemorySegment v = a.allocate(Math.max(1, value.length));
            MemorySegment.copy(value, 0, v, ValueLayout.JAVA_BYTE, 0, value.length);
            int r = (int) Lsetxattr.H.invokeExact(st, a.allocateFrom(path), a.allocateFrom(name), v,
                    (long) value.length, 0);
            check(r, st, "lsetxattr(" + path + ", " + name + ")");
        } catch (SysException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /** lgetxattr(2): the value, or null when path has no such attribute (ENODATA). */
    public static byte[] lgetxattr(String path, String name) throws SysException {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment st = a.allocate(CAPTURE);
            MemorySegment buf = a.allocate(65536);
            long r = (long) Lgetxattr.H.invokeExact(st, a.allocateFrom(path), a.allocateFrom(name), buf, 65536L);
            if (r < 0) {
                int errno = st.get(INT, ERRNO_OFFSET);
                if (errno == 61) { // ENODATA
                    return null;
                }
                throw new SysException("lgetxattr(" + path + ", " + name + ")", errno);
            }
            return buf.asSlice(0, r).toArray(ValueLayout.JAVA_BYTE);
        } catch (SysException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /**
     * utimensat(2) with AT_SYMLINK_NOFOLLOW: sets atime and mtime of path itself. java.nio's
     * setTimes opens the file, which blocks on a fifo and fails on a device without a driver.
     */
    public static void lutimes(String path, long seconds, long nanos) throws SysException {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment st = a.allocate(CAPTURE);
            MemorySegment ts = a.allocate(LONG, 4);
            ts.setAtIndex(LONG, 0, seconds);
            ts.setAtIndex(LONG, 1, nanos);
            ts.setAtIndex(LONG, 2, seconds);
            ts.setAtIndex(LONG, 3, nanos);
            int r = (int) Utimensat.H.invokeExact(st, -100 /* AT_FDCWD */, a.allocateFrom(path), ts, 0x100 /* AT_SYMLINK_NOFOLLOW */);
            check(r, st, "utimensat(" + path + ")");
        } catch (SysException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /** mount(2); data may be null. */
    public static void mount(String source, String target, String fsType, long flags, String data)
            throws SysException {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment st = a.allocate(CAPTURE);
            MemorySegment d = data == null ? MemorySegment.NULL : a.allocateFrom(data);
            int r = (int) Mount.H.invokeExact(st, a.allocateFrom(source), a.allocateFrom(target),
                    a.allocateFrom(fsType), flags, d);
            check(r, st, "mount(" + fsType + " on " + target + ")");
        } catch (SysException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /** umount2(2). */
    public static void umount2(String target, int flags) throws SysException {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment st = a.allocate(CAPTURE);
            int r = (int) Umount2.H.invokeExact(st, a.allocateFrom(target), flags);
            check(r, st, "umount2(" + target + ")");
        } catch (SysException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    private static void check(int r, MemorySegment st, String call) throws SysException {
        if (r < 0) {
            throw new SysException(call, st.get(INT, ERRNO_OFFSET));
        }
    }
}
