/* cmd_ae.c — `learnkit ae`: autoencoders trained by backprop (on lk_net) or
 * in closed form (ELM autoencoder, mDA), stacked greedily; reconstruction
 * MSE on the test set and, with --classify, a softmax on the codes. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "learner.h"
#include "commands.h"
#include <learnkit/ae.h>
#include <learnkit/logreg.h>
#include "learners.h"
#include "plot.h"

#define MAX_LAYERS 16

typedef struct ae_opts {
    const char *hidden, *activation, *loss, *optimizer, *noise_type, *solver, *filters;
    double lr, noise, C;
    int tied, classify;
    size_t batch, epochs;
} ae_opts;
static ae_opts O;

static struct {
    size_t n_hidden, hidden[MAX_LAYERS];
    lk_act act;
    lk_loss_kind loss;
    const lk_optim_type *optim;
    lk_ae_noise noise;
} P;

static void reset(void)
{
    O = (ae_opts){ .hidden = "500", .activation = "sigmoid", .loss = "mse",
                   .optimizer = "adam", .noise_type = "mask", .solver = "backprop",
                   .batch = 100, .epochs = 10, .C = 1e3 };
}

static const cli_opt OPTS[] = {
    { "hidden", 0, OPT_STR, &O.hidden, "N[,N...]",
      "code widths; several train a stack greedily (default 500)", 0, 0 },
    { "tied", 0, OPT_FLAG, &O.tied, NULL, "decoder uses the encoder's W transposed", 0, 0 },
    { "noise", 0, OPT_REAL, &O.noise, "X",
      "denoising: masking fraction, or gauss standard deviation; for mda the masking "
      "probability (default 0)", 0, 0.99 },
    { "noise-type", 0, OPT_STR, &O.noise_type, "mask|gauss", "corruption (default mask)", 0,
      0 },
    { "solver", 0, OPT_STR, &O.solver, "backprop|elm|mda", "how to train (default backprop)",
      0, 0 },
    { "activation", 0, OPT_STR, &O.activation, "ACT",
      "encoder and decoder activation (default sigmoid)", 0, 0 },
    { "loss", 0, OPT_STR, &O.loss, "mse|bce", "reconstruction loss (default mse)", 0, 0 },
    { "optimizer", 0, OPT_STR, &O.optimizer, "sgd|momentum|adam", "optimizer (default adam)", 0,
      0 },
    { "lr", 0, OPT_REAL, &O.lr, "X", "learning rate (default: the optimizer's)", 1e-12, 1e6 },
    { "batch", 0, OPT_SIZE, &O.batch, "N", "mini-batch rows (default 100)", 1, 1e9 },
    { "epochs", 0, OPT_SIZE, &O.epochs, "N", "epochs per layer (default 10)", 1, 1e7 },
    { "C", 0, OPT_REAL, &O.C, "X", "ELM autoencoder ridge constant (default 1000)", 1e-12,
      1e15 },
    { "filters", 0, OPT_STR, &O.filters, "FILE.png",
      "draw the first layer's first 100 filters (rows of W, or of beta for elm) as images",
      0, 0 },
    { "classify", 0, OPT_FLAG, &O.classify, NULL,
      "train a softmax classifier on the codes and report its test accuracy", 0, 0 },
    CLI_OPT_END
};

static int usage_err(const lk_error *err)
{
    char buf[LK_ERROR_SOURCE_MAX + LK_ERROR_PLACE_MAX + LK_ERROR_TEXT_MAX + 8];
    return cli_usage("%s", lk_error_format(err, buf, sizeof buf));
}

static int check(size_t n_features, size_t n_classes)
{
    (void)n_features;
    (void)n_classes;
    lk_error err;
    size_t *v = NULL, n = 0;
    if (cli_parse_size_list("--hidden", O.hidden, 1, 1u << 24, &v, &n))
        return EXIT_USAGE;
    if (n > MAX_LAYERS) {
        free(v);
        return cli_usage("--hidden: at most %d layers", MAX_LAYERS);
    }
    P.n_hidden = n;
    memcpy(P.hidden, v, n * sizeof *v);
    free(v);
    if (lk_act_parse(O.activation, &P.act, "--activation", &err) != LK_OK)
        return usage_err(&err);
    if (lk_loss_parse(O.loss, &P.loss, "--loss", &err) != LK_OK)
        return usage_err(&err);
    if (P.loss != LK_LOSS_MSE && P.loss != LK_LOSS_BCE)
        return cli_usage("--loss: expected mse or bce for an autoencoder");
    if (P.loss == LK_LOSS_BCE && P.act.kind != LK_ACT_SIGMOID)
        return cli_usage("--loss bce needs --activation sigmoid");
    if (lk_optim_parse(O.optimizer, &P.optim, "--optimizer", &err) != LK_OK)
        return usage_err(&err);
    if (!strcmp(O.noise_type, "mask"))
        P.noise.kind = LK_AE_NOISE_MASK;
    else if (!strcmp(O.noise_type, "gauss"))
        P.noise.kind = LK_AE_NOISE_GAUSS;
    else
        return cli_usage("--noise-type: expected mask or gauss, not '%s'", O.noise_type);
    P.noise.level = O.noise;
    if (O.noise == 0)
        P.noise.kind = LK_AE_NOISE_NONE;
    if (strcmp(O.solver, "backprop") && strcmp(O.solver, "elm") && strcmp(O.solver, "mda"))
        return cli_usage("--solver: expected backprop, elm or mda, not '%s'", O.solver);
    if (!strcmp(O.solver, "mda") && P.noise.kind == LK_AE_NOISE_GAUSS)
        return cli_usage("--solver mda marginalizes masking noise only");
    if (O.filters && !strcmp(O.solver, "mda"))
        return cli_usage("--filters: for backprop and elm (mda's W is inputs x inputs)");
    if (P.act.kind == LK_ACT_SOFTMAX)
        return cli_usage("--activation: softmax is for an output layer, not an encoder");
    /* The decoder is an output layer: the loss must fit its activation
     * (and PReLU's learnable slopes cannot be one's). */
    const char *why = lk_loss_check(P.loss, &P.act);
    if (why)
        return cli_usage("--activation %s: %s", O.activation, why);
    return 0;
}

