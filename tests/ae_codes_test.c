/* ae_codes_test.c — codes and reconstruction scores of autoencoder stacks
 * against layer-by-layer references, and the ROC AUC against counted
 * pairs. */
#include <math.h>
#include <stdlib.h>
#include "testhelp.h"
#include <learnkit/ae_codes.h>

/* A random (untrained) backprop stack d -> 7 -> 4, the first layer tied
 * with a sigmoid decoder, the second untied with an identity one. */
static void random_stack(lk_ae_stack *st, size_t d, gsl_rng *r)
{
    size_t h[2] = { 7, 4 };
    lk_act enc[2] = { lk_act_default(LK_ACT_SIGMOID), lk_act_default(LK_ACT_TANH) };
    lk_act dec[2] = { lk_act_default(LK_ACT_SIGMOID), lk_act_default(LK_ACT_IDENTITY) };
    *st = (lk_ae_stack){ .solver = LK_AE_BACKPROP };
    st->layers = calloc(2, sizeof *st->layers);
    lk_net_begin(&st->enc, d);
    for (size_t l = 0; l < 2; l++)
        ck_assert_int_eq(lk_net_add(&st->enc, h[l], enc[l], NULL), LK_OK);
    ck_assert_int_eq(lk_net_finish(&st->enc, NULL), LK_OK);
    size_t in = d;
    for (size_t l = 0; l < 2; l++) {
        lk_net *ae = &st->layers[l];
        ck_assert_int_eq(lk_ae_build(ae, in, h[l], enc[l], dec[l], l == 0, NULL), LK_OK);
        lk_net_init(ae, LK_INIT_AUTO, r);
        /* Non-zero biases, so a bias left out would show. */
        for (size_t k = 0; k < 2; k++) {
            lk_real *b = lk_dense_b(&ae->layers[k], &ae->params);
            for (size_t j = 0; j < ae->layers[k].out; j++)
                b[j] = (lk_real)(0.3 * gsl_rng_uniform(r) - 0.15);
        }
        ck_assert_int_eq(lk_net_copy_layer(&st->enc, l, ae, 0, NULL), LK_OK);
        in = h[l];
    }
}

/* out (allocated) <- layer l of net applied to x, all rows at once. */
static void apply(const lk_net *net, size_t l, const lk_mat *x, lk_mat *out)
{
    ck_assert_int_eq(lk_mat_alloc(out, x->rows, net->layers[l].out, NULL), LK_OK);
    ck_assert_int_eq(lk_net_apply_layer(net, l, x, NULL, out, NULL), LK_OK);
}

static double row_mse(const lk_mat *a, const lk_mat *b, size_t i)
{
    double s = 0;
    for (size_t j = 0; j < a->cols; j++) {
        double e = (double)LK_AT(a, i, j) - (double)LK_AT(b, i, j);
        s += e * e;
    }
    return s / (double)a->cols;
}

/* More rows than one block, so the blocking is exercised. */
#define ROWS 1111

START_TEST(test_backprop_codes_and_scores)
{
    gsl_rng *r = th_rng(19);
    lk_ae_stack st;
    random_stack(&st, 9, r);
    lk_mat x;
    ck_assert_int_eq(lk_mat_alloc(&x, ROWS, 9, NULL), LK_OK);
    th_fill_uniform(&x, r, 0, 1);
    lk_mat h1, h2, r1, r0, codes;
    apply(&st.enc, 0, &x, &h1);
    apply(&st.enc, 1, &h1, &h2);
    apply(&st.layers[1], 1, &h2, &r1);
    apply(&st.layers[0], 1, &r1, &r0);
    ck_assert_int_eq(lk_mat_alloc(&codes, ROWS, 4, NULL), LK_OK);
    ck_assert_int_eq(lk_ae_codes(&st, &x, &codes, NULL), LK_OK);
    ck_assert_double_eq(th_max_abs_diff(&codes, &h2), 0);
    ck_assert(lk_ae_can_reconstruct(&st));
    double *score = malloc(ROWS * sizeof *score);
    ck_assert_int_eq(lk_ae_scores(&st, &x, score, NULL), LK_OK);
    for (size_t i = 0; i < ROWS; i++)
        ck_assert_double_eq_tol(score[i], row_mse(&r0, &x, i), 1e-12);
    ck_assert(score[0] != score[1]);
    free(score);
    lk_mat_free(&h1);
    lk_mat_free(&h2);
    lk_mat_free(&r1);
    lk_mat_free(&r0);
    lk_mat_free(&codes);
    lk_mat_free(&x);
    lk_ae_stack_free(&st);
    gsl_rng_free(r);
}
END_TEST

/* An mDA stack scores by its first layer's pre-activation W [x; 1]; an
 * ELM stack has no decoder. */
