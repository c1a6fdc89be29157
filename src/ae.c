/* Autoencoders: backprop ones are lk_nets (net.h); closed-form ones solve in
 * double with the BLAS/LAPACK wrappers of blas.c. */
#include <math.h>
#include <string.h>
#include <stdlib.h>
#include <gsl/gsl_randist.h>
#include <learnkit/ae.h>
#include <learnkit/error.h>

void lk_ae_corrupt(lk_mat *xb, void *ctx, gsl_rng *rng)
{
    const lk_ae_noise *nz = ctx;
    if (nz->kind == LK_AE_NOISE_MASK) {
        for (size_t i = 0; i < xb->rows; i++) {
            lk_real *r = lk_mat_row(xb, i);
            for (size_t j = 0; j < xb->cols; j++)
                if (gsl_rng_uniform(rng) < nz->level)
                    r[j] = 0;
        }
    } else if (nz->kind == LK_AE_NOISE_GAUSS) {
        for (size_t i = 0; i < xb->rows; i++) {
            lk_real *r = lk_mat_row(xb, i);
            for (size_t j = 0; j < xb->cols; j++)
                r[j] += (lk_real)gsl_ran_gaussian_ziggurat(rng, nz->level);
        }
    }
}

lk_status lk_ae_build(lk_net *net, size_t n_in, size_t hidden, lk_act enc, lk_act dec,
                      int tied, lk_error *err)
{
    if (n_in == 0 || hidden == 0)
        return lk_error_set(err, LK_EINVAL, "ae", NULL, "sizes must be positive");
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

lk_status lk_ae_encode(const lk_net *net, const lk_mat *x, lk_mat *out, lk_error *err)
{
    const lk_dense *l = &net->layers[0];
    lk_mat w = lk_dense_w(l, &net->params);
    lk_status s;
    /* Z = X W^T + b, then the encoder activation in place (one GEMM). */
    if ((s = lk_gemm(LK_NOTRANS, LK_TRANS, 1, x, &w, 0, out)) != LK_OK)
        return lk_error_set(err, s, "ae", NULL, "shape mismatch in encode");
    lk_add_row_vector(out, lk_dense_b(l, &net->params));
    lk_act_forward(&l->act, out, out, lk_dense_gamma(l, &net->params));
    return LK_OK;
}

lk_status lk_ae_ridge(const lk_matd *a, const lk_matd *y, double lambda, lk_matd *b,
                      lk_error *err)
{
    size_t k = a->cols;
    lk_matd g;
    lk_status s = lk_matd_alloc(&g, k, k, err);
    if (s != LK_OK)
        return s;
    lk_dsyrk(LK_TRANS, 1, a, 0, &g);
    for (size_t i = 0; i < k; i++)
        g.data[i * g.ld + i] += lambda;
    lk_dgemm(LK_TRANS, LK_NOTRANS, 1, a, y, 0, b);
    s = lk_dposv(&g, b, err);
    lk_matd_free(&g);
    return s;
}

lk_status lk_ae_elm(const lk_mat *x, size_t hidden, lk_act act, double C, gsl_rng *rng,
                    lk_mat *beta, lk_error *err)
{
    size_t n = x->rows, d = x->cols;
    if (hidden == 0 || !(C > 0) || beta->rows != hidden || beta->cols != d)
        return lk_error_set(err, LK_EINVAL, "ae", NULL,
                            "ELM autoencoder needs hidden > 0, C > 0, beta hidden x inputs");
    size_t k = hidden < d ? hidden : d;
    lk_matd g = { 0 }, u = { 0 }, vt = { 0 }, a = { 0 }, xd = { 0 }, h = { 0 }, bd = { 0 };
    lk_mat af = { 0 }, hf = { 0 };
    double *sv = malloc(k * sizeof *sv);
    lk_real *bias = malloc(hidden * sizeof *bias);
    lk_status s = LK_ENOMEM;
    if (!sv || !bias) {
        s = lk_error_set(err, LK_ENOMEM, "ae", NULL, "out of memory");
        goto done;
    }
    /* Random orthogonal rows (columns when hidden > d): the polar factor
     * U V^T of a gaussian matrix. */
    if ((s = lk_matd_alloc(&g, hidden, d, err)) != LK_OK ||
        (s = lk_matd_alloc(&u, hidden, k, err)) != LK_OK ||
        (s = lk_matd_alloc(&vt, k, d, err)) != LK_OK ||
        (s = lk_matd_alloc(&a, hidden, d, err)) != LK_OK)
        goto done;
    for (size_t i = 0; i < hidden * d; i++)
        g.data[i] = gsl_ran_gaussian_ziggurat(rng, 1.0);
    for (size_t i = 0; i < hidden; i++)
        bias[i] = (lk_real)gsl_ran_gaussian_ziggurat(rng, 1.0 / sqrt((double)d));
    if ((s = lk_dsvd(&g, sv, &u, &vt, err)) != LK_OK)
        goto done;
    lk_dgemm(LK_NOTRANS, LK_NOTRANS, 1, &u, &vt, 0, &a);
    if ((s = lk_mat_alloc(&af, hidden, d, err)) != LK_OK ||
        (s = lk_mat_alloc(&hf, n, hidden, err)) != LK_OK)
        goto done;
    lk_matd_to_mat(&af, &a);
    lk_gemm(LK_NOTRANS, LK_TRANS, 1, x, &af, 0, &hf);
    lk_add_row_vector(&hf, bias);
    lk_act_forward(&act, &hf, &hf, NULL);
    if ((s = lk_matd_alloc(&h, n, hidden, err)) != LK_OK ||
        (s = lk_matd_alloc(&xd, n, d, err)) != LK_OK ||
        (s = lk_matd_alloc(&bd, hidden, d, err)) != LK_OK)
        goto done;
    lk_mat_to_d(&h, &hf);
    lk_mat_to_d(&xd, x);
    if ((s = lk_ae_ridge(&h, &xd, 1.0 / C, &bd, err)) != LK_OK)
        goto done;
    lk_matd_to_mat(beta, &bd);
done:
    lk_matd_free(&g);
    lk_matd_free(&u);
    lk_matd_free(&vt);
    lk_matd_free(&a);
    lk_matd_free(&xd);
    lk_matd_free(&h);
    lk_matd_free(&bd);
    lk_mat_free(&af);
    lk_mat_free(&hf);
    free(sv);
    free(bias);
    return s;
}

lk_status lk_ae_mda(const lk_mat *x, double p, double reg, lk_matd *w, lk_error *err)
{
    size_t n = x->rows, d = x->cols, D = d + 1;
    if (!(p >= 0 && p < 1) || !(reg >= 0) || w->rows != d || w->cols != D)
        return lk_error_set(err, LK_EINVAL, "ae", NULL,
                            "mDA needs 0 <= p < 1, reg >= 0 and W inputs x (inputs + 1)");
    lk_matd xt = { 0 }, sm = { 0 }, pt = { 0 };
    lk_status s;
    if ((s = lk_matd_alloc(&xt, n, D, err)) != LK_OK ||
        (s = lk_matd_alloc(&sm, D, D, err)) != LK_OK ||
        (s = lk_matd_alloc(&pt, D, d, err)) != LK_OK)
        goto done;
    for (size_t i = 0; i < n; i++) {
        for (size_t j = 0; j < d; j++)
            xt.data[i * D + j] = (double)LK_AT(x, i, j);
        xt.data[i * D + d] = 1;
    }
    lk_dsyrk(LK_TRANS, 1, &xt, 0, &sm);
    lk_matd_symmetrize(&sm);
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
    lk_matd_free(&xt);
    lk_matd_free(&sm);
    lk_matd_free(&pt);
    return s;
}
