/* net_extra_test.c — batch normalization and dropout in the network:
 * gradient checks through both, batch against running statistics, the
 * running averages' update, save/load round trips and damaged entries,
 * dropout off in inference and free at p = 0, seeded determinism. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "testhelp.h"

/* in -> 7 -> 6 -> out, tanh then sigmoid hidden layers, softmax output;
 * biases random; batch norm on hidden layers when bn. */
static void make_net(lk_net *net, size_t in, size_t out, int bn, gsl_rng *r)
{
    lk_net_begin(net, in);
    ck_assert_int_eq(lk_net_add(net, 7, lk_act_default(LK_ACT_TANH), NULL), LK_OK);
    ck_assert_int_eq(lk_net_add(net, 6, lk_act_default(LK_ACT_SIGMOID), NULL), LK_OK);
    ck_assert_int_eq(lk_net_add(net, out, lk_act_default(LK_ACT_SOFTMAX), NULL), LK_OK);
    /* One layer planned before finish, one added to the finished arena. */
    if (bn)
        ck_assert_int_eq(lk_net_add_batchnorm(net, 0, NULL), LK_OK);
    ck_assert_int_eq(lk_net_finish(net, NULL), LK_OK);
    if (bn)
        ck_assert_int_eq(lk_net_add_batchnorm(net, 1, NULL), LK_OK);
    lk_net_init(net, LK_INIT_AUTO, r);
    for (size_t l = 0; l < net->n_layers; l++)
        for (size_t j = 0; j < net->layers[l].out; j++)
            net->params.w[net->layers[l].b + j] = (lk_real)(0.3 * gsl_rng_uniform(r) - 0.15);
    /* Scales and shifts away from 1 and 0, so a slip in either shows. */
    for (size_t l = 0; bn && l < 2; l++)
        for (size_t j = 0; j < net->layers[l].out; j++) {
            net->params.w[net->extra[l].bn_scale + j] = (lk_real)(0.6 + 0.8 * gsl_rng_uniform(r));
            net->params.w[net->extra[l].bn_shift + j] = (lk_real)(0.4 * gsl_rng_uniform(r) - 0.2);
        }
}

static void onehot_rows(lk_mat *y, gsl_rng *r)
{
    lk_mat_fill(y, 0);
    for (size_t i = 0; i < y->rows; i++)
        LK_AT(y, i, gsl_rng_uniform_int(r, y->cols)) = 1;
}

typedef struct gc_ctx {
    lk_net *net;
    lk_net_work *w;
    const lk_mat *x, *y;
    gsl_rng *rng;          /* dropout: reseeded each call, so the mask is fixed */
    lk_loss_kind loss;
} gc_ctx;

static double gc_objective(void *p)
{
    gc_ctx *c = p;
    if (!c->rng)
        return lk_net_backprop(c->net, c->w, c->loss, 0.01, c->x, c->y);
    gsl_rng_set(c->rng, 77);
    return lk_net_backprop_train(c->net, c->w, c->loss, 0.01, c->x, c->y, c->rng);
}

/* Relative error of the whole gradient (weights, biases, scales, shifts). */
static double grad_error(lk_net *net, gsl_rng *drop_rng, gsl_rng *r)
{
    lk_mat x, y;
    lk_net_work w;
    ck_assert_int_eq(lk_mat_alloc(&x, 9, lk_net_inputs(net), NULL), LK_OK);
    ck_assert_int_eq(lk_mat_alloc(&y, 9, lk_net_outputs(net), NULL), LK_OK);
    th_fill_uniform(&x, r, -1.5, 2.5);
    onehot_rows(&y, r);
    ck_assert_int_eq(lk_net_work_alloc(&w, net, 9, NULL), LK_OK);
    gc_ctx c = { net, &w, &x, &y, drop_rng, LK_LOSS_SOFTMAX_CE };
    gc_objective(&c);
    size_t n = net->params.n;
    lk_real *g = malloc(n * sizeof *g);
    memcpy(g, net->params.g, n * sizeof *g);
    for (size_t l = 0; net->extra && l < 2; l++)
        if (lk_net_has_batchnorm(net, l)) {
            ck_assert_double_gt(lk_nrm2(net->layers[l].out, g + net->extra[l].bn_scale), 0);
            ck_assert_double_gt(lk_nrm2(net->layers[l].out, g + net->extra[l].bn_shift), 0);
        }
    double e = th_grad_check(gc_objective, &c, net->params.w, g, n, TH_GRAD_STEP);
    free(g);
    lk_net_work_free(&w);
    lk_mat_free(&x);
    lk_mat_free(&y);
    return e;
}

