/* cmd_mlp.c — `learnkit mlp`: a multilayer perceptron trained by mini-batch
 * backpropagation.  The library runs one epoch at a time; this file owns the
 * loop, prints progress and builds the JSON history. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "learner.h"
#include "commands.h"
#include <learnkit/ae.h>

#define MAX_LAYERS 64

typedef struct mlp_opts {
    const char *layers, *hidden, *activation, *output, *loss, *optimizer, *init, *init_from;
    const char *dropout;
    double lr, momentum, l2, clip_norm, validation;
    int nesterov, verbose, batch_norm;
    size_t batch, epochs, patience;
} mlp_opts;
static mlp_opts O;

/* Parsed form, filled by check(). */
static struct {
    size_t n_sizes, sizes[MAX_LAYERS + 1];  /* from --layers, inputs..outputs */
    size_t n_hidden, hidden[MAX_LAYERS];
    size_t n_acts;
    lk_act acts[MAX_LAYERS];
    int has_output;
    lk_act output;
    lk_loss_kind loss;
    const lk_optim_type *optim;
    lk_init_kind init;
    size_t n_drop;
    double drop[MAX_LAYERS];
    int hidden_auto;       /* no width given: lk_mlp_auto_hidden of the rows */
} P;

static void reset(void)
{
    O = (mlp_opts){ .activation = NULL, .loss = "softmax-ce", .optimizer = "adam",
                     .init = "auto", .lr = 0, .momentum = 0.9, .batch = 100, .epochs = 0,
                     .patience = 5 };
}

static const cli_opt OPTS[] = {
    { "layers", 0, OPT_STR, &O.layers, "N,N,...",
      "every layer width, inputs first and classes last (e.g. 784,500,10)", 0, 0 },
    { "hidden", 0, OPT_STR, &O.hidden, "N[,N...]",
      "hidden widths only; inputs and outputs from DATA (default: one layer of training "
      "rows / 100 units within [100, 500]: 500 on MNIST)", 0, 0 },
    { "activation", 0, OPT_STR, &O.activation, "ACT[,ACT...]",
      "hidden activation, one for all or one per hidden layer (default relu)", 0, 0 },
    { "output", 0, OPT_STR, &O.output, "ACT",
      "output activation (default: softmax for softmax-ce, sigmoid for bce and mse, "
      "identity for perceptron)", 0, 0 },
    { "loss", 0, OPT_STR, &O.loss, "softmax-ce|mse|bce|perceptron", "loss (default softmax-ce)",
      0, 0 },
    { "optimizer", 0, OPT_STR, &O.optimizer, "sgd|momentum|adam", "optimizer (default adam)", 0,
      0 },
    { "lr", 0, OPT_REAL, &O.lr, "X", "learning rate (default 0.001 for adam, 0.01 otherwise)",
      1e-12, 1e6 },
    { "momentum", 0, OPT_REAL, &O.momentum, "X", "momentum mu (default 0.9)", 0, 0.999999 },
    { "nesterov", 0, OPT_FLAG, &O.nesterov, NULL, "Nesterov momentum", 0, 0 },
    { "batch", 0, OPT_SIZE, &O.batch, "N", "mini-batch rows (default 100)", 1, 1e9 },
    { "epochs", 0, OPT_SIZE, &O.epochs, "N",
      "exactly N epochs (default: about 9000 updates, at most 200 epochs, ended when the "
      "training loss improves by less than 1e-4 for 10 epochs: 15 on MNIST)", 1, 1e7 },
    { "l2", 0, OPT_REAL, &O.l2, "X", "L2 penalty lambda/2 ||W||^2 on weights (default 0)", 0,
      1e6 },
    { "clip-norm", 0, OPT_REAL, &O.clip_norm, "X",
      "clip the global gradient norm to X (default: no clipping)", 0, 1e12 },
    { "validation", 0, OPT_REAL, &O.validation, "F",
      "hold out fraction F of the training rows for early stopping (default 0: none)", 0,
      0.99 },
    { "patience", 0, OPT_SIZE, &O.patience, "N",
      "stop after N epochs without validation improvement (default 5)", 1, 1e7 },
    { "init", 0, OPT_STR, &O.init, "auto|he|he-uniform|glorot|glorot-normal|lecun",
      "weight initialization (default auto: He for the ReLU family, Glorot otherwise)", 0, 0 },
    { "init-from", 0, OPT_STR, &O.init_from, "AE_MODEL",
      "start the first hidden layers from a stack of encoders saved by 'learnkit ae -o' "
      "(pretrain, then fine-tune): their widths and activations must match, and are the "
      "defaults when --hidden or --activation is not given", 0, 0 },
    { "batch-norm", 0, OPT_FLAG, &O.batch_norm, NULL,
      "batch normalization before every hidden activation (learned scale and shift; "
      "running averages kept in the model for predict and eval)", 0, 0 },
    { "dropout", 0, OPT_STR, &O.dropout, "P[,P...]",
      "inverted dropout on the hidden activations in training: one probability for "
      "every hidden layer or one per hidden layer (default 0: none)", 0, 0 },
    { "verbose", 'v', OPT_FLAG, &O.verbose, NULL,
      "show the per-layer gradient norms of every epoch", 0, 0 },
    CLI_OPT_END
};

