/* idxstream.c — IDX images and labels read forward in runs of rows. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "idxstream.h"
#include "readers.h"

/* Room for "%.17g" of any element. */
#define LABEL_TEXT 32

static lk_status bad(lk_error *err, const char *path, size_t at, const char *text)
{
    char place[40];
    snprintf(place, sizeof place, "byte %zu", at);
    return lk_error_set(err, LK_EFORMAT, path, place, "%s", text);
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

/* The image header: element type, rows and pixels per row. */
static lk_status images_header(lki_idxs *s, lk_error *err)
{
    unsigned char h[4 + 4 * 8];
    if (gzread(s->im, h, 4) != 4)
        return bad(err, s->path, 0, "too short for an IDX header");
    s->type = h[2];
    unsigned rank = h[3];
    if (h[0] || h[1])
        return bad(err, s->path, 0, "not an IDX file (first bytes are not 0000)");
    if (!(s->es = lki_idx_elem_size(s->type)))
        return bad(err, s->path, 2, "unknown IDX element type");
    if (rank < 2 || rank > 8)
        return bad(err, s->path, 3, "features need rank 2 to 8");
    if (gzread(s->im, h + 4, 4 * rank) != (int)(4 * rank))
        return bad(err, s->path, 4, "truncated header");
    s->d = 1;
    for (unsigned k = 0; k < rank; k++) {
        size_t dim = be32(h + 4 + 4 * k);
        if (dim == 0)
            return bad(err, s->path, 4 + 4 * k, "a dimension is zero");
        if (k == 0)
            s->n = dim;
        else if (s->d > ((size_t)1 << 40) / dim)
            return bad(err, s->path, 4 + 4 * k, "the dimensions are too large");
        else
            s->d *= dim;
    }
    s->head = 4 + 4 * (size_t)rank;
    return LK_OK;
}

/* The label header: rank 1, one label per image. */
static lk_status labels_header(lki_idxs *s, lk_error *err)
{
    const char *p = s->labels_path;
    unsigned char h[8];
    int got = gzread(s->lab, h, 8);
    if (got < 4)
        return bad(err, p, 0, "too short for an IDX header");
    if (h[0] || h[1]) {
        char t[64];
        snprintf(t, sizeof t, "not an IDX file (first bytes %02x%02x, expected 0000)", h[0], h[1]);
        return bad(err, p, 0, t);
    }
    s->ltype = h[2];
    if (!(s->les = lki_idx_elem_size(s->ltype))) {
        char t[48];
        snprintf(t, sizeof t, "unknown IDX element type 0x%02x", s->ltype);
        return bad(err, p, 2, t);
    }
    if (h[3] != 1) {
        char t[64];
        snprintf(t, sizeof t, "labels need rank 1, this file has rank %u", (unsigned)h[3]);
        return bad(err, p, 3, t);
    }
    if (got != 8)
        return bad(err, p, (size_t)got, "truncated header: 1 dimension needs 8 bytes");
    s->lhead = 8;
    size_t n = be32(h + 4);
    if (n != s->n)
        return lk_error_set(err, LK_EFORMAT, p, NULL, "%zu labels for the %zu images of %s", n,
                            s->n, s->path);
    return LK_OK;
}

lk_status lki_idxs_open(lki_idxs *s, const char *path, const char *labels_path,
                        size_t max_rows, lk_error *err)
{
    memset(s, 0, sizeof *s);
    s->path = path;
    s->labels_path = labels_path;
    s->max_rows = max_rows ? max_rows : 1;
    lk_status st;
    if ((st = gz_open(&s->im, path, err)) != LK_OK || (st = images_header(s, err)) != LK_OK ||
        (st = gz_open(&s->lab, labels_path, err)) != LK_OK ||
        (st = labels_header(s, err)) != LK_OK)
        return st;
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

/* Whether f has a byte beyond the last row. */
static int more_bytes(gzFile f)
{
    unsigned char c;
    return gzread(f, &c, 1) > 0;
}

lk_status lki_idxs_read(lki_idxs *s, size_t m, int images, lk_error *err)
{
    int got = gzread(s->lab, s->lraw, (unsigned)(m * s->les));
    if (got != (int)(m * s->les)) {
        size_t at = s->row + (got > 0 ? (size_t)got : 0) / s->les;
        char place[40];
        snprintf(place, sizeof place, "byte %zu", s->lhead + at * s->les);
        return lk_error_set(err, LK_EFORMAT, s->labels_path, place,
                            "the header promises %zu labels, the file ends in label %zu "
                            "(truncated?)", s->n, at + 1);
    }
    size_t row = s->d * s->es;
    if (images) {
        got = gzread(s->im, s->raw, (unsigned)(m * row));
        if (got != (int)(m * row)) {
            size_t at = s->row + (got > 0 ? (size_t)got : 0) / row;
            char place[40];
            snprintf(place, sizeof place, "byte %zu", s->head + at * row);
            return lk_error_set(err, LK_EFORMAT, s->path, place,
                                "the header promises %zu images, the file ends in image %zu "
                                "(truncated?)", s->n, at + 1);
        }
    }
    for (size_t i = 0; s->ltype != 0x08 && i < m; i++)
        snprintf(s->ltext + i * LABEL_TEXT, LABEL_TEXT, "%.17g",
                 lki_idx_element(s->lraw + i * s->les, s->ltype));
    s->row += m;
    if (s->row == s->n) {
        if (more_bytes(s->lab))
            return bad(err, s->labels_path, s->lhead + s->n * s->les,
                       "the file goes on after the last label the header promises");
        if (images && more_bytes(s->im))
            return bad(err, s->path, s->head + s->n * row,
                       "the file goes on after the last image the header promises");
    }
    return LK_OK;
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
