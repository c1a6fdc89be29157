/* logreg_train.c — training softmax regression (learnkit/logreg.h): GSL's
 * vector_bfgs2 over passes of the training rows (a matrix in memory or row
 * blocks), or Adam over mini-batches in memory. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_multimin.h>
#include <gsl/gsl_randist.h>
#include <learnkit/logreg.h>
#include <learnkit/blas.h>
#include "logreg_impl.h"

struct lk_logreg_trainer {
    lk_logreg *m;
    lk_logreg_config cfg;
    /* The training rows: every evaluation of J is one pass over src, cut
     * into chunks of at most `chunk` rows.  Rows in memory are served by
     * ms as one block (x, y: adam shuffles them). */
    lk_blocks src;
    lk_mat_blocks ms;
    const lk_mat *x;
    const uint32_t *y;
    gsl_rng *rng;
    size_t n, iter, evals, chunk;
    size_t n_all;                /* training rows of every rank */
    double loss, prev_loss, gnorm;
    double flops;                /* of the GEMMs so far */
    lk_train_state state;
    lk_mat t, z, a, dz;          /* chunk (and adam batch) workspaces */
    lk_real *ones;
    lk_mat xc;                   /* blocks: a chunk gathered across blocks */
    uint32_t *yc;
    int grad;                    /* the pass in progress wants the gradient */
    double pass_j;
    /* The first failure of a pass inside GSL's callbacks, which cannot
     * return one: the iterate reports it. */
    lk_status failed;
    lk_error fail_err;
    /* lbfgs */
    gsl_multimin_fdfminimizer *min;
    gsl_multimin_function_fdf fdf;
    gsl_vector *start;
    double *mean, *scale;        /* preconditioning, d values each */
    /* adam */
    lk_optim opt;
    size_t *perm;
    lk_mat xs;                   /* x in the order of this epoch */
    uint32_t *ys;
    lk_mat tb;
};

/* The quasi-Newton solver works in preconditioned coordinates: with mu_j
 * and s_j the mean and scale of feature j on the training rows,
 *     W_ij = V_ij / s_j,   b_i = c_i - sum_j W_ij mu_j,
 * i.e. the model seen from centred, scaled features.  The objective is the
 * same function of (W, b), so the minimum is the same; only the solver's
 * geometry changes.  Raw features (MNIST pixels: means near 0.13, border
 * pixels almost constant) make the Hessian badly conditioned, and GSL's
 * vector_bfgs2 keeps only the last correction pair, so it needs the help:
 * centring decouples the bias from the weights, and s_j = sqrt(var_j + l2)
 * equalizes the curvature of the data term (~ var_j) and of the penalty
 * (l2) across features.  No copy of X is made: the change of variables is
 * applied to the k (d + 1) parameters and gradients at the GSL boundary,
 * in double.  GSL's vector holds V (k*d values) then c (k values). */
static void gsl_to_params(const lk_logreg_trainer *t, const gsl_vector *v, lk_logreg *m)
{
    size_t d = m->d;
    lk_real *w = m->params.w + m->layer.w, *b = m->params.w + m->layer.b;
    for (size_t i = 0; i < m->k; i++) {
        double bias = gsl_vector_get(v, m->k * d + i);
        for (size_t j = 0; j < d; j++) {
            double wij = gsl_vector_get(v, i * d + j) / t->scale[j];
            w[i * d + j] = (lk_real)wij;
            bias -= wij * t->mean[j];
        }
        b[i] = (lk_real)bias;
    }
}

/* Parameter values (W, b) to (V, c). */
static void params_to_gsl(const lk_logreg_trainer *t, const lk_logreg *m, gsl_vector *v)
{
    size_t d = m->d;
    const lk_real *w = m->params.w + m->layer.w, *b = m->params.w + m->layer.b;
    for (size_t i = 0; i < m->k; i++) {
        double c = b[i];
        for (size_t j = 0; j < d; j++) {
            gsl_vector_set(v, i * d + j, w[i * d + j] * t->scale[j]);
            c += w[i * d + j] * t->mean[j];
        }
        gsl_vector_set(v, m->k * d + i, c);
    }
}

