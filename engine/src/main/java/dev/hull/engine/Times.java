package dev.hull.engine;

import java.time.Duration;
import java.time.Instant;
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
}
