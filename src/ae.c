/* Autoencoders: backprop ones are lk_nets (net.h); closed-form ones solve in
 * double with the BLAS/LAPACK wrappers of blas.c. */
#include <math.h>
#include <string.h>
#include <stdlib.h>
#include <gsl/gsl_randist.h>
#include <learnkit/ae.h>
#include <learnkit/error.h>
#include <learnkit/ridge.h>
#include <learnkit/rows.h>
#include "model_check.h"
#include "registry.h"
#include "net_impl.h"

void lk_ae_corrupt(lk_mat *xb, void *ctx, gsl_rng *rng)
{
    const lk_ae_noise *nz = ctx;
    if (nz->kind == LK_AE_NOISE_MASK) {
        /* Zero where a raw draw falls in the lowest fraction level of the
         * generator's range: for mt19937 the same decisions as
         * gsl_rng_uniform(rng) < level, without converting each draw and
         * with a select instead of a branch that mispredicts on every
         * masked value (the mask took 8% of a DAE epoch). */
        unsigned long lo = gsl_rng_min(rng);
        double span = (double)(gsl_rng_max(rng) - lo) + 1;
        unsigned long cut = (unsigned long)ceil(nz->level * span);
        for (size_t i = 0; i < xb->rows; i++) {
            lk_real *r = lk_mat_row(xb, i);
            for (size_t j = 0; j < xb->cols; j++)
                r[j] = gsl_rng_get(rng) - lo < cut ? 0 : r[j];
        }
    } else if (nz->kind == LK_AE_NOISE_GAUSS) {
        for (size_t i = 0; i < xb->rows; i++) {
            lk_real *r = lk_mat_row(xb, i);
            for (size_t j = 0; j < xb->cols; j++)
                r[j] += (lk_real)gsl_ran_gaussian_ziggurat(rng, nz->level);
        }
    }
}

/* The rules of one autoencoder's activations, shared by lk_ae_build and
 * the loader: NULL, or a sentence on what is wrong. */
static const char *layer_check(lk_act enc, lk_act dec, int tied)
{
    if (enc.kind >= LK_ACT_COUNT || dec.kind >= LK_ACT_COUNT)
        return "unknown activation";
    if (enc.kind == LK_ACT_SOFTMAX || dec.kind == LK_ACT_SOFTMAX)
        return "softmax couples the units; an autoencoder layer needs an elementwise activation";
    if (tied && lk_act_has_params(enc.kind))
        return "a tied decoder needs an encoder without PReLU slopes";
    return NULL;
}

lk_status lk_ae_build(lk_net *net, size_t n_in, size_t hidden, lk_act enc, lk_act dec,
                      int tied, lk_error *err)
{
    *net = (lk_net){ 0 };
    if (n_in == 0 || hidden == 0)
        return lk_error_set(err, LK_EINVAL, "ae", NULL, "sizes must be positive");
    const char *why = layer_check(enc, dec, tied);
    if (why)
        return lk_error_set(err, LK_EINVAL, "ae", "activation", "%s", why);
    lk_status s;
    lk_net_begin(net, n_in);
    if ((s = lk_net_add(net, hidden, enc, err)) != LK_OK)
        goto fail;
    s = tied ? lk_net_add_tied(net, 0, dec, err) : lk_net_add(net, n_in, dec, err);
    if (s != LK_OK || (s = lk_net_finish(net, err)) != LK_OK)
        goto fail;
    return LK_OK;
fail:
    lk_net_free(net);
    return s;
}

/* Rows of H computed and added to the ridge sums at a time: H is never
 * held whole.  The mDA sums its scatter in chunks of as many rows. */
#define AE_ELM_BLOCK 2048

/* Random weights with orthonormal rows (columns when hidden > d): the Q of
 * a gaussian matrix, Haar distributed.  a: hidden x d. */