/* The first rows of w (each a side x side image), as a grid of gray
 * tiles, each normalized to its own range. */
static int draw_filters(const lk_mat *w, const char *path)
{
    size_t side = 0;
    while ((side + 1) * (side + 1) <= w->cols)
        side++;
    if (side * side != w->cols)
        return cli_fail("%s: filters need square images, but the input has %zu features", path,
                        w->cols);
    size_t n = w->rows < 100 ? w->rows : 100, cols = 10, rows = (n + cols - 1) / cols;
    int px = 2, gap = 2, tile = (int)side * px + gap;
    cairo_t *cr = plot_canvas((int)cols * tile + gap, (int)rows * tile + gap);
    if (!cr)
        return cli_fail("%s: cannot create the picture", path);
    for (size_t f = 0; f < n; f++) {
        const lk_real *r = lk_mat_row(w, f);
        double lo = r[0], hi = r[0];
        for (size_t j = 1; j < w->cols; j++) {
            lo = fmin(lo, r[j]);
            hi = fmax(hi, r[j]);
        }
        double span = hi > lo ? hi - lo : 1;
        double x0 = gap + (double)(f % cols) * tile, y0 = gap + (double)(f / cols) * tile;
        for (size_t i = 0; i < side; i++)
            for (size_t j = 0; j < side; j++) {
                double g = ((double)r[i * side + j] - lo) / span;
                cairo_set_source_rgb(cr, g, g, g);
                cairo_rectangle(cr, x0 + (double)j * px, y0 + (double)i * px, px, px);
                cairo_fill(cr);
            }
    }
    int rc = plot_save_png(cairo_get_target(cr), path);
    cairo_destroy(cr);
    return rc;
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

/* One backprop layer: trains on *x and puts the encoder into the stack;
 * the test reconstruction MSE of the first layer. */
static int layer_backprop(cli_run *run, lk_ae_stack *st, size_t l, const lk_mat *x,
                          const lk_mat *xt, double *test_mse, double *secs, double *gflop)
{
    lk_error err;
    lk_net net = { 0 };
    lk_net_trainer tr = { 0 };
    lk_net_work ev = { 0 };
    lk_mat rec = { 0 };
    int rc = EXIT_FAILURE;
    lk_status s = lk_ae_build(&net, x->cols, P.hidden[l], P.act, P.act, O.tied, &err);
    if (s != LK_OK)
        return cli_fail_err(&err);
    lk_net_init(&net, LK_INIT_AUTO, run->rng);
    lk_net_config cfg = lk_net_config_default();
    cfg.loss = P.loss;
    cfg.optim = P.optim;
    cfg.optim_cfg = lk_optim_defaults(P.optim);
    if (O.lr > 0)
        cfg.optim_cfg.lr = O.lr;
    cfg.batch = O.batch;
    cfg.epochs = O.epochs;
    cfg.skip_errors = 1;
    if (P.noise.kind != LK_AE_NOISE_NONE) {
        cfg.corrupt = lk_ae_corrupt;
        cfg.corrupt_ctx = &P.noise;
    }
    if ((s = lk_net_trainer_init(&tr, &net, &cfg, x, x, run->rng, &err)) != LK_OK) {
        rc = cli_fail_err(&err);
        goto done;
    }
    while (!lk_net_trainer_done(&tr)) {
        lk_net_epoch_stats es;
        double t0 = cli_now();
        if ((s = lk_net_trainer_epoch(&tr, &es, &err)) != LK_OK) {
            rc = cli_fail_err(&err);
            goto done;
        }
        double sec = cli_now() - t0;
        *secs += sec;
        *gflop += cli_net_epoch_gflop(&net, x->rows);
        cli_progress_line("layer %zu epoch %zu/%zu  loss %.5f  %.2fs", l + 1, es.epoch,
                          cfg.epochs, es.loss, sec);
    }
    if (l == 0 && O.filters) {
        lk_mat w = lk_dense_w(&net.layers[0], &net.params);
        if ((rc = draw_filters(&w, O.filters)) != 0)
            goto done;
        rc = EXIT_FAILURE;
    }
    if (l == 0 && xt->rows) {
        if ((s = lk_mat_alloc(&rec, xt->rows, xt->cols, &err)) != LK_OK ||
            (s = lk_net_work_alloc(&ev, &net, 500, &err)) != LK_OK)
            goto fail;
        lk_net_predict(&net, &ev, xt, &rec);
        *test_mse = mse(&rec, xt);
    }
    if ((s = lk_ae_copy_layer(&st->enc, l, &net, 0, &err)) != LK_OK)
        goto fail;
    st->layers[l] = net;    /* the stack keeps the whole autoencoder (its decoder) */
    net = (lk_net){ 0 };
    rc = 0;
    goto done;
fail:
    rc = cli_fail_err(&err);
done:
    lk_net_trainer_free(&tr);
    lk_net_work_free(&ev);
    lk_mat_free(&rec);
    lk_net_free(&net);
    return rc;
}

/* ELM autoencoder layer: the encoder is f(beta x). */
static int layer_elm(cli_run *run, lk_ae_stack *st, size_t l, const lk_mat *x, double *secs,
                     double *gflop)
{
    lk_error err;
    lk_mat beta;
    if (lk_mat_alloc(&beta, P.hidden[l], x->cols, &err) != LK_OK)
        return cli_fail_err(&err);
    double t0 = cli_now();
    lk_status s = lk_ae_elm(x, P.hidden[l], P.act, O.C, run->rng, &beta, &err);
    if (s == LK_OK)
        s = lk_ae_set_layer(&st->enc, l, &beta, NULL, &err);
    *secs += cli_now() - t0;
    *gflop += 1e-9 * lk_ae_elm_flops(x->rows, x->cols, P.hidden[l]);
    int rc = s == LK_OK ? 0 : cli_fail_err(&err);
    if (rc == 0 && l == 0 && O.filters)
        rc = draw_filters(&beta, O.filters);
    lk_mat_free(&beta);
    return rc;
}

/* mDA layer: the encoder is tanh(W [x; 1]), d wide. */
static int layer_mda(lk_ae_stack *st, size_t l, const lk_mat *x, double *secs, double *gflop)
{
    lk_error err;
    size_t d = x->cols;
    lk_matd w;
    lk_mat wf = { 0 };
    if (lk_matd_alloc(&w, d, d + 1, &err) != LK_OK)
        return cli_fail_err(&err);
    double t0 = cli_now();
    lk_status s = lk_ae_mda(x, P.noise.kind == LK_AE_NOISE_MASK ? P.noise.level : 0, 1e-5, &w,
                            &err);
    if (s == LK_OK && (s = lk_mat_alloc(&wf, d, d + 1, &err)) == LK_OK) {
        lk_matd_to_mat(&wf, &w);
        lk_mat wv = lk_mat_view(wf.data, d, d, d + 1);
        if ((s = lk_ae_set_layer(&st->enc, l, &wv, NULL, &err)) == LK_OK) {
            lk_real *bias = lk_dense_b(&st->enc.layers[l], &st->enc.params);
            for (size_t i = 0; i < d; i++)
                bias[i] = LK_AT(&wf, i, d);
        }
    }
    *secs += cli_now() - t0;
    *gflop += 1e-9 * lk_ae_mda_flops(x->rows, d);
    lk_matd_free(&w);
    lk_mat_free(&wf);
    return s == LK_OK ? 0 : cli_fail_err(&err);
}

/* The mDA's test reconstruction error: W [x; 1] against x. */
static int mda_test_mse(const lk_ae_stack *st, const lk_mat *xt, double *test_mse)
{
    lk_error err;
    lk_mat rec = { 0 }, codes = { 0 };
    lk_status s;
    if ((s = lk_mat_alloc(&rec, xt->rows, xt->cols, &err)) == LK_OK &&
        (s = lk_mat_alloc(&codes, xt->rows, xt->cols, &err)) == LK_OK &&
        (s = lk_ae_encode(&st->enc, 0, xt, &rec, &codes, &err)) == LK_OK)
        *test_mse = mse(&rec, xt);
    lk_mat_free(&rec);
    lk_mat_free(&codes);
    return s == LK_OK ? 0 : cli_fail_err(&err);
}

/* Codes of layer l for the rows of x, into *out (allocated here). */
static int encode_rows(const lk_ae_stack *st, size_t l, const lk_mat *x, lk_mat *out)
{
    lk_error err;
    size_t width = st->enc.layers[l].out;
    lk_mat_free(out);
    /* Not zeroed: lk_ae_encode writes every value. */
    if (lk_mat_alloc_uninit(out, x->rows ? x->rows : 1, width, &err) != LK_OK)
        return cli_fail_err(&err);
    out->rows = x->rows;
    if (x->rows && lk_ae_encode(&st->enc, l, x, NULL, out, &err) != LK_OK)
        return cli_fail_err(&err);
    return 0;
}

/* The softmax classifier on the codes is the logreg learner's multinomial
 * logistic regression, solved by L-BFGS until its own convergence test
 * stops it (the cap only guards against a problem that never settles): the
 * problem is convex, so its accuracy measures the codes, not how far a
 * budget of epochs got.  Measured on MNIST, ELM-AE codes: Adam for 10
 * epochs 93.5%, L-BFGS to convergence 94.5%. */
#define CLASSIFY_MAX_ITER 1000

typedef struct classify_result {
    double seconds;
    size_t iterations;
    lk_logreg_state stop;
} classify_result;

/* Copy the trained logistic regression into st->clf, the stack's one-layer
 * softmax net (what the "ae" model kind saves and predicts with). */
static lk_status store_classifier(lk_ae_stack *st, const lk_logreg *m, lk_error *err)
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
    st->clf = net;
    st->has_clf = 1;
    return LK_OK;
}

