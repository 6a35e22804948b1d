package dev.hull.runtime.program;

import static dev.hull.runtime.program.LinuxConstants.*;

import java.util.ArrayList;
import java.util.List;

/**
 * A mount's {@code options} split the way runc splits them: flags for mount(2), a propagation
 * change applied afterwards, recursive attributes for mount_setattr(2) (the "r*" options), and
 * everything else joined into the filesystem's data string.
 */
public record MountOptions(long flags, long clearFlags, long propagation, long attrSet, long attrClr,
                           String data, boolean tmpcopyup) {

    public boolean bind() {
        return (flags & MS_BIND) != 0;
    }

    public static MountOptions parse(List<String> options) {
        long allSet = 0, allClear = 0, prop = 0, allASet = 0, allAClr = 0;
        boolean copyup = false;
        List<String> data = new ArrayList<>();
        for (String o : options) {
            long set = 0, clear = 0, aset = 0, aclr = 0; // what this one option does
            switch (o) {
                case "acl" -> set |= MS_POSIXACL;
                case "async" -> clear |= MS_SYNCHRONOUS;
                case "atime" -> clear |= MS_NOATIME;
                case "bind" -> set |= MS_BIND;
                case "defaults" -> { }
                case "dev" -> clear |= MS_NODEV;
                case "diratime" -> clear |= MS_NODIRATIME;
                case "dirsync" -> set |= MS_DIRSYNC;
                case "exec" -> clear |= MS_NOEXEC;
                case "iversion" -> set |= MS_I_VERSION;
                case "lazytime" -> set |= MS_LAZYTIME;
                case "loud" -> clear |= MS_SILENT;
                case "mand" -> set |= MS_MANDLOCK;
                case "noacl" -> clear |= MS_POSIXACL;
                case "noatime" -> set |= MS_NOATIME;
                case "nodev" -> set |= MS_NODEV;
                case "nodiratime" -> set |= MS_NODIRATIME;
                case "noexec" -> set |= MS_NOEXEC;
                case "noiversion" -> clear |= MS_I_VERSION;
                case "nolazytime" -> clear |= MS_LAZYTIME;
                case "nomand" -> clear |= MS_MANDLOCK;
                case "norelatime" -> clear |= MS_RELATIME;
                case "nostrictatime" -> clear |= MS_STRICTATIME;
                case "nosuid" -> set |= MS_NOSUID;
                case "nosymfollow" -> set |= MS_NOSYMFOLLOW;
                case "rbind" -> set |= MS_BIND | MS_REC;
                case "relatime" -> set |= MS_RELATIME;
                case "remount" -> set |= MS_REMOUNT;
                case "ro" -> set |= MS_RDONLY;
                case "rw" -> clear |= MS_RDONLY;
                case "silent" -> set |= MS_SILENT;
                case "strictatime" -> set |= MS_STRICTATIME;
                case "suid" -> clear |= MS_NOSUID;
                case "sync" -> set |= MS_SYNCHRONOUS;
                case "symfollow" -> clear |= MS_NOSYMFOLLOW;
                case "private" -> prop = MS_PRIVATE;
                case "rprivate" -> prop = MS_PRIVATE | MS_REC;
                case "shared" -> prop = MS_SHARED;
                case "rshared" -> prop = MS_SHARED | MS_REC;
                case "slave" -> prop = MS_SLAVE;
                case "rslave" -> prop = MS_SLAVE | MS_REC;
                case "unbindable" -> prop = MS_UNBINDABLE;
                case "runbindable" -> prop = MS_UNBINDABLE | MS_REC;
                case "rro" -> aset |= MOUNT_ATTR_RDONLY;
                case "rrw" -> aclr |= MOUNT_ATTR_RDONLY;
                case "rnosuid" -> aset |= MOUNT_ATTR_NOSUID;
                case "rsuid" -> aclr |= MOUNT_ATTR_NOSUID;
                case "rnodev" -> aset |= MOUNT_ATTR_NODEV;
                case "rdev" -> aclr |= MOUNT_ATTR_NODEV;
                case "rnoexec" -> aset |= MOUNT_ATTR_NOEXEC;
                case "rexec" -> aclr |= MOUNT_ATTR_NOEXEC;
                case "rnodiratime" -> aset |= MOUNT_ATTR_NODIRATIME;
                case "rdiratime" -> aclr |= MOUNT_ATTR_NODIRATIME;
                case "rrelatime" -> { aclr |= MOUNT_ATTR__ATIME; aset |= MOUNT_ATTR_RELATIME; }
                case "rnorelatime" -> aclr |= MOUNT_ATTR__ATIME;
                case "rnoatime" -> { aclr |= MOUNT_ATTR__ATIME; aset |= MOUNT_ATTR_NOATIME; }
                case "ratime" -> aclr |= MOUNT_ATTR__ATIME;
                case "rstrictatime" -> { aclr |= MOUNT_ATTR__ATIME; aset |= MOUNT_ATTR_STRICTATIME; }
                case "rnostrictatime" -> aclr |= MOUNT_ATTR__ATIME;
                case "rnosymfollow" -> aset |= MOUNT_ATTR_NOSYMFOLLOW;
                case "rsymfollow" -> aclr |= MOUNT_ATTR_NOSYMFOLLOW;
                case "tmpcopyup" -> copyup = true;
                default -> data.add(o);
            }
            // in order, as runc applies them: a later option undoes an earlier opposite one
            // ("rw", "ro" is read-only; "ro", "rw" is not)
            allSet = (allSet & ~clear) | set;
            allClear = (allClear & ~set) | clear;
            allASet = (allASet & ~aclr) | aset;
            allAClr = (allAClr & ~aset) | aclr;
        }
        return new MountOptions(allSet, allClear, prop, allASet, allAClr, String.join(",", data), copyup);
    }
}
