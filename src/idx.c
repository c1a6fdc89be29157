/* idx.c — the IDX format of MNIST and its kin (Fashion-MNIST, EMNIST).
 *
 *   bytes 0-1  zero
 *   byte  2    element type: 08 u8, 09 i8, 0B i16, 0C i32, 0D f32, 0E f64
 *   byte  3    rank r
 *   then r big-endian u32 dimensions, then the elements, big-endian, row-major.
 *
 * Every dimension is checked against the bytes actually present before any
 * allocation, so a damaged header can neither overflow nor exhaust memory. */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <learnkit/io.h>
#include "readers.h"

#define IDX_MAX_RANK 8

void lki_rows_free(lki_rows *r)
{
    lk_mat_free(&r->x);
    if (r->labels) {
        for (size_t i = 0; i < r->n; i++)
            free(r->labels[i]);
        free(r->labels);
    }
    memset(r, 0, sizeof *r);
}

size_t lki_idx_elem_size(unsigned type)
{
    switch (type) {
    case 0x08: case 0x09: return 1;
    case 0x0B: return 2;
    case 0x0C: case 0x0D: return 4;
    case 0x0E: return 8;
    default: return 0;
    }
}

static uint64_t be(const unsigned char *p, size_t n)
{
    uint64_t v = 0;
    for (size_t k = 0; k < n; k++)
        v = v << 8 | p[k];
    return v;
}

double lki_idx_element(const unsigned char *p, unsigned type)
{
    switch (type) {
    case 0x08: return p[0];
    case 0x09: return (double)(int8_t)p[0];
    case 0x0B: return (double)(int16_t)(uint16_t)be(p, 2);
    case 0x0C: return (double)(int32_t)(uint32_t)be(p, 4);
    case 0x0D: {
        uint32_t u = (uint32_t)be(p, 4);
        float f;
        memcpy(&f, &u, 4);
        return f;
    }
    default: {
        uint64_t u = be(p, 8);
        double d;
        memcpy(&d, &u, 8);
        return d;
    }
    }
}

static lk_status bad(lk_error *err, const char *source, size_t at, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static lk_status bad(lk_error *err, const char *source, size_t at, const char *fmt, ...)
{
    char place[40], text[200];
    snprintf(place, sizeof place, "byte %zu", at);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    return lk_error_set(err, LK_EFORMAT, source, place, "%s", text);
}

lk_status lki_idx_parse(const unsigned char *buf, size_t n, const char *source, int want_rank1,
                        lki_rows *out, lk_error *err)
{
    memset(out, 0, sizeof *out);
    if (n < 4)
        return bad(err, source, 0, "file of %zu bytes is too short for an IDX header", n);
    if (buf[0] != 0 || buf[1] != 0)
        return bad(err, source, 0, "not an IDX file (first bytes %04x, expected 0000)",
                   (unsigned)be(buf, 2));
    unsigned type = buf[2], rank = buf[3];
    size_t es = lki_idx_elem_size(type);
    if (!es)
        return bad(err, source, 2, "unknown IDX element type 0x%02x", type);
    if (rank == 0 || rank > IDX_MAX_RANK)
        return bad(err, source, 3, "IDX rank %u (expected 1 to %d)", rank, IDX_MAX_RANK);
    if (want_rank1 && rank != 1)
        return bad(err, source, 3, "labels need rank 1, this file has rank %u", rank);
    if (!want_rank1 && rank < 2)
        return bad(err, source, 3, "features need rank 2 or more, this file has rank %u",
                   rank);
    size_t head = 4 + 4 * (size_t)rank;
    if (n < head)
        return bad(err, source, n, "truncated header: %u dimensions need %zu bytes", rank, head);
    /* The product of the dimensions is formed with an overflow check, then
     * compared with the bytes present, all before any allocation. */
    size_t count = 1, rows = (size_t)be(buf + 4, 4), d = 1;
    for (unsigned k = 0; k < rank; k++) {
        size_t dim = (size_t)be(buf + 4 + 4 * k, 4);
        if (dim == 0)
            return bad(err, source, 4 + 4 * k, "dimension %u is zero", k + 1);
        if (count > SIZE_MAX / es / dim)
            return bad(err, source, 4 + 4 * k,
                       "the dimensions multiply to more elements than memory can address");
        count *= dim;
        if (k > 0)
            d *= dim;
    }
    if (count * es != n - head)
        return bad(err, source, head, "the header promises %zu data bytes, the file has %zu%s",
                   count * es, n - head, count * es > n - head ? " (truncated?)" : "");
    lk_status s;
    if (want_rank1) {
        out->labels = calloc(rows, sizeof *out->labels);
        if (!out->labels)
            return lk_error_set(err, LK_ENOMEM, source, NULL, "cannot hold %zu labels", rows);
        out->n = rows;
        for (size_t i = 0; i < rows; i++) {
            double v = lki_idx_element(buf + head + i * es, type);
            char text[40];
            snprintf(text, sizeof text, "%.17g", v);
            if (!(out->labels[i] = strdup(text))) {
                lki_rows_free(out);
                return lk_error_set(err, LK_ENOMEM, source, NULL, "out of memory");
            }
        }
        return LK_OK;
    }
    if ((s = lk_mat_alloc_uninit(&out->x, rows, d, err)) != LK_OK)
        return s;
    out->n = rows;
    out->d = d;
    lki_idx_convert(buf + head, type, count, out->x.data);
    return LK_OK;
}

void lki_idx_convert(const unsigned char *p, unsigned type, size_t count, lk_real *out)
{
    size_t es = lki_idx_elem_size(type);
    if (type == 0x08) {
        /* The common case (MNIST pixels), without the per-element switch. */
        for (size_t k = 0; k < count; k++)
            out[k] = (lk_real)p[k];
    } else {
        for (size_t k = 0; k < count; k++)
            out[k] = (lk_real)lki_idx_element(p + k * es, type);
    }
}

static lk_status read_idx(const char *path, size_t max_bytes, int want_rank1, lki_rows *out,
                          lk_error *err)
{
    unsigned char *buf;
    size_t n;
    memset(out, 0, sizeof *out);
    lk_status s = lk_read_maybe_gz(path, max_bytes, &buf, &n, err);
    if (s != LK_OK)
        return s;
    s = lki_idx_parse(buf, n, path, want_rank1, out, err);
    free(buf);
    return s;
}

lk_status lki_idx_read_features(const char *path, size_t max_bytes, lki_rows *out,
                                lk_error *err)
{
    return read_idx(path, max_bytes, 0, out, err);
}

lk_status lki_idx_read_labels(const char *path, size_t max_bytes, lki_rows *out, lk_error *err)
{
    return read_idx(path, max_bytes, 1, out, err);
}
