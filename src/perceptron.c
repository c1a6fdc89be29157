/* perceptron.c — the mistake-driven perceptron, with exact look-ahead
 * scoring by small GEMMs and the running-sum averaging trick. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_randist.h>
#include <learnkit/perceptron.h>
#include <learnkit/blas.h>
#include <learnkit/loss.h>
#include "model_check.h"
#include "registry.h"

/* Rows gathered per block, and the largest look-ahead window (see
 * run_block). */
#define BLOCK_ROWS 256

static const lk_act IDENTITY = { LK_ACT_IDENTITY, 0 };

lk_status lk_perceptron_alloc(lk_perceptron *p, size_t d, size_t k, lk_error *err)
{
    memset(p, 0, sizeof *p);
    if (d == 0 || k < 2)
        return lk_error_set(err, LK_EINVAL, "perceptron", NULL,
                            "need at least 1 feature and 2 classes (got %zu and %zu)", d, k);
    size_t n = 0, cols = k == 2 ? 1 : k;
    p->off_w = lk_params_reserve(&n, cols, d);
    p->off_b = lk_params_reserve(&n, 1, cols);
    lk_status s = lk_params_alloc(&p->params, n, err);
    if (s != LK_OK)
        return s;
    p->d = d;
    p->k = k;
    p->cols = cols;
    return LK_OK;
}

void lk_perceptron_free(lk_perceptron *p)
{
    lk_params_free(&p->params);
    memset(p, 0, sizeof *p);
}

lk_mat lk_perceptron_w(const lk_perceptron *p)
{
    return lk_params_w(&p->params, p->off_w, p->cols, p->d);
}

lk_real *lk_perceptron_b(const lk_perceptron *p) { return p->params.w + p->off_b; }

/* Scores z = W x + b for rows of x into z (rows x cols, any ld). */
static void score_rows(const lk_perceptron *p, const lk_mat *x, lk_mat *z)
{
    lk_mat w = lk_perceptron_w(p);
    const lk_real *b = lk_perceptron_b(p);
    for (size_t i = 0; i < z->rows; i++)
        memcpy(lk_mat_row(z, i), b, p->cols * sizeof(lk_real));
    lk_gemm(LK_NOTRANS, LK_TRANS, 1, x, &w, 1, z);
}

/* The criterion of one sample from the shared loss module: its value, and
 * in dz (1 x cols) the subgradient with respect to the scores, non-zero
 * exactly when the sample is a mistake.  t is a 1 x cols target row: the
 * 0/1 label for one column, one-hot otherwise. */
static double criterion(const lk_perceptron *p, lk_real *z, uint32_t y, lk_real *t,
                        lk_real *dz, int *mistake)
{
    lk_mat zm = lk_mat_view(z, 1, p->cols, p->cols);
    lk_mat tm = lk_mat_view(t, 1, p->cols, p->cols);
    lk_mat dm = lk_mat_view(dz, 1, p->cols, p->cols);
    if (p->cols == 1)
        t[0] = (lk_real)y;
    else
        t[y] = 1;
    double v = lk_loss_eval(LK_LOSS_PERCEPTRON, &IDENTITY, &zm, &zm, &tm, &dm);
    if (p->cols > 1)
        t[y] = 0;
    *mistake = 0;
    for (size_t j = 0; j < p->cols; j++)
        *mistake |= dz[j] != 0;
    return v;
}

/* w_j <- w_j - eta dz_j x for the (one or two) columns the criterion moves;
 * with u, also u_j <- u_j - c eta dz_j x for the averaging trick. */
static void update(lk_perceptron *p, const lk_real *x, const lk_real *dz, double eta,
                   double *u, double c)
{
    lk_mat w = lk_perceptron_w(p);
    lk_real *b = lk_perceptron_b(p);
    for (size_t j = 0; j < p->cols; j++) {
        if (dz[j] == 0)
            continue;
        double step = -eta * dz[j];
        lk_axpy(p->d, (lk_real)step, x, lk_mat_row(&w, j));
        b[j] += (lk_real)step;
        if (u) {
            double cs = c * step, *uw = u + p->off_w + j * p->d;
            for (size_t i = 0; i < p->d; i++)
                uw[i] += cs * x[i];
            u[p->off_b + j] += cs;
        }
    }
}

