/* mlp_test.c — the network of dense layers and the MLP classifier: whole-
 * network gradient checks for every activation and loss, XOR, determinism,
 * save/load, early stopping, and every error a caller can provoke. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "testhelp.h"

/* ================================================================ helpers */

/* A network with sizes in -> h1 -> h2 -> out, every parameter (weights,
 * biases, PReLU slopes) drawn at random so no gradient is trivially zero. */
static void make_net(lk_net *net, const size_t *sizes, size_t n_layers, const lk_act *hidden,
                     lk_act out, gsl_rng *r)
{
    lk_net_begin(net, sizes[0]);
    for (size_t l = 0; l + 1 < n_layers; l++)
        ck_assert_int_eq(lk_net_add(net, sizes[l + 1], *hidden, NULL), LK_OK);
    ck_assert_int_eq(lk_net_add(net, sizes[n_layers], out, NULL), LK_OK);
    ck_assert_int_eq(lk_net_finish(net, NULL), LK_OK);
    lk_net_init(net, LK_INIT_AUTO, r);
    for (size_t l = 0; l < net->n_layers; l++) {
        const lk_dense *d = &net->layers[l];
        for (size_t j = 0; j < d->out; j++) {
            net->params.w[d->b + j] = (lk_real)(0.3 * (2 * gsl_rng_uniform(r) - 1));
            if (d->gamma != LK_NO_OFFSET)
                net->params.w[d->gamma + j] = (lk_real)(0.05 + 0.4 * gsl_rng_uniform(r));
        }
    }
}

/* Targets that fit a loss: one-hot rows for softmax-CE and the perceptron,
 * values in (0, 1) for BCE and MSE (so no output saturates exactly). */
static void make_targets(lk_mat *y, lk_loss_kind loss, gsl_rng *r)
{
    for (size_t i = 0; i < y->rows; i++) {
        size_t c = gsl_rng_uniform_int(r, y->cols);
        for (size_t j = 0; j < y->cols; j++) {
            if (loss == LK_LOSS_SOFTMAX_CE || loss == LK_LOSS_PERCEPTRON)
                LK_AT(y, i, j) = j == c;
            else
                LK_AT(y, i, j) = (lk_real)(0.1 + 0.8 * gsl_rng_uniform(r));
        }
    }
}

typedef struct gc_ctx {
    lk_net *net;
    lk_net_work *w;
    lk_loss_kind loss;
    double l2;
    const lk_mat *x, *y;
} gc_ctx;

static double gc_objective(void *p)
{
    gc_ctx *c = p;
    return lk_net_backprop(c->net, c->w, c->loss, c->l2, c->x, c->y);
}

/* Relative error of the analytic gradient of the whole network. */
static double net_grad_error(lk_net *net, lk_loss_kind loss, double l2, size_t batch,
                             gsl_rng *r)
{
    lk_mat x, y;
    ck_assert_int_eq(lk_mat_alloc(&x, batch, lk_net_inputs(net), NULL), LK_OK);
    ck_assert_int_eq(lk_mat_alloc(&y, batch, lk_net_outputs(net), NULL), LK_OK);
    th_fill_uniform(&x, r, -1.5, 1.5);
    make_targets(&y, loss, r);
    lk_net_work w;
    ck_assert_int_eq(lk_net_work_alloc(&w, net, batch, NULL), LK_OK);
    gc_ctx c = { net, &w, loss, l2, &x, &y };
    gc_objective(&c);
    size_t n = net->params.n;
    lk_real *g = malloc(n * sizeof *g);
    memcpy(g, net->params.g, n * sizeof *g);
    double e = th_grad_check(gc_objective, &c, net->params.w, g, n, TH_GRAD_STEP);
    free(g);
    lk_net_work_free(&w);
    lk_mat_free(&x);
    lk_mat_free(&y);
    return e;
}

/* ================================================================ core */

/* Every hidden activation with every loss (each loss with the output
 * activation it pairs with, and MSE also through a non-fused tanh output),
 * depth 3, odd widths, a batch of 7, and an L2 term on the weights. */
START_TEST(test_gradient_every_activation_and_loss)
{
    static const size_t sizes[] = { 5, 7, 3, 4 };
    static const lk_act_kind hidden[] = { LK_ACT_IDENTITY, LK_ACT_SIGMOID, LK_ACT_TANH,
                                          LK_ACT_RELU, LK_ACT_LEAKYRELU, LK_ACT_PRELU,
                                          LK_ACT_ELU, LK_ACT_SOFTPLUS };
    struct { lk_loss_kind loss; lk_act_kind out; } pairs[] = {
        { LK_LOSS_SOFTMAX_CE, LK_ACT_SOFTMAX }, { LK_LOSS_BCE, LK_ACT_SIGMOID },
        { LK_LOSS_MSE, LK_ACT_SIGMOID }, { LK_LOSS_MSE, LK_ACT_TANH },
        { LK_LOSS_MSE, LK_ACT_SOFTMAX }, { LK_LOSS_PERCEPTRON, LK_ACT_IDENTITY },
    };
    gsl_rng *r = th_rng(2385);
    for (size_t h = 0; h < sizeof hidden / sizeof *hidden; h++)
        for (size_t p = 0; p < sizeof pairs / sizeof *pairs; p++) {
#if !LK_REAL_IS_DOUBLE
            /* In float the difference step (TH_GRAD_STEP) is so large that it
             * crosses the kinks of the piecewise-linear functions; those are
             * checked in the double build, where the contract is. */
            if (hidden[h] == LK_ACT_RELU || hidden[h] == LK_ACT_LEAKYRELU ||
                hidden[h] == LK_ACT_PRELU || pairs[p].loss == LK_LOSS_PERCEPTRON)
                continue;
#endif
            lk_act act = lk_act_default(hidden[h]);
            if (hidden[h] == LK_ACT_ELU)
                act.gamma = 1.375;
            lk_net net;
            make_net(&net, sizes, 3, &act, lk_act_default(pairs[p].out), r);
            double e = net_grad_error(&net, pairs[p].loss, 0.0375, 7, r);
            if (!(e < TH_GRAD_TOL))
                ck_abort_msg("%s hidden, %s loss, %s output: relative error %g",
                             lk_act_name(hidden[h]), lk_loss_name(pairs[p].loss),
                             lk_act_name(pairs[p].out), e);
            lk_net_free(&net);
        }
    gsl_rng_free(r);
}
END_TEST

