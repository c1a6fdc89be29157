/* loss.c — one table of losses: mean value and gradient over a batch. */
#include <math.h>
#include <string.h>
#include <learnkit/loss.h>
#include <learnkit/blas.h>
#include <learnkit/names.h>
#include "rmath.h"

static const char *const LOSS_NAMES[LK_LOSS_COUNT] = {
    [LK_LOSS_MSE] = "mse",
    [LK_LOSS_BCE] = "bce",
    [LK_LOSS_SOFTMAX_CE] = "softmax-ce",
    [LK_LOSS_PERCEPTRON] = "perceptron",
};

const char *lk_loss_name(lk_loss_kind kind)
{
    return (unsigned)kind < LK_LOSS_COUNT ? LOSS_NAMES[kind] : NULL;
}

lk_status lk_loss_parse(const char *text, lk_loss_kind *out, const char *source, lk_error *err)
{
    lk_names t = LK_NAMES_ARRAY("loss", LOSS_NAMES);
    int k;
    lk_status s = lk_names_find(&t, text, source, &k, err);
    if (s == LK_OK)
        *out = (lk_loss_kind)k;
    return s;
}

const char *lk_loss_check(lk_loss_kind kind, const lk_act *out_act)
{
    if (lk_act_has_params(out_act->kind))
        return "an output layer cannot have learnable activation parameters (PReLU is for hidden layers)";
    switch (kind) {
    case LK_LOSS_MSE:
        return NULL;
    case LK_LOSS_BCE:
        return out_act->kind == LK_ACT_SIGMOID
                   ? NULL : "binary cross-entropy needs a sigmoid output layer";
    case LK_LOSS_SOFTMAX_CE:
        return out_act->kind == LK_ACT_SOFTMAX
                   ? NULL : "softmax cross-entropy needs a softmax output layer";
    case LK_LOSS_PERCEPTRON:
        return out_act->kind == LK_ACT_IDENTITY
                   ? NULL : "the perceptron criterion needs an identity output layer";
    default:
        return "unknown loss";
    }
}

size_t lk_argmax(const lk_real *v, size_t n)
{
    size_t best = 0;
    for (size_t j = 1; j < n; j++)
        if (v[j] > v[best])
            best = j;
    return best;
}

/* 1/2 ||a - y||^2; dA = (a - y) / rows, then through the activation. */
static double mse(const lk_act *act, const lk_mat *z, const lk_mat *a, const lk_mat *y,
                  lk_mat *dz, double inv_n)
{
    double total = 0;
    for (size_t i = 0; i < a->rows; i++) {
        const lk_real *ar = lk_mat_row(a, i), *yr = lk_mat_row(y, i);
        lk_real *dr = dz ? lk_mat_row(dz, i) : NULL;
        for (size_t j = 0; j < a->cols; j++) {
            lk_real d = ar[j] - yr[j];
            total += (double)d * d;
            if (dr)
                dr[j] = (lk_real)(d * inv_n);
        }
    }
    if (dz)
        lk_act_backward(act, z, a, dz, dz, NULL, NULL);
    return 0.5 * total * inv_n;
}

/* With a = sigmoid(z): -y log a - (1-y) log(1-a) = softplus(z) - y z, exact
 * for any z, and dZ = (a - y) / rows. */
static double bce(const lk_mat *z, const lk_mat *a, const lk_mat *y, lk_mat *dz, double inv_n)
{
    double total = 0;
    for (size_t i = 0; i < a->rows; i++) {
        const lk_real *zr = lk_mat_row(z, i), *ar = lk_mat_row(a, i), *yr = lk_mat_row(y, i);
        lk_real *dr = dz ? lk_mat_row(dz, i) : NULL;
        for (size_t j = 0; j < a->cols; j++) {
            double zz = zr[j];
            double sp = (zz > 0 ? zz : 0) + log1p(exp(-fabs(zz)));
            total += sp - (double)yr[j] * zz;
            if (dr)
                dr[j] = (lk_real)((ar[j] - yr[j]) * inv_n);
        }
    }
    return total * inv_n;
}

/* -sum y log softmax(z) = sum y (logsumexp(z) - z) by the row max;
 * dZ = (a sum(y) - y) / rows, which is the familiar (a - y) / rows for
 * one-hot or probability targets. */
static double softmax_ce(const lk_mat *z, const lk_mat *a, const lk_mat *y, lk_mat *dz,
                         double inv_n)
{
    double total = 0;
    for (size_t i = 0; i < z->rows; i++) {
        const lk_real *zr = lk_mat_row(z, i), *ar = lk_mat_row(a, i), *yr = lk_mat_row(y, i);
        double mx = zr[lk_argmax(zr, z->cols)];
        double s = 0;
        for (size_t j = 0; j < z->cols; j++)
            s += exp((double)zr[j] - mx);
        double lse = mx + log(s);
        lk_real *dr = dz ? lk_mat_row(dz, i) : NULL;
        double ysum = 0;
        for (size_t j = 0; j < z->cols; j++) {
            ysum += yr[j];
            if (yr[j] != 0)
                total += (double)yr[j] * (lse - zr[j]);
        }
        if (dr)
            for (size_t j = 0; j < z->cols; j++)
                dr[j] = (lk_real)((ar[j] * ysum - yr[j]) * inv_n);
    }
    return total * inv_n;
}

/* Multiclass: max_k z_k - z_c, gradient +1 at the (first) argmax and -1 at
 * the target when they differ.  One column: max(0, -t z), t = 2y - 1, with
 * the subgradient -t taken on the boundary t z = 0 so that a zero start
 * still moves (Rosenblatt's rule updates on t z <= 0). */
