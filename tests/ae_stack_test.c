/* ae_stack_test.c — the greedily trained stack (learnkit/ae_stack.h): two
 * layers of every solver pinned against the documented procedure run by
 * hand (same seed, same bytes), the mDA and logistic-regression layer
 * conversions against the direct computation, the callback's steps, and
 * check() refusing what cannot be trained. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <learnkit/ae_stack.h>
#include <learnkit/rows.h>
#include "testhelp.h"

#define N 90
#define NT 30
#define D 7
#define K 3

/* Three overlapping classes in D features, values in [0, 1). */
static void blobs(lk_mat *x, uint32_t *y, size_t n, gsl_rng *r)
{
    ck_assert_int_eq(lk_mat_alloc(x, n, D, NULL), LK_OK);
    for (size_t i = 0; i < n; i++) {
        y[i] = (uint32_t)(i % K);
        for (size_t j = 0; j < D; j++)
            LK_AT(x, i, j) = (lk_real)((j % K == y[i]) * 0.37 + 0.62 * gsl_rng_uniform(r));
    }
}

typedef struct data {
    lk_mat x, xt;
    uint32_t y[N], yt[NT];
    lk_ae_stack_data d;
} data;

static void data_make(data *s, unsigned long seed)
{
    gsl_rng *r = th_rng(seed);
    blobs(&s->x, s->y, N, r);
    blobs(&s->xt, s->yt, NT, r);
    s->d = (lk_ae_stack_data){ .x = &s->x, .y = s->y, .n_classes = K, .xt = &s->xt,
                               .yt = s->yt };
    gsl_rng_free(r);
}

static void data_free(data *s)
{
    lk_mat_free(&s->x);
    lk_mat_free(&s->xt);
}

static lk_ae_stack_config two_layers(lk_ae_solver solver)
{
    lk_ae_stack_config c = lk_ae_stack_defaults();
    c.solver = solver;
    c.n_layers = 2;
    c.hidden[0] = 5;
    c.hidden[1] = 4;
    c.train.batch = 9;
    c.train.epochs = 3;
    c.train.optim_cfg.lr = 0.0173;
    c.C = 37.5;
    c.mda_reg = 0.0215;
    c.noise = (lk_ae_noise){ solver == LK_AE_BACKPROP ? LK_AE_NOISE_GAUSS : LK_AE_NOISE_MASK,
                             0.135 };
    return c;
}

/* Codes of x under layer l of net, allocated here. */
static lk_mat codes_of(const lk_net *net, size_t l, const lk_mat *x)
{
    lk_mat c;
    ck_assert_int_eq(lk_mat_alloc(&c, x->rows, net->layers[l].out, NULL), LK_OK);
    ck_assert_int_eq(lk_net_apply_layer(net, l, x, NULL, &c, NULL), LK_OK);
    return c;
}

/* Layer l of a and layer m of b hold the same bytes (W, b). */
static void same_layer(const lk_net *a, size_t l, const lk_net *b, size_t m, const char *what)
{
    const lk_dense *da = &a->layers[l], *db = &b->layers[m];
    ck_assert_uint_eq(da->in, db->in);
    ck_assert_uint_eq(da->out, db->out);
    lk_mat wa = lk_dense_w(da, &a->params), wb = lk_dense_w(db, &b->params);
    for (size_t i = 0; i < da->out; i++)
        ck_assert_msg(memcmp(lk_mat_row(&wa, i), lk_mat_row(&wb, i),
                             da->in * sizeof(lk_real)) == 0, "%s: W row %zu differs", what, i);
    ck_assert_msg(memcmp(lk_dense_b(da, &a->params), lk_dense_b(db, &b->params),
                         da->out * sizeof(lk_real)) == 0, "%s: b differs", what);
}

/* The documented backprop layer, by hand: lk_ae_build, lk_net_init, the
 * trainer with the inputs as targets and the noise as corruption. */
static void backprop_by_hand(const lk_ae_stack_config *c, size_t l, const lk_mat *x, gsl_rng *r,
                             lk_net *ae)
{
    ck_assert_int_eq(lk_ae_build(ae, x->cols, c->hidden[l], c->act, c->act, c->tied, NULL),
                     LK_OK);
    lk_net_init(ae, LK_INIT_AUTO, r);
    lk_net_config cfg = c->train;
    cfg.skip_errors = 1;
    lk_ae_noise noise = c->noise;
    cfg.corrupt = lk_ae_corrupt;
    cfg.corrupt_ctx = &noise;
    lk_net_trainer *tr;
    ck_assert_int_eq(lk_net_trainer_alloc(&tr, ae, &cfg, x, x, r, NULL), LK_OK);
    while (lk_net_test(tr) == LK_TRAIN_CONTINUE)
        ck_assert_int_eq(lk_net_iterate(tr, NULL, NULL), LK_OK);
    lk_net_trainer_free(tr);
}

/* Two layers of every solver: the stack's layers are the ones the solver
 * gives when run by hand on the same codes with the same generator. */
