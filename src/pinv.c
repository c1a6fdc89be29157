/* pinv.c — minimum-norm least squares by TSQR and the SVD of the triangle.
 * See learnkit/pinv.h for the method and why. */
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
    size_t c = p + k;
    if (c < p || buf_rows + c < c)
        return 0;
    /* triangle and buffer, twice (LAPACKE's column-major copies), then the
     * solve's double R11, R12 and singular values */
    size_t w = mul(mul(buf_rows + c, c), 2 * sizeof(lk_real));
    size_t sol = mul(mul(p, p + k + 2), sizeof(double));
    if (w == SIZE_MAX || sol == SIZE_MAX || w > SIZE_MAX - sol)
        return 0;
    return w + sol;
}

lk_status lk_tsqr_alloc(lk_tsqr *w, size_t p, size_t k, size_t buf_rows, lk_error *err)
{
    memset(w, 0, sizeof *w);
    if (p == 0 || k == 0 || buf_rows == 0)
        return lk_error_set(err, LK_EINVAL, "tsqr", NULL, "sizes must be positive");
    w->p = p;
    w->k = k;
    w->buf_rows = buf_rows;
    lk_status s = lk_mat_alloc(&w->r, p + k, p + k, err);
    if (s == LK_OK)
        s = lk_mat_alloc_uninit(&w->buf, buf_rows, p + k, err);
    if (s != LK_OK)
        lk_tsqr_free(w);
    return s;
}

void lk_tsqr_free(lk_tsqr *w)
{
    lk_mat_free(&w->r);
    lk_mat_free(&w->buf);
    memset(w, 0, sizeof *w);
}

/* Fold the gathered rows into the triangle. */
static lk_status reduce(lk_tsqr *w, lk_error *err)
{
    if (w->fill == 0)
        return LK_OK;
    lk_mat b = lk_mat_rows(&w->buf, 0, w->fill);
    double c = (double)(w->p + w->k);
    w->flops += 2.0 * c * c * (double)w->fill;
    w->fill = 0;
    return lk_tpqrt(&w->r, &b, err);
}

lk_status lk_tsqr_add(lk_tsqr *w, const lk_mat *z, const lk_mat *t, lk_error *err)
{
    size_t p = w->p, k = w->k;
    if (z->cols != p || t->cols != k || t->rows != z->rows)
        return lk_error_set(err, LK_EINVAL, "tsqr", NULL, "block of the wrong shape");
    for (size_t i = 0; i < z->rows; i++) {
        if (w->fill == w->buf_rows) {
            lk_status s = reduce(w, err);
            if (s != LK_OK)
                return s;
        }
        lk_real *o = lk_mat_row(&w->buf, w->fill);
        memcpy(o, lk_mat_row(z, i), p * sizeof(lk_real));
        memcpy(o + p, lk_mat_row(t, i), k * sizeof(lk_real));
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
        /* The triangle in double: the SVD then loses nothing more. */
        for (size_t i = 0; i < p; i++) {
            const lk_real *ri = lk_mat_row(&w->r, i);
            for (size_t j = i; j < p; j++)
                r11.data[i * r11.ld + j] = ri[j];
            for (size_t j = 0; j < k; j++)
                r12.data[i * r12.ld + j] = ri[p + j];
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
