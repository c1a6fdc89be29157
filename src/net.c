/* net.c — a network of dense layers: planning, workspaces, forward and
 * backprop passes, and the predictor shared by network-backed models.
 * The epoch loop is in net_train.c, saving and loading in net_file.c.
 * Shared by the MLP classifier and the autoencoders. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <learnkit/net.h>
#include "registry.h"
#include "net_impl.h"
#include "net_extra.h"
#include <learnkit/blas.h>

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
        if (!l || !s || lki_net_extra_grow(net, cap) != LK_OK)
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
    lk_status s = lk_params_alloc(&net->params, net->n_params, err);
    if (s == LK_OK)
        lki_bn_reset(net);
    return s;
}

void lk_net_free(lk_net *net)
{
    free(net->layers);
    free(net->sizes);
    lk_params_free(&net->params);
    free(net->extra);
    free(net->bn_stats);
    *net = (lk_net){ 0 };
}

size_t lk_net_inputs(const lk_net *net) { return net->sizes[0]; }
size_t lk_net_outputs(const lk_net *net) { return net->sizes[net->n_layers]; }
const lk_act *lk_net_output_act(const lk_net *net) { return &net->layers[net->n_layers - 1].act; }

void lk_net_init(lk_net *net, lk_init_kind kind, gsl_rng *rng)
{
    for (size_t l = 0; l < net->n_layers; l++)
        lk_dense_init(&net->layers[l], &net->params, kind, rng);
    lki_bn_reset(net);
}

size_t lk_net_weight_count(const lk_net *net)
{
    size_t n = 0;
    for (size_t l = 0; l < net->n_layers; l++)
        if (!net->layers[l].tied)
            n += net->layers[l].in * net->layers[l].out;
    return n;
}

/* ---------------------------------------------------------------- workspace */

/* Buffers of the layers with batch norm or dropout only. */
static lk_status work_alloc_extra(lk_net_work *w, const lk_net *net, size_t batch, lk_error *err)
{
    size_t L = net->n_layers;
    w->xhat = calloc(L, sizeof *w->xhat);
    w->bnv = calloc(L, sizeof *w->bnv);
    w->mask = calloc(L, sizeof *w->mask);
    w->ad = calloc(L, sizeof *w->ad);
    w->pen = calloc(L, sizeof *w->pen);
    lk_status s = w->xhat && w->bnv && w->mask && w->ad && w->pen
                      ? LK_OK : lk_error_set(err, LK_ENOMEM, "network", NULL, "out of memory");
    for (size_t l = 0; l < L && s == LK_OK; l++) {
        size_t out = net->sizes[l + 1];
        if (lki_bn_of(net, l) && ((s = lk_mat_alloc(&w->xhat[l], batch, out, err)) != LK_OK ||
                                  (s = lk_mat_alloc(&w->bnv[l], 3, out, err)) != LK_OK))
            break;
        if (lki_dropout_of(net, l) > 0 &&
            ((s = lk_mat_alloc(&w->mask[l], batch, out, err)) != LK_OK ||
             (s = lk_mat_alloc(&w->ad[l], batch, out, err)) != LK_OK))
            break;
        if (lki_has_penalty(net, l) && (s = lk_mat_alloc(&w->pen[l], 2, out, err)) != LK_OK)
            break;
    }
    if (s != LK_OK)
        lk_net_work_free(w);
    return s;
}

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
    return net->extra ? work_alloc_extra(w, net, batch, err) : LK_OK;
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
        if (w->xhat)
            lk_mat_free(&w->xhat[l]);
        if (w->bnv)
            lk_mat_free(&w->bnv[l]);
        if (w->mask)
            lk_mat_free(&w->mask[l]);
        if (w->ad)
            lk_mat_free(&w->ad[l]);
        if (w->pen)
            lk_mat_free(&w->pen[l]);
    }
    free(w->xhat);
    free(w->bnv);
    free(w->mask);
    free(w->ad);
    free(w->pen);
    free(w->z);
    free(w->a);
    free(w->d);
    lk_free_aligned(w->ones);
    *w = (lk_net_work){ 0 };
}

/* ---------------------------------------------------------------- passes */

/* Layer l with batch norm: the affine map into z, normalized (by the
 * batch in training, by the running averages otherwise), then f. */
static void bn_layer(const lk_net *net, size_t l, lk_net_work *w, const lk_mat *in, lk_mat *z,
                     lk_mat *a, int train, lk_real *stats)
{
    const lk_dense *d = &net->layers[l];
    const lk_net_extra *e = lki_bn_of(net, l);
    const lk_params *p = &net->params;
    lk_mat wm = lk_dense_w(d, p);
    lk_act id = lk_act_default(LK_ACT_IDENTITY);
    lk_affine_forward(in, &wm, d->tied ? LK_NOTRANS : LK_TRANS, lk_dense_b(d, p), &id, NULL, z, z);
    if (train) {
        lk_mat xh = lk_mat_rows(&w->xhat[l], 0, z->rows);
        lki_bn_forward_train(p->w + e->bn_scale, p->w + e->bn_shift, z, &xh, &w->bnv[l],
                             w->ones, stats ? stats + e->bn_stat : NULL);
    } else {
        lki_bn_forward_infer(p->w + e->bn_scale, p->w + e->bn_shift, net->bn_stats + e->bn_stat, z);
    }
    lk_act_forward(&d->act, z, a, lk_dense_gamma(d, p));
}

