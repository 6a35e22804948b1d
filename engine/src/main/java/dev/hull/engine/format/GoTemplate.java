package dev.hull.engine.format;

import java.util.List;

/**
 * The subset of Go's text/template that Docker users pass to {@code --format}, over JSON-shaped
 * data (Map/List/String/Long/Double/Boolean/null as {@code dev.hull.spec.json.Json} reads it).
 *
 * <p>Supported: text and actions with trim markers and comments; {@code .}, {@code $},
 * {@code .A.B} field chains, {@code $x.A}, {@code (pipeline).A}; pipelines with {@code |};
 * {@code $x := ...} and {@code $x = ...}; string ("..." and raw), character, number, bool and nil
 * constants; {@code if/else if/else}, {@code with/else with/else}, {@code range} over lists, maps
 * (sorted keys) and integers with {@code else}, {@code $i, $e :=}, {@code break},
 * {@code continue}; Go's builtins (and or not len index slice print printf println html js
 * urlquery eq ne lt le gt ge) and Docker's (json split join title lower upper pad truncate).
 * Not supported: define, template, block, call (no functions in the data), methods.
 *
 * <p>Output follows Go: values print as fmt's %v, a missing map key (or a null) as
 * {@code <no value>}; errors have Go's messages and positions. A parsed template is immutable and
 * may be rendered from several threads.
 */
public final class GoTemplate {
    private final String text;
    private final List<Node> root;
    private final boolean missingKeyError;

    private GoTemplate(String text, List<Node> root, boolean missingKeyError) {
        this.text = text;
        this.root = root;
        this.missingKeyError = missingKeyError;
    }

    /** Parses a template; a syntax error is reported as Go does: {@code template: :1: ...}. */
    public static GoTemplate parse(String text) throws TemplateException {
        return new GoTemplate(text, Parser.parse(text), false);
    }

    /**
     * The same template with Go's {@code missingkey=error} option, as {@code docker inspect} uses
     * when it falls back to the raw JSON: a missing map key is an error rather than
     * {@code <no value>}.
     */
    public GoTemplate withMissingKeyError() {
        return new GoTemplate(text, root, true);
    }

    /** The template's source text. */
    public String text() {
        return text;
    }

    /** Executes the template with {@code data} as dot and {@code $}. */
    public String render(Object data) throws TemplateException {
        StringBuilder sb = new StringBuilder(64);
        render(data, sb);
        return sb.toString();
    }

    /**
     * Executes into {@code out}. On error, what was written before the failing action stays in
     * {@code out}, as Go's Execute leaves it in its writer.
     */
    public void render(Object data, StringBuilder out) throws TemplateException {
        new Exec(text, out, data, missingKeyError, false).run(root);
    }

    /** Header mode for {@link TableFormat}: Docker's HeaderFunctions, unknown fields upper-cased. */
    void renderHeader(Object headers, StringBuilder out) throws TemplateException {
        new Exec(text, out, headers, false, true).run(root);
    }
}
