/* learnkit/pinv.h — minimum-norm least squares X = Z^+ T, streamed by TSQR.
 *
 * The R factor of a stack of row blocks is the R factor of the whole matrix
 * (up to signs), so the QR of [Z T] is reduced block by block into one
 * (p+k) x (p+k) triangle:
 *     [Z T] = Q [R11 R12; 0 R22],   min ||Z X - T|| = min ||R11 X - R12||,
 * and X = R11^+ R12 by the SVD of the p x p R11 (LAPACK gelsd: singular
 * values below rcond * s_max count as zero; neither U nor Z^+ is formed).
 * Memory: O((p+k)(p+k+buffer)) whatever the number of rows; the same
 * reduction can combine triangles computed elsewhere.
 *
 * The gathered rows are stored transposed, so that each fold is LAPACK's
 * geqrf on the column-major stack [R; block] in place (lk_geqrf_cols):
 * measured on MNIST's 60000 x 1010 [H T], 1.3 s against 2.2 s for tpqrt,
 * whose row-major interface transposes the triangle and the block on
 * every call and whose panels run at half geqrf's rate.  The triangle's
 * zeros cost 2 (p+k)^3 flops a fold (one fold in buf_rows / (p+k)). 
 *
 * Why TSQR and not gelsd on Z: gelsd on the whole n x p matrix needs Z in
 * double at once (n p 8 bytes, 480 MB for MNIST and p = 1000) plus LAPACK's
 * workspace, and bidiagonalizes all n rows (4 n p^2 flops against TSQR's
 * 2 n p^2); measured on MNIST, p = 1000, scipy's gelsd takes 5.7 s.
 *
 * Precision: the folds run in lk_real.  Householder QR is backward stable,
 * so the R found is the exact R of Z + E with |E| ~ eps |Z|: the same size
 * as the rounding Z already carries when it was computed in lk_real, so
 * doing the folds in double would buy nothing (and cost half the speed).
 * Unlike normal equations (Z^T Z), this does not square the condition
 * number.  The SVD of the small triangle is in double.
 *
 * Data-parallel: with comm set (after lk_tsqr_alloc, on every rank), each
 * rank adds only its rows and lk_tsqr_solve combines the ranks' triangles
 * by a binary tree of the same folds (rank r + s sends its triangle to rank
 * r, for s = 1, 2, 4, ...: log2 P steps of (p+k)^2 / 2 values each); rank 0
 * solves and every rank receives X, the rank and the singular values. */
#ifndef LEARNKIT_PINV_H
#define LEARNKIT_PINV_H

#include <learnkit/blas.h>
#include <learnkit/comm.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct lk_tsqr {
    size_t p, k;         /* columns of Z and of T */
    size_t buf_rows;     /* rows gathered before each fold into the triangle */
    size_t fill;         /* rows gathered so far */
    size_t n;            /* rows added in all */
    int folded;          /* whether the triangle holds a fold yet */
    lk_mat cols;         /* (p+k) x (p+k+buf_rows): row j is column j of the
                            column-major stack [R; gathered rows of [Z T]] */
    lk_real *tau, *work; /* geqrf's reflector scales and workspace */
    size_t lwork;
    double flops;        /* QR flops spent so far */
    const lk_comm *comm; /* NULL: the rows are all here; else combine ranks */
} lk_tsqr;

/* Bytes lk_tsqr_alloc and lk_tsqr_solve need (LAPACK's row-major copy
 * included); 0 on overflow. */
size_t lk_tsqr_bytes(size_t p, size_t k, size_t buf_rows);
lk_status lk_tsqr_alloc(lk_tsqr *w, size_t p, size_t k, size_t buf_rows, lk_error *err);
void lk_tsqr_free(lk_tsqr *w);

/* Add a block of rows: z (m x p) and t (m x k), any m. */
lk_status lk_tsqr_add(lk_tsqr *w, const lk_mat *z, const lk_mat *t, lk_error *err);

/* X (p x k) = the minimum-norm least-squares solution (a collective when
 * comm is set), dropping singular
 * values below rcond * s_max (0 <= rcond < 1); *rank the number kept, s
 * (p values, may be NULL) the singular values of Z in descending order.
 * LK_EINVAL when no rows were added; LK_ENUMERIC if the SVD fails. */
lk_status lk_tsqr_solve(lk_tsqr *w, double rcond, lk_matd *x, int *rank, double *s,
                        lk_error *err);

#ifdef __cplusplus
}
#endif
#endif
