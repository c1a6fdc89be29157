/* mpi_fit_test.c — data-parallel fits equal one-process fits.  Run by
 * tests/mpi_fit.sh under mpirun -n 1..4 (and alone, as a world of one):
 * every rank makes the same seeded problem, fits it whole without a
 * communicator (the reference), then fits only its share of the rows with
 * one, and both models must agree on every rank.  On one rank the two runs
 * take the same path and must give the same bytes. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <learnkit.h>
#include "testhelp.h"

static lk_comm *C;
static int R, P;

#if LK_REAL_IS_DOUBLE
#define REL_TOL 1e-10
#else
#define REL_TOL 1e-4
#endif

/* 3 classes around three centres in 12 dimensions, 613 rows so that the
 * shares are uneven.  lsq gets them far from the origin (offset 3: the
 * shifted sums must cope); the ELM near it, so that its random features
 * are well conditioned and the float rounding of the two runs (blocks
 * folded in another order) cannot be amplified into a model difference. */
typedef struct problem {
    lk_mat x;
    uint32_t *y;
    size_t n, d, k;
} problem;

static problem make_problem(double offset)
{
    problem p = { .n = 613, .d = 12, .k = 3 };
    gsl_rng *r = th_rng(7);
    lk_mat_alloc(&p.x, p.n, p.d, NULL);
    p.y = malloc(p.n * sizeof *p.y);
    for (size_t i = 0; i < p.n; i++) {
        p.y[i] = (uint32_t)gsl_rng_uniform_int(r, p.k);
        for (size_t j = 0; j < p.d; j++)
            LK_AT(&p.x, i, j) = (lk_real)(offset + 0.7 * (double)((p.y[i] + j) % 3) +
                                          gsl_rng_uniform(r) - 0.5);
    }
    gsl_rng_free(r);
    return p;
}

static void problem_free(problem *p)
{
    lk_mat_free(&p->x);
    free(p->y);
}

/* This rank's rows. */
static lk_mat share(const problem *p, const uint32_t **y)
{
    size_t b, e;
    lk_comm_share(p->n, R, P, &b, &e);
    *y = p->y + b;
    return lk_mat_rows(&p->x, b, e - b);
}


static int same_bytes(const lk_mat *a, const lk_mat *b)
{
    for (size_t i = 0; i < a->rows; i++)
        if (memcmp(lk_mat_row(a, i), lk_mat_row(b, i), a->cols * sizeof(lk_real)))
            return 0;
    return 1;
}

static void check_elm(lk_elm_solver solver, int c_auto)
{
    problem p = make_problem(-0.7);
    lk_elm_params par = lk_elm_params_default();
    par.hidden = 40;
    par.solver = solver;
    par.C = 10;
    par.c_auto = c_auto;
    par.block_rows = 64;   /* several blocks per rank */
    lk_elm whole, part;
    lk_elm_report rw, rp;
    lk_error err;
    gsl_rng *r1 = th_rng(3), *r2 = th_rng(3);
    ck_assert_int_eq(lk_elm_fit(&whole, &par, &p.x, p.y, p.k, r1, &rw, &err), LK_OK);
    par.comm = C;
    const uint32_t *y;
    lk_mat x = share(&p, &y);
    ck_assert_int_eq(lk_elm_fit(&part, &par, &x, y, p.k, r2, &rp, &err), LK_OK);
    double diff = th_rel_diff(&whole.beta, &part.beta);
    if (R == 0)
        fprintf(stderr, "elm %s%s on %d ranks: relative difference %.2e\n",
                solver == LK_ELM_SVD ? "svd" : "ridge", c_auto ? " C auto" : "", P, diff);
    ck_assert_double_le(diff, REL_TOL);
    ck_assert(same_bytes(&whole.a, &part.a));
    if (P == 1)
        ck_assert(same_bytes(&whole.beta, &part.beta));
    if (solver == LK_ELM_SVD) {
        ck_assert_int_eq(rw.rank, rp.rank);
        if (R == 0)
            fprintf(stderr, "  singular values %.3g to %.3g\n", rw.sigma_max, rw.sigma_min_kept);
    }
    if (c_auto) {
        ck_assert_double_eq(rw.C, rp.C);
        ck_assert_double_eq_tol(rw.loo_error, rp.loo_error, 1e-12);
    }
    /* Every rank holds the same model. */
    double mine = 0;
    for (size_t i = 0; i < part.beta.rows; i++)
        for (size_t j = 0; j < part.beta.cols; j++)
            mine += (double)LK_AT(&part.beta, i, j) * (double)(i + 1);
    double lo = -mine, hi = mine;
    ck_assert_int_eq(lk_comm_max(C, &lo, 1, NULL), LK_OK);
    ck_assert_int_eq(lk_comm_max(C, &hi, 1, NULL), LK_OK);
    ck_assert_double_eq(-lo, hi);
    lk_elm_free(&whole);
    lk_elm_free(&part);
    gsl_rng_free(r1);
    gsl_rng_free(r2);
    problem_free(&p);
}

