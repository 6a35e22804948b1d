/* The container's filesystem: mounts resolved inside the rootfs, devices, pivot_root, masking. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/mount.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <sys/xattr.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "hull.h"

int proc_fd_path(char *buf, size_t cap, int fd)
{
    int n = snprintf(buf, cap, "/proc/self/fd/%d", fd);
    return n < 0 || (size_t)n >= cap ? -ENAMETOOLONG : 0;
}

static int openat2_in_root(const char *path, int flags)
{
    struct open_how how = {
        .flags = (uint64_t)(O_PATH | O_CLOEXEC | flags),
        .resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS,
    };
    int fd = (int)syscall(SYS_openat2, g.root_fd, path, &how, sizeof how);
    return fd < 0 ? -errno : fd;
}

/* Splits "/a/b/c" into "/a/b" and "c" (in buf / *name). */
static int split_parent(const char *path, char *buf, size_t cap, const char **name)
{
    size_t n = strlen(path);
    while (n > 1 && path[n - 1] == '/')
        n--;
    if (n >= cap)
        return -ENAMETOOLONG;
    memcpy(buf, path, n);
    buf[n] = 0;
    char *slash = strrchr(buf, '/');
    if (!slash) {
        *name = buf;
        return 0; /* caller treats a relative name as under the root */
    }
    *slash = 0;
    *name = slash + 1;
    if (slash == buf) { /* parent is the root: keep "/" and move the name out of the way */
        memmove(buf + 2, slash + 1, strlen(slash + 1) + 1);
        buf[0] = '/';
        buf[1] = 0;
        *name = buf + 2;
    }
    return 0;
}

/* A symlink may lead to at most this many others while missing components are created. */
#define MAX_LINKS 40

static int resolve_depth(const char *path, int flags, int mkkind, int links);

/*
 * Opens path inside the rootfs with RESOLVE_IN_ROOT: symlinks and ".." cannot leave it.  Missing
 * components are created (directories 0755; the last one a directory or an empty file per mkkind),
 * each parent being resolved again from the root, so a symlink planted in the rootfs only ever
 * leads to another place inside it.  Returns an O_PATH fd or -errno.
 */
int resolve_in_root(const char *path, int flags, int mkkind)
{
    return resolve_depth(path, flags, mkkind, 0);
}

/*
 * A name that exists yet does not resolve is a dangling symlink (rootfs/out -> /host/dir, which
 * the rootfs lacks): create its target instead, as runc does.  The target is read, not followed,
 * and resolved from the root like any path here, so an absolute or "../.." target stays inside.
 */
static int create_link_target(int pfd, const char *parent, const char *name, int flags, int mkkind,
                              int links)
{
    char target[PATH_MAX], next[PATH_MAX];
    ssize_t n = readlinkat(pfd, name, target, sizeof target - 1);
    if (n < 0)
        return -errno; /* EINVAL: not a link after all */
    target[n] = 0;
    if (links >= MAX_LINKS)
        return -ELOOP;
    int r = target[0] == '/' ? snprintf(next, sizeof next, "%s", target)
                             : snprintf(next, sizeof next, "%s/%s", parent, target);
    if (r < 0 || (size_t)r >= sizeof next)
        return -ENAMETOOLONG;
    return resolve_depth(next, flags, mkkind, links + 1);
}

static int resolve_depth(const char *path, int flags, int mkkind, int links)
{
    if (g.root_fd < 0)
        return -EBADF;
    int fd = openat2_in_root(path, flags);
    if (fd != -ENOENT || mkkind == MK_NONE)
        return fd;
    char parent[PATH_MAX];
    const char *name;
    int r = split_parent(path, parent, sizeof parent, &name);
    if (r < 0)
        return r;
    if (!*name || !strcmp(name, ".") || !strcmp(name, ".."))
        return -ENOENT;
    int pfd = resolve_depth(parent, O_DIRECTORY, MK_DIR, links);
    if (pfd < 0)
        return pfd;
    int exists = 0;
    if (mkkind == MK_FILE) {
        int f = openat(pfd, name, O_CREAT | O_EXCL | O_WRONLY | O_NOFOLLOW | O_CLOEXEC, 0755);
        if (f < 0 && errno == EEXIST)
            exists = 1;
        else if (f < 0)
            r = -errno;
        else
            close(f);
    } else if (mkdirat(pfd, name, 0755) < 0) {
        if (errno == EEXIST)
            exists = 1;
        else
            r = -errno;
    }
    if (exists) {
        r = create_link_target(pfd, parent, name, flags, mkkind, links);
        if (r != -EINVAL) {
            close(pfd);
            return r;
        }
        r = 0; /* made by someone else meanwhile: open it below */
    }
    close(pfd);
    if (r < 0)
        return r;
    return openat2_in_root(path, flags);
}