/* Gradient (gW, gb) to (gV, gc) by the chain rule:
 * gV_ij = (gW_ij - gb_i mu_j) / s_j,  gc_i = gb_i. */
static void grad_to_gsl(const lk_logreg_trainer *t, const lk_logreg *m, gsl_vector *g)
{
    size_t d = m->d;
    const lk_real *gw = m->params.g + m->layer.w, *gb = m->params.g + m->layer.b;
    for (size_t i = 0; i < m->k; i++) {
        for (size_t j = 0; j < d; j++)
            gsl_vector_set(g, i * d + j,
                           ((double)gw[i * d + j] - gb[i] * t->mean[j]) / t->scale[j]);
        gsl_vector_set(g, m->k * d + i, gb[i]);
    }
}

/* ||(gW, gb)|| from GSL's (gV, gc): gW_ij = gV_ij s_j + gc_i mu_j. */
static double grad_norm_from_gsl(const lk_logreg_trainer *t, const gsl_vector *g)
{
    size_t d = t->m->d, k = t->m->k;
    double s = 0;
    for (size_t i = 0; i < k; i++) {
        double gc = gsl_vector_get(g, k * d + i);
        s += gc * gc;
        for (size_t j = 0; j < d; j++) {
            double e = gsl_vector_get(g, i * d + j) * t->scale[j] + gc * t->mean[j];
            s += e * e;
        }
    }
    return sqrt(s);
}

/* The first pass: this rank's rows, their classes checked, and the sums
 * of each feature and its square (in double; into mean and scale). */
static lk_status first_pass(lk_logreg_trainer *t, lk_error *err)
{
    size_t d = t->m->d, n = 0;
    if (t->mean) {
        memset(t->mean, 0, d * sizeof *t->mean);
        memset(t->scale, 0, d * sizeof *t->scale);
    }
    lk_status s = t->src.rewind(t->src.ctx, err);
    while (s == LK_OK) {
        lk_block b;
        if ((s = t->src.next(t->src.ctx, &b, err)) != LK_OK || b.n == 0)
            break;
        if (!b.y)
            return lk_error_set(err, LK_EINVAL, "logreg", NULL, "blocks without classes");
        for (size_t i = 0; i < b.n; i++, n++) {
            if (b.y[i] >= t->m->k)
                return lk_error_set(err, LK_EINVAL, "logreg", NULL,
                                    "row %zu: class %u out of range for %zu classes", n + 1,
                                    (unsigned)b.y[i], t->m->k);
            const lk_real *r = lk_mat_row(&b.x, i);
            for (size_t j = 0; t->mean && j < d; j++) {
                t->mean[j] += r[j];
                t->scale[j] += (double)r[j] * r[j];
            }
        }
    }
    t->n = n;
    return s;
}

/* Feature means and scales over the training rows (of every rank), in
 * double, from the first pass's sums. */
static lk_status feature_scales(lk_logreg_trainer *t, lk_error *err)
{
    size_t d = t->m->d;
    double *sq = t->scale, vmax = 0, n = (double)t->n_all;
    lk_status s;
    if ((s = lk_comm_sum(t->cfg.comm, t->mean, d, err)) != LK_OK ||
        (s = lk_comm_sum(t->cfg.comm, sq, d, err)) != LK_OK)
        return s;
    for (size_t j = 0; j < d; j++) {
        t->mean[j] /= n;
        double var = sq[j] / n - t->mean[j] * t->mean[j];
        sq[j] = var > 0 ? var : 0;
        vmax = sq[j] > vmax ? sq[j] : vmax;
    }
    /* A floor far below any real feature's variance keeps the scale of a
     * constant feature (variance 0, zero data gradient) positive when l2
     * is 0. */
    double floor = vmax > 0 ? 1e-12 * vmax : 1e-12;
    for (size_t j = 0; j < d; j++)
        t->scale[j] = sqrt(sq[j] + t->cfg.l2 + floor);
    return LK_OK;
}

