package dev.hull.engine.container;

import dev.hull.engine.EngineException;
import java.util.concurrent.ThreadLocalRandom;

/** Docker-style generated names, {@code adjective_surname}, unique among this store's containers. */
final class Names {
    private static final String[] LEFT = {"admiring", "bold", "brave", "busy", "calm", "clever", "eager", "elegant",
        "focused", "gallant", "happy", "jolly", "keen", "kind", "laughing", "lucid", "modest", "nifty", "quirky",
        "serene", "sharp", "stoic", "tender", "vibrant", "wizardly", "zealous"};
    private static final String[] RIGHT = {"agnesi", "babbage", "curie", "dijkstra", "euclid", "fermi", "gauss",
        "hopper", "kepler", "knuth", "lamport", "lovelace", "mccarthy", "noether", "pascal", "ritchie", "shannon",
        "thompson", "torvalds", "turing", "wozniak"};

    private Names() {}

    static String generate(ContainerStore store) throws EngineException {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        java.util.Set<String> used = new java.util.HashSet<>();
        for (Container c : store.all()) {
            used.add(c.name());
        }
        for (int i = 0; ; i++) {
            String n = LEFT[r.nextInt(LEFT.length)] + "_" + RIGHT[r.nextInt(RIGHT.length)] + (i < 10 ? "" : "" + i);
            if (!used.contains(n)) {
                return n;
            }
        }
    }
}
