/* net.c — a network of dense layers: planning, forward, backprop, the
 * mini-batch epoch loop with early stopping, and saving into an lk_model.
 * Shared by the MLP classifier and the autoencoders. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_randist.h>
#include <learnkit/net.h>
#include "registry.h"
#include <learnkit/blas.h>

#define NET_MAX_LAYERS 1024
#define NET_MAX_WIDTH ((size_t)1 << 30)

/* ---------------------------------------------------------------- planning */

void lk_net_begin(lk_net *net, size_t n_in)
{
    *net = (lk_net){ 0 };
    net->sizes = malloc(sizeof *net->sizes * 2);
    net->cap = net->sizes ? 1 : 0;
    if (net->sizes)
        net->sizes[0] = n_in;
}

static lk_status grow(lk_net *net, lk_error *err)
{
    if (!net->sizes)
        return lk_error_set(err, LK_ENOMEM, "network", NULL, "out of memory");
    if (net->params.w)
        return lk_error_set(err, LK_EINVAL, "network", NULL, "layers added after finish");
    if (net->n_layers >= NET_MAX_LAYERS)
        return lk_error_set(err, LK_EINVAL, "network", NULL, "more than %d layers",
                            NET_MAX_LAYERS);
    if (net->n_layers == net->cap) {
        size_t cap = net->cap * 2;
        lk_dense *l = realloc(net->layers, cap * sizeof *l);
        if (l)
            net->layers = l;
        size_t *s = realloc(net->sizes, (cap + 1) * sizeof *s);
        if (s)
            net->sizes = s;
        if (!l || !s)
            return lk_error_set(err, LK_ENOMEM, "network", NULL, "out of memory");
        net->cap = cap;
    }
    if (!net->layers) {
        net->layers = malloc(net->cap * sizeof *net->layers);
        if (!net->layers)
            return lk_error_set(err, LK_ENOMEM, "network", NULL, "out of memory");
    }
    return LK_OK;
}

lk_status lk_net_add(lk_net *net, size_t out, lk_act act, lk_error *err)
{
    lk_status s = grow(net, err);
    if (s != LK_OK)
        return s;
    size_t in = net->sizes[net->n_layers];
    if (out == 0 || out > NET_MAX_WIDTH || in == 0)
        return lk_error_set(err, LK_EINVAL, "network", NULL,
                            "layer %zu: widths must be 1 to %zu (got %zu -> %zu)",
                            net->n_layers + 1, NET_MAX_WIDTH, in, out);
    lk_dense_plan(&net->layers[net->n_layers], &net->n_params, in, out, act);
    net->sizes[++net->n_layers] = out;
    return LK_OK;
}

lk_status lk_net_add_tied(lk_net *net, size_t enc, lk_act act, lk_error *err)
{
    lk_status s = grow(net, err);
    if (s != LK_OK)
        return s;
    if (enc >= net->n_layers || net->layers[enc].tied ||
        net->layers[enc].out != net->sizes[net->n_layers])
        return lk_error_set(err, LK_EINVAL, "network", NULL,
                            "layer %zu cannot be tied to layer %zu", net->n_layers + 1, enc + 1);
    lk_dense_plan_tied(&net->layers[net->n_layers], &net->n_params, &net->layers[enc], act);
    net->sizes[net->n_layers + 1] = net->layers[enc].in;
    net->n_layers++;
    return LK_OK;
}

lk_status lk_net_finish(lk_net *net, lk_error *err)
{
    if (net->n_layers == 0)
        return lk_error_set(err, LK_EINVAL, "network", NULL, "a network needs a layer");
    return lk_params_alloc(&net->params, net->n_params, err);
}

void lk_net_free(lk_net *net)
{
    free(net->layers);
    free(net->sizes);
    lk_params_free(&net->params);
    *net = (lk_net){ 0 };
}

size_t lk_net_inputs(const lk_net *net) { return net->sizes[0]; }
size_t lk_net_outputs(const lk_net *net) { return net->sizes[net->n_layers]; }
const lk_act *lk_net_output_act(const lk_net *net) { return &net->layers[net->n_layers - 1].act; }

