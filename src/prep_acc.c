/* prep_acc.c — the sums a feature scaling is fitted from, gathered block by
 * block (learnkit/rows.h): per column the count, mean and sum of squared
 * deviations, merged block into block as Chan, Golub and LeVeque do, so
 * one block gives exactly the two-pass mean and variance, and many blocks
 * (or ranks) the same to rounding; or the largest magnitude. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <learnkit/rows.h>
#include "prep_impl.h"

void lk_prep_acc_free(lk_prep_acc *a)
{
    free(a->s1);    /* s2 is in the same block */
    memset(a, 0, sizeof *a);
}

static lk_status widen(lk_prep_acc *a, size_t d, lk_error *err)
{
    if (d <= a->d)
        return LK_OK;
    if (d > a->cap) {
        size_t c = a->cap ? a->cap : 16;
        while (c < d)
            c *= 2;
        double *s1 = realloc(a->s1, 2 * c * sizeof *s1);
        if (!s1)
            return lk_error_set(err, LK_ENOMEM, "preprocessing", NULL, "out of memory");
        /* s2 lives in the second half of the same block. */
        memmove(s1 + c, s1 + a->cap, a->d * sizeof *s1);
        a->s1 = s1;
        a->s2 = s1 + c;
        a->cap = c;
    }
    /* A column first seen now was zero in every earlier row: its mean and
     * deviations stay zero, and so does its largest magnitude. */
    memset(a->s1 + a->d, 0, (d - a->d) * sizeof *a->s1);
    memset(a->s2 + a->d, 0, (d - a->d) * sizeof *a->s2);
    a->d = d;
    return LK_OK;
}

lk_status lk_prep_acc_init(lk_prep_acc *a, lk_scale_kind kind, lk_format format, size_t d,
                           lk_error *err)
{
    memset(a, 0, sizeof *a);
    if (kind == LK_SCALE_AUTO)
        kind = format == LK_FORMAT_IDX ? LK_SCALE_UNIT : LK_SCALE_STANDARD;
    a->kind = kind;
    a->format = format;
    a->s2 = NULL;
    return widen(a, d ? d : 1, err) == LK_OK ? (a->d = d, LK_OK) : LK_ENOMEM;
}

static int sums_needed(const lk_prep_acc *a)
{
    return a->kind == LK_SCALE_STANDARD ||
           (a->kind == LK_SCALE_UNIT && a->format != LK_FORMAT_IDX);
}

lk_status lk_prep_acc_add(lk_prep_acc *a, const lk_mat *x, lk_error *err)
{
    lk_status s = widen(a, x->cols, err);
    if (s != LK_OK || x->rows == 0)
        return s;
    size_t d = x->cols;
    double nb = (double)x->rows;
    if (!sums_needed(a)) {
        a->n += nb;
        return LK_OK;
    }
    if (a->kind == LK_SCALE_UNIT) {
        for (size_t i = 0; i < x->rows; i++) {
            const lk_real *r = lk_mat_row(x, i);
            for (size_t j = 0; j < d; j++)
                a->s1[j] = fmax(a->s1[j], fabs((double)r[j]));
        }
        a->n += nb;
        return LK_OK;
    }
    double *m = calloc(2 * d, sizeof *m);
    if (!m)
        return lk_error_set(err, LK_ENOMEM, "preprocessing", NULL, "out of memory");
    double *q = m + d;
    /* Row by row, so the block is read in memory order: its mean, then its
     * squared deviations (two passes, for accuracy). */
    for (size_t i = 0; i < x->rows; i++) {
        const lk_real *r = lk_mat_row(x, i);
        for (size_t j = 0; j < d; j++)
            m[j] += r[j];
    }
    for (size_t j = 0; j < d; j++)
        m[j] /= nb;
    for (size_t i = 0; i < x->rows; i++) {
        const lk_real *r = lk_mat_row(x, i);
        for (size_t j = 0; j < d; j++) {
            double e = r[j] - m[j];
            q[j] += e * e;
        }
    }
    /* Columns beyond this block's width hold zeros in it. */
    double n = a->n, tot = n + nb;
    for (size_t j = 0; j < a->d; j++) {
        double mb = j < d ? m[j] : 0, qb = j < d ? q[j] : 0;
        double delta = mb - a->s1[j];
        a->s1[j] += delta * nb / tot;
        a->s2[j] += qb + delta * delta * n * nb / tot;
    }
    a->n = tot;
    free(m);
    return LK_OK;
}

/* Merge every rank's (n, mean, squared deviations) into all of them. */
static lk_status merge_ranks(lk_prep_acc *a, const lk_comm *comm, lk_error *err)
{
    size_t d = a->d;
    double *buf = malloc((d + 1) * sizeof *buf);
    if (!buf)
        return lk_error_set(err, LK_ENOMEM, "preprocessing", NULL, "out of memory");
    buf[0] = a->n;
    for (size_t j = 0; j < d; j++)
        buf[j + 1] = a->n * a->s1[j];
    lk_status s = lk_comm_sum(comm, buf, d + 1, err);
    if (s == LK_OK) {
        double tot = buf[0];
        for (size_t j = 0; j < d; j++) {
            double mean = tot > 0 ? buf[j + 1] / tot : 0, delta = a->s1[j] - mean;
            a->s2[j] += a->n * delta * delta;
            a->s1[j] = mean;
        }
        a->n = tot;
        s = lk_comm_sum(comm, a->s2, d, err);
    }
    free(buf);
    return s;
}

lk_status lk_prep_acc_finish(lk_prep_acc *a, size_t d, const lk_comm *comm, lk_prep *p,
                             lk_error *err)
{
    memset(p, 0, sizeof *p);
    lk_status s = widen(a, d, err);
    if (s == LK_OK && lk_comm_size(comm) > 1 && a->kind == LK_SCALE_STANDARD)
        s = merge_ranks(a, comm, err);
    else if (s == LK_OK && lk_comm_size(comm) > 1 && sums_needed(a))
        s = lk_comm_max(comm, a->s1, a->d, err);
    if (s == LK_OK)
        s = lki_prep_alloc(p, a->kind, a->d, err);
    if (s != LK_OK || a->kind == LK_SCALE_NONE)
        return s;
    if (a->kind == LK_SCALE_UNIT && a->format == LK_FORMAT_IDX) {
        /* IDX bytes: the fixed x / 255 of every MNIST experiment. */
        for (size_t j = 0; j < a->d; j++)
            p->scale[j] = 1.0 / 255.0;
        return LK_OK;
    }
    for (size_t j = 0; j < a->d; j++) {
        if (a->kind == LK_SCALE_UNIT) {
            p->scale[j] = a->s1[j] > 0 ? 1.0 / a->s1[j] : 1.0;
            continue;
        }
        double mean = a->s1[j], sd = sqrt(a->s2[j] / (a->n > 0 ? a->n : 1));
        p->shift[j] = mean;
        /* A constant column stays finite: it becomes all zeros. */
        p->scale[j] = sd > 1e-12 * (1 + fabs(mean)) ? 1.0 / sd : 1.0;
    }
    return LK_OK;
}
