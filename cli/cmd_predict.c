/* cmd_predict.c — `learnkit predict -m MODEL [DATA]`: labels, one per line. */
#include <math.h>
#include "commands.h"
#include "learner.h"
#include "scored.h"

static const char USAGE[] = "-m MODEL [--proba] [DATA]";
static const char ABOUT[] =
    "Print the predicted label of every row of DATA, one per line, in input order,\n"
    "as the original labels the model was trained with.  The rows are DATA's test\n"
    "set (an IDX directory's t10k files, or --test FILE); a single file is read\n"
    "whole, or in row blocks with --stream (or above --max-memory).  The model's own preprocessing is applied.  With --proba, print one CSV\n"
    "row of class probabilities per sample instead, under a header of the labels\n"
    "(refused for models whose outputs are scores, not probabilities).";

/* One line per row: the label, or (proba) the class probabilities. */
static int print_rows(void *ctx, const cli_scored *s, const lk_mat *scores, const uint32_t *truth,
                      const unsigned char *known)
{
    (void)truth;
    (void)known;
    int proba = *(const int *)ctx;
    for (size_t i = 0; i < scores->rows; i++) {
        const lk_real *r = lk_mat_row(scores, i);
        if (proba) {
            for (size_t c = 0; c < s->classes.k; c++)
                printf("%s%.6g", c ? "," : "", (double)r[c]);
            printf("\n");
        } else {
            printf("%s\n", s->classes.names[lk_argmax(r, s->classes.k)]);
        }
    }
    return ferror(stdout) ? cli_fail("cannot write the predictions") : 0;
}

int cmd_predict(int argc, char **argv)
{
    static const char *model;
    static int proba;
    const cli_opt own[] = {
        { "model", 'm', OPT_STR, &model, "MODEL", "the model file (required)", 0, 0 },
        { "proba", 0, OPT_FLAG, &proba, NULL, "print class probabilities as CSV", 0, 0 },
        CLI_OPT_END
    };
    const cli_opt *const tables[] = { own, CLI_DATA_OPTS, CLI_COMMON_OPTS, NULL };
    const char *pos[1];
    size_t n_pos;
    int rc = cli_parse("predict", argc, argv, tables, pos, 1, &n_pos);
    if (rc)
        return rc;
    if (CLI.help) {
        cli_help(stdout, "predict", USAGE, ABOUT, tables);
        return 0;
    }
    if (!model)
        return cli_usage("predict: -m MODEL is required");
    cli_apply_common();
    cli_scored s;
    if ((rc = cli_score_open(model, &s)) != 0)
        return rc;
    if (proba && !s.probability) {
        rc = cli_usage("predict: a %s model gives scores, not probabilities: --proba is "
                       "refused rather than invented", lk_model_kind(s.model));
        cli_scored_free(&s);
        return rc;
    }
    if (proba) {
        for (size_t c = 0; c < s.classes.k; c++)
            printf("%s%s", c ? "," : "", s.classes.names[c]);
        printf("\n");
    }
    rc = cli_score_each(&s, "predict", n_pos ? pos[0] : NULL, print_rows, &proba);
    if (rc == 0 && fflush(stdout) != 0)
        rc = cli_fail("cannot write the predictions");
    cli_scored_free(&s);
    return rc;
}
