/* net_layers.c — one layer of a finished network at a time: applied to rows
 * in blocks, set from a weight matrix, copied from another network.  What a
 * greedily trained stack (ae_stack.c) and a pretrained start (ae.c) build on. */
#include <string.h>
#include <learnkit/net.h>
#include "net_impl.h"

/* Rows pushed through the layer at a time: each block's activation runs
 * while its GEMM output is still in cache (60000 MNIST rows to 500 sigmoid
 * codes: 0.39 s at once, 0.29 s by blocks of 2048). */
#define APPLY_BLOCK 2048

lk_status lk_net_apply_layer(const lk_net *net, size_t l, const lk_mat *x, lk_mat *pre,
                             lk_mat *out, lk_error *err)
{
    if (l >= net->n_layers)
        return lk_error_set(err, LK_EINVAL, "network", NULL, "no layer %zu", l + 1);
    const lk_dense *d = &net->layers[l];
    if (x->cols != d->in || out->rows != x->rows || out->cols != d->out ||
        (pre && (pre->rows != x->rows || pre->cols != d->out)))
        return lk_error_set(err, LK_EINVAL, "network", NULL,
                            "layer %zu maps %zu to %zu values, not %zu x %zu to %zu x %zu",
                            l + 1, d->in, d->out, x->rows, x->cols, out->rows, out->cols);
    for (size_t r0 = 0; r0 < x->rows; r0 += APPLY_BLOCK) {
        lk_mat xb = lk_mat_rows(x, r0, APPLY_BLOCK), ob = lk_mat_rows(out, r0, APPLY_BLOCK);
        lk_mat zb = pre ? lk_mat_rows(pre, r0, APPLY_BLOCK) : ob;
        lk_dense_forward(d, &net->params, &xb, &zb, &ob);
    }
    return LK_OK;
}

lk_status lki_net_layer_fits(const lk_net *dst, size_t to, const lk_net *src, size_t from,
                             const char *source, const char *other, lk_error *err)
{
    const lk_dense *d = &dst->layers[to], *s = &src->layers[from];
    char an[64], bn[64];
    lk_act_format(&d->act, an, sizeof an);
    lk_act_format(&s->act, bn, sizeof bn);
    if (d->in != s->in || d->out != s->out)
        return lk_error_set(err, LK_EINVAL, source, NULL,
                            "layer %zu maps %zu to %zu units, but %s maps %zu to %zu", to + 1,
                            d->in, d->out, other, s->in, s->out);
    if (strcmp(an, bn) != 0)
        return lk_error_set(err, LK_EINVAL, source, NULL,
                            "layer %zu has activation %s, but %s has %s", to + 1, an, other, bn);
    if (d->tied || s->tied)
        return lk_error_set(err, LK_EINVAL, source, NULL, "layer %zu is tied", to + 1);
    return LK_OK;
}

lk_status lk_net_copy_layer(lk_net *dst, size_t to, const lk_net *src, size_t from,
                            lk_error *err)
{
    if (to >= dst->n_layers || from >= src->n_layers)
        return lk_error_set(err, LK_EINVAL, "network", NULL,
                            "layer %zu has no counterpart (the networks have %zu and %zu "
                            "layers)", (to > from ? to : from) + 1, dst->n_layers,
                            src->n_layers);
    lk_status st = lki_net_layer_fits(dst, to, src, from, "network", "the source layer", err);
    if (st != LK_OK)
        return st;
    lk_dense *d = &dst->layers[to];
    const lk_dense *s = &src->layers[from];
    memcpy(dst->params.w + d->w, src->params.w + s->w, d->in * d->out * sizeof(lk_real));
    memcpy(dst->params.w + d->b, src->params.w + s->b, d->out * sizeof(lk_real));
    if (d->gamma != LK_NO_OFFSET)
        memcpy(dst->params.w + d->gamma, src->params.w + s->gamma, d->out * sizeof(lk_real));
    return LK_OK;
}

lk_status lk_net_set_layer(lk_net *net, size_t l, const lk_mat *w, const lk_real *b,
                           lk_error *err)
{
    if (l >= net->n_layers)
        return lk_error_set(err, LK_EINVAL, "network", NULL, "no layer %zu", l + 1);
    const lk_dense *d = &net->layers[l];
    if (d->tied || d->gamma != LK_NO_OFFSET || w->rows != d->out || w->cols != d->in)
        return lk_error_set(err, LK_EINVAL, "network", NULL,
                            "layer %zu is %zu x %zu, not %zu x %zu%s", l + 1, d->out, d->in,
                            w->rows, w->cols, d->tied ? " (tied)" : "");
    lk_mat dw = lk_dense_w(d, &net->params);
    lk_status s = lk_mat_copy(&dw, w, err);
    if (s != LK_OK)
        return s;
    lk_real *db = lk_dense_b(d, &net->params);
    for (size_t i = 0; i < d->out; i++)
        db[i] = b ? b[i] : 0;
    return LK_OK;
}
