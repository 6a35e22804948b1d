package dev.hull.engine.format;

import java.util.ArrayList;
import java.util.List;

/**
 * Go's text/tabwriter for the configuration Docker uses, {@code NewWriter(out, minwidth, 1,
 * padding, ' ', 0)}: tab-terminated cells are aligned in columns, a column block being the run of
 * consecutive lines that have a cell in that column; the last cell of a line is not part of any
 * column. Widths count code points (Go counts runes).
 */
final class TabWriter {
    private TabWriter() {
    }

    static String format(String text, int minWidth, int padding) {
        List<List<String>> lines = new ArrayList<>();
        int start = 0;
        while (true) {
            int nl = text.indexOf('\n', start);
            String line = nl < 0 ? text.substring(start) : text.substring(start, nl);
            List<String> cells = new ArrayList<>();
            int cs = 0;
            while (true) {
                int tab = line.indexOf('\t', cs);
                if (tab < 0) {
                    cells.add(line.substring(cs));
                    break;
                }
                cells.add(line.substring(cs, tab));
                cs = tab + 1;
            }
            lines.add(cells);
            if (nl < 0) {
                break;
            }
            start = nl + 1;
        }
        StringBuilder out = new StringBuilder(text.length() + 64);
        List<Integer> widths = new ArrayList<>();
        formatBlock(out, lines, widths, 0, lines.size(), minWidth, padding);
        return out.toString();
    }

    private static int width(String s) {
        return s.codePointCount(0, s.length());
    }

    private static void formatBlock(StringBuilder out, List<List<String>> lines, List<Integer> widths,
            int line0, int line1, int minWidth, int padding) {
        int column = widths.size();
        for (int t = line0; t < line1; t++) {
            if (column >= lines.get(t).size() - 1) {
                continue;
            }
            writeLines(out, lines, widths, line0, t);
            line0 = t;
            int w = minWidth;
            for (; t < line1; t++) {
                List<String> line = lines.get(t);
                if (column >= line.size() - 1) {
                    break;
                }
                int cw = width(line.get(column)) + padding;
                if (cw > w) {
                    w = cw;
                }
            }
            widths.add(w);
            formatBlock(out, lines, widths, line0, t, minWidth, padding);
            widths.remove(widths.size() - 1);
            line0 = t;
            t--; // the for loop's t++ must not skip line t
        }
        writeLines(out, lines, widths, line0, line1);
    }

    private static void writeLines(StringBuilder out, List<List<String>> lines, List<Integer> widths,
            int line0, int line1) {
        for (int i = line0; i < line1; i++) {
            List<String> line = lines.get(i);
            for (int j = 0; j < line.size(); j++) {
                String c = line.get(j);
                out.append(c);
                if (j < widths.size()) {
                    GoFmt.repeat(out, ' ', widths.get(j) - width(c));
                }
            }
            if (i + 1 < lines.size()) {
                out.append('\n');
            }
        }
    }
}
