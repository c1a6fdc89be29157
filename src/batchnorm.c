/* batchnorm.c — batch normalization of a layer's pre-activations, and the
 * per-layer extras (batch norm, dropout) of a network: planning, the
 * training and inference transforms, the backward pass, saving and
 * loading.  Column statistics are GEMVs against a vector of ones; the
 * elementwise steps run row by row over contiguous rows. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <learnkit/net.h>
#include <learnkit/blas.h>
#include "net_extra.h"

/* ---------------------------------------------------------------- planning */

lk_status lki_net_extra_grow(lk_net *net, size_t cap)
{
    if (!net->extra)
        return LK_OK;
    lk_net_extra *e = realloc(net->extra, cap * sizeof *e);
    if (!e)
        return LK_ENOMEM;
    for (size_t l = net->n_layers; l < cap; l++)
        e[l] = (lk_net_extra){ .bn_scale = LK_NO_OFFSET, .bn_shift = LK_NO_OFFSET };
    net->extra = e;
    return LK_OK;
}

static lk_status need_extra(lk_net *net, lk_error *err)
{
    if (net->extra)
        return LK_OK;
    size_t cap = net->cap > net->n_layers ? net->cap : net->n_layers;
    net->extra = malloc((cap ? cap : 1) * sizeof *net->extra);
    if (!net->extra)
        return lk_error_set(err, LK_ENOMEM, "network", NULL, "out of memory");
    for (size_t l = 0; l < cap; l++)
        net->extra[l] = (lk_net_extra){ .bn_scale = LK_NO_OFFSET, .bn_shift = LK_NO_OFFSET };
    return LK_OK;
}

const lk_net_extra *lki_bn_of(const lk_net *net, size_t l)
{
    return net->extra && net->extra[l].bn_scale != LK_NO_OFFSET ? &net->extra[l] : NULL;
}

double lki_dropout_of(const lk_net *net, size_t l)
{
    return net->extra ? net->extra[l].dropout : 0;
}

int lk_net_has_batchnorm(const lk_net *net, size_t l)
{
    return l < net->n_layers && lki_bn_of(net, l) != NULL;
}

void lki_bn_reset(lk_net *net)
{
    for (size_t l = 0; l < net->n_layers && net->params.w; l++) {
        const lk_net_extra *e = lki_bn_of(net, l);
        if (!e)
            continue;
        size_t out = net->layers[l].out;
        for (size_t j = 0; j < out; j++) {
            net->params.w[e->bn_scale + j] = 1;
            net->params.w[e->bn_shift + j] = 0;
            if (net->bn_stats) {
                net->bn_stats[e->bn_stat + j] = 0;
                net->bn_stats[e->bn_stat + out + j] = 1;
            }
        }
    }
}

lk_status lk_net_add_batchnorm(lk_net *net, size_t l, lk_error *err)
{
    if (l >= net->n_layers || net->layers[l].tied || net->layers[l].act.kind == LK_ACT_SOFTMAX ||
        lk_net_has_batchnorm(net, l))
        return lk_error_set(err, LK_EINVAL, "network", NULL,
                            "layer %zu cannot take batch normalization (missing, tied, softmax "
                            "or normalized already)", l + 1);
    lk_status s = need_extra(net, err);
    if (s != LK_OK)
        return s;
    size_t out = net->layers[l].out, n = net->n_params;
    size_t scale = lk_params_reserve(&n, 1, out), shift = lk_params_reserve(&n, 1, out);
    lk_real *stats = realloc(net->bn_stats, (net->n_bn_stats + 2 * out) * sizeof *stats);
    if (!stats)
        return lk_error_set(err, LK_ENOMEM, "network", NULL, "out of memory");
    net->bn_stats = stats;
    if (net->params.w) {
        /* A finished network: a larger arena, the old values copied; the
         * new blocks come after every existing offset. */
        lk_params p;
        if ((s = lk_params_alloc(&p, n, err)) != LK_OK)
            return s;
        memcpy(p.w, net->params.w, net->params.n * sizeof *p.w);
        lk_params_free(&net->params);
        net->params = p;
    }
    net->n_params = n;
    net->extra[l].bn_scale = scale;
    net->extra[l].bn_shift = shift;
    net->extra[l].bn_stat = net->n_bn_stats;
    net->n_bn_stats += 2 * out;
    for (size_t j = 0; j < out; j++) {
        stats[net->extra[l].bn_stat + j] = 0;
        stats[net->extra[l].bn_stat + out + j] = 1;
        if (net->params.w) {
            net->params.w[scale + j] = 1;
            net->params.w[shift + j] = 0;
        }
    }
    return LK_OK;
}