void lk_net_init(lk_net *net, lk_init_kind kind, gsl_rng *rng)
{
    for (size_t l = 0; l < net->n_layers; l++)
        lk_dense_init(&net->layers[l], &net->params, kind, rng);
}

size_t lk_net_weight_count(const lk_net *net)
{
    size_t n = 0;
    for (size_t l = 0; l < net->n_layers; l++)
        if (!net->layers[l].tied)
            n += net->layers[l].in * net->layers[l].out;
    return n;
}

/* ---------------------------------------------------------------- saving */

static void key(char *buf, size_t n, const char *prefix, const char *name, long l)
{
    if (l < 0)
        snprintf(buf, n, "%s%s", prefix, name);
    else
        snprintf(buf, n, "%s%s.%ld", prefix, name, l);
}

lk_status lk_net_save(const lk_net *net, lk_model *m, const char *prefix, lk_error *err)
{
    size_t L = net->n_layers;
    char k[300], names[NET_MAX_LAYERS][64];
    double *sizes = malloc((L + 1) * sizeof *sizes), *tied = malloc(L * sizeof *tied);
    const char **acts = malloc(L * sizeof *acts);
    lk_status s = LK_OK;
    if (!sizes || !tied || !acts) {
        s = lk_error_set(err, LK_ENOMEM, "model", NULL, "out of memory");
        goto done;
    }
    for (size_t l = 0; l <= L; l++)
        sizes[l] = (double)net->sizes[l];
    for (size_t l = 0; l < L; l++) {
        acts[l] = lk_act_format(&net->layers[l].act, names[l], sizeof names[l]);
        tied[l] = -1;
        for (size_t e = 0; net->layers[l].tied && e < l; e++)
            if (!net->layers[e].tied && net->layers[e].w == net->layers[l].w)
                tied[l] = (double)e;
    }
    key(k, sizeof k, prefix, "arch.sizes", -1);
    if ((s = lk_model_put_dvec(m, k, L + 1, sizes, err)) != LK_OK)
        goto done;
    key(k, sizeof k, prefix, "arch.activations", -1);
    if ((s = lk_model_put_strs(m, k, L, acts, err)) != LK_OK)
        goto done;
    key(k, sizeof k, prefix, "arch.tied", -1);
    if ((s = lk_model_put_dvec(m, k, L, tied, err)) != LK_OK)
        goto done;
    for (size_t l = 0; l < L; l++) {
        const lk_dense *d = &net->layers[l];
        if (!d->tied) {
            lk_mat w = lk_dense_w(d, &net->params);
            key(k, sizeof k, prefix, "w", (long)l);
            if ((s = lk_model_put_mat(m, k, &w, err)) != LK_OK)
                goto done;
        }
        key(k, sizeof k, prefix, "b", (long)l);
        if ((s = lk_model_put_vec(m, k, d->out, lk_dense_b(d, &net->params), err)) != LK_OK)
            goto done;
        if (d->gamma != LK_NO_OFFSET) {
            key(k, sizeof k, prefix, "gamma", (long)l);
            if ((s = lk_model_put_vec(m, k, d->out, net->params.w + d->gamma, err)) != LK_OK)
                goto done;
        }
    }
done:
    free(sizes);
    free(tied);
    free(acts);
    return s;
}

static lk_status bad_entry(const lk_model *m, lk_error *err, const char *k, const char *what)
{
    return lk_error_set(err, LK_EFORMAT, lk_model_kind(m), k, "%s", what);
}

