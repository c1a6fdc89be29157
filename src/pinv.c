/* pinv.c — minimum-norm least squares by TSQR and the SVD of the triangle.
 * See learnkit/pinv.h for the method and why. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <learnkit/pinv.h>
#include "sizes.h"

size_t lk_tsqr_bytes(size_t p, size_t k, size_t buf_rows)
{
    size_t c = p + k;
    if (c < p || buf_rows + c < c)
        return 0;
    /* the transposed stack, tau and geqrf's workspace (about 64 c), then the
     * solve's double R11, R12 and singular values */
    size_t w = size_mul(size_mul(c, buf_rows + c), sizeof(lk_real));
    size_t ws = size_mul(size_mul(c, 65), sizeof(lk_real));
    size_t sol = size_mul(size_mul(p, p + k + 2), sizeof(double));
    if (w == SIZE_MAX || ws == SIZE_MAX || sol == SIZE_MAX || w > SIZE_MAX - sol - ws)
        return 0;
    return w + ws + sol;
}

lk_status lk_tsqr_alloc(lk_tsqr *w, size_t p, size_t k, size_t buf_rows, lk_error *err)
{
    memset(w, 0, sizeof *w);
    if (p == 0 || k == 0 || buf_rows == 0)
        return lk_error_set(err, LK_EINVAL, "tsqr", NULL, "sizes must be positive");
    size_t c = p + k;
    if (c < p || buf_rows > SIZE_MAX - c)
        return lk_error_set(err, LK_ETOOBIG, "tsqr", NULL, "sizes too large");
    w->p = p;
    w->k = k;
    w->buf_rows = buf_rows;
    w->lwork = lk_geqrf_cols_lwork(c + buf_rows, c);
    lk_status s = lk_mat_alloc_uninit(&w->cols, c, c + buf_rows, err);
    if (s == LK_OK) {
        w->tau = malloc(c * sizeof(lk_real));
        w->work = malloc((w->lwork ? w->lwork : 1) * sizeof(lk_real));
        if (!w->tau || !w->work)
            s = lk_error_set(err, LK_ENOMEM, "tsqr", NULL, "out of memory");
    }
    if (s != LK_OK)
        lk_tsqr_free(w);
    return s;
}

void lk_tsqr_free(lk_tsqr *w)
{
    lk_mat_free(&w->cols);
    free(w->tau);
    free(w->work);
    memset(w, 0, sizeof *w);
}

/* Fold the gathered rows into the triangle.  The first fold factors the
 * gathered rows alone (stored after the triangle's place) and moves R to
 * the front; later folds factor [R; rows] and clear the reflectors below
 * R's diagonal, which the next fold must read as zeros. */
static lk_status reduce(lk_tsqr *w, lk_error *err)
{
    if (w->fill == 0)
        return LK_OK;
    size_t c = w->p + w->k, m = w->fill;
    lk_mat *a = &w->cols;
    lk_status s;
    if (!w->folded) {
        lk_mat rows = lk_mat_view(a->data + c, c, m, a->ld);
        if ((s = lk_geqrf_cols(&rows, m, w->tau, w->work, w->lwork, err)) != LK_OK)
            return s;
        for (size_t j = 0; j < c; j++) {
            lk_real *aj = lk_mat_row(a, j);
            size_t top = j + 1 < m ? j + 1 : m;     /* R is m x c when m < c */
            memmove(aj, aj + c, top * sizeof(lk_real));
            memset(aj + top, 0, (c - top) * sizeof(lk_real));
        }
        w->folded = 1;
    } else {
        if ((s = lk_geqrf_cols(a, c + m, w->tau, w->work, w->lwork, err)) != LK_OK)
            return s;
        for (size_t j = 0; j + 1 < c; j++)
            memset(lk_mat_row(a, j) + j + 1, 0, (c - j - 1) * sizeof(lk_real));
        m += c;
    }
    w->flops += 2.0 * (double)c * (double)c * (double)m;
    w->fill = 0;
    return LK_OK;
}

lk_status lk_tsqr_add(lk_tsqr *w, const lk_mat *z, const lk_mat *t, lk_error *err)
{
    size_t p = w->p, k = w->k, c = p + k;
    if (z->cols != p || t->cols != k || t->rows != z->rows)
        return lk_error_set(err, LK_EINVAL, "tsqr", NULL, "block of the wrong shape");
    for (size_t i = 0; i < z->rows;) {
        if (w->fill == w->buf_rows) {
            lk_status s = reduce(w, err);
            if (s != LK_OK)
                return s;
        }
        size_t m = z->rows - i < w->buf_rows - w->fill ? z->rows - i : w->buf_rows - w->fill;
        lk_real *at = w->cols.data + c + w->fill;
        lk_mat zs = lk_mat_rows(z, i, m), ts = lk_mat_rows(t, i, m);
        lk_mat zd = lk_mat_view(at, p, m, w->cols.ld);
        lk_mat td = lk_mat_view(at + p * w->cols.ld, k, m, w->cols.ld);
        if (lk_transpose(&zs, &zd) != LK_OK || lk_transpose(&ts, &td) != LK_OK)
            return lk_error_set(err, LK_ETOOBIG, "tsqr", NULL, "block too large for BLAS");
        w->fill += m;
        w->n += m;
        i += m;
    }
    return LK_OK;
}

