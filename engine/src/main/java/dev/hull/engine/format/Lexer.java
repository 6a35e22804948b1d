package dev.hull.engine.format;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits a template into tokens the way Go's text/template/parse lexer does, with the default
 * delimiters {@code {{ }}}. Trim markers ({@code "{{- "}, {@code " -}}"}) are applied to the text
 * tokens here; comments ({@code {{/* ... * /}}}) produce no token. Inside actions, spaces are
 * not tokens: each token records whether spaces preceded it.
 */
final class Lexer {
    static final int TEXT = 0, LEFT = 1, RIGHT = 2, FIELD = 3, VARIABLE = 4, IDENT = 5, DOT = 6,
            NUMBER = 7, CHAR = 8, STRING = 9, RAW = 10, BOOL = 11, PIPE = 12, LPAREN = 13,
            RPAREN = 14, COMMA = 15, DECLARE = 16, ASSIGN = 17, EOF = 18, OTHER = 19,
            // keywords
            IF = 20, ELSE = 21, END = 22, RANGE = 23, WITH = 24, NIL = 25, BREAK = 26,
            CONTINUE = 27, DEFINE = 28, TEMPLATE = 29, BLOCK = 30;

    record Token(int type, int pos, String val, boolean spaceBefore) {
    }

    private final String s;
    private final List<Token> out = new ArrayList<>();
    private int p;
    private boolean trimNext;
    private int parenDepth;

    private Lexer(String s) {
        this.s = s;
    }

    static List<Token> lex(String text) throws TemplateException {
        Lexer l = new Lexer(text);
        l.run();
        return l.out;
    }

    private TemplateException error(int at, String msg) {
        return Parser.parseError(s, at, msg);
    }

    private void run() throws TemplateException {
        int n = s.length();
        while (true) {
            int idx = s.indexOf("{{", p);
            int end = idx < 0 ? n : idx;
            int from = p;
            if (trimNext) {
                while (from < end && isSpace(s.charAt(from))) {
                    from++;
                }
                trimNext = false;
            }
            int after = idx + 2;
            boolean trimLeft = idx >= 0 && after + 1 < n && s.charAt(after) == '-'
                    && isSpace(s.charAt(after + 1));
            int to = end;
            if (trimLeft) {
                while (to > from && isSpace(s.charAt(to - 1))) {
                    to--;
                }
            }
            if (to > from) {
                out.add(new Token(TEXT, from, s.substring(from, to), false));
            }
            if (idx < 0) {
                out.add(new Token(EOF, n, "", false));
                return;
            }
            p = trimLeft ? after + 2 : after;
            if (s.startsWith("/*", p)) {
                comment(idx);
                continue;
            }
            out.add(new Token(LEFT, idx, "{{", false));
            insideAction();
        }
    }

    private void comment(int start) throws TemplateException {
        int close = s.indexOf("*/", p + 2);
        if (close < 0) {
            throw error(start, "unclosed comment");
        }
        p = close + 2;
        if (atRightTrim(p)) {
            p += 4;
            trimNext = true;
        } else if (s.startsWith("}}", p)) {
            p += 2;
        } else {
            throw error(start, "comment ends before closing delimiter");
        }
    }

    private boolean atRightTrim(int at) {
        return at + 3 < s.length() && isSpace(s.charAt(at)) && s.charAt(at + 1) == '-'
                && s.startsWith("}}", at + 2);
    }

    private void insideAction() throws TemplateException {
        int n = s.length();
        boolean space = false;
        while (true) {
            if (atRightTrim(p) || s.startsWith("}}", p)) {
                if (parenDepth > 0) {
                    throw error(p, "unclosed left paren");
                }
                boolean trim = !s.startsWith("}}", p);
                out.add(new Token(RIGHT, p, "}}", space));
                p += trim ? 4 : 2;
                trimNext = trim;
                return;
            }
            if (p >= n) {
                throw error(p, "unclosed action");
            }
            char c = s.charAt(p);
            int start = p;
            if (isSpace(c)) {
                while (p < n && isSpace(s.charAt(p))) {
                    p++;
                }
                // " -}}" after more spaces: step back so the trim marker is seen.
                if (p > start + 1 && atRightTrim(p - 1)) {
                    p--;
                }
                space = true;
                continue;
            }
            switch (c) {
                case '=' -> {
                    p++;
                    add(ASSIGN, start, space);
                }
                case ':' -> {
                    if (p + 1 >= n || s.charAt(p + 1) != '=') {
                        throw error(p, "expected :=");
                    }
                    p += 2;
                    add(DECLARE, start, space);
                }
                case '|' -> {
                    p++;
                    add(PIPE, start, space);
                }
                case '"' -> quoted(start, space);
                case '`' -> {
                    int close = s.indexOf('`', p + 1);
                    if (close < 0) {
                        throw error(start, "unterminated raw quoted string");
                    }
                    p = close + 1;
                    add(RAW, start, space);
                }
                case '\'' -> charConstant(start, space);
                case '$' -> {
                    p++;
                    fieldOrVariable(VARIABLE, start, space);
                }
                case '(' -> {
                    p++;
                    parenDepth++;
                    add(LPAREN, start, space);
                }
                case ')' -> {
                    p++;
                    parenDepth--;
                    if (parenDepth < 0) {
                        throw error(start, "unexpected right paren");
                    }
                    add(RPAREN, start, space);
                }
                case ',' -> {
                    p++;
                    add(COMMA, start, space);
                }
                default -> {
                    if (c == '.' && !(p + 1 < n && isDigit(s.charAt(p + 1)))) {
                        p++;
                        fieldOrVariable(FIELD, start, space);
                    } else if (c == '.' || c == '+' || c == '-' || isDigit(c)) {
                        number(start, space);
                    } else if (isAlphaNumeric(c)) {
                        identifier(start, space);
                    } else if (c < 0x7f && c > ' ') {
                        p++;
                        add(OTHER, start, space);
                    } else {
                        int cp = s.codePointAt(p);
                        throw error(start, "unrecognized character in action: " + unicodeForm(cp));
                    }
                }
            }
            space = false;
        }
    }

    private void add(int type, int start, boolean space) {
        out.add(new Token(type, start, s.substring(start, p), space));
    }

    private void fieldOrVariable(int type, int start, boolean space) throws TemplateException {
        if (atTerminator()) {
            add(type == VARIABLE ? VARIABLE : DOT, start, space);
            return;
        }
        while (p < s.length()) {
            int cp = s.codePointAt(p);
            if (!isAlphaNumeric(cp)) {
                break;
            }
            p += Character.charCount(cp);
        }
        if (!atTerminator()) {
            throw error(p, "bad character " + unicodeForm(s.codePointAt(p)));
        }
        add(type, start, space);
    }

    private void identifier(int start, boolean space) throws TemplateException {
        while (p < s.length()) {
            int cp = s.codePointAt(p);
            if (!isAlphaNumeric(cp)) {
                break;
            }
            p += Character.charCount(cp);
        }
        if (!atTerminator()) {
            throw error(p, "bad character " + unicodeForm(s.codePointAt(p)));
        }
        String word = s.substring(start, p);
        int type = switch (word) {
            case "if" -> IF;
            case "else" -> ELSE;
            case "end" -> END;
            case "range" -> RANGE;
            case "with" -> WITH;
            case "nil" -> NIL;
            case "break" -> BREAK;
            case "continue" -> CONTINUE;
            case "define" -> DEFINE;
            case "template" -> TEMPLATE;
            case "block" -> BLOCK;
            case "true", "false" -> BOOL;
            default -> IDENT;
        };
        out.add(new Token(type, start, word, space));
    }

    private boolean atTerminator() {
        if (p >= s.length()) {
            return true;
        }
        char c = s.charAt(p);
        return isSpace(c) || c == '.' || c == ',' || c == '|' || c == ':' || c == ')' || c == '('
                || s.startsWith("}}", p);
    }

    private void quoted(int start, boolean space) throws TemplateException {
        delimited(start, '"', "unterminated quoted string");
        add(STRING, start, space);
    }

    private void charConstant(int start, boolean space) throws TemplateException {
        delimited(start, '\'', "unterminated character constant");
        add(CHAR, start, space);
    }

    /** Past a "..." or '...' literal (escapes skipped; a newline or the end leaves it open). */
    private void delimited(int start, char quote, String unterminated) throws TemplateException {
        int n = s.length();
        p++;
        while (true) {
            if (p >= n) {
                throw error(start, unterminated);
            }
            char c = s.charAt(p);
            if (c == '\\') {
                p++;
                if (p >= n || s.charAt(p) == '\n') {
                    throw error(start, unterminated);
                }
            } else if (c == '\n') {
                throw error(start, unterminated);
            } else if (c == quote) {
                p++;
                return;
            }
            p++;
        }
    }

    private void number(int start, boolean space) throws TemplateException {
        int n = s.length();
        if (p < n && (s.charAt(p) == '+' || s.charAt(p) == '-')) {
            p++;
        }
        String digits = "0123456789_";
        if (p < n && s.charAt(p) == '0') {
            p++;
            if (accept("xX")) {
                digits = "0123456789abcdefABCDEF_";
            } else if (accept("oO")) {
                digits = "01234567_";
            } else if (accept("bB")) {
                digits = "01_";
            }
        }
        acceptRun(digits);
        if (accept(".")) {
            acceptRun(digits);
        }
        if (digits.length() == 11 && accept("eE")) {
            accept("+-");
            acceptRun("0123456789_");
        }
        if (digits.length() == 23 && accept("pP")) {
            accept("+-");
            acceptRun("0123456789_");
        }
        accept("i");
        if (p < n && isAlphaNumeric(s.codePointAt(p))) {
            p += Character.charCount(s.codePointAt(p));
            throw error(start, "bad number syntax: " + GoFmt.quote(s.substring(start, p)));
        }
        add(NUMBER, start, space);
    }

    private boolean accept(String valid) {
        if (p < s.length() && valid.indexOf(s.charAt(p)) >= 0) {
            p++;
            return true;
        }
        return false;
    }

    private void acceptRun(String valid) {
        while (p < s.length() && valid.indexOf(s.charAt(p)) >= 0) {
            p++;
        }
    }

    static boolean isSpace(char c) {
        return c == ' ' || c == '\t' || c == '\r' || c == '\n';
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    static boolean isAlphaNumeric(int cp) {
        return cp == '_' || Character.isLetter(cp) || Character.isDigit(cp);
    }

    /** Go's %#U: U+0023 '#'. */
    static String unicodeForm(int cp) {
        StringBuilder sb = new StringBuilder("U+");
        String hex = Integer.toHexString(cp).toUpperCase(java.util.Locale.ROOT);
        for (int i = hex.length(); i < 4; i++) {
            sb.append('0');
        }
        sb.append(hex);
        if (!Character.isISOControl(cp)) {
            sb.append(" '").appendCodePoint(cp).append('\'');
        }
        return sb.toString();
    }
}
