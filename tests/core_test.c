/* core_test.c — BLAS wrappers against a naive reference, activations and
 * losses against central differences, optimizers against hand-computed
 * steps, the dense layer's three GEMMs, errors and views. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "testhelp.h"

/* ================================================================ BLAS */

static void check_gemm(size_t m, size_t n, size_t k, lk_trans ta, lk_trans tb, size_t pad)
{
    gsl_rng *r = th_rng(17 + m * 7 + n * 3 + k);
    lk_mat a = ta == LK_TRANS ? th_mat_padded(k, m, pad, r) : th_mat_padded(m, k, pad, r);
    lk_mat b = tb == LK_TRANS ? th_mat_padded(n, k, pad + 1, r) : th_mat_padded(k, n, pad + 1, r);
    lk_mat c = th_mat_padded(m, n, pad + 2, r), ref = th_mat_padded(m, n, 0, r);
    ck_assert_int_eq(lk_mat_copy(&ref, &c, NULL), LK_OK);
    const double alpha = 1.375, beta = -0.625;
    ck_assert_int_eq(lk_gemm(ta, tb, (lk_real)alpha, &a, &b, (lk_real)beta, &c), LK_OK);
    th_naive_gemm(ta, tb, alpha, &a, &b, beta, &ref);
    ck_assert_double_le(th_max_abs_diff(&c, &ref), TH_SUM_TOL(k + 2));
    /* The padding past cols must be untouched. */
    for (size_t i = 0; i < c.rows; i++)
        for (size_t j = c.cols; j < c.ld; j++)
            ck_assert(c.data[i * c.ld + j] == (lk_real)1e30);
    lk_mat_free(&a); lk_mat_free(&b); lk_mat_free(&c); lk_mat_free(&ref);
    gsl_rng_free(r);
}

START_TEST(test_gemm_all_transposes)
{
    static const size_t shapes[][3] = { { 1, 1, 1 }, { 3, 5, 7 }, { 17, 9, 33 }, { 64, 31, 5 } };
    for (size_t s = 0; s < 4; s++)
        for (int ta = 0; ta < 2; ta++)
            for (int tb = 0; tb < 2; tb++)
                check_gemm(shapes[s][0], shapes[s][1], shapes[s][2], (lk_trans)ta, (lk_trans)tb, 3);
}
END_TEST

START_TEST(test_gemm_shape_mismatch)
{
    lk_mat a, b, c;
    lk_mat_alloc(&a, 3, 4, NULL);
    lk_mat_alloc(&b, 5, 2, NULL);
    lk_mat_alloc(&c, 3, 2, NULL);
    ck_assert_int_eq(lk_gemm(LK_NOTRANS, LK_NOTRANS, 1, &a, &b, 0, &c), LK_EINVAL);
    lk_mat_free(&a); lk_mat_free(&b); lk_mat_free(&c);
}
END_TEST

/* Sizes beyond CBLAS's and LAPACK's int are refused, in float and in double,
 * before any library call could read them (the views below point at a
 * few values only). */
START_TEST(test_int_range_guards)
{
    const size_t big = (size_t)1 << 31;
    lk_real f[4] = { 0 };
    double d[4] = { 0 }, s[2], tau[4];
    lk_mat wide = lk_mat_view(f, 1, big, big), fc = lk_mat_view(f, 1, 1, 1);
    lk_mat fsq = lk_mat_view(f, 2, 2, big);
    lk_matd dwide = lk_matd_view(d, 1, big, big), dc = lk_matd_view(d, 1, 1, 1);
    lk_matd dsq = lk_matd_view(d, 2, 2, big), dtall = lk_matd_view(d, big, 1, 1);
    lk_matd dsmall = lk_matd_view(d, 2, 2, 2);
    lk_error err;
    /* a (1 x big) times its transpose: 1 x 1, k = big. */
    ck_assert_int_eq(lk_gemm(LK_NOTRANS, LK_TRANS, 1, &wide, &wide, 0, &fc), LK_EINVAL);
    ck_assert_int_eq(lk_syrk(LK_NOTRANS, 1, &wide, 0, &fc), LK_EINVAL);
    ck_assert_int_eq(lk_syrk(LK_NOTRANS, 1, &fsq, 0, &(lk_mat){ .rows = 2, .cols = 2, .ld = 2,
                                                             .data = f }), LK_EINVAL);
    ck_assert_int_eq(lk_gemv(LK_NOTRANS, 1, &fsq, f, 0, f), LK_EINVAL);
    ck_assert_int_eq(lk_dgemm(LK_NOTRANS, LK_TRANS, 1, &dwide, &dwide, 0, &dc), LK_EINVAL);
    ck_assert_int_eq(lk_dsyrk(LK_NOTRANS, 1, &dwide, 0, &dc), LK_EINVAL);
    ck_assert_int_eq(lk_dsyrk(LK_NOTRANS, 1, &dsq, 0, &dsmall), LK_EINVAL);
    ck_assert_int_eq(lk_dposv(&dsq, &dsmall, &err), LK_ETOOBIG);
    ck_assert_str_eq(err.source, "dposv");
    ck_assert_int_eq(lk_dsyevd(&dsq, s, &err), LK_ETOOBIG);
    ck_assert_int_eq(lk_dsvd_values(&dwide, s, &err), LK_ETOOBIG);
    ck_assert_int_eq(lk_dqr_r(&dtall, tau, &err), LK_ETOOBIG);
    ck_assert_int_eq(lk_dqr_q(&dtall, tau, &err), LK_ETOOBIG);
    lk_matd b = lk_matd_view(d, big, 1, 1);
    ck_assert_int_eq(lk_dgelsd(&dtall, &b, -1, s, NULL, &err), LK_ETOOBIG);
}
END_TEST

