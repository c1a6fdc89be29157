/* cmd_info.c — `learnkit info [DATA]`: what a dataset holds. */
#include <math.h>
#include <stdlib.h>
#include "commands.h"
#include "learner.h"

static const char USAGE[] = "[OPTIONS] [DATA]";
static const char ABOUT[] =
    "Describe a dataset: where its files were found, the shapes of the training and\n"
    "test sets, the classes and their balance, the range of the features after\n"
    "scaling, and how long loading took.";

static void range(const lk_mat *x, double *lo, double *hi)
{
    *lo = INFINITY;
    *hi = -INFINITY;
    for (size_t i = 0; i < x->rows; i++) {
        const lk_real *r = lk_mat_row(x, i);
        for (size_t j = 0; j < x->cols; j++) {
            *lo = r[j] < *lo ? r[j] : *lo;
            *hi = r[j] > *hi ? r[j] : *hi;
        }
    }
}

int cmd_info(int argc, char **argv)
{
    const cli_opt *const tables[] = { CLI_DATA_OPTS, CLI_COMMON_OPTS, NULL };
    const char *pos[1];
    size_t n_pos;
    int rc = cli_parse("info", argc, argv, tables, pos, 1, &n_pos);
    if (rc)
        return rc;
    if (CLI.help) {
        cli_help(stdout, "info", USAGE, ABOUT, tables);
        return 0;
    }
    cli_run run;
    if ((rc = cli_run_load(&run, "info", n_pos ? pos[0] : NULL)) != 0)
        return rc;
    const lk_split *s = &run.split;
    size_t k = s->labels.k;
    size_t *ctr = calloc(k, sizeof *ctr), *cte = calloc(k, sizeof *cte);
    if (!ctr || !cte) {
        free(ctr);
        free(cte);
        cli_run_free(&run);
        return cli_fail("out of memory");
    }
    lk_class_counts(&s->train, k, ctr);
    lk_class_counts(&s->test, k, cte);
    double lo, hi;
    range(&s->train.x, &lo, &hi);
    if (CLI.json) {
        json_t *classes = json_array();
        for (size_t c = 0; c < k; c++)
            json_array_append_new(classes, json_pack("{s:s,s:I,s:I}", "label",
                                                     s->labels.names[c], "train",
                                                     (json_int_t)ctr[c], "test",
                                                     (json_int_t)cte[c]));
        json_t *o = json_pack(
            "{s:s,s:s,s:s,s:s,s:b,s:[I,I],s:[I,I],s:I,s:o,s:s,s:[f,f],s:f}", "dataset", s->name,
            "format", lk_format_name(s->format), "train_source", s->train_source,
            "test_source", s->test_source, "test_is_holdout", s->test_is_holdout, "train_shape",
            (json_int_t)s->train.n, (json_int_t)s->train.d, "test_shape", (json_int_t)s->test.n,
            (json_int_t)s->test.d, "n_classes", (json_int_t)k, "classes", classes, "scale",
            lk_scale_name(run.prep.kind), "feature_range", lo, hi, "load_seconds",
            run.load_seconds);
        rc = cli_json_print(o);
    } else {
        printf("dataset       %s (%s)\n", s->name, lk_format_name(s->format));
        printf("train         %zu x %zu   from %s\n", s->train.n, s->train.d, s->train_source);
        printf("test          %zu x %zu   from %s\n", s->test.n, s->test.d, s->test_source);
        printf("classes       %zu\n", k);
        printf("features      scaled %s, range [%g, %g]\n", lk_scale_name(run.prep.kind), lo, hi);
        printf("load time     %.3f s\n", run.load_seconds);
        printf("\n  %-12s %10s %8s %10s %8s\n", "label", "train", "%", "test", "%");
        for (size_t c = 0; c < k; c++)
            printf("  %-12s %10zu %7.2f%% %10zu %7.2f%%\n", s->labels.names[c], ctr[c],
                   100.0 * (double)ctr[c] / (double)(s->train.n ? s->train.n : 1), cte[c],
                   100.0 * (double)cte[c] / (double)(s->test.n ? s->test.n : 1));
    }
    free(ctr);
    free(cte);
    cli_run_free(&run);
    return rc;
}
