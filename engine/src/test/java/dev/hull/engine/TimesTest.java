package dev.hull.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import org.junit.jupiter.api.Test;

/** The times {@code logs --since/--until} take, as Docker's GetTimestamp reads them. */
class TimesTest {
    private static final Instant NOW = Instant.parse("2026-12-03T12:00:00Z");

    @Test
    void goDurationsCountBackFromNow() {
        assertEquals(NOW.minusSeconds(42 * 60), Times.flagTime("since", "42m", NOW));
        assertEquals(NOW.minusSeconds(5400), Times.flagTime("since", "1h30m", NOW));
        assertEquals(NOW.minusMillis(1500), Times.flagTime("since", "1.5s", NOW));
        assertEquals(NOW.plusSeconds(600), Times.flagTime("until", "-10m", NOW));
        assertEquals(Duration.ofNanos(2_300_000), Times.goDuration("2ms300us"));
        assertNull(Times.goDuration("10"));
        assertNull(Times.goDuration("1x"));
        assertNull(Times.goDuration("h"));
        assertNull(Times.goDuration("1.2.3s"));
    }

    @Test
    void rfc3339AndItsPrefixes() {
        assertEquals(Instant.parse("2013-01-02T13:23:37Z"), Times.flagTime("since", "2013-01-02T13:23:37Z", NOW));
        assertEquals(Instant.parse("2013-01-02T12:23:37.5Z"), Times.flagTime("since", "2013-01-02T13:23:37.5+01:00", NOW));
        assertEquals(Instant.parse("2013-01-02T13:00:00Z"), Times.flagTime("since", "2013-01-02T13Z", NOW));
        ZoneId local = ZoneId.systemDefault();
        assertEquals(LocalDateTime.parse("2013-01-02T13:23").atZone(local).toInstant(),
                Times.flagTime("since", "2013-01-02T13:23", NOW));
        assertEquals(LocalDateTime.parse("2013-01-02T13:00").atZone(local).toInstant(),
                Times.flagTime("since", "2013-01-02T13", NOW));
        assertEquals(LocalDateTime.parse("2013-01-02T00:00").atZone(local).toInstant(),
                Times.flagTime("since", "2013-01-02", NOW));
    }

    @Test
    void unixSecondsAndZero() {
        assertEquals(Instant.ofEpochSecond(1360000000), Times.flagTime("since", "1360000000", NOW));
        assertEquals(Instant.ofEpochSecond(1360000000, 250_000_000), Times.flagTime("since", "1360000000.25", NOW));
        assertEquals(Instant.EPOCH, Times.flagTime("since", "0", NOW));
    }

    @Test
    void anythingElseIsRefusedNamingTheFlag() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Times.flagTime("until", "tomorrow", NOW));
        assertEquals("invalid value for \"until\": failed to parse value as time or duration: \"tomorrow\"", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Times.flagTime("since", "2013-13-45", NOW));
        assertThrows(IllegalArgumentException.class, () -> Times.flagTime("since", "1.2.3", NOW));
    }
}
