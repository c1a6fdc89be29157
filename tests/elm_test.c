/* elm_test.c — the ELM and its solvers: interpolation, the Penrose
 * conditions, streamed ridge, C -> infinity, exact leave-one-out, same seed
 * same bytes, and every refusal. */
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

static uint32_t *rand_labels(size_t n, size_t k, gsl_rng *g)
{
    uint32_t *y = malloc(n * sizeof *y);
    for (size_t i = 0; i < n; i++)
        y[i] = (uint32_t)((i < k) ? i : gsl_rng_uniform_int(g, k));
    return y;
}

/* Hidden >= samples, distinct inputs: the minimum-norm solution fits the
 * targets exactly, up to rounding amplified by the condition number. */
START_TEST(test_svd_interpolates)
{
    gsl_rng *g = th_rng(2385);
    size_t n = 40, d = 30, k = 3;
    lk_mat x = rand_mat(n, d, g, -1, 1);
    uint32_t *y = rand_labels(n, k, g);
    lk_elm_params p = lk_elm_params_default();
    p.hidden = 64;
    p.rcond = 100.0 * (double)n * LK_REAL_EPSILON;
    lk_elm m;
    lk_elm_report rep;
    lk_error err;
    ck_assert_int_eq(lk_elm_fit(&m, &p, &x, y, k, g, &rep, &err), LK_OK);
    ck_assert_msg(rep.rank == (int)n, "rank %d, sigma %g..%g", rep.rank, rep.sigma_max, rep.sigma_min_kept);
    lk_mat sc, t;
    lk_mat_alloc(&sc, n, k, NULL);
    lk_onehot(y, n, k, &t, NULL);
    ck_assert_int_eq(lk_elm_scores(&m, &x, &sc, &err), LK_OK);
    double kappa = rep.sigma_max / rep.sigma_min_kept;
    double res = th_max_abs_diff(&sc, &t);
    ck_assert_msg(res < 50.0 * (double)n * LK_REAL_EPSILON * kappa,
                  "residual %g, kappa %g", res, kappa);
    lk_mat_free(&sc);
    lk_mat_free(&t);
    lk_mat_free(&x);
    free(y);
    lk_elm_free(&m);
    gsl_rng_free(g);
}
END_TEST

/* Z^+ of a rank-deficient Z by TSQR: min ||Z X - I|| is X = Z^+. */
START_TEST(test_penrose_conditions)
{
    gsl_rng *g = th_rng(4711);
    size_t m = 30, p = 12, r = 7;
    lk_mat u = rand_mat(m, r, g, -1, 1), v = rand_mat(r, p, g, -1, 1), z, id;
    lk_mat_alloc(&z, m, p, NULL);
    th_naive_gemm(LK_NOTRANS, LK_NOTRANS, 1, &u, &v, 0, &z);
    lk_mat_alloc(&id, m, m, NULL);
    for (size_t i = 0; i < m; i++)
        LK_AT(&id, i, i) = 1;
    lk_tsqr w;
    ck_assert_int_eq(lk_tsqr_alloc(&w, p, m, 11, NULL), LK_OK);  /* several folds */
    ck_assert_int_eq(lk_tsqr_add(&w, &z, &id, NULL), LK_OK);
    lk_matd xd;
    lk_matd_alloc(&xd, p, m, NULL);
    double s[12];
    int rank;
    double rcond = 100.0 * (double)m * LK_REAL_EPSILON;
    ck_assert_int_eq(lk_tsqr_solve(&w, rcond, &xd, &rank, s, NULL), LK_OK);
    ck_assert_int_eq(rank, (int)r);
    lk_mat x, zx, xz, zxz, xzx;
    lk_mat_alloc(&x, p, m, NULL);
    lk_matd_to_mat(&x, &xd);
    lk_mat_alloc(&zx, m, m, NULL);
    lk_mat_alloc(&xz, p, p, NULL);
    lk_mat_alloc(&zxz, m, p, NULL);
    lk_mat_alloc(&xzx, p, m, NULL);
    th_naive_gemm(LK_NOTRANS, LK_NOTRANS, 1, &z, &x, 0, &zx);
    th_naive_gemm(LK_NOTRANS, LK_NOTRANS, 1, &x, &z, 0, &xz);
    th_naive_gemm(LK_NOTRANS, LK_NOTRANS, 1, &zx, &z, 0, &zxz);
    th_naive_gemm(LK_NOTRANS, LK_NOTRANS, 1, &xz, &x, 0, &xzx);
    double smax = s[0], smin = s[r - 1], kappa = smax / smin;
    double tol = 100.0 * (double)m * LK_REAL_EPSILON;
    ck_assert_msg(th_max_abs_diff(&zxz, &z) < tol * smax * kappa, "Z X Z = Z");
    ck_assert_msg(th_max_abs_diff(&xzx, &x) < tol * kappa / smin, "X Z X = X");
    for (size_t i = 0; i < m; i++)
        for (size_t j = 0; j < m; j++)
            ck_assert_msg(fabs(LK_AT(&zx, i, j) - LK_AT(&zx, j, i)) < tol * kappa,
                          "(Z X)^T = Z X at %zu %zu", i, j);
    for (size_t i = 0; i < p; i++)
        for (size_t j = 0; j < p; j++)
            ck_assert_msg(fabs(LK_AT(&xz, i, j) - LK_AT(&xz, j, i)) < tol * kappa,
                          "(X Z)^T = X Z at %zu %zu", i, j);
    /* and the rank-r truncation really was needed: s[r] is rounding */
    ck_assert(s[r] < rcond * smax);
    lk_mat *all[] = { &u, &v, &z, &id, &x, &zx, &xz, &zxz, &xzx };
    for (size_t i = 0; i < sizeof all / sizeof *all; i++)
        lk_mat_free(all[i]);
    lk_matd_free(&xd);
    lk_tsqr_free(&w);
    gsl_rng_free(g);
}
END_TEST

