package dev.hull.engine.container;

import dev.hull.engine.EngineException;

/**
 * Docker's --detach-keys: a comma-separated key sequence ("ctrl-p,ctrl-q", the default; "ctrl-a"
 * to "ctrl-z", "ctrl-[", "ctrl-\", "ctrl-]", "ctrl-^", "ctrl-_", or single characters), as the
 * bytes a terminal sends for them.
 */
public final class DetachKeys {
    public static final String DEFAULT = "ctrl-p,ctrl-q";

    private DetachKeys() {}

    public static String bytes(String keys) throws EngineException {
        if (keys == null || keys.isEmpty()) {
            keys = DEFAULT;
        }
        StringBuilder out = new StringBuilder();
        for (String k : keys.split(",", -1)) {
            String lower = k.toLowerCase(java.util.Locale.ROOT);
            if (lower.length() == 6 && lower.startsWith("ctrl-")) {
                char c = lower.charAt(5);
                if (c >= 'a' && c <= 'z') {
                    out.append((char) (c - 'a' + 1));
                    continue;
                }
                int i = "[\\]^_".indexOf(c);
                if (i >= 0) {
                    out.append((char) (27 + i));
                    continue;
                }
            } else if (k.length() == 1 && k.charAt(0) > 0 && k.charAt(0) < 128) {
                out.append(k.charAt(0));
                continue;
            }
            throw new EngineException("Invalid detach keys (" + keys + ") provided");
        }
        return out.toString();
    }
}
