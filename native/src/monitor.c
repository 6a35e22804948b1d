/*
 * The monitor: the executor's parent P as the container's lifelong parent (parent modes 3 and 4),
 * a much smaller conmon.  MONITOR (before the clone, in the runtime's namespaces) opens the log
 * file, the exit file's directory and /dev/null, and makes the pipes of C's stdio (or the
 * socketpair its pty master comes back on).  After the clone C puts the pipe ends on 0/1/2;
 * P logs every line C writes in the CRI / k8s-file format
 *     2026-12-02T14:51:07.123456789Z stdout F text
 * (F: a full line, P: a partial chunk: a line longer than the buffer, or data without a newline
 * at the end), waits for C, writes the exit file atomically and then, detached, execs the
 * on-exit command (the engine's hook for restart policies and --rm).  Attached (a foreground
 * run) it also copies the output to the caller and forwards signals, and exits with C's status.
 * With a log max size (docker's --log-opt max-size/max-file), a record that would take the log
 * past it first rotates the log: log.1 becomes log.2 and so on, the log log.1, up to max-file
 * files in all; with one file the log starts over.
 * Attached with a terminal, stdin and detach keys (docker's ctrl-p ctrl-q), P watches the caller's
 * keys for them: on the sequence it leaves the caller (terminal restored, stdio on /dev/null, its
 * own session), writes "detached" next to the exit file, tells the waiter that ns.c put between
 * the front and P (which then exits and so ends the caller's run) and stays the container's monitor
 * as a detached one, on-exit command included.
 * Nothing here allocates: every buffer is static.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "hull.h"

extern char **environ;

#define MON_BUF 16384 /* a line longer than this is logged in P chunks */
#define DRAIN_MS 100  /* after C exits: how long its children may keep the pipes busy */

static struct {
    int on, attach, stdin_open, tty;
    int log_fd, dir_fd, null_fd;
    int log_dir_fd;        /* the log's directory, for rotation (-1: the log is not rotated) */
    long long log_max, log_size;
    int log_files;
    const char *log_name;  /* inside the program's mapping */
    const char *detach_keys; /* inside the program's mapping; "" when the caller cannot detach */
    size_t keys_len, keys_seen;
    int report_fd;         /* the waiter's pipe (-1: none) */
    const char *exit_name; /* inside the program's mapping */
    char *const *on_exit;
    int out[2], err[2], in[2], sv[2];
} m = {.log_fd = -1, .dir_fd = -1, .null_fd = -1, .log_dir_fd = -1, .report_fd = -1, .out = {-1, -1}, .err = {-1, -1},
       .in = {-1, -1}, .sv = {-1, -1}};

struct stream {
    int fd;           /* read end; -1 at end of file */
    int copy;         /* attached: the caller's fd the output is copied to, else -1 */
    const char *name; /* "stdout", "stderr" */
    size_t len;       /* bytes of an unfinished line in buf */
    char buf[MON_BUF];
};

static struct stream s_out, s_err;

static void close_fd(int *fd)
{
    if (*fd >= 0)
        close(*fd);
    *fd = -1;
}

/* The directory of path as an O_PATH fd; *name gets its last component. */
static int open_dir_of(const char *path, const char **name)
{
    const char *slash = strrchr(path, '/');
    *name = slash ? slash + 1 : path;
    char dir[4096];
    size_t dlen = slash ? (size_t)(slash - path) : 0;
    if (dlen >= sizeof dir) {
        errno = ENAMETOOLONG;
        return -1;
    }
    memcpy(dir, path, dlen);
    dir[dlen] = 0;
    return open(!slash ? "." : dlen ? dir : "/", O_PATH | O_DIRECTORY | O_CLOEXEC);
}

