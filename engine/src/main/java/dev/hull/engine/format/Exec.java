package dev.hull.engine.format;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One execution of a parsed template, following Go's text/template exec.go.
 *
 * <p>Values are the JSON tree's Java objects. Go distinguishes an invalid reflect.Value (a missing
 * map key, "no value") from a nil interface (a JSON null); here {@link #NO_VALUE} is the former and
 * Java null the latter. As in Go, each pipeline stage's result is "dug down" from the interface, so
 * a null result becomes NO_VALUE, which prints as {@code <no value>}; a field on NO_VALUE is again
 * NO_VALUE, while a field on a null (e.g. {@code .State.Health.Status} with Health null) is the
 * "nil pointer evaluating" error Docker users know.
 */
final class Exec {
    static final Object NO_VALUE = new Object();
    /** No final value: the first command of a pipeline. */
    private static final Object MISSING = new Object();

    private static final class Break extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Break() {
            super(null, null, false, false);
        }
    }

    private static final class Continue extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Continue() {
            super(null, null, false, false);
        }
    }

    private static final Break BREAK = new Break();
    private static final Continue CONTINUE = new Continue();

    private final String text;
    private final StringBuilder out;
    private final boolean missingKeyError;
    private final boolean header;
    private final Object root;
    private final ArrayList<String> varNames = new ArrayList<>();
    private final ArrayList<Object> varValues = new ArrayList<>();
    private Node at;

    Exec(String text, StringBuilder out, Object data, boolean missingKeyError, boolean header) {
        this.text = text;
        this.out = out;
        this.missingKeyError = missingKeyError;
        this.header = header;
        this.root = data == null ? NO_VALUE : data;
        varNames.add("$");
        varValues.add(root);
    }

    void run(List<Node> nodes) throws TemplateException {
        try {
            walkList(root, nodes);
        } catch (Break | Continue e) {
            throw error("break or continue outside range");
        }
    }

    // ---- errors ------------------------------------------------------------------------------

    TemplateException error(String msg) {
        if (at == null) {
            return new TemplateException("template: : " + msg, 1, 0);
        }
        int pos = at.pos();
        int line = 1;
        int lineStart = 0;
        for (int k = 0; k < pos; k++) {
            if (text.charAt(k) == '\n') {
                line++;
                lineStart = k + 1;
            }
        }
        int col = text.substring(lineStart, pos).getBytes(StandardCharsets.UTF_8).length;
        String context = Node.toString(at);
        if (context.getBytes(StandardCharsets.UTF_8).length > 20) {
            int end = context.offsetByCodePoints(0, Math.min(20, context.codePointCount(0, context.length())));
            context = context.substring(0, end) + "...";
        }
        return new TemplateException("template: :" + line + ":" + col + ": executing \"\" at <"
                + context + ">: " + msg, line, col);
    }

    // ---- variables ---------------------------------------------------------------------------

    private int mark() {
        return varNames.size();
    }

    private void pop(int mark) {
        while (varNames.size() > mark) {
            varNames.remove(varNames.size() - 1);
            varValues.remove(varValues.size() - 1);
        }
    }

    private void push(String name, Object value) {
        varNames.add(name);
        varValues.add(value);
    }

    private void setVar(String name, Object value) throws TemplateException {
        for (int k = varNames.size() - 1; k >= 0; k--) {
            if (varNames.get(k).equals(name)) {
                varValues.set(k, value);
                return;
            }
        }
        throw error("undefined variable: " + name);
    }

    private Object varValue(String name) throws TemplateException {
        for (int k = varNames.size() - 1; k >= 0; k--) {
            if (varNames.get(k).equals(name)) {
                return varValues.get(k);
            }
        }
        throw error("undefined variable: " + name);
    }

    // ---- walking -----------------------------------------------------------------------------

    private void walkList(Object dot, List<Node> nodes) throws TemplateException {
        for (int k = 0; k < nodes.size(); k++) {
            walk(dot, nodes.get(k));
        }
    }

    private void walk(Object dot, Node node) throws TemplateException {
        if (node instanceof Node.Text t) {
            out.append(t.text());
        } else if (node instanceof Node.Action a) {
            Object val = evalPipeline(dot, a.pipe());
            if (a.pipe().decl().isEmpty()) {
                print(val);
            }
        } else if (node instanceof Node.If f) {
            int mark = mark();
            Object val = evalPipeline(dot, f.pipe());
            if (Funcs.truth(val)) {
                walkList(f.with() ? val : dot, f.list());
            } else if (f.elseList() != null) {
                walkList(dot, f.elseList());
            }
            pop(mark);
        } else if (node instanceof Node.Range r) {
            walkRange(dot, r);
        } else if (node instanceof Node.Break) {
            throw BREAK;
        } else if (node instanceof Node.Continue) {
            throw CONTINUE;
        } else {
            at = node;
            throw error("unknown node");
        }
    }

    private void print(Object val) {
        if (val == NO_VALUE) {
            out.append("<no value>");
        } else {
            GoFmt.value(out, val);
        }
    }

    private void walkRange(Object dot, Node.Range r) throws TemplateException {
        at = r;
        int outer = mark();
        Object val = evalPipeline(dot, r.pipe());
        int mark = mark();
        boolean ran = false;
        if (val instanceof List<?> list) {
            for (int k = 0; k < list.size(); k++) {
                ran = true;
                if (!oneIteration(r, (long) k, list.get(k), mark)) {
                    break;
                }
            }
        } else if (val instanceof Map<?, ?> map) {
            List<String> keys = GoFmt.sortedKeys(map);
            for (int k = 0; k < keys.size(); k++) {
                ran = true;
                if (!oneIteration(r, keys.get(k), map.get(keys.get(k)), mark)) {
                    break;
                }
            }
        } else if (val instanceof Long || val instanceof Integer) {
            long n = ((Number) val).longValue();
            if (r.pipe().decl().size() > 1) {
                at = r;
                throw error("can't use " + GoFmt.sprint(val) + " to iterate over more than one variable");
            }
            for (long k = 0; k < n; k++) {
                ran = true;
                if (!oneIteration(r, k, k, mark)) {
                    break;
                }
            }
        } else if (val != NO_VALUE && val != null) {
            at = r;
            throw error("range can't iterate over " + GoFmt.sprint(val));
        }
        if (!ran && r.elseList() != null) {
            walkList(dot, r.elseList());
        }
        pop(outer);
    }

    /** Returns false on {{break}}. */
    private boolean oneIteration(Node.Range r, Object index, Object elem, int mark) throws TemplateException {
        List<String> decl = r.pipe().decl();
        if (!decl.isEmpty()) {
            if (r.pipe().assign()) {
                if (decl.size() > 1) {
                    setVar(decl.get(0), index);
                    setVar(decl.get(1), elem);
                } else {
                    setVar(decl.get(0), elem);
                }
            } else {
                varValues.set(mark - 1, elem);
                if (decl.size() > 1) {
                    varValues.set(mark - 2, index);
                }
            }
        }
        try {
            walkList(elem, r.list());
        } catch (Continue c) {
            // next iteration
        } catch (Break b) {
            pop(mark);
            return false;
        }
        pop(mark);
        return true;
    }

    // ---- evaluation --------------------------------------------------------------------------

    private Object evalPipeline(Object dot, Node.Pipe pipe) throws TemplateException {
        at = pipe;
        Object value = MISSING;
        List<Node.Command> cmds = pipe.cmds();
        for (int k = 0; k < cmds.size(); k++) {
            value = evalCommand(dot, cmds.get(k), value);
            if (value == null) {
                value = NO_VALUE; // dig down from interface{}: a nil interface is no value
            }
        }
        List<String> decl = pipe.decl();
        for (int k = 0; k < decl.size(); k++) {
            if (pipe.assign()) {
                setVar(decl.get(k), value);
            } else {
                push(decl.get(k), value);
            }
        }
        return value;
    }

    private Object evalCommand(Object dot, Node.Command cmd, Object fin) throws TemplateException {
        List<Node> args = cmd.args();
        Node first = args.get(0);
        if (first instanceof Node.Field f) {
            at = f;
            return evalFieldChain(dot, dot, f.idents(), 0, args, fin);
        } else if (first instanceof Node.Chain c) {
            return evalChain(dot, c, args, fin);
        } else if (first instanceof Node.Identifier id) {
            return evalFunction(dot, id, cmd, args, fin);
        } else if (first instanceof Node.Pipe p) {
            notAFunction(args, fin);
            return evalPipeline(dot, p);
        } else if (first instanceof Node.Variable v) {
            return evalVariable(dot, v, args, fin);
        }
        at = first;
        notAFunction(args, fin);
        if (first instanceof Node.Bool b) {
            return b.value();
        } else if (first instanceof Node.Dot) {
            return dot;
        } else if (first instanceof Node.Nil) {
            throw error("nil is not a command");
        } else if (first instanceof Node.Num n) {
            return n.value();
        } else if (first instanceof Node.Str s) {
            return s.value();
        }
        throw error("can't evaluate command " + GoFmt.quote(Node.toString(first)));
    }

    private void notAFunction(List<Node> args, Object fin) throws TemplateException {
        if (args.size() > 1 || fin != MISSING) {
            throw error("can't give argument to non-function " + Node.toString(args.get(0)));
        }
    }

    private Object evalVariable(Object dot, Node.Variable v, List<Node> args, Object fin) throws TemplateException {
        at = v;
        Object value = varValue(v.idents().get(0));
        if (v.idents().size() == 1) {
            notAFunction(args, fin);
            return value;
        }
        return evalFieldChain(dot, value, v.idents(), 1, args, fin);
    }

    private Object evalChain(Object dot, Node.Chain c, List<Node> args, Object fin) throws TemplateException {
        at = c;
        Object value = evalArg(dot, c.node());
        at = c;
        return evalFieldChain(dot, value, c.fields(), 0, args, fin);
    }

    private Object evalFieldChain(Object dot, Object receiver, List<String> idents, int from,
            List<Node> args, Object fin) throws TemplateException {
        int n = idents.size();
        for (int k = from; k < n - 1; k++) {
            receiver = evalField(dot, idents.get(k), null, MISSING, receiver);
        }
        return evalField(dot, idents.get(n - 1), args, fin, receiver);
    }

    private Object evalField(Object dot, String name, List<Node> args, Object fin, Object receiver)
            throws TemplateException {
        if (receiver == NO_VALUE) {
            if (missingKeyError) {
                throw error("nil data; no entry for key " + GoFmt.quote(name));
            }
            return NO_VALUE;
        }
        if (receiver == null) {
            throw error("nil pointer evaluating interface {}." + name);
        }
        boolean hasArgs = (args != null && args.size() > 1) || fin != MISSING;
        if (receiver instanceof Map<?, ?> map) {
            if (hasArgs) {
                if (name.equals("Label") && (args == null ? 0 : args.size() - 1) + (fin != MISSING ? 1 : 0) == 1) {
                    return label(dot, map, args, fin);
                }
                throw error(name + " is not a method but has arguments");
            }
            if (map.containsKey(name)) {
                return map.get(name);
            }
            if (header && receiver == root) {
                return name.toUpperCase(java.util.Locale.ROOT);
            }
            if (missingKeyError) {
                throw error("map has no entry for key " + GoFmt.quote(name));
            }
            return NO_VALUE;
        }
        throw error("can't evaluate field " + name + " in type " + GoFmt.typeName(receiver));
    }

    /**
     * Docker's {@code .Label "name"} method of its ps/images/volumes/networks rows: the value of
     * that label in the row's Labels map, or "" (the map stands for the Go struct and its method).
     * In a header, Docker's SubHeaderContext.Label: the last dotted part of the name with '-' and
     * '_' as spaces, upper-cased.
     */
    private Object label(Object dot, Map<?, ?> map, List<Node> args, Object fin) throws TemplateException {
        Node call = at;
        Object arg = fin != MISSING ? fin : evalArg(dot, args.get(1));
        at = call;
        if (!(arg instanceof String s)) {
            throw error("wrong type for value; expected string; got " + GoFmt.typeName(arg));
        }
        if (header) {
            s = s.substring(s.lastIndexOf('.') + 1).replace('-', ' ').replace('_', ' ');
            return s.toUpperCase(java.util.Locale.ROOT);
        }
        Object labels = map.get("Labels");
        if (labels instanceof Map<?, ?> l && l.get(s) instanceof String v) {
            return v;
        }
        return "";
    }

    /** An argument to a function (Go's evalArg for an interface{} parameter). */
    private Object evalArg(Object dot, Node n) throws TemplateException {
        at = n;
        Object v;
        if (n instanceof Node.Dot) {
            v = dot;
        } else if (n instanceof Node.Nil) {
            v = null;
        } else if (n instanceof Node.Field f) {
            v = evalFieldChain(dot, dot, f.idents(), 0, null, MISSING);
        } else if (n instanceof Node.Variable var) {
            v = evalVariable(dot, var, null, MISSING);
        } else if (n instanceof Node.Pipe p) {
            v = evalPipeline(dot, p);
        } else if (n instanceof Node.Identifier id) {
            v = evalFunction(dot, id, id, null, MISSING);
        } else if (n instanceof Node.Chain c) {
            v = evalChain(dot, c, null, MISSING);
        } else if (n instanceof Node.Bool b) {
            v = b.value();
        } else if (n instanceof Node.Num num) {
            v = num.value();
        } else if (n instanceof Node.Str s) {
            v = s.value();
        } else {
            throw error("can't handle " + Node.toString(n) + " for arg");
        }
        return v == NO_VALUE ? null : v;
    }

    private Object evalFunction(Object dot, Node.Identifier id, Node cmd, List<Node> args, Object fin)
            throws TemplateException {
        at = id;
        String name = id.name();
        int given = (args == null ? 0 : args.size() - 1) + (fin != MISSING ? 1 : 0);
        int min = Funcs.minArgs(name);
        boolean variadic = Funcs.variadic(name);
        if (variadic ? given < min : given != min) {
            throw error("wrong number of args for " + name + ": want " + (variadic ? "at least " : "")
                    + min + " got " + given);
        }
        if (name.equals("and") || name.equals("or")) {
            boolean or = name.equals("or");
            Object v = null;
            for (int k = 1; args != null && k < args.size(); k++) {
                v = evalArg(dot, args.get(k));
                if (Funcs.truth(v) == or) {
                    return v;
                }
            }
            if (fin != MISSING) {
                v = fin == NO_VALUE ? null : fin;
            }
            return v;
        }
        List<Object> values = new ArrayList<>(given);
        for (int k = 1; args != null && k < args.size(); k++) {
            values.add(evalArg(dot, args.get(k)));
        }
        if (fin != MISSING) {
            values.add(fin == NO_VALUE ? null : fin);
        }
        at = cmd;
        try {
            return Funcs.call(name, values, header);
        } catch (Funcs.TypeError e) {
            // Go reports a parameter of the wrong type at the argument that gave it.
            if (args != null && e.arg + 1 < args.size()) {
                at = args.get(e.arg + 1);
            }
            throw error(e.getMessage());
        } catch (Funcs.CallError e) {
            throw error("error calling " + name + ": " + e.getMessage());
        }
    }
}