/* statvfs flags -> MS_* flags that a bind remount must keep (locked in a user namespace) */
static unsigned long mount_flags_of(const char *path)
{
    struct statvfs s;
    if (statvfs(path, &s) < 0)
        return 0;
    unsigned long f = 0;
    if (s.f_flag & ST_NOSUID)
        f |= MS_NOSUID;
    if (s.f_flag & ST_NODEV)
        f |= MS_NODEV;
    if (s.f_flag & ST_NOEXEC)
        f |= MS_NOEXEC;
    if (s.f_flag & ST_NOATIME)
        f |= MS_NOATIME;
    if (s.f_flag & ST_NODIRATIME)
        f |= MS_NODIRATIME;
    if (s.f_flag & ST_RELATIME)
        f |= MS_RELATIME;
    return f;
}

static int remount(const char *target, unsigned long flags)
{
    if (mount(NULL, target, NULL, MS_REMOUNT | flags, NULL) == 0)
        return 0;
    if (errno != EPERM || !(flags & MS_BIND))
        return -errno;
    /* keep the flags the kernel has locked on this mount and try again */
    return mount(NULL, target, NULL, MS_REMOUNT | flags | mount_flags_of(target), NULL) < 0 ? -errno
                                                                                             : 0;
}

int op_mount(struct cur *c)
{
    const char *src = cur_str_or_null(c), *target = cur_str(c), *type = cur_str_or_null(c);
    unsigned long flags = (unsigned long)cur_int(c);
    const char *data = cur_str_or_null(c);
    if (mount(src, target, type, flags, data) < 0) {
        detail("mount %s on %s", src ? src : type ? type : "(none)", target);
        return -errno;
    }
    return 0;
}

int op_umount(struct cur *c)
{
    const char *target = cur_str(c);
    int flags = (int)cur_int(c);
    if (umount2(target, flags) < 0) {
        detail("umount %s", target);
        return -errno;
    }
    return 0;
}

int op_open_root(struct cur *c)
{
    const char *path = cur_str(c);
    int fd = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) {
        detail("open rootfs %s", path);
        return -errno;
    }
    g.root_fd = fd;
    return 0;
}

int op_mount_in_root(struct cur *c)
{
    const char *src = cur_str_or_null(c), *dest = cur_str(c), *type = cur_str_or_null(c);
    unsigned long flags = (unsigned long)cur_int(c);
    const char *data = cur_str_or_null(c);
    int mkkind = (int)cur_int(c);
    unsigned long re = (unsigned long)cur_int(c), prop = (unsigned long)cur_int(c);
    uint64_t attr_set = (uint64_t)cur_int(c), attr_clr = (uint64_t)cur_int(c);
    const char *fallback = cur_str_or_null(c);
    /* optional: an SELinux context for the new mount's root (runc's mqueue relabel) */
    const char *relabel = cur_more(c) ? cur_str_or_null(c) : NULL;
    if (c->bad)
        return -EBADMSG;

    char target[64];
    int fd = resolve_in_root(dest, 0, mkkind);
    if (fd < 0) {
        detail("mount destination %s", dest);
        return fd;
    }
    proc_fd_path(target, sizeof target, fd);
    int r = mount(src, target, type, flags, data) < 0 ? -errno : 0;
    if (r == -EPERM && fallback) /* e.g. sysfs in a user namespace without its own netns */
        r = mount(fallback, target, NULL, MS_BIND | MS_REC, NULL) < 0 ? -errno : 0;
    close(fd);
    if (r < 0) {
        detail("mount %s on %s", src ? src : type ? type : "(none)", dest);
        return r;
    }
    if (!re && !prop && !attr_set && !attr_clr && !relabel)
        return 0;
    /* re-resolve: the fd above points below the new mount, not at it */
    if ((fd = resolve_in_root(dest, 0, MK_NONE)) < 0) {
        detail("reopen mount %s", dest);
        return fd;
    }
    proc_fd_path(target, sizeof target, fd);
    if (re && (r = remount(target, re)) < 0)
        detail("remount %s", dest);
    if (!r && prop && mount(NULL, target, NULL, prop, NULL) < 0) {
        r = -errno;
        detail("set propagation of %s", dest);
    }
    if (!r && (attr_set || attr_clr)) {
        struct mount_attr a = {.attr_set = attr_set, .attr_clr = attr_clr};
        if (syscall(SYS_mount_setattr, fd, "", AT_EMPTY_PATH | AT_RECURSIVE, &a, sizeof a) < 0) {
            r = -errno;
            detail("mount_setattr %s", dest);
        }
    }
    if (!r && relabel && setxattr(target, "security.selinux", relabel, strlen(relabel) + 1, 0) < 0) {
        r = -errno;
        detail("set the SELinux label of %s", dest);
    }
    close(fd);
    return r;
}

