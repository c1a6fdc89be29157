/* logreg_test.c — softmax regression: the objective's gradient against
 * central differences (multiclass, two classes, with L2), both solvers on
 * seeded synthetic data, training on row blocks against the matrix, files
 * and predictor, limits and errors. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_randist.h>
#include <learnkit/logreg.h>
#include "testhelp.h"

/* A seeded problem: n rows of d features, classes from a hidden linear
 * rule plus noise, so the optimum is finite but non-trivial. */
typedef struct problem {
    size_t n, d, k;
    lk_mat x, t, z, a, dz;
    uint32_t *y;
    lk_real *ones;
    lk_logreg m;
    double l2;
} problem;

static void problem_make(problem *p, size_t n, size_t d, size_t k, double l2, unsigned long seed)
{
    memset(p, 0, sizeof *p);
    gsl_rng *r = th_rng(seed);
    p->n = n; p->d = d; p->k = k; p->l2 = l2;
    ck_assert_int_eq(lk_mat_alloc(&p->x, n, d, NULL), LK_OK);
    th_fill_uniform(&p->x, r, -1.5, 1.5);
    lk_mat hidden;
    ck_assert_int_eq(lk_mat_alloc(&hidden, k, d, NULL), LK_OK);
    th_fill_uniform(&hidden, r, -2, 2);
    p->y = malloc(n * sizeof *p->y);
    for (size_t i = 0; i < n; i++) {
        double best = -1e300;
        for (size_t c = 0; c < k; c++) {
            double s = gsl_rng_uniform(r) * 1.3;
            for (size_t j = 0; j < d; j++)
                s += LK_AT(&hidden, c, j) * LK_AT(&p->x, i, j);
            if (s > best) {
                best = s;
                p->y[i] = (uint32_t)c;
            }
        }
    }
    lk_mat_free(&hidden);
    ck_assert_int_eq(lk_mat_alloc(&p->t, n, k, NULL), LK_OK);
    for (size_t i = 0; i < n; i++)
        LK_AT(&p->t, i, p->y[i]) = 1;
    lk_mat_alloc(&p->z, n, k, NULL);
    lk_mat_alloc(&p->a, n, k, NULL);
    lk_mat_alloc(&p->dz, n, k, NULL);
    p->ones = malloc(n * sizeof *p->ones);
    for (size_t i = 0; i < n; i++)
        p->ones[i] = 1;
    ck_assert_int_eq(lk_logreg_alloc(&p->m, d, k, NULL), LK_OK);
    /* A start away from zero so that every term of the gradient is alive. */
    for (size_t i = 0; i < p->m.params.n; i++)
        p->m.params.w[i] = (lk_real)gsl_ran_flat(r, -0.7, 0.7);
    gsl_rng_free(r);
}

static void problem_free(problem *p)
{
    lk_mat_free(&p->x); lk_mat_free(&p->t); lk_mat_free(&p->z);
    lk_mat_free(&p->a); lk_mat_free(&p->dz);
    free(p->y); free(p->ones);
    lk_logreg_free(&p->m);
}

static double objective(void *ctx)
{
    problem *p = ctx;
    return lk_logreg_objective(&p->m, &p->x, &p->t, p->l2, &p->z, &p->a, NULL, p->ones);
}

static double grad_error(problem *p)
{
    double j = lk_logreg_objective(&p->m, &p->x, &p->t, p->l2, &p->z, &p->a, &p->dz, p->ones);
    ck_assert(isfinite(j));
    size_t n = p->m.params.n;
    lk_real *g = malloc(n * sizeof *g);
    memcpy(g, p->m.params.g, n * sizeof *g);
    double e = th_grad_check(objective, p, p->m.params.w, g, n, TH_GRAD_STEP);
    fprintf(stderr, "gradient check (%zu x %zu, k %zu, l2 %g): relative error %.3g (bound %.3g)\n",
            p->n, p->d, p->k, p->l2, e, (double)TH_GRAD_TOL);
    free(g);
    return e;
}

/* ================================================================ core */