static lk_status orthogonal_weights(size_t hidden, size_t d, gsl_rng *rng, lk_mat *a,
                                    lk_error *err)
{
    int rows = hidden <= d;    /* orthonormal rows: Q of the d x hidden transpose */
    size_t m = rows ? d : hidden, k = rows ? hidden : d;
    lk_matd q = { 0 };
    double *tau = malloc(2 * k * sizeof *tau);
    lk_status s = tau ? lk_matd_alloc(&q, m, k, err)
                      : lk_error_set(err, LK_ENOMEM, "ae", NULL, "out of memory");
    if (s == LK_OK) {
        for (size_t i = 0; i < m * k; i++)
            q.data[i] = gsl_ran_gaussian_ziggurat(rng, 1.0);
        s = lk_dqr_q(&q, tau, err);
    }
    for (size_t i = 0; s == LK_OK && i < hidden; i++)
        for (size_t j = 0; j < d; j++)
            LK_AT(a, i, j) = (lk_real)(rows ? q.data[j * q.ld + i] : q.data[i * q.ld + j]);
    lk_matd_free(&q);
    free(tau);
    return s;
}

/* One pass over src, its rows regrouped in chunks of buf->rows rows
 * (the last one shorter) whatever its blocks, each handed to fn.  The sums
 * are then taken in float within the same chunks (and shifted by the same
 * first chunk's means) however the source cuts its rows: a file streamed
 * in blocks of any size gives the bytes of the matrix in memory.  A whole
 * chunk inside a block is a view; rows across blocks are copied to buf. */
typedef lk_status (*chunk_fn)(void *ctx, const lk_mat *x, lk_error *err);

static lk_status each_chunk(const lk_blocks *src, lk_mat *buf, chunk_fn fn, void *ctx,
                            lk_error *err)
{
    size_t fill = 0, c = buf->rows;
    lk_status s = src->rewind(src->ctx, err);
    while (s == LK_OK) {
        lk_block b;
        if ((s = src->next(src->ctx, &b, err)) != LK_OK || b.n == 0)
            break;
        for (size_t r0 = 0; r0 < b.n && s == LK_OK;) {
            if (fill == 0 && b.n - r0 >= c) {
                lk_mat xb = lk_mat_rows(&b.x, r0, c);
                s = fn(ctx, &xb, err);
                r0 += c;
                continue;
            }
            size_t take = c - fill < b.n - r0 ? c - fill : b.n - r0;
            for (size_t i = 0; i < take; i++)
                memcpy(lk_mat_row(buf, fill + i), lk_mat_row(&b.x, r0 + i),
                       buf->cols * sizeof(lk_real));
            fill += take;
            r0 += take;
            if (fill == c) {
                s = fn(ctx, buf, err);
                fill = 0;
            }
        }
    }
    if (s == LK_OK && fill) {
        lk_mat xb = lk_mat_rows(buf, 0, fill);
        s = fn(ctx, &xb, err);
    }
    return s;
}

typedef struct elm_sums {
    lk_ridge *w;
    const lk_mat *a;
    const lk_real *bias;
    const lk_act *act;
    lk_mat *h;
} elm_sums;

static lk_status elm_chunk(void *ctx, const lk_mat *x, lk_error *err)
{
    elm_sums *e = ctx;
    lk_mat hb = lk_mat_rows(e->h, 0, x->rows);
    lk_affine_forward(x, e->a, LK_TRANS, e->bias, e->act, NULL, &hb, &hb);
    return lk_ridge_add(e->w, &hb, x, err);
}

typedef struct mda_sums {
    lk_ridge *w;
    const lk_mat *ones;
} mda_sums;

static lk_status mda_chunk(void *ctx, const lk_mat *x, lk_error *err)
{
    mda_sums *m = ctx;
    lk_mat ob = lk_mat_rows(m->ones, 0, x->rows);
    return lk_ridge_add(m->w, x, &ob, err);
}

/* After the pass: the sums of every rank (a collective), with "no rows"
 * said as the autoencoder's error rather than the ridge's. */
static lk_status sums_of_all(lk_ridge *w, const lk_comm *comm, lk_status s, const char *what,
                             lk_error *err)
{
    /* Every rank reaches the sums, or every rank stops with the first
     * failure (this rank's own may have come before the workspace). */
    if ((s = lk_comm_agree(comm, s, err)) != LK_OK)
        return s;
    w->comm = comm;
    s = lk_ridge_sums(w, err);
    if (s == LK_EINVAL && w->n == 0)
        s = lk_error_set(err, LK_EINVAL, "ae", NULL, "%s needs rows", what);
    return s;
}