static int open_parent_in_root(const char *path, char *buf, size_t cap, const char **name)
{
    int r = split_parent(path, buf, cap, name);
    if (r < 0)
        return r;
    if (!**name)
        return -EINVAL;
    return resolve_in_root(buf, O_DIRECTORY, MK_DIR);
}

int op_mknod_in_root(struct cur *c)
{
    const char *dest = cur_str(c);
    mode_t mode = (mode_t)cur_int(c);
    unsigned maj = (unsigned)cur_int(c), min = (unsigned)cur_int(c);
    uid_t uid = (uid_t)cur_int(c);
    gid_t gid = (gid_t)cur_int(c);
    char parent[PATH_MAX];
    const char *name;
    int pfd = open_parent_in_root(dest, parent, sizeof parent, &name);
    if (pfd < 0) {
        detail("device %s", dest);
        return pfd;
    }
    int r = 0;
    struct stat st;
    int e = mknodat(pfd, name, mode, makedev(maj, min)) < 0 ? errno : 0;
    if (e != 0 && e != EEXIST) {
        r = -e;
        detail("mknod %s", dest);
    } else if (e == EEXIST && (fstatat(pfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0
                                   || (st.st_mode & S_IFMT) != (mode & S_IFMT)
                                   || ((S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode))
                                       && st.st_rdev != makedev(maj, min)))) {
        /* config-linux.md: a file already at path that does not match the requested device
           MUST be an error (runc keeps it silently); never chown someone else's file */
        r = -EEXIST;
        detail("device %s: a different file is already there", dest);
    } else if (fchownat(pfd, name, uid, gid, AT_SYMLINK_NOFOLLOW) < 0) {
        r = -errno;
        detail("chown %s", dest);
    }
    close(pfd);
    return r;
}

int op_mkdir_in_root(struct cur *c)
{
    const char *path = cur_str(c);
    int fd = resolve_in_root(path, O_DIRECTORY, MK_DIR);
    if (fd < 0) {
        detail("create directory %s", path);
        return fd;
    }
    close(fd);
    return 0;
}

int op_symlink_in_root(struct cur *c)
{
    const char *target = cur_str(c), *link = cur_str(c);
    char parent[PATH_MAX];
    const char *name;
    int pfd = open_parent_in_root(link, parent, sizeof parent, &name);
    if (pfd < 0) {
        detail("symlink %s", link);
        return pfd;
    }
    int r = symlinkat(target, pfd, name) < 0 && errno != EEXIST ? -errno : 0;
    if (r < 0)
        detail("symlink %s -> %s", link, target);
    close(pfd);
    return r;
}

/* pivot_root(".", ".") as runc does it: no directory for the old root is needed in the rootfs. */
int op_pivot_root(struct cur *c)
{
    (void)c;
    int old = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC), r = 0;
    if (old < 0)
        return -errno;
    if (fchdir(g.root_fd) < 0 || syscall(SYS_pivot_root, ".", ".") < 0) {
        r = -errno;
        detail("pivot_root");
    } else if (fchdir(old) < 0 || mount(NULL, ".", NULL, MS_SLAVE | MS_REC, NULL) < 0 ||
               umount2(".", MNT_DETACH) < 0 || chdir("/") < 0) {
        r = -errno;
        detail("detach the old root");
    }
    close(old);
    if (r < 0)
        return r;
    close(g.root_fd);
    g.root_fd = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
    return g.root_fd < 0 ? -errno : 0;
}