/* The objective over every rank's rows: with n_r of the N rows here, the
 * mean loss plus the penalty is sum_r (n_r / N) J_r, where J_r is this
 * rank's mean loss plus the same penalty; likewise the gradient.  GSL's
 * callbacks cannot fail, so a failed sum makes the loss NaN, which the
 * iteration reports. */
static lk_status pass_chunk(void *ctx, const lk_mat *x, const lk_mat *tb, lk_error *err)
{
    (void)err;
    lk_logreg_trainer *t = ctx;
    size_t nb = x->rows;
    lk_mat z = lk_mat_rows(&t->z, 0, nb), a = lk_mat_rows(&t->a, 0, nb);
    lk_mat dz = lk_mat_rows(&t->dz, 0, nb);
    t->pass_j += lki_logreg_chunk(t->m, x, tb, (double)nb / (double)t->n, &z, &a,
                            t->grad ? &dz : NULL, t->ones);
    return LK_OK;
}

/* J (and the gradient into m->params.g) by one pass over this rank's
 * rows; a failure of the pass is kept in t->failed and makes J NaN. */
static double local_eval(lk_logreg_trainer *t, int with_grad)
{
    if (with_grad)
        lk_params_zero_grad(&t->m->params);
    t->grad = with_grad;
    t->pass_j = 0;
    size_t rows = 0;
    /* The chunks are rows [0, c), [c, 2c), ... of the pass, for a matrix
     * (one block) and for blocks of any length alike: the same sums, so
     * the same model, in memory and streamed. */
    lk_status s = t->failed;
    if (s == LK_OK && t->x)
        s = lk_blocks_chunks(&t->src, t->chunk, t->m->k, &t->t, pass_chunk, t, &rows,
                             &t->fail_err);
    else if (s == LK_OK)
        s = lk_blocks_chunks_fixed(&t->src, t->chunk, t->m->k, &t->t, &t->xc, t->yc,
                                   pass_chunk, t, &rows, &t->fail_err);
    if (s == LK_OK && rows != t->n)
        s = lk_error_set(&t->fail_err, LK_EIO, "logreg", NULL,
                         "a pass over the training rows gave %zu rows, the first gave %zu", rows,
                         t->n);
    /* Every rank learns of a failure of any, with its message. */
    s = lk_comm_size(t->cfg.comm) > 1 ? lk_comm_agree(t->cfg.comm, s, &t->fail_err) : s;
    if (s != LK_OK) {
        t->failed = s;
        return NAN;
    }
    return t->pass_j + lki_logreg_penalty(t->m, t->cfg.l2, with_grad);
}

static double full_eval(lk_logreg_trainer *t, int with_grad)
{
    t->evals++;
    t->flops += (with_grad ? 4.0 : 2.0) * (double)t->n * (double)t->m->d * (double)t->m->k;
    double j = local_eval(t, with_grad);
    if (lk_comm_size(t->cfg.comm) <= 1 || t->failed != LK_OK)
        return j;
    double share = (double)t->n / (double)t->n_all;
    j *= share;
    int ok = lk_comm_sum(t->cfg.comm, &j, 1, NULL) == LK_OK;
    if (with_grad) {
        lk_params *p = &t->m->params;
        lk_scal(p->n, (lk_real)share, p->g);
        ok = ok && lk_comm_sum_real(t->cfg.comm, p->g, p->n, NULL) == LK_OK;
    }
    return ok ? j : NAN;
}

/* The objective in GSL's terms.  Only f needs one GEMM; df and fdf need
 * both, and GSL's line search mostly calls fdf. */
static double gsl_f(const gsl_vector *v, void *ctx)
{
    lk_logreg_trainer *t = ctx;
    gsl_to_params(t, v, t->m);
    double j = full_eval(t, 0);
    return isfinite(j) ? j : GSL_POSINF;
}

