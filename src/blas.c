/* blas.c — the only file that names cblas_* and LAPACKE_*.
 *
 * The lk_real routines map to the s or d variant chosen at configure time;
 * the lk_matd routines are always double (closed-form solvers use them where
 * float would lose accuracy).  Everything is row-major, so lk_mat.ld is the
 * leading dimension CBLAS and LAPACKE expect. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cblas.h>
#include <lapacke.h>
#include <learnkit/blas.h>

#if LK_REAL_IS_DOUBLE
#define RGEMM cblas_dgemm
#define RGEMV cblas_dgemv
#define RSYRK cblas_dsyrk
#define RAXPY cblas_daxpy
#define RSCAL cblas_dscal
#define RDOT cblas_ddot
#define RNRM2 cblas_dnrm2
#else
#define RGEMM cblas_sgemm
#define RGEMV cblas_sgemv
#define RSYRK cblas_ssyrk
#define RAXPY cblas_saxpy
#define RSCAL cblas_sscal
#define RDOT cblas_sdot
#define RNRM2 cblas_snrm2
#endif

/* CBLAS and LAPACK take int sizes: refuse anything larger rather than wrap. */
#define FITS_INT(x) ((x) <= (size_t)2147483647)
/* Every size of an lk_mat or lk_matd. */
#define MAT_FITS(m) (FITS_INT((m)->rows) && FITS_INT((m)->cols) && FITS_INT((m)->ld))

static enum CBLAS_TRANSPOSE cbt(lk_trans t) { return t == LK_TRANS ? CblasTrans : CblasNoTrans; }

/* Rows and columns of op(M). */
#define OPR(t, m) ((t) == LK_TRANS ? (m)->cols : (m)->rows)
#define OPC(t, m) ((t) == LK_TRANS ? (m)->rows : (m)->cols)

lk_status lk_gemm(lk_trans ta, lk_trans tb, lk_real alpha, const lk_mat *a,
                  const lk_mat *b, lk_real beta, lk_mat *c)
{
    size_t m = OPR(ta, a), k = OPC(ta, a), n = OPC(tb, b);
    if (OPR(tb, b) != k || c->rows != m || c->cols != n)
        return LK_EINVAL;
    if (m == 0 || n == 0)
        return LK_OK;
    if (!FITS_INT(m) || !FITS_INT(n) || !FITS_INT(k) || !FITS_INT(a->ld) ||
        !FITS_INT(b->ld) || !FITS_INT(c->ld))
        return LK_EINVAL;
    if (k == 0) {
        /* BLAS leaves C untouched when k = 0 only if beta = 1. */
        for (size_t i = 0; i < m; i++)
            for (size_t j = 0; j < n; j++)
                LK_AT(c, i, j) = beta == 0 ? 0 : beta * LK_AT(c, i, j);
        return LK_OK;
    }
    RGEMM(CblasRowMajor, cbt(ta), cbt(tb), (int)m, (int)n, (int)k, alpha, a->data,
          (int)a->ld, b->data, (int)b->ld, beta, c->data, (int)c->ld);
    return LK_OK;
}

lk_status lk_gemv(lk_trans ta, lk_real alpha, const lk_mat *a, const lk_real *x,
                  lk_real beta, lk_real *y)
{
    if (a->rows == 0 || a->cols == 0 || !MAT_FITS(a))
        return a->rows == 0 || a->cols == 0 ? LK_OK : LK_EINVAL;
    RGEMV(CblasRowMajor, cbt(ta), (int)a->rows, (int)a->cols, alpha, a->data, (int)a->ld,
          x, 1, beta, y, 1);
    return LK_OK;
}

lk_status lk_syrk(lk_trans ta, lk_real alpha, const lk_mat *a, lk_real beta, lk_mat *c)
{
    size_t n = OPR(ta, a), k = OPC(ta, a);
    if (c->rows != n || c->cols != n)
        return LK_EINVAL;
    if (n == 0 || k == 0)
        return LK_OK;
    if (!MAT_FITS(a) || !MAT_FITS(c))
        return LK_EINVAL;
    RSYRK(CblasRowMajor, CblasUpper, cbt(ta), (int)n, (int)k, alpha, a->data, (int)a->ld,
          beta, c->data, (int)c->ld);
    return LK_OK;
}

