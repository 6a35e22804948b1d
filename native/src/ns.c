/* Parent phase: inherited fds, joining namespaces, the clone; and the first steps of the child. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "hull.h"

/* --preserve-fds when the runtime (pid) is not our ancestor's owner of them: copy its fds */
int op_grab_fds(struct cur *c)
{
    pid_t from = (pid_t)cur_int(c);
    int first = (int)cur_int(c), count = (int)cur_int(c);
    int pidfd = (int)syscall(SYS_pidfd_open, from, 0);
    if (pidfd < 0) {
        detail("pidfd_open of the runtime");
        return -errno;
    }
    for (int fd = first; fd < first + count; fd++) {
        if (fd == g.ctl_in || fd == g.ctl_out || fd == g.console_fd) {
            detail("fd %d is in use by the executor", fd);
            close(pidfd);
            return -EBUSY;
        }
        int got = (int)syscall(SYS_pidfd_getfd, pidfd, fd, 0);
        if (got < 0) {
            if (errno == EBADF) { /* the runtime had nothing open there: neither will the container */
                close(fd);
                continue;
            }
            detail("pidfd_getfd of the runtime's fd %d", fd);
            close(pidfd);
            return -errno;
        }
        if (got != fd) {
            if (dup2(got, fd) < 0) {
                close(pidfd);
                return -errno;
            }
            close(got);
        } else {
            fcntl(fd, F_SETFD, 0);
        }
    }
    close(pidfd);
    return 0;
}

/* AF_UNIX addresses longer than sun_path are reached through /proc/self/fd/<dir>/<name>. */
int unix_addr(const char *dir, const char *name, void *out, unsigned *outlen, int *tmpfd)
{
    struct sockaddr_un *a = out;
    memset(a, 0, sizeof *a);
    a->sun_family = AF_UNIX;
    *tmpfd = -1;
    int n = dir ? snprintf(a->sun_path, sizeof a->sun_path, "%s/%s", dir, name)
                : snprintf(a->sun_path, sizeof a->sun_path, "%s", name);
    if (n < 0)
        return -EINVAL;
    if ((size_t)n >= sizeof a->sun_path) {
        const char *d = dir, *base = name;
        char tmp[4096];
        if (!dir) { /* split name into dir + base */
            const char *slash = strrchr(name, '/');
            if (!slash || (size_t)(slash - name) >= sizeof tmp)
                return -ENAMETOOLONG;
            memcpy(tmp, name, (size_t)(slash - name));
            tmp[slash - name] = 0;
            d = slash == name ? "/" : tmp;
            base = slash + 1;
        }
        *tmpfd = open(d, O_PATH | O_DIRECTORY | O_CLOEXEC);
        if (*tmpfd < 0)
            return -errno;
        n = snprintf(a->sun_path, sizeof a->sun_path, "/proc/self/fd/%d/%s", *tmpfd, base);
        if (n < 0 || (size_t)n >= sizeof a->sun_path)
            return -ENAMETOOLONG;
    }
    *outlen = (unsigned)(offsetof(struct sockaddr_un, sun_path) + (size_t)n + 1);
    return 0;
}

/* A stream connection to the AF_UNIX socket at path (what names it, for errors); fd or -errno. */
static int connect_unix(const char *path, const char *what)
{
    struct sockaddr_un a;
    unsigned len;
    int tmp, r;
    if ((r = unix_addr(NULL, path, &a, &len, &tmp)) < 0) {
        detail("%s %s", what, path);
        return r;
    }
    int s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (s < 0)
        return -errno;
    r = connect(s, (struct sockaddr *)&a, len) < 0 ? -errno : 0;
    if (tmp >= 0)
        close(tmp);
    if (r < 0) {
        close(s);
        detail("connect to %s %s", what, path);
        return r;
    }
    return s;
}

int op_connect_socket(struct cur *c)
{
    int s = connect_unix(cur_str(c), "console socket");
    if (s < 0)
        return s;
    g.console_fd = s;
    return 0;
}

/* The seccomp agent's socket (linux.seccomp.listenerPath), connected in the runtime's mount
 * namespace before the clone; C inherits it and sends the listener fd over it (op_seccomp). */
int op_connect_listener(struct cur *c)
{
    int s = connect_unix(cur_str(c), "seccomp listener socket");
    if (s < 0)
        return s;
    g.listener_fd = s;
    return 0;
}

/*
 * Opens every path first (a joined mount namespace would change what later paths mean), then
 * joins.  A namespace owned by a user namespace we have not joined yet refuses us (EPERM): those
 * are retried after the user namespace, the way crun does it.
 */
