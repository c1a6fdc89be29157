/* activation.c — one descriptor table of activations, forward and backward
 * over whole blocks. */
#include <stdio.h>
#include <string.h>
#include <learnkit/activation.h>
#include <learnkit/names.h>
#include "rmath.h"
#include "vecmath.h"

typedef void (*forward_fn)(const lk_act *act, const lk_mat *z, lk_mat *a, const lk_real *gamma);
typedef void (*backward_fn)(const lk_act *act, const lk_mat *z, const lk_mat *a,
                            const lk_mat *da, lk_mat *dz, const lk_real *gamma,
                            lk_real *dgamma);

typedef struct act_desc {
    const char *name;
    const char *hint;    /* how its parameter is written, in the list of names */
    int has_gamma;       /* accepts ":gamma" */
    double default_gamma;
    int relu_like;
    forward_fn forward;
    backward_fn backward;
} act_desc;

/* Elementwise kernels are written once over (i, j) with the row pointers, so
 * any ld works and the inner loop vectorizes. */
#define EACH(z, body)                                                          \
    for (size_t i = 0; i < (z)->rows; i++) {                                   \
        const lk_real *zr __attribute__((unused)) = lk_mat_row(z, i);          \
        lk_real *ar = lk_mat_row(a, i);                                        \
        for (size_t j = 0; j < (z)->cols; j++) { body; }                       \
    }

#define EACH_BACK(z, body)                                                     \
    for (size_t i = 0; i < (z)->rows; i++) {                                   \
        const lk_real *zr __attribute__((unused)) = lk_mat_row(z, i);          \
        const lk_real *ar __attribute__((unused)) = lk_mat_row(a, i);          \
        const lk_real *dar = lk_mat_row(da, i);                                \
        lk_real *dzr = lk_mat_row(dz, i);                                      \
        for (size_t j = 0; j < (z)->cols; j++) { body; }                       \
    }

/* sigmoid(z) without overflow: exp of a non-positive number only.  One
 * exp and a select rather than two branches: the sign of z is random on
 * real data, and a mispredicted branch per element cost 3x the time. */
static inline lk_real sigmoid1(lk_real z)
{
    lk_real e = R_EXP(-R_FABS(z));
    lk_real r = 1 / (1 + e);
    return z >= 0 ? r : e * r;
}

LK_VEC_CLONES
static void identity_fwd(const lk_act *act, const lk_mat *z, lk_mat *a, const lk_real *g)
{
    (void)act; (void)g;
    EACH(z, ar[j] = zr[j])
}
LK_VEC_CLONES
static void identity_bwd(const lk_act *act, const lk_mat *z, const lk_mat *a, const lk_mat *da,
                         lk_mat *dz, const lk_real *g, lk_real *dg)
{
    (void)act; (void)g; (void)dg;
    EACH_BACK(z, dzr[j] = dar[j])
}

LK_VEC_CLONES
static void sigmoid_fwd(const lk_act *act, const lk_mat *z, lk_mat *a, const lk_real *g)
{
    (void)act; (void)g;
    EACH(z, ar[j] = sigmoid1(zr[j]))
}
LK_VEC_CLONES
static void sigmoid_bwd(const lk_act *act, const lk_mat *z, const lk_mat *a, const lk_mat *da,
                        lk_mat *dz, const lk_real *g, lk_real *dg)
{
    (void)act; (void)g; (void)dg;
    EACH_BACK(z, dzr[j] = dar[j] * ar[j] * (1 - ar[j]))
}

LK_VEC_CLONES
static void tanh_fwd(const lk_act *act, const lk_mat *z, lk_mat *a, const lk_real *g)
{
    (void)act; (void)g;
    EACH(z, ar[j] = R_TANH(zr[j]))
}
LK_VEC_CLONES
static void tanh_bwd(const lk_act *act, const lk_mat *z, const lk_mat *a, const lk_mat *da,
                     lk_mat *dz, const lk_real *g, lk_real *dg)
{
    (void)act; (void)g; (void)dg;
    EACH_BACK(z, dzr[j] = dar[j] * (1 - ar[j] * ar[j]))
}

LK_VEC_CLONES
static void relu_fwd(const lk_act *act, const lk_mat *z, lk_mat *a, const lk_real *g)
{
    (void)act; (void)g;
    EACH(z, ar[j] = zr[j] > 0 ? zr[j] : 0)
}
LK_VEC_CLONES
static void relu_bwd(const lk_act *act, const lk_mat *z, const lk_mat *a, const lk_mat *da,
                     lk_mat *dz, const lk_real *g, lk_real *dg)
{
    (void)act; (void)g; (void)dg;
    EACH_BACK(z, dzr[j] = zr[j] > 0 ? dar[j] : 0)
}

