/* net_train.c — the mini-batch epoch loop of a network (the alloc /
 * iterate / test / finish protocol of learnkit/train.h) with its validation
 * split and early stopping. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_randist.h>
#include <learnkit/net.h>
#include <learnkit/blas.h>
#include "net_impl.h"

/* ---------------------------------------------------------------- training */

lk_net_config lk_net_config_default(void)
{
    return (lk_net_config){ .loss = LK_LOSS_SOFTMAX_CE, .optim = &lk_optim_adam,
                            .optim_cfg = lk_optim_defaults(&lk_optim_adam), .batch = 100,
                            .epochs = 10, .l2 = 0, .clip_norm = 0, .validation = 0,
                            .patience = 5 };
}

size_t lk_net_auto_epochs(size_t rows, size_t batch)
{
    size_t b = batch ? batch : 1;
    size_t per = rows / b + (rows % b != 0);
    per = per ? per : 1;
    size_t e = LK_NET_AUTO_UPDATES / per + (LK_NET_AUTO_UPDATES % per != 0);
    return e < LK_NET_AUTO_MAX_EPOCHS ? (e ? e : 1) : LK_NET_AUTO_MAX_EPOCHS;
}

void lk_net_config_auto(lk_net_config *cfg, size_t rows)
{
    cfg->epochs = lk_net_auto_epochs(rows, cfg->batch);
    cfg->tol = LK_NET_STALL_TOL;
    cfg->stall_epochs = LK_NET_STALL_EPOCHS;
}

const char *lk_net_config_check(const lk_net_config *cfg)
{
    if (cfg->batch == 0)
        return "the batch size must be at least 1";
    if (!(cfg->l2 >= 0) || !isfinite(cfg->l2))
        return "the L2 penalty must be a finite number >= 0";
    if (!(cfg->clip_norm >= 0) || !isfinite(cfg->clip_norm))
        return "the clipping norm must be a finite number >= 0";
    if (!(cfg->validation >= 0 && cfg->validation < 1))
        return "the validation fraction must be in [0, 1)";
    if (cfg->validation > 0 && cfg->patience == 0)
        return "the patience must be at least 1 epoch";
    if (!(cfg->tol >= 0) || !isfinite(cfg->tol))
        return "the stall tolerance must be a finite number >= 0";
    if (!cfg->optim)
        return "no optimizer";
    return lk_optim_check(&cfg->optim_cfg);
}

static void release(lk_net_trainer *tr)
{
    lk_optim_free(&tr->opt);
    lk_net_work_free(&tr->work);
    free(tr->train_idx);
    free(tr->perm);
    lk_mat_free(&tr->xs);
    lk_mat_free(&tr->xc);
    lk_mat_free(&tr->ys);
    lk_mat_free(&tr->xv);
    lk_mat_free(&tr->yv);
    lk_free_aligned(tr->best);
    free(tr->best_stats);
    free(tr->grad_norm);
    free(tr->rank_rows);
    if (tr->rank_rng)
        gsl_rng_free(tr->rank_rng);
    *tr = (lk_net_trainer){ 0 };
}

void lk_net_trainer_free(lk_net_trainer *tr)
{
    if (!tr)
        return;
    release(tr);
    free(tr);
}