void lk_axpy(size_t n, lk_real alpha, const lk_real *x, lk_real *y)
{
    if (n)
        RAXPY((int)n, alpha, x, 1, y, 1);
}

void lk_scal(size_t n, lk_real alpha, lk_real *x)
{
    if (n)
        RSCAL((int)n, alpha, x, 1);
}

double lk_dot(size_t n, const lk_real *x, const lk_real *y)
{
    return n ? (double)RDOT((int)n, x, 1, y, 1) : 0.0;
}

double lk_nrm2(size_t n, const lk_real *x)
{
    return n ? (double)RNRM2((int)n, x, 1) : 0.0;
}

void lk_add_row_vector(lk_mat *m, const lk_real *v)
{
    for (size_t i = 0; i < m->rows; i++) {
        lk_real *r = lk_mat_row(m, i);
        for (size_t j = 0; j < m->cols; j++)
            r[j] += v[j];
    }
}

void lk_col_sums(const lk_mat *m, const lk_real *ones, lk_real beta, lk_real *v)
{
    if (m->rows == 0) {
        for (size_t j = 0; j < m->cols; j++)
            v[j] = beta == 0 ? 0 : beta * v[j];
        return;
    }
    lk_gemv(LK_TRANS, 1, m, ones, beta, v);
}

static lk_status lapack_status(lapack_int info, const char *routine, lk_error *err);

/* elm module: the kernels of TSQR in the working precision. */
lk_status lk_transpose(const lk_mat *src, lk_mat *dst)
{
    if (dst->rows != src->cols || dst->cols != src->rows)
        return LK_EINVAL;
    if (src->rows == 0 || src->cols == 0)
        return LK_OK;
    if (!FITS_INT(src->rows) || !FITS_INT(src->cols) || !FITS_INT(src->ld) ||
        !FITS_INT(dst->ld))
        return LK_ETOOBIG;
#if LK_REAL_IS_DOUBLE
    cblas_domatcopy(CblasRowMajor, CblasTrans, (blasint)src->rows, (blasint)src->cols, 1.0,
                    src->data, (blasint)src->ld, dst->data, (blasint)dst->ld);
#else
    cblas_somatcopy(CblasRowMajor, CblasTrans, (blasint)src->rows, (blasint)src->cols, 1.0f,
                    src->data, (blasint)src->ld, dst->data, (blasint)dst->ld);
#endif
    return LK_OK;
}

size_t lk_geqrf_cols_lwork(size_t m, size_t n)
{
    if (m == 0 || n == 0 || !FITS_INT(m) || !FITS_INT(n))
        return 0;
    lk_real q = 0, dummy = 0;
#if LK_REAL_IS_DOUBLE
    lapack_int info = LAPACKE_dgeqrf_work(LAPACK_COL_MAJOR, (lapack_int)m, (lapack_int)n, &dummy,
                                          (lapack_int)m, &dummy, &q, -1);
#else
    lapack_int info = LAPACKE_sgeqrf_work(LAPACK_COL_MAJOR, (lapack_int)m, (lapack_int)n, &dummy,
                                          (lapack_int)m, &dummy, &q, -1);
#endif
    return info == 0 && q >= 1 ? (size_t)q : n;
}

lk_status lk_geqrf_cols(lk_mat *at, size_t m, lk_real *tau, lk_real *work, size_t lwork,
                        lk_error *err)
{
    size_t n = at->rows;
    if (m > at->cols || n == 0 || m == 0)
        return lk_error_set(err, LK_EINVAL, "geqrf", NULL, "%zu rows of %zu columns", m,
                            at->cols);
    if (!FITS_INT(m) || !FITS_INT(n) || !FITS_INT(at->ld) || !FITS_INT(lwork))
        return lk_error_set(err, LK_ETOOBIG, "geqrf", NULL, "matrix too large for LAPACK");
#if LK_REAL_IS_DOUBLE
    lapack_int info = LAPACKE_dgeqrf_work(LAPACK_COL_MAJOR, (lapack_int)m, (lapack_int)n,
                                          at->data, (lapack_int)at->ld, tau, work,
                                          (lapack_int)lwork);
#else
    lapack_int info = LAPACKE_sgeqrf_work(LAPACK_COL_MAJOR, (lapack_int)m, (lapack_int)n,
                                          at->data, (lapack_int)at->ld, tau, work,
                                          (lapack_int)lwork);
#endif
    return lapack_status(info, "geqrf", err);
}

