/* linear_mnist_test.c — the linear baselines on MNIST with thresholds
 * measured on this code (fixed seeds).  Skips (exit 77) when MNIST is not
 * on learnkit's search path ($LEARNKIT_DATA, ./datasets/mnist, ...). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <learnkit.h>
#include "testhelp.h"

static lk_split S;

static double accuracy(const lk_mat *scores, const uint32_t *y)
{
    size_t ok = 0;
    for (size_t i = 0; i < scores->rows; i++)
        ok += lk_argmax(lk_mat_row(scores, i), scores->cols) == y[i];
    return (double)ok / (double)scores->rows;
}

/* 10 shuffled epochs.  The plain perceptron's last iterate swings by
 * points from one shuffle to the next, and from one build to another (a
 * near-tie decided the other way by another BLAS kernel's or precision's
 * rounding changes the rest of the sequence).  Measured test accuracy:
 *   float, Cooperlake kernels, seeds 1-5:     86.8 89.8 89.4 88.4 90.5 (mean 89.0)
 *   double, seeds 1-5:                        88.4 89.2 84.3 88.4 89.5 (mean 88.0)
 *   float, Haswell kernels, seed 1:           89.3
 * One draw held to 88% (the textbook figure) fails on some builds for no
 * fault of the code, so the test holds the mean of seeds 1-5 to 87%, a
 * point under the lowest mean measured; a broken update rule lands far
 * below (a perceptron that never updates scores 9.8%).  The averaged
 * perceptron is stable (92.8% on seed 1 in both precisions) and keeps its
 * 89.5% on one seed, and must beat the plain mean. */
static double perceptron(int averaged, unsigned long seed)
{
    lk_perceptron p;
    ck_assert_int_eq(lk_perceptron_alloc(&p, S.train.d, S.labels.k, NULL), LK_OK);
    lk_perceptron_config cfg = lk_perceptron_defaults();
    cfg.averaged = averaged;
    gsl_rng *r = th_rng(seed);
    lk_perceptron_trainer *t;
    ck_assert_int_eq(lk_perceptron_trainer_alloc(&t, &p, &S.train.x, S.train.y, &cfg, r, NULL),
                     LK_OK);
    do
        ck_assert_int_eq(lk_perceptron_iterate(t, NULL), LK_OK);
    while (lk_perceptron_test(t) == LK_TRAIN_CONTINUE);
    ck_assert_uint_eq(lk_perceptron_epochs(t), 10);
    ck_assert(!lk_perceptron_converged(t));   /* MNIST is not linearly separable */
    lk_perceptron_trainer_finish(t);
    lk_perceptron_trainer_free(t);
    lk_mat s;
    lk_mat_alloc(&s, S.test.n, S.labels.k, NULL);
    lk_perceptron_scores(&p, &S.test.x, &s, NULL);
    double acc = accuracy(&s, S.test.y);
    lk_mat_free(&s);
    lk_perceptron_free(&p);
    gsl_rng_free(r);
    return acc;
}

START_TEST(test_perceptron_mnist)
{
    double plain = 0;
    for (unsigned long seed = 1; seed <= 5; seed++) {
        double acc = perceptron(0, seed);
        fprintf(stderr, "perceptron seed %lu: %.2f%%\n", seed, 100 * acc);
        plain += acc / 5;
    }
    double avg = perceptron(1, 1);
    fprintf(stderr, "perceptron: mean %.2f%%, averaged %.2f%%\n", 100 * plain, 100 * avg);
    ck_assert_double_ge(plain, 0.87);
    ck_assert_double_ge(avg, 0.895);
    ck_assert_double_gt(avg, plain);
}
END_TEST

/* 20 L-BFGS iterations (half the default budget, to keep make check
 * short): measured 92.49% test; threshold 92.0%.  The loss must fall at
 * every iteration and the gradient norm be reported finite. */
START_TEST(test_logreg_mnist)
{
    lk_logreg m;
    ck_assert_int_eq(lk_logreg_alloc(&m, S.train.d, S.labels.k, NULL), LK_OK);
    lk_logreg_config cfg = lk_logreg_defaults();
    cfg.max_iter = 20;
    lk_logreg_trainer *t;
    lk_error err;
    ck_assert_int_eq(lk_logreg_trainer_alloc(&t, &m, &S.train.x, S.train.y, &cfg, NULL, &err),
                     LK_OK);
    double prev = lk_logreg_loss(t);
    do {
        ck_assert_int_eq(lk_logreg_iterate(t, &err), LK_OK);
        ck_assert_double_le(lk_logreg_loss(t), prev);
        prev = lk_logreg_loss(t);
    } while (lk_logreg_test(t) == LK_TRAIN_CONTINUE);
    ck_assert(isfinite(lk_logreg_grad_norm(t)));
    lk_logreg_trainer_free(t);
    lk_mat s;
    lk_mat_alloc(&s, S.test.n, S.labels.k, NULL);
    lk_logreg_proba(&m, &S.test.x, &s, NULL);
    double acc = accuracy(&s, S.test.y);
    fprintf(stderr, "logreg: %.2f%% after 20 iterations\n", 100 * acc);
    ck_assert_double_ge(acc, 0.92);
    lk_mat_free(&s);
    lk_logreg_free(&m);
}
END_TEST

int main(void)
{
    lk_data_options o = lk_data_options_default();
    gsl_rng *r = th_rng(1);
    lk_error err;
    lk_status s = lk_data_load("mnist", &o, r, &S, &err);
    gsl_rng_free(r);
    if (s == LK_ENOTFOUND) {
        char buf[1024];
        fprintf(stderr, "skip: MNIST not found (%s); set LEARNKIT_DATA\n",
                lk_error_format(&err, buf, sizeof buf));
        return 77;
    }
    if (s != LK_OK) {
        char buf[1024];
        fprintf(stderr, "linear_mnist_test: %s\n", lk_error_format(&err, buf, sizeof buf));
        return 1;
    }
    lk_prep prep;
    if (lk_prep_fit(&prep, LK_SCALE_AUTO, S.format, &S.train.x, &err) != LK_OK)
        return 1;
    lk_prep_apply(&prep, &S.train.x);
    lk_prep_apply(&prep, &S.test.x);
    lk_prep_free(&prep);
    lk_blas_set_threads(2);
    Suite *su = suite_create("linear_mnist");
    TCase *core = tcase_create("core");
    tcase_set_timeout(core, 600);
    tcase_add_test(core, test_perceptron_mnist);
    tcase_add_test(core, test_logreg_mnist);
    suite_add_tcase(su, core);
    int rc = th_run_suite(su);
    lk_split_free(&S);
    return rc;
}