int lk_perceptron_step(lk_perceptron *p, const lk_real *x, uint32_t y, double eta,
                       lk_real *work)
{
    lk_real *z = work, *t = work + p->cols, *dz = work + 2 * p->cols;
    memset(t, 0, p->cols * sizeof *t);
    lk_mat xm = lk_mat_view((lk_real *)x, 1, p->d, p->d), zm = lk_mat_view(z, 1, p->cols, p->cols);
    score_rows(p, &xm, &zm);
    int mistake;
    criterion(p, z, y, t, dz, &mistake);
    if (mistake)
        update(p, x, dz, eta, NULL, 0);
    return mistake;
}

lk_status lk_perceptron_scores(const lk_perceptron *p, const lk_mat *x, lk_mat *scores,
                               lk_error *err)
{
    if (x->cols != p->d || scores->rows != x->rows || scores->cols != p->k)
        return lk_error_set(err, LK_EINVAL, "perceptron", NULL,
                            "expected %zu features and a %zu x %zu output", p->d, x->rows, p->k);
    if (p->cols > 1) {
        score_rows(p, x, scores);
        return LK_OK;
    }
    lk_mat z = lk_mat_cols(scores, 1, 1);
    score_rows(p, x, &z);
    for (size_t i = 0; i < x->rows; i++)
        LK_AT(scores, i, 0) = -LK_AT(scores, i, 1);
    return LK_OK;
}

/* ---------------------------------------------------------------- files */

lk_status lk_perceptron_save(const lk_perceptron *p, const lk_prep *prep,
                             const lk_labels *labels, lk_model **out, lk_error *err)
{
    lk_mat w = lk_perceptron_w(p);
    lk_status s = lki_model_begin("perceptron", p->d, p->k, out, err);
    if (s == LK_OK && (s = lk_model_put_mat(*out, "perceptron.w", &w, err)) == LK_OK)
        s = lk_model_put_vec(*out, "perceptron.b", p->cols, lk_perceptron_b(p), err);
    return lki_model_end(out, s, prep, labels, err);
}

lk_status lk_perceptron_load(const lk_model *m, lk_perceptron *p, lk_error *err)
{
    size_t d, k;
    lk_status s;
    memset(p, 0, sizeof *p);
    if ((s = lki_model_io(m, "perceptron", &d, 2, &k, err)) != LK_OK)
        return s;
    size_t cols = k == 2 ? 1 : k;
    if ((s = lki_model_shape(m, "perceptron.w", cols, d, err)) != LK_OK ||
        (s = lki_model_shape(m, "perceptron.b", 1, cols, err)) != LK_OK ||
        (s = lk_perceptron_alloc(p, d, k, err)) != LK_OK)
        return s;
    lk_mat w = lk_perceptron_w(p);
    lk_mat b = lk_mat_view(lk_perceptron_b(p), 1, p->cols, p->cols);
    if ((s = lki_model_get_finite(m, "perceptron.w", p->cols, d, &w, err)) != LK_OK ||
        (s = lki_model_get_finite(m, "perceptron.b", 1, p->cols, &b, err)) != LK_OK) {
        lk_perceptron_free(p);
        return s;
    }
    return LK_OK;
}

LKI_LEARNER_PREDICTOR(perceptron, "perceptron", lk_perceptron, lk_perceptron_scores, 0);

/* ---------------------------------------------------------------- training */

lk_perceptron_config lk_perceptron_defaults(void)
{
    return (lk_perceptron_config){ .eta = 1.0, .epochs = 10, .averaged = 0, .shuffle = 1 };
}

const char *lk_perceptron_check(const lk_perceptron_config *c)
{
    if (!(c->eta > 0) || !isfinite(c->eta))
        return "the step size must be a finite number > 0";
    if (c->epochs == 0)
        return "the epoch budget must be at least 1";
    return NULL;
}

struct lk_perceptron_trainer {
    lk_perceptron *p;
    lk_perceptron_config cfg;
    const lk_mat *x;
    const uint32_t *y;
    gsl_rng *rng;
    size_t n, epoch, mistakes, total;
    double loss;
    size_t *perm;
    lk_mat buf, z;          /* BLOCK_ROWS x d gathered rows, BLOCK_ROWS x cols scores */
    lk_real *t, *dz;        /* 1 x cols target and subgradient rows */
    double *u;              /* averaging sums, laid out like p->params.w */
    double c;               /* visit counter of the averaging trick (starts at 1) */
    size_t ahead;           /* look-ahead window, adapted to the mistake rate */
    int finished;
    lk_status failed;       /* a sum over the ranks failed: training stops */
    lk_real *before;        /* averaging over ranks: the weights before mixing */
    double *sums;           /* averaging over ranks: every rank's S and c, summed */
};

