/* cmd_eval.c — learnkit eval: a saved model's accuracy, per-class precision
 * and recall, and confusion matrix on DATA's test set. */
#include <stdlib.h>
#include <string.h>
#include "apply.h"
#include "commands.h"
#include "plot.h"

static struct {
    const char *model;
    const char *plot;
} O;

static const cli_opt OPTS[] = {
    { "model", 'm', OPT_STR, &O.model, "MODEL", "the saved model (required)", 0, 0 },
    { "plot", 0, OPT_STR, &O.plot, "FILE.png", "draw the confusion matrix as a heat map", 0, 0 },
    CLI_OPT_END
};

static const char ABOUT[] =
    "Evaluate a saved model on DATA's test set (the same test set training used:\n"
    "give the same DATA, --test or --holdout and --seed to reproduce the test\n"
    "accuracy printed at training time).  The model's preprocessing and label map\n"
    "are applied, never refitted.  Prints the accuracy, each class's precision and\n"
    "recall, and the confusion matrix (rows: true class, columns: predicted).\n"
    "--json prints {\"accuracy\", \"classes\", \"precision\", \"recall\", \"confusion\"}.";

static void print_text(const cli_applied *a, const size_t *cm, size_t k, size_t n, size_t right)
{
    printf("%s model on %s: %zu test rows, %zu classes\n", lk_model_kind(a->model),
           a->run.split.name, n, k);
    printf("accuracy %.2f%% (%zu of %zu)\n\n", n ? 100.0 * (double)right / (double)n : 0.0, right,
           n);
    printf("%-12s %10s %10s %8s\n", "class", "precision", "recall", "support");
    for (size_t c = 0; c < k; c++) {
        size_t tp = cm[c * k + c], pred = 0, sup = 0;
        for (size_t j = 0; j < k; j++) {
            pred += cm[j * k + c];
            sup += cm[c * k + j];
        }
        printf("%-12s ", a->labels.names[c]);
        if (pred)
            printf("%9.2f%% ", 100.0 * (double)tp / (double)pred);
        else
            printf("%10s ", "-");
        if (sup)
            printf("%9.2f%% ", 100.0 * (double)tp / (double)sup);
        else
            printf("%10s ", "-");
        printf("%8zu\n", sup);
    }
    printf("\nconfusion matrix (rows: true, columns: predicted)\n%-8s", "");
    for (size_t j = 0; j < k; j++)
        printf(" %7.7s", a->labels.names[j]);
    printf("\n");
    for (size_t i = 0; i < k; i++) {
        printf("%-8.8s", a->labels.names[i]);
        for (size_t j = 0; j < k; j++)
            printf(" %7zu", cm[i * k + j]);
        printf("\n");
    }
}

static json_t *to_json(const cli_applied *a, const size_t *cm, size_t k, size_t n, size_t right)
{
    json_t *classes = json_array(), *prec = json_array(), *rec = json_array(),
           *conf = json_array();
    for (size_t c = 0; c < k; c++) {
        size_t tp = cm[c * k + c], pred = 0, sup = 0;
        json_t *row = json_array();
        for (size_t j = 0; j < k; j++) {
            pred += cm[j * k + c];
            sup += cm[c * k + j];
            json_array_append_new(row, json_integer((json_int_t)cm[c * k + j]));
        }
        json_array_append_new(classes, json_string(a->labels.names[c]));
        json_array_append_new(prec, pred ? json_real((double)tp / (double)pred) : json_null());
        json_array_append_new(rec, sup ? json_real((double)tp / (double)sup) : json_null());
        json_array_append_new(conf, row);
    }
    return json_pack("{s:s,s:s,s:I,s:f,s:o,s:o,s:o,s:o}", "model", lk_model_kind(a->model),
                     "dataset", a->run.split.name, "n_test", (json_int_t)n, "accuracy",
                     n ? (double)right / (double)n : 0.0, "classes", classes, "precision", prec,
                     "recall", rec, "confusion", conf);
}

int cmd_eval(int argc, char **argv)
{
    memset(&O, 0, sizeof O);
    const cli_opt *const tables[] = { OPTS, CLI_DATA_OPTS, CLI_COMMON_OPTS, NULL };
    const char *pos[1];
    size_t n_pos;
    int rc = cli_parse("eval", argc, argv, tables, pos, 1, &n_pos);
    if (rc)
        return rc;
    if (CLI.help) {
        cli_help(stdout, "eval", "-m MODEL [--plot FILE.png] [DATA]", ABOUT, tables);
        return 0;
    }
    if (!O.model)
        return cli_usage("eval: -m MODEL is required (see 'learnkit eval --help')");
    cli_apply_common();
    cli_applied a;
    if ((rc = cli_apply_model(&a, "eval", O.model, n_pos ? pos[0] : NULL, 0)) != 0)
        return rc;
    size_t k = a.labels.k, n = a.scores.rows, right = 0;
    size_t *cm = calloc(k * k, sizeof *cm);
    if (!cm) {
        cli_applied_free(&a);
        return cli_fail("out of memory");
    }
    for (size_t i = 0; i < n; i++) {
        size_t p = lk_argmax(lk_mat_row(&a.scores, i), k);
        cm[a.y[i] * k + p]++;
        right += p == a.y[i];
    }
    if (O.plot) {
        char title[160];
        snprintf(title, sizeof title, "%s on %s: accuracy %.2f%%", lk_model_kind(a.model),
                 a.run.split.name, n ? 100.0 * (double)right / (double)n : 0.0);
        rc = cli_plot_confusion(O.plot, title, cm, k, (const char *const *)a.labels.names);
    }
    if (rc == 0) {
        if (CLI.json)
            rc = cli_json_print(to_json(&a, cm, k, n, right));
        else
            print_text(&a, cm, k, n, right);
    }
    free(cm);
    cli_applied_free(&a);
    return rc;
}
