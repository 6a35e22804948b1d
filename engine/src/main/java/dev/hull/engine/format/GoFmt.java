package dev.hull.engine.format;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * Go's fmt and encoding/json output for the JSON-shaped values templates see: {@code %v} (as
 * fmt.Sprint prints), a printf subset, strconv.Quote, and json.Marshal without HTML escaping.
 * Type names are the Go types encoding/json would decode into, except that integers are "int"
 * (Docker's structs use int for most counts).
 */
final class GoFmt {
    private GoFmt() {
    }

    static String typeName(Object v) {
        if (v == null) {
            return "<nil>";
        } else if (v instanceof String) {
            return "string";
        } else if (v instanceof Map) {
            return "map[string]interface {}";
        } else if (v instanceof List) {
            return "[]interface {}";
        } else if (v instanceof Long || v instanceof Integer) {
            return "int";
        } else if (v instanceof Double) {
            return "float64";
        } else if (v instanceof Boolean) {
            return "bool";
        } else if (v instanceof BigInteger) {
            return "*big.Int";
        }
        return v.getClass().getSimpleName();
    }

    /** Map keys in Go's order: strings sorted byte-wise (UTF-16 order here, same for the BMP). */
    static List<String> sortedKeys(Map<?, ?> map) {
        List<String> keys = new ArrayList<>(map.size());
        for (Object k : map.keySet()) {
            keys.add(String.valueOf(k));
        }
        Collections.sort(keys);
        return keys;
    }

    // ---- %v ----------------------------------------------------------------------------------

    static String sprint(Object v) {
        StringBuilder sb = new StringBuilder();
        value(sb, v);
        return sb.toString();
    }

    /** fmt's %v: strings as is, nil as {@code <nil>}, maps as {@code map[k:v]}, lists as [a b]. */
    static void value(StringBuilder sb, Object v) {
        if (v == null) {
            sb.append("<nil>");
        } else if (v instanceof String s) {
            sb.append(s);
        } else if (v instanceof Long || v instanceof Integer || v instanceof BigInteger) {
            sb.append(v.toString());
        } else if (v instanceof Double d) {
            formatG(sb, d, -1, false);
        } else if (v instanceof Boolean b) {
            sb.append(b.booleanValue());
        } else if (v instanceof List<?> list) {
            sb.append('[');
            for (int i = 0; i < list.size(); i++) {
                if (i > 0) {
                    sb.append(' ');
                }
                value(sb, list.get(i));
            }
            sb.append(']');
        } else if (v instanceof Map<?, ?> map) {
            sb.append("map[");
            List<String> keys = sortedKeys(map);
            for (int i = 0; i < keys.size(); i++) {
                if (i > 0) {
                    sb.append(' ');
                }
                sb.append(keys.get(i)).append(':');
                value(sb, map.get(keys.get(i)));
            }
            sb.append(']');
        } else {
            sb.append(v);
        }
    }

    /** fmt.Sprint: a space between operands when neither side is a string. */
    static String sprintArgs(List<Object> args) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < args.size(); i++) {
            Object a = args.get(i);
            if (i > 0 && !(a instanceof String) && !(args.get(i - 1) instanceof String)) {
                sb.append(' ');
            }
            value(sb, a);
        }
        return sb.toString();
    }

    /** fmt.Sprintln: spaces between all operands and a newline. */
    static String sprintln(List<Object> args) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < args.size(); i++) {
            if (i > 0) {
                sb.append(' ');
            }
            value(sb, args.get(i));
        }
        return sb.append('\n').toString();
    }

    // ---- floats ------------------------------------------------------------------------------

    /** Decimal digits (no trailing zeros; "" for zero) and decimal point position. */
    private record Digits(String d, int dp) {
        char at(int i) {
            return i >= 0 && i < d.length() ? d.charAt(i) : '0';
        }
    }

    private static Digits digits(BigDecimal abs) {
        if (abs.signum() == 0) {
            return new Digits("", 0);
        }
        BigDecimal x = abs.stripTrailingZeros();
        String d = x.unscaledValue().toString();
        return new Digits(d, d.length() - x.scale());
    }

    private static boolean sign(StringBuilder sb, double d, boolean plus) {
        if (Double.isNaN(d)) {
            sb.append(plus ? "+NaN" : "NaN");
            return true;
        }
        boolean neg = d < 0 || (d == 0 && 1 / d < 0);
        if (neg) {
            sb.append('-');
        } else if (plus) {
            sb.append('+');
        }
        if (Double.isInfinite(d)) {
            sb.append(neg || plus ? "Inf" : "+Inf");
            return true;
        }
        return false;
    }

    /** %g with precision prec (-1 = shortest, as %v prints a float64). */
    static void formatG(StringBuilder sb, double d, int prec, boolean plus) {
        if (sign(sb, d, plus)) {
            return;
        }
        double a = Math.abs(d);
        boolean shortest = prec < 0;
        Digits digs;
        if (shortest) {
            digs = digits(new BigDecimal(Double.toString(a)));
            prec = digs.d().length();
        } else {
            if (prec == 0) {
                prec = 1;
            }
            digs = digits(new BigDecimal(a).round(new MathContext(prec, RoundingMode.HALF_EVEN)));
        }
        int nd = digs.d().length();
        int eprec = prec;
        if (eprec > nd && nd >= digs.dp()) {
            eprec = nd;
        }
        if (shortest) {
            eprec = 6;
        }
        int exp = digs.dp() - 1;
        if (exp < -4 || exp >= eprec) {
            if (prec > nd) {
                prec = nd;
            }
            fmtE(sb, digs, prec - 1);
        } else {
            if (prec > digs.dp()) {
                prec = nd;
            }
            fmtF(sb, digs, Math.max(prec - digs.dp(), 0));
        }
    }

    static void formatE(StringBuilder sb, double d, int prec, boolean plus) {
        if (sign(sb, d, plus)) {
            return;
        }
        Digits digs = digits(new BigDecimal(Math.abs(d))
                .round(new MathContext(prec + 1, RoundingMode.HALF_EVEN)));
        fmtE(sb, digs, prec);
    }

    static void formatF(StringBuilder sb, double d, int prec, boolean plus) {
        if (sign(sb, d, plus)) {
            return;
        }
        sb.append(new BigDecimal(Math.abs(d)).setScale(prec, RoundingMode.HALF_EVEN).toPlainString());
    }

    private static void fmtE(StringBuilder sb, Digits digs, int prec) {
        sb.append(digs.at(0));
        if (prec > 0) {
            sb.append('.');
            for (int i = 1; i <= prec; i++) {
                sb.append(digs.at(i));
            }
        }
        int exp = digs.d().isEmpty() ? 0 : digs.dp() - 1;
        sb.append('e').append(exp < 0 ? '-' : '+');
        exp = Math.abs(exp);
        if (exp < 10) {
            sb.append('0');
        }
        sb.append(exp);
    }

    private static void fmtF(StringBuilder sb, Digits digs, int prec) {
        if (digs.dp() > 0) {
            for (int i = 0; i < digs.dp(); i++) {
                sb.append(digs.at(i));
            }
        } else {
            sb.append('0');
        }
        if (prec > 0) {
            sb.append('.');
            for (int i = 0; i < prec; i++) {
                sb.append(digs.at(digs.dp() + i));
            }
        }
    }

    // ---- strconv.Quote -----------------------------------------------------------------------

    static String quote(String s) {
        StringBuilder sb = new StringBuilder(s.length() + 2);
        quote(sb, s, '"');
        return sb.toString();
    }

    static void quote(StringBuilder sb, String s, char q) {
        sb.append(q);
        for (int i = 0; i < s.length(); ) {
            int cp = s.codePointAt(i);
            i += Character.charCount(cp);
            quoteRune(sb, cp, q);
        }
        sb.append(q);
    }

    private static void quoteRune(StringBuilder sb, int cp, char q) {
        if (cp == q || cp == '\\') {
            sb.append('\\').appendCodePoint(cp);
            return;
        }
        if (isPrint(cp)) {
            sb.appendCodePoint(cp);
            return;
        }
        switch (cp) {
            case 7 -> sb.append("\\a");
            case '\b' -> sb.append("\\b");
            case '\f' -> sb.append("\\f");
            case '\n' -> sb.append("\\n");
            case '\r' -> sb.append("\\r");
            case '\t' -> sb.append("\\t");
            case 11 -> sb.append("\\v");
            default -> {
                if (cp < ' ' || cp == 0x7f) {
                    sb.append("\\x");
                    hex(sb, cp, 2);
                } else if (cp < 0x10000) {
                    sb.append("\\u");
                    hex(sb, cp, 4);
                } else {
                    sb.append("\\U");
                    hex(sb, cp, 8);
                }
            }
        }
    }

    private static void hex(StringBuilder sb, int v, int width) {
        String h = Integer.toHexString(v);
        for (int i = h.length(); i < width; i++) {
            sb.append('0');
        }
        sb.append(h);
    }

    /** Go's unicode.IsPrint: letters, marks, numbers, punctuation, symbols and ASCII space. */
    static boolean isPrint(int cp) {
        if (cp == ' ') {
            return true;
        }
        return switch (Character.getType(cp)) {
            case Character.UPPERCASE_LETTER, Character.LOWERCASE_LETTER, Character.TITLECASE_LETTER,
                    Character.MODIFIER_LETTER, Character.OTHER_LETTER, Character.NON_SPACING_MARK,
                    Character.ENCLOSING_MARK, Character.COMBINING_SPACING_MARK,
                    Character.DECIMAL_DIGIT_NUMBER, Character.LETTER_NUMBER, Character.OTHER_NUMBER,
                    Character.CONNECTOR_PUNCTUATION, Character.DASH_PUNCTUATION,
                    Character.START_PUNCTUATION, Character.END_PUNCTUATION,
                    Character.INITIAL_QUOTE_PUNCTUATION, Character.FINAL_QUOTE_PUNCTUATION,
                    Character.OTHER_PUNCTUATION, Character.MATH_SYMBOL, Character.CURRENCY_SYMBOL,
                    Character.MODIFIER_SYMBOL, Character.OTHER_SYMBOL -> true;
            default -> false;
        };
    }

    // ---- printf ------------------------------------------------------------------------------

    /** fmt.Sprintf for the verbs templates use: v s d q t x X o b c e E f F g G T U %. */
    static String sprintf(String format, List<Object> args) {
        StringBuilder sb = new StringBuilder(format.length() + 16);
        int argNum = 0;
        boolean reordered = false;
        int n = format.length();
        for (int i = 0; i < n; ) {
            char c = format.charAt(i);
            if (c != '%') {
                sb.append(c);
                i++;
                continue;
            }
            i++;
            boolean minus = false, plus = false, zero = false, sharp = false, space = false;
            flags:
            while (i < n) {
                switch (format.charAt(i)) {
                    case '-' -> minus = true;
                    case '+' -> plus = true;
                    case '0' -> zero = true;
                    case '#' -> sharp = true;
                    case ' ' -> space = true;
                    default -> {
                        break flags;
                    }
                }
                i++;
            }
            // argument index [n]
            if (i < n && format.charAt(i) == '[') {
                int close = format.indexOf(']', i);
                if (close > i) {
                    try {
                        argNum = Integer.parseInt(format.substring(i + 1, close)) - 1;
                        reordered = true;
                    } catch (NumberFormatException e) {
                        // left as is: Go prints %!(BADINDEX)
                    }
                    i = close + 1;
                }
            }
            int width = -1;
            if (i < n && format.charAt(i) == '*') {
                i++;
                if (argNum < args.size() && isInt(args.get(argNum))) {
                    width = (int) ((Number) args.get(argNum)).longValue();
                    if (width < 0) {
                        minus = true;
                        width = -width;
                    }
                } else {
                    sb.append("%!(BADWIDTH)");
                }
                argNum++;
            } else {
                int start = i;
                while (i < n && Character.isDigit(format.charAt(i))) {
                    i++;
                }
                if (i > start) {
                    width = Integer.parseInt(format.substring(start, i));
                }
            }
            int prec = -1;
            if (i < n && format.charAt(i) == '.') {
                i++;
                if (i < n && format.charAt(i) == '*') {
                    i++;
                    if (argNum < args.size() && isInt(args.get(argNum))) {
                        prec = (int) ((Number) args.get(argNum)).longValue();
                        if (prec < 0) {
                            prec = -1;
                        }
                    } else {
                        sb.append("%!(BADPREC)");
                    }
                    argNum++;
                } else {
                    int start = i;
                    while (i < n && Character.isDigit(format.charAt(i))) {
                        i++;
                    }
                    prec = i > start ? Integer.parseInt(format.substring(start, i)) : 0;
                }
            }
            if (i >= n) {
                sb.append("%!(NOVERB)");
                break;
            }
            int verb = format.codePointAt(i);
            i += Character.charCount(verb);
            if (verb == '%') {
                sb.append('%');
                continue;
            }
            if (argNum >= args.size()) {
                sb.append("%!").appendCodePoint(verb).append("(MISSING)");
                continue;
            }
            Object arg = args.get(argNum++);
            Spec spec = new Spec(verb, width, prec, minus, plus, zero && !minus, sharp, space);
            formatArg(sb, arg, spec);
        }
        if (!reordered && argNum < args.size()) {
            sb.append("%!(EXTRA ");
            for (int k = argNum; k < args.size(); k++) {
                if (k > argNum) {
                    sb.append(", ");
                }
                Object a = args.get(k);
                sb.append(typeName(a));
                if (a != null) {
                    sb.append('=');
                    value(sb, a);
                }
            }
            sb.append(')');
        }
        return sb.toString();
    }

    private record Spec(int verb, int width, int prec, boolean minus, boolean plus, boolean zero,
            boolean sharp, boolean space) {
    }

    private static boolean isInt(Object v) {
        return v instanceof Long || v instanceof Integer;
    }

    private static void formatArg(StringBuilder sb, Object arg, Spec f) {
        int verb = f.verb();
        if (verb == 'T') {
            pad(sb, typeName(arg), f, false);
            return;
        }
        if (arg == null) {
            if (verb == 'v') {
                pad(sb, "<nil>", f, false);
            } else {
                badVerb(sb, arg, verb);
            }
            return;
        }
        if (arg instanceof List<?> l) {
            sb.append('[');
            for (int i = 0; i < l.size(); i++) {
                if (i > 0) {
                    sb.append(' ');
                }
                formatArg(sb, l.get(i), f);
            }
            sb.append(']');
            return;
        }
        if (arg instanceof Map<?, ?> map) {
            sb.append("map[");
            List<String> keys = sortedKeys(map);
            for (int i = 0; i < keys.size(); i++) {
                if (i > 0) {
                    sb.append(' ');
                }
                formatArg(sb, keys.get(i), f);
                sb.append(':');
                formatArg(sb, map.get(keys.get(i)), f);
            }
            sb.append(']');
            return;
        }
        StringBuilder v = new StringBuilder();
        boolean numeric = false;
        if (arg instanceof String s) {
            switch (verb) {
                case 'v', 's' -> v.append(f.prec() >= 0 ? truncateRunes(s, f.prec()) : s);
                case 'q' -> quote(v, f.prec() >= 0 ? truncateRunes(s, f.prec()) : s, '"');
                case 'x', 'X' -> {
                    byte[] bytes = s.getBytes(java.nio.charset.StandardCharsets.UTF_8);
                    for (byte b : bytes) {
                        String h = Integer.toHexString((b & 0xff) | 0x100).substring(1);
                        v.append(verb == 'X' ? h.toUpperCase(java.util.Locale.ROOT) : h);
                    }
                }
                default -> {
                    badVerb(sb, arg, verb);
                    return;
                }
            }
        } else if (arg instanceof Boolean b) {
            if (verb != 'v' && verb != 't') {
                badVerb(sb, arg, verb);
                return;
            }
            v.append(b.booleanValue());
        } else if (arg instanceof Long || arg instanceof Integer || arg instanceof BigInteger) {
            BigInteger x = arg instanceof BigInteger bi ? bi : BigInteger.valueOf(((Number) arg).longValue());
            numeric = true;
            String digits;
            switch (verb) {
                case 'v', 'd' -> digits = x.abs().toString();
                case 'x' -> digits = x.abs().toString(16);
                case 'X' -> digits = x.abs().toString(16).toUpperCase(java.util.Locale.ROOT);
                case 'o', 'O' -> digits = x.abs().toString(8);
                case 'b' -> digits = x.abs().toString(2);
                case 'c' -> {
                    pad(sb, new String(Character.toChars(x.intValue())), f, false);
                    return;
                }
                case 'q' -> {
                    StringBuilder q = new StringBuilder();
                    quote(q, new String(Character.toChars(x.intValue())), '\'');
                    pad(sb, q.toString(), f, false);
                    return;
                }
                case 'U' -> {
                    pad(sb, Lexer.unicodeForm(x.intValue()).split(" ")[0], f, false);
                    return;
                }
                default -> {
                    badVerb(sb, arg, verb);
                    return;
                }
            }
            if (f.prec() >= 0) {
                for (int k = digits.length(); k < f.prec(); k++) {
                    v.append('0');
                }
            }
            v.append(digits);
            String prefix = "";
            if (f.sharp()) {
                prefix = switch (verb) {
                    case 'x' -> "0x";
                    case 'X' -> "0X";
                    case 'o' -> "0";
                    case 'b' -> "0b";
                    default -> "";
                };
            }
            if (verb == 'O') {
                prefix = "0o";
            }
            v.insert(0, prefix);
            if (x.signum() < 0) {
                v.insert(0, '-');
            } else if (f.plus()) {
                v.insert(0, '+');
            } else if (f.space()) {
                v.insert(0, ' ');
            }
        } else if (arg instanceof Double d) {
            numeric = true;
            switch (verb) {
                case 'v', 'g' -> formatG(v, d, f.prec(), f.plus());
                case 'G' -> {
                    formatG(v, d, f.prec(), f.plus());
                    upper(v);
                }
                case 'f', 'F' -> formatF(v, d, f.prec() < 0 ? 6 : f.prec(), f.plus());
                case 'e' -> formatE(v, d, f.prec() < 0 ? 6 : f.prec(), f.plus());
                case 'E' -> {
                    formatE(v, d, f.prec() < 0 ? 6 : f.prec(), f.plus());
                    upper(v);
                }
                default -> {
                    badVerb(sb, arg, verb);
                    return;
                }
            }
            if (f.space() && !f.plus() && v.length() > 0 && v.charAt(0) != '-') {
                v.insert(0, ' ');
            }
        } else {
            if (verb != 'v' && verb != 's') {
                badVerb(sb, arg, verb);
                return;
            }
            value(v, arg);
        }
        pad(sb, v.toString(), f, numeric);
    }

    private static void upper(StringBuilder v) {
        for (int i = 0; i < v.length(); i++) {
            v.setCharAt(i, Character.toUpperCase(v.charAt(i)));
        }
    }

    private static String truncateRunes(String s, int n) {
        if (s.codePointCount(0, s.length()) <= n) {
            return s;
        }
        return s.substring(0, s.offsetByCodePoints(0, n));
    }

    private static void pad(StringBuilder sb, String s, Spec f, boolean numeric) {
        int len = s.codePointCount(0, s.length());
        int w = f.width();
        if (w <= len) {
            sb.append(s);
            return;
        }
        if (f.minus()) {
            sb.append(s);
            repeat(sb, ' ', w - len);
        } else if (f.zero() && numeric) {
            int signs = !s.isEmpty() && (s.charAt(0) == '-' || s.charAt(0) == '+' || s.charAt(0) == ' ') ? 1 : 0;
            sb.append(s, 0, signs);
            repeat(sb, '0', w - len);
            sb.append(s, signs, s.length());
        } else {
            repeat(sb, f.zero() ? '0' : ' ', w - len);
            sb.append(s);
        }
    }

    static void repeat(StringBuilder sb, char c, int n) {
        for (int i = 0; i < n; i++) {
            sb.append(c);
        }
    }

    private static void badVerb(StringBuilder sb, Object arg, int verb) {
        sb.append("%!").appendCodePoint(verb).append('(');
        if (arg == null) {
            sb.append("<nil>");
        } else {
            sb.append(typeName(arg)).append('=');
            value(sb, arg);
        }
        sb.append(')');
    }

    // ---- JSON --------------------------------------------------------------------------------

    /**
     * Docker's {@code json} function: encoding/json with SetEscapeHTML(false), trailing newline
     * trimmed. Object members keep their order (Docker marshals structs, whose field order the
     * LinkedHashMap preserves). NaN and infinities are errors, as json.Marshal reports them.
     */
    static void json(StringBuilder sb, Object v) {
        if (v == null) {
            sb.append("null");
        } else if (v instanceof String s) {
            jsonString(sb, s);
        } else if (v instanceof Map<?, ?> map) {
            sb.append('{');
            boolean first = true;
            for (Map.Entry<?, ?> e : map.entrySet()) {
                if (!first) {
                    sb.append(',');
                }
                first = false;
                jsonString(sb, String.valueOf(e.getKey()));
                sb.append(':');
                json(sb, e.getValue());
            }
            sb.append('}');
        } else if (v instanceof List<?> list) {
            sb.append('[');
            for (int i = 0; i < list.size(); i++) {
                if (i > 0) {
                    sb.append(',');
                }
                json(sb, list.get(i));
            }
            sb.append(']');
        } else if (v instanceof Boolean b) {
            sb.append(b.booleanValue());
        } else if (v instanceof Double d) {
            double x = d;
            if (Double.isNaN(x) || Double.isInfinite(x)) {
                throw new IllegalArgumentException("json: unsupported value: " + sprint(v));
            }
            double abs = Math.abs(x);
            if (abs != 0 && (abs < 1e-6 || abs >= 1e21)) {
                StringBuilder e = new StringBuilder();
                Digits digs = digits(new BigDecimal(Double.toString(abs)));
                if (x < 0) {
                    e.append('-');
                }
                fmtE(e, digs, digs.d().length() - 1);
                // Go cleans e-09 to e-9
                int n = e.length();
                if (n >= 4 && e.charAt(n - 4) == 'e' && e.charAt(n - 3) == '-' && e.charAt(n - 2) == '0') {
                    e.deleteCharAt(n - 2);
                }
                sb.append(e);
            } else {
                if (x < 0 || (x == 0 && 1 / x < 0)) {
                    sb.append('-');
                }
                Digits digs = digits(new BigDecimal(Double.toString(abs)));
                fmtF(sb, digs, Math.max(0, digs.d().length() - digs.dp()));
            }
        } else if (v instanceof Number) {
            sb.append(v.toString());
        } else {
            jsonString(sb, v.toString());
        }
    }

    private static void jsonString(StringBuilder sb, String s) {
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                case '\b' -> sb.append("\\b");
                case '\f' -> sb.append("\\f");
                case '\u2028' -> sb.append("\\u2028");
                case '\u2029' -> sb.append("\\u2029");
                default -> {
                    if (c < 0x20) {
                        sb.append("\\u00");
                        hex(sb, c, 2);
                    } else if (Character.isSurrogate(c)) {
                        if (Character.isHighSurrogate(c) && i + 1 < s.length()
                                && Character.isLowSurrogate(s.charAt(i + 1))) {
                            sb.append(c).append(s.charAt(++i));
                        } else {
                            sb.append("\\ufffd");
                        }
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        sb.append('"');
    }
}