/* PReLU slopes get a gradient of their own: check them alone as well, so a
 * wrong slope gradient cannot hide behind the much larger weight ones. */
START_TEST(test_gradient_prelu_slopes_alone)
{
    static const size_t sizes[] = { 6, 5, 9, 3 };
    gsl_rng *r = th_rng(77);
    lk_act act = lk_act_default(LK_ACT_PRELU);
    lk_net net;
    make_net(&net, sizes, 3, &act, lk_act_default(LK_ACT_SOFTMAX), r);
    lk_mat x, y;
    lk_mat_alloc(&x, 5, 6, NULL);
    lk_mat_alloc(&y, 5, 3, NULL);
    th_fill_uniform(&x, r, -2, 2);
    make_targets(&y, LK_LOSS_SOFTMAX_CE, r);
    lk_net_work w;
    lk_net_work_alloc(&w, &net, 5, NULL);
    gc_ctx c = { &net, &w, LK_LOSS_SOFTMAX_CE, 0, &x, &y };
    for (size_t l = 0; l < 2; l++) {
        gc_objective(&c);
        size_t off = net.layers[l].gamma, n = net.layers[l].out;
        ck_assert(off != LK_NO_OFFSET);
        lk_real g[16];
        memcpy(g, net.params.g + off, n * sizeof *g);
        ck_assert_double_gt(lk_nrm2(n, g), 0);
        double e = th_grad_check(gc_objective, &c, net.params.w + off, g, n, TH_GRAD_STEP);
        ck_assert_double_lt(e, TH_GRAD_TOL);
    }
    lk_net_work_free(&w);
    lk_mat_free(&x);
    lk_mat_free(&y);
    lk_net_free(&net);
    gsl_rng_free(r);
}
END_TEST

/* The autoencoder's shape: an encoder and a decoder tied to it, trained on
 * reconstruction; both uses of W accumulate into one gradient. */
START_TEST(test_gradient_tied_decoder)
{
    gsl_rng *r = th_rng(31);
    lk_net net;
    lk_net_begin(&net, 7);
    ck_assert_int_eq(lk_net_add(&net, 5, lk_act_default(LK_ACT_SIGMOID), NULL), LK_OK);
    ck_assert_int_eq(lk_net_add(&net, 3, lk_act_default(LK_ACT_TANH), NULL), LK_OK);
    ck_assert_int_eq(lk_net_add_tied(&net, 1, lk_act_default(LK_ACT_ELU), NULL), LK_OK);
    ck_assert_int_eq(lk_net_add_tied(&net, 0, lk_act_default(LK_ACT_SIGMOID), NULL), LK_OK);
    ck_assert_int_eq(lk_net_finish(&net, NULL), LK_OK);
    ck_assert_uint_eq(lk_net_outputs(&net), 7);
    ck_assert_uint_eq(lk_net_weight_count(&net), 7 * 5 + 5 * 3);
    lk_net_init(&net, LK_INIT_AUTO, r);
    for (size_t l = 0; l < 4; l++)
        for (size_t j = 0; j < net.layers[l].out; j++)
            net.params.w[net.layers[l].b + j] = (lk_real)(0.2 * gsl_rng_uniform(r) - 0.1);
    double e = net_grad_error(&net, LK_LOSS_BCE, 0.01, 9, r);
    ck_assert_double_lt(e, TH_GRAD_TOL);
    lk_net_free(&net);
    gsl_rng_free(r);
}
END_TEST

static void xor_data(lk_mat *x, uint32_t *y, size_t copies)
{
    static const lk_real pts[4][2] = { { 0, 0 }, { 0, 1 }, { 1, 0 }, { 1, 1 } };
    lk_mat_alloc(x, 4 * copies, 2, NULL);
    for (size_t i = 0; i < 4 * copies; i++) {
        LK_AT(x, i, 0) = pts[i % 4][0];
        LK_AT(x, i, 1) = pts[i % 4][1];
        y[i] = (i % 4 == 1 || i % 4 == 2);
    }
}