/* S log, S exit file, I attach, I stdin open, I tty, I log max size, I log files, S detach keys, V on-exit argv */
int op_monitor(struct cur *c)
{
    const char *log = cur_str(c), *exit_path = cur_str(c);
    m.attach = (int)cur_int(c);
    m.stdin_open = (int)cur_int(c);
    m.tty = (int)cur_int(c);
    m.log_max = cur_int(c);
    m.log_files = (int)cur_int(c);
    m.detach_keys = cur_str(c);
    m.on_exit = cur_strv(c);
    if (c->bad)
        return 0; /* reported as a malformed program */
    m.keys_len = strlen(m.detach_keys);
    if (m.keys_len > 32) {
        detail("monitor: detach keys longer than 32 bytes");
        return -EINVAL;
    }
    const char *slash = strrchr(exit_path, '/');
    m.exit_name = slash ? slash + 1 : exit_path;
    if (!*log || !*m.exit_name || strlen(m.exit_name) > 250) {
        detail("monitor: bad log file \"%s\" or exit file \"%s\"", log, exit_path);
        return -EINVAL;
    }
    m.log_fd = open(log, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOCTTY, 0640);
    if (m.log_fd < 0) {
        detail("open the log file %s", log);
        return -errno;
    }
    if (m.log_max > 0) {
        m.log_dir_fd = open_dir_of(log, &m.log_name);
        if (m.log_dir_fd < 0) {
            detail("open the log file's directory (%s)", log);
            return -errno;
        }
        if (m.log_files < 1 || m.log_files > 1000 || strlen(m.log_name) > 240) {
            detail("monitor: bad log rotation (%d files) or log file name \"%s\"", m.log_files, log);
            return -EINVAL;
        }
        m.log_size = lseek(m.log_fd, 0, SEEK_END);
    }
    /* a directory fd: the exit file lands here even if P joins another mount namespace */
    m.dir_fd = open_dir_of(exit_path, &m.exit_name);
    if (m.dir_fd < 0) {
        detail("open the exit file's directory (%s)", exit_path);
        return -errno;
    }
    m.null_fd = open("/dev/null", O_RDWR | O_CLOEXEC);
    if (m.null_fd < 0) {
        detail("open /dev/null");
        return -errno;
    }
    if (m.tty) {
        if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, m.sv) < 0)
            return -errno;
    } else if (pipe2(m.out, O_CLOEXEC) < 0 || pipe2(m.err, O_CLOEXEC) < 0) {
        detail("monitor: pipes for the container's output");
        return -errno;
    }
    if (!m.attach && !m.tty && m.stdin_open && pipe2(m.in, O_CLOEXEC) < 0)
        return -errno;
    m.on = 1;
    return 0;
}

int monitor_ready(void)
{
    return m.on;
}

int monitor_detachable(void)
{
    return m.on && m.attach && m.tty && m.stdin_open && m.detach_keys && m.detach_keys[0];
}

void monitor_report_to(int fd)
{
    m.report_fd = fd;
}

/* In C, first thing after the clone: its stdio becomes the monitor's pipes. */
int monitor_child(void)
{
    /* attached: the caller's stdin with stdin_open (docker run -i), else /dev/null as Docker gives */
    int in = m.attach ? (m.stdin_open ? -1 : m.null_fd) : m.stdin_open && m.in[0] >= 0 ? m.in[0] : m.null_fd;
    int out = m.tty ? (m.attach ? -1 : m.null_fd) : m.out[1];
    int err = m.tty ? (m.attach ? -1 : m.null_fd) : m.err[1];
    /* with a tty, EXEC puts the pty slave on 0/1/2; until then a detached C holds none of the
     * caller's stdio */
    if ((in >= 0 && dup2(in, 0) < 0) || (out >= 0 && dup2(out, 1) < 0) || (err >= 0 && dup2(err, 2) < 0)) {
        detail("monitor: the container's stdio");
        return -errno;
    }
    if (m.tty) {
        close_fd(&m.sv[0]);
        g.console_fd = m.sv[1]; /* CONSOLE sends the pty master over it, as in parent mode 2 */
        m.sv[1] = -1;
    }
    close_fd(&m.out[0]), close_fd(&m.out[1]), close_fd(&m.err[0]), close_fd(&m.err[1]);
    close_fd(&m.in[0]), close_fd(&m.in[1]);
    close_fd(&m.log_fd), close_fd(&m.dir_fd), close_fd(&m.null_fd);
    return 0;
}

/* ---- P ---- */

