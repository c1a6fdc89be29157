/* cmd_elm.c — learnkit elm: the Extreme Learning Machine in closed form. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "commands.h"
#include "learner.h"
#include "stream.h"

static struct {
    size_t hidden;
    const char *activation, *weights, *solver, *c;
    double rcond;
    lk_elm_params p;     /* filled by check */
} E;

static const cli_opt ELM_OPTS[] = {
    { "hidden", 0, OPT_SIZE, &E.hidden, "N",
      "hidden units (default: as many as training rows, at most 1000)", 1, 1e15 },
    { "activation", 0, OPT_STR, &E.activation, "ACT",
      "hidden activation: sigmoid, tanh, relu, ... (default sigmoid)", 0, 0 },
    { "weights", 0, OPT_STR, &E.weights, "uniform|gaussian",
      "input weights U[-1,1] and biases U[0,1], or normal with the same moments "
      "(default uniform)", 0, 0 },
    { "solver", 0, OPT_STR, &E.solver, "svd|ridge|auto",
      "svd: minimum-norm least squares (TSQR + SVD); ridge: (H'H + I/C) b = H'T, "
      "streamed, or in the n x n dual when rows are fewer than units; auto (default): svd "
      "with at least 10 training rows per unit, else ridge with --C auto", 0, 0 },
    { "C", 0, OPT_STR, &E.c, "X|auto",
      "ridge: regularization C (lambda = 1/C), or auto: the C of 10^-2..10^8 with the fewest "
      "leave-one-out errors (default 1000 with --solver ridge; auto when the solver is "
      "chosen; a C alone implies ridge)", 0, 0 },
    { "rcond", 0, OPT_REAL, &E.rcond, "X",
      "svd: drop singular values below X times the largest (default 1e-6; 1e-12 in a double build)", 0, 0.999 },
    CLI_OPT_END
};

static void elm_reset(void)
{
    memset(&E, 0, sizeof E);
    E.p = lk_elm_params_default();
    E.hidden = 0;
    E.rcond = E.p.rcond;
}

static int elm_check(size_t n_features, size_t n_classes)
{
    (void)n_features;
    (void)n_classes;
    lk_elm_params *p = &E.p;
    *p = lk_elm_params_default();
    p->hidden = E.hidden;   /* 0: by the rows */
    p->solver = LK_ELM_AUTO;
    p->rcond = E.rcond;
    lk_error err;
    if (E.activation && lk_act_parse(E.activation, &p->act, "--activation", &err) != LK_OK)
        return cli_usage_err(&err);
    int k;
    if (E.weights) {
        static const char *const names[] = { "uniform", "gaussian", NULL };
        static const lk_elm_weights map[] = { LK_ELM_UNIFORM, LK_ELM_GAUSSIAN };
        if (cli_pick("--weights", E.weights, names, &k))
            return EXIT_USAGE;
        p->weights = map[k];
    }
    if (E.solver) {
        static const char *const names[] = { "svd", "ridge", "auto", NULL };
        static const lk_elm_solver map[] = { LK_ELM_SVD, LK_ELM_RIDGE, LK_ELM_AUTO };
        if (cli_pick("--solver", E.solver, names, &k))
            return EXIT_USAGE;
        p->solver = map[k];
    }
    if (E.c) {
        if (p->solver == LK_ELM_SVD)
            return cli_usage("--C: only the ridge solver is regularized (add --solver ridge)");
        p->solver = LK_ELM_RIDGE;
        if (strcmp(E.c, "auto") == 0)
            p->c_auto = 1;
        else if (cli_parse_real("--C", E.c, 1e-300, 1e300, &p->C))
            return EXIT_USAGE;
    }
    if (cli_max_memory(&p->max_memory))
        return EXIT_USAGE;
    p->comm = CLI_WORLD;
    const char *bad = lk_elm_check(p);
    if (bad)
        return cli_usage("elm: %s", bad);
    return 0;
}