/* Train a small classifier; returns the status of training. */
static lk_status train(lk_net *net, const lk_net_config *cfg, const lk_mat *x,
                       const uint32_t *y, size_t k, gsl_rng *r, lk_error *err)
{
    lk_mat t;
    ck_assert_int_eq(lk_onehot(y, x->rows, k, &t, NULL), LK_OK);
    lk_net_trainer *tr;
    lk_status s = lk_net_trainer_alloc(&tr, net, cfg, x, &t, r, err);
    while (s == LK_OK && lk_net_test(tr) == LK_TRAIN_CONTINUE)
        s = lk_net_iterate(tr, NULL, err);
    if (s == LK_OK) {
        ck_assert_int_eq(lk_net_test(tr), cfg->validation > 0 ? lk_net_test(tr)
                                                                : LK_TRAIN_MAXITER);
        lk_net_trainer_finish(tr);
    }
    lk_net_trainer_free(tr);
    lk_mat_free(&t);
    return s;
}

START_TEST(test_xor)
{
    gsl_rng *r = th_rng(1);
    lk_mat x;
    uint32_t y[40];
    xor_data(&x, y, 10);
    size_t hidden[] = { 8 };
    lk_act act = lk_act_default(LK_ACT_TANH);
    lk_net net;
    ck_assert_int_eq(lk_mlp_build(&net, 2, 1, hidden, 1, &act, 2, NULL, LK_LOSS_SOFTMAX_CE,
                                  NULL), LK_OK);
    lk_net_init(&net, LK_INIT_AUTO, r);
    lk_net_config cfg = lk_net_config_default();
    cfg.optim_cfg.lr = 0.05;
    cfg.batch = 8;
    cfg.epochs = 200;
    ck_assert_int_eq(train(&net, &cfg, &x, y, 2, r, NULL), LK_OK);
    lk_net_work w;
    lk_net_work_alloc(&w, &net, 16, NULL);
    ck_assert_double_eq(lk_mlp_accuracy(&net, &w, &x, y), 1.0);
    lk_net_work_free(&w);
    lk_net_free(&net);
    lk_mat_free(&x);
    gsl_rng_free(r);
}
END_TEST

/* Three Gaussian blobs in 4 dimensions, 3 classes. */
static void blobs(lk_mat *x, uint32_t *y, size_t n, gsl_rng *r)
{
    lk_mat_alloc(x, n, 4, NULL);
    for (size_t i = 0; i < n; i++) {
        y[i] = (uint32_t)gsl_rng_uniform_int(r, 3);
        for (size_t j = 0; j < 4; j++)
            LK_AT(x, i, j) = (lk_real)((j == y[i] ? 1.75 : 0) + 0.8 * (gsl_rng_uniform(r) - 0.5) * 2);
    }
}

static unsigned char *train_and_serialize(unsigned long seed, size_t *n)
{
    gsl_rng *r = th_rng(seed);
    lk_mat x;
    uint32_t y[301];
    blobs(&x, y, 301, r);
    size_t hidden[] = { 9, 5 };
    lk_act acts[] = { lk_act_default(LK_ACT_RELU), lk_act_default(LK_ACT_PRELU) };
    lk_net net;
    ck_assert_int_eq(lk_mlp_build(&net, 4, 2, hidden, 2, acts, 3, NULL, LK_LOSS_SOFTMAX_CE,
                                  NULL), LK_OK);
    lk_net_init(&net, LK_INIT_AUTO, r);
    lk_net_config cfg = lk_net_config_default();
    cfg.batch = 32;
    cfg.epochs = 4;
    cfg.validation = 0.2;
    ck_assert_int_eq(train(&net, &cfg, &x, y, 3, r, NULL), LK_OK);
    lk_model *m;
    ck_assert_int_eq(lk_mlp_save(&net, LK_LOSS_SOFTMAX_CE, NULL, NULL, &m, NULL), LK_OK);
    unsigned char *buf;
    ck_assert_int_eq(lk_model_serialize(m, &buf, n, NULL), LK_OK);
    lk_model_free(m);
    lk_net_free(&net);
    lk_mat_free(&x);
    gsl_rng_free(r);
    return buf;
}

START_TEST(test_same_seed_same_bytes)
{
    size_t n1, n2, n3;
    unsigned char *a = train_and_serialize(5, &n1), *b = train_and_serialize(5, &n2);
    unsigned char *c = train_and_serialize(6, &n3);
    ck_assert_uint_eq(n1, n2);
    ck_assert(memcmp(a, b, n1) == 0);
    ck_assert(n1 != n3 || memcmp(a, c, n1) != 0);
    free(a);
    free(b);
    free(c);
}
END_TEST