static int timestamp(char *buf, size_t cap)
{
    struct timespec ts;
    struct tm tm;
    clock_gettime(CLOCK_REALTIME, &ts);
    gmtime_r(&ts.tv_sec, &tm);
    return snprintf(buf, cap, "%04d-%02d-%02dT%02d:%02d:%02d.%09ldZ", tm.tm_year + 1900, tm.tm_mon + 1,
                    tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, ts.tv_nsec);
}

/*
 * log.N-1 → log.N ... log → log.1 and a new log on the same fd number; with one file the log is
 * emptied.  Failures leave the log as it is: records are lost before the container is.
 */
static void rotate_log(void)
{
    if (m.log_files == 1) {
        if (ftruncate(m.log_fd, 0) == 0)
            m.log_size = 0;
        return;
    }
    char from[256], to[256];
    for (int i = m.log_files - 1; i >= 1; i--) {
        if (i == 1)
            snprintf(from, sizeof from, "%s", m.log_name);
        else
            snprintf(from, sizeof from, "%s.%d", m.log_name, i - 1);
        snprintf(to, sizeof to, "%s.%d", m.log_name, i);
        if (renameat(m.log_dir_fd, from, m.log_dir_fd, to) < 0 && errno != ENOENT)
            return;
    }
    int fd = openat(m.log_dir_fd, m.log_name, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOCTTY | O_NOFOLLOW, 0640);
    if (fd < 0)
        return;
    if (dup3(fd, m.log_fd, O_CLOEXEC) >= 0)
        m.log_size = 0;
    close(fd);
}

static void log_record(const char *stream, char flag, const char *text, size_t len)
{
    char hdr[64];
    int h = timestamp(hdr, sizeof hdr);
    h += snprintf(hdr + h, sizeof hdr - (size_t)h, " %s %c ", stream, flag);
    long long size = h + (long long)len + 1;
    if (m.log_max > 0 && m.log_size > 0 && m.log_size + size > m.log_max)
        rotate_log();
    struct iovec iov[3] = {{hdr, (size_t)h}, {(void *)text, len}, {"\n", 1}};
    ssize_t n;
    do /* O_APPEND: one record, one write; a full disk loses records, not the container */
        n = writev(m.log_fd, iov, 3);
    while (n < 0 && errno == EINTR);
    if (n > 0)
        m.log_size += n;
}

/* Reads what is there, copies it to the caller (attached), logs every complete line. */
static void pump(struct stream *s)
{
    ssize_t n = read(s->fd, s->buf + s->len, sizeof s->buf - s->len);
    if (n < 0 && (errno == EINTR || errno == EAGAIN))
        return;
    if (n <= 0) { /* end of file, or EIO: every pty slave is closed */
        close_fd(&s->fd);
        return;
    }
    if (s->copy >= 0 && write_all(s->copy, s->buf + s->len, (size_t)n) < 0)
        s->copy = -1; /* the caller stopped reading: keep logging */
    size_t start = 0, end = s->len + (size_t)n;
    for (size_t i = s->len; i < end; i++) {
        if (s->buf[i] == '\n') {
            log_record(s->name, 'F', s->buf + start, i - start);
            start = i + 1;
        }
    }
    s->len = end - start;
    memmove(s->buf, s->buf + start, s->len);
    if (s->len == sizeof s->buf) {
        log_record(s->name, 'P', s->buf, s->len);
        s->len = 0;
    }
}

/*
 * The caller's keys to the pty, but for the detach sequence: a key that may begin it is held until
 * the next one tells.  Returns 1 on the whole sequence (the keys after it are dropped), -1 when
 * the pty cannot be written.
 */
static int keys_to_pty(int master, const char *buf, size_t n)
{
    char out[4096 + 64];
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        if (m.keys_len && buf[i] == m.detach_keys[m.keys_seen]) {
            if (++m.keys_seen == m.keys_len) {
                m.keys_seen = 0;
                return write_all(master, out, o) < 0 ? -1 : 1;
            }
            continue;
        }
        memcpy(out + o, m.detach_keys, m.keys_seen); /* not the sequence after all */
        o += m.keys_seen;
        m.keys_seen = 0;
        if (m.keys_len && buf[i] == m.detach_keys[0])
            m.keys_seen = 1;
        else
            out[o++] = buf[i];
    }
    return write_all(master, out, o) < 0 ? -1 : 0;
}

