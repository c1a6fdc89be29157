/* perceptron_test.c — the worked example step by step, XOR's endless
 * updates, the windowed trainer against the one-sample-at-a-time rule, the
 * averaging trick against a brute-force mean, files, limits and errors. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_randist.h>
#include <learnkit/perceptron.h>
#include "testhelp.h"

/* ================================================================ core */

/* M1 = (3,3) and M2 = (4,3) positive, M3 = (1,1) negative; w = 0, b = 0,
 * eta = 1; at each step the first misclassified point in the order M1, M2,
 * M3 is used.  Expected: updates at M1, M3, M3, M3, M1, M3, M3 and the
 * separator x1 + x2 - 3 after 7 updates. */
START_TEST(test_worked_example)
{
    static const lk_real pts[3][2] = { { 3, 3 }, { 4, 3 }, { 1, 1 } };
    static const uint32_t cls[3] = { 1, 1, 0 };
    static const int expect_log[7] = { 0, 2, 2, 2, 0, 2, 2 };
    static const lk_real expect_wb[7][3] = {
        { 3, 3, 1 }, { 2, 2, 0 }, { 1, 1, -1 }, { 0, 0, -2 },
        { 3, 3, -1 }, { 2, 2, -2 }, { 1, 1, -3 } };
    lk_perceptron p;
    ck_assert_int_eq(lk_perceptron_alloc(&p, 2, 2, NULL), LK_OK);
    ck_assert_uint_eq(p.cols, 1);
    lk_real work[3];
    int log[16];
    size_t updates = 0;
    for (;;) {
        int hit = -1;
        for (int i = 0; i < 3 && hit < 0; i++)
            if (lk_perceptron_step(&p, pts[i], cls[i], 1.0, work))
                hit = i;
        if (hit < 0)
            break;
        ck_assert_uint_lt(updates, 16);
        log[updates] = hit;
        lk_mat w = lk_perceptron_w(&p);
        ck_assert_uint_lt(updates, 7);
        ck_assert(w.data[0] == expect_wb[updates][0]);
        ck_assert(w.data[1] == expect_wb[updates][1]);
        ck_assert(lk_perceptron_b(&p)[0] == expect_wb[updates][2]);
        updates++;
    }
    ck_assert_uint_eq(updates, 7);
    for (size_t u = 0; u < 7; u++)
        ck_assert_int_eq(log[u], expect_log[u]);
    lk_mat w = lk_perceptron_w(&p);
    ck_assert(w.data[0] == 1 && w.data[1] == 1 && lk_perceptron_b(&p)[0] == -3);

    /* The trainer, visiting in order without shuffling, makes the same 7
     * updates (here the cyclic order meets the mistakes in the same order)
     * and stops on an epoch without mistakes. */
    lk_perceptron q;
    lk_perceptron_alloc(&q, 2, 2, NULL);
    lk_mat x = lk_mat_view((lk_real *)pts, 3, 2, 2);
    lk_perceptron_config cfg = lk_perceptron_defaults();
    cfg.shuffle = 0;
    lk_perceptron_trainer *t;
    ck_assert_int_eq(lk_perceptron_trainer_alloc(&t, &q, &x, cls, &cfg, NULL, NULL), LK_OK);
    do
        ck_assert_int_eq(lk_perceptron_iterate(t, NULL), LK_OK);
    while (lk_perceptron_test(t) == LK_TRAIN_CONTINUE);
    ck_assert(lk_perceptron_converged(t));
    ck_assert_int_eq(lk_perceptron_test(t), LK_TRAIN_CONVERGED);
    ck_assert_uint_eq(lk_perceptron_total_mistakes(t), 7);
    ck_assert_double_eq(lk_perceptron_epoch_loss(t), 0);
    lk_perceptron_trainer_finish(t);
    lk_perceptron_trainer_free(t);
    w = lk_perceptron_w(&q);
    ck_assert(w.data[0] == 1 && w.data[1] == 1 && lk_perceptron_b(&q)[0] == -3);
    /* Scores (-z, z): M1 scores 3, M3 scores -1. */
    lk_mat s;
    lk_mat_alloc(&s, 3, 2, NULL);
    ck_assert_int_eq(lk_perceptron_scores(&q, &x, &s, NULL), LK_OK);
    ck_assert(LK_AT(&s, 0, 1) == 3 && LK_AT(&s, 0, 0) == -3);
    ck_assert(LK_AT(&s, 1, 1) == 4 && LK_AT(&s, 2, 1) == -1);
    lk_mat_free(&s);
    lk_perceptron_free(&q);
    lk_perceptron_free(&p);
}
END_TEST

