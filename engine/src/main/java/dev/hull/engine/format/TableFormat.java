package dev.hull.engine.format;

import java.util.Map;

/**
 * A {@code --format} value as Docker's CLI formatter (cli/command/formatter) handles it.
 *
 * <ul>
 *   <li>A format starting with {@code table} is a table: the word is removed, the rest trimmed of
 *       spaces, and the output is a header row followed by one row per item, aligned by Go's
 *       tabwriter with Docker's settings (minwidth 10, tabwidth 1, padding 3, padchar ' ').
 *   <li>Any format has the two-character escapes {@code \t} and {@code \n} replaced by a tab and
 *       a newline (shells pass them literally), and each item's output is followed by a newline.
 * </ul>
 *
 * <p>The header row is the same template executed against {@code headers} (e.g. {@code ID ->
 * "CONTAINER ID"}) with Docker's HeaderFunctions, which return their argument unchanged (so
 * {@code {{upper .Names}}} heads its column "NAMES"); a field missing from {@code headers} is
 * headed by its name upper-cased, and {@code .Label "com.x.name"} by "NAME" as Docker does. An
 * error in the header is ignored, keeping what was printed, again as Docker does.
 *
 * <pre>{@code
 * TableFormat f = TableFormat.parse("table {{.ID}}\t{{.Names}}", Map.of("ID", "CONTAINER ID"));
 * for (Object c : containers) f.add(c);
 * System.out.print(f.output());
 * }</pre>
 *
 * Not thread-safe: one instance collects one listing.
 */
public final class TableFormat {
    /** Docker: tabwriter.NewWriter(out, 10, 1, 3, ' ', 0). */
    static final int MIN_WIDTH = 10;
    static final int PADDING = 3;

    private final boolean table;
    private final GoTemplate template;
    private final Map<String, ?> headers;
    private final StringBuilder rows = new StringBuilder(256);

    private TableFormat(boolean table, GoTemplate template, Map<String, ?> headers) {
        this.table = table;
        this.template = template;
        this.headers = headers;
    }

    /** Whether Docker treats this format as a table (it starts with "table"). */
    public static boolean isTable(String format) {
        return format.startsWith("table");
    }

    /**
     * Parses a {@code --format} value; {@code headers} maps field names to column headers (may
     * be empty; not copied).
     */
    public static TableFormat parse(String format, Map<String, ?> headers) throws TemplateException {
        boolean table = isTable(format);
        String f = table ? format.substring(5) : format;
        f = unescape(trimSpaces(f));
        return new TableFormat(table, GoTemplate.parse(f), headers);
    }

    public boolean isTable() {
        return table;
    }

    /** The template rows are rendered with (after Docker's pre-formatting). */
    public GoTemplate template() {
        return template;
    }

    /** Renders one item as a row (followed by a newline). */
    public void add(Object item) throws TemplateException {
        template.render(item, rows);
        rows.append('\n');
    }

    /** The header (for tables) and the rows added so far, aligned if a table. */
    public String output() {
        if (!table) {
            return rows.toString();
        }
        StringBuilder all = new StringBuilder(rows.length() + 128);
        try {
            template.renderHeader(headers, all);
        } catch (TemplateException e) {
            // Docker ignores errors executing the header, keeping the partial output.
        }
        all.append('\n').append(rows);
        return TabWriter.format(all.toString(), MIN_WIDTH, PADDING);
    }

    /** strings.Trim(s, " "). */
    private static String trimSpaces(String s) {
        int a = 0;
        int b = s.length();
        while (a < b && s.charAt(a) == ' ') {
            a++;
        }
        while (b > a && s.charAt(b - 1) == ' ') {
            b--;
        }
        return s.substring(a, b);
    }

    /** strings.NewReplacer(`\t`, "\t", `\n`, "\n"). */
    private static String unescape(String s) {
        if (s.indexOf('\\') < 0) {
            return s;
        }
        StringBuilder sb = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && i + 1 < s.length() && (s.charAt(i + 1) == 't' || s.charAt(i + 1) == 'n')) {
                sb.append(s.charAt(i + 1) == 't' ? '\t' : '\n');
                i++;
            } else {
                sb.append(c);
            }
        }
        return sb.toString();
    }
}