START_TEST(test_save_load_predict_exact)
{
    gsl_rng *r = th_rng(11);
    lk_mat x, xt;
    uint32_t y[400], yt[123];
    blobs(&x, y, 400, r);
    blobs(&xt, yt, 123, r);
    size_t hidden[] = { 13, 7 };
    lk_act acts[] = { lk_act_default(LK_ACT_ELU), lk_act_default(LK_ACT_LEAKYRELU) };
    lk_net net;
    ck_assert_int_eq(lk_mlp_build(&net, 4, 2, hidden, 2, acts, 3, NULL, LK_LOSS_SOFTMAX_CE,
                                  NULL), LK_OK);
    lk_net_init(&net, LK_INIT_AUTO, r);
    lk_net_config cfg = lk_net_config_default();
    cfg.optim_cfg.lr = 0.01;
    cfg.batch = 50;
    cfg.epochs = 20;
    ck_assert_int_eq(train(&net, &cfg, &x, y, 3, r, NULL), LK_OK);
    lk_net_work w;
    lk_net_work_alloc(&w, &net, 100, NULL);
    double acc = lk_mlp_accuracy(&net, &w, &xt, yt);
    ck_assert_double_gt(acc, 0.8);
    lk_model *m;
    ck_assert_int_eq(lk_mlp_save(&net, LK_LOSS_SOFTMAX_CE, NULL, NULL, &m, NULL), LK_OK);
    char *path = th_temp_file("", 0, ".lkm");
    ck_assert_int_eq(lk_model_save(m, path, NULL), LK_OK);
    lk_model *back;
    ck_assert_int_eq(lk_model_load(path, &back, NULL), LK_OK);
    lk_predictor *p;
    ck_assert_int_eq(lk_predictor_load(back, &p, NULL), LK_OK);
    ck_assert_uint_eq(lk_predictor_inputs(p), 4);
    ck_assert_uint_eq(lk_predictor_outputs(p), 3);
    lk_mat scores;
    lk_mat_alloc(&scores, 123, 3, NULL);
    ck_assert_int_eq(lk_predictor_scores(p, &xt, &scores, NULL), LK_OK);
    size_t right = 0;
    for (size_t i = 0; i < 123; i++)
        right += lk_argmax(lk_mat_row(&scores, i), 3) == yt[i];
    ck_assert_double_eq((double)right / 123.0, acc);
    lk_net net2;
    lk_loss_kind loss;
    ck_assert_int_eq(lk_mlp_load(back, &net2, &loss, NULL), LK_OK);
    ck_assert_int_eq(loss, LK_LOSS_SOFTMAX_CE);
    ck_assert_uint_eq(net2.params.n, net.params.n);
    ck_assert(memcmp(net2.params.w, net.params.w, net.params.n * sizeof(lk_real)) == 0);
    lk_net_free(&net2);
    lk_mat_free(&scores);
    lk_predictor_free(p);
    lk_model_free(back);
    lk_model_free(m);
    remove(path);
    free(path);
    lk_net_work_free(&w);
    lk_net_free(&net);
    lk_mat_free(&x);
    lk_mat_free(&xt);
    gsl_rng_free(r);
}
END_TEST

/* The textbook configuration: sigmoid layers, squared error, plain SGD. */
START_TEST(test_sigmoid_mse_sgd_learns)
{
    gsl_rng *r = th_rng(3);
    lk_mat x;
    uint32_t y[600];
    blobs(&x, y, 600, r);
    size_t hidden[] = { 11 };
    lk_act act = lk_act_default(LK_ACT_SIGMOID);
    lk_net net;
    ck_assert_int_eq(lk_mlp_build(&net, 4, 1, hidden, 1, &act, 3, NULL, LK_LOSS_MSE, NULL),
                     LK_OK);
    ck_assert_int_eq(lk_net_output_act(&net)->kind, LK_ACT_SIGMOID);
    lk_net_init(&net, LK_INIT_AUTO, r);
    lk_net_config cfg = lk_net_config_default();
    cfg.loss = LK_LOSS_MSE;
    cfg.optim = &lk_optim_sgd;
    cfg.optim_cfg = lk_optim_defaults(&lk_optim_sgd);
    cfg.optim_cfg.lr = 2.5;
    cfg.batch = 20;
    cfg.epochs = 30;
    ck_assert_int_eq(train(&net, &cfg, &x, y, 3, r, NULL), LK_OK);
    lk_net_work w;
    lk_net_work_alloc(&w, &net, 64, NULL);
    ck_assert_double_gt(lk_mlp_accuracy(&net, &w, &x, y), 0.9);
    lk_net_work_free(&w);
    lk_net_free(&net);
    lk_mat_free(&x);
    gsl_rng_free(r);
}
END_TEST

/* Early stopping: the weights after finish are the best validation ones,
 * and training stops patience epochs after the best. */
START_TEST(test_early_stopping_keeps_best)
{
    gsl_rng *r = th_rng(8);
    lk_mat x, t;
    uint32_t y[200];
    blobs(&x, y, 200, r);
    /* Random labels: the network can only overfit, so validation loss rises. */
    for (size_t i = 0; i < 200; i++)
        y[i] = (uint32_t)gsl_rng_uniform_int(r, 3);
    lk_onehot(y, 200, 3, &t, NULL);
    size_t hidden[] = { 64 };
    lk_act act = lk_act_default(LK_ACT_RELU);
    lk_net net;
    lk_mlp_build(&net, 4, 1, hidden, 1, &act, 3, NULL, LK_LOSS_SOFTMAX_CE, NULL);
    lk_net_init(&net, LK_INIT_AUTO, r);
    lk_net_config cfg = lk_net_config_default();
    cfg.optim_cfg.lr = 0.01;
    cfg.batch = 16;
    cfg.epochs = 500;
    cfg.validation = 0.25;
    cfg.patience = 3;
    lk_net_trainer *tr;
    ck_assert_int_eq(lk_net_trainer_alloc(&tr, &net, &cfg, &x, &t, r, NULL), LK_OK);
    ck_assert_uint_eq(tr->n_val, 50);
    ck_assert_uint_eq(tr->n_train, 150);
    double best = INFINITY;
    size_t best_epoch = 0, last = 0;
    lk_real *snap = malloc(net.params.n * sizeof *snap);
    while (lk_net_test(tr) == LK_TRAIN_CONTINUE) {
        lk_net_epoch_stats st;
        ck_assert_int_eq(lk_net_iterate(tr, &st, NULL), LK_OK);
        ck_assert(isfinite(st.val_loss));
        ck_assert_uint_eq(st.grad_layers, 2);
        ck_assert_double_gt(st.grad_norm[0], 0);
        if (st.val_loss < best) {
            best = st.val_loss;
            best_epoch = st.epoch;
            ck_assert(st.improved);
            memcpy(snap, net.params.w, net.params.n * sizeof *snap);
        }
        last = st.epoch;
    }
    ck_assert_uint_lt(last, 500);
    ck_assert_uint_eq(last, best_epoch + 3);
    ck_assert_int_eq(lk_net_test(tr), LK_TRAIN_EARLYSTOP);
    lk_error err;
    ck_assert_int_eq(lk_net_iterate(tr, NULL, &err), LK_EINVAL);    /* stopped: no more epochs */
    ck_assert_ptr_nonnull(strstr(err.text, "early stopping"));
    ck_assert_uint_eq(lk_net_trainer_finish(tr), best_epoch);
    ck_assert(memcmp(snap, net.params.w, net.params.n * sizeof *snap) == 0);
    lk_net_work w;
    lk_net_work_alloc(&w, &net, 16, NULL);   /* the trainer's batches: same sums */
    ck_assert_double_eq(lk_net_loss(&net, &w, LK_LOSS_SOFTMAX_CE, &tr->xv, &tr->yv), best);
    lk_net_work_free(&w);
    free(snap);
    lk_net_trainer_free(tr);
    lk_net_free(&net);
    lk_mat_free(&x);
    lk_mat_free(&t);
    gsl_rng_free(r);
}
END_TEST