START_TEST(test_batchnorm_gradient)
{
    gsl_rng *r = th_rng(31);
    lk_net net;
    make_net(&net, 5, 3, 1, r);
    ck_assert(lk_net_has_batchnorm(&net, 0) && lk_net_has_batchnorm(&net, 1));
    ck_assert(!lk_net_has_batchnorm(&net, 2));
    ck_assert_double_lt(grad_error(&net, NULL, r), TH_GRAD_TOL);
    lk_net_free(&net);
    gsl_rng_free(r);
}
END_TEST

START_TEST(test_dropout_gradient)
{
    gsl_rng *r = th_rng(32), *d = th_rng(1);
    lk_net net;
    make_net(&net, 5, 3, 1, r);
    ck_assert_int_eq(lk_net_set_dropout(&net, 0, 0.3, NULL), LK_OK);
    ck_assert_int_eq(lk_net_set_dropout(&net, 1, 0.5, NULL), LK_OK);
    ck_assert_double_lt(grad_error(&net, d, r), TH_GRAD_TOL);
    lk_net_free(&net);
    gsl_rng_free(r);
    gsl_rng_free(d);
}
END_TEST

/* One training step updates the running averages from the batch; the
 * inference pass then normalizes by them, one row as in a whole batch. */
START_TEST(test_batchnorm_running_statistics)
{
    gsl_rng *r = th_rng(33);
    lk_net net;
    make_net(&net, 4, 3, 1, r);
    lk_mat x, y;
    lk_net_work w;
    ck_assert_int_eq(lk_mat_alloc(&x, 20, 4, NULL), LK_OK);
    ck_assert_int_eq(lk_mat_alloc(&y, 20, 3, NULL), LK_OK);
    th_fill_uniform(&x, r, 0.5, 3.5);
    onehot_rows(&y, r);
    ck_assert_int_eq(lk_net_work_alloc(&w, &net, 20, NULL), LK_OK);
    /* The first layer's batch statistics, in double. */
    double mean[7] = { 0 }, var[7] = { 0 };
    lk_mat z1;
    ck_assert_int_eq(lk_mat_alloc(&z1, 20, 7, NULL), LK_OK);
    lk_mat w0 = lk_dense_w(&net.layers[0], &net.params);
    th_naive_gemm(LK_NOTRANS, LK_TRANS, 1, &x, &w0, 0, &z1);
    for (size_t i = 0; i < 20; i++)
        for (size_t j = 0; j < 7; j++)
            mean[j] += (LK_AT(&z1, i, j) + net.params.w[net.layers[0].b + j]) / 20.0;
    for (size_t i = 0; i < 20; i++)
        for (size_t j = 0; j < 7; j++) {
            double e = LK_AT(&z1, i, j) + net.params.w[net.layers[0].b + j] - mean[j];
            var[j] += e * e / 19.0;
        }
    lk_net_backprop(&net, &w, LK_LOSS_SOFTMAX_CE, 0, &x, &y);
    const lk_real *st = net.bn_stats + net.extra[0].bn_stat;
    ck_assert_double_eq(st[0], 0);       /* a gradient check does not move them */
    ck_assert_double_eq(st[7], 1);
    lk_net_backprop_train(&net, &w, LK_LOSS_SOFTMAX_CE, 0, &x, &y, r);
    for (size_t j = 0; j < 7; j++) {
        ck_assert_double_eq_tol(st[j], 0.1 * mean[j], 1e-5 * (1 + fabs(mean[j])));
        ck_assert_double_eq_tol(st[7 + j], 0.9 + 0.1 * var[j], 1e-5 * (1 + var[j]));
    }
    /* Inference: each row alone gives what it gives within the batch. */
    lk_mat all;
    ck_assert_int_eq(lk_mat_alloc(&all, 20, 3, NULL), LK_OK);
    lk_net_predict(&net, &w, &x, &all);
    for (size_t i = 0; i < 20; i += 7) {
        lk_mat xi = lk_mat_rows(&x, i, 1);
        lk_mat o = lk_net_forward(&net, &w, &xi);
        for (size_t j = 0; j < 3; j++)
            ck_assert_double_eq_tol(LK_AT(&o, 0, j), LK_AT(&all, i, j), 1e-6);
    }
    lk_mat_free(&all);
    lk_mat_free(&z1);
    lk_mat_free(&x);
    lk_mat_free(&y);
    lk_net_work_free(&w);
    lk_net_free(&net);
    gsl_rng_free(r);
}
END_TEST

