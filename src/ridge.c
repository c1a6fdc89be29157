/* ridge.c — streamed ridge regression, one eigendecomposition for a grid of
 * lambdas, and exact leave-one-out (PRESS) residuals.  See learnkit/ridge.h. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <learnkit/ridge.h>
#include <learnkit/loss.h>
#include "ridge_impl.h"
#include "sizes.h"

/* The LOO grid is at most this long (lk_ridge_bytes plans for it). */
#define GRID_PLAN 32

size_t lk_ridge_bytes(size_t p, size_t k, size_t block_rows, int with_loo)
{
    size_t pp = size_mul(p, p), pk = size_mul(p, k);
    size_t b = size_add(size_mul(size_add(pp, pk), sizeof(double)),
                        size_mul(size_add(pp, pk), sizeof(lk_real)));
    b = size_add(b, size_mul(size_add(size_add(p, k), block_rows),
                             sizeof(lk_real) + sizeof(double)));
    b = size_add(b, size_mul(size_mul(block_rows, p), sizeof(lk_real)));         /* shifted block */
    /* lk_ridge_solve's factor and right-hand side */
    b = size_add(b, size_mul(size_add(pp, pk), sizeof(double)));
    if (with_loo) {
        size_t grid = size_mul(size_add(k, 1), GRID_PLAN);
        b = size_add(b, size_mul(size_add(size_add(pp, pk), p), sizeof(double))); /* q, qr, e */
        b = size_add(b, size_mul(size_add(pp, size_mul(p, grid)), sizeof(lk_real)));
        b = size_add(b, size_mul(size_mul(block_rows, size_add(size_mul(2, p), grid)),
                                 sizeof(lk_real)));
    }
    return b;
}

lk_status lk_ridge_alloc(lk_ridge *w, size_t p, size_t k, size_t block_rows, int center,
                         lk_error *err)
{
    memset(w, 0, sizeof *w);
    if (p == 0 || k == 0 || block_rows == 0)
        return lk_error_set(err, LK_EINVAL, "ridge", NULL,
                            "features, targets and block rows must be positive");
    w->p = p;
    w->k = k;
    w->center = center;
    w->block_rows = block_rows;
    lk_status s;
    if ((s = lk_matd_alloc(&w->g, p, p, err)) || (s = lk_matd_alloc(&w->r, p, k, err)) ||
        (s = lk_mat_alloc_uninit(&w->gb, p, p, err)) ||
        (s = lk_mat_alloc_uninit(&w->rb, p, k, err)) ||
        (s = lk_mat_alloc_uninit(&w->zs, block_rows, p, err)))
        goto fail;
    w->zsum = calloc(p, sizeof(double));
    w->tsum = calloc(k, sizeof(double));
    w->shift = malloc(p * sizeof(lk_real));
    w->ones = malloc(block_rows * sizeof(lk_real));
    w->cs = malloc(k * sizeof(lk_real));
    if (!w->zsum || !w->tsum || !w->shift || !w->ones || !w->cs) {
        s = lk_error_set(err, LK_ENOMEM, "ridge", NULL, "out of memory for %zu features", p);
        goto fail;
    }
    for (size_t i = 0; i < block_rows; i++)
        w->ones[i] = 1;
    return LK_OK;
fail:
    lk_ridge_free(w);
    return s;
}

void lk_ridge_free(lk_ridge *w)
{
    lk_matd_free(&w->g);
    lk_matd_free(&w->r);
    lk_matd_free(&w->q);
    lk_matd_free(&w->qr);
    lk_mat_free(&w->gb);
    lk_mat_free(&w->rb);
    lk_mat_free(&w->zs);
    lk_mat_free(&w->ql);
    lk_mat_free(&w->mg);
    lk_mat_free(&w->sg);
    lk_mat_free(&w->zb);
    lk_mat_free(&w->pz);
    lk_mat_free(&w->yh);
    lk_mat_free(&w->hd);
    free(w->zsum);
    free(w->tsum);
    free(w->shift);
    free(w->ones);
    free(w->cs);
    free(w->e);
    free(w->grid);
    free(w->press);
    free(w->errors);
    free(w->fitrow);
    memset(w, 0, sizeof *w);
}

