/*
 * hull-exec: the only code that runs between clone() and execve() of a container.
 *
 * It interprets a "setup program" compiled by the Java side (dev.hull.runtime.program): a flat,
 * ordered list of steps.  It makes no decisions of its own: every mount, id and capability comes
 * from the program.  Steps before OP_CLONE run in the spawned executor ("P", in the runtime's
 * namespaces); steps after it run in the container's first process ("C").  After the clone the
 * code does not allocate: the program and every buffer live in memory mapped before the clone.
 *
 * The op codes, field tags and message types below are mirrored by dev.hull.runtime.program.Op,
 * FieldTag and dev.hull.runtime.exec.Message; `hull-exec --ops` prints this table and a unit test
 * compares it with the Java enum.
 */
#ifndef HULL_H
#define HULL_H

#include <stddef.h>
#include <signal.h>
#include <stdint.h>
#include <sys/types.h>

#define PROG_MAGIC "HULLPRG1"
#define PROG_MAX (64u << 20)

/* Field tags (u32 in the program). */
#define TAG_INT 'I'   /* i64 */
#define TAG_STR 'S'   /* NUL-terminated string */
#define TAG_BYTES 'B' /* raw bytes */
#define TAG_INTS 'N'  /* array of i64 */
#define TAG_STRV 'V'  /* u32 count, u32 0, (count+1) pointer slots, strings: linked into argv form */

#define HULL_OPS(X)                                                                                \
    X(1, GRAB_FDS)        /* I pid, I first, I count: copy these fds of pid (pidfd_getfd) */     \
    X(2, CONNECT_SOCKET)  /* S path: connect to an AF_UNIX socket, keep it as the console fd */   \
    X(3, JOIN_NS)         /* N types, V paths: setns into each (user ns in the right order) */    \
    X(4, UNSHARE_TIME)    /* I has_offsets, I mono_s, I mono_ns, I boot_s, I boot_ns */           \
    X(5, CLONE)           /* I clone flags, I parent mode (0 exit, 1 wait, 2 wait + tty proxy,  \
                             3 monitor, 4 monitor attached: monitor.c) */                         \
    X(6, WAIT_GO)         /* wait for the runtime's GO (id maps and cgroups done) */              \
    X(7, SETSID)                                                                                  \
    X(8, BECOME_ROOT)     /* setresgid/setresuid 0 inside a new user namespace */                 \
    X(9, UNSHARE)         /* I flags */                                                           \
    X(10, SETHOSTNAME)    /* S name */                                                            \
    X(11, SETDOMAINNAME)  /* S name */                                                            \
    X(12, MOUNT)          /* S source, S target, S fstype, I flags, S data: plain mount(2) */     \
    X(13, OPEN_ROOT)      /* S rootfs path */                                                     \
    X(14, MOUNT_IN_ROOT)  /* S src, S dest, S fstype, I flags, S data, I mkkind, I remount,      \
                             I propagation, I attr_set, I attr_clr, S fallback_src             \
                             [, S SELinux label set on the new mount] */                         \
    X(15, MKNOD_IN_ROOT)  /* S dest, I mode, I major, I minor, I uid, I gid */                    \
    X(16, SYMLINK_IN_ROOT)/* S target, S linkpath */                                              \
    X(17, SYNC_HOOKS)     /* ask the runtime to run its hooks; receive the state for ours */      \
    X(18, HOOK)           /* S path, V args, V env, I timeout s, S name, I inherit env */       \
    X(19, LISTEN_START)   /* S dir, S name: bind + listen the start socket */                     \
    X(20, PIVOT_ROOT)                                                                             \
    X(21, MOVE_ROOT)      /* --no-pivot: MS_MOVE + chroot */                                      \
    X(22, CONSOLE)        /* I uid, I gid, I rows, I cols, I mount_console */                     \
    X(23, MASK_PATH)      /* S path [, S data of the tmpfs over a directory] */                   \
    X(24, READONLY_PATH)  /* S path */                                                            \
    X(25, REMOUNT_ROOT_RO)                                                                        \
    X(26, WRITE_FILE)     /* S path, S content */                                                 \
    X(27, CHDIR)          /* S path */                                                            \
    X(28, RLIMIT)         /* I resource, I soft, I hard */                                        \
    X(29, PERSONALITY)    /* I persona */                                                         \
    X(30, CAP_BOUNDING)   /* I keep mask */                                                       \
    X(31, KEEPCAPS)       /* I on */                                                              \
    X(32, SETGROUPS)      /* N gids */                                                            \
    X(33, SETRESGID)      /* I gid */                                                             \
    X(34, SETRESUID)      /* I uid */                                                             \
    X(35, CAPS)           /* I effective, I permitted, I inheritable (-1: keep the current) */    \
    X(36, AMBIENT)        /* I mask */                                                            \
    X(37, NO_NEW_PRIVS)                                                                           \
    X(38, UMASK)          /* I mask */                                                            \
    X(39, SECCOMP)        /* I flags, B sock_filter[], S listener message prefix ("": none) */    \
    X(40, DUMPABLE)       /* I on */                                                              \
    X(41, LOOKUP_EXEC)    /* S file, S PATH value (may be empty) */                               \
    X(42, CREATED)        /* tell the runtime the container is created */                         \
    X(43, WAIT_START)     /* wait for START on the control channel or the start socket */         \
    X(44, EXEC)           /* V argv, V env, I stdio (0 inherit, 1 tty) */                         \
    X(45, SET_STATE)      /* B state JSON given to the next hooks on stdin */                     \
    X(46, START_CLIENT)   /* S dir, S name, B state: connect to a created container and start it */\
    X(47, SIGNAL)         /* I pid, I start time (0: don't check), I signal, I missing ok */      \
    X(48, CLOSE_FDS)      /* I first fd to close (or mark CLOEXEC) before exec */             \
    X(49, MKDIR_IN_ROOT)  /* S path: create the directory (and parents) inside the rootfs */   \
    X(50, JOIN_KEYRING)   /* S name: a new session keyring for the container, as runc makes */ \
    X(51, IOPRIO)         /* I ioprio value (class << 13 | level) */                             \
    X(52, SCHED)          /* I policy, I flags, I nice, I priority, I runtime, I deadline, I period */ \
    X(53, DEVICE_FILTER)  /* S cgroup v2 dir, B bpf_insn[]: attach it, detach the ones before */ \
    X(54, CONNECT_LISTENER) /* S path: connect to the seccomp agent's socket (SOCK_STREAM) */ \
    X(55, LSM_LABEL)      /* S attr file under /proc/thread-self/attr, S value: label of the exec */ \
    X(56, LANDLOCK)       /* N rights per rule, V paths: restrict the process with Landlock */ \
    X(57, MONITOR)        /* S log file, S exit file, I attach, I stdin open, I tty, I log max size, I log files, S detach keys, V on-exit argv */ \
    X(58, UMOUNT)         /* S target, I umount2 flags: a host mount of the engine's (no FFM) */ \
    X(59, STDIN_NULL)     /* the host's /dev/null as fd 0: an exec without -i reads no stdin */

