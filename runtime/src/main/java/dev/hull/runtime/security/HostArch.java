package dev.hull.runtime.security;

/**
 * Architecture names as the profile spells them: the kernel's {@code uname -m} names, with the
 * aliases other tools use (Java's {@code os.arch}, Go's GOARCH) mapped onto them.
 */
public final class HostArch {
    private HostArch() {}

    public static String normalise(String arch) {
        return switch (arch) {
            case "x86_64", "amd64" -> "x86_64";
            case "x86", "i386", "i486", "i586", "i686", "386" -> "x86";
            case "aarch64", "arm64" -> "aarch64";
            case "arm", "armv6l", "armv7l", "armv8l" -> "arm";
            case "ppc64le", "ppc64el" -> "ppc64le";
            case "s390x" -> "s390x";
            case "riscv64" -> "riscv64";
            case "mips64" -> "mips64";
            case "mips64el", "mips64le" -> "mips64el";
            case "loongarch64", "loong64" -> "loongarch64";
            default -> arch;
        };
    }

    /** This JVM's host (a 64-bit JVM reports the host's own architecture). */
    public static String current() {
        return normalise(System.getProperty("os.arch"));
    }
}
