/* ae_stack.c — a stack of autoencoders trained greedily, each layer on the
 * codes of the one before, and a softmax classifier on the last codes. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <learnkit/ae_stack.h>
#include <learnkit/mlp.h>
#include <learnkit/blas.h>

lk_ae_stack_config lk_ae_stack_defaults(void)
{
    lk_ae_stack_config c = { .solver = LK_AE_BACKPROP, .n_layers = 1, .hidden = { 500 },
                             .act = lk_act_default(LK_ACT_SIGMOID), .C = 1e3,
                             .mda_reg = LK_AE_MDA_REG, .clf = lk_logreg_defaults() };
    c.train = lk_net_config_default();
    c.train.loss = LK_LOSS_MSE;
    c.clf.max_iter = 1000;
    return c;
}

const char *lk_ae_stack_check(const lk_ae_stack_config *cfg)
{
    if (!lk_ae_solver_name(cfg->solver))
        return "unknown autoencoder solver";
    if (cfg->n_layers == 0 || cfg->n_layers > LK_AE_STACK_MAX_LAYERS)
        return "a stack has 1 to 16 layers";
    for (size_t l = 0; l < cfg->n_layers && cfg->solver != LK_AE_MDA; l++)
        if (cfg->hidden[l] == 0)
            return "every code width must be positive";
    if (!lk_act_name(cfg->act.kind))
        return "unknown activation";
    if (cfg->train.loss != LK_LOSS_MSE && cfg->train.loss != LK_LOSS_BCE)
        return "an autoencoder's reconstruction loss is mse or bce";
    if (cfg->act.kind == LK_ACT_SOFTMAX)
        return "softmax is for an output layer, not an encoder";
    /* The decoder is an output layer: the loss must fit its activation
     * (and PReLU's learnable slopes cannot be one's). */
    const char *why = lk_loss_check(cfg->train.loss, &cfg->act);
    if (why)
        return why;
    if (cfg->noise.kind == LK_AE_NOISE_MASK && !(cfg->noise.level >= 0 && cfg->noise.level < 1))
        return "the masking fraction must be in [0, 1)";
    if (cfg->noise.kind == LK_AE_NOISE_GAUSS &&
        !(cfg->noise.level >= 0 && isfinite(cfg->noise.level)))
        return "the noise's standard deviation must be a finite number >= 0";
    if (cfg->noise.kind != LK_AE_NOISE_NONE && cfg->noise.kind != LK_AE_NOISE_MASK &&
        cfg->noise.kind != LK_AE_NOISE_GAUSS)
        return "unknown noise type";
    if (cfg->solver == LK_AE_MDA && cfg->noise.kind == LK_AE_NOISE_GAUSS)
        return "the mda solver marginalizes masking noise only";
    if (cfg->solver == LK_AE_ELM && !(cfg->C > 0 && isfinite(cfg->C)))
        return "the ridge constant C must be a positive number";
    if (cfg->solver == LK_AE_MDA && !(cfg->mda_reg >= 0 && isfinite(cfg->mda_reg)))
        return "the mda regularizer must be a finite number >= 0";
    if (cfg->solver == LK_AE_BACKPROP && (why = lk_net_config_check(&cfg->train)) != NULL)
        return why;
    if (cfg->classify && (why = lk_logreg_check(&cfg->clf)) != NULL)
        return why;
    return NULL;
}

/* ---------------------------------------------------------------- conversions */

lk_status lk_ae_mda_layer(lk_net *net, size_t l, const lk_matd *w, lk_error *err)
{
    size_t d = w->rows;
    if (w->cols != d + 1)
        return lk_error_set(err, LK_EINVAL, "ae", NULL, "an mDA map is d x (d + 1), not %zu x %zu",
                            w->rows, w->cols);
    lk_mat wf;
    lk_status s = lk_mat_alloc(&wf, d, d + 1, err);
    if (s != LK_OK)
        return s;
    lk_matd_to_mat(&wf, w);
    lk_mat wv = lk_mat_view(wf.data, d, d, d + 1);
    if ((s = lk_net_set_layer(net, l, &wv, NULL, err)) == LK_OK) {
        lk_real *bias = lk_dense_b(&net->layers[l], &net->params);
        for (size_t i = 0; i < d; i++)
            bias[i] = LK_AT(&wf, i, d);
    }
    lk_mat_free(&wf);
    return s;
}

