/* Autoencoders: gradients of tied and untied reconstruction losses, the
 * corruption hook, the linear autoencoder against PCA, the mDA closed form
 * against Monte Carlo corruptions and least squares, the ELM autoencoder. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_randist.h>
#include "testhelp.h"
#include <learnkit/ae.h>
#include <learnkit/mlp.h>
#include <learnkit/data.h>
#include <learnkit/rows.h>

typedef struct gc_ctx {
    lk_net *net;
    lk_net_work *w;
    lk_loss_kind loss;
    const lk_mat *x;
} gc_ctx;

static double gc_objective(void *p)
{
    gc_ctx *c = p;
    return lk_net_backprop(c->net, c->w, c->loss, 0.0137, c->x, c->x);
}

static double ae_grad_error(int tied, lk_loss_kind loss, gsl_rng *r)
{
    lk_net net;
    ck_assert_int_eq(lk_ae_build(&net, 9, 4, lk_act_default(LK_ACT_SIGMOID),
                                 lk_act_default(LK_ACT_SIGMOID), tied, NULL), LK_OK);
    ck_assert_uint_eq(lk_net_weight_count(&net), tied ? 36 : 72);
    lk_net_init(&net, LK_INIT_AUTO, r);
    lk_mat x;
    ck_assert_int_eq(lk_mat_alloc(&x, 7, 9, NULL), LK_OK);
    th_fill_uniform(&x, r, 0.05, 0.95);
    lk_net_work w;
    ck_assert_int_eq(lk_net_work_alloc(&w, &net, 7, NULL), LK_OK);
    gc_ctx c = { &net, &w, loss, &x };
    gc_objective(&c);
    size_t n = net.params.n;
    lk_real *g = malloc(n * sizeof *g);
    memcpy(g, net.params.g, n * sizeof *g);
    ck_assert_double_gt(lk_nrm2(n, g), 0);
    double e = th_grad_check(gc_objective, &c, net.params.w, g, n, TH_GRAD_STEP);
    free(g);
    lk_net_work_free(&w);
    lk_mat_free(&x);
    lk_net_free(&net);
    return e;
}

START_TEST(test_gradient_tied_untied)
{
    gsl_rng *r = th_rng(2385);
    lk_loss_kind losses[] = { LK_LOSS_MSE, LK_LOSS_BCE };
    for (int tied = 0; tied < 2; tied++)
        for (size_t k = 0; k < 2; k++)
            ck_assert_double_lt(ae_grad_error(tied, losses[k], r), TH_GRAD_TOL);
    gsl_rng_free(r);
}
END_TEST

START_TEST(test_corrupt_mask_and_gauss)
{
    gsl_rng *r = th_rng(77);
    lk_mat x;
    size_t n = 400, d = 50;
    ck_assert_int_eq(lk_mat_alloc(&x, n, d, NULL), LK_OK);
    lk_mat_fill(&x, (lk_real)0.625);
    lk_ae_noise mask = { LK_AE_NOISE_MASK, 0.3 };
    gsl_rng *twin = th_rng(77);    /* the masks are uniform draws below 0.3 */
    lk_ae_corrupt(&x, &mask, r);
    double zeros = 0;
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < d; j++) {
            lk_real v = LK_AT(&x, i, j);
            ck_assert(v == 0 || v == (lk_real)0.625);
            ck_assert_int_eq(v == 0, gsl_rng_uniform(twin) < 0.3);
            zeros += v == 0;
        }
    gsl_rng_free(twin);
    double m = (double)(n * d), sd = sqrt(m * 0.3 * 0.7);
    ck_assert_double_lt(fabs(zeros - 0.3 * m), 5 * sd);
    lk_mat_fill(&x, 0);
    lk_ae_noise gauss = { LK_AE_NOISE_GAUSS, 0.45 };
    lk_ae_corrupt(&x, &gauss, r);
    double s = 0, s2 = 0;
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < d; j++) {
            s += LK_AT(&x, i, j);
            s2 += LK_AT(&x, i, j) * LK_AT(&x, i, j);
        }
    ck_assert_double_lt(fabs(s / m), 5 * 0.45 / sqrt(m));
    ck_assert_double_lt(fabs(s2 / m - 0.45 * 0.45), 5 * 0.45 * 0.45 * sqrt(2 / m));
    lk_mat_free(&x);
    gsl_rng_free(r);
}
END_TEST

/* Low-rank data plus a little noise, centred per column by the bias. */
static void make_lowrank(lk_mat *x, gsl_rng *r)
{
    size_t d = x->cols;
    double basis[3][16];
    for (size_t k = 0; k < 3; k++)
        for (size_t j = 0; j < d; j++)
            basis[k][j] = gsl_ran_gaussian(r, 1.0);
    for (size_t i = 0; i < x->rows; i++)
        for (size_t j = 0; j < d; j++) {
            LK_AT(x, i, j) = (lk_real)(0.2 + 0.05 * (double)j);
        }
    for (size_t i = 0; i < x->rows; i++) {
        double c[3] = { gsl_ran_gaussian(r, 1.0), gsl_ran_gaussian(r, 0.6),
                        gsl_ran_gaussian(r, 0.3) };
        for (size_t j = 0; j < d; j++)
            LK_AT(x, i, j) += (lk_real)(c[0] * basis[0][j] + c[1] * basis[1][j] +
                                        c[2] * basis[2][j] + gsl_ran_gaussian(r, 0.05));
    }
}

/* PCA error of rank k: the sum of the squared singular values of the
 * column-centred data past the k-th, over n*d. */
