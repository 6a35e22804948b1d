/* The create/start split: the created container waits on a socket in its state dir. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "hull.h"

int op_listen_start(struct cur *c)
{
    const char *dir = cur_str(c), *name = cur_str(c);
    struct sockaddr_un a;
    unsigned len;
    int tmp, r;
    g.dir_fd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (g.dir_fd < 0) {
        detail("open state dir %s", dir);
        return -errno;
    }
    if ((r = unix_addr(dir, name, &a, &len, &tmp)) < 0)
        return r;
    int s = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
    if (s < 0)
        return -errno;
    mode_t old = umask(077); /* only root may start the container */
    r = bind(s, (struct sockaddr *)&a, len) < 0 || listen(s, 4) < 0 ? -errno : 0;
    umask(old);
    if (tmp >= 0)
        close(tmp);
    if (r < 0) {
        close(s);
        detail("bind start socket %s/%s", dir, name);
        return r;
    }
    g.listen_fd = s;
    g.listen_name = name;
    return 0;
}

int op_created(struct cur *c)
{
    (void)c;
    return msg_send(g.ctl_out, MSG_CREATED, NULL, 0);
}

/* A created container dies on the usual signals, as runc's does, even as the init of a PID
 * namespace (which ignores signals it has no handler for). */
static void die_on_signal(int sig)
{
    _exit(128 + sig);
}

static void close_ctl(void)
{
    if (g.ctl_in >= 0)
        close(g.ctl_in);
    g.ctl_in = -1;
}

int op_wait_start(struct cur *c)
{
    (void)c;
    static const int sigs[] = {SIGTERM, SIGINT, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2};
    struct sigaction sa = {.sa_handler = die_on_signal};
    for (size_t i = 0; i < sizeof sigs / sizeof *sigs; i++)
        sigaction(sigs[i], &sa, NULL);

    for (;;) {
        struct pollfd p[2] = {{g.ctl_in, POLLIN, 0}, {g.listen_fd, POLLIN, 0}};
        if (g.ctl_in < 0 && g.listen_fd < 0)
            _exit(125); /* nobody can start us any more */
        if (poll(p, 2, -1) < 0) {
            if (errno == EINTR)
                continue;
            return -errno;
        }
        if (p[0].revents) {
            struct msg_hdr h;
            int r = msg_recv(g.ctl_in, &h, g_msgbuf, sizeof g_msgbuf);
            if (r <= 0) {
                /* create returned: from now on only the start socket can start us */
                close_ctl();
                if (g.ctl_out >= 0)
                    close(g.ctl_out);
                g.ctl_out = g.report_fd = -1;
                continue;
            }
            if (h.type != MSG_START)
                continue;
            g.state = g_msgbuf;
            g.state_len = h.len;
            break;
        }
        if (p[1].revents) {
            int conn = accept4(g.listen_fd, NULL, NULL, SOCK_CLOEXEC);
            if (conn < 0)
                continue;
            ssize_t n = recv(conn, g_msgbuf, sizeof g_msgbuf, 0);
            struct msg_hdr h;
            if (n < (ssize_t)sizeof h) {
                close(conn);
                continue;
            }
            memcpy(&h, g_msgbuf, sizeof h);
            if (h.type != MSG_START || h.len != (size_t)n - sizeof h) {
                close(conn);
                continue;
            }
            /* errors from here on go to whoever started us */
            close_ctl();
            if (g.ctl_out >= 0)
                close(g.ctl_out);
            g.ctl_out = -1;
            g.report_fd = conn;
            g.state = g_msgbuf + sizeof h;
            g.state_len = h.len;
            break;
        }
    }
    close_ctl();
    if (g.listen_fd >= 0) {
        close(g.listen_fd);
        g.listen_fd = -1;
        unlinkat(g.dir_fd, g.listen_name, 0); /* the container now counts as running */
    }
    if (g.dir_fd >= 0) {
        close(g.dir_fd);
        g.dir_fd = -1;
    }
    struct sigaction dfl = {.sa_handler = SIG_DFL};
    for (size_t i = 0; i < sizeof sigs / sizeof *sigs; i++)
        sigaction(sigs[i], &dfl, NULL);
    return 0;
}

/* `start`: hand the state to the waiting container; it closes the socket when it has exec'd. */
int op_start_client(struct cur *c)
{
    const char *dir = cur_str(c), *name = cur_str(c);
    size_t len;
    const void *state = cur_bytes(c, &len);
    struct sockaddr_un a;
    unsigned alen;
    int tmp, r;
    if ((r = unix_addr(dir, name, &a, &alen, &tmp)) < 0)
        return r;
    int s = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
    if (s < 0)
        return -errno;
    r = connect(s, (struct sockaddr *)&a, alen) < 0 ? -errno : 0;
    if (tmp >= 0)
        close(tmp);
    if (r < 0) {
        close(s);
        detail("the container is not waiting to be started");
        return r;
    }
    if ((r = msg_send(s, MSG_START, state, len)) < 0) {
        close(s);
        return r;
    }
    ssize_t n;
    do
        n = recv(s, g_msgbuf, sizeof g_msgbuf, 0);
    while (n < 0 && errno == EINTR);
    close(s);
    if (n == 0)
        return 0; /* closed on exec: started */
    struct msg_hdr h;
    if (n >= (ssize_t)sizeof h) {
        memcpy(&h, g_msgbuf, sizeof h);
        if (h.type == MSG_ERROR && h.len == (size_t)n - sizeof h) {
            /* pass the container's own error on, and stop without reporting ours */
            msg_send(g.report_fd, MSG_ERROR, g_msgbuf + sizeof h, h.len);
            _exit(1);
        }
    }
    detail("unexpected reply from the container");
    return n < 0 ? -errno : -EPROTO;
}
