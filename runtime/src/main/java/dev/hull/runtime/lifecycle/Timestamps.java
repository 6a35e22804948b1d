package dev.hull.runtime.lifecycle;

/**
 * RFC 3339 timestamps with nanoseconds ("2026-11-23T08:09:32.441269455Z", as runc writes
 * "created"), without java.time's formatter: DateTimeFormatter costs milliseconds of class
 * loading on every start, for one string.
 */
public final class Timestamps {
    private Timestamps() {}

    public static String now() {
        java.time.Instant i = java.time.Instant.now(); // Instant itself is cheap; its toString is not
        return format(i.getEpochSecond(), i.getNano());
    }

    /**
     * Now to the second, as logrus writes runc's --log lines (RFC 3339: "2026-01-02T03:04:05Z"),
     * which containerd and conmon read.
     */
    public static String nowSeconds() {
        String t = format(java.time.Instant.now().getEpochSecond(), 0);
        return t.substring(0, t.length() - ".000000000Z".length()) + "Z";
    }

    /** Seconds since the epoch and nanoseconds, in UTC. */
    public static String format(long epochSecond, int nano) {
        long days = Math.floorDiv(epochSecond, 86_400L);
        long secs = Math.floorMod(epochSecond, 86_400L);
        // civil_from_days (Howard Hinnant's algorithm)
        long z = days + 719_468;
        long era = Math.floorDiv(z, 146_097);
        long doe = z - era * 146_097;
        long yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
        long y = yoe + era * 400;
        long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        long mp = (5 * doy + 2) / 153;
        long d = doy - (153 * mp + 2) / 5 + 1;
        long m = mp < 10 ? mp + 3 : mp - 9;
        if (m <= 2) {
            y++;
        }
        StringBuilder b = new StringBuilder(30);
        pad(b, y, 4).append('-');
        pad(b, m, 2).append('-');
        pad(b, d, 2).append('T');
        pad(b, secs / 3600, 2).append(':');
        pad(b, secs / 60 % 60, 2).append(':');
        pad(b, secs % 60, 2).append('.');
        pad(b, nano, 9).append('Z');
        return b.toString();
    }

    private static StringBuilder pad(StringBuilder b, long v, int width) {
        String s = Long.toString(v);
        for (int k = s.length(); k < width; k++) {
            b.append('0');
        }
        return b.append(s);
    }
}