START_TEST(test_syrk_gemv_colsums)
{
    gsl_rng *r = th_rng(5);
    lk_mat a = th_mat_padded(13, 6, 2, r);
    lk_mat c, ref;
    lk_mat_alloc(&c, 6, 6, NULL);
    lk_mat_alloc(&ref, 6, 6, NULL);
    ck_assert_int_eq(lk_syrk(LK_TRANS, (lk_real)0.75, &a, 0, &c), LK_OK);
    th_naive_gemm(LK_TRANS, LK_NOTRANS, 0.75, &a, &a, 0, &ref);
    for (size_t i = 0; i < 6; i++)
        for (size_t j = i; j < 6; j++)
            ck_assert_double_le(fabs(LK_AT(&c, i, j) - LK_AT(&ref, i, j)), TH_SUM_TOL(13));
    lk_real x[6] = { 0.5f, -1.25f, 2.125f, 0.375f, -0.875f, 1.625f }, y[13], ones[13];
    for (size_t i = 0; i < 13; i++) {
        y[i] = (lk_real)(0.1 * (double)i - 0.3);
        ones[i] = 1;
    }
    lk_real y0[13];
    memcpy(y0, y, sizeof y);
    lk_gemv(LK_NOTRANS, 2, &a, x, (lk_real)0.5, y);
    for (size_t i = 0; i < 13; i++) {
        double s = 0;
        for (size_t j = 0; j < 6; j++)
            s += LK_AT(&a, i, j) * x[j];
        ck_assert_double_le(fabs(y[i] - (2 * s + 0.5 * y0[i])), TH_SUM_TOL(8));
    }
    lk_real sums[6];
    lk_col_sums(&a, ones, 0, sums);
    for (size_t j = 0; j < 6; j++) {
        double s = 0;
        for (size_t i = 0; i < 13; i++)
            s += LK_AT(&a, i, j);
        ck_assert_double_le(fabs(sums[j] - s), TH_SUM_TOL(13));
    }
    lk_mat_free(&a); lk_mat_free(&c); lk_mat_free(&ref);
    gsl_rng_free(r);
}
END_TEST

START_TEST(test_double_solvers)
{
    /* A symmetric positive definite system, solved by Cholesky and by the
     * eigen-decomposition, and a least-squares problem by gelsd. */
    gsl_rng *r = th_rng(9);
    const size_t n = 7;
    lk_matd g, a, b, x;
    lk_matd_alloc(&g, 11, n, NULL);
    for (size_t k = 0; k < 11 * n; k++)
        g.data[k] = gsl_rng_uniform(r) - 0.5;
    lk_matd_alloc(&a, n, n, NULL);
    lk_dsyrk(LK_TRANS, 1, &g, 0, &a);
    for (size_t i = 0; i < n; i++)
        a.data[i * n + i] += 0.3;
    lk_matd_symmetrize(&a);
    lk_matd_alloc(&b, n, 2, NULL);
    for (size_t k = 0; k < 2 * n; k++)
        b.data[k] = gsl_rng_uniform(r);
    lk_matd a2, b2;
    lk_matd_alloc(&a2, n, n, NULL);
    lk_matd_alloc(&b2, n, 2, NULL);
    memcpy(a2.data, a.data, n * n * sizeof(double));
    memcpy(b2.data, b.data, 2 * n * sizeof(double));
    ck_assert_int_eq(lk_dposv(&a2, &b2, NULL), LK_OK);
    lk_matd_alloc(&x, n, 2, NULL);
    lk_dgemm(LK_NOTRANS, LK_NOTRANS, 1, &a, &b2, 0, &x);
    for (size_t k = 0; k < 2 * n; k++)
        ck_assert_double_le(fabs(x.data[k] - b.data[k]), 1e-10);
    /* Eigenvalues of A are positive and A v = lambda v. */
    double w[7];
    memcpy(a2.data, a.data, n * n * sizeof(double));
    ck_assert_int_eq(lk_dsyevd(&a2, w, NULL), LK_OK);
    for (size_t k = 0; k < n; k++) {
        ck_assert_double_gt(w[k], 0.29);
        for (size_t i = 0; i < n; i++) {
            double av = 0;
            for (size_t j = 0; j < n; j++)
                av += a.data[i * n + j] * a2.data[j * n + k];
            ck_assert_double_le(fabs(av - w[k] * a2.data[i * n + k]), 1e-10);
        }
    }
    /* Not positive definite: a status, not a crash. */
    memset(a2.data, 0, n * n * sizeof(double));
    a2.data[0] = -1;
    lk_error err;
    ck_assert_int_eq(lk_dposv(&a2, &b2, &err), LK_ENUMERIC);
    ck_assert_ptr_nonnull(strstr(err.text, "positive definite"));
    lk_matd_free(&g); lk_matd_free(&a); lk_matd_free(&b); lk_matd_free(&x);
    lk_matd_free(&a2); lk_matd_free(&b2);
    gsl_rng_free(r);
}
END_TEST