START_TEST(test_gradient_multiclass)
{
    problem p;
    problem_make(&p, 53, 7, 4, 0, 11);
    ck_assert_double_lt(grad_error(&p), TH_GRAD_TOL);
    problem_free(&p);
}
END_TEST

START_TEST(test_gradient_two_classes)
{
    problem p;
    problem_make(&p, 41, 5, 2, 0.0371, 12);
    ck_assert_double_lt(grad_error(&p), TH_GRAD_TOL);
    problem_free(&p);
}
END_TEST

START_TEST(test_gradient_l2)
{
    problem p;
    problem_make(&p, 29, 6, 3, 0.2385, 13);
    ck_assert_double_lt(grad_error(&p), TH_GRAD_TOL);
    /* The penalty touches W only: compare with the unpenalized gradient. */
    size_t n = p.m.params.n;
    lk_real *g = malloc(n * sizeof *g);
    double j1 = lk_logreg_objective(&p.m, &p.x, &p.t, p.l2, &p.z, &p.a, &p.dz, p.ones);
    memcpy(g, p.m.params.g, n * sizeof *g);
    double j0 = lk_logreg_objective(&p.m, &p.x, &p.t, 0, &p.z, &p.a, &p.dz, p.ones);
    lk_mat w = lk_dense_w(&p.m.layer, &p.m.params);
    double ww = 0;
    for (size_t i = 0; i < 3 * 6; i++) {
        ww += (double)w.data[i] * w.data[i];
        double want = p.m.params.g[p.m.layer.w + i] + p.l2 * w.data[i];
        ck_assert_double_le(fabs(g[p.m.layer.w + i] - want), TH_SUM_TOL(4));
    }
    for (size_t c = 0; c < 3; c++)
        ck_assert(g[p.m.layer.b + c] == p.m.params.g[p.m.layer.b + c]);
    ck_assert_double_le(fabs(j1 - j0 - 0.5 * p.l2 * ww), TH_SUM_TOL(20));
    free(g);
    problem_free(&p);
}
END_TEST

/* Train to convergence and check first-order optimality and accuracy. */
static void train(problem *p, const lk_logreg_config *cfg, gsl_rng *r, lk_train_state *st)
{
    ck_assert(cfg->l2 == p->l2);
    lk_logreg_trainer *t;
    lk_error err;
    ck_assert_int_eq(lk_logreg_trainer_alloc(&t, &p->m, &p->x, p->y, cfg, r, &err), LK_OK);
    double first = lk_logreg_loss(t), prev = first;
    lk_status s;
    do {
        s = lk_logreg_iterate(t, &err);
        ck_assert_int_eq(s, LK_OK);
        if (cfg->solver == LK_LOGREG_LBFGS)
            ck_assert_double_le(lk_logreg_loss(t), prev); /* descent at each step */
        prev = lk_logreg_loss(t);
    } while (lk_logreg_test(t) == LK_TRAIN_CONTINUE);
    *st = lk_logreg_test(t);
    ck_assert_double_lt(lk_logreg_loss(t), first);
    ck_assert_uint_ge(lk_logreg_iterations(t), 1);
    ck_assert_uint_ge(lk_logreg_evaluations(t), lk_logreg_iterations(t));
    /* The reported loss is the objective at the model's parameters. */
    double j = objective(p);
    ck_assert_double_le(fabs(j - lk_logreg_loss(t)), 1e3 * LK_REAL_EPSILON * (1 + fabs(j)));
    lk_logreg_trainer_free(t);
}

static double accuracy(problem *p)
{
    lk_mat pr;
    lk_mat_alloc(&pr, p->n, p->k, NULL);
    ck_assert_int_eq(lk_logreg_proba(&p->m, &p->x, &pr, NULL), LK_OK);
    size_t ok = 0;
    for (size_t i = 0; i < p->n; i++) {
        double s = 0;
        for (size_t c = 0; c < p->k; c++)
            s += LK_AT(&pr, i, c);
        ck_assert_double_le(fabs(s - 1), TH_SUM_TOL(p->k));
        ok += lk_argmax(lk_mat_row(&pr, i), p->k) == p->y[i];
    }
    lk_mat_free(&pr);
    return (double)ok / (double)p->n;
}