static void ridge_fit(const lk_mat *z, const lk_mat *t, size_t block, int center, double lambda,
                      lk_matd *beta, double *bias)
{
    lk_ridge w;
    ck_assert_int_eq(lk_ridge_alloc(&w, z->cols, t->cols, block, center, NULL), LK_OK);
    for (size_t r0 = 0; r0 < z->rows; r0 += block) {
        lk_mat zb = lk_mat_rows(z, r0, block), tb = lk_mat_rows(t, r0, block);
        ck_assert_int_eq(lk_ridge_add(&w, &zb, &tb, NULL), LK_OK);
    }
    ck_assert_int_eq(lk_ridge_solve(&w, lambda, beta, bias, NULL), LK_OK);
    lk_ridge_free(&w);
}

static double maxdiff_d(const lk_matd *a, const lk_matd *b)
{
    double m = 0;
    for (size_t i = 0; i < a->rows; i++)
        for (size_t j = 0; j < a->cols; j++)
            m = fmax(m, fabs(a->data[i * a->ld + j] - b->data[i * b->ld + j]));
    return m;
}

static double maxabs_d(const lk_matd *a)
{
    double m = 0;
    for (size_t i = 0; i < a->rows * a->cols; i++)
        m = fmax(m, fabs(a->data[i]));
    return m;
}

/* Ridge on random (z, t) added in blocks of `block` rows agrees with the
 * same rows added at once, centered and not, to tol_unit * max|beta|. */
static void check_blocks_match_one_shot(unsigned long seed, size_t n, size_t p, size_t k,
                                        size_t block, double lambda, double tol_unit)
{
    gsl_rng *g = th_rng(seed);
    lk_mat z = rand_mat(n, p, g, -1, 1), t = rand_mat(n, k, g, 0, 1);
    double *c1 = malloc(k * sizeof *c1), *c2 = malloc(k * sizeof *c2);
    for (int center = 0; center <= 1; center++) {
        lk_matd b1, b2;
        lk_matd_alloc(&b1, p, k, NULL);
        lk_matd_alloc(&b2, p, k, NULL);
        ridge_fit(&z, &t, block, center, lambda, &b1, c1);
        ridge_fit(&z, &t, n, center, lambda, &b2, c2);
        double tol = tol_unit * fmax(1, maxabs_d(&b2));
        ck_assert_msg(maxdiff_d(&b1, &b2) < tol, "center %d: %g", center, maxdiff_d(&b1, &b2));
        for (size_t j = 0; center && j < k; j++)
            ck_assert(fabs(c1[j] - c2[j]) < tol);
        lk_matd_free(&b1);
        lk_matd_free(&b2);
    }
    free(c1);
    free(c2);
    lk_mat_free(&z);
    lk_mat_free(&t);
    gsl_rng_free(g);
}

START_TEST(test_streamed_equals_one_shot)
{
    check_blocks_match_one_shot(1618, 203, 9, 4, 7, 0.37, 20.0 * 203 * LK_REAL_EPSILON);
}
END_TEST

/* Enough rows that the float sums are flushed into double several times
 * (every 8192 rows) and once more, partly filled, at the solve: blocks of
 * 1000 agree with the whole set added at once.  A flush lost or done twice
 * moves beta by far more than the tolerance. */
START_TEST(test_streamed_flushes)
{
    check_blocks_match_one_shot(1414, 20011, 6, 3, 1000, 0.5,
                                200.0 * sqrt(20011.0) * LK_REAL_EPSILON);
}
END_TEST

/* The ridge solution of (z, t) formed and solved in double from the
 * lk_real data: the reference for the streamed sums. */
static void ridge_reference(const lk_mat *z, const lk_mat *t, int center, double lambda,
                            lk_matd *beta, double *bias)
{
    size_t n = z->rows, p = z->cols, k = t->cols;
    double mz[8] = { 0 }, mt[8] = { 0 };
    for (size_t i = 0; center && i < n; i++) {
        for (size_t j = 0; j < p; j++)
            mz[j] += LK_AT(z, i, j) / (double)n;
        for (size_t j = 0; j < k; j++)
            mt[j] += LK_AT(t, i, j) / (double)n;
    }
    lk_matd zd, td, gram;
    lk_matd_alloc(&zd, n, p, NULL);
    lk_matd_alloc(&td, n, k, NULL);
    lk_matd_alloc(&gram, p, p, NULL);
    for (size_t i = 0; i < n; i++) {
        for (size_t j = 0; j < p; j++)
            zd.data[i * p + j] = LK_AT(z, i, j) - mz[j];
        for (size_t j = 0; j < k; j++)
            td.data[i * k + j] = LK_AT(t, i, j) - mt[j];
    }
    lk_dgemm(LK_TRANS, LK_NOTRANS, 1, &zd, &zd, 0, &gram);
    lk_dgemm(LK_TRANS, LK_NOTRANS, 1, &zd, &td, 0, beta);
    for (size_t j = 0; j < p; j++)
        gram.data[j * p + j] += lambda;
    ck_assert_int_eq(lk_dposv(&gram, beta, NULL), LK_OK);
    for (size_t c = 0; center && c < k; c++) {
        bias[c] = mt[c];
        for (size_t j = 0; j < p; j++)
            bias[c] -= beta->data[j * beta->ld + c] * mz[j];
    }
    lk_matd_free(&zd);
    lk_matd_free(&td);
    lk_matd_free(&gram);
}