static void gsl_fdf(const gsl_vector *v, void *ctx, double *f, gsl_vector *g)
{
    lk_logreg_trainer *t = ctx;
    gsl_to_params(t, v, t->m);
    double j = full_eval(t, 1);
    grad_to_gsl(t, t->m, g);
    *f = isfinite(j) ? j : GSL_POSINF;
}

static void gsl_df(const gsl_vector *v, void *ctx, gsl_vector *g)
{
    double f;
    gsl_fdf(v, ctx, &f, g);
}

void lk_logreg_trainer_free(lk_logreg_trainer *t)
{
    if (!t)
        return;
    lk_mat_free(&t->t);
    lk_mat_free(&t->z);
    lk_mat_free(&t->a);
    lk_mat_free(&t->dz);
    lk_mat_free(&t->xs);
    lk_mat_free(&t->tb);
    lk_mat_free(&t->xc);
    free(t->yc);
    lk_free_aligned(t->ones);
    if (t->min)
        gsl_multimin_fdfminimizer_free(t->min);
    if (t->start)
        gsl_vector_free(t->start);
    lk_optim_free(&t->opt);
    free(t->perm);
    free(t->ys);
    free(t->mean);
    free(t->scale);
    free(t);
}

static void onehot_rows(lk_mat *t, const uint32_t *y, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        lk_real *r = lk_mat_row(t, i);
        memset(r, 0, t->cols * sizeof(lk_real));
        r[y[i]] = 1;
    }
}

/* Whether this rank can train: configuration, rows, classes. */
static lk_status admit(const lk_logreg *m, const lk_mat *x, const uint32_t *y,
                       const lk_logreg_config *cfg, const gsl_rng *rng, lk_error *err)
{
    const char *why = lk_logreg_check(cfg);
    if (why)
        return lk_error_set(err, LK_EINVAL, "logreg", NULL, "%s", why);
    if (x->cols != m->d || x->rows == 0)
        return lk_error_set(err, LK_EINVAL, "logreg", NULL,
                            "expected a non-empty training set of %zu features, got %zu x %zu",
                            m->d, x->rows, x->cols);
    for (size_t i = 0; i < x->rows; i++)
        if (y[i] >= m->k)
            return lk_error_set(err, LK_EINVAL, "logreg", NULL,
                                "row %zu: class %u out of range for %zu classes", i + 1,
                                (unsigned)y[i], m->k);
    if (cfg->solver == LK_LOGREG_ADAM && !rng)
        return lk_error_set(err, LK_EINVAL, "logreg", NULL, "adam needs a random generator");
    if (cfg->solver == LK_LOGREG_ADAM && lk_comm_size(cfg->comm) > 1)
        return lk_error_set(err, LK_EUNSUPPORTED, "logreg", NULL,
                            "the adam solver trains in one process; lbfgs trains data-parallel");
    return LK_OK;
}

/* Whether this rank can train on blocks: configuration and width. */
static lk_status admit_blocks(const lk_logreg *m, const lk_blocks *src,
                              const lk_logreg_config *cfg, lk_error *err)
{
    const char *why = lk_logreg_check(cfg);
    if (why)
        return lk_error_set(err, LK_EINVAL, "logreg", NULL, "%s", why);
    if (src->d != m->d || src->max_rows == 0)
        return lk_error_set(err, LK_EINVAL, "logreg", NULL,
                            "expected blocks of %zu features, got %zu", m->d, src->d);
    if (cfg->solver != LK_LOGREG_LBFGS)
        return lk_error_set(err, LK_EUNSUPPORTED, "logreg", NULL,
                            "the adam solver shuffles rows in memory; rows in blocks train "
                            "with lbfgs");
    return LK_OK;
}

/* The failure of a pass, with its source and place, for the caller. */
static lk_status pass_failure(const lk_logreg_trainer *t, lk_error *err)
{
    const lk_error *f = &t->fail_err;
    return lk_error_set(err, t->failed, f->source, f->place[0] ? f->place : NULL, "%s", f->text);
}

