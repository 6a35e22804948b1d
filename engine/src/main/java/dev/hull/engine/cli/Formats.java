package dev.hull.engine.cli;

import dev.hull.engine.EngineException;
import dev.hull.engine.format.GoTemplate;
import dev.hull.engine.format.TableFormat;
import dev.hull.engine.format.TemplateException;
import java.io.PrintStream;
import java.util.List;
import java.util.Map;

/**
 * {@code --format}: a Go template rendered once per object; {@code table TEMPLATE} adds a header
 * row (the template rendered over the column names) and aligns the columns; {@code json} prints
 * each object as one JSON line.
 */
public final class Formats {
    private Formats() {}

    public static void print(String format, List<? extends Map<String, Object>> rows, Map<String, Object> headers,
                             PrintStream out) throws EngineException {
        try {
            if (format.equals("json")) {
                for (Map<String, Object> r : rows) {
                    out.println(dev.hull.spec.json.Json.write(r));
                }
                return;
            }
            TableFormat t = TableFormat.parse(format, headers);
            for (Map<String, Object> r : rows) {
                t.add(r);
            }
            out.print(t.output());
        } catch (TemplateException e) {
            throw new EngineException("--format: " + e.getMessage());
        }
    }

    /** One object, as {@code inspect --format} renders it. */
    public static String render(String format, Object data) throws EngineException {
        try {
            return GoTemplate.parse(unescape(format)).render(data);
        } catch (TemplateException e) {
            throw new EngineException("--format: " + e.getMessage());
        }
    }

    /** Docker's formatter turns the two characters \t into a tab (users type them in shells). */
    private static String unescape(String s) {
        return s.replace("\\t", "\t").replace("\\n", "\n");
    }
}
