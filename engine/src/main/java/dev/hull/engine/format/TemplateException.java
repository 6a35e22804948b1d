package dev.hull.engine.format;

/**
 * A template that does not parse, or fails while it runs. The message is one line in the shape
 * Go's text/template uses, which is what Docker users see after "template parsing error: ":
 * {@code template: :1: function "foo" not defined} when parsing, and
 * {@code template: :1:8: executing "" at <.State.Foo>: can't evaluate field Foo in type string}
 * when running.
 */
public final class TemplateException extends Exception {
    private static final long serialVersionUID = 1L;

    private final int line;
    private final int column;

    TemplateException(String message, int line, int column) {
        super(message);
        this.line = line;
        this.column = column;
    }

    /** 1-based line of the offending token or node. */
    public int line() {
        return line;
    }

    /** 0-based byte column within the line as Go counts it (UTF-8), or -1 for parse errors. */
    public int column() {
        return column;
    }
}