/* Train a few epochs with the given dropout and return the parameters and
 * the generator's next draw. */
static void train_copy(double p, unsigned long seed, lk_real *out, size_t n, unsigned long *next)
{
    gsl_rng *r = th_rng(40), *t = th_rng(seed);
    lk_net net;
    make_net(&net, 4, 3, 0, r);
    if (p >= 0)
        ck_assert_int_eq(lk_net_set_dropout(&net, 0, p, NULL), LK_OK);
    ck_assert_uint_eq(net.params.n, n);
    lk_mat x, y;
    ck_assert_int_eq(lk_mat_alloc(&x, 30, 4, NULL), LK_OK);
    ck_assert_int_eq(lk_mat_alloc(&y, 30, 3, NULL), LK_OK);
    th_fill_uniform(&x, r, -1, 1);
    onehot_rows(&y, r);
    lk_net_config cfg = lk_net_config_default();
    cfg.batch = 8;
    cfg.epochs = 3;
    lk_net_trainer *tr;
    ck_assert_int_eq(lk_net_trainer_alloc(&tr, &net, &cfg, &x, &y, t, NULL), LK_OK);
    do
        ck_assert_int_eq(lk_net_iterate(tr, NULL, NULL), LK_OK);
    while (lk_net_test(tr) == LK_TRAIN_CONTINUE);
    lk_net_trainer_free(tr);
    memcpy(out, net.params.w, n * sizeof *out);
    *next = gsl_rng_get(t);
    lk_mat_free(&x);
    lk_mat_free(&y);
    lk_net_free(&net);
    gsl_rng_free(r);
    gsl_rng_free(t);
}

START_TEST(test_dropout_training)
{
    gsl_rng *r = th_rng(40);
    lk_net probe;
    make_net(&probe, 4, 3, 0, r);
    size_t n = probe.params.n;
    lk_net_free(&probe);
    gsl_rng_free(r);
    lk_real *none = malloc(n * sizeof *none), *zero = malloc(n * sizeof *zero),
            *half = malloc(n * sizeof *half), *again = malloc(n * sizeof *again),
            *other = malloc(n * sizeof *other);
    unsigned long g_none, g_zero, g_half, g_again, g_other;
    train_copy(-1, 5, none, n, &g_none);
    train_copy(0, 5, zero, n, &g_zero);
    train_copy(0.5, 5, half, n, &g_half);
    train_copy(0.5, 5, again, n, &g_again);
    train_copy(0.5, 6, other, n, &g_other);
    /* p = 0: the very same training, and not one draw more. */
    ck_assert(memcmp(none, zero, n * sizeof *none) == 0);
    ck_assert_uint_eq(g_none, g_zero);
    /* p > 0: masks drawn from the trainer's generator, seeded. */
    ck_assert(memcmp(half, none, n * sizeof *none) != 0);
    ck_assert(g_half != g_none);
    ck_assert(memcmp(half, again, n * sizeof *half) == 0);
    ck_assert(memcmp(half, other, n * sizeof *half) != 0);
    free(none);
    free(zero);
    free(half);
    free(again);
    free(other);
}
END_TEST

/* Inference ignores dropout; a training pass keeps each unit with
 * probability 1 - p and scales it by 1/(1 - p). */