static json_t *params_json(const lk_elm_params *p, const lk_elm_report *r)
{
    char act[64];
    lk_act_format(&p->act, act, sizeof act);
    json_t *o = json_pack("{s:I,s:s,s:s,s:s}", "hidden", (json_int_t)r->hidden, "activation", act,
                          "weights", p->weights == LK_ELM_UNIFORM ? "uniform" : "gaussian",
                          "solver", r->solver == LK_ELM_SVD ? "svd" : "ridge");
    if (r->solver == LK_ELM_SVD) {
        json_object_set_new(o, "rcond", json_real(p->rcond));
    } else {
        json_object_set_new(o, "C", json_real(r->C));
        json_object_set_new(o, "C_auto", json_boolean(r->c_auto));
        json_object_set_new(o, "dual", json_boolean(r->dual));
    }
    json_object_set_new(o, "hidden_from_rows", json_boolean(p->hidden == 0));
    json_object_set_new(o, "solver_from_rows", json_boolean(p->solver == LK_ELM_AUTO));
    json_object_set_new(o, "seed", json_integer(CLI.seed));
    return o;
}

/* Say on stderr what the data chose. */
static void say_defaults(const lk_elm_params *p, const lk_elm_report *r, size_t n)
{
    if (p->hidden == 0)
        cli_notice("elm: %zu hidden units (default: as many as the %zu training rows, at most "
                   "%d)", r->hidden, n, LK_ELM_HIDDEN_MAX);
    if (p->solver == LK_ELM_AUTO)
        cli_notice("elm: solver %s (default: svd with at least %d training rows per unit, "
                   "else ridge with C by leave-one-out)%s",
                   r->solver == LK_ELM_SVD ? "svd" : "ridge", LK_ELM_SVD_ROWS_PER_UNIT,
                   r->dual ? "; ridge in the rows' dual" : "");
}

/* The summary, the result object (on r, the common keys) and the model. */
/* The summary and the result object (on r, the common keys); with model,
 * the model too.  The accuracies and the evaluation time are given by a
 * streamed fit; in memory cli_run_accuracy adds them (NAN here). */
static int elm_finish(lk_elm *m, const lk_elm_report *rep, json_t *r, size_t n_rows,
                      double train_s, double acc_tr, double acc_te, double eval_s,
                      double eval_flops, const lk_prep *prep, const lk_labels *labels,
                      json_t **result, lk_model **model)
{
    lk_error err;
    say_defaults(&E.p, rep, n_rows);
    char sel[64] = "";
    if (rep->c_auto)
        snprintf(sel, sizeof sel, ", choosing C %.2f s", rep->select_seconds);
    cli_notice("elm: hidden layer %.2f s, solve %.2f s%s; %.1f GFLOP in training",
               rep->hidden_seconds, rep->solve_seconds, sel,
               1e-9 * (rep->hidden_flops + rep->solve_flops + rep->select_flops));
    if (rep->solver == LK_ELM_SVD)
        cli_notice("elm: rank %d of %zu (singular values %.3g to %.3g kept)", rep->rank,
                   rep->hidden, rep->sigma_max, rep->sigma_min_kept);
    else if (rep->c_auto)
        cli_notice("elm: chose C = %g (leave-one-out error %.2f%%)", rep->C, 100 * rep->loo_error);

    json_object_set_new(r, "train_seconds", json_real(train_s));
    if (!isnan(acc_tr))
        json_object_set_new(r, "train_accuracy", json_real(acc_tr));
    if (!isnan(acc_te))
        json_object_set_new(r, "test_accuracy", json_real(acc_te));
    json_object_set_new(r, "params", params_json(&E.p, rep));
    json_object_set_new(r, "gflop", json_real(1e-9 * (rep->hidden_flops + rep->solve_flops +
                                                      rep->select_flops)));
    json_t *ph = json_pack("{s:f,s:f,s:f}", "hidden", rep->hidden_seconds, "solve",
                           rep->solve_seconds, "select_C", rep->select_seconds);
    if (!isnan(eval_s))
        json_object_set_new(ph, "evaluation", json_real(eval_s));
    json_object_set_new(r, "phase_seconds", ph);
    json_object_set_new(r, "phase_gflop",
                        json_pack("{s:f,s:f,s:f,s:f}", "hidden", 1e-9 * rep->hidden_flops,
                                  "solve", 1e-9 * rep->solve_flops, "select_C",
                                  1e-9 * rep->select_flops, "evaluation", 1e-9 * eval_flops));
    json_object_set_new(r, "memory_estimate_bytes", json_integer((json_int_t)rep->memory_bytes));
    if (rep->solver == LK_ELM_SVD)
        json_object_set_new(r, "rank", json_integer(rep->rank));
    if (rep->c_auto) {
        json_object_set_new(r, "chosen_C", json_real(rep->C));
        json_object_set_new(r, "loo_error", json_real(rep->loo_error));
        json_t *notes = json_array();
        char line[128];
        snprintf(line, sizeof line, "chosen C         %g (leave-one-out error %.2f%%)", rep->C,
                 100 * rep->loo_error);
        json_array_append_new(notes, json_string(line));
        json_object_set_new(r, "notes", notes);
    }
    *result = r;
    if (model && lk_elm_save(m, prep, labels, model, &err) != LK_OK) {
        lk_elm_free(m);
        json_decref(r);
        *result = NULL;
        return cli_fail_err(&err);
    }
    lk_elm_free(m);
    return 0;
}