lk_status lk_net_set_dropout(lk_net *net, size_t l, double p, lk_error *err)
{
    if (l + 1 >= net->n_layers || !(p >= 0 && p < 1))
        return lk_error_set(err, LK_EINVAL, "network", NULL,
                            "dropout needs a hidden layer (%zu of %zu) and a probability in "
                            "[0, 1) (got %g)", l + 1, net->n_layers, p);
    if (p == 0 && !net->extra)
        return LK_OK;
    lk_status s = need_extra(net, err);
    if (s == LK_OK)
        net->extra[l].dropout = p;
    return s;
}

int lki_has_penalty(const lk_net *net, size_t l)
{
    return net->extra && (net->extra[l].beta > 0 || net->extra[l].contractive > 0);
}

lk_status lk_net_set_penalty(lk_net *net, size_t l, double rho, double beta, double lambda,
                             lk_error *err)
{
    if (l + 1 >= net->n_layers || net->layers[l].tied ||
        net->layers[l].act.kind != LK_ACT_SIGMOID)
        return lk_error_set(err, LK_EINVAL, "network", NULL,
                            "sparsity and contractive penalties need a sigmoid hidden layer "
                            "(layer %zu of %zu is not one)", l + 1, net->n_layers);
    if (!(beta >= 0) || !isfinite(beta) || !(lambda >= 0) || !isfinite(lambda) ||
        (beta > 0 && !(rho > 0 && rho < 1)))
        return lk_error_set(err, LK_EINVAL, "network", NULL,
                            "the sparsity target must be in (0, 1) and the penalty weights "
                            "finite numbers >= 0");
    if (beta == 0 && lambda == 0 && !net->extra)
        return LK_OK;
    lk_status s = need_extra(net, err);
    if (s == LK_OK) {
        net->extra[l].rho = rho;
        net->extra[l].beta = beta;
        net->extra[l].contractive = lambda;
    }
    return s;
}

double lki_penalty(lk_net *net, size_t l, const lk_mat *a, lk_mat *da, lk_mat *scratch)
{
    const lk_net_extra *e = &net->extra[l];
    double v = 0;
    if (e->beta > 0)
        v += lk_sparsity_penalty(e->rho, e->beta, a, da, scratch->data);
    if (e->contractive > 0) {
        lk_mat w = lk_dense_w(&net->layers[l], &net->params);
        lk_mat gw = lk_dense_gw(&net->layers[l], &net->params);
        v += lk_contractive_penalty(e->contractive, a, &w, da, &gw, scratch->data);
    }
    return v;
}

/* ---------------------------------------------------------------- transforms */

void lki_bn_forward_train(const lk_real *scale, const lk_real *shift, lk_mat *z, lk_mat *xhat,
                          lk_mat *bnv, const lk_real *ones, lk_real *stats)
{
    size_t B = z->rows, n = z->cols;
    lk_real *mean = lk_mat_row(bnv, 0), *istd = lk_mat_row(bnv, 1);
    lk_col_sums(z, ones, 0, mean);
    lk_scal(n, (lk_real)(1.0 / (double)B), mean);
    for (size_t j = 0; j < n; j++)
        istd[j] = 0;
    for (size_t i = 0; i < B; i++) {
        const lk_real *zr = lk_mat_row(z, i);
        lk_real *xr = lk_mat_row(xhat, i);
        for (size_t j = 0; j < n; j++) {
            xr[j] = zr[j] - mean[j];
            istd[j] += xr[j] * xr[j];
        }
    }
    for (size_t j = 0; j < n; j++) {
        double var = (double)istd[j] / (double)B;
        if (stats) {
            double unbiased = B > 1 ? var * (double)B / (double)(B - 1) : var;
            stats[j] = (lk_real)((1 - LK_BN_MOMENTUM) * stats[j] + LK_BN_MOMENTUM * mean[j]);
            stats[n + j] = (lk_real)((1 - LK_BN_MOMENTUM) * stats[n + j] +
                                     LK_BN_MOMENTUM * unbiased);
        }
        istd[j] = (lk_real)(1.0 / sqrt(var + LK_BN_EPS));
    }
    for (size_t i = 0; i < B; i++) {
        lk_real *zr = lk_mat_row(z, i), *xr = lk_mat_row(xhat, i);
        for (size_t j = 0; j < n; j++) {
            xr[j] *= istd[j];
            zr[j] = scale[j] * xr[j] + shift[j];
        }
    }
}