static lk_status init_here(lk_net_trainer *tr, lk_net *net, const lk_net_config *cfg,
                           const lk_mat *x, const lk_mat *y, gsl_rng *rng, lk_error *err)
{
    *tr = (lk_net_trainer){ .net = net, .cfg = *cfg, .rng = rng, .x = x, .y = y,
                            .best_loss = INFINITY, .best_train_loss = INFINITY };
    const char *why = lk_net_config_check(cfg);
    if (why)
        return lk_error_set(err, LK_EINVAL, "training", NULL, "%s", why);
    /* The pairing lk_mlp_build checks: another output activation would get
     * a silently wrong gradient (the loss module fuses the two). */
    if ((why = lk_loss_check(cfg->loss, lk_net_output_act(net))))
        return lk_error_set(err, LK_EINVAL, "training", "loss", "%s", why);
    if (x->rows != y->rows || x->cols != lk_net_inputs(net) || y->cols != lk_net_outputs(net))
        return lk_error_set(err, LK_EINVAL, "training", NULL,
                            "data is %zu x %zu with %zu x %zu targets; the network maps %zu "
                            "inputs to %zu outputs", x->rows, x->cols, y->rows, y->cols,
                            lk_net_inputs(net), lk_net_outputs(net));
    size_t n = x->rows;
    size_t n_val = 0;
    /* Data-parallel, the held-out rows are drawn over every rank's rows
     * (lki_net_parallel_init), as one process draws them. */
    if (cfg->validation > 0 && lk_comm_size(cfg->comm) <= 1) {
        n_val = (size_t)floor(cfg->validation * (double)n + 0.5);
        n_val = n_val < 1 ? 1 : n_val;
        if (n < 2)
            return lk_error_set(err, LK_EINVAL, "training", NULL,
                                "a validation split needs at least 2 rows");
        n_val = n_val > n - 1 ? n - 1 : n_val;
    }
    if (n == 0)
        return lk_error_set(err, LK_EINVAL, "training", NULL, "no training rows");
    tr->n_val = n_val;
    tr->validating = n_val > 0;
    tr->n_train = n - n_val;
    size_t *all = malloc(n * sizeof *all);
    tr->perm = malloc(tr->n_train * sizeof *tr->perm);
    tr->grad_norm = calloc(net->n_layers, sizeof *tr->grad_norm);
    if (!all || !tr->perm || !tr->grad_norm) {
        free(all);
        release(tr);
        return lk_error_set(err, LK_ENOMEM, "training", NULL, "out of memory");
    }
    for (size_t i = 0; i < n; i++)
        all[i] = i;
    lk_status s;
    if (n_val) {
        gsl_ran_shuffle(rng, all, n, sizeof *all);
        if ((s = lk_mat_alloc(&tr->xv, n_val, x->cols, err)) != LK_OK ||
            (s = lk_mat_alloc(&tr->yv, n_val, y->cols, err)) != LK_OK)
            goto fail;
        /* The held-out rows are the last n_val of the permutation. */
        lk_mat_gather_rows(&tr->xv, x, all + tr->n_train);
        lk_mat_gather_rows(&tr->yv, y, all + tr->n_train);
        tr->best = lk_alloc_aligned(net->params.n * sizeof(lk_real));
        if (!tr->best) {
            s = lk_error_set(err, LK_ENOMEM, "training", NULL, "out of memory");
            goto fail;
        }
        memcpy(tr->best, net->params.w, net->params.n * sizeof(lk_real));
        if (net->n_bn_stats) {
            if (!(tr->best_stats = malloc(net->n_bn_stats * sizeof *tr->best_stats))) {
                s = lk_error_set(err, LK_ENOMEM, "training", NULL, "out of memory");
                goto fail;
            }
            memcpy(tr->best_stats, net->bn_stats, net->n_bn_stats * sizeof(lk_real));
        }
    }
    tr->train_idx = all;
    all = NULL;
    size_t batch = cfg->batch < tr->n_train ? cfg->batch : tr->n_train;
    if ((s = lk_mat_alloc(&tr->xs, tr->n_train, x->cols, err)) != LK_OK ||
        (s = lk_mat_alloc(&tr->ys, tr->n_train, y->cols, err)) != LK_OK ||
        (s = lk_net_work_alloc(&tr->work, net, batch, err)) != LK_OK ||
        (s = lk_optim_init(&tr->opt, cfg->optim, &cfg->optim_cfg, net->params.n, err)) != LK_OK)
        goto fail;
    if (cfg->corrupt && (s = lk_mat_alloc(&tr->xc, batch, x->cols, err)) != LK_OK)
        goto fail;
    return LK_OK;
fail:
    free(all);
    release(tr);
    return s;
}

