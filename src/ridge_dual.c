/* ridge_dual.c — ridge regression in the n x n dual, for fewer rows than
 * features, with C fixed or chosen by exact leave-one-out.  See
 * learnkit/ridge.h. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <learnkit/ridge.h>
#include <learnkit/loss.h>
#include "ridge_impl.h"
#include "sizes.h"

size_t lk_ridge_dual_bytes(size_t n, size_t p, size_t k)
{
    /* Z and W (n p + p k), the kernel and its eigenvectors' scratch (2 n^2),
     * T, U^T T, predictions and alpha (4 n k), eigenvalues, leverages,
     * means. */
    size_t d = size_add(size_add(size_mul(n, p), size_mul(p, k)), size_mul(2, size_mul(n, n)));
    d = size_add(d, size_add(size_mul(4, size_mul(n, k)), size_add(size_mul(2, n), size_add(p, 2 * k))));
    return d == SIZE_MAX || d > SIZE_MAX / sizeof(double) ? 0 : d * sizeof(double);
}

typedef struct dual {
    size_t n, p, k;
    int center;
    lk_matd z, t;        /* n x p, n x k in double, centered when asked */
    lk_matd u;           /* n x n: the kernel, then its eigenvectors (columns) */
    double *s;           /* n eigenvalues, clamped at 0 */
    lk_matd ut, yh, a;   /* n x k: U^T T~, predictions, alpha */
    double *h, *mu, *tau, *fit;
} dual;

static void dual_free(dual *d)
{
    lk_matd_free(&d->z);
    lk_matd_free(&d->t);
    lk_matd_free(&d->u);
    lk_matd_free(&d->ut);
    lk_matd_free(&d->yh);
    lk_matd_free(&d->a);
    free(d->s);
    free(d->h);
    free(d->mu);
    free(d->tau);
    free(d->fit);
}

/* Column means of a (n x c, lk_real) into m, and a minus them (or a) into o. */
static void center_into(const lk_mat *a, int center, double *m, lk_matd *o)
{
    for (size_t j = 0; j < a->cols; j++)
        m[j] = 0;
    if (center)
        for (size_t i = 0; i < a->rows; i++)
            for (size_t j = 0; j < a->cols; j++)
                m[j] += LK_AT(a, i, j);
    for (size_t j = 0; j < a->cols; j++)
        m[j] /= (double)a->rows;
    for (size_t i = 0; i < a->rows; i++)
        for (size_t j = 0; j < a->cols; j++)
            o->data[i * o->ld + j] = (double)LK_AT(a, i, j) - m[j];
}

static lk_status dual_alloc(dual *d, const lk_mat *z, const lk_mat *t, int center, lk_error *err)
{
    memset(d, 0, sizeof *d);
    size_t n = z->rows, p = z->cols, k = t->cols;
    d->n = n;
    d->p = p;
    d->k = k;
    d->center = center;
    lk_status s;
    if ((s = lk_matd_alloc(&d->z, n, p, err)) || (s = lk_matd_alloc(&d->t, n, k, err)) ||
        (s = lk_matd_alloc(&d->u, n, n, err)) || (s = lk_matd_alloc(&d->ut, n, k, err)) ||
        (s = lk_matd_alloc(&d->yh, n, k, err)) || (s = lk_matd_alloc(&d->a, n, k, err)))
        return s;
    d->s = calloc(n, sizeof(double));
    d->h = calloc(n, sizeof(double));
    d->mu = calloc(p, sizeof(double));
    d->tau = calloc(k, sizeof(double));
    d->fit = calloc(k, sizeof(double));
    if (!d->s || !d->h || !d->mu || !d->tau || !d->fit)
        return lk_error_set(err, LK_ENOMEM, "ridge", NULL, "out of memory for %zu rows", n);
    center_into(z, center, d->mu, &d->z);
    center_into(t, center, d->tau, &d->t);
    /* K = Z~ Z~^T, in double: no shift can protect a kernel without a bias
     * from the rounding of its entries, and n <= p keeps this cheap. */
    lk_dsyrk(LK_NOTRANS, 1, &d->z, 0, &d->u);
    lk_matd_symmetrize(&d->u);
    return LK_OK;
}

/* alpha = U diag(f(s)) U^T T~ for f(s) = 1/(s + lambda) (into d->a) or
 * s/(s + lambda) (the fitted values, into d->yh). */
static lk_status filtered(dual *d, double lambda, int fitted, lk_matd *out)
{
    for (size_t j = 0; j < d->n; j++) {
        double f = (fitted ? d->s[j] : 1) / (d->s[j] + lambda);
        for (size_t c = 0; c < d->k; c++)
            d->a.data[j * d->a.ld + c] = f * d->ut.data[j * d->ut.ld + c];
    }
    return lk_dgemm(LK_NOTRANS, LK_NOTRANS, 1, &d->u, &d->a, 0, out);
}

