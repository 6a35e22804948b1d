/*
 * The front and the broker run from a sealed memfd copy of hull-exec (CVE-2019-5736, runc's
 * cloned_binary.c).  Every executor P and container process C is forked from one of them, so
 * /proc/<pid>/exe of any process of ours is that copy: a container process that opens it (the
 * exe link of its parent, or an O_PATH fd kept until we exit and then reopened for writing through
 * /proc/self/fd) reaches a file that cannot be written, truncated or grown, instead of the host's
 * binary that the next container run would execute as root.
 *
 * No environment variable or argv marker says "already copied": the proof is the kernel's own
 * state (the seals of /proc/self/exe), which a caller cannot forge, whereas a marker could be set
 * by anyone to skip the copy.  A loop is impossible: after the exec, /proc/self/exe is the memfd,
 * whose seals can never be removed, so the check succeeds on the first try.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "hull.h"

#ifndef MFD_EXEC
#define MFD_EXEC 0x0010U
#endif

extern char **environ;

#define SEALS (F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE)

static int copy_all(int to, int from, off_t size)
{
    off_t left = size;
    while (left > 0) {
        ssize_t n = sendfile(to, from, NULL, (size_t)left);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return -errno;
        if (n == 0)
            return -EIO; /* the file shrank under us */
        left -= n;
    }
    return 0;
}

/* Returns only on failure (-errno, with the reason printed); or 0 when already sealed. */
int exec_sealed_copy(char **argv)
{
    int self = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
    if (self < 0) {
        int e = errno;
        dprintf(2, "hull-exec: cannot open /proc/self/exe to run a sealed copy: %s\n", strerror(e));
        return -e;
    }
    int seals = fcntl(self, F_GET_SEALS);
    if (seals >= 0 && (seals & SEALS) == SEALS) {
        close(self);
        /* the name the exec gave us is the memfd's, or on older kernels the fd number */
        prctl(PR_SET_NAME, "hull-exec", 0, 0, 0);
        return 0;
    }
    /* MFD_EXEC: kernels since 6.3 warn about (or, with vm.memfd_noexec=2, refuse) a memfd that
     * does not say whether it may be executed; older ones reject the flag */
    int mfd = memfd_create("hull-exec", MFD_CLOEXEC | MFD_ALLOW_SEALING | MFD_EXEC);
    if (mfd < 0 && errno == EINVAL)
        mfd = memfd_create("hull-exec", MFD_CLOEXEC | MFD_ALLOW_SEALING);
    struct stat st;
    int r = 0;
    const char *what = "memfd_create";
    if (mfd < 0)
        r = -errno;
    else if (fstat(self, &st) < 0)
        r = -errno, what = "fstat /proc/self/exe";
    else if ((r = copy_all(mfd, self, st.st_size)) < 0)
        what = "copy to the memfd";
    else if (fcntl(mfd, F_ADD_SEALS, SEALS) < 0)
        r = -errno, what = "seal the memfd";
    close(self);
    if (r == 0) {
        syscall(SYS_execveat, mfd, "", argv, environ, AT_EMPTY_PATH);
        r = -errno;
        what = "execveat the memfd";
    }
    dprintf(2, "hull-exec: cannot run from a sealed copy of itself (%s): %s\n", what, strerror(-r));
    if (mfd >= 0)
        close(mfd);
    return r;
}