static double pca_error(const lk_mat *x, size_t k)
{
    size_t n = x->rows, d = x->cols;
    lk_matd xd, u, vt;
    ck_assert_int_eq(lk_matd_alloc(&xd, n, d, NULL), LK_OK);
    ck_assert_int_eq(lk_matd_alloc(&u, n, d, NULL), LK_OK);
    ck_assert_int_eq(lk_matd_alloc(&vt, d, d, NULL), LK_OK);
    lk_mat_to_d(&xd, x);
    for (size_t j = 0; j < d; j++) {
        double m = 0;
        for (size_t i = 0; i < n; i++)
            m += xd.data[i * d + j];
        for (size_t i = 0; i < n; i++)
            xd.data[i * d + j] -= m / (double)n;
    }
    double s[16];
    ck_assert_int_eq(lk_dsvd(&xd, s, &u, &vt, NULL), LK_OK);
    double e = 0;
    for (size_t i = k; i < d; i++)
        e += s[i] * s[i];
    lk_matd_free(&xd);
    lk_matd_free(&u);
    lk_matd_free(&vt);
    return e / (double)(n * d);
}

START_TEST(test_linear_ae_reaches_pca)
{
    gsl_rng *r = th_rng(4242);
    size_t n = 256, d = 8, k = 2;
    lk_mat x;
    ck_assert_int_eq(lk_mat_alloc(&x, n, d, NULL), LK_OK);
    make_lowrank(&x, r);
    double pca = pca_error(&x, k);
    lk_net net;
    lk_act id = lk_act_default(LK_ACT_IDENTITY);
    ck_assert_int_eq(lk_ae_build(&net, d, k, id, id, 0, NULL), LK_OK);
    lk_net_init(&net, LK_INIT_AUTO, r);
    lk_net_config cfg = lk_net_config_default();
    cfg.loss = LK_LOSS_MSE;
    cfg.batch = 32;
    cfg.epochs = 1500;
    cfg.optim_cfg.lr = 0.01;
    lk_net_trainer *tr;
    ck_assert_int_eq(lk_net_trainer_alloc(&tr, &net, &cfg, &x, &x, r, NULL), LK_OK);
    while (lk_net_test(tr) == LK_TRAIN_CONTINUE) {
        if (tr->epoch == 1000)
            tr->opt.cfg.lr = 0.001;
        ck_assert_int_eq(lk_net_iterate(tr, NULL, NULL), LK_OK);
    }
    lk_net_trainer_free(tr);
    lk_net_work w;
    ck_assert_int_eq(lk_net_work_alloc(&w, &net, n, NULL), LK_OK);
    double mse = lk_net_loss(&net, &w, LK_LOSS_MSE, &x, &x);
    /* The loss is 1/2 ||x - r||^2 per row: per value, 2 loss / d.  No
     * linear map of rank k beats PCA; converged, it matches it. */
    double per_value = 2 * mse / (double)d;
    ck_assert_double_ge(per_value, pca * (1 - 1e-3));
    ck_assert_double_lt(per_value, pca * 1.02);
    lk_net_work_free(&w);
    lk_net_free(&net);
    lk_mat_free(&x);
    gsl_rng_free(r);
}
END_TEST

static void make_small(lk_mat *x, gsl_rng *r)
{
    th_fill_uniform(x, r, 0.0, 1.0);
    for (size_t i = 0; i < x->rows; i++)
        LK_AT(x, i, 3) = (lk_real)(0.5 * LK_AT(x, i, 0) + 0.3 * LK_AT(x, i, 1) + 0.1);
}

START_TEST(test_mda_p0_is_least_squares)
{
    gsl_rng *r = th_rng(91);
    size_t n = 40, d = 5;
    lk_mat x;
    ck_assert_int_eq(lk_mat_alloc(&x, n, d, NULL), LK_OK);
    th_fill_uniform(&x, r, 0.0, 1.0);
    lk_matd w;
    ck_assert_int_eq(lk_matd_alloc(&w, d, d + 1, NULL), LK_OK);
    ck_assert_int_eq(lk_ae_mda(&x, 0, 0, &w, NULL), LK_OK);
    /* Full-rank data: the least-squares reconstruction is the identity. */
    for (size_t i = 0; i < d; i++)
        for (size_t j = 0; j <= d; j++)
            ck_assert_double_lt(fabs(w.data[i * w.ld + j] - (i == j)), 1e-4);
    lk_matd_free(&w);
    lk_mat_free(&x);
    gsl_rng_free(r);
}
END_TEST

/* W^T (d+1 x d) of the mDA from the scatter summed exactly in double,
 * with the closed form of Chen et al. written out: Q_ij = S_ij q_i q_j,
 * Q_ii = S_ii q_i, P^T_ij = S_ij q_i. */
static void mda_reference(const lk_mat *x, double p, lk_matd *wt)
{
    size_t n = x->rows, d = x->cols, D = d + 1;
    lk_matd q;
    ck_assert_int_eq(lk_matd_alloc(&q, D, D, NULL), LK_OK);
    for (size_t i = 0; i < D; i++)
        for (size_t j = 0; j < D; j++) {
            double sij = 0;
            for (size_t r = 0; r < n; r++)
                sij += (i < d ? (double)LK_AT(x, r, i) : 1) * (j < d ? (double)LK_AT(x, r, j) : 1);
            double qi = i < d ? 1 - p : 1, qj = j < d ? 1 - p : 1;
            q.data[i * D + j] = i == j ? sij * qi : sij * qi * qj;
            if (j < d)
                wt->data[i * d + j] = sij * qi;
        }
    ck_assert_int_eq(lk_dposv(&q, wt, NULL), LK_OK);
    lk_matd_free(&q);
}

/* The scatter is summed in float from shifted rows: inputs far from zero
 * (here near 100, spread 1) must give the W of the exact double scatter.
 * Shifted, W is within 1e-10 of it; summed unshifted in float, X^T X
 * rounds at the scale of n 1e4 per entry and W moves by 1e-4.  5003 rows:
 * three row blocks, the last one short. */
