/* net_file.c — saving a network into an lk_model and loading it back,
 * every count and shape checked against the limits of net.c before
 * anything is allocated. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <learnkit/net.h>
#include "model_check.h"
#include "net_impl.h"
#include "net_extra.h"

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
    s = lki_net_save_extra(net, m, prefix, err);
done:
    free(sizes);
    free(tied);
    free(acts);
    return s;
}

/* A list of whole numbers stored as reals, each within [lo, hi]. */
static lk_status get_counts(const lk_model *m, const char *k, size_t n, double lo, double hi,
                            double *out, lk_error *err)
{
    size_t rows, cols;
    lk_status s = lk_model_get_shape(m, k, &rows, &cols, err);
    if (s != LK_OK)
        return s;
    if (rows != 1 || cols != n)
        return lki_model_bad(m, k, err, "expected 1 x %zu values for the architecture, found "
                             "%zu x %zu", n, rows, cols);
    if ((s = lk_model_get_dvec(m, k, n, out, err)) != LK_OK)
        return s;
    for (size_t i = 0; i < n; i++)
        if (!(out[i] >= lo && out[i] <= hi) || out[i] != floor(out[i]))
            return lki_model_bad(m, k, err, "value %zu is %g, expected a whole number from "
                                 "%g to %g", i + 1, out[i], lo, hi);
    return LK_OK;
}

/* Layer l's arrays are in the file with the planned shapes: checked before
 * lk_net_finish allocates from the widths. */
static lk_status check_arrays(const lk_net *net, const lk_model *m, const char *prefix,
                              lk_error *err)
{
    char k[300];
    lk_status s = LK_OK;
    for (size_t l = 0; l < net->n_layers && s == LK_OK; l++) {
        const lk_dense *d = &net->layers[l];
        key(k, sizeof k, prefix, "w", (long)l);
        if (!d->tied)
            s = lki_model_shape(m, k, d->out, d->in, err);
        else if (lk_model_has(m, k))
            s = lki_model_bad(m, k, err, "present for a layer tied to another's weights");
        key(k, sizeof k, prefix, "b", (long)l);
        if (s == LK_OK)
            s = lki_model_shape(m, k, 1, d->out, err);
        key(k, sizeof k, prefix, "gamma", (long)l);
        if (s == LK_OK && d->gamma != LK_NO_OFFSET)
            s = lki_model_shape(m, k, 1, d->out, err);
    }
    return s;
}

static lk_status read_arrays(lk_net *net, const lk_model *m, const char *prefix, lk_error *err)
{
    char k[300];
    lk_status s = LK_OK;
    for (size_t l = 0; l < net->n_layers && s == LK_OK; l++) {
        const lk_dense *d = &net->layers[l];
        if (!d->tied) {
            lk_mat w = lk_dense_w(d, &net->params);
            key(k, sizeof k, prefix, "w", (long)l);
            s = lki_model_get_finite(m, k, d->out, d->in, &w, err);
        }
        lk_mat b = lk_mat_view(lk_dense_b(d, &net->params), 1, d->out, d->out);
        key(k, sizeof k, prefix, "b", (long)l);
        if (s == LK_OK)
            s = lki_model_get_finite(m, k, 1, d->out, &b, err);
        if (s == LK_OK && d->gamma != LK_NO_OFFSET) {
            lk_mat g = lk_mat_view(net->params.w + d->gamma, 1, d->out, d->out);
            key(k, sizeof k, prefix, "gamma", (long)l);
            s = lki_model_get_finite(m, k, 1, d->out, &g, err);
        }
    }
    return s;
}

lk_status lk_net_load(const lk_model *m, const char *prefix, lk_net *net, lk_error *err)
{
    char k[300], kt[300];
    size_t rows, cols;
    *net = (lk_net){ 0 };
    key(k, sizeof k, prefix, "arch.sizes", -1);
    lk_status s = lk_model_get_shape(m, k, &rows, &cols, err);
    if (s != LK_OK)
        return s;
    size_t n = rows * cols;
    if (rows != 1 || n < 2 || n > NET_MAX_LAYERS + 1)
        return lki_model_bad(m, k, err, "expected 1 x 2 to 1 x %d layer widths, found %zu x %zu",
                             NET_MAX_LAYERS + 1, rows, cols);
    size_t L = n - 1;
    double *sizes = malloc(n * sizeof *sizes), *tied = malloc(L * sizeof *tied);
    if (!sizes || !tied) {
        free(sizes);
        free(tied);
        return lk_error_set(err, LK_ENOMEM, lk_model_source(m), k, "out of memory");
    }
    if ((s = get_counts(m, k, n, 1, (double)NET_MAX_WIDTH, sizes, err)) != LK_OK)
        goto fail;
    key(kt, sizeof kt, prefix, "arch.tied", -1);
    if (lk_model_has(m, kt)) {
        if ((s = get_counts(m, kt, L, -1, (double)L, tied, err)) != LK_OK)
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
        s = lki_model_bad(m, k, err, "expected %zu activation names, one per layer, found %zu",
                          L, n_acts);
        goto fail;
    }
    lk_net_begin(net, (size_t)sizes[0]);
    for (size_t l = 0; l < L; l++) {
        lk_act act;
        lk_error e;
        if (lk_act_parse(acts[l], &act, NULL, &e) != LK_OK) {
            s = lki_model_bad(m, k, err, "layer %zu: %s", l + 1, e.text);
            goto fail;
        }
        if (tied[l] >= 0) {
            size_t t = (size_t)tied[l];
            if (t >= l || net->layers[t].tied || (size_t)sizes[l + 1] != net->layers[t].in ||
                net->layers[t].out != net->sizes[l]) {
                s = lki_model_bad(m, kt, err, "layer %zu cannot be tied to layer %zu", l + 1,
                                  t + 1);
                goto fail;
            }
            s = lk_net_add_tied(net, t, act, err);
        } else {
            s = lk_net_add(net, (size_t)sizes[l + 1], act, err);
        }
        if (s != LK_OK)
            goto fail;
    }
    if ((s = check_arrays(net, m, prefix, err)) != LK_OK ||
        (s = lk_net_finish(net, err)) != LK_OK || (s = read_arrays(net, m, prefix, err)) != LK_OK)
        goto fail;
    /* Batch-norm statistics and the like (net_extra.h), then every
     * parameter finite, whatever part of the file it came from. */
    if ((s = lki_net_load_extra(net, m, prefix, err)) != LK_OK)
        goto fail;
    if (!lk_mat_all_finite(&(lk_mat){ 1, net->params.n, net->params.n, net->params.w, 0 })) {
        s = lki_model_bad(m, "parameters", err, "hold NaN or infinite values");
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