int op_join_ns(struct cur *c)
{
    size_t n;
    const int64_t *types = cur_ints(c, &n);
    char *const *paths = cur_strv(c);
    int fds[16], deferred[16], nd = 0, user = -1;
    if (n > 16)
        return -E2BIG;
    for (size_t i = 0; i < n; i++) {
        if (!paths[i])
            return -EBADMSG;
        fds[i] = open(paths[i], O_RDONLY | O_CLOEXEC);
        if (fds[i] < 0) {
            int e = errno;
            detail("open namespace %s", paths[i]);
            for (size_t k = 0; k < i; k++)
                close(fds[k]);
            return -e;
        }
        if (types[i] == CLONE_NEWUSER)
            user = (int)i;
    }
    int r = 0;
    for (size_t i = 0; i < n && !r; i++) {
        if ((int)i == user)
            continue;
        if (setns(fds[i], (int)types[i]) < 0) {
            if ((errno == EPERM || errno == EINVAL) && user >= 0)
                deferred[nd++] = (int)i;
            else {
                r = -errno;
                detail("setns %s", paths[i]);
            }
        }
    }
    if (!r && user >= 0 && setns(fds[user], CLONE_NEWUSER) < 0) {
        r = -errno;
        detail("setns %s", paths[user]);
    }
    for (int k = 0; k < nd && !r; k++) {
        int i = deferred[k];
        if (setns(fds[i], (int)types[i]) < 0) {
            r = -errno;
            detail("setns %s", paths[i]);
        }
    }
    for (size_t i = 0; i < n; i++)
        close(fds[i]);
    return r;
}

/* A new time namespace takes effect for children only; its offsets must be set before the clone. */
int op_unshare_time(struct cur *c)
{
    int64_t has = cur_int(c), ms = cur_int(c), mns = cur_int(c), bs = cur_int(c), bns = cur_int(c);
    if (unshare(CLONE_NEWTIME) < 0) {
        detail("unshare time namespace");
        return -errno;
    }
    if (!has)
        return 0;
    char buf[128];
    int len = snprintf(buf, sizeof buf, "monotonic %lld %lld\nboottime %lld %lld\n", (long long)ms,
                       (long long)mns, (long long)bs, (long long)bns);
    int fd = open("/proc/self/timens_offsets", O_WRONLY | O_CLOEXEC);
    if (fd < 0)
        return -errno;
    int r = write_all(fd, buf, (size_t)len);
    close(fd);
    if (r < 0)
        detail("write /proc/self/timens_offsets");
    return r;
}

static volatile pid_t child_pid;

static void forward_signal(int sig)
{
    if (child_pid > 0)
        kill(child_pid, sig);
}

static int wait_child(pid_t pid)
{
    int st;
    for (;;) {
        pid_t w = waitpid(pid, &st, 0);
        if (w == pid)
            break;
        if (w < 0 && errno != EINTR)
            return 125;
    }
    return status_of(st);
}

/*
 * A foreground run the caller may detach from (monitor_detachable): the process the front waits
 * for (E, this one) is not the container's parent but waits for it: the monitor P, forked here,
 * clones the container and tells E through a pipe when the caller detaches ("D": E exits 0 and the
 * run ends, P stays the container's parent); otherwise E exits with P's status, the container's.
 * Signals the front forwards reach E, which passes them to P, which passes them to the container.
 */
static void waiter(pid_t monitor, int rep[2], const sigset_t *old) __attribute__((noreturn));
static void waiter(pid_t monitor, int rep[2], const sigset_t *old)
{
    close(rep[1]);
    /* the channel, the monitor's pipes and log: P's alone (the runtime sees the channel end) */
    if (rep[0] > 3)
        syscall(SYS_close_range, 3U, (unsigned)rep[0] - 1, 0U);
    syscall(SYS_close_range, (unsigned)rep[0] + 1, ~0U, 0U);
    child_pid = monitor;
    struct sigaction sa = {.sa_handler = forward_signal};
    sa.sa_flags = SA_RESTART;
    int sigs[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2, SIGWINCH};
    for (size_t i = 0; i < sizeof sigs / sizeof *sigs; i++)
        sigaction(sigs[i], &sa, NULL);
    sigprocmask(SIG_SETMASK, old, NULL);
    char b;
    ssize_t n;
    do
        n = read(rep[0], &b, 1);
    while (n < 0 && errno == EINTR);
    if (n == 1)
        _exit(0); /* detached: the container runs on under P */
    _exit(wait_child(monitor));
}

/*
 * The container's first process is a plain fork-like clone (no new stack: the child runs on a
 * copy of ours and returns here).  CLONE_NEWTIME cannot be passed to clone(2); UNSHARE_TIME did it.
 * In the parent: report the pid, then either exit (create: the container outlives us and is
 * reparented to the caller's subreaper), wait and pass its status on (run in the foreground), or
 * stay as its monitor (modes 3 and 4, monitor.c: logs, exit file, on-exit command).
 */