START_TEST(test_mda_scores_elm_refused)
{
    gsl_rng *r = th_rng(23);
    size_t d = 6;
    lk_ae_stack st = { .solver = LK_AE_MDA };
    lk_net_begin(&st.enc, d);
    ck_assert_int_eq(lk_net_add(&st.enc, d, lk_act_default(LK_ACT_TANH), NULL), LK_OK);
    ck_assert_int_eq(lk_net_finish(&st.enc, NULL), LK_OK);
    lk_net_init(&st.enc, LK_INIT_GLOROT, r);
    lk_mat x, pre, codes;
    ck_assert_int_eq(lk_mat_alloc(&x, ROWS, d, NULL), LK_OK);
    th_fill_uniform(&x, r, -1, 1);
    ck_assert_int_eq(lk_mat_alloc(&pre, ROWS, d, NULL), LK_OK);
    ck_assert_int_eq(lk_mat_alloc(&codes, ROWS, d, NULL), LK_OK);
    lk_real *b = lk_dense_b(&st.enc.layers[0], &st.enc.params);
    for (size_t j = 0; j < d; j++)
        b[j] = (lk_real)(0.1 * (double)j - 0.2);
    ck_assert_int_eq(lk_net_apply_layer(&st.enc, 0, &x, &pre, &codes, NULL), LK_OK);
    double *score = malloc(ROWS * sizeof *score);
    ck_assert_int_eq(lk_ae_scores(&st, &x, score, NULL), LK_OK);
    for (size_t i = 0; i < ROWS; i++)
        ck_assert_double_eq_tol(score[i], row_mse(&pre, &x, i), 1e-12);
    st.solver = LK_AE_ELM;
    ck_assert(!lk_ae_can_reconstruct(&st));
    lk_error err;
    ck_assert_int_eq(lk_ae_scores(&st, &x, score, &err), LK_EUNSUPPORTED);
    ck_assert(strstr(err.text, "ELM") != NULL);
    /* Codes still work for an ELM stack. */
    lk_mat c2;
    ck_assert_int_eq(lk_mat_alloc(&c2, ROWS, d, NULL), LK_OK);
    ck_assert_int_eq(lk_ae_codes(&st, &x, &c2, NULL), LK_OK);
    ck_assert_double_eq(th_max_abs_diff(&c2, &codes), 0);
    free(score);
    lk_mat_free(&c2);
    lk_mat_free(&x);
    lk_mat_free(&pre);
    lk_mat_free(&codes);
    lk_ae_stack_free(&st);
    gsl_rng_free(r);
}
END_TEST

/* The AUC as the fraction of (positive, negative) pairs ordered right,
 * counted pair by pair, ties one half. */
static double auc_by_pairs(const double *s, const int *p, size_t n)
{
    double good = 0, pairs = 0;
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < n; j++)
            if (p[i] && !p[j]) {
                pairs++;
                good += s[i] > s[j] ? 1 : s[i] == s[j] ? 0.5 : 0;
            }
    return good / pairs;
}

START_TEST(test_auc)
{
    double s[5] = { 0.3, 0.1, 0.7, 0.5, 0.5 }, auc;
    int p[5] = { 0, 0, 1, 1, 0 };
    ck_assert_int_eq(lk_roc_auc(s, p, 5, &auc, NULL), LK_OK);
    ck_assert_double_eq_tol(auc, 5.5 / 6, 1e-15);
    int q[5] = { 0, 0, 1, 0, 0 };
    ck_assert_int_eq(lk_roc_auc(s, q, 5, &auc, NULL), LK_OK);
    ck_assert_double_eq(auc, 1);
    int low[5] = { 0, 1, 0, 0, 0 };
    ck_assert_int_eq(lk_roc_auc(s, low, 5, &auc, NULL), LK_OK);
    ck_assert_double_eq(auc, 0);
    /* Many ties, random labels: the rank formula against the pair count. */
    gsl_rng *r = th_rng(5);
    enum { N = 400 };
    double v[N];
    int lab[N];
    for (size_t i = 0; i < N; i++) {
        v[i] = (double)gsl_rng_uniform_int(r, 13) * 0.25;
        lab[i] = gsl_rng_uniform(r) < 0.3 + 0.04 * v[i];
    }
    ck_assert_int_eq(lk_roc_auc(v, lab, N, &auc, NULL), LK_OK);
    ck_assert_double_eq_tol(auc, auc_by_pairs(v, lab, N), 1e-12);
    gsl_rng_free(r);
}
END_TEST

START_TEST(test_errors)
{
    double s[3] = { 1, 2, 3 }, auc = -1;
    int none[3] = { 0, 0, 0 }, all[3] = { 1, 1, 1 };
    lk_error err;
    ck_assert_int_eq(lk_roc_auc(s, none, 3, &auc, &err), LK_EINVAL);
    ck_assert_int_eq(lk_roc_auc(s, all, 3, &auc, &err), LK_EINVAL);
    ck_assert(strstr(err.text, "3 of 3") != NULL);
    ck_assert_double_eq(auc, -1);
    gsl_rng *r = th_rng(2);
    lk_ae_stack st;
    random_stack(&st, 5, r);
    lk_mat x, out;
    ck_assert_int_eq(lk_mat_alloc(&x, 3, 6, NULL), LK_OK);
    ck_assert_int_eq(lk_mat_alloc(&out, 3, 4, NULL), LK_OK);
    ck_assert_int_eq(lk_ae_codes(&st, &x, &out, &err), LK_EINVAL);
    ck_assert(strstr(err.text, "3 x 6") != NULL);
    ck_assert_int_eq(lk_ae_scores(&st, &x, s, &err), LK_EINVAL);
    lk_mat_free(&x);
    lk_mat_free(&out);
    lk_ae_stack_free(&st);
    gsl_rng_free(r);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("ae_codes");
    TCase *core = tcase_create("core"), *errors = tcase_create("errors");
    tcase_add_test(core, test_backprop_codes_and_scores);
    tcase_add_test(core, test_mda_scores_elm_refused);
    tcase_add_test(core, test_auc);
    tcase_add_test(errors, test_errors);
    suite_add_tcase(s, core);
    suite_add_tcase(s, errors);
    return th_run_suite(s);
}
