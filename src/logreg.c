/* logreg.c — softmax regression: the model, its objective by two GEMMs per
 * chunk of rows, probabilities and files (the trainer: logreg_train.c). */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <learnkit/logreg.h>
#include <learnkit/names.h>
#include <learnkit/blas.h>
#include <learnkit/loss.h>
#include "logreg_impl.h"
#include "model_check.h"
#include "registry.h"

static const char *const SOLVER_NAMES[LK_LOGREG_SOLVER_COUNT] = { "lbfgs", "adam" };

const char *lk_logreg_solver_name(lk_logreg_solver s)
{
    return (unsigned)s < LK_LOGREG_SOLVER_COUNT ? SOLVER_NAMES[s] : NULL;
}

lk_status lk_logreg_solver_parse(const char *text, lk_logreg_solver *out, const char *source,
                                 lk_error *err)
{
    lk_names t = LK_NAMES_ARRAY("solver", SOLVER_NAMES);
    int k;
    lk_status s = lk_names_find(&t, text, source, &k, err);
    if (s == LK_OK)
        *out = (lk_logreg_solver)k;
    return s;
}

lk_logreg_config lk_logreg_defaults(void)
{
    return (lk_logreg_config){ .solver = LK_LOGREG_LBFGS, .l2 = 3e-5, .max_iter = 300,
                               .gtol = 1e-5, .rtol = 1e-6, .step = 1.0, .line_tol = 0.6,
                               .lr = 1e-3, .batch = 128 };
}

const char *lk_logreg_check(const lk_logreg_config *c)
{
    if ((unsigned)c->solver >= LK_LOGREG_SOLVER_COUNT)
        return "unknown solver";
    if (!(c->l2 >= 0) || !isfinite(c->l2))
        return "the L2 weight must be a finite number >= 0";
    if (c->max_iter == 0)
        return "the iteration limit must be at least 1";
    if (!(c->gtol >= 0) || !(c->rtol >= 0))
        return "tolerances must be >= 0";
    if (!(c->step > 0) || !isfinite(c->step))
        return "the first step length must be > 0";
    if (!(c->line_tol > 0 && c->line_tol < 1))
        return "the line-search tolerance must lie in (0, 1)";
    if (!(c->lr > 0) || !isfinite(c->lr))
        return "the learning rate must be > 0";
    if (c->batch == 0)
        return "the batch size must be at least 1";
    return NULL;
}

lk_status lk_logreg_alloc(lk_logreg *m, size_t d, size_t k, lk_error *err)
{
    memset(m, 0, sizeof *m);
    if (d == 0 || k < 2)
        return lk_error_set(err, LK_EINVAL, "logreg", NULL,
                            "need at least 1 feature and 2 classes (got %zu and %zu)", d, k);
    size_t n = 0;
    lk_dense_plan(&m->layer, &n, d, k, lk_act_default(LK_ACT_SOFTMAX));
    lk_status s = lk_params_alloc(&m->params, n, err);
    if (s != LK_OK)
        return s;
    m->d = d;
    m->k = k;
    return LK_OK;
}

void lk_logreg_free(lk_logreg *m)
{
    lk_params_free(&m->params);
    memset(m, 0, sizeof *m);
}

double lki_logreg_chunk(lk_logreg *m, const lk_mat *xb, const lk_mat *tb, double share,
                        lk_mat *zb, lk_mat *ab, lk_mat *db, const lk_real *ones)
{
    static const lk_act SOFTMAX = { LK_ACT_SOFTMAX, 0 };
    lk_dense_forward(&m->layer, &m->params, xb, zb, ab);
    /* The loss module averages over the chunk; weigh each chunk by its
     * share of the rows so the sum is the mean over all of them. */
    double j = share * lk_loss_eval(LK_LOSS_SOFTMAX_CE, &SOFTMAX, zb, ab, tb, db);
    if (db) {
        for (size_t i = 0; i < xb->rows; i++)
            lk_scal(m->k, (lk_real)share, lk_mat_row(db, i));
        lk_dense_backward(&m->layer, &m->params, xb, db, NULL, ones);
    }
    return j;
}

