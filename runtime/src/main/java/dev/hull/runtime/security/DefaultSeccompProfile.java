package dev.hull.runtime.security;

import dev.hull.spec.Capabilities;
import dev.hull.spec.Seccomp;
import dev.hull.spec.json.Json;
import dev.hull.spec.json.JsonException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Hull's default seccomp profile (the resource {@code seccomp-default.json}), resolved for one
 * container into an OCI {@code linux.seccomp}: the groups whose conditions hold for the
 * container's capabilities (its bounding set, as Docker uses), the host's architecture and
 * kernel. Everything else fails with the profile's default errno (EPERM).
 *
 * <p>The result has one rule for all the unconditionally allowed names (the merged groups), then
 * one rule per group with arguments or an errno, and per value of an {@code anyOf}; a filtered
 * rule for a name the merged rule already allows is left out, as it would add nothing.
 */
public final class DefaultSeccompProfile {
    public static final String RESOURCE = "/dev/hull/security/seccomp-default.json";

    private final SeccompProfile profile;

    public DefaultSeccompProfile(SeccompProfile profile) {
        this.profile = profile;
    }

    /** The profile shipped with Hull; read once. */
    public static DefaultSeccompProfile get() {
        return Holder.INSTANCE;
    }

    private static final class Holder {
        static final DefaultSeccompProfile INSTANCE = new DefaultSeccompProfile(read());
    }

    public SeccompProfile profile() {
        return profile;
    }

    /** For a container on this host: the JVM's architecture and the running kernel. */
    public Seccomp forContainer(Collection<String> capabilities) throws IOException {
        String release = Files.readString(Path.of("/proc/sys/kernel/osrelease")).trim();
        return forContainer(capabilities, HostArch.current(), release);
    }

    /**
     * @param capabilities the container's capabilities (its bounding set), e.g. "CAP_SYS_ADMIN"
     * @param hostArch the host's architecture: "x86_64", "aarch64"... (Java's and Go's names too)
     * @param kernelRelease the kernel's release, e.g. "6.1.0-18-amd64"
     */
    public Seccomp forContainer(Collection<String> capabilities, String hostArch, String kernelRelease) {
        for (String cap : capabilities) {
            if (Capabilities.number(cap) < 0) {
                throw new IllegalArgumentException("capabilities: unknown capability " + cap);
            }
        }
        String arch = HostArch.normalise(hostArch);
        List<String> architectures = profile.architectures().get(arch);
        if (architectures == null) {
            throw new IllegalArgumentException("host architecture: the default seccomp profile does not know "
                    + hostArch + " (it knows " + profile.architectures().keySet() + ")");
        }
        KernelVersion kernel = KernelVersion.parse(kernelRelease);
        Set<String> caps = Set.copyOf(capabilities);

        List<SeccompProfile.Group> applying = new ArrayList<>();
        Set<String> allowed = new LinkedHashSet<>();
        for (SeccompProfile.Group g : profile.groups()) {
            if (!holds(g.when(), caps, arch, kernel)) {
                continue;
            }
            applying.add(g);
            if (g.errno() == null && g.args().isEmpty() && g.anyOf() == null) {
                allowed.addAll(g.syscalls());
            }
        }
        List<Seccomp.Syscall> rules = new ArrayList<>();
        if (!allowed.isEmpty()) {
            rules.add(new Seccomp.Syscall(List.copyOf(allowed), "SCMP_ACT_ALLOW", null, null));
        }
        for (SeccompProfile.Group g : applying) {
            if (g.errno() == null && g.args().isEmpty() && g.anyOf() == null) {
                continue;
            }
            List<String> names = new ArrayList<>();
            for (String n : g.syscalls()) {
                if (!allowed.contains(n)) {
                    names.add(n);
                }
            }
            if (names.isEmpty()) {
                continue;
            }
            String action = g.errno() == null ? "SCMP_ACT_ALLOW" : "SCMP_ACT_ERRNO";
            Long errnoRet = g.errno() == null ? null : (long) g.errno();
            if (g.anyOf() == null) {
                rules.add(new Seccomp.Syscall(names, action, errnoRet, g.args()));
            } else {
                SeccompProfile.AnyOf any = g.anyOf();
                for (long v : any.values()) {
                    List<Seccomp.Arg> args = new ArrayList<>(g.args());
                    args.add(new Seccomp.Arg(any.index(), v, 0, any.op()));
                    rules.add(new Seccomp.Syscall(names, action, errnoRet, args));
                }
            }
        }
        return new Seccomp("SCMP_ACT_ERRNO", (long) profile.defaultErrno(), architectures, null, null, null, rules);
    }

    static boolean holds(SeccompProfile.When w, Set<String> caps, String arch, KernelVersion kernel) {
        for (String c : w.caps()) {
            if (!caps.contains(c)) {
                return false;
            }
        }
        for (String c : w.notCaps()) {
            if (caps.contains(c)) {
                return false;
            }
        }
        if (!w.arches().isEmpty() && !w.arches().contains(arch)) {
            return false;
        }
        if (w.notArches().contains(arch)) {
            return false;
        }
        return w.minKernel() == null || kernel.atLeast(w.minKernel());
    }

    /**
     * {@link #forContainer(Collection)} as OCI JSON, kept in {@code dir}, one file per capability
     * set, host and build: resolving the profile costs ~20 ms of a fresh interpreted JVM, reading
     * the file a few. The key holds the runtime jar's size and time, so a rebuilt profile never meets
     * an old file, and is hashed with CRC-32 (native) rather than SHA-256 (interpreted here).
     */
    @SuppressWarnings("unchecked")
    public static java.util.Map<String, Object> cachedJson(Path dir, Collection<String> capabilities) throws IOException {
        String source;
        try {
            Path jar = Path.of(DefaultSeccompProfile.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            source = jar + "@" + Files.size(jar) + "@" + Files.getLastModifiedTime(jar).toMillis();
        } catch (java.net.URISyntaxException | RuntimeException e) {
            source = "unknown";
        }
        String release = Files.readString(Path.of("/proc/sys/kernel/osrelease")).trim();
        List<String> caps = new ArrayList<>(new java.util.TreeSet<>(capabilities));
        String key = String.join(",", caps) + "|" + HostArch.current() + "|" + release + "|" + source;
        java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        crc.update(key.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        long mask = 0;
        for (String c : caps) {
            int n = Capabilities.number(c);
            mask |= n >= 0 ? 1L << n : 0;
        }
        Path file = dir.resolve(Long.toHexString(mask) + "-" + Long.toHexString(crc.getValue()) + ".json");
        try {
            return (java.util.Map<String, Object>) Json.parse(Files.readAllBytes(file));
        } catch (java.nio.file.NoSuchFileException e) {
            // first container with this capability set: resolve and keep it
        } catch (JsonException | ClassCastException e) {
            // a damaged file: made again below
        }
        java.util.Map<String, Object> json = dev.hull.spec.SeccompJson.toJson(
                get().forContainer(capabilities, HostArch.current(), release));
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, ".profile-", ".tmp");
        Files.writeString(tmp, Json.write(json));
        Files.move(tmp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE,
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        return json;
    }

    private static SeccompProfile read() {
        try (InputStream in = DefaultSeccompProfile.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + ": missing from the class path");
            }
            return SeccompProfile.parse(Json.parse(in.readAllBytes()), "seccomp-default.json");
        } catch (IOException | JsonException e) {
            throw new IllegalStateException("seccomp-default.json: " + e.getMessage(), e);
        }
    }
}
