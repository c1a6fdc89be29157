/* lsq_test.c — the least-squares classifier against LAPACK's least-squares
 * driver, leave-one-out selection, the model round trip and refusals. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "testhelp.h"

static lk_mat rand_mat(size_t r, size_t c, gsl_rng *g, double lo, double hi)
{
    lk_mat m;
    ck_assert_int_eq(lk_mat_alloc(&m, r, c, NULL), LK_OK);
    th_fill_uniform(&m, g, lo, hi);
    return m;
}

/* Ridge with an unpenalized bias is the plain least-squares problem
 *     [X 1; sqrt(lambda) I 0] [W; c] = [T; 0],
 * which gelsd solves without any of lsq's machinery. */
START_TEST(test_matches_gelsd)
{
    gsl_rng *g = th_rng(6022);
    size_t n = 57, d = 6, k = 3;
    lk_mat x = rand_mat(n, d, g, -0.5, 1.5);
    uint32_t *y = malloc(n * sizeof *y);
    for (size_t i = 0; i < n; i++)
        y[i] = (uint32_t)(i % k);
    for (int pass = 0; pass < 2; pass++) {
        double C = pass ? 0.37 : 123.0, lambda = 1 / C;
        lk_lsq_params p = { .C = C };
        lk_lsq m;
        ck_assert_int_eq(lk_lsq_fit(&m, &p, &x, y, k, NULL, NULL), LK_OK);
        lk_matd a, b;
        lk_matd_alloc(&a, n + d, d + 1, NULL);
        lk_matd_alloc(&b, n + d, k, NULL);
        for (size_t i = 0; i < n; i++) {
            for (size_t j = 0; j < d; j++)
                a.data[i * a.ld + j] = LK_AT(&x, i, j);
            a.data[i * a.ld + d] = 1;
            b.data[i * b.ld + y[i]] = 1;
        }
        for (size_t j = 0; j < d; j++)
            a.data[(n + j) * a.ld + j] = sqrt(lambda);
        double s[7];
        int rank;
        ck_assert_int_eq(lk_dgelsd(&a, &b, -1, s, &rank, NULL), LK_OK);
        double tol = 50.0 * (double)n * LK_REAL_EPSILON * (s[0] / s[d]);
        for (size_t j = 0; j < d; j++)
            for (size_t c = 0; c < k; c++)
                ck_assert_msg(fabs(LK_AT(&m.w, j, c) - b.data[j * b.ld + c]) < tol,
                              "C %g: W[%zu][%zu] %g vs %g", C, j, c, (double)LK_AT(&m.w, j, c),
                              b.data[j * b.ld + c]);
        for (size_t c = 0; c < k; c++)
            ck_assert(fabs(m.bias[c] - b.data[d * b.ld + c]) < tol);
        lk_matd_free(&a);
        lk_matd_free(&b);
        lk_lsq_free(&m);
    }
    lk_mat_free(&x);
    free(y);
    gsl_rng_free(g);
}
END_TEST

/* Two shifted blobs: separable by a linear rule, so lsq and --C auto
 * classify the training set almost perfectly, and the model round trip
 * gives identical scores. */
START_TEST(test_auto_and_round_trip)
{
    gsl_rng *g = th_rng(1729);
    size_t n = 300, d = 5, k = 3;
    lk_mat x = rand_mat(n, d, g, -1, 1);
    uint32_t *y = malloc(n * sizeof *y);
    for (size_t i = 0; i < n; i++) {
        y[i] = (uint32_t)(i % k);
        LK_AT(&x, i, y[i]) += 3;
    }
    lk_lsq_params p = { .C = 1, .c_auto = 1 };
    lk_lsq m;
    lk_lsq_report rep;
    ck_assert_int_eq(lk_lsq_fit(&m, &p, &x, y, k, &rep, NULL), LK_OK);
    ck_assert(rep.loo_error < 0.02);
    lk_mat sc, s2;
    lk_mat_alloc(&sc, n, k, NULL);
    lk_mat_alloc(&s2, n, k, NULL);
    ck_assert_int_eq(lk_lsq_scores(&m, &x, &sc, NULL), LK_OK);
    size_t right = 0;
    for (size_t i = 0; i < n; i++)
        right += lk_argmax(lk_mat_row(&sc, i), k) == y[i];
    ck_assert_uint_ge(right, n - 3);
    lk_model *mo;
    ck_assert_int_eq(lk_lsq_save(&m, NULL, NULL, &mo, NULL), LK_OK);
    unsigned char *buf;
    size_t len;
    ck_assert_int_eq(lk_model_serialize(mo, &buf, &len, NULL), LK_OK);
    lk_model *back;
    ck_assert_int_eq(lk_model_parse(buf, len, "<memory>", &back, NULL), LK_OK);
    lk_predictor *pr;
    ck_assert_int_eq(lk_predictor_load(back, &pr, NULL), LK_OK);
    ck_assert_int_eq(lk_predictor_scores(pr, &x, &s2, NULL), LK_OK);
    ck_assert(th_max_abs_diff(&sc, &s2) == 0);
    lk_predictor_free(pr);
    lk_model_free(back);
    lk_model_free(mo);
    free(buf);
    lk_mat_free(&sc);
    lk_mat_free(&s2);
    lk_lsq_free(&m);
    lk_mat_free(&x);
    free(y);
    gsl_rng_free(g);
}
END_TEST

