/*
 * The front: the runtime's own process.  bin/hull-runtime execs `hull-exec --front -- java ...`;
 * the front starts the JVM as its child and then forks one executor per program the JVM sends
 * (SPAWN), so that the JVM never starts a process itself (ProcessBuilder costs ~17 ms of a fresh
 * JVM, most of it in the JDK's logger lookup).  Each executor gets two fresh pipes, which the JVM
 * opens through /proc/<front>/fd: an executor's channel closes exactly when the executor (and the
 * container it cloned) let go of it, which is how the runtime learns that a container exec'd.
 * The front reports every executor's exit (EXITED), forwards signals to the executor of a
 * foreground run (which passes them to the container), and exits with the JVM's status: when
 * the JVM sends it (FINISHED, bin/hull), at once, else when the JVM has exited.
 *
 * `hull-exec --broker` is the same service for a JVM that started us itself (stdin/stdout are the
 * channel); it takes over the JVM's stdin/stdout so that containers get the caller's stdio.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/signalfd.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "hull.h"

/* high enough to stay clear of the --preserve-fds range the caller hands us */
#define FRONT_FD_MIN 200

static int park_high(int fd, int cloexec)
{
    int n = fcntl(fd, cloexec ? F_DUPFD_CLOEXEC : F_DUPFD, FRONT_FD_MIN);
    if (n < 0)
        return -1;
    close(fd);
    return n;
}

/* Does the program end in a foreground run (CLONE with parent mode 1, 2 or 4)? */
static int foreground(const struct prog *p)
{
    for (uint32_t i = 0; i < p->nsteps; i++) {
        if (p->steps[i]->op == OP_CLONE) {
            struct cur c;
            cur_init(&c, p->steps[i]);
            cur_int(&c);
            int64_t mode = cur_int(&c);
            return mode == 1 || mode == 2 || mode == 4; /* 3: a detached monitor */
        }
    }
    return 0;
}

struct pending {
    int w, r; /* our copies of the new executor's pipes, until the runtime has opened them */
};

static pid_t spawn(int in, int out, int sfd, const unsigned char *buf, size_t len,
                   struct pending *pend, pid_t *target)
{
    struct prog p;
    int r = prog_from_buffer((unsigned char *)buf, len, &p);
    if (r < 0) {
        dprintf(2, "hull-exec: bad program from the runtime: %s\n", strerror(-r));
        return -1;
    }
    int to[2], from[2];
    if (pipe2(to, O_CLOEXEC) < 0)
        return -1;
    if (pipe2(from, O_CLOEXEC) < 0) {
        close(to[0]);
        close(to[1]);
        return -1;
    }
    pid_t pid = fork();
    if (pid < 0) {
        close(to[0]), close(to[1]), close(from[0]), close(from[1]);
        return -1;
    }
    if (pid == 0) {
        close(in);
        close(out);
        close(sfd);
        close(to[1]);
        close(from[0]);
        reset_signals();
        g.ctl_in = to[0];
        g.ctl_out = from[1];
        g.report_fd = g.ctl_out;
        _exit(run_program(&p));
    }
    close(to[0]);
    close(from[1]);
    if (foreground(&p))
        *target = pid;
    pend->w = to[1];
    pend->r = from[0];
    int32_t m[3] = {pid, to[1], from[0]};
    msg_send(out, MSG_SPAWNED, m, sizeof m);
    return pid;
}

static void close_pending(struct pending *pend)
{
    if (pend->w >= 0)
        close(pend->w);
    if (pend->r >= 0)
        close(pend->r);
    pend->w = pend->r = -1;
}

/*
 * The service loop.  Returns the JVM's status once it has closed the channel (0 for a broker).
 * SPAWN payloads can be large (a program of up to PROG_MAX bytes): they get their own mapping.
 */
