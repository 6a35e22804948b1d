package dev.hull.engine.format;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Expected outputs are what `docker ps --format ...` prints for the same rows. */
class TableFormatTest {

    static final Map<String, String> HEADERS = Map.of("ID", "CONTAINER ID", "Names", "NAMES",
            "Image", "IMAGE", "Status", "STATUS");

    static Map<String, Object> row(String id, String names, String image, String status) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("ID", id);
        m.put("Names", names);
        m.put("Image", image);
        m.put("Status", status);
        Map<String, Object> labels = new LinkedHashMap<>();
        labels.put("com.docker.compose.project", "shop");
        m.put("Labels", labels);
        return m;
    }

    static final List<Map<String, Object>> ROWS = List.of(
            row("4f2a9c1b2d3e", "web", "nginx:1.27", "Up 2 hours"),
            row("a1b2c3d4e5f6", "db-primary", "postgres:16", "Exited (0) 3 days ago"));

    static String format(String format) throws TemplateException {
        TableFormat f = TableFormat.parse(format, HEADERS);
        for (Map<String, Object> r : ROWS) {
            f.add(r);
        }
        return f.output();
    }

    @Test
    void tableWithHeaderAndPadding() throws Exception {
        // The shell passes \t as two characters; Docker turns it into a tab.
        assertEquals("""
                CONTAINER ID   NAMES
                4f2a9c1b2d3e   web
                a1b2c3d4e5f6   db-primary
                """, format("table {{.ID}}\\t{{.Names}}"));
    }

    @Test
    void columnsAreAtLeastTenWide() throws Exception {
        assertEquals("""
                NAMES        IMAGE         STATUS
                web          nginx:1.27    Up 2 hours
                db-primary   postgres:16   Exited (0) 3 days ago
                """, format("table {{.Names}}\t{{.Image}}\t{{.Status}}"));
        TableFormat f = TableFormat.parse("table {{.A}}\t{{.B}}", Map.of());
        f.add(Map.of("A", "x", "B", "y"));
        assertEquals("A         B\nx         y\n", f.output());
    }

    @Test
    void headerFunctionsAndLabels() throws Exception {
        assertEquals("""
                NAMES        PROJECT   CONTAINER ID
                WEB          shop      4f2a9c
                DB-PRIMARY   shop      a1b2c3
                """, format("table {{upper .Names}}\t{{.Label \"com.docker.compose.project\"}}\t"
                + "{{truncate .ID 6}}"));
    }

    @Test
    void plainFormatOneLinePerItem() throws Exception {
        TableFormat f = TableFormat.parse("{{.ID}}: {{.Names}}\\t{{.Image}}", HEADERS);
        assertFalse(f.isTable());
        for (Map<String, Object> r : ROWS) {
            f.add(r);
        }
        assertEquals("4f2a9c1b2d3e: web\tnginx:1.27\na1b2c3d4e5f6: db-primary\tpostgres:16\n", f.output());
    }

    @Test
    void emptyListingStillHasHeader() throws Exception {
        TableFormat f = TableFormat.parse("table {{.ID}}\t{{.Names}}", HEADERS);
        assertTrue(f.isTable());
        assertEquals("CONTAINER ID   NAMES\n", f.output());
    }

    @Test
    void rowErrorsSurface() throws Exception {
        TableFormat f = TableFormat.parse("table {{.ID.X}}", HEADERS);
        TemplateException e = assertThrows(TemplateException.class, () -> f.add(ROWS.get(0)));
        assertEquals("template: :1:5: executing \"\" at <.ID.X>: can't evaluate field X in type string",
                e.getMessage());
    }

    @Test
    void tabWriterBlocksEndAtLinesWithoutTheColumn() {
        assertEquals("a           b\nlong-cell   c\nno tabs here\nx         y\n",
                TabWriter.format("a\tb\nlong-cell\tc\nno tabs here\nx\ty\n", 10, 3));
        assertEquals("é         x\n", TabWriter.format("é\tx\n", 10, 3));
        assertEquals("a         b         \n", TabWriter.format("a\tb\t\n", 10, 3));
    }
}
