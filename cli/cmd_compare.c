/* cmd_compare.c — learnkit compare: every learner of a lineup on the same
 * data, preprocessing and seeds; one table, one JSON object, one picture. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "commands.h"
#include "learners.h"
#include "lineup.h"
#include "plot.h"

/* Learners that are not part of this build resolve to NULL and are
 * reported as unavailable instead of failing the link. */
#pragma weak CLI_LEARNER_ELM
#pragma weak CLI_LEARNER_LSQ
#pragma weak CLI_LEARNER_MLP
#pragma weak CLI_LEARNER_LOGREG
#pragma weak CLI_LEARNER_PERCEPTRON
#pragma weak CLI_LEARNER_AE

/* The default lineup: closed-form first, then the iterative learners.
 * Sizes come from the data: the learners' own defaults (elm, mlp) and a
 * second, ridge ELM of twice the default width, %zu below (2000 on MNIST,
 * 224 on 112 rows).  Rows without a label are named by what ran. */
#define DEFAULT_LINEUP                                                         \
    "lsq;\n    "                                                                \
    "elm;\n    "                                                                \
    "elm:hidden=%zu,solver=ridge,C=auto;\n    "                                 \
    "ae:solver=elm,hidden=500,classify,label=ae-elm+softmax;\n    "            \
    "ae:solver=mda,noise=0.5,classify,label=mda+softmax;\n    "              \
    "perceptron; logreg;\n    "                                                \
    "mlp;\n    "                                                                \
    "ae:solver=backprop,hidden=500,tied,noise=0.3,classify,label=dae+softmax"

static struct {
    const char *learners;
    size_t repeat;
    const char *plot;
} O;

static const cli_opt OPTS[] = {
    { "learners", 0, OPT_STR, &O.learners, "LIST",
      "the lineup (syntax and default below)", 0, 0 },
    { "repeat", 0, OPT_SIZE, &O.repeat, "N",
      "seeds SEED..SEED+N-1 per learner: mean and sd (default 1)", 1, 1000 },
    { "plot", 0, OPT_STR, &O.plot, "FILE.png",
      "accuracy against time, and learning curves", 0, 0 },
    CLI_OPT_END
};

static const char ABOUT[] =
    "Train every learner of the lineup on the same data, the same preprocessing and\n"
    "the same seed, and print one table: family (closed-form or iterative), settings,\n"
    "train seconds, GFLOP and GFLOP/s, peak memory (resident set high-water mark of\n"
    "that run), train and test accuracy.  With --json: {\"dataset\", \"results\": [one\n"
    "object per run, as the learner's own --json, plus \"learner\", \"label\",\n"
    "\"family\", \"seed\"]}.\n"
    "\n"
    "--learners syntax: entries separated by ';' or whitespace, each\n"
    "    NAME[:OPT=VALUE,OPT=VALUE,FLAG,...,label=TEXT]\n"
    "where NAME is elm, lsq, mlp, logreg, perceptron or ae and OPT=VALUE is that\n"
    "learner's own option --OPT VALUE (see 'learnkit NAME --help'); a bare FLAG is\n"
    "--FLAG.  A piece starting with a digit continues a list value, so\n"
    "'mlp:hidden=500,250' means --hidden 500,250.  label=TEXT names the row (default:\n"
    "NAME, or the whole entry when NAME appears twice); labels must be unique.\n"
    "Quote the list for the shell.  Example:\n"
    "    learnkit compare --learners 'lsq; elm:hidden=2000,solver=ridge,C=auto; mlp:epochs=5'\n"
    "A row without label=TEXT is named by what ran where that says more: mlp-4-100-3\n"
    "(the layer widths), elm-svd-1000 (solver and units).\n"
    "Default lineup, sized to the data by the learners' own defaults (elm: as many units\n"
    "as training rows, at most 1000; mlp: rows/100 units within [100, 500]) and a ridge\n"
    "ELM of twice the default width (W: 2000 on MNIST, 224 on 112 rows):\n    "
    "lsq; elm; elm:hidden=W,solver=ridge,C=auto;\n"
    "    ae:solver=elm,hidden=500,classify,label=ae-elm+softmax;\n"
    "    ae:solver=mda,noise=0.5,classify,label=mda+softmax; perceptron; logreg; mlp;\n"
    "    ae:solver=backprop,hidden=500,tied,noise=0.3,classify,label=dae+softmax";