/* The triangle as c x c rows of [Z T] (row-major, zero below the
 * diagonal): what another rank folds in as rows.  A rank that has seen no
 * rows holds no triangle and gives zeros, which add nothing to R^T R. */
static void triangle_rows(const lk_tsqr *w, lk_mat *r)
{
    size_t c = w->p + w->k;
    for (size_t i = 0; i < c; i++)
        memset(lk_mat_row(r, i), 0, c * sizeof(lk_real));
    if (!w->folded)
        return;
    for (size_t j = 0; j < c; j++) {
        const lk_real *col = lk_mat_row(&w->cols, j);   /* column j of R */
        for (size_t i = 0; i <= j; i++)
            LK_AT(r, i, j) = col[i];
    }
}

/* The tree: at step s, a rank r with r % 2s == s sends its triangle to
 * r - s and is done; a rank r with r % 2s == 0 folds in the triangle of
 * r + s, if there is one.  Rank 0 ends with the triangle of all rows. */
static lk_status combine(lk_tsqr *w, lk_error *err)
{
    int rank = lk_comm_rank(w->comm), size = lk_comm_size(w->comm);
    size_t c = w->p + w->k;
    lk_mat r;
    lk_status s = lk_mat_alloc_uninit(&r, c, c, err);
    if ((s = lk_comm_agree(w->comm, s, err)) != LK_OK) {
        lk_mat_free(&r);
        return s;
    }
    size_t bytes = c * c * sizeof(lk_real);
    for (int step = 1; step < size && s == LK_OK; step *= 2) {
        if (rank % (2 * step) == step) {
            if ((s = reduce(w, err)) == LK_OK) {
                triangle_rows(w, &r);
                s = lk_comm_send(w->comm, r.data, bytes, rank - step, err);
            }
            break;
        }
        if (rank + step < size) {
            if ((s = lk_comm_recv(w->comm, r.data, bytes, rank + step, err)) == LK_OK) {
                lk_mat z = lk_mat_cols(&r, 0, w->p), t = lk_mat_cols(&r, w->p, w->k);
                size_t n = w->n;
                s = lk_tsqr_add(w, &z, &t, err);
                w->n = n;   /* the rows of a triangle are not rows of data */
            }
        }
    }
    lk_mat_free(&r);
    uint64_t rows = w->n;
    lk_status t = lk_comm_agree(w->comm, s, err);
    if (t == LK_OK)
        t = lk_comm_sum_u64(w->comm, &rows, 1, err);
    if (t == LK_OK && rank == 0)
        w->n = (size_t)rows;
    return t;
}

static lk_status solve_here(lk_tsqr *w, double rcond, lk_matd *x, int *rank, double *sv,
                            lk_error *err)
{
    size_t p = w->p, k = w->k;
    lk_status st = reduce(w, err);
    if (st != LK_OK)
        return st;
    lk_matd r11, r12;
    if ((st = lk_matd_alloc(&r11, p, p, err)) != LK_OK)
        return st;
    if ((st = lk_matd_alloc(&r12, p, k, err)) == LK_OK) {
        /* The triangle in double: the SVD then loses nothing more. */
        for (size_t j = 0; j < p + k; j++) {
            const lk_real *col = lk_mat_row(&w->cols, j);   /* column j of R */
            for (size_t i = 0; i <= j && i < p; i++) {
                if (j < p)
                    r11.data[i * r11.ld + j] = col[i];
                else
                    r12.data[i * r12.ld + (j - p)] = col[i];
            }
        }
        st = lk_dgelsd(&r11, &r12, rcond, sv, rank, err);
        if (st == LK_OK)
            for (size_t i = 0; i < p; i++)
                memcpy(x->data + i * x->ld, r12.data + i * r12.ld, k * sizeof(double));
        lk_matd_free(&r12);
    }
    lk_matd_free(&r11);
    return st;
}

lk_status lk_tsqr_solve(lk_tsqr *w, double rcond, lk_matd *x, int *rank, double *s,
                        lk_error *err)
{
    size_t p = w->p, k = w->k;
    if (x->rows != p || x->cols != k || !(rcond >= 0 && rcond < 1))
        return lk_error_set(err, LK_EINVAL, "tsqr", NULL, "X must be %zu x %zu", p, k);
    int parallel = lk_comm_size(w->comm) > 1, root = lk_comm_rank(w->comm) == 0;
    lk_status st = LK_OK;
    if (parallel && (st = combine(w, err)) != LK_OK)
        return st;
    double *sv = s ? s : malloc(p * sizeof(double));
    if (!sv)
        st = lk_error_set(err, LK_ENOMEM, "tsqr", NULL, "out of memory");
    else if (root && w->n == 0)
        st = lk_error_set(err, LK_EINVAL, "tsqr", NULL, "no rows to fit");
    else if (root)
        st = solve_here(w, rcond, x, rank, sv, err);
    if (parallel) {
        /* Rank 0's outcome, then its answer, to every rank. */
        int r = rank && root ? *rank : 0;
        if ((st = lk_comm_agree(w->comm, st, err)) == LK_OK &&
            (st = lk_comm_bcast(w->comm, x->data, p * x->ld * sizeof(double), 0, err)) == LK_OK &&
            (st = lk_comm_bcast(w->comm, sv, p * sizeof(double), 0, err)) == LK_OK)
            st = lk_comm_bcast(w->comm, &r, sizeof r, 0, err);
        if (rank)
            *rank = r;
    }
    if (!s)
        free(sv);
    return st;
}
