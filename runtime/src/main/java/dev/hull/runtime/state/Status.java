package dev.hull.runtime.state;

/** The OCI container states (runtime.md, "State"). */
public enum Status {
    CREATING, CREATED, RUNNING, PAUSED, STOPPED;

    /** "created", as the spec writes it. */
    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
