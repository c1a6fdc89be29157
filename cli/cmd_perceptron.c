/* cmd_perceptron.c — `learnkit perceptron`: the mistake-driven perceptron. */
#include <math.h>
#include <string.h>
#include "learner.h"
#include "commands.h"

static struct {
    size_t epochs;
    int averaged;
    double eta;
} O;

static const cli_opt OPTS[] = {
    { "epochs", 0, OPT_SIZE, &O.epochs, "N", "epoch budget; stops early on an epoch without mistakes (default 10)", 1, 1e7 },
    { "averaged", 0, OPT_FLAG, &O.averaged, NULL, "predict with the weights averaged over every sample visit", 0, 0 },
    { "eta", 0, OPT_REAL, &O.eta, "X", "step size (default 1; from a zero start it only scales the weights)", 1e-12, 1e12 },
    CLI_OPT_END
};

static void reset(void)
{
    lk_perceptron_config d = lk_perceptron_defaults();
    O.epochs = d.epochs;
    O.averaged = 0;
    O.eta = d.eta;
}

static int check(size_t n_features, size_t n_classes)
{
    (void)n_features;
    if (n_classes == 1)
        return cli_usage("perceptron: the training set has a single class");
    return 0;
}

/* Over every rank's share of the test rows (a collective). */
static double accuracy(const lk_perceptron *p, const cli_run *run, lk_mat *scores)
{
    const lk_dataset *d = &run->split.test;
    if (run->n_test_total == 0)
        return NAN;
    if (d->n)
        lk_perceptron_scores(p, &d->x, scores, NULL);
    return cli_world_accuracy(scores, d->y);
}

static int fit(cli_run *run, json_t **result, lk_model **model)
{
    const lk_split *sp = &run->split;
    size_t k = sp->labels.k;
    lk_perceptron_config cfg = lk_perceptron_defaults();
    cfg.epochs = O.epochs;
    cfg.averaged = O.averaged;
    cfg.eta = O.eta;
    cfg.comm = CLI_WORLD;
    lk_error err;
    lk_perceptron p = { 0 }, avg = { 0 };
    lk_mat te_scores = { 0 };
    lk_perceptron_trainer *t = NULL;
    json_t *hist = json_array();
    int rc = EXIT_FAILURE;
    if (lk_perceptron_alloc(&p, sp->train.d, k, &err) != LK_OK ||
        lk_perceptron_alloc(&avg, sp->train.d, k, &err) != LK_OK ||
        lk_mat_alloc(&te_scores, sp->test.n, k, &err) != LK_OK) {
        rc = cli_fail_err(&err);
        goto done;
    }
    double t0 = cli_now();
    if (lk_perceptron_trainer_alloc(&t, &p, &sp->train.x, sp->train.y, &cfg, run->rng, &err)
        != LK_OK) {
        rc = cli_fail_err(&err);
        goto done;
    }
    double train_s = cli_now() - t0;
    cli_progress prog;
    cli_progress_begin(&prog, "perceptron", cfg.epochs);
    do {
        double t1 = cli_now();
        lk_status st = lk_perceptron_iterate(t, &err);
        train_s += cli_now() - t1;
        if (st != LK_OK) {
            cli_progress_end(&prog);
            rc = cli_fail_err(&err);
            goto done;
        }
        /* Test accuracy of the weights a stop here would return (averaged
         * if asked), outside the timed training. */
        /* Under mpirun, the average of every rank's visits: one model. */
        if ((st = lk_perceptron_average_all(t, &avg, &err)) != LK_OK) {
            cli_progress_end(&prog);
            rc = cli_fail_err(&err);
            goto done;
        }
        double te = accuracy(&avg, run, &te_scores);
        size_t e = lk_perceptron_epochs(t), mk = lk_perceptron_mistakes(t);
        json_array_append_new(hist, json_pack("{s:I,s:f,s:I,s:f,s:f}", "epoch", (json_int_t)e,
                                              "loss", lk_perceptron_epoch_loss(t), "mistakes",
                                              (json_int_t)mk, "test_accuracy",
                                              isnan(te) ? 0.0 : te, "seconds", train_s));
        if (prog.tty)
            cli_progress_update(&prog, e);
        else
            cli_progress_line("perceptron: epoch %zu  mistakes %zu (%.2f%%)  loss %.4f  test %.2f%%  %.2f s",
                              e, mk, 100.0 * (double)mk / (double)run->n_train_total,
                              lk_perceptron_epoch_loss(t), 100 * te, train_s);
    } while (lk_perceptron_test(t) == LK_TRAIN_CONTINUE);
    cli_progress_end(&prog);
    int converged = lk_perceptron_converged(t);
    double t2 = cli_now();
    lk_perceptron_trainer_finish(t);
    train_s += cli_now() - t2;

    if (lk_perceptron_save(&p, &run->prep, &sp->labels, model, &err) != LK_OK ||
        lk_model_put_int(*model, "train.averaged", cfg.averaged, &err) != LK_OK) {
        rc = cli_fail_err(&err);
        goto done;
    }
    json_t *r = cli_result_json(run, "perceptron");
    json_object_set_new(r, "train_seconds", json_real(train_s));
    json_object_set_new(r, "epochs", json_integer((json_int_t)lk_perceptron_epochs(t)));
    json_object_set_new(r, "updates", json_integer((json_int_t)lk_perceptron_total_mistakes(t)));
    json_object_set_new(r, "converged", json_boolean(converged));
    json_object_set_new(r, "params", json_pack("{s:I,s:b,s:f}", "epochs", (json_int_t)cfg.epochs,
                                               "averaged", cfg.averaged, "eta", cfg.eta));
    json_object_set_new(r, "history", hist);
    hist = NULL;
    char note[160];
    if (converged)
        snprintf(note, sizeof note, "separated the training set after %zu epochs (%zu updates)",
                 lk_perceptron_epochs(t), lk_perceptron_total_mistakes(t));
    else
        snprintf(note, sizeof note, "not separable within %zu epochs: %zu updates, %zu in the last epoch",
                 lk_perceptron_epochs(t), lk_perceptron_total_mistakes(t), lk_perceptron_mistakes(t));
    json_t *notes = json_array();
    json_array_append_new(notes, json_string(note));
    json_object_set_new(r, "notes", notes);
    *result = r;
    rc = 0;
done:
    json_decref(hist);
    lk_perceptron_trainer_free(t);
    lk_mat_free(&te_scores);
    lk_perceptron_free(&p);
    lk_perceptron_free(&avg);
    return rc;
}

const cli_learner CLI_LEARNER_PERCEPTRON = {
    "perceptron", "iterative", "[--epochs N] [--averaged] [DATA]",
    "Rosenblatt's perceptron: one weight vector and bias per class (one in all\n"
    "for two classes), updated on each mistake, samples in a fresh seeded order\n"
    "every epoch.  Stops after --epochs or on an epoch without mistakes.\n"
    "--averaged predicts with the mean of the weights over every sample visit.",
    OPTS, reset, check, fit, NULL
};

int cmd_perceptron(int argc, char **argv)
{
    return cli_learner_main(&CLI_LEARNER_PERCEPTRON, argc, argv);
}
