package dev.hull.cgroups;

/** The three kinds of hosts: v1 controllers only, v2 only, or v1 controllers beside an empty v2 tree. */
public enum CgroupMode {
    V1, V2, HYBRID;

    public String label() {
        return switch (this) {
            case V1 -> "v1";
            case V2 -> "v2";
            case HYBRID -> "hybrid";
        };
    }
}