/* A list of whole numbers stored as reals, each within [lo, hi]. */
static lk_status get_counts(const lk_model *m, const char *k, size_t n, double lo, double hi,
                            double *out, lk_error *err)
{
    size_t rows, cols;
    lk_status s = lk_model_get_shape(m, k, &rows, &cols, err);
    if (s != LK_OK)
        return s;
    if (rows * cols != n)
        return bad_entry(m, err, k, "has the wrong number of values for the architecture");
    if ((s = lk_model_get_dvec(m, k, n, out, err)) != LK_OK)
        return s;
    for (size_t i = 0; i < n; i++)
        if (!(out[i] >= lo && out[i] <= hi) || out[i] != floor(out[i]))
            return bad_entry(m, err, k, "holds a value that is not a valid size or index");
    return LK_OK;
}

lk_status lk_net_load(lk_net *net, const lk_model *m, const char *prefix, lk_error *err)
{
    char k[300];
    size_t rows, cols;
    *net = (lk_net){ 0 };
    key(k, sizeof k, prefix, "arch.sizes", -1);
    lk_status s = lk_model_get_shape(m, k, &rows, &cols, err);
    if (s != LK_OK)
        return s;
    size_t n = rows * cols;
    if (rows > 1 || n < 2 || n > NET_MAX_LAYERS + 1)
        return bad_entry(m, err, k, "must list 2 to 1025 layer widths");
    size_t L = n - 1;
    double *sizes = malloc(n * sizeof *sizes), *tied = malloc(L * sizeof *tied);
    if (!sizes || !tied) {
        free(sizes);
        free(tied);
        return lk_error_set(err, LK_ENOMEM, "model", NULL, "out of memory");
    }
    if ((s = get_counts(m, k, n, 1, (double)NET_MAX_WIDTH, sizes, err)) != LK_OK)
        goto fail;
    key(k, sizeof k, prefix, "arch.tied", -1);
    if (lk_model_has(m, k)) {
        if ((s = get_counts(m, k, L, -1, (double)L, tied, err)) != LK_OK)
            goto fail;
    } else {
        for (size_t l = 0; l < L; l++)
            tied[l] = -1;
    }
    size_t n_acts;
    const char *const *acts;
    key(k, sizeof k, prefix, "arch.activations", -1);
    if ((s = lk_model_get_strs(m, k, &n_acts, &acts, err)) != LK_OK)
        goto fail;
    if (n_acts != L) {
        s = bad_entry(m, err, k, "must name one activation per layer");
        goto fail;
    }
    lk_net_begin(net, (size_t)sizes[0]);
    for (size_t l = 0; l < L; l++) {
        lk_act act;
        if (lk_act_parse(acts[l], &act, k, NULL) != LK_OK) {
            s = bad_entry(m, err, k, "names an unknown activation");
            goto fail;
        }
        if (tied[l] >= 0) {
            size_t e = (size_t)tied[l];
            if (e >= l || (size_t)sizes[l + 1] != net->layers[e].in) {
                s = bad_entry(m, err, "arch.tied", "names a layer that cannot be tied");
                goto fail;
            }
            s = lk_net_add_tied(net, e, act, err);
        } else {
            s = lk_net_add(net, (size_t)sizes[l + 1], act, err);
        }
        if (s != LK_OK)
            goto fail;
    }
    if ((s = lk_net_finish(net, err)) != LK_OK)
        goto fail;
    for (size_t l = 0; l < L; l++) {
        const lk_dense *d = &net->layers[l];
        if (!d->tied) {
            lk_mat w = lk_dense_w(d, &net->params);
            key(k, sizeof k, prefix, "w", (long)l);
            if ((s = lk_model_get_mat(m, k, d->out, d->in, &w, err)) != LK_OK)
                goto fail;
        }
        lk_mat b = lk_mat_view(lk_dense_b(d, &net->params), 1, d->out, d->out);
        key(k, sizeof k, prefix, "b", (long)l);
        if ((s = lk_model_get_mat(m, k, 1, d->out, &b, err)) != LK_OK)
            goto fail;
        if (d->gamma != LK_NO_OFFSET) {
            lk_mat g = lk_mat_view(net->params.w + d->gamma, 1, d->out, d->out);
            key(k, sizeof k, prefix, "gamma", (long)l);
            if ((s = lk_model_get_mat(m, k, 1, d->out, &g, err)) != LK_OK)
                goto fail;
        }
    }
    if (!lk_mat_all_finite(&(lk_mat){ 1, net->params.n, net->params.n, net->params.w, 0 })) {
        s = bad_entry(m, err, "parameters", "hold NaN or infinite values");
        goto fail;
    }
    free(sizes);
    free(tied);
    return LK_OK;
fail:
    free(sizes);
    free(tied);
    lk_net_free(net);
    return s;
}

