/* The last steps: finding the program, closing fds, execve; and signalling a container. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "hull.h"

#ifndef CLOSE_RANGE_CLOEXEC
#define CLOSE_RANGE_CLOEXEC (1U << 2)
#endif

static int executable(const char *path)
{
    struct stat st;
    if (stat(path, &st) < 0)
        return -errno;
    if (!S_ISREG(st.st_mode))
        return -EACCES;
    return access(path, X_OK) < 0 ? -errno : 0;
}

/* As exec.LookPath in runc: a name with a slash is used as is, otherwise $PATH is searched. */
int op_lookup_exec(struct cur *c)
{
    const char *file = cur_str(c), *path = cur_str(c);
    if (!*file) {
        detail("process.args is empty");
        return -EINVAL;
    }
    if (strchr(file, '/')) {
        int r = executable(file);
        if (r < 0) {
            detail("exec: \"%s\"", file);
            return r;
        }
        if (strlen(file) >= sizeof g.exec_path)
            return -ENAMETOOLONG;
        strcpy(g.exec_path, file);
        return 0;
    }
    int seen_eacces = 0;
    const char *p = path;
    while (*path) {
        const char *end = strchrnul(p, ':');
        int n = end == p ? snprintf(g.exec_path, sizeof g.exec_path, "./%s", file)
                         : snprintf(g.exec_path, sizeof g.exec_path, "%.*s/%s", (int)(end - p), p,
                                    file);
        if (n > 0 && (size_t)n < sizeof g.exec_path) {
            int r = executable(g.exec_path);
            if (r == 0)
                return 0;
            if (r == -EACCES || r == -EPERM)
                seen_eacces = 1;
        }
        if (!*end)
            break;
        p = end + 1;
    }
    g.exec_path[0] = 0;
    if (seen_eacces) {
        detail("exec: \"%s\": permission denied", file);
        return -EACCES;
    }
    detail("exec: \"%s\": executable file not found in $PATH", file);
    return -ENOENT;
}

int op_close_fds(struct cur *c)
{
    unsigned first = (unsigned)cur_int(c);
    if (syscall(SYS_close_range, first, ~0U, CLOSE_RANGE_CLOEXEC) < 0) {
        detail("close_range");
        return -errno;
    }
    return 0;
}

int op_exec(struct cur *c)
{
    char *const *argv = cur_strv(c);
    char *const *env = cur_strv(c);
    int tty = (int)cur_int(c);
    if (c->bad)
        return -EBADMSG;
    if (tty && g.tty_fd >= 0) {
        for (int fd = 0; fd < 3; fd++)
            if (dup2(g.tty_fd, fd) < 0)
                return -errno;
        if (g.tty_fd > 2)
            close(g.tty_fd);
    }
    execve(g.exec_path, argv, env);
    detail("exec %s", g.exec_path);
    return -errno;
}

/* Start time (field 22 of /proc/<pid>/stat) tells a recycled pid from the container's own. */
static long long start_time(pid_t pid)
{
    char path[64], buf[1024];
    snprintf(path, sizeof path, "/proc/%d/stat", pid);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    ssize_t n = read(fd, buf, sizeof buf - 1);
    close(fd);
    if (n <= 0)
        return -1;
    buf[n] = 0;
    char *p = strrchr(buf, ')');
    if (!p)
        return -1;
    /* after ")": field 3 is the state; field 22 is 19 spaces further */
    for (int field = 2; field < 22 && p; field++)
        p = strchr(p + 1, ' ');
    return p ? strtoll(p + 1, NULL, 10) : -1;
}

int op_signal(struct cur *c)
{
    pid_t pid = (pid_t)cur_int(c);
    long long want = cur_int(c);
    int sig = (int)cur_int(c);
    int missing_ok = (int)cur_int(c);
    int pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
    if (pidfd < 0) {
        if (errno == ESRCH && missing_ok)
            return 0;
        detail("process %d", pid);
        return -errno;
    }
    if (want && start_time(pid) != want) { /* checked after pidfd_open: the pidfd pins the process */
        close(pidfd);
        if (missing_ok)
            return 0;
        detail("process %d is not the container's any more", pid);
        return -ESRCH;
    }
    int r = syscall(SYS_pidfd_send_signal, pidfd, sig, NULL, 0) < 0 ? -errno : 0;
    if (r == -ESRCH && missing_ok)
        r = 0;
    if (r < 0)
        detail("signal %d to process %d", sig, pid);
    close(pidfd);
    return r;
}