START_TEST(test_lbfgs_converges)
{
    problem p;
    problem_make(&p, 400, 9, 5, 1e-3, 21);
    lk_logreg_config cfg = lk_logreg_defaults();
    cfg.l2 = 1e-3;
    cfg.max_iter = 500;
    cfg.rtol = 0;
    cfg.gtol = LK_REAL_IS_DOUBLE ? 1e-7 : 1e-4;
    lk_train_state st;
    train(&p, &cfg, NULL, &st);
    ck_assert(st == LK_TRAIN_CONVERGED || st == LK_TRAIN_NOPROGRESS);
    /* First-order optimality at the returned point, by a fresh evaluation. */
    lk_logreg_objective(&p.m, &p.x, &p.t, p.l2, &p.z, &p.a, &p.dz, p.ones);
    ck_assert_double_lt(lk_params_grad_norm(&p.m.params), LK_REAL_IS_DOUBLE ? 1e-6 : 1e-3);
    /* The labels come from a noisy linear rule: a linear model fits most. */
    ck_assert_double_gt(accuracy(&p), 0.85);
    problem_free(&p);
}
END_TEST

START_TEST(test_two_classes_trains)
{
    problem p;
    problem_make(&p, 300, 4, 2, 1e-2, 22);
    lk_logreg_config cfg = lk_logreg_defaults();
    cfg.l2 = 1e-2;
    lk_train_state st;
    train(&p, &cfg, NULL, &st);
    ck_assert(st != LK_TRAIN_CONTINUE);
    ck_assert_double_gt(accuracy(&p), 0.85);
    problem_free(&p);
}
END_TEST

/* Train m from start to the end, in memory (src NULL) or on blocks. */
static lk_logreg_trainer *train_to_end(problem *p, const lk_real *start, const lk_blocks *src,
                                       const lk_logreg_config *cfg)
{
    memcpy(p->m.params.w, start, p->m.params.n * sizeof *start);
    lk_logreg_trainer *t;
    lk_error err;
    lk_status s = src ? lk_logreg_trainer_alloc_blocks(&t, &p->m, src, cfg, &err)
                      : lk_logreg_trainer_alloc(&t, &p->m, &p->x, p->y, cfg, NULL, &err);
    ck_assert_msg(s == LK_OK, "%s", err.text);
    while ((s = lk_logreg_iterate(t, &err)) == LK_OK && lk_logreg_test(t) == LK_TRAIN_CONTINUE)
        ;
    ck_assert_msg(s == LK_OK, "%s", err.text);
    return t;
}

/* 5000 rows in blocks of 13, 4100 (a chunk of 4096 rows spans blocks in
 * both) and 5000 (one block): the same iterations, loss and parameters as
 * the matrix trainer, to a relative 1e-5. */
START_TEST(test_blocks_equal_matrix)
{
    problem p;
    problem_make(&p, 5000, 7, 4, 1e-3, 23);
    lk_logreg_config cfg = lk_logreg_defaults();
    cfg.l2 = 1e-3;
    cfg.max_iter = 60;
    size_t np = p.m.params.n;
    lk_real *start = malloc(np * sizeof *start), *want = malloc(np * sizeof *want);
    memcpy(start, p.m.params.w, np * sizeof *start);
    lk_logreg_trainer *t = train_to_end(&p, start, NULL, &cfg);
    size_t iters = lk_logreg_iterations(t);
    double loss = lk_logreg_loss(t);
    ck_assert_uint_ge(iters, 5);
    memcpy(want, p.m.params.w, np * sizeof *want);
    lk_logreg_trainer_free(t);
    static const size_t sizes[] = { 13, 4100, 5000 };
    for (size_t v = 0; v < 3; v++) {
        lk_mat_blocks ms;
        lk_blocks b = lk_blocks_of_mat(&ms, &p.x, p.y, sizes[v]);
        t = train_to_end(&p, start, &b, &cfg);
        ck_assert_uint_eq(lk_logreg_iterations(t), iters);
        ck_assert_double_le(fabs(lk_logreg_loss(t) - loss), 1e-9 * loss);
        double num = 0, den = 0;
        for (size_t i = 0; i < np; i++) {
            num += ((double)p.m.params.w[i] - want[i]) * ((double)p.m.params.w[i] - want[i]);
            den += (double)want[i] * want[i];
        }
        ck_assert_msg(sqrt(num / den) < 1e-5, "blocks of %zu: relative difference %g",
                      sizes[v], sqrt(num / den));
        lk_logreg_trainer_free(t);
    }
    free(start);
    free(want);
    problem_free(&p);
}
END_TEST

