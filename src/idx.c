/* idx.c — the elements of the IDX format of MNIST and its kin
 * (Fashion-MNIST, EMNIST); idxstream.c reads the files.
 *
 *   bytes 0-1  zero
 *   byte  2    element type: 08 u8, 09 i8, 0B i16, 0C i32, 0D f32, 0E f64
 *   byte  3    rank r
 *   then r big-endian u32 dimensions, then the elements, big-endian, row-major. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "readers.h"

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