START_TEST(test_mda_scatter_survives_offset)
{
    gsl_rng *r = th_rng(4242);
    size_t n = 5003, d = 5;
    double p = 0.5;
    lk_mat x;
    ck_assert_int_eq(lk_mat_alloc(&x, n, d, NULL), LK_OK);
    th_fill_uniform(&x, r, 100.0, 101.0);
    lk_matd w, wt;
    ck_assert_int_eq(lk_matd_alloc(&w, d, d + 1, NULL), LK_OK);
    ck_assert_int_eq(lk_matd_alloc(&wt, d + 1, d, NULL), LK_OK);
    ck_assert_int_eq(lk_ae_mda(&x, p, 0, &w, NULL), LK_OK);
    mda_reference(&x, p, &wt);
    double worst = 0;    /* W's entries are O(1) and its bias O(100) */
    for (size_t i = 0; i < d; i++)
        for (size_t j = 0; j <= d; j++)
            worst = fmax(worst, fabs(w.data[i * w.ld + j] - wt.data[j * d + i]));
    ck_assert_msg(worst < 1e-6, "W off the double reference by %g", worst);
    lk_matd_free(&w);
    lk_matd_free(&wt);
    lk_mat_free(&x);
    gsl_rng_free(r);
}
END_TEST

/* Reference least squares in double by the normal equations:
 * B (k x m) = (A^T A)^-1 A^T Y for A n x k, Y n x m. */
static lk_status least_squares(const lk_matd *a, const lk_matd *y, lk_matd *b)
{
    lk_matd g;
    lk_status s = lk_matd_alloc(&g, a->cols, a->cols, NULL);
    if (s != LK_OK)
        return s;
    lk_dsyrk(LK_TRANS, 1, a, 0, &g);
    lk_dgemm(LK_TRANS, LK_NOTRANS, 1, a, y, 0, b);
    s = lk_dposv(&g, b, NULL);
    lk_matd_free(&g);
    return s;
}

START_TEST(test_mda_matches_monte_carlo)
{
    gsl_rng *r = th_rng(1913);
    size_t n = 30, d = 4, copies = 3000;
    double p = 0.35;
    lk_mat x;
    ck_assert_int_eq(lk_mat_alloc(&x, n, d, NULL), LK_OK);
    make_small(&x, r);
    lk_matd w;
    ck_assert_int_eq(lk_matd_alloc(&w, d, d + 1, NULL), LK_OK);
    ck_assert_int_eq(lk_ae_mda(&x, p, 0, &w, NULL), LK_OK);
    /* Least squares from copies x corrupted copies: W_mc^T solves
     * (Xc^T Xc) W^T = Xc^T X over the stacked corrupted rows [xc, 1]. */
    lk_matd xc, y, b;
    ck_assert_int_eq(lk_matd_alloc(&xc, n * copies, d + 1, NULL), LK_OK);
    ck_assert_int_eq(lk_matd_alloc(&y, n * copies, d, NULL), LK_OK);
    ck_assert_int_eq(lk_matd_alloc(&b, d + 1, d, NULL), LK_OK);
    for (size_t c = 0; c < copies; c++)
        for (size_t i = 0; i < n; i++) {
            double *row = xc.data + (c * n + i) * (d + 1);
            for (size_t j = 0; j < d; j++) {
                row[j] = gsl_rng_uniform(r) < p ? 0 : LK_AT(&x, i, j);
                y.data[(c * n + i) * d + j] = LK_AT(&x, i, j);
            }
            row[d] = 1;
        }
    ck_assert_int_eq(least_squares(&xc, &y, &b), LK_OK);
    double worst = 0;
    for (size_t i = 0; i < d; i++)
        for (size_t j = 0; j <= d; j++)
            worst = fmax(worst, fabs(w.data[i * w.ld + j] - b.data[j * d + i]));
    /* 90000 sampled rows: sampling error of order 1/sqrt(90000) ~ 0.003 on
     * O(1) weights; a wrong marginalization (say q^2 on the diagonal) moves
     * them by ~0.1. */
    ck_assert_double_lt(worst, 0.03);
    lk_matd_free(&xc);
    lk_matd_free(&y);
    lk_matd_free(&b);
    lk_matd_free(&w);
    lk_mat_free(&x);
    gsl_rng_free(r);
}
END_TEST

START_TEST(test_elm_ae_reconstructs)
{
    gsl_rng *r = th_rng(555);
    size_t n = 200, d = 6, h = 30;
    lk_mat x, beta;
    ck_assert_int_eq(lk_mat_alloc(&x, n, d, NULL), LK_OK);
    ck_assert_int_eq(lk_mat_alloc(&beta, h, d, NULL), LK_OK);
    th_fill_uniform(&x, r, 0.0, 1.0);
    ck_assert_int_eq(lk_ae_elm(&x, h, lk_act_default(LK_ACT_SIGMOID), 1e6, r, &beta, NULL),
                     LK_OK);
    ck_assert(lk_mat_all_finite(&beta));
    ck_assert_double_gt(lk_nrm2(h * d, beta.data), 0);
    lk_mat_free(&x);
    lk_mat_free(&beta);
    gsl_rng_free(r);
}
END_TEST


/* The fits from blocks are the fits on the matrix, byte for byte, however
 * the source cuts its rows (the sums are taken in chunks of their own:
 * 4501 rows are two whole chunks and a short one, blocks of 13 or 3000
 * rows straddle them), and leave the generator as the matrix fit does.
 * Inputs far from zero, so the shifted sums must work. */
