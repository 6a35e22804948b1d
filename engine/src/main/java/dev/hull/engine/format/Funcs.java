package dev.hull.engine.format;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Go's builtin template functions and the ones Docker's CLI adds (templates.basicFunctions):
 * json, split, join, title, lower, upper, pad, truncate. In header mode (the header row of a
 * table) Docker's HeaderFunctions apply instead: json/split/join/title/lower/upper/truncate return
 * their first argument unchanged.
 */
final class Funcs {
    private Funcs() {
    }

    /** A parameter of the wrong type (reported at the argument, without "error calling"). */
    static final class TypeError extends Exception {
        private static final long serialVersionUID = 1L;

        /** Index of the offending argument. */
        final int arg;

        TypeError(int arg, String msg) {
            super(msg, null, false, false);
            this.arg = arg;
        }
    }

    /** The function returned an error: "error calling NAME: msg". */
    static final class CallError extends Exception {
        private static final long serialVersionUID = 1L;

        CallError(String msg) {
            super(msg, null, false, false);
        }
    }

    static boolean exists(String name) {
        return minArgs(name) >= 0;
    }

    /** Minimum (or, for non-variadic functions, exact) argument count; -1 if unknown. */
    static int minArgs(String name) {
        return switch (name) {
            case "print", "println", "html", "js", "urlquery" -> 0;
            case "and", "or", "not", "len", "index", "slice", "printf", "call", "eq", "json",
                    "title", "lower", "upper" -> 1;
            case "ne", "lt", "le", "gt", "ge", "split", "join", "truncate" -> 2;
            case "pad" -> 3;
            default -> -1;
        };
    }

    static boolean variadic(String name) {
        return switch (name) {
            case "print", "println", "html", "js", "urlquery", "and", "or", "index", "slice",
                    "printf", "call", "eq" -> true;
            default -> false;
        };
    }

    /** Go's truth: false, 0, nil, no value, and empty strings, lists and maps are false. */
    static boolean truth(Object v) {
        if (v == null || v == Exec.NO_VALUE) {
            return false;
        } else if (v instanceof Boolean b) {
            return b;
        } else if (v instanceof String s) {
            return !s.isEmpty();
        } else if (v instanceof List<?> l) {
            return !l.isEmpty();
        } else if (v instanceof Map<?, ?> m) {
            return !m.isEmpty();
        } else if (v instanceof Long || v instanceof Integer) {
            return ((Number) v).longValue() != 0;
        } else if (v instanceof Double d) {
            return d != 0;
        } else if (v instanceof BigInteger b) {
            return b.signum() != 0;
        }
        return true;
    }

    static Object call(String name, List<Object> a, boolean header) throws TypeError, CallError {
        if (header) {
            switch (name) {
                case "json", "split", "join", "title", "lower", "upper", "truncate" -> {
                    return string(a, 0);
                }
                default -> {
                    // as in rows
                }
            }
        }
        switch (name) {
            case "not":
                return !truth(a.get(0));
            case "len":
                return length(a.get(0));
            case "index":
                return index(a);
            case "slice":
                return slice(a);
            case "print":
                return GoFmt.sprintArgs(a);
            case "println":
                return GoFmt.sprintln(a);
            case "printf":
                return GoFmt.sprintf(string(a, 0), a.subList(1, a.size()));
            case "html":
                return html(evalArgs(a));
            case "js":
                return js(evalArgs(a));
            case "urlquery":
                return urlquery(evalArgs(a));
            case "call":
                throw new CallError("non-function of type " + GoFmt.typeName(a.get(0)));
            case "eq":
                return eq(a.get(0), a.subList(1, a.size()));
            case "ne":
                return !eq(a.get(0), a.subList(1, 2));
            case "lt":
                return lt(a.get(0), a.get(1));
            case "le":
                return lt(a.get(0), a.get(1)) || eq(a.get(0), a.subList(1, 2));
            case "gt":
                return !(lt(a.get(0), a.get(1)) || eq(a.get(0), a.subList(1, 2)));
            case "ge":
                return !lt(a.get(0), a.get(1));
            case "json": {
                StringBuilder sb = new StringBuilder();
                try {
                    GoFmt.json(sb, a.get(0));
                } catch (IllegalArgumentException e) {
                    throw new CallError(e.getMessage());
                }
                return sb.toString();
            }
            case "split":
                return split(string(a, 0), string(a, 1));
            case "join":
                return join(a, 0, string(a, 1));
            case "title":
                return title(string(a, 0));
            case "lower":
                return string(a, 0).toLowerCase(Locale.ROOT);
            case "upper":
                return string(a, 0).toUpperCase(Locale.ROOT);
            case "pad": {
                String s = string(a, 0);
                if (s.isEmpty()) {
                    return s;
                }
                StringBuilder sb = new StringBuilder();
                GoFmt.repeat(sb, ' ', integer(a, 1));
                sb.append(s);
                GoFmt.repeat(sb, ' ', integer(a, 2));
                return sb.toString();
            }
            case "truncate": {
                String s = string(a, 0);
                int n = integer(a, 1);
                if (s.length() < n) {
                    return s;
                }
                if (n < 0) {
                    throw new CallError("runtime error: slice bounds out of range [:" + n + "]");
                }
                return s.substring(0, n);
            }
            default:
                throw new CallError("function " + GoFmt.quote(name) + " not defined");
        }
    }