START_TEST(test_elm_svd) { check_elm(LK_ELM_SVD, 0); }
END_TEST
START_TEST(test_elm_ridge) { check_elm(LK_ELM_RIDGE, 0); }
END_TEST
START_TEST(test_elm_ridge_auto) { check_elm(LK_ELM_RIDGE, 1); }
END_TEST

static void check_lsq(int c_auto)
{
    problem p = make_problem(3.0);
    lk_lsq_params par = lk_lsq_params_default();
    par.C = 0.5;
    par.c_auto = c_auto;
    lk_lsq whole, part;
    lk_lsq_report rw, rp;
    lk_error err;
    ck_assert_int_eq(lk_lsq_fit(&whole, &par, &p.x, p.y, p.k, &rw, &err), LK_OK);
    par.comm = C;
    const uint32_t *y;
    lk_mat x = share(&p, &y);
    ck_assert_int_eq(lk_lsq_fit(&part, &par, &x, y, p.k, &rp, &err), LK_OK);
    double diff = th_rel_diff(&whole.w, &part.w);
    if (R == 0)
        fprintf(stderr, "lsq%s on %d ranks: relative difference %.2e\n", c_auto ? " C auto" : "",
                P, diff);
    ck_assert_double_le(diff, REL_TOL);
    lk_mat bw = lk_mat_view(whole.bias, 1, p.k, p.k), bp = lk_mat_view(part.bias, 1, p.k, p.k);
    ck_assert_double_le(th_rel_diff(&bw, &bp), REL_TOL);
    if (P == 1)
        ck_assert(same_bytes(&whole.w, &part.w));
    if (c_auto)
        ck_assert_double_eq(rw.C, rp.C);
    lk_lsq_free(&whole);
    lk_lsq_free(&part);
    problem_free(&p);
}

START_TEST(test_lsq) { check_lsq(0); }
END_TEST
START_TEST(test_lsq_auto) { check_lsq(1); }
END_TEST

/* This rank's rows for the autoencoders: on two or more ranks the last
 * rank holds none (a rank with an empty share must take part). */
static lk_mat share_last_empty(const problem *p)
{
    size_t b, e;
    lk_comm_share(p->n, R, P > 1 ? P - 1 : 1, &b, &e);
    if (P > 1 && R == P - 1)
        b = e = p->n;
    return lk_mat_rows(&p->x, b, e - b);
}

/* The ELM autoencoder and the mDA from each rank's share (one block, or
 * blocks of 64 rows) equal the one-process fits; on one rank, and on two
 * of which one is empty (it adds exact zeros), the same bytes.  The mDA's inputs are far from zero (offset 3),
 * so its bias column depends on the row count that S's last entry holds. */
