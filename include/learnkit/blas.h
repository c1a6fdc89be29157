/* learnkit/blas.h — the one door to BLAS and LAPACK.
 *
 * Every matrix product and factorization in learnkit goes through these
 * wrappers, implemented in src/blas.c, the only file that names cblas_* and
 * LAPACKE_*.  They take lk_mat (row-major, any ld >= cols) and map to the s or
 * d routine that matches lk_real, so the precision and the BLAS backend live
 * in one place.
 *
 * Closed-form solvers may need more precision than the training type:
 * lk_matd is the same layout in double, with double-only factorizations
 * (Cholesky, symmetric eigen, least squares, QR, SVD).
 *
 * Shape errors are programming errors of the caller but still return
 * LK_EINVAL rather than crash; factorizations return LK_ENUMERIC when LAPACK
 * reports info > 0 (not positive definite, no convergence). */
#ifndef LEARNKIT_BLAS_H
#define LEARNKIT_BLAS_H

#include <stddef.h>
#include <learnkit/mat.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum lk_trans { LK_NOTRANS = 0, LK_TRANS = 1 } lk_trans;

/* ---------------------------------------------------------------- lk_real */

/* C <- alpha * op(A) * op(B) + beta * C. */
lk_status lk_gemm(lk_trans ta, lk_trans tb, lk_real alpha, const lk_mat *a,
                  const lk_mat *b, lk_real beta, lk_mat *c);

/* y <- alpha * op(A) * x + beta * y; x and y are contiguous vectors. */
lk_status lk_gemv(lk_trans ta, lk_real alpha, const lk_mat *a, const lk_real *x,
                  lk_real beta, lk_real *y);

/* Upper triangle of C <- alpha * op(A) * op(A)^T + beta * C, where op(A) is A
 * (NOTRANS: C = A A^T, C is rows x rows) or A^T (TRANS: C = A^T A). */
lk_status lk_syrk(lk_trans ta, lk_real alpha, const lk_mat *a, lk_real beta, lk_mat *c);

/* y <- alpha * x + y;  x <- alpha * x;  x . y;  ||x||_2  (n contiguous elements) */
void lk_axpy(size_t n, lk_real alpha, const lk_real *x, lk_real *y);
void lk_scal(size_t n, lk_real alpha, lk_real *x);
double lk_dot(size_t n, const lk_real *x, const lk_real *y);
double lk_nrm2(size_t n, const lk_real *x);

/* Every row of M <- row + v (v has M->cols elements): the bias broadcast. */
void lk_add_row_vector(lk_mat *m, const lk_real *v);

/* v[j] <- beta * v[j] + sum_i M[i][j]: column sums, the bias gradient.
 * Done as one GEMV with a vector of ones held by the caller (ones has
 * M->rows elements), so it runs at BLAS speed. */
void lk_col_sums(const lk_mat *m, const lk_real *ones, lk_real beta, lk_real *v);

/* out <- Z - 1 c^T (c has Z->cols elements; out is Z's shape and may not
 * overlap it), and sums[j] += sum_i Z[i][j] in double, in one pass. */
void lk_shift_rows(const lk_mat *z, const lk_real *c, lk_mat *out, double *sums);

/* elm module: the kernels of TSQR.
 *
 * lk_transpose: dst = src^T (OpenBLAS omatcopy); LK_EINVAL on shapes.
 *
 * lk_geqrf_cols: the QR factorization (LAPACK geqrf) of the column-major
 * m x n matrix whose column j is the first m entries of row j of `at`
 * (n x >= m, any ld): a row-major matrix is the column-major storage of
 * its transpose, so blocks gathered as rows of `at` factor in place with
 * no layout conversion.  On return the first n entries of those rows hold
 * R (upper triangle: R[i][j] = at[j][i] for i <= j) and the rest the
 * reflectors.  tau has n entries; work has lwork entries, lwork from
 * lk_geqrf_cols_lwork(m, n) (LAPACK's own query). */
