/* Who the container process is: groups, capabilities, rlimits, seccomp. */
#define _GNU_SOURCE
#include <errno.h>
#include <grp.h>
#include <linux/capability.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stdio.h>
#include <sys/prctl.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "hull.h"

#ifndef PR_CAP_AMBIENT
#define PR_CAP_AMBIENT 47
#define PR_CAP_AMBIENT_RAISE 2
#define PR_CAP_AMBIENT_CLEAR_ALL 4
#endif

/* Drops from the bounding set every capability the kernel knows that is not in keep. */
int op_cap_bounding(struct cur *c)
{
    uint64_t keep = (uint64_t)cur_int(c);
    for (int cap = 0; cap < 64; cap++) {
        if (keep & (1ULL << cap))
            continue;
        if (prctl(PR_CAPBSET_READ, cap, 0, 0, 0) < 0)
            break; /* EINVAL: past the last capability this kernel has */
        if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) < 0) {
            detail("drop capability %d from the bounding set", cap);
            return -errno;
        }
    }
    return 0;
}

int op_setgroups(struct cur *c)
{
    size_t n;
    const int64_t *v = cur_ints(c, &n);
    gid_t gids[256];
    if (n > sizeof gids / sizeof *gids) {
        detail("%zu additional groups (at most 256)", n);
        return -E2BIG;
    }
    for (size_t i = 0; i < n; i++)
        gids[i] = (gid_t)v[i];
    if (setgroups(n, gids) < 0) {
        detail("setgroups");
        return -errno;
    }
    return 0;
}

/* inheritable -1: keep the current inheritable set */
int op_caps(struct cur *c)
{
    uint64_t eff = (uint64_t)cur_int(c), perm = (uint64_t)cur_int(c);
    int64_t inh_given = cur_int(c);
    uint64_t inh = (uint64_t)inh_given;
    struct __user_cap_header_struct h = {_LINUX_CAPABILITY_VERSION_3, 0};
    if (inh_given == -1) {
        struct __user_cap_data_struct cur[2];
        if (syscall(SYS_capget, &h, cur) < 0) {
            detail("capget");
            return -errno;
        }
        inh = (uint64_t)cur[0].inheritable | (uint64_t)cur[1].inheritable << 32;
    }
    struct __user_cap_data_struct d[2] = {
        {(uint32_t)eff, (uint32_t)perm, (uint32_t)inh},
        {(uint32_t)(eff >> 32), (uint32_t)(perm >> 32), (uint32_t)(inh >> 32)},
    };
    if (syscall(SYS_capset, &h, d) < 0) {
        detail("capset");
        return -errno;
    }
    return 0;
}

/* Ambient capabilities need to be permitted and inheritable; like runc we skip those that are not. */
int op_ambient(struct cur *c)
{
    uint64_t mask = (uint64_t)cur_int(c);
    prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0);
    for (int cap = 0; cap < 64; cap++)
        if (mask & (1ULL << cap))
            prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, cap, 0, 0);
    return 0;
}

int op_rlimit(struct cur *c)
{
    int res = (int)cur_int(c);
    struct rlimit rl = {(rlim_t)cur_int(c), (rlim_t)cur_int(c)};
    if (setrlimit(res, &rl) < 0) {
        detail("setrlimit(%d, soft %llu, hard %llu)", res, (unsigned long long)rl.rlim_cur,
               (unsigned long long)rl.rlim_max);
        return -errno;
    }
    return 0;
}

/* The agent's message: the containerProcessState JSON (prefix from the runtime, our host pid,
 * the state received at SYNC_HOOKS), with the listener fd as SCM_RIGHTS, in one sendmsg as runc. */