lk_status lk_ae_elm_blocks(const lk_blocks *src, size_t hidden, lk_act act, double C,
                           gsl_rng *rng, const lk_comm *comm, lk_mat *beta, lk_error *err)
{
    size_t d = src->d;
    if (d == 0 || hidden == 0 || !(C > 0) || beta->rows != hidden || beta->cols != d)
        return lk_error_set(err, LK_EINVAL, "ae", NULL,
                            "ELM autoencoder needs inputs, hidden > 0, C > 0, beta hidden x "
                            "inputs");
    size_t blk = AE_ELM_BLOCK;
    lk_matd bd = { 0 };
    lk_mat a = { 0 }, h = { 0 }, buf = { 0 };
    lk_ridge rw = { 0 };
    lk_real *bias = malloc(hidden * sizeof *bias);
    lk_status s = bias ? LK_OK : lk_error_set(err, LK_ENOMEM, "ae", NULL, "out of memory");
    /* The draws come before anything that depends on the rows, so every
     * rank (the same seed) draws the same A and b whatever its share. */
    if (s == LK_OK && (s = lk_mat_alloc(&a, hidden, d, err)) == LK_OK &&
        (s = orthogonal_weights(hidden, d, rng, &a, err)) == LK_OK)
        for (size_t i = 0; i < hidden; i++)
            bias[i] = (lk_real)gsl_ran_gaussian_ziggurat(rng, 1.0 / sqrt((double)d));
    /* beta = (H^T H + I/C)^-1 H^T X by the shared streamed ridge (no bias:
     * the encoder is f(beta x)).  Its shifted Gram matrix keeps the default
     * C = 1000 meaningful in float: unshifted, sigmoid units near 1/2 round
     * H^T H at about 1e-2, ten times the ridge constant. */
    if (s == LK_OK && (s = lk_ridge_alloc(&rw, hidden, d, blk, 0, err)) == LK_OK &&
        (s = lk_matd_alloc(&bd, hidden, d, err)) == LK_OK &&
        (s = lk_mat_alloc(&h, blk, hidden, err)) == LK_OK &&
        (s = lk_mat_alloc_uninit(&buf, blk, d, err)) == LK_OK) {
        elm_sums e = { &rw, &a, bias, &act, &h };
        s = each_chunk(src, &buf, elm_chunk, &e, err);
    }
    if ((s = sums_of_all(&rw, comm, s, "ELM autoencoder", err)) == LK_OK &&
        (s = lk_ridge_solve(&rw, 1.0 / C, &bd, NULL, err)) == LK_OK)
        lk_matd_to_mat(beta, &bd);
    lk_matd_free(&bd);
    lk_ridge_free(&rw);
    lk_mat_free(&a);
    lk_mat_free(&h);
    lk_mat_free(&buf);
    free(bias);
    return s;
}

lk_status lk_ae_elm(const lk_mat *x, size_t hidden, lk_act act, double C, gsl_rng *rng,
                    lk_mat *beta, lk_error *err)
{
    if (x->rows == 0)
        return lk_error_set(err, LK_EINVAL, "ae", NULL,
                            "ELM autoencoder needs rows, hidden > 0, C > 0, beta hidden x "
                            "inputs");
    lk_mat_blocks mb;
    lk_blocks src = lk_blocks_of_mat(&mb, x, NULL, x->rows);
    return lk_ae_elm_blocks(&src, hidden, act, C, rng, NULL, beta, err);
}

double lk_ae_elm_flops(size_t n, size_t d, size_t hidden)
{
    double N = (double)n, D = (double)d, L = (double)hidden;
    double m = L <= D ? D : L, k = L <= D ? L : D;
    double weights = 4 * m * k * k - 4.0 / 3 * k * k * k;      /* geqrf + orgqr */
    double sums = 2 * N * D * L + N * L * L + 2 * N * L * D;   /* H, H^T H, H^T X */
    return weights + sums + L * L * L / 3 + 2 * L * L * D;       /* Cholesky solve */
}

double lk_ae_mda_flops(size_t n, size_t d)
{
    double N = (double)n, D = (double)d + 1;
    return N * D * D + D * D * D / 3 + 2 * D * D * (double)d;  /* SYRK, Cholesky solve */
}