START_TEST(test_dropout_inference_and_scale)
{
    gsl_rng *r = th_rng(41), *d = th_rng(3);
    lk_net a, b;
    make_net(&a, 4, 3, 0, r);
    gsl_rng_set(r, 41);
    make_net(&b, 4, 3, 0, r);
    ck_assert_int_eq(lk_net_set_dropout(&b, 0, 0.4, NULL), LK_OK);
    enum { N = 400 };
    lk_mat x, oa, ob;
    lk_net_work wa, wb;
    ck_assert_int_eq(lk_mat_alloc(&x, N, 4, NULL), LK_OK);
    th_fill_uniform(&x, r, -1, 1);
    ck_assert_int_eq(lk_mat_alloc(&oa, N, 3, NULL), LK_OK);
    ck_assert_int_eq(lk_mat_alloc(&ob, N, 3, NULL), LK_OK);
    ck_assert_int_eq(lk_net_work_alloc(&wa, &a, N, NULL), LK_OK);
    ck_assert_int_eq(lk_net_work_alloc(&wb, &b, N, NULL), LK_OK);
    ck_assert(wa.mask == NULL && wb.mask[0].data != NULL && wb.mask[1].data == NULL);
    lk_net_predict(&a, &wa, &x, &oa);
    lk_net_predict(&b, &wb, &x, &ob);
    ck_assert_double_eq(th_max_abs_diff(&oa, &ob), 0);
    lk_mat y;
    ck_assert_int_eq(lk_mat_alloc(&y, N, 3, NULL), LK_OK);
    onehot_rows(&y, r);
    lk_net_backprop_train(&b, &wb, LK_LOSS_SOFTMAX_CE, 0, &x, &y, d);
    size_t kept = 0;
    for (size_t i = 0; i < N; i++)
        for (size_t j = 0; j < 7; j++) {
            double m = LK_AT(&wb.mask[0], i, j);
            ck_assert(m == 0 || fabs(m - 1 / 0.6) < 1e-6);
            kept += m != 0;
            ck_assert_double_eq_tol(LK_AT(&wb.ad[0], i, j), LK_AT(&wb.a[0], i, j) * m, 1e-6);
        }
    /* 2800 draws at 0.6: 1680 expected, sd 26. */
    ck_assert_uint_gt(kept, 1680 - 130);
    ck_assert_uint_lt(kept, 1680 + 130);
    lk_mat_free(&x);
    lk_mat_free(&y);
    lk_mat_free(&oa);
    lk_mat_free(&ob);
    lk_net_work_free(&wa);
    lk_net_work_free(&wb);
    lk_net_free(&a);
    lk_net_free(&b);
    gsl_rng_free(r);
    gsl_rng_free(d);
}
END_TEST

/* Early stopping puts back the running averages of the best epoch with
 * its weights. */
START_TEST(test_batchnorm_early_stopping)
{
    gsl_rng *r = th_rng(44);
    lk_net net;
    make_net(&net, 4, 3, 1, r);
    lk_mat x, y;
    ck_assert_int_eq(lk_mat_alloc(&x, 60, 4, NULL), LK_OK);
    ck_assert_int_eq(lk_mat_alloc(&y, 60, 3, NULL), LK_OK);
    th_fill_uniform(&x, r, -1, 1);
    onehot_rows(&y, r);   /* random labels: the validation loss soon rises */
    lk_net_config cfg = lk_net_config_default();
    cfg.batch = 10;
    cfg.epochs = 60;
    cfg.validation = 0.3;
    cfg.patience = 3;
    cfg.optim_cfg.lr = 0.03;
    lk_net_trainer *tr;
    ck_assert_int_eq(lk_net_trainer_alloc(&tr, &net, &cfg, &x, &y, r, NULL), LK_OK);
    lk_real *stats = malloc(net.n_bn_stats * sizeof *stats);
    do {
        lk_net_epoch_stats es;
        ck_assert_int_eq(lk_net_iterate(tr, &es, NULL), LK_OK);
        if (es.improved)
            memcpy(stats, net.bn_stats, net.n_bn_stats * sizeof *stats);
    } while (lk_net_test(tr) == LK_TRAIN_CONTINUE);
    ck_assert_int_eq(lk_net_test(tr), LK_TRAIN_EARLYSTOP);
    size_t best = lk_net_trainer_finish(tr);
    ck_assert_uint_lt(best, tr->epoch);
    ck_assert(memcmp(stats, net.bn_stats, net.n_bn_stats * sizeof *stats) == 0);
    lk_net_trainer_free(tr);
    free(stats);
    lk_mat_free(&x);
    lk_mat_free(&y);
    lk_net_free(&net);
    gsl_rng_free(r);
}
END_TEST

