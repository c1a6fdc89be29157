/* mlp_mnist_test.c — the MLP on real MNIST: a short run (784-128-10, the
 * first 12000 training rows, 2 epochs of Adam) must reach an accuracy a
 * correct implementation reaches, and the saved model must reproduce the
 * test accuracy exactly.  Skips (exit 77) when MNIST is not on learnkit's
 * search path ($LEARNKIT_DATA, ./datasets/mnist, ...). */
#include <stdio.h>
#include <stdlib.h>
#include "testhelp.h"

/* A correct 784-128-10 net reaches 92.2% after these two short epochs
 * (measured, float build, seed 1); a wrong gradient, a broken shuffle or a
 * bad initialization lands far below. */
#define MIN_ACCURACY 0.91

static lk_split split;

START_TEST(test_mnist_short_run)
{
    gsl_rng *r = th_rng(1);
    lk_mat x = lk_mat_rows(&split.train.x, 0, 12000);
    lk_mat t;
    ck_assert_int_eq(lk_onehot(split.train.y, 12000, 10, &t, NULL), LK_OK);
    size_t hidden[] = { 128 };
    lk_act relu = lk_act_default(LK_ACT_RELU);
    lk_net net;
    ck_assert_int_eq(lk_mlp_build(&net, 784, 1, hidden, 1, &relu, 10, NULL, LK_LOSS_SOFTMAX_CE,
                                  NULL), LK_OK);
    lk_net_init(&net, LK_INIT_AUTO, r);
    lk_net_config cfg = lk_net_config_default();
    cfg.epochs = 2;
    lk_net_trainer *tr;
    ck_assert_int_eq(lk_net_trainer_alloc(&tr, &net, &cfg, &x, &t, r, NULL), LK_OK);
    while (lk_net_test(tr) == LK_TRAIN_CONTINUE)
        ck_assert_int_eq(lk_net_iterate(tr, NULL, NULL), LK_OK);
    lk_net_trainer_free(tr);
    lk_net_work w;
    lk_net_work_alloc(&w, &net, 250, NULL);
    double acc = lk_mlp_accuracy(&net, &w, &split.test.x, split.test.y);
    printf("MNIST 784-128-10, 12000 rows, 2 epochs: test accuracy %.4f\n", acc);
    ck_assert_double_ge(acc, MIN_ACCURACY);

    lk_model *m;
    ck_assert_int_eq(lk_mlp_save(&net, LK_LOSS_SOFTMAX_CE, NULL, NULL, &m, NULL), LK_OK);
    unsigned char *buf;
    size_t n;
    ck_assert_int_eq(lk_model_serialize(m, &buf, &n, NULL), LK_OK);
    lk_model *back;
    ck_assert_int_eq(lk_model_parse(buf, n, "<memory>", &back, NULL), LK_OK);
    lk_predictor *p;
    ck_assert_int_eq(lk_predictor_load(back, &p, NULL), LK_OK);
    lk_mat scores;
    lk_mat_alloc(&scores, split.test.n, 10, NULL);
    ck_assert_int_eq(lk_predictor_scores(p, &split.test.x, &scores, NULL), LK_OK);
    size_t right = 0;
    for (size_t i = 0; i < split.test.n; i++)
        right += lk_argmax(lk_mat_row(&scores, i), 10) == split.test.y[i];
    ck_assert_double_eq((double)right / (double)split.test.n, acc);
    lk_mat_free(&scores);
    lk_predictor_free(p);
    lk_model_free(back);
    lk_model_free(m);
    free(buf);
    lk_net_work_free(&w);
    lk_net_free(&net);
    lk_mat_free(&t);
    gsl_rng_free(r);
}
END_TEST

int main(void)
{
    lk_data_options o = lk_data_options_default();
    lk_error err;
    gsl_rng *r = th_rng(1);
    lk_status s = lk_data_load("mnist", &o, r, &split, &err);
    gsl_rng_free(r);
    if (s == LK_ENOTFOUND) {
        printf("SKIP: MNIST not found (set LEARNKIT_DATA or run 'learnkit fetch mnist')\n");
        return 77;
    }
    if (s != LK_OK) {
        char buf[1024];
        fprintf(stderr, "mlp_mnist_test: %s\n", lk_error_format(&err, buf, sizeof buf));
        return 1;
    }
    lk_prep prep;
    if (lk_prep_fit(&prep, LK_SCALE_AUTO, split.format, &split.train.x, &err) != LK_OK)
        return 1;
    lk_prep_apply(&prep, &split.train.x);
    lk_prep_apply(&prep, &split.test.x);
    lk_prep_free(&prep);
    Suite *suite = suite_create("mlp_mnist");
    TCase *core = tcase_create("core");
    tcase_add_test(core, test_mnist_short_run);
    tcase_set_timeout(core, 300);
    suite_add_tcase(suite, core);
    int rc = th_run_suite(suite);
    lk_split_free(&split);
    return rc;
}