START_TEST(test_two_layers_every_solver)
{
    data s;
    data_make(&s, 2385);
    lk_ae_solver solver = (lk_ae_solver)_i;
    lk_ae_stack_config c = two_layers(solver);
    lk_ae_stack st;
    lk_ae_stack_result res;
    gsl_rng *r = th_rng(9173);
    lk_error err;
    ck_assert_msg(lk_ae_stack_fit(&c, &s.d, r, NULL, NULL, &st, &res, &err) == LK_OK, "%s",
                  err.text);
    gsl_rng_free(r);
    ck_assert_int_eq(st.solver, solver);
    ck_assert_uint_eq(st.enc.n_layers, 2);
    ck_assert_int_eq(st.has_clf, 0);
    ck_assert(isnan(res.train_accuracy) && isnan(res.test_accuracy));

    r = th_rng(9173);
    lk_mat in = s.x, codes[2] = { { 0 } };
    for (size_t l = 0; l < 2; l++) {
        lk_net one;
        if (solver == LK_AE_BACKPROP) {
            backprop_by_hand(&c, l, &in, r, &one);
            same_layer(&st.enc, l, &one, 0, "encoder");
            same_layer(&st.layers[l], 0, &one, 0, "kept autoencoder's encoder");
            same_layer(&st.layers[l], 1, &one, 1, "kept autoencoder's decoder");
            ck_assert_uint_eq(st.enc.layers[l].out, c.hidden[l]);
        } else if (solver == LK_AE_ELM) {
            lk_mat beta;
            ck_assert_int_eq(lk_mat_alloc(&beta, c.hidden[l], in.cols, NULL), LK_OK);
            ck_assert_int_eq(lk_ae_elm(&in, c.hidden[l], c.act, c.C, r, &beta, NULL), LK_OK);
            lk_net_begin(&one, in.cols);
            ck_assert_int_eq(lk_net_add(&one, c.hidden[l], c.act, NULL), LK_OK);
            ck_assert_int_eq(lk_net_finish(&one, NULL), LK_OK);
            ck_assert_int_eq(lk_net_set_layer(&one, 0, &beta, NULL, NULL), LK_OK);
            same_layer(&st.enc, l, &one, 0, "elm encoder");
            lk_mat_free(&beta);
        } else {
            /* The mDA layer is as wide as its input, tanh, whatever hidden says. */
            lk_matd w;
            ck_assert_int_eq(lk_matd_alloc(&w, D, D + 1, NULL), LK_OK);
            ck_assert_int_eq(lk_ae_mda(&in, c.noise.level, c.mda_reg, &w, NULL), LK_OK);
            ck_assert_uint_eq(st.enc.layers[l].out, D);
            ck_assert_int_eq(st.enc.layers[l].act.kind, LK_ACT_TANH);
            lk_mat wl = lk_dense_w(&st.enc.layers[l], &st.enc.params);
            const lk_real *b = lk_dense_b(&st.enc.layers[l], &st.enc.params);
            for (size_t i = 0; i < D; i++) {
                for (size_t j = 0; j < D; j++)
                    ck_assert(LK_AT(&wl, i, j) == (lk_real)w.data[i * w.ld + j]);
                ck_assert(b[i] == (lk_real)w.data[i * w.ld + D]);
            }
            lk_matd_free(&w);
            lk_net_begin(&one, D);
            ck_assert_int_eq(lk_net_add(&one, D, lk_act_default(LK_ACT_TANH), NULL), LK_OK);
            ck_assert_int_eq(lk_net_finish(&one, NULL), LK_OK);
            ck_assert_int_eq(lk_net_copy_layer(&one, 0, &st.enc, l, NULL), LK_OK);
        }
        codes[l] = codes_of(&one, 0, &in);
        in = codes[l];
        lk_net_free(&one);
    }
    /* Test reconstruction: measured for backprop and mda, not for elm. */
    if (solver == LK_AE_ELM)
        ck_assert(isnan(res.test_mse));
    else
        ck_assert_msg(res.test_mse > 0 && res.test_mse < 0.5, "test MSE %g", res.test_mse);
    lk_mat_free(&codes[0]);
    lk_mat_free(&codes[1]);
    lk_ae_stack_free(&st);
    gsl_rng_free(r);
    data_free(&s);
}
END_TEST

/* The test MSE is layer 0's reconstruction error per value, computed here
 * from the mDA map directly: W [x; 1] against x. */
START_TEST(test_mda_test_mse_is_direct)
{
    data s;
    data_make(&s, 611);
    lk_ae_stack_config c = two_layers(LK_AE_MDA);
    c.n_layers = 1;
    lk_ae_stack st;
    lk_ae_stack_result res;
    ck_assert_int_eq(lk_ae_stack_fit(&c, &s.d, NULL, NULL, NULL, &st, &res, NULL), LK_OK);
    lk_matd w;
    ck_assert_int_eq(lk_matd_alloc(&w, D, D + 1, NULL), LK_OK);
    ck_assert_int_eq(lk_ae_mda(&s.x, c.noise.level, c.mda_reg, &w, NULL), LK_OK);
    double sum = 0;
    for (size_t i = 0; i < NT; i++)
        for (size_t j = 0; j < D; j++) {
            double rec = w.data[j * w.ld + D];
            for (size_t m = 0; m < D; m++)
                rec += w.data[j * w.ld + m] * (double)LK_AT(&s.xt, i, m);
            double e = rec - (double)LK_AT(&s.xt, i, j);
            sum += e * e;
        }
    double want = sum / (NT * D);
    ck_assert_msg(fabs(res.test_mse - want) < 1e-4 * want, "test MSE %.9g, direct %.9g",
                  res.test_mse, want);
    lk_matd_free(&w);
    lk_ae_stack_free(&st);
    data_free(&s);
}
END_TEST

/* The mDA regularizer is the configuration's: a constant input makes Q
 * singular without it, and a larger one moves W. */
