package dev.hull.engine.cli;

import dev.hull.engine.EngineException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Docker's command-line flags (spf13/pflag): {@code --name=v}, {@code --name v}, {@code -n v},
 * {@code -nv}, grouped booleans {@code -dit}, {@code --rm=false}; flags may be repeated (then every
 * value is kept); {@code --} ends the flags. With {@code interspersed} off (run, create, exec) the
 * first positional argument ends the flags: what follows is the container's command.
 */
public final class Flags {
    /** One flag: its long name, an optional one-letter short name, and whether it takes a value. */
    public record Flag(String name, char shortName, boolean takesValue) {
        public static Flag bool(String name) {
            return new Flag(name, (char) 0, false);
        }

        public static Flag bool(String name, char shortName) {
            return new Flag(name, shortName, false);
        }

        public static Flag value(String name) {
            return new Flag(name, (char) 0, true);
        }

        public static Flag value(String name, char shortName) {
            return new Flag(name, shortName, true);
        }
    }

    private final Map<String, List<String>> values;
    private final List<String> positional;

    private Flags(Map<String, List<String>> values, List<String> positional) {
        this.values = values;
        this.positional = positional;
    }

    public static Flags parse(String command, List<String> args, List<Flag> flags, boolean interspersed)
            throws EngineException {
        Map<String, Flag> byLong = new HashMap<>();
        Map<Character, Flag> byShort = new HashMap<>();
        for (Flag f : flags) {
            byLong.put(f.name(), f);
            if (f.shortName() != 0) {
                byShort.put(f.shortName(), f);
            }
        }
        Map<String, List<String>> values = new LinkedHashMap<>();
        List<String> positional = new ArrayList<>();
        int i = 0;
        while (i < args.size()) {
            String a = args.get(i++);
            if (a.equals("--")) {
                positional.addAll(args.subList(i, args.size()));
                break;
            }
            if (a.startsWith("--")) {
                int eq = a.indexOf('=');
                String name = eq < 0 ? a.substring(2) : a.substring(2, eq);
                Flag f = byLong.get(name);
                if (f == null) {
                    throw usage(command, "unknown flag: --" + name);
                }
                String v;
                if (eq >= 0) {
                    v = a.substring(eq + 1);
                    if (!f.takesValue()) {
                        v = boolValue(command, name, v);
                    }
                } else if (f.takesValue()) {
                    if (i >= args.size()) {
                        throw usage(command, "flag needs an argument: --" + name);
                    }
                    v = args.get(i++);
                } else {
                    v = "true";
                }
                add(values, f.name(), v);
            } else if (a.startsWith("-") && a.length() > 1) {
                for (int k = 1; k < a.length(); k++) {
                    char c = a.charAt(k);
                    Flag f = byShort.get(c);
                    if (f == null) {
                        throw usage(command, "unknown shorthand flag: '" + c + "' in " + a);
                    }
                    if (!f.takesValue()) {
                        if (k + 1 < a.length() && a.charAt(k + 1) == '=') {
                            add(values, f.name(), boolValue(command, f.name(), a.substring(k + 2)));
                            break;
                        }
                        add(values, f.name(), "true");
                        continue;
                    }
                    String v;
                    if (k + 1 < a.length()) {
                        v = a.substring(a.charAt(k + 1) == '=' ? k + 2 : k + 1);
                    } else if (i < args.size()) {
                        v = args.get(i++);
                    } else {
                        throw usage(command, "flag needs an argument: '" + c + "' in " + a);
                    }
                    add(values, f.name(), v);
                    break;
                }
            } else {
                positional.add(a);
                if (!interspersed) {
                    positional.addAll(args.subList(i, args.size()));
                    break;
                }
            }
        }
        return new Flags(values, positional);
    }

    private static String boolValue(String command, String name, String v) throws EngineException {
        if (v.equals("true") || v.equals("1") || v.equals("t") || v.equals("T") || v.equals("TRUE")) {
            return "true";
        }
        if (v.equals("false") || v.equals("0") || v.equals("f") || v.equals("F") || v.equals("FALSE")) {
            return "false";
        }
        throw usage(command, "invalid argument \"" + v + "\" for \"--" + name + "\" flag: strconv.ParseBool: parsing \""
                + v + "\": invalid syntax");
    }

    private static void add(Map<String, List<String>> values, String name, String v) {
        List<String> l = values.get(name); // no lambda: each costs start-up time
        if (l == null) {
            l = new ArrayList<>();
            values.put(name, l);
        }
        l.add(v);
    }

    static EngineException usage(String command, String msg) {
        return EngineException.usage(msg + "\nSee 'hull " + command + " --help'.");
    }

    /** The last value given, or null. */
    public String get(String name) {
        List<String> l = values.get(name);
        return l == null ? null : l.get(l.size() - 1);
    }

    public String get(String name, String otherwise) {
        String v = get(name);
        return v == null ? otherwise : v;
    }

    public List<String> all(String name) {
        List<String> l = values.get(name);
        return l == null ? List.of() : l;
    }

    public boolean bool(String name) {
        return "true".equals(get(name));
    }

    public boolean has(String name) {
        return values.containsKey(name);
    }

    public List<String> positional() {
        return positional;
    }
}
