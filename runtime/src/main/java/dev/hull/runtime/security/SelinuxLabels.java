package dev.hull.runtime.security;

/** SELinux labels in mount data, as go-selinux's label.FormatMountLabel writes them for runc. */
public final class SelinuxLabels {
    private SelinuxLabels() {}

    /** {@code data} with {@code context="<label>"} appended (the label quoted, as Go's %q does). */
    public static String formatMountLabel(String data, String label) {
        if (label == null || label.isEmpty()) {
            return data;
        }
        String context = "context=\"" + label + "\"";
        return data == null || data.isEmpty() ? context : data + "," + context;
    }
}