/* The lbfgs start, after the first pass: the row count of every rank, the
 * preconditioning, and GSL's first evaluation.  Every rank calls it. */
static lk_status lbfgs_start(lk_logreg_trainer *t, lk_error *err)
{
    uint64_t n_all = t->n;
    lk_status s = lk_comm_sum_u64(t->cfg.comm, &n_all, 1, err);
    if (s != LK_OK)
        return s;
    if (n_all == 0)
        return lk_error_set(err, LK_EINVAL, "logreg", NULL, "no training rows");
    t->n_all = (size_t)n_all;
    if ((s = feature_scales(t, err)) != LK_OK)
        return s;
    lk_logreg *m = t->m;
    params_to_gsl(t, m, t->start);
    int gs = gsl_multimin_fdfminimizer_set(t->min, &t->fdf, t->start, t->cfg.step,
                                           t->cfg.line_tol);
    if (t->failed != LK_OK)
        return pass_failure(t, err);
    if (gs != GSL_SUCCESS)
        return lk_error_set(err, LK_ENUMERIC, "logreg", NULL, "solver start: %s",
                            gsl_strerror(gs));
    t->loss = gsl_multimin_fdfminimizer_minimum(t->min);
    t->gnorm = grad_norm_from_gsl(t, gsl_multimin_fdfminimizer_gradient(t->min));
    return LK_OK;
}

/* Both allocs, once this rank admitted the data and every rank agreed:
 * workspaces of one chunk (and one adam batch), the solver, the start. */
static lk_status trainer_alloc(lk_logreg_trainer **out, lk_logreg *m, const lk_blocks *src,
                               const lk_mat *x, const uint32_t *y, const lk_logreg_config *cfg,
                               gsl_rng *rng, lk_error *err)
{
    lk_logreg_trainer *t = calloc(1, sizeof *t);
    lk_status s = t ? LK_OK : lk_error_set(err, LK_ENOMEM, "logreg", NULL, "out of memory");
    if ((s = lk_comm_agree(cfg->comm, s, err)) != LK_OK) {
        free(t);
        return s;
    }
    t->m = m;
    t->cfg = *cfg;
    t->x = x;
    t->y = y;
    t->rng = rng;
    t->src = x ? lk_blocks_of_mat(&t->ms, x, y, x->rows) : *src;
    size_t k = m->k;
    int lbfgs = cfg->solver == LK_LOGREG_LBFGS;
    if (lbfgs) {
        size_t np = k * m->d + k;
        t->min = gsl_multimin_fdfminimizer_alloc(gsl_multimin_fdfminimizer_vector_bfgs2, np);
        t->start = gsl_vector_alloc(np);
        t->mean = malloc(m->d * sizeof *t->mean);
        t->scale = malloc(m->d * sizeof *t->scale);
        if (!t->min || !t->start || !t->mean || !t->scale) {
            s = lk_error_set(err, LK_ENOMEM, "logreg", NULL, "out of memory for the solver");
            goto fail_here;
        }
        t->fdf = (gsl_multimin_function_fdf){ gsl_f, gsl_df, gsl_fdf, np, t };
        /* The ranks that allocated all of this meet the ones that could
         * not at this agreement (those make it at fail_here); then the
         * first pass, whose rows size the chunks. */
        if ((s = lk_comm_agree(cfg->comm, LK_OK, err)) != LK_OK ||
            (s = lk_comm_agree(cfg->comm, first_pass(t, err), err)) != LK_OK)
            goto fail;
    } else {
        t->n = t->n_all = x->rows;
    }
    t->chunk = t->n < LKI_LOGREG_CHUNK_ROWS ? (t->n ? t->n : 1) : LKI_LOGREG_CHUNK_ROWS;
    size_t ws = t->chunk;
    if (!lbfgs && cfg->batch > ws)
        ws = cfg->batch < t->n ? cfg->batch : t->n;
    if ((s = lk_mat_alloc(&t->t, t->chunk, k, err)) != LK_OK ||
        (s = lk_mat_alloc(&t->z, ws, k, err)) != LK_OK ||
        (s = lk_mat_alloc(&t->a, ws, k, err)) != LK_OK ||
        (s = lk_mat_alloc(&t->dz, ws, k, err)) != LK_OK ||
        (!x && (s = lk_mat_alloc_uninit(&t->xc, t->chunk, m->d, err)) != LK_OK))
        goto fail_here;
    t->ones = lk_alloc_aligned(ws * sizeof(lk_real));
    t->yc = x ? NULL : malloc(t->chunk * sizeof *t->yc);
    if (!t->ones || (!x && !t->yc)) {
        s = lk_error_set(err, LK_ENOMEM, "logreg", NULL, "out of memory");
        goto fail_here;
    }
    for (size_t i = 0; i < ws; i++)
        t->ones[i] = 1;

    if (lbfgs) {
        if ((s = lk_comm_agree(cfg->comm, LK_OK, err)) != LK_OK ||
            (s = lbfgs_start(t, err)) != LK_OK)
            goto fail;
    } else {
        lk_optim_config oc = lk_optim_defaults(&lk_optim_adam);
        oc.lr = cfg->lr;
        if ((s = lk_optim_init(&t->opt, &lk_optim_adam, &oc, m->params.n, err)) != LK_OK ||
            (s = lk_mat_alloc(&t->xs, t->n, m->d, err)) != LK_OK ||
            (s = lk_mat_alloc(&t->tb, t->n, k, err)) != LK_OK)
            goto fail_here;
        t->perm = malloc(t->n * sizeof *t->perm);
        t->ys = malloc(t->n * sizeof *t->ys);
        if (!t->perm || !t->ys) {
            s = lk_error_set(err, LK_ENOMEM, "logreg", NULL, "out of memory");
            goto fail_here;
        }
        for (size_t i = 0; i < t->n; i++)
            t->perm[i] = i;
        t->loss = full_eval(t, 1);
        t->gnorm = lk_params_grad_norm(&m->params);
    }
    if (!isfinite(t->loss)) {
        s = lk_error_set(err, LK_ENUMERIC, "logreg", NULL, "the initial loss is not finite");
        goto fail;
    }
    t->prev_loss = t->loss;
    *out = t;
    return LK_OK;
fail_here:
    /* A failure of this rank alone, before the others' agreement. */
    if (cfg->solver == LK_LOGREG_LBFGS)
        s = lk_comm_agree(cfg->comm, s, err);
fail:
    lk_logreg_trainer_free(t);
    return s;
}

