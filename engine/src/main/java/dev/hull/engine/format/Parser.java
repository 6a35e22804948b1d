package dev.hull.engine.format;

import dev.hull.engine.format.Lexer.Token;
import java.util.ArrayList;
import java.util.List;

/**
 * Recursive-descent parser following Go's text/template/parse (Tree.parse and friends), including
 * its checks: unknown functions, undefined variables, break/continue outside range, misplaced
 * end/else. {@code define}, {@code template} and {@code block} are not supported.
 */
final class Parser {
    private final String text;
    private final List<Token> tokens;
    private int i;
    private final List<String> vars = new ArrayList<>();
    private int rangeDepth;

    private Parser(String text, List<Token> tokens) {
        this.text = text;
        this.tokens = tokens;
        vars.add("$");
    }

    static List<Node> parse(String text) throws TemplateException {
        Parser p = new Parser(text, Lexer.lex(text));
        List<Node> list = new ArrayList<>();
        while (p.peek().type() != Lexer.EOF) {
            Token t = p.peek();
            if (t.type() == Lexer.LEFT) {
                Token k = p.tokens.get(p.i + 1);
                if (k.type() == Lexer.END || k.type() == Lexer.ELSE) {
                    throw p.error(k, "unexpected {{" + k.val() + "}}");
                }
            }
            list.add(p.textOrAction());
        }
        return list;
    }

    static TemplateException parseError(String text, int pos, String msg) {
        int line = 1;
        for (int k = 0; k < pos && k < text.length(); k++) {
            if (text.charAt(k) == '\n') {
                line++;
            }
        }
        return new TemplateException("template: :" + line + ": " + msg, line, -1);
    }

    private TemplateException error(Token t, String msg) {
        return parseError(text, t.pos(), msg);
    }

    private Token peek() {
        return tokens.get(i);
    }

    private Token next() {
        Token t = tokens.get(i);
        if (t.type() != Lexer.EOF) {
            i++;
        }
        return t;
    }

    private Token expect(int type, String context) throws TemplateException {
        Token t = next();
        if (t.type() != type) {
            throw unexpected(t, context);
        }
        return t;
    }

    private TemplateException unexpected(Token t, String context) {
        if (t.type() == Lexer.EOF) {
            return error(t, "unexpected EOF");
        }
        return error(t, "unexpected " + describe(t) + " in " + context);
    }

    private static String describe(Token t) {
        return switch (t.type()) {
            case Lexer.RIGHT -> "\"}}\"";
            case Lexer.LEFT -> "\"{{\"";
            case Lexer.EOF -> "EOF";
            case Lexer.IF, Lexer.ELSE, Lexer.END, Lexer.RANGE, Lexer.WITH, Lexer.NIL, Lexer.BREAK,
                    Lexer.CONTINUE, Lexer.DEFINE, Lexer.TEMPLATE, Lexer.BLOCK -> "<" + t.val() + ">";
            default -> {
                // Go's item.String: %q, or %.10q... when longer than 10 bytes
                String v = t.val();
                if (v.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > 10) {
                    int n = Math.min(10, v.codePointCount(0, v.length()));
                    yield GoFmt.quote(v.substring(0, v.offsetByCodePoints(0, n))) + "...";
                }
                yield GoFmt.quote(v);
            }
        };
    }

    private Node textOrAction() throws TemplateException {
        Token t = next();
        if (t.type() == Lexer.TEXT) {
            return new Node.Text(t.pos(), t.val());
        }
        if (t.type() == Lexer.LEFT) {
            return action();
        }
        throw unexpected(t, "input");
    }

    /** A list up to {{end}} or {{else}}; the terminator is returned in {@code term[0]}. */
    private List<Node> itemList(Token[] term) throws TemplateException {
        List<Node> list = new ArrayList<>();
        while (true) {
            Token t = peek();
            if (t.type() == Lexer.EOF) {
                throw error(t, "unexpected EOF");
            }
            if (t.type() == Lexer.LEFT) {
                Token k = tokens.get(i + 1);
                if (k.type() == Lexer.END) {
                    i += 2;
                    expect(Lexer.RIGHT, "end");
                    term[0] = k;
                    return list;
                }
                if (k.type() == Lexer.ELSE) {
                    i += 2;
                    Token after = peek();
                    if (after.type() != Lexer.IF && after.type() != Lexer.WITH) {
                        expect(Lexer.RIGHT, "else");
                    }
                    term[0] = k;
                    return list;
                }
            }
            list.add(textOrAction());
        }
    }

