package dev.hull.runtime.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * conformance/clauses.tsv (the runtime-spec's MUST clauses and the test of each) stays true to
 * the code: every row has five fields and a unique id, and every test it names exists.
 */
class ClausesTsvTest {
    private static final Pattern TEST = Pattern.compile("\\b([A-Z]\\w*IT)\\.(\\w+|\\*)");

    private static List<String[]> rows() throws IOException {
        try (InputStream in = ClausesTsvTest.class.getResourceAsStream("/conformance/clauses.tsv")) {
            assertNotNull(in, "conformance/clauses.tsv missing");
            String[] lines = new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n");
            assertEquals("id\tfile\tsection\tclause\ttest", lines[0]);
            List<String[]> out = new ArrayList<>();
            for (int i = 1; i < lines.length; i++) {
                String[] f = lines[i].split("\t", -1);
                assertEquals(5, f.length, "line " + (i + 1) + ": " + lines[i]);
                out.add(f);
            }
            return out;
        }
    }

    @Test
    void everyRowHasAUniqueIdAFileAndATestOrAReason() throws IOException {
        Set<String> ids = new HashSet<>();
        for (String[] f : rows()) {
            assertTrue(ids.add(f[0]), "duplicate id " + f[0]);
            assertTrue(Set.of("runtime.md", "config.md", "config-linux.md").contains(f[1]), f[0]);
            assertFalse(f[3].isBlank(), f[0] + ": no clause");
            assertTrue(TEST.matcher(f[4]).find() || f[4].startsWith("not covered"),
                    f[0] + ": neither a test nor \"not covered: reason\": " + f[4]);
        }
    }

    @Test
    void everyNamedTestExists() throws Exception {
        for (String[] f : rows()) {
            Matcher m = TEST.matcher(f[4]);
            while (m.find()) {
                Class<?> c = Class.forName("dev.hull.runtime.it." + m.group(1));
                boolean found = m.group(2).equals("*"); // the whole class
                for (Method method : c.getDeclaredMethods()) {
                    found |= method.getName().equals(m.group(2));
                }
                assertTrue(found, f[0] + ": " + m.group() + " does not exist");
            }
        }
    }
}