/* The trainer on this rank's rows and, with a world of several ranks, the
 * data-parallel plan. */
static lk_status init(lk_net_trainer *tr, lk_net *net, const lk_net_config *cfg,
                      const lk_mat *x, const lk_mat *y, gsl_rng *rng, lk_error *err)
{
    lk_status s = init_here(tr, net, cfg, x, y, rng, err);
    if (lk_comm_size(cfg->comm) <= 1)
        return s;
    /* Every rank goes on, or every rank stops with the first failure. */
    if ((s = lk_comm_agree(cfg->comm, s, err)) == LK_OK)
        s = lki_net_parallel_init(tr, err);
    if (s != LK_OK)
        release(tr);
    return s;
}

lk_status lk_net_trainer_alloc(lk_net_trainer **out, lk_net *net, const lk_net_config *cfg,
                               const lk_mat *x, const lk_mat *y, gsl_rng *rng, lk_error *err)
{
    *out = NULL;
    lk_net_trainer *tr = malloc(sizeof *tr);
    if (!tr)
        return lk_error_set(err, LK_ENOMEM, "training", NULL, "out of memory");
    lk_status s = init(tr, net, cfg, x, y, rng, err);
    if (s != LK_OK) {
        free(tr);
        return s;
    }
    *out = tr;
    return LK_OK;
}

/* The validation loss over every rank's held-out rows. */
static double validation_loss(lk_net_trainer *tr)
{
    double v = lk_net_loss(tr->net, &tr->work, tr->cfg.loss, &tr->xv, &tr->yv);
    if (!tr->rank_rows)
        return v;
    double sums[2] = { v * (double)tr->n_val, (double)tr->n_val };
    if (lk_comm_sum(tr->cfg.comm, sums, 2, NULL) != LK_OK)
        return NAN;
    return sums[0] / sums[1];
}