/* XOR is not linearly separable: every epoch of the budget makes mistakes,
 * and the trainer reports that it did not converge. */
START_TEST(test_xor_never_converges)
{
    static const lk_real pts[4][2] = { { 0, 0 }, { 1, 1 }, { 0, 1 }, { 1, 0 } };
    static const uint32_t cls[4] = { 0, 0, 1, 1 };
    lk_mat x = lk_mat_view((lk_real *)pts, 4, 2, 2);
    for (int shuffle = 0; shuffle < 2; shuffle++) {
        lk_perceptron p;
        lk_perceptron_alloc(&p, 2, 2, NULL);
        lk_perceptron_config cfg = lk_perceptron_defaults();
        cfg.epochs = 200;
        cfg.shuffle = shuffle;
        gsl_rng *r = th_rng(3);
        lk_perceptron_trainer *t;
        ck_assert_int_eq(lk_perceptron_trainer_alloc(&t, &p, &x, cls, &cfg, r, NULL), LK_OK);
        size_t epochs = 0;
        do {
            ck_assert_int_eq(lk_perceptron_iterate(t, NULL), LK_OK);
            epochs++;
            ck_assert_uint_gt(lk_perceptron_mistakes(t), 0);
        } while (lk_perceptron_test(t) == LK_TRAIN_CONTINUE);
        ck_assert_uint_eq(epochs, 200);
        ck_assert_uint_eq(lk_perceptron_epochs(t), 200);
        ck_assert(!lk_perceptron_converged(t));
        ck_assert_int_eq(lk_perceptron_test(t), LK_TRAIN_MAXITER);
        ck_assert_uint_ge(lk_perceptron_total_mistakes(t), 200);
        fprintf(stderr, "xor (%s): not converged after %zu epochs, %zu updates\n",
                shuffle ? "shuffled" : "in order", lk_perceptron_epochs(t),
                lk_perceptron_total_mistakes(t));
        lk_perceptron_trainer_free(t);
        gsl_rng_free(r);
        lk_perceptron_free(&p);
    }
}
END_TEST

/* Integer features keep every product and sum exact in float, so the
 * windowed GEMM scoring of the trainer must make exactly the decisions
 * and weights of the one-sample-at-a-time rule. */
static void integer_data(lk_mat *x, uint32_t *y, size_t n, size_t d, size_t k, gsl_rng *r)
{
    lk_mat_alloc(x, n, d, NULL);
    for (size_t i = 0; i < n; i++) {
        y[i] = (uint32_t)gsl_rng_uniform_int(r, k);
        for (size_t j = 0; j < d; j++) {
            long v = (long)gsl_rng_uniform_int(r, 7) - 3;
            if (j == y[i] % d)
                v += 2;      /* a class signal, so that some epochs are clean */
            LK_AT(x, i, j) = (lk_real)v;
        }
    }
}