lk_status lk_ae_logreg_layer(const lk_logreg *m, lk_net *out, lk_error *err)
{
    lk_net net = { 0 };
    lk_act sm = lk_act_default(LK_ACT_SOFTMAX);
    lk_status s = lk_mlp_build(&net, m->d, 0, NULL, 1, &sm, m->k, NULL, LK_LOSS_SOFTMAX_CE,
                               err);
    if (s != LK_OK)
        return s;
    lk_mat src = lk_dense_w(&m->layer, &m->params), dst = lk_dense_w(&net.layers[0], &net.params);
    if ((s = lk_mat_copy(&dst, &src, err)) != LK_OK) {
        lk_net_free(&net);
        return s;
    }
    memcpy(lk_dense_b(&net.layers[0], &net.params), lk_dense_b(&m->layer, &m->params),
           m->k * sizeof(lk_real));
    *out = net;
    return LK_OK;
}

/* ---------------------------------------------------------------- the fit */

typedef struct fit {
    const lk_ae_stack_config *cfg;
    gsl_rng *rng;
    lk_ae_stack_callback cb;
    void *ctx;
    lk_ae_stack *st;
    lk_ae_stack_result *res;
} fit;

static lk_status report(const fit *f, lk_ae_progress p, lk_error *err)
{
    if (f->cb && f->cb(&p, f->ctx) != 0)
        return lk_error_set(err, LK_EINVAL, "ae", NULL, "stopped by the caller");
    return LK_OK;
}

/* Mean squared difference per value. */
static double mse(const lk_mat *a, const lk_mat *b)
{
    double s = 0;
    for (size_t i = 0; i < a->rows; i++)
        for (size_t j = 0; j < a->cols; j++) {
            double e = (double)LK_AT(a, i, j) - (double)LK_AT(b, i, j);
            s += e * e;
        }
    return s / ((double)a->rows * (double)a->cols);
}

/* Floating-point work of one training epoch of net on n rows: forward,
 * back and weight gradient, a multiply and an add each. */
static double epoch_gflop(const lk_net *net, size_t n)
{
    double w = 0;
    for (size_t l = 0; l < net->n_layers; l++)
        w += (double)net->layers[l].in * (double)net->layers[l].out;
    return 6.0 * (double)n * w / 1e9;
}

/* One backprop layer: trained on x, its encoder put into the stack and the
 * whole autoencoder kept; layer 0 also measures the test reconstruction. */
static lk_status layer_backprop(const fit *f, size_t l, const lk_mat *x, const lk_mat *xt,
                                lk_error *err)
{
    const lk_ae_stack_config *c = f->cfg;
    lk_net net = { 0 };
    lk_net_trainer *tr = NULL;
    lk_net_work ev = { 0 };
    lk_mat rec = { 0 };
    lk_status s = lk_ae_build(&net, x->cols, c->hidden[l], c->act, c->act, c->tied, err);
    if (s != LK_OK)
        return s;
    lk_net_init(&net, LK_INIT_AUTO, f->rng);
    lk_net_config cfg = c->train;
    cfg.skip_errors = 1;
    cfg.corrupt = NULL;
    cfg.corrupt_ctx = NULL;
    if (c->noise.kind != LK_AE_NOISE_NONE) {
        cfg.corrupt = lk_ae_corrupt;
        cfg.corrupt_ctx = (void *)&c->noise;
    }
    if ((s = lk_net_trainer_alloc(&tr, &net, &cfg, x, x, f->rng, err)) != LK_OK)
        goto done;
    while (lk_net_test(tr) == LK_TRAIN_CONTINUE) {
        lk_net_epoch_stats es;
        if ((s = lk_net_iterate(tr, &es, err)) != LK_OK ||
            (s = report(f, (lk_ae_progress){ .step = LK_AE_STEP_EPOCH, .layer = l,
                                             .epoch = es.epoch, .epochs = cfg.epochs,
                                             .loss = es.loss,
                                             .gflop = epoch_gflop(&net, x->rows) },
                        err)) != LK_OK)
            goto done;
    }
    if (l == 0 && xt->rows) {
        if ((s = lk_mat_alloc(&rec, xt->rows, xt->cols, err)) != LK_OK ||
            (s = lk_net_work_alloc(&ev, &net, 500, err)) != LK_OK)
            goto done;
        lk_net_predict(&net, &ev, xt, &rec);
        f->res->test_mse = mse(&rec, xt);
        if ((s = report(f, (lk_ae_progress){ .step = LK_AE_STEP_TEST }, err)) != LK_OK)
            goto done;
    }
    if ((s = lk_net_copy_layer(&f->st->enc, l, &net, 0, err)) != LK_OK)
        goto done;
    f->st->layers[l] = net;     /* the stack keeps the whole autoencoder (its decoder) */
    net = (lk_net){ 0 };
done:
    lk_net_trainer_free(tr);
    lk_net_work_free(&ev);
    lk_mat_free(&rec);
    lk_net_free(&net);
    return s;
}

