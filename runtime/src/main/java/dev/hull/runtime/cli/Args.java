package dev.hull.runtime.cli;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Command-line flags the way runc (Go's flag package under urfave/cli) reads them: "-x", "--x",
 * "--x=v", "--x v"; booleans take no separate value; flags may come before or after the
 * positional arguments; "--" ends the flags. Small and allocation-light on purpose: a CLI
 * library costs start-up time on every container start.
 */
final class Args {
    /** A flag with its names (the first is the canonical one). */
    record Flag(boolean takesValue, String... names) {}

    record Parsed(Map<String, String> values, List<String> positional, Map<String, List<String>> repeated) {
        String get(String name) {
            return values.get(name);
        }

        /** Every value of a flag given several times (exec's --env, --cap), in order. */
        List<String> all(String name) {
            List<String> l = repeated.get(name);
            return l == null ? List.of() : l;
        }

        boolean bool(String name) {
            return "true".equals(values.get(name));
        }
    }

    static final class UsageException extends Exception {
        UsageException(String msg) {
            super(msg);
        }
    }

    private Args() {}

    /** Parses flags up to the first positional argument when {@code stopAtPositional}, else all. */
    static Parsed parse(List<String> tokens, List<Flag> flags, boolean stopAtPositional) throws UsageException {
        Map<String, String> values = new HashMap<>();
        Map<String, List<String>> repeated = new HashMap<>();
        List<String> positional = new ArrayList<>();
        for (int i = 0; i < tokens.size(); i++) {
            String t = tokens.get(i);
            if (t.equals("--")) {
                positional.addAll(tokens.subList(i + 1, tokens.size()));
                break;
            }
            if (!t.startsWith("-") || t.equals("-")) {
                if (stopAtPositional) {
                    positional.addAll(tokens.subList(i, tokens.size()));
                    break;
                }
                positional.add(t);
                continue;
            }
            String body = t.startsWith("--") ? t.substring(2) : t.substring(1);
            String name = body, value = null;
            int eq = body.indexOf('=');
            if (eq >= 0) {
                name = body.substring(0, eq);
                value = body.substring(eq + 1);
            }
            Flag f = find(flags, name);
            if (f == null) {
                throw new UsageException("flag provided but not defined: -" + name);
            }
            if (f.takesValue()) {
                if (value == null) {
                    if (i + 1 >= tokens.size()) {
                        throw new UsageException("flag needs an argument: -" + name);
                    }
                    value = tokens.get(++i);
                }
            } else if (value == null) {
                value = "true";
            } else {
                value = goBool(value, name);
            }
            values.put(f.names()[0], value);
            List<String> all = repeated.get(f.names()[0]);
            if (all == null) {
                all = new ArrayList<>();
                repeated.put(f.names()[0], all);
            }
            all.add(value);
        }
        return new Parsed(values, positional, repeated);
    }

    /** A boolean's value as Go's strconv.ParseBool reads it ("1", "t", "True"...), as "true"/"false". */
    private static String goBool(String value, String name) throws UsageException {
        return switch (value) {
            case "1", "t", "T", "true", "TRUE", "True" -> "true";
            case "0", "f", "F", "false", "FALSE", "False" -> "false";
            default -> throw new UsageException("invalid boolean value \"" + value + "\" for -" + name);
        };
    }

    private static Flag find(List<Flag> flags, String name) {
        for (Flag f : flags) {
            for (String n : f.names()) {
                if (n.equals(name)) {
                    return f;
                }
            }
        }
        return null;
    }
}