static const cli_learner *const *known_learners(void)
{
    static const cli_learner *list[7];
    size_t n = 0;
    const cli_learner *all[] = { &CLI_LEARNER_LSQ, &CLI_LEARNER_ELM, &CLI_LEARNER_AE,
                                 &CLI_LEARNER_PERCEPTRON, &CLI_LEARNER_LOGREG, &CLI_LEARNER_MLP };
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
        if (all[i])
            list[n++] = all[i];
    list[n] = NULL;
    return list;
}

/* The default lineup without the entries whose learner is not in this
 * build (each skipped one is noted on stderr). */
static char *default_lineup(const cli_learner *const *known, size_t rows)
{
    char all[sizeof DEFAULT_LINEUP + 32];
    snprintf(all, sizeof all, DEFAULT_LINEUP, 2 * lk_elm_auto_hidden(rows));
    char *out = malloc(strlen(all) + 1);
    if (!out)
        return NULL;
    out[0] = '\0';
    for (const char *p = all; *p;) {
        size_t sep = strspn(p, "; \n");
        p += sep;
        size_t len = strcspn(p, "; \n");
        if (!len)
            break;
        size_t nlen = strcspn(p, ":; \n");
        int have = 0;
        for (size_t i = 0; known[i]; i++)
            have |= strlen(known[i]->name) == nlen && strncmp(known[i]->name, p, nlen) == 0;
        if (have) {
            strcat(out, *out ? "; " : "");
            strncat(out, p, len);
        } else {
            cli_notice("compare: skipping '%.*s': %.*s is not in this build", (int)len, p,
                       (int)nlen, p);
        }
        p += len;
    }
    return out;
}

/* Reset the resident-set high-water mark so each run reports its own peak
 * (Linux: writing 5 to clear_refs); elsewhere the process peak is kept. */
static void peak_reset(void)
{
    FILE *f = fopen("/proc/self/clear_refs", "w");
    if (f) {
        fputs("5", f);
        fclose(f);
    }
}

static size_t peak_now(void)
{
    FILE *f = fopen("/proc/self/status", "r");
    size_t kb = 0;
    if (f) {
        char line[256];
        while (fgets(line, sizeof line, f))
            if (sscanf(line, "VmHWM: %zu kB", &kb) == 1)
                break;
        fclose(f);
    }
    return kb ? kb * 1024 : cli_peak_rss();
}

static double num(const json_t *o, const char *key)
{
    const json_t *v = json_object_get(o, key);
    return json_is_number(v) ? json_number_value(v) : NAN;
}

/* Mean and sample standard deviation of key over results [from, from+n). */
static void stats(const json_t *res, size_t from, size_t n, const char *key, double *mean,
                  double *sd)
{
    double s = 0, s2 = 0;
    for (size_t i = 0; i < n; i++)
        s += num(json_array_get(res, from + i), key);
    *mean = s / (double)n;
    for (size_t i = 0; i < n; i++) {
        double d = num(json_array_get(res, from + i), key) - *mean;
        s2 += d * d;
    }
    *sd = n > 1 ? sqrt(s2 / (double)(n - 1)) : 0;
}

