package dev.hull.engine.format;

import java.util.List;

/**
 * The parse tree, shaped like Go's text/template/parse nodes. {@code pos} is the UTF-16 index of
 * the node in the template text (turned into Go's line:byte-column only for error messages).
 * {@link #str} rebuilds the source form Go prints in "executing ... at <...>".
 */
sealed interface Node {
    int pos();

    /** Source form as Go's Node.String(). */
    void str(StringBuilder sb);

    static String toString(Node n) {
        StringBuilder sb = new StringBuilder();
        n.str(sb);
        return sb.toString();
    }

    static void strList(StringBuilder sb, List<Node> nodes) {
        for (int i = 0; i < nodes.size(); i++) {
            nodes.get(i).str(sb);
        }
    }

    record Text(int pos, String text) implements Node {
        public void str(StringBuilder sb) {
            sb.append(text);
        }
    }

    record Action(int pos, Pipe pipe) implements Node {
        public void str(StringBuilder sb) {
            sb.append("{{");
            pipe.str(sb);
            sb.append("}}");
        }
    }

    /** {@code if} or, with {@code with == true}, {@code with}; else-if chains nest in elseList. */
    record If(int pos, boolean with, Pipe pipe, List<Node> list, List<Node> elseList) implements Node {
        public void str(StringBuilder sb) {
            sb.append(with ? "{{with " : "{{if ");
            pipe.str(sb);
            sb.append("}}");
            Node.strList(sb, list);
            if (elseList != null) {
                sb.append("{{else}}");
                Node.strList(sb, elseList);
            }
            sb.append("{{end}}");
        }
    }

    record Range(int pos, Pipe pipe, List<Node> list, List<Node> elseList) implements Node {
        public void str(StringBuilder sb) {
            sb.append("{{range ");
            pipe.str(sb);
            sb.append("}}");
            Node.strList(sb, list);
            if (elseList != null) {
                sb.append("{{else}}");
                Node.strList(sb, elseList);
            }
            sb.append("{{end}}");
        }
    }

    record Break(int pos) implements Node {
        public void str(StringBuilder sb) {
            sb.append("{{break}}");
        }
    }

    record Continue(int pos) implements Node {
        public void str(StringBuilder sb) {
            sb.append("{{continue}}");
        }
    }

    /** A pipeline; {@code decl} holds variable names ("$x") declared ({@code :=}) or assigned. */
    record Pipe(int pos, boolean assign, List<String> decl, List<Command> cmds) implements Node {
        public void str(StringBuilder sb) {
            if (!decl.isEmpty()) {
                for (int i = 0; i < decl.size(); i++) {
                    if (i > 0) {
                        sb.append(", ");
                    }
                    sb.append(decl.get(i));
                }
                sb.append(assign ? " = " : " := ");
            }
            for (int i = 0; i < cmds.size(); i++) {
                if (i > 0) {
                    sb.append(" | ");
                }
                cmds.get(i).str(sb);
            }
        }
    }

    record Command(int pos, List<Node> args) implements Node {
        public void str(StringBuilder sb) {
            for (int i = 0; i < args.size(); i++) {
                if (i > 0) {
                    sb.append(' ');
                }
                Node a = args.get(i);
                if (a instanceof Pipe) {
                    sb.append('(');
                    a.str(sb);
                    sb.append(')');
                } else {
                    a.str(sb);
                }
            }
        }
    }

    /** {@code .A.B.C}: idents A, B, C. */
    record Field(int pos, List<String> idents) implements Node {
        public void str(StringBuilder sb) {
            for (int i = 0; i < idents.size(); i++) {
                sb.append('.').append(idents.get(i));
            }
        }
    }

    /** {@code $x.A.B}: idents "$x", A, B. */
    record Variable(int pos, List<String> idents) implements Node {
        public void str(StringBuilder sb) {
            for (int i = 0; i < idents.size(); i++) {
                if (i > 0) {
                    sb.append('.');
                }
                sb.append(idents.get(i));
            }
        }
    }

    /** {@code (pipeline).A.B}. */
    record Chain(int pos, Node node, List<String> fields) implements Node {
        public void str(StringBuilder sb) {
            if (node instanceof Pipe) {
                sb.append('(');
                node.str(sb);
                sb.append(')');
            } else {
                node.str(sb);
            }
            for (int i = 0; i < fields.size(); i++) {
                sb.append('.').append(fields.get(i));
            }
        }
    }

    /** A function name. */
    record Identifier(int pos, String name) implements Node {
        public void str(StringBuilder sb) {
            sb.append(name);
        }
    }

    record Dot(int pos) implements Node {
        public void str(StringBuilder sb) {
            sb.append('.');
        }
    }

    record Nil(int pos) implements Node {
        public void str(StringBuilder sb) {
            sb.append("nil");
        }
    }

    record Bool(int pos, boolean value) implements Node {
        public void str(StringBuilder sb) {
            sb.append(value);
        }
    }

    /** A number or character constant: value is a Long or a Double. */
    record Num(int pos, String text, Object value) implements Node {
        public void str(StringBuilder sb) {
            sb.append(text);
        }
    }

    record Str(int pos, String quoted, String value) implements Node {
        public void str(StringBuilder sb) {
            sb.append(quoted);
        }
    }
}