static void check_matches_stepwise(size_t k, size_t n, size_t epochs)
{
    const size_t d = 9;
    gsl_rng *r = th_rng(100 + k);
    uint32_t *y = malloc(n * sizeof *y);
    lk_mat x;
    integer_data(&x, y, n, d, k, r);
    lk_perceptron a, b;
    lk_perceptron_alloc(&a, d, k, NULL);
    lk_perceptron_alloc(&b, d, k, NULL);
    lk_perceptron_config cfg = lk_perceptron_defaults();
    cfg.shuffle = 0;
    cfg.epochs = epochs;
    lk_perceptron_trainer *t;
    ck_assert_int_eq(lk_perceptron_trainer_alloc(&t, &a, &x, y, &cfg, NULL, NULL), LK_OK);
    lk_real *work = malloc(3 * b.cols * sizeof *work);
    size_t total = 0;
    for (size_t e = 0; e < epochs; e++) {
        ck_assert_int_eq(lk_perceptron_iterate(t, NULL), LK_OK);
        size_t m = 0;
        for (size_t i = 0; i < n; i++)
            m += (size_t)lk_perceptron_step(&b, lk_mat_row(&x, i), y[i], 1.0, work);
        total += m;
        ck_assert_uint_eq(lk_perceptron_mistakes(t), m);
        ck_assert(memcmp(a.params.w, b.params.w, a.params.n * sizeof(lk_real)) == 0);
        if (m == 0)
            break;
    }
    ck_assert_uint_eq(lk_perceptron_total_mistakes(t), total);
    lk_perceptron_trainer_free(t);
    free(work);
    lk_perceptron_free(&a);
    lk_perceptron_free(&b);
    lk_mat_free(&x);
    free(y);
    gsl_rng_free(r);
}

START_TEST(test_windowed_equals_stepwise_multiclass)
{
    check_matches_stepwise(5, 1000, 6);   /* > one block of rows */
}
END_TEST

START_TEST(test_windowed_equals_stepwise_binary)
{
    check_matches_stepwise(2, 700, 4);
}
END_TEST

/* The averaging trick against the mean of the weights after every visit,
 * computed by brute force (w_0 = 0 included). */
START_TEST(test_averaged_is_the_mean)
{
    const size_t n = 300, d = 6, k = 4, epochs = 3;
    gsl_rng *r = th_rng(77), *r2 = th_rng(78), *r3 = th_rng(78);
    uint32_t *y = malloc(n * sizeof *y);
    lk_mat x;
    integer_data(&x, y, n, d, k, r);
    lk_perceptron a, b, avg;
    lk_perceptron_alloc(&a, d, k, NULL);
    lk_perceptron_alloc(&b, d, k, NULL);
    lk_perceptron_alloc(&avg, d, k, NULL);
    lk_perceptron_config cfg = lk_perceptron_defaults();
    cfg.averaged = 1;
    cfg.epochs = epochs;
    lk_perceptron_trainer *t;
    ck_assert_int_eq(lk_perceptron_trainer_alloc(&t, &a, &x, y, &cfg, r2, NULL), LK_OK);
    /* Brute force over the same shuffled orders (same generator seed). */
    size_t np = b.params.n, *perm = malloc(n * sizeof *perm);
    double *sum = calloc(np, sizeof *sum);
    lk_real *work = malloc(3 * b.cols * sizeof *work);
    for (size_t i = 0; i < n; i++)
        perm[i] = i;
    for (size_t e = 0; e < epochs; e++) {
        ck_assert_int_eq(lk_perceptron_iterate(t, NULL), LK_OK);
        gsl_ran_shuffle(r3, perm, n, sizeof *perm);
        for (size_t i = 0; i < n; i++) {
            lk_perceptron_step(&b, lk_mat_row(&x, perm[i]), y[perm[i]], 1.0, work);
            for (size_t j = 0; j < np; j++)
                sum[j] += b.params.w[j];
        }
    }
    ck_assert(memcmp(a.params.w, b.params.w, np * sizeof(lk_real)) == 0);
    lk_perceptron_average(t, &avg);
    double visits = (double)(n * epochs) + 1;
    for (size_t j = 0; j < np; j++)
        ck_assert_double_le(fabs(avg.params.w[j] - sum[j] / visits),
                            TH_SUM_TOL(64) * (1 + fabs(sum[j] / visits)));
    lk_perceptron_trainer_finish(t);
    ck_assert(memcmp(a.params.w, avg.params.w, np * sizeof(lk_real)) == 0);
    /* Finished: the averaged weights are final, a further epoch is refused. */
    lk_error err;
    ck_assert_int_eq(lk_perceptron_iterate(t, &err), LK_EINVAL);
    ck_assert(memcmp(a.params.w, avg.params.w, np * sizeof(lk_real)) == 0);
    lk_perceptron_trainer_free(t);
    free(perm); free(sum); free(work); free(y);
    lk_mat_free(&x);
    lk_perceptron_free(&a); lk_perceptron_free(&b); lk_perceptron_free(&avg);
    gsl_rng_free(r); gsl_rng_free(r2); gsl_rng_free(r3);
}
END_TEST