START_TEST(test_blocks_equal_matrix)
{
    gsl_rng *r = th_rng(8123);
    size_t n = 4501, d = 6, h = 9;
    lk_mat x;
    ck_assert_int_eq(lk_mat_alloc(&x, n, d, NULL), LK_OK);
    th_fill_uniform(&x, r, 2.0, 3.5);
    lk_act sig = lk_act_default(LK_ACT_SIGMOID);
    lk_mat ref, beta;
    ck_assert_int_eq(lk_mat_alloc(&ref, h, d, NULL), LK_OK);
    ck_assert_int_eq(lk_mat_alloc(&beta, h, d, NULL), LK_OK);
    gsl_rng *r1 = th_rng(5), *r2 = th_rng(5);
    ck_assert_int_eq(lk_ae_elm(&x, h, sig, 250, r1, &ref, NULL), LK_OK);
    unsigned long next = gsl_rng_get(r1);
    lk_matd w0, w1;
    ck_assert_int_eq(lk_matd_alloc(&w0, d, d + 1, NULL), LK_OK);
    ck_assert_int_eq(lk_matd_alloc(&w1, d, d + 1, NULL), LK_OK);
    ck_assert_int_eq(lk_ae_mda(&x, 0.35, 1e-3, &w0, NULL), LK_OK);
    static const size_t ROWS[] = { 13, 1, 2048, 3000, 4501 };
    for (size_t k = 0; k < sizeof ROWS / sizeof *ROWS; k++) {
        lk_mat_blocks mb;
        lk_blocks src = lk_blocks_of_mat(&mb, &x, NULL, ROWS[k]);
        gsl_rng_set(r2, 5);
        ck_assert_int_eq(lk_ae_elm_blocks(&src, h, sig, 250, r2, NULL, &beta, NULL), LK_OK);
        ck_assert_uint_eq(gsl_rng_get(r2), next);
        ck_assert_msg(memcmp(ref.data, beta.data, h * d * sizeof(lk_real)) == 0,
                      "ELM-AE in blocks of %zu rows: %g off", ROWS[k], th_rel_diff(&ref, &beta));
        ck_assert_int_eq(lk_ae_mda_blocks(&src, 0.35, 1e-3, NULL, &w1, NULL), LK_OK);
        ck_assert_msg(memcmp(w0.data, w1.data, d * (d + 1) * sizeof(double)) == 0,
                      "mDA in blocks of %zu rows", ROWS[k]);
    }
    lk_matd_free(&w0);
    lk_matd_free(&w1);
    lk_mat_free(&ref);
    lk_mat_free(&beta);
    lk_mat_free(&x);
    gsl_rng_free(r);
    gsl_rng_free(r1);
    gsl_rng_free(r2);
}
END_TEST

/* A source without rows, or without columns; a source that fails. */
static lk_status failing_next(void *ctx, lk_block *b, lk_error *err)
{
    (void)ctx;
    (void)b;
    return lk_error_set(err, LK_EIO, "blocks.bin", "byte 96", "read error");
}

static lk_status no_rewind(void *ctx, lk_error *err)
{
    (void)ctx;
    (void)err;
    return LK_OK;
}

START_TEST(test_blocks_errors)
{
    lk_mat x, beta;
    lk_matd w;
    ck_assert_int_eq(lk_mat_alloc(&x, 5, 3, NULL), LK_OK);
    ck_assert_int_eq(lk_mat_alloc(&beta, 4, 3, NULL), LK_OK);
    ck_assert_int_eq(lk_matd_alloc(&w, 3, 4, NULL), LK_OK);
    lk_act sig = lk_act_default(LK_ACT_SIGMOID);
    gsl_rng *r = th_rng(3);
    lk_error e;
    lk_mat none = x;
    none.rows = 0;
    lk_mat_blocks mb;
    lk_blocks src = lk_blocks_of_mat(&mb, &none, NULL, 4);
    ck_assert_int_eq(lk_ae_elm_blocks(&src, 4, sig, 10, r, NULL, &beta, &e), LK_EINVAL);
    ck_assert_str_eq(e.text, "ELM autoencoder needs rows");
    ck_assert_int_eq(lk_ae_mda_blocks(&src, 0.2, 0, NULL, &w, &e), LK_EINVAL);
    ck_assert_str_eq(e.text, "mDA needs rows");
    src = lk_blocks_of_mat(&mb, &x, NULL, 4);
    ck_assert_int_eq(lk_ae_elm_blocks(&src, 4, sig, 0, r, NULL, &beta, &e), LK_EINVAL);
    ck_assert_int_eq(lk_ae_mda_blocks(&src, 1.0, 0, NULL, &w, &e), LK_EINVAL);
    src.d = 2;
    ck_assert_int_eq(lk_ae_elm_blocks(&src, 4, sig, 10, r, NULL, &beta, &e), LK_EINVAL);
    ck_assert_int_eq(lk_ae_mda_blocks(&src, 0.2, 0, NULL, &w, &e), LK_EINVAL);
    lk_blocks bad = { failing_next, no_rewind, NULL, 3, 4 };
    ck_assert_int_eq(lk_ae_elm_blocks(&bad, 4, sig, 10, r, NULL, &beta, &e), LK_EIO);
    ck_assert_str_eq(e.place, "byte 96");
    ck_assert_int_eq(lk_ae_mda_blocks(&bad, 0.2, 0, NULL, &w, &e), LK_EIO);
    ck_assert_str_eq(e.source, "blocks.bin");
    lk_matd_free(&w);
    lk_mat_free(&beta);
    lk_mat_free(&x);
    gsl_rng_free(r);
}
END_TEST

