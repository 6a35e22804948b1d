/* The control channel between the runtime and the executor: length-prefixed messages on pipes. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/uio.h>
#include <unistd.h>

#include "hull.h"

unsigned char g_msgbuf[1 << 20]; /* .bss: costs nothing until a message arrives */
unsigned char g_created_state[1 << 20];
char g_detail[1024];

void detail(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(g_detail, sizeof g_detail, fmt, ap);
    va_end(ap);
}

int write_all(int fd, const void *buf, size_t len)
{
    const char *p = buf;
    while (len) {
        ssize_t n = write(fd, p, len);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return -errno;
        }
        p += n;
        len -= (size_t)n;
    }
    return 0;
}

int read_all(int fd, void *buf, size_t len)
{
    char *p = buf;
    size_t got = 0;
    while (got < len) {
        ssize_t n = read(fd, p + got, len - got);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return -errno;
        }
        if (n == 0)
            return got ? -EPIPE : 0;
        got += (size_t)n;
    }
    return 1;
}

int msg_send(int fd, uint32_t type, const void *payload, size_t len)
{
    if (fd < 0)
        return -EPIPE;
    struct msg_hdr h = {type, (uint32_t)len};
    struct iovec iov[2] = {{&h, sizeof h}, {(void *)payload, len}};
    ssize_t n;
    do
        n = writev(fd, iov, len ? 2 : 1);
    while (n < 0 && errno == EINTR);
    if (n < 0)
        return -errno;
    if ((size_t)n == sizeof h + len)
        return 0;
    /* short write on a pipe: finish it byte-exactly */
    size_t done = (size_t)n;
    if (done < sizeof h) {
        int r = write_all(fd, (char *)&h + done, sizeof h - done);
        if (r < 0)
            return r;
        done = sizeof h;
    }
    return write_all(fd, (const char *)payload + (done - sizeof h), len - (done - sizeof h));
}

/* Returns 1 with a message in buf, 0 on a clean EOF, -errno otherwise. */
int msg_recv(int fd, struct msg_hdr *h, void *buf, size_t cap)
{
    int r = read_all(fd, h, sizeof *h);
    if (r <= 0)
        return r;
    if (h->len > cap)
        return -EMSGSIZE;
    if (h->len && (r = read_all(fd, buf, h->len)) <= 0)
        return r == 0 ? -EPIPE : r;
    return 1;
}

/* MSG_ERROR: i32 step, i32 errno, then the detail text. */
void report_error(int step, int err)
{
    struct {
        int32_t step, err, op;
        char text[sizeof g_detail];
    } m;
    m.step = step;
    m.err = err == HULL_EDETAIL ? 0 : err;
    m.op = g.op;
    size_t n = strnlen(g_detail, sizeof g_detail - 1);
    memcpy(m.text, g_detail, n);
    m.text[n] = 0;
    if (msg_send(g.report_fd, MSG_ERROR, &m, 12 + n + 1) < 0) {
        /* nobody listens (the runtime is gone): leave a trace on stderr */
        dprintf(2, "hull-exec: step %d (%s): %s%s%s\n", step, op_name(g.op),
                m.err ? strerror(m.err) : "failed", n ? ": " : "", g_detail);
    }
}