void lk_perceptron_trainer_free(lk_perceptron_trainer *t)
{
    if (!t)
        return;
    lk_mat_free(&t->buf);
    lk_mat_free(&t->z);
    free(t->perm);
    free(t->t);
    free(t->dz);
    free(t->u);
    free(t->before);
    free(t->sums);
    free(t);
}

static lk_status alloc_here(lk_perceptron_trainer **out, lk_perceptron *p, const lk_mat *x,
                            const uint32_t *y, const lk_perceptron_config *cfg, gsl_rng *rng,
                            lk_error *err);

/* Whether this rank can train: configuration, rows, classes. */
static lk_status admit(const lk_perceptron *p, const lk_mat *x, const uint32_t *y,
                       const lk_perceptron_config *cfg, const gsl_rng *rng, lk_error *err)
{
    const char *why = lk_perceptron_check(cfg);
    if (why)
        return lk_error_set(err, LK_EINVAL, "perceptron", NULL, "%s", why);
    if (x->cols != p->d || x->rows == 0)
        return lk_error_set(err, LK_EINVAL, "perceptron", NULL,
                            "expected a non-empty training set of %zu features, got %zu x %zu",
                            p->d, x->rows, x->cols);
    for (size_t i = 0; i < x->rows; i++)
        if (y[i] >= p->k)
            return lk_error_set(err, LK_EINVAL, "perceptron", NULL,
                                "row %zu: class %u out of range for %zu classes", i + 1,
                                (unsigned)y[i], p->k);
    if (cfg->shuffle && !rng)
        return lk_error_set(err, LK_EINVAL, "perceptron", NULL,
                            "shuffled epochs need a random generator");
    return LK_OK;
}

lk_status lk_perceptron_trainer_alloc(lk_perceptron_trainer **out, lk_perceptron *p,
                                      const lk_mat *x, const uint32_t *y,
                                      const lk_perceptron_config *cfg, gsl_rng *rng,
                                      lk_error *err)
{
    *out = NULL;
    lk_status s = admit(p, x, y, cfg, rng, err);
    if (s == LK_OK && (s = alloc_here(out, p, x, y, cfg, rng, err)) == LK_OK)
        /* One starting point for every rank, whatever it was given. */
        s = lk_comm_bcast(cfg->comm, p->params.w, p->params.n * sizeof(lk_real), 0, NULL);
    if ((s = lk_comm_agree(cfg->comm, s, err)) != LK_OK) {
        lk_perceptron_trainer_free(*out);
        *out = NULL;
    }
    return s;
}

static lk_status alloc_here(lk_perceptron_trainer **out, lk_perceptron *p, const lk_mat *x,
                            const uint32_t *y, const lk_perceptron_config *cfg, gsl_rng *rng,
                            lk_error *err)
{
    lk_perceptron_trainer *t = calloc(1, sizeof *t);
    if (!t)
        return lk_error_set(err, LK_ENOMEM, "perceptron", NULL, "out of memory");
    *t = (lk_perceptron_trainer){ .p = p, .cfg = *cfg, .x = x, .y = y, .rng = rng,
                                  .n = x->rows, .c = 1, .ahead = 1 };
    lk_status s;
    size_t rows = x->rows < BLOCK_ROWS ? x->rows : BLOCK_ROWS;
    if ((s = lk_mat_alloc(&t->buf, rows, p->d, err)) != LK_OK ||
        (s = lk_mat_alloc(&t->z, rows, p->cols, err)) != LK_OK)
        goto fail;
    t->perm = malloc(t->n * sizeof *t->perm);
    t->t = calloc(p->cols, sizeof *t->t);
    t->dz = calloc(p->cols, sizeof *t->dz);
    if (cfg->averaged)
        t->u = calloc(p->params.n, sizeof *t->u);
    if (cfg->averaged && lk_comm_size(cfg->comm) > 1) {
        t->before = malloc(p->params.n * sizeof *t->before);
        t->sums = malloc((p->params.n + 1) * sizeof *t->sums);
    }
    if (!t->perm || !t->t || !t->dz || (cfg->averaged && !t->u) ||
        (cfg->averaged && lk_comm_size(cfg->comm) > 1 && (!t->before || !t->sums))) {
        s = lk_error_set(err, LK_ENOMEM, "perceptron", NULL, "out of memory");
        goto fail;
    }
    for (size_t i = 0; i < t->n; i++)
        t->perm[i] = i;
    *out = t;
    return LK_OK;
fail:
    lk_perceptron_trainer_free(t);
    return s;
}