static lk_model *round_trip(const lk_model *m)
{
    unsigned char *buf;
    size_t n;
    lk_model *back;
    ck_assert_int_eq(lk_model_serialize(m, &buf, &n, NULL), LK_OK);
    ck_assert_int_eq(lk_model_parse(buf, n, "<memory>", &back, NULL), LK_OK);
    free(buf);
    return back;
}

START_TEST(test_batchnorm_save_load)
{
    gsl_rng *r = th_rng(42);
    lk_net net, back;
    make_net(&net, 4, 3, 1, r);
    for (size_t j = 0; j < net.n_bn_stats; j++)
        net.bn_stats[j] = (lk_real)(0.2 + gsl_rng_uniform(r));
    lk_model *m;
    ck_assert_int_eq(lk_mlp_save(&net, LK_LOSS_SOFTMAX_CE, NULL, NULL, &m, NULL), LK_OK);
    lk_model *b = round_trip(m);
    ck_assert_int_eq(lk_mlp_load(b, &back, NULL, NULL), LK_OK);
    ck_assert_uint_eq(back.params.n, net.params.n);
    ck_assert(memcmp(back.params.w, net.params.w, net.params.n * sizeof(lk_real)) == 0);
    ck_assert(memcmp(back.bn_stats, net.bn_stats, net.n_bn_stats * sizeof(lk_real)) == 0);
    ck_assert(lk_net_has_batchnorm(&back, 1) && !lk_net_has_batchnorm(&back, 2));
    lk_net_free(&back);
    lk_model_free(b);

    /* Damaged entries: each refused naming its key. */
    static const struct { const char *key; double v[7]; size_t n; const char *place; } bad[] = {
        { "bn.var.0", { 1, 1, 1, -0.5, 1, 1, 1 }, 7, "bn.var.0" },
        { "bn.var.1", { 1, 1, 1, 0, 1, 1 }, 6, "bn.var.1" },
        { "bn.scale.0", { 1, 1, 1 }, 3, "bn.scale.0" },
        { "arch.batchnorm", { 1, 2, 0 }, 3, "arch.batchnorm" },
        { "arch.batchnorm", { 1, 1 }, 2, "arch.batchnorm" },
        { "arch.batchnorm", { 1, 1, 1 }, 3, "arch.batchnorm" },
    };
    for (size_t k = 0; k < sizeof bad / sizeof *bad; k++) {
        lk_model *c = round_trip(m);
        if (strncmp(bad[k].key, "bn.", 3) == 0) {
            lk_real v[7];
            for (size_t j = 0; j < bad[k].n; j++)
                v[j] = (lk_real)bad[k].v[j];
            ck_assert_int_eq(lk_model_put_vec(c, bad[k].key, bad[k].n, v, NULL), LK_OK);
        } else {
            ck_assert_int_eq(lk_model_put_dvec(c, bad[k].key, bad[k].n, bad[k].v, NULL), LK_OK);
        }
        lk_error err;
        lk_status s = lk_mlp_load(c, &back, NULL, &err);
        ck_assert_msg(s == LK_EFORMAT, "%s: status %d", bad[k].key, (int)s);
        ck_assert_msg(strstr(err.place, bad[k].place) != NULL, "%s: place '%s'", bad[k].key,
                      err.place);
        lk_model_free(c);
    }
    lk_model_free(m);
    lk_net_free(&net);
    gsl_rng_free(r);
}
END_TEST

/* An autoencoder 6 -> 5 -> 6 (sigmoid both ways, tied or not) with the
 * penalties on its codes: the whole gradient against central differences,
 * and the penalties' share of the loss. */