/* The caller detached: P becomes a detached monitor (see the top of this file). */
static void detach(void)
{
    tty_restore();
    int fd = openat(m.dir_fd, "detached", O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0640);
    if (fd >= 0)
        close(fd);
    if (m.report_fd >= 0 && write(m.report_fd, "D", 1) < 0)
        detail("monitor: tell the waiter");
    close_fd(&m.report_fd);
    m.attach = 0;
    s_out.copy = -1;
    s_err.copy = -1;
    signal(SIGHUP, SIG_IGN);
    setsid();
    if (chdir("/") < 0)
        detail("monitor: chdir /");
    int null = open("/dev/null", O_RDWR | O_CLOEXEC);
    for (int i = 0; null >= 0 && i < 3; i++)
        dup2(null, i);
    if (null > 2)
        close(null);
}

static void flush_partial(struct stream *s)
{
    if (s->len)
        log_record(s->name, 'P', s->buf, s->len);
    s->len = 0;
}

static void write_exit_file(int st, const char *finished)
{
    int sig = WIFSIGNALED(st) ? WTERMSIG(st) : 0;
    char json[160], tmp[256];
    int n = snprintf(json, sizeof json, "{\"exitCode\":%d,\"signal\":%d,\"finishedAt\":\"%s\"}\n",
                     status_of(st), sig, finished);
    snprintf(tmp, sizeof tmp, "%s.tmp", m.exit_name);
    int fd = openat(m.dir_fd, tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0640);
    if (fd < 0)
        return;
    int r = write_all(fd, json, (size_t)n);
    close(fd);
    if (r < 0 || renameat(m.dir_fd, tmp, m.dir_fd, m.exit_name) < 0)
        unlinkat(m.dir_fd, tmp, 0);
}

/* Closes every fd from 3 up except those in keep (n of them, -1 entries ignored). */
static void close_except(int *keep, int n)
{
    for (int i = 1; i < n; i++) /* insertion sort: a handful of fds */
        for (int k = i; k > 0 && keep[k] < keep[k - 1]; k--) {
            int t = keep[k];
            keep[k] = keep[k - 1];
            keep[k - 1] = t;
        }
    unsigned lo = 3;
    for (int i = 0; i < n; i++) {
        if (keep[i] < (int)lo)
            continue;
        if ((unsigned)keep[i] > lo)
            syscall(SYS_close_range, lo, (unsigned)keep[i] - 1, 0U);
        lo = (unsigned)keep[i] + 1;
    }
    syscall(SYS_close_range, lo, ~0U, 0U);
}

static long ms_left(const struct timespec *deadline)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (deadline->tv_sec - now.tv_sec) * 1000 + (deadline->tv_nsec - now.tv_nsec) / 1000000;
}

/*
 * P after reporting C's pid (ns.c closed the control channel).  The forwarded signals, SIGCHLD
 * and SIGWINCH were blocked before the clone (old: the mask before that).  Never returns.
 */