START_TEST(test_mda_reg_is_a_parameter)
{
    data s;
    data_make(&s, 77);
    for (size_t i = 0; i < N; i++)
        LK_AT(&s.x, i, 3) = 0;
    lk_ae_stack_config c = two_layers(LK_AE_MDA);
    c.n_layers = 1;
    c.noise.level = 0;
    c.mda_reg = 0;
    lk_ae_stack st, st2;
    lk_ae_stack_result res;
    lk_error err;
    ck_assert_int_eq(lk_ae_stack_fit(&c, &s.d, NULL, NULL, NULL, &st, &res, &err), LK_ENUMERIC);
    ck_assert_ptr_null(st.enc.params.w);
    c.mda_reg = LK_AE_MDA_REG;
    ck_assert_int_eq(lk_ae_stack_fit(&c, &s.d, NULL, NULL, NULL, &st, &res, NULL), LK_OK);
    c.mda_reg = 0.5;
    ck_assert_int_eq(lk_ae_stack_fit(&c, &s.d, NULL, NULL, NULL, &st2, &res, NULL), LK_OK);
    ck_assert(memcmp(st.enc.params.w, st2.enc.params.w, st.enc.params.n * sizeof(lk_real)));
    lk_ae_stack_free(&st);
    lk_ae_stack_free(&st2);
    data_free(&s);
}
END_TEST

/* The logistic regression as a softmax layer: the same W and b, and the
 * network's outputs are the regression's probabilities. */
START_TEST(test_logreg_layer_is_direct)
{
    data s;
    data_make(&s, 4242);
    lk_logreg m;
    ck_assert_int_eq(lk_logreg_alloc(&m, D, K, NULL), LK_OK);
    gsl_rng *r = th_rng(5);
    th_fill_uniform(&(lk_mat){ .rows = 1, .cols = m.params.n, .ld = m.params.n,
                               .data = m.params.w }, r, -1.3, 1.7);
    lk_net net;
    ck_assert_int_eq(lk_ae_logreg_layer(&m, &net, NULL), LK_OK);
    ck_assert_uint_eq(net.n_layers, 1);
    ck_assert_int_eq(net.layers[0].act.kind, LK_ACT_SOFTMAX);
    lk_mat w0 = lk_dense_w(&m.layer, &m.params), w1 = lk_dense_w(&net.layers[0], &net.params);
    ck_assert(th_max_abs_diff(&w0, &w1) == 0);
    ck_assert_mem_eq(lk_dense_b(&m.layer, &m.params), lk_dense_b(&net.layers[0], &net.params),
                     K * sizeof(lk_real));
    lk_mat p0, p1;
    lk_net_work wk;
    ck_assert_int_eq(lk_mat_alloc(&p0, N, K, NULL), LK_OK);
    ck_assert_int_eq(lk_mat_alloc(&p1, N, K, NULL), LK_OK);
    ck_assert_int_eq(lk_net_work_alloc(&wk, &net, 32, NULL), LK_OK);
    ck_assert_int_eq(lk_logreg_proba(&m, &s.x, &p0, NULL), LK_OK);
    lk_net_predict(&net, &wk, &s.x, &p1);
    ck_assert_msg(th_max_abs_diff(&p0, &p1) < TH_SUM_TOL(D), "differ by %g",
                  th_max_abs_diff(&p0, &p1));
    lk_net_work_free(&wk);
    lk_mat_free(&p0);
    lk_mat_free(&p1);
    lk_net_free(&net);
    lk_logreg_free(&m);
    gsl_rng_free(r);
    data_free(&s);
}
END_TEST

/* The mDA map as a layer: weights its first d columns, bias its last. */
START_TEST(test_mda_layer_conversion)
{
    gsl_rng *r = th_rng(31);
    lk_matd w;
    ck_assert_int_eq(lk_matd_alloc(&w, 4, 5, NULL), LK_OK);
    for (size_t i = 0; i < 20; i++)
        w.data[i] = gsl_rng_uniform(r) * 2.385 - 1.1;
    lk_net net;
    lk_net_begin(&net, 4);
    ck_assert_int_eq(lk_net_add(&net, 4, lk_act_default(LK_ACT_TANH), NULL), LK_OK);
    ck_assert_int_eq(lk_net_add(&net, 4, lk_act_default(LK_ACT_TANH), NULL), LK_OK);
    ck_assert_int_eq(lk_net_finish(&net, NULL), LK_OK);
    ck_assert_int_eq(lk_ae_mda_layer(&net, 1, &w, NULL), LK_OK);
    lk_mat wl = lk_dense_w(&net.layers[1], &net.params);
    const lk_real *b = lk_dense_b(&net.layers[1], &net.params);
    for (size_t i = 0; i < 4; i++) {
        for (size_t j = 0; j < 4; j++)
            ck_assert(LK_AT(&wl, i, j) == (lk_real)w.data[i * 5 + j]);
        ck_assert(b[i] == (lk_real)w.data[i * 5 + 4]);
    }
    /* Layer 0 untouched (zero), and a map of the wrong shape refused. */
    for (size_t i = 0; i < 16; i++)
        ck_assert(net.params.w[net.layers[0].w + i] == 0);
    lk_matd bad = w;
    bad.cols = 4;
    lk_error err;
    ck_assert_int_eq(lk_ae_mda_layer(&net, 0, &bad, &err), LK_EINVAL);
    ck_assert_int_eq(lk_ae_mda_layer(&net, 2, &w, &err), LK_EINVAL);
    lk_net_free(&net);
    lk_matd_free(&w);
    gsl_rng_free(r);
}
END_TEST

typedef struct seen {
    size_t epochs[2], solves, tests, encodes, clf, calls, stop_at;
    size_t last_epoch[2];
    double gflop;
} seen;

static int count(const lk_ae_progress *p, void *ctx)
{
    seen *s = ctx;
    s->calls++;
    s->gflop += p->gflop;
    switch (p->step) {
    case LK_AE_STEP_EPOCH:
        ck_assert_uint_lt(p->layer, 2);
        /* Epochs come in order, 1-based, within their layer's budget. */
        ck_assert_uint_eq(p->epoch, s->last_epoch[p->layer] + 1);
        ck_assert_uint_le(p->epoch, p->epochs);
        ck_assert(isfinite(p->loss) && p->loss > 0);
        ck_assert(p->gflop > 0);
        s->last_epoch[p->layer] = p->epoch;
        s->epochs[p->layer]++;
        break;
    case LK_AE_STEP_SOLVE: s->solves++; break;
    case LK_AE_STEP_TEST: s->tests++; break;
    case LK_AE_STEP_ENCODE: s->encodes++; break;
    case LK_AE_STEP_CLASSIFY:
        ck_assert_uint_eq(p->epoch, s->clf + 1);
        s->clf++;
        break;
    }
    return s->stop_at && s->calls == s->stop_at;
}