lk_status lk_ae_mda_blocks(const lk_blocks *src, double p, double reg, const lk_comm *comm,
                           lk_matd *w, lk_error *err)
{
    size_t d = src->d, D = d + 1;
    if (!(p >= 0 && p < 1) || !(reg >= 0) || d == 0 || w->rows != d || w->cols != D)
        return lk_error_set(err, LK_EINVAL, "ae", NULL,
                            "mDA needs 0 <= p < 1, reg >= 0 and W inputs x (inputs + 1)");
    /* The scatter S = [X 1]^T [X 1] is the ridge workspace's Gram matrix
     * with Z = X and T = 1: G = X^T X, R = X^T 1, and 1^T 1 = n.  Its float
     * SYRK on shifted rows, corrected in double, is exact enough for
     * reg = 1e-5 to matter (rounding follows the pixels' spread), at the
     * float rate: the double SYRK it replaces took 0.38 s of MNIST's 0.6. */
    size_t blk = AE_ELM_BLOCK;
    lk_ridge sums = { 0 };
    lk_matd sm = { 0 }, pt = { 0 };
    lk_mat ones = { 0 }, buf = { 0 };
    lk_status s;
    if ((s = lk_ridge_alloc(&sums, d, 1, blk, 0, err)) == LK_OK &&
        (s = lk_mat_alloc(&ones, blk, 1, err)) == LK_OK &&
        (s = lk_matd_alloc(&sm, D, D, err)) == LK_OK &&
        (s = lk_matd_alloc(&pt, D, d, err)) == LK_OK &&
        (s = lk_mat_alloc_uninit(&buf, blk, d, err)) == LK_OK) {
        lk_mat_fill(&ones, 1);
        mda_sums m = { &sums, &ones };
        s = each_chunk(src, &buf, mda_chunk, &m, err);
    }
    if ((s = sums_of_all(&sums, comm, s, "mDA", err)) != LK_OK)
        goto done;
    for (size_t i = 0; i < d; i++) {
        memcpy(sm.data + i * D, sums.g.data + i * sums.g.ld, d * sizeof(double));
        sm.data[i * D + d] = sm.data[d * D + i] = sums.r.data[i * sums.r.ld];
    }
    /* 1^T 1: the rows of every rank (the ridge summed its count with G). */
    sm.data[d * D + d] = (double)sums.n;
    /* P^T (D x d): P_ij = S_ij q_j, so P^T_ji = S_ji q_j... with S symmetric
     * P^T_ij = S_ij q_i for i < D, j < d. */
    double keep = 1 - p;
    for (size_t i = 0; i < D; i++) {
        double qi = i < d ? keep : 1;
        for (size_t j = 0; j < d; j++)
            pt.data[i * d + j] = sm.data[i * D + j] * qi;
    }
    /* Q = S .* q q^T off the diagonal, q_i S_ii on it (an input is kept
     * together with itself with probability q_i, not q_i^2). */
    for (size_t i = 0; i < D; i++) {
        double qi = i < d ? keep : 1;
        for (size_t j = 0; j < D; j++) {
            double qj = j < d ? keep : 1;
            sm.data[i * D + j] *= i == j ? qi : qi * qj;
        }
        if (i < d)
            sm.data[i * D + i] += reg;
    }
    if ((s = lk_dposv(&sm, &pt, err)) != LK_OK)
        goto done;
    for (size_t i = 0; i < d; i++)
        for (size_t j = 0; j < D; j++)
            w->data[i * w->ld + j] = pt.data[j * d + i];
done:
    lk_ridge_free(&sums);
    lk_mat_free(&ones);
    lk_mat_free(&buf);
    lk_matd_free(&sm);
    lk_matd_free(&pt);
    return s;
}

lk_status lk_ae_mda(const lk_mat *x, double p, double reg, lk_matd *w, lk_error *err)
{
    if (x->rows == 0 && p >= 0 && p < 1 && reg >= 0)
        return lk_error_set(err, LK_EINVAL, "ae", NULL, "mDA needs rows");
    lk_mat_blocks mb;
    lk_blocks src = lk_blocks_of_mat(&mb, x, NULL, x->rows);
    return lk_ae_mda_blocks(&src, p, reg, NULL, w, err);
}

/* ---------------------------------------------------------------- stacks */

static const char *const SOLVERS[] = { "backprop", "elm", "mda" };

const char *lk_ae_solver_name(lk_ae_solver s)
{
    return (unsigned)s < sizeof SOLVERS / sizeof *SOLVERS ? SOLVERS[s] : NULL;
}

void lk_ae_stack_free(lk_ae_stack *st)
{
    if (st->layers)
        for (size_t l = 0; l < st->enc.n_layers; l++)
            lk_net_free(&st->layers[l]);
    free(st->layers);
    lk_net_free(&st->enc);
    if (st->has_clf)
        lk_net_free(&st->clf);
    memset(st, 0, sizeof *st);
}

