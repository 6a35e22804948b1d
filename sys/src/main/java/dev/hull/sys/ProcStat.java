package dev.hull.sys;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * The few fields of /proc/&lt;pid&gt;/stat a runtime needs: the state letter (Z for a zombie) and
 * the start time, which tells a container's process from a later one that got the same pid.
 */
public record ProcStat(long pid, char state, long ppid, long startTime) {

    /** The process, or null if there is none with this pid. */
    public static ProcStat read(long pid) {
        return read(Path.of("/proc", Long.toString(pid), "stat"), pid);
    }

    static ProcStat read(Path file, long pid) {
        String s;
        try {
            s = KernelFiles.read(file);
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException e) {
            return null; // ESRCH while reading: the process just went away
        }
        return parse(s, pid);
    }

    /** Parses a stat line; the command name may itself contain spaces and parentheses. */
    public static ProcStat parse(String line, long pid) {
        int close = line.lastIndexOf(')');
        if (close < 0 || close + 2 > line.length()) {
            return null; // also a line cut right after the command name: no fields to read
        }
        String[] f = line.substring(close + 2).trim().split(" ");
        // f[0] is field 3 (state), f[1] field 4 (ppid), f[19] field 22 (starttime)
        if (f.length < 20) {
            return null;
        }
        return new ProcStat(pid, f[0].charAt(0), Long.parseLong(f[1]), Long.parseLong(f[19]));
    }

    /** True while the process exists and has not exited (a zombie has). */
    public boolean alive() {
        return state != 'Z' && state != 'X' && state != 'x';
    }
}
