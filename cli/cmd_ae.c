/* cmd_ae.c — `learnkit ae`: autoencoders trained by backprop (on lk_net) or
 * in closed form (ELM autoencoder, mDA), stacked greedily; reconstruction
 * MSE on the test set and, with --classify, a softmax on the codes. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "learner.h"
#include "commands.h"
#include <learnkit/ae_stack.h>
#include "learners.h"
#include "plot.h"
#include "stream.h"

typedef struct ae_opts {
    const char *hidden, *activation, *loss, *optimizer, *noise_type, *solver, *filters;
    double lr, noise, C, sparsity, sparsity_weight, contractive;
    int tied, classify;
    size_t batch, epochs;
} ae_opts;
static ae_opts O;

/* The stack's configuration, from the options. */
static lk_ae_stack_config P;

static void reset(void)
{
    O = (ae_opts){ .hidden = "500", .activation = "sigmoid", .loss = "mse",
                   .optimizer = "adam", .noise_type = "mask", .solver = "backprop",
                   .batch = 100, .epochs = 0, .C = 1e3, .sparsity_weight = -1 };
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
    { "epochs", 0, OPT_SIZE, &O.epochs, "N",
      "exactly N epochs per layer (default: as mlp, about 9000 updates, at most 200 "
      "epochs, ended when the loss improves by less than 1e-4 for 10 epochs: 15 on MNIST)",
      1, 1e7 },
    { "C", 0, OPT_REAL, &O.C, "X", "ELM autoencoder ridge constant (default 1000)", 1e-12,
      1e15 },
    { "filters", 0, OPT_STR, &O.filters, "FILE.png",
      "draw the first layer's first 100 filters (rows of W, or of beta for elm) as images",
      0, 0 },
    { "sparsity", 0, OPT_REAL, &O.sparsity, "RHO",
      "sparse autoencoder: KL penalty pulling each code's mean activation toward RHO "
      "(sigmoid codes; backprop)", 1e-6, 0.999999 },
    { "sparsity-weight", 0, OPT_REAL, &O.sparsity_weight, "BETA",
      "weight of the sparsity penalty (default 1 with --sparsity)", 0, 1e6 },
    { "contractive", 0, OPT_REAL, &O.contractive, "LAMBDA",
      "contractive autoencoder: LAMBDA times the squared Frobenius norm of the encoder's "
      "Jacobian (sigmoid codes; backprop)", 0, 1e6 },
    { "classify", 0, OPT_FLAG, &O.classify, NULL,
      "train a softmax classifier on the codes and report its test accuracy", 0, 0 },
    CLI_OPT_END
};

static const char *const NOISE_TYPES[] = { "mask", "gauss", NULL };
static const char *const SOLVERS[] = { "backprop", "elm", "mda", NULL };

static int check(size_t n_features, size_t n_classes)
{
    (void)n_features;
    (void)n_classes;
    lk_error err;
    size_t *v = NULL, n = 0;
    int k;
    P = lk_ae_stack_defaults();
    if (cli_parse_size_list("--hidden", O.hidden, 1, 1u << 24, &v, &n))
        return EXIT_USAGE;
    if (n > LK_AE_STACK_MAX_LAYERS) {
        free(v);
        return cli_usage("--hidden: at most %d layers", LK_AE_STACK_MAX_LAYERS);
    }
    P.n_layers = n;
    memcpy(P.hidden, v, n * sizeof *v);
    free(v);
    if (lk_act_parse(O.activation, &P.act, "--activation", &err) != LK_OK ||
        lk_loss_parse(O.loss, &P.train.loss, "--loss", &err) != LK_OK ||
        lk_optim_parse(O.optimizer, &P.train.optim, "--optimizer", &err) != LK_OK)
        return cli_usage_err(&err);
    P.train.optim_cfg = lk_optim_defaults(P.train.optim);
    if (O.lr > 0)
        P.train.optim_cfg.lr = O.lr;
    P.train.batch = O.batch;
    /* Without --epochs the budget follows the rows, set by fit(); the
     * check sees its largest value. */
    P.train.epochs = O.epochs ? O.epochs : LK_NET_AUTO_MAX_EPOCHS;
    if (cli_pick("--noise-type", O.noise_type, NOISE_TYPES, &k))
        return EXIT_USAGE;
    P.noise = (lk_ae_noise){ k ? LK_AE_NOISE_GAUSS : LK_AE_NOISE_MASK, O.noise };
    if (O.noise == 0)
        P.noise.kind = LK_AE_NOISE_NONE;
    if (cli_pick("--solver", O.solver, SOLVERS, &k))
        return EXIT_USAGE;
    P.solver = (lk_ae_solver)k;
    P.tied = O.tied;
    P.C = O.C;
    P.classify = O.classify;
    if (O.sparsity_weight >= 0 && O.sparsity == 0)
        return cli_usage("--sparsity-weight needs --sparsity RHO");
    P.sparsity = O.sparsity;
    P.sparsity_weight = O.sparsity > 0 ? (O.sparsity_weight >= 0 ? O.sparsity_weight : 1) : 0;
    P.contractive = O.contractive;
    if (O.filters && P.solver == LK_AE_MDA)
        return cli_usage("--filters: for backprop and elm (mda's W is inputs x inputs)");
    const char *why = lk_ae_stack_check(&P);
    if (why)
        return cli_usage("ae: %s", why);
    return 0;
}