static void check_ae(size_t block_rows)
{
    problem p = make_problem(-0.7), q = make_problem(3.0);
    lk_act sig = lk_act_default(LK_ACT_SIGMOID);
    lk_mat whole, part;
    /* Fewer codes than inputs: A's rows orthonormal, H well conditioned,
     * so that float sums folded in another order stay within REL_TOL. */
    size_t h = 9;
    lk_error err;
    ck_assert_int_eq(lk_mat_alloc(&whole, h, p.d, NULL), LK_OK);
    ck_assert_int_eq(lk_mat_alloc(&part, h, p.d, NULL), LK_OK);
    gsl_rng *r1 = th_rng(3), *r2 = th_rng(3);
    ck_assert_int_eq(lk_ae_elm(&p.x, h, sig, 10, r1, &whole, &err), LK_OK);
    lk_mat x = share_last_empty(&p);
    lk_mat_blocks mb;
    lk_blocks src = lk_blocks_of_mat(&mb, &x, NULL, block_rows ? block_rows : x.rows);
    ck_assert_msg(lk_ae_elm_blocks(&src, h, sig, 10, r2, C, &part, &err) == LK_OK, "%s", err.text);
    ck_assert_uint_eq(gsl_rng_get(r1), gsl_rng_get(r2));
    double diff = th_rel_diff(&whole, &part);
    if (R == 0)
        fprintf(stderr, "ELM-AE on %d ranks (blocks of %zu): relative difference %.2e\n", P,
                block_rows, diff);
    ck_assert_double_le(diff, REL_TOL);
    if (P <= 2)
        ck_assert(same_bytes(&whole, &part));

    lk_matd w0, w1;
    double pm = 0.4, reg = 1e-4;
    ck_assert_int_eq(lk_matd_alloc(&w0, q.d, q.d + 1, NULL), LK_OK);
    ck_assert_int_eq(lk_matd_alloc(&w1, q.d, q.d + 1, NULL), LK_OK);
    ck_assert_int_eq(lk_ae_mda(&q.x, pm, reg, &w0, &err), LK_OK);
    x = share_last_empty(&q);
    src = lk_blocks_of_mat(&mb, &x, NULL, block_rows ? block_rows : x.rows);
    ck_assert_msg(lk_ae_mda_blocks(&src, pm, reg, C, &w1, &err) == LK_OK, "%s", err.text);
    double top = 0, dm = 0;
    for (size_t i = 0; i < q.d * (q.d + 1); i++) {
        top = fmax(top, fabs(w0.data[i]));
        dm = fmax(dm, fabs(w0.data[i] - w1.data[i]));
    }
    if (R == 0)
        fprintf(stderr, "mDA on %d ranks (blocks of %zu): relative difference %.2e\n", P,
                block_rows, dm / top);
    ck_assert_double_le(dm / top, REL_TOL);
    if (P <= 2)
        ck_assert(memcmp(w0.data, w1.data, q.d * (q.d + 1) * sizeof(double)) == 0);
    /* Every rank holds the same maps. */
    double v[4] = { -w1.data[q.d], w1.data[q.d], -(double)LK_AT(&part, 3, 2),
                    (double)LK_AT(&part, 3, 2) };
    ck_assert_int_eq(lk_comm_max(C, v, 4, NULL), LK_OK);
    ck_assert_double_eq(-v[0], v[1]);
    ck_assert_double_eq(-v[2], v[3]);
    lk_matd_free(&w0);
    lk_matd_free(&w1);
    lk_mat_free(&whole);
    lk_mat_free(&part);
    gsl_rng_free(r1);
    gsl_rng_free(r2);
    problem_free(&p);
    problem_free(&q);
}

START_TEST(test_ae_one_block) { check_ae(0); }
END_TEST
START_TEST(test_ae_blocks) { check_ae(64); }
END_TEST

/* The stack of two closed-form layers from each rank's blocks (layer 1
 * trained on the codes of layer 0, encoded as the blocks arrive) and its
 * test MSE, a ratio of sums over the ranks, are those of one process. */
