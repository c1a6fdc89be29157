/* Autoencoders: gradients of tied and untied reconstruction losses, the
 * corruption hook, the linear autoencoder against PCA, the mDA closed form
 * against Monte Carlo corruptions and least squares, the ELM autoencoder. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_randist.h>
#include "testhelp.h"
#include <learnkit/ae.h>

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
    lk_ae_corrupt(&x, &mask, r);
    double zeros = 0;
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < d; j++) {
            lk_real v = LK_AT(&x, i, j);
            ck_assert(v == 0 || v == (lk_real)0.625);
            zeros += v == 0;
        }
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
    lk_net_trainer tr;
    ck_assert_int_eq(lk_net_trainer_init(&tr, &net, &cfg, &x, &x, r, NULL), LK_OK);
    while (!lk_net_trainer_done(&tr)) {
        if (tr.epoch == 1000)
            tr.opt.cfg.lr = 0.001;
        ck_assert_int_eq(lk_net_trainer_epoch(&tr, NULL, NULL), LK_OK);
    }
    lk_net_trainer_free(&tr);
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
    ck_assert_int_eq(lk_ae_ridge(&xc, &y, 0, &b, NULL), LK_OK);
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

START_TEST(test_errors)
{
    lk_net net;
    lk_error e = { 0 };
    ck_assert_int_eq(lk_ae_build(&net, 0, 3, lk_act_default(LK_ACT_SIGMOID),
                                 lk_act_default(LK_ACT_SIGMOID), 1, &e), LK_EINVAL);
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

int main(void)
{
    Suite *s = suite_create("ae");
    TCase *core = tcase_create("core");
    tcase_set_timeout(core, 120);
    tcase_add_test(core, test_gradient_tied_untied);
    tcase_add_test(core, test_corrupt_mask_and_gauss);
    tcase_add_test(core, test_linear_ae_reaches_pca);
    tcase_add_test(core, test_mda_p0_is_least_squares);
    tcase_add_test(core, test_mda_matches_monte_carlo);
    tcase_add_test(core, test_elm_ae_reconstructs);
    suite_add_tcase(s, core);
    TCase *errors = tcase_create("errors");
    tcase_add_test(errors, test_errors);
    suite_add_tcase(s, errors);
    return th_run_suite(s);
}