/* The callback: once per epoch of each backprop layer, once per solved
 * layer, once per encoding and per classifier iteration. */
START_TEST(test_callback_steps)
{
    data s;
    data_make(&s, 1999);
    lk_ae_stack st;
    lk_ae_stack_result res;
    for (int solver = 0; solver < 3; solver++) {
        lk_ae_stack_config c = two_layers((lk_ae_solver)solver);
        c.classify = 1;
        seen n = { 0 };
        gsl_rng *r = th_rng(3);
        ck_assert_int_eq(lk_ae_stack_fit(&c, &s.d, r, count, &n, &st, &res, NULL), LK_OK);
        size_t want_epochs = solver == LK_AE_BACKPROP ? c.train.epochs : 0;
        ck_assert_uint_eq(n.epochs[0], want_epochs);
        ck_assert_uint_eq(n.epochs[1], want_epochs);
        ck_assert_uint_eq(n.solves, solver == LK_AE_BACKPROP ? 0 : 2);
        ck_assert_uint_eq(n.tests, solver == LK_AE_ELM ? 0 : 1);
        ck_assert_uint_eq(n.encodes, 4);   /* training and test rows, two layers */
        ck_assert_uint_eq(n.clf, res.clf_iterations);
        ck_assert_uint_gt(n.clf, 0);
        ck_assert(n.gflop > 0);
        ck_assert_int_eq(st.has_clf, 1);
        ck_assert_uint_eq(lk_net_inputs(&st.clf), st.enc.layers[1].out);
        ck_assert_uint_eq(lk_net_outputs(&st.clf), K);
        ck_assert_msg(res.train_accuracy > 0.8 && res.test_accuracy > 0.7,
                      "solver %d: accuracy %.3f / %.3f", solver, res.train_accuracy,
                      res.test_accuracy);
        lk_ae_stack_free(&st);
        /* A non-zero return stops the fit there, the stack freed. */
        seen stop = { .stop_at = 2 };
        gsl_rng_set(r, 3);
        lk_error err;
        ck_assert_int_eq(lk_ae_stack_fit(&c, &s.d, r, count, &stop, &st, &res, &err), LK_EINVAL);
        ck_assert_uint_eq(stop.calls, 2);
        ck_assert_ptr_nonnull(strstr(err.text, "stopped"));
        ck_assert_ptr_null(st.enc.params.w);
        gsl_rng_free(r);
    }
    data_free(&s);
}
END_TEST

/* Same seed, same stack, byte for byte; another seed, another stack. */
START_TEST(test_seeded)
{
    data s;
    data_make(&s, 8);
    lk_ae_stack_config c = two_layers(LK_AE_BACKPROP);
    lk_ae_stack a, b;
    lk_ae_stack_result res;
    gsl_rng *r = th_rng(12);
    ck_assert_int_eq(lk_ae_stack_fit(&c, &s.d, r, NULL, NULL, &a, &res, NULL), LK_OK);
    gsl_rng_set(r, 12);
    ck_assert_int_eq(lk_ae_stack_fit(&c, &s.d, r, NULL, NULL, &b, &res, NULL), LK_OK);
    ck_assert_mem_eq(a.enc.params.w, b.enc.params.w, a.enc.params.n * sizeof(lk_real));
    lk_ae_stack_free(&b);
    gsl_rng_set(r, 13);
    ck_assert_int_eq(lk_ae_stack_fit(&c, &s.d, r, NULL, NULL, &b, &res, NULL), LK_OK);
    ck_assert(memcmp(a.enc.params.w, b.enc.params.w, a.enc.params.n * sizeof(lk_real)));
    lk_ae_stack_free(&a);
    lk_ae_stack_free(&b);
    gsl_rng_free(r);
    data_free(&s);
}
END_TEST

/* The protocol by hand: the same stack as the one-call fit, the steps in
 * the documented order, finish refused before the end, iterate after it. */
START_TEST(test_trainer_protocol)
{
    data s;
    data_make(&s, 606);
    lk_ae_stack_config c = two_layers(LK_AE_BACKPROP);
    c.classify = 1;
    lk_ae_stack a, b;
    lk_ae_stack_result ra, rb;
    gsl_rng *r = th_rng(44);
    ck_assert_int_eq(lk_ae_stack_fit(&c, &s.d, r, NULL, NULL, &a, &ra, NULL), LK_OK);
    gsl_rng_set(r, 44);
    lk_ae_stack_trainer *t;
    lk_error err;
    ck_assert_int_eq(lk_ae_stack_trainer_alloc(&t, &c, &s.d, r, NULL), LK_OK);
    ck_assert_int_eq(lk_ae_stack_trainer_finish(t, &b, &rb, &err), LK_EINVAL);
    static const lk_ae_step order[] = { LK_AE_STEP_EPOCH, LK_AE_STEP_EPOCH, LK_AE_STEP_EPOCH,
                                        LK_AE_STEP_TEST, LK_AE_STEP_ENCODE, LK_AE_STEP_ENCODE,
                                        LK_AE_STEP_EPOCH, LK_AE_STEP_EPOCH, LK_AE_STEP_EPOCH,
                                        LK_AE_STEP_ENCODE, LK_AE_STEP_ENCODE };
    size_t n = 0;
    while (lk_ae_stack_test(t) == LK_TRAIN_CONTINUE) {
        lk_ae_progress p;
        ck_assert_int_eq(lk_ae_stack_iterate(t, &p, NULL), LK_OK);
        if (n < sizeof order / sizeof *order)
            ck_assert_msg(p.step == order[n], "step %zu is %d", n, p.step);
        else
            ck_assert_int_eq(p.step, LK_AE_STEP_CLASSIFY);
        n++;
    }
    ck_assert_uint_eq(n, sizeof order / sizeof *order + ra.clf_iterations);
    ck_assert_int_eq(lk_ae_stack_test(t), LK_TRAIN_CONVERGED);
    ck_assert_int_eq(lk_ae_stack_iterate(t, NULL, &err), LK_EINVAL);
    ck_assert_int_eq(lk_ae_stack_trainer_finish(t, &b, &rb, NULL), LK_OK);
    lk_ae_stack_trainer_free(t);
    ck_assert_mem_eq(a.enc.params.w, b.enc.params.w, a.enc.params.n * sizeof(lk_real));
    ck_assert_mem_eq(a.clf.params.w, b.clf.params.w, a.clf.params.n * sizeof(lk_real));
    ck_assert(ra.test_accuracy == rb.test_accuracy && ra.test_mse == rb.test_mse);
    lk_ae_stack_free(&a);
    lk_ae_stack_free(&b);
    gsl_rng_free(r);
    data_free(&s);
}
END_TEST

