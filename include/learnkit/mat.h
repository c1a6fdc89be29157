/* learnkit/mat.h — dense row-major matrices and zero-copy views.
 *
 * Layout: element (i, j) of an lk_mat m lives at m.data[i * m.ld + j], with
 * m.ld >= m.cols (the leading dimension, in elements).  That is exactly what
 * CBLAS and LAPACKE call row-major storage, so every lk_mat goes straight to
 * them without copying.
 *
 * Ownership: a matrix made by lk_mat_alloc() owns its block (owner = 1) and is
 * released by lk_mat_free().  Views (lk_mat_rows, lk_mat_cols, lk_mat_view)
 * borrow the block of another matrix (owner = 0); they are returned by value,
 * are never freed, and stay valid as long as the matrix they look into.
 *
 * A mini-batch is lk_mat_rows(&x, start, batch): consecutive rows, no copy. */
#ifndef LEARNKIT_MAT_H
#define LEARNKIT_MAT_H

#include <stddef.h>
#include <learnkit/real.h>
#include <learnkit/error.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct lk_mat {
    size_t rows, cols;
    size_t ld;      /* distance in elements between the starts of two rows */
    lk_real *data;
    int owner;      /* 1: lk_mat_free releases data; 0: a view */
} lk_mat;

/* Element (i, j); no bounds check. */
#define LK_AT(m, i, j) ((m)->data[(size_t)(i) * (m)->ld + (size_t)(j)])

/* Allocate a zero-filled rows x cols matrix with ld = cols, aligned to 64
 * bytes.  LK_ENOMEM when rows * cols * sizeof(lk_real) overflows or the
 * allocation fails; m is then left as an empty matrix.  0 x n is allowed. */
lk_status lk_mat_alloc(lk_mat *m, size_t rows, size_t cols, lk_error *err);

/* The same without zero-filling, for a matrix the caller overwrites whole
 * at once (every element is undefined until written). */
lk_status lk_mat_alloc_uninit(lk_mat *m, size_t rows, size_t cols, lk_error *err);

/* Release an owning matrix and reset it to empty; a view or an empty matrix is
 * only reset.  Safe to call twice. */
void lk_mat_free(lk_mat *m);

/* Bytes lk_mat_alloc would request, or 0 on overflow (for memory planning). */
size_t lk_mat_bytes(size_t rows, size_t cols);

/* A matrix that borrows data (ld >= cols). */
lk_mat lk_mat_view(lk_real *data, size_t rows, size_t cols, size_t ld);

/* Rows [r0, r0 + n) of m, clipped to m's rows. */
lk_mat lk_mat_rows(const lk_mat *m, size_t r0, size_t n);

/* Columns [c0, c0 + n) of m, clipped to m's columns; the view keeps m's ld. */
lk_mat lk_mat_cols(const lk_mat *m, size_t c0, size_t n);

/* Row i as a pointer to its first element. */
static inline lk_real *lk_mat_row(const lk_mat *m, size_t i) { return m->data + i * m->ld; }

/* dst <- src; shapes must match (LK_EINVAL otherwise).  Handles any ld. */
lk_status lk_mat_copy(lk_mat *dst, const lk_mat *src, lk_error *err);

/* Every element <- value. */
void lk_mat_fill(lk_mat *m, lk_real value);

/* Gather rows: dst row k <- src row index[k], for k < dst->rows. */
void lk_mat_gather_rows(lk_mat *dst, const lk_mat *src, const size_t *index);

/* 1 if every element is finite, else 0. */
int lk_mat_all_finite(const lk_mat *m);

/* A zero-filled, 64-byte aligned block of rows x cols elements of elem_size
 * bytes, for lk_mat and lk_matd alike.  *out is NULL for an empty shape;
 * LK_ENOMEM naming the shape on overflow or failure. */
lk_status lk_alloc_block(size_t rows, size_t cols, size_t elem_size, void **out, lk_error *err);
/* The same, not zero-filled. */
lk_status lk_alloc_block_uninit(size_t rows, size_t cols, size_t elem_size, void **out,
                                lk_error *err);

/* Aligned allocation of n bytes (64-byte alignment, n rounded up); NULL on
 * failure or n == 0.  Released by lk_free_aligned. */
void *lk_alloc_aligned(size_t n);
void lk_free_aligned(void *p);

#ifdef __cplusplus
}
#endif
#endif