enum hull_op {
#define X(code, name) OP_##name = code,
    HULL_OPS(X)
#undef X
    OP_MAX
};

/* Messages on the control channel: struct msg_hdr, then len bytes. */
enum msg_type {
    MSG_PID = 1,        /* E->R: i32 pid of the container's first process (host view) */
    MSG_GO = 2,         /* R->E: id maps written, cgroups joined */
    MSG_HOOKS = 3,      /* E->R: run prestart/createRuntime hooks now */
    MSG_HOOKS_DONE = 4, /* R->E: state JSON for createContainer hooks */
    MSG_CREATED = 5,    /* E->R: waiting for start */
    MSG_START = 6,      /* R->E (or start client -> E): state JSON for startContainer hooks */
    MSG_ERROR = 7,      /* E->R: i32 step, i32 errno (0: see text), i32 op, detail text */
    MSG_DONE = 8,       /* E->R: a program without EXEC finished */
    /* the front/broker channel (front.c) */
    MSG_SPAWN = 9,      /* R->F: a program; fork an executor to run it */
    MSG_SPAWNED = 10,   /* F->R: i32 pid, i32 fd R writes to, i32 fd R reads from (open them via
                           /proc/<front>/fd) */
    MSG_OPENED = 11,    /* R->F: the runtime has opened them; the front closes its copies */
    MSG_EXITED = 12,    /* F->R: i32 pid, i32 status (exit code, 128+N for signal N) of an executor */
    MSG_FINISHED = 13,  /* R->F: i32 the runtime's exit status, its output flushed: the front exits
                           with it at once, not after the JVM's teardown */
};

struct msg_hdr {
    uint32_t type;
    uint32_t len;
};

/* ---- program ---- */
struct step {
    uint16_t op;
    uint16_t nfields;
    uint32_t size;
};

struct prog {
    unsigned char *base;
    size_t size;
    uint32_t nsteps;
    const struct step **steps; /* inside the mapping, after the program */
};

struct cur {
    const unsigned char *pos, *end;
    int bad;
};

int prog_read(int fd, struct prog *p);
int prog_from_buffer(unsigned char *buf, size_t size, struct prog *p);
void cur_init(struct cur *c, const struct step *st);
int64_t cur_int(struct cur *c);
const char *cur_str(struct cur *c);           /* "" stays "" */
const char *cur_str_or_null(struct cur *c);   /* "" becomes NULL */
const void *cur_bytes(struct cur *c, size_t *len);
char *const *cur_strv(struct cur *c);
const int64_t *cur_ints(struct cur *c, size_t *n);
const char *op_name(int op);
void prog_dump(const struct prog *p, int fd);

