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
 * A running hull-exec: started with ProcessBuilder (stdin and stdout become the control pipes;
 * the executor fetches the runtime's real stdio itself with pidfd_getfd), fed its program, then
 * talked to with {@link Message}s. ProcessBuilder is used instead of a native posix_spawn on
 * purpose: it costs no FFM handles, which are expensive on a fresh JVM.
 */
public final class Executor implements AutoCloseable {
    private final Process process;
    private final SetupProgram program;
    private final OutputStream out;
    private final InputStream in;

    private Executor(Process process, SetupProgram program) {
        this.process = process;
        this.program = program;
        this.out = process.getOutputStream();
        this.in = new BufferedInputStream(process.getInputStream(), 4096);
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
        ProcessBuilder pb = new ProcessBuilder(binary().toString());
        pb.redirectInput(ProcessBuilder.Redirect.PIPE);
        pb.redirectOutput(ProcessBuilder.Redirect.PIPE);
        pb.redirectError(ProcessBuilder.Redirect.INHERIT);
        Executor e = new Executor(pb.start(), program);
        e.out.write(program.encode());
        e.out.flush();
        return e;
    }

    public SetupProgram program() {
        return program;
    }

    public Process process() {
        return process;
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
            throw new IOException("the container process exited while " + waitingFor + exitNote());
        }
        if (m.type() == Message.ERROR) {
            throw ExecutorFailure.of(m, program);
        }
        if (m.type() != type) {
            throw new IOException("unexpected message " + m.type() + " from hull-exec while " + waitingFor);
        }
        return m;
    }

    private String exitNote() {
        try {
            if (process.waitFor(100, java.util.concurrent.TimeUnit.MILLISECONDS)) {
                int code = process.exitValue();
                return code == 0 ? "" : " (executor exit status " + code + ")";
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return "";
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