LK_VEC_CLONES
static void leaky_fwd(const lk_act *act, const lk_mat *z, lk_mat *a, const lk_real *g)
{
    (void)g;
    const lk_real s = (lk_real)act->gamma;
    EACH(z, ar[j] = zr[j] > 0 ? zr[j] : s * zr[j])
}
LK_VEC_CLONES
static void leaky_bwd(const lk_act *act, const lk_mat *z, const lk_mat *a, const lk_mat *da,
                      lk_mat *dz, const lk_real *g, lk_real *dg)
{
    (void)g; (void)dg;
    const lk_real s = (lk_real)act->gamma;
    EACH_BACK(z, dzr[j] = zr[j] > 0 ? dar[j] : s * dar[j])
}

LK_VEC_CLONES
static void prelu_fwd(const lk_act *act, const lk_mat *z, lk_mat *a, const lk_real *g)
{
    (void)act;
    EACH(z, ar[j] = zr[j] > 0 ? zr[j] : g[j] * zr[j])
}
LK_VEC_CLONES
static void prelu_bwd(const lk_act *act, const lk_mat *z, const lk_mat *a, const lk_mat *da,
                      lk_mat *dz, const lk_real *g, lk_real *dg)
{
    (void)act; (void)a;
    /* d/dgamma_j of gamma_j * min(z, 0) is min(z, 0); summed over the batch. */
    for (size_t i = 0; i < z->rows; i++) {
        const lk_real *zr = lk_mat_row(z, i), *dar = lk_mat_row(da, i);
        lk_real *dzr = lk_mat_row(dz, i);
        for (size_t j = 0; j < z->cols; j++) {
            lk_real zz = zr[j], d = dar[j];
            if (dg && zz < 0)
                dg[j] += d * zz;
            dzr[j] = zz > 0 ? d : g[j] * d;
        }
    }
}

LK_VEC_CLONES
static void elu_fwd(const lk_act *act, const lk_mat *z, lk_mat *a, const lk_real *g)
{
    (void)g;
    const lk_real s = (lk_real)act->gamma;
    /* expm1 keeps precision near 0; for z < 0 it never overflows. */
    EACH(z, ar[j] = zr[j] > 0 ? zr[j] : s * (lk_real)expm1((double)zr[j]))
}
LK_VEC_CLONES
static void elu_bwd(const lk_act *act, const lk_mat *z, const lk_mat *a, const lk_mat *da,
                    lk_mat *dz, const lk_real *g, lk_real *dg)
{
    (void)g; (void)dg;
    const lk_real s = (lk_real)act->gamma;
    EACH_BACK(z, dzr[j] = zr[j] > 0 ? dar[j] : dar[j] * s * R_EXP(zr[j]))
}

LK_VEC_CLONES
static void softplus_fwd(const lk_act *act, const lk_mat *z, lk_mat *a, const lk_real *g)
{
    (void)act; (void)g;
    /* log(1 + e^z) = max(z, 0) + log1p(e^-|z|): no overflow for any z. */
    EACH(z, ar[j] = (zr[j] > 0 ? zr[j] : 0) + R_LOG1P(R_EXP(-R_FABS(zr[j]))))
}
LK_VEC_CLONES
static void softplus_bwd(const lk_act *act, const lk_mat *z, const lk_mat *a, const lk_mat *da,
                         lk_mat *dz, const lk_real *g, lk_real *dg)
{
    (void)act; (void)g; (void)dg;
    EACH_BACK(z, dzr[j] = dar[j] * sigmoid1(zr[j]))
}

LK_VEC_CLONES
static void softmax_fwd(const lk_act *act, const lk_mat *z, lk_mat *a, const lk_real *g)
{
    (void)act; (void)g;
    for (size_t i = 0; i < z->rows; i++) {
        const lk_real *zr = lk_mat_row(z, i);
        lk_real *ar = lk_mat_row(a, i);
        lk_real mx = zr[0];
        for (size_t j = 1; j < z->cols; j++)
            mx = zr[j] > mx ? zr[j] : mx;
        lk_real sum = 0;
        for (size_t j = 0; j < z->cols; j++) {
            ar[j] = R_EXP(zr[j] - mx);
            sum += ar[j];
        }
        lk_real inv = 1 / sum;
        for (size_t j = 0; j < z->cols; j++)
            ar[j] *= inv;
    }
}
LK_VEC_CLONES
static void softmax_bwd(const lk_act *act, const lk_mat *z, const lk_mat *a, const lk_mat *da,
                        lk_mat *dz, const lk_real *g, lk_real *dg)
{
    (void)act; (void)g; (void)dg;
    /* J^T da for J = diag(a) - a a^T: dz_j = a_j (da_j - sum_k da_k a_k). */
    for (size_t i = 0; i < z->rows; i++) {
        const lk_real *ar = lk_mat_row(a, i), *dar = lk_mat_row(da, i);
        lk_real *dzr = lk_mat_row(dz, i);
        double s = 0;
        for (size_t j = 0; j < z->cols; j++)
            s += (double)dar[j] * ar[j];
        for (size_t j = 0; j < z->cols; j++)
            dzr[j] = ar[j] * (dar[j] - (lk_real)s);
    }
}

