/* net_parallel.c — the epoch loop of a network trained data-parallel:
 * every rank holds a share of the rows, each step sums the ranks' gradients
 * and every rank takes the same optimizer step (see lk_net_config.comm). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_randist.h>
#include <learnkit/net.h>
#include <learnkit/blas.h>
#include "net_impl.h"

lk_status lki_net_parallel_init(lk_net_trainer *tr, lk_error *err)
{
    const lk_comm *c = tr->cfg.comm;
    int p = lk_comm_size(c);
    uint64_t mine = tr->n_train, total = 0;
    void *all = NULL;
    lk_status s;
    size_t *cnt = calloc((size_t)p, sizeof *cnt);
    s = cnt ? LK_OK : lk_error_set(err, LK_ENOMEM, "training", NULL, "out of memory");
    if ((s = lk_comm_agree(c, s, err)) != LK_OK ||
        (s = lk_comm_allgather(c, &mine, sizeof mine, &all, cnt, err)) != LK_OK) {
        free(cnt);
        return s;
    }
    free(cnt);
    tr->rank_rows = all;
    /* Each rank shuffles, corrupts and drops out with a generator of its
     * own: the shared one, seeded alike everywhere, would draw the same
     * masks for every rank's rows (a denoising autoencoder on P ranks would
     * see P copies of one noise pattern per step).  One draw from the
     * shared generator on every rank keeps it in step across ranks. */
    unsigned long seed = gsl_rng_get(tr->rng);
    tr->rank_rng = gsl_rng_alloc(tr->rng->type);
    s = tr->rank_rng ? LK_OK : lk_error_set(err, LK_ENOMEM, "training", NULL, "out of memory");
    if ((s = lk_comm_agree(c, s, err)) != LK_OK)
        return s;
    gsl_rng_set(tr->rank_rng,
                (seed + 2654435761UL * (unsigned long)(lk_comm_rank(c) + 1)) & 0xffffffffUL);
    tr->rng = tr->rank_rng;
    for (int r = 0; r < p; r++)
        total += tr->rank_rows[r];
    /* The steps of one process on all rows; each rank's part of a step is
     * its share of the global batch. */
    size_t B = tr->cfg.batch;
    tr->steps = (size_t)((total + B - 1) / B);
    tr->rank_batch = tr->steps ? (tr->n_train + tr->steps - 1) / tr->steps : 0;
    if (tr->rank_batch > tr->work.batch)
        return lk_error_set(err, LK_EINVAL, "training", NULL,
                            "a rank's part of the batch (%zu rows) exceeds its workspace",
                            tr->rank_batch);
    /* One starting point for every rank, whatever their generators did. */
    return lk_comm_bcast(c, tr->net->params.w, tr->net->params.n * sizeof(lk_real), 0, err);
}

/* Rows of rank r in step s: its rows from s * b_r, at most b_r of them. */
static size_t step_rows(uint64_t n, uint64_t steps, uint64_t s)
{
    uint64_t b = steps ? (n + steps - 1) / steps : 0, from = s * b;
    return from >= n ? 0 : (size_t)(n - from < b ? n - from : b);
}

lk_status lki_net_parallel_epoch(lk_net_trainer *tr, double *total, size_t *errors,
                                 size_t *batches, lk_error *err)
{
    lk_net *net = tr->net;
    const lk_comm *c = tr->cfg.comm;
    size_t L = net->n_layers, b = tr->rank_batch;
    int p = lk_comm_size(c);
    lk_real thr = lk_net_output_act(net)->kind == LK_ACT_SIGMOID ? (lk_real)0.5 : 0;
    lk_params *par = &net->params;
    *total = 0;
    *errors = 0;
    for (size_t s = 0; s < tr->steps; s++) {
        size_t rows = step_rows(tr->n_train, tr->steps, s), all = 0;
        for (int r = 0; r < p; r++)
            all += step_rows(tr->rank_rows[r], tr->steps, s);
        double v = 0;
        if (rows) {
            lk_mat xb = lk_mat_rows(&tr->xs, s * b, rows), yb = lk_mat_rows(&tr->ys, s * b, rows);
            if (tr->cfg.corrupt) {
                lk_mat xc = lk_mat_rows(&tr->xc, 0, rows);
                for (size_t i = 0; i < rows; i++)
                    memcpy(lk_mat_row(&xc, i), lk_mat_row(&xb, i), xb.cols * sizeof(lk_real));
                tr->cfg.corrupt(&xc, tr->cfg.corrupt_ctx, tr->rng);
                xb = xc;
            }
            v = lk_net_backprop_train(net, &tr->work, tr->cfg.loss, tr->cfg.l2, &xb, &yb, tr->rng);
            lk_mat out = lk_mat_rows(&tr->work.a[L - 1], 0, rows);
            if (!tr->cfg.skip_errors)
                *errors += lk_loss_errors(&out, &yb, thr);
            /* The step's loss is the mean over all its rows: weigh this
             * rank's mean gradient by its part of them. */
            lk_scal(par->n, (lk_real)((double)rows / (double)all), par->g);
        } else {
            memset(par->g, 0, par->n * sizeof *par->g);
        }
        /* A rank whose loss is not finite poisons the sum, so that every
         * rank sees the failure at the same step. */
        if (!isfinite(v))
            par->g[0] = (lk_real)NAN;
        *total += v * (double)rows;
        lk_status st = lk_comm_sum_real(c, par->g, par->n, err);
        if (st != LK_OK)
            return st;
        int finite = 1;
        for (size_t l = 0; l < L; l++) {
            lk_mat gw = lk_dense_gw(&net->layers[l], par);
            double g = lk_nrm2(gw.rows * gw.cols, gw.data);
            finite = finite && isfinite(g);
            tr->grad_norm[l] += g;
        }
        if (!finite || !isfinite(par->g[0])) {
            char place[64];
            snprintf(place, sizeof place, "epoch %zu, batch %zu", tr->epoch, s + 1);
            tr->state = LK_TRAIN_NOPROGRESS;
            return lk_error_set(err, LK_ENUMERIC, "training", place,
                                "the loss is not finite; try a smaller learning rate");
        }
        lk_params_clip(par, tr->cfg.clip_norm);
        lk_optim_step(&tr->opt, par->w, par->g);
    }
    *batches = tr->steps;
    /* The epoch's loss and misses over every rank's rows. */
    double sums[2] = { *total, (double)*errors };
    lk_status st = lk_comm_sum(c, sums, 2, err);
    *total = sums[0];
    *errors = (size_t)sums[1];
    return st;
}