/* Features with a large common mean and a small spread: sigmoid units near
 * 1/2 (uncentered, a small lambda, as in the ELM autoencoder) and inputs
 * near 1000 (centered, as in lsq).  Summed in float without the shift, the
 * sums round at eps n mean^2, against the spread's n s^2: beta came out
 * 1e-3 off uncentered and 170% off centered.  With it, the streamed
 * solution matches the double reference to a few float roundings (2e-7
 * and 3e-7 measured). */
START_TEST(test_shifted_gram_keeps_small_spread)
{
    gsl_rng *g = th_rng(1732);
    size_t n = 20011, p = 6, k = 3;
    const double mean[2] = { 0.5, 1000 }, spread[2] = { 0.01, 1 }, lambda[2] = { 1e-3, 1e-3 };
    for (int center = 0; center <= 1; center++) {
        lk_mat z = rand_mat(n, p, g, -1, 1), t = rand_mat(n, k, g, 0, 1);
        for (size_t i = 0; i < n; i++) {
            for (size_t j = 0; j < p; j++)
                LK_AT(&z, i, j) = (lk_real)(mean[center] + spread[center] * LK_AT(&z, i, j));
            for (size_t c = 0; c < k; c++)    /* a linear target plus noise */
                LK_AT(&t, i, c) += (lk_real)((LK_AT(&z, i, c) - mean[center]) / spread[center]);
        }
        lk_matd b, ref;
        double c1[3], c2[3];
        lk_matd_alloc(&b, p, k, NULL);
        lk_matd_alloc(&ref, p, k, NULL);
        ridge_fit(&z, &t, 1000, center, lambda[center], &b, c1);
        ridge_reference(&z, &t, center, lambda[center], &ref, c2);
        double rel = maxdiff_d(&b, &ref) / maxabs_d(&ref);
        ck_assert_msg(rel < 1e-5, "center %d: beta off by %g relative", center, rel);
        for (size_t c = 0; center && c < k; c++) {
            double scale = fabs(c2[c]);    /* bias = tau - beta^T mu: beta's error times mu */
            for (size_t j = 0; j < p; j++)
                scale += fabs(ref.data[j * ref.ld + c]) * mean[center];
            ck_assert_msg(fabs(c1[c] - c2[c]) < 1e-5 * scale, "bias %g vs %g", c1[c], c2[c]);
        }
        lk_matd_free(&b);
        lk_matd_free(&ref);
        lk_mat_free(&z);
        lk_mat_free(&t);
    }
    gsl_rng_free(g);
}
END_TEST

/* beta(lambda) - beta(0) = -lambda (G + lambda)^-1 beta(0): the gap
 * shrinks in proportion to lambda down to the rounding floor. */
START_TEST(test_ridge_approaches_svd)
{
    gsl_rng *g = th_rng(2718);
    size_t n = 300, p = 8, k = 3;
    lk_mat z = rand_mat(n, p, g, -1, 1), t = rand_mat(n, k, g, 0, 1);
    lk_tsqr q;
    lk_matd bs, br;
    lk_matd_alloc(&bs, p, k, NULL);
    lk_matd_alloc(&br, p, k, NULL);
    ck_assert_int_eq(lk_tsqr_alloc(&q, p, k, 64, NULL), LK_OK);
    lk_tsqr_add(&q, &z, &t, NULL);
    double s[8];
    int rank;
    ck_assert_int_eq(lk_tsqr_solve(&q, 0, &bs, &rank, s, NULL), LK_OK);
    double emin = s[p - 1] * s[p - 1], nb = maxabs_d(&bs);
    double floor = 100.0 * (double)n * LK_REAL_EPSILON * (s[0] / s[p - 1]) * nb;
    double prev = INFINITY;
    for (double lambda = 10; lambda >= 1e-3; lambda /= 10) {
        ridge_fit(&z, &t, 50, 0, lambda, &br, NULL);
        double gap = maxdiff_d(&br, &bs);
        ck_assert_msg(gap <= 3.0 * lambda / emin * nb * sqrt((double)p) + floor,
                      "lambda %g: gap %g", lambda, gap);
        ck_assert(gap < prev || gap < floor);
        prev = gap;
    }
    ck_assert(prev < floor + 3e-3 / emin * nb * sqrt((double)p));
    lk_tsqr_free(&q);
    lk_matd_free(&bs);
    lk_matd_free(&br);
    lk_mat_free(&z);
    lk_mat_free(&t);
    gsl_rng_free(g);
}
END_TEST

/* PRESS and LOO errors from one eigendecomposition against refitting n
 * times without each row. */