static int classify(cli_run *run, lk_ae_stack *st, const lk_mat *cx, const lk_mat *ct,
                    classify_result *out)
{
    lk_split *sp = &run->split;
    lk_error err;
    lk_logreg m = { 0 };
    lk_logreg_trainer *tr = NULL;
    lk_logreg_config cfg = lk_logreg_defaults();
    cfg.max_iter = CLASSIFY_MAX_ITER;
    int rc = 0;
    double t0 = cli_now();
    lk_status s;
    if ((s = lk_logreg_alloc(&m, cx->cols, sp->labels.k, &err)) != LK_OK ||
        (s = lk_logreg_trainer_alloc(&tr, &m, cx, sp->train.y, &cfg, NULL, &err)) != LK_OK) {
        rc = cli_fail_err(&err);
        goto done;
    }
    cli_progress prog;
    cli_progress_begin(&prog, "ae: softmax", cfg.max_iter);
    do {
        if ((s = lk_logreg_iterate(tr, &err)) != LK_OK)
            break;
        size_t it = lk_logreg_iterations(tr);
        if (prog.tty)
            cli_progress_update(&prog, it);
        else if (it % 25 == 0)
            cli_progress_line("ae: softmax on the codes, iteration %zu  loss %.6f  %.1f s", it,
                              lk_logreg_loss(tr), cli_now() - t0);
    } while (lk_logreg_test(tr) == LK_LOGREG_CONTINUE);
    cli_progress_end(&prog);
    if (s != LK_OK) {
        rc = cli_fail_err(&err);
        goto done;
    }
    *out = (classify_result){ .seconds = cli_now() - t0, .iterations = lk_logreg_iterations(tr),
                              .stop = lk_logreg_test(tr) };
    if ((s = store_classifier(st, &m, &err)) != LK_OK)
        rc = cli_fail_err(&err);
done:
    lk_logreg_trainer_free(tr);
    lk_logreg_free(&m);
    return rc;
}

