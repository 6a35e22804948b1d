package dev.hull.cgroups;

import dev.hull.spec.Resources;
import dev.hull.spec.SpecException;
import dev.hull.spec.SpecParser;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** linux.resources for tests, written as JSON with single quotes: {@code res("{'pids':{'limit':5}}")}. */
final class Res {
    private Res() {}

    static Resources res(String json) {
        try {
            return SpecParser.parseResources(json.replace('\'', '"').getBytes(StandardCharsets.UTF_8), "test");
        } catch (SpecException e) {
            throw new AssertionError(e.getMessage(), e);
        }
    }

    /** Collects warnings. */
    static final class Warnings implements java.util.function.Consumer<String> {
        final List<String> list = new ArrayList<>();

        @Override
        public void accept(String s) {
            list.add(s);
        }
    }
}