/* ---------------------------------------------------------------- double */

lk_status lk_matd_alloc(lk_matd *m, size_t rows, size_t cols, lk_error *err)
{
    void *data;
    lk_status s = lk_alloc_block(rows, cols, sizeof(double), &data, err);
    if (s != LK_OK) {
        *m = (lk_matd){ 0 };
        return s;
    }
    *m = (lk_matd){ .rows = rows, .cols = cols, .ld = cols, .data = data, .owner = data != NULL };
    return LK_OK;
}

void lk_matd_free(lk_matd *m)
{
    if (!m)
        return;
    if (m->owner)
        lk_free_aligned(m->data);
    *m = (lk_matd){ 0 };
}

lk_matd lk_matd_view(double *data, size_t rows, size_t cols, size_t ld)
{
    return (lk_matd){ .rows = rows, .cols = cols, .ld = ld < cols ? cols : ld, .data = data };
}

lk_status lk_mat_to_d(lk_matd *dst, const lk_mat *src)
{
    if (dst->rows != src->rows || dst->cols != src->cols)
        return LK_EINVAL;
    for (size_t i = 0; i < src->rows; i++)
        for (size_t j = 0; j < src->cols; j++)
            dst->data[i * dst->ld + j] = (double)LK_AT(src, i, j);
    return LK_OK;
}

lk_status lk_matd_to_mat(lk_mat *dst, const lk_matd *src)
{
    if (dst->rows != src->rows || dst->cols != src->cols)
        return LK_EINVAL;
    for (size_t i = 0; i < src->rows; i++)
        for (size_t j = 0; j < src->cols; j++)
            LK_AT(dst, i, j) = (lk_real)src->data[i * src->ld + j];
    return LK_OK;
}

lk_status lk_dgemm(lk_trans ta, lk_trans tb, double alpha, const lk_matd *a,
                   const lk_matd *b, double beta, lk_matd *c)
{
    size_t m = OPR(ta, a), k = OPC(ta, a), n = OPC(tb, b);
    if (OPR(tb, b) != k || c->rows != m || c->cols != n)
        return LK_EINVAL;
    if (m == 0 || n == 0)
        return LK_OK;
    if (!MAT_FITS(a) || !MAT_FITS(b) || !MAT_FITS(c))
        return LK_EINVAL;
    if (k == 0) {
        for (size_t i = 0; i < m; i++)
            for (size_t j = 0; j < n; j++)
                c->data[i * c->ld + j] = beta == 0 ? 0 : beta * c->data[i * c->ld + j];
        return LK_OK;
    }
    cblas_dgemm(CblasRowMajor, cbt(ta), cbt(tb), (int)m, (int)n, (int)k, alpha, a->data,
                (int)a->ld, b->data, (int)b->ld, beta, c->data, (int)c->ld);
    return LK_OK;
}

lk_status lk_dsyrk(lk_trans ta, double alpha, const lk_matd *a, double beta, lk_matd *c)
{
    size_t n = OPR(ta, a), k = OPC(ta, a);
    if (c->rows != n || c->cols != n)
        return LK_EINVAL;
    if (n == 0 || k == 0)
        return LK_OK;
    if (!MAT_FITS(a) || !MAT_FITS(c))
        return LK_EINVAL;
    cblas_dsyrk(CblasRowMajor, CblasUpper, cbt(ta), (int)n, (int)k, alpha, a->data,
                (int)a->ld, beta, c->data, (int)c->ld);
    return LK_OK;
}

void lk_matd_symmetrize(lk_matd *c)
{
    for (size_t i = 0; i < c->rows; i++)
        for (size_t j = 0; j < i; j++)
            c->data[i * c->ld + j] = c->data[j * c->ld + i];
}

static lk_status too_big(const char *routine, lk_error *err)
{
    return lk_error_set(err, LK_ETOOBIG, routine, NULL, "matrix too large for LAPACK");
}

static lk_status lapack_status(lapack_int info, const char *routine, lk_error *err)
{
    if (info == 0)
        return LK_OK;
    if (info < 0)
        return lk_error_set(err, LK_EINVAL, routine, NULL, "argument %d is invalid", (int)-info);
    return lk_error_set(err, LK_ENUMERIC, routine, NULL, "failed (info = %d)", (int)info);
}

