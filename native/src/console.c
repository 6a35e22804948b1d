/* Terminals: the pty is created in the container's devpts and its master handed out by SCM_RIGHTS;
 * in a foreground `run` the executor's parent proxies it to the caller's terminal (the monitor,
 * monitor.c, uses the same helpers). */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include "hull.h"

static int send_fd(int sock, int fd)
{
    char dummy = 'T';
    struct iovec iov = {&dummy, 1};
    union {
        char buf[CMSG_SPACE(sizeof(int))];
        struct cmsghdr align;
    } u;
    memset(&u, 0, sizeof u);
    struct msghdr m = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = u.buf,
                       .msg_controllen = sizeof u.buf};
    struct cmsghdr *cm = CMSG_FIRSTHDR(&m);
    cm->cmsg_level = SOL_SOCKET;
    cm->cmsg_type = SCM_RIGHTS;
    cm->cmsg_len = CMSG_LEN(sizeof(int));
    memcpy(CMSG_DATA(cm), &fd, sizeof fd);
    ssize_t n;
    do
        n = sendmsg(sock, &m, MSG_NOSIGNAL);
    while (n < 0 && errno == EINTR);
    return n < 0 ? -errno : 0;
}

int recv_fd(int sock)
{
    char dummy;
    struct iovec iov = {&dummy, 1};
    union {
        char buf[CMSG_SPACE(sizeof(int))];
        struct cmsghdr align;
    } u;
    struct msghdr m = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = u.buf,
                       .msg_controllen = sizeof u.buf};
    ssize_t n;
    do
        n = recvmsg(sock, &m, MSG_CMSG_CLOEXEC);
    while (n < 0 && errno == EINTR);
    if (n <= 0)
        return -1;
    struct cmsghdr *cm = CMSG_FIRSTHDR(&m);
    if (!cm || cm->cmsg_type != SCM_RIGHTS)
        return -1;
    int fd;
    memcpy(&fd, CMSG_DATA(cm), sizeof fd);
    return fd;
}

int op_console(struct cur *c)
{
    uid_t uid = (uid_t)cur_int(c);
    gid_t gid = (gid_t)cur_int(c);
    unsigned short rows = (unsigned short)cur_int(c), cols = (unsigned short)cur_int(c);
    int mount_console = (int)cur_int(c);
    int unlock = 0, n;
    if (g.console_fd < 0) {
        detail("process.terminal is set but there is no console socket");
        return -EINVAL;
    }
    int master = open("/dev/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC);
    if (master < 0) {
        detail("open /dev/ptmx");
        return -errno;
    }
    if (ioctl(master, TIOCSPTLCK, &unlock) < 0 || ioctl(master, TIOCGPTN, &n) < 0) {
        close(master);
        return -errno;
    }
    int slave = ioctl(master, TIOCGPTPEER, O_RDWR | O_NOCTTY | O_CLOEXEC);
    if (slave < 0) {
        detail("open the pty slave");
        close(master);
        return -errno;
    }
    if (fchown(slave, uid, gid) < 0) {
        detail("chown the pty slave");
        goto fail;
    }
    if (rows && cols) {
        struct winsize ws = {.ws_row = rows, .ws_col = cols};
        ioctl(slave, TIOCSWINSZ, &ws);
    }
    if (mount_console) {
        char path[64], target[64];
        snprintf(path, sizeof path, "/dev/pts/%d", n);
        int fd = resolve_in_root("/dev/console", 0, MK_FILE);
        if (fd < 0) {
            errno = -fd;
            detail("create /dev/console");
            goto fail;
        }
        proc_fd_path(target, sizeof target, fd);
        int r = mount(path, target, NULL, MS_BIND, NULL);
        close(fd);
        if (r < 0) {
            detail("bind %s on /dev/console", path);
            goto fail;
        }
    }
    if (ioctl(slave, TIOCSCTTY, 0) < 0) {
        detail("make the pty the controlling terminal");
        goto fail;
    }
    int r = send_fd(g.console_fd, master);
    close(master);
    close(g.console_fd);
    g.console_fd = -1;
    if (r < 0) {
        detail("send the pty master to the console socket");
        close(slave);
        return r;
    }
    g.tty_fd = slave;
    return 0;
fail:;
    int e = errno;
    close(master);
    close(slave);
    return -e;
}

/* ---- the foreground tty proxy, in the executor's parent (run -t without --console-socket) ---- */

static struct termios saved;
static int restore_tty;

static void tty_copy_winsize(int from, int to)
{
    struct winsize ws;
    if (ioctl(from, TIOCGWINSZ, &ws) == 0)
        ioctl(to, TIOCSWINSZ, &ws);
}

/* The caller's terminal size to the pty: stdin's, or stdout's when stdin is not a terminal
 * (-t without -i: Docker sizes the pty from its stdout then). */
void tty_size(int master)
{
    tty_copy_winsize(isatty(0) ? 0 : 1, master);
}

/* The caller's terminal (stdin) in raw mode, its size given to the pty; tty_restore undoes it.
 * Without a terminal on stdin (exec -t without -i: /dev/null) only the size is given. */
void tty_raw(int master)
{
    if (isatty(0) && tcgetattr(0, &saved) == 0) {
        struct termios raw = saved;
        cfmakeraw(&raw);
        if (tcsetattr(0, TCSANOW, &raw) == 0)
            restore_tty = 1;
    }
    tty_size(master);
}

void tty_restore(void)
{
    if (restore_tty)
        tcsetattr(0, TCSANOW, &saved);
    restore_tty = 0;
}

static int pump(int from, int to)
{
    char buf[8192];
    ssize_t n = read(from, buf, sizeof buf);
    if (n <= 0)
        return n < 0 && (errno == EINTR || errno == EAGAIN) ? 0 : -1;
    if (write_all(to, buf, (size_t)n) < 0)
        return -1;
    return 0;
}

int tty_proxy(int sock, int child)
{
    int master = recv_fd(sock);
    close(sock);
    int st;
    if (master < 0) { /* the container failed before its terminal existed */
        while (waitpid(child, &st, 0) < 0 && errno == EINTR)
            ;
        return status_of(st);
    }
    tty_raw(master);
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGCHLD);
    sigaddset(&set, SIGWINCH);
    sigprocmask(SIG_BLOCK, &set, NULL);
    int sfd = signalfd(-1, &set, SFD_CLOEXEC);
    int in_open = 1, done = 0, status = 125;
    while (!done) {
        struct pollfd p[3] = {{sfd, POLLIN, 0}, {master, POLLIN, 0}, {in_open ? 0 : -1, POLLIN, 0}};
        if (poll(p, 3, -1) < 0) {
            if (errno == EINTR)
                continue;
            break;
        }
        if (p[1].revents && pump(master, 1) < 0) /* EIO: every slave fd is closed */
            done = waitpid(child, &st, 0) == child;
        if (p[2].revents && pump(0, master) < 0)
            in_open = 0;
        if (p[0].revents) {
            struct signalfd_siginfo si;
            if (read(sfd, &si, sizeof si) == sizeof si) {
                if (si.ssi_signo == SIGWINCH)
                    tty_size(master);
                else if (waitpid(child, &st, WNOHANG) == child)
                    done = 1;
            }
        }
    }
    if (done) {
        /* the last output may still sit in the pty */
        fcntl(master, F_SETFL, O_NONBLOCK);
        for (;;) {
            struct pollfd q = {master, POLLIN, 0};
            if (poll(&q, 1, 0) <= 0 || !(q.revents & POLLIN) || pump(master, 1) < 0)
                break;
        }
        status = status_of(st);
    }
    tty_restore();
    return status;
}