/* The stall rule stops once the training loss has missed best - tol for
 * stall_epochs epochs in a row, and only then; the budget of the default
 * rule follows the rows. */
START_TEST(test_stall_rule)
{
    ck_assert_uint_eq(lk_net_auto_epochs(60000, 100), 15);    /* MNIST */
    ck_assert_uint_eq(lk_net_auto_epochs(112, 100), 200);     /* capped */
    ck_assert_uint_eq(lk_net_auto_epochs(9000 * 250, 250), 1);
    ck_assert_uint_eq(lk_net_auto_epochs(1, 100), 200);
    gsl_rng *r = th_rng(31);
    lk_mat x, t;
    uint32_t y[120];
    blobs(&x, y, 120, r);
    lk_onehot(y, 120, 3, &t, NULL);
    size_t hidden[] = { 12 };
    lk_act act = lk_act_default(LK_ACT_RELU);
    for (int k = 0; k < 3; k++) {
        lk_net net;
        lk_mlp_build(&net, 4, 1, hidden, 1, &act, 3, NULL, LK_LOSS_SOFTMAX_CE, NULL);
        lk_net_init(&net, LK_INIT_AUTO, r);
        lk_net_config cfg = lk_net_config_default();
        cfg.batch = 40;
        lk_net_config_auto(&cfg, 120);
        ck_assert_uint_eq(cfg.epochs, 200);
        ck_assert(cfg.tol == 1e-4 && cfg.stall_epochs == 10);
        if (k == 0)
            cfg.tol = 1e6;          /* no epoch can improve by that much */
        else if (k == 1)
            cfg.tol = 0, cfg.optim_cfg.lr = 0.01, cfg.epochs = 40;
        else
            cfg.optim_cfg.lr = 0.05;  /* converges well inside the budget */
        lk_net_trainer *tr;
        ck_assert_int_eq(lk_net_trainer_alloc(&tr, &net, &cfg, &x, &t, r, NULL), LK_OK);
        double first = NAN, best = INFINITY;
        size_t misses = 0;
        while (lk_net_test(tr) == LK_TRAIN_CONTINUE) {
            lk_net_epoch_stats st;
            ck_assert_int_eq(lk_net_iterate(tr, &st, NULL), LK_OK);
            if (isnan(first))
                first = st.loss;
            misses = st.loss > best - cfg.tol ? misses + 1 : 0;
            best = fmin(best, st.loss);
            /* the rule stops exactly at the stall_epochs-th miss in a row */
            ck_assert_int_eq(lk_net_test(tr) != LK_TRAIN_CONTINUE,
                             misses >= 10 || tr->epoch == cfg.epochs);
        }
        lk_train_state why = lk_net_test(tr);
        if (k == 0)   /* the first epoch sets the best */
            ck_assert(why == LK_TRAIN_CONVERGED && tr->epoch == 11);
        if (k == 1)   /* a loss still falling runs the whole budget */
            ck_assert(why == LK_TRAIN_MAXITER && tr->epoch == 40 && best < first);
        if (k == 2)   /* the default rule ends a converged run before the cap */
            ck_assert_msg(why == LK_TRAIN_CONVERGED && tr->epoch < 200, "epoch %zu", tr->epoch);
        lk_net_trainer_free(tr);
        lk_net_free(&net);
    }
    lk_net_config bad = lk_net_config_default();
    bad.tol = -1;
    ck_assert_ptr_nonnull(lk_net_config_check(&bad));
    ck_assert_uint_eq(lk_mlp_auto_hidden(112), 100);
    ck_assert_uint_eq(lk_mlp_auto_hidden(25000), 250);
    ck_assert_uint_eq(lk_mlp_auto_hidden(60000), 500);
    lk_mat_free(&x);
    lk_mat_free(&t);
    gsl_rng_free(r);
}
END_TEST

/* ================================================================ limits */