/* check() refuses each bad value with a sentence, before any work. */
typedef void (*spoil_fn)(lk_ae_stack_config *c);
static void no_layers(lk_ae_stack_config *c) { c->n_layers = 0; }
static void many_layers(lk_ae_stack_config *c) { c->n_layers = LK_AE_STACK_MAX_LAYERS + 1; }
static void zero_width(lk_ae_stack_config *c) { c->hidden[1] = 0; }
static void bad_solver(lk_ae_stack_config *c) { c->solver = (lk_ae_solver)7; }
static void softmax(lk_ae_stack_config *c) { c->act = lk_act_default(LK_ACT_SOFTMAX); }
static void prelu(lk_ae_stack_config *c) { c->act = lk_act_default(LK_ACT_PRELU); }
static void ce_loss(lk_ae_stack_config *c) { c->train.loss = LK_LOSS_SOFTMAX_CE; }
static void bce_tanh(lk_ae_stack_config *c)
{
    c->train.loss = LK_LOSS_BCE;
    c->act = lk_act_default(LK_ACT_TANH);
}
static void mask_one(lk_ae_stack_config *c) { c->noise = (lk_ae_noise){ LK_AE_NOISE_MASK, 1 }; }
static void gauss_nan(lk_ae_stack_config *c)
{
    c->noise = (lk_ae_noise){ LK_AE_NOISE_GAUSS, NAN };
}
static void mda_gauss(lk_ae_stack_config *c)
{
    c->solver = LK_AE_MDA;
    c->noise = (lk_ae_noise){ LK_AE_NOISE_GAUSS, 0.1 };
}
static void elm_c0(lk_ae_stack_config *c)
{
    c->solver = LK_AE_ELM;
    c->C = 0;
}
static void mda_neg_reg(lk_ae_stack_config *c)
{
    c->solver = LK_AE_MDA;
    c->mda_reg = -1e-5;
}
static void zero_batch(lk_ae_stack_config *c) { c->train.batch = 0; }
static void no_epochs(lk_ae_stack_config *c) { c->train.epochs = 0; }
static void clf_zero_iter(lk_ae_stack_config *c)
{
    c->classify = 1;
    c->clf.max_iter = 0;
}

static void sparsity_one(lk_ae_stack_config *c) { c->sparsity = 1; }
static void sparsity_neg_weight(lk_ae_stack_config *c)
{
    c->sparsity = 0.05;
    c->sparsity_weight = -0.5;
}
static void contractive_nan(lk_ae_stack_config *c) { c->contractive = NAN; }
static void contractive_elm(lk_ae_stack_config *c)
{
    c->solver = LK_AE_ELM;
    c->contractive = 0.1;
}
static void sparsity_tanh(lk_ae_stack_config *c)
{
    c->act = lk_act_default(LK_ACT_TANH);
    c->sparsity = 0.05;
    c->sparsity_weight = 2;
}

static const spoil_fn SPOIL[] = { no_layers, many_layers, zero_width, bad_solver, softmax,
                                  prelu, ce_loss, bce_tanh, mask_one, gauss_nan, mda_gauss,
                                  elm_c0, mda_neg_reg, zero_batch, no_epochs,
                                  clf_zero_iter, sparsity_one, sparsity_neg_weight,
                                  contractive_nan, contractive_elm, sparsity_tanh };

START_TEST(test_check_refuses)
{
    lk_ae_stack_config good = two_layers(LK_AE_BACKPROP);
    ck_assert_ptr_null(lk_ae_stack_check(&good));
    lk_ae_stack_config defaults = lk_ae_stack_defaults();
    ck_assert_ptr_null(lk_ae_stack_check(&defaults));
    lk_ae_stack_config c = good;
    SPOIL[_i](&c);
    const char *why = lk_ae_stack_check(&c);
    ck_assert_msg(why != NULL, "case %d accepted", _i);
    ck_assert_ptr_null(strstr(why, "--"));
    /* fit refuses it with that sentence, without a callback. */
    data s;
    data_make(&s, 1);
    lk_ae_stack st;
    lk_ae_stack_result res;
    seen n = { 0 };
    lk_error err;
    gsl_rng *r = th_rng(1);
    ck_assert_int_eq(lk_ae_stack_fit(&c, &s.d, r, count, &n, &st, &res, &err), LK_EINVAL);
    ck_assert_str_eq(err.text, why);
    ck_assert_uint_eq(n.calls, 0);
    gsl_rng_free(r);
    data_free(&s);
}
END_TEST

