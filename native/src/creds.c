/* Who the container process is: groups, capabilities, rlimits, seccomp. */
#define _GNU_SOURCE
#include <errno.h>
#include <grp.h>
#include <linux/capability.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stdio.h>
#include <sys/prctl.h>
#include <sys/resource.h>
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

int op_caps(struct cur *c)
{
    uint64_t eff = (uint64_t)cur_int(c), perm = (uint64_t)cur_int(c), inh = (uint64_t)cur_int(c);
    struct __user_cap_header_struct h = {_LINUX_CAPABILITY_VERSION_3, 0};
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

/* The BPF was compiled by libseccomp in the runtime; here it is only loaded. */
int op_seccomp(struct cur *c)
{
    unsigned flags = (unsigned)cur_int(c);
    size_t len;
    const void *bpf = cur_bytes(c, &len);
    if (len % sizeof(struct sock_filter) || len / sizeof(struct sock_filter) > 0xffff)
        return -EINVAL;
    struct sock_fprog prog = {(unsigned short)(len / sizeof(struct sock_filter)),
                              (struct sock_filter *)bpf};
    if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, flags, &prog) < 0) {
        detail("load seccomp filter");
        return -errno;
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