lk_status lk_logreg_trainer_alloc(lk_logreg_trainer **out, lk_logreg *m, const lk_mat *x,
                                  const uint32_t *y, const lk_logreg_config *cfg, gsl_rng *rng,
                                  lk_error *err)
{
    *out = NULL;
    /* Every rank starts, or every rank stops with the first failure. */
    lk_status s = lk_comm_agree(cfg->comm, admit(m, x, y, cfg, rng, err), err);
    return s == LK_OK ? trainer_alloc(out, m, NULL, x, y, cfg, rng, err) : s;
}

lk_status lk_logreg_trainer_alloc_blocks(lk_logreg_trainer **out, lk_logreg *m,
                                         const lk_blocks *src, const lk_logreg_config *cfg,
                                         lk_error *err)
{
    *out = NULL;
    lk_status s = lk_comm_agree(cfg->comm, admit_blocks(m, src, cfg, err), err);
    return s == LK_OK ? trainer_alloc(out, m, src, NULL, NULL, cfg, NULL, err) : s;
}

static lk_status adam_epoch(lk_logreg_trainer *t, lk_error *err)
{
    lk_logreg *m = t->m;
    size_t n = t->n, bs = t->cfg.batch < n ? t->cfg.batch : n;
    /* One gather per epoch makes every mini-batch a zero-copy view of
     * consecutive rows, so each step is three GEMMs on contiguous blocks. */
    gsl_ran_shuffle(t->rng, t->perm, n, sizeof *t->perm);
    lk_mat_gather_rows(&t->xs, t->x, t->perm);
    for (size_t i = 0; i < n; i++)
        t->ys[i] = t->y[t->perm[i]];
    onehot_rows(&t->tb, t->ys, n);
    for (size_t r0 = 0; r0 < n; r0 += bs) {
        size_t nb = n - r0 < bs ? n - r0 : bs;
        lk_mat xb = lk_mat_rows(&t->xs, r0, nb), tb = lk_mat_rows(&t->tb, r0, nb);
        lk_mat z = lk_mat_rows(&t->z, 0, nb), a = lk_mat_rows(&t->a, 0, nb);
        lk_mat dz = lk_mat_rows(&t->dz, 0, nb);
        double j = lk_logreg_objective(m, &xb, &tb, t->cfg.l2, &z, &a, &dz, t->ones);
        t->flops += 4.0 * (double)nb * (double)m->d * (double)m->k;
        if (!isfinite(j))
            return lk_error_set(err, LK_ENUMERIC, "logreg", NULL,
                                "the loss became non-finite at epoch %zu; lower the learning rate",
                                t->iter + 1);
        lk_optim_step(&t->opt, m->params.w, m->params.g);
    }
    return LK_OK;
}

