package dev.hull.sys;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * AF_UNIX sockets that can receive file descriptors (SCM_RIGHTS), which the JDK's channels
 * cannot: a console socket receives a container's pty master this way. Also plain read/write/
 * poll on raw fds, for the descriptors received. x86-64/arm64 LP64 struct layouts.
 */
public final class UnixSocket implements AutoCloseable {
    private static final Linker L = Linker.nativeLinker();
    private static final StructLayout CAPTURE = Linker.Option.captureStateLayout();
    private static final long ERRNO = CAPTURE.byteOffset(MemoryLayout.PathElement.groupElement("errno"));
    private static final int AF_UNIX = 1, SOCK_STREAM = 1, SOCK_CLOEXEC = 02000000,
            SOL_SOCKET = 1, SCM_RIGHTS = 1, MSG_CMSG_CLOEXEC = 0x40000000, POLLIN = 1,
            MSG_NOSIGNAL = 0x4000;

    private static final class H {
        static final MethodHandle SOCKET = h("socket", FunctionDescriptor.of(ValueLayout.JAVA_INT,
                ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
        static final MethodHandle BIND = h("bind", FunctionDescriptor.of(ValueLayout.JAVA_INT,
                ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT));
        static final MethodHandle LISTEN = h("listen", FunctionDescriptor.of(ValueLayout.JAVA_INT,
                ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
        static final MethodHandle ACCEPT4 = h("accept4", FunctionDescriptor.of(ValueLayout.JAVA_INT,
                ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.ADDRESS, ValueLayout.JAVA_INT));
        static final MethodHandle RECVMSG = h("recvmsg", FunctionDescriptor.of(ValueLayout.JAVA_LONG,
                ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT));
        static final MethodHandle READ = h("read", FunctionDescriptor.of(ValueLayout.JAVA_LONG,
                ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG));
        static final MethodHandle WRITE = h("write", FunctionDescriptor.of(ValueLayout.JAVA_LONG,
                ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG));
        static final MethodHandle CLOSE = h("close", FunctionDescriptor.of(ValueLayout.JAVA_INT,
                ValueLayout.JAVA_INT));
        static final MethodHandle CONNECT = h("connect", FunctionDescriptor.of(ValueLayout.JAVA_INT,
                ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT));
        static final MethodHandle SENDMSG = h("sendmsg", FunctionDescriptor.of(ValueLayout.JAVA_LONG,
                ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT));
        static final MethodHandle POLL = h("poll", FunctionDescriptor.of(ValueLayout.JAVA_INT,
                ValueLayout.ADDRESS, ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT));

        @SuppressWarnings("restricted")
        private static MethodHandle h(String name, FunctionDescriptor fd) {
            return L.downcallHandle(L.defaultLookup().find(name).orElseThrow(), fd,
                    Linker.Option.captureCallState("errno"));
        }
    }

    private final int fd;

    private UnixSocket(int fd) {
        this.fd = fd;
    }

    public int fd() {
        return fd;
    }

    /** A listening socket bound to path (which must not exist). */
    public static UnixSocket listen(Path path) throws SysException {
        UnixSocket s = open(path, true);
        try (Arena a = Arena.ofConfined()) {
            MemorySegment st = a.allocate(CAPTURE);
            int r = (int) H.LISTEN.invokeExact(st, s.fd, 4);
            if (r < 0) {
                int e = errno(st);
                closeFd(s.fd);
                throw new SysException("listen " + path, e);
            }
            return s;
        } catch (SysException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /** A stream socket connected to path (a listener's, as --console-socket and --pidfd-socket are). */
    public static UnixSocket connect(Path path) throws SysException {
        return open(path, false);
    }

    /** A stream socket bound to (bind) or connected to path; closed again when that fails. */
    private static UnixSocket open(Path path, boolean bind) throws SysException {
        String what = (bind ? "bind " : "connect ") + path;
        byte[] name = path.toString().getBytes(StandardCharsets.UTF_8);
        if (name.length >= 108) {
            throw new SysException(what + " (path too long)", 36);
        }
        try (Arena a = Arena.ofConfined()) {
            MemorySegment st = a.allocate(CAPTURE);
            int s = (int) H.SOCKET.invokeExact(st, AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
            check(s, st, "socket");
            MemorySegment addr = a.allocate(110);
            addr.set(ValueLayout.JAVA_SHORT, 0, (short) AF_UNIX);
            MemorySegment.copy(name, 0, addr, ValueLayout.JAVA_BYTE, 2, name.length);
            int r = bind ? (int) H.BIND.invokeExact(st, s, addr, 2 + name.length + 1)
                    : (int) H.CONNECT.invokeExact(st, s, addr, 2 + name.length + 1);
            if (r < 0) {
                int e = errno(st);
                closeFd(s);
                throw new SysException(what, e);
            }
            return new UnixSocket(s);
        } catch (SysException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /** One sendmsg of data with a descriptor alongside (SCM_RIGHTS). */
    public void sendFd(byte[] data, int sent) throws SysException {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment st = a.allocate(CAPTURE);
            MemorySegment buf = a.allocate(Math.max(1, data.length));
            MemorySegment.copy(data, 0, buf, ValueLayout.JAVA_BYTE, 0, data.length);
            MemorySegment iov = a.allocate(16, 8);
            iov.set(ValueLayout.ADDRESS, 0, buf);
            iov.set(ValueLayout.JAVA_LONG, 8, data.length);
            // struct cmsghdr {size_t len; int level; int type;} + one int, padded: CMSG_SPACE(4) = 24
            MemorySegment control = a.allocate(24, 8);
            control.set(ValueLayout.JAVA_LONG, 0, 20); // CMSG_LEN(4)
            control.set(ValueLayout.JAVA_INT, 8, SOL_SOCKET);
            control.set(ValueLayout.JAVA_INT, 12, SCM_RIGHTS);
            control.set(ValueLayout.JAVA_INT, 16, sent);
            MemorySegment msg = a.allocate(56, 8);
            msg.set(ValueLayout.ADDRESS, 16, iov);
            msg.set(ValueLayout.JAVA_LONG, 24, 1);
            msg.set(ValueLayout.ADDRESS, 32, control);
            msg.set(ValueLayout.JAVA_LONG, 40, 24);
            long n = (long) H.SENDMSG.invokeExact(st, fd, msg, MSG_NOSIGNAL);
            check(n, st, "sendmsg");
        } catch (SysException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /** Waits up to timeoutMs for a connection; returns it, or null on timeout. */
    public UnixSocket accept(int timeoutMs) throws SysException {
        if (!readable(fd, timeoutMs)) {
            return null;
        }
        try (Arena a = Arena.ofConfined()) {
            MemorySegment st = a.allocate(CAPTURE);
            int c = (int) H.ACCEPT4.invokeExact(st, fd, MemorySegment.NULL, MemorySegment.NULL, SOCK_CLOEXEC);
            check(c, st, "accept4");
            return new UnixSocket(c);
        } catch (SysException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /** Receives one descriptor sent with SCM_RIGHTS; -1 if the peer closed without sending one. */
    public int receiveFd() throws SysException {
        return receive(16).fd();
    }

    /** What one recvmsg returned: the bytes, and the descriptor sent with them (-1: none). */
    public record Received(byte[] data, int fd) {}

    /** One recvmsg of up to max bytes, with the descriptor sent alongside (SCM_RIGHTS), if any. */
    public Received receive(int max) throws SysException {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment st = a.allocate(CAPTURE);
            MemorySegment data = a.allocate(max);
            MemorySegment iov = a.allocate(16, 8);
            iov.set(ValueLayout.ADDRESS, 0, data);
            iov.set(ValueLayout.JAVA_LONG, 8, max);
            MemorySegment control = a.allocate(64, 8);
            MemorySegment msg = a.allocate(56, 8);
            msg.set(ValueLayout.ADDRESS, 16, iov);
            msg.set(ValueLayout.JAVA_LONG, 24, 1);
            msg.set(ValueLayout.ADDRESS, 32, control);
            msg.set(ValueLayout.JAVA_LONG, 40, 64);
            long n = (long) H.RECVMSG.invokeExact(st, fd, msg, MSG_CMSG_CLOEXEC);
            if (n < 0) {
                throw new SysException("recvmsg", errno(st));
            }
            byte[] got = data.asSlice(0, n).toArray(ValueLayout.JAVA_BYTE);
            long clen = msg.get(ValueLayout.JAVA_LONG, 40);
            if (clen < 20 || control.get(ValueLayout.JAVA_INT, 8) != SOL_SOCKET
                    || control.get(ValueLayout.JAVA_INT, 12) != SCM_RIGHTS) {
                return new Received(got, -1);
            }
            return new Received(got, control.get(ValueLayout.JAVA_INT, 16));
        } catch (SysException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /** poll(2) for input on a raw fd. */
    public static boolean readable(int fd, int timeoutMs) throws SysException {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment st = a.allocate(CAPTURE);
            MemorySegment p = a.allocate(8, 4);
            p.set(ValueLayout.JAVA_INT, 0, fd);
            p.set(ValueLayout.JAVA_SHORT, 4, (short) POLLIN);
            int r = (int) H.POLL.invokeExact(st, p, 1L, timeoutMs);
            check(r, st, "poll");
            return r > 0;
        } catch (SysException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /** read(2) on a raw fd: the bytes read, empty at end of file. */
    public static byte[] read(int fd, int max) throws SysException {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment st = a.allocate(CAPTURE);
            MemorySegment buf = a.allocate(max);
            long n = (long) H.READ.invokeExact(st, fd, buf, (long) max);
            if (n < 0) {
                throw new SysException("read", errno(st));
            }
            return buf.asSlice(0, n).toArray(ValueLayout.JAVA_BYTE);
        } catch (SysException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /** write(2) of all bytes on a raw fd. */
    public static void write(int fd, byte[] data) throws SysException {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment st = a.allocate(CAPTURE);
            MemorySegment buf = a.allocate(Math.max(1, data.length));
            MemorySegment.copy(data, 0, buf, ValueLayout.JAVA_BYTE, 0, data.length);
            long off = 0;
            while (off < data.length) {
                long n = (long) H.WRITE.invokeExact(st, fd, buf.asSlice(off), (long) data.length - off);
                if (n < 0) {
                    throw new SysException("write", errno(st));
                }
                off += n;
            }
        } catch (SysException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    public static void closeFd(int fd) {
        try (Arena a = Arena.ofConfined()) {
            int r = (int) H.CLOSE.invokeExact(a.allocate(CAPTURE), fd);
            assert r >= -1;
        } catch (Throwable t) {
            // closing is best effort
        }
    }

    @Override
    public void close() {
        closeFd(fd);
    }

    private static int errno(MemorySegment st) {
        return st.get(ValueLayout.JAVA_INT, ERRNO);
    }

    private static void check(long r, MemorySegment st, String call) throws SysException {
        if (r < 0) {
            throw new SysException(call, errno(st));
        }
    }
}