/* ---- shared state of the running program ---- */
struct ctx {
    int ctl_in, ctl_out;   /* control channel to the runtime (-1 once closed) */
    int report_fd;         /* where MSG_ERROR goes */
    int console_fd;        /* connected console socket (or tty-proxy socket in run mode) */
    int root_fd;           /* O_PATH fd of the container rootfs */
    int listen_fd;         /* start socket */
    int tty_fd;            /* pty slave once CONSOLE ran */
    int dir_fd;            /* state dir (for unlinking the start socket) */
    char exec_path[4096];  /* set by LOOKUP_EXEC */
    const void *state;     /* state JSON for hooks */
    size_t state_len;
    int in_child;
    int step;              /* index of the running step */
    int op;                /* its op code */
    const char *listen_name; /* name of the start socket inside dir_fd */
    int listener_fd;       /* connection to the seccomp agent (CONNECT_LISTENER) */
    int host_pid;          /* our pid as the runtime sees it (GO's payload; 0 if not given) */
    size_t created_state_len; /* the state received at SYNC_HOOKS, kept in g_created_state */
};
extern struct ctx g;

/* errors: ops return 0 or -errno, and may describe the failure; -HULL_EDETAIL: only the text counts */
#define HULL_EDETAIL 10000
void detail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
extern char g_detail[1024];

/* messages (proto.c) */
int msg_send(int fd, uint32_t type, const void *payload, size_t len);
int msg_recv(int fd, struct msg_hdr *h, void *buf, size_t cap); /* 0 on EOF, 1 on message */
extern unsigned char g_msgbuf[1 << 20];
extern unsigned char g_created_state[1 << 20]; /* SYNC_HOOKS' state: later messages reuse g_msgbuf */
void report_error(int step, int err);
int write_all(int fd, const void *buf, size_t len);
int read_all(int fd, void *buf, size_t len); /* 0 on EOF before anything, 1 full, -errno */

/* ops (one file per concern) */
int op_grab_fds(struct cur *c);
int op_connect_socket(struct cur *c);
int op_join_ns(struct cur *c);
int op_unshare_time(struct cur *c);
int op_clone(struct cur *c);
int op_wait_go(struct cur *c);
int op_become_root(struct cur *c);
int op_unshare(struct cur *c);
int op_mount(struct cur *c);
int op_umount(struct cur *c);
int op_open_root(struct cur *c);
int op_mount_in_root(struct cur *c);
int op_mknod_in_root(struct cur *c);
int op_mkdir_in_root(struct cur *c);
int op_symlink_in_root(struct cur *c);
int op_sync_hooks(struct cur *c);
int op_hook(struct cur *c);
int op_listen_start(struct cur *c);
int op_pivot_root(struct cur *c);
int op_move_root(struct cur *c);
int op_console(struct cur *c);
int op_mask_path(struct cur *c);
int op_readonly_path(struct cur *c);
int op_remount_root_ro(struct cur *c);
int op_write_file(struct cur *c);
int op_chdir(struct cur *c);
int op_rlimit(struct cur *c);
int op_cap_bounding(struct cur *c);
int op_setgroups(struct cur *c);
int op_caps(struct cur *c);
int op_ambient(struct cur *c);
int op_seccomp(struct cur *c);
int op_lookup_exec(struct cur *c);
int op_created(struct cur *c);
int op_wait_start(struct cur *c);
int op_exec(struct cur *c);
int op_start_client(struct cur *c);
int op_signal(struct cur *c);
int op_close_fds(struct cur *c);
int op_join_keyring(struct cur *c);
int op_ioprio(struct cur *c);
int op_sched(struct cur *c);
int op_device_filter(struct cur *c);
int op_connect_listener(struct cur *c);
int op_lsm_label(struct cur *c);
int op_landlock(struct cur *c);
int op_monitor(struct cur *c);
int monitor_ready(void);                         /* a MONITOR step ran */
int monitor_detachable(void);                    /* attached, with detach keys: a waiter in front */
void monitor_report_to(int fd);                  /* P tells the waiter on fd when it detaches */
int monitor_child(void);                         /* C: stdio onto the monitor's pipes */
void monitor_run(pid_t child, const sigset_t *old) __attribute__((noreturn)); /* P */
int cur_more(const struct cur *c); /* another field follows (optional trailing fields) */

/* helpers */
int resolve_in_root(const char *path, int flags, int mkkind); /* fd or -errno */
int proc_fd_path(char *buf, size_t cap, int fd);
int unix_addr(const char *dir, const char *name, void *addr, unsigned *addrlen, int *tmpfd);
int tty_proxy(int sock, int child);
int recv_fd(int sock);
void tty_raw(int master);
void tty_restore(void);
void tty_size(int master);
int run_program(struct prog *p);
void reset_signals(void);
int status_of(int wait_status);
int serve(int in, int out, pid_t jvm);
int front_main(char **java_argv);
int broker_main(void);
int exec_sealed_copy(char **argv); /* 0 when already running from one, else only returns -errno */

#define MK_NONE 0
#define MK_DIR 1
#define MK_FILE 2

#endif