lk_status lk_logreg_iterate(lk_logreg_trainer *t, lk_error *err)
{
    t->prev_loss = t->loss;
    if (t->cfg.solver == LK_LOGREG_LBFGS) {
        int gs = gsl_multimin_fdfminimizer_iterate(t->min);
        t->iter++;
        if (t->failed != LK_OK)
            return pass_failure(t, err);
        /* Keep the model at the best point, whatever the line search
         * evaluated last. */
        gsl_to_params(t, gsl_multimin_fdfminimizer_x(t->min), t->m);
        t->loss = gsl_multimin_fdfminimizer_minimum(t->min);
        t->gnorm = grad_norm_from_gsl(t, gsl_multimin_fdfminimizer_gradient(t->min));
        if (!isfinite(t->loss))
            return lk_error_set(err, LK_ENUMERIC, "logreg", NULL,
                                "the loss became non-finite at iteration %zu", t->iter);
        if (gs == GSL_ENOPROG) {
            t->state = LK_TRAIN_NOPROGRESS;
            return LK_OK;
        }
        if (gs != GSL_SUCCESS)
            return lk_error_set(err, LK_ENUMERIC, "logreg", NULL, "iteration %zu: %s",
                                t->iter, gsl_strerror(gs));
    } else {
        lk_status s = adam_epoch(t, err);
        t->iter++;
        if (s != LK_OK)
            return s;
        t->loss = full_eval(t, 1);
        t->gnorm = lk_params_grad_norm(&t->m->params);
        if (!isfinite(t->loss))
            return lk_error_set(err, LK_ENUMERIC, "logreg", NULL,
                                "the loss became non-finite at epoch %zu; lower the learning rate", t->iter);
    }
    if (t->cfg.gtol > 0 && t->gnorm < t->cfg.gtol)
        t->state = LK_TRAIN_CONVERGED;
    else if (t->cfg.solver == LK_LOGREG_LBFGS && t->cfg.rtol > 0 &&
             t->prev_loss - t->loss <= t->cfg.rtol * fabs(t->loss))
        t->state = LK_TRAIN_CONVERGED;
    else if (t->iter >= t->cfg.max_iter)
        t->state = LK_TRAIN_MAXITER;
    return LK_OK;
}

lk_train_state lk_logreg_test(const lk_logreg_trainer *t) { return t->state; }
size_t lk_logreg_iterations(const lk_logreg_trainer *t) { return t->iter; }
double lk_logreg_loss(const lk_logreg_trainer *t) { return t->loss; }
double lk_logreg_grad_norm(const lk_logreg_trainer *t) { return t->gnorm; }
size_t lk_logreg_evaluations(const lk_logreg_trainer *t) { return t->evals; }
double lk_logreg_flops(const lk_logreg_trainer *t) { return t->flops; }
