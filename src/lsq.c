/* lsq.c — the closed-form least-squares classifier on ridge.c. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <learnkit/lsq.h>
#include <learnkit/data.h>
#include <learnkit/ridge.h>
#include <learnkit/rows.h>
#include "model_check.h"
#include "registry.h"

#define BLOCK 4096

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

lk_lsq_params lk_lsq_params_default(void)
{
    lk_lsq_params p = { .C = 1.0, .c_auto = 1, .comm = NULL };
    return p;
}

const char *lk_lsq_check(const lk_lsq_params *p)
{
    if (!p->c_auto && !(p->C > 0 && isfinite(p->C)))
        return "C must be a positive finite number";
    return NULL;
}

void lk_lsq_free(lk_lsq *m)
{
    lk_mat_free(&m->w);
    free(m->bias);
    memset(m, 0, sizeof *m);
}

static lk_status lsq_alloc(lk_lsq *m, size_t d, size_t k, lk_error *err)
{
    memset(m, 0, sizeof *m);
    m->d = d;
    m->k = k;
    lk_status s = lk_mat_alloc(&m->w, d, k, err);
    if (s != LK_OK)
        return s;
    if (!(m->bias = calloc(k, sizeof(lk_real))))
        return lk_error_set(err, LK_ENOMEM, "lsq", NULL, "out of memory");
    return LK_OK;
}

static lk_status sums(void *w, const lk_mat *x, const lk_mat *t, lk_error *err)
{
    return lk_ridge_add(w, x, t, err);
}

static lk_status loo(void *w, const lk_mat *x, const lk_mat *t, lk_error *err)
{
    return lk_ridge_loo_add(w, x, t, err);
}

/* One pass into the ridge sums (or, loo = 1, the leave-one-out residuals). */
static lk_status pass(const lk_blocks *src, lk_ridge *w, lk_mat *t, size_t k, int with_loo,
                      size_t *rows, lk_error *err)
{
    return lk_blocks_chunks(src, t->rows, k, t, with_loo ? loo : sums, w, rows, err);
}

/* The rows again, for the leave-one-out pass of the C selection. */
typedef struct replay {
    const lk_blocks *src;
    lk_mat *t;
    size_t k;
} replay;

static lk_status replay_loo(void *ctx, lk_ridge *w, lk_error *err)
{
    replay *r = ctx;
    size_t n;
    return pass(r->src, w, r->t, r->k, 1, &n, err);
}

lk_status lk_lsq_fit_blocks(lk_lsq *m, const lk_lsq_params *p, const lk_blocks *src, size_t k,
                            lk_lsq_report *report, lk_error *err)
{
    memset(m, 0, sizeof *m);
    lk_lsq_report dummy, *rep = report ? report : &dummy;
    memset(rep, 0, sizeof *rep);
    double t0 = now();
    lk_ridge w = { 0 };
    lk_mat t = { 0 };
    lk_matd beta = { 0 };
    double *bias = NULL;
    size_t n = 0, d = src->d, b = BLOCK < src->max_rows ? BLOCK : src->max_rows;
    const char *bad = lk_lsq_check(p);
    lk_status s = LK_OK;
    if (bad)
        s = lk_error_set(err, LK_EINVAL, "lsq", NULL, "%s", bad);
    else if (d == 0 || k == 0 || b == 0)
        s = lk_error_set(err, LK_EINVAL, "lsq", NULL, "no training rows, features or classes");
    if (s == LK_OK)
        s = lk_ridge_alloc(&w, d, k, b, 1, err);
    if (s == LK_OK && !(s = lsq_alloc(m, d, k, err)) && !(s = lk_mat_alloc(&t, b, k, err)))
        s = lk_matd_alloc(&beta, d, k, err);
    if (s == LK_OK && !(bias = malloc(k * sizeof(double))))
        s = lk_error_set(err, LK_ENOMEM, "lsq", NULL, "out of memory");
    w.comm = p->comm;
    /* Every rank goes on, or every rank stops with the first failure. */
    if ((s = lk_comm_agree(p->comm, s, err)) != LK_OK)
        goto done;
    s = pass(src, &w, &t, k, 0, &n, err);
    double dn = (double)n, dd = (double)d, dk = (double)k;
    rep->flops = dn * dd * (dd + 1) + 2 * dn * dd * dk + dd * dd * dd / 3 + 2 * dd * dd * dk;
    if ((s = lk_comm_agree(p->comm, s, err)) != LK_OK)
        goto done;
    if (!p->c_auto) {
        rep->C = p->C;
        s = lk_ridge_solve(&w, 1 / p->C, &beta, bias, err);
    } else {
        double t1 = now();
        replay r = { src, &t, k };
        lk_ridge_choice ch;
        s = lk_ridge_select_c(&w, replay_loo, &r, &beta, bias, &ch, err);
        rep->C = ch.C;
        rep->loo_error = ch.loo_error;
        rep->select_seconds = now() - t1;
        rep->flops += ch.flops;
    }
    if (s == LK_OK) {
        lk_matd_to_mat(&m->w, &beta);
        for (size_t j = 0; j < k; j++)
            m->bias[j] = (lk_real)bias[j];
        if (!lk_mat_all_finite(&m->w))
            s = lk_error_set(err, LK_ENUMERIC, "lsq", NULL, "the weights are not finite");
    }
done:
    rep->seconds = now() - t0;
    free(bias);
    lk_matd_free(&beta);
    lk_mat_free(&t);
    lk_ridge_free(&w);
    if (s != LK_OK)
        lk_lsq_free(m);
    return s;
}

