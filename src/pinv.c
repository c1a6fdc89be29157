/* pinv.c — minimum-norm least squares by TSQR and the SVD of the triangle.
 * See learnkit/pinv.h for why this and not gelsd on the whole matrix. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <learnkit/pinv.h>

static size_t mul(size_t a, size_t b)
{
    return (a && b > SIZE_MAX / a) ? SIZE_MAX : a * b;
}

size_t lk_tsqr_bytes(size_t p, size_t k, size_t buf_rows)
{
    size_t c = p + k, r = c + buf_rows;
    if (c < p || r < c)
        return 0;
    size_t w = mul(mul(r, c), sizeof(double));
    if (w == SIZE_MAX)
        return 0;
    /* LAPACKE's column-major copy of the stack, and the solve's R11, R12 */
    size_t sol = mul(mul(p, p + k + 2), sizeof(double));
    if (sol == SIZE_MAX || w > SIZE_MAX / 3)
        return 0;
    return 2 * w + sol;
}

lk_status lk_tsqr_alloc(lk_tsqr *w, size_t p, size_t k, size_t buf_rows, lk_error *err)
{
    memset(w, 0, sizeof *w);
    if (p == 0 || k == 0 || buf_rows == 0)
        return lk_error_set(err, LK_EINVAL, "tsqr", NULL, "sizes must be positive");
    w->p = p;
    w->k = k;
    w->buf_rows = buf_rows;
    lk_status s = lk_matd_alloc(&w->w, p + k + buf_rows, p + k, err);
    if (s != LK_OK)
        return s;
    if (!(w->tau = malloc((p + k) * sizeof(double)))) {
        lk_tsqr_free(w);
        return lk_error_set(err, LK_ENOMEM, "tsqr", NULL, "out of memory");
    }
    return LK_OK;
}

void lk_tsqr_free(lk_tsqr *w)
{
    lk_matd_free(&w->w);
    free(w->tau);
    memset(w, 0, sizeof *w);
}

/* QR of the triangle and the gathered rows; the new triangle replaces the
 * old in the top rows (dqr_r zeroes everything below it). */
static lk_status reduce(lk_tsqr *w, lk_error *err)
{
    if (w->fill == 0)
        return LK_OK;
    size_t c = w->p + w->k, m = c + w->fill;
    lk_matd stack = lk_matd_view(w->w.data, m, c, w->w.ld);
    lk_status s = lk_dqr_r(&stack, w->tau, err);
    w->flops += 2.0 * (double)c * (double)c * ((double)m - (double)c / 3);
    w->fill = 0;
    return s;
}

lk_status lk_tsqr_add(lk_tsqr *w, const lk_mat *z, const lk_mat *t, lk_error *err)
{
    size_t p = w->p, k = w->k, c = p + k;
    if (z->cols != p || t->cols != k || t->rows != z->rows)
        return lk_error_set(err, LK_EINVAL, "tsqr", NULL, "block of the wrong shape");
    for (size_t i = 0; i < z->rows; i++) {
        if (w->fill == w->buf_rows) {
            lk_status s = reduce(w, err);
            if (s != LK_OK)
                return s;
        }
        double *o = w->w.data + (c + w->fill) * w->w.ld;
        const lk_real *zi = lk_mat_row(z, i), *ti = lk_mat_row(t, i);
        for (size_t j = 0; j < p; j++)
            o[j] = zi[j];
        for (size_t j = 0; j < k; j++)
            o[p + j] = ti[j];
        w->fill++;
        w->n++;
    }
    return LK_OK;
}

lk_status lk_tsqr_solve(lk_tsqr *w, double rcond, lk_matd *x, int *rank, double *s,
                        lk_error *err)
{
    size_t p = w->p, k = w->k;
    if (w->n == 0)
        return lk_error_set(err, LK_EINVAL, "tsqr", NULL, "no rows to fit");
    if (x->rows != p || x->cols != k || !(rcond >= 0 && rcond < 1))
        return lk_error_set(err, LK_EINVAL, "tsqr", NULL, "X must be %zu x %zu", p, k);
    lk_status st = reduce(w, err);
    if (st != LK_OK)
        return st;
    lk_matd r11, r12;
    double *sv = s ? s : malloc(p * sizeof(double));
    if (!sv)
        return lk_error_set(err, LK_ENOMEM, "tsqr", NULL, "out of memory");
    if ((st = lk_matd_alloc(&r11, p, p, err)) != LK_OK) {
        if (!s)
            free(sv);
        return st;
    }
    if ((st = lk_matd_alloc(&r12, p, k, err)) == LK_OK) {
        for (size_t i = 0; i < p; i++) {
            const double *ri = w->w.data + i * w->w.ld;
            memcpy(r11.data + i * r11.ld, ri, p * sizeof(double));
            memcpy(r12.data + i * r12.ld, ri + p, k * sizeof(double));
        }
        st = lk_dgelsd(&r11, &r12, rcond, sv, rank, err);
        if (st == LK_OK)
            for (size_t i = 0; i < p; i++)
                memcpy(x->data + i * x->ld, r12.data + i * r12.ld, k * sizeof(double));
        lk_matd_free(&r12);
    }
    lk_matd_free(&r11);
    if (!s)
        free(sv);
    return st;
}
