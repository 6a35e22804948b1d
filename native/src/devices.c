/* cgroup v2 device access: the eBPF program compiled in Java (DeviceFilter), loaded and attached
 * to the container's cgroup.  Attach first, then detach what was there: there is no moment when
 * the cgroup has no filter (runc does it in the same order). */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/bpf.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "hull.h"

static long bpf(int cmd, union bpf_attr *a)
{
    return syscall(SYS_bpf, cmd, a, sizeof *a);
}

int op_device_filter(struct cur *c)
{
    const char *dir = cur_str(c);
    size_t len;
    const void *insns = cur_bytes(c, &len);
    if (c->bad || len == 0 || len % sizeof(struct bpf_insn))
        return -EBADMSG;
    int cg = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (cg < 0) {
        detail("open cgroup %s", dir);
        return -errno;
    }
    static const char license[] = "Apache";
    union bpf_attr a;
    memset(&a, 0, sizeof a);
    a.prog_type = BPF_PROG_TYPE_CGROUP_DEVICE;
    a.insn_cnt = (uint32_t)(len / sizeof(struct bpf_insn));
    a.insns = (uint64_t)(uintptr_t)insns;
    a.license = (uint64_t)(uintptr_t)license;
    int prog = (int)bpf(BPF_PROG_LOAD, &a);
    if (prog < 0) {
        int e = errno;
        detail("load the device filter (%u instructions)", a.insn_cnt);
        close(cg);
        return -e;
    }
    uint32_t ids[64];
    memset(&a, 0, sizeof a);
    a.query.target_fd = (uint32_t)cg;
    a.query.attach_type = BPF_CGROUP_DEVICE;
    a.query.prog_ids = (uint64_t)(uintptr_t)ids;
    a.query.prog_cnt = 64;
    uint32_t old = bpf(BPF_PROG_QUERY, &a) == 0 ? a.query.prog_cnt : 0;

    memset(&a, 0, sizeof a);
    a.target_fd = (uint32_t)cg;
    a.attach_bpf_fd = (uint32_t)prog;
    a.attach_type = BPF_CGROUP_DEVICE;
    a.attach_flags = BPF_F_ALLOW_MULTI;
    int r = 0;
    if (bpf(BPF_PROG_ATTACH, &a) < 0) {
        r = -errno;
        detail("attach the device filter to %s", dir);
    }
    for (uint32_t i = 0; !r && i < old && i < 64; i++) {
        memset(&a, 0, sizeof a);
        a.prog_id = ids[i];
        int fd = (int)bpf(BPF_PROG_GET_FD_BY_ID, &a);
        if (fd < 0)
            continue;
        memset(&a, 0, sizeof a);
        a.target_fd = (uint32_t)cg;
        a.attach_bpf_fd = (uint32_t)fd;
        a.attach_type = BPF_CGROUP_DEVICE;
        if (bpf(BPF_PROG_DETACH, &a) < 0 && errno != ENOENT) {
            r = -errno;
            detail("detach the previous device filter of %s", dir);
        }
        close(fd);
    }
    close(prog);
    close(cg);
    return r;
}
