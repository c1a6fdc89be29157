/* lines.c — text files (plain or gzipped) one line at a time. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "lines.h"

#define FIRST_CAP ((size_t)1 << 20)

lk_status lki_lines_open(lki_lines *l, const char *path, lk_error *err)
{
    memset(l, 0, sizeof *l);
    l->source = path;
    /* zlib reads a file that is not gzipped as it is. */
    if (!(l->gz = gzopen(path, "rb")))
        return lk_error_set(err, errno == ENOENT ? LK_ENOTFOUND : LK_EIO, path, NULL,
                            "cannot open: %s", strerror(errno ? errno : EIO));
    gzbuffer(l->gz, 1 << 17);
    if (!(l->buf = malloc(FIRST_CAP + 1))) {
        lki_lines_close(l);
        return lk_error_set(err, LK_ENOMEM, path, NULL, "out of memory");
    }
    l->cap = FIRST_CAP;
    return LK_OK;
}

void lki_lines_close(lki_lines *l)
{
    if (l->gz)
        gzclose(l->gz);
    free(l->buf);
    memset(l, 0, sizeof *l);
}

lk_status lki_lines_rewind(lki_lines *l, lk_error *err)
{
    if (gzrewind(l->gz) != 0)
        return lk_error_set(err, LK_EIO, l->source, NULL, "cannot read it again");
    l->len = l->pos = 0;
    l->eof = 0;
    l->line_no = 0;
    return LK_OK;
}

/* Move the unread tail to the front and read more after it. */
static lk_status refill(lki_lines *l, lk_error *err)
{
    size_t tail = l->len - l->pos;
    if (l->pos > 0) {
        memmove(l->buf, l->buf + l->pos, tail);
        l->pos = 0;
        l->len = tail;
    }
    if (l->len == l->cap) {
        char *b = realloc(l->buf, 2 * l->cap + 1);
        if (!b)
            return lk_error_set(err, LK_ENOMEM, l->source, NULL, "out of memory for a line of "
                                "%zu bytes", l->len);
        l->buf = b;
        l->cap *= 2;
    }
    size_t want = l->cap - l->len;
    if (want > (1u << 30))
        want = 1u << 30;
    int got = gzread(l->gz, l->buf + l->len, (unsigned)want);
    if (got < 0) {
        int code;
        const char *msg = gzerror(l->gz, &code);
        return lk_error_set(err, LK_EFORMAT, l->source, NULL,
                            "corrupt gzip data after %.0f bytes: %s", l->bytes, msg);
    }
    if (got == 0) {
        int code = Z_OK;
        const char *msg = gzerror(l->gz, &code);
        if (code != Z_OK)
            return lk_error_set(err, LK_EFORMAT, l->source, NULL,
                                "truncated or corrupt gzip data after %.0f bytes: %s",
                                l->bytes + (double)l->len, msg);
        l->eof = 1;
    }
    l->len += (size_t)got;
    return LK_OK;
}

int lki_lines_next(lki_lines *l, char **line, size_t *len, lk_error *err)
{
    for (;;) {
        char *p = l->buf + l->pos;
        size_t avail = l->len - l->pos;
        char *nl = avail ? memchr(p, '\n', avail) : NULL;
        if (nl || (l->eof && avail)) {
            char *stop = nl ? nl : p + avail;
            l->pos += (size_t)(stop - p) + (nl ? 1 : 0);
            l->bytes += (double)(stop - p) + (nl ? 1 : 0);
            if (l->line_no++ == 0 && stop - p >= 3 && (unsigned char)p[0] == 0xEF &&
                (unsigned char)p[1] == 0xBB && (unsigned char)p[2] == 0xBF)
                p += 3;
            if (stop > p && stop[-1] == '\r')
                stop--;
            *stop = '\0';
            *line = p;
            *len = (size_t)(stop - p);
            return 1;
        }
        if (l->eof)
            return 0;
        lk_status s = refill(l, err);
        if (s != LK_OK)
            return -(int)s;
    }
}