/* A batch larger than the data, a last batch of one row, batch 1. */
START_TEST(test_batch_sizes)
{
    gsl_rng *r = th_rng(4);
    lk_mat x;
    uint32_t y[41];
    blobs(&x, y, 41, r);
    size_t batches[] = { 1, 8, 40, 41, 1000 };
    for (size_t k = 0; k < 5; k++) {
        size_t hidden[] = { 5 };
        lk_act act = lk_act_default(LK_ACT_SOFTPLUS);
        lk_net net;
        lk_mlp_build(&net, 4, 1, hidden, 1, &act, 3, NULL, LK_LOSS_BCE, NULL);
        lk_net_init(&net, LK_INIT_AUTO, r);
        lk_net_config cfg = lk_net_config_default();
        cfg.loss = LK_LOSS_BCE;
        cfg.batch = batches[k];
        cfg.epochs = 2;
        cfg.clip_norm = 0.5;
        ck_assert_int_eq(train(&net, &cfg, &x, y, 3, r, NULL), LK_OK);
        ck_assert(lk_mat_all_finite(&(lk_mat){ 1, net.params.n, net.params.n, net.params.w, 0 }));
        lk_net_free(&net);
    }
    lk_mat_free(&x);
    gsl_rng_free(r);
}
END_TEST

/* L2 touches weights only: with a zero data gradient (zero inputs and a
 * loss at its minimum is hard to arrange), check the count instead and
 * that biases get no l2 term in the gradient. */
START_TEST(test_l2_weights_only)
{
    gsl_rng *r = th_rng(9);
    static const size_t sizes[] = { 3, 4, 2 };
    lk_act act = lk_act_default(LK_ACT_TANH);
    lk_net net;
    make_net(&net, sizes, 2, &act, lk_act_default(LK_ACT_SOFTMAX), r);
    ck_assert_uint_eq(lk_net_weight_count(&net), 3 * 4 + 4 * 2);
    lk_mat x, y;
    lk_mat_alloc(&x, 3, 3, NULL);
    lk_mat_alloc(&y, 3, 2, NULL);
    th_fill_uniform(&x, r, -1, 1);
    make_targets(&y, LK_LOSS_SOFTMAX_CE, r);
    lk_net_work w;
    lk_net_work_alloc(&w, &net, 3, NULL);
    double v0 = lk_net_backprop(&net, &w, LK_LOSS_SOFTMAX_CE, 0, &x, &y);
    lk_real *g0 = malloc(net.params.n * sizeof *g0);
    memcpy(g0, net.params.g, net.params.n * sizeof *g0);
    double lambda = 0.625;
    double v1 = lk_net_backprop(&net, &w, LK_LOSS_SOFTMAX_CE, lambda, &x, &y);
    double sq = 0;
    for (size_t l = 0; l < 2; l++) {
        const lk_dense *d = &net.layers[l];
        for (size_t i = 0; i < d->in * d->out; i++) {
            sq += (double)net.params.w[d->w + i] * net.params.w[d->w + i];
            ck_assert_double_le(fabs(net.params.g[d->w + i] - g0[d->w + i] -
                                     lambda * net.params.w[d->w + i]), TH_SUM_TOL(4));
        }
        for (size_t j = 0; j < d->out; j++)
            ck_assert(net.params.g[d->b + j] == g0[d->b + j]);
    }
    ck_assert_double_le(fabs(v1 - v0 - 0.5 * lambda * sq), TH_SUM_TOL(20) * (1 + v1));
    free(g0);
    lk_net_work_free(&w);
    lk_mat_free(&x);
    lk_mat_free(&y);
    lk_net_free(&net);
    gsl_rng_free(r);
}
END_TEST

/* ================================================================ errors */

START_TEST(test_nan_loss_names_epoch_and_batch)
{
    gsl_rng *r = th_rng(2);
    lk_mat x;
    uint32_t y[50];
    blobs(&x, y, 50, r);
    LK_AT(&x, 0, 0) = NAN;  /* whichever batch row 0 lands in */
    size_t hidden[] = { 5 };
    /* tanh, not ReLU: max(NaN, 0) may well be 0 and hide the NaN. */
    lk_act act = lk_act_default(LK_ACT_TANH);
    lk_net net;
    lk_mlp_build(&net, 4, 1, hidden, 1, &act, 3, NULL, LK_LOSS_SOFTMAX_CE, NULL);
    lk_net_init(&net, LK_INIT_AUTO, r);
    lk_net_config cfg = lk_net_config_default();
    cfg.batch = 10;
    lk_error err;
    ck_assert_int_eq(train(&net, &cfg, &x, y, 3, r, &err), LK_ENUMERIC);
    ck_assert_str_eq(err.source, "training");
    ck_assert(strncmp(err.place, "epoch 1, batch ", 15) == 0);
    ck_assert(strstr(err.text, "NaN") && strstr(err.text, "learning rate"));
    lk_net_free(&net);
    lk_mat_free(&x);

    /* Divergence: a huge learning rate on plain SGD with MSE on a linear net. */
    blobs(&x, y, 50, r);
    act = lk_act_default(LK_ACT_IDENTITY);
    lk_act out = lk_act_default(LK_ACT_IDENTITY);
    lk_mlp_build(&net, 4, 1, hidden, 1, &act, 3, &out, LK_LOSS_MSE, NULL);
    lk_net_init(&net, LK_INIT_AUTO, r);
    cfg.loss = LK_LOSS_MSE;
    cfg.optim = &lk_optim_sgd;
    cfg.optim_cfg = lk_optim_defaults(&lk_optim_sgd);
    cfg.optim_cfg.lr = 1e6;
    cfg.epochs = 50;
    ck_assert_int_eq(train(&net, &cfg, &x, y, 3, r, &err), LK_ENUMERIC);
    ck_assert(strstr(err.place, "epoch ") && strstr(err.place, "batch "));
    lk_net_free(&net);
    lk_mat_free(&x);
    gsl_rng_free(r);
}
END_TEST