/* The closed-form solvers stream, with or without the classifier (under
 * mpirun by themselves when one pass a layer is all: cli_ae_one_pass);
 * backprop holds its rows in memory. */
int cli_ae_streams(void)
{
    return P.solver != LK_AE_BACKPROP;
}

/* The softmax on the codes reads them once per L-BFGS evaluation (about
 * 500 passes on MNIST, each encoding the rows again): under mpirun the
 * ranks then hold their shares, and stream only when told to. */
int cli_ae_one_pass(void)
{
    return !P.classify;
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

/* What the run measures while the library trains: each step's time (since
 * the step before) is training, encoding the classifier's rows, the
 * classifier, or not counted (test rows). */
typedef struct watch {
    double last, train, encode, clf, gflop;
    int clf_begun;
    int streamed;           /* the classifier's passes encode the rows as they come */
    cli_progress prog;
} watch;

static int on_step(const lk_ae_progress *p, void *ctx)
{
    watch *w = ctx;
    double now = cli_now(), sec = now - w->last;
    w->last = now;
    w->gflop += p->gflop;
    switch (p->step) {
    case LK_AE_STEP_EPOCH:
        w->train += sec;
        if (cli_epoch_shown(p->epoch, p->epochs, p->epoch == p->epochs))
            cli_progress_line("layer %zu epoch %zu/%zu  loss %.5f  %.2fs", p->layer + 1,
                              p->epoch, p->epochs, p->loss, sec);
        break;
    case LK_AE_STEP_SOLVE:
        w->train += sec;
        break;
    case LK_AE_STEP_ENCODE:
        if (!p->test_rows)
            *(p->last ? &w->encode : &w->train) += sec;
        break;
    case LK_AE_STEP_TEST:
        break;
    case LK_AE_STEP_CLASSIFY:
        if (!w->clf_begun) {
            cli_progress_begin(&w->prog, "ae: softmax", p->epochs);
            w->clf_begun = 1;
        }
        w->clf += sec;
        if (w->prog.tty)
            cli_progress_update(&w->prog, p->epoch);
        else if (p->epoch % 25 == 0)
            cli_progress_line("ae: softmax on the codes, iteration %zu  loss %.6f  %.1f s",
                              p->epoch, p->loss, w->clf);
        break;
    }
    return 0;
}

static int finish(lk_ae_stack *st, const lk_ae_stack_result *res, const watch *w, json_t *r,
                  const lk_prep *prep, const lk_labels *labels, json_t **result,
                  lk_model **model);

static int fit(cli_run *run, json_t **result, lk_model **model)
{
    lk_split *sp = &run->split;
    lk_error err;
    lk_mat x = sp->train.x, xt = sp->test.x;
    if (!sp->test.n)
        xt.rows = 0;
    lk_ae_stack_data data = { .x = &x, .y = sp->train.y, .n_classes = sp->labels.k, .xt = &xt,
                              .yt = sp->test.y };
    lk_ae_stack st;
    lk_ae_stack_result res;
    if (O.epochs == 0 && P.solver == LK_AE_BACKPROP) {
        lk_net_config_auto(&P.train, run->n_train_total);
        cli_notice("ae: at most %zu epochs a layer (default: about %d updates of %zu rows, at "
                   "most %d epochs), ended when the loss improves by less than %g for %zu "
                   "epochs", P.train.epochs, LK_NET_AUTO_UPDATES, P.train.batch,
                   LK_NET_AUTO_MAX_EPOCHS, P.train.tol, P.train.stall_epochs);
    }
    /* Under mpirun the rows are this rank's share: the stack sums over
     * every rank (learnkit/ae_stack.h). */
    P.comm = CLI_WORLD;
    watch w = { .last = cli_now() };
    lk_status s = lk_ae_stack_fit(&P, &data, run->rng, on_step, &w, &st, &res, &err);
    if (w.clf_begun)
        cli_progress_end(&w.prog);
    if (s != LK_OK)
        return cli_fail_err(&err);
    return finish(&st, &res, &w, cli_result_json(run, "ae"), &run->prep, &run->split.labels,
                  result, model);
}

/* The trained stack: filters, the model (-o), and the result's keys on r
 * (taken over) with the figures; the stack is freed.  0 or an exit code. */
static int finish(lk_ae_stack *st, const lk_ae_stack_result *res, const watch *w, json_t *r,
                  const lk_prep *prep, const lk_labels *labels, json_t **result,
                  lk_model **model)
{
    lk_error err;
    int rc = 0;
    if (O.filters) {
        lk_mat f = lk_dense_w(&st->enc.layers[0], &st->enc.params);
        rc = draw_filters(&f, O.filters);
    }
    if (rc == 0 && lk_ae_save(st, prep, labels, model, &err) != LK_OK)
        rc = cli_fail_err(&err);
    if (rc == 0) {
        json_object_set_new(r, "train_seconds", json_real(w->train));
        json_object_set_new(r, "gflop", json_real(w->gflop));
        json_object_set_new(r, "test_mse",
                            isnan(res->test_mse) ? json_null() : json_real(res->test_mse));
        json_object_set_new(r, "train_accuracy", isnan(res->train_accuracy)
                                                     ? json_null() : json_real(res->train_accuracy));
        json_object_set_new(r, "test_accuracy", isnan(res->test_accuracy)
                                                    ? json_null() : json_real(res->test_accuracy));
        if (O.classify) {
            char note[240];
            if (w->streamed)
                snprintf(note, sizeof note,
                         "softmax on the codes: %zu L-BFGS iterations (%s), %.2f s, each pass "
                         "over the training rows encoding them by the whole stack",
                         res->clf_iterations, lk_train_state_name(res->clf_stop), w->clf);
            else
                snprintf(note, sizeof note,
                         "softmax on the codes: training rows encoded in %.2f s, then %zu "
                         "L-BFGS iterations (%s), %.2f s",
                         w->encode, res->clf_iterations, lk_train_state_name(res->clf_stop),
                         w->clf);
            /* Streamed, the encoding is part of every classifier pass. */
            if (!w->streamed)
                json_object_set_new(r, "encode_seconds", json_real(w->encode));
            json_object_set_new(r, "classifier_seconds", json_real(w->clf));
            json_object_set_new(r, "classifier_iterations",
                                json_integer((json_int_t)res->clf_iterations));
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
        if (P.solver == LK_AE_BACKPROP) {
            json_object_set_new(p, "epochs", json_integer((json_int_t)P.train.epochs));
            json_object_set_new(p, "epochs_from_rows", json_boolean(O.epochs == 0));
        }
        if (P.sparsity > 0) {
            json_object_set_new(p, "sparsity", json_real(P.sparsity));
            json_object_set_new(p, "sparsity_weight", json_real(P.sparsity_weight));
        }
        if (P.contractive > 0)
            json_object_set_new(p, "contractive", json_real(P.contractive));
        json_object_set_new(p, "seed", json_integer((json_int_t)CLI.seed));
        json_object_set_new(r, "params", p);
        *result = r;
        r = NULL;
    }
    json_decref(r);
    lk_ae_stack_free(st);
    return rc;
}

/* The closed-form stack on a stream: each layer one pass over the
 * training rows (each rank its share, the sums added over the ranks),
 * the test MSE one pass over the test rows; the classifier one pass over
 * the training rows per evaluation, its accuracies one pass each, the
 * blocks bringing each row's class. */
int cli_ae_fit_stream(cli_stream *sm, json_t **result, lk_model **model)
{
    cli_stream_source tr, te;
    lk_blocks b = cli_stream_source_blocks(&tr, sm, 0), bt = cli_stream_source_blocks(&te, sm, 1);
    lk_ae_stack_data data = { .n_classes = sm->labels.k, .blocks = &b,
                              .test_blocks = sm->n_test ? &bt : NULL };
    lk_ae_stack st;
    lk_ae_stack_result res;
    lk_error err;
    P.comm = CLI_WORLD;
    double t0 = cli_now();
    watch w = { .last = t0, .streamed = 1 };
    lk_status s = lk_ae_stack_fit(&P, &data, sm->rng, on_step, &w, &st, &res, &err);
    if (w.clf_begun)
        cli_progress_end(&w.prog);
    cli_stream_release(sm);
    double train_s = cli_now() - t0;
    if (s != LK_OK)
        return cli_fail_err(&err);
    return finish(&st, &res, &w, cli_stream_result_json(sm, "ae", train_s), &sm->prep,
                  &sm->labels, result, model);
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
        "--classify) and for 'learnkit mlp --init-from FILE'.  elm and mda stream with\n"
        "--stream (one pass over the rows per layer; with --classify one per evaluation of\n"
        "the softmax's loss) and train data-parallel under mpirun.",
    .opts = OPTS,
    .reset = reset,
    .check = check,
    .fit = fit,
};

int cmd_ae(int argc, char **argv) { return cli_learner_main(&CLI_LEARNER_AE, argc, argv); }