START_TEST(test_qr_orthonormal_factor)
{
    /* Q of a 9 x 4 matrix: orthonormal columns, and Q^T A is R, upper
     * triangular with a positive diagonal (the sign convention that makes
     * the Q of a gaussian matrix Haar distributed). */
    gsl_rng *r = th_rng(4);
    const size_t m = 9, n = 4;
    lk_matd a, q, qq, rr;
    double tau[8];
    lk_matd_alloc(&a, m, n, NULL);
    lk_matd_alloc(&q, m, n, NULL);
    lk_matd_alloc(&qq, n, n, NULL);
    lk_matd_alloc(&rr, n, n, NULL);
    for (size_t k = 0; k < m * n; k++)
        a.data[k] = gsl_rng_uniform(r) - 0.5;
    memcpy(q.data, a.data, m * n * sizeof(double));
    ck_assert_int_eq(lk_dqr_q(&q, tau, NULL), LK_OK);
    lk_dgemm(LK_TRANS, LK_NOTRANS, 1, &q, &q, 0, &qq);
    lk_dgemm(LK_TRANS, LK_NOTRANS, 1, &q, &a, 0, &rr);
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < n; j++) {
            ck_assert_double_le(fabs(qq.data[i * n + j] - (i == j)), 1e-13);
            if (j < i)
                ck_assert_double_le(fabs(rr.data[i * n + j]), 1e-13);
        }
    for (size_t i = 0; i < n; i++)
        ck_assert_double_gt(rr.data[i * n + i], 1e-3);
    lk_error err;
    lk_matd wide = lk_matd_view(a.data, n, m, m);
    ck_assert_int_eq(lk_dqr_q(&wide, tau, &err), LK_EINVAL);
    lk_matd_free(&a); lk_matd_free(&q); lk_matd_free(&qq); lk_matd_free(&rr);
    gsl_rng_free(r);
}
END_TEST

/* ================================================================ views */

START_TEST(test_views_and_alloc)
{
    lk_mat m;
    ck_assert_int_eq(lk_mat_alloc(&m, 5, 4, NULL), LK_OK);
    for (size_t i = 0; i < 5; i++)
        for (size_t j = 0; j < 4; j++)
            LK_AT(&m, i, j) = (lk_real)(10 * i + j);
    lk_mat rows = lk_mat_rows(&m, 2, 10);
    ck_assert_uint_eq(rows.rows, 3);
    ck_assert(LK_AT(&rows, 0, 1) == 21);
    lk_mat cols = lk_mat_cols(&m, 1, 2);
    ck_assert_uint_eq(cols.cols, 2);
    ck_assert_uint_eq(cols.ld, 4);
    ck_assert(LK_AT(&cols, 3, 1) == 32);
    ck_assert_int_eq(cols.owner, 0);
    lk_mat_free(&cols);           /* a view: only reset */
    ck_assert(LK_AT(&m, 4, 3) == 43);
    lk_mat_free(&m);
    lk_mat_free(&m);              /* twice is safe */
    lk_error err;
    ck_assert_int_eq(lk_mat_alloc(&m, (size_t)1 << 62, (size_t)1 << 10, &err), LK_ENOMEM);
    ck_assert_ptr_null(m.data);
    ck_assert_int_eq(lk_mat_alloc(&m, 0, 7, NULL), LK_OK);
    ck_assert_uint_eq(m.cols, 7);
}
END_TEST

START_TEST(test_error_format)
{
    lk_error err;
    char buf[256];
    ck_assert_int_eq(lk_error_set(&err, LK_EFORMAT, "train.csv", "17:3",
                                  "\"%s\" is not a number", "4.2.1"), LK_EFORMAT);
    ck_assert_str_eq(lk_error_format(&err, buf, sizeof buf),
                     "train.csv:17:3: \"4.2.1\" is not a number");
    lk_error_set(&err, LK_EIO, "m.lkm", NULL, "cannot open");
    ck_assert_str_eq(lk_error_format(&err, buf, sizeof buf), "m.lkm: cannot open");
    ck_assert_int_eq(lk_error_set(NULL, LK_ENOMEM, NULL, NULL, "x"), LK_ENOMEM);
    lk_error_clear(&err);
    ck_assert_int_eq(err.status, LK_OK);
}
END_TEST

/* ================================================================ activations */

typedef struct act_ctx {
    lk_act act;
    lk_mat z, a, c;         /* objective: sum c .* f(z) */
    lk_real *gamma;
} act_ctx;

static double act_objective(void *p)
{
    act_ctx *x = p;
    lk_act_forward(&x->act, &x->z, &x->a, x->gamma);
    double s = 0;
    for (size_t i = 0; i < x->z.rows; i++)
        for (size_t j = 0; j < x->z.cols; j++)
            s += (double)LK_AT(&x->c, i, j) * LK_AT(&x->a, i, j);
    return s;
}

static void check_activation(lk_act act)
{
    gsl_rng *r = th_rng(23);
    act_ctx x = { .act = act };
    char name[64];
    lk_act_format(&act, name, sizeof name);
    const size_t rows = 4, cols = 5;
    lk_mat_alloc(&x.z, rows, cols, NULL);
    lk_mat_alloc(&x.a, rows, cols, NULL);
    lk_mat_alloc(&x.c, rows, cols, NULL);
    /* Keep |z| away from the kinks of ReLU-like functions at 0. */
    for (size_t k = 0; k < rows * cols; k++) {
        double v = 0.2 + 1.8 * gsl_rng_uniform(r);
        x.z.data[k] = (lk_real)(gsl_rng_uniform(r) < 0.5 ? -v : v);
    }
    th_fill_uniform(&x.c, r, -1, 1);
    lk_real gamma[5] = { 0.25f, -0.125f, 0.5f, 0.0625f, 0.375f };
    x.gamma = gamma;
    act_objective(&x);
    lk_mat dz;
    lk_mat_alloc(&dz, rows, cols, NULL);
    lk_real dgamma[5] = { 0 };
    lk_act_backward(&x.act, &x.z, &x.a, &x.c, &dz, gamma, dgamma);
    double rel = th_grad_check(act_objective, &x, x.z.data, dz.data, rows * cols, TH_GRAD_STEP);
    ck_assert_msg(rel < TH_GRAD_TOL, "%s: dz relative error %g", name, rel);
    if (lk_act_has_params(x.act.kind)) {
        rel = th_grad_check(act_objective, &x, gamma, dgamma, cols, TH_GRAD_STEP);
        ck_assert_msg(rel < TH_GRAD_TOL, "%s: dgamma relative error %g", name, rel);
    }
    lk_mat_free(&x.z); lk_mat_free(&x.a); lk_mat_free(&x.c); lk_mat_free(&dz);
    gsl_rng_free(r);
}

