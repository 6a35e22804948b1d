/*
 * seccheck: tries syscalls that Hull's default seccomp profile decides about and prints one line
 * per check, "name result", where result is "ok" or the errno name. Built static (gcc -static) and
 * copied into a test container's rootfs by DefaultSeccompProfileIT; busybox lacks most of these.
 * Only for containers: as host root it would mount on /tmp.
 * Every call is a raw syscall(2), so what libc would do instead (clone3 fallback...) is not in the way.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/personality.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <linux/sched.h>

#ifndef AF_VSOCK
#define AF_VSOCK 40
#endif

static const char *errname(int e) {
    switch (e) {
    case EPERM: return "EPERM";
    case ENOSYS: return "ENOSYS";
    case EINVAL: return "EINVAL";
    case EACCES: return "EACCES";
    case EFAULT: return "EFAULT";
    case ENOENT: return "ENOENT";
    case EAFNOSUPPORT: return "EAFNOSUPPORT";
    case ENODEV: return "ENODEV";
    case EBADF: return "EBADF";
    case EBUSY: return "EBUSY";
    case E2BIG: return "E2BIG";
    case ENOKEY: return "ENOKEY";
    case EDQUOT: return "EDQUOT";
    default: return "other";
    }
}

static void report(const char *name, long r) {
    if (r < 0) {
        printf("%s %s\n", name, errname(errno));
    } else {
        printf("%s ok\n", name);
    }
    fflush(stdout);
}

/* clone(2) with flags, the child exits at once; the result is the parent's. */
static long try_clone(unsigned long flags) {
    long pid = syscall(SYS_clone, flags | SIGCHLD, 0, 0, 0, 0);
    if (pid == 0) {
        syscall(SYS_exit_group, 0);
    }
    if (pid > 0) {
        waitpid((pid_t) pid, NULL, 0);
    }
    return pid;
}

int main(void) {
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);

    report("getpid", syscall(SYS_getpid));
    /* Before the unshares below, which would move this process into namespaces of its own. */
    report("mount-tmpfs", syscall(SYS_mount, "tmpfs", "/tmp", "tmpfs", 0, ""));
    report("umount2", syscall(SYS_umount2, "/tmp", MNT_DETACH));
    report("sethostname", syscall(SYS_sethostname, "seccheck", 8));
    report("fork", try_clone(0));
    report("clone-newuser", try_clone(CLONE_NEWUSER));
    report("clone-newns", try_clone(CLONE_NEWNS));
    {
        struct clone_args args;
        memset(&args, 0, sizeof args);
        args.exit_signal = SIGCHLD;
        long pid = syscall(SYS_clone3, &args, sizeof args);
        if (pid == 0) {
            syscall(SYS_exit_group, 0);
        }
        if (pid > 0) {
            waitpid((pid_t) pid, NULL, 0);
        }
        report("clone3", pid);
    }
    report("unshare-user", syscall(SYS_unshare, CLONE_NEWUSER));
    report("unshare-ns", syscall(SYS_unshare, CLONE_NEWNS));
    report("setns", syscall(SYS_setns, open("/proc/self/ns/uts", O_RDONLY), 0));
    report("keyctl", syscall(SYS_keyctl, 0 /* KEYCTL_GET_KEYRING_ID */, -3 /* session */, 0));
    report("add_key", syscall(SYS_add_key, "user", "seccheck", "x", 1, -3));
    report("request_key", syscall(SYS_request_key, "user", "seccheck", NULL, 0));
    report("clock_settime", syscall(SYS_clock_settime, CLOCK_REALTIME, &ts));
    report("settimeofday", syscall(SYS_settimeofday, NULL, NULL));
    {
        long fd = syscall(SYS_socket, AF_VSOCK, SOCK_STREAM, 0);
        report("socket-vsock", fd);
    }
    {
        long fd = syscall(SYS_socket, AF_INET, SOCK_DGRAM, 0);
        report("socket-inet", fd);
        if (fd >= 0) {
            close((int) fd);
        }
    }
    report("personality-query", syscall(SYS_personality, 0xffffffffUL));
    report("personality-linux", syscall(SYS_personality, PER_LINUX));
    report("personality-addr-no-randomize", syscall(SYS_personality, PER_LINUX | ADDR_NO_RANDOMIZE));
    syscall(SYS_personality, PER_LINUX);
    {
        unsigned char params[120];
        memset(params, 0, sizeof params);
        long fd = syscall(SYS_io_uring_setup, 1, params);
        report("io_uring_setup", fd);
        if (fd >= 0) {
            close((int) fd);
        }
    }
    report("userfaultfd", syscall(SYS_userfaultfd, 0));
    report("chroot", syscall(SYS_chroot, "/"));
    report("reboot", syscall(SYS_reboot, 0, 0, 0, 0)); /* bad magic: EINVAL if the filter lets it through */
    report("bpf", syscall(SYS_bpf, 0, NULL, 0));
    report("perf_event_open", syscall(SYS_perf_event_open, NULL, 0, -1, -1, 0));
    report("kexec_load", syscall(SYS_kexec_load, 0, 0, NULL, 0));
    report("open_by_handle_at", syscall(SYS_open_by_handle_at, -1, NULL, 0));
    report("ptrace-peek-self", syscall(SYS_ptrace, 3 /* PTRACE_PEEKUSER */, getpid(), 0, 0));
    return 0;
}