static double perceptron(const lk_mat *z, const lk_mat *y, lk_mat *dz, double inv_n)
{
    double total = 0;
    if (dz)
        lk_mat_fill(dz, 0);
    for (size_t i = 0; i < z->rows; i++) {
        const lk_real *zr = lk_mat_row(z, i), *yr = lk_mat_row(y, i);
        lk_real *dr = dz ? lk_mat_row(dz, i) : NULL;
        if (z->cols == 1) {
            double t = yr[0] >= 0.5 ? 1.0 : -1.0, m = t * zr[0];
            if (m <= 0) {
                total += -m;
                if (dr)
                    dr[0] = (lk_real)(-t * inv_n);
            }
            continue;
        }
        size_t m = lk_argmax(zr, z->cols), c = lk_argmax(yr, z->cols);
        if (m != c) {
            total += (double)zr[m] - zr[c];
            if (dr) {
                dr[m] += (lk_real)inv_n;
                dr[c] -= (lk_real)inv_n;
            }
        }
    }
    return total * inv_n;
}

double lk_loss_eval(lk_loss_kind kind, const lk_act *out_act, const lk_mat *z,
                    const lk_mat *a, const lk_mat *y, lk_mat *dz)
{
    if (z->rows == 0)
        return 0;
    double inv_n = 1.0 / (double)z->rows;
    switch (kind) {
    case LK_LOSS_MSE:
        return mse(out_act, z, a, y, dz, inv_n);
    case LK_LOSS_BCE:
        return bce(z, a, y, dz, inv_n);
    case LK_LOSS_SOFTMAX_CE:
        return softmax_ce(z, a, y, dz, inv_n);
    case LK_LOSS_PERCEPTRON:
        return perceptron(z, y, dz, inv_n);
    default:
        return NAN;
    }
}

size_t lk_loss_errors(const lk_mat *a, const lk_mat *y, lk_real threshold)
{
    size_t wrong = 0;
    for (size_t i = 0; i < a->rows; i++) {
        const lk_real *ar = lk_mat_row(a, i), *yr = lk_mat_row(y, i);
        if (a->cols == 1)
            wrong += (ar[0] >= threshold) != (yr[0] >= (lk_real)0.5);
        else
            wrong += lk_argmax(ar, a->cols) != lk_argmax(yr, a->cols);
    }
    return wrong;
}

double lk_l2_value(double lambda, size_t n, const lk_real *w)
{
    double s = 0;
    for (size_t i = 0; i < n; i++)
        s += (double)w[i] * w[i];
    return 0.5 * lambda * s;
}

void lk_l2_grad(double lambda, size_t n, const lk_real *w, lk_real *g)
{
    const lk_real l = (lk_real)lambda;
    for (size_t i = 0; i < n; i++)
        g[i] += l * w[i];
}

/* ---------------------------------------------------------------- hidden-layer penalties */

double lk_sparsity_penalty(double rho, double beta, const lk_mat *h, lk_mat *dh,
                           lk_real *scratch)
{
    size_t n = h->rows, k = h->cols;
    if (n == 0)
        return 0;
    lk_real *mean = scratch;
    for (size_t j = 0; j < k; j++)
        mean[j] = 0;
    for (size_t i = 0; i < n; i++) {
        const lk_real *hr = lk_mat_row(h, i);
        for (size_t j = 0; j < k; j++)
            mean[j] += hr[j];
    }
    double value = 0;
    for (size_t j = 0; j < k; j++) {
        double r = (double)mean[j] / (double)n;
        r = r < 1e-7 ? 1e-7 : r > 1 - 1e-7 ? 1 - 1e-7 : r;
        value += rho * log(rho / r) + (1 - rho) * log((1 - rho) / (1 - r));
        /* From here on, the per-unit gradient. */
        mean[j] = (lk_real)(beta / (double)n * (-rho / r + (1 - rho) / (1 - r)));
    }
    for (size_t i = 0; i < n; i++) {
        lk_real *dr = lk_mat_row(dh, i);
        for (size_t j = 0; j < k; j++)
            dr[j] += mean[j];
    }
    return beta * value;
}

double lk_contractive_penalty(double lambda, const lk_mat *h, const lk_mat *w, lk_mat *dh,
                              lk_mat *gw, lk_real *scratch)
{
    size_t n = h->rows, k = h->cols;
    if (n == 0)
        return 0;
    lk_real *s = scratch;   /* ||W_j||^2, then sum_i (h (1 - h))^2 */
    for (size_t j = 0; j < k; j++) {
        const lk_real *wr = lk_mat_row(w, j);
        double q = 0;
        for (size_t c = 0; c < w->cols; c++)
            q += (double)wr[c] * wr[c];
        s[j] = (lk_real)q;
    }
    lk_real *acc = scratch + k;   /* sum_i (h (1 - h))^2 per unit */
    for (size_t j = 0; j < k; j++)
        acc[j] = 0;
    const double f = lambda / (double)n;
    for (size_t i = 0; i < n; i++) {
        const lk_real *hr = lk_mat_row(h, i);
        lk_real *dr = lk_mat_row(dh, i);
        for (size_t j = 0; j < k; j++) {
            double d = (double)hr[j] * (1 - (double)hr[j]);
            acc[j] += (lk_real)(d * d);
            dr[j] += (lk_real)(f * 2 * s[j] * d * (1 - 2 * (double)hr[j]));
        }
    }
    double value = 0;
    for (size_t j = 0; j < k; j++) {
        value += (double)acc[j] * s[j];
        lk_axpy(w->cols, (lk_real)(2 * f * acc[j]), lk_mat_row(w, j), lk_mat_row(gw, j));
    }
    return f * value;
}