START_TEST(test_build_errors)
{
    lk_net net;
    size_t hidden[] = { 5, 3 };
    lk_act two[] = { lk_act_default(LK_ACT_RELU), lk_act_default(LK_ACT_TANH) };
    lk_act three[] = { two[0], two[1], two[0] };
    lk_error err;
    ck_assert_int_eq(lk_mlp_build(&net, 4, 2, hidden, 3, three, 3, NULL, LK_LOSS_MSE, &err),
                     LK_EINVAL);
    ck_assert_str_eq(err.source, "mlp");
    ck_assert_str_eq(err.place, "activation");
    lk_act sm = lk_act_default(LK_ACT_SOFTMAX);
    ck_assert_int_eq(lk_mlp_build(&net, 4, 1, hidden, 1, &sm, 3, NULL, LK_LOSS_MSE, &err),
                     LK_EINVAL);
    ck_assert_str_eq(err.place, "activation");
    lk_act sig = lk_act_default(LK_ACT_SIGMOID);
    ck_assert_int_eq(lk_mlp_build(&net, 4, 2, hidden, 2, two, 3, &sig, LK_LOSS_SOFTMAX_CE,
                                  &err), LK_EINVAL);
    ck_assert_str_eq(err.place, "loss");
    lk_act pr = lk_act_default(LK_ACT_PRELU);
    ck_assert_int_eq(lk_mlp_build(&net, 4, 2, hidden, 2, two, 3, &pr, LK_LOSS_MSE, &err),
                     LK_EINVAL);
    size_t zero[] = { 0 };
    ck_assert_int_eq(lk_mlp_build(&net, 4, 1, zero, 1, two, 3, NULL, LK_LOSS_MSE, &err),
                     LK_EINVAL);
    ck_assert_int_eq(lk_mlp_build(&net, 0, 1, hidden, 1, two, 3, NULL, LK_LOSS_MSE, &err),
                     LK_EINVAL);
    lk_net_begin(&net, 4);
    ck_assert_int_eq(lk_net_add_tied(&net, 0, sig, &err), LK_EINVAL);
    ck_assert_int_eq(lk_net_finish(&net, &err), LK_EINVAL);
    lk_net_free(&net);
}
END_TEST

START_TEST(test_trainer_errors)
{
    gsl_rng *r = th_rng(6);
    lk_mat x, t;
    uint32_t y[10];
    blobs(&x, y, 10, r);
    lk_onehot(y, 10, 3, &t, NULL);
    size_t hidden[] = { 5 };
    lk_act act = lk_act_default(LK_ACT_RELU);
    lk_net net;
    lk_mlp_build(&net, 4, 1, hidden, 1, &act, 3, NULL, LK_LOSS_SOFTMAX_CE, NULL);
    lk_net_trainer *tr;
    lk_error err;
    lk_net_config bad[6];
    for (int k = 0; k < 6; k++)
        bad[k] = lk_net_config_default();
    bad[0].batch = 0;
    bad[1].l2 = -0.5;
    bad[2].clip_norm = NAN;
    bad[3].validation = 1.0;
    bad[4].validation = 0.5, bad[4].patience = 0;
    bad[5].optim_cfg.lr = -0.125;
    for (int k = 0; k < 6; k++) {
        ck_assert_ptr_nonnull(lk_net_config_check(&bad[k]));
        ck_assert_int_eq(lk_net_trainer_alloc(&tr, &net, &bad[k], &x, &t, r, &err), LK_EINVAL);
        ck_assert_ptr_null(tr);
    }
    lk_net_config cfg = lk_net_config_default();
    ck_assert_ptr_null(lk_net_config_check(&cfg));
    /* A loss that does not fit the output layer: BCE on this softmax output
     * would train on a silently wrong gradient. */
    cfg.loss = LK_LOSS_BCE;
    ck_assert_int_eq(lk_net_trainer_alloc(&tr, &net, &cfg, &x, &t, r, &err), LK_EINVAL);
    ck_assert_str_eq(err.place, "loss");
    ck_assert_ptr_nonnull(strstr(err.text, "sigmoid"));
    cfg.loss = LK_LOSS_SOFTMAX_CE;
    lk_mat short_t = lk_mat_rows(&t, 0, 9);
    ck_assert_int_eq(lk_net_trainer_alloc(&tr, &net, &cfg, &x, &short_t, r, &err), LK_EINVAL);
    ck_assert(strstr(err.text, "10 x 4"));
    lk_mat narrow = lk_mat_cols(&x, 0, 3);
    ck_assert_int_eq(lk_net_trainer_alloc(&tr, &net, &cfg, &narrow, &t, r, &err), LK_EINVAL);
    lk_mat one_x = lk_mat_rows(&x, 0, 1), one_t = lk_mat_rows(&t, 0, 1);
    cfg.validation = 0.5;
    ck_assert_int_eq(lk_net_trainer_alloc(&tr, &net, &cfg, &one_x, &one_t, r, &err), LK_EINVAL);
    lk_net_free(&net);
    lk_mat_free(&x);
    lk_mat_free(&t);
    gsl_rng_free(r);
}
END_TEST

