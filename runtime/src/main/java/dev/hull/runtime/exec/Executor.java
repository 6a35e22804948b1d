package dev.hull.runtime.exec;

import dev.hull.runtime.program.SetupProgram;
import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * One executor: a hull-exec process forked by the front to run one setup program, and the two
 * pipes the runtime talks to it (and to the container it clones) through. The pipe from the
 * executor reaches end-of-file when every process of the program has let go of it: for a
 * container, when its program exec'd (the executor's end is close-on-exec) or it died.
 */
public final class Executor implements AutoCloseable {
    private final Channel channel;
    private final long pid;
    private final SetupProgram program;
    private final OutputStream out;
    private final InputStream in;

    Executor(Channel channel, long pid, SetupProgram program, OutputStream out, InputStream in) {
        this.channel = channel;
        this.pid = pid;
        this.program = program;
        this.out = out;
        this.in = new BufferedInputStream(in, 4096);
    }

    /** Where hull-exec is: -Dhull.executor (set by bin/hull-runtime), else next to the build. */
    public static Path binary() throws IOException {
        String p = System.getProperty("hull.executor");
        if (p != null) {
            return Path.of(p);
        }
        Path guess = Path.of("native/target/hull-exec").toAbsolutePath();
        if (Files.isExecutable(guess)) {
            return guess;
        }
        throw new IOException("cannot find hull-exec: set -Dhull.executor");
    }

    public static Executor start(SetupProgram program) throws IOException {
        return Channel.get().spawn(program.encode(), program);
    }

    /**
     * The pid whose descriptors --preserve-fds must be copied from, or 0 when the executors
     * inherit them (under the front, which is the caller's own process).
     */
    /** Tells hull-exec's front the CLI's exit status ahead of the JVM's halt (see Channel#finished). */
    public static void finished(int status) {
        Channel.finished(status);
    }

    public static long preservedFdsOwner() throws IOException {
        return Channel.get().broker() ? ProcessHandle.current().pid() : 0;
    }

    public SetupProgram program() {
        return program;
    }

    public long pid() {
        return pid;
    }

    /** Waits for the executor to exit: its status, or the container's for a foreground run. */
    public int awaitExit() throws IOException {
        return channel.awaitExit(pid);
    }

    public void send(int type, byte[] payload) throws IOException {
        byte[] h = new byte[8];
        le32(h, 0, type);
        le32(h, 4, payload.length);
        out.write(h);
        out.write(payload);
        out.flush();
    }

    /** The next message, or null when the executor side has closed the channel. */
    public Message next() throws IOException {
        byte[] h = new byte[8];
        int n = in.readNBytes(h, 0, 8);
        if (n == 0) {
            return null;
        }
        if (n < 8) {
            throw new EOFException("truncated message from hull-exec");
        }
        int type = le32(h, 0), len = le32(h, 4);
        if (len < 0 || len > (1 << 20)) {
            throw new IOException("bad message length " + len + " from hull-exec");
        }
        byte[] payload = in.readNBytes(len);
        if (payload.length != len) {
            throw new EOFException("truncated message from hull-exec");
        }
        return new Message(type, payload);
    }

    /**
     * The next message, which must be of the given type. An ERROR message becomes an
     * {@link ExecutorFailure}; an early end of the channel an IOException.
     */
    public Message expect(int type, String waitingFor) throws IOException, ExecutorFailure {
        Message m = next();
        if (m == null) {
            int status = awaitExit();
            throw new IOException("the container process exited while " + waitingFor
                    + (status == 0 ? "" : " (executor exit status " + status + ")"));
        }
        if (m.type() == Message.ERROR) {
            throw ExecutorFailure.of(m, program);
        }
        if (m.type() != type) {
            throw new IOException("unexpected message " + m.type() + " from hull-exec while " + waitingFor);
        }
        return m;
    }

    /** Stops talking: closes our end of the pipes (the container sees EOF). */
    @Override
    public void close() {
        try {
            out.close();
        } catch (IOException e) {
            // already gone
        }
        try {
            in.close();
        } catch (IOException e) {
            // already gone
        }
    }

    static void le32(byte[] b, int off, int v) {
        b[off] = (byte) v;
        b[off + 1] = (byte) (v >>> 8);
        b[off + 2] = (byte) (v >>> 16);
        b[off + 3] = (byte) (v >>> 24);
    }

    static int le32(byte[] b, int off) {
        return (b[off] & 0xff) | (b[off + 1] & 0xff) << 8 | (b[off + 2] & 0xff) << 16 | (b[off + 3] & 0xff) << 24;
    }
}