/* ELM autoencoder layer: the encoder is f(beta x). */
static lk_status layer_elm(const fit *f, size_t l, const lk_mat *x, lk_error *err)
{
    const lk_ae_stack_config *c = f->cfg;
    lk_mat beta;
    lk_status s = lk_mat_alloc(&beta, c->hidden[l], x->cols, err);
    if (s != LK_OK)
        return s;
    if ((s = lk_ae_elm(x, c->hidden[l], c->act, c->C, f->rng, &beta, err)) == LK_OK &&
        (s = lk_net_set_layer(&f->st->enc, l, &beta, NULL, err)) == LK_OK)
        s = report(f, (lk_ae_progress){ .step = LK_AE_STEP_SOLVE, .layer = l,
                                        .gflop = 1e-9 * lk_ae_elm_flops(x->rows, x->cols,
                                                                        c->hidden[l]) },
                   err);
    lk_mat_free(&beta);
    return s;
}

/* mDA layer: the encoder is tanh(W [x; 1]), as wide as x; layer 0 also
 * measures the test reconstruction W [x; 1]. */
static lk_status layer_mda(const fit *f, size_t l, const lk_mat *x, const lk_mat *xt,
                           lk_error *err)
{
    const lk_ae_stack_config *c = f->cfg;
    size_t d = x->cols;
    double p = c->noise.kind == LK_AE_NOISE_MASK ? c->noise.level : 0;
    lk_matd w;
    lk_status s = lk_matd_alloc(&w, d, d + 1, err);
    if (s != LK_OK)
        return s;
    if ((s = lk_ae_mda(x, p, c->mda_reg, &w, err)) == LK_OK &&
        (s = lk_ae_mda_layer(&f->st->enc, l, &w, err)) == LK_OK)
        s = report(f, (lk_ae_progress){ .step = LK_AE_STEP_SOLVE, .layer = l,
                                        .gflop = 1e-9 * lk_ae_mda_flops(x->rows, d) },
                   err);
    lk_matd_free(&w);
    if (s != LK_OK || l != 0 || !xt->rows)
        return s;
    lk_mat rec = { 0 }, codes = { 0 };
    if ((s = lk_mat_alloc(&rec, xt->rows, xt->cols, err)) == LK_OK &&
        (s = lk_mat_alloc(&codes, xt->rows, xt->cols, err)) == LK_OK &&
        (s = lk_net_apply_layer(&f->st->enc, 0, xt, &rec, &codes, err)) == LK_OK) {
        f->res->test_mse = mse(&rec, xt);
        s = report(f, (lk_ae_progress){ .step = LK_AE_STEP_TEST }, err);
    }
    lk_mat_free(&rec);
    lk_mat_free(&codes);
    return s;
}

