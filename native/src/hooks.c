/* OCI hooks run by the executor: createContainer/startContainer in the container, and the
 * runtime-namespace hooks (prestart, createRuntime, poststart, poststop) for the runtime, which
 * cannot set argv[0] apart from the path with ProcessBuilder. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "hull.h"

extern char **environ;

int op_sync_hooks(struct cur *c)
{
    (void)c;
    struct msg_hdr h;
    int r = msg_send(g.ctl_out, MSG_HOOKS, NULL, 0);
    if (r < 0)
        return r;
    r = msg_recv(g.ctl_in, &h, g_msgbuf, sizeof g_msgbuf);
    if (r == 0)
        _exit(125); /* the runtime went away (its hook failed and it is cleaning up, or it died) */
    if (r < 0)
        return r;
    if (h.type != MSG_HOOKS_DONE) {
        detail("expected HOOKS_DONE from the runtime, got message %u", h.type);
        return -EPROTO;
    }
    if (h.len > sizeof g_created_state) {
        detail("state of %u bytes from the runtime", h.len);
        return -E2BIG;
    }
    /* a copy: the seccomp agent gets this state after WAIT_START has reused g_msgbuf */
    memcpy(g_created_state, g_msgbuf, h.len);
    g.created_state_len = h.len;
    g.state = g_created_state;
    g.state_len = h.len;
    return 0;
}

static long long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Keeps the last bytes a hook wrote, for the error message. */
static char out_tail[512];
static size_t out_len;

static void keep_output(const char *buf, size_t n)
{
    if (n >= sizeof out_tail - 1) {
        memcpy(out_tail, buf + n - (sizeof out_tail - 1), sizeof out_tail - 1);
        out_len = sizeof out_tail - 1;
    } else {
        size_t keep = out_len + n > sizeof out_tail - 1 ? sizeof out_tail - 1 - n : out_len;
        memmove(out_tail, out_tail + out_len - keep, keep);
        memcpy(out_tail + keep, buf, n);
        out_len = keep + n;
    }
    out_tail[out_len] = 0;
}

int op_hook(struct cur *c)
{
    const char *path = cur_str(c);
    char *const *args = cur_strv(c);
    char *const *env = cur_strv(c);
    long long timeout = cur_int(c);
    const char *name = cur_str(c);
    int inherit_env = (int)cur_int(c); /* hook.env absent: the runtime's; given (even empty): that */
    char *const def_args[] = {(char *)path, NULL};
    if (c->bad)
        return -EBADMSG;
    if (!args[0])
        args = def_args;
    if (inherit_env)
        env = environ;

    /* A hook that exits without reading its stdin must not kill us with SIGPIPE: ignore it while
     * we feed the hook, and give the hook (and later the container's program) the old action. */
    struct sigaction ign = {.sa_handler = SIG_IGN}, old_pipe;
    sigaction(SIGPIPE, &ign, &old_pipe);
    int in[2], out[2];
    if (pipe2(in, O_CLOEXEC) < 0) {
        sigaction(SIGPIPE, &old_pipe, NULL);
        return -errno;
    }
    if (pipe2(out, O_CLOEXEC) < 0) {
        int e = errno;
        close(in[0]);
        close(in[1]);
        sigaction(SIGPIPE, &old_pipe, NULL);
        return -e;
    }
    pid_t pid = fork();
    if (pid < 0) {
        int e = errno;
        detail("fork for %s", name);
        close(in[0]);
        close(in[1]);
        close(out[0]);
        close(out[1]);
        sigaction(SIGPIPE, &old_pipe, NULL);
        return -e;
    }
    if (pid == 0) {
        sigaction(SIGPIPE, &old_pipe, NULL);
        dup2(in[0], 0);
        dup2(out[1], 1);
        dup2(out[1], 2);
        /* the state on stdin is all a hook gets, as with runc: not the control channel, the start
         * socket, --preserve-fds or whatever else the caller left open without close-on-exec
         * (a createContainer or startContainer hook runs in the container) */
        syscall(SYS_close_range, 3, ~0U, 0);
        execve(path, args, env);
        dprintf(2, "exec %s: %s", path, strerror(errno));
        _exit(127);
    }
    close(in[0]);
    close(out[1]);
    fcntl(in[1], F_SETFL, O_NONBLOCK);
    int pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
    const char *st = g.state;
    size_t left = g.state ? g.state_len : 0;
    if (!left) {
        close(in[1]);
        in[1] = -1;
    }
    out_len = 0;
    out_tail[0] = 0;
    long long deadline = timeout > 0 ? now_ms() + timeout * 1000 : -1;
    int timed_out = 0, exited = 0, orphaned = 0;
    while (!exited) {
        /* the control channel (events 0: only POLLHUP/POLLERR) tells us if the runtime died: a
         * hook must not outlive it (delete --force cannot know about the hook) */
        struct pollfd p[4] = {{pidfd, POLLIN, 0}, {out[0], POLLIN, 0}, {in[1], POLLOUT, 0},
                              {g.ctl_in, 0, 0}};
        int wait = -1;
        if (deadline >= 0) {
            long long ms = deadline - now_ms();
            if (ms <= 0) {
                timed_out = 1;
                break;
            }
            wait = ms > 1000000 ? 1000000 : (int)ms;
        }
        int n = poll(p, 4, wait);
        if (n < 0 && errno != EINTR)
            break;
        if (n <= 0)
            continue;
        if (p[1].revents) {
            char buf[512];
            ssize_t k = read(out[0], buf, sizeof buf);
            if (k > 0)
                keep_output(buf, (size_t)k);
            else {
                close(out[0]);
                out[0] = -1;
            }
        }
        if (p[2].revents) {
            ssize_t k = write(in[1], st, left);
            if (k > 0) {
                st += k;
                left -= (size_t)k;
            }
            if (k < 0 && errno != EAGAIN) /* the hook does not read its stdin: fine */
                left = 0;
            if (!left) {
                close(in[1]);
                in[1] = -1;
            }
        }
        if (p[0].revents || pidfd < 0)
            exited = 1;
        else if (p[3].revents & (POLLHUP | POLLERR)) {
            orphaned = 1;
            break;
        }
    }
    if (timed_out || orphaned)
        kill(pid, SIGKILL);
    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
        ;
    if (pidfd >= 0)
        close(pidfd);
    /* drain what the hook wrote last */
    if (out[0] >= 0) {
        char buf[512];
        ssize_t k;
        fcntl(out[0], F_SETFL, O_NONBLOCK);
        while ((k = read(out[0], buf, sizeof buf)) > 0)
            keep_output(buf, (size_t)k);
        close(out[0]);
    }
    if (in[1] >= 0)
        close(in[1]);
    sigaction(SIGPIPE, &old_pipe, NULL);
    while (out_len && (out_tail[out_len - 1] == '\n' || out_tail[out_len - 1] == ' '))
        out_tail[--out_len] = 0;
    if (orphaned) {
        detail("%s (%s) killed: the runtime went away", name, path);
        return -HULL_EDETAIL;
    }
    if (timed_out) { /* the detail says it all: ETIMEDOUT would read "Connection timed out" */
        detail("%s (%s) did not finish within %llds and was killed", name, path, timeout);
        return -HULL_EDETAIL;
    }
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
        return 0;
    if (WIFEXITED(status))
        detail("%s (%s) exited with status %d%s%s", name, path, WEXITSTATUS(status),
               out_len ? ": " : "", out_tail);
    else
        detail("%s (%s) was killed by signal %d%s%s", name, path, WTERMSIG(status),
               out_len ? ": " : "", out_tail);
    return -HULL_EDETAIL;
}
