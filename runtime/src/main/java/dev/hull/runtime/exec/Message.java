package dev.hull.runtime.exec;

import java.nio.charset.StandardCharsets;

/** A message on the control channel (native/src/hull.h, enum msg_type). */
public record Message(int type, byte[] payload) {
    public static final int PID = 1, GO = 2, HOOKS = 3, HOOKS_DONE = 4, CREATED = 5, START = 6,
            ERROR = 7, DONE = 8, SPAWN = 9, SPAWNED = 10, OPENED = 11, EXITED = 12, FINISHED = 13;

    public int intAt(int offset) {
        return (payload[offset] & 0xff) | (payload[offset + 1] & 0xff) << 8
                | (payload[offset + 2] & 0xff) << 16 | (payload[offset + 3] & 0xff) << 24;
    }

    /** The NUL-terminated text from offset on. */
    public String textAt(int offset) {
        int end = offset;
        while (end < payload.length && payload[end] != 0) {
            end++;
        }
        return new String(payload, offset, end - offset, StandardCharsets.UTF_8);
    }
}
