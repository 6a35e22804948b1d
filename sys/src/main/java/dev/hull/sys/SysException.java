package dev.hull.sys;

import java.io.IOException;

/** A failed system call: the call, what it was applied to, and errno. */
public class SysException extends IOException {
    private final int errno;

    public SysException(String call, int errno) {
        super(call + ": " + Errno.describe(errno));
        this.errno = errno;
    }

    public int errno() {
        return errno;
    }
}