/* ---------------------------------------------------------------- workspace */

lk_status lk_net_work_alloc(lk_net_work *w, const lk_net *net, size_t batch, lk_error *err)
{
    size_t L = net->n_layers;
    *w = (lk_net_work){ .batch = batch, .n_layers = L };
    w->z = calloc(L, sizeof *w->z);
    w->a = calloc(L, sizeof *w->a);
    w->d = calloc(L, sizeof *w->d);
    w->ones = lk_alloc_aligned((batch ? batch : 1) * sizeof(lk_real));
    if (!w->z || !w->a || !w->d || !w->ones) {
        lk_net_work_free(w);
        return lk_error_set(err, LK_ENOMEM, "network", NULL, "out of memory for a workspace");
    }
    for (size_t i = 0; i < batch; i++)
        w->ones[i] = 1;
    for (size_t l = 0; l < L; l++) {
        size_t out = net->sizes[l + 1];
        lk_status s;
        if ((s = lk_mat_alloc(&w->z[l], batch, out, err)) != LK_OK ||
            (s = lk_mat_alloc(&w->a[l], batch, out, err)) != LK_OK ||
            (s = lk_mat_alloc(&w->d[l], batch, out, err)) != LK_OK) {
            lk_net_work_free(w);
            return s;
        }
    }
    return LK_OK;
}

void lk_net_work_free(lk_net_work *w)
{
    for (size_t l = 0; l < w->n_layers; l++) {
        if (w->z)
            lk_mat_free(&w->z[l]);
        if (w->a)
            lk_mat_free(&w->a[l]);
        if (w->d)
            lk_mat_free(&w->d[l]);
    }
    free(w->z);
    free(w->a);
    free(w->d);
    lk_free_aligned(w->ones);
    *w = (lk_net_work){ 0 };
}

/* ---------------------------------------------------------------- passes */

lk_mat lk_net_forward(const lk_net *net, lk_net_work *w, const lk_mat *x)
{
    size_t n = x->rows;
    lk_mat in = *x, a = in;
    for (size_t l = 0; l < net->n_layers; l++) {
        lk_mat z = lk_mat_rows(&w->z[l], 0, n);
        a = lk_mat_rows(&w->a[l], 0, n);
        lk_dense_forward(&net->layers[l], &net->params, &in, &z, &a);
        in = a;
    }
    return a;
}

double lk_net_backprop(lk_net *net, lk_net_work *w, lk_loss_kind loss, double l2,
                       const lk_mat *x, const lk_mat *y)
{
    size_t n = x->rows, L = net->n_layers;
    lk_params *p = &net->params;
    lk_mat out = lk_net_forward(net, w, x);
    lk_params_zero_grad(p);
    lk_mat zL = lk_mat_rows(&w->z[L - 1], 0, n), dL = lk_mat_rows(&w->d[L - 1], 0, n);
    double value = lk_loss_eval(loss, lk_net_output_act(net), &zL, &out, y, &dL);
    for (size_t l = L; l-- > 0;) {
        const lk_dense *d = &net->layers[l];
        lk_mat in = l ? lk_mat_rows(&w->a[l - 1], 0, n) : *x;
        lk_mat dz = lk_mat_rows(&w->d[l], 0, n);
        if (l == 0) {
            /* The input needs no gradient: skip the third GEMM. */
            lk_dense_backward(d, p, &in, &dz, NULL, w->ones);
        } else {
            lk_mat da = lk_mat_rows(&w->d[l - 1], 0, n);
            lk_dense_backward(d, p, &in, &dz, &da, w->ones);
            lk_mat zp = lk_mat_rows(&w->z[l - 1], 0, n);
            lk_dense_backward_act(&net->layers[l - 1], p, &zp, &in, &da, &da);
        }
    }
    if (l2 > 0)
        for (size_t l = 0; l < L; l++) {
            const lk_dense *d = &net->layers[l];
            if (d->tied)
                continue;
            size_t cnt = d->in * d->out;
            value += lk_l2_value(l2, cnt, p->w + d->w);
            lk_l2_grad(l2, cnt, p->w + d->w, p->g + d->w);
        }
    return value;
}

