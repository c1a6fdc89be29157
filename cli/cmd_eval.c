/* cmd_eval.c — `learnkit eval -m MODEL [DATA]`: accuracy, per-class
 * precision and recall, and the confusion matrix. */
#include <stdlib.h>
#include "commands.h"
#include "learner.h"
#include "plot.h"
#include "scored.h"

static const char USAGE[] = "-m MODEL [--plot FILE.png] [DATA]";
static const char ABOUT[] =
    "Evaluate a saved model on DATA's test set (see 'learnkit predict --help' for\n"
    "which rows): accuracy, per-class precision and recall, and the confusion matrix\n"
    "(rows: true class, columns: predicted), as text, JSON, or a heat map picture.";

typedef struct tally {
    size_t k, right, unknown;
    size_t *conf;           /* k x k: true class, predicted class */
} tally;

static int count_rows(void *ctx, const cli_scored *s, const lk_mat *scores, const uint32_t *truth,
                      const unsigned char *known)
{
    (void)s;
    tally *t = ctx;
    for (size_t i = 0; i < scores->rows; i++) {
        size_t p = lk_argmax(lk_mat_row(scores, i), t->k);
        if (!known[i]) {
            t->unknown++;    /* a label the model never saw: always an error */
            continue;
        }
        t->conf[truth[i] * t->k + p]++;
        t->right += p == truth[i];
    }
    return 0;
}

int cmd_eval(int argc, char **argv)
{
    static const char *model, *plot;
    const cli_opt own[] = {
        { "model", 'm', OPT_STR, &model, "MODEL", "the model file (required)", 0, 0 },
        { "plot", 0, OPT_STR, &plot, "FILE.png", "draw the confusion matrix as a heat map", 0, 0 },
        CLI_OPT_END
    };
    const cli_opt *const tables[] = { own, CLI_DATA_OPTS, CLI_COMMON_OPTS, NULL };
    const char *pos[1];
    size_t n_pos;
    int rc = cli_parse("eval", argc, argv, tables, pos, 1, &n_pos);
    if (rc)
        return rc;
    if (CLI.help) {
        cli_help(stdout, "eval", USAGE, ABOUT, tables);
        return 0;
    }
    if (!model)
        return cli_usage("eval: -m MODEL is required");
    cli_apply_common();
    cli_scored s;
    if ((rc = cli_score_open(model, &s)) != 0)
        return rc;
    size_t k = s.classes.k;
    tally t = { k, 0, 0, calloc(k * k, sizeof *t.conf) };
    size_t *conf = t.conf;
    if (!conf) {
        cli_scored_free(&s);
        return cli_fail("out of memory");
    }
    if ((rc = cli_score_each(&s, "eval", n_pos ? pos[0] : NULL, count_rows, &t)) != 0) {
        free(conf);
        cli_scored_free(&s);
        return rc;
    }
    size_t right = t.right, unknown = t.unknown;
    double acc = s.rows ? (double)right / (double)s.rows : 0;
    json_t *per = json_array(), *cm = json_array();
    rc = 0;
    for (size_t c = 0; c < k; c++) {
        size_t tp = conf[c * k + c], row = 0, col = 0;
        json_t *r = json_array();
        for (size_t j = 0; j < k; j++) {
            row += conf[c * k + j];
            col += conf[j * k + c];
            json_array_append_new(r, json_integer((json_int_t)conf[c * k + j]));
        }
        json_array_append_new(cm, r);
        json_array_append_new(per, json_pack("{s:s,s:f,s:f,s:I}", "label", s.classes.names[c],
                                             "precision", col ? (double)tp / (double)col : 0.0,
                                             "recall", row ? (double)tp / (double)row : 0.0,
                                             "support", (json_int_t)row));
    }
    if (plot) {
        char title[512];
        snprintf(title, sizeof title, "%s model: %.2f%% of %zu rows", lk_model_kind(s.model),
                 100 * acc, s.rows);
        if ((rc = plot_confusion(plot, title, conf, k, s.classes.names)) != 0)
            goto done;
    }
    if (CLI.json) {
        json_t *o = json_pack("{s:s,s:s,s:s,s:I,s:f,s:o,s:o,s:I}", "model", model, "kind",
                              lk_model_kind(s.model), "data", s.source, "n", (json_int_t)s.rows,
                              "accuracy", acc, "per_class", per, "confusion", cm,
                              "unknown_labels", (json_int_t)unknown);
        per = cm = NULL;
        rc = cli_json_print(o);
    } else {
        printf("%s (%s) on %s\n", model, lk_model_kind(s.model), s.source);
        printf("accuracy  %.2f%%  (%zu of %zu)\n", 100 * acc, right, s.rows);
        if (unknown)
            printf("%zu rows have labels the model was not trained on\n", unknown);
        printf("\n  %-12s %9s %9s %8s\n", "class", "precision", "recall", "support");
        size_t i;
        json_t *v;
        json_array_foreach(per, i, v)
            printf("  %-12s %8.2f%% %8.2f%% %8lld\n",
                   json_string_value(json_object_get(v, "label")),
                   100 * json_real_value(json_object_get(v, "precision")),
                   100 * json_real_value(json_object_get(v, "recall")),
                   (long long)json_integer_value(json_object_get(v, "support")));
        printf("\nconfusion (rows: true, columns: predicted)\n  %-8s", "");
        for (size_t j = 0; j < k; j++)
            printf(" %6.6s", s.classes.names[j]);
        printf("\n");
        for (size_t c = 0; c < k; c++) {
            printf("  %-8.8s", s.classes.names[c]);
            for (size_t j = 0; j < k; j++)
                printf(" %6zu", conf[c * k + j]);
            printf("\n");
        }
    }
done:
    json_decref(per);
    json_decref(cm);
    free(conf);
    cli_scored_free(&s);
    return rc;
}