/* Rows whose lk_real products are summed in lk_real before they join the
 * double sums.  Each flush reads the p x p block and updates G in double, a
 * pass over memory that costs as much as a SYRK of ~1500 rows when p is in
 * the thousands: flushing every 2048-row block cost 15% of the solve at
 * 5000 units (10.2 s, 147 GFLOP/s), while 8192 rows keep the float
 * rounding of one sum near sqrt(8192) eps relative. */
#define FLUSH_ROWS 8192

static void flush(lk_ridge *w)
{
    if (!w->pending)
        return;
    for (size_t i = 0; i < w->p; i++) {
        double *gi = w->g.data + i * w->g.ld;
        const lk_real *bi = lk_mat_row(&w->gb, i);
        for (size_t j = i; j < w->p; j++)
            gi[j] += bi[j];
        double *ri = w->r.data + i * w->r.ld;
        const lk_real *si = lk_mat_row(&w->rb, i);
        for (size_t j = 0; j < w->k; j++)
            ri[j] += si[j];
    }
    w->pending = 0;
}

/* The shift c: the first block's column means, rounded to lk_real (the
 * correction must use the c that was subtracted). */
static void set_shift(lk_ridge *w, const lk_mat *z)
{
    for (size_t j = 0; j < w->p; j++)
        w->zsum[j] = 0;
    for (size_t i = 0; i < z->rows; i++) {
        const lk_real *zi = lk_mat_row(z, i);
        for (size_t j = 0; j < w->p; j++)
            w->zsum[j] += zi[j];
    }
    for (size_t j = 0; j < w->p; j++) {
        w->shift[j] = (lk_real)(w->zsum[j] / (double)z->rows);
        w->zsum[j] = 0;
    }
}

/* zs = z - 1 c^T, and the column sums of z into zsum in double: the
 * correction at solve time multiplies them by c. */
static lk_mat shift_block(lk_ridge *w, const lk_mat *z)
{
    lk_mat zs = lk_mat_rows(&w->zs, 0, z->rows);
    lk_shift_rows(z, w->shift, &zs, w->zsum);
    return zs;
}

lk_status lk_ridge_add(lk_ridge *w, const lk_mat *z, const lk_mat *t, lk_error *err)
{
    size_t m = z->rows, p = w->p, k = w->k;
    if (z->cols != p || t->cols != k || t->rows != m || m > w->block_rows)
        return lk_error_set(err, LK_EINVAL, "ridge", NULL,
                            "block of %zu x %zu and %zu x %zu, expected at most %zu x %zu and "
                            "x %zu", z->rows, z->cols, t->rows, t->cols, w->block_rows, p, k);
    if (w->finished || w->closed)
        return lk_error_set(err, LK_EINVAL, "ridge", NULL, "rows added after solving");
    if (m == 0)
        return LK_OK;
    if (w->n == 0)
        set_shift(w, z);
    /* Products in lk_real (the fast rate), summed into double every
     * FLUSH_ROWS rows. */
    lk_real keep = w->pending ? 1 : 0;
    lk_mat zs = shift_block(w, z);
    lk_syrk(LK_TRANS, 1, &zs, keep, &w->gb);
    lk_gemm(LK_TRANS, LK_NOTRANS, 1, &zs, t, keep, &w->rb);
    w->pending += m;
    if (w->pending >= FLUSH_ROWS)
        flush(w);
    lk_col_sums(t, w->ones, 0, w->cs);
    for (size_t j = 0; j < k; j++)
        w->tsum[j] += w->cs[j];
    w->n += m;
    return LK_OK;
}

