/* mat.c — allocation, views and copies of row-major matrices. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <math.h>
#include <sys/mman.h>
#include <learnkit/mat.h>

#define LK_ALIGN 64

/* Blocks from 2 MiB up are aligned to 2 MiB and offered to the kernel as
 * transparent huge pages: a 188 MB MNIST block then costs a few hundred page
 * faults instead of 47 000, which on a virtual machine (about 12 us a
 * fault here) is most of the time spent loading.  Rounding up costs less
 * than 2 MiB a block; the ELM autoencoder's 3 and 4 MB scratch blocks
 * alone saved 3500 faults. */
#define HUGE_MIN ((size_t)2 << 20)
#define HUGE_ALIGN ((size_t)2 << 20)

void *lk_alloc_aligned(size_t n)
{
    if (n == 0 || n > SIZE_MAX - HUGE_ALIGN)
        return NULL;
    size_t align = n >= HUGE_MIN ? HUGE_ALIGN : LK_ALIGN;
    size_t rounded = (n + align - 1) / align * align;
    void *p = aligned_alloc(align, rounded);
#ifdef MADV_HUGEPAGE
    if (p && align == HUGE_ALIGN)
        madvise(p, rounded, MADV_HUGEPAGE);
#endif
    return p;
}

void lk_free_aligned(void *p) { free(p); }

size_t lk_mat_bytes(size_t rows, size_t cols)
{
    if (rows == 0 || cols == 0)
        return 0;
    if (rows > SIZE_MAX / cols || rows * cols > SIZE_MAX / sizeof(lk_real))
        return 0;
    return rows * cols * sizeof(lk_real);
}

lk_status lk_alloc_block_uninit(size_t rows, size_t cols, size_t elem_size, void **out,
                                lk_error *err)
{
    *out = NULL;
    if (rows == 0 || cols == 0)
        return LK_OK;
    if (rows > SIZE_MAX / cols || rows * cols > SIZE_MAX / elem_size)
        return lk_error_set(err, LK_ENOMEM, "matrix", NULL,
                            "%zu x %zu elements overflow the address space", rows, cols);
    size_t bytes = rows * cols * elem_size;
    if (!(*out = lk_alloc_aligned(bytes)))
        return lk_error_set(err, LK_ENOMEM, "matrix", NULL,
                            "cannot allocate %zu x %zu (%.1f MiB)", rows, cols,
                            (double)bytes / (1024.0 * 1024.0));
    return LK_OK;
}

lk_status lk_alloc_block(size_t rows, size_t cols, size_t elem_size, void **out, lk_error *err)
{
    lk_status s = lk_alloc_block_uninit(rows, cols, elem_size, out, err);
    if (s == LK_OK && *out)
        memset(*out, 0, rows * cols * elem_size);
    return s;
}

static lk_status mat_alloc(lk_mat *m, size_t rows, size_t cols, int zero, lk_error *err)
{
    void *data;
    lk_status s = zero ? lk_alloc_block(rows, cols, sizeof(lk_real), &data, err)
                       : lk_alloc_block_uninit(rows, cols, sizeof(lk_real), &data, err);
    if (s != LK_OK) {
        *m = (lk_mat){ 0 };
        return s;
    }
    *m = (lk_mat){ .rows = rows, .cols = cols, .ld = cols, .data = data, .owner = data != NULL };
    return LK_OK;
}

lk_status lk_mat_alloc(lk_mat *m, size_t rows, size_t cols, lk_error *err)
{
    return mat_alloc(m, rows, cols, 1, err);
}

lk_status lk_mat_alloc_uninit(lk_mat *m, size_t rows, size_t cols, lk_error *err)
{
    return mat_alloc(m, rows, cols, 0, err);
}

void lk_mat_free(lk_mat *m)
{
    if (!m)
        return;
    if (m->owner)
        lk_free_aligned(m->data);
    *m = (lk_mat){ 0 };
}

lk_mat lk_mat_view(lk_real *data, size_t rows, size_t cols, size_t ld)
{
    return (lk_mat){ .rows = rows, .cols = cols, .ld = ld < cols ? cols : ld,
                     .data = data, .owner = 0 };
}

lk_mat lk_mat_rows(const lk_mat *m, size_t r0, size_t n)
{
    if (r0 > m->rows)
        r0 = m->rows;
    if (n > m->rows - r0)
        n = m->rows - r0;
    return (lk_mat){ .rows = n, .cols = m->cols, .ld = m->ld,
                     .data = m->data ? m->data + r0 * m->ld : NULL, .owner = 0 };
}

lk_mat lk_mat_cols(const lk_mat *m, size_t c0, size_t n)
{
    if (c0 > m->cols)
        c0 = m->cols;
    if (n > m->cols - c0)
        n = m->cols - c0;
    return (lk_mat){ .rows = m->rows, .cols = n, .ld = m->ld,
                     .data = m->data ? m->data + c0 : NULL, .owner = 0 };
}

lk_status lk_mat_copy(lk_mat *dst, const lk_mat *src, lk_error *err)
{
    if (dst->rows != src->rows || dst->cols != src->cols)
        return lk_error_set(err, LK_EINVAL, "matrix", NULL,
                            "copy of %zu x %zu into %zu x %zu", src->rows, src->cols,
                            dst->rows, dst->cols);
    if (src->rows == 0 || src->cols == 0)
        return LK_OK;
    if (dst->ld == dst->cols && src->ld == src->cols) {
        memmove(dst->data, src->data, src->rows * src->cols * sizeof(lk_real));
        return LK_OK;
    }
    for (size_t i = 0; i < src->rows; i++)
        memmove(lk_mat_row(dst, i), lk_mat_row(src, i), src->cols * sizeof(lk_real));
    return LK_OK;
}

void lk_mat_fill(lk_mat *m, lk_real value)
{
    for (size_t i = 0; i < m->rows; i++) {
        lk_real *r = lk_mat_row(m, i);
        for (size_t j = 0; j < m->cols; j++)
            r[j] = value;
    }
}

void lk_mat_gather_rows(lk_mat *dst, const lk_mat *src, const size_t *index)
{
    for (size_t k = 0; k < dst->rows; k++)
        memcpy(lk_mat_row(dst, k), lk_mat_row(src, index[k]), src->cols * sizeof(lk_real));
}

int lk_mat_all_finite(const lk_mat *m)
{
    for (size_t i = 0; i < m->rows; i++) {
        const lk_real *r = lk_mat_row(m, i);
        for (size_t j = 0; j < m->cols; j++)
            if (!isfinite(r[j]))
                return 0;
    }
    return 1;
}