/* Every activation of the library's table, by its name (so an entry added
 * to the table is checked the day it is added): the name reads back as the
 * same activation, and its derivatives match central differences at its
 * default parameter and, when it takes one, at another. */
START_TEST(test_activation_derivatives)
{
    for (int k = 0; k < LK_ACT_COUNT; k++) {
        const char *name = lk_act_name((lk_act_kind)k);
        ck_assert_msg(name != NULL, "activation %d has no name", k);
        lk_act act, back;
        char buf[64];
        ck_assert_int_eq(lk_act_parse(name, &act, "test", NULL), LK_OK);
        ck_assert_int_eq(act.kind, k);
        ck_assert_int_eq(lk_act_parse(lk_act_format(&act, buf, sizeof buf), &back, NULL, NULL),
                         LK_OK);
        ck_assert(back.kind == act.kind && back.gamma == act.gamma);
        check_activation(act);
        if (strchr(buf, ':')) {
            act.gamma = act.gamma * 1.3 + 0.07;
            check_activation(act);
        }
    }
    ck_assert_ptr_null(lk_act_name(LK_ACT_COUNT));
}
END_TEST

START_TEST(test_activation_stable_extremes)
{
    lk_mat z, a, da, dz;
    lk_mat_alloc(&z, 2, 3, NULL);
    lk_mat_alloc(&a, 2, 3, NULL);
    lk_mat_alloc(&da, 2, 3, NULL);
    lk_mat_alloc(&dz, 2, 3, NULL);
    const lk_real vals[6] = { (lk_real)1e4, (lk_real)-1e4, 0, (lk_real)-1e4, (lk_real)-1e4,
                              (lk_real)9999.5 };
    memcpy(z.data, vals, sizeof vals);
    lk_mat_fill(&da, 1);
    /* Every activation of the table (PReLU with its slopes). */
    lk_real gamma[3] = { (lk_real)0.25, (lk_real)-0.125, (lk_real)0.5 }, dgamma[3] = { 0 };
    for (int k = 0; k < LK_ACT_COUNT; k++) {
        lk_act act = lk_act_default((lk_act_kind)k);
        lk_act_forward(&act, &z, &a, gamma);
        ck_assert_msg(lk_mat_all_finite(&a), "%s forward not finite", lk_act_name(act.kind));
        lk_act_backward(&act, &z, &a, &da, &dz, gamma, dgamma);
        ck_assert_msg(lk_mat_all_finite(&dz), "%s backward not finite", lk_act_name(act.kind));
    }
    lk_act sm = lk_act_default(LK_ACT_SIGMOID), sp = lk_act_default(LK_ACT_SOFTPLUS);
    lk_act_forward(&sm, &z, &a, NULL);
    ck_assert(LK_AT(&a, 0, 0) == 1 && LK_AT(&a, 0, 1) == 0 && LK_AT(&a, 0, 2) == (lk_real)0.5);
    lk_act_forward(&sp, &z, &a, NULL);
    ck_assert(LK_AT(&a, 0, 0) == (lk_real)1e4);
    ck_assert_double_le(fabs(LK_AT(&a, 0, 2) - log(2.0)), 4 * LK_REAL_EPSILON);
    lk_act smx = lk_act_default(LK_ACT_SOFTMAX);
    lk_act_forward(&smx, &z, &a, NULL);
    /* Row 1: (-1e4, -1e4, 9999.5): all mass on the last entry, sum 1. */
    ck_assert_double_le(fabs(LK_AT(&a, 1, 2) - 1), 4 * LK_REAL_EPSILON);
    lk_mat_free(&z); lk_mat_free(&a); lk_mat_free(&da); lk_mat_free(&dz);
}
END_TEST

START_TEST(test_activation_parse)
{
    lk_act act;
    lk_error err;
    char buf[64];
    ck_assert_int_eq(lk_act_parse("leakyrelu:0.01", &act, "--activation", &err), LK_OK);
    ck_assert_int_eq(act.kind, LK_ACT_LEAKYRELU);
    ck_assert_double_eq(act.gamma, 0.01);
    ck_assert_str_eq(lk_act_format(&act, buf, sizeof buf), "leakyrelu:0.01");
    ck_assert_int_eq(lk_act_parse("elu", &act, NULL, NULL), LK_OK);
    ck_assert_double_eq(act.gamma, 1.0);
    ck_assert_str_eq(lk_act_format(&act, buf, sizeof buf), "elu:1");
    ck_assert_int_eq(lk_act_parse("sigmoid", &act, NULL, NULL), LK_OK);
    ck_assert_str_eq(lk_act_format(&act, buf, sizeof buf), "sigmoid");
}
END_TEST

START_TEST(test_activation_parse_errors)
{
    static const char *const bad[] = { "relux", "", "sigmoid:0.5", "leakyrelu:abc",
                                       "leakyrelu:", "elu:nan", "prelu:1e999", "RELU" };
    for (size_t k = 0; k < sizeof bad / sizeof *bad; k++) {
        lk_act act;
        lk_error err;
        ck_assert_msg(lk_act_parse(bad[k], &act, "--activation", &err) == LK_EINVAL,
                      "'%s' accepted", bad[k]);
        ck_assert_str_eq(err.source, "--activation");
        ck_assert(strlen(err.text) > 10);
    }
}
END_TEST

/* ================================================================ name tables */

typedef struct named {
    double x;
    const char *name;
    const char *hint;
} named;