/* g and r hold S^T S and S^T T for S = Z - 1 c^T.  Without centering,
 *     Z^T Z = S^T S + n (mu c^T + c mu^T - c c^T),  Z^T T = S^T T + c 1^T T;
 * with it, the centered sums are
 *     S^T S - n (mu - c)(mu - c)^T  and  S^T T - (mu - c) 1^T T,
 * corrections as small as the shift was good. */
static void unshift(lk_ridge *w)
{
    double n = (double)w->n;
    for (size_t i = 0; i < w->p; i++) {
        double mi = w->zsum[i] / n, ci = w->shift[i];
        double *gi = w->g.data + i * w->g.ld;
        for (size_t j = i; j < w->p; j++) {
            double mj = w->zsum[j] / n, cj = w->shift[j];
            gi[j] += w->center ? -n * (mi - ci) * (mj - cj) : n * (mi * cj + ci * mj - ci * cj);
        }
        double *ri = w->r.data + i * w->r.ld, a = w->center ? ci - mi : ci;
        for (size_t j = 0; j < w->k; j++)
            ri[j] += a * w->tsum[j];
    }
}

/* Re-express this rank's shifted sums about the shift c0 of rank 0: with
 * d = c - c0 and u = 1^T S = zsum - n c,
 *     (S + 1 d^T)^T (S + 1 d^T) = S^T S + u d^T + d u^T + n d d^T,
 *     (S + 1 d^T)^T T = S^T T + d 1^T T,
 * then sum G (upper triangle), R, the column sums and the row count over
 * the ranks.  A rank without rows contributes zeros whatever its shift. */
static lk_status reduce(lk_ridge *w, lk_error *err)
{
    size_t p = w->p, k = w->k;
    lk_real *c0 = malloc(p * sizeof *c0);
    double *d = malloc(p * sizeof *d), *u = malloc(p * sizeof *u);
    lk_status s = LK_OK;
    if (!c0 || !d || !u)
        s = lk_error_set(err, LK_ENOMEM, "ridge", NULL, "out of memory");
    if ((s = lk_comm_agree(w->comm, s, err)) != LK_OK)
        goto done;
    if (lk_comm_rank(w->comm) == 0)
        memcpy(c0, w->shift, p * sizeof *c0);
    if ((s = lk_comm_bcast(w->comm, c0, p * sizeof *c0, 0, err)) != LK_OK)
        goto done;
    double n = (double)w->n;
    for (size_t i = 0; i < p; i++) {
        d[i] = w->n ? (double)w->shift[i] - (double)c0[i] : 0;
        u[i] = w->n ? w->zsum[i] - n * (double)w->shift[i] : 0;
    }
    for (size_t i = 0; i < p; i++) {
        double *gi = w->g.data + i * w->g.ld;
        for (size_t j = i; j < p; j++)
            gi[j] += u[i] * d[j] + d[i] * u[j] + n * d[i] * d[j];
        double *ri = w->r.data + i * w->r.ld;
        for (size_t j = 0; j < k; j++)
            ri[j] += d[i] * w->tsum[j];
        w->shift[i] = c0[i];
    }
    /* g and r are allocated with ld = cols, so each is one block. */
    uint64_t rows = w->n;
    if ((s = lk_comm_sum(w->comm, w->g.data, p * p, err)) != LK_OK ||
        (s = lk_comm_sum(w->comm, w->r.data, p * k, err)) != LK_OK ||
        (s = lk_comm_sum(w->comm, w->zsum, p, err)) != LK_OK ||
        (s = lk_comm_sum(w->comm, w->tsum, k, err)) != LK_OK ||
        (s = lk_comm_sum_u64(w->comm, &rows, 1, err)) != LK_OK)
        goto done;
    w->n = (size_t)rows;
done:
    free(c0);
    free(d);
    free(u);
    return s;
}

/* Flush, sum over the ranks, undo the shift (centering G and R when
 * asked), mirror G; once. */