START_TEST(test_errors)
{
    lk_net net;
    lk_error e = { 0 };
    ck_assert_int_eq(lk_ae_build(&net, 0, 3, lk_act_default(LK_ACT_SIGMOID),
                                 lk_act_default(LK_ACT_SIGMOID), 1, &e), LK_EINVAL);
    /* What lk_ae_load refuses in a file, lk_ae_build refuses: a softmax
     * encoder or decoder, a tied decoder on a PReLU encoder (untied, it
     * builds). */
    lk_act sig = lk_act_default(LK_ACT_SIGMOID), sm = lk_act_default(LK_ACT_SOFTMAX);
    lk_act pr = lk_act_default(LK_ACT_PRELU);
    ck_assert_int_eq(lk_ae_build(&net, 5, 3, sm, sig, 0, &e), LK_EINVAL);
    ck_assert_str_eq(e.place, "activation");
    ck_assert_int_eq(lk_ae_build(&net, 5, 3, sig, sm, 0, &e), LK_EINVAL);
    ck_assert_int_eq(lk_ae_build(&net, 5, 3, pr, sig, 1, &e), LK_EINVAL);
    ck_assert_ptr_nonnull(strstr(e.text, "PReLU"));
    ck_assert_int_eq(lk_ae_build(&net, 5, 3, pr, sig, 0, &e), LK_OK);
    lk_net_free(&net);
    lk_mat x;
    ck_assert_int_eq(lk_mat_alloc(&x, 4, 3, NULL), LK_OK);
    lk_matd w;
    ck_assert_int_eq(lk_matd_alloc(&w, 3, 4, NULL), LK_OK);
    ck_assert_int_eq(lk_ae_mda(&x, 1.0, 0, &w, &e), LK_EINVAL);
    ck_assert_int_eq(lk_ae_mda(&x, -0.1, 0, &w, &e), LK_EINVAL);
    /* All-zero data: Q is singular without regularization. */
    ck_assert_int_eq(lk_ae_mda(&x, 0.2, 0, &w, &e), LK_ENUMERIC);
    lk_matd_free(&w);
    lk_mat_free(&x);
}
END_TEST

/* ---------------------------------------------------------------- saved stacks */

/* k well separated classes in d features: class c raises features c, c+k, ... */
static void make_blobs(lk_mat *x, uint32_t *y, size_t n, size_t d, size_t k, gsl_rng *r)
{
    ck_assert_int_eq(lk_mat_alloc(x, n, d, NULL), LK_OK);
    for (size_t i = 0; i < n; i++) {
        y[i] = (uint32_t)(i % k);
        for (size_t j = 0; j < d; j++)
            LK_AT(x, i, j) = (lk_real)((j % k == y[i]) * 0.18 + 0.35 * gsl_rng_uniform(r));
    }
}

static void train(lk_net *net, const lk_mat *x, const lk_mat *y, lk_loss_kind loss,
                  size_t epochs, gsl_rng *r)
{
    lk_net_config cfg = lk_net_config_default();
    cfg.loss = loss;
    cfg.optim_cfg.lr = 0.02;
    cfg.batch = 10;
    cfg.epochs = epochs;
    lk_net_trainer *tr;
    ck_assert_int_eq(lk_net_trainer_alloc(&tr, net, &cfg, x, y, r, NULL), LK_OK);
    while (lk_net_test(tr) == LK_TRAIN_CONTINUE)
        ck_assert_int_eq(lk_net_iterate(tr, NULL, NULL), LK_OK);
    lk_net_trainer_free(tr);
}

/* Codes of x under every layer of a stack's encoder network. */
static void encode_all(const lk_net *enc, const lk_mat *x, lk_mat *out)
{
    lk_net_work w;
    ck_assert_int_eq(lk_mat_alloc(out, x->rows, lk_net_outputs(enc), NULL), LK_OK);
    ck_assert_int_eq(lk_net_work_alloc(&w, enc, x->rows, NULL), LK_OK);
    lk_net_predict(enc, &w, x, out);
    lk_net_work_free(&w);
}

/* Train a softmax head of st on the codes of x (the layer `ae --classify` stores),
 * and return its test accuracy on the codes of xt; then save the stack,
 * read it back through the model file format and the "ae" predictor, and
 * return the predictor's accuracy on xt itself. */
static void classify_round_trip(lk_ae_stack *st, const lk_mat *x, const uint32_t *y,
                                const lk_mat *xt, const uint32_t *yt, size_t k, gsl_rng *r,
                                double *acc, double *acc_back)
{
    lk_mat c, ct, t, scores;
    encode_all(&st->enc, x, &c);
    encode_all(&st->enc, xt, &ct);
    lk_act sm = lk_act_default(LK_ACT_SOFTMAX);
    ck_assert_int_eq(lk_mlp_build(&st->clf, c.cols, 0, NULL, 1, &sm, k, NULL,
                                  LK_LOSS_SOFTMAX_CE, NULL), LK_OK);
    st->has_clf = 1;
    lk_net_init(&st->clf, LK_INIT_AUTO, r);
    ck_assert_int_eq(lk_onehot(y, x->rows, k, &t, NULL), LK_OK);
    train(&st->clf, &c, &t, LK_LOSS_SOFTMAX_CE, 60, r);
    lk_net_work w;
    ck_assert_int_eq(lk_net_work_alloc(&w, &st->clf, 500, NULL), LK_OK);
    *acc = lk_mlp_accuracy(&st->clf, &w, &ct, yt);
    lk_net_work_free(&w);

    lk_model *m, *back;
    unsigned char *buf;
    size_t n;
    ck_assert_int_eq(lk_ae_save(st, NULL, NULL, &m, NULL), LK_OK);
    ck_assert_int_eq(lk_model_serialize(m, &buf, &n, NULL), LK_OK);
    ck_assert_int_eq(lk_model_parse(buf, n, "<memory>", &back, NULL), LK_OK);
    lk_predictor *p;
    ck_assert_int_eq(lk_predictor_load(back, &p, NULL), LK_OK);
    ck_assert_uint_eq(lk_predictor_inputs(p), x->cols);
    ck_assert_uint_eq(lk_predictor_outputs(p), k);
    ck_assert(lk_predictor_is_probability(p));
    ck_assert_int_eq(lk_mat_alloc(&scores, xt->rows, k, NULL), LK_OK);
    ck_assert_int_eq(lk_predictor_scores(p, xt, &scores, NULL), LK_OK);
    size_t right = 0;
    for (size_t i = 0; i < xt->rows; i++)
        right += lk_argmax(lk_mat_row(&scores, i), k) == yt[i];
    *acc_back = (double)right / (double)xt->rows;
    lk_predictor_free(p);
    lk_model_free(back);
    lk_model_free(m);
    free(buf);
    lk_mat_free(&scores);
    lk_mat_free(&t);
    lk_mat_free(&c);
    lk_mat_free(&ct);
}