START_TEST(test_separable_multiclass_converges)
{
    /* Three well-separated clusters: the convergence theorem applies. */
    const size_t n = 240, d = 3, k = 3;
    gsl_rng *r = th_rng(8);
    lk_mat x;
    lk_mat_alloc(&x, n, d, NULL);
    uint32_t *y = malloc(n * sizeof *y);
    for (size_t i = 0; i < n; i++) {
        y[i] = (uint32_t)(i % k);
        for (size_t j = 0; j < d; j++)
            LK_AT(&x, i, j) = (lk_real)((j == y[i] ? 4.25 : 0) + gsl_ran_flat(r, -1, 1));
    }
    lk_perceptron p;
    lk_perceptron_alloc(&p, d, k, NULL);
    lk_perceptron_config cfg = lk_perceptron_defaults();
    cfg.epochs = 100;
    lk_perceptron_trainer *t;
    ck_assert_int_eq(lk_perceptron_trainer_alloc(&t, &p, &x, y, &cfg, r, NULL), LK_OK);
    do
        ck_assert_int_eq(lk_perceptron_iterate(t, NULL), LK_OK);
    while (lk_perceptron_test(t) == LK_TRAIN_CONTINUE);
    ck_assert(lk_perceptron_converged(t));
    ck_assert_uint_lt(lk_perceptron_epochs(t), 100);
    lk_perceptron_trainer_free(t);
    lk_mat s;
    lk_mat_alloc(&s, n, k, NULL);
    lk_perceptron_scores(&p, &x, &s, NULL);
    for (size_t i = 0; i < n; i++)
        ck_assert_uint_eq(lk_argmax(lk_mat_row(&s, i), k), y[i]);

    /* Through a model file and the predictor registry. */
    lk_model *m;
    ck_assert_int_eq(lk_perceptron_save(&p, NULL, NULL, &m, NULL), LK_OK);
    lk_predictor *pr;
    ck_assert_int_eq(lk_predictor_load(m, &pr, NULL), LK_OK);
    ck_assert_int_eq(lk_predictor_is_probability(pr), 0);
    lk_mat s2;
    lk_mat_alloc(&s2, n, k, NULL);
    ck_assert_int_eq(lk_predictor_scores(pr, &x, &s2, NULL), LK_OK);
    ck_assert(memcmp(s.data, s2.data, n * k * sizeof(lk_real)) == 0);
    lk_predictor_free(pr);
    lk_model_free(m);
    lk_mat_free(&s); lk_mat_free(&s2); lk_mat_free(&x);
    free(y);
    lk_perceptron_free(&p);
    gsl_rng_free(r);
}
END_TEST

/* ================================================================ limits */

START_TEST(test_single_sample)
{
    lk_real v[2] = { -2.5, 0.375 };
    uint32_t c = 1;
    lk_mat x = lk_mat_view(v, 1, 2, 2);
    lk_perceptron p;
    lk_perceptron_alloc(&p, 2, 2, NULL);
    lk_perceptron_config cfg = lk_perceptron_defaults();
    cfg.averaged = 1;
    gsl_rng *r = th_rng(1);
    lk_perceptron_trainer *t;
    ck_assert_int_eq(lk_perceptron_trainer_alloc(&t, &p, &x, &c, &cfg, r, NULL), LK_OK);
    do
        ck_assert_int_eq(lk_perceptron_iterate(t, NULL), LK_OK);
    while (lk_perceptron_test(t) == LK_TRAIN_CONTINUE);
    /* One update (zero start is a mistake), then a clean epoch. */
    ck_assert_uint_eq(lk_perceptron_total_mistakes(t), 1);
    ck_assert_uint_eq(lk_perceptron_epochs(t), 2);
    lk_perceptron_trainer_finish(t);
    lk_perceptron_trainer_free(t);
    /* Mean of w_0 = 0, w_1 = w_2 = (x, 1): 2/3 of the update. */
    lk_mat w = lk_perceptron_w(&p);
    ck_assert_double_le(fabs(w.data[0] - 2.0 / 3 * -2.5), 4 * LK_REAL_EPSILON);
    ck_assert_double_le(fabs(lk_perceptron_b(&p)[0] - 2.0 / 3), 4 * LK_REAL_EPSILON);
    gsl_rng_free(r);
    lk_perceptron_free(&p);
}
END_TEST