    private Node action() throws TemplateException {
        Token t = next();
        switch (t.type()) {
            case Lexer.IF:
                return control(t, "if");
            case Lexer.WITH:
                return control(t, "with");
            case Lexer.RANGE:
                return control(t, "range");
            case Lexer.BREAK:
            case Lexer.CONTINUE: {
                String word = t.val();
                Token r = next();
                if (r.type() != Lexer.RIGHT) {
                    throw unexpected(r, "{{" + word + "}}");
                }
                if (rangeDepth == 0) {
                    throw error(t, "{{" + word + "}} outside {{range}}");
                }
                return t.type() == Lexer.BREAK ? new Node.Break(t.pos()) : new Node.Continue(t.pos());
            }
            case Lexer.DEFINE:
            case Lexer.TEMPLATE:
            case Lexer.BLOCK:
                throw error(t, "{{" + t.val() + "}} is not supported");
            case Lexer.END:
            case Lexer.ELSE:
                throw error(t, "unexpected {{" + t.val() + "}}");
            default:
                i--;
                return new Node.Action(t.pos(), pipeline("command", Lexer.RIGHT));
        }
    }

    private Node control(Token keyword, String context) throws TemplateException {
        int mark = vars.size();
        Node.Pipe pipe = pipeline(context, Lexer.RIGHT);
        if (context.equals("range")) {
            rangeDepth++;
        }
        Token[] term = new Token[1];
        List<Node> list = itemList(term);
        if (context.equals("range")) {
            rangeDepth--;
        }
        List<Node> elseList = null;
        if (term[0].type() == Lexer.ELSE) {
            Token after = peek();
            if ((context.equals("if") && after.type() == Lexer.IF)
                    || (context.equals("with") && after.type() == Lexer.WITH)) {
                next();
                elseList = new ArrayList<>(1);
                elseList.add(control(after, context));
            } else if (after.type() == Lexer.IF || after.type() == Lexer.WITH) {
                throw unexpected(after, "else");
            } else {
                elseList = itemList(term);
                if (term[0].type() != Lexer.END) {
                    throw error(term[0], "expected end; found {{else}}");
                }
            }
        }
        while (vars.size() > mark) {
            vars.remove(vars.size() - 1);
        }
        return switch (context) {
            case "range" -> new Node.Range(keyword.pos(), pipe, list, elseList);
            case "with" -> new Node.If(keyword.pos(), true, pipe, list, elseList);
            default -> new Node.If(keyword.pos(), false, pipe, list, elseList);
        };
    }

    private Node.Pipe pipeline(String context, int end) throws TemplateException {
        int pos = peek().pos();
        List<String> decl = new ArrayList<>(2);
        boolean assign = false;
        // Declarations: $x := / $x = / $k, $v := (range only).
        while (peek().type() == Lexer.VARIABLE) {
            Token v = peek();
            Token op = tokens.get(i + 1);
            if (op.type() == Lexer.DECLARE || op.type() == Lexer.ASSIGN) {
                i += 2;
                assign = op.type() == Lexer.ASSIGN;
                decl.add(v.val());
                if (assign) {
                    if (!vars.contains(v.val())) {
                        throw error(v, "undefined variable " + GoFmt.quote(v.val()));
                    }
                }
                break;
            } else if (op.type() == Lexer.COMMA) {
                if (!context.equals("range") || !decl.isEmpty()) {
                    throw error(op, "too many declarations in " + context);
                }
                i += 2;
                decl.add(v.val());
                if (peek().type() != Lexer.VARIABLE) {
                    throw error(peek(), "missing variable in " + context);
                }
                continue;
            } else if (!decl.isEmpty()) {
                throw unexpected(op, context);
            }
            break;
        }
        if (!assign) {
            for (int k = 0; k < decl.size(); k++) {
                vars.add(decl.get(k));
            }
        }
        List<Node.Command> cmds = new ArrayList<>(2);
        while (true) {
            Token t = peek();
            if (t.type() == end) {
                next();
                break;
            }
            switch (t.type()) {
                case Lexer.BOOL, Lexer.CHAR, Lexer.DOT, Lexer.FIELD, Lexer.IDENT, Lexer.NUMBER,
                        Lexer.NIL, Lexer.RAW, Lexer.STRING, Lexer.VARIABLE, Lexer.LPAREN ->
                        cmds.add(command());
                case Lexer.EOF -> throw error(t, end == Lexer.RPAREN ? "unclosed left paren"
                        : "unclosed action");
                default -> throw unexpected(t, context);
            }
        }
        if (cmds.isEmpty()) {
            throw error(tokens.get(i - 1), "missing value for " + context);
        }
        for (int k = 1; k < cmds.size(); k++) {
            Node first = cmds.get(k).args().get(0);
            if (first instanceof Node.Bool || first instanceof Node.Dot || first instanceof Node.Nil
                    || first instanceof Node.Num || first instanceof Node.Str) {
                throw parseError(text, first.pos(), "non executable command in pipeline stage "
                        + (k + 1));
            }
        }
        return new Node.Pipe(pos, assign, decl, cmds);
    }

