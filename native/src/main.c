/* hull-exec: entry point and step dispatcher. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "hull.h"

struct ctx g = {
    .ctl_in = -1,
    .ctl_out = -1,
    .report_fd = -1,
    .console_fd = -1,
    .root_fd = -1,
    .listen_fd = -1,
    .tty_fd = -1,
    .dir_fd = -1,
    .listener_fd = -1,
};

static int simple_op(int op, struct cur *c)
{
    int64_t v;
    switch (op) {
    case OP_SETSID:
        return setsid() < 0 ? -errno : 0;
    case OP_SETHOSTNAME: {
        const char *s = cur_str(c);
        return sethostname(s, strlen(s)) < 0 ? -errno : 0;
    }
    case OP_SETDOMAINNAME: {
        const char *s = cur_str(c);
        return setdomainname(s, strlen(s)) < 0 ? -errno : 0;
    }
    case OP_PERSONALITY:
        v = cur_int(c);
        return personality((unsigned long)v) < 0 ? -errno : 0;
    case OP_KEEPCAPS:
        v = cur_int(c);
        return prctl(PR_SET_KEEPCAPS, v ? 1 : 0, 0, 0, 0) < 0 ? -errno : 0;
    case OP_SETRESGID:
        v = cur_int(c);
        return setresgid((gid_t)v, (gid_t)v, (gid_t)v) < 0 ? -errno : 0;
    case OP_SETRESUID:
        v = cur_int(c);
        return setresuid((uid_t)v, (uid_t)v, (uid_t)v) < 0 ? -errno : 0;
    case OP_NO_NEW_PRIVS:
        return prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 ? -errno : 0;
    case OP_UMASK:
        umask((mode_t)cur_int(c));
        return 0;
    case OP_DUMPABLE:
        v = cur_int(c);
        return prctl(PR_SET_DUMPABLE, v ? 1 : 0, 0, 0, 0) < 0 ? -errno : 0;
    case OP_SET_STATE:
        g.state = cur_bytes(c, &g.state_len);
        return 0;
    case OP_STDIN_NULL: {
        /* before any namespace is joined: the host's /dev/null, whatever the container's /dev holds */
        int fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
        if (fd < 0) {
            detail("open /dev/null");
            return -errno;
        }
        if (fd == 0) /* stdin was closed: this is it, but not to be closed on exec */
            return fcntl(0, F_SETFD, 0) < 0 ? -errno : 0;
        int r = dup2(fd, 0) < 0 ? -errno : 0;
        close(fd);
        return r;
    }
    }
    return -ENOSYS;
}

static int run_step(const struct step *st)
{
    struct cur c;
    cur_init(&c, st);
    int r;
    g_detail[0] = 0;
    switch (st->op) {
#define CASE(op, fn)                                                                               \
    case op:                                                                                       \
        r = fn(&c);                                                                                \
        break;
        CASE(OP_GRAB_FDS, op_grab_fds)
        CASE(OP_CONNECT_SOCKET, op_connect_socket)
        CASE(OP_JOIN_NS, op_join_ns)
        CASE(OP_UNSHARE_TIME, op_unshare_time)
        CASE(OP_CLONE, op_clone)
        CASE(OP_WAIT_GO, op_wait_go)
        CASE(OP_BECOME_ROOT, op_become_root)
        CASE(OP_UNSHARE, op_unshare)
        CASE(OP_MOUNT, op_mount)
        CASE(OP_OPEN_ROOT, op_open_root)
        CASE(OP_MOUNT_IN_ROOT, op_mount_in_root)
        CASE(OP_MKNOD_IN_ROOT, op_mknod_in_root)
        CASE(OP_MKDIR_IN_ROOT, op_mkdir_in_root)
        CASE(OP_SYMLINK_IN_ROOT, op_symlink_in_root)
        CASE(OP_SYNC_HOOKS, op_sync_hooks)
        CASE(OP_HOOK, op_hook)
        CASE(OP_LISTEN_START, op_listen_start)
        CASE(OP_PIVOT_ROOT, op_pivot_root)
        CASE(OP_MOVE_ROOT, op_move_root)
        CASE(OP_CONSOLE, op_console)
        CASE(OP_MASK_PATH, op_mask_path)
        CASE(OP_READONLY_PATH, op_readonly_path)
        CASE(OP_REMOUNT_ROOT_RO, op_remount_root_ro)
        CASE(OP_WRITE_FILE, op_write_file)
        CASE(OP_CHDIR, op_chdir)
        CASE(OP_RLIMIT, op_rlimit)
        CASE(OP_CAP_BOUNDING, op_cap_bounding)
        CASE(OP_SETGROUPS, op_setgroups)
        CASE(OP_CAPS, op_caps)
        CASE(OP_AMBIENT, op_ambient)
        CASE(OP_SECCOMP, op_seccomp)
        CASE(OP_LOOKUP_EXEC, op_lookup_exec)
        CASE(OP_CREATED, op_created)
        CASE(OP_WAIT_START, op_wait_start)
        CASE(OP_EXEC, op_exec)
        CASE(OP_START_CLIENT, op_start_client)
        CASE(OP_SIGNAL, op_signal)
        CASE(OP_CLOSE_FDS, op_close_fds)
        CASE(OP_JOIN_KEYRING, op_join_keyring)
        CASE(OP_IOPRIO, op_ioprio)
        CASE(OP_SCHED, op_sched)
        CASE(OP_DEVICE_FILTER, op_device_filter)
        CASE(OP_CONNECT_LISTENER, op_connect_listener)
        CASE(OP_LSM_LABEL, op_lsm_label)
        CASE(OP_LANDLOCK, op_landlock)
        CASE(OP_MONITOR, op_monitor)
        CASE(OP_UMOUNT, op_umount)
#undef CASE
    default:
        r = simple_op(st->op, &c);
        if (r == -ENOSYS)
            detail("unknown op %u", st->op);
    }
    if (r == 0 && c.bad) {
        detail("malformed program: fields of %s", op_name(st->op));
        r = -EBADMSG;
    }
    return r;
}