/* One lookup for every table: found by index, holes skipped, the refusal
 * listing every name with its hint; the list truncated, never overrun. */
START_TEST(test_names)
{
    static const named table[] = { { 2.385, "alpha", NULL }, { 0, NULL, NULL },
                                   { 1.5, "beta", "[:g]" }, { 7, "gamma-ray", NULL } };
    lk_names t = { "thing", &table[0].name, sizeof table[0], 4, &table[0].hint };
    int k = -1;
    lk_error err;
    ck_assert_int_eq(lk_names_find(&t, "gamma-ray", NULL, &k, NULL), LK_OK);
    ck_assert_int_eq(k, 3);
    ck_assert_int_eq(lk_names_find(&t, "beta", NULL, &k, NULL), LK_OK);
    ck_assert_int_eq(k, 2);
    ck_assert_ptr_null(lk_names_at(&t, 1));
    ck_assert_ptr_null(lk_names_at(&t, 4));
    ck_assert_int_eq(lk_names_find(&t, "beta[:g]", "--thing", &k, &err), LK_EINVAL);
    ck_assert_str_eq(err.source, "--thing");
    ck_assert_str_eq(err.text,
                     "unknown thing 'beta[:g]' (expected alpha, beta[:g] or gamma-ray)");
    ck_assert_int_eq(lk_names_find(&t, "", NULL, &k, &err), LK_EINVAL);
    char small[9];
    memset(small, 'x', sizeof small);
    ck_assert_str_eq(lk_names_list(&t, small, sizeof small), "alpha, b");
    static const char *const two[] = { "mask", "gauss" };
    lk_names t2 = LK_NAMES_ARRAY("noise", two);
    char buf[64];
    ck_assert_str_eq(lk_names_list(&t2, buf, sizeof buf), "mask or gauss");
    lk_names one = { "x", two, sizeof *two, 1, NULL };
    ck_assert_str_eq(lk_names_list(&one, buf, sizeof buf), "mask");
    /* The library's parsers speak through it. */
    lk_loss_kind l;
    ck_assert_int_eq(lk_loss_parse("mae", &l, "--loss", &err), LK_EINVAL);
    ck_assert_str_eq(err.text,
                     "unknown loss 'mae' (expected mse, bce, softmax-ce or perceptron)");
    lk_act a;
    ck_assert_int_eq(lk_act_parse("gelu", &a, NULL, &err), LK_EINVAL);
    ck_assert_str_eq(err.text, "unknown activation 'gelu' (expected identity, sigmoid, tanh, "
                               "relu, leakyrelu[:g], prelu[:g0], elu[:g], softplus or softmax)");
}
END_TEST

/* ================================================================ losses */

typedef struct loss_ctx {
    lk_loss_kind kind;
    lk_act act;
    lk_mat z, a, y;
} loss_ctx;

static double loss_objective(void *p)
{
    loss_ctx *x = p;
    lk_act_forward(&x->act, &x->z, &x->a, NULL);
    return lk_loss_eval(x->kind, &x->act, &x->z, &x->a, &x->y, NULL);
}

static void check_loss(lk_loss_kind kind, lk_act act, size_t cols, int onehot)
{
    gsl_rng *r = th_rng(31 + kind);
    loss_ctx x = { .kind = kind, .act = act };
    const char *act_name = lk_act_name(act.kind);
    ck_assert_ptr_null(lk_loss_check(kind, &x.act));
    const size_t rows = 6;
    lk_mat_alloc(&x.z, rows, cols, NULL);
    lk_mat_alloc(&x.a, rows, cols, NULL);
    lk_mat_alloc(&x.y, rows, cols, NULL);
    /* |z| in [0.2, 2]: away from the kinks of ReLU-like outputs. */
    for (size_t k = 0; k < rows * cols; k++) {
        double v = 0.2 + 1.8 * gsl_rng_uniform(r);
        x.z.data[k] = (lk_real)(gsl_rng_uniform(r) < 0.5 ? -v : v);
    }
    if (onehot) {
        for (size_t i = 0; i < rows; i++)
            LK_AT(&x.y, i, gsl_rng_uniform_int(r, cols)) = 1;
    } else {
        th_fill_uniform(&x.y, r, 0, 1);
    }
    lk_mat dz;
    lk_mat_alloc(&dz, rows, cols, NULL);
    lk_act_forward(&x.act, &x.z, &x.a, NULL);
    double v = lk_loss_eval(kind, &x.act, &x.z, &x.a, &x.y, &dz);
    ck_assert(isfinite(v) && v >= 0);
    double rel = th_grad_check(loss_objective, &x, x.z.data, dz.data, rows * cols, TH_GRAD_STEP);
    ck_assert_msg(rel < TH_GRAD_TOL, "%s/%s: relative error %g", lk_loss_name(kind), act_name, rel);
    lk_mat_free(&x.z); lk_mat_free(&x.a); lk_mat_free(&x.y); lk_mat_free(&dz);
    gsl_rng_free(r);
}

/* Every loss of the library's table with every output activation it
 * accepts (lk_loss_check), one and several columns, one-hot and soft
 * targets: so a loss or an activation added to its table is checked the
 * day it is added.  Each loss accepts at least one activation. */
START_TEST(test_loss_gradients)
{
    for (int l = 0; l < LK_LOSS_COUNT; l++) {
        const char *name = lk_loss_name((lk_loss_kind)l);
        ck_assert_msg(name != NULL, "loss %d has no name", l);
        lk_loss_kind back;
        ck_assert_int_eq(lk_loss_parse(name, &back, NULL, NULL), LK_OK);
        ck_assert_int_eq(back, l);
        size_t fits = 0;
        for (int k = 0; k < LK_ACT_COUNT; k++) {
            lk_act act = lk_act_default((lk_act_kind)k);
            if (lk_loss_check((lk_loss_kind)l, &act))
                continue;
            fits++;
            for (int onehot = 0; onehot < 2; onehot++) {
                check_loss((lk_loss_kind)l, act, 1, onehot);
                check_loss((lk_loss_kind)l, act, 3 + (size_t)k % 4, onehot);
            }
        }
        ck_assert_msg(fits > 0, "loss %s accepts no output activation", name);
    }
    ck_assert_ptr_null(lk_loss_name(LK_LOSS_COUNT));
}
END_TEST