/* The stack's encoder network planned (widths and activations), its
 * weights set layer by layer as they are trained. */
static int plan_stack(lk_ae_stack *st, size_t d, int mda, int elm)
{
    lk_error err;
    lk_status s = LK_OK;
    *st = (lk_ae_stack){ .solver = mda ? LK_AE_MDA : elm ? LK_AE_ELM : LK_AE_BACKPROP };
    lk_net_begin(&st->enc, d);
    for (size_t l = 0; l < P.n_hidden && s == LK_OK; l++)
        s = lk_net_add(&st->enc, mda ? d : P.hidden[l],
                       mda ? lk_act_default(LK_ACT_TANH) : P.act, &err);
    if (s == LK_OK)
        s = lk_net_finish(&st->enc, &err);
    if (s == LK_OK && !mda && !elm &&
        !(st->layers = calloc(P.n_hidden, sizeof *st->layers)))
        s = lk_error_set(&err, LK_ENOMEM, "ae", NULL, "out of memory");
    if (s != LK_OK) {
        lk_ae_stack_free(st);
        return cli_fail_err(&err);
    }
    return 0;
}

static int fit(cli_run *run, json_t **result, lk_model **model)
{
    lk_split *sp = &run->split;
    lk_error err;
    lk_mat x = sp->train.x, xt = sp->test.x;
    if (!sp->test.n)
        xt.rows = 0;
    lk_mat cx[2] = { { 0 } }, ct[2] = { { 0 } };
    double test_mse = NAN, secs = 0, encode_secs = 0, gflop = 0;
    classify_result clf = { 0 };
    int rc = 0;
    int mda = !strcmp(O.solver, "mda"), elm = !strcmp(O.solver, "elm");
    lk_ae_stack st;
    if ((rc = plan_stack(&st, x.cols, mda, elm)) != 0)
        return rc;
    for (size_t l = 0; l < P.n_hidden && rc == 0; l++) {
        if (mda)
            rc = layer_mda(&st, l, &x, &secs, &gflop);
        else if (elm)
            rc = layer_elm(run, &st, l, &x, &secs, &gflop);
        else
            rc = layer_backprop(run, &st, l, &x, &xt, l == 0 ? &test_mse : NULL, &secs,
                                &gflop);
        if (rc == 0 && mda && l == 0 && xt.rows)
            rc = mda_test_mse(&st, &xt, &test_mse);
        /* The codes: the next layer's training rows, or the classifier's.
         * Encoding the training rows for the classifier is not training
         * the stack, so it is timed apart (encode_seconds). */
        int last = l + 1 == P.n_hidden;
        if (rc != 0 || (last && !O.classify))
            break;
        double t0 = cli_now();
        rc = encode_rows(&st, l, &x, &cx[l % 2]);
        *(last ? &encode_secs : &secs) += cli_now() - t0;
        if (!last)
            gflop += 2e-9 * (double)x.rows * (double)x.cols * (double)st.enc.layers[l].out;
        if (rc == 0)
            rc = encode_rows(&st, l, &xt, &ct[l % 2]);
        x = cx[l % 2];
        xt = ct[l % 2];
    }
    if (rc == 0 && O.classify)
        rc = classify(run, &st, &x, &xt, &clf);
    if (rc == 0 && lk_ae_save(&st, &run->prep, &run->split.labels, model, &err) != LK_OK)
        rc = cli_fail_err(&err);
    if (rc == 0) {
        json_t *r = cli_result_json(run, "ae");
        json_object_set_new(r, "train_seconds", json_real(secs));
        json_object_set_new(r, "gflop", json_real(gflop));
        json_object_set_new(r, "test_mse", isnan(test_mse) ? json_null() : json_real(test_mse));
        if (!O.classify) {     /* with a classifier: cli_run_accuracy */
            json_object_set_new(r, "train_accuracy", json_null());
            json_object_set_new(r, "test_accuracy", json_null());
        }
        if (O.classify) {
            char note[200];
            snprintf(note, sizeof note,
                     "softmax on the codes: training rows encoded in %.2f s, then %zu L-BFGS "
                     "iterations (%s), %.2f s",
                     encode_secs, clf.iterations, lk_logreg_state_name(clf.stop), clf.seconds);
            json_object_set_new(r, "encode_seconds", json_real(encode_secs));
            json_object_set_new(r, "classifier_seconds", json_real(clf.seconds));
            json_object_set_new(r, "classifier_iterations",
                                json_integer((json_int_t)clf.iterations));
            json_object_set_new(r, "notes", json_pack("[s]", note));
        }
        json_t *p = json_object();
        json_object_set_new(p, "hidden", json_string(O.hidden));
        json_object_set_new(p, "solver", json_string(O.solver));
        json_object_set_new(p, "tied", json_boolean(O.tied));
        json_object_set_new(p, "noise", json_real(O.noise));
        json_object_set_new(p, "noise_type", json_string(O.noise_type));
        json_object_set_new(p, "activation", json_string(O.activation));
        json_object_set_new(p, "loss", json_string(O.loss));
        json_object_set_new(p, "epochs", json_integer((json_int_t)O.epochs));
        json_object_set_new(p, "seed", json_integer((json_int_t)CLI.seed));
        json_object_set_new(r, "params", p);
        *result = r;
    }
    for (int i = 0; i < 2; i++) {
        lk_mat_free(&cx[i]);
        lk_mat_free(&ct[i]);
    }
    lk_ae_stack_free(&st);
    return rc;
}