/* The kernel's struct sigaction (rt_sigaction(2)). */
struct kernel_sigaction {
    void (*handler)(int);
    unsigned long flags;
    void (*restorer)(void);
    uint64_t mask;
};

void reset_signals(void)
{
    sigset_t all;
    sigfillset(&all);
    sigprocmask(SIG_UNBLOCK, &all, NULL);
    struct sigaction sa = {.sa_handler = SIG_DFL};
    for (int s = 1; s < NSIG; s++) {
        if (sigaction(s, &sa, NULL) < 0) {
            /*
             * glibc refuses its own two signals (32 and 33), and the JVM leaves 32 ignored,
             * which execve keeps: the system call resets them, so that the container's
             * process starts with every signal at its default, as under runc.
             * SIGKILL and SIGSTOP just fail again.
             */
            struct kernel_sigaction k = {.handler = SIG_DFL};
            syscall(SYS_rt_sigaction, s, &k, NULL, sizeof k.mask);
        }
    }
}

int status_of(int st)
{
    if (WIFEXITED(st))
        return WEXITSTATUS(st);
    return WIFSIGNALED(st) ? 128 + WTERMSIG(st) : 125;
}

/* Runs every step; a failed step is reported to the runtime and ends this process. */
int run_program(struct prog *p)
{
    for (uint32_t i = 0; i < p->nsteps; i++) {
        g.step = (int)i;
        g.op = p->steps[i]->op;
        int r = run_step(p->steps[i]);
        if (r < 0) {
            report_error((int)i, -r);
            _exit(g.in_child ? 126 : 125);
        }
    }
    msg_send(g.report_fd, MSG_DONE, NULL, 0);
    return 0;
}

static int usage(void)
{
    dprintf(2, "usage: hull-exec --front -- JAVA ARGS...  (bin/hull-runtime: the runtime's own process)\n"
               "       hull-exec --broker                 (for a JVM that started us: stdin/stdout)\n"
               "       hull-exec --dump                   (prints the program read from stdin)\n"
               "       hull-exec --ops                    (prints the op table)\n");
    return 2;
}

int main(int argc, char **argv)
{
    struct prog p;
    if (argc == 2 && !strcmp(argv[1], "--ops")) {
        for (int op = 1; op < OP_MAX; op++)
            if (strcmp(op_name(op), "?")) /* a code another branch of the table holds */
                printf("%d %s\n", op, op_name(op));
        return 0;
    }
    if (argc == 2 && !strcmp(argv[1], "--dump")) {
        int r = prog_read(0, &p);
        if (r < 0) {
            dprintf(2, "hull-exec: bad program: %s\n", strerror(-r));
            return 1;
        }
        prog_dump(&p, 1);
        return 0;
    }
    /* every executor is forked from the front or the broker: they run from a sealed copy */
    if (argc >= 4 && !strcmp(argv[1], "--front") && !strcmp(argv[2], "--"))
        return exec_sealed_copy(argv) < 0 ? 125 : front_main(argv + 3);
    if (argc == 2 && !strcmp(argv[1], "--broker"))
        return exec_sealed_copy(argv) < 0 ? 125 : broker_main();
    return usage();
}