double lki_logreg_penalty(lk_logreg *m, double l2, int grad)
{
    lk_mat w = lk_dense_w(&m->layer, &m->params);
    if (grad) {
        lk_mat gw = lk_dense_gw(&m->layer, &m->params);
        lk_l2_grad(l2, m->k * m->d, w.data, gw.data);
    }
    return lk_l2_value(l2, m->k * m->d, w.data);
}

double lk_logreg_objective(lk_logreg *m, const lk_mat *x, const lk_mat *t, double l2,
                           lk_mat *z, lk_mat *a, lk_mat *dz, const lk_real *ones)
{
    size_t n = x->rows, bs = LKI_LOGREG_CHUNK_ROWS;
    if (dz)
        lk_params_zero_grad(&m->params);
    double j = 0;
    for (size_t r0 = 0; r0 < n; r0 += bs) {
        size_t nb = n - r0 < bs ? n - r0 : bs;
        lk_mat xb = lk_mat_rows(x, r0, nb), tb = lk_mat_rows(t, r0, nb);
        lk_mat zb = lk_mat_rows(z, r0, nb), ab = lk_mat_rows(a, r0, nb);
        lk_mat db = dz ? lk_mat_rows(dz, r0, nb) : (lk_mat){ 0 };
        j += lki_logreg_chunk(m, &xb, &tb, (double)nb / (double)n, &zb, &ab, dz ? &db : NULL, ones);
    }
    return j + lki_logreg_penalty(m, l2, dz != NULL);
}

lk_status lk_logreg_proba(const lk_logreg *m, const lk_mat *x, lk_mat *proba, lk_error *err)
{
    if (x->cols != m->d || proba->rows != x->rows || proba->cols != m->k)
        return lk_error_set(err, LK_EINVAL, "logreg", NULL,
                            "expected %zu features and a %zu x %zu output", m->d, x->rows, m->k);
    lk_dense_forward(&m->layer, &m->params, x, proba, proba);
    return LK_OK;
}

/* ---------------------------------------------------------------- files */

lk_status lk_logreg_save(const lk_logreg *m, const lk_prep *prep, const lk_labels *labels,
                         lk_model **out, lk_error *err)
{
    lk_mat w = lk_dense_w(&m->layer, &m->params);
    lk_status s = lki_model_begin("logreg", m->d, m->k, out, err);
    if (s == LK_OK && (s = lk_model_put_str(*out, "arch.output", "softmax", err)) == LK_OK &&
        (s = lk_model_put_mat(*out, "logreg.w", &w, err)) == LK_OK)
        s = lk_model_put_vec(*out, "logreg.b", m->k, lk_dense_b(&m->layer, &m->params), err);
    return lki_model_end(out, s, prep, labels, err);
}

lk_status lk_logreg_load(const lk_model *model, lk_logreg *m, lk_error *err)
{
    size_t d, k;
    const char *out;
    lk_status s;
    memset(m, 0, sizeof *m);
    if ((s = lki_model_io(model, "logreg", &d, 2, &k, err)) != LK_OK ||
        (s = lk_model_get_str(model, "arch.output", &out, err)) != LK_OK)
        return s;
    if (strcmp(out, "softmax") != 0)
        return lki_model_bad(model, "arch.output", err, "expected softmax, found '%s'", out);
    if ((s = lki_model_shape(model, "logreg.w", k, d, err)) != LK_OK ||
        (s = lki_model_shape(model, "logreg.b", 1, k, err)) != LK_OK ||
        (s = lk_logreg_alloc(m, d, k, err)) != LK_OK)
        return s;
    lk_mat w = lk_dense_w(&m->layer, &m->params);
    lk_mat b = lk_mat_view(lk_dense_b(&m->layer, &m->params), 1, k, k);
    if ((s = lki_model_get_finite(model, "logreg.w", k, d, &w, err)) != LK_OK ||
        (s = lki_model_get_finite(model, "logreg.b", 1, k, &b, err)) != LK_OK) {
        lk_logreg_free(m);
        return s;
    }
    return LK_OK;
}

LKI_LEARNER_PREDICTOR(logreg, "logreg", lk_logreg, lk_logreg_proba, 1);
