package dev.hull.runtime.program;

import java.io.IOException;
import dev.hull.sys.KernelFiles;
import dev.hull.sys.LibC;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What the compiler needs to know about the host it runs on. {@code apparmor} and {@code selinux}:
 * whether those security modules are enabled, read as runc reads them. {@code landlockAbi}: the
 * kernel's Landlock ABI version or -errno, or {@link #ASK_KERNEL}: asked only when a config wants
 * Landlock, since asking costs an FFM downcall (milliseconds on a fresh JVM).
 */
public record HostFacts(int capLastCap, long boundingSet, boolean hasKcore, boolean apparmor,
                        boolean selinux, int landlockAbi) {

    public static final int ASK_KERNEL = Integer.MIN_VALUE;

    /** A host without AppArmor and SELinux, with Landlock ABI 6. */
    public HostFacts(int capLastCap, long boundingSet, boolean hasKcore) {
        this(capLastCap, boundingSet, hasKcore, false, false, 6);
    }

    /** The Landlock ABI version (or -errno), asking the kernel if it was not given. */
    public int landlockAbiNow() {
        return landlockAbi == ASK_KERNEL ? LibC.landlockAbi() : landlockAbi;
    }

    public static HostFacts probe() {
        int last = 40;
        long bnd = -1L;
        try {
            last = Integer.parseInt(KernelFiles.readTrimmed(Path.of("/proc/sys/kernel/cap_last_cap")));
        } catch (IOException | NumberFormatException e) {
            // keep the table's last capability
        }
        try {
            for (String line : KernelFiles.read(Path.of("/proc/self/status")).split("\n")) {
                if (line.startsWith("CapBnd:")) {
                    bnd = Long.parseUnsignedLong(line.substring(7).trim(), 16);
                }
            }
        } catch (IOException | NumberFormatException e) {
            // assume everything
        }
        return new HostFacts(last, bnd, Files.exists(Path.of("/proc/kcore")), apparmorEnabled(),
                selinuxEnabled(), ASK_KERNEL);
    }

    /** As runc's apparmor.IsEnabled: the module says so (securityfs need not be mounted). */
    public static boolean apparmorEnabled() {
        try {
            return KernelFiles.readTrimmed(Path.of("/sys/module/apparmor/parameters/enabled")).equals("Y");
        } catch (IOException e) {
            return false;
        }
    }

    /** As go-selinux: selinuxfs is there (a kernel with SELinux disabled does not register it). */
    public static boolean selinuxEnabled() {
        return Files.exists(Path.of("/sys/fs/selinux/enforce"));
    }
}