/* --no-pivot: move the rootfs mount over / and chroot into it. */
int op_move_root(struct cur *c)
{
    (void)c;
    if (fchdir(g.root_fd) < 0 || mount(".", "/", NULL, MS_MOVE, NULL) < 0 || chroot(".") < 0 ||
        chdir("/") < 0) {
        detail("move the rootfs to / (--no-pivot)");
        return -errno;
    }
    close(g.root_fd);
    g.root_fd = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
    return g.root_fd < 0 ? -errno : 0;
}

/*
 * process.cwd (CVE-2024-21626): resolved from "/" (the container's root by now) with
 * RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS, so that neither ".." nor a magic link such as
 * /proc/self/fd/N (an fd of ours that leaked, opened on the host) can take it out of the root.
 * The raw getcwd(2) is asked afterwards: the kernel starts the path with "(unreachable)" for a
 * directory outside the root (glibc's wrapper would hide that as ENOENT).
 */
int op_chdir(struct cur *c)
{
    const char *path = cur_str(c);
    struct open_how how = {
        .flags = (uint64_t)(O_PATH | O_DIRECTORY | O_CLOEXEC),
        .resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS,
    };
    int root = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (root < 0)
        return -errno;
    int fd = (int)syscall(SYS_openat2, root, path, &how, sizeof how);
    int r = fd < 0 ? -errno : 0;
    close(root);
    if (r == -ELOOP) {
        detail("process.cwd %s: a magic link (/proc/.../fd, cwd, root) or too many symlinks", path);
        return r;
    }
    if (r == 0 && fchdir(fd) < 0)
        r = -errno;
    if (fd >= 0)
        close(fd);
    if (r < 0) {
        detail("process.cwd %s", path);
        return r;
    }
    char cwd[PATH_MAX];
    long n = syscall(SYS_getcwd, cwd, sizeof cwd);
    if (n < 0) {
        detail("process.cwd %s: getcwd", path);
        return -errno;
    }
    if (cwd[0] != '/') {
        detail("process.cwd %s: resolves outside the container's root (%s)", path, cwd);
        return -HULL_EDETAIL;
    }
    return 0;
}

/*
 * maskedPaths: /dev/null over files, an empty read-only tmpfs over directories; a missing path is
 * skipped.  The container's /dev/null must be the null device: when /dev is a bind of some
 * directory it can be missing, a file or a link, and masking must then fail rather than leave the
 * path readable or bind something else over it (as runc does since CVE-2025-31133).
 */
int op_mask_path(struct cur *c)
{
    const char *path = cur_str(c);
    const char *data = cur_more(c) ? cur_str_or_null(c) : NULL; /* optional: linux.mountLabel */
    struct stat st, null;
    if (c->bad)
        return -EBADMSG;
    if (stat(path, &st) < 0) {
        if (errno == ENOENT || errno == ENOTDIR)
            return 0;
        detail("mask %s", path);
        return -errno;
    }
    if (S_ISDIR(st.st_mode)) {
        if (mount("tmpfs", path, "tmpfs", MS_RDONLY, data) == 0)
            return 0;
        detail("mask %s", path);
        return -errno;
    }
    int n = lstat("/dev/null", &null);
    if (n < 0 || !S_ISCHR(null.st_mode) || null.st_rdev != makedev(1, 3)) {
        int r = n < 0 ? -errno : -ENODEV;
        detail("mask %s: /dev/null is not the null device", path);
        return r;
    }
    if (mount("/dev/null", path, NULL, MS_BIND, NULL) == 0)
        return 0;
    detail("mask %s", path);
    return -errno;
}

/* readonlyPaths: a read-only bind of the path over itself. */
int op_readonly_path(struct cur *c)
{
    const char *path = cur_str(c);
    if (mount(path, path, NULL, MS_BIND | MS_REC, NULL) < 0) {
        if (errno == ENOENT)
            return 0;
        detail("bind %s read-only", path);
        return -errno;
    }
    int r = remount(path, MS_BIND | MS_RDONLY | MS_REC);
    if (r < 0)
        detail("remount %s read-only", path);
    return r;
}

int op_remount_root_ro(struct cur *c)
{
    (void)c;
    int r = remount("/", MS_BIND | MS_RDONLY);
    if (r < 0)
        detail("remount / read-only");
    return r;
}

int op_write_file(struct cur *c)
{
    const char *path = cur_str(c), *content = cur_str(c);
    int fd = open(path, O_WRONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0) {
        detail("open %s", path);
        return -errno;
    }
    int r = write_all(fd, content, strlen(content));
    close(fd);
    if (r < 0)
        detail("write %s", path);
    return r;
}