/* A stack of two backprop autoencoders (a tied sigmoid one, then an untied
 * tanh one with an identity decoder), trained on x. */
static void backprop_stack(lk_ae_stack *st, const lk_mat *x, gsl_rng *r)
{
    size_t d = x->cols, h[2] = { 5, 4 };
    lk_act enc[2] = { lk_act_default(LK_ACT_SIGMOID), lk_act_default(LK_ACT_TANH) };
    lk_act dec[2] = { lk_act_default(LK_ACT_SIGMOID), lk_act_default(LK_ACT_IDENTITY) };
    *st = (lk_ae_stack){ .solver = LK_AE_BACKPROP };
    st->layers = calloc(2, sizeof *st->layers);
    lk_net_begin(&st->enc, d);
    for (size_t l = 0; l < 2; l++)
        ck_assert_int_eq(lk_net_add(&st->enc, h[l], enc[l], NULL), LK_OK);
    ck_assert_int_eq(lk_net_finish(&st->enc, NULL), LK_OK);
    lk_mat in = *x, codes[2];
    for (size_t l = 0; l < 2; l++) {
        lk_net *ae = &st->layers[l];
        ck_assert_int_eq(lk_ae_build(ae, in.cols, h[l], enc[l], dec[l], l == 0, NULL), LK_OK);
        lk_net_init(ae, LK_INIT_AUTO, r);
        train(ae, &in, &in, LK_LOSS_MSE, 15, r);
        ck_assert_int_eq(lk_mat_alloc(&codes[l], in.rows, h[l], NULL), LK_OK);
        ck_assert_int_eq(lk_net_apply_layer(ae, 0, &in, NULL, &codes[l], NULL), LK_OK);
        ck_assert_int_eq(lk_net_copy_layer(&st->enc, l, ae, 0, NULL), LK_OK);
        in = codes[l];
    }
    lk_mat_free(&codes[0]);
    lk_mat_free(&codes[1]);
}

/* Save, load, predict: the predictor's test accuracy is exactly the one
 * measured on the codes at training time, for each solver. */
START_TEST(test_save_load_predict_exact)
{
    gsl_rng *r = th_rng(2385);
    size_t n = 150, nt = 60, d = 7, k = 3;
    uint32_t y[150], yt[60];
    lk_mat x, xt;
    make_blobs(&x, y, n, d, k, r);
    make_blobs(&xt, yt, nt, d, k, r);
    for (int solver = 0; solver < 3; solver++) {
        lk_ae_stack st;
        if (solver == LK_AE_BACKPROP) {
            backprop_stack(&st, &x, r);
        } else if (solver == LK_AE_ELM) {
            lk_mat beta;
            st = (lk_ae_stack){ .solver = LK_AE_ELM };
            lk_net_begin(&st.enc, d);
            ck_assert_int_eq(lk_net_add(&st.enc, 6, lk_act_default(LK_ACT_SIGMOID), NULL), LK_OK);
            ck_assert_int_eq(lk_net_finish(&st.enc, NULL), LK_OK);
            ck_assert_int_eq(lk_mat_alloc(&beta, 6, d, NULL), LK_OK);
            ck_assert_int_eq(lk_ae_elm(&x, 6, lk_act_default(LK_ACT_SIGMOID), 1e3, r, &beta,
                                       NULL), LK_OK);
            ck_assert_int_eq(lk_net_set_layer(&st.enc, 0, &beta, NULL, NULL), LK_OK);
            lk_mat_free(&beta);
        } else {
            st = (lk_ae_stack){ .solver = LK_AE_MDA };
            lk_net_begin(&st.enc, d);
            ck_assert_int_eq(lk_net_add(&st.enc, d, lk_act_default(LK_ACT_TANH), NULL), LK_OK);
            ck_assert_int_eq(lk_net_finish(&st.enc, NULL), LK_OK);
            th_mda_layer(&st.enc, 0, &x, 0.3, 1e-5);
        }
        double acc, back;
        classify_round_trip(&st, &x, y, &xt, yt, k, r, &acc, &back);
        ck_assert_msg(acc > 0.8, "solver %d: the codes classify at %.3f only", solver, acc);
        ck_assert_msg(acc == back, "solver %d: %.6f at training, %.6f after loading", solver,
                      acc, back);
        lk_ae_stack_free(&st);
    }
    lk_mat_free(&x);
    lk_mat_free(&xt);
    gsl_rng_free(r);
}
END_TEST