/* elm and mda solve in closed form; backprop iterates. */
static const char *ae_family(void)
{
    return O.solver && strcmp(O.solver, "backprop") ? "closed-form" : "iterative";
}

const cli_learner CLI_LEARNER_AE = {
    .name = "ae",
    .family = "iterative",
    .family_of = ae_family,
    .usage = "--hidden N[,N...] [--tied] [--noise X --noise-type mask|gauss] "
             "[--solver backprop|elm|mda] [--classify] [DATA]",
    .about =
        "Train an autoencoder: by backprop (encoder and decoder dense layers, optionally\n"
        "tied, denoising with --noise), or in closed form (--solver elm: ELM autoencoder with\n"
        "random orthogonal hidden weights and ridge output weights, codes f(beta x);\n"
        "--solver mda: marginalized denoising autoencoder, codes tanh(W [x; 1])).  Several\n"
        "--hidden widths train a stack greedily.  Reports the test reconstruction MSE per\n"
        "value of the first layer (not for elm) and, with --classify, the test accuracy of a\n"
        "softmax classifier trained on the last codes.  -o FILE saves the stack (encoders,\n"
        "decoders, the classifier with --classify) for predict and eval (which need\n"
        "--classify) and for 'learnkit mlp --init-from FILE'.",
    .opts = OPTS,
    .reset = reset,
    .check = check,
    .fit = fit,
};

int cmd_ae(int argc, char **argv) { return cli_learner_main(&CLI_LEARNER_AE, argc, argv); }