lk_status lk_transpose(const lk_mat *src, lk_mat *dst);
size_t lk_geqrf_cols_lwork(size_t m, size_t n);
lk_status lk_geqrf_cols(lk_mat *at, size_t m, lk_real *tau, lk_real *work, size_t lwork,
                        lk_error *err);

/* ---------------------------------------------------------------- double */

typedef struct lk_matd {
    size_t rows, cols, ld;
    double *data;
    int owner;
} lk_matd;

lk_status lk_matd_alloc(lk_matd *m, size_t rows, size_t cols, lk_error *err);
void lk_matd_free(lk_matd *m);
lk_matd lk_matd_view(double *data, size_t rows, size_t cols, size_t ld);
/* Widen / narrow between precisions (shapes must match). */
lk_status lk_mat_to_d(lk_matd *dst, const lk_mat *src);
lk_status lk_matd_to_mat(lk_mat *dst, const lk_matd *src);

lk_status lk_dgemm(lk_trans ta, lk_trans tb, double alpha, const lk_matd *a,
                   const lk_matd *b, double beta, lk_matd *c);
lk_status lk_dsyrk(lk_trans ta, double alpha, const lk_matd *a, double beta, lk_matd *c);
/* Mirror the upper triangle of a square matrix into its lower triangle. */
void lk_matd_symmetrize(lk_matd *c);

/* Cholesky of the upper triangle of the symmetric positive definite A, in
 * place, then solve A X = B in place (B: n x nrhs).  LK_ENUMERIC if A is not
 * positive definite (the text names the failing leading minor). */
lk_status lk_dposv(lk_matd *a, lk_matd *b, lk_error *err);

/* Eigen-decomposition of the symmetric A (upper triangle used): on return A
 * holds the orthonormal eigenvectors as columns and w (n values) the
 * eigenvalues in ascending order. */
lk_status lk_dsyevd(lk_matd *a, double *w, lk_error *err);

/* Minimum-norm least squares min ||A X - B|| by the SVD (LAPACK gelsd):
 * singular values below rcond * s_max are treated as zero.  A is m x n and is
 * destroyed; B is max(m,n) x nrhs and holds X in its first n rows on return;
 * s receives min(m,n) singular values, *rank the effective rank. */
lk_status lk_dgelsd(lk_matd *a, lk_matd *b, double rcond, double *s, int *rank,
                    lk_error *err);

/* Singular values only (n = min(rows, cols) values, descending); A destroyed. */
lk_status lk_dsvd_values(lk_matd *a, double *s, lk_error *err);

/* Full thin SVD A = U diag(s) V^T; A (m x n) destroyed; U m x k, vt k x n,
 * k = min(m, n). */
lk_status lk_dsvd(lk_matd *a, double *s, lk_matd *u, lk_matd *vt, lk_error *err);

/* QR of A (m x n, m >= n) in place; on return the upper triangle of the first
 * n rows is R (the rest is zeroed).  tau receives n reflector scalars. */
lk_status lk_dqr_r(lk_matd *a, double *tau, lk_error *err);

/* A (m x n, m >= n) <- Q, the n orthonormal columns of A = Q R, each column's
 * sign chosen so that diag(R) > 0: for a gaussian A, Q is then uniformly
 * (Haar) distributed.  tau: 2 n doubles of scratch. */
lk_status lk_dqr_q(lk_matd *a, double *tau, lk_error *err);

/* ---------------------------------------------------------------- threads */

/* Number of BLAS threads (OpenBLAS); 0 or less means all cores, whatever
 * OPENBLAS_NUM_THREADS says (that variable sets the count until this is
 * called).  Without OpenBLAS: no effect, lk_blas_get_threads is 1. */
void lk_blas_set_threads(int n);
int lk_blas_get_threads(void);
/* Name of the BLAS library in use, for reports: "OpenBLAS 0.3.21 ..." */
const char *lk_blas_name(void);

#ifdef __cplusplus
}
#endif
#endif
