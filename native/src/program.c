/* Loading, linking and decoding the setup program (format: ARCHITECTURE.md, "The setup program"). */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "hull.h"

static size_t align8(size_t n) { return (n + 7) & ~(size_t)7; }

/*
 * Walks every step and field once, checks that all lengths stay inside the program, and fills
 * the pointer slots of string vectors so that EXEC and HOOK can hand them to execve unchanged.
 * After this, decoding never fails on bounds; only a field of the wrong type can still be found.
 */
static int prog_link(struct prog *p)
{
    unsigned char *pos = p->base + 16, *end = p->base + p->size;
    /* step index lives right after the program inside the same mapping */
    p->steps = (const struct step **)(p->base + align8(p->size));
    for (uint32_t i = 0; i < p->nsteps; i++) {
        if ((size_t)(end - pos) < sizeof(struct step))
            return -EBADMSG;
        struct step *st = (struct step *)pos;
        if (st->size < sizeof(struct step) || st->size % 8 || st->size > (size_t)(end - pos))
            return -EBADMSG;
        p->steps[i] = st;
        unsigned char *f = pos + sizeof(struct step), *fend = pos + st->size;
        for (unsigned k = 0; k < st->nfields; k++) {
            if ((size_t)(fend - f) < 8)
                return -EBADMSG;
            uint32_t tag, len;
            memcpy(&tag, f, 4);
            memcpy(&len, f + 4, 4);
            if (len > (size_t)(fend - f) - 8 || align8(len) > (size_t)(fend - f) - 8)
                return -EBADMSG;
            unsigned char *pl = f + 8;
            switch (tag) {
            case TAG_INT:
                if (len != 8)
                    return -EBADMSG;
                break;
            case TAG_STR:
                if (len == 0 || pl[len - 1] != 0)
                    return -EBADMSG;
                break;
            case TAG_BYTES:
                break;
            case TAG_INTS:
                if (len % 8)
                    return -EBADMSG;
                break;
            case TAG_STRV: {
                if (len < 16)
                    return -EBADMSG;
                uint32_t n;
                memcpy(&n, pl, 4);
                size_t slots = 8 + ((size_t)n + 1) * 8;
                if (slots > len)
                    return -EBADMSG;
                char **vec = (char **)(pl + 8);
                char *s = (char *)pl + slots, *send = (char *)pl + len;
                for (uint32_t j = 0; j < n; j++) {
                    char *nul = memchr(s, 0, (size_t)(send - s));
                    if (!nul)
                        return -EBADMSG;
                    vec[j] = s;
                    s = nul + 1;
                }
                vec[n] = NULL;
                break;
            }
            default:
                return -EBADMSG;
            }
            f = pl + align8(len);
        }
        if (f != fend)
            return -EBADMSG;
        pos = fend;
    }
    return pos == end ? 0 : -EBADMSG;
}

