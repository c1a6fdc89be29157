/* dense.c — the fully connected layer as three row-major GEMMs. */
#include <math.h>
#include <string.h>
#include <gsl/gsl_randist.h>
#include <learnkit/dense.h>
#include <learnkit/names.h>
#include <learnkit/blas.h>

static const char *const INIT_NAMES[LK_INIT_COUNT] = {
    [LK_INIT_AUTO] = "auto",
    [LK_INIT_HE] = "he",
    [LK_INIT_HE_UNIFORM] = "he-uniform",
    [LK_INIT_GLOROT] = "glorot",
    [LK_INIT_GLOROT_NORMAL] = "glorot-normal",
    [LK_INIT_LECUN] = "lecun",
};

const char *lk_init_name(lk_init_kind kind)
{
    return (unsigned)kind < LK_INIT_COUNT ? INIT_NAMES[kind] : NULL;
}

lk_status lk_init_parse(const char *text, lk_init_kind *out, const char *source, lk_error *err)
{
    lk_names t = LK_NAMES_ARRAY("initialization", INIT_NAMES);
    int k;
    lk_status s = lk_names_find(&t, text, source, &k, err);
    if (s == LK_OK)
        *out = (lk_init_kind)k;
    return s;
}

void lk_dense_plan(lk_dense *l, size_t *n, size_t in, size_t out, lk_act act)
{
    *l = (lk_dense){ .in = in, .out = out, .act = act, .gamma = LK_NO_OFFSET };
    l->w = lk_params_reserve(n, out, in);
    l->b = lk_params_reserve(n, 1, out);
    if (lk_act_has_params(act.kind))
        l->gamma = lk_params_reserve(n, 1, out);
}

void lk_dense_plan_tied(lk_dense *l, size_t *n, const lk_dense *enc, lk_act act)
{
    *l = (lk_dense){ .in = enc->out, .out = enc->in, .act = act, .w = enc->w,
                     .gamma = LK_NO_OFFSET, .tied = 1 };
    l->b = lk_params_reserve(n, 1, l->out);
    if (lk_act_has_params(act.kind))
        l->gamma = lk_params_reserve(n, 1, l->out);
}

lk_mat lk_dense_w(const lk_dense *l, const lk_params *p)
{
    return l->tied ? lk_params_w(p, l->w, l->in, l->out) : lk_params_w(p, l->w, l->out, l->in);
}

lk_mat lk_dense_gw(const lk_dense *l, const lk_params *p)
{
    return l->tied ? lk_params_g(p, l->w, l->in, l->out) : lk_params_g(p, l->w, l->out, l->in);
}

lk_real *lk_dense_b(const lk_dense *l, const lk_params *p) { return p->w + l->b; }
lk_real *lk_dense_gb(const lk_dense *l, const lk_params *p) { return p->g + l->b; }

const lk_real *lk_dense_gamma(const lk_dense *l, const lk_params *p)
{
    return l->gamma == LK_NO_OFFSET ? NULL : p->w + l->gamma;
}

void lk_dense_init(const lk_dense *l, lk_params *p, lk_init_kind kind, gsl_rng *rng)
{
    if (!l->tied) {
        if (kind == LK_INIT_AUTO)
            kind = lk_act_is_relu_like(l->act.kind) ? LK_INIT_HE : LK_INIT_GLOROT;
        double fan_in = (double)l->in, fan_sum = (double)(l->in + l->out);
        double sd = 0, lim = 0;
        switch (kind) {
        case LK_INIT_HE: sd = sqrt(2.0 / fan_in); break;
        case LK_INIT_HE_UNIFORM: lim = sqrt(6.0 / fan_in); break;
        case LK_INIT_GLOROT: lim = sqrt(6.0 / fan_sum); break;
        case LK_INIT_GLOROT_NORMAL: sd = sqrt(2.0 / fan_sum); break;
        case LK_INIT_LECUN: sd = sqrt(1.0 / fan_in); break;
        default: break;
        }
        lk_real *w = p->w + l->w;
        size_t n = l->in * l->out;
        for (size_t i = 0; i < n; i++)
            w[i] = (lk_real)(sd > 0 ? gsl_ran_gaussian_ziggurat(rng, sd)
                                    : gsl_ran_flat(rng, -lim, lim));
    }
    memset(p->w + l->b, 0, l->out * sizeof(lk_real));
    if (l->gamma != LK_NO_OFFSET)
        for (size_t j = 0; j < l->out; j++)
            p->w[l->gamma + j] = (lk_real)l->act.gamma;
}

lk_status lk_affine_forward(const lk_mat *x, const lk_mat *w, lk_trans tw, const lk_real *b,
                            const lk_act *act, const lk_real *gamma, lk_mat *z, lk_mat *a)
{
    if (z->rows != x->rows || a->rows != z->rows || a->cols != z->cols ||
        (tw == LK_TRANS ? w->rows : w->cols) != z->cols ||
        (tw == LK_TRANS ? w->cols : w->rows) != x->cols)
        return LK_EINVAL;
    for (size_t i = 0; b && i < z->rows; i++)
        memcpy(lk_mat_row(z, i), b, z->cols * sizeof(lk_real));
    lk_gemm(LK_NOTRANS, tw, 1, x, w, b ? 1 : 0, z);
    lk_act_forward(act, z, a, gamma);
    return LK_OK;
}

void lk_dense_forward(const lk_dense *l, const lk_params *p, const lk_mat *x, lk_mat *z,
                      lk_mat *a)
{
    lk_mat w = lk_dense_w(l, p);
    lk_affine_forward(x, &w, l->tied ? LK_NOTRANS : LK_TRANS, lk_dense_b(l, p), &l->act,
                      lk_dense_gamma(l, p), z, a);
}

void lk_dense_backward_act(const lk_dense *l, lk_params *p, const lk_mat *z, const lk_mat *a,
                           const lk_mat *da, lk_mat *dz)
{
    lk_real *dgamma = l->gamma == LK_NO_OFFSET ? NULL : p->g + l->gamma;
    lk_act_backward(&l->act, z, a, da, dz, lk_dense_gamma(l, p), dgamma);
}

void lk_dense_backward(const lk_dense *l, lk_params *p, const lk_mat *x, const lk_mat *dz,
                       lk_mat *dx, const lk_real *ones)
{
    lk_mat w = lk_dense_w(l, p), gw = lk_dense_gw(l, p);
    if (l->tied)
        lk_gemm(LK_TRANS, LK_NOTRANS, 1, x, dz, 1, &gw);   /* dW_enc += X^T dZ */
    else
        lk_gemm(LK_TRANS, LK_NOTRANS, 1, dz, x, 1, &gw);   /* dW += dZ^T X     */
    lk_col_sums(dz, ones, 1, lk_dense_gb(l, p));
    if (dx)
        lk_gemm(LK_NOTRANS, l->tied ? LK_TRANS : LK_NOTRANS, 1, dz, &w, 0, dx);
}