static void check_loo(int center)
{
    gsl_rng *g = th_rng(center ? 3141 : 5926);
    size_t n = 25, p = 6, k = 3;
    lk_mat z = rand_mat(n, p, g, -1, 1), t;
    uint32_t *y = rand_labels(n, k, g);
    lk_onehot(y, n, k, &t, NULL);
    double grid[3] = { 0.13, 1.7, 23.0 };
    lk_ridge w;
    ck_assert_int_eq(lk_ridge_alloc(&w, p, k, 8, center, NULL), LK_OK);
    for (size_t r0 = 0; r0 < n; r0 += 8) {
        lk_mat zb = lk_mat_rows(&z, r0, 8), tb = lk_mat_rows(&t, r0, 8);
        lk_ridge_add(&w, &zb, &tb, NULL);
    }
    ck_assert_int_eq(lk_ridge_eig(&w, NULL), LK_OK);
    ck_assert_int_eq(lk_ridge_loo_begin(&w, grid, 3, NULL), LK_OK);
    for (size_t r0 = 0; r0 < n; r0 += 8) {
        lk_mat zb = lk_mat_rows(&z, r0, 8), tb = lk_mat_rows(&t, r0, 8);
        ck_assert_int_eq(lk_ridge_loo_add(&w, &zb, &tb, NULL), LK_OK);
    }
    lk_mat zo, to;
    lk_mat_alloc(&zo, n - 1, p, NULL);
    lk_mat_alloc(&to, n - 1, k, NULL);
    lk_matd beta;
    lk_matd_alloc(&beta, p, k, NULL);
    for (size_t gi = 0; gi < 3; gi++) {
        double press = 0;
        size_t errors = 0;
        for (size_t i = 0; i < n; i++) {
            for (size_t r = 0, o = 0; r < n; r++)
                if (r != i) {
                    memcpy(lk_mat_row(&zo, o), lk_mat_row(&z, r), p * sizeof(lk_real));
                    memcpy(lk_mat_row(&to, o), lk_mat_row(&t, r), k * sizeof(lk_real));
                    o++;
                }
            double bias[3] = { 0, 0, 0 };
            ridge_fit(&zo, &to, n - 1, center, grid[gi], &beta, center ? bias : NULL);
            double best = -INFINITY;
            size_t arg = 0;
            for (size_t c = 0; c < k; c++) {
                double f = bias[c];
                for (size_t j = 0; j < p; j++)
                    f += LK_AT(&z, i, j) * beta.data[j * beta.ld + c];
                double r = LK_AT(&t, i, c) - f;
                press += r * r;
                if (f > best) {
                    best = f;
                    arg = c;
                }
            }
            errors += arg != y[i];
        }
        ck_assert_msg(fabs(press - w.press[gi]) < 200.0 * (double)n * LK_REAL_EPSILON * press,
                      "lambda %g: PRESS %g, brute force %g", grid[gi], w.press[gi], press);
        ck_assert_uint_eq(errors, w.errors[gi]);
    }
    lk_matd_free(&beta);
    lk_mat_free(&zo);
    lk_mat_free(&to);
    lk_mat_free(&z);
    lk_mat_free(&t);
    free(y);
    lk_ridge_free(&w);
    gsl_rng_free(g);
}

START_TEST(test_press_is_loo) { check_loo(0); }
END_TEST
START_TEST(test_press_is_loo_centered) { check_loo(1); }
END_TEST

/* With lambda = 0 the eigen solver is the pseudoinverse too. */
START_TEST(test_eig_solve_matches_cholesky)
{
    gsl_rng *g = th_rng(1414);
    size_t n = 120, p = 7, k = 2;
    lk_mat z = rand_mat(n, p, g, -1, 1), t = rand_mat(n, k, g, 0, 1);
    lk_ridge w;
    lk_ridge_alloc(&w, p, k, 50, 1, NULL);
    for (size_t r0 = 0; r0 < n; r0 += 50) {
        lk_mat zb = lk_mat_rows(&z, r0, 50), tb = lk_mat_rows(&t, r0, 50);
        lk_ridge_add(&w, &zb, &tb, NULL);
    }
    lk_matd b1, b2;
    double c1[2], c2[2];
    lk_matd_alloc(&b1, p, k, NULL);
    lk_matd_alloc(&b2, p, k, NULL);
    ck_assert_int_eq(lk_ridge_solve(&w, 0.53, &b1, c1, NULL), LK_OK);
    ck_assert_int_eq(lk_ridge_eig(&w, NULL), LK_OK);
    ck_assert_int_eq(lk_ridge_eig_solve(&w, 0.53, &b2, c2, NULL), LK_OK);
    ck_assert(maxdiff_d(&b1, &b2) < 1e3 * DBL_EPSILON * fmax(1, maxabs_d(&b1)));
    ck_assert(fabs(c1[0] - c2[0]) < 1e3 * DBL_EPSILON && fabs(c1[1] - c2[1]) < 1e3 * DBL_EPSILON);
    lk_matd_free(&b1);
    lk_matd_free(&b2);
    lk_mat_free(&z);
    lk_mat_free(&t);
    lk_ridge_free(&w);
    gsl_rng_free(g);
}
END_TEST