/* The forward pass.  train: batch statistics, and dropout when rng is
 * given; stats: the running averages to update, or NULL.  The input of
 * layer l + 1 is w->ad[l] where layer l dropped, else w->a[l]. */
static lk_mat forward(const lk_net *net, lk_net_work *w, const lk_mat *x, int train,
                      gsl_rng *rng, lk_real *stats)
{
    size_t n = x->rows;
    lk_mat in = *x, a = in;
    for (size_t l = 0; l < net->n_layers; l++) {
        lk_mat z = lk_mat_rows(&w->z[l], 0, n);
        a = lk_mat_rows(&w->a[l], 0, n);
        if (net->extra && lki_bn_of(net, l))
            bn_layer(net, l, w, &in, &z, &a, train, stats);
        else
            lk_dense_forward(&net->layers[l], &net->params, &in, &z, &a);
        in = a;
        double p = train && rng ? lki_dropout_of(net, l) : 0;
        if (p > 0 && w->mask && w->mask[l].data) {
            lk_mat m = lk_mat_rows(&w->mask[l], 0, n), ad = lk_mat_rows(&w->ad[l], 0, n);
            lki_dropout_forward(&a, &m, &ad, p, rng);
            in = ad;
        }
    }
    return a;
}

lk_mat lk_net_forward(const lk_net *net, lk_net_work *w, const lk_mat *x)
{
    return forward(net, w, x, 0, NULL, NULL);
}

static double backprop(lk_net *net, lk_net_work *w, lk_loss_kind loss, double l2,
                       const lk_mat *x, const lk_mat *y, gsl_rng *rng, int update)
{
    size_t n = x->rows, L = net->n_layers;
    lk_params *p = &net->params;
    lk_mat out = forward(net, w, x, 1, rng, update ? net->bn_stats : NULL);
    lk_params_zero_grad(p);
    lk_mat zL = lk_mat_rows(&w->z[L - 1], 0, n), dL = lk_mat_rows(&w->d[L - 1], 0, n);
    double value = lk_loss_eval(loss, lk_net_output_act(net), &zL, &out, y, &dL);
    for (size_t l = L; l-- > 0;) {
        const lk_dense *d = &net->layers[l];
        int dropped = l && rng && lki_dropout_of(net, l - 1) > 0 && w->mask && w->mask[l - 1].data;
        lk_mat in = !l ? *x : lk_mat_rows(dropped ? &w->ad[l - 1] : &w->a[l - 1], 0, n);
        lk_mat dz = lk_mat_rows(&w->d[l], 0, n);
        const lk_net_extra *e = net->extra ? lki_bn_of(net, l) : NULL;
        if (e) {
            lk_mat xh = lk_mat_rows(&w->xhat[l], 0, n);
            lki_bn_backward(p->w + e->bn_scale, &xh, &w->bnv[l], &dz, w->ones, p->g + e->bn_scale,
                            p->g + e->bn_shift);
        }
        if (l == 0) {
            /* The input needs no gradient: skip the third GEMM. */
            lk_dense_backward(d, p, &in, &dz, NULL, w->ones);
        } else {
            lk_mat da = lk_mat_rows(&w->d[l - 1], 0, n);
            lk_dense_backward(d, p, &in, &dz, &da, w->ones);
            if (dropped) {
                lk_mat m = lk_mat_rows(&w->mask[l - 1], 0, n);
                lki_dropout_backward(&m, &da);
            }
            lk_mat zp = lk_mat_rows(&w->z[l - 1], 0, n), ap = lk_mat_rows(&w->a[l - 1], 0, n);
            if (w->pen && w->pen[l - 1].data)
                value += lki_penalty(net, l - 1, &ap, &da, &w->pen[l - 1]);
            lk_dense_backward_act(&net->layers[l - 1], p, &zp, &ap, &da, &da);
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

double lk_net_backprop(lk_net *net, lk_net_work *w, lk_loss_kind loss, double l2,
                       const lk_mat *x, const lk_mat *y)
{
    return backprop(net, w, loss, l2, x, y, NULL, 0);
}

double lk_net_backprop_train(lk_net *net, lk_net_work *w, lk_loss_kind loss, double l2,
                             const lk_mat *x, const lk_mat *y, gsl_rng *rng)
{
    return backprop(net, w, loss, l2, x, y, rng, 1);
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