lk_status lk_ridge_sums(lk_ridge *w, lk_error *err)
{
    if (w->finished)
        return w->n ? LK_OK : lk_error_set(err, LK_EINVAL, "ridge", NULL, "no rows to fit");
    flush(w);
    if (w->n == 0 && lk_comm_size(w->comm) <= 1)
        return lk_error_set(err, LK_EINVAL, "ridge", NULL, "no rows to fit");
    /* No row comes after this: the float partial sums and the shifted
     * block go before the reduction and the solve, which each need a
     * p x p of their own (at 2000 units, 32 MB of 180 a rank). */
    w->closed = 1;
    lk_mat_free(&w->gb);
    lk_mat_free(&w->rb);
    lk_mat_free(&w->zs);
    if (lk_comm_size(w->comm) > 1) {
        lk_status s = reduce(w, err);
        if (s != LK_OK)
            return s;
    }
    if (w->n == 0)
        return lk_error_set(err, LK_EINVAL, "ridge", NULL, "no rows to fit");
    unshift(w);
    lk_matd_symmetrize(&w->g);
    w->finished = 1;
    return LK_OK;
}

/* bias = tau - W^T mu, or 0 without centering. */
static void bias_of(const lk_ridge *w, const lk_matd *beta, double *bias)
{
    if (!bias)
        return;
    double n = (double)w->n;
    for (size_t j = 0; j < w->k; j++) {
        double c = w->center ? w->tsum[j] / n : 0;
        if (w->center)
            for (size_t i = 0; i < w->p; i++)
                c -= beta->data[i * beta->ld + j] * (w->zsum[i] / n);
        bias[j] = c;
    }
}

lk_status lk_ridge_solve(lk_ridge *w, double lambda, lk_matd *beta, double *bias,
                         lk_error *err)
{
    lk_status s;
    if (!(lambda > 0) || !isfinite(lambda))
        return lk_error_set(err, LK_EINVAL, "ridge", NULL, "lambda = 1/C must be positive");
    if (beta->rows != w->p || beta->cols != w->k)
        return lk_error_set(err, LK_EINVAL, "ridge", NULL, "beta must be %zu x %zu", w->p, w->k);
    if (w->eig_done)    /* G is now Q and the eigenvalues */
        return lk_ridge_eig_solve(w, lambda, beta, bias, err);
    if (w->q.data)
        return lk_error_set(err, LK_ENUMERIC, "ridge", NULL,
                            "the eigendecomposition failed before");
    if ((s = lk_ridge_sums(w, err)) != LK_OK)
        return s;
    lk_matd a;
    if ((s = lk_matd_alloc(&a, w->p, w->p, err)) != LK_OK)
        return s;
    for (size_t i = 0; i < w->p; i++) {
        memcpy(a.data + i * a.ld, w->g.data + i * w->g.ld, w->p * sizeof(double));
        a.data[i * a.ld + i] += lambda;
        memcpy(beta->data + i * beta->ld, w->r.data + i * w->r.ld, w->k * sizeof(double));
    }
    s = lk_dposv(&a, beta, err);
    lk_matd_free(&a);
    if (s != LK_OK)
        return s;
    bias_of(w, beta, bias);
    return LK_OK;
}

lk_status lk_ridge_eig(lk_ridge *w, lk_error *err)
{
    lk_status s;
    size_t p = w->p;
    if (w->q.data)
        return w->eig_done ? LK_OK
                           : lk_error_set(err, LK_ENUMERIC, "ridge", NULL,
                                          "the eigendecomposition failed before");
    if ((s = lk_ridge_sums(w, err)) != LK_OK)
        return s;
    if (!w->qr.data && (s = lk_matd_alloc(&w->qr, p, w->k, err)) != LK_OK)
        return s;
    if (!w->e && !(w->e = malloc(p * sizeof(double))))
        return lk_error_set(err, LK_ENOMEM, "ridge", NULL, "out of memory");
    /* G is decomposed in its own storage: every later solve goes through
     * Q and the eigenvalues, and a copy would be one more p x p at the
     * peak of the fit (32 MB at 2000 units). */
    w->q = w->g;
    w->g = (lk_matd){ 0 };
    if ((s = lk_dsyevd(&w->q, w->e, err)) != LK_OK)
        return s;
    w->eig_done = 1;
    return lk_dgemm(LK_TRANS, LK_NOTRANS, 1, &w->q, &w->r, 0, &w->qr);
}