void monitor_run(pid_t child, const sigset_t *old)
{
    close_fd(&m.out[1]), close_fd(&m.err[1]), close_fd(&m.in[0]), close_fd(&m.sv[1]);
    signal(SIGPIPE, SIG_IGN);
    if (!m.attach) {
        /* outlive the caller: its own session, no cwd or stdio of the caller's */
        signal(SIGHUP, SIG_IGN);
        setsid();
        if (chdir("/") < 0)
            _exit(125);
        for (int fd = 0; fd < 3; fd++)
            dup2(m.null_fd, fd);
    } else if (!m.tty) {
        close(0); /* C has the caller's stdin; attached without a tty P only writes */
    }
    close_fd(&m.null_fd);
    int keep[] = {m.log_fd, m.dir_fd, m.log_dir_fd, m.out[0], m.err[0], m.in[1], m.sv[0], m.report_fd};
    close_except(keep, (int)(sizeof keep / sizeof *keep));
    g.console_fd = -1;

    int master = -1;
    if (m.tty) {
        master = recv_fd(m.sv[0]); /* -1: C failed before it had a terminal */
        close_fd(&m.sv[0]);
        if (master >= 0 && m.attach && m.stdin_open)
            tty_raw(master);
        else if (master >= 0 && m.attach) /* run -t without -i: a terminal, none of our keys */
            tty_size(master);
    }
    s_out = (struct stream){.fd = m.tty ? master : m.out[0], .copy = m.attach ? 1 : -1, .name = "stdout"};
    s_err = (struct stream){.fd = m.err[0], .copy = m.attach ? 2 : -1, .name = "stderr"};
    if (s_out.fd >= 0)
        fcntl(s_out.fd, F_SETFL, O_NONBLOCK);
    if (s_err.fd >= 0)
        fcntl(s_err.fd, F_SETFL, O_NONBLOCK);
    /* attached tty with -i: the caller's keys to the pty (Docker's -t alone sends none) */
    int in = m.attach && master >= 0 && m.stdin_open ? 0 : -1;

    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGCHLD);
    if (m.attach) { /* as parent mode 1: INT, TERM, HUP, QUIT, USR1/2 go to C */
        int fwd[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2, SIGWINCH};
        for (size_t i = 0; i < sizeof fwd / sizeof *fwd; i++)
            sigaddset(&set, fwd[i]);
    } else {
        sigset_t mask = *old; /* detached: signals act on P as usual, only SIGCHLD is read */
        sigaddset(&mask, SIGCHLD);
        sigprocmask(SIG_SETMASK, &mask, NULL);
    }
    int sfd = signalfd(-1, &set, SFD_CLOEXEC);

    int done = 0, st = 0;
    char finished[64] = "";
    struct timespec deadline = {0, 0};
    for (;;) {
        int timeout = -1;
        if (done) {
            long left = ms_left(&deadline);
            if ((s_out.fd < 0 && s_err.fd < 0) || left <= 0)
                break;
            timeout = (int)left;
        }
        struct pollfd p[4] = {{sfd, POLLIN, 0}, {s_out.fd, POLLIN, 0}, {s_err.fd, POLLIN, 0}, {in, POLLIN, 0}};
        int n = poll(p, 4, timeout);
        if (n < 0 && errno != EINTR)
            break;
        if (n <= 0)
            continue;
        if (p[1].revents)
            pump(&s_out);
        if (p[2].revents)
            pump(&s_err);
        if (p[3].revents) {
            char buf[4096];
            ssize_t r = read(0, buf, sizeof buf);
            int k = r <= 0 ? -1 : keys_to_pty(master, buf, (size_t)r);
            if (k == 1)
                detach();
            if (k != 0)
                in = -1;
        }
        if (p[0].revents) {
            struct signalfd_siginfo si;
            if (read(sfd, &si, sizeof si) != sizeof si)
                continue;
            if (si.ssi_signo == SIGCHLD) {
                if (!done && waitpid(child, &st, WNOHANG) == child) {
                    done = 1;
                    timestamp(finished, sizeof finished);
                    clock_gettime(CLOCK_MONOTONIC, &deadline);
                    deadline.tv_nsec += DRAIN_MS * 1000000L;
                    if (deadline.tv_nsec >= 1000000000L) {
                        deadline.tv_sec++;
                        deadline.tv_nsec -= 1000000000L;
                    }
                }
            } else if (si.ssi_signo == SIGWINCH) {
                if (master >= 0)
                    tty_size(master);
            } else {
                kill(child, (int)si.ssi_signo);
            }
        }
    }
    if (!done) { /* poll failed: still wait for C */
        while (waitpid(child, &st, 0) < 0 && errno == EINTR)
            ;
        timestamp(finished, sizeof finished);
    }
    flush_partial(&s_out);
    flush_partial(&s_err);
    if (m.attach && master >= 0)
        tty_restore();
    write_exit_file(st, finished);
    if (m.attach)
        _exit(status_of(st));
    if (m.on_exit[0]) {
        close_except(NULL, 0); /* the log, the pipes, the pty: the command gets none of them */
        reset_signals();
        execve(m.on_exit[0], m.on_exit, environ);
        _exit(127);
    }
    _exit(0);
}
