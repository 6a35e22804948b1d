package dev.hull.engine.cli;

import dev.hull.engine.EngineException;

/** Docker's values: sizes as go-units RAMInBytes reads them ("64m", "1.5g", "512"), CPU counts. */
public final class Sizes {
    private Sizes() {}

    /** {@code <number>[b|k|m|g|t|p][b|ib]}, binary multiples, as {@code docker run -m} takes them. */
    public static long ram(String flag, String text) throws EngineException {
        return size(flag, text, 1024);
    }

    /**
     * The same in decimal multiples (go-units FromHumanSize: "10m" is 10,000,000), as Docker's
     * {@code --log-opt max-size} takes them.
     */
    public static long human(String flag, String text) throws EngineException {
        return size(flag, text, 1000);
    }

    private static long size(String flag, String text, long k) throws EngineException {
        String s = text.trim();
        int i = 0;
        while (i < s.length() && (Character.isDigit(s.charAt(i)) || s.charAt(i) == '.')) {
            i++;
        }
        String number = s.substring(0, i), unit = s.substring(i).toLowerCase(java.util.Locale.ROOT);
        if (unit.length() == 3 && unit.endsWith("ib")) {
            unit = unit.substring(0, 1);
        } else if (unit.length() == 2 && unit.endsWith("b")) {
            unit = unit.substring(0, 1);
        }
        long mult = switch (unit) {
            case "", "b" -> 1L;
            case "k" -> k;
            case "m" -> k * k;
            case "g" -> k * k * k;
            case "t" -> k * k * k * k;
            case "p" -> k * k * k * k * k;
            default -> -1L;
        };
        double v = -1;
        if (mult > 0 && !number.isEmpty()) {
            try {
                v = Double.parseDouble(number);
            } catch (NumberFormatException e) {
                v = -1;
            }
        }
        if (v < 0) {
            throw new EngineException("invalid argument \"" + text + "\" for \"" + flag + "\" flag: invalid size: '"
                    + text + "'");
        }
        return (long) (v * mult);
    }

    /** {@code --cpus 1.5} as nano-CPUs (Docker's NanoCpus), at most 9 decimals. */
    public static long nanoCpus(String text) throws EngineException {
        try {
            java.math.BigDecimal d = new java.math.BigDecimal(text.trim());
            if (d.signum() < 0) {
                throw new NumberFormatException();
            }
            return d.movePointRight(9).longValueExact();
        } catch (NumberFormatException | ArithmeticException e) {
            throw new EngineException("invalid argument \"" + text + "\" for \"--cpus\" flag: failed to parse "
                    + text + " as a rational number");
        }
    }

    public static long integer(String flag, String text) throws EngineException {
        try {
            return Long.parseLong(text.trim());
        } catch (NumberFormatException e) {
            throw new EngineException("invalid argument \"" + text + "\" for \"" + flag
                    + "\" flag: strconv.ParseInt: parsing \"" + text + "\": invalid syntax");
        }
    }
}