    private static String string(List<Object> a, int i) throws TypeError {
        Object v = a.get(i);
        if (v instanceof String s) {
            return s;
        }
        if (v == null) {
            throw new TypeError(i, "invalid value; expected string");
        }
        throw new TypeError(i, "wrong type for value; expected string; got " + GoFmt.typeName(v));
    }

    private static int integer(List<Object> a, int i) throws TypeError {
        Object v = a.get(i);
        if (v instanceof Long || v instanceof Integer) {
            return (int) ((Number) v).longValue();
        }
        if (v instanceof Double d && d == Math.rint(d) && !d.isInfinite()) {
            return (int) (double) d;
        }
        if (v == null) {
            throw new TypeError(i, "invalid value; expected int");
        }
        throw new TypeError(i, "wrong type for value; expected int; got " + GoFmt.typeName(v));
    }

    private static Object length(Object v) throws CallError {
        if (v == null) {
            throw new CallError("len of nil pointer");
        } else if (v instanceof String s) {
            return (long) s.getBytes(StandardCharsets.UTF_8).length;
        } else if (v instanceof List<?> l) {
            return (long) l.size();
        } else if (v instanceof Map<?, ?> m) {
            return (long) m.size();
        }
        throw new CallError("len of type " + GoFmt.typeName(v));
    }

    private static Object index(List<Object> a) throws CallError {
        Object item = a.get(0);
        if (item == null) {
            throw new CallError("index of untyped nil");
        }
        for (int k = 1; k < a.size(); k++) {
            Object idx = a.get(k);
            if (item == null) {
                throw new CallError("index of nil pointer");
            }
            if (item instanceof List<?> l) {
                long i = indexArg(idx, "slice");
                if (i < 0 || i >= l.size()) {
                    throw new CallError("index out of range: " + i);
                }
                item = l.get((int) i);
            } else if (item instanceof String s) {
                byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
                long i = indexArg(idx, "string");
                if (i < 0 || i >= bytes.length) {
                    throw new CallError("index out of range: " + i);
                }
                item = (long) (bytes[(int) i] & 0xff);
            } else if (item instanceof Map<?, ?> m) {
                if (!(idx instanceof String key)) {
                    if (idx == null) {
                        throw new CallError("value is nil; should be of type string");
                    }
                    throw new CallError("value has type " + GoFmt.typeName(idx) + "; should be string");
                }
                if (m.containsKey(key)) {
                    item = m.get(key);
                } else {
                    item = zeroValue(m);
                }
            } else {
                throw new CallError("can't index item of type " + GoFmt.typeName(item));
            }
        }
        return item;
    }

    /**
     * The value {@code index} gives for a missing key. Go returns the map's element zero value;
     * the JSON tree has lost the element type, so a map whose values are all strings (Docker's
     * map[string]string: Labels, Options, DriverOpts...) gives "", any other map nil.
     */
    private static Object zeroValue(Map<?, ?> m) {
        for (Object v : m.values()) {
            if (!(v instanceof String)) {
                return null;
            }
        }
        return "";
    }