    private Node.Command command() throws TemplateException {
        Node.Command cmd = new Node.Command(peek().pos(), new ArrayList<>(3));
        while (true) {
            Node operand = operand();
            if (operand != null) {
                cmd.args().add(operand);
            }
            Token t = peek();
            if (t.type() == Lexer.RIGHT || t.type() == Lexer.RPAREN) {
                break;
            }
            if (t.type() == Lexer.PIPE) {
                next();
                break;
            }
            if (operand == null || !t.spaceBefore()) {
                throw unexpected(t, "operand");
            }
        }
        if (cmd.args().isEmpty()) {
            throw error(peek(), "empty command");
        }
        return cmd;
    }

    private Node operand() throws TemplateException {
        Node node = term();
        if (node == null) {
            return null;
        }
        Token t = peek();
        if (t.type() == Lexer.FIELD && !t.spaceBefore()) {
            int chainPos = t.pos();
            List<String> fields = new ArrayList<>(4);
            while (peek().type() == Lexer.FIELD && !peek().spaceBefore()) {
                fields.add(next().val().substring(1));
            }
            if (node instanceof Node.Field f) {
                List<String> all = new ArrayList<>(f.idents());
                all.addAll(fields);
                return new Node.Field(chainPos, all);
            }
            if (node instanceof Node.Variable v) {
                List<String> all = new ArrayList<>(v.idents());
                all.addAll(fields);
                return new Node.Variable(chainPos, all);
            }
            if (node instanceof Node.Bool || node instanceof Node.Str || node instanceof Node.Num
                    || node instanceof Node.Nil || node instanceof Node.Dot) {
                throw error(t, "unexpected . after term " + GoFmt.quote(Node.toString(node)));
            }
            return new Node.Chain(chainPos, node, fields);
        }
        return node;
    }

    private Node term() throws TemplateException {
        Token t = next();
        switch (t.type()) {
            case Lexer.IDENT:
                if (!Funcs.exists(t.val())) {
                    throw error(t, "function " + GoFmt.quote(t.val()) + " not defined");
                }
                return new Node.Identifier(t.pos(), t.val());
            case Lexer.DOT:
                return new Node.Dot(t.pos());
            case Lexer.NIL:
                return new Node.Nil(t.pos());
            case Lexer.VARIABLE:
                if (!vars.contains(t.val())) {
                    throw error(t, "undefined variable " + GoFmt.quote(t.val()));
                }
                List<String> v = new ArrayList<>(2);
                v.add(t.val());
                return new Node.Variable(t.pos(), v);
            case Lexer.FIELD: {
                List<String> f = new ArrayList<>(2);
                f.add(t.val().substring(1));
                return new Node.Field(t.pos(), f);
            }
            case Lexer.BOOL:
                return new Node.Bool(t.pos(), t.val().equals("true"));
            case Lexer.CHAR:
            case Lexer.NUMBER:
                return number(t);
            case Lexer.LPAREN:
                return pipeline("parenthesized pipeline", Lexer.RPAREN);
            case Lexer.STRING:
            case Lexer.RAW:
                return new Node.Str(t.pos(), t.val(), unquote(t));
            default:
                i--;
                return null;
        }
    }

    private Node number(Token t) throws TemplateException {
        String s = t.val();
        if (t.type() == Lexer.CHAR) {
            String body = unquoteBody(t, s.substring(1, s.length() - 1), '\'');
            if (body.codePointCount(0, body.length()) != 1) {
                throw error(t, "malformed character constant: " + s);
            }
            return new Node.Num(t.pos(), s, (long) body.codePointAt(0));
        }
        Object value = parseNumber(s);
        if (value == null) {
            throw error(t, "illegal number syntax: " + GoFmt.quote(s));
        }
        return new Node.Num(t.pos(), s, value);
    }