/* 1/(e + lambda), or 0 for directions the data do not determine: those
 * whose eigenvalue is at rounding level of the largest (G is a Gram
 * matrix, so its eigenvalues are >= 0 up to p eps e_max). */
static double filter(const lk_ridge *w, size_t j, double lambda)
{
    double emax = w->e[w->p - 1] > 0 ? w->e[w->p - 1] : 0;
    double v = w->e[j] + lambda;
    if (!(v > (double)w->p * 1e-15 * emax) || !(v > 0))
        return 0;
    return 1 / v;
}

lk_status lk_ridge_eig_solve(const lk_ridge *w, double lambda, lk_matd *beta, double *bias,
                             lk_error *err)
{
    if (!w->e)
        return lk_error_set(err, LK_EINVAL, "ridge", NULL, "no eigendecomposition yet");
    if (beta->rows != w->p || beta->cols != w->k || !(lambda >= 0))
        return lk_error_set(err, LK_EINVAL, "ridge", NULL, "beta must be %zu x %zu", w->p, w->k);
    lk_matd sc;
    lk_status s = lk_matd_alloc(&sc, w->p, w->k, err);
    if (s != LK_OK)
        return s;
    for (size_t j = 0; j < w->p; j++) {
        double f = filter(w, j, lambda);
        for (size_t c = 0; c < w->k; c++)
            sc.data[j * sc.ld + c] = f * w->qr.data[j * w->qr.ld + c];
    }
    s = lk_dgemm(LK_NOTRANS, LK_NOTRANS, 1, &w->q, &sc, 0, beta);
    lk_matd_free(&sc);
    if (s == LK_OK)
        bias_of(w, beta, bias);
    return s;
}

lk_status lk_ridge_loo_begin(lk_ridge *w, const double *lambdas, size_t n, lk_error *err)
{
    size_t p = w->p, k = w->k, b = w->block_rows;
    lk_status s;
    if (!w->e)
        return lk_error_set(err, LK_EINVAL, "ridge", NULL, "no eigendecomposition yet");
    if (n == 0 || n > GRID_PLAN)
        return lk_error_set(err, LK_EINVAL, "ridge", NULL, "the grid needs 1 to %d values",
                            GRID_PLAN);
    free(w->grid);
    free(w->press);
    free(w->errors);
    free(w->fitrow);
    w->fitrow = malloc(k * sizeof(double));
    w->grid = malloc(n * sizeof(double));
    w->press = calloc(n, sizeof(double));
    w->errors = calloc(n, sizeof(size_t));
    if (!w->grid || !w->press || !w->errors || !w->fitrow)
        return lk_error_set(err, LK_ENOMEM, "ridge", NULL, "out of memory");
    memcpy(w->grid, lambdas, n * sizeof(double));
    w->n_grid = n;
    w->n_loo = 0;
    lk_mat_free(&w->ql);
    lk_mat_free(&w->mg);
    lk_mat_free(&w->sg);
    lk_mat_free(&w->zb);
    lk_mat_free(&w->pz);
    lk_mat_free(&w->yh);
    lk_mat_free(&w->hd);
    if ((s = lk_mat_alloc_uninit(&w->ql, p, p, err)) ||
        (s = lk_mat_alloc_uninit(&w->mg, p, k * n, err)) ||
        (s = lk_mat_alloc_uninit(&w->sg, p, n, err)) ||
        (s = lk_mat_alloc_uninit(&w->zb, b, p, err)) ||
        (s = lk_mat_alloc_uninit(&w->pz, b, p, err)) ||
        (s = lk_mat_alloc_uninit(&w->yh, b, k * n, err)) ||
        (s = lk_mat_alloc_uninit(&w->hd, b, n, err)))
        return s;
    for (size_t i = 0; i < p; i++)
        for (size_t j = 0; j < p; j++)
            LK_AT(&w->ql, i, j) = (lk_real)w->q.data[i * w->q.ld + j];
    for (size_t j = 0; j < p; j++)
        for (size_t g = 0; g < n; g++) {
            double f = filter(w, j, lambdas[g]);
            LK_AT(&w->sg, j, g) = (lk_real)f;
            for (size_t c = 0; c < k; c++)
                LK_AT(&w->mg, j, g * k + c) = (lk_real)(f * w->qr.data[j * w->qr.ld + c]);
        }
    return LK_OK;
}