int serve(int in, int out, pid_t jvm)
{
    sigset_t set;
    sigemptyset(&set);
    int fwd[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2, SIGWINCH};
    for (size_t i = 0; i < sizeof fwd / sizeof *fwd; i++)
        sigaddset(&set, fwd[i]);
    sigaddset(&set, SIGCHLD);
    sigprocmask(SIG_BLOCK, &set, NULL);
    signal(SIGPIPE, SIG_IGN); /* a runtime gone while we report: just stop reporting */
    int sfd = signalfd(-1, &set, SFD_CLOEXEC);
    if (sfd < 0)
        return 125;
    int high = fcntl(sfd, F_DUPFD_CLOEXEC, FRONT_FD_MIN); /* low fds may be --preserve-fds */
    if (high >= 0) {
        close(sfd);
        sfd = high;
    }
    struct pending pend = {-1, -1};
    pid_t target = 0;
    int jvm_status = -1, channel_open = 1, finished = 0;
    while (channel_open) {
        struct pollfd p[2] = {{in, POLLIN, 0}, {sfd, POLLIN, 0}};
        if (poll(p, 2, -1) < 0) {
            if (errno == EINTR)
                continue;
            break;
        }
        if (p[1].revents) {
            struct signalfd_siginfo si;
            if (read(sfd, &si, sizeof si) == sizeof si) {
                if (si.ssi_signo == SIGCHLD) {
                    int st;
                    pid_t w;
                    while ((w = waitpid(-1, &st, WNOHANG)) > 0) {
                        if (w == jvm) {
                            jvm_status = status_of(st);
                            continue;
                        }
                        if (w == target)
                            target = 0;
                        int32_t m[2] = {w, status_of(st)};
                        msg_send(out, MSG_EXITED, m, sizeof m);
                    }
                } else if (target > 0) {
                    kill(target, (int)si.ssi_signo); /* it passes the signal to the container */
                } else if (jvm > 0 && jvm_status < 0 && si.ssi_signo != SIGWINCH) {
                    kill(jvm, (int)si.ssi_signo);
                }
            }
        }
        if (p[0].revents) {
            struct msg_hdr h;
            int r = read_all(in, &h, sizeof h);
            if (r <= 0) {
                channel_open = 0;
                break;
            }
            if (h.type == MSG_SPAWN) {
                if (h.len > PROG_MAX) {
                    dprintf(2, "hull-exec: program of %u bytes is too large\n", h.len);
                    break;
                }
                unsigned char *buf = mmap(NULL, h.len ? h.len : 1, PROT_READ | PROT_WRITE,
                                          MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
                if (buf == MAP_FAILED || read_all(in, buf, h.len) <= 0)
                    break;
                close_pending(&pend);
                if (spawn(in, out, sfd, buf, h.len, &pend, &target) < 0) {
                    int32_t m[3] = {-1, -1, -1};
                    msg_send(out, MSG_SPAWNED, m, sizeof m);
                }
                munmap(buf, h.len ? h.len : 1);
            } else {
                if (h.len && (h.len > sizeof g_msgbuf || read_all(in, g_msgbuf, h.len) <= 0))
                    break;
                if (h.type == MSG_OPENED)
                    close_pending(&pend);
                if (h.type == MSG_FINISHED && h.len == 4 && jvm > 0) {
                    /* the JVM has said all it will say and only halts now: its teardown
                     * (unmapping its heap and archive, ~5 ms) need not hold up the caller */
                    int32_t st;
                    memcpy(&st, g_msgbuf, sizeof st);
                    jvm_status = st & 0xff;
                    finished = 1;
                    break;
                }
            }
        }
    }
    close_pending(&pend);
    if (jvm <= 0)
        return 0;
    if (finished)
        return jvm_status; /* the JVM, halting, is left to whoever reaps orphans */
    while (jvm_status < 0) {
        int st;
        pid_t w = waitpid(jvm, &st, 0);
        if (w == jvm)
            jvm_status = status_of(st);
        else if (w < 0 && errno != EINTR)
            break;
    }
    return jvm_status < 0 ? 125 : jvm_status;
}

int front_main(char **java)
{
    int jf[2], fj[2]; /* JVM -> front, front -> JVM */
    if (pipe2(jf, O_CLOEXEC) < 0 || pipe2(fj, O_CLOEXEC) < 0) {
        dprintf(2, "hull-exec: pipe: %s\n", strerror(errno));
        return 125;
    }
    int in = park_high(jf[0], 1), out = park_high(fj[1], 1);
    int jw = park_high(jf[1], 0), jr = park_high(fj[0], 0); /* inherited by the JVM only */
    if (in < 0 || out < 0 || jw < 0 || jr < 0) {
        dprintf(2, "hull-exec: cannot place the runtime's channel: %s\n", strerror(errno));
        return 125;
    }
    /* signals are blocked before the fork: none is lost before serve() listens for them */
    sigset_t set, old;
    sigfillset(&set);
    sigprocmask(SIG_BLOCK, &set, &old);
    pid_t jvm = fork();
    if (jvm < 0) {
        dprintf(2, "hull-exec: fork: %s\n", strerror(errno));
        return 125;
    }
    if (jvm == 0) {
        sigprocmask(SIG_SETMASK, &old, NULL);
        char env[96];
        snprintf(env, sizeof env, "%d %d %d", (int)getppid(), jr, jw);
        setenv("HULL_FRONT", env, 1);
        execv(java[0], java);
        dprintf(2, "hull-runtime: cannot start %s: %s\n", java[0], strerror(errno));
        _exit(127);
    }
    close(jw);
    close(jr);
    sigprocmask(SIG_SETMASK, &old, NULL);
    return serve(in, out, jvm);
}

int broker_main(void)
{
    /* our stdin/stdout are the channel; the JVM's own stdio becomes ours, for the containers */
    int in = park_high(0, 1), out = park_high(1, 1);
    if (in < 0 || out < 0)
        return 125;
    int pidfd = (int)syscall(SYS_pidfd_open, getppid(), 0);
    for (int fd = 0; fd < 2; fd++) {
        int got = pidfd >= 0 ? (int)syscall(SYS_pidfd_getfd, pidfd, fd, 0) : -1;
        if (got < 0)
            got = open("/dev/null", O_RDWR | O_CLOEXEC);
        if (got >= 0 && got != fd) {
            dup2(got, fd);
            close(got);
        }
    }
    if (pidfd >= 0)
        close(pidfd);
    return serve(in, out, 0);
}