/* A symmetric matrix stored row-major is its own transpose, so LAPACK's
 * column-major routines take it in place with the other triangle: the
 * row-major LAPACKE wrappers would first copy it transposed (at 2000 units,
 * 32 MB more at the peak of a ridge solve). */
static void transpose_square(lk_matd *a)
{
    for (size_t i = 0; i < a->rows; i++)
        for (size_t j = i + 1; j < a->cols; j++) {
            double t = a->data[i * a->ld + j];
            a->data[i * a->ld + j] = a->data[j * a->ld + i];
            a->data[j * a->ld + i] = t;
        }
}

lk_status lk_dposv(lk_matd *a, lk_matd *b, lk_error *err)
{
    if (a->rows != a->cols || b->rows != a->rows)
        return lk_error_set(err, LK_EINVAL, "dposv", NULL, "shape mismatch");
    if (a->rows == 0)
        return LK_OK;
    if (!MAT_FITS(a) || !MAT_FITS(b))
        return too_big("dposv", err);
    size_t n = a->rows, k = b->cols;
    lapack_int info = LAPACKE_dpotrf(LAPACK_COL_MAJOR, 'L', (lapack_int)n, a->data,
                                     (lapack_int)a->ld);
    if (info > 0)
        return lk_error_set(err, LK_ENUMERIC, "Cholesky", NULL,
                            "matrix not positive definite (leading minor %d); "
                            "increase the regularization", (int)info);
    if (info < 0 || k == 0)
        return lapack_status(info, "dpotrf", err);
    /* The right-hand sides (n x k, small beside A) go column-major. */
    double *bt = malloc(n * k * sizeof *bt);
    if (!bt)
        return lk_error_set(err, LK_ENOMEM, "dposv", NULL, "out of memory");
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < k; j++)
            bt[j * n + i] = b->data[i * b->ld + j];
    info = LAPACKE_dpotrs(LAPACK_COL_MAJOR, 'L', (lapack_int)n, (lapack_int)k, a->data,
                          (lapack_int)a->ld, bt, (lapack_int)n);
    for (size_t i = 0; info == 0 && i < n; i++)
        for (size_t j = 0; j < k; j++)
            b->data[i * b->ld + j] = bt[j * n + i];
    free(bt);
    return lapack_status(info, "dpotrs", err);
}

lk_status lk_dsyevd(lk_matd *a, double *w, lk_error *err)
{
    if (a->rows != a->cols)
        return lk_error_set(err, LK_EINVAL, "dsyevd", NULL, "matrix not square");
    if (a->rows == 0)
        return LK_OK;
    if (!MAT_FITS(a))
        return too_big("dsyevd", err);
    /* In place (see transpose_square): the eigenvectors come back in the
     * columns of the column-major array, our rows, and are turned. */
    lapack_int info = LAPACKE_dsyevd(LAPACK_COL_MAJOR, 'V', 'L', (lapack_int)a->rows,
                                     a->data, (lapack_int)a->ld, w);
    if (info > 0)
        return lk_error_set(err, LK_ENUMERIC, "eigendecomposition", NULL,
                            "did not converge (info = %d)", (int)info);
    if (info == 0)
        transpose_square(a);
    return lapack_status(info, "dsyevd", err);
}

lk_status lk_dgelsd(lk_matd *a, lk_matd *b, double rcond, double *s, int *rank, lk_error *err)
{
    size_t m = a->rows, n = a->cols;
    if (b->rows != (m > n ? m : n))
        return lk_error_set(err, LK_EINVAL, "dgelsd", NULL, "B must have max(m, n) rows");
    if (!MAT_FITS(a) || !MAT_FITS(b))
        return too_big("dgelsd", err);
    lapack_int r = 0;
    lapack_int info = LAPACKE_dgelsd(LAPACK_ROW_MAJOR, (lapack_int)m, (lapack_int)n,
                                     (lapack_int)b->cols, a->data, (lapack_int)a->ld,
                                     b->data, (lapack_int)b->ld, s, rcond, &r);
    if (rank)
        *rank = (int)r;
    if (info > 0)
        return lk_error_set(err, LK_ENUMERIC, "SVD", NULL,
                            "did not converge (%d superdiagonals)", (int)info);
    return lapack_status(info, "dgelsd", err);
}