/* Codes of layer l for the rows of x, into *out (allocated here). */
static lk_status encode_rows(const lk_ae_stack *st, size_t l, const lk_mat *x, lk_mat *out,
                             lk_error *err)
{
    size_t width = st->enc.layers[l].out;
    lk_mat_free(out);
    /* Not zeroed: lk_net_apply_layer writes every value. */
    lk_status s = lk_mat_alloc_uninit(out, x->rows ? x->rows : 1, width, err);
    if (s != LK_OK)
        return s;
    out->rows = x->rows;
    return x->rows ? lk_net_apply_layer(&st->enc, l, x, NULL, out, err) : LK_OK;
}

/* Fraction of the rows of codes the logistic regression classifies right;
 * NAN without rows. */
static double codes_accuracy(const lk_logreg *m, const lk_mat *codes, const uint32_t *y,
                             lk_mat *scores)
{
    if (codes->rows == 0)
        return NAN;
    lk_mat sc = lk_mat_rows(scores, 0, codes->rows);
    lk_logreg_proba(m, codes, &sc, NULL);
    size_t right = 0;
    for (size_t i = 0; i < sc.rows; i++)
        right += lk_argmax(lk_mat_row(&sc, i), sc.cols) == y[i];
    return (double)right / (double)sc.rows;
}

/* The softmax classifier on the codes is the logreg learner's multinomial
 * logistic regression, run until its own convergence test stops it (the
 * cap only guards against a problem that never settles): the problem is
 * convex, so its accuracy measures the codes, not how far a budget of
 * epochs got.  Measured on MNIST, ELM-AE codes: Adam for 10 epochs 93.5%,
 * L-BFGS to convergence 94.5%. */
static lk_status classify(const fit *f, const lk_ae_stack_data *data, const lk_mat *cx,
                          const lk_mat *ct, lk_error *err)
{
    lk_logreg m = { 0 };
    lk_logreg_trainer *tr = NULL;
    lk_mat scores = { 0 };
    size_t k = data->n_classes, rows = cx->rows > ct->rows ? cx->rows : ct->rows;
    lk_status s;
    if ((s = lk_logreg_alloc(&m, cx->cols, k, err)) != LK_OK ||
        (s = lk_mat_alloc(&scores, rows, k, err)) != LK_OK ||
        (s = lk_logreg_trainer_alloc(&tr, &m, cx, data->y, &f->cfg->clf, NULL, err)) != LK_OK)
        goto done;
    do {
        if ((s = lk_logreg_iterate(tr, err)) != LK_OK ||
            (s = report(f, (lk_ae_progress){ .step = LK_AE_STEP_CLASSIFY,
                                             .epoch = lk_logreg_iterations(tr),
                                             .epochs = f->cfg->clf.max_iter,
                                             .loss = lk_logreg_loss(tr) },
                        err)) != LK_OK)
            goto done;
    } while (lk_logreg_test(tr) == LK_TRAIN_CONTINUE);
    f->res->clf_iterations = lk_logreg_iterations(tr);
    f->res->clf_stop = lk_logreg_test(tr);
    f->res->train_accuracy = codes_accuracy(&m, cx, data->y, &scores);
    f->res->test_accuracy = codes_accuracy(&m, ct, data->yt, &scores);
    if ((s = lk_ae_logreg_layer(&m, &f->st->clf, err)) == LK_OK)
        f->st->has_clf = 1;
done:
    lk_logreg_trainer_free(tr);
    lk_logreg_free(&m);
    lk_mat_free(&scores);
    return s;
}

/* The stack's encoder network planned (widths and activations), its
 * weights set layer by layer as they are trained. */
static lk_status plan_stack(lk_ae_stack *st, const lk_ae_stack_config *c, size_t d,
                            lk_error *err)
{
    int mda = c->solver == LK_AE_MDA;
    lk_status s = LK_OK;
    *st = (lk_ae_stack){ .solver = c->solver };
    lk_net_begin(&st->enc, d);
    for (size_t l = 0; l < c->n_layers && s == LK_OK; l++)
        s = lk_net_add(&st->enc, mda ? d : c->hidden[l], mda ? lk_act_default(LK_ACT_TANH) : c->act,
                       err);
    if (s == LK_OK)
        s = lk_net_finish(&st->enc, err);
    if (s == LK_OK && c->solver == LK_AE_BACKPROP &&
        !(st->layers = calloc(c->n_layers, sizeof *st->layers)))
        s = lk_error_set(err, LK_ENOMEM, "ae", NULL, "out of memory");
    return s;
}

