package dev.hull.engine.cli;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

/**
 * Columns as Docker prints them (Go's tabwriter with minwidth 20, padding 3): each cell but the last
 * of a row is padded to the widest cell of its column plus 3, and at least 20.
 */
public final class Table {
    private final List<String[]> rows = new ArrayList<>();

    public void add(String... cells) {
        rows.add(cells);
    }

    /** Rows of tab-separated text (the output of a {@code table} template). */
    public void addTabbed(String line) {
        rows.add(line.split("\t", -1));
    }

    public void print(PrintStream out) {
        int cols = 0;
        for (String[] r : rows) {
            cols = Math.max(cols, r.length);
        }
        int[] width = new int[cols];
        for (String[] r : rows) {
            for (int i = 0; i < r.length - 1; i++) {
                width[i] = Math.max(width[i], Math.max(20, r[i].length() + 3));
            }
        }
        StringBuilder b = new StringBuilder();
        for (String[] r : rows) {
            b.setLength(0);
            for (int i = 0; i < r.length; i++) {
                b.append(r[i]);
                if (i < r.length - 1) {
                    for (int k = r[i].length(); k < width[i]; k++) {
                        b.append(' ');
                    }
                }
            }
            int end = b.length();
            while (end > 0 && b.charAt(end - 1) == ' ') {
                end--;
            }
            b.setLength(end);
            out.println(b);
        }
    }
}