static void print_table(const cli_lineup *l, const json_t *res, size_t repeat)
{
    int spread = repeat > 1;
    printf("%-18s %-11s %-34s %9s %8s %8s %8s %9s %9s\n", "learner", "family", "settings",
           "train s", "GFLOP", "GFLOP/s", "peak MB", "train %", "test %");
    for (size_t e = 0; e < l->n; e++) {
        const cli_lineup_entry *en = &l->entries[e];
        size_t from = e * repeat;
        double t, ts, g, gs, m, ms, tr, trs, te, tes;
        stats(res, from, repeat, "train_seconds", &t, &ts);
        stats(res, from, repeat, "gflop", &g, &gs);
        stats(res, from, repeat, "peak_rss_bytes", &m, &ms);
        stats(res, from, repeat, "train_accuracy", &tr, &trs);
        stats(res, from, repeat, "test_accuracy", &te, &tes);
        const char *set = *en->settings ? en->settings : "(defaults)";
        const char *family = json_string_value(json_object_get(json_array_get(res, from),
                                                               "family"));
        char gb[16] = "-", gsb[16] = "-";
        if (isfinite(g)) {
            snprintf(gb, sizeof gb, "%.1f", g);
            if (t > 0)
                snprintf(gsb, sizeof gsb, "%.1f", g / t);
        }
        const char *label = json_string_value(json_object_get(json_array_get(res, from),
                                                              "label"));
        printf("%-18s %-11s %-34.34s %9.2f %8s %8s %8.0f %9.2f %9.2f\n", label ? label : en->label,
               family ? family : "", set, t, gb, gsb, m / 1048576.0, 100 * tr, 100 * te);
        if (spread)
            printf("%-18s %-11s %-34s %9.2f %8s %8s %8s %9.2f %9.2f\n", "", "", "  +- (sd)",
                   ts, "", "", "", 100 * trs, 100 * tes);
    }
    if (spread)
        printf("(mean of %zu seeds; the second row of each learner is the standard deviation)\n",
               repeat);
}

/* The row's name: the label written in the lineup, else what ran where
 * the learner's params say more than its name (mlp-4-100-3: the layer
 * widths; elm-ridge-224: solver and units), else the lineup's label.  A
 * name another row already has keeps the lineup's label. */
static void row_label(const cli_lineup *l, size_t e, const json_t *res, char *out, size_t n)
{
    const cli_lineup_entry *en = &l->entries[e];
    const json_t *p = json_object_get(res, "params");
    snprintf(out, n, "%s", en->label);
    if (en->label_given)
        return;
    const json_t *layers = json_object_get(p, "layers");
    if (strcmp(en->learner->name, "mlp") == 0 && json_array_size(layers) > 0) {
        size_t at = (size_t)snprintf(out, n, "mlp"), i;
        const json_t *v;
        json_array_foreach(layers, i, v)
            if (at < n)
                at += (size_t)snprintf(out + at, n - at, "-%lld",
                                       (long long)json_integer_value(v));
    } else if (strcmp(en->learner->name, "elm") == 0 && json_object_get(p, "hidden")) {
        snprintf(out, n, "elm-%s-%lld", json_string_value(json_object_get(p, "solver")),
                 (long long)json_integer_value(json_object_get(p, "hidden")));
    }
    for (size_t j = 0; j < l->n; j++)
        if (j != e && strcmp(l->entries[j].label, out) == 0) {
            snprintf(out, n, "%s", en->label);
            return;
        }
}

