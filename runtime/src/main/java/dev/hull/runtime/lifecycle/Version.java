package dev.hull.runtime.lifecycle;

/** The runtime's version, printed by --version and announced in features. */
public final class Version {
    public static final String VERSION = "0.1.0";

    private Version() {}
}
