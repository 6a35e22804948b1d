package dev.hull.runtime.program;

import java.nio.file.Path;
import java.util.List;

/**
 * The container's monitor (native/src/monitor.c): the executor's parent process stays the
 * container's parent for its whole life, holds its stdio, logs it, records how it ended and then
 * hands over to the engine. It replaces "the parent exits" (detached) or "the parent waits"
 * (attached) of the launch mode.
 *
 * @param logFile   appended to, one record a line in the CRI / k8s-file format:
 *                  {@code 2026-12-02T14:51:07.123456789Z stdout F text} (F a full line, P a partial
 *                  chunk); with a terminal, the pty's output is logged as stdout
 * @param exitFile  written (through {@code <exitFile>.tmp} and a rename) once the container's
 *                  first process has exited: {@code {"exitCode":N,"signal":S,"finishedAt":"..."}}
 *                  with N the status, or 128+S when killed by signal S (S 0 otherwise)
 * @param attach    a foreground run: the output is also copied to the caller's stdout/stderr,
 *                  signals are forwarded, and the monitor
 *                  exits with the container's status ({@code Run.run} returns it); otherwise the
 *                  monitor leaves the caller's session, stdio and cwd and outlives it
 * @param stdinOpen the container's stdin: attached, the caller's ({@code docker run -i});
 *                  detached, a pipe the monitor holds open and never writes to
 *                  ({@code docker run -di}); otherwise /dev/null
 * @param onExit    detached only: argv the monitor execs once the exit file is written (e.g. the
 *                  engine's command that applies the restart policy or {@code --rm}); empty: it
 *                  just exits. Run with the monitor's environment, stdio on /dev/null, cwd /.
 * @param logMaxSize 0: the log grows; else a record that would take it past this many bytes
 *                  first rotates it (docker's {@code --log-opt max-size})
 * @param logFiles  with logMaxSize, how many files the log keeps: the log and logFiles-1 older
 *                  ones ({@code <log>.1} the newest); 1: the log starts over ({@code max-file})
 * @param detachKeys attached with a terminal and stdin: the key sequence that detaches the caller
 *                  (docker's ctrl-p ctrl-q, as bytes in a string); the monitor then writes
 *                  "detached" beside the exit file, the run returns 0 and the monitor goes on as a
 *                  detached one, running onExit at the end. Empty: the caller cannot detach.
 */
public record Monitor(Path logFile, Path exitFile, boolean attach, boolean stdinOpen, List<String> onExit,
                      long logMaxSize, int logFiles, String detachKeys) {

    /** The CLONE step's parent modes (native/src/ns.c). */
    public static final int PARENT_MODE = 3;
    public static final int PARENT_MODE_ATTACHED = 4;

    /** A log without rotation. */
    public Monitor(Path logFile, Path exitFile, boolean attach, boolean stdinOpen, List<String> onExit) {
        this(logFile, exitFile, attach, stdinOpen, onExit, 0, 1, "");
    }

    /** No detach keys. */
    public Monitor(Path logFile, Path exitFile, boolean attach, boolean stdinOpen, List<String> onExit,
                   long logMaxSize, int logFiles) {
        this(logFile, exitFile, attach, stdinOpen, onExit, logMaxSize, logFiles, "");
    }

    public Monitor {
        detachKeys = detachKeys == null ? "" : detachKeys;
        if (detachKeys.length() > 32 || detachKeys.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("monitor detach keys: at most 32, none of them NUL");
        }
        if (logMaxSize < 0 || logFiles < 1 || logFiles > 1000) {
            throw new IllegalArgumentException("monitor log rotation: max size " + logMaxSize + ", " + logFiles
                    + " files (want a size >= 0 and 1 to 1000 files)");
        }
        if (logFile == null || exitFile == null) {
            throw new IllegalArgumentException("a monitor needs a log file and an exit file");
        }
        if (exitFile.getFileName() == null) {
            throw new IllegalArgumentException("monitor exit file " + exitFile + " has no file name");
        }
        logFile = logFile.toAbsolutePath().normalize();
        exitFile = exitFile.toAbsolutePath().normalize();
        onExit = onExit == null ? List.of() : List.copyOf(onExit);
        if (!onExit.isEmpty() && !onExit.get(0).startsWith("/")) {
            throw new IllegalArgumentException("monitor on-exit command must be an absolute path: " + onExit.get(0));
        }
    }

    /** A detached monitor that only logs and records the exit. */
    public static Monitor detached(Path logFile, Path exitFile) {
        return new Monitor(logFile, exitFile, false, false, List.of());
    }

    public int parentMode() {
        return attach ? PARENT_MODE_ATTACHED : PARENT_MODE;
    }
}