/* Damaged models: a missing entry, a wrong shape, an unknown activation, a
 * bad size, a NaN weight, a tie to a later layer. */
START_TEST(test_load_errors)
{
    gsl_rng *r = th_rng(12);
    size_t hidden[] = { 5 };
    lk_act act = lk_act_default(LK_ACT_RELU);
    lk_net net, back;
    lk_mlp_build(&net, 4, 1, hidden, 1, &act, 3, NULL, LK_LOSS_SOFTMAX_CE, NULL);
    lk_net_init(&net, LK_INIT_AUTO, r);
    lk_error err;
    static const char *const place[] = { "w.0", "arch.activations", "arch.sizes",
                                         "arch.sizes", "b.1", "arch.tied", "arch.loss",
                                         "arch.inputs", "arch.activations", "kind",
                                         "arch.inputs", "arch.classes", "arch.tied" };
    for (int k = 0; k < 13; k++) {
        lk_model *m;
        ck_assert_int_eq(lk_mlp_save(&net, LK_LOSS_SOFTMAX_CE, NULL, NULL, &m, NULL), LK_OK);
        lk_status want = LK_EFORMAT;
        switch (k) {
        case 0: {
            lk_mat w = lk_mat_view(net.params.w, 5, 3, 3);
            lk_model_put_mat(m, "w.0", &w, NULL);
            break;
        }
        case 1: {
            const char *names[] = { "relu", "swish" };
            lk_model_put_strs(m, "arch.activations", 2, names, NULL);
            break;
        }
        case 2: {
            double s[] = { 4, 5.5, 3 };
            lk_model_put_dvec(m, "arch.sizes", 3, s, NULL);
            break;
        }
        case 3: {
            double s[] = { 4, 0, 3 };
            lk_model_put_dvec(m, "arch.sizes", 3, s, NULL);
            break;
        }
        case 4: {
            lk_real b[3] = { 0, NAN, 0 };
            lk_model_put_vec(m, "b.1", 3, b, NULL);
            break;
        }
        case 5: {
            double t[] = { 1, -1 };
            lk_model_put_dvec(m, "arch.tied", 2, t, NULL);
            break;
        }
        case 6:
            lk_model_put_str(m, "arch.loss", "bce", NULL);
            break;
        case 7: {
            lk_model *e = lk_model_new("mlp");
            lk_model_free(m);
            m = e;
            want = LK_ENOTFOUND;
            break;
        }
        case 8: {       /* what lk_mlp_build refuses */
            const char *names[] = { "softmax", "softmax" };
            lk_model_put_strs(m, "arch.activations", 2, names, NULL);
            break;
        }
        case 9: {
            lk_model *e = th_model_copy(m, "elm", NULL);
            lk_model_free(m);
            m = e;
            break;
        }
        case 10:
            lk_model_put_int(m, "arch.inputs", 5, NULL);
            break;
        case 11:
            lk_model_put_int(m, "arch.classes", 4, NULL);
            break;
        case 12: {      /* a valid tie of the output to layer 0's weights */
            double sz[] = { 4, 5, 4 }, t[] = { -1, 0 };
            const char *names[] = { "relu", "softmax" };
            lk_model_put_dvec(m, "arch.sizes", 3, sz, NULL);
            lk_model_put_strs(m, "arch.activations", 2, names, NULL);
            lk_model_put_dvec(m, "arch.tied", 2, t, NULL);
            lk_model_put_int(m, "arch.classes", 4, NULL);
            lk_model_put_vec(m, "b.1", 4, net.params.w, NULL);
            lk_model *e = th_model_copy(m, NULL, "w.1");
            lk_model_free(m);
            m = e;
            break;
        }
        }
        lk_error_clear(&err);
        lk_status s = lk_mlp_load(m, &back, NULL, &err);
        if (s != want || strcmp(err.place, place[k]) != 0)
            ck_abort_msg("case %d: status %d at '%s' (%s)", k, (int)s, err.place, err.text);
        lk_model_free(m);
    }
    lk_net_free(&net);
    gsl_rng_free(r);
}
END_TEST

static Suite *mlp_suite(void)
{
    Suite *s = suite_create("mlp");
    TCase *core = tcase_create("core");
    tcase_add_test(core, test_gradient_every_activation_and_loss);
    tcase_add_test(core, test_gradient_prelu_slopes_alone);
    tcase_add_test(core, test_gradient_tied_decoder);
    tcase_add_test(core, test_xor);
    tcase_add_test(core, test_same_seed_same_bytes);
    tcase_add_test(core, test_save_load_predict_exact);
    tcase_add_test(core, test_sigmoid_mse_sgd_learns);
    tcase_add_test(core, test_early_stopping_keeps_best);
    tcase_add_test(core, test_stall_rule);
    suite_add_tcase(s, core);
    TCase *limits = tcase_create("limits");
    tcase_add_test(limits, test_batch_sizes);
    tcase_add_test(limits, test_l2_weights_only);
    suite_add_tcase(s, limits);
    TCase *errors = tcase_create("errors");
    tcase_add_test(errors, test_nan_loss_names_epoch_and_batch);
    tcase_add_test(errors, test_build_errors);
    tcase_add_test(errors, test_trainer_errors);
    tcase_add_test(errors, test_load_errors);
    suite_add_tcase(s, errors);
    return s;
}

int main(void) { return th_run_suite(mlp_suite()); }