lk_status lk_ae_init_net(lk_net *net, const lk_net *enc, lk_error *err)
{
    if (net->n_layers <= enc->n_layers)
        return lk_error_set(err, LK_EINVAL, "ae", NULL,
                            "%zu encoder layers need a network of at least %zu layers, not %zu",
                            enc->n_layers, enc->n_layers + 1, net->n_layers);
    /* Check every layer before copying any, so a refusal leaves net as it was. */
    for (size_t l = 0; l < enc->n_layers; l++) {
        lk_status s = lki_net_layer_fits(net, l, enc, l, "ae", "the encoder's", err);
        if (s != LK_OK)
            return s;
    }
    for (size_t l = 0; l < enc->n_layers; l++)
        lk_net_copy_layer(net, l, enc, l, NULL);
    return LK_OK;
}

static void dkey(char *buf, size_t n, size_t l, const char *name)
{
    snprintf(buf, n, "dec.%zu.%s", l, name);
}

/* Layer l's decoder: layer 1 of its autoencoder. */
static lk_status save_decoder(const lk_net *ae, size_t l, lk_model *m, lk_error *err)
{
    const lk_dense *d = &ae->layers[1];
    char k[64], name[64];
    lk_status s;
    dkey(k, sizeof k, l, "activation");
    if ((s = lk_model_put_str(m, k, lk_act_format(&d->act, name, sizeof name), err)) != LK_OK)
        return s;
    dkey(k, sizeof k, l, "tied");
    if ((s = lk_model_put_int(m, k, d->tied, err)) != LK_OK)
        return s;
    if (!d->tied) {
        lk_mat w = lk_dense_w(d, &ae->params);
        dkey(k, sizeof k, l, "w");
        if ((s = lk_model_put_mat(m, k, &w, err)) != LK_OK)
            return s;
    }
    dkey(k, sizeof k, l, "b");
    if ((s = lk_model_put_vec(m, k, d->out, lk_dense_b(d, &ae->params), err)) != LK_OK)
        return s;
    if (d->gamma != LK_NO_OFFSET) {
        dkey(k, sizeof k, l, "gamma");
        s = lk_model_put_vec(m, k, d->out, ae->params.w + d->gamma, err);
    }
    return s;
}

lk_status lk_ae_save(const lk_ae_stack *st, const lk_prep *prep, const lk_labels *labels,
                     lk_model **out, lk_error *err)
{
    *out = NULL;
    const lk_net *enc = &st->enc;
    size_t L = enc->n_layers;
    if (!lk_ae_solver_name(st->solver) || L == 0 || (st->solver == LK_AE_BACKPROP) != !!st->layers ||
        (st->has_clf && lk_net_inputs(&st->clf) != lk_net_outputs(enc)))
        return lk_error_set(err, LK_EINVAL, "ae", NULL, "inconsistent autoencoder stack");
    for (size_t l = 0; st->layers && l < L; l++)
        if (st->layers[l].n_layers != 2 || st->layers[l].layers[0].in != enc->layers[l].in ||
            st->layers[l].layers[0].out != enc->layers[l].out)
            return lk_error_set(err, LK_EINVAL, "ae", NULL,
                                "autoencoder %zu does not match encoder layer %zu", l + 1, l + 1);
    size_t k = st->has_clf ? lk_net_outputs(&st->clf) : 0;
    lk_status s = lki_model_begin("ae", lk_net_inputs(enc), k, out, err);
    if (s != LK_OK)
        return s;
    lk_model *m = *out;
    s = lk_model_put_str(m, "arch.solver", lk_ae_solver_name(st->solver), err);
    if (s == LK_OK)
        s = lk_net_save(enc, m, "enc.", err);
    for (size_t l = 0; s == LK_OK && st->layers && l < L; l++)
        s = save_decoder(&st->layers[l], l, m, err);
    if (s == LK_OK && st->has_clf)
        s = lk_net_save(&st->clf, m, "clf.", err);
    return lki_model_end(out, s, prep, labels, err);
}

