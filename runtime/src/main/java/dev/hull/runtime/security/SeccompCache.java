package dev.hull.runtime.security;

import dev.hull.runtime.program.SeccompFilter;
import dev.hull.spec.Seccomp;
import dev.hull.spec.SpecException;
import dev.hull.spec.json.Json;
import dev.hull.sys.KernelFiles;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Compiled filters kept under the runtime's root ({@code <root>/@seccomp/<name>.bpf}; '@' is
 * not allowed in a container id), so that a container started with a profile seen before needs no
 * libseccomp and no FFM: creating the downcall handles costs tens of milliseconds on a fresh JVM.
 * The key covers everything the bytes depend on: the profile (in a canonical form), the machine,
 * the libseccomp build and the kernel release (which decides the flags accepted).
 *
 * <p>The file holds the whole key next to the filter, and a hit is a byte-for-byte equal key: the
 * name is only a 64-bit FNV-1a hash of it, to find the file. So no two profiles can share an
 * entry, not even by a collision someone crafted, and no cryptographic hash is needed (SHA-256
 * of a 5 kB key costs milliseconds in the interpreted CLI; this check a tenth of one). A
 * collision only makes the two profiles take turns in the file.
 * A file is written to a temporary name and renamed, so a reader sees all of it or nothing.
 */
public final class SeccompCache implements SeccompFilter.Compiler {
    public static final String DIR = "@seccomp";
    private static final int MAGIC = 0x32435348; // "HSC2": magic, notifies, flags, key length, key, filter
    private static final int HEADER = 20;

    private final Path dir;
    private final SeccompFilter.Compiler compiler;

    public SeccompCache(Path root, SeccompFilter.Compiler compiler) {
        this.dir = root.resolve(DIR);
        this.compiler = compiler;
    }

    @Override
    public SeccompFilter compile(Seccomp s) throws SpecException {
        byte[] key = key(s);
        Path file = fileOf(key);
        SeccompFilter hit = read(file, key);
        if (hit != null) {
            return hit;
        }
        SeccompFilter f = compiler.compile(s);
        write(file, key, f); // best effort: a cache that cannot be written only costs time
        sweep(file);
        return f;
    }

    /** At most this many entries: a miss (which pays for libseccomp anyway) drops the oldest. */
    static final int MAX_ENTRIES = 128;