/* ================================================================ errors */

START_TEST(test_errors)
{
    lk_perceptron p;
    lk_error err;
    ck_assert_int_eq(lk_perceptron_alloc(&p, 3, 1, &err), LK_EINVAL);
    ck_assert_int_eq(lk_perceptron_alloc(&p, 0, 4, &err), LK_EINVAL);
    lk_perceptron_config cfg = lk_perceptron_defaults();
    ck_assert_ptr_null(lk_perceptron_check(&cfg));
    cfg.eta = 0;
    ck_assert_ptr_nonnull(lk_perceptron_check(&cfg));
    cfg = lk_perceptron_defaults();
    cfg.epochs = 0;
    ck_assert_ptr_nonnull(lk_perceptron_check(&cfg));

    lk_real v[6] = { 1.5, -2.25, 0.5, 3.75, 1, 2 };
    uint32_t y[3] = { 0, 4, 1 };
    lk_mat x = lk_mat_view(v, 3, 2, 2);
    ck_assert_int_eq(lk_perceptron_alloc(&p, 2, 3, NULL), LK_OK);
    lk_perceptron_trainer *t;
    cfg = lk_perceptron_defaults();
    ck_assert_int_eq(lk_perceptron_trainer_alloc(&t, &p, &x, y, &cfg, NULL, &err), LK_EINVAL);
    ck_assert_ptr_nonnull(strstr(err.text, "row 2"));
    y[1] = 2;
    ck_assert_int_eq(lk_perceptron_trainer_alloc(&t, &p, &x, y, &cfg, NULL, &err), LK_EINVAL);
    lk_mat wide = lk_mat_view(v, 2, 3, 3);
    cfg.shuffle = 0;
    ck_assert_int_eq(lk_perceptron_trainer_alloc(&t, &p, &wide, y, &cfg, NULL, &err), LK_EINVAL);
    lk_mat s;
    lk_mat_alloc(&s, 3, 2, NULL);
    ck_assert_int_eq(lk_perceptron_scores(&p, &x, &s, &err), LK_EINVAL);
    lk_mat_free(&s);

    lk_model *m = lk_model_new("perceptron");
    lk_model_put_int(m, "arch.inputs", 2, NULL);
    lk_model_put_int(m, "arch.classes", 3, NULL);
    lk_perceptron q;
    ck_assert_int_eq(lk_perceptron_load(m, &q, &err), LK_ENOTFOUND);
    ck_assert_str_eq(err.place, "perceptron.w");
    lk_mat w = lk_perceptron_w(&p);
    lk_model_put_mat(m, "perceptron.w", &w, NULL);
    lk_model_put_int(m, "arch.classes", 2, NULL);  /* 1 column expected, 3 stored */
    ck_assert_int_eq(lk_perceptron_load(m, &q, &err), LK_EFORMAT);
    ck_assert_str_eq(err.place, "perceptron.w");
    lk_model_free(m);
    lk_perceptron_free(&p);
}
END_TEST

static Suite *perceptron_suite(void)
{
    Suite *s = suite_create("perceptron");
    TCase *core = tcase_create("core");
    tcase_add_test(core, test_worked_example);
    tcase_add_test(core, test_xor_never_converges);
    tcase_add_test(core, test_windowed_equals_stepwise_multiclass);
    tcase_add_test(core, test_windowed_equals_stepwise_binary);
    tcase_add_test(core, test_averaged_is_the_mean);
    tcase_add_test(core, test_separable_multiclass_converges);
    suite_add_tcase(s, core);
    TCase *limits = tcase_create("limits");
    tcase_add_test(limits, test_single_sample);
    suite_add_tcase(s, limits);
    TCase *errors = tcase_create("errors");
    tcase_add_test(errors, test_errors);
    suite_add_tcase(s, errors);
    return s;
}

int main(void) { return th_run_suite(perceptron_suite()); }