static unsigned char *fit_bytes(lk_elm_solver solver, size_t *len)
{
    gsl_rng *g = th_rng(99);
    size_t n = 150, d = 6, k = 3;
    lk_mat x = rand_mat(n, d, g, 0, 1);
    uint32_t *y = rand_labels(n, k, g);
    gsl_rng_set(g, 42);
    lk_elm_params p = lk_elm_params_default();
    p.hidden = 33;
    p.solver = solver;
    p.weights = LK_ELM_GAUSSIAN;
    lk_elm m;
    ck_assert_int_eq(lk_elm_fit(&m, &p, &x, y, k, g, NULL, NULL), LK_OK);
    lk_model *mo;
    ck_assert_int_eq(lk_elm_save(&m, NULL, NULL, &mo, NULL), LK_OK);
    unsigned char *buf;
    ck_assert_int_eq(lk_model_serialize(mo, &buf, len, NULL), LK_OK);
    /* and it reads back to the same predictions */
    lk_predictor *pr;
    ck_assert_int_eq(lk_predictor_load(mo, &pr, NULL), LK_OK);
    lk_mat s1, s2;
    lk_mat_alloc(&s1, n, k, NULL);
    lk_mat_alloc(&s2, n, k, NULL);
    lk_elm_scores(&m, &x, &s1, NULL);
    ck_assert_int_eq(lk_predictor_scores(pr, &x, &s2, NULL), LK_OK);
    ck_assert(th_max_abs_diff(&s1, &s2) == 0);
    lk_predictor_free(pr);
    lk_mat_free(&s1);
    lk_mat_free(&s2);
    lk_model_free(mo);
    lk_elm_free(&m);
    lk_mat_free(&x);
    free(y);
    gsl_rng_free(g);
    return buf;
}

START_TEST(test_same_seed_same_bytes)
{
    for (int s = 0; s < 2; s++) {
        size_t n1, n2;
        unsigned char *a = fit_bytes((lk_elm_solver)s, &n1), *b = fit_bytes((lk_elm_solver)s, &n2);
        ck_assert_uint_eq(n1, n2);
        ck_assert(memcmp(a, b, n1) == 0);
        free(a);
        free(b);
    }
}
END_TEST

/* C auto on a tiny problem picks a grid value and fits. */
START_TEST(test_c_auto)
{
    gsl_rng *g = th_rng(777);
    size_t n = 90, d = 4, k = 2;
    lk_mat x = rand_mat(n, d, g, 0, 1);
    uint32_t *y = malloc(n * sizeof *y);
    for (size_t i = 0; i < n; i++)
        y[i] = LK_AT(&x, i, 0) + LK_AT(&x, i, 1) > 1;
    lk_elm_params p = lk_elm_params_default();
    p.hidden = 20;
    p.solver = LK_ELM_RIDGE;
    p.c_auto = 1;
    p.block_rows = 32;
    lk_elm m;
    lk_elm_report rep;
    ck_assert_int_eq(lk_elm_fit(&m, &p, &x, y, k, g, &rep, NULL), LK_OK);
    int on_grid = 0;
    for (size_t i = 0; i < LK_ELM_C_GRID; i++)
        on_grid |= rep.C == lk_elm_c_grid(i);
    ck_assert(on_grid);
    ck_assert(rep.loo_error < 0.25);  /* a linear rule: far better than chance */
    lk_elm_free(&m);
    lk_mat_free(&x);
    free(y);
    gsl_rng_free(g);
}
END_TEST


/* The n x n dual gives the primal's model: fixed C, and C chosen by
 * leave-one-out (same C, same LOO error), with and without centering. */
static lk_status replay_rows(void *ctx, lk_ridge *w, lk_error *err)
{
    lk_mat *zt = ctx;
    for (size_t r0 = 0; r0 < zt[0].rows; r0 += 7) {
        lk_mat zb = lk_mat_rows(&zt[0], r0, 7), tb = lk_mat_rows(&zt[1], r0, 7);
        lk_status s = lk_ridge_loo_add(w, &zb, &tb, err);
        if (s != LK_OK)
            return s;
    }
    return LK_OK;
}

static void check_dual(int center, double C)
{
    gsl_rng *g = th_rng(center ? 2718 : 1618);
    size_t n = 31, p = 47, k = 3;
    lk_mat zt[2];
    zt[0] = rand_mat(n, p, g, -1, 1);
    uint32_t *y = rand_labels(n, k, g);
    for (size_t i = 0; i < n; i++)   /* some signal for LOO to find */
        LK_AT(&zt[0], i, y[i]) += 1.5f;
    lk_onehot(y, n, k, &zt[1], NULL);
    lk_ridge w;
    ck_assert_int_eq(lk_ridge_alloc(&w, p, k, 7, center, NULL), LK_OK);
    for (size_t r0 = 0; r0 < n; r0 += 7) {
        lk_mat zb = lk_mat_rows(&zt[0], r0, 7), tb = lk_mat_rows(&zt[1], r0, 7);
        ck_assert_int_eq(lk_ridge_add(&w, &zb, &tb, NULL), LK_OK);
    }
    lk_matd b1, b2;
    double c1[3] = { 0 }, c2[3] = { 0 };
    lk_matd_alloc(&b1, p, k, NULL);
    lk_matd_alloc(&b2, p, k, NULL);
    lk_ridge_choice primal, dual;
    lk_error err;
    if (C > 0) {
        ck_assert_int_eq(lk_ridge_solve(&w, 1 / C, &b1, c1, &err), LK_OK);
        primal.C = C;
    } else {
        ck_assert_int_eq(lk_ridge_select_c(&w, replay_rows, zt, &b1, c1, &primal, &err), LK_OK);
    }
    ck_assert_int_eq(lk_ridge_dual(&zt[0], &zt[1], center, C, &b2, center ? c2 : NULL, &dual,
                                   &err), LK_OK);
    ck_assert_msg(dual.C == primal.C, "C %g (dual) and %g (primal)", dual.C, primal.C);
    if (C == 0) {
        ck_assert(primal.C < 1e3);  /* the grid's interpolating end loses */
        ck_assert_msg(fabs(dual.loo_error - primal.loo_error) < 0.5 / (double)n,
                      "LOO error %g (dual) and %g (primal)", dual.loo_error, primal.loo_error);
    }
    double tol = 1e3 * LK_REAL_EPSILON * fmax(1, maxabs_d(&b1));
    ck_assert_msg(maxdiff_d(&b1, &b2) < tol, "beta differs by %g", maxdiff_d(&b1, &b2));
    for (size_t c = 0; c < k; c++)
        ck_assert(fabs(c1[c] - c2[c]) < tol);
    lk_matd_free(&b1);
    lk_matd_free(&b2);
    lk_mat_free(&zt[0]);
    lk_mat_free(&zt[1]);
    free(y);
    lk_ridge_free(&w);
    gsl_rng_free(g);
}