int cmd_compare(int argc, char **argv)
{
    memset(&O, 0, sizeof O);
    O.repeat = 1;
    const cli_opt *const tables[] = { OPTS, CLI_DATA_OPTS, CLI_COMMON_OPTS, NULL };
    const char *pos[1];
    size_t n_pos;
    int rc = cli_parse("compare", argc, argv, tables, pos, 1, &n_pos);
    if (rc)
        return rc;
    if (CLI.help) {
        cli_help(stdout, "compare", "[--learners LIST] [--repeat N] [--plot FILE.png] [DATA]",
                 ABOUT, tables);
        return 0;
    }
    const cli_learner *const *known = known_learners();
    if (!known[0])
        return cli_fail("compare: no learner is available in this build");
    cli_lineup lineup = { 0 };
    /* A given lineup is checked before any data is read; the default one
     * is sized to the data, so it is built once they are loaded. */
    if (O.learners && (rc = cli_lineup_parse(O.learners, known, &lineup)) != 0)
        return rc;
    cli_apply_common();
    cli_run run;
    if ((rc = cli_run_load(&run, "compare", n_pos ? pos[0] : NULL)) != 0) {
        cli_lineup_free(&lineup);
        return rc;
    }
    if (!O.learners) {
        char *def = default_lineup(known, run.n_train_total);
        rc = def ? cli_lineup_parse(def, known, &lineup) : cli_fail("out of memory");
        free(def);
        if (rc) {
            cli_run_free(&run);
            return rc;
        }
    }
    const lk_split *sp = &run.split;
    json_t *results = json_array();
    long seed0 = CLI.seed;
    double t_all = cli_now();
    for (size_t e = 0; rc == 0 && e < lineup.n; e++) {
        const cli_lineup_entry *en = &lineup.entries[e];
        for (size_t r = 0; rc == 0 && r < O.repeat; r++) {
            if ((rc = cli_lineup_configure(en, sp->train.d, sp->labels.k)) != 0)
                break;
            const char *family = cli_learner_family(en->learner);
            CLI.seed = seed0 + (long)r;
            gsl_rng_set(run.rng, (unsigned long)CLI.seed);
            if (!CLI.quiet) {
                fprintf(stderr, "learnkit: compare: [%zu/%zu] %s (%s)", e + 1, lineup.n,
                        en->label, family);
                if (O.repeat > 1)
                    fprintf(stderr, ", seed %ld (%zu/%zu)", CLI.seed, r + 1, O.repeat);
                fprintf(stderr, "\n");
            }
            peak_reset();
            json_t *res = NULL;
            run.command = en->learner->name;
            lk_model *model = NULL;
            rc = en->learner->fit(&run, &res, &model);
            if (rc == 0)
                rc = cli_run_accuracy(&run, model, res);
            lk_model_free(model);
            if (rc) {
                json_decref(res);
                fprintf(stderr, "learnkit: compare: %s failed; stopping\n", en->label);
                break;
            }
            json_object_set_new(res, "peak_rss_bytes", json_integer((json_int_t)peak_now()));
            json_object_set_new(res, "learner", json_string(en->learner->name));
            char label[128];
            if (r == 0)
                row_label(&lineup, e, res, label, sizeof label);
            else    /* every seed's run under the first one's name */
                snprintf(label, sizeof label, "%s", json_string_value(json_object_get(
                             json_array_get(results, e * O.repeat), "label")));
            json_object_set_new(res, "label", json_string(label));
            json_object_set_new(res, "family", json_string(family));
            json_object_set_new(res, "settings", json_string(en->settings));
            json_object_set_new(res, "seed", json_integer(CLI.seed));
            json_array_append_new(results, res);
        }
    }
    CLI.seed = seed0;
    if (!CLI.quiet && rc == 0)
        fprintf(stderr, "learnkit: compare: %zu runs in %.1f s\n", json_array_size(results),
                cli_now() - t_all);
    if (rc == 0 && O.plot)
        rc = plot_compare(O.plot, sp->name, results);
    if (rc == 0) {
        if (CLI.json) {
            json_t *out = json_pack("{s:s,s:I,s:I,s:I,s:I,s:I,s:O}", "dataset", sp->name,
                                    "n_train", (json_int_t)run.n_train_total, "n_test",
                                    (json_int_t)run.n_test_total, "n_features", (json_int_t)sp->train.d,
                                    "n_classes", (json_int_t)sp->labels.k, "repeat",
                                    (json_int_t)O.repeat, "results", results);
            rc = cli_json_print(out);
        } else {
            printf("%s: %zu train, %zu test, %zu features, %zu classes\n", sp->name,
                   run.n_train_total, run.n_test_total, sp->train.d, sp->labels.k);
            print_table(&lineup, results, O.repeat);
            if (O.plot)
                printf("plot written to %s\n", O.plot);
        }
    }
    json_decref(results);
    cli_run_free(&run);
    cli_lineup_free(&lineup);
    return rc;
}