/* The rule itself is sequential: sample i must be scored with the weights
 * left by samples 0..i-1.  Scoring one sample at a time is a GEMV that
 * reads all of W per sample.  Instead, score a window of the next `ahead`
 * rows with one small GEMM against the CURRENT weights; every score up to
 * and including the first mistake in the window is exactly the score the
 * one-at-a-time rule would compute (no update happened in between), so
 * those decisions are taken from it; the scores after a mistake are stale
 * and are discarded, and the next window starts at the following row.  The
 * decisions and updates are therefore those of the textbook loop (only the
 * summation order inside a dot product may differ).  The window adapts to
 * the mistake rate: it doubles after a window without mistakes and shrinks
 * to twice the distance to the mistake otherwise, so little work is thrown
 * away early (many mistakes) and late epochs (few mistakes) run at GEMM
 * speed. */
static void run_block(lk_perceptron_trainer *t, const lk_mat *xb, const uint32_t *y,
                      const size_t *idx)
{
    lk_perceptron *p = t->p;
    size_t nb = xb->rows, pos = 0;
    while (pos < nb) {
        size_t w = nb - pos < t->ahead ? nb - pos : t->ahead;
        lk_mat xv = lk_mat_rows(xb, pos, w), zv = lk_mat_rows(&t->z, 0, w);
        score_rows(p, &xv, &zv);
        size_t i = 0;
        int mistake = 0;
        for (; i < w; i++) {
            uint32_t yi = y[idx ? idx[pos + i] : pos + i];
            t->loss += criterion(p, lk_mat_row(&zv, i), yi, t->t, t->dz, &mistake);
            if (mistake) {
                update(p, lk_mat_row(&xv, i), t->dz, t->cfg.eta, t->u, t->c);
                t->mistakes++;
            }
            t->c += 1;
            if (mistake)
                break;
        }
        if (mistake) {
            pos += i + 1;
            size_t a = 2 * (i + 1);
            t->ahead = a < BLOCK_ROWS ? a : BLOCK_ROWS;
        } else {
            pos += w;
            t->ahead = 2 * t->ahead < BLOCK_ROWS ? 2 * t->ahead : BLOCK_ROWS;
        }
    }
}

/* Iterative parameter mixing: the uniform mean of the ranks' weights.  The
 * averaging trick keeps S = c w - u, the sum of the weights visited; w
 * changes to the mean, so u moves by c (mean - w) to keep this rank's S.
 * Mistakes and the criterion are summed over every rank's rows. */
static lk_status mix(lk_perceptron_trainer *t, lk_error *err)
{
    const lk_comm *comm = t->cfg.comm;
    lk_params *par = &t->p->params;
    double P = (double)lk_comm_size(comm), sums[3] = { (double)t->mistakes, t->loss,
                                                       (double)t->n };
    lk_real *before = t->before;
    if (before)
        memcpy(before, par->w, par->n * sizeof *before);
    lk_status s = lk_comm_sum_real(comm, par->w, par->n, err);
    if (s == LK_OK)
        s = lk_comm_sum(comm, sums, 3, err);
    if (s != LK_OK) {
        t->failed = s;
        return s;
    }
    lk_scal(par->n, (lk_real)(1 / P), par->w);
    if (before)
        for (size_t i = 0; i < par->n; i++)
            t->u[i] += t->c * ((double)par->w[i] - (double)before[i]);
    t->mistakes = (size_t)sums[0];
    t->loss = sums[1] / sums[2];
    return LK_OK;
}

