/* cmd_logreg.c — `learnkit logreg`: softmax regression by L-BFGS or Adam. */
#include <math.h>
#include <string.h>
#include "learner.h"
#include "commands.h"
#include "stream.h"

static struct {
    double l2, tol, lr, line_tol, step, rtol;
    const char *solver;
    size_t max_iter, batch;
} O;

static lk_logreg_config CFG;

static const cli_opt OPTS[] = {
    { "l2", 0, OPT_REAL, &O.l2, "X", "L2 weight beside the mean loss, bias not penalized (default 3e-5)", 0, 1e6 },
    { "solver", 0, OPT_STR, &O.solver, "lbfgs|adam", "full-batch quasi-Newton or mini-batch Adam (default lbfgs)", 0, 0 },
    { "max-iter", 0, OPT_SIZE, &O.max_iter, "N", "lbfgs iterations or adam epochs (default 300 / 20: lbfgs stops by --tol and --rtol first; digits converges in 174)", 1, 1e7 },
    { "tol", 0, OPT_REAL, &O.tol, "X", "stop when the gradient norm falls below X (default 1e-5)", 0, 1e6 },
    { "rtol", 0, OPT_REAL, &O.rtol, "X", "lbfgs: stop when one iteration lowers the loss by less than X relative (default 1e-6)", 0, 1 },
    { "line-tol", 0, OPT_REAL, &O.line_tol, "X", "lbfgs: line-search tolerance in (0,1) (default 0.6)", 1e-6, 1 - 1e-6 },
    { "step", 0, OPT_REAL, &O.step, "X", "lbfgs: length of the first trial step (default 1)", 1e-12, 1e12 },
    { "lr", 0, OPT_REAL, &O.lr, "X", "adam learning rate (default 1e-3)", 1e-12, 1e3 },
    { "batch", 0, OPT_SIZE, &O.batch, "N", "adam mini-batch size (default 128)", 1, 1e9 },
    CLI_OPT_END
};

static void reset(void)
{
    memset(&O, 0, sizeof O);
    lk_logreg_config d = lk_logreg_defaults();
    O.l2 = d.l2;
    O.tol = d.gtol;
    O.lr = d.lr;
    O.batch = d.batch;
    O.rtol = d.rtol;
    O.line_tol = d.line_tol;
    O.step = d.step;
}

static int check(size_t n_features, size_t n_classes)
{
    (void)n_features;
    CFG = lk_logreg_defaults();
    if (O.solver) {
        lk_error err;
        if (lk_logreg_solver_parse(O.solver, &CFG.solver, "--solver", &err) != LK_OK)
            return cli_usage_err(&err);
    }
    CFG.l2 = O.l2;
    CFG.gtol = O.tol;
    CFG.lr = O.lr;
    CFG.batch = O.batch;
    CFG.rtol = O.rtol;
    CFG.line_tol = O.line_tol;
    CFG.step = O.step;
    CFG.comm = CLI_WORLD;
    CFG.max_iter = O.max_iter ? O.max_iter : CFG.solver == LK_LOGREG_ADAM ? 20 : CFG.max_iter;
    const char *why = lk_logreg_check(&CFG);
    if (why)
        return cli_usage("logreg: %s", why);
    if (n_classes == 1)
        return cli_usage("logreg: the training set has a single class");
    return 0;
}

/* Over every rank's share of the test rows (a collective). */
static double test_accuracy(const lk_logreg *m, const cli_run *run, lk_mat *scores)
{
    const lk_dataset *d = &run->split.test;
    if (run->n_test_total == 0)
        return NAN;
    if (d->n)
        lk_logreg_proba(m, &d->x, scores, NULL);
    return cli_world_accuracy(scores, d->y);
}

/* The result object (on r, the common keys) and the model, after a fit in
 * memory or streamed; takes r and *hist.  0 or an exit code. */
