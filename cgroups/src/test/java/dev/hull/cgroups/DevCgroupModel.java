package dev.hull.cgroups;

import java.util.ArrayList;
import java.util.List;

/**
 * The v1 devices controller as security/device_cgroup.c has it, transliterated for tests: what a
 * cgroup holds after a series of devices.allow / devices.deny writes (devcgroup_update_access,
 * dev_exception_add, dev_exception_rm), and whether it permits an access
 * (devcgroup_legacy_check_permission: match_exception / match_exception_partial). A cgroup
 * starts as the kernel makes a child of an allow-all parent: default allow, no exceptions.
 */
final class DevCgroupModel {
    static final int MKNOD = 1, READ = 2, WRITE = 4; // DEVCG_ACC_*
    static final long ANY = -1;                      // ~0 in the kernel

    /** struct dev_exception_item. */
    static final class Ex {
        final char type;
        final long major, minor;
        int access;

        Ex(char type, long major, long minor, int access) {
            this.type = type;
            this.major = major;
            this.minor = minor;
            this.access = access;
        }

        @Override
        public String toString() {
            return type + " " + (major == ANY ? "*" : major) + ":" + (minor == ANY ? "*" : minor) + " " + access(access);
        }
    }

    boolean defaultAllow = true; // DEVCG_DEFAULT_ALLOW
    final List<Ex> exceptions = new ArrayList<>();

    /** A write of one line to devices.allow ({@code allow}) or devices.deny, e.g. "c 1:3 rwm" or "a". */
    void write(boolean allow, String line) {
        if (line.charAt(0) == 'a') {
            // "a" (whatever follows) resets the cgroup: new default, no exceptions
            exceptions.clear();
            defaultAllow = allow;
            return;
        }
        String[] parts = line.split(" ");
        String[] mm = parts[1].split(":");
        Ex ex = new Ex(parts[0].charAt(0), mm[0].equals("*") ? ANY : Long.parseLong(mm[0]),
                mm[1].equals("*") ? ANY : Long.parseLong(mm[1]), bits(parts[2]));
        if (allow == defaultAllow) {
            remove(ex); // "be silent about it: we don't want to break compatibility"
        } else {
            add(ex);
        }
    }

    private void add(Ex ex) {
        for (Ex walk : exceptions) {
            if (walk.type == ex.type && walk.major == ex.major && walk.minor == ex.minor) {
                walk.access |= ex.access;
                return;
            }
        }
        exceptions.add(new Ex(ex.type, ex.major, ex.minor, ex.access));
    }

    private void remove(Ex ex) {
        exceptions.removeIf(walk -> {
            if (walk.type == ex.type && walk.major == ex.major && walk.minor == ex.minor) {
                walk.access &= ~ex.access;
                return walk.access == 0;
            }
            return false;
        });
    }

    /** devcgroup_legacy_check_permission for a concrete device ('c' or 'b') and access bits. */
    boolean permits(char type, long major, long minor, int access) {
        return permits(defaultAllow, exceptions, type, major, minor, access);
    }

    static boolean permits(boolean defaultAllow, List<Ex> exceptions, char type, long major, long minor, int access) {
        for (Ex ex : exceptions) {
            if (ex.type != type) {
                continue;
            }
            if (ex.major != ANY && ex.major != major) {
                continue;
            }
            if (ex.minor != ANY && ex.minor != minor) {
                continue;
            }
            if (defaultAllow) {
                // match_exception_partial: any access bit in common denies
                if ((access & ex.access) != 0) {
                    return false;
                }
            } else if ((access & ~ex.access) == 0) {
                // match_exception: one exception must cover every bit asked for
                return true;
            }
        }
        return defaultAllow;
    }

    /** What the kernel would decide for a state computed by {@link DeviceRules}. */
    static boolean permits(DeviceRules.Effective e, char type, long major, long minor, int access) {
        List<Ex> list = new ArrayList<>();
        for (DeviceRules.Rule r : e.exceptions()) {
            list.add(new Ex(r.type(), r.major(), r.minor(), bits(r.access())));
        }
        return permits(e.defaultAllow(), list, type, major, minor, access);
    }

    static int bits(String access) {
        int v = 0;
        for (char c : access.toCharArray()) {
            v |= c == 'm' ? MKNOD : c == 'r' ? READ : c == 'w' ? WRITE : 0;
        }
        return v;
    }

    static String access(int bits) {
        return ((bits & READ) != 0 ? "r" : "") + ((bits & WRITE) != 0 ? "w" : "") + ((bits & MKNOD) != 0 ? "m" : "");
    }
}
