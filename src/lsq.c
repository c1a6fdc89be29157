/* lsq.c — the closed-form least-squares classifier on ridge.c. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <learnkit/lsq.h>
#include <learnkit/data.h>
#include <learnkit/ridge.h>
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

/* Whether this rank can fit: parameters, rows and labels. */
static lk_status admit(const lk_lsq_params *p, const lk_mat *x, const uint32_t *y, size_t k,
                       lk_error *err)
{
    const char *bad = lk_lsq_check(p);
    if (bad)
        return lk_error_set(err, LK_EINVAL, "lsq", NULL, "%s", bad);
    size_t n = x->rows, d = x->cols;
    if (n == 0 || d == 0 || k == 0)
        return lk_error_set(err, LK_EINVAL, "lsq", NULL, "no training rows, features or classes");
    for (size_t i = 0; i < n; i++)
        if (y[i] >= k)
            return lk_error_set(err, LK_EINVAL, "lsq", NULL, "label %u of row %zu is not below %zu",
                                (unsigned)y[i], i + 1, k);
    return LK_OK;
}

/* The rows again, block by block, for the leave-one-out pass. */
typedef struct replay {
    const lk_mat *x, *t;
    size_t block;
} replay;

static lk_status replay_loo(void *ctx, lk_ridge *w, lk_error *err)
{
    const replay *r = ctx;
    lk_status s = LK_OK;
    for (size_t r0 = 0; r0 < r->x->rows && s == LK_OK; r0 += r->block) {
        lk_mat xb = lk_mat_rows(r->x, r0, r->block), tb = lk_mat_rows(r->t, r0, r->block);
        s = lk_ridge_loo_add(w, &xb, &tb, err);
    }
    return s;
}

lk_status lk_lsq_fit(lk_lsq *m, const lk_lsq_params *p, const lk_mat *x, const uint32_t *y,
                     size_t k, lk_lsq_report *report, lk_error *err)
{
    memset(m, 0, sizeof *m);
    lk_lsq_report dummy, *rep = report ? report : &dummy;
    memset(rep, 0, sizeof *rep);
    double t0 = now();
    lk_ridge w = { 0 };
    lk_mat t = { 0 };
    lk_matd beta = { 0 };
    double *bias = NULL;
    size_t n = x->rows, d = x->cols;
    size_t b = BLOCK < n ? BLOCK : n;
    lk_status s = admit(p, x, y, k, err);
    if (s == LK_OK)
        s = lk_ridge_alloc(&w, d, k, b, 1, err);
    if (s == LK_OK && !(s = lsq_alloc(m, d, k, err)) && !(s = lk_onehot(y, n, k, &t, err)))
        s = lk_matd_alloc(&beta, d, k, err);
    if (s == LK_OK && !(bias = malloc(k * sizeof(double))))
        s = lk_error_set(err, LK_ENOMEM, "lsq", NULL, "out of memory");
    w.comm = p->comm;
    /* Every rank goes on, or every rank stops with the first failure. */
    if ((s = lk_comm_agree(p->comm, s, err)) != LK_OK)
        goto done;
    for (size_t r0 = 0; r0 < n && s == LK_OK; r0 += b) {
        lk_mat xb = lk_mat_rows(x, r0, b), tb = lk_mat_rows(&t, r0, b);
        s = lk_ridge_add(&w, &xb, &tb, err);
    }
    double dn = (double)n, dd = (double)d, dk = (double)k;
    rep->flops = dn * dd * (dd + 1) + 2 * dn * dd * dk + dd * dd * dd / 3 + 2 * dd * dd * dk;
    if (s != LK_OK)
        goto done;
    if (!p->c_auto) {
        rep->C = p->C;
        s = lk_ridge_solve(&w, 1 / p->C, &beta, bias, err);
    } else {
        double t1 = now();
        replay r = { x, &t, b };
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