int op_clone(struct cur *c)
{
    int64_t flags = cur_int(c), mode = cur_int(c);
    int sv[2] = {-1, -1};
    if (mode < 0 || mode > 4 || (mode >= 3 && !monitor_ready())) {
        detail("parent mode %lld%s", (long long)mode, mode >= 3 ? " without a MONITOR step" : "");
        return -EINVAL;
    }
    if (mode == 2 && socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0)
        return -errno;
    /* forwarded signals must not be lost between clone and sigaction */
    sigset_t fwd, old;
    sigemptyset(&fwd);
    int fwd_sigs[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2};
    for (size_t i = 0; i < sizeof fwd_sigs / sizeof *fwd_sigs; i++)
        sigaddset(&fwd, fwd_sigs[i]);
    if (mode >= 3) { /* the monitor reads these from a signalfd: none may be lost before it */
        sigaddset(&fwd, SIGCHLD);
        sigaddset(&fwd, SIGWINCH);
    }
    if (mode)
        sigprocmask(SIG_BLOCK, &fwd, &old);
    if (mode == 4 && monitor_detachable()) {
        int rep[2];
        if (pipe2(rep, O_CLOEXEC) < 0) {
            detail("monitor: the waiter's pipe");
            return -errno;
        }
        pid_t p = fork();
        if (p < 0) {
            detail("monitor: fork the waiter");
            return -errno;
        }
        if (p > 0)
            waiter(p, rep, &old);
        close(rep[0]);
        monitor_report_to(rep[1]);
    }

    pid_t pid = (pid_t)syscall(SYS_clone, (unsigned long)flags | SIGCHLD, 0, 0, 0, 0);
    if (pid < 0) {
        detail("clone(flags=%#llx)", (unsigned long long)flags);
        return -errno;
    }
    if (pid == 0) {
        g.in_child = 1;
        if (mode) {
            sigprocmask(SIG_SETMASK, &old, NULL);
            if (mode == 2) {
                close(sv[0]);
                g.console_fd = sv[1];
            }
        }
        return mode >= 3 ? monitor_child() : 0;
    }

    /* parent: P */
    int32_t p32 = pid;
    int r = msg_send(g.ctl_out, MSG_PID, &p32, sizeof p32);
    close(g.ctl_in);
    close(g.ctl_out);
    if (g.listener_fd >= 0) { /* C sends over it and closes it: the agent must see it end then */
        close(g.listener_fd);
        g.listener_fd = -1;
    }
    if (mode == 0)
        _exit(r < 0 ? 125 : 0); /* the container is reparented to the caller's subreaper */
    if (mode >= 3)
        monitor_run(pid, &old); /* the container's parent for good: monitor.c */
    child_pid = pid;
    struct sigaction sa = {.sa_handler = forward_signal};
    sa.sa_flags = SA_RESTART;
    for (size_t i = 0; i < sizeof fwd_sigs / sizeof *fwd_sigs; i++)
        sigaction(fwd_sigs[i], &sa, NULL);
    sigprocmask(SIG_SETMASK, &old, NULL);
    /* P waits in the runtime's namespaces: it keeps none of the fds the caller left open (the
     * container has its copies), so that nothing reaching P (a ptrace-capable process of the
     * container's user namespace, which P may have joined) finds them here */
    if (mode == 2) {
        close(sv[1]);
        if (sv[0] > 3)
            syscall(SYS_close_range, 3U, (unsigned)sv[0] - 1, 0U);
        syscall(SYS_close_range, (unsigned)sv[0] + 1, ~0U, 0U);
        _exit(tty_proxy(sv[0], pid));
    }
    close(0);
    close(1);
    syscall(SYS_close_range, 3U, ~0U, 0U); /* the console fd too */
    g.console_fd = -1;
    _exit(wait_child(pid));
}

int op_wait_go(struct cur *c)
{
    (void)c;
    struct msg_hdr h;
    int r = msg_recv(g.ctl_in, &h, g_msgbuf, sizeof g_msgbuf);
    if (r == 0)
        _exit(125); /* the runtime went away before the container was set up */
    if (r < 0)
        return r;
    if (h.type != MSG_GO) {
        detail("expected GO from the runtime, got message %u", h.type);
        return -EPROTO;
    }
    if (h.len >= 4) { /* our host pid, for the seccomp agent (in a pid namespace we are 1) */
        uint32_t pid;
        memcpy(&pid, g_msgbuf, 4);
        g.host_pid = (int)pid;
    }
    return 0;
}

int op_become_root(struct cur *c)
{
    (void)c;
    if (setresgid(0, 0, 0) < 0) {
        detail("setresgid(0) in the new user namespace (is gid 0 mapped?)");
        return -errno;
    }
    if (setresuid(0, 0, 0) < 0) {
        detail("setresuid(0) in the new user namespace (is uid 0 mapped?)");
        return -errno;
    }
    return 0;
}

int op_unshare(struct cur *c)
{
    int64_t flags = cur_int(c);
    return unshare((int)flags) < 0 ? -errno : 0;
}