static double penalty_grad_error(int tied, double beta, double lambda, double *share)
{
    gsl_rng *r = th_rng(50 + (unsigned long)tied);
    lk_net net;
    lk_act sg = lk_act_default(LK_ACT_SIGMOID);
    ck_assert_int_eq(lk_ae_build(&net, 6, 5, sg, sg, tied, NULL), LK_OK);
    lk_net_init(&net, LK_INIT_AUTO, r);
    /* Larger weights than Glorot's, so the codes spread over (0, 1). */
    lk_scal(net.params.n, 2.5, net.params.w);
    ck_assert_int_eq(lk_net_set_penalty(&net, 0, 0.15, beta, lambda, NULL), LK_OK);
    lk_mat x;
    lk_net_work w;
    ck_assert_int_eq(lk_mat_alloc(&x, 11, 6, NULL), LK_OK);
    th_fill_uniform(&x, r, 0.05, 0.95);
    ck_assert_int_eq(lk_net_work_alloc(&w, &net, 11, NULL), LK_OK);
    gc_ctx c = { &net, &w, &x, &x, NULL, LK_LOSS_MSE };
    double with = gc_objective(&c);
    size_t n = net.params.n;
    lk_real *g = malloc(n * sizeof *g);
    memcpy(g, net.params.g, n * sizeof *g);
    double e = th_grad_check(gc_objective, &c, net.params.w, g, n, TH_GRAD_STEP);
    lk_net_work_free(&w);
    ck_assert_int_eq(lk_net_set_penalty(&net, 0, 0.15, 0, 0, NULL), LK_OK);
    ck_assert_int_eq(lk_net_work_alloc(&w, &net, 11, NULL), LK_OK);
    *share = with - gc_objective(&c);
    free(g);
    lk_net_work_free(&w);
    lk_mat_free(&x);
    lk_net_free(&net);
    gsl_rng_free(r);
    return e;
}

START_TEST(test_penalty_gradients)
{
    double share;
    for (int tied = 0; tied < 2; tied++) {
        ck_assert_double_lt(penalty_grad_error(tied, 0.7, 0, &share), TH_GRAD_TOL);
        ck_assert_double_gt(share, 1e-3);
        ck_assert_double_lt(penalty_grad_error(tied, 0, 0.3, &share), TH_GRAD_TOL);
        ck_assert_double_gt(share, 1e-3);
        ck_assert_double_lt(penalty_grad_error(tied, 0.7, 0.3, &share), TH_GRAD_TOL);
    }
}
END_TEST

/* The penalties' values against their definitions: the KL divergence of
 * the mean activations summed by hand, and the Jacobian's Frobenius norm
 * by central differences of the encoder itself (not the closed form). */
START_TEST(test_penalty_values)
{
    gsl_rng *r = th_rng(60);
    enum { N = 5, D = 4, K = 3 };
    lk_net enc;
    lk_net_begin(&enc, D);
    ck_assert_int_eq(lk_net_add(&enc, K, lk_act_default(LK_ACT_SIGMOID), NULL), LK_OK);
    ck_assert_int_eq(lk_net_finish(&enc, NULL), LK_OK);
    lk_net_init(&enc, LK_INIT_GLOROT, r);
    lk_scal(enc.params.n, 3, enc.params.w);
    lk_mat x, h, dh, gw;
    ck_assert_int_eq(lk_mat_alloc(&x, N, D, NULL), LK_OK);
    ck_assert_int_eq(lk_mat_alloc(&h, N, K, NULL), LK_OK);
    ck_assert_int_eq(lk_mat_alloc(&dh, N, K, NULL), LK_OK);
    ck_assert_int_eq(lk_mat_alloc(&gw, K, D, NULL), LK_OK);
    th_fill_uniform(&x, r, 0, 1);
    ck_assert_int_eq(lk_net_apply_layer(&enc, 0, &x, NULL, &h, NULL), LK_OK);
    lk_real scratch[2 * K];
    double kl = 0, rho = 0.2;
    for (size_t j = 0; j < K; j++) {
        double m = 0;
        for (size_t i = 0; i < N; i++)
            m += LK_AT(&h, i, j) / (double)N;
        kl += rho * log(rho / m) + (1 - rho) * log((1 - rho) / (1 - m));
    }
    ck_assert_double_eq_tol(lk_sparsity_penalty(rho, 1.7, &h, &dh, scratch), 1.7 * kl,
                            1e-5 * (1 + kl));
    double fro = 0, step = 1e-3;
    lk_mat xp, hp, hm;
    ck_assert_int_eq(lk_mat_alloc(&xp, 1, D, NULL), LK_OK);
    ck_assert_int_eq(lk_mat_alloc(&hp, 1, K, NULL), LK_OK);
    ck_assert_int_eq(lk_mat_alloc(&hm, 1, K, NULL), LK_OK);
    for (size_t i = 0; i < N; i++)
        for (size_t c = 0; c < D; c++) {
            memcpy(xp.data, lk_mat_row(&x, i), D * sizeof(lk_real));
            xp.data[c] += (lk_real)step;
            lk_net_apply_layer(&enc, 0, &xp, NULL, &hp, NULL);
            xp.data[c] -= (lk_real)(2 * step);
            lk_net_apply_layer(&enc, 0, &xp, NULL, &hm, NULL);
            for (size_t j = 0; j < K; j++) {
                double dj = ((double)hp.data[j] - hm.data[j]) / (2 * step);
                fro += dj * dj / N;
            }
        }
    lk_mat w = lk_dense_w(&enc.layers[0], &enc.params);
    double v = lk_contractive_penalty(0.4, &h, &w, &dh, &gw, scratch);
    ck_assert_double_eq_tol(v, 0.4 * fro, 2e-3 * fro);
    lk_mat_free(&xp);
    lk_mat_free(&hp);
    lk_mat_free(&hm);
    lk_mat_free(&x);
    lk_mat_free(&h);
    lk_mat_free(&dh);
    lk_mat_free(&gw);
    lk_net_free(&enc);
    gsl_rng_free(r);
}
END_TEST

