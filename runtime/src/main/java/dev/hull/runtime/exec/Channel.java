package dev.hull.runtime.exec;

import java.io.EOFException;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * The runtime's link to hull-exec's front (native/src/front.c): the process that started this
 * JVM and forks an executor for every program the JVM sends. Under bin/hull-runtime the front
 * is our parent and tells us its pipes in HULL_FRONT; a JVM started any other way (tests, an
 * embedding engine) starts `hull-exec --broker` once, with ProcessBuilder, and talks to it.
 */
final class Channel {
    private static Channel instance;

    private final long frontPid;
    private final boolean broker;
    private final InputStream in;
    private final OutputStream out;
    private final Map<Long, Integer> exited = new HashMap<>();

    private Channel(long frontPid, boolean broker, InputStream in, OutputStream out) {
        this.frontPid = frontPid;
        this.broker = broker;
        this.in = in;
        this.out = out;
    }

    static synchronized Channel get() throws IOException {
        if (instance == null) {
            instance = open();
        }
        return instance;
    }

    private static Channel open() throws IOException {
        String env = System.getenv("HULL_FRONT");
        if (env != null) {
            String[] f = env.split(" ");
            // our own inherited fds, reopened: the JDK has no public way to wrap an fd number
            return new Channel(Long.parseLong(f[0]), false,
                    new FileInputStream("/proc/self/fd/" + f[1]),
                    new FileOutputStream("/proc/self/fd/" + f[2]));
        }
        ProcessBuilder pb = new ProcessBuilder(Executor.binary().toString(), "--broker");
        pb.redirectInput(ProcessBuilder.Redirect.PIPE);
        pb.redirectOutput(ProcessBuilder.Redirect.PIPE);
        pb.redirectError(ProcessBuilder.Redirect.INHERIT);
        Process p = pb.start();
        return new Channel(p.pid(), true, p.getInputStream(), p.getOutputStream());
    }

    /** True when executors run under a broker, which does not hold the caller's other fds. */
    boolean broker() {
        return broker;
    }

    /** Has the front fork an executor for the program; returns its pid and its channel. */
    synchronized Executor spawn(byte[] program, dev.hull.runtime.program.SetupProgram p) throws IOException {
        send(Message.SPAWN, program);
        for (;;) {
            Message m = read();
            if (m.type() == Message.EXITED) {
                exited.put((long) m.intAt(0), m.intAt(4));
            } else if (m.type() == Message.SPAWNED) {
                long pid = m.intAt(0);
                if (pid <= 0) {
                    throw new IOException("hull-exec could not start an executor");
                }
                Path fd = Path.of("/proc", Long.toString(frontPid), "fd");
                OutputStream w = Files.newOutputStream(fd.resolve(Integer.toString(m.intAt(4))));
                InputStream r = Files.newInputStream(fd.resolve(Integer.toString(m.intAt(8))));
                send(Message.OPENED, new byte[0]);
                return new Executor(this, pid, p, w, r);
            } else {
                throw new IOException("unexpected message " + m.type() + " from hull-exec's front");
            }
        }
    }

    /** Waits until the front reports that the executor exited; its status (128+N for signal N). */
    synchronized int awaitExit(long pid) throws IOException {
        for (;;) {
            Integer st = exited.remove(pid);
            if (st != null) {
                return st;
            }
            Message m = read();
            if (m.type() == Message.EXITED) {
                exited.put((long) m.intAt(0), m.intAt(4));
            }
        }
    }

    /**
     * Tells the front this JVM's exit status before it halts, so that the front exits at once
     * rather than after the JVM's teardown. Only under a front (not a broker, whose caller waits
     * for its own JVM); the output must be flushed first. Best effort: without it, the front
     * exits when the JVM has.
     */
    static synchronized void finished(int status) {
        if (System.getenv("HULL_FRONT") == null) {
            return;
        }
        try {
            Channel c = get();
            c.send(Message.FINISHED, new byte[] {(byte) status, (byte) (status >> 8), (byte) (status >> 16),
                (byte) (status >> 24)});
        } catch (IOException | RuntimeException e) {
            // the front learns the status from the JVM's exit instead
        }
    }

    private void send(int type, byte[] payload) throws IOException {
        byte[] h = new byte[8];
        Executor.le32(h, 0, type);
        Executor.le32(h, 4, payload.length);
        out.write(h);
        out.write(payload);
        out.flush();
    }

    private Message read() throws IOException {
        byte[] h = in.readNBytes(8);
        if (h.length < 8) {
            throw new EOFException("hull-exec's front closed the channel");
        }
        byte[] payload = in.readNBytes(Executor.le32(h, 4));
        return new Message(Executor.le32(h, 0), payload);
    }
}
