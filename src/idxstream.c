/* idxstream.c — IDX images and labels read forward in runs of rows. */
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "idxstream.h"
#include "readers.h"

/* Room for "%.17g" of any element. */
#define LABEL_TEXT 32
#define IDX_MAX_RANK 8

static lk_status bad(lk_error *err, const char *path, size_t at, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static lk_status bad(lk_error *err, const char *path, size_t at, const char *fmt, ...)
{
    char place[40], text[200];
    snprintf(place, sizeof place, "byte %zu", at);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    return lk_error_set(err, LK_EFORMAT, path, place, "%s", text);
}

/* LK_OK when f's gzip stream (if it is one) is sound to its end, else its
 * damage.  Called only on the way to an error: bytes that make no sense
 * in a damaged stream are the stream's fault, and the message says so. */
static lk_status gz_sound(gzFile f, const char *path, lk_error *err)
{
    int code = Z_OK;
    if (gzdirect(f))
        return LK_OK;
    gzerror(f, &code);
    unsigned char buf[1 << 14];
    while (code == Z_OK && gzread(f, buf, sizeof buf) > 0)
        ;
    const char *msg = gzerror(f, &code);
    if (code != Z_OK)
        return lk_error_set(err, LK_EFORMAT, path, NULL, "truncated or corrupt gzip data: %s",
                            msg);
    return LK_OK;
}

static lk_status gz_open(gzFile *f, const char *path, lk_error *err)
{
    errno = 0;
    if (!(*f = gzopen(path, "rb")))
        return lk_error_set(err, errno == ENOENT ? LK_ENOTFOUND : LK_EIO, path, NULL,
                            "cannot open: %s", strerror(errno ? errno : EIO));
    return LK_OK;
}

static size_t be32(const unsigned char *p)
{
    return (size_t)p[0] << 24 | (size_t)p[1] << 16 | (size_t)p[2] << 8 | p[3];
}

/* Whole mode, a plain file: its size against what the header promises,
 * before anything is allocated for its rows. */
static lk_status check_size(gzFile f, const char *path, size_t head, size_t promised,
                            lk_error *err)
{
    struct stat st;
    if (!gzdirect(f) || stat(path, &st) != 0 || !S_ISREG(st.st_mode))
        return LK_OK;
    size_t have = (size_t)st.st_size - head;
    if ((size_t)st.st_size < head || have != promised)
        return bad(err, path, head, "the header promises %zu data bytes, the file has %zu%s",
                   promised, have, promised > have ? " (truncated?)" : "");
    return LK_OK;
}

/* The first four bytes of a header: magic, element type, rank (checked
 * as the file's kind needs: labels rank 1, images rank 2 to 8). */
static lk_status header_start(gzFile f, const char *path, int labels, unsigned char *h,
                              unsigned *type, unsigned *rank, lk_error *err)
{
    int got = gzread(f, h, 4);
    lk_status s = LK_OK;
    if (got < 4)
        s = bad(err, path, 0, "file of %d bytes is too short for an IDX header",
                got > 0 ? got : 0);
    else if (h[0] || h[1])
        s = bad(err, path, 0, "not an IDX file (first bytes %02x%02x, expected 0000)", h[0],
                h[1]);
    else if (!lki_idx_elem_size(h[2]))
        s = bad(err, path, 2, "unknown IDX element type 0x%02x", h[2]);
    else if (h[3] == 0 || h[3] > IDX_MAX_RANK)
        s = bad(err, path, 3, "IDX rank %u (expected 1 to %d)", h[3], IDX_MAX_RANK);
    else if (labels && h[3] != 1)
        s = bad(err, path, 3, "labels need rank 1, this file has rank %u", h[3]);
    else if (!labels && h[3] < 2)
        s = bad(err, path, 3, "features need rank 2 or more, this file has rank %u", h[3]);
    if (s != LK_OK) {
        lk_status g = gz_sound(f, path, err);
        return g != LK_OK ? g : s;
    }
    *type = h[2];
    *rank = h[3];
    got = gzread(f, h + 4, 4 * *rank);
    if (got != (int)(4 * *rank)) {
        size_t at = 4 + (got > 0 ? (size_t)got : 0);
        s = bad(err, path, at, "truncated header: %u dimensions need %u bytes", *rank,
                4 + 4 * *rank);
        lk_status g = gz_sound(f, path, err);
        return g != LK_OK ? g : s;
    }
    return LK_OK;
}

/* The image header: element type, rows and pixels per row.  The product
 * of the dimensions is formed with an overflow check. */
static lk_status images_header(lki_idxs *s, lk_error *err)
{
    unsigned char h[4 + 4 * IDX_MAX_RANK];
    unsigned rank;
    lk_status st = header_start(s->im, s->path, 0, h, &s->type, &rank, err);
    if (st != LK_OK)
        return st;
    s->es = lki_idx_elem_size(s->type);
    size_t count = 1;
    s->d = 1;
    for (unsigned k = 0; k < rank; k++) {
        size_t dim = be32(h + 4 + 4 * k);
        if (dim == 0)
            return bad(err, s->path, 4 + 4 * k, "dimension %u is zero", k + 1);
        if (count > SIZE_MAX / s->es / dim)
            return bad(err, s->path, 4 + 4 * k,
                       "the dimensions multiply to more elements than memory can address");
        count *= dim;
        if (k == 0)
            s->n = dim;
        else
            s->d *= dim;
    }
    s->head = 4 + 4 * (size_t)rank;
    if (s->whole && (st = check_size(s->im, s->path, s->head, count * s->es, err)) != LK_OK)
        return st;
    if (s->d > ((size_t)1 << 40))
        return bad(err, s->path, 4, "the dimensions are too large");
    return LK_OK;
}

/* The label header: rank 1, one label per image. */
static lk_status labels_header(lki_idxs *s, lk_error *err)
{
    const char *p = s->labels_path;
    unsigned char h[8];
    unsigned rank;
    lk_status st = header_start(s->lab, p, 1, h, &s->ltype, &rank, err);
    if (st != LK_OK)
        return st;
    s->les = lki_idx_elem_size(s->ltype);
    s->lhead = 8;
    size_t n = be32(h + 4);
    if (n == 0)
        return bad(err, p, 4, "dimension 1 is zero");
    if (s->whole && (st = check_size(s->lab, p, s->lhead, n * s->les, err)) != LK_OK)
        return st;
    if (n != s->n)
        return lk_error_set(err, LK_EFORMAT, p, NULL, "%zu labels for the %zu images of %s", n,
                            s->n, s->path);
    return LK_OK;
}

lk_status lki_idxs_open(lki_idxs *s, const char *path, const char *labels_path,
                        size_t max_rows, int whole, lk_error *err)
{
    memset(s, 0, sizeof *s);
    s->whole = whole;
    s->path = path;
    s->labels_path = labels_path;
    s->max_rows = max_rows ? max_rows : 1;
    lk_status st;
    if ((st = gz_open(&s->im, path, err)) != LK_OK || (st = images_header(s, err)) != LK_OK ||
        (st = gz_open(&s->lab, labels_path, err)) != LK_OK ||
        (st = labels_header(s, err)) != LK_OK)
        return st;
    /* The in-memory load checks the memory its rows need after the first
     * pass, but the run buffers are allocated here: in whole mode no more
     * rows than the header promises, nor than 64 MB hold as values (a
     * gzipped header may promise what the file lacks). */
    if (whole) {
        size_t fit = ((size_t)64 << 20) / 8 / s->d;
        if (s->max_rows > fit)
            s->max_rows = fit ? fit : 1;
        if (s->max_rows > s->n)
            s->max_rows = s->n;
    }
    /* A run must also fit gzread's int count. */
    size_t row = s->d * s->es;
    if (row > (size_t)0x7fffffff / s->max_rows || s->les * s->max_rows > 0x7fffffff)
        return lk_error_set(err, LK_EINVAL, path, NULL,
                            "a block of %zu images of %zu bytes is too large", s->max_rows, row);
    s->raw = malloc(row * s->max_rows);
    s->lraw = malloc(s->les * s->max_rows);
    s->ltext = malloc(LABEL_TEXT * s->max_rows);
    if (!s->raw || !s->lraw || !s->ltext)
        return lk_error_set(err, LK_ENOMEM, path, NULL, "out of memory");
    for (int v = 0; v < 256; v++)
        snprintf(s->u8text[v], sizeof s->u8text[v], "%d", v);
    return LK_OK;
}

void lki_idxs_close(lki_idxs *s)
{
    if (s->im)
        gzclose(s->im);
    if (s->lab)
        gzclose(s->lab);
    free(s->raw);
    free(s->lraw);
    free(s->ltext);
    memset(s, 0, sizeof *s);
}

lk_status lki_idxs_seek(lki_idxs *s, size_t row, lk_error *err)
{
    if (gzseek(s->im, (z_off_t)(s->head + row * s->d * s->es), SEEK_SET) < 0)
        return lk_error_set(err, LK_EIO, s->path, NULL, "cannot seek");
    if (gzseek(s->lab, (z_off_t)(s->lhead + row * s->les), SEEK_SET) < 0)
        return lk_error_set(err, LK_EIO, s->labels_path, NULL, "cannot seek");
    s->row = row;
    return LK_OK;
}

/* A file that ended after `have` data bytes: a damaged gzip stream, or
 * (whole) the size against the header's promise, as check_size words it,
 * or else the row it ended in, after the rows before it were delivered. */
static lk_status ended(const lki_idxs *s, gzFile f, const char *path, size_t head, size_t row,
                       size_t have, const char *what, lk_error *err)
{
    lk_status g = gz_sound(f, path, err);
    if (g != LK_OK)
        return g;
    if (s->whole)
        return bad(err, path, head, "the header promises %zu data bytes, the file has %zu "
                   "(truncated?)", s->n * row, have);
    size_t at = have / row;
    return bad(err, path, head + at * row, "the header promises %zu %ss, the file ends in %s "
               "%zu (truncated?)", s->n, what, what, at + 1);
}

/* After the last row: bytes that go on are refused (whole: counted, for
 * check_size's message), and so is a gzip stream damaged at its end. */
static lk_status at_end(const lki_idxs *s, gzFile f, const char *path, size_t head, size_t row,
                        const char *what, lk_error *err)
{
    unsigned char buf[1 << 14];
    int got = gzread(f, buf, 1);
    if (got <= 0)
        return gz_sound(f, path, err);
    if (!s->whole)
        return bad(err, path, head + s->n * row,
                   "the file goes on after the last %s the header promises", what);
    size_t extra = 1;
    while ((got = gzread(f, buf, sizeof buf)) > 0)
        extra += (size_t)got;
    lk_status g = gz_sound(f, path, err);
    if (g != LK_OK)
        return g;
    return bad(err, path, head, "the header promises %zu data bytes, the file has %zu",
               s->n * row, s->n * row + extra);
}

lk_status lki_idxs_read(lki_idxs *s, size_t m, int images, lk_error *err)
{
    int got = gzread(s->lab, s->lraw, (unsigned)(m * s->les));
    if (got != (int)(m * s->les))
        return ended(s, s->lab, s->labels_path, s->lhead, s->les,
                     s->row * s->les + (got > 0 ? (size_t)got : 0), "label", err);
    size_t row = s->d * s->es;
    if (images) {
        got = gzread(s->im, s->raw, (unsigned)(m * row));
        if (got != (int)(m * row))
            return ended(s, s->im, s->path, s->head, row,
                         s->row * row + (got > 0 ? (size_t)got : 0), "image", err);
    }
    for (size_t i = 0; s->ltype != 0x08 && i < m; i++)
        snprintf(s->ltext + i * LABEL_TEXT, LABEL_TEXT, "%.17g",
                 lki_idx_element(s->lraw + i * s->les, s->ltype));
    s->row += m;
    lk_status st = LK_OK;
    if (s->row == s->n) {
        st = at_end(s, s->lab, s->labels_path, s->lhead, s->les, "label", err);
        if (st == LK_OK && images)
            st = at_end(s, s->im, s->path, s->head, row, "image", err);
    }
    return st;
}

const char *lki_idxs_label(const lki_idxs *s, size_t i)
{
    return s->ltype == 0x08 ? s->u8text[s->lraw[i]] : s->ltext + i * LABEL_TEXT;
}

/* MNIST's case: bytes to scaled values in one loop.  restrict and the
 * fixed inner count let GCC vectorize it at -O2 (its cheap cost model
 * does not version loops for aliasing or unknown counts). */
static void u8_scaled(const unsigned char *restrict p, size_t d, const lk_real *restrict shift,
                      const lk_real *restrict scale, lk_real *restrict o)
{
    size_t j = 0;
    for (; j + 16 <= d; j += 16)
        for (size_t u = 0; u < 16; u++)
            o[j + u] = ((lk_real)p[j + u] - shift[j + u]) * scale[j + u];
    for (; j < d; j++)
        o[j] = ((lk_real)p[j] - shift[j]) * scale[j];
}

void lki_idxs_convert(const lki_idxs *s, size_t i, size_t count, lk_real *dst, size_t ld,
                      const lk_real *shift, const lk_real *scale)
{
    size_t d = s->d, row = d * s->es;
    for (size_t r = 0; r < count; r++) {
        const unsigned char *p = s->raw + (i + r) * row;
        lk_real *o = dst + r * ld;
        if (s->type == 0x08 && shift) {
            u8_scaled(p, d, shift, scale, o);
        } else {
            lki_idx_convert(p, s->type, d, o);
            for (size_t j = 0; shift && j < d; j++)
                o[j] = (o[j] - shift[j]) * scale[j];
        }
    }
}