double lk_net_loss(const lk_net *net, lk_net_work *w, lk_loss_kind loss, const lk_mat *x,
                   const lk_mat *y)
{
    double total = 0;
    for (size_t r = 0; r < x->rows; r += w->batch) {
        lk_mat xb = lk_mat_rows(x, r, w->batch), yb = lk_mat_rows(y, r, w->batch);
        lk_mat a = lk_net_forward(net, w, &xb);
        lk_mat z = lk_mat_rows(&w->z[net->n_layers - 1], 0, xb.rows);
        total += lk_loss_eval(loss, lk_net_output_act(net), &z, &a, &yb, NULL) *
                 (double)xb.rows;
    }
    return x->rows ? total / (double)x->rows : 0;
}

void lk_net_predict(const lk_net *net, lk_net_work *w, const lk_mat *x, lk_mat *out)
{
    for (size_t r = 0; r < x->rows; r += w->batch) {
        lk_mat xb = lk_mat_rows(x, r, w->batch);
        lk_mat a = lk_net_forward(net, w, &xb);
        lk_mat ob = lk_mat_rows(out, r, w->batch);
        lk_mat_copy(&ob, &a, NULL);
    }
}

/* ---------------------------------------------------------------- training */

lk_net_config lk_net_config_default(void)
{
    return (lk_net_config){ .loss = LK_LOSS_SOFTMAX_CE, .optim = &lk_optim_adam,
                            .optim_cfg = lk_optim_defaults(&lk_optim_adam), .batch = 100,
                            .epochs = 10, .l2 = 0, .clip_norm = 0, .validation = 0,
                            .patience = 5 };
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
    if (!cfg->optim)
        return "no optimizer";
    return lk_optim_check(&cfg->optim_cfg);
}

void lk_net_trainer_free(lk_net_trainer *tr)
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
    free(tr->grad_norm);
    *tr = (lk_net_trainer){ 0 };
}

