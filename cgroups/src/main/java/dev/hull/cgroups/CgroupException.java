package dev.hull.cgroups;

import java.io.IOException;

/** A cgroup operation that failed; the message names the file and the reason. */
public class CgroupException extends IOException {
    public CgroupException(String message) {
        super(message);
    }

    public CgroupException(String message, Throwable cause) {
        super(message, cause);
    }
}