/* Parse a comma list of activation names into P.acts. */
static int parse_acts(void)
{
    char buf[1024];
    const char *text = O.activation ? O.activation : "relu";
    if (strlen(text) >= sizeof buf)
        return cli_usage("--activation: list too long");
    strcpy(buf, text);
    P.n_acts = 0;
    lk_error err;
    for (char *save = NULL, *t = strtok_r(buf, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
        if (P.n_acts == MAX_LAYERS)
            return cli_usage("--activation: more than %d names", MAX_LAYERS);
        if (lk_act_parse(t, &P.acts[P.n_acts++], "--activation", &err) != LK_OK)
            return cli_usage_err(&err);
    }
    if (P.n_acts == 0)
        return cli_usage("--activation: expected a name such as relu");
    return 0;
}

/* Parse --dropout into P.drop: one probability in [0, 1) per element. */
static int parse_dropout(void)
{
    char buf[1024];
    P.n_drop = 0;
    if (!O.dropout)
        return 0;
    if (strlen(O.dropout) >= sizeof buf)
        return cli_usage("--dropout: list too long");
    strcpy(buf, O.dropout);
    for (char *save = NULL, *t = strtok_r(buf, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
        if (P.n_drop == MAX_LAYERS)
            return cli_usage("--dropout: more than %d values", MAX_LAYERS);
        if (cli_parse_real("--dropout", t, 0, 0.99, &P.drop[P.n_drop++]))
            return EXIT_USAGE;
    }
    if (P.n_drop == 0)
        return cli_usage("--dropout: expected a probability such as 0.5");
    return 0;
}

static int check(size_t n_features, size_t n_classes)
{
    lk_error err;
    if (parse_dropout())
        return EXIT_USAGE;
    if (O.layers && O.hidden)
        return cli_usage("mlp: give --layers or --hidden, not both");
    size_t *v = NULL, n = 0;
    if (O.layers) {
        if (cli_parse_size_list("--layers", O.layers, 1, 1u << 30, &v, &n))
            return EXIT_USAGE;
        if (n < 2 || n > MAX_LAYERS + 1) {
            free(v);
            return cli_usage("--layers: expected 2 to %d widths, inputs first and classes last",
                             MAX_LAYERS + 1);
        }
        P.n_sizes = n;
        memcpy(P.sizes, v, n * sizeof *v);
        P.n_hidden = n - 2;
        memcpy(P.hidden, v + 1, P.n_hidden * sizeof *v);
    } else {
        /* Without a width, one layer sized in fit() from the rows. */
        P.hidden_auto = !O.hidden;
        if (cli_parse_size_list("--hidden", O.hidden ? O.hidden : "1", 1, 1u << 30, &v, &n))
            return EXIT_USAGE;
        if (n > MAX_LAYERS - 1) {
            free(v);
            return cli_usage("--hidden: at most %d hidden layers", MAX_LAYERS - 1);
        }
        P.n_sizes = 0;
        P.n_hidden = n;
        memcpy(P.hidden, v, n * sizeof *v);
    }
    free(v);
    if (parse_acts())
        return EXIT_USAGE;
    if (P.n_acts != 1 && P.n_acts != P.n_hidden && !(O.init_from && !O.hidden && !O.layers))
        return cli_usage("--activation: %zu names for %zu hidden layers (give one, or one per "
                         "hidden layer)", P.n_acts, P.n_hidden);
    if (P.n_drop > 1 && P.n_drop != P.n_hidden && !(O.init_from && !O.hidden && !O.layers))
        return cli_usage("--dropout: %zu values for %zu hidden layers (give one, or one per "
                         "hidden layer)", P.n_drop, P.n_hidden);
    P.has_output = O.output != NULL;
    if (O.output && lk_act_parse(O.output, &P.output, "--output", &err) != LK_OK)
        return cli_usage_err(&err);
    if (lk_loss_parse(O.loss, &P.loss, "--loss", &err) != LK_OK)
        return cli_usage_err(&err);
    lk_act out = P.has_output ? P.output : lk_mlp_output_act(P.loss);
    const char *why = lk_loss_check(P.loss, &out);
    if (why)
        return cli_usage("--loss %s: %s", O.loss, why);
    if (lk_optim_parse(O.optimizer, &P.optim, "--optimizer", &err) != LK_OK)
        return cli_usage_err(&err);
    if (lk_init_parse(O.init, &P.init, "--init", &err) != LK_OK)
        return cli_usage_err(&err);
    for (size_t l = 0; l < P.n_acts; l++)
        if (P.acts[l].kind == LK_ACT_SOFTMAX)
            return cli_usage("--activation: softmax is for the output layer, not hidden layer %zu",
                             l + 1);
    if (n_features && P.n_sizes) {
        if (P.sizes[0] != n_features)
            return cli_usage("--layers: the first width is %zu but the data has %zu features",
                             P.sizes[0], n_features);
        if (P.sizes[P.n_sizes - 1] != n_classes)
            return cli_usage("--layers: the last width is %zu but the data has %zu classes",
                             P.sizes[P.n_sizes - 1], n_classes);
    }
    return 0;
}

static json_t *size_array(const size_t *v, size_t n)
{
    json_t *a = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(a, json_integer((json_int_t)v[i]));
    return a;
}

static json_t *params_json(const lk_net *net, const lk_net_config *cfg)
{
    json_t *acts = json_array();
    for (size_t l = 0; l < net->n_layers; l++) {
        char b[64];
        json_array_append_new(acts, json_string(lk_act_format(&net->layers[l].act, b, sizeof b)));
    }
    json_t *p = json_object();
    json_object_set_new(p, "layers", size_array(net->sizes, net->n_layers + 1));
    json_object_set_new(p, "activations", acts);
    json_object_set_new(p, "loss", json_string(lk_loss_name(cfg->loss)));
    json_object_set_new(p, "optimizer", json_string(cfg->optim->name));
    json_object_set_new(p, "lr", json_real(cfg->optim_cfg.lr));
    if (cfg->optim == &lk_optim_momentum) {
        json_object_set_new(p, "momentum", json_real(cfg->optim_cfg.momentum));
        json_object_set_new(p, "nesterov", json_boolean(cfg->optim_cfg.nesterov));
    }
    if (cfg->optim == &lk_optim_adam) {
        json_object_set_new(p, "beta1", json_real(cfg->optim_cfg.beta1));
        json_object_set_new(p, "beta2", json_real(cfg->optim_cfg.beta2));
        json_object_set_new(p, "eps", json_real(cfg->optim_cfg.eps));
    }
    json_object_set_new(p, "hidden_from_rows", json_boolean(P.hidden_auto && !O.init_from));
    json_object_set_new(p, "batch", json_integer((json_int_t)cfg->batch));
    json_object_set_new(p, "epochs", json_integer((json_int_t)cfg->epochs));
    json_object_set_new(p, "epochs_from_rows", json_boolean(O.epochs == 0));
    if (cfg->stall_epochs) {
        json_object_set_new(p, "tol", json_real(cfg->tol));
        json_object_set_new(p, "stall_epochs", json_integer((json_int_t)cfg->stall_epochs));
    }
    json_object_set_new(p, "l2", json_real(cfg->l2));
    json_object_set_new(p, "clip_norm", json_real(cfg->clip_norm));
    json_object_set_new(p, "validation", json_real(cfg->validation));
    if (cfg->validation > 0)
        json_object_set_new(p, "patience", json_integer((json_int_t)cfg->patience));
    json_object_set_new(p, "init", json_string(lk_init_name(P.init)));
    json_object_set_new(p, "batch_norm", json_boolean(O.batch_norm));
    json_t *drop = json_array();
    for (size_t l = 0; l + 1 < net->n_layers; l++)
        json_array_append_new(drop, json_real(net->extra ? net->extra[l].dropout : 0));
    json_object_set_new(p, "dropout", drop);
    if (O.init_from)
        json_object_set_new(p, "init_from", json_string(O.init_from));
    json_object_set_new(p, "seed", json_integer((json_int_t)CLI.seed));
    json_object_set_new(p, "threads", json_integer(lk_blas_get_threads()));
    return p;
}

/* The hidden widths and activations of a network started from the stack of
 * encoders in O.init_from (st, already loaded): the first layers are the
 * encoders', checked against --hidden/--layers and --activation when given
 * (a conflict is a usage error naming both), the rest as the options say. */
static int plan_init_from(const lk_ae_stack *st, size_t *n_hidden, size_t *hidden,
                          lk_act *acts)
{
    const lk_net *enc = &st->enc;
    size_t L = enc->n_layers;
    const char *f = O.init_from;
    int given = O.hidden || O.layers;
    *n_hidden = given ? P.n_hidden : L;
    if (*n_hidden < L)
        return cli_usage("--init-from %s: %zu encoder layers, but the network has only %zu "
                         "hidden layers", f, L, *n_hidden);
    if (O.activation && P.n_acts != 1 && P.n_acts != *n_hidden)
        return cli_usage("--activation: %zu names for %zu hidden layers (give one, or one per "
                         "hidden layer)", P.n_acts, *n_hidden);
    for (size_t l = 0; l < *n_hidden; l++) {
        size_t want = l < L ? enc->layers[l].out : 0;
        hidden[l] = given ? P.hidden[l] : want;
        if (l < L && hidden[l] != want)
            return cli_usage("--init-from %s: hidden layer %zu has %zu units, but encoder layer "
                             "%zu has %zu", f, l + 1, hidden[l], l + 1, want);
        acts[l] = O.activation ? P.acts[P.n_acts == 1 ? 0 : l]
                  : l < L ? enc->layers[l].act : lk_act_default(LK_ACT_RELU);
        char a[64], b[64];
        if (l < L && strcmp(lk_act_format(&acts[l], a, sizeof a),
                            lk_act_format(&enc->layers[l].act, b, sizeof b)) != 0)
            return cli_usage("--init-from %s: hidden layer %zu has activation %s, but encoder "
                             "layer %zu has %s", f, l + 1, a, l + 1, b);
    }
    return 0;
}

/* Load the stack of O.init_from and check it fits the data: its inputs
 * and preprocessing (a file problem: exit 1).  *other_stats: the scaling is
 * the same kind but fitted on other rows. */
static int load_init_from(const cli_run *run, lk_ae_stack *st, int *other_stats)
{
    lk_error err;
    lk_model *m = NULL;
    lk_prep prep = { 0 };
    int rc = 0;
    const char *f = O.init_from;
    if (lk_model_load(f, &m, &err) != LK_OK || lk_ae_load(m, st, &err) != LK_OK ||
        lk_prep_load(m, &prep, &err) != LK_OK) {
        rc = cli_fail_err(&err);
        goto done;
    }
    size_t d = run->split.train.d;
    if (lk_net_inputs(&st->enc) != d || prep.d != d) {
        rc = cli_fail("%s: the encoders take %zu features, the data has %zu", f,
                      lk_net_inputs(&st->enc), d);
    } else if (prep.kind != run->prep.kind) {
        rc = cli_fail("%s: the encoders were trained on features scaled '%s', this run "
                      "scales them '%s' (see --scale)", f, lk_scale_name(prep.kind),
                      lk_scale_name(run->prep.kind));
    } else {
        *other_stats = (prep.shift && memcmp(prep.shift, run->prep.shift, d * sizeof *prep.shift)) ||
                       (prep.scale && memcmp(prep.scale, run->prep.scale, d * sizeof *prep.scale));
    }
done:
    if (rc)
        lk_ae_stack_free(st);
    lk_prep_free(&prep);
    lk_model_free(m);
    return rc;
}

static int fit(cli_run *run, json_t **result, lk_model **model)
{
    lk_split *sp = &run->split;
    size_t d = sp->train.d, k = sp->labels.k;
    lk_error err;
    lk_net net = { 0 };
    lk_net_trainer *tr = NULL;
    lk_net_work ev = { 0 };
    lk_mat t = { 0 };
    json_t *hist = NULL;
    int rc = EXIT_FAILURE;
    lk_ae_stack pre = { 0 };
    size_t n_hidden = P.n_hidden, hidden[MAX_LAYERS], n_acts = P.n_acts;
    lk_act acts[MAX_LAYERS];
    memcpy(hidden, P.hidden, sizeof hidden);
    memcpy(acts, P.acts, sizeof acts);
    if (P.hidden_auto && !O.init_from) {
        hidden[0] = lk_mlp_auto_hidden(run->n_train_total);
        cli_notice("mlp: %zu hidden units (default: %zu training rows / 100, within [%d, %d])",
                   hidden[0], run->n_train_total, LK_MLP_HIDDEN_MIN, LK_MLP_HIDDEN_MAX);
    }
    if (O.init_from) {
        int other_stats = 0;
        if ((rc = load_init_from(run, &pre, &other_stats)) != 0)
            return rc;
        if ((rc = plan_init_from(&pre, &n_hidden, hidden, acts)) != 0) {
            lk_ae_stack_free(&pre);
            return rc;
        }
        if (other_stats)
            cli_notice("%s: the encoders were trained on features scaled with other '%s' "
                       "statistics than this run's", O.init_from, lk_scale_name(run->prep.kind));
        n_acts = n_hidden;
        rc = EXIT_FAILURE;
    }
    lk_status s = lk_mlp_build(&net, d, n_hidden, hidden, n_acts, acts, k,
                               P.has_output ? &P.output : NULL, P.loss, &err);
    if (s != LK_OK) {
        lk_ae_stack_free(&pre);
        return cli_usage_err(&err);
    }
    if (P.n_drop > 1 && P.n_drop != n_hidden) {
        rc = cli_usage("--dropout: %zu values for %zu hidden layers (give one, or one per "
                       "hidden layer)", P.n_drop, n_hidden);
        goto done;
    }
    for (size_t l = 0; l < n_hidden; l++)
        if ((O.batch_norm && (s = lk_net_add_batchnorm(&net, l, &err)) != LK_OK) ||
            (P.n_drop && (s = lk_net_set_dropout(&net, l, P.drop[P.n_drop == 1 ? 0 : l],
                                                 &err)) != LK_OK)) {
            rc = cli_fail_err(&err);
            goto done;
        }
    lk_net_init(&net, P.init, run->rng);
    /* Pretrained layers replace their random start; the rest keep theirs, so
     * the generator's sequence is that of a network without --init-from. */
    if (O.init_from && (s = lk_ae_init_net(&net, &pre.enc, &err)) != LK_OK) {
        rc = cli_fail_err(&err);
        goto done;
    }
    lk_net_config cfg = lk_net_config_default();
    cfg.loss = P.loss;
    cfg.optim = P.optim;
    cfg.optim_cfg = lk_optim_defaults(P.optim);
    if (O.lr > 0)
        cfg.optim_cfg.lr = O.lr;
    cfg.optim_cfg.momentum = O.momentum;
    cfg.optim_cfg.nesterov = O.nesterov;
    cfg.batch = O.batch;
    cfg.epochs = O.epochs;
    if (O.epochs == 0) {
        lk_net_config_auto(&cfg, run->n_train_total);  /* the global batches */
        cli_notice("mlp: at most %zu epochs (default: about %d updates of %zu rows, at most %d "
                   "epochs), ended when the training loss improves by less than %g for %zu "
                   "epochs", cfg.epochs, LK_NET_AUTO_UPDATES, cfg.batch, LK_NET_AUTO_MAX_EPOCHS,
                   cfg.tol, cfg.stall_epochs);
    }
    cfg.l2 = O.l2;
    cfg.clip_norm = O.clip_norm;
    cfg.validation = O.validation;
    cfg.patience = O.patience;
    cfg.comm = CLI_WORLD;
    if (O.nesterov && P.optim != &lk_optim_momentum) {
        rc = cli_usage("--nesterov needs --optimizer momentum");
        goto done;
    }
    if ((s = lk_onehot(sp->train.y, sp->train.n, k, &t, &err)) != LK_OK ||
        (s = lk_net_trainer_alloc(&tr, &net, &cfg, &sp->train.x, &t, run->rng, &err)) != LK_OK ||
        (s = lk_net_work_alloc(&ev, &net, 500, &err)) != LK_OK) {
        rc = cli_fail_err(&err);
        goto done;
    }
    hist = json_array();
    double train_seconds = 0, eval_seconds = 0;
    while (lk_net_test(tr) == LK_TRAIN_CONTINUE) {
        lk_net_epoch_stats st;
        double t0 = cli_now();
        if ((s = lk_net_iterate(tr, &st, &err)) != LK_OK) {
            if (s == LK_ENUMERIC)
                cli_err_hint(&err, "--lr");
            rc = cli_fail_err(&err);
            goto done;
        }
        double sec = cli_now() - t0;
        train_seconds += sec;
        t0 = cli_now();
        /* Under mpirun each rank scores its share of the test rows. */
        double test_acc = sp->test.n ? lk_mlp_accuracy(&net, &ev, &sp->test.x, sp->test.y) : 0;
        test_acc = run->n_test_total ? cli_world_fraction(test_acc, sp->test.n) : NAN;
        eval_seconds += cli_now() - t0;
        double train_acc = 1.0 - (double)st.errors / (double)st.rows;
        json_t *h = json_pack("{s:I,s:f,s:f,s:o,s:f}", "epoch", (json_int_t)st.epoch, "loss",
                              st.loss, "train_accuracy", train_acc, "test_accuracy",
                              isnan(test_acc) ? json_null() : json_real(test_acc), "seconds",
                              train_seconds);
        if (tr->n_val)
            json_object_set_new(h, "val_loss", json_real(st.val_loss));
        json_t *g = json_array();
        for (size_t l = 0; l < st.grad_layers; l++)
            json_array_append_new(g, json_real(st.grad_norm[l]));
        json_object_set_new(h, "grad_norm", g);
        json_array_append_new(hist, h);
        char val[64] = "";
        if (tr->n_val)
            snprintf(val, sizeof val, "  val loss %.4f%s", st.val_loss, st.improved ? " *" : "");
        if (cli_epoch_shown(st.epoch, cfg.epochs, lk_net_test(tr) != LK_TRAIN_CONTINUE))
            cli_progress_line("epoch %zu/%zu  loss %.4f  train %.2f%%  test %.2f%%%s  %.2fs",
                              st.epoch, cfg.epochs, st.loss, 100 * train_acc, 100 * test_acc,
                              val, sec);
        if (O.verbose) {
            char line[2048];
            size_t at = (size_t)snprintf(line, sizeof line, "  gradient norm by layer:");
            for (size_t l = 0; l < st.grad_layers && at < sizeof line - 32; l++)
                at += (size_t)snprintf(line + at, sizeof line - at, " %.3g", st.grad_norm[l]);
            cli_progress_line("%s", line);
        }
    }
    if (lk_net_test(tr) == LK_TRAIN_CONVERGED)
        cli_notice("mlp: stopped after epoch %zu: the training loss improved by less than %g "
                   "for %zu epochs", tr->epoch, cfg.tol, cfg.stall_epochs);
    size_t best = lk_net_trainer_finish(tr);
    if (tr->n_val && best != tr->epoch)
        cli_notice("early stopping: weights of epoch %zu (best validation loss %.4f)", best,
                   tr->best_loss);
    if ((s = lk_mlp_save(&net, P.loss, &run->prep, &sp->labels, model, &err)) != LK_OK) {
        rc = cli_fail_err(&err);
        goto done;
    }
    json_t *r = cli_result_json(run, "mlp");
    json_object_set_new(r, "train_seconds", json_real(train_seconds));
    json_object_set_new(r, "eval_seconds", json_real(eval_seconds));
    json_object_set_new(r, "gflop", json_real(cli_net_epoch_gflop(&net, run->n_train_total) *
                                                  (double)tr->epoch));
    json_object_set_new(r, "epochs_run", json_integer((json_int_t)tr->epoch));
    if (tr->n_val)
        json_object_set_new(r, "best_epoch", json_integer((json_int_t)best));
    json_object_set_new(r, "params", params_json(&net, &cfg));
    json_object_set_new(r, "history", hist);
    hist = NULL;
    *result = r;
    rc = 0;
done:
    lk_ae_stack_free(&pre);
    json_decref(hist);
    lk_net_trainer_free(tr);
    lk_net_work_free(&ev);
    lk_mat_free(&t);
    lk_net_free(&net);
    return rc;
}

const cli_learner CLI_LEARNER_MLP = {
    .name = "mlp",
    .family = "iterative",
    .usage = "(--layers N,N,... | --hidden N[,N...] | --init-from AE_MODEL) [OPTIONS] [DATA]",
    .about =
        "Train a multilayer perceptron by mini-batch backpropagation (row-major BLAS GEMMs on\n"
        "whole batches).  Defaults are the classic MNIST experiment: ReLU hidden layers, a\n"
        "softmax output with cross-entropy, Adam (lr 0.001), batch 100, the training rows\n"
        "shuffled every epoch.  Sized to the data: without --hidden/--layers one hidden layer\n"
        "of rows/100 units within [100, 500] (500 on MNIST, 100 on a few thousand rows);\n"
        "without --epochs about 9000 updates, at most 200 epochs (15 on MNIST), ended once\n"
        "the training loss has improved by less than 1e-4 for 10 epochs in a row\n"
        "(scikit-learn's rule); both choices are said on stderr and in --json params.  The\n"
        "textbook configuration is --activation sigmoid --loss mse --optimizer sgd --lr 0.5.\n"
        "A NaN or infinite loss\n"
        "stops training (exit 1) without writing a model.  --init-from AE_MODEL starts the\n"
        "first hidden layers from a stack of encoders saved by 'learnkit ae -o' (backprop,\n"
        "elm or mda; pretrain then fine-tune), e.g.\n"
        "  learnkit ae --hidden 500,250 --noise 0.3 -o ae.lkm\n"
        "  learnkit mlp --init-from ae.lkm           (layers 784,500,250,10)",
    .opts = OPTS,
    .reset = reset,
    .check = check,
    .fit = fit,
};

int cmd_mlp(int argc, char **argv) { return cli_learner_main(&CLI_LEARNER_MLP, argc, argv); }