void ridge_loo_score(const lk_real *t, size_t k, size_t truth, double h, const double *fit,
                     double *press, size_t *errors)
{
    if (!(1 - h > 1e-12)) {  /* an interpolated row: LOO undefined */
        *press = INFINITY;
        ++*errors;
        return;
    }
    double best = -INFINITY, sq = 0;
    size_t arg = 0;
    for (size_t c = 0; c < k; c++) {
        double res = (t[c] - fit[c]) / (1 - h);
        sq += res * res;
        double loo = t[c] - res;
        if (loo > best) {
            best = loo;
            arg = c;
        }
    }
    *press += sq;
    *errors += arg != truth;
}

lk_status lk_ridge_loo_add(lk_ridge *w, const lk_mat *z, const lk_mat *t, lk_error *err)
{
    size_t m = z->rows, p = w->p, k = w->k, ng = w->n_grid;
    if (!w->grid)
        return lk_error_set(err, LK_EINVAL, "ridge", NULL, "lk_ridge_loo_begin first");
    if (z->cols != p || t->cols != k || t->rows != m || m > w->block_rows)
        return lk_error_set(err, LK_EINVAL, "ridge", NULL, "block of the wrong shape");
    if (m == 0)
        return LK_OK;
    double n = (double)w->n;
    lk_mat zb = lk_mat_rows(&w->zb, 0, m), pz = lk_mat_rows(&w->pz, 0, m);
    lk_mat yh = lk_mat_rows(&w->yh, 0, m), hd = lk_mat_rows(&w->hd, 0, m);
    for (size_t i = 0; i < m; i++) {
        const lk_real *zi = lk_mat_row(z, i);
        lk_real *o = lk_mat_row(&zb, i);
        for (size_t j = 0; j < p; j++)
            o[j] = w->center ? (lk_real)(zi[j] - w->zsum[j] / n) : zi[j];
    }
    /* Rows of Z~ Q: predictions for the whole grid by one GEMM, then the
     * leverages h_ii by a second one on the squares. */
    lk_gemm(LK_NOTRANS, LK_NOTRANS, 1, &zb, &w->ql, 0, &pz);
    lk_gemm(LK_NOTRANS, LK_NOTRANS, 1, &pz, &w->mg, 0, &yh);
    for (size_t i = 0; i < m; i++) {
        lk_real *r = lk_mat_row(&pz, i);
        for (size_t j = 0; j < p; j++)
            r[j] *= r[j];
    }
    lk_gemm(LK_NOTRANS, LK_NOTRANS, 1, &pz, &w->sg, 0, &hd);
    for (size_t i = 0; i < m; i++) {
        const lk_real *ti = lk_mat_row(t, i);
        size_t truth = lk_argmax(ti, k);
        for (size_t g = 0; g < ng; g++) {
            const lk_real *y = lk_mat_row(&yh, i) + g * k;
            for (size_t c = 0; c < k; c++)
                w->fitrow[c] = y[c] + (w->center ? w->tsum[c] / n : 0);
            ridge_loo_score(ti, k, truth, (w->center ? 1 / n : 0) + LK_AT(&hd, i, g), w->fitrow,
                            &w->press[g], &w->errors[g]);
        }
    }
    w->n_loo += m;
    return LK_OK;
}

