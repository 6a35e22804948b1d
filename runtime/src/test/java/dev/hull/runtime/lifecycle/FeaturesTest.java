package dev.hull.runtime.lifecycle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hull.runtime.program.MountOptions;
import java.util.List;
import org.junit.jupiter.api.Test;

/** `features` lists what the code does, not a hand-kept wish list. */
class FeaturesTest {
    @Test
    void everyListedMountOptionIsInterpretedNotPassedAsData() {
        for (String o : Features.MOUNT_OPTIONS) {
            MountOptions m = MountOptions.parse(List.of(o));
            assertEquals("", m.data(), o + " would reach the filesystem as data");
        }
    }

    @Test
    void runcsMountOptionsAreAllListed() {
        // runc 1.1's `features` list (this machine's runc), which engines compare against
        for (String o : List.of("acl", "async", "atime", "bind", "defaults", "dev", "diratime", "dirsync", "exec",
                "iversion", "lazytime", "loud", "mand", "noacl", "noatime", "nodev", "nodiratime", "noexec",
                "noiversion", "nolazytime", "nomand", "norelatime", "nostrictatime", "nosuid", "nosymfollow",
                "private", "ratime", "rbind", "rdev", "rdiratime", "relatime", "remount", "rexec", "rnoatime",
                "rnodev", "rnodiratime", "rnoexec", "rnorelatime", "rnostrictatime", "rnosuid", "rnosymfollow",
                "ro", "rprivate", "rrelatime", "rro", "rrw", "rshared", "rslave", "rstrictatime", "rsuid",
                "rsymfollow", "runbindable", "rw", "shared", "silent", "slave", "strictatime", "suid", "symfollow",
                "sync", "unbindable")) {
            assertTrue(Features.MOUNT_OPTIONS.contains(o), o);
        }
        // runc lists tmpcopyup, which it implements; Hull only warns about it, so does not claim it
        assertFalse(Features.MOUNT_OPTIONS.contains("tmpcopyup"));
    }

    @Test
    void logTimesAreRfc3339SecondsAsLogrusWrites() {
        String t = Timestamps.nowSeconds();
        assertEquals(20, t.length(), t);
        assertTrue(t.matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ"), t);
    }
}