/* Layer l's autoencoder: encoder layer l of enc, and the decoder entries. */
static lk_status load_decoder(const lk_model *m, const lk_net *enc, size_t l, lk_net *ae,
                              lk_error *err)
{
    const lk_dense *e = &enc->layers[l];
    char k[64];
    int64_t tied;
    lk_act act;
    lk_status s;
    dkey(k, sizeof k, l, "activation");
    if ((s = lki_model_act(m, k, &act, err)) != LK_OK)
        return s;
    char kt[64];
    dkey(kt, sizeof kt, l, "tied");
    if ((s = lk_model_get_int(m, kt, &tied, err)) != LK_OK)
        return s;
    if (tied != 0 && tied != 1)
        return lki_model_bad(m, kt, err, "expected 0 or 1, found %lld", (long long)tied);
    const char *why = layer_check(e->act, act, (int)tied);
    if (why)
        return lki_model_bad(m, tied && lk_act_has_params(e->act.kind) ? kt : k, err, "%s", why);
    /* Shapes first, so nothing is allocated for a damaged file. */
    dkey(k, sizeof k, l, "w");
    if (!tied) {
        if ((s = lki_model_shape(m, k, e->in, e->out, err)) != LK_OK)
            return s;
    } else if (lk_model_has(m, k)) {
        return lki_model_bad(m, k, err, "present for a tied decoder");
    }
    dkey(k, sizeof k, l, "b");
    if ((s = lki_model_shape(m, k, 1, e->in, err)) != LK_OK)
        return s;
    if (lk_act_has_params(act.kind)) {
        dkey(k, sizeof k, l, "gamma");
        if ((s = lki_model_shape(m, k, 1, e->in, err)) != LK_OK)
            return s;
    }
    if ((s = lk_ae_build(ae, e->in, e->out, e->act, act, (int)tied, err)) != LK_OK)
        return s;
    if ((s = lk_net_copy_layer(ae, 0, enc, l, err)) != LK_OK)
        goto fail;
    const lk_dense *d = &ae->layers[1];
    if (!tied) {
        lk_mat w = lk_dense_w(d, &ae->params);
        dkey(k, sizeof k, l, "w");
        if ((s = lki_model_get_finite(m, k, d->out, d->in, &w, err)) != LK_OK)
            goto fail;
    }
    lk_mat b = lk_mat_view(lk_dense_b(d, &ae->params), 1, d->out, d->out);
    dkey(k, sizeof k, l, "b");
    if ((s = lki_model_get_finite(m, k, 1, d->out, &b, err)) != LK_OK)
        goto fail;
    if (d->gamma != LK_NO_OFFSET) {
        lk_mat g = lk_mat_view(ae->params.w + d->gamma, 1, d->out, d->out);
        dkey(k, sizeof k, l, "gamma");
        if ((s = lki_model_get_finite(m, k, 1, d->out, &g, err)) != LK_OK)
            goto fail;
    }
    return LK_OK;
fail:
    lk_net_free(ae);
    return s;
}