/* Constant (all-zero) columns, as MNIST's border pixels: the penalty keeps
 * the system positive definite and their weights zero. */
START_TEST(test_constant_columns)
{
    gsl_rng *g = th_rng(31);
    size_t n = 40, d = 4, k = 2;
    lk_mat x = rand_mat(n, d, g, 0, 1);
    uint32_t *y = malloc(n * sizeof *y);
    for (size_t i = 0; i < n; i++) {
        LK_AT(&x, i, 2) = 0;
        y[i] = LK_AT(&x, i, 0) > 0.5;
    }
    lk_lsq_params p = lk_lsq_params_default();
    lk_lsq m;
    ck_assert_int_eq(lk_lsq_fit(&m, &p, &x, y, k, NULL, NULL), LK_OK);
    ck_assert(fabs(LK_AT(&m.w, 2, 0)) < 1e-6 && fabs(LK_AT(&m.w, 2, 1)) < 1e-6);
    lk_lsq_free(&m);
    lk_mat_free(&x);
    free(y);
    gsl_rng_free(g);
}
END_TEST

START_TEST(test_refusals)
{
    lk_lsq_params p = { .C = -1 };
    ck_assert_ptr_nonnull(lk_lsq_check(&p));
    p.C = INFINITY;
    ck_assert_ptr_nonnull(lk_lsq_check(&p));
    p.c_auto = 1;
    ck_assert_ptr_null(lk_lsq_check(&p));
    gsl_rng *g = th_rng(3);
    lk_mat x = rand_mat(4, 2, g, 0, 1);
    uint32_t y[4] = { 0, 1, 0, 5 };
    lk_lsq m;
    lk_error err;
    p = lk_lsq_params_default();
    ck_assert_int_eq(lk_lsq_fit(&m, &p, &x, y, 2, NULL, &err), LK_EINVAL);
    ck_assert_ptr_nonnull(strstr(err.text, "row 4"));
    lk_mat x0 = lk_mat_rows(&x, 0, 0);
    ck_assert_int_eq(lk_lsq_fit(&m, &p, &x0, y, 2, NULL, &err), LK_EINVAL);
    lk_model *mo = lk_model_new("lsq");
    lk_model_put_int(mo, "arch.inputs", 3, NULL);
    lk_model_put_int(mo, "arch.classes", 2, NULL);
    lk_model_put_mat(mo, "lsq.w", &x, NULL);  /* 4 x 2, not 3 x 2 */
    ck_assert_int_eq(lk_lsq_load(mo, &m, &err), LK_EFORMAT);
    ck_assert_str_eq(err.place, "lsq.w");
    ck_assert_str_eq(err.text, "expected 3 x 2, found 4 x 2");
    lk_model_free(mo);
    lk_mat_free(&x);
    gsl_rng_free(g);
}
END_TEST

static Suite *lsq_suite(void)
{
    Suite *s = suite_create("lsq");
    TCase *core = tcase_create("core");
    tcase_add_test(core, test_matches_gelsd);
    tcase_add_test(core, test_auto_and_round_trip);
    suite_add_tcase(s, core);
    TCase *limits = tcase_create("limits");
    tcase_add_test(limits, test_constant_columns);
    suite_add_tcase(s, limits);
    TCase *errors = tcase_create("errors");
    tcase_add_test(errors, test_refusals);
    suite_add_tcase(s, errors);
    return s;
}

int main(void) { return th_run_suite(lsq_suite()); }
