package dev.hull.runtime.lifecycle;

import dev.hull.runtime.program.HostFacts;
import dev.hull.runtime.security.Landlock;
import dev.hull.runtime.program.SeccompFilter;
import dev.hull.runtime.security.SeccompCompiler;
import dev.hull.spec.Capabilities;
import dev.hull.sys.LibSeccomp;
import dev.hull.spec.json.Json;
import dev.hull.sys.KernelFiles;
import dev.hull.sys.LibC;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code features}: what this runtime implements (runtime-spec features.md). */
public final class Features {
    private Features() {}

    /**
     * The mount options {@link dev.hull.runtime.program.MountOptions} understands (FeaturesTest
     * checks each against it); anything else is passed to the filesystem as data, as by runc.
     */
    static final List<String> MOUNT_OPTIONS = List.of("acl", "async", "atime", "bind", "defaults",
            "dev", "diratime", "dirsync", "exec", "iversion", "lazytime", "loud", "mand", "noacl",
            "noatime", "nodev", "nodiratime", "noexec", "noiversion", "nolazytime", "nomand",
            "norelatime", "nostrictatime", "nosuid", "nosymfollow", "private", "ratime", "rbind",
            "rdev", "rdiratime", "relatime", "remount", "rexec", "rnoatime", "rnodev", "rnodiratime",
            "rnoexec", "rnorelatime", "rnostrictatime", "rnosuid", "rnosymfollow", "ro", "rprivate",
            "rrelatime", "rro", "rrw", "rshared", "rslave", "rstrictatime", "rsuid", "rsymfollow",
            "runbindable", "rw", "shared", "silent", "slave", "strictatime", "suid", "symfollow",
            "sync", "unbindable"); // not tmpcopyup: parsed, but only warned about (not implemented)

    public static String json() {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("ociVersionMin", "1.0.0");
        f.put("ociVersionMax", SpecTemplate.OCI_VERSION);
        f.put("hooks", List.of("prestart", "createRuntime", "createContainer", "startContainer",
                "poststart", "poststop"));
        f.put("mountOptions", MOUNT_OPTIONS);
        Map<String, Object> linux = new LinkedHashMap<>();
        linux.put("namespaces", List.of("cgroup", "ipc", "mount", "network", "pid", "time", "user", "uts"));
        int last = Capabilities.last();
        try {
            last = Integer.parseInt(KernelFiles.readTrimmed(Path.of("/proc/sys/kernel/cap_last_cap")));
        } catch (IOException | NumberFormatException e) {
            // the table's
        }
        List<String> caps = new ArrayList<>();
        for (int i = 0; i <= Math.min(last, Capabilities.last()); i++) {
            caps.add(Capabilities.name(i));
        }
        linux.put("capabilities", caps);
        linux.put("cgroup", obj("v1", true, "v2", true, "systemd", false, "systemdUser", false, "rdma", false));
        linux.put("seccomp", seccomp());
        linux.put("apparmor", obj("enabled", HostFacts.apparmorEnabled()));
        linux.put("selinux", obj("enabled", HostFacts.selinuxEnabled()));
        linux.put("intelRdt", obj("enabled", false));
        linux.put("mountExtensions", obj("idmap", obj("enabled", false)));
        f.put("linux", linux);
        int abi = LibC.landlockAbi();
        f.put("annotations", obj("dev.hull.runtime.version", Version.VERSION,
                Landlock.ANNOTATION, abi > 0 ? "PATH:RIGHTS[,...] with RIGHTS of r, w, x; kernel Landlock ABI " + abi
                        : "not available: this kernel has no Landlock"));
        return Json.writePretty(f, "    ");
    }

    /**
     * runc's shape: what the compiler knows, and the flags this kernel takes (probed as runc does;
     * FFM is fine here, `features` is not on a container's start path).
     */
    static Map<String, Object> seccomp() {
        if (!LibSeccomp.available()) {
            return obj("enabled", false);
        }
        List<String> archs = new ArrayList<>();
        for (String a : SeccompCompiler.ARCHS) {
            if (LibSeccomp.resolveArch(a.substring("SCMP_ARCH_".length()).toLowerCase(java.util.Locale.ROOT)) != 0) {
                archs.add(a);
            }
        }
        List<String> supported = new ArrayList<>();
        long[] bits = {SeccompFilter.FLAG_TSYNC, SeccompFilter.FLAG_LOG, SeccompFilter.FLAG_SPEC_ALLOW,
            SeccompFilter.FLAG_WAIT_KILLABLE_RECV};
        for (int i = 0; i < bits.length; i++) {
            if (LibSeccomp.kernelHasFlag(bits[i])) {
                supported.add(SeccompCompiler.FLAGS.get(i));
            }
        }
        return obj("enabled", true, "actions", SeccompCompiler.ACTIONS, "operators", SeccompCompiler.OPERATORS,
                "archs", archs, "knownFlags", SeccompCompiler.FLAGS, "supportedFlags", supported);
    }

    private static Map<String, Object> obj(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }
}