    /**
     * After a miss: files of the earlier format ({@code <sha256>.bpf}, never read again) go, and
     * the oldest entries beyond {@link #MAX_ENTRIES} (every new profile or kernel release makes
     * one). Best effort, like the cache itself.
     */
    void sweep(Path keep) {
        List<Path> entries = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, "*.bpf")) {
            for (Path p : ds) {
                if (p.getFileName().toString().length() == 64 + 4) {
                    Files.deleteIfExists(p);
                } else if (!p.equals(keep)) {
                    entries.add(p);
                }
            }
            if (entries.size() < MAX_ENTRIES) {
                return;
            }
            Map<Path, Long> age = new HashMap<>();
            for (Path p : entries) {
                age.put(p, Files.getLastModifiedTime(p).toMillis());
            }
            entries.sort((a, b) -> Long.compare(age.get(a), age.get(b)));
            for (Path p : entries.subList(0, entries.size() - (MAX_ENTRIES - 1))) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            // the next miss tries again
        }
    }

    /** The cache file of a profile (for tests). */
    public Path fileOf(Seccomp s) {
        return fileOf(key(s));
    }

    private Path fileOf(byte[] key) {
        long h = 0xcbf29ce484222325L; // FNV-1a, 64 bits
        for (byte b : key) {
            h = (h ^ (b & 0xff)) * 0x100000001b3L;
        }
        return dir.resolve(Long.toHexString(h) + ".bpf");
    }

    /** The filter stored in file for exactly this key, or null. */
    static SeccompFilter read(Path file, byte[] key) {
        byte[] b;
        try {
            b = Files.readAllBytes(file);
        } catch (IOException e) {
            return null;
        }
        if (b.length < HEADER + key.length || (b.length - HEADER - key.length) % 8 != 0) {
            return null;
        }
        ByteBuffer bb = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        if (bb.getInt(0) != MAGIC || bb.getInt(16) != key.length
                || !Arrays.equals(b, HEADER, HEADER + key.length, key, 0, key.length)) {
            return null;
        }
        int notifies = bb.getInt(4);
        long flags = bb.getLong(8);
        byte[] bpf = Arrays.copyOfRange(b, HEADER + key.length, b.length);
        return new SeccompFilter(bpf, flags, notifies != 0);
    }

    void write(Path file, byte[] key, SeccompFilter f) {
        ByteBuffer bb = ByteBuffer.allocate(HEADER + key.length + f.bpf().length).order(ByteOrder.LITTLE_ENDIAN);
        bb.putInt(MAGIC).putInt(f.notifies() ? 1 : 0).putLong(f.flags()).putInt(key.length).put(key).put(f.bpf());
        Path tmp = dir.resolve("." + file.getFileName() + "." + ProcessHandle.current().pid() + ".tmp");
        try {
            if (!Files.isDirectory(dir)) {
                Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(
                        PosixFilePermissions.fromString("rwx------")));
            }
            Files.write(tmp, bb.array());
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException ignored) {
                // nothing more to do
            }
        }
    }

    /** The canonical profile and the host facts the bytes depend on, as UTF-8. */
    static byte[] key(Seccomp s) {
        StringBuilder b = new StringBuilder(canonical(s));
        b.append('\n').append(System.getProperty("os.arch"));
        b.append('\n').append(libseccompBuild());
        b.append('\n').append(kernelRelease());
        return b.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** Every member, in a fixed order, as JSON: two equal profiles give the same text. */
    static String canonical(Seccomp s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("defaultAction", s.defaultAction());
        m.put("defaultErrnoRet", s.defaultErrnoRet());
        m.put("architectures", s.architectures());
        m.put("flags", s.flags());
        m.put("listenerPath", s.listenerPath());
        m.put("listenerMetadata", s.listenerMetadata());
        List<Object> calls = new ArrayList<>();
        for (Seccomp.Syscall c : s.syscalls()) {
            Map<String, Object> cm = new LinkedHashMap<>();
            cm.put("names", c.names());
            cm.put("action", c.action());
            cm.put("errnoRet", c.errnoRet());
            List<Object> args = new ArrayList<>();
            for (Seccomp.Arg a : c.args()) {
                args.add(List.of((long) a.index(), a.value(), a.valueTwo(), a.op()));
            }
            cm.put("args", args);
            calls.add(cm);
        }
        m.put("syscalls", calls);
        return Json.write(m);
    }

    /** The libseccomp file the dynamic loader would pick (its name carries the version), and its size. */
    static String libseccompBuild() {
        // Debian's multiarch directory of this machine first (x86_64-linux-gnu, aarch64-linux-gnu...)
        String triplet = System.getProperty("os.arch").replace("amd64", "x86_64") + "-linux-gnu";
        String[] dirs = {"/usr/lib/" + triplet, "/lib/" + triplet, "/usr/lib64", "/lib64",
            "/usr/lib", "/usr/local/lib"};
        for (String d : dirs) {
            Path p = Path.of(d, "libseccomp.so.2");
            if (Files.exists(p)) {
                try {
                    Path real = p.toRealPath();
                    return real + " " + Files.size(real);
                } catch (IOException e) {
                    return p.toString();
                }
            }
        }
        return "none";
    }

    static String kernelRelease() {
        try {
            return KernelFiles.readTrimmed(Path.of("/proc/sys/kernel/osrelease"));
        } catch (IOException e) {
            return "unknown";
        }
    }
}