static int logreg_finish(const lk_logreg_trainer *t, const lk_logreg *m, const lk_prep *prep,
                         const lk_labels *labels, json_t *r, double train_s, json_t **hist,
                         json_t **result, lk_model **model)
{
    lk_error err;
    if (model &&
        (lk_logreg_save(m, prep, labels, model, &err) != LK_OK ||
         lk_model_put_str(*model, "train.solver", lk_logreg_solver_name(CFG.solver), &err) != LK_OK ||
         lk_model_put_real(*model, "train.l2", CFG.l2, &err) != LK_OK)) {
        json_decref(r);
        return cli_fail_err(&err);
    }
    json_object_set_new(r, "train_seconds", json_real(train_s));
    json_object_set_new(r, "iterations", json_integer((json_int_t)lk_logreg_iterations(t)));
    json_object_set_new(r, "final_loss", json_real(lk_logreg_loss(t)));
    json_object_set_new(r, "grad_norm", json_real(lk_logreg_grad_norm(t)));
    json_object_set_new(r, "stop", json_string(lk_train_state_name(lk_logreg_test(t))));
    json_object_set_new(r, "evaluations", json_integer((json_int_t)lk_logreg_evaluations(t)));
    json_object_set_new(r, "gflop", json_real(lk_logreg_flops(t) / 1e9));
    json_t *params = json_pack("{s:s,s:f,s:I,s:f}", "solver", lk_logreg_solver_name(CFG.solver),
                               "l2", CFG.l2, "max_iter", (json_int_t)CFG.max_iter, "tol", CFG.gtol);
    if (CFG.solver == LK_LOGREG_ADAM) {
        json_object_set_new(params, "lr", json_real(CFG.lr));
        json_object_set_new(params, "batch", json_integer((json_int_t)CFG.batch));
    }
    json_object_set_new(r, "params", params);
    json_object_set_new(r, "history", *hist);
    *hist = NULL;
    char note[160];
    snprintf(note, sizeof note, "%zu %s, final loss %.6f, gradient norm %.3g (%s)",
             lk_logreg_iterations(t), CFG.solver == LK_LOGREG_ADAM ? "epochs" : "iterations",
             lk_logreg_loss(t), lk_logreg_grad_norm(t), lk_train_state_name(lk_logreg_test(t)));
    json_t *notes = json_array();
    json_array_append_new(notes, json_string(note));
    json_object_set_new(r, "notes", notes);
    *result = r;
    return 0;
}

static int fit(cli_run *run, json_t **result, lk_model **model)
{
    const lk_split *sp = &run->split;
    lk_error err;
    lk_logreg m;
    lk_mat te_scores = { 0 };
    lk_logreg_trainer *t = NULL;
    json_t *hist = json_array();
    int rc = EXIT_FAILURE;
    if (lk_logreg_alloc(&m, sp->train.d, sp->labels.k, &err) != LK_OK ||
        lk_mat_alloc(&te_scores, sp->test.n, sp->labels.k, &err) != LK_OK) {
        rc = cli_fail_err(&err);
        goto done;
    }
    double t0 = cli_now();
    if (lk_logreg_trainer_alloc(&t, &m, &sp->train.x, sp->train.y, &CFG, run->rng, &err) != LK_OK) {
        rc = cli_fail_err(&err);
        goto done;
    }
    double train_s = cli_now() - t0;
    cli_progress prog;
    cli_progress_begin(&prog, "logreg", CFG.max_iter);
    lk_status s;
    do {
        double t1 = cli_now();
        s = lk_logreg_iterate(t, &err);
        train_s += cli_now() - t1;
        if (s == LK_ENUMERIC && CFG.solver == LK_LOGREG_ADAM)
            cli_err_hint(&err, "--lr");
        if (s != LK_OK)
            break;
        /* Test accuracy for the history, outside the timed training. */
        double te = test_accuracy(&m, run, &te_scores);
        size_t it = lk_logreg_iterations(t);
        json_array_append_new(hist, json_pack("{s:I,s:f,s:f,s:f,s:f,s:I}", "epoch", (json_int_t)it,
                                              "loss", lk_logreg_loss(t), "grad_norm",
                                              lk_logreg_grad_norm(t), "test_accuracy",
                                              isnan(te) ? 0.0 : te, "seconds", train_s,
                                              "evaluations",
                                              (json_int_t)lk_logreg_evaluations(t)));
        if (prog.tty)
            cli_progress_update(&prog, it);
        else
            cli_progress_line("logreg: %s %zu  loss %.6f  |grad| %.3g  test %.2f%%  %.2f s",
                              CFG.solver == LK_LOGREG_ADAM ? "epoch" : "iteration", it,
                              lk_logreg_loss(t), lk_logreg_grad_norm(t), 100 * te, train_s);
    } while (lk_logreg_test(t) == LK_TRAIN_CONTINUE);
    cli_progress_end(&prog);
    if (s != LK_OK) {
        rc = cli_fail_err(&err);
        goto done;
    }
    if ((rc = logreg_finish(t, &m, &run->prep, &sp->labels, cli_result_json(run, "logreg"),
                            train_s, &hist, result, model)) != 0)
        goto done;
    rc = 0;
done:
    json_decref(hist);
    lk_logreg_trainer_free(t);
    lk_mat_free(&te_scores);
    lk_logreg_free(&m);
    return rc;
}