START_TEST(test_adam_agrees_with_lbfgs)
{
    problem a, b;
    problem_make(&a, 300, 6, 3, 1e-2, 23);
    problem_make(&b, 300, 6, 3, 1e-2, 23);
    lk_logreg_config cfg = lk_logreg_defaults();
    cfg.l2 = 1e-2;
    cfg.max_iter = 300;
    lk_train_state st;
    train(&a, &cfg, NULL, &st);
    cfg.solver = LK_LOGREG_ADAM;
    cfg.lr = 0.01;
    cfg.batch = 32;
    cfg.max_iter = 150;
    cfg.gtol = 0;
    gsl_rng *r = th_rng(5);
    train(&b, &cfg, r, &st);
    ck_assert(st == LK_TRAIN_MAXITER);
    /* Strongly convex: both reach the one minimum, Adam within its noise. */
    double ja = objective(&a), jb = objective(&b);
    ck_assert_double_le(jb - ja, 0.01 * ja);
    ck_assert_double_ge(jb - ja, -1e3 * LK_REAL_EPSILON);
    gsl_rng_free(r);
    problem_free(&a);
    problem_free(&b);
}
END_TEST

START_TEST(test_adam_same_seed_same_bytes)
{
    problem a, b;
    problem_make(&a, 97, 5, 3, 1e-3, 24);
    problem_make(&b, 97, 5, 3, 1e-3, 24);
    lk_logreg_config cfg = lk_logreg_defaults();
    cfg.solver = LK_LOGREG_ADAM;
    cfg.l2 = 1e-3;
    cfg.max_iter = 3;
    cfg.batch = 10;
    gsl_rng *r1 = th_rng(9), *r2 = th_rng(9);
    lk_train_state st;
    train(&a, &cfg, r1, &st);
    train(&b, &cfg, r2, &st);
    ck_assert(memcmp(a.m.params.w, b.m.params.w, a.m.params.n * sizeof(lk_real)) == 0);
    gsl_rng_free(r1); gsl_rng_free(r2);
    problem_free(&a);
    problem_free(&b);
}
END_TEST

/* A valid 4-feature, 3-class logreg model. */
static lk_model *small_logreg_model(void)
{
    lk_model *model = lk_model_new("logreg");
    lk_model_put_int(model, "arch.inputs", 4, NULL);
    lk_model_put_int(model, "arch.classes", 3, NULL);
    lk_model_put_str(model, "arch.output", "softmax", NULL);
    lk_mat w;
    lk_mat_alloc(&w, 3, 4, NULL);
    LK_AT(&w, 2, 3) = (lk_real)2.385;
    lk_model_put_mat(model, "logreg.w", &w, NULL);
    lk_model_put_dvec(model, "logreg.b", 3, (const double[]){ 0.5, -1.5, 2.5 }, NULL);
    lk_mat_free(&w);
    return model;
}

START_TEST(test_save_load_predictor)
{
    problem p;
    problem_make(&p, 31, 5, 3, 0, 25);
    lk_model *model;
    ck_assert_int_eq(lk_logreg_save(&p.m, NULL, NULL, &model, NULL), LK_OK);
    unsigned char *buf;
    size_t nb;
    ck_assert_int_eq(lk_model_serialize(model, &buf, &nb, NULL), LK_OK);
    lk_model *back;
    ck_assert_int_eq(lk_model_parse(buf, nb, "<memory>", &back, NULL), LK_OK);
    lk_predictor *pr;
    ck_assert_int_eq(lk_predictor_load(back, &pr, NULL), LK_OK);
    ck_assert_uint_eq(lk_predictor_inputs(pr), 5);
    ck_assert_uint_eq(lk_predictor_outputs(pr), 3);
    ck_assert_int_eq(lk_predictor_is_probability(pr), 1);
    lk_mat s1, s2;
    lk_mat_alloc(&s1, 31, 3, NULL);
    lk_mat_alloc(&s2, 31, 3, NULL);
    ck_assert_int_eq(lk_predictor_scores(pr, &p.x, &s1, NULL), LK_OK);
    ck_assert_int_eq(lk_logreg_proba(&p.m, &p.x, &s2, NULL), LK_OK);
    ck_assert(memcmp(s1.data, s2.data, 31 * 3 * sizeof(lk_real)) == 0);
    lk_mat_free(&s1); lk_mat_free(&s2);
    lk_predictor_free(pr);
    lk_model_free(back);
    lk_model_free(model);
    free(buf);
    problem_free(&p);
}
END_TEST