    private static long indexArg(Object idx, String what) throws CallError {
        if (idx instanceof Long || idx instanceof Integer) {
            return ((Number) idx).longValue();
        }
        if (idx == null) {
            throw new CallError("cannot index " + what + " with nil");
        }
        throw new CallError("cannot index " + what + " with type " + GoFmt.typeName(idx));
    }

    private static Object slice(List<Object> a) throws CallError {
        Object item = a.get(0);
        if (item == null) {
            throw new CallError("slice of untyped nil");
        }
        int n = a.size() - 1;
        int len;
        if (item instanceof String s) {
            if (n > 2) {
                throw new CallError("cannot 3-index slice a string");
            }
            len = s.getBytes(StandardCharsets.UTF_8).length;
        } else if (item instanceof List<?> l) {
            len = l.size();
        } else {
            throw new CallError("can't slice item of type " + GoFmt.typeName(item));
        }
        if (n > 3) {
            throw new CallError("too many slice indexes: " + n);
        }
        long[] idx = {0, len, len};
        for (int k = 0; k < n; k++) {
            long v = indexArg(a.get(k + 1), "slice");
            if (v < 0 || v > len) {
                throw new CallError("index out of range: " + v);
            }
            idx[k] = v;
        }
        if (idx[0] > idx[1]) {
            throw new CallError("invalid slice index: " + idx[0] + " > " + idx[1]);
        }
        if (n == 3 && idx[1] > idx[2]) {
            throw new CallError("invalid slice index: " + idx[1] + " > " + idx[2]);
        }
        if (item instanceof String s) {
            byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
            return new String(bytes, (int) idx[0], (int) (idx[1] - idx[0]), StandardCharsets.UTF_8);
        }
        return new ArrayList<>(((List<?>) item).subList((int) idx[0], (int) idx[1]));
    }

    // ---- comparisons (Go's eq/lt on basic kinds) ---------------------------------------------

    private static final int NOKIND = 0, BOOL = 1, INT = 2, FLOAT = 3, STRING = 4;

    private static int kind(Object v) {
        if (v instanceof Boolean) {
            return BOOL;
        } else if (v instanceof Long || v instanceof Integer || v instanceof BigInteger) {
            return INT;
        } else if (v instanceof Double) {
            return FLOAT;
        } else if (v instanceof String) {
            return STRING;
        }
        return NOKIND;
    }

    private static int compareInts(Object a, Object b) {
        if (a instanceof BigInteger || b instanceof BigInteger) {
            BigInteger x = a instanceof BigInteger bi ? bi : BigInteger.valueOf(((Number) a).longValue());
            BigInteger y = b instanceof BigInteger bi ? bi : BigInteger.valueOf(((Number) b).longValue());
            return x.compareTo(y);
        }
        return Long.compare(((Number) a).longValue(), ((Number) b).longValue());
    }

    static boolean eq(Object a, List<Object> others) throws CallError {
        if (others.isEmpty()) {
            throw new CallError("missing argument for comparison");
        }
        int k1 = kind(a);
        for (int i = 0; i < others.size(); i++) {
            Object b = others.get(i);
            int k2 = kind(b);
            boolean truth;
            if (k1 != k2) {
                if (a != null && b != null) {
                    throw new CallError("incompatible types for comparison");
                }
                truth = false;
            } else {
                switch (k1) {
                    case BOOL, STRING -> truth = a.equals(b);
                    case INT -> truth = compareInts(a, b) == 0;
                    case FLOAT -> truth = ((Double) a).doubleValue() == ((Double) b).doubleValue();
                    default -> {
                        if (a == null || b == null) {
                            truth = a == b;
                        } else if (!GoFmt.typeName(a).equals(GoFmt.typeName(b))) {
                            throw new CallError("non-comparable types " + GoFmt.sprint(a) + ": "
                                    + GoFmt.typeName(a) + ", " + GoFmt.typeName(b) + ": " + GoFmt.sprint(b));
                        } else {
                            throw new CallError("non-comparable type " + GoFmt.sprint(b) + ": "
                                    + GoFmt.typeName(b));
                        }
                    }
                }
            }
            if (truth) {
                return true;
            }
        }
        return false;
    }