START_TEST(test_loss_values)
{
    /* Hand-computed: one row, z = (1, 2, 0.5), target class 1. */
    lk_mat z, a, y, dz;
    lk_mat_alloc(&z, 1, 3, NULL); lk_mat_alloc(&a, 1, 3, NULL);
    lk_mat_alloc(&y, 1, 3, NULL); lk_mat_alloc(&dz, 1, 3, NULL);
    z.data[0] = 1; z.data[1] = 2; z.data[2] = (lk_real)0.5;
    y.data[1] = 1;
    lk_act sm = lk_act_default(LK_ACT_SOFTMAX), id = lk_act_default(LK_ACT_IDENTITY);
    lk_act_forward(&sm, &z, &a, NULL);
    double lse = log(exp(1.0) + exp(2.0) + exp(0.5));
    ck_assert_double_le(fabs(lk_loss_eval(LK_LOSS_SOFTMAX_CE, &sm, &z, &a, &y, &dz) - (lse - 2)),
                        8 * LK_REAL_EPSILON);
    /* MSE with identity: 1/2 (1 + 1 + 0.25) = 1.125. */
    ck_assert_double_le(fabs(lk_loss_eval(LK_LOSS_MSE, &id, &z, &z, &y, &dz) - 1.125),
                        8 * LK_REAL_EPSILON);
    /* Perceptron: argmax is the target: no loss, no gradient. */
    ck_assert_double_eq(lk_loss_eval(LK_LOSS_PERCEPTRON, &id, &z, &z, &y, &dz), 0);
    ck_assert(dz.data[0] == 0 && dz.data[1] == 0 && dz.data[2] == 0);
    /* Target class 2: loss z_1 - z_2 = 1.5, gradient +1 at 1, -1 at 2. */
    y.data[1] = 0; y.data[2] = 1;
    ck_assert_double_eq(lk_loss_eval(LK_LOSS_PERCEPTRON, &id, &z, &z, &y, &dz), 1.5);
    ck_assert(dz.data[0] == 0 && dz.data[1] == 1 && dz.data[2] == -1);
    ck_assert_uint_eq(lk_loss_errors(&z, &y, 0), 1);
    /* Softmax-CE at z = +-1e4 stays finite. */
    z.data[0] = (lk_real)1e4; z.data[1] = (lk_real)-1e4; z.data[2] = 0;
    lk_act_forward(&sm, &z, &a, NULL);
    ck_assert(isfinite(lk_loss_eval(LK_LOSS_SOFTMAX_CE, &sm, &z, &a, &y, &dz)));
    ck_assert(lk_mat_all_finite(&dz));
    lk_mat_free(&z); lk_mat_free(&a); lk_mat_free(&y); lk_mat_free(&dz);
}
END_TEST

START_TEST(test_loss_check_and_parse)
{
    lk_act sm = lk_act_default(LK_ACT_SOFTMAX), sg = lk_act_default(LK_ACT_SIGMOID);
    ck_assert_ptr_nonnull(lk_loss_check(LK_LOSS_SOFTMAX_CE, &sg));
    ck_assert_ptr_nonnull(lk_loss_check(LK_LOSS_BCE, &sm));
    ck_assert_ptr_null(lk_loss_check(LK_LOSS_MSE, &sm));
    lk_act pr = lk_act_default(LK_ACT_PRELU);
    ck_assert_ptr_nonnull(lk_loss_check(LK_LOSS_MSE, &pr));
    lk_loss_kind k;
    ck_assert_int_eq(lk_loss_parse("softmax-ce", &k, NULL, NULL), LK_OK);
    ck_assert_int_eq(k, LK_LOSS_SOFTMAX_CE);
    lk_error err;
    ck_assert_int_eq(lk_loss_parse("hinge", &k, "--loss", &err), LK_EINVAL);
    ck_assert_ptr_nonnull(strstr(err.text, "hinge"));
    lk_real wr[3] = { 1.5f, -2.0f, 0.5f }, g[3] = { 0.25f, 0, 0 };
    ck_assert_double_eq(lk_l2_value(0.5, 3, wr), 0.25 * (2.25 + 4 + 0.25));
    lk_l2_grad(0.5, 3, wr, g);
    ck_assert(g[0] == (lk_real)1.0 && g[1] == (lk_real)-1.0 && g[2] == (lk_real)0.25);
}
END_TEST

/* ================================================================ optimizers */

