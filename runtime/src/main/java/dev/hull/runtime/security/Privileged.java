package dev.hull.runtime.security;

import dev.hull.runtime.program.HostFacts;
import dev.hull.runtime.program.ProgramCompiler;
import dev.hull.spec.Capabilities;
import dev.hull.spec.Linux;
import dev.hull.spec.Mount;
import dev.hull.spec.Process;
import dev.hull.spec.Resources;
import dev.hull.spec.Spec;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * A spec made privileged as Docker's {@code --privileged} makes it: every capability the runtime
 * can give, every host device, no device cgroup restriction, no masked or read-only paths, no
 * seccomp filter, AppArmor unconfined, no SELinux label, and /sys and cgroup mounts writable.
 * The namespaces stay as they are. Unlike Docker (which asks for every capability the kernel
 * knows, and fails where the runtime's bounding set lacks one), the capabilities are those of
 * the runtime's bounding set.
 */
public final class Privileged {
    private Privileged() {}

    /** Directories of /dev that hold no host devices of their own (runc's devices.GetDevices). */
    private static final Set<String> SKIPPED_DIRS = Set.of("pts", "shm", "fd", "mqueue", ".lxc",
            ".lxd-mounts", ".udev");

    public static Spec apply(Spec spec, HostFacts host) throws IOException {
        return apply(spec, host, hostDevices(Path.of("/dev")));
    }

    /** With the given host devices (tests pass a fake /dev's). */
    public static Spec apply(Spec spec, HostFacts host, List<Linux.Device> devices) {
        List<String> caps = capabilities(host);
        Process p = spec.process();
        Process proc = p == null ? null : new Process(p.terminal(), p.consoleSize(), p.user(), p.args(),
                p.commandLine(), p.env(), p.cwd(),
                // no inheritable set: as Docker since 20.10.14 (CVE-2022-24769)
                new Process.Capabilities(caps, caps, List.of(), caps, List.of()),
                p.rlimits(), p.noNewPrivileges(), ProgramCompiler.UNCONFINED, p.oomScoreAdj(), null,
                p.ioPriority(), p.scheduler());
        Linux l = spec.linux();
        Resources r = l.resources() == null ? Resources.EMPTY : l.resources();
        Resources res = new Resources(List.of(new Resources.DeviceRule(true, null, null, null, "rwm")),
                r.memory(), r.cpu(), r.pids(), r.blockIO(), r.hugepageLimits(), r.network(), r.rdma(),
                r.unified());
        Linux linux = new Linux(l.uidMappings(), l.gidMappings(), l.timeOffsets(), l.sysctl(), res,
                l.cgroupsPath(), l.namespaces(), mergeDevices(l.devices(), devices), null,
                l.rootfsPropagation(), List.of(), List.of(), null, l.personality());
        List<Mount> mounts = new ArrayList<>();
        for (Mount m : spec.mounts()) {
            boolean sys = "sysfs".equals(m.type()) || "/sys".equals(m.destination());
            boolean cgroup = "cgroup".equals(m.type()) || "cgroup2".equals(m.type());
            mounts.add(sys || cgroup ? writable(m) : m);
        }
        return new Spec(spec.ociVersion(), proc, spec.root(), spec.hostname(), spec.domainname(), mounts,
                spec.hooks(), spec.annotations(), linux);
    }

    /** Every capability of the runtime's bounding set that the kernel knows. */
    static List<String> capabilities(HostFacts host) {
        List<String> caps = new ArrayList<>();
        int last = Math.min(host.capLastCap(), Capabilities.last());
        for (int n = 0; n <= last; n++) {
            if ((host.boundingSet() & (1L << n)) != 0) {
                caps.add(Capabilities.name(n));
            }
        }
        return caps;
    }

    /** The mount without "ro" (Docker's clearReadOnly), and "rw" said explicitly. */
    private static Mount writable(Mount m) {
        List<String> opts = new ArrayList<>();
        for (String o : m.options()) {
            if (!o.equals("ro") && !o.equals("rw")) {
                opts.add(o);
            }
        }
        opts.add("rw");
        return new Mount(m.destination(), m.type(), m.source(), opts, m.uidMappings(), m.gidMappings());
    }

    /** The config's own devices first; host devices at other paths after them. */
    private static List<Linux.Device> mergeDevices(List<Linux.Device> own, List<Linux.Device> host) {
        List<Linux.Device> out = new ArrayList<>(own);
        for (Linux.Device d : host) {
            boolean taken = false;
            for (Linux.Device o : own) {
                taken |= o.path().equals(d.path());
            }
            if (!taken) {
                out.add(d);
            }
        }
        return out;
    }

    /**
     * The device nodes under {@code dev}, walked as runc's devices.HostDevices does: character,
     * block and fifo nodes (not symlinks), skipping pts, shm, fd, mqueue and the LXC/LXD/udev
     * directories, and /dev/console (the container gets its own). Paths are given as under /dev.
     */
    public static List<Linux.Device> hostDevices(Path dev) throws IOException {
        List<Linux.Device> out = new ArrayList<>();
        walk(dev, dev, out);
        return out;
    }

    private static void walk(Path root, Path dir, List<Linux.Device> out) throws IOException {
        List<Path> entries = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
            for (Path p : ds) {
                entries.add(p);
            }
        }
        entries.sort(null);
        for (Path p : entries) {
            String name = p.getFileName().toString();
            if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                if (!SKIPPED_DIRS.contains(name)) {
                    walk(root, p, out);
                }
                continue;
            }
            if (name.equals("console")) {
                continue;
            }
            int mode;
            long rdev;
            try {
                mode = (Integer) Files.getAttribute(p, "unix:mode", LinkOption.NOFOLLOW_LINKS);
                rdev = (Long) Files.getAttribute(p, "unix:rdev", LinkOption.NOFOLLOW_LINKS);
            } catch (IOException e) {
                continue; // gone meanwhile
            }
            String type = switch (mode & 0170000) {
                case 0020000 -> "c";
                case 0060000 -> "b";
                case 0010000 -> "p";
                default -> null;
            };
            if (type == null) {
                continue;
            }
            long uid = ((Number) Files.getAttribute(p, "unix:uid", LinkOption.NOFOLLOW_LINKS)).longValue();
            long gid = ((Number) Files.getAttribute(p, "unix:gid", LinkOption.NOFOLLOW_LINKS)).longValue();
            String path = "/dev/" + root.relativize(p);
            out.add(new Linux.Device(type, path, type.equals("p") ? 0L : major(rdev),
                    type.equals("p") ? 0L : minor(rdev), mode & 07777, uid, gid));
        }
    }

    /** glibc's gnu_dev_major/minor. */
    static long major(long dev) {
        return ((dev >>> 8) & 0xfff) | ((dev >>> 32) & ~0xfffL);
    }

    static long minor(long dev) {
        return (dev & 0xff) | ((dev >>> 12) & ~0xffL);
    }
}