START_TEST(test_ae_stack_streamed)
{
    problem p = make_problem(-0.7);
    for (int mda = 0; mda <= 1; mda++) {
        lk_ae_stack_config c = lk_ae_stack_defaults();
        c.solver = mda ? LK_AE_MDA : LK_AE_ELM;
        c.n_layers = 2;
        c.hidden[0] = 9;
        c.hidden[1] = 6;
        c.C = 10;
        c.noise = (lk_ae_noise){ LK_AE_NOISE_MASK, 0.3 };
        lk_mat tr = lk_mat_rows(&p.x, 0, 500), te = lk_mat_rows(&p.x, 500, p.n - 500);
        lk_ae_stack_data whole = { .x = &tr, .xt = &te };
        lk_ae_stack a, b;
        lk_ae_stack_result ra, rb;
        lk_error err;
        gsl_rng *r1 = th_rng(8), *r2 = th_rng(8);
        ck_assert_int_eq(lk_ae_stack_fit(&c, &whole, r1, NULL, NULL, &a, &ra, &err), LK_OK);
        size_t b0, e0, b1, e1;
        lk_comm_share(tr.rows, R, P, &b0, &e0);
        lk_comm_share(te.rows, R, P, &b1, &e1);
        lk_mat xs = lk_mat_rows(&tr, b0, e0 - b0), ts = lk_mat_rows(&te, b1, e1 - b1);
        lk_mat_blocks m1, m2;
        lk_blocks bs = lk_blocks_of_mat(&m1, &xs, NULL, 37), bt = lk_blocks_of_mat(&m2, &ts, NULL, 37);
        lk_ae_stack_data part = { .blocks = &bs, .test_blocks = &bt };
        c.comm = C;
        ck_assert_msg(lk_ae_stack_fit(&c, &part, r2, NULL, NULL, &b, &rb, &err) == LK_OK, "%s",
                      err.text);
        lk_mat wa = lk_mat_view(a.enc.params.w, 1, a.enc.params.n, a.enc.params.n);
        lk_mat wb = lk_mat_view(b.enc.params.w, 1, b.enc.params.n, b.enc.params.n);
        double diff = th_rel_diff(&wa, &wb);
        if (R == 0)
            fprintf(stderr, "%s stack streamed on %d ranks: relative difference %.2e, test MSE "
                    "%.6g / %.6g\n", mda ? "mDA" : "ELM-AE", P, diff, ra.test_mse, rb.test_mse);
        ck_assert_double_le(diff, REL_TOL);
        if (mda)
            ck_assert_double_le(fabs(rb.test_mse - ra.test_mse), REL_TOL * ra.test_mse);
        else
            ck_assert(isnan(rb.test_mse));
        lk_ae_stack_free(&a);
        lk_ae_stack_free(&b);
        gsl_rng_free(r1);
        gsl_rng_free(r2);
    }
    problem_free(&p);
}
END_TEST

/* L-BFGS from the same start on the same objective: every rank sums its
 * share of the loss and gradient, so every rank takes the one-process
 * steps (up to the float rounding of the sums' order). */
START_TEST(test_logreg)
{
    /* A strongly convex problem (features near the origin, a firm
     * penalty) run to a tight gradient tolerance: the optimum is then
     * determined well enough that two float runs land on the same one. */
    problem p = make_problem(-0.7);
    lk_logreg_config cfg = lk_logreg_defaults();
    cfg.max_iter = 200;
    cfg.l2 = 0.1;
    cfg.gtol = 1e-6;
    cfg.rtol = 0;
    lk_logreg whole, part;
    lk_error err;
    lk_logreg_trainer *t;
    ck_assert_int_eq(lk_logreg_alloc(&whole, p.d, p.k, NULL), LK_OK);
    ck_assert_int_eq(lk_logreg_alloc(&part, p.d, p.k, NULL), LK_OK);
    ck_assert_int_eq(lk_logreg_trainer_alloc(&t, &whole, &p.x, p.y, &cfg, NULL, &err), LK_OK);
    while (lk_logreg_iterate(t, &err) == LK_OK && lk_logreg_test(t) == LK_TRAIN_CONTINUE)
        ;
    size_t it_whole = lk_logreg_iterations(t);
    double loss_whole = lk_logreg_loss(t);
    lk_logreg_trainer_free(t);
    cfg.comm = C;
    const uint32_t *y;
    lk_mat x = share(&p, &y);
    ck_assert_int_eq(lk_logreg_trainer_alloc(&t, &part, &x, y, &cfg, NULL, &err), LK_OK);
    while (lk_logreg_iterate(t, &err) == LK_OK && lk_logreg_test(t) == LK_TRAIN_CONTINUE)
        ;
    double loss_part = lk_logreg_loss(t);
    ck_assert_double_eq_tol(loss_part, loss_whole, 1e-6 * fabs(loss_whole));
    /* Not the iteration count: the stopping tests compare float sums
     * against tolerances, and one iteration more or less near the optimum
     * is within rounding of the same model. */
    lk_logreg_trainer_free(t);
    lk_mat ww = lk_mat_view(whole.params.w, 1, whole.params.n, whole.params.n);
    lk_mat wp = lk_mat_view(part.params.w, 1, part.params.n, part.params.n);
    double diff = th_rel_diff(&ww, &wp);
    if (R == 0)
        fprintf(stderr, "logreg on %d ranks: %zu iterations, loss %.8f, relative difference %.2e\n",
                P, it_whole, loss_whole, diff);
    ck_assert_double_le(diff, REL_TOL);
    if (P == 1)
        ck_assert(same_bytes(&ww, &wp));
    /* adam stays in one process, and says so. */
    cfg.solver = LK_LOGREG_ADAM;
    gsl_rng *r = th_rng(1);
    lk_status s = lk_logreg_trainer_alloc(&t, &part, &x, y, &cfg, r, &err);
    if (P > 1)
        ck_assert_int_eq(s, LK_EUNSUPPORTED);
    else
        lk_logreg_trainer_free(t);
    gsl_rng_free(r);
    lk_logreg_free(&whole);
    lk_logreg_free(&part);
    problem_free(&p);
}
END_TEST