lk_status lk_perceptron_iterate(lk_perceptron_trainer *t, lk_error *err)
{
    if (t->finished || t->failed)
        return lk_error_set(err, LK_EINVAL, "perceptron", NULL, "training has %s",
                            t->finished ? "finished" : "failed");
    t->mistakes = 0;
    t->loss = 0;
    if (t->cfg.shuffle)
        gsl_ran_shuffle(t->rng, t->perm, t->n, sizeof *t->perm);
    for (size_t r0 = 0; r0 < t->n; r0 += t->buf.rows) {
        size_t nb = t->n - r0 < t->buf.rows ? t->n - r0 : t->buf.rows;
        if (t->cfg.shuffle) {
            /* Contiguous copies of the next rows in this epoch's order. */
            lk_mat xb = lk_mat_rows(&t->buf, 0, nb);
            lk_mat_gather_rows(&xb, t->x, t->perm + r0);
            run_block(t, &xb, t->y, t->perm + r0);
        } else {
            lk_mat xb = lk_mat_rows(t->x, r0, nb);
            run_block(t, &xb, t->y + r0, NULL);
        }
    }
    if (lk_comm_size(t->cfg.comm) > 1) {
        lk_status s = mix(t, err);
        if (s != LK_OK)
            return s;
    } else {
        t->loss /= (double)t->n;
    }
    t->total += t->mistakes;
    t->epoch++;
    if (!isfinite(t->loss))
        return lk_error_set(err, LK_ENUMERIC, "perceptron", NULL,
                            "epoch %zu: the loss is not finite", t->epoch);
    return LK_OK;
}

int lk_perceptron_converged(const lk_perceptron_trainer *t)
{
    return t->epoch > 0 && t->mistakes == 0;
}

lk_train_state lk_perceptron_test(const lk_perceptron_trainer *t)
{
    if (t->failed)
        return LK_TRAIN_NOPROGRESS;
    if (lk_perceptron_converged(t))
        return LK_TRAIN_CONVERGED;
    return t->epoch >= t->cfg.epochs ? LK_TRAIN_MAXITER : LK_TRAIN_CONTINUE;
}

size_t lk_perceptron_epochs(const lk_perceptron_trainer *t) { return t->epoch; }
size_t lk_perceptron_mistakes(const lk_perceptron_trainer *t) { return t->mistakes; }
size_t lk_perceptron_total_mistakes(const lk_perceptron_trainer *t) { return t->total; }
double lk_perceptron_epoch_loss(const lk_perceptron_trainer *t) { return t->loss; }

/* The mean of the weights w_0 .. w_C over the C = c - 1 visits so far is
 * w - u / c (each update made at visit c' counts in C - c' + 1 of them). */
void lk_perceptron_average(const lk_perceptron_trainer *t, lk_perceptron *avg)
{
    const lk_perceptron *p = t->p;
    size_t n = p->params.n;
    if (!t->u || t->finished) {
        memcpy(avg->params.w, p->params.w, n * sizeof(lk_real));
        return;
    }
    for (size_t i = 0; i < n; i++)
        avg->params.w[i] = (lk_real)((double)p->params.w[i] - t->u[i] / t->c);
}

lk_status lk_perceptron_average_all(const lk_perceptron_trainer *t, lk_perceptron *avg,
                                    lk_error *err)
{
    if (!t->u || t->finished || !t->sums) {
        lk_perceptron_average(t, avg);
        return LK_OK;
    }
    /* What average_over_ranks makes at the end, without touching u:
     * sum_r S_r / sum_r c_r, with S_r = c_r w - u_r. */
    const lk_params *par = &t->p->params;
    size_t n = par->n;
    for (size_t i = 0; i < n; i++)
        t->sums[i] = t->c * (double)par->w[i] - t->u[i];
    t->sums[n] = t->c;
    lk_status s = lk_comm_sum(t->cfg.comm, t->sums, n + 1, err);
    if (s == LK_OK)
        for (size_t i = 0; i < n; i++)
            avg->params.w[i] = (lk_real)(t->sums[i] / t->sums[n]);
    return s;
}

/* With many ranks, the average of the weights over every rank's visits:
 * sum_r S_r / sum_r c_r, with S_r = c_r w - u_r (w is the same on every rank
 * after mixing). */
static void average_over_ranks(lk_perceptron_trainer *t)
{
    lk_params *par = &t->p->params;
    for (size_t i = 0; i < par->n; i++)
        t->u[i] = t->c * (double)par->w[i] - t->u[i];
    double c = t->c;
    if (lk_comm_sum(t->cfg.comm, t->u, par->n, NULL) != LK_OK ||
        lk_comm_sum(t->cfg.comm, &c, 1, NULL) != LK_OK) {
        t->failed = LK_EIO;
        return;
    }
    for (size_t i = 0; i < par->n; i++)
        par->w[i] = (lk_real)(t->u[i] / c);
}

void lk_perceptron_trainer_finish(lk_perceptron_trainer *t)
{
    if (t->finished)
        return;
    if (t->u && lk_comm_size(t->cfg.comm) > 1)
        average_over_ranks(t);
    else if (t->u)
        lk_perceptron_average(t, t->p);
    t->finished = 1;
}