lk_status lk_dsvd_values(lk_matd *a, double *s, lk_error *err)
{
    if (a->rows == 0 || a->cols == 0)
        return LK_OK;
    if (!MAT_FITS(a))
        return too_big("dgesdd", err);
    lapack_int info = LAPACKE_dgesdd(LAPACK_ROW_MAJOR, 'N', (lapack_int)a->rows,
                                     (lapack_int)a->cols, a->data, (lapack_int)a->ld, s,
                                     NULL, 1, NULL, 1);
    if (info > 0)
        return lk_error_set(err, LK_ENUMERIC, "SVD", NULL, "did not converge");
    return lapack_status(info, "dgesdd", err);
}

lk_status lk_dsvd(lk_matd *a, double *s, lk_matd *u, lk_matd *vt, lk_error *err)
{
    size_t m = a->rows, n = a->cols, k = m < n ? m : n;
    if (u->rows != m || u->cols != k || vt->rows != k || vt->cols != n)
        return lk_error_set(err, LK_EINVAL, "dgesdd", NULL, "U or V^T of the wrong shape");
    if (k == 0)
        return LK_OK;
    if (!MAT_FITS(a) || !MAT_FITS(u) || !MAT_FITS(vt))
        return too_big("dgesdd", err);
    lapack_int info = LAPACKE_dgesdd(LAPACK_ROW_MAJOR, 'S', (lapack_int)m, (lapack_int)n,
                                     a->data, (lapack_int)a->ld, s, u->data,
                                     (lapack_int)u->ld, vt->data, (lapack_int)vt->ld);
    if (info > 0)
        return lk_error_set(err, LK_ENUMERIC, "SVD", NULL, "did not converge");
    return lapack_status(info, "dgesdd", err);
}

/* geqrf in place on a (rows >= cols): reflectors below, R on and above the
 * diagonal.  Shared by lk_dqr_r and lk_dqr_q. */
static lk_status dgeqrf(lk_matd *a, double *tau, lk_error *err)
{
    if (a->rows < a->cols)
        return lk_error_set(err, LK_EINVAL, "dgeqrf", NULL, "QR needs rows >= cols");
    if (a->cols == 0)
        return LK_OK;
    if (!MAT_FITS(a))
        return too_big("dgeqrf", err);
    lapack_int info = LAPACKE_dgeqrf(LAPACK_ROW_MAJOR, (lapack_int)a->rows,
                                     (lapack_int)a->cols, a->data, (lapack_int)a->ld, tau);
    return info != 0 ? lapack_status(info, "dgeqrf", err) : LK_OK;
}

lk_status lk_dqr_r(lk_matd *a, double *tau, lk_error *err)
{
    lk_status s = dgeqrf(a, tau, err);
    for (size_t i = 0; s == LK_OK && i < a->rows; i++)
        for (size_t j = 0; j < a->cols && j < i; j++)
            a->data[i * a->ld + j] = 0;
    return s;
}

lk_status lk_dqr_q(lk_matd *a, double *tau, lk_error *err)
{
    size_t m = a->rows, n = a->cols;
    lk_status s = dgeqrf(a, tau, err);
    if (s != LK_OK || n == 0)
        return s;
    double *sign = tau + n;
    for (size_t j = 0; j < n; j++)
        sign[j] = a->data[j * a->ld + j] < 0 ? -1 : 1;
    lapack_int info = LAPACKE_dorgqr(LAPACK_ROW_MAJOR, (lapack_int)m, (lapack_int)n,
                                     (lapack_int)n, a->data, (lapack_int)a->ld, tau);
    if (info != 0)
        return lapack_status(info, "dorgqr", err);
    for (size_t i = 0; i < m; i++)
        for (size_t j = 0; j < n; j++)
            a->data[i * a->ld + j] *= sign[j];
    return LK_OK;
}

/* ---------------------------------------------------------------- threads */

#ifdef OPENBLAS_VERSION
void lk_blas_set_threads(int n)
{
    openblas_set_num_threads(n > 0 ? n : openblas_get_num_procs());
}
int lk_blas_get_threads(void) { return openblas_get_num_threads(); }
const char *lk_blas_name(void) { return openblas_get_config(); }
#else
void lk_blas_set_threads(int n) { (void)n; }
int lk_blas_get_threads(void) { return 1; }
const char *lk_blas_name(void) { return "reference CBLAS"; }
#endif