/* The mean of a stack's first codes on the test rows. */
static double mean_code(const lk_ae_stack_config *c, const data *s)
{
    lk_ae_stack st;
    lk_ae_stack_result res;
    gsl_rng *r = th_rng(3);
    ck_assert_int_eq(lk_ae_stack_fit(c, &s->d, r, NULL, NULL, &st, &res, NULL), LK_OK);
    lk_mat codes;
    ck_assert_int_eq(lk_mat_alloc(&codes, s->xt.rows, c->hidden[0], NULL), LK_OK);
    ck_assert_int_eq(lk_net_apply_layer(&st.enc, 0, &s->xt, NULL, &codes, NULL), LK_OK);
    double m = 0;
    for (size_t i = 0; i < codes.rows; i++)
        for (size_t j = 0; j < codes.cols; j++)
            m += LK_AT(&codes, i, j) / (double)(codes.rows * codes.cols);
    lk_mat_free(&codes);
    lk_ae_stack_free(&st);
    gsl_rng_free(r);
    return m;
}

/* The sparsity penalty reaches every backprop layer the stack trains: the
 * codes' mean activation moves to the target. */
START_TEST(test_sparsity_reaches_layers)
{
    data s;
    data_make(&s, 1);
    lk_ae_stack_config c = two_layers(LK_AE_BACKPROP);
    c.n_layers = 1;
    c.train.epochs = 60;
    double plain = mean_code(&c, &s);
    c.sparsity = 0.05;
    c.sparsity_weight = 3;
    double sparse = mean_code(&c, &s);
    ck_assert_double_gt(plain, 0.2);
    ck_assert_double_lt(sparse, 0.1);
    data_free(&s);
}
END_TEST

/* Data that does not fit: no rows, test rows of another width, a
 * classifier without classes. */
START_TEST(test_fit_refuses_data)
{
    data s;
    data_make(&s, 1);
    lk_ae_stack_config c = two_layers(LK_AE_ELM);
    lk_ae_stack st;
    lk_ae_stack_result res;
    lk_error err;
    gsl_rng *r = th_rng(1);
    lk_mat none = s.x;
    none.rows = 0;
    lk_ae_stack_data d = s.d;
    d.x = &none;
    ck_assert_int_eq(lk_ae_stack_fit(&c, &d, r, NULL, NULL, &st, &res, &err), LK_EINVAL);
    lk_mat narrow = s.xt;
    narrow.cols = D - 1;
    d = s.d;
    d.xt = &narrow;
    ck_assert_int_eq(lk_ae_stack_fit(&c, &d, r, NULL, NULL, &st, &res, &err), LK_EINVAL);
    ck_assert_ptr_nonnull(strstr(err.text, "test rows"));
    c.classify = 1;
    d = s.d;
    d.y = NULL;
    ck_assert_int_eq(lk_ae_stack_fit(&c, &d, r, NULL, NULL, &st, &res, &err), LK_EINVAL);
    ck_assert_ptr_nonnull(strstr(err.text, "classes"));
    /* Without test rows: no test MSE, no test accuracy, and a stack. */
    c.solver = LK_AE_MDA;
    d = s.d;
    d.xt = NULL;
    ck_assert_int_eq(lk_ae_stack_fit(&c, &d, r, NULL, NULL, &st, &res, &err), LK_OK);
    ck_assert(isnan(res.test_mse) && isnan(res.test_accuracy) && res.train_accuracy > 0.5);
    lk_ae_stack_free(&st);
    gsl_rng_free(r);
    data_free(&s);
}
END_TEST

#if LK_REAL_IS_DOUBLE
#define BLOCK_TOL 1e-10
#else
#define BLOCK_TOL 1e-5
#endif

/* A matrix in blocks that counts its passes. */
typedef struct counted {
    lk_mat_blocks mb;
    lk_blocks inner;
    size_t passes;
} counted;

static lk_status counted_next(void *ctx, lk_block *b, lk_error *err)
{
    counted *c = ctx;
    return c->inner.next(c->inner.ctx, b, err);
}

static lk_status counted_rewind(void *ctx, lk_error *err)
{
    counted *c = ctx;
    c->passes++;
    return c->inner.rewind(c->inner.ctx, err);
}

static lk_blocks counted_blocks(counted *c, const lk_mat *x, const uint32_t *y, size_t rows)
{
    c->inner = lk_blocks_of_mat(&c->mb, x, y, rows);
    c->passes = 0;
    return (lk_blocks){ counted_next, counted_rewind, c, x->cols, rows };
}

typedef struct tally {
    size_t steps[5];
    double gflop;
} tally;

static int tally_step(const lk_ae_progress *p, void *ctx)
{
    tally *t = ctx;
    t->steps[p->step]++;
    t->gflop += p->gflop;
    return 0;
}

/* The closed-form stack from blocks (of 13 training rows, of 7 test rows)
 * is the stack from the matrices: the same layers to rounding, the same
 * test MSE, the training work plus the codes made again; one pass over the training rows per
 * layer, one over the test rows, and no encoding steps (the rows are
 * encoded as they arrive). */