lk_status lk_net_iterate(lk_net_trainer *tr, lk_net_epoch_stats *stats, lk_error *err)
{
    lk_net *net = tr->net;
    if (tr->state != LK_TRAIN_CONTINUE)
        return lk_error_set(err, LK_EINVAL, "training", NULL, "training has stopped (%s)",
                            lk_train_state_name(tr->state));
    size_t L = net->n_layers, B = tr->work.batch;
    tr->epoch++;
    memcpy(tr->perm, tr->train_idx, tr->n_train * sizeof *tr->perm);
    gsl_ran_shuffle(tr->rng, tr->perm, tr->n_train, sizeof *tr->perm);
    lk_mat_gather_rows(&tr->xs, tr->x, tr->perm);
    lk_mat_gather_rows(&tr->ys, tr->y, tr->perm);
    for (size_t l = 0; l < L; l++)
        tr->grad_norm[l] = 0;
    double total = 0;
    size_t batches = 0, errors = 0, rows = tr->n_train;
    lk_real thr = lk_net_output_act(net)->kind == LK_ACT_SIGMOID ? (lk_real)0.5 : 0;
    if (tr->rank_rows) {
        lk_status s = lki_net_parallel_epoch(tr, &total, &errors, &batches, err);
        if (s != LK_OK)
            return s;
        rows = 0;
        for (int r = 0; r < lk_comm_size(tr->cfg.comm); r++)
            rows += (size_t)tr->rank_rows[r];
        B = 0;   /* the loop below is the one-process one */
    }
    for (size_t r = 0; B && r < tr->n_train; r += B, batches++) {
        lk_mat xb = lk_mat_rows(&tr->xs, r, B), yb = lk_mat_rows(&tr->ys, r, B);
        if (tr->cfg.corrupt) {
            lk_mat xc = lk_mat_rows(&tr->xc, 0, xb.rows);
            for (size_t i = 0; i < xb.rows; i++)
                memcpy(lk_mat_row(&xc, i), lk_mat_row(&xb, i), xb.cols * sizeof(lk_real));
            tr->cfg.corrupt(&xc, tr->cfg.corrupt_ctx, tr->rng);
            xb = xc;
        }
        double v = lk_net_backprop_train(net, &tr->work, tr->cfg.loss, tr->cfg.l2, &xb, &yb,
                                         tr->rng);
        if (!isfinite(v)) {
            char place[64];
            snprintf(place, sizeof place, "epoch %zu, batch %zu", tr->epoch, batches + 1);
            tr->state = LK_TRAIN_NOPROGRESS;
            return lk_error_set(err, LK_ENUMERIC, "training", place,
                                "the loss is %s; try a smaller learning rate",
                                isnan(v) ? "NaN" : "infinite");
        }
        total += v * (double)xb.rows;
        /* The outputs of this batch are still in the workspace: counting
         * its misses costs one pass over batch x outputs. */
        lk_mat out = lk_mat_rows(&tr->work.a[L - 1], 0, xb.rows);
        if (!tr->cfg.skip_errors)
            errors += lk_loss_errors(&out, &yb, thr);
        for (size_t l = 0; l < L; l++) {
            lk_mat gw = lk_dense_gw(&net->layers[l], &net->params);
            tr->grad_norm[l] += lk_nrm2(gw.rows * gw.cols, gw.data);
        }
        lk_params_clip(&net->params, tr->cfg.clip_norm);
        lk_optim_step(&tr->opt, net->params.w, net->params.g);
    }
    for (size_t l = 0; l < L; l++)
        tr->grad_norm[l] /= (double)batches;
    lk_net_epoch_stats st = { .epoch = tr->epoch, .loss = total / (double)rows,
                              .val_loss = NAN, .errors = errors, .rows = rows, .grad_layers = L, .grad_norm = tr->grad_norm };
    if (tr->validating) {
        st.val_loss = validation_loss(tr);
        if (st.val_loss < tr->best_loss) {
            tr->best_loss = st.val_loss;
            tr->best_epoch = tr->epoch;
            tr->since_best = 0;
            st.improved = 1;
            memcpy(tr->best, net->params.w, net->params.n * sizeof(lk_real));
            if (tr->best_stats)
                memcpy(tr->best_stats, net->bn_stats, net->n_bn_stats * sizeof(lk_real));
        } else if (++tr->since_best >= tr->cfg.patience) {
            tr->state = LK_TRAIN_EARLYSTOP;
        }
    }
    /* The stall rule, on the training loss as scikit-learn's MLP has it. */
    if (tr->cfg.stall_epochs) {
        if (st.loss > tr->best_train_loss - tr->cfg.tol)
            tr->since_train_best++;
        else
            tr->since_train_best = 0;
        if (st.loss < tr->best_train_loss)
            tr->best_train_loss = st.loss;
        if (tr->since_train_best >= tr->cfg.stall_epochs && tr->state == LK_TRAIN_CONTINUE)
            tr->state = LK_TRAIN_CONVERGED;
    }
    if (stats)
        *stats = st;
    return LK_OK;
}

lk_train_state lk_net_test(const lk_net_trainer *tr)
{
    if (tr->state != LK_TRAIN_CONTINUE)
        return tr->state;
    return tr->epoch >= tr->cfg.epochs ? LK_TRAIN_MAXITER : LK_TRAIN_CONTINUE;
}

size_t lk_net_trainer_finish(lk_net_trainer *tr)
{
    if (tr->validating && tr->best_epoch) {
        memcpy(tr->net->params.w, tr->best, tr->net->params.n * sizeof(lk_real));
        if (tr->best_stats)
            memcpy(tr->net->bn_stats, tr->best_stats, tr->net->n_bn_stats * sizeof(lk_real));
        return tr->best_epoch;
    }
    return tr->epoch;
}

