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

/* The validation split of one process over every rank's rows: the
 * permutation one process draws of all N rows (every rank's generator is
 * in the state one process's is in), its last n_val rows held out; each
 * rank keeps, in permutation order, the training and held-out rows that
 * fall in its own range.  A rank may hold no held-out row. */
static lk_status global_validation(lk_net_trainer *tr, lk_error *err)
{
    const lk_comm *c = tr->cfg.comm;
    int p = lk_comm_size(c), me = lk_comm_rank(c);
    uint64_t mine = tr->n_train, *held = NULL;
    size_t *cnt = calloc((size_t)p, sizeof *cnt), *perm = NULL;
    void *all = NULL;
    lk_status s = cnt ? LK_OK : lk_error_set(err, LK_ENOMEM, "training", NULL, "out of memory");
    if ((s = lk_comm_agree(c, s, err)) != LK_OK ||
        (s = lk_comm_allgather(c, &mine, sizeof mine, &all, cnt, err)) != LK_OK)
        goto done;
    held = all;
    size_t N = 0, from = 0, n = tr->n_train;
    for (int r = 0; r < p; r++) {
        from += r < me ? (size_t)held[r] : 0;
        N += (size_t)held[r];
    }
    if (N < 2) {
        s = lk_error_set(err, LK_EINVAL, "training", NULL, "a validation split needs at least 2 rows");
        goto done;
    }
    size_t n_val = (size_t)floor(tr->cfg.validation * (double)N + 0.5);
    n_val = n_val < 1 ? 1 : n_val > N - 1 ? N - 1 : n_val;
    perm = malloc(N * sizeof *perm);
    s = perm ? LK_OK : lk_error_set(err, LK_ENOMEM, "training", NULL, "out of memory");
    if ((s = lk_comm_agree(c, s, err)) != LK_OK)
        goto done;
    for (size_t i = 0; i < N; i++)
        perm[i] = i;
    gsl_ran_shuffle(tr->rng, perm, N, sizeof *perm);
    /* This rank's rows, local indices in permutation order: training rows
     * first (into train_idx), then the held-out ones (into perm's front). */
    size_t k = 0, v = 0;
    for (size_t i = 0; i < N; i++) {
        if (perm[i] < from || perm[i] >= from + n)
            continue;
        if (i < N - n_val)
            tr->train_idx[k++] = perm[i] - from;
        else
            perm[v++] = perm[i] - from;
    }
    tr->n_train = k;
    tr->n_val = v;
    tr->validating = 1;
    /* The shuffled copies hold the training rows only (their memory, sized
     * for every row of the share, stays). */
    tr->xs.rows = tr->ys.rows = k;
    const lk_mat *x = tr->x, *y = tr->y;
    s = LK_OK;
    if (v && (s = lk_mat_alloc(&tr->xv, v, x->cols, err)) == LK_OK &&
        (s = lk_mat_alloc(&tr->yv, v, y->cols, err)) == LK_OK) {
        lk_mat_gather_rows(&tr->xv, x, perm);
        lk_mat_gather_rows(&tr->yv, y, perm);
    }
    if (s == LK_OK && !(tr->best = lk_alloc_aligned(tr->net->params.n * sizeof(lk_real))))
        s = lk_error_set(err, LK_ENOMEM, "training", NULL, "out of memory");
    if (s == LK_OK && tr->net->n_bn_stats &&
        !(tr->best_stats = malloc(tr->net->n_bn_stats * sizeof *tr->best_stats)))
        s = lk_error_set(err, LK_ENOMEM, "training", NULL, "out of memory");
    s = lk_comm_agree(c, s, err);
done:
    free(held);
    free(cnt);
    free(perm);
    return s;
}

lk_status lki_net_parallel_init(lk_net_trainer *tr, lk_error *err)
{
    const lk_comm *c = tr->cfg.comm;
    int p = lk_comm_size(c);
    if (tr->cfg.validation > 0) {
        lk_status vs = global_validation(tr, err);
        if (vs != LK_OK)
            return vs;
    }
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