START_TEST(test_dual_fixed_c) { check_dual(0, 0.37); }
END_TEST
START_TEST(test_dual_fixed_c_centered) { check_dual(1, 2.9); }
END_TEST
START_TEST(test_dual_loo) { check_dual(0, 0); }
END_TEST
START_TEST(test_dual_loo_centered) { check_dual(1, 0); }
END_TEST

/* Width and solver from the rows when not given. */
START_TEST(test_auto_width_and_solver)
{
    lk_elm_params p = lk_elm_params_default();
    p.hidden = 0;
    p.solver = LK_ELM_AUTO;
    lk_elm_params r = lk_elm_params_resolve(&p, 60000);
    ck_assert_uint_eq(r.hidden, 1000);
    ck_assert_int_eq(r.solver, LK_ELM_SVD);   /* MNIST: the exact pseudoinverse */
    r = lk_elm_params_resolve(&p, 112);
    ck_assert_uint_eq(r.hidden, 112);
    ck_assert_int_eq(r.solver, LK_ELM_RIDGE);
    ck_assert(r.c_auto);
    r = lk_elm_params_resolve(&p, 9999);
    ck_assert_uint_eq(r.hidden, 1000);
    ck_assert_int_eq(r.solver, LK_ELM_RIDGE);
    p.hidden = 1000;
    p.solver = LK_ELM_SVD;     /* given: kept, whatever the rows */
    r = lk_elm_params_resolve(&p, 112);
    ck_assert_uint_eq(r.hidden, 1000);
    ck_assert_int_eq(r.solver, LK_ELM_SVD);
    /* a fit with more units than rows runs the dual and says so */
    gsl_rng *g = th_rng(4242);
    size_t n = 40, d = 3, k = 2;
    lk_mat x = rand_mat(n, d, g, -1, 1);
    uint32_t *y = malloc(n * sizeof *y);
    for (size_t i = 0; i < n; i++)
        y[i] = LK_AT(&x, i, 0) > LK_AT(&x, i, 1);
    p.hidden = 300;
    p.solver = LK_ELM_AUTO;
    lk_elm m;
    lk_elm_report rep;
    ck_assert_int_eq(lk_elm_fit(&m, &p, &x, y, k, g, &rep, NULL), LK_OK);
    ck_assert(rep.dual && rep.c_auto && rep.solver == LK_ELM_RIDGE && rep.hidden == 300);
    ck_assert(rep.loo_error < 0.25);
    lk_elm_free(&m);
    p.hidden = 0;
    ck_assert_int_eq(lk_elm_fit(&m, &p, &x, y, k, g, &rep, NULL), LK_OK);
    ck_assert(!rep.dual && rep.hidden == n && rep.c_auto);
    lk_elm_free(&m);
    lk_mat_free(&x);
    free(y);
    gsl_rng_free(g);
}
END_TEST

/* ---------------------------------------------------------------- limits */

START_TEST(test_one_row_one_unit)
{
    gsl_rng *g = th_rng(5);
    lk_mat x = rand_mat(1, 3, g, 0, 1);
    uint32_t y = 0;
    for (int s = 0; s < 2; s++) {
        lk_elm_params p = lk_elm_params_default();
        p.hidden = 1;
        p.solver = (lk_elm_solver)s;
        lk_elm m;
        ck_assert_int_eq(lk_elm_fit(&m, &p, &x, &y, 1, g, NULL, NULL), LK_OK);
        ck_assert(lk_mat_all_finite(&m.beta));
        lk_elm_free(&m);
    }
    lk_mat_free(&x);
    gsl_rng_free(g);
}
END_TEST