START_TEST(test_optimizer_steps)
{
    const lk_real g[2] = { 0.5f, -1.25f };
    lk_optim o;
    lk_optim_config cfg = lk_optim_defaults(&lk_optim_sgd);
    cfg.lr = 0.1;
    lk_real w[2] = { 1.5f, -2.25f };
    ck_assert_int_eq(lk_optim_init(&o, &lk_optim_sgd, &cfg, 2, NULL), LK_OK);
    lk_optim_step(&o, w, g);
    ck_assert_double_le(fabs(w[0] - 1.45), 4 * LK_REAL_EPSILON);
    ck_assert_double_le(fabs(w[1] + 2.125), 4 * LK_REAL_EPSILON);
    lk_optim_free(&o);

    /* Heavy ball, mu 0.9, lr 0.1: v1 = -0.1 g, v2 = 0.9 v1 - 0.1 g. */
    cfg = lk_optim_defaults(&lk_optim_momentum);
    cfg.lr = 0.1;
    w[0] = 1.5f; w[1] = -2.25f;
    lk_optim_init(&o, &lk_optim_momentum, &cfg, 2, NULL);
    lk_optim_step(&o, w, g);
    lk_optim_step(&o, w, g);
    ck_assert_double_le(fabs(w[0] - (1.5 - 0.05 - 0.095)), 8 * LK_REAL_EPSILON);
    ck_assert_double_le(fabs(w[1] - (-2.25 + 0.125 + 0.2375)), 8 * LK_REAL_EPSILON);
    lk_optim_free(&o);

    /* Nesterov: w1 = w0 + mu v1 - lr g with v1 = -lr g. */
    cfg.nesterov = 1;
    w[0] = 1.5f; w[1] = -2.25f;
    lk_optim_init(&o, &lk_optim_momentum, &cfg, 2, NULL);
    lk_optim_step(&o, w, g);
    ck_assert_double_le(fabs(w[0] - (1.5 - 0.045 - 0.05)), 8 * LK_REAL_EPSILON);
    ck_assert_double_le(fabs(w[1] - (-2.25 + 0.1125 + 0.125)), 8 * LK_REAL_EPSILON);
    lk_optim_free(&o);

    /* Adam, lr 0.01, two steps with gradients g then 2g, by the paper's
     * update with explicit bias correction. */
    cfg = lk_optim_defaults(&lk_optim_adam);
    cfg.lr = 0.01;
    w[0] = 1.5f; w[1] = -2.25f;
    lk_optim_init(&o, &lk_optim_adam, &cfg, 2, NULL);
    lk_optim_step(&o, w, g);
    const lk_real g2[2] = { 1.0f, -2.5f };
    lk_optim_step(&o, w, g2);
    for (int i = 0; i < 2; i++) {
        double w0 = i ? -2.25 : 1.5, m = 0, v = 0, x = w0;
        const double gs[2] = { g[i], g2[i] };
        for (int t = 1; t <= 2; t++) {
            m = 0.9 * m + 0.1 * gs[t - 1];
            v = 0.999 * v + 0.001 * gs[t - 1] * gs[t - 1];
            double mh = m / (1 - pow(0.9, t)), vh = v / (1 - pow(0.999, t));
            /* The folded form adds eps before the bias correction of v. */
            x -= 0.01 * mh / (sqrt(vh) + 1e-8 / sqrt(1 - pow(0.999, t)));
        }
        ck_assert_double_le(fabs(w[i] - x), 16 * LK_REAL_EPSILON * fabs(x));
    }
    lk_optim_free(&o);
}
END_TEST

START_TEST(test_optimizer_errors)
{
    const lk_optim_type *t;
    lk_error err;
    ck_assert_int_eq(lk_optim_parse("adam", &t, NULL, NULL), LK_OK);
    ck_assert_ptr_eq(t, &lk_optim_adam);
    ck_assert_int_eq(lk_optim_parse("rmsprop", &t, "--optimizer", &err), LK_EINVAL);
    ck_assert_ptr_nonnull(strstr(err.text, "rmsprop"));
    lk_optim_config cfg = lk_optim_defaults(&lk_optim_sgd);
    cfg.lr = -1;
    lk_optim o;
    ck_assert_int_eq(lk_optim_init(&o, &lk_optim_sgd, &cfg, 3, &err), LK_EINVAL);
    cfg.lr = NAN;
    ck_assert_ptr_nonnull(lk_optim_check(&cfg));
    cfg = lk_optim_defaults(&lk_optim_momentum);
    cfg.momentum = 1.0;
    ck_assert_ptr_nonnull(lk_optim_check(&cfg));
}
END_TEST

START_TEST(test_arena_and_clip)
{
    size_t n = 0;
    size_t w = lk_params_reserve(&n, 3, 5);
    size_t b = lk_params_reserve(&n, 1, 3);
    ck_assert_uint_eq(w, 0);
    ck_assert_uint_eq(b % (64 / sizeof(lk_real)), 0);
    lk_params p;
    ck_assert_int_eq(lk_params_alloc(&p, n, NULL), LK_OK);
    ck_assert_uint_eq((uintptr_t)(p.w + b) % 64, 0);
    p.g[0] = 3;
    p.g[b] = 4;
    ck_assert_double_eq(lk_params_clip(&p, 2.5), 5);
    ck_assert_double_le(fabs(lk_params_grad_norm(&p) - 2.5), 4 * LK_REAL_EPSILON);
    ck_assert_double_le(fabs(p.g[0] - 1.5), 4 * LK_REAL_EPSILON);
    lk_params_zero_grad(&p);
    ck_assert_double_eq(lk_params_grad_norm(&p), 0);
    lk_params_free(&p);
}
END_TEST

/* ================================================================ dense */

typedef struct dense_ctx {
    lk_dense enc, dec;
    lk_params p;
    lk_mat x, h, zh, r, zr, y;
    lk_loss_kind loss;
} dense_ctx;

/* A tied autoencoder x -> h = f(W x + b) -> r = g(W^T h + c): the hardest
 * case of the layer, with both uses of W in one gradient. */
static double dense_objective(void *p)
{
    dense_ctx *c = p;
    lk_dense_forward(&c->enc, &c->p, &c->x, &c->zh, &c->h);
    lk_dense_forward(&c->dec, &c->p, &c->h, &c->zr, &c->r);
    return lk_loss_eval(c->loss, &c->dec.act, &c->zr, &c->r, &c->y, NULL);
}

