package dev.hull.runtime.cli;

/** Sizes as runc's update reads them (go-units RAMInBytes): "1073741824", "512m", "1.5GiB"; "-1". */
final class Units {
    private Units() {}

    static long ramInBytes(String flag, String text) throws Args.UsageException {
        String s = text.trim();
        if (s.equals("-1")) {
            return -1;
        }
        int i = 0;
        while (i < s.length() && (Character.isDigit(s.charAt(i)) || s.charAt(i) == '.')) {
            i++;
        }
        String number = s.substring(0, i), unit = s.substring(i).trim().toLowerCase(java.util.Locale.ROOT);
        double v;
        try {
            v = Double.parseDouble(number);
        } catch (NumberFormatException e) {
            throw new Args.UsageException("--" + flag + ": invalid size \"" + text + "\"");
        }
        // go-units takes "b" alone, or a unit letter followed by nothing, "b" or "ib": not "mi", "i"
        if (unit.length() == 3 && unit.endsWith("ib")) {
            unit = unit.substring(0, 1);
        } else if (unit.length() <= 2 && unit.endsWith("b")) {
            unit = unit.substring(0, unit.length() - 1);
        }
        long mult = switch (unit) {
            case "" -> 1L;
            case "k" -> 1L << 10;
            case "m" -> 1L << 20;
            case "g" -> 1L << 30;
            case "t" -> 1L << 40;
            case "p" -> 1L << 50;
            default -> throw new Args.UsageException("--" + flag + ": invalid size \"" + text + "\"");
        };
        return (long) (v * mult);
    }
}