START_TEST(test_memory_estimate_grows)
{
    lk_elm_params p = lk_elm_params_default();
    size_t a = lk_elm_memory(&p, 60000, 784, 10);
    p.hidden = 2000;
    size_t b = lk_elm_memory(&p, 60000, 784, 10);
    ck_assert(b > 2 * a);  /* the O(L^2) solver memory: more than linear */
    p.solver = LK_ELM_RIDGE;
    size_t r20 = lk_elm_memory(&p, 20000, 784, 10), r60 = lk_elm_memory(&p, 60000, 784, 10);
    /* only the n x k targets depend on n */
    ck_assert_uint_eq(r60 - r20, 40000 * 10 * sizeof(lk_real));
    /* More units than rows: the dual's n x L, not L x L. */
    p.hidden = (size_t)99999999999ULL;
    ck_assert(lk_elm_memory(&p, 60000, 784, 10) < SIZE_MAX);
    p.hidden = SIZE_MAX / 4;
    ck_assert(lk_elm_memory(&p, 60000, 784, 10) == SIZE_MAX);
    p.solver = LK_ELM_SVD;
    p.hidden = (size_t)99999999999ULL;
    ck_assert(lk_elm_memory(&p, 60000, 784, 10) == SIZE_MAX);
}
END_TEST

/* ---------------------------------------------------------------- errors */

START_TEST(test_bad_params)
{
    lk_elm_params p = lk_elm_params_default();
    ck_assert_ptr_null(lk_elm_check(&p));
    p.hidden = 0;      /* chosen from the rows */
    p.solver = LK_ELM_AUTO;
    ck_assert_ptr_null(lk_elm_check(&p));
    p.solver = (lk_elm_solver)7;
    ck_assert_ptr_nonnull(lk_elm_check(&p));
    p = lk_elm_params_default();
    p.act = lk_act_default(LK_ACT_SOFTMAX);
    ck_assert_ptr_nonnull(lk_elm_check(&p));
    p.act = lk_act_default(LK_ACT_PRELU);
    ck_assert_ptr_nonnull(lk_elm_check(&p));
    p = lk_elm_params_default();
    p.C = -2.5;
    ck_assert_ptr_nonnull(lk_elm_check(&p));
    p.C = NAN;
    ck_assert_ptr_nonnull(lk_elm_check(&p));
    p = lk_elm_params_default();
    p.rcond = 1.5;
    ck_assert_ptr_nonnull(lk_elm_check(&p));
}
END_TEST

START_TEST(test_fit_refusals)
{
    gsl_rng *g = th_rng(8);
    lk_mat x = rand_mat(10, 3, g, 0, 1);
    uint32_t y[10] = { 0, 1, 2, 0, 1, 2, 0, 1, 2, 7 };
    lk_elm_params p = lk_elm_params_default();
    p.hidden = 5;
    lk_elm m;
    lk_error err;
    ck_assert_int_eq(lk_elm_fit(&m, &p, &x, y, 3, g, NULL, &err), LK_EINVAL);
    ck_assert_ptr_nonnull(strstr(err.text, "row 10"));
    y[9] = 2;
    p.hidden = (size_t)99999999999ULL;
    p.max_memory = (size_t)1 << 30;
    ck_assert_int_eq(lk_elm_fit(&m, &p, &x, y, 3, g, NULL, &err), LK_ETOOBIG);
    p.hidden = 20000;
    ck_assert_int_eq(lk_elm_fit(&m, &p, &x, y, 3, g, NULL, &err), LK_ETOOBIG);
    ck_assert_ptr_nonnull(strstr(err.text, "MiB"));
    ck_assert_ptr_nonnull(strstr(err.text, "ridge"));
    lk_mat_free(&x);
    gsl_rng_free(g);
}
END_TEST

START_TEST(test_ridge_refusals)
{
    lk_ridge w;
    lk_error err;
    ck_assert_int_eq(lk_ridge_alloc(&w, 0, 2, 4, 0, &err), LK_EINVAL);
    ck_assert_int_eq(lk_ridge_alloc(&w, 3, 2, 4, 0, &err), LK_OK);
    lk_matd b;
    lk_matd_alloc(&b, 3, 2, NULL);
    ck_assert_int_eq(lk_ridge_solve(&w, 1.0, &b, NULL, &err), LK_EINVAL);  /* no rows */
    lk_mat z, t;
    lk_mat_alloc(&z, 5, 3, NULL);
    lk_mat_alloc(&t, 5, 2, NULL);
    ck_assert_int_eq(lk_ridge_add(&w, &z, &t, &err), LK_EINVAL);  /* block too big */
    lk_mat z4 = lk_mat_rows(&z, 0, 4), t4 = lk_mat_rows(&t, 0, 4);
    ck_assert_int_eq(lk_ridge_add(&w, &z4, &t4, &err), LK_OK);
    ck_assert_int_eq(lk_ridge_solve(&w, 0.0, &b, NULL, &err), LK_EINVAL);
    ck_assert_int_eq(lk_ridge_solve(&w, -1.0, &b, NULL, &err), LK_EINVAL);
    ck_assert_int_eq(lk_ridge_loo_add(&w, &z4, &t4, &err), LK_EINVAL);  /* no begin */
    double grid[1] = { 1 };
    ck_assert_int_eq(lk_ridge_loo_begin(&w, grid, 1, &err), LK_EINVAL);  /* no eig */
    lk_matd_free(&b);
    lk_mat_free(&z);
    lk_mat_free(&t);
    lk_ridge_free(&w);
}
END_TEST

/* A valid 4-input, 3-unit, 2-class ELM model, with one entry spoiled by
 * the caller: each check is tested on a model that passes every other. */