void lki_bn_forward_infer(const lk_real *scale, const lk_real *shift, const lk_real *stats,
                          lk_mat *z)
{
    size_t n = z->cols;
    for (size_t i = 0; i < z->rows; i++) {
        lk_real *zr = lk_mat_row(z, i);
        for (size_t j = 0; j < n; j++)
            zr[j] = scale[j] * (zr[j] - stats[j]) / (lk_real)sqrt((double)stats[n + j] + LK_BN_EPS) +
                    shift[j];
    }
}

/* With g = d loss / d y:  d shift = sum_i g,  d scale = sum_i g xhat,
 * d z = scale / std (g - mean_i g - xhat mean_i (g xhat)). */
void lki_bn_backward(const lk_real *scale, const lk_mat *xhat, lk_mat *bnv, lk_mat *dy,
                     const lk_real *ones, lk_real *gscale, lk_real *gshift)
{
    size_t B = dy->rows, n = dy->cols;
    lk_real *sum_g = lk_mat_row(bnv, 0), *istd = lk_mat_row(bnv, 1), *sum_gx = lk_mat_row(bnv, 2);
    lk_col_sums(dy, ones, 0, sum_g);
    for (size_t j = 0; j < n; j++)
        sum_gx[j] = 0;
    for (size_t i = 0; i < B; i++) {
        const lk_real *gr = lk_mat_row(dy, i), *xr = lk_mat_row(xhat, i);
        for (size_t j = 0; j < n; j++)
            sum_gx[j] += gr[j] * xr[j];
    }
    lk_axpy(n, 1, sum_g, gshift);
    lk_axpy(n, 1, sum_gx, gscale);
    const lk_real inv_b = (lk_real)(1.0 / (double)B);
    for (size_t i = 0; i < B; i++) {
        lk_real *gr = lk_mat_row(dy, i);
        const lk_real *xr = lk_mat_row(xhat, i);
        for (size_t j = 0; j < n; j++)
            gr[j] = scale[j] * istd[j] * (gr[j] - inv_b * (sum_g[j] + xr[j] * sum_gx[j]));
    }
}

/* ---------------------------------------------------------------- files */

static void key(char *buf, size_t n, const char *prefix, const char *name, size_t l)
{
    snprintf(buf, n, "%sbn.%s.%zu", prefix, name, l);
}

lk_status lki_net_save_extra(const lk_net *net, lk_model *m, const char *prefix, lk_error *err)
{
    size_t L = net->n_layers, any = 0;
    for (size_t l = 0; l < L; l++)
        any += lk_net_has_batchnorm(net, l);
    if (!any)
        return LK_OK;
    double *flag = malloc(L * sizeof *flag);
    if (!flag)
        return lk_error_set(err, LK_ENOMEM, "model", NULL, "out of memory");
    for (size_t l = 0; l < L; l++)
        flag[l] = lk_net_has_batchnorm(net, l);
    char k[300];
    snprintf(k, sizeof k, "%sarch.batchnorm", prefix);
    lk_status s = lk_model_put_dvec(m, k, L, flag, err);
    free(flag);
    for (size_t l = 0; l < L && s == LK_OK; l++) {
        const lk_net_extra *e = lki_bn_of(net, l);
        if (!e)
            continue;
        size_t out = net->layers[l].out;
        key(k, sizeof k, prefix, "scale", l);
        if ((s = lk_model_put_vec(m, k, out, net->params.w + e->bn_scale, err)) != LK_OK)
            break;
        key(k, sizeof k, prefix, "shift", l);
        if ((s = lk_model_put_vec(m, k, out, net->params.w + e->bn_shift, err)) != LK_OK)
            break;
        key(k, sizeof k, prefix, "mean", l);
        if ((s = lk_model_put_vec(m, k, out, net->bn_stats + e->bn_stat, err)) != LK_OK)
            break;
        key(k, sizeof k, prefix, "var", l);
        s = lk_model_put_vec(m, k, out, net->bn_stats + e->bn_stat + out, err);
    }
    return s;
}