lk_status lk_ridge_loo_end(lk_ridge *w, lk_error *err)
{
    if (!w->grid)
        return lk_error_set(err, LK_EINVAL, "ridge", NULL, "lk_ridge_loo_begin first");
    if (lk_comm_size(w->comm) <= 1)
        return LK_OK;
    /* Counts travel as u64 (size_t need not be 64 bits), sums as doubles;
     * an infinite PRESS (an interpolated row) stays infinite. */
    uint64_t *e = malloc((w->n_grid + 1) * sizeof *e);
    lk_status s = lk_comm_agree(w->comm, e ? LK_OK : LK_ENOMEM, err);
    if (s != LK_OK) {
        free(e);
        return e ? s : lk_error_set(err, LK_ENOMEM, "ridge", NULL, "out of memory");
    }
    for (size_t g = 0; g < w->n_grid; g++)
        e[g] = w->errors[g];
    e[w->n_grid] = w->n_loo;
    if ((s = lk_comm_sum_u64(w->comm, e, w->n_grid + 1, err)) == LK_OK &&
        (s = lk_comm_sum(w->comm, w->press, w->n_grid, err)) == LK_OK) {
        for (size_t g = 0; g < w->n_grid; g++)
            w->errors[g] = (size_t)e[g];
        w->n_loo = (size_t)e[w->n_grid];
    }
    free(e);
    return s;
}

size_t lk_ridge_loo_best(const lk_ridge *w)
{
    size_t best = 0;
    for (size_t g = 1; g < w->n_grid; g++)
        if (w->errors[g] < w->errors[best] ||
            (w->errors[g] == w->errors[best] && w->press[g] < w->press[best]))
            best = g;
    return best;
}

double lk_ridge_c_grid(size_t i)
{
    return pow(10, -2 + 0.5 * (double)i);
}

lk_status lk_ridge_select_c(lk_ridge *w, lk_ridge_replay_fn replay, void *ctx, lk_matd *beta,
                            double *bias, lk_ridge_choice *out, lk_error *err)
{
    double grid[LK_RIDGE_C_GRID];
    for (size_t i = 0; i < LK_RIDGE_C_GRID; i++)
        grid[i] = 1 / lk_ridge_c_grid(i);
    lk_status s;
    if ((s = lk_ridge_eig(w, err)) != LK_OK ||
        (s = lk_ridge_loo_begin(w, grid, LK_RIDGE_C_GRID, err)) != LK_OK)
        return s;
    /* Every rank reaches the agreement, so a failed replay cannot leave the
     * others waiting in the sums of lk_ridge_loo_end. */
    s = replay(ctx, w, err);
    if (lk_comm_size(w->comm) > 1)
        s = lk_comm_agree(w->comm, s, err);
    if (s != LK_OK || (s = lk_ridge_loo_end(w, err)) != LK_OK)
        return s;
    if (w->n_loo != w->n)
        return lk_error_set(err, LK_EINVAL, "ridge", NULL,
                            "the leave-one-out pass saw %zu rows of %zu", w->n_loo, w->n);
    size_t g = lk_ridge_loo_best(w);
    double n = (double)w->n, p = (double)w->p, k = (double)w->k, G = LK_RIDGE_C_GRID;
    out->C = lk_ridge_c_grid(g);
    out->loo_error = (double)w->errors[g] / n;
    /* eigendecomposition (~9 p^3), then per row: Z Q, the grid's predictions
     * and leverages. */
    out->flops = 9 * p * p * p + 2 * n * p * p + 2 * n * p * (k * G + G);
    return lk_ridge_eig_solve(w, grid[g], beta, bias, err);
}