    /** A Long for integer syntax that fits, else a Double; null if not a number. */
    static Object parseNumber(String s) {
        if (s.endsWith("i")) {
            return null; // complex numbers are not supported
        }
        String t = s.replace("_", "");
        boolean neg = false;
        int k = 0;
        if (k < t.length() && (t.charAt(k) == '+' || t.charAt(k) == '-')) {
            neg = t.charAt(k) == '-';
            k++;
        }
        String body = t.substring(k);
        if (body.isEmpty()) {
            return null;
        }
        int radix = 10;
        String digits = body;
        if (body.length() > 1 && body.charAt(0) == '0') {
            char x = body.charAt(1);
            if (x == 'x' || x == 'X') {
                radix = 16;
            } else if (x == 'o' || x == 'O') {
                radix = 8;
            } else if (x == 'b' || x == 'B') {
                radix = 2;
            } else if (body.indexOf('.') < 0 && body.indexOf('e') < 0 && body.indexOf('E') < 0) {
                radix = 8; // Go: a leading 0 means octal for integers
                digits = body.substring(1);
            }
            if (radix != 10 && digits == body) {
                digits = body.substring(2);
            }
        }
        if (radix == 10 && (body.indexOf('.') >= 0 || body.indexOf('e') >= 0
                || body.indexOf('E') >= 0)) {
            try {
                double d = Double.parseDouble(body);
                return neg ? -d : d;
            } catch (NumberFormatException e) {
                return null;
            }
        }
        if (digits.isEmpty()) {
            return radix == 8 ? (Object) 0L : null;
        }
        try {
            java.math.BigInteger v = new java.math.BigInteger(digits, radix);
            if (neg) {
                v = v.negate();
            }
            if (v.bitLength() < 64) {
                return v.longValue();
            }
            return v.doubleValue();
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private String unquote(Token t) throws TemplateException {
        String s = t.val();
        if (t.type() == Lexer.RAW) {
            return s.substring(1, s.length() - 1).replace("\r", "");
        }
        return unquoteBody(t, s.substring(1, s.length() - 1), '"');
    }

    /** Go's strconv.Unquote escapes. */
    private String unquoteBody(Token t, String s, char quote) throws TemplateException {
        if (s.indexOf('\\') < 0) {
            return s;
        }
        StringBuilder sb = new StringBuilder(s.length());
        int n = s.length();
        for (int k = 0; k < n; k++) {
            char c = s.charAt(k);
            if (c != '\\') {
                sb.append(c);
                continue;
            }
            if (++k >= n) {
                throw error(t, "invalid syntax");
            }
            char e = s.charAt(k);
            switch (e) {
                case 'a' -> sb.append('\u0007');
                case 'b' -> sb.append('\b');
                case 'f' -> sb.append('\f');
                case 'n' -> sb.append('\n');
                case 'r' -> sb.append('\r');
                case 't' -> sb.append('\t');
                case 'v' -> sb.append('\u000b');
                case '\\' -> sb.append('\\');
                case '"', '\'' -> {
                    if (e != quote) {
                        throw error(t, "invalid syntax");
                    }
                    sb.append(e);
                }
                case 'x', 'u', 'U' -> {
                    int len = e == 'x' ? 2 : e == 'u' ? 4 : 8;
                    if (k + 1 + len > n) {
                        throw error(t, "invalid syntax");
                    }
                    int v;
                    try {
                        v = Integer.parseInt(s.substring(k + 1, k + 1 + len), 16);
                    } catch (RuntimeException ex) {
                        throw error(t, "invalid syntax");
                    }
                    k += len;
                    if (e == 'x') {
                        sb.append((char) v); // a byte; fine for ASCII
                    } else if (!Character.isValidCodePoint(v)) {
                        throw error(t, "invalid syntax");
                    } else {
                        sb.appendCodePoint(v);
                    }
                }
                default -> {
                    if (e >= '0' && e <= '7' && k + 2 < n) {
                        int v;
                        try {
                            v = Integer.parseInt(s.substring(k, k + 3), 8);
                        } catch (NumberFormatException ex) {
                            throw error(t, "invalid syntax");
                        }
                        k += 2;
                        sb.append((char) v);
                    } else {
                        throw error(t, "invalid syntax");
                    }
                }
            }
        }
        return sb.toString();
    }
}