    static boolean lt(Object a, Object b) throws CallError {
        int k1 = kind(a);
        int k2 = kind(b);
        if (k1 == NOKIND || k2 == NOKIND) {
            throw new CallError("invalid type for comparison");
        }
        if (k1 != k2) {
            throw new CallError("incompatible types for comparison");
        }
        return switch (k1) {
            case INT -> compareInts(a, b) < 0;
            case FLOAT -> (Double) a < (Double) b;
            case STRING -> ((String) a).compareTo((String) b) < 0;
            default -> throw new CallError("invalid type for comparison");
        };
    }

    // ---- strings -----------------------------------------------------------------------------

    /** strings.Split: an empty separator splits after each character; "" gives [""]. */
    static List<Object> split(String s, String sep) {
        List<Object> out = new ArrayList<>();
        if (sep.isEmpty()) {
            for (int i = 0; i < s.length(); ) {
                int cp = s.codePointAt(i);
                int next = i + Character.charCount(cp);
                out.add(s.substring(i, next));
                i = next;
            }
            return out;
        }
        int from = 0;
        while (true) {
            int idx = s.indexOf(sep, from);
            if (idx < 0) {
                out.add(s.substring(from));
                return out;
            }
            out.add(s.substring(from, idx));
            from = idx + sep.length();
        }
    }

    /**
     * strings.Join. Docker passes []string; elements that are not strings are printed as %v
     * rather than refused, and nil joins to "".
     */
    static String join(List<Object> a, int i, String sep) throws TypeError {
        Object list = a.get(i);
        if (list == null) {
            return "";
        }
        if (!(list instanceof List<?> l)) {
            throw new TypeError(i, "wrong type for value; expected []string; got " + GoFmt.typeName(list));
        }
        StringBuilder sb = new StringBuilder();
        for (int k = 0; k < l.size(); k++) {
            if (k > 0) {
                sb.append(sep);
            }
            GoFmt.value(sb, l.get(k));
        }
        return sb.toString();
    }

    /** strings.Title: upper-case the first letter of each word. */
    static String title(String s) {
        StringBuilder sb = new StringBuilder(s.length());
        int prev = ' ';
        for (int i = 0; i < s.length(); ) {
            int cp = s.codePointAt(i);
            i += Character.charCount(cp);
            sb.appendCodePoint(isSeparator(prev) ? Character.toTitleCase(cp) : cp);
            prev = cp;
        }
        return sb.toString();
    }

    private static boolean isSeparator(int r) {
        if (r <= 0x7f) {
            return !((r >= '0' && r <= '9') || (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z') || r == '_');
        }
        if (Character.isLetter(r) || Character.isDigit(r)) {
            return false;
        }
        return Character.isWhitespace(r) || Character.isSpaceChar(r);
    }

    private static String evalArgs(List<Object> a) {
        if (a.size() == 1 && a.get(0) instanceof String s) {
            return s;
        }
        return GoFmt.sprintArgs(a);
    }

    static String html(String s) {
        StringBuilder sb = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("&#34;");
                case '\'' -> sb.append("&#39;");
                case '&' -> sb.append("&amp;");
                case '<' -> sb.append("&lt;");
                case '>' -> sb.append("&gt;");
                case 0 -> sb.append('\uFFFD');
                default -> sb.append(c);
            }
        }
        return sb.toString();
    }

    static String js(String s) {
        StringBuilder sb = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '\\' -> sb.append("\\\\");
                case '\'' -> sb.append("\\'");
                case '"' -> sb.append("\\\"");
                case '<' -> sb.append("\\u003C");
                case '>' -> sb.append("\\u003E");
                case '&' -> sb.append("\\u0026");
                case '=' -> sb.append("\\u003D");
                default -> {
                    if (c < ' ') {
                        sb.append("\\u00");
                        String h = Integer.toHexString(c | 0x100).substring(1).toUpperCase(Locale.ROOT);
                        sb.append(h);
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        return sb.toString();
    }

    /** url.QueryEscape. */
    static String urlquery(String s) {
        StringBuilder sb = new StringBuilder(s.length());
        byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        for (byte b : bytes) {
            int c = b & 0xff;
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || c == '-' || c == '_' || c == '.' || c == '~') {
                sb.append((char) c);
            } else if (c == ' ') {
                sb.append('+');
            } else {
                sb.append('%').append(Integer.toHexString(c | 0x100).substring(1).toUpperCase(Locale.ROOT));
            }
        }
        return sb.toString();
    }
}