static const act_desc ACTS[LK_ACT_COUNT] = {
    [LK_ACT_IDENTITY] = { "identity", NULL, 0, 0, 0, identity_fwd, identity_bwd },
    [LK_ACT_SIGMOID] = { "sigmoid", NULL, 0, 0, 0, sigmoid_fwd, sigmoid_bwd },
    [LK_ACT_TANH] = { "tanh", NULL, 0, 0, 0, tanh_fwd, tanh_bwd },
    [LK_ACT_RELU] = { "relu", NULL, 0, 0, 1, relu_fwd, relu_bwd },
    [LK_ACT_LEAKYRELU] = { "leakyrelu", "[:g]", 1, 0.01, 1, leaky_fwd, leaky_bwd },
    [LK_ACT_PRELU] = { "prelu", "[:g0]", 1, 0.25, 1, prelu_fwd, prelu_bwd },
    [LK_ACT_ELU] = { "elu", "[:g]", 1, 1.0, 1, elu_fwd, elu_bwd },
    [LK_ACT_SOFTPLUS] = { "softplus", NULL, 0, 0, 0, softplus_fwd, softplus_bwd },
    [LK_ACT_SOFTMAX] = { "softmax", NULL, 0, 0, 0, softmax_fwd, softmax_bwd },
};

const char *lk_act_name(lk_act_kind kind)
{
    return (unsigned)kind < LK_ACT_COUNT ? ACTS[kind].name : NULL;
}

lk_act lk_act_default(lk_act_kind kind)
{
    return (lk_act){ .kind = kind,
                     .gamma = (unsigned)kind < LK_ACT_COUNT ? ACTS[kind].default_gamma : 0 };
}

int lk_act_has_params(lk_act_kind kind) { return kind == LK_ACT_PRELU; }

int lk_act_is_relu_like(lk_act_kind kind)
{
    return (unsigned)kind < LK_ACT_COUNT && ACTS[kind].relu_like;
}

lk_status lk_act_parse(const char *text, lk_act *out, const char *source, lk_error *err)
{
    char name[32];
    const char *colon = strchr(text, ':');
    size_t len = colon ? (size_t)(colon - text) : strlen(text);
    if (len >= sizeof name)
        len = sizeof name - 1;
    memcpy(name, text, len);
    name[len] = '\0';
    lk_names t = { "activation", &ACTS[0].name, sizeof ACTS[0], LK_ACT_COUNT, &ACTS[0].hint };
    int k;
    lk_status s = lk_names_find(&t, name, source, &k, err);
    if (s != LK_OK)
        return s;
    lk_act act = lk_act_default((lk_act_kind)k);
    if (colon) {
        if (!ACTS[k].has_gamma)
            return lk_error_set(err, LK_EINVAL, source, NULL,
                                "activation '%s' takes no parameter (got '%s')", name, text);
        double g;
        if (!lki_parse_double(colon + 1, &g))
            return lk_error_set(err, LK_EINVAL, source, NULL,
                                "'%s' is not a number in activation '%s'", colon + 1, text);
        act.gamma = g;
    }
    *out = act;
    return LK_OK;
}

char *lk_act_format(const lk_act *act, char *buf, size_t n)
{
    const char *name = lk_act_name(act->kind);
    if (!name)
        name = "?";
    if (ACTS[act->kind].has_gamma) {
        /* The shortest text that reads back as the same double. */
        for (int digits = 6; digits <= 17; digits++) {
            snprintf(buf, n, "%s:%.*g", name, digits, act->gamma);
            double back;
            if (lki_parse_double(strchr(buf, ':') + 1, &back) && back == act->gamma)
                break;
        }
    }
    else
        snprintf(buf, n, "%s", name);
    return buf;
}

void lk_act_forward(const lk_act *act, const lk_mat *z, lk_mat *a, const lk_real *gamma)
{
    ACTS[act->kind].forward(act, z, a, gamma);
}

void lk_act_backward(const lk_act *act, const lk_mat *z, const lk_mat *a, const lk_mat *da,
                     lk_mat *dz, const lk_real *gamma, lk_real *dgamma)
{
    ACTS[act->kind].backward(act, z, a, da, dz, gamma, dgamma);
}