static int send_listener(int fd, const char *prefix)
{
    char pid[32];
    static const char state_key[] = ",\"state\":", close_brace[] = "}";
    int n = snprintf(pid, sizeof pid, "%d", g.host_pid);
    struct iovec iov[5] = {
        {(void *)prefix, strlen(prefix)},
        {pid, (size_t)n},
        {(void *)state_key, sizeof state_key - 1},
        {g_created_state, g.created_state_len},
        {(void *)close_brace, 1},
    };
    union {
        struct cmsghdr h;
        char buf[CMSG_SPACE(sizeof(int))];
    } ctl;
    memset(&ctl, 0, sizeof ctl);
    struct msghdr m = {.msg_iov = iov, .msg_iovlen = 5, .msg_control = ctl.buf,
                       .msg_controllen = sizeof ctl.buf};
    struct cmsghdr *cm = CMSG_FIRSTHDR(&m);
    cm->cmsg_level = SOL_SOCKET;
    cm->cmsg_type = SCM_RIGHTS;
    cm->cmsg_len = CMSG_LEN(sizeof(int));
    memcpy(CMSG_DATA(cm), &fd, sizeof fd);
    size_t total = 0;
    for (int i = 0; i < 5; i++)
        total += iov[i].iov_len;
    ssize_t w;
    do
        w = sendmsg(g.listener_fd, &m, MSG_NOSIGNAL);
    while (w < 0 && errno == EINTR);
    if (w < 0)
        return -errno;
    if ((size_t)w < total) { /* a stream socket may take part of it: send the rest, fd already sent */
        size_t done = (size_t)w;
        for (int i = 0; i < 5; i++) {
            if (done >= iov[i].iov_len) {
                done -= iov[i].iov_len;
                continue;
            }
            int r = write_all(g.listener_fd, (const char *)iov[i].iov_base + done, iov[i].iov_len - done);
            if (r < 0)
                return r;
            done = 0;
        }
    }
    return 0;
}

/* The BPF was compiled by libseccomp in the runtime; here it is only loaded. With a listener
 * prefix, the filter is loaded with NEW_LISTENER (in flags) and the fd goes to the seccomp agent;
 * neither the fd nor the connection reaches the container's program. */
int op_seccomp(struct cur *c)
{
    unsigned flags = (unsigned)cur_int(c);
    size_t len;
    const void *bpf = cur_bytes(c, &len);
    const char *prefix = cur_str(c);
    if (c->bad)
        return -EBADMSG;
    if (len % sizeof(struct sock_filter) || len / sizeof(struct sock_filter) > 0xffff)
        return -EINVAL;
    if (*prefix && g.listener_fd < 0) {
        detail("no connection to the seccomp agent");
        return -EBADF;
    }
    struct sock_fprog prog = {(unsigned short)(len / sizeof(struct sock_filter)),
                              (struct sock_filter *)bpf};
    long fd = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, flags, &prog);
    if (fd < 0) {
        detail("load seccomp filter");
        return -errno;
    }
    if (!*prefix)
        return 0;
    int r = send_listener((int)fd, prefix);
    close((int)fd);
    close(g.listener_fd);
    g.listener_fd = -1;
    if (r < 0) {
        detail("send the seccomp listener fd to linux.seccomp.listenerPath");
        return r;
    }
    return 0;
}

/* runc gives each container its own session keyring so that keys are not shared with the host's
 * session; KEYCTL_SETPERM 0x3f3f0000 is possessor+user "all" as runc sets it. */
int op_join_keyring(struct cur *c)
{
    const char *name = cur_str(c);
    long id = syscall(SYS_keyctl, 1 /* KEYCTL_JOIN_SESSION_KEYRING */, name, 0, 0, 0);
    if (id < 0) {
        if (errno == ENOSYS)
            return 0;
        detail("join session keyring %s", name);
        return -errno;
    }
    if (syscall(SYS_keyctl, 5 /* KEYCTL_SETPERM */, id, 0x3f3f0000, 0, 0) < 0) {
        detail("set permissions of session keyring %s", name);
        return -errno;
    }
    return 0;
}

/* process.ioPriority: ioprio_set(IOPRIO_WHO_PROCESS, self). */
int op_ioprio(struct cur *c)
{
    int v = (int)cur_int(c);
    if (syscall(SYS_ioprio_set, 1, 0, v) < 0) {
        detail("ioprio_set(class %d, level %d)", v >> 13, v & 0x1fff);
        return -errno;
    }
    return 0;
}

/* process.scheduler: sched_setattr(2) on ourselves (inherited by the program). */
int op_sched(struct cur *c)
{
    struct {
        uint32_t size, policy;
        uint64_t flags;
        int32_t nice;
        uint32_t priority;
        uint64_t runtime, deadline, period;
    } a = {0};
    a.size = sizeof a;
    a.policy = (uint32_t)cur_int(c);
    a.flags = (uint64_t)cur_int(c);
    a.nice = (int32_t)cur_int(c);
    a.priority = (uint32_t)cur_int(c);
    a.runtime = (uint64_t)cur_int(c);
    a.deadline = (uint64_t)cur_int(c);
    a.period = (uint64_t)cur_int(c);
    if (syscall(SYS_sched_setattr, 0, &a, 0) < 0) {
        detail("sched_setattr(policy %u, priority %u, nice %d)", a.policy, a.priority, a.nice);
        return -errno;
    }
    return 0;
}