static lk_model *small_elm_model(void)
{
    lk_model *mo = lk_model_new("elm");
    lk_model_put_str(mo, "arch.activation", "sigmoid", NULL);
    lk_model_put_int(mo, "arch.inputs", 4, NULL);
    lk_model_put_int(mo, "arch.hidden", 3, NULL);
    lk_model_put_int(mo, "arch.classes", 2, NULL);
    lk_real a[12] = { 0, 0, 0, 0, 0, 0, (lk_real)0.385 }, b[3] = { 0.25f, 0.5f, 0.75f };
    lk_real beta[6] = { 0, 0, 0, 0, 0, (lk_real)-1.25 };
    lk_model_put_mat(mo, "elm.a", &(lk_mat){ 3, 4, 4, a, 0 }, NULL);
    lk_model_put_vec(mo, "elm.b", 3, b, NULL);
    lk_model_put_mat(mo, "elm.beta", &(lk_mat){ 3, 2, 2, beta, 0 }, NULL);
    return mo;
}

static void expect_refused(lk_model *mo, lk_status want, const char *place, const char *text)
{
    lk_elm m;
    lk_error err;
    lk_error_clear(&err);
    ck_assert_int_eq(lk_elm_load(mo, &m, &err), want);
    ck_assert_str_eq(err.source, "<model>");
    ck_assert_str_eq(err.place, place);
    ck_assert_msg(strstr(err.text, text), "'%s' lacks '%s'", err.text, text);
    lk_model_free(mo);
}

START_TEST(test_load_checks_shapes)
{
    lk_model *mo = small_elm_model();
    lk_elm m;
    ck_assert_int_eq(lk_elm_load(mo, &m, NULL), LK_OK);
    lk_elm_free(&m);
    lk_model_free(mo);
    lk_mat bad;
    lk_mat_alloc(&bad, 3, 5, NULL);
    mo = small_elm_model();
    lk_model_put_mat(mo, "elm.a", &bad, NULL);
    expect_refused(mo, LK_EFORMAT, "elm.a", "expected 3 x 4, found 3 x 5");
    mo = small_elm_model();
    lk_model_put_mat(mo, "elm.beta", &bad, NULL);
    expect_refused(mo, LK_EFORMAT, "elm.beta", "expected 3 x 2, found 3 x 5");
    lk_mat_free(&bad);
    mo = small_elm_model();
    lk_model_put_str(mo, "arch.activation", "sigmoidd", NULL);
    expect_refused(mo, LK_EFORMAT, "arch.activation", "sigmoidd");
    /* What lk_elm_check refuses at fit time, the loader refuses too: a
     * PReLU ELM would reach the predictor without its slopes. */
    mo = small_elm_model();
    lk_model_put_str(mo, "arch.activation", "prelu", NULL);
    expect_refused(mo, LK_EFORMAT, "arch.activation", "prelu");
    mo = small_elm_model();
    lk_model_put_int(mo, "arch.hidden", -3, NULL);
    expect_refused(mo, LK_EFORMAT, "arch.hidden", "found -3");
    mo = small_elm_model();
    lk_model_put_int(mo, "arch.inputs", (int64_t)1 << 40, NULL);
    expect_refused(mo, LK_EFORMAT, "arch.inputs", "found 1099511627776");
    lk_real nan3[3] = { 0.25f, (lk_real)NAN, 0.75f };
    mo = small_elm_model();
    lk_model_put_vec(mo, "elm.b", 3, nan3, NULL);
    expect_refused(mo, LK_EFORMAT, "elm.b", "NaN");
    mo = small_elm_model();
    lk_model *other = th_model_copy(mo, "lsq", NULL);
    lk_model_free(mo);
    expect_refused(other, LK_EFORMAT, "kind", "expected a model of kind 'elm', found 'lsq'");
}
END_TEST

static Suite *elm_suite(void)
{
    Suite *s = suite_create("elm");
    TCase *core = tcase_create("core");
    tcase_add_test(core, test_svd_interpolates);
    tcase_add_test(core, test_penrose_conditions);
    tcase_add_test(core, test_streamed_equals_one_shot);
    tcase_add_test(core, test_streamed_flushes);
    tcase_add_test(core, test_shifted_gram_keeps_small_spread);
    tcase_add_test(core, test_ridge_approaches_svd);
    tcase_add_test(core, test_press_is_loo);
    tcase_add_test(core, test_press_is_loo_centered);
    tcase_add_test(core, test_eig_solve_matches_cholesky);
    tcase_add_test(core, test_same_seed_same_bytes);
    tcase_add_test(core, test_c_auto);
    tcase_add_test(core, test_dual_fixed_c);
    tcase_add_test(core, test_dual_fixed_c_centered);
    tcase_add_test(core, test_dual_loo);
    tcase_add_test(core, test_dual_loo_centered);
    tcase_add_test(core, test_auto_width_and_solver);
    suite_add_tcase(s, core);
    TCase *limits = tcase_create("limits");
    tcase_add_test(limits, test_one_row_one_unit);
    tcase_add_test(limits, test_memory_estimate_grows);
    suite_add_tcase(s, limits);
    TCase *errors = tcase_create("errors");
    tcase_add_test(errors, test_bad_params);
    tcase_add_test(errors, test_fit_refusals);
    tcase_add_test(errors, test_ridge_refusals);
    tcase_add_test(errors, test_load_checks_shapes);
    suite_add_tcase(s, errors);
    return s;
}

int main(void) { return th_run_suite(elm_suite()); }