static lk_status check_data(const lk_ae_stack_config *c, const lk_ae_stack_data *data,
                            lk_error *err)
{
    const lk_mat *x = data->x, *xt = data->xt;
    if (!x || x->rows == 0 || x->cols == 0)
        return lk_error_set(err, LK_EINVAL, "ae", NULL, "no training rows");
    if (xt && xt->rows && xt->cols != x->cols)
        return lk_error_set(err, LK_EINVAL, "ae", NULL,
                            "the test rows have %zu values, the training rows %zu", xt->cols,
                            x->cols);
    if (c->classify && (!data->y || data->n_classes < 2 || (xt && xt->rows && !data->yt)))
        return lk_error_set(err, LK_EINVAL, "ae", NULL,
                            "a classifier needs the classes of the rows (at least 2)");
    return LK_OK;
}

lk_status lk_ae_stack_fit(const lk_ae_stack_config *cfg, const lk_ae_stack_data *data,
                          gsl_rng *rng, lk_ae_stack_callback cb, void *ctx, lk_ae_stack *st,
                          lk_ae_stack_result *res, lk_error *err)
{
    *st = (lk_ae_stack){ 0 };
    *res = (lk_ae_stack_result){ .test_mse = NAN, .train_accuracy = NAN,
                                 .test_accuracy = NAN };
    const char *why = lk_ae_stack_check(cfg);
    if (why)
        return lk_error_set(err, LK_EINVAL, "ae", NULL, "%s", why);
    lk_status s = check_data(cfg, data, err);
    if (s != LK_OK)
        return s;
    fit f = { cfg, rng, cb, ctx, st, res };
    lk_mat none = { 0 };
    lk_mat x = *data->x, xt = data->xt ? *data->xt : none;
    lk_mat cx[2] = { { 0 } }, ct[2] = { { 0 } };
    if ((s = plan_stack(st, cfg, x.cols, err)) != LK_OK)
        goto done;
    for (size_t l = 0; l < cfg->n_layers; l++) {
        if (cfg->solver == LK_AE_MDA)
            s = layer_mda(&f, l, &x, &xt, err);
        else if (cfg->solver == LK_AE_ELM)
            s = layer_elm(&f, l, &x, err);
        else
            s = layer_backprop(&f, l, &x, &xt, err);
        /* The codes: the next layer's training rows, or the classifier's. */
        int last = l + 1 == cfg->n_layers;
        if (s != LK_OK || (last && !cfg->classify))
            break;
        double gflop = last ? 0 : 2e-9 * (double)x.rows * (double)x.cols *
                                      (double)st->enc.layers[l].out;
        if ((s = encode_rows(st, l, &x, &cx[l % 2], err)) != LK_OK ||
            (s = report(&f, (lk_ae_progress){ .step = LK_AE_STEP_ENCODE, .layer = l,
                                              .last = last, .gflop = gflop }, err)) != LK_OK ||
            (s = encode_rows(st, l, &xt, &ct[l % 2], err)) != LK_OK ||
            (s = report(&f, (lk_ae_progress){ .step = LK_AE_STEP_ENCODE, .layer = l,
                                              .last = last, .test_rows = 1 }, err)) != LK_OK)
            break;
        x = cx[l % 2];
        xt = ct[l % 2];
    }
    if (s == LK_OK && cfg->classify)
        s = classify(&f, data, &x, &xt, err);
done:
    for (int i = 0; i < 2; i++) {
        lk_mat_free(&cx[i]);
        lk_mat_free(&ct[i]);
    }
    if (s != LK_OK)
        lk_ae_stack_free(st);
    return s;
}