/* A loaded stack holds exactly what was saved, decoders included. */
START_TEST(test_load_is_faithful)
{
    gsl_rng *r = th_rng(71);
    uint32_t y[40];
    lk_mat x;
    make_blobs(&x, y, 40, 7, 2, r);
    lk_ae_stack st, back;
    backprop_stack(&st, &x, r);
    lk_model *m;
    ck_assert_int_eq(lk_ae_save(&st, NULL, NULL, &m, NULL), LK_OK);
    ck_assert_int_eq(lk_ae_load(m, &back, NULL), LK_OK);
    ck_assert_int_eq(back.solver, LK_AE_BACKPROP);
    ck_assert(!back.has_clf);
    ck_assert_uint_eq(back.enc.params.n, st.enc.params.n);
    ck_assert_mem_eq(back.enc.params.w, st.enc.params.w, st.enc.params.n * sizeof(lk_real));
    for (size_t l = 0; l < 2; l++) {
        ck_assert_int_eq(back.layers[l].layers[1].tied, l == 0);
        ck_assert_uint_eq(back.layers[l].params.n, st.layers[l].params.n);
        ck_assert_mem_eq(back.layers[l].params.w, st.layers[l].params.w,
                         st.layers[l].params.n * sizeof(lk_real));
    }
    /* Without a classifier the predictor refuses, saying why. */
    lk_predictor *p;
    lk_error err;
    ck_assert_int_eq(lk_predictor_load(m, &p, &err), LK_EUNSUPPORTED);
    ck_assert_ptr_nonnull(strstr(err.text, "no classifier"));
    lk_ae_stack_free(&back);
    lk_ae_stack_free(&st);
    lk_model_free(m);
    lk_mat_free(&x);
    gsl_rng_free(r);
}
END_TEST

/* --init-from: the first layers of an MLP take exactly the saved encoder
 * weights, the others keep their own; mismatches are refused untouched. */
START_TEST(test_init_net_copies_encoders)
{
    gsl_rng *r = th_rng(909);
    uint32_t y[40];
    lk_mat x;
    make_blobs(&x, y, 40, 7, 2, r);
    lk_ae_stack st, back;
    backprop_stack(&st, &x, r);
    lk_model *m;
    ck_assert_int_eq(lk_ae_save(&st, NULL, NULL, &m, NULL), LK_OK);
    ck_assert_int_eq(lk_ae_load(m, &back, NULL), LK_OK);
    size_t hidden[] = { 5, 4, 3 };
    lk_act acts[] = { lk_act_default(LK_ACT_SIGMOID), lk_act_default(LK_ACT_TANH),
                      lk_act_default(LK_ACT_RELU) };
    lk_net net;
    ck_assert_int_eq(lk_mlp_build(&net, 7, 3, hidden, 3, acts, 2, NULL, LK_LOSS_SOFTMAX_CE,
                                  NULL), LK_OK);
    lk_net_init(&net, LK_INIT_AUTO, r);
    lk_real *before = malloc(net.params.n * sizeof *before);
    memcpy(before, net.params.w, net.params.n * sizeof *before);
    ck_assert_int_eq(lk_ae_init_net(&net, &back.enc, NULL), LK_OK);
    for (size_t l = 0; l < net.n_layers; l++) {
        const lk_dense *d = &net.layers[l];
        lk_mat w = lk_dense_w(d, &net.params);
        const lk_real *b = lk_dense_b(d, &net.params);
        if (l < 2) {
            const lk_dense *e = &st.enc.layers[l];
            lk_mat we = lk_dense_w(e, &st.enc.params);
            ck_assert_mem_eq(w.data, we.data, d->in * d->out * sizeof(lk_real));
            ck_assert_mem_eq(b, lk_dense_b(e, &st.enc.params), d->out * sizeof(lk_real));
        } else {
            ck_assert_mem_eq(w.data, before + d->w, d->in * d->out * sizeof(lk_real));
            ck_assert_mem_eq(b, before + d->b, d->out * sizeof(lk_real));
        }
    }
    lk_net_free(&net);

    /* A width that differs: refused naming both widths, nothing copied. */
    size_t other[] = { 5, 3 };
    lk_error err;
    ck_assert_int_eq(lk_mlp_build(&net, 7, 2, other, 2, acts, 2, NULL, LK_LOSS_SOFTMAX_CE,
                                  NULL), LK_OK);
    lk_net_init(&net, LK_INIT_AUTO, r);
    memcpy(before, net.params.w, net.params.n * sizeof *before);
    ck_assert_int_eq(lk_ae_init_net(&net, &back.enc, &err), LK_EINVAL);
    ck_assert_ptr_nonnull(strstr(err.text, "maps 5 to 3 units, but the encoder's maps 5 to 4"));
    ck_assert_mem_eq(net.params.w, before, net.params.n * sizeof *before);
    lk_net_free(&net);
    /* An activation that differs. */
    lk_act relu = lk_act_default(LK_ACT_RELU);
    ck_assert_int_eq(lk_mlp_build(&net, 7, 2, hidden, 1, &relu, 2, NULL, LK_LOSS_SOFTMAX_CE,
                                  NULL), LK_OK);
    ck_assert_int_eq(lk_ae_init_net(&net, &back.enc, &err), LK_EINVAL);
    ck_assert_ptr_nonnull(strstr(err.text, "activation relu, but the encoder's has sigmoid"));
    lk_net_free(&net);
    /* Too few layers: the encoders would leave no output layer. */
    ck_assert_int_eq(lk_mlp_build(&net, 7, 1, hidden, 1, acts, 5, NULL, LK_LOSS_SOFTMAX_CE,
                                  NULL), LK_OK);
    ck_assert_int_eq(lk_ae_init_net(&net, &back.enc, &err), LK_EINVAL);
    lk_net_free(&net);
    free(before);
    lk_ae_stack_free(&back);
    lk_ae_stack_free(&st);
    lk_model_free(m);
    lk_mat_free(&x);
    gsl_rng_free(r);
}
END_TEST

/* Damaged ae models: every entry the loader reads, made wrong one at a
 * time, is refused with LK_EFORMAT (or LK_ENOTFOUND) and no leak; every
 * truncation of the file is refused. */