lk_status lk_ae_load(const lk_model *m, lk_ae_stack *st, lk_error *err)
{
    memset(st, 0, sizeof *st);
    const char *name;
    size_t d, k = 0;
    lk_status s;
    if ((s = lki_model_io(m, "ae", &d, 2, NULL, err)) != LK_OK ||
        (s = lk_model_get_str(m, "arch.solver", &name, err)) != LK_OK)
        return s;
    while (k < sizeof SOLVERS / sizeof *SOLVERS && strcmp(SOLVERS[k], name) != 0)
        k++;
    if (k == sizeof SOLVERS / sizeof *SOLVERS)
        return lki_model_bad(m, "arch.solver", err,
                             "unknown solver '%s' (expected backprop, elm or mda)", name);
    st->solver = (lk_ae_solver)k;
    if ((s = lk_net_load(m, "enc.", &st->enc, err)) != LK_OK)
        return s;
    size_t L = st->enc.n_layers;
    if (lk_net_inputs(&st->enc) != d) {
        s = lki_model_bad(m, "arch.inputs", err, "%zu, but enc.arch.sizes starts with %zu", d,
                          lk_net_inputs(&st->enc));
        goto fail;
    }
    for (size_t l = 0; l < L; l++) {
        const lk_dense *e = &st->enc.layers[l];
        if (e->tied || e->act.kind == LK_ACT_SOFTMAX) {
            s = lki_model_bad(m, "enc.arch.activations", err,
                              "layer %zu is tied or softmax: not an encoder", l + 1);
            goto fail;
        }
        if (st->solver == LK_AE_MDA && (e->in != e->out || e->act.kind != LK_ACT_TANH)) {
            s = lki_model_bad(m, "enc.arch.sizes", err,
                              "layer %zu: an mDA layer must be square, with tanh", l + 1);
            goto fail;
        }
        if (st->solver == LK_AE_ELM && e->gamma != LK_NO_OFFSET) {
            s = lki_model_bad(m, "enc.arch.activations", err,
                              "layer %zu: an ELM encoder has no PReLU slopes", l + 1);
            goto fail;
        }
    }
    if (st->solver == LK_AE_BACKPROP) {
        if (!(st->layers = calloc(L, sizeof *st->layers))) {
            s = lk_error_set(err, LK_ENOMEM, lk_model_source(m), NULL, "out of memory");
            goto fail;
        }
        for (size_t l = 0; l < L; l++)
            if ((s = load_decoder(m, &st->enc, l, &st->layers[l], err)) != LK_OK)
                goto fail;
    } else if (lk_model_has(m, "dec.0.b")) {
        s = lki_model_bad(m, "dec.0.b", err, "a closed-form stack has no decoder entries");
        goto fail;
    }
    if (lk_model_has(m, "clf.arch.sizes")) {
        if ((s = lk_net_load(m, "clf.", &st->clf, err)) != LK_OK)
            goto fail;
        st->has_clf = 1;
        if (st->clf.n_layers != 1 || lk_net_inputs(&st->clf) != lk_net_outputs(&st->enc) ||
            lk_net_output_act(&st->clf)->kind != LK_ACT_SOFTMAX) {
            s = lki_model_bad(m, "clf.arch.sizes", err,
                              "the classifier must be one softmax layer on the codes");
            goto fail;
        }
        if ((s = lk_model_get_size(m, "arch.classes", 2, INT32_MAX, &k, err)) != LK_OK)
            goto fail;
        if (k != lk_net_outputs(&st->clf)) {
            s = lki_model_bad(m, "arch.classes", err, "%zu, but the classifier has %zu outputs",
                              k, lk_net_outputs(&st->clf));
            goto fail;
        }
    } else if (lk_model_has(m, "arch.classes")) {
        s = lki_model_bad(m, "arch.classes", err, "present in a stack without a classifier");
        goto fail;
    }
    return LK_OK;
fail:
    lk_ae_stack_free(st);
    return s;
}

/* ---------------------------------------------------------------- predictor */

static lk_status pred_load(const lk_model *m, void **state, size_t *n_in, size_t *n_out,
                           lk_error *err)
{
    lk_ae_stack st;
    lk_status s = lk_ae_load(m, &st, err);
    if (s != LK_OK)
        return s;
    if (!st.has_clf) {
        lk_ae_stack_free(&st);
        return lk_error_set(err, LK_EUNSUPPORTED, lk_model_source(m), NULL,
                            "this autoencoder has no classifier, so it cannot predict classes");
    }
    /* One network, encoders then the softmax, so predicting is lk_net_predict. */
    lk_net *net = calloc(1, sizeof *net);
    if (!net) {
        lk_ae_stack_free(&st);
        return lk_error_set(err, LK_ENOMEM, "model", NULL, "out of memory");
    }
    lk_net_begin(net, lk_net_inputs(&st.enc));
    for (size_t l = 0; l < st.enc.n_layers && s == LK_OK; l++)
        s = lk_net_add(net, st.enc.layers[l].out, st.enc.layers[l].act, err);
    if (s == LK_OK)
        s = lk_net_add(net, lk_net_outputs(&st.clf), st.clf.layers[0].act, err);
    if (s == LK_OK)
        s = lk_net_finish(net, err);
    if (s == LK_OK)
        s = lk_ae_init_net(net, &st.enc, err);
    if (s == LK_OK)
        s = lk_net_copy_layer(net, st.enc.n_layers, &st.clf, 0, err);
    lk_ae_stack_free(&st);
    if (s != LK_OK) {
        lk_net_free(net);
        free(net);
        return s;
    }
    *state = net;
    *n_in = lk_net_inputs(net);
    *n_out = lk_net_outputs(net);
    return LK_OK;
}

const lk_predictor_type lk_ae_predictor = { "ae", pred_load, lki_net_scores, lki_net_free, 1,
                                            NULL };
