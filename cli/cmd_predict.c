/* cmd_predict.c — learnkit predict: a saved model's predictions for DATA. */
#include <stdlib.h>
#include <string.h>
#include "apply.h"
#include "commands.h"

static struct {
    const char *model;
    int proba;
} O;

static const cli_opt OPTS[] = {
    { "model", 'm', OPT_STR, &O.model, "MODEL", "the saved model (required)", 0, 0 },
    { "proba", 0, OPT_FLAG, &O.proba, NULL,
      "print class probabilities as CSV rows (only for models whose outputs are "
      "probabilities)", 0, 0 },
    CLI_OPT_END
};

static const char ABOUT[] =
    "Print the predicted label of every test row of DATA, one per line, in input\n"
    "order, as the original label text.  The model's saved preprocessing and label\n"
    "map are applied (never refitted); data of another width is refused.  For a\n"
    "file DATA without --test every row of the file is predicted; for a named\n"
    "dataset or an IDX directory, its test set.\n"
    "--proba prints one CSV row per sample, with a header of the class labels:\n"
    "the model's probabilities (mlp, logreg, ae with classify: softmax outputs).\n"
    "Models whose outputs are raw scores (elm, lsq, perceptron) refuse --proba:\n"
    "a softmax of least-squares scores is not a probability.";

int cmd_predict(int argc, char **argv)
{
    memset(&O, 0, sizeof O);
    const cli_opt *const tables[] = { OPTS, CLI_DATA_OPTS, CLI_COMMON_OPTS, NULL };
    const char *pos[1];
    size_t n_pos;
    int rc = cli_parse("predict", argc, argv, tables, pos, 1, &n_pos);
    if (rc)
        return rc;
    if (CLI.help) {
        cli_help(stdout, "predict", "-m MODEL [--proba] [DATA]", ABOUT, tables);
        return 0;
    }
    if (!O.model)
        return cli_usage("predict: -m MODEL is required (see 'learnkit predict --help')");
    cli_apply_common();
    cli_applied a;
    if ((rc = cli_apply_model(&a, "predict", O.model, n_pos ? pos[0] : NULL, 1)) != 0)
        return rc;
    if (O.proba && !lk_predictor_is_probability(a.pred)) {
        rc = cli_usage("predict: --proba: a '%s' model outputs scores, not probabilities",
                       lk_model_kind(a.model));
        cli_applied_free(&a);
        return rc;
    }
    const lk_mat *sc = &a.scores;
    size_t k = a.labels.k;
    if (O.proba) {
        for (size_t c = 0; c < k; c++)
            printf("%s%s", c ? "," : "", a.labels.names[c]);
        printf("\n");
    }
    for (size_t i = 0; i < sc->rows; i++) {
        const lk_real *row = lk_mat_row(sc, i);
        if (O.proba) {
            for (size_t c = 0; c < k; c++)
                printf("%s%.6g", c ? "," : "", (double)row[c]);
            printf("\n");
        } else {
            printf("%s\n", a.labels.names[lk_argmax(row, k)]);
        }
    }
    if (fflush(stdout) != 0 || ferror(stdout))
        rc = cli_fail("predict: cannot write the predictions");
    cli_applied_free(&a);
    return rc;
}