lk_status lk_net_trainer_init(lk_net_trainer *tr, lk_net *net, const lk_net_config *cfg,
                              const lk_mat *x, const lk_mat *y, gsl_rng *rng, lk_error *err)
{
    *tr = (lk_net_trainer){ .net = net, .cfg = *cfg, .rng = rng, .x = x, .y = y,
                            .best_loss = INFINITY };
    const char *why = lk_net_config_check(cfg);
    if (why)
        return lk_error_set(err, LK_EINVAL, "training", NULL, "%s", why);
    if (x->rows != y->rows || x->cols != lk_net_inputs(net) || y->cols != lk_net_outputs(net))
        return lk_error_set(err, LK_EINVAL, "training", NULL,
                            "data is %zu x %zu with %zu x %zu targets; the network maps %zu "
                            "inputs to %zu outputs", x->rows, x->cols, y->rows, y->cols,
                            lk_net_inputs(net), lk_net_outputs(net));
    size_t n = x->rows;
    size_t n_val = 0;
    if (cfg->validation > 0) {
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
    tr->n_train = n - n_val;
    size_t *all = malloc(n * sizeof *all);
    tr->perm = malloc(tr->n_train * sizeof *tr->perm);
    tr->grad_norm = calloc(net->n_layers, sizeof *tr->grad_norm);
    if (!all || !tr->perm || !tr->grad_norm) {
        free(all);
        lk_net_trainer_free(tr);
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
    lk_net_trainer_free(tr);
    return s;
}

lk_status lk_net_trainer_epoch(lk_net_trainer *tr, lk_net_epoch_stats *stats, lk_error *err)
{
    lk_net *net = tr->net;
    size_t L = net->n_layers, B = tr->work.batch;
    tr->epoch++;
    memcpy(tr->perm, tr->train_idx, tr->n_train * sizeof *tr->perm);
    gsl_ran_shuffle(tr->rng, tr->perm, tr->n_train, sizeof *tr->perm);
    lk_mat_gather_rows(&tr->xs, tr->x, tr->perm);
    lk_mat_gather_rows(&tr->ys, tr->y, tr->perm);
    for (size_t l = 0; l < L; l++)
        tr->grad_norm[l] = 0;
    double total = 0;
    size_t batches = 0, errors = 0;
    lk_real thr = lk_net_output_act(net)->kind == LK_ACT_SIGMOID ? (lk_real)0.5 : 0;
    for (size_t r = 0; r < tr->n_train; r += B, batches++) {
        lk_mat xb = lk_mat_rows(&tr->xs, r, B), yb = lk_mat_rows(&tr->ys, r, B);
        if (tr->cfg.corrupt) {
            lk_mat xc = lk_mat_rows(&tr->xc, 0, xb.rows);
            for (size_t i = 0; i < xb.rows; i++)
                memcpy(lk_mat_row(&xc, i), lk_mat_row(&xb, i), xb.cols * sizeof(lk_real));
            tr->cfg.corrupt(&xc, tr->cfg.corrupt_ctx, tr->rng);
            xb = xc;
        }
        double v = lk_net_backprop(net, &tr->work, tr->cfg.loss, tr->cfg.l2, &xb, &yb);
        if (!isfinite(v)) {
            char place[64];
            snprintf(place, sizeof place, "epoch %zu, batch %zu", tr->epoch, batches + 1);
            tr->stopped = 1;
            return lk_error_set(err, LK_ENUMERIC, "training", place,
                                "the loss is %s; try a smaller learning rate (--lr)",
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
    lk_net_epoch_stats st = { .epoch = tr->epoch, .loss = total / (double)tr->n_train,
                              .val_loss = NAN, .errors = errors, .rows = tr->n_train, .grad_layers = L, .grad_norm = tr->grad_norm };
    if (tr->n_val) {
        st.val_loss = lk_net_loss(net, &tr->work, tr->cfg.loss, &tr->xv, &tr->yv);
        if (st.val_loss < tr->best_loss) {
            tr->best_loss = st.val_loss;
            tr->best_epoch = tr->epoch;
            tr->since_best = 0;
            st.improved = 1;
            memcpy(tr->best, net->params.w, net->params.n * sizeof(lk_real));
        } else if (++tr->since_best >= tr->cfg.patience) {
            tr->stopped = 1;
        }
    }
    if (stats)
        *stats = st;
    return LK_OK;
}

int lk_net_trainer_done(const lk_net_trainer *tr)
{
    return tr->stopped || tr->epoch >= tr->cfg.epochs;
}

size_t lk_net_trainer_finish(lk_net_trainer *tr)
{
    if (tr->n_val && tr->best_epoch) {
        memcpy(tr->net->params.w, tr->best, tr->net->params.n * sizeof(lk_real));
        return tr->best_epoch;
    }
    return tr->epoch;
}

/* ---------------------------------------------------------------- predictors */

lk_status lki_net_scores(const void *state, const lk_mat *x, lk_mat *scores, lk_error *err)
{
    const lk_net *net = state;
    lk_net_work w;
    size_t batch = x->rows < 256 ? (x->rows ? x->rows : 1) : 256;
    lk_status s = lk_net_work_alloc(&w, net, batch, err);
    if (s != LK_OK)
        return s;
    lk_net_predict(net, &w, x, scores);
    lk_net_work_free(&w);
    return LK_OK;
}

void lki_net_free(void *state)
{
    if (state) {
        lk_net_free(state);
        free(state);
    }
}
