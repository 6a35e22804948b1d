package dev.hull.engine.container;

import dev.hull.engine.EngineException;
import dev.hull.spec.json.Json;
import dev.hull.spec.json.JsonException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code --security-opt seccomp=FILE}: a profile in Docker's format (or plain OCI
 * {@code linux.seccomp}) turned into the OCI form for this host, as moby's seccomp.LoadProfile does:
 * {@code archMap} gives the host architecture and its sub-architectures, and a rule whose
 * {@code includes}/{@code excludes} (capabilities, architectures, minKernel) does not hold for this
 * container is left out.
 */
public final class SeccompProfiles {
    private SeccompProfiles() {}

    public static Map<String, Object> load(Path file, List<String> caps) throws EngineException {
        Object parsed;
        try {
            parsed = Json.parse(Files.readAllBytes(file));
        } catch (IOException e) {
            throw new EngineException("--security-opt seccomp=" + file + ": opening seccomp profile (" + file
                    + ") failed: " + e.getMessage());
        } catch (JsonException e) {
            throw new EngineException("--security-opt seccomp=" + file + ": decoding seccomp profile failed: "
                    + e.getMessage());
        }
        if (!(parsed instanceof Map<?, ?> p) || !(p.get("defaultAction") instanceof String)) {
            throw new EngineException("--security-opt seccomp=" + file + ": not a seccomp profile (no defaultAction)");
        }
        String arch = hostArch();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("defaultAction", p.get("defaultAction"));
        if (p.get("defaultErrnoRet") != null) {
            out.put("defaultErrnoRet", p.get("defaultErrnoRet"));
        }
        List<Object> arches = new ArrayList<>();
        if (p.get("archMap") instanceof List<?> archMap) {
            for (Object o : archMap) {
                Map<?, ?> a = (Map<?, ?>) o;
                if (arch.equals(a.get("architecture"))) {
                    arches.add(arch);
                    if (a.get("subArchitectures") instanceof List<?> subs) {
                        arches.addAll(subs);
                    }
                }
            }
        } else if (p.get("architectures") instanceof List<?> l) {
            arches.addAll(l);
        }
        if (!arches.isEmpty()) {
            out.put("architectures", arches);
        }
        for (String k : new String[] {"flags", "listenerPath", "listenerMetadata"}) {
            if (p.get(k) != null) {
                out.put(k, p.get(k));
            }
        }
        List<Object> syscalls = new ArrayList<>();
        if (p.get("syscalls") instanceof List<?> l) {
            for (Object o : l) {
                Map<?, ?> s = (Map<?, ?>) o;
                if (!applies(s.get("includes"), caps, arch, true) || !applies(s.get("excludes"), caps, arch, false)) {
                    continue;
                }
                Map<String, Object> r = new LinkedHashMap<>();
                List<Object> names = new ArrayList<>();
                if (s.get("names") instanceof List<?> n) {
                    names.addAll(n);
                }
                if (s.get("name") instanceof String n) {
                    names.add(n);
                }
                r.put("names", names);
                r.put("action", s.get("action"));
                if (s.get("errnoRet") != null) {
                    r.put("errnoRet", s.get("errnoRet"));
                }
                if (s.get("args") instanceof List<?> a && !a.isEmpty()) {
                    r.put("args", a);
                }
                syscalls.add(r);
            }
        }
        out.put("syscalls", syscalls);
        return out;
    }

    /** Does a Docker includes (all must hold) or excludes (none may hold) filter let the rule in? */
    private static boolean applies(Object filter, List<String> caps, String arch, boolean include) {
        if (!(filter instanceof Map<?, ?> f) || f.isEmpty()) {
            return true;
        }
        boolean any = false, all = true;
        if (f.get("caps") instanceof List<?> l) {
            for (Object c : l) {
                boolean has = caps.contains(c);
                any |= has;
                all &= has;
            }
        }
        if (f.get("arches") instanceof List<?> l && !l.isEmpty()) {
            boolean has = l.contains(goArch()); // Go's names here ("amd64"), as moby compares GOARCH
            any |= has;
            all &= has;
        }
        if (f.get("minKernel") instanceof String k && !k.isEmpty()) {
            boolean has = kernelAtLeast(k);
            any |= has;
            all &= has;
        }
        return include ? all : !any;
    }

    private static boolean kernelAtLeast(String min) {
        try {
            String rel = Files.readString(Path.of("/proc/sys/kernel/osrelease")).trim();
            String[] a = rel.split("[.-]"), b = min.split("\\.");
            for (int i = 0; i < b.length; i++) {
                int x = i < a.length ? Integer.parseInt(a[i]) : 0, y = Integer.parseInt(b[i]);
                if (x != y) {
                    return x > y;
                }
            }
            return true;
        } catch (IOException | NumberFormatException e) {
            return true;
        }
    }

    /** This host's architecture as Go names it (runtime.GOARCH). */
    private static String goArch() {
        return switch (System.getProperty("os.arch")) {
            case "amd64", "x86_64" -> "amd64";
            case "aarch64" -> "arm64";
            case "x86", "i386" -> "386";
            default -> System.getProperty("os.arch");
        };
    }

    private static String hostArch() {
        String a = System.getProperty("os.arch");
        return switch (a) {
            case "amd64", "x86_64" -> "SCMP_ARCH_X86_64";
            case "aarch64" -> "SCMP_ARCH_AARCH64";
            case "ppc64le" -> "SCMP_ARCH_PPC64LE";
            case "s390x" -> "SCMP_ARCH_S390X";
            case "riscv64" -> "SCMP_ARCH_RISCV64";
            default -> "SCMP_ARCH_" + a.toUpperCase(java.util.Locale.ROOT);
        };
    }
}