START_TEST(test_dense_tied_gradient)
{
    gsl_rng *rng = th_rng(41);
    dense_ctx c = { .loss = LK_LOSS_MSE };
    size_t n = 0;
    /* PReLU in the hidden layer checks the slope gradients too. */
    lk_act sig = lk_act_default(LK_ACT_SIGMOID), prelu = lk_act_default(LK_ACT_PRELU);
    lk_dense_plan(&c.enc, &n, 7, 5, prelu);
    lk_dense_plan_tied(&c.dec, &n, &c.enc, sig);
    lk_params_alloc(&c.p, n, NULL);
    lk_dense_init(&c.enc, &c.p, LK_INIT_AUTO, rng);
    lk_dense_init(&c.dec, &c.p, LK_INIT_AUTO, rng);
    for (size_t j = 0; j < 5; j++)   /* distinct slopes, some negative inputs */
        c.p.w[c.enc.gamma + j] = (lk_real)(0.15 + 0.1 * (double)j);
    for (size_t j = 0; j < 7; j++)   /* non-zero biases exercise db */
        lk_dense_b(&c.dec, &c.p)[j] = (lk_real)(0.1 * (double)j - 0.3);
    const size_t batch = 3;
    lk_mat_alloc(&c.x, batch, 7, NULL);
    lk_mat_alloc(&c.y, batch, 7, NULL);
    lk_mat_alloc(&c.h, batch, 5, NULL);
    lk_mat_alloc(&c.zh, batch, 5, NULL);
    lk_mat_alloc(&c.r, batch, 7, NULL);
    lk_mat_alloc(&c.zr, batch, 7, NULL);
    th_fill_uniform(&c.x, rng, -1, 1);
    th_fill_uniform(&c.y, rng, -1, 1);
    lk_real ones[3] = { 1, 1, 1 };
    lk_mat dzr, dh, dzh;
    lk_mat_alloc(&dzr, batch, 7, NULL);
    lk_mat_alloc(&dh, batch, 5, NULL);
    lk_mat_alloc(&dzh, batch, 5, NULL);
    dense_objective(&c);
    lk_params_zero_grad(&c.p);
    lk_loss_eval(c.loss, &c.dec.act, &c.zr, &c.r, &c.y, &dzr);
    lk_dense_backward(&c.dec, &c.p, &c.h, &dzr, &dh, ones);
    lk_dense_backward_act(&c.enc, &c.p, &c.zh, &c.h, &dh, &dzh);
    lk_dense_backward(&c.enc, &c.p, &c.x, &dzh, NULL, ones);
    double rel = th_grad_check(dense_objective, &c, c.p.w, c.p.g, c.p.n, TH_GRAD_STEP);
    ck_assert_msg(rel < TH_GRAD_TOL, "tied dense relative error %g", rel);
    lk_params_free(&c.p);
    lk_mat_free(&c.x); lk_mat_free(&c.y); lk_mat_free(&c.h); lk_mat_free(&c.zh);
    lk_mat_free(&c.r); lk_mat_free(&c.zr); lk_mat_free(&dzr); lk_mat_free(&dh);
    lk_mat_free(&dzh);
    gsl_rng_free(rng);
}
END_TEST

START_TEST(test_dense_init_scale)
{
    gsl_rng *rng = th_rng(43);
    size_t n = 0;
    lk_dense l;
    lk_dense_plan(&l, &n, 400, 300, lk_act_default(LK_ACT_RELU));
    lk_params p;
    lk_params_alloc(&p, n, NULL);
    lk_dense_init(&l, &p, LK_INIT_AUTO, rng);   /* He: std sqrt(2/400) */
    lk_mat w = lk_dense_w(&l, &p);
    double s = 0;
    for (size_t k = 0; k < 400 * 300; k++)
        s += (double)w.data[k] * w.data[k];
    ck_assert_double_le(fabs(sqrt(s / (400.0 * 300)) - sqrt(2.0 / 400)), 0.01 * sqrt(2.0 / 400));
    lk_init_kind kind;
    lk_error err;
    ck_assert_int_eq(lk_init_parse("xavier", &kind, "--init", &err), LK_EINVAL);
    ck_assert_int_eq(lk_init_parse("glorot", &kind, "--init", &err), LK_OK);
    lk_params_free(&p);
    gsl_rng_free(rng);
}
END_TEST

static Suite *core_suite(void)
{
    Suite *s = suite_create("core");
    TCase *core = tcase_create("core");
    tcase_add_test(core, test_gemm_all_transposes);
    tcase_add_test(core, test_syrk_gemv_colsums);
    tcase_add_test(core, test_double_solvers);
    tcase_add_test(core, test_qr_orthonormal_factor);
    tcase_add_test(core, test_views_and_alloc);
    tcase_add_test(core, test_activation_derivatives);
    tcase_add_test(core, test_activation_parse);
    tcase_add_test(core, test_loss_gradients);
    tcase_add_test(core, test_loss_values);
    tcase_add_test(core, test_optimizer_steps);
    tcase_add_test(core, test_arena_and_clip);
    tcase_add_test(core, test_dense_tied_gradient);
    tcase_add_test(core, test_dense_init_scale);
    suite_add_tcase(s, core);
    TCase *limits = tcase_create("limits");
    tcase_add_test(limits, test_activation_stable_extremes);
    suite_add_tcase(s, limits);
    TCase *errors = tcase_create("errors");
    tcase_add_test(errors, test_gemm_shape_mismatch);
    tcase_add_test(errors, test_int_range_guards);
    tcase_add_test(errors, test_error_format);
    tcase_add_test(errors, test_names);
    tcase_add_test(errors, test_activation_parse_errors);
    tcase_add_test(errors, test_loss_check_and_parse);
    tcase_add_test(errors, test_optimizer_errors);
    suite_add_tcase(s, errors);
    return s;
}

int main(void) { return th_run_suite(core_suite()); }