START_TEST(test_errors)
{
    gsl_rng *r = th_rng(43);
    lk_net net;
    make_net(&net, 4, 3, 1, r);
    lk_error err;
    ck_assert_int_eq(lk_net_add_batchnorm(&net, 0, &err), LK_EINVAL);   /* already */
    ck_assert_int_eq(lk_net_add_batchnorm(&net, 2, &err), LK_EINVAL);   /* softmax */
    ck_assert_int_eq(lk_net_add_batchnorm(&net, 3, &err), LK_EINVAL);   /* missing */
    ck_assert_int_eq(lk_net_set_dropout(&net, 2, 0.5, &err), LK_EINVAL); /* output layer */
    ck_assert_int_eq(lk_net_set_dropout(&net, 0, 1, &err), LK_EINVAL);
    ck_assert_int_eq(lk_net_set_dropout(&net, 0, -0.1, &err), LK_EINVAL);
    ck_assert_int_eq(lk_net_set_dropout(&net, 0, NAN, &err), LK_EINVAL);
    ck_assert(strstr(err.text, "[0, 1)") != NULL);
    /* Penalties: layer 0 is tanh, layer 1 sigmoid, layer 2 the output. */
    ck_assert_int_eq(lk_net_set_penalty(&net, 0, 0.1, 1, 0, &err), LK_EINVAL);
    ck_assert(strstr(err.text, "sigmoid") != NULL);
    ck_assert_int_eq(lk_net_set_penalty(&net, 2, 0.1, 1, 0, &err), LK_EINVAL);
    ck_assert_int_eq(lk_net_set_penalty(&net, 1, 0, 1, 0, &err), LK_EINVAL);
    ck_assert_int_eq(lk_net_set_penalty(&net, 1, 1, 1, 0, &err), LK_EINVAL);
    ck_assert_int_eq(lk_net_set_penalty(&net, 1, 0.1, -1, 0, &err), LK_EINVAL);
    ck_assert_int_eq(lk_net_set_penalty(&net, 1, 0.1, 0, INFINITY, &err), LK_EINVAL);
    ck_assert_int_eq(lk_net_set_penalty(&net, 1, 0.1, 1, 0.5, &err), LK_OK);
    lk_net_free(&net);
    gsl_rng_free(r);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("net_extra");
    TCase *core = tcase_create("core"), *errors = tcase_create("errors");
    tcase_add_test(core, test_batchnorm_gradient);
    tcase_add_test(core, test_dropout_gradient);
    tcase_add_test(core, test_batchnorm_running_statistics);
    tcase_add_test(core, test_dropout_training);
    tcase_add_test(core, test_dropout_inference_and_scale);
    tcase_add_test(core, test_batchnorm_save_load);
    tcase_add_test(core, test_batchnorm_early_stopping);
    tcase_add_test(core, test_penalty_gradients);
    tcase_add_test(core, test_penalty_values);
    tcase_add_test(errors, test_errors);
    suite_add_tcase(s, core);
    suite_add_tcase(s, errors);
    return th_run_suite(s);
}