START_TEST(test_streamed_equals_memory)
{
    data s;
    data_make(&s, 4417);
    lk_ae_solver solver = _i ? LK_AE_MDA : LK_AE_ELM;
    lk_ae_stack_config c = two_layers(solver);
    c.n_layers = 3;
    c.hidden[2] = 6;
    lk_ae_stack a, b;
    lk_ae_stack_result ra, rb;
    lk_error err;
    tally ta = { { 0 }, 0 }, tb = { { 0 }, 0 };
    gsl_rng *r = th_rng(613);
    ck_assert_msg(lk_ae_stack_fit(&c, &s.d, r, tally_step, &ta, &a, &ra, &err) == LK_OK, "%s",
                  err.text);
    unsigned long next = gsl_rng_get(r);
    counted ct, cv;
    lk_blocks bt = counted_blocks(&ct, &s.x, NULL, 13), bv = counted_blocks(&cv, &s.xt, NULL, 7);
    lk_ae_stack_data d = { .blocks = &bt, .test_blocks = &bv };
    gsl_rng_set(r, 613);
    ck_assert_msg(lk_ae_stack_fit(&c, &d, r, tally_step, &tb, &b, &rb, &err) == LK_OK, "%s",
                  err.text);
    ck_assert_uint_eq(gsl_rng_get(r), next);
    ck_assert_uint_eq(b.enc.n_layers, 3);
    for (size_t l = 0; l < 3; l++) {
        lk_mat wa = lk_dense_w(&a.enc.layers[l], &a.enc.params);
        lk_mat wb = lk_dense_w(&b.enc.layers[l], &b.enc.params);
        lk_mat ba = lk_mat_view(lk_dense_b(&a.enc.layers[l], &a.enc.params), 1, wa.rows, wa.rows);
        lk_mat bb = lk_mat_view(lk_dense_b(&b.enc.layers[l], &b.enc.params), 1, wa.rows, wa.rows);
        double top = 0;
        for (size_t i = 0; i < wa.rows; i++)
            for (size_t j = 0; j < wa.cols; j++)
                top = fmax(top, fabs((double)LK_AT(&wa, i, j)));
        double diff = fmax(th_max_abs_diff(&wa, &wb), th_max_abs_diff(&ba, &bb)) / top;
        ck_assert_msg(diff < BLOCK_TOL, "layer %zu: relative difference %g", l, diff);
    }
    ck_assert_uint_eq(ct.passes, 3);
    ck_assert_uint_eq(cv.passes, solver == LK_AE_MDA);
    ck_assert_uint_eq(tb.steps[LK_AE_STEP_SOLVE], 3);
    ck_assert_uint_eq(tb.steps[LK_AE_STEP_ENCODE], 0);
    ck_assert_uint_eq(tb.steps[LK_AE_STEP_TEST], ta.steps[LK_AE_STEP_TEST]);
    /* Streamed, layer 2's pass encodes by layer 0 again: in memory its
     * codes were kept. */
    double again = 2e-9 * N * (double)a.enc.layers[0].in * (double)a.enc.layers[0].out;
    ck_assert_double_eq_tol(tb.gflop, ta.gflop + again, 1e-12 * ta.gflop);
    if (solver == LK_AE_MDA)
        ck_assert_double_eq_tol(rb.test_mse, ra.test_mse, BLOCK_TOL * ra.test_mse);
    else
        ck_assert(isnan(ra.test_mse) && isnan(rb.test_mse));
    lk_ae_stack_free(&a);
    lk_ae_stack_free(&b);
    gsl_rng_free(r);
    data_free(&s);
}
END_TEST

/* Largest difference of the classifiers' W and b, relative to the
 * largest entry of W. */
static double clf_diff(const lk_ae_stack *a, const lk_ae_stack *b)
{
    const lk_dense *la = &a->clf.layers[0], *lb = &b->clf.layers[0];
    lk_mat wa = lk_dense_w(la, &a->clf.params), wb = lk_dense_w(lb, &b->clf.params);
    lk_mat ba = lk_mat_view(lk_dense_b(la, &a->clf.params), 1, wa.rows, wa.rows);
    lk_mat bb = lk_mat_view(lk_dense_b(lb, &b->clf.params), 1, wa.rows, wa.rows);
    double top = 0;
    for (size_t i = 0; i < wa.rows; i++)
        for (size_t j = 0; j < wa.cols; j++)
            top = fmax(top, fabs((double)LK_AT(&wa, i, j)));
    return fmax(th_max_abs_diff(&wa, &wb), th_max_abs_diff(&ba, &bb)) / top;
}

/* The stack with its classifier from blocks (of 13 training rows, 7 test
 * rows, the classes in the blocks) is the one from the matrices: the
 * softmax's W and b to rounding, the same accuracies and iterations; no
 * codes are kept (no encoding step), each classifier step reads the
 * training rows encoded by all three layers, and the accuracies are one
 * pass over each set. */
START_TEST(test_streamed_classify_equals_memory)
{
    data s;
    data_make(&s, 2718);
    lk_ae_stack_config c = two_layers(_i ? LK_AE_MDA : LK_AE_ELM);
    c.n_layers = 3;
    c.hidden[2] = 6;
    c.classify = 1;
    lk_ae_stack a, b;
    lk_ae_stack_result ra, rb;
    lk_error err;
    tally ta = { { 0 }, 0 }, tb = { { 0 }, 0 };
    gsl_rng *r = th_rng(1213);
    ck_assert_msg(lk_ae_stack_fit(&c, &s.d, r, tally_step, &ta, &a, &ra, &err) == LK_OK, "%s",
                  err.text);
    counted ct, cv;
    lk_blocks bt = counted_blocks(&ct, &s.x, s.y, 13), bv = counted_blocks(&cv, &s.xt, s.yt, 7);
    lk_ae_stack_data d = { .blocks = &bt, .test_blocks = &bv, .n_classes = K };
    gsl_rng_set(r, 1213);
    ck_assert_msg(lk_ae_stack_fit(&c, &d, r, tally_step, &tb, &b, &rb, &err) == LK_OK, "%s",
                  err.text);
    ck_assert_int_eq(b.has_clf, 1);
    ck_assert_uint_eq(lk_net_inputs(&b.clf), b.enc.layers[2].out);
    double diff = clf_diff(&a, &b);
    ck_assert_msg(diff < BLOCK_TOL, "classifier: relative difference %g", diff);
    ck_assert_uint_eq(rb.clf_iterations, ra.clf_iterations);
    ck_assert_int_eq(rb.clf_stop, ra.clf_stop);
    ck_assert_msg(ra.train_accuracy > 0.8 && ra.test_accuracy > 0.6, "accuracy %g / %g",
                  ra.train_accuracy, ra.test_accuracy);
    ck_assert(rb.train_accuracy == ra.train_accuracy && rb.test_accuracy == ra.test_accuracy);
    ck_assert_uint_eq(tb.steps[LK_AE_STEP_ENCODE], 0);
    ck_assert_uint_eq(tb.steps[LK_AE_STEP_CLASSIFY], rb.clf_iterations);
    /* Three layers, the classifier's first pass and start, at least one
     * pass per iteration, the training accuracy. */
    ck_assert_uint_ge(ct.passes, 3 + 2 + rb.clf_iterations + 1);
    ck_assert_uint_eq(cv.passes, (c.solver == LK_AE_MDA) + 1);
    lk_ae_stack_free(&a);
    lk_ae_stack_free(&b);
    gsl_rng_free(r);
    data_free(&s);
}
END_TEST