/* A 12-16-3 network with seeded weights (the same on every rank). */
static void small_net(lk_net *net)
{
    lk_net_begin(net, 12);
    ck_assert_int_eq(lk_net_add(net, 16, lk_act_default(LK_ACT_TANH), NULL), LK_OK);
    ck_assert_int_eq(lk_net_add(net, 3, lk_act_default(LK_ACT_SOFTMAX), NULL), LK_OK);
    ck_assert_int_eq(lk_net_finish(net, NULL), LK_OK);
    gsl_rng *r = th_rng(11);
    lk_net_init(net, LK_INIT_AUTO, r);
    gsl_rng_free(r);
}

static void train(lk_net *net, const lk_net_config *cfg, const lk_mat *x, const uint32_t *y,
                  size_t n, size_t k, lk_net_epoch_stats *last)
{
    lk_mat t;
    ck_assert_int_eq(lk_onehot(y, n, k, &t, NULL), LK_OK);
    gsl_rng *r = th_rng(5);
    lk_net_trainer *tr;
    lk_error err;
    ck_assert_int_eq(lk_net_trainer_alloc(&tr, net, cfg, x, &t, r, &err), LK_OK);
    while (lk_net_test(tr) == LK_TRAIN_CONTINUE)
        ck_assert_int_eq(lk_net_iterate(tr, last, &err), LK_OK);
    lk_net_trainer_finish(tr);
    lk_net_trainer_free(tr);
    lk_mat_free(&t);
    gsl_rng_free(r);
}

/* Full-batch gradient descent with validation fraction val (0: none):
 * each step's global batch is every training row, so the summed gradient
 * is the one-process gradient whatever the shares, and the weights (and
 * every epoch's validation loss, the held-out rows being one process's)
 * must agree with one process's to rounding.  A split drawn per rank
 * would train and validate on other rows. */
static void check_full_batch(double val, size_t epochs, const char *what)
{
    problem p = make_problem(-0.7);
    lk_net whole, part;
    small_net(&whole);
    small_net(&part);
    lk_net_config cfg = lk_net_config_default();
    cfg.optim = &lk_optim_sgd;
    cfg.optim_cfg = lk_optim_defaults(&lk_optim_sgd);
    cfg.optim_cfg.lr = 0.5;
    cfg.batch = p.n;
    cfg.epochs = epochs;
    cfg.validation = val;
    cfg.patience = 100;
    lk_net_epoch_stats sw, sp;
    train(&whole, &cfg, &p.x, p.y, p.n, p.k, &sw);
    cfg.comm = C;
    const uint32_t *y;
    lk_mat x = share(&p, &y);
    train(&part, &cfg, &x, y, x.rows, p.k, &sp);
    lk_mat ww = lk_mat_view(whole.params.w, 1, whole.params.n, whole.params.n);
    lk_mat wp = lk_mat_view(part.params.w, 1, part.params.n, part.params.n);
    double diff = th_rel_diff(&ww, &wp);
    if (R == 0)
        fprintf(stderr, "net %s on %d ranks: loss %.6f / %.6f, validation loss %.6f / %.6f, "
                "relative difference %.2e\n", what, P, sw.loss, sp.loss, sw.val_loss,
                sp.val_loss, diff);
    ck_assert_double_le(diff, REL_TOL);
    ck_assert_double_eq_tol(sp.loss, sw.loss, 1e-5);
    ck_assert_uint_eq(sp.rows, sw.rows);
    if (val > 0)
        ck_assert_double_eq_tol(sp.val_loss, sw.val_loss, 1e-5 * sw.val_loss);
    else
        ck_assert_uint_eq(sp.rows, p.n);
    if (P == 1)
        ck_assert(same_bytes(&ww, &wp));
    lk_net_free(&whole);
    lk_net_free(&part);
    problem_free(&p);
}

START_TEST(test_net_full_batch_equals_one_process) { check_full_batch(0, 20, "full batch"); }
END_TEST