/* ================================================================ limits */

START_TEST(test_one_sample_one_feature)
{
    problem p;
    problem_make(&p, 1, 1, 2, 0.5, 31);
    ck_assert_double_lt(grad_error(&p), TH_GRAD_TOL);
    lk_logreg_config cfg = lk_logreg_defaults();
    cfg.l2 = 0.5;
    lk_train_state st;
    train(&p, &cfg, NULL, &st);
    ck_assert_double_eq(accuracy(&p), 1.0);
    problem_free(&p);
}
END_TEST

START_TEST(test_huge_inputs_stay_finite)
{
    problem p;
    problem_make(&p, 20, 3, 3, 0, 32);
    lk_mat_fill(&p.x, (lk_real)3e3);
    for (size_t i = 0; i < p.m.params.n; i++)
        p.m.params.w[i] = (lk_real)(i % 2 ? 2.5 : -1.75);
    double j = lk_logreg_objective(&p.m, &p.x, &p.t, 0, &p.z, &p.a, &p.dz, p.ones);
    ck_assert(isfinite(j));
    ck_assert(isfinite(lk_params_grad_norm(&p.m.params)));
    problem_free(&p);
}
END_TEST

/* ================================================================ errors */

START_TEST(test_errors)
{
    lk_logreg m;
    lk_error err;
    ck_assert_int_eq(lk_logreg_alloc(&m, 4, 1, &err), LK_EINVAL);
    ck_assert_int_eq(lk_logreg_alloc(&m, 0, 3, &err), LK_EINVAL);
    lk_logreg_solver s;
    ck_assert_int_eq(lk_logreg_solver_parse("newton", &s, "--solver", &err), LK_EINVAL);
    ck_assert_ptr_nonnull(strstr(err.text, "lbfgs"));
    ck_assert_int_eq(lk_logreg_solver_parse("adam", &s, "--solver", &err), LK_OK);
    ck_assert_int_eq(s, LK_LOGREG_ADAM);

    lk_logreg_config cfg = lk_logreg_defaults();
    ck_assert_ptr_null(lk_logreg_check(&cfg));
    cfg.l2 = -0.5;
    ck_assert_ptr_nonnull(lk_logreg_check(&cfg));
    cfg = lk_logreg_defaults();
    cfg.max_iter = 0;
    ck_assert_ptr_nonnull(lk_logreg_check(&cfg));
    cfg = lk_logreg_defaults();
    cfg.line_tol = 1.5;
    ck_assert_ptr_nonnull(lk_logreg_check(&cfg));
    cfg = lk_logreg_defaults();
    cfg.batch = 0;
    ck_assert_ptr_nonnull(lk_logreg_check(&cfg));

    problem p;
    problem_make(&p, 10, 3, 3, 0, 41);
    lk_logreg_trainer *t;
    cfg = lk_logreg_defaults();
    p.y[7] = 3;
    ck_assert_int_eq(lk_logreg_trainer_alloc(&t, &p.m, &p.x, p.y, &cfg, NULL, &err), LK_EINVAL);
    ck_assert_ptr_nonnull(strstr(err.text, "row 8"));
    p.y[7] = 0;
    cfg.solver = LK_LOGREG_ADAM;
    ck_assert_int_eq(lk_logreg_trainer_alloc(&t, &p.m, &p.x, p.y, &cfg, NULL, &err), LK_EINVAL);
    lk_mat wrong = lk_mat_cols(&p.x, 0, 2);
    cfg.solver = LK_LOGREG_LBFGS;
    ck_assert_int_eq(lk_logreg_trainer_alloc(&t, &p.m, &wrong, p.y, &cfg, NULL, &err), LK_EINVAL);
    /* A non-finite input is a numerical failure, not a broken model. */
    LK_AT(&p.x, 2, 1) = (lk_real)NAN;
    ck_assert_int_eq(lk_logreg_trainer_alloc(&t, &p.m, &p.x, p.y, &cfg, NULL, &err), LK_ENUMERIC);
    problem_free(&p);

    /* A model file missing its weights, or with the wrong shape, or a
     * count out of range: each on a model that passes every other check,
     * so each assertion fails when its own check is removed. */
    lk_model *model = small_logreg_model();
    ck_assert_int_eq(lk_logreg_load(model, &m, &err), LK_OK);
    lk_logreg_free(&m);
    lk_model_free(model);
    model = small_logreg_model();
    lk_model *empty = lk_model_new("logreg");
    for (size_t i = 0; i < lk_model_count(model); i++) {
        lk_entry_info e;
        lk_model_entry(model, i, &e);
        if (strcmp(e.key, "logreg.w") == 0)
            continue;
        if (e.type == LK_ENTRY_INT)
            lk_model_put_int(empty, e.key, e.i, NULL);
        else if (e.type == LK_ENTRY_STR)
            lk_model_put_str(empty, e.key, e.s, NULL);
        else
            lk_model_put_dvec(empty, e.key, 3, (const double[]){ 0.5, 1.5, 2.5 }, NULL);
    }
    ck_assert_int_eq(lk_logreg_load(empty, &m, &err), LK_ENOTFOUND);
    ck_assert_str_eq(err.place, "logreg.w");
    lk_model_free(empty);
    lk_model_free(model);
    model = small_logreg_model();
    lk_mat w;
    lk_mat_alloc(&w, 3, 5, NULL);
    lk_model_put_mat(model, "logreg.w", &w, NULL);
    lk_mat_free(&w);
    ck_assert_int_eq(lk_logreg_load(model, &m, &err), LK_EFORMAT);
    ck_assert_str_eq(err.place, "logreg.w");
    ck_assert_str_eq(err.text, "expected 3 x 4, found 3 x 5");
    lk_model_free(model);
    model = small_logreg_model();
    lk_model_put_int(model, "arch.classes", 1, NULL);
    ck_assert_int_eq(lk_logreg_load(model, &m, &err), LK_EFORMAT);
    ck_assert_str_eq(err.place, "arch.classes");
    lk_model_free(model);
    model = small_logreg_model();
    lk_model_put_int(model, "arch.inputs", (int64_t)1 << 33, NULL);
    ck_assert_int_eq(lk_logreg_load(model, &m, &err), LK_EFORMAT);
    ck_assert_str_eq(err.place, "arch.inputs");
    lk_model_free(model);
    model = small_logreg_model();
    lk_model_put_dvec(model, "logreg.b", 3, (const double[]){ 0.5, INFINITY, 2.5 }, NULL);
    ck_assert_int_eq(lk_logreg_load(model, &m, &err), LK_EFORMAT);
    ck_assert_str_eq(err.place, "logreg.b");
    lk_model_free(model);
}
END_TEST

