/* cmd_lsq.c — learnkit lsq: the closed-form least-squares classifier. */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include "commands.h"
#include "learner.h"
#include "stream.h"

static struct {
    const char *c;
    lk_lsq_params p;
} Q;

static const cli_opt LSQ_OPTS[] = {
    { "C", 0, OPT_STR, &Q.c, "X|auto",
      "regularization C (lambda = 1/C), or auto: the C of 10^-2..10^8 with the fewest "
      "leave-one-out errors (default auto)", 0, 0 },
    CLI_OPT_END
};

static void lsq_reset(void)
{
    memset(&Q, 0, sizeof Q);
    Q.p = lk_lsq_params_default();
}

static int lsq_check(size_t n_features, size_t n_classes)
{
    (void)n_features;
    (void)n_classes;
    Q.p = lk_lsq_params_default();
    if (Q.c) {
        Q.p.c_auto = strcmp(Q.c, "auto") == 0;
        if (!Q.p.c_auto && cli_parse_real("--C", Q.c, 1e-300, 1e300, &Q.p.C))
            return EXIT_USAGE;
    }
    Q.p.comm = CLI_WORLD;
    const char *bad = lk_lsq_check(&Q.p);
    return bad ? cli_usage("lsq: %s", bad) : 0;
}

/* The result object (on r, the common keys); frees m.  The accuracies come
 * from a streamed fit; in memory cli_run_accuracy adds them (NAN here). */
static int lsq_finish(lk_lsq *m, const lk_lsq_report *rep, json_t *r, double train_s,
                      double acc_tr, double acc_te, json_t **result)
{
    if (Q.p.c_auto)
        cli_notice("lsq: chose C = %g (leave-one-out error %.2f%%)%s", rep->C,
                   100 * rep->loo_error, Q.c ? "" : " (default: C by leave-one-out)");
    json_object_set_new(r, "train_seconds", json_real(train_s));
    if (!isnan(acc_tr))
        json_object_set_new(r, "train_accuracy", json_real(acc_tr));
    if (!isnan(acc_te))
        json_object_set_new(r, "test_accuracy", json_real(acc_te));
    json_object_set_new(r, "params", json_pack("{s:f,s:b}", "C", rep->C, "C_auto", Q.p.c_auto));
    json_object_set_new(r, "gflop", json_real(1e-9 * rep->flops));
    if (Q.p.c_auto) {
        json_object_set_new(r, "chosen_C", json_real(rep->C));
        json_object_set_new(r, "loo_error", json_real(rep->loo_error));
        json_object_set_new(r, "select_seconds", json_real(rep->select_seconds));
        char line[128];
        snprintf(line, sizeof line, "chosen C         %g (leave-one-out error %.2f%%)", rep->C,
                 100 * rep->loo_error);
        json_object_set_new(r, "notes", json_pack("[s]", line));
    }
    *result = r;
    lk_lsq_free(m);
    return 0;
}

static int lsq_fit(cli_run *run, json_t **result, lk_model **model)
{
    const lk_dataset *tr = &run->split.train;
    size_t k = run->split.labels.k;
    lk_lsq m;
    lk_lsq_report rep;
    lk_error err;
    double t0 = cli_now();
    lk_status s = lk_lsq_fit(&m, &Q.p, &tr->x, tr->y, k, &rep, &err);
    double train_s = cli_now() - t0;
    if (s != LK_OK)
        return cli_fail_err(&err);
    if ((s = lk_lsq_save(&m, &run->prep, &run->split.labels, model, &err)) != LK_OK) {
        lk_lsq_free(&m);
        return cli_fail_err(&err);
    }
    return lsq_finish(&m, &rep, cli_result_json(run, "lsq"), train_s, NAN, NAN, result);
}

static lk_status lsq_scores(const void *m, const lk_mat *x, lk_mat *scores, lk_error *err)
{
    return lk_lsq_scores(m, x, scores, err);
}

int cli_lsq_fit_stream(cli_stream *st, json_t **result, lk_model **model)
{
    lk_lsq m;
    lk_lsq_report rep;
    lk_error err;
    lk_blocks b;
    double t0 = cli_now();
    int rc = cli_stream_train_blocks(st, &b);
    if (rc)
        return rc;
    lk_status s = lk_lsq_fit_blocks(&m, &Q.p, &b, st->labels.k, &rep, &err);
    cli_stream_release(st);
    double train_s = cli_now() - t0;
    if (s != LK_OK)
        return cli_fail_err(&err);
    double acc_tr, acc_te;
    if ((rc = cli_stream_accuracy(st, 0, lsq_scores, &m, &acc_tr)) != 0 ||
        (rc = cli_stream_accuracy(st, 1, lsq_scores, &m, &acc_te)) != 0) {
        lk_lsq_free(&m);
        return rc;
    }
    if (model && (s = lk_lsq_save(&m, &st->prep, &st->labels, model, &err)) != LK_OK) {
        lk_lsq_free(&m);
        return cli_fail_err(&err);
    }
    return lsq_finish(&m, &rep, cli_stream_result_json(st, "lsq", train_s), train_s, acc_tr,
                      acc_te, result);
}

extern const cli_learner CLI_LEARNER_LSQ; /* for compare */
const cli_learner CLI_LEARNER_LSQ = {
    "lsq", "closed-form", "[--C X|auto] [DATA]",
    "Least-squares classifier: ridge regression of one-hot targets with an unpenalized bias\n"
    "per class, (X'X + I/C) W = X'T by Cholesky in double; the class is the argmax.  By\n"
    "default C is the value of 10^-2..10^8 with the fewest exact leave-one-out errors (said\n"
    "on stderr and in --json params); --C 1 is scikit-learn's RidgeClassifier().",
    LSQ_OPTS, lsq_reset, lsq_check, lsq_fit, NULL
};

int cmd_lsq(int argc, char **argv)
{
    return cli_learner_main(&CLI_LEARNER_LSQ, argc, argv);
}