START_TEST(test_net_validation_equals_one_process)
{
    check_full_batch(0.23, 12, "with validation");
}
END_TEST

/* Mini-batches of 32 rows split among the ranks: every rank ends with the
 * same weights (one sum per step, one step everywhere), the loss falls,
 * and the network learns the classes. */
START_TEST(test_net_minibatch_ranks_agree)
{
    problem p = make_problem(-0.7);
    lk_net net;
    small_net(&net);
    lk_net_config cfg = lk_net_config_default();
    cfg.optim_cfg.lr = 0.01;
    cfg.batch = 32;
    cfg.epochs = 15;
    cfg.validation = 0.1;
    cfg.comm = C;
    const uint32_t *y;
    lk_mat x = share(&p, &y);
    lk_net_epoch_stats st;
    train(&net, &cfg, &x, y, x.rows, p.k, &st);
    double mine = 0;
    for (size_t i = 0; i < net.params.n; i++)
        mine += (double)net.params.w[i] * (double)(i % 7 + 1);
    double lo = -mine, hi = mine;
    ck_assert_int_eq(lk_comm_max(C, &lo, 1, NULL), LK_OK);
    ck_assert_int_eq(lk_comm_max(C, &hi, 1, NULL), LK_OK);
    ck_assert_double_eq(-lo, hi);
    if (R == 0)
        fprintf(stderr, "net batch 32 on %d ranks: loss %.4f, %zu of %zu rows missed\n", P,
                st.loss, st.errors, st.rows);
    ck_assert_double_lt(st.loss, 0.3);
    ck_assert_uint_lt(st.errors, st.rows / 10);
    lk_net_free(&net);
    problem_free(&p);
}
END_TEST

/* Iterative parameter mixing on separable classes: every rank ends with
 * the same weights, the ranks stop together when no rank makes a mistake,
 * and the averaged perceptron's weights are the same everywhere too. */
START_TEST(test_perceptron_mixing)
{
    problem p = make_problem(-0.7);
    for (int averaged = 0; averaged <= 1; averaged++) {
        lk_perceptron whole, part;
        ck_assert_int_eq(lk_perceptron_alloc(&whole, p.d, p.k, NULL), LK_OK);
        ck_assert_int_eq(lk_perceptron_alloc(&part, p.d, p.k, NULL), LK_OK);
        lk_perceptron_config cfg = lk_perceptron_defaults();
        cfg.averaged = averaged;
        cfg.epochs = 50;
        lk_perceptron_trainer *t;
        gsl_rng *r1 = th_rng(2), *r2 = th_rng(2);
        ck_assert_int_eq(lk_perceptron_trainer_alloc(&t, &whole, &p.x, p.y, &cfg, r1, NULL), LK_OK);
        do
            ck_assert_int_eq(lk_perceptron_iterate(t, NULL), LK_OK);
        while (lk_perceptron_test(t) == LK_TRAIN_CONTINUE);
        lk_perceptron_trainer_finish(t);
        lk_perceptron_trainer_free(t);
        cfg.comm = C;
        const uint32_t *y;
        lk_mat x = share(&p, &y);
        ck_assert_int_eq(lk_perceptron_trainer_alloc(&t, &part, &x, y, &cfg, r2, NULL), LK_OK);
        do
            ck_assert_int_eq(lk_perceptron_iterate(t, NULL), LK_OK);
        while (lk_perceptron_test(t) == LK_TRAIN_CONTINUE);
        ck_assert(lk_perceptron_converged(t));
        size_t epochs = lk_perceptron_epochs(t);
        /* The average of every rank's visits before the end is the one
         * the end makes. */
        lk_perceptron avg;
        ck_assert_int_eq(lk_perceptron_alloc(&avg, p.d, p.k, NULL), LK_OK);
        ck_assert_int_eq(lk_perceptron_average_all(t, &avg, NULL), LK_OK);
        lk_perceptron_trainer_finish(t);
        lk_perceptron_trainer_free(t);
        lk_mat wa = lk_perceptron_w(&avg), wp = lk_perceptron_w(&part);
        ck_assert(same_bytes(&wa, &wp));
        lk_perceptron_free(&avg);
        double mine = 0, e = (double)epochs;
        for (size_t i = 0; i < part.params.n; i++)
            mine += (double)part.params.w[i] * (double)(i % 5 + 1);
        double v[4] = { -mine, mine, -e, e };
        ck_assert_int_eq(lk_comm_max(C, v, 4, NULL), LK_OK);
        ck_assert_double_eq(-v[0], v[1]);
        ck_assert_double_eq(-v[2], v[3]);
        lk_mat s;
        lk_mat_alloc(&s, p.n, p.k, NULL);
        lk_perceptron_scores(&part, &p.x, &s, NULL);
        size_t right = 0;
        for (size_t i = 0; i < p.n; i++)
            right += lk_argmax(lk_mat_row(&s, i), p.k) == p.y[i];
        if (R == 0)
            fprintf(stderr, "perceptron%s on %d ranks: %zu epochs, %zu of %zu right\n",
                    averaged ? " averaged" : "", P, epochs, right, p.n);
        ck_assert_uint_ge(right, p.n - p.n / 50);
        if (P == 1) {
            lk_mat a = lk_perceptron_w(&whole), b = lk_perceptron_w(&part);
            ck_assert(same_bytes(&a, &b));
        }
        lk_mat_free(&s);
        lk_perceptron_free(&whole);
        lk_perceptron_free(&part);
        gsl_rng_free(r1);
        gsl_rng_free(r2);
    }
    problem_free(&p);
}
END_TEST

