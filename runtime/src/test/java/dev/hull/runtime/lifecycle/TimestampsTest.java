package dev.hull.runtime.lifecycle;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.Random;
import org.junit.jupiter.api.Test;

class TimestampsTest {
    private static final DateTimeFormatter NANOS =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSSSSS'Z'").withZone(java.time.ZoneOffset.UTC);

    @Test
    void knownInstants() {
        assertEquals("1970-01-01T00:00:00.000000000Z", Timestamps.format(0, 0));
        assertEquals("2026-11-23T08:09:32.441269455Z", Timestamps.format(1795421372L, 441269455));
        assertEquals("2000-02-29T23:59:59.000000001Z", Timestamps.format(951868799L, 1));
        assertEquals("1969-12-31T23:59:59.999999999Z", Timestamps.format(-1, 999999999));
    }

    /** Agrees with java.time over four centuries, leap years and all. */
    @Test
    void agreesWithJavaTime() {
        Random r = new Random(42);
        for (int i = 0; i < 20_000; i++) {
            long s = (long) (r.nextDouble() * 12_600_000_000L) - 2_000_000_000L;
            int n = r.nextInt(1_000_000_000);
            assertEquals(NANOS.format(Instant.ofEpochSecond(s, n)), Timestamps.format(s, n), "at " + s);
        }
    }

    @Test
    void nowParsesAsAnInstant() {
        String now = Timestamps.now();
        long drift = Math.abs(Instant.parse(now).toEpochMilli() - System.currentTimeMillis());
        assertEquals(true, drift < 5_000, now);
    }
}