static lk_status logreg_scores(const void *m, const lk_mat *x, lk_mat *scores, lk_error *err)
{
    return lk_logreg_proba(m, x, scores, err);
}

/* lbfgs over the training rows read in blocks: one pass per evaluation of
 * the loss, no per-iteration test accuracy (it would cost a pass over the
 * test rows); the accuracies are passes after training. */
int cli_logreg_fit_stream(cli_stream *st, json_t **result, lk_model **model)
{
    if (CFG.solver != LK_LOGREG_LBFGS)
        return cli_usage("logreg: --solver %s shuffles the rows in memory; streamed rows train "
                         "with lbfgs", lk_logreg_solver_name(CFG.solver));
    lk_error err;
    lk_logreg m;
    lk_blocks b;
    lk_logreg_trainer *t = NULL;
    json_t *hist = json_array();
    int rc;
    if (lk_logreg_alloc(&m, st->d, st->labels.k, &err) != LK_OK) {
        json_decref(hist);
        return cli_fail_err(&err);
    }
    double t0 = cli_now();
    if ((rc = cli_stream_train_blocks(st, &b)) != 0)
        goto done;
    lk_status s = lk_logreg_trainer_alloc_blocks(&t, &m, &b, &CFG, &err);
    cli_progress prog;
    cli_progress_begin(&prog, "logreg", CFG.max_iter);
    while (s == LK_OK && (s = lk_logreg_iterate(t, &err)) == LK_OK) {
        size_t it = lk_logreg_iterations(t);
        double secs = cli_now() - t0;
        json_array_append_new(hist, json_pack("{s:I,s:f,s:f,s:f,s:I}", "epoch", (json_int_t)it,
                                              "loss", lk_logreg_loss(t), "grad_norm",
                                              lk_logreg_grad_norm(t), "seconds", secs,
                                              "evaluations",
                                              (json_int_t)lk_logreg_evaluations(t)));
        if (prog.tty)
            cli_progress_update(&prog, it);
        else
            cli_progress_line("logreg: iteration %zu  loss %.6f  |grad| %.3g  %.2f s", it,
                              lk_logreg_loss(t), lk_logreg_grad_norm(t), secs);
        if (lk_logreg_test(t) != LK_TRAIN_CONTINUE)
            break;
    }
    cli_progress_end(&prog);
    cli_stream_release(st);
    double train_s = cli_now() - t0;
    if (s != LK_OK) {
        rc = cli_fail_err(&err);
        goto done;
    }
    double acc_tr, acc_te;
    if ((rc = cli_stream_accuracy(st, 0, logreg_scores, &m, &acc_tr)) != 0 ||
        (rc = cli_stream_accuracy(st, 1, logreg_scores, &m, &acc_te)) != 0)
        goto done;
    json_t *r = cli_stream_result_json(st, "logreg", train_s);
    if (!isnan(acc_tr))
        json_object_set_new(r, "train_accuracy", json_real(acc_tr));
    if (!isnan(acc_te))
        json_object_set_new(r, "test_accuracy", json_real(acc_te));
    rc = logreg_finish(t, &m, &st->prep, &st->labels, r, train_s, &hist, result, model);
done:
    json_decref(hist);
    lk_logreg_trainer_free(t);
    lk_logreg_free(&m);
    return rc;
}

const cli_learner CLI_LEARNER_LOGREG = {
    "logreg", "iterative", "[--l2 X] [--solver lbfgs|adam] [DATA]",
    "Multinomial logistic (softmax) regression with an L2 penalty on the weights.\n"
    "lbfgs: full-batch quasi-Newton (GSL vector_bfgs2), loss and gradient over the\n"
    "whole training set by two GEMMs per evaluation; stops at --max-iter, at a\n"
    "gradient norm below --tol, or when the loss stops decreasing.  adam:\n"
    "mini-batches through the Adam optimizer, --max-iter epochs.  Two classes are\n"
    "a softmax of two.  Reports iterations, final loss and gradient norm.  With\n"
    "--stream (or above --max-memory, or under mpirun) lbfgs reads the training\n"
    "rows in blocks, one pass per evaluation of the loss, and gives the model it\n"
    "gives in memory.",
    OPTS, reset, check, fit, NULL
};

int cmd_logreg(int argc, char **argv) { return cli_learner_main(&CLI_LEARNER_LOGREG, argc, argv); }