/* Leave-one-out over the grid from the eigendecomposition; the index of
 * the best lambda. */
static size_t dual_loo(dual *d, const lk_mat *t, double *press, size_t *errors)
{
    size_t n = d->n, k = d->k, best = 0;
    for (size_t g = 0; g < LK_RIDGE_C_GRID; g++) {
        double lambda = 1 / lk_ridge_c_grid(g);
        press[g] = 0;
        errors[g] = 0;
        filtered(d, lambda, 1, &d->yh);
        for (size_t i = 0; i < n; i++) {
            double h = d->center ? 1 / (double)n : 0;
            const double *ui = d->u.data + i * d->u.ld;
            for (size_t j = 0; j < n; j++)
                h += ui[j] * ui[j] * d->s[j] / (d->s[j] + lambda);
            for (size_t c = 0; c < k; c++)
                d->fit[c] = d->yh.data[i * d->yh.ld + c] + d->tau[c];
            const lk_real *ti = lk_mat_row(t, i);
            ridge_loo_score(ti, k, lk_argmax(ti, k), h, d->fit, &press[g], &errors[g]);
        }
        if (errors[g] < errors[best] || (errors[g] == errors[best] && press[g] < press[best]))
            best = g;
    }
    return best;
}

lk_status lk_ridge_dual(const lk_mat *z, const lk_mat *t, int center, double C, lk_matd *beta,
                        double *bias, lk_ridge_choice *out, lk_error *err)
{
    size_t n = z->rows, p = z->cols, k = t->cols;
    memset(out, 0, sizeof *out);
    if (n == 0 || p == 0 || k == 0 || t->rows != n)
        return lk_error_set(err, LK_EINVAL, "ridge", NULL,
                            "rows %zu x %zu with targets %zu x %zu", n, p, t->rows, k);
    if (beta->rows != p || beta->cols != k)
        return lk_error_set(err, LK_EINVAL, "ridge", NULL, "beta must be %zu x %zu", p, k);
    if (!(C >= 0) || !isfinite(C))
        return lk_error_set(err, LK_EINVAL, "ridge", NULL, "C must be positive, or 0 to choose it");
    dual d;
    lk_status s = dual_alloc(&d, z, t, center, err);
    double dn = (double)n, dp = (double)p, dk = (double)k, G = LK_RIDGE_C_GRID;
    out->flops = dn * dn * dp + 2 * dn * dp * dk;
    if (s == LK_OK && C > 0) {
        out->C = C;
        for (size_t i = 0; i < n; i++)
            d.u.data[i * d.u.ld + i] += 1 / C;
        memcpy(d.a.data, d.t.data, n * d.t.ld * sizeof(double));
        s = lk_dposv(&d.u, &d.a, err);
        out->flops += dn * dn * dn / 3 + 2 * dn * dn * dk;
    } else if (s == LK_OK) {
        double press[LK_RIDGE_C_GRID];
        size_t errors[LK_RIDGE_C_GRID];
        if ((s = lk_dsyevd(&d.u, d.s, err)) == LK_OK) {
            for (size_t j = 0; j < n; j++)
                d.s[j] = d.s[j] > 0 ? d.s[j] : 0;
            s = lk_dgemm(LK_TRANS, LK_NOTRANS, 1, &d.u, &d.t, 0, &d.ut);
        }
        if (s == LK_OK) {
            size_t g = dual_loo(&d, t, press, errors);
            out->C = lk_ridge_c_grid(g);
            out->loo_error = (double)errors[g] / dn;
            lk_matd alpha = d.yh;   /* the predictions are spent */
            s = filtered(&d, 1 / out->C, 0, &alpha);
            memcpy(d.a.data, alpha.data, n * d.a.ld * sizeof(double));
        }
        out->flops += 9 * dn * dn * dn + G * (2 * dn * dn * dk + 2 * dn * dn);
    }
    /* W = Z~^T alpha; bias = tau - W^T mu. */
    if (s == LK_OK)
        s = lk_dgemm(LK_TRANS, LK_NOTRANS, 1, &d.z, &d.a, 0, beta);
    if (s == LK_OK && bias)
        for (size_t c = 0; c < k; c++) {
            double b = center ? d.tau[c] : 0;
            for (size_t j = 0; center && j < p; j++)
                b -= beta->data[j * beta->ld + c] * d.mu[j];
            bias[c] = b;
        }
    out->flops += 2 * dn * dp * dk;
    dual_free(&d);
    return s;
}
