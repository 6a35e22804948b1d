package dev.hull.cgroups;

/**
 * How {@code linux.cgroupsPath} is read, as runc reads it: an absolute path is taken from the
 * root of every hierarchy; a relative one (and the default, the container id) from the runtime's
 * own cgroup in each hierarchy; "slice:prefix:name" is systemd's form, which needs systemd.
 */
public final class CgroupPath {
    private CgroupPath() {}

    /** The path to use, or a CgroupException naming the field. */
    public static String resolve(String cgroupsPath, String id, boolean systemdCgroup, boolean systemdRunning)
            throws CgroupException {
        String p = cgroupsPath == null ? "" : cgroupsPath;
        if (systemdCgroup) {
            if (!systemdRunning) {
                throw new CgroupException("--systemd-cgroup: systemd is not running on this host "
                        + "(no /run/systemd/system); use the cgroupfs driver (drop the flag)");
            }
            throw new CgroupException("--systemd-cgroup: the systemd cgroup driver is not "
                    + "supported yet; use the cgroupfs driver (drop the flag)");
        }
        if (p.indexOf(':') >= 0) {
            throw new CgroupException("linux.cgroupsPath: \"" + p + "\" is in systemd's "
                    + "slice:prefix:name form, which needs --systemd-cgroup");
        }
        if (p.isEmpty()) {
            return id;
        }
        for (String part : p.split("/")) {
            if (part.equals("..")) {
                throw new CgroupException("linux.cgroupsPath: \"" + p + "\" must not contain \"..\"");
            }
        }
        return p;
    }
}
