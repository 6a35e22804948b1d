package dev.hull.engine.cli;

import dev.hull.engine.Engine;
import dev.hull.engine.EngineException;
import dev.hull.engine.Times;
import dev.hull.engine.container.Container;
import dev.hull.engine.container.Exits;
import java.io.IOException;
import java.io.PrintStream;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code hull logs}: the log the container's monitor writes, one record per line in the CRI
 * format ({@code <RFC 3339 time> <stdout|stderr> <F|P> <text>}): stdout records go to stdout,
 * stderr records to stderr, a partial record (P) without its newline. {@code -f} follows the file
 * until the container stops (or --until passes). {@code --tail} picks the last lines first, then
 * {@code --since}/{@code --until} filter them by their time, as Docker's log readers do.
 */
final class Logs {
    private Logs() {}

    static void print(Engine engine, Container c, Flags f, PrintStream out, PrintStream err) throws EngineException {
        boolean timestamps = f.bool("timestamps");
        int tail = -1;
        String t = f.get("tail", "all");
        if (!t.equals("all")) {
            tail = (int) Sizes.integer("--tail", t);
        }
        Instant now = Instant.now();
        Instant since = time(f, "since", now), until = time(f, "until", now);
        Window window = new Window(since, until);
        Path live = Path.of(c.logPath());
        RandomAccessFile file = null;
        try {
            // the rotated files (--log-opt max-file), oldest first, then the live one
            List<String> lines = new ArrayList<>();
            for (Path old : rotated(live)) {
                try {
                    byte[] b = Files.readAllBytes(old);
                    lines.addAll(lines(new String(b, 0, lastNewline(b), StandardCharsets.UTF_8)));
                } catch (NoSuchFileException e) {
                    // rotated away meanwhile
                }
            }
            file = open(live);
            Object key = fileKey(live);
            long pos = 0;
            if (file != null) {
                byte[] all = new byte[(int) file.length()];
                file.readFully(all);
                int end = lastNewline(all);
                lines.addAll(lines(new String(all, 0, end, StandardCharsets.UTF_8)));
                pos = end;
            }
            if (tail >= 0 && lines.size() > tail) {
                lines = lines.subList(lines.size() - tail, lines.size());
            }
            for (String l : lines) {
                if (window.admits(l)) {
                    emit(l, timestamps, out, err);
                }
            }
            if (!f.bool("follow")) {
                return;
            }
            while (until == null || Instant.now().isBefore(until)) {
                boolean running = Exits.reconcile(engine, engine.containers().load(c.id())).state().running();
                if (file == null) {
                    file = open(live);
                    key = fileKey(live);
                    pos = 0;
                }
                if (file != null && file.length() > pos) {
                    file.seek(pos);
                    byte[] more = new byte[(int) (file.length() - pos)];
                    file.readFully(more);
                    int end = lastNewline(more);
                    for (String l : lines(new String(more, 0, end, StandardCharsets.UTF_8))) {
                        if (window.admits(l)) {
                            emit(l, timestamps, out, err);
                        }
                    }
                    out.flush();
                    err.flush();
                    pos += end;
                } else if (file != null && file.length() < pos) {
                    pos = 0; // started over (max-file=1)
                } else if (file != null && !java.util.Objects.equals(key, fileKey(live))) {
                    file.close(); // rotated, and read to its end: on to the new log
                    file = null;
                } else if (!running) {
                    break;
                } else {
                    Commands.sleep(50);
                }
            }
        } catch (IOException e) {
            throw new EngineException("cannot read the log of " + c.name() + ": " + e.getMessage());
        } finally {
            if (file != null) {
                try {
                    file.close();
                } catch (IOException e) {
                    // read-only
                }
            }
        }
    }

    /** log.N ... log.1, the files the monitor rotated the log into, oldest first. */
    private static List<Path> rotated(Path live) {
        List<Path> out = new ArrayList<>();
        for (int i = 1; i <= 1000; i++) {
            Path p = live.resolveSibling(live.getFileName() + "." + i);
            if (!Files.exists(p)) {
                break;
            }
            out.add(0, p);
        }
        return out;
    }

    private static Object fileKey(Path p) {
        try {
            return Files.readAttributes(p, java.nio.file.attribute.BasicFileAttributes.class).fileKey();
        } catch (IOException e) {
            return null;
        }
    }

    private static Instant time(Flags f, String flag, Instant now) throws EngineException {
        String v = f.get(flag, "");
        if (v.isEmpty()) {
            return null;
        }
        try {
            return Times.flagTime(flag, v, now);
        } catch (IllegalArgumentException e) {
            throw new EngineException(e.getMessage());
        }
    }

    /** --since and --until: records written at or after since and not after until (Docker's bounds). */
    private record Window(Instant since, Instant until) {
        boolean admits(String record) {
            if (since == null && until == null) {
                return true;
            }
            int space = record.indexOf(' ');
            Instant t = space < 0 ? null : Times.parse(record.substring(0, space));
            return t == null || ((since == null || !t.isBefore(since)) && (until == null || !t.isAfter(until)));
        }
    }

    private static RandomAccessFile open(Path log) {
        try {
            return new RandomAccessFile(log.toFile(), "r");
        } catch (IOException e) {
            return null; // not written yet
        }
    }

    private static int lastNewline(byte[] b) {
        for (int i = b.length - 1; i >= 0; i--) {
            if (b[i] == '\n') {
                return i + 1;
            }
        }
        return 0;
    }

    private static List<String> lines(String text) {
        List<String> out = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) == '\n') {
                out.add(text.substring(start, i));
                start = i + 1;
            }
        }
        return out;
    }

    /** One record: "TIME STREAM F|P TEXT". */
    static void emit(String record, boolean timestamps, PrintStream out, PrintStream err) {
        int a = record.indexOf(' ');
        int b = a < 0 ? -1 : record.indexOf(' ', a + 1);
        int c = b < 0 ? -1 : record.indexOf(' ', b + 1);
        if (c < 0) {
            return;
        }
        String time = record.substring(0, a), stream = record.substring(a + 1, b), tag = record.substring(b + 1, c);
        String text = record.substring(c + 1);
        PrintStream to = stream.equals("stderr") ? err : out;
        if (timestamps) {
            to.print(time + " ");
        }
        to.print(tag.equals("P") ? text : text + "\n");
    }
}