static lk_status bad(const lk_model *m, const char *k, const char *what, lk_error *err)
{
    return lk_error_set(err, LK_EFORMAT, lk_model_kind(m), k, "%s", what);
}

/* One vector of out values into dst, every value finite and, for var,
 * positive. */
static lk_status get_vec(const lk_model *m, const char *k, size_t out, lk_real *dst, int positive,
                         lk_error *err)
{
    size_t rows, cols;
    lk_status s = lk_model_get_shape(m, k, &rows, &cols, err);
    if (s != LK_OK)
        return s;
    if (rows != 1 || cols != out)
        return bad(m, k, "has the wrong shape for its layer", err);
    lk_mat v = lk_mat_view(dst, 1, out, out);
    if ((s = lk_model_get_mat(m, k, 1, out, &v, err)) != LK_OK)
        return s;
    for (size_t j = 0; j < out; j++)
        if (!isfinite(dst[j]) || (positive && !(dst[j] > 0)))
            return bad(m, k, positive ? "holds a variance that is not a positive number"
                                      : "holds NaN or infinite values", err);
    return LK_OK;
}

lk_status lki_net_load_extra(lk_net *net, const lk_model *m, const char *prefix, lk_error *err)
{
    char k[300], arch[300];
    size_t L = net->n_layers, rows, cols;
    snprintf(arch, sizeof arch, "%sarch.batchnorm", prefix);
    snprintf(k, sizeof k, "%s", arch);
    if (!lk_model_has(m, k)) {
        snprintf(k, sizeof k, "%sbn.scale.0", prefix);
        return lk_model_has(m, k) ? bad(m, k, "batch-norm values without arch.batchnorm", err)
                                  : LK_OK;
    }
    lk_status s = lk_model_get_shape(m, k, &rows, &cols, err);
    if (s != LK_OK)
        return s;
    if (rows * cols != L)
        return bad(m, k, "must hold one 0 or 1 per layer", err);
    double *flag = malloc(L * sizeof *flag);
    if (!flag)
        return lk_error_set(err, LK_ENOMEM, "model", NULL, "out of memory");
    if ((s = lk_model_get_dvec(m, k, L, flag, err)) != LK_OK)
        goto done;
    for (size_t l = 0; l < L; l++)
        if (flag[l] != 0 && flag[l] != 1) {
            s = bad(m, k, "must hold one 0 or 1 per layer", err);
            goto done;
        }
    for (size_t l = 0; l < L; l++) {
        if (flag[l] == 0)
            continue;
        /* The checks of lk_net_add_batchnorm, reported against the file. */
        const lk_dense *d = &net->layers[l];
        if (d->tied || d->act.kind == LK_ACT_SOFTMAX) {
            s = bad(m, arch, "normalizes a tied or softmax layer", err);
            goto done;
        }
        if ((s = lk_net_add_batchnorm(net, l, err)) != LK_OK)
            goto done;
        const lk_net_extra *e = lki_bn_of(net, l);
        size_t out = d->out;
        key(k, sizeof k, prefix, "scale", l);
        if ((s = get_vec(m, k, out, net->params.w + e->bn_scale, 0, err)) != LK_OK)
            goto done;
        key(k, sizeof k, prefix, "shift", l);
        if ((s = get_vec(m, k, out, net->params.w + e->bn_shift, 0, err)) != LK_OK)
            goto done;
        key(k, sizeof k, prefix, "mean", l);
        if ((s = get_vec(m, k, out, net->bn_stats + e->bn_stat, 0, err)) != LK_OK)
            goto done;
        key(k, sizeof k, prefix, "var", l);
        if ((s = get_vec(m, k, out, net->bn_stats + e->bn_stat + out, 1, err)) != LK_OK)
            goto done;
    }
done:
    free(flag);
    return s;
}
