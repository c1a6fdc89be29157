/* cmd_score.c — `learnkit score -m AE_MODEL [DATA]`: the reconstruction
 * error of every row (an outlier score) and, given the outlying class, the
 * ROC AUC of that score. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <learnkit/ae_codes.h>
#include "commands.h"
#include "learner.h"
#include "ae_rows.h"

static const char USAGE[] = "-m AE_MODEL [--anomaly LABEL] [-o FILE] [DATA]";
static const char ABOUT[] =
    "Print the reconstruction error of every row of DATA under an autoencoder saved\n"
    "by 'learnkit ae -o', one per line in input order: the mean squared difference\n"
    "per value between the row and its reconstruction (backprop stacks: every\n"
    "encoder then every decoder; mda: the first layer's map; an ELM autoencoder\n"
    "keeps no decoder and is refused).  A high score marks a row unlike the\n"
    "training rows.  With --anomaly LABEL (the label of the outlying class), also\n"
    "the ROC AUC of the score for telling that class from the others, on stderr\n"
    "(and in --json, which prints one object with the scores instead of lines).\n"
    "The rows are DATA's test set or, for a single file, every row.";

typedef struct score_run {
    const char *anomaly;
    double auc;
    size_t positives;
} score_run;

/* Which rows carry the label O.anomaly, and the AUC of score for them. */
static int roc(const cli_ae_rows *r, const double *score, score_run *sr)
{
    const lk_dataset *d = &r->split.test;
    int *pos = calloc(d->n ? d->n : 1, sizeof *pos);
    if (!pos)
        return cli_fail("out of memory");
    for (size_t i = 0; i < d->n; i++)
        sr->positives += pos[i] = strcmp(cli_ae_rows_label(r, i), sr->anomaly) == 0;
    int rc = 0;
    lk_error err;
    if (sr->positives == 0)
        rc = cli_fail("%s: no row has the label '%s' (--anomaly)", r->split.test_source,
                      sr->anomaly);
    else if (lk_roc_auc(score, pos, d->n, &sr->auc, &err) != LK_OK)
        rc = cli_fail_err(&err);
    free(pos);
    return rc;
}

static int print_json(const double *score, size_t n, const score_run *sr, const char *source)
{
    json_t *a = json_array(), *o = json_object();
    double mean = 0;
    for (size_t i = 0; i < n; i++) {
        json_array_append_new(a, json_real(score[i]));
        mean += score[i];
    }
    json_object_set_new(o, "source", json_string(source));
    json_object_set_new(o, "rows", json_integer((json_int_t)n));
    json_object_set_new(o, "mean_score", json_real(n ? mean / (double)n : 0));
    if (sr->anomaly) {
        json_object_set_new(o, "anomaly", json_string(sr->anomaly));
        json_object_set_new(o, "anomalies", json_integer((json_int_t)sr->positives));
        json_object_set_new(o, "roc_auc", json_real(sr->auc));
    }
    json_object_set_new(o, "scores", a);
    int rc = json_dumpf(o, stdout, JSON_INDENT(2) | JSON_REAL_PRECISION(7)) == 0 ? 0 : 1;
    json_decref(o);
    printf("\n");
    return rc ? cli_fail("cannot write to standard output") : 0;
}

int cmd_score(int argc, char **argv)
{
    static const char *anomaly;
    const char *model;
    const cli_opt own[] = {
        { "anomaly", 0, OPT_STR, &anomaly, "LABEL",
          "the label of the outlying class: also report the ROC AUC", 0, 0 },
        { "output", 'o', OPT_STR, &CLI.output, "FILE",
          "write the scores to FILE (atomically) instead of stdout", 0, 0 },
        CLI_OPT_END
    };
    const char *spec;
    int rc = cli_ae_parse("score", argc, argv, own, USAGE, ABOUT, &model, &spec);
    if (rc >= 0)
        return rc;
    if (CLI.json && CLI.output)
        return cli_usage("score: --json prints the scores on stdout; leave out -o");
    cli_apply_common();
    cli_ae_rows r;
    if ((rc = cli_ae_rows_load(model, spec, &r)) != 0)
        return rc;
    const lk_dataset *d = &r.split.test;
    lk_error err;
    score_run sr = { .anomaly = anomaly };
    double *score = malloc((d->n ? d->n : 1) * sizeof *score);
    cli_text_out out;
    if (!score) {
        rc = cli_fail("out of memory");
    } else if (lk_ae_scores(&r.st, &d->x, score, &err) != LK_OK) {
        if (err.source[0] == 'a' && strcmp(err.source, "ae") == 0)
            snprintf(err.source, sizeof err.source, "%s", model);
        rc = cli_fail_err(&err);
    } else if (anomaly && (rc = roc(&r, score, &sr)) != 0) {
        /* printed */
    } else if (CLI.json) {
        rc = print_json(score, d->n, &sr, r.split.test_source);
    } else if ((rc = cli_text_open(&out, CLI.output)) == 0) {
        for (size_t i = 0; i < d->n; i++)
            fprintf(out.f, "%.7g\n", score[i]);
        rc = cli_text_close(&out);
    }
    /* The AUC is a result, not progress: -q does not hide it. */
    if (rc == 0 && anomaly && !CLI.json)
        fprintf(stderr, "learnkit: ROC AUC %.4f for label '%s' (%zu of %zu rows)\n", sr.auc,
                anomaly, sr.positives, d->n);
    free(score);
    cli_ae_rows_free(&r);
    return rc;
}