/* Blocks: not for backprop (said, not faked), a classifier only with
 * classes (a count, and blocks that bring them), not with a matrix too,
 * test rows of the training width, rows somewhere. */
START_TEST(test_streamed_refuses)
{
    data s;
    data_make(&s, 5);
    lk_ae_stack_config c = two_layers(LK_AE_BACKPROP);
    lk_ae_stack st;
    lk_ae_stack_result res;
    lk_error err;
    gsl_rng *r = th_rng(1);
    lk_mat_blocks m1, m2;
    lk_blocks b = lk_blocks_of_mat(&m1, &s.x, NULL, 10), bt = lk_blocks_of_mat(&m2, &s.xt, NULL, 10);
    lk_ae_stack_data d = { .blocks = &b, .test_blocks = &bt };
    ck_assert_int_eq(lk_ae_stack_fit(&c, &d, r, NULL, NULL, &st, &res, &err), LK_EUNSUPPORTED);
    ck_assert_ptr_nonnull(strstr(err.text, "backprop"));
    c = two_layers(LK_AE_ELM);
    c.classify = 1;
    ck_assert_int_eq(lk_ae_stack_fit(&c, &d, r, NULL, NULL, &st, &res, &err), LK_EINVAL);
    ck_assert_ptr_nonnull(strstr(err.text, "classes of the rows"));
    /* Blocks without classes: the classifier's first pass says so. */
    d.n_classes = K;
    ck_assert_int_eq(lk_ae_stack_fit(&c, &d, r, NULL, NULL, &st, &res, &err), LK_EINVAL);
    ck_assert_str_eq(err.text, "blocks without classes");
    ck_assert_ptr_null(st.enc.layers);
    /* Training blocks with classes, test blocks without: the test
     * accuracy's pass says so. */
    b = lk_blocks_of_mat(&m1, &s.x, s.y, 10);
    ck_assert_int_eq(lk_ae_stack_fit(&c, &d, r, NULL, NULL, &st, &res, &err), LK_EINVAL);
    ck_assert_str_eq(err.text, "the test rows come without classes");
    ck_assert_ptr_null(st.enc.layers);
    b = lk_blocks_of_mat(&m1, &s.x, NULL, 10);
    d.n_classes = 0;
    c.classify = 0;
    d.x = &s.x;
    ck_assert_int_eq(lk_ae_stack_fit(&c, &d, r, NULL, NULL, &st, &res, &err), LK_EINVAL);
    ck_assert_ptr_nonnull(strstr(err.text, "not both"));
    d.x = NULL;
    lk_mat narrow = s.xt;
    narrow.cols = D - 1;
    bt = lk_blocks_of_mat(&m2, &narrow, NULL, 10);
    ck_assert_int_eq(lk_ae_stack_fit(&c, &d, r, NULL, NULL, &st, &res, &err), LK_EINVAL);
    ck_assert_ptr_nonnull(strstr(err.text, "test rows"));
    lk_mat none = s.x;
    none.rows = 0;
    b = lk_blocks_of_mat(&m1, &none, NULL, 10);
    d.test_blocks = NULL;
    ck_assert_int_eq(lk_ae_stack_fit(&c, &d, r, NULL, NULL, &st, &res, &err), LK_EINVAL);
    ck_assert_str_eq(err.text, "ELM autoencoder needs rows");
    ck_assert_ptr_null(st.enc.layers);
    gsl_rng_free(r);
    data_free(&s);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("ae_stack");
    TCase *core = tcase_create("core");
    tcase_add_loop_test(core, test_two_layers_every_solver, 0, 3);
    tcase_add_test(core, test_mda_test_mse_is_direct);
    tcase_add_test(core, test_mda_reg_is_a_parameter);
    tcase_add_test(core, test_logreg_layer_is_direct);
    tcase_add_test(core, test_mda_layer_conversion);
    tcase_add_test(core, test_callback_steps);
    tcase_add_test(core, test_seeded);
    tcase_add_test(core, test_trainer_protocol);
    tcase_add_loop_test(core, test_streamed_equals_memory, 0, 2);
    tcase_add_loop_test(core, test_streamed_classify_equals_memory, 0, 2);
    suite_add_tcase(s, core);
    TCase *errors = tcase_create("errors");
    tcase_add_test(core, test_sparsity_reaches_layers);
    tcase_add_loop_test(errors, test_check_refuses, 0, (int)(sizeof SPOIL / sizeof *SPOIL));
    tcase_add_test(errors, test_fit_refuses_data);
    tcase_add_test(errors, test_streamed_refuses);
    suite_add_tcase(s, errors);
    return th_run_suite(s);
}