/* A bad label in the last rank's share: every rank fails with that rank's
 * message, and nobody waits for the others. */
START_TEST(test_failure_on_one_rank)
{
    problem p = make_problem(3.0);
    const uint32_t *y;
    lk_mat x = share(&p, &y);
    uint32_t *mine = malloc(x.rows * sizeof *mine);
    memcpy(mine, y, x.rows * sizeof *mine);
    if (R == P - 1)
        mine[x.rows - 1] = 7;
    lk_error err;
    lk_elm_params ep = lk_elm_params_default();
    ep.hidden = 20;
    ep.comm = C;
    lk_elm e;
    gsl_rng *r = th_rng(3);
    ck_assert_int_eq(lk_elm_fit(&e, &ep, &x, mine, p.k, r, NULL, &err), LK_EINVAL);
    ck_assert_ptr_nonnull(strstr(err.text, "label 7"));
    lk_lsq_params lp = lk_lsq_params_default();
    lp.comm = C;
    lk_lsq l;
    ck_assert_int_eq(lk_lsq_fit(&l, &lp, &x, mine, p.k, NULL, &err), LK_EINVAL);
    ck_assert_ptr_nonnull(strstr(err.text, "label 7"));
    lk_logreg lr;
    ck_assert_int_eq(lk_logreg_alloc(&lr, p.d, p.k, NULL), LK_OK);
    lk_logreg_config lc = lk_logreg_defaults();
    lc.comm = C;
    lk_logreg_trainer *t;
    ck_assert_int_eq(lk_logreg_trainer_alloc(&t, &lr, &x, mine, &lc, NULL, &err), LK_EINVAL);
    ck_assert_ptr_nonnull(strstr(err.text, "class 7"));
    lk_logreg_free(&lr);
    gsl_rng_free(r);
    free(mine);
    problem_free(&p);
}
END_TEST

int main(int argc, char **argv)
{
    if (!(C = th_mpi_start(&argc, &argv, "mpi_fit_test")))
        return 1;
    R = lk_comm_rank(C);
    P = lk_comm_size(C);
    lk_blas_set_threads(1);
    Suite *s = suite_create("mpi_fit");
    TCase *core = tcase_create("core");
    tcase_add_test(core, test_elm_svd);
    tcase_add_test(core, test_elm_ridge);
    tcase_add_test(core, test_elm_ridge_auto);
    tcase_add_test(core, test_lsq);
    tcase_add_test(core, test_lsq_auto);
    tcase_add_test(core, test_ae_one_block);
    tcase_add_test(core, test_ae_blocks);
    tcase_add_test(core, test_ae_stack_streamed);
    tcase_add_test(core, test_logreg);
    tcase_add_test(core, test_net_full_batch_equals_one_process);
    tcase_add_test(core, test_net_validation_equals_one_process);
    tcase_add_test(core, test_net_minibatch_ranks_agree);
    tcase_add_test(core, test_perceptron_mixing);
    TCase *errors = tcase_create("errors");
    tcase_add_test(errors, test_failure_on_one_rank);
    suite_add_tcase(s, core);
    suite_add_tcase(s, errors);
    return th_run_mpi_suite(s, C);
}
