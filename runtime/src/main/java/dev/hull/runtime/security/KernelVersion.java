package dev.hull.runtime.security;

/** A kernel's major.minor, read from a release string such as "6.1.0-18-amd64" or "4.8". */
public record KernelVersion(int major, int minor) {

    public static KernelVersion parse(String release) {
        int dot = release.indexOf('.');
        if (dot > 0) {
            int end = dot + 1;
            while (end < release.length() && Character.isDigit(release.charAt(end))) {
                end++;
            }
            if (end > dot + 1) {
                try {
                    return new KernelVersion(Integer.parseInt(release.substring(0, dot)),
                            Integer.parseInt(release.substring(dot + 1, end)));
                } catch (NumberFormatException e) {
                    // reported below
                }
            }
        }
        throw new IllegalArgumentException("kernel version: cannot read major.minor from \"" + release + "\"");
    }

    public boolean atLeast(KernelVersion other) {
        return major != other.major ? major > other.major : minor >= other.minor;
    }
}