static unsigned char *map_program(size_t size, uint32_t nsteps)
{
    size_t total = align8(size) + (size_t)nsteps * sizeof(void *);
    void *m = mmap(NULL, total, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    return m == MAP_FAILED ? NULL : m;
}

static int parse_header(const unsigned char *h, uint32_t *nsteps, uint32_t *size)
{
    if (memcmp(h, PROG_MAGIC, 8))
        return -EBADMSG;
    memcpy(nsteps, h + 8, 4);
    memcpy(size, h + 12, 4);
    if (*size < 16 || *size > PROG_MAX || *nsteps > *size / 8)
        return -EBADMSG;
    return 0;
}

/* Reads a whole program from fd (a pipe from the runtime, or a file). */
int prog_read(int fd, struct prog *p)
{
    unsigned char h[16];
    int r = read_all(fd, h, sizeof h);
    if (r <= 0)
        return r == 0 ? -ENODATA : r;
    uint32_t n, size;
    if ((r = parse_header(h, &n, &size)) < 0)
        return r;
    unsigned char *m = map_program(size, n);
    if (!m)
        return -ENOMEM;
    memcpy(m, h, 16);
    if (size > 16 && (r = read_all(fd, m + 16, size - 16)) <= 0)
        return r == 0 ? -ENODATA : r;
    p->base = m;
    p->size = size;
    p->nsteps = n;
    return prog_link(p);
}

int prog_from_buffer(unsigned char *buf, size_t len, struct prog *p)
{
    uint32_t n, size;
    int r;
    if (len < 16 || (r = parse_header(buf, &n, &size)) < 0 || size != len)
        return -EBADMSG;
    unsigned char *m = map_program(size, n);
    if (!m)
        return -ENOMEM;
    memcpy(m, buf, size);
    p->base = m;
    p->size = size;
    p->nsteps = n;
    return prog_link(p);
}

/* ---- decoding one step's fields in order ---- */

void cur_init(struct cur *c, const struct step *st)
{
    c->pos = (const unsigned char *)st + sizeof(struct step);
    c->end = (const unsigned char *)st + st->size;
    c->bad = 0;
}

static const unsigned char *next(struct cur *c, uint32_t want, uint32_t *len)
{
    uint32_t tag;
    if (c->bad || c->end - c->pos < 8) {
        c->bad = 1;
        return NULL;
    }
    memcpy(&tag, c->pos, 4);
    memcpy(len, c->pos + 4, 4);
    if (tag != want) {
        c->bad = 1;
        return NULL;
    }
    const unsigned char *pl = c->pos + 8;
    c->pos = pl + align8(*len);
    return pl;
}

int cur_more(const struct cur *c)
{
    return !c->bad && c->end - c->pos >= 8;
}

int64_t cur_int(struct cur *c)
{
    uint32_t len;
    int64_t v = 0;
    const unsigned char *p = next(c, TAG_INT, &len);
    if (p)
        memcpy(&v, p, 8);
    return v;
}

const char *cur_str(struct cur *c)
{
    uint32_t len;
    const unsigned char *p = next(c, TAG_STR, &len);
    return p ? (const char *)p : "";
}

const char *cur_str_or_null(struct cur *c)
{
    const char *s = cur_str(c);
    return *s ? s : NULL;
}

const void *cur_bytes(struct cur *c, size_t *n)
{
    uint32_t len;
    const unsigned char *p = next(c, TAG_BYTES, &len);
    *n = p ? len : 0;
    return p;
}

char *const *cur_strv(struct cur *c)
{
    static char *const empty[] = {NULL};
    uint32_t len;
    const unsigned char *p = next(c, TAG_STRV, &len);
    return p ? (char *const *)(p + 8) : empty;
}

const int64_t *cur_ints(struct cur *c, size_t *n)
{
    uint32_t len;
    const unsigned char *p = next(c, TAG_INTS, &len);
    *n = p ? len / 8 : 0;
    return (const int64_t *)p;
}

const char *op_name(int op)
{
    switch (op) {
#define X(code, name)                                                                              \
    case code:                                                                                     \
        return #name;
        HULL_OPS(X)
#undef X
    }
    return "?";
}

/* `hull-exec --dump`: a readable listing, used by the Java encoder's tests. */
void prog_dump(const struct prog *p, int fd)
{
    for (uint32_t i = 0; i < p->nsteps; i++) {
        const struct step *st = p->steps[i];
        dprintf(fd, "%u %s", i, op_name(st->op));
        const unsigned char *f = (const unsigned char *)st + sizeof *st;
        for (unsigned k = 0; k < st->nfields; k++) {
            uint32_t tag, len;
            memcpy(&tag, f, 4);
            memcpy(&len, f + 4, 4);
            const unsigned char *pl = f + 8;
            if (tag == TAG_INT) {
                int64_t v;
                memcpy(&v, pl, 8);
                dprintf(fd, " %lld", (long long)v);
            } else if (tag == TAG_STR) {
                dprintf(fd, " \"%s\"", (const char *)pl);
            } else if (tag == TAG_BYTES) {
                dprintf(fd, " <%u bytes>", len);
            } else if (tag == TAG_INTS) {
                dprintf(fd, " [");
                for (uint32_t j = 0; j < len / 8; j++) {
                    int64_t v;
                    memcpy(&v, pl + 8 * j, 8);
                    dprintf(fd, j ? " %lld" : "%lld", (long long)v);
                }
                dprintf(fd, "]");
            } else if (tag == TAG_STRV) {
                char *const *v = (char *const *)(pl + 8);
                dprintf(fd, " [");
                for (int j = 0; v[j]; j++)
                    dprintf(fd, j ? " \"%s\"" : "\"%s\"", v[j]);
                dprintf(fd, "]");
            }
            f = pl + align8(len);
        }
        dprintf(fd, "\n");
    }
}