lk_status lk_lsq_fit(lk_lsq *m, const lk_lsq_params *p, const lk_mat *x, const uint32_t *y,
                     size_t k, lk_lsq_report *report, lk_error *err)
{
    lk_mat_blocks mb;
    lk_blocks src = lk_blocks_of_mat(&mb, x, y, BLOCK);
    if (x->rows == 0 && !p->comm) {
        memset(m, 0, sizeof *m);
        return lk_error_set(err, LK_EINVAL, "lsq", NULL, "no training rows, features or classes");
    }
    return lk_lsq_fit_blocks(m, p, &src, k, report, err);
}

lk_status lk_lsq_scores(const lk_lsq *m, const lk_mat *x, lk_mat *scores, lk_error *err)
{
    if (x->cols != m->d || scores->rows != x->rows || scores->cols != m->k)
        return lk_error_set(err, LK_EINVAL, "lsq", NULL,
                            "input has %zu columns, the model %zu inputs", x->cols, m->d);
    if (x->rows == 0)
        return LK_OK;
    lk_gemm(LK_NOTRANS, LK_NOTRANS, 1, x, &m->w, 0, scores);
    lk_add_row_vector(scores, m->bias);
    return LK_OK;
}

lk_status lk_lsq_save(const lk_lsq *m, const lk_prep *prep, const lk_labels *labels,
                      lk_model **out, lk_error *err)
{
    lk_status s = lki_model_begin("lsq", m->d, m->k, out, err);
    if (s == LK_OK && (s = lk_model_put_mat(*out, "lsq.w", &m->w, err)) == LK_OK)
        s = lk_model_put_vec(*out, "lsq.bias", m->k, m->bias, err);
    return lki_model_end(out, s, prep, labels, err);
}

lk_status lk_lsq_load(const lk_model *model, lk_lsq *m, lk_error *err)
{
    memset(m, 0, sizeof *m);
    size_t d, k;
    lk_status s;
    if ((s = lki_model_io(model, "lsq", &d, 1, &k, err)) ||
        (s = lki_model_shape(model, "lsq.w", d, k, err)) ||
        (s = lki_model_shape(model, "lsq.bias", 1, k, err)))
        return s;
    if ((s = lsq_alloc(m, d, k, err)))
        goto fail;
    lk_mat bv = lk_mat_view(m->bias, 1, k, k);
    if ((s = lki_model_get_finite(model, "lsq.w", d, k, &m->w, err)) ||
        (s = lki_model_get_finite(model, "lsq.bias", 1, k, &bv, err)))
        goto fail;
    return LK_OK;
fail:
    lk_lsq_free(m);
    return s;
}

LKI_LEARNER_PREDICTOR(lsq, "lsq", lk_lsq, lk_lsq_scores, 0);