static int elm_fit(cli_run *run, json_t **result, lk_model **model)
{
    const lk_dataset *tr = &run->split.train, *te = &run->split.test;
    size_t k = run->split.labels.k;
    lk_elm m;
    lk_elm_report rep;
    lk_error err;
    double t0 = cli_now();
    lk_status s = lk_elm_fit(&m, &E.p, &tr->x, tr->y, k, run->rng, &rep, &err);
    double train_s = cli_now() - t0;
    if (s != LK_OK)
        return cli_fail_err(&err);
    if ((s = lk_elm_save(&m, &run->prep, &run->split.labels, model, &err)) != LK_OK) {
        lk_elm_free(&m);
        return cli_fail_err(&err);
    }
    double eval_flops = 2.0 * (double)(tr->n + te->n) * (double)rep.hidden *
                        (double)(tr->d + k);
    return elm_finish(&m, &rep, cli_result_json(run, "elm"), run->n_train_total, train_s, NAN,
                      NAN, NAN, eval_flops, NULL, NULL, result, NULL);
}

static lk_status elm_scores(const void *m, const lk_mat *x, lk_mat *scores, lk_error *err)
{
    return lk_elm_scores(m, x, scores, err);
}

int cli_elm_fit_stream(cli_stream *st, json_t **result, lk_model **model)
{
    size_t k = st->labels.k;
    lk_elm m;
    lk_elm_report rep;
    lk_error err;
    lk_blocks b;
    double t0 = cli_now();
    int rc = cli_stream_train_blocks(st, &b);
    if (rc)
        return rc;
    /* The rows are known from the first pass: the width and solver follow
     * them as in memory (a stream fits in the primal even with fewer rows
     * than units; the model is the same). */
    lk_elm_params p = lk_elm_params_resolve(&E.p, st->n_train);
    lk_status s = lk_elm_fit_blocks(&m, &p, &b, k, st->rng, &rep, &err);
    cli_stream_release(st);
    double train_s = cli_now() - t0;
    if (s != LK_OK)
        return cli_fail_err(&err);
    t0 = cli_now();
    double acc_tr, acc_te;
    if ((rc = cli_stream_accuracy(st, 0, elm_scores, &m, &acc_tr)) != 0 ||
        (rc = cli_stream_accuracy(st, 1, elm_scores, &m, &acc_te)) != 0) {
        lk_elm_free(&m);
        return rc;
    }
    double eval_s = cli_now() - t0;
    double eval_flops = 2.0 * (double)(st->n_train + st->n_test) * (double)rep.hidden *
                        (double)(st->d + k);
    return elm_finish(&m, &rep, cli_stream_result_json(st, "elm", train_s), st->n_train,
                      train_s, acc_tr, acc_te, eval_s, eval_flops, &st->prep, &st->labels,
                      result, model);
}

extern const cli_learner CLI_LEARNER_ELM; /* for compare */
const cli_learner CLI_LEARNER_ELM = {
    "elm", "closed-form",
    "[--hidden N] [--activation ACT] [--weights uniform|gaussian] [--solver svd|ridge|auto] "
    "[--C X|auto] [--rcond X] [--max-memory SIZE] [DATA]",
    "Extreme Learning Machine: a random hidden layer H = G(X A' + b) and output weights\n"
    "fitted in closed form, by the pseudoinverse (svd) or regularized least squares (ridge).\n"
    "Defaults fit the data: as many hidden units as training rows, at most 1000; svd when\n"
    "there are at least 10 training rows per unit (MNIST: 1000 units, svd), else ridge\n"
    "with C chosen by exact leave-one-out, which never interpolates the rows (in the n x n\n"
    "dual when rows are fewer than units).  The choices are said on stderr and given in\n"
    "--json params.",
    ELM_OPTS, elm_reset, elm_check, elm_fit, NULL
};

int cmd_elm(int argc, char **argv)
{
    return cli_learner_main(&CLI_LEARNER_ELM, argc, argv);
}