START_TEST(test_load_errors)
{
    gsl_rng *r = th_rng(4242);
    uint32_t y[40];
    lk_mat x;
    make_blobs(&x, y, 40, 7, 2, r);
    lk_ae_stack st, back;
    backprop_stack(&st, &x, r);
    lk_act sm = lk_act_default(LK_ACT_SOFTMAX);
    ck_assert_int_eq(lk_mlp_build(&st.clf, 4, 0, NULL, 1, &sm, 2, NULL, LK_LOSS_SOFTMAX_CE,
                                  NULL), LK_OK);
    st.has_clf = 1;
    lk_net_init(&st.clf, LK_INIT_AUTO, r);
    lk_real nan_b[7] = { 0, 0, NAN, 0, 0, 0, 0 };
    lk_real w75[35] = { 0 }, w64[24] = { 0 };
    lk_mat m75 = lk_mat_view(w75, 7, 5, 5), m57 = lk_mat_view(w75, 5, 7, 7);
    lk_mat m64 = lk_mat_view(w64, 6, 4, 4);
    for (int c = 0; c < 17; c++) {
        lk_model *m;
        ck_assert_int_eq(lk_ae_save(&st, NULL, NULL, &m, NULL), LK_OK);
        lk_status want = LK_EFORMAT;
        switch (c) {
        case 0: lk_model_put_str(m, "arch.solver", "pca", NULL); break;
        case 1: lk_model_put_str(m, "arch.solver", "mda", NULL); break;  /* not square */
        case 2: lk_model_put_str(m, "arch.solver", "elm", NULL); break;  /* has decoders */
        case 3: lk_model_put_mat(m, "enc.w.0", &m75, NULL); break;
        case 4: lk_model_put_mat(m, "dec.1.w", &m64, NULL); break;
        case 5: lk_model_put_vec(m, "dec.0.b", 5, w75, NULL); break;
        case 6: lk_model_put_int(m, "dec.0.tied", 2, NULL); break;
        case 7: lk_model_put_str(m, "dec.1.activation", "swish", NULL); break;
        case 8: lk_model_put_mat(m, "dec.0.w", &m57, NULL); break;  /* tied, yet a W */
        case 9: lk_model_put_vec(m, "dec.0.b", 7, nan_b, NULL); break;
        case 10: lk_model_put_vec(m, "enc.b.0", 5, nan_b + 1, NULL); break;
        case 11: {
            const char *names[] = { "sigmoid", "softmax" };
            lk_model_put_strs(m, "enc.arch.activations", 2, names, NULL);
            break;
        }
        case 12: {
            double sizes[] = { 5, 2 };    /* a classifier on 5 codes, not 4 */
            lk_model_put_dvec(m, "clf.arch.sizes", 2, sizes, NULL);
            break;
        }
        case 13: {
            const char *names[] = { "sigmoid" };
            lk_model_put_strs(m, "clf.arch.activations", 1, names, NULL);
            break;
        }
        case 14: {
            double t[] = { -1, 0 };       /* an encoder layer tied to another */
            lk_model_put_dvec(m, "enc.arch.tied", 2, t, NULL);
            break;
        }
        case 15: {
            lk_model *e = lk_model_new("ae");
            lk_model_put_str(e, "arch.solver", "backprop", NULL);
            lk_model_free(m);
            m = e;
            want = LK_ENOTFOUND;
            break;
        }
        case 16: {
            lk_model *e = lk_model_new("mlp");
            lk_model_free(m);
            m = e;
            break;
        }
        }
        lk_error err;
        lk_status s = lk_ae_load(m, &back, &err);
        ck_assert_msg(s == want, "case %d: status %d, expected %d (%s)", c, s, want, err.text);
        lk_predictor *p = NULL;
        ck_assert_int_ne(lk_predictor_load(m, &p, NULL), LK_OK);
        ck_assert_ptr_null(p);
        lk_model_free(m);
    }
    /* The intact model reads back; every truncation of its bytes does not. */
    lk_model *m, *tmp;
    unsigned char *buf;
    size_t n;
    ck_assert_int_eq(lk_ae_save(&st, NULL, NULL, &m, NULL), LK_OK);
    ck_assert_int_eq(lk_model_serialize(m, &buf, &n, NULL), LK_OK);
    ck_assert_int_eq(lk_ae_load(m, &back, NULL), LK_OK);
    ck_assert(back.has_clf);
    lk_ae_stack_free(&back);
    for (size_t len = 0; len < n; len += 1 + len / 64) {
        ck_assert_int_ne(lk_model_parse(buf, len, "<memory>", &tmp, NULL), LK_OK);
    }
    free(buf);
    lk_model_free(m);
    lk_ae_stack_free(&st);
    lk_mat_free(&x);
    gsl_rng_free(r);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("ae");
    TCase *core = tcase_create("core");
    tcase_set_timeout(core, 120);
    tcase_add_test(core, test_gradient_tied_untied);
    tcase_add_test(core, test_corrupt_mask_and_gauss);
    tcase_add_test(core, test_linear_ae_reaches_pca);
    tcase_add_test(core, test_mda_p0_is_least_squares);
    tcase_add_test(core, test_mda_scatter_survives_offset);
    tcase_add_test(core, test_mda_matches_monte_carlo);
    tcase_add_test(core, test_elm_ae_reconstructs);
    tcase_add_test(core, test_blocks_equal_matrix);
    tcase_add_test(core, test_save_load_predict_exact);
    tcase_add_test(core, test_load_is_faithful);
    tcase_add_test(core, test_init_net_copies_encoders);
    suite_add_tcase(s, core);
    TCase *errors = tcase_create("errors");
    tcase_add_test(errors, test_errors);
    tcase_add_test(errors, test_blocks_errors);
    tcase_add_test(errors, test_load_errors);
    suite_add_tcase(s, errors);
    return th_run_suite(s);
}
