package dev.hull.engine;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;

/** Docker's times: RFC 3339 with nanoseconds in UTC, and its human "3 seconds ago". */
public final class Times {
    private Times() {}

    /** Now, RFC 3339 with nanoseconds (the runtime's formatter: java.time's costs start-up time). */
    public static String now() {
        return dev.hull.runtime.lifecycle.Timestamps.now();
    }

    public static Instant parse(String t) {
        try {
            return Instant.parse(t);
        } catch (DateTimeParseException | NullPointerException e) {
            return null;
        }
    }

    /** go-units HumanDuration: "Less than a second", "5 seconds", "About a minute", "3 hours"... */
    public static String human(Duration d) {
        long s = Math.max(0, d.getSeconds());
        if (s < 1) {
            return "Less than a second";
        } else if (s == 1) {
            return "1 second";
        } else if (s < 60) {
            return s + " seconds";
        }
        long m = s / 60;
        if (m == 1) {
            return "About a minute";
        } else if (m < 60) {
            return m + " minutes";
        }
        long h = Math.round(s / 3600.0);
        if (h == 1) {
            return "About an hour";
        } else if (h < 48) {
            return h + " hours";
        } else if (h < 24 * 7 * 2) {
            return h / 24 + " days";
        } else if (h < 24 * 30 * 2) {
            return h / 24 / 7 + " weeks";
        } else if (h < 24 * 365 * 2) {
            return h / 24 / 30 + " months";
        }
        return h / 24 / 365 + " years";
    }

    public static String ago(String t) {
        Instant i = parse(t);
        return i == null ? "" : human(Duration.between(i, Instant.now())) + " ago";
    }

    /**
     * A time as {@code docker logs --since/--until} take it (Docker's {@code GetTimestamp}): a Go
     * duration before {@code now} ("42m", "1h30m", "90s"), an RFC 3339 time or a prefix of one
     * ("2013-01-02T13:23:37Z", "2013-01-02T13:23", "2013-01-02"; local time when it has no zone),
     * or Unix seconds ("1360000000", "1360000000.5").
     *
     * @throws IllegalArgumentException Docker's message, naming the flag
     */
    public static Instant flagTime(String flag, String value, Instant now) {
        Duration d = value.equals("0") ? null : goDuration(value);
        if (d != null) {
            return now.minus(d);
        }
        Instant t = rfc3339Prefix(value);
        if (t != null) {
            return t;
        }
        if (value.matches("[0-9]+(\\.[0-9]{1,9})?")) {
            BigDecimal secs = new BigDecimal(value);
            return Instant.ofEpochSecond(secs.longValue(), secs.remainder(BigDecimal.ONE).movePointRight(9).longValue());
        }
        throw new IllegalArgumentException("invalid value for \"" + flag + "\": failed to parse value as time or duration: \""
                + value + "\"");
    }

    /** Go's time.ParseDuration: [-+](number unit)+, units ns us µs ms s m h; null when it is none. */
    static Duration goDuration(String s) {
        int i = 0;
        boolean negative = false;
        if (!s.isEmpty() && (s.charAt(0) == '-' || s.charAt(0) == '+')) {
            negative = s.charAt(0) == '-';
            i = 1;
        }
        if (i == s.length()) {
            return null;
        }
        BigDecimal nanos = BigDecimal.ZERO;
        while (i < s.length()) {
            int start = i;
            while (i < s.length() && (Character.isDigit(s.charAt(i)) || s.charAt(i) == '.')) {
                i++;
            }
            int unitStart = i;
            while (i < s.length() && !Character.isDigit(s.charAt(i)) && s.charAt(i) != '.') {
                i++;
            }
            String number = s.substring(start, unitStart);
            long perUnit = switch (s.substring(unitStart, i)) {
                case "ns" -> 1L;
                case "us", "µs", "μs" -> 1_000L;
                case "ms" -> 1_000_000L;
                case "s" -> 1_000_000_000L;
                case "m" -> 60_000_000_000L;
                case "h" -> 3_600_000_000_000L;
                default -> 0L;
            };
            if (perUnit == 0 || number.isEmpty() || number.equals(".") || number.indexOf('.') != number.lastIndexOf('.')) {
                return null;
            }
            nanos = nanos.add(new BigDecimal(number).multiply(BigDecimal.valueOf(perUnit)));
        }
        Duration d = Duration.ofNanos(nanos.longValue());
        return negative ? d.negated() : d;
    }

    /** RFC 3339 and the prefixes Docker takes (hour, minute; a date alone), in local time without a zone. */
    private static Instant rfc3339Prefix(String v) {
        int t = v.indexOf('T');
        String s = v;
        if (t > 0) {
            // "2013-01-02T15" and "2013-01-02T15Z": the minutes java.time needs
            int end = t + 1;
            while (end < s.length() && Character.isDigit(s.charAt(end))) {
                end++;
            }
            if (end == t + 3 && (end == s.length() || s.charAt(end) != ':')) {
                s = s.substring(0, end) + ":00" + s.substring(end);
            }
            try {
                return OffsetDateTime.parse(s).toInstant();
            } catch (DateTimeParseException e) {
                // no zone: local time
            }
            try {
                return LocalDateTime.parse(s).atZone(ZoneId.systemDefault()).toInstant();
            } catch (DateTimeParseException e) {
                return null;
            }
        }
        try {
            return LocalDate.parse(s).atStartOfDay(ZoneId.systemDefault()).toInstant();
        } catch (DateTimeParseException e) {
            return null;
        }
    }
}
