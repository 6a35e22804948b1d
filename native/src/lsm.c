/* Security modules at exec: the LSM label of the program (AppArmor, SELinux) and Landlock. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "hull.h"

/* -ENOENT from open: no such attribute file; from write: the module refused the value. */
static int write_attr(const char *path, const char *value, int *opened)
{
    int fd = open(path, O_WRONLY | O_CLOEXEC);
    *opened = fd >= 0;
    if (fd < 0)
        return -errno;
    size_t len = strlen(value);
    ssize_t n = write(fd, value, len);
    int r = n < 0 ? -errno : (size_t)n != len ? -EIO : 0;
    close(fd);
    return r;
}

/*
 * The label the next execve takes, as runc sets it: "exec <profile>" into AppArmor's exec
 * attribute, or an SELinux context into the common one.  /proc/thread-self/attr/apparmor/ exists
 * since Linux 5.1; older kernels only have the shared /proc/self/attr/<name>.
 */
int op_lsm_label(struct cur *c)
{
    const char *file = cur_str(c), *value = cur_str(c);
    if (c->bad)
        return -EBADMSG;
    char path[128];
    int n = snprintf(path, sizeof path, "/proc/thread-self/attr/%s", file);
    if (n < 0 || (size_t)n >= sizeof path)
        return -ENAMETOOLONG;
    int opened;
    int r = write_attr(path, value, &opened);
    const char *base = strrchr(file, '/');
    if (r == -ENOENT && !opened && base) { /* a kernel without the per-module directory */
        snprintf(path, sizeof path, "/proc/self/attr/%s", base + 1);
        r = write_attr(path, value, &opened);
    }
    if (r < 0) /* named for `start`, which reports this without the step's description */
        detail("%s: write \"%s\" to %s",
               strncmp(file, "apparmor", 8) ? "process.selinuxLabel" : "process.apparmorProfile", value,
               path);
    return r;
}

/* Landlock's ABI (linux/landlock.h); defined here so that older headers build the same binary. */
#define LL_CREATE_RULESET_VERSION (1U << 0)
#define LL_RULE_PATH_BENEATH 1
#define LL_EXECUTE (1ULL << 0)
#define LL_WRITE_FILE (1ULL << 1)
#define LL_READ_FILE (1ULL << 2)
#define LL_REFER (1ULL << 13)     /* ABI 2 */
#define LL_TRUNCATE (1ULL << 14)  /* ABI 3 */
#define LL_IOCTL_DEV (1ULL << 15) /* ABI 5 */
/* the rights that mean something on a file that is not a directory */
#define LL_FILE_RIGHTS (LL_EXECUTE | LL_WRITE_FILE | LL_READ_FILE | LL_TRUNCATE | LL_IOCTL_DEV)

/* errors name the config field: `start` reports them without the step's description */
#define LL_FIELD "annotations[\"dev.hull.landlock\"]: "

struct ll_ruleset_attr {
    uint64_t handled_access_fs; /* the kernel takes a prefix of its struct: net and scopes stay 0 */
};

struct ll_path_beneath {
    uint64_t allowed_access;
    int32_t parent_fd;
} __attribute__((packed));

/* Every filesystem right the kernel's ABI version knows (ABI 4, 6 and 7 added none). */
static uint64_t handled_fs(int abi)
{
    uint64_t m = (1ULL << 13) - 1; /* ABI 1: execute .. make_sym */
    if (abi >= 2)
        m |= LL_REFER;
    if (abi >= 3)
        m |= LL_TRUNCATE;
    if (abi >= 5)
        m |= LL_IOCTL_DEV;
    return m;
}

/*
 * Handles every filesystem access the kernel knows and allows only the listed paths (and what is
 * beneath them) their rights.  Runs in the container's root, after pivot_root: a path is opened
 * with RESOLVE_IN_ROOT from "/", so a symlink in the image cannot point a rule at anything else.
 * landlock_restrict_self needs no_new_privs or CAP_SYS_ADMIN.
 */
int op_landlock(struct cur *c)
{
    size_t nrights;
    const int64_t *rights = cur_ints(c, &nrights);
    char *const *paths = cur_strv(c);
    if (c->bad)
        return -EBADMSG;
    int abi = (int)syscall(SYS_landlock_create_ruleset, NULL, 0, LL_CREATE_RULESET_VERSION);
    if (abi < 0) {
        detail(LL_FIELD "this kernel has no Landlock (landlock_create_ruleset)");
        return -errno;
    }
    struct ll_ruleset_attr attr = {.handled_access_fs = handled_fs(abi)};
    int ruleset = (int)syscall(SYS_landlock_create_ruleset, &attr, sizeof attr, 0);
    if (ruleset < 0) {
        detail(LL_FIELD "landlock_create_ruleset (ABI %d)", abi);
        return -errno;
    }
    int root = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC), r = 0;
    if (root < 0) {
        r = -errno;
        detail("open /");
    }
    for (size_t i = 0; r == 0 && paths[i]; i++) {
        if (i >= nrights) {
            r = -EBADMSG;
            break;
        }
        struct open_how how = {
            .flags = O_PATH | O_CLOEXEC,
            .resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS,
        };
        int fd = (int)syscall(SYS_openat2, root, paths[i], &how, sizeof how);
        struct stat st;
        if (fd < 0 || fstat(fd, &st) < 0) {
            r = -errno;
            detail(LL_FIELD "path %s", paths[i]);
            if (fd >= 0)
                close(fd);
            break;
        }
        uint64_t allowed = (uint64_t)rights[i] & attr.handled_access_fs;
        if (!S_ISDIR(st.st_mode))
            allowed &= LL_FILE_RIGHTS; /* the kernel refuses directory rights on a file */
        struct ll_path_beneath pb = {.allowed_access = allowed, .parent_fd = fd};
        if (allowed && syscall(SYS_landlock_add_rule, ruleset, LL_RULE_PATH_BENEATH, &pb, 0) < 0) {
            r = -errno;
            detail(LL_FIELD "landlock_add_rule %s", paths[i]);
        }
        close(fd);
    }
    if (r == 0 && syscall(SYS_landlock_restrict_self, ruleset, 0) < 0) {
        r = -errno;
        detail(r == -EPERM ? LL_FIELD "landlock_restrict_self needs no_new_privs or CAP_SYS_ADMIN"
                           : LL_FIELD "landlock_restrict_self");
    }
    if (root >= 0)
        close(root);
    close(ruleset);
    return r;
}
