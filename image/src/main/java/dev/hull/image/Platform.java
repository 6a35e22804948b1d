package dev.hull.image;

import java.util.Locale;

/**
 * An image platform as {@code --platform} names it: {@code OS[/ARCH[/VARIANT]]}, the architecture
 * in the OCI spelling (x86_64 is amd64, aarch64 arm64) and the host's when left out.
 */
public record Platform(String os, String architecture, String variant) {

    public static Platform host() {
        return new Platform("linux", ArchiveReader.hostArch(), null);
    }

    /** @throws IllegalArgumentException naming the flag and what is expected */
    public static Platform parse(String flag, String value) {
        String[] parts = value.toLowerCase(Locale.ROOT).split("/", -1);
        for (String p : parts) {
            if (p.isEmpty() || !p.matches("[a-z0-9_.-]+")) {
                throw new IllegalArgumentException(flag + " " + value + ": expected OS[/ARCH[/VARIANT]], such as linux/amd64");
            }
        }
        if (parts.length > 3) {
            throw new IllegalArgumentException(flag + " " + value + ": expected OS[/ARCH[/VARIANT]], such as linux/amd64");
        }
        String arch = parts.length > 1 ? normalized(parts[1]) : ArchiveReader.hostArch();
        return new Platform(parts[0], arch, parts.length > 2 ? parts[2] : null);
    }

    private static String normalized(String arch) {
        return switch (arch) {
            case "x86_64", "x86-64" -> "amd64";
            case "aarch64" -> "arm64";
            case "i386", "i686" -> "386";
            default -> arch;
        };
    }

    /** Whether an image of this os and architecture is of this platform (a variant is not compared). */
    public boolean matches(String imageOs, String imageArchitecture) {
        return os.equals(imageOs == null || imageOs.isEmpty() ? "linux" : imageOs)
                && architecture.equals(imageArchitecture == null ? "" : normalized(imageArchitecture));
    }

    @Override
    public String toString() {
        return os + "/" + architecture + (variant == null ? "" : "/" + variant);
    }
}