/* A block source that fails in its second block from its fail_pass-th
 * pass on, as a file read again may. */
typedef struct failing {
    lk_mat_blocks ms;
    lk_blocks inner;
    int pass, fail_pass, block;
} failing;

static lk_status failing_next(void *ctx, lk_block *b, lk_error *err)
{
    failing *f = ctx;
    if (f->pass >= f->fail_pass && ++f->block == 2)
        return lk_error_set(err, LK_EFORMAT, "big.csv", "17:3", "\"4.2.1\" is not a number");
    return f->inner.next(f->inner.ctx, b, err);
}

static lk_status failing_rewind(void *ctx, lk_error *err)
{
    failing *f = ctx;
    f->pass++;
    f->block = 0;
    return f->inner.rewind(f->inner.ctx, err);
}

START_TEST(test_blocks_errors)
{
    problem p;
    problem_make(&p, 40, 3, 3, 0, 43);
    lk_logreg_config cfg = lk_logreg_defaults();
    lk_logreg_trainer *t;
    lk_error err;
    failing f = { .fail_pass = 1000 };
    f.inner = lk_blocks_of_mat(&f.ms, &p.x, p.y, 9);
    lk_blocks b = { failing_next, failing_rewind, &f, 3, 9 };
    cfg.solver = LK_LOGREG_ADAM;
    ck_assert_int_eq(lk_logreg_trainer_alloc_blocks(&t, &p.m, &b, &cfg, &err), LK_EUNSUPPORTED);
    ck_assert_ptr_nonnull(strstr(err.text, "lbfgs"));
    cfg.solver = LK_LOGREG_LBFGS;
    b.d = 2;
    ck_assert_int_eq(lk_logreg_trainer_alloc_blocks(&t, &p.m, &b, &cfg, &err), LK_EINVAL);
    b.d = 3;
    /* A class the model lacks, in the second block: its row. */
    p.y[11] = 3;
    ck_assert_int_eq(lk_logreg_trainer_alloc_blocks(&t, &p.m, &b, &cfg, &err), LK_EINVAL);
    ck_assert_str_eq(err.text, "row 12: class 3 out of range for 3 classes");
    p.y[11] = 1;
    /* Blocks without classes. */
    lk_mat_blocks ms;
    lk_blocks nocls = lk_blocks_of_mat(&ms, &p.x, NULL, 9);
    ck_assert_int_eq(lk_logreg_trainer_alloc_blocks(&t, &p.m, &nocls, &cfg, &err), LK_EINVAL);
    ck_assert_str_eq(err.text, "blocks without classes");
    /* The first pass fails: alloc says where. */
    f.fail_pass = 1;
    f.pass = 0;
    ck_assert_int_eq(lk_logreg_trainer_alloc_blocks(&t, &p.m, &b, &cfg, &err), LK_EFORMAT);
    ck_assert_str_eq(err.place, "17:3");
    /* A later pass fails inside the solver: the iterate says where. */
    f.fail_pass = 5;
    f.pass = 0;
    ck_assert_int_eq(lk_logreg_trainer_alloc_blocks(&t, &p.m, &b, &cfg, &err), LK_OK);
    lk_status s;
    while ((s = lk_logreg_iterate(t, &err)) == LK_OK && lk_logreg_test(t) == LK_TRAIN_CONTINUE)
        ;
    ck_assert_int_eq(s, LK_EFORMAT);
    ck_assert_str_eq(err.source, "big.csv");
    ck_assert_str_eq(err.place, "17:3");
    ck_assert_str_eq(err.text, "\"4.2.1\" is not a number");
    lk_logreg_trainer_free(t);
    problem_free(&p);
}
END_TEST

static Suite *logreg_suite(void)
{
    Suite *s = suite_create("logreg");
    TCase *core = tcase_create("core");
    tcase_add_test(core, test_gradient_multiclass);
    tcase_add_test(core, test_gradient_two_classes);
    tcase_add_test(core, test_gradient_l2);
    tcase_add_test(core, test_lbfgs_converges);
    tcase_add_test(core, test_two_classes_trains);
    tcase_add_test(core, test_blocks_equal_matrix);
    tcase_add_test(core, test_adam_agrees_with_lbfgs);
    tcase_add_test(core, test_adam_same_seed_same_bytes);
    tcase_add_test(core, test_save_load_predictor);
    suite_add_tcase(s, core);
    TCase *limits = tcase_create("limits");
    tcase_add_test(limits, test_one_sample_one_feature);
    tcase_add_test(limits, test_huge_inputs_stay_finite);
    suite_add_tcase(s, limits);
    TCase *errors = tcase_create("errors");
    tcase_add_test(errors, test_errors);
    tcase_add_test(errors, test_blocks_errors);
    suite_add_tcase(s, errors);
    return s;
}

int main(void) { return th_run_suite(logreg_suite()); }
