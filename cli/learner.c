/* learner.c — what every training command shares: data options, loading and
 * preprocessing, the common JSON keys, the summary, saving. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "learner.h"
#include <unistd.h>
#include "fetch_cli.h"
#include "stream.h"

/* Data options as typed on the command line; converted in cli_run_load. */
static struct {
    const char *data_dir, *test, *format, *label_col, *header, *scale, *max_memory;
    double holdout;
    size_t features;
    int stream;
} D = { .holdout = 0.2 };

const cli_opt CLI_DATA_OPTS[] = {
    { "data-dir", 0, OPT_STR, &D.data_dir, "DIR", "look for named datasets in DIR first", 0, 0 },
    { "test", 0, OPT_STR, &D.test, "FILE", "test set for file data (same format)", 0, 0 },
    { "holdout", 0, OPT_REAL, &D.holdout, "F",
      "without a test set, hold out fraction F, stratified (default 0.2)", 1e-9, 1 - 1e-9 },
    { "format", 0, OPT_STR, &D.format, "csv|libsvm|idx", "file format (default: by extension)", 0, 0 },
    { "label-col", 0, OPT_STR, &D.label_col, "N|first|last", "CSV label column (default first)", 0, 0 },
    { "header", 0, OPT_STR, &D.header, "auto|yes|no", "CSV header line (default auto)", 0, 0 },
    { "features", 0, OPT_SIZE, &D.features, "N", "LIBSVM dimension (default: from the data)", 1, 1e9 },
    { "scale", 0, OPT_STR, &D.scale, "unit|standard|none",
      "feature scaling (default: unit for IDX, standard otherwise)", 0, 0 },
    { "stream", 0, OPT_FLAG, &D.stream, NULL,
      "read the data in row blocks, in memory independent of its size (elm, lsq, logreg, "
      "ae --solver elm|mda, predict, eval)", 0, 0 },
    { "max-memory", 0, OPT_STR, &D.max_memory, "SIZE",
      "memory allowed (512M, 8G; default 3/4 of physical memory): data that would not fit "
      "is streamed, and work that would not fit is refused", 0, 0 },
    CLI_OPT_END
};

int cli_max_memory(size_t *out)
{
    long pages = sysconf(_SC_PHYS_PAGES), size = sysconf(_SC_PAGESIZE);
    *out = pages > 0 && size > 0 ? (size_t)pages / 4 * 3 * (size_t)size : 0;
    return D.max_memory ? cli_parse_bytes("--max-memory", D.max_memory, out) : 0;
}

int cli_want_stream(const char *command, const char *spec, int *stream)
{
    *stream = 0;
    int can = cli_stream_fit_of(command) != NULL || strcmp(command, "predict") == 0 ||
              strcmp(command, "eval") == 0;
    static const char LIST[] = "elm, lsq, logreg, ae --solver elm|mda, predict and eval stream";
    if (D.stream && !can)
        return cli_usage("%s: --stream: %s loads its data whole (%s)", command, command, LIST);
    size_t limit;
    if (cli_max_memory(&limit))
        return EXIT_USAGE;
    /* Under mpirun the one-pass learners always stream: each rank reads
     * its share of the rows once, never holding it. */
    if (D.stream || (cli_world_ranks() > 1 && cli_stream_one_pass(command))) {
        *stream = 1;
        return 0;
    }
    lk_data_options o;
    int rc = cli_data_options(&o);
    if (rc)
        return rc;
    size_t need = cli_data_bytes_estimate(spec, &o);
    if (!limit || need <= limit)
        return 0;
    double mib = 1048576.0;
    if (!can)
        return cli_fail("%s: %s needs about %.0f MiB in memory, more than the %.0f MiB "
                        "allowed (--max-memory); %s in memory independent of the data's size",
                        command, spec && *spec ? spec : "mnist", (double)need / mib,
                        (double)limit / mib, LIST);
    cli_notice("%s: the data need about %.0f MiB in memory, more than the %.0f MiB allowed "
               "(--max-memory): streaming them", command, (double)need / mib,
               (double)limit / mib);
    *stream = 1;
    return 0;
}

int cli_data_options(lk_data_options *o)
{
    *o = lk_data_options_default();
    o->data_dir = D.data_dir;
    o->test_path = D.test;
    o->holdout = D.holdout;
    o->features = D.features;
    int k;
    if (D.format) {
        static const char *const names[] = { "csv", "libsvm", "idx", NULL };
        static const lk_format map[] = { LK_FORMAT_CSV, LK_FORMAT_LIBSVM, LK_FORMAT_IDX };
        if (cli_pick("--format", D.format, names, &k))
            return EXIT_USAGE;
        o->format = map[k];
    }
    if (D.header) {
        static const char *const names[] = { "auto", "yes", "no", NULL };
        if (cli_pick("--header", D.header, names, &k))
            return EXIT_USAGE;
        o->header = (lk_header_mode)k;
    }
    if (D.scale) {
        static const char *const names[] = { "unit", "standard", "none", NULL };
        static const lk_scale_kind map[] = { LK_SCALE_UNIT, LK_SCALE_STANDARD, LK_SCALE_NONE };
        if (cli_pick("--scale", D.scale, names, &k))
            return EXIT_USAGE;
        o->scale = map[k];
    }
    if (D.label_col) {
        if (strcmp(D.label_col, "first") == 0) {
            o->label_col = LK_LABEL_COL_FIRST;
        } else if (strcmp(D.label_col, "last") == 0) {
            o->label_col = LK_LABEL_COL_LAST;
        } else {
            size_t n;
            if (cli_parse_size("--label-col", D.label_col, 1, 1000000, &n))
                return EXIT_USAGE;
            o->label_col = (long)n;
        }
    }
    return 0;
}

/* Load and preprocess DATA on this rank: 0, or an exit code after printing
 * (a world of one), or -1 with err filled (many ranks: the caller agrees). */
static int load_here(cli_run *run, const lk_data_options *o, const char *spec, lk_error *err)
{
    /* Under mpirun each rank reads only its share of the files' rows.  What
     * names no files (a built-in set such as xor) is loaded whole, as is
     * what cannot be resolved, so its message is lk_data_load's; and so is
     * everything with LEARNKIT_LOAD_WHOLE=1 in the environment, the way of
     * before row shares, which tests compare with them. */
    lk_data_files files;
    const char *whole = getenv("LEARNKIT_LOAD_WHOLE");
    if (cli_world_ranks() > 1 && !(whole && strcmp(whole, "1") == 0) &&
        lk_data_resolve(spec, o, &files, NULL) == LK_OK) {
        lk_data_files_free(&files);
        return cli_share_load(run, o, spec, err) == LK_OK ? 0 : -1;
    }
    lk_status s = lk_data_load(spec, o, run->rng, &run->split, err);
    if (s == LK_ENOTFOUND && cli_dataset_fetchable(spec) && cli_world_ranks() == 1) {
        /* A known dataset that is not here yet: fetch it (README, "Data").
         * Many ranks would race to fetch it into one place: they are told
         * to fetch it first instead. */
        const char *name = spec && *spec ? spec : "mnist";
        cli_notice("dataset '%s' not found here; fetching it (learnkit fetch %s)", name, name);
        int rc = cli_fetch_dataset(name, NULL, o->data_dir);
        if (rc)
            return rc;
        run->load_seconds = cli_now();
        s = lk_data_load(spec, o, run->rng, &run->split, err);
    }
    lk_split *sp = &run->split;
    if (s == LK_OK && (s = lk_prep_fit(&run->prep, o->scale, sp->format, &sp->train.x, err)) == LK_OK) {
        lk_prep_apply(&run->prep, &sp->train.x);
        lk_prep_apply(&run->prep, &sp->test.x);
        run->n_train_total = sp->train.n;
        run->n_test_total = sp->test.n;
        /* A built-in set is small: every rank holds its test rows whole
         * (global accuracies count them once per rank, the same fraction). */
        if (cli_world_ranks() > 1)
            s = lk_split_shard(sp, CLI_WORLD, err);
    }
    return s == LK_OK ? 0 : -1;
}

/* Rows held by each rank, for --json: what "each rank its share" means,
 * checkable. */
static json_t *gather_rows(const lk_split *sp)
{
    uint64_t mine[2] = { sp->train.n, sp->test.n };
    void *all = NULL;
    int p = cli_world_ranks();
    size_t *counts = calloc((size_t)p, sizeof *counts);
    json_t *tr = json_array(), *te = json_array();
    if (counts && lk_comm_allgather(CLI_WORLD, mine, sizeof mine, &all, counts, NULL) == LK_OK) {
        const uint64_t *v = all;
        for (int r = 0; r < p; r++) {
            json_array_append_new(tr, json_integer((json_int_t)v[2 * r]));
            json_array_append_new(te, json_integer((json_int_t)v[2 * r + 1]));
        }
        free(all);
    }
    free(counts);
    return json_pack("{s:o,s:o}", "n_train_ranks", tr, "n_test_ranks", te);
}

int cli_run_load(cli_run *run, const char *command, const char *spec)
{
    memset(run, 0, sizeof *run);
    run->command = command;
    lk_data_options o;
    int rc = cli_data_options(&o);
    if (rc)
        return rc;
    if (!(run->rng = cli_rng()))
        return cli_fail("out of memory");
    run->load_seconds = cli_now();
    lk_error err;
    rc = load_here(run, &o, spec, &err);
    /* Every rank loads; each goes on only if all could, and a failure is
     * reported once, with the message of the lowest rank that failed. */
    lk_status s = lk_comm_agree(CLI_WORLD, rc == -1 ? err.status : LK_OK, &err);
    if (rc > 0 || s != LK_OK) {
        cli_run_free(run);
        return rc > 0 ? rc : cli_fail_err(&err);
    }
    run->load_seconds = cli_now() - run->load_seconds;
    lk_split *sp = &run->split;
    if (cli_world_ranks() > 1) {
        run->ranks_rows = gather_rows(sp);
        cli_notice("%s: %zu train rows shared by %d ranks (%zu here), %zu test rows (%zu here), "
                   "%zu features, %zu classes (%.2f s)", sp->name, run->n_train_total,
                   cli_world_ranks(), sp->train.n, run->n_test_total, sp->test.n, sp->train.d,
                   sp->labels.k, run->load_seconds);
    } else
        cli_notice("%s: %zu train and %zu test rows, %zu features, %zu classes (%.2f s)", sp->name,
                   sp->train.n, sp->test.n, sp->train.d, sp->labels.k, run->load_seconds);
    return 0;
}

void cli_run_free(cli_run *run)
{
    lk_split_free(&run->split);
    lk_prep_free(&run->prep);
    json_decref(run->ranks_rows);
    run->ranks_rows = NULL;
    if (run->rng)
        gsl_rng_free(run->rng);
    run->rng = NULL;
}

double cli_accuracy(const lk_mat *scores, const uint32_t *y)
{
    if (scores->rows == 0)
        return 0;
    size_t right = 0;
    for (size_t i = 0; i < scores->rows; i++)
        right += lk_argmax(lk_mat_row(scores, i), scores->cols) == y[i];
    return (double)right / (double)scores->rows;
}

double cli_net_epoch_gflop(const lk_net *net, size_t rows)
{
    double w = 0;
    for (size_t l = 0; l < net->n_layers; l++)
        w += (double)net->layers[l].in * (double)net->layers[l].out;
    return 6.0 * (double)rows * w / 1e9;
}

json_t *cli_result_json(const cli_run *run, const char *model_kind)
{
    const lk_split *s = &run->split;
    json_t *o = json_pack("{s:s,s:s,s:s,s:I,s:I,s:I,s:I}", "command", run->command, "model",
                     model_kind, "dataset", s->name, "n_train", (json_int_t)run->n_train_total,
                     "n_test", (json_int_t)run->n_test_total, "n_features", (json_int_t)s->train.d,
                     "n_classes", (json_int_t)s->labels.k);
    if (o && cli_world_ranks() > 1) {
        json_object_set_new(o, "ranks", json_integer(cli_world_ranks()));
        json_object_set_new(o, "comm_seconds", json_real(lk_comm_seconds(CLI_WORLD)));
        json_object_set_new(o, "comm_bytes", json_integer((json_int_t)lk_comm_bytes(CLI_WORLD)));
        if (run->ranks_rows)
            json_object_update(o, run->ranks_rows);
    }
    return o;
}

int cli_save_model(const char *data_name, lk_model *m)
{
    lk_error err;
    lk_status s = lk_model_put_str(m, "data.name", data_name, &err);
    /* One writer: every rank holds the same model, rank 0 saves it. */
    if (s == LK_OK && CLI.output && cli_is_root())
        s = lk_model_save(m, CLI.output, &err);
    s = lk_comm_agree(CLI_WORLD, s, &err);
    return s == LK_OK ? 0 : cli_fail_err(&err);
}

int cli_run_save(const cli_run *run, lk_model *m)
{
    return cli_save_model(run->split.name, m);
}

/* Scores of a predictor on a dataset's rows (none when it has none). */
static lk_status score(const lk_predictor *p, const lk_dataset *d, lk_mat *sc, lk_error *err)
{
    *sc = (lk_mat){ .cols = lk_predictor_outputs(p) };
    if (d->n == 0)
        return LK_OK;
    lk_status s = lk_mat_alloc_uninit(sc, d->n, lk_predictor_outputs(p), err);
    if (s == LK_OK)
        s = lk_predictor_scores(p, &d->x, sc, err);
    return s;
}

int cli_run_accuracy(const cli_run *run, const lk_model *model, json_t *result)
{
    lk_error err;
    lk_predictor *p;
    lk_mat tr = { 0 }, te = { 0 };
    double t0 = cli_now();
    /* Every rank holds the same model, so every rank gets the same answer. */
    lk_status s = lk_predictor_load(model, &p, &err);
    if (s == LK_EUNSUPPORTED)
        return 0;       /* a model that does not classify (an autoencoder alone) */
    if (s == LK_OK) {
        if ((s = score(p, &run->split.train, &tr, &err)) == LK_OK)
            s = score(p, &run->split.test, &te, &err);
        lk_predictor_free(p);
    }
    /* Each rank scores its share of the training rows: all go on, or none. */
    s = lk_comm_agree(CLI_WORLD, s, &err);
    if (s == LK_OK) {
        json_object_set_new(result, "train_accuracy",
                            json_real(cli_world_accuracy(&tr, run->split.train.y)));
        /* Each rank scores its share of the test rows too. */
        if (run->n_test_total)
            json_object_set_new(result, "test_accuracy",
                                json_real(cli_world_accuracy(&te, run->split.test.y)));
        /* The per-epoch history stays last, after the final figures. */
        json_t *history = json_incref(json_object_get(result, "history"));
        if (history) {
            json_object_del(result, "history");
            json_object_set_new(result, "history", history);
        }
        json_t *phases = json_object_get(result, "phase_seconds");
        if (json_is_object(phases))
            json_object_set_new(phases, "evaluation", json_real(cli_now() - t0));
    }
    lk_mat_free(&tr);
    lk_mat_free(&te);
    return s == LK_OK ? 0 : cli_fail_err(&err);
}

static double num(const json_t *o, const char *key)
{
    const json_t *v = json_object_get(o, key);
    return json_is_number(v) ? json_number_value(v) : NAN;
}

void cli_print_summary(const json_t *r)
{
    const char *model = json_string_value(json_object_get(r, "model"));
    const char *data = json_string_value(json_object_get(r, "dataset"));
    printf("%s on %s: %.0f train, %.0f test, %.0f features, %.0f classes\n", model ? model : "?",
           data ? data : "?", num(r, "n_train"), num(r, "n_test"), num(r, "n_features"),
           num(r, "n_classes"));
    double tr = num(r, "train_accuracy"), te = num(r, "test_accuracy");
    if (!isnan(tr))
        printf("train accuracy   %.2f%%\n", 100 * tr);
    if (!isnan(te))
        printf("test accuracy    %.2f%%\n", 100 * te);
    if (!isnan(num(r, "test_mse")))
        printf("test MSE         %.5f per feature\n", num(r, "test_mse"));
    printf("train time       %.2f s", num(r, "train_seconds"));
    double gflop = num(r, "gflop");
    if (!isnan(gflop) && num(r, "train_seconds") > 0)
        printf("   (%.1f GFLOP, %.1f GFLOP/s)", gflop, gflop / num(r, "train_seconds"));
    printf("\n");
    const json_t *notes = json_object_get(r, "notes");
    size_t i;
    const json_t *v;
    json_array_foreach(notes, i, v)
        printf("%s\n", json_string_value(v));
}

int cli_print_result(json_t *result)
{
    json_object_set_new(result, "peak_rss_bytes", json_integer((json_int_t)cli_peak_rss()));
    json_t *phases = cli_world_phases_take();
    if (phases)
        json_object_set_new(result, "comm_phase_seconds", phases);
    if (cli_world_ranks() > 1)
        json_object_set_new(result, "peak_rss_bytes_ranks", cli_world_peak_rss());
    if (CLI.json)
        return cli_json_print(result);
    cli_print_summary(result);
    if (CLI.output)
        printf("model saved to %s\n", CLI.output);
    json_decref(result);
    return 0;
}

int cli_learner_main(const cli_learner *l, int argc, char **argv)
{
    l->reset();
    const cli_opt *const tables[] = { l->opts, CLI_DATA_OPTS, CLI_COMMON_OPTS, CLI_OUTPUT_OPTS,
                                      NULL };
    const char *pos[1];
    size_t n_pos;
    int rc = cli_parse(l->name, argc, argv, tables, pos, 1, &n_pos);
    if (rc)
        return rc;
    if (CLI.help) {
        cli_help(stdout, l->name, l->usage, l->about, tables);
        return 0;
    }
    if ((rc = l->check(0, 0)) != 0)
        return rc;
    cli_apply_common();
    int stream;
    if ((rc = cli_want_stream(l->name, n_pos ? pos[0] : NULL, &stream)) != 0)
        return rc;
    if (stream)
        return cli_stream_main(l, n_pos ? pos[0] : NULL);
    cli_run run;
    if ((rc = cli_run_load(&run, l->name, n_pos ? pos[0] : NULL)) != 0)
        return rc;
    cli_world_phase_end("load");
    json_t *result = NULL;
    lk_model *model = NULL;
    if ((rc = l->check(run.split.train.d, run.split.labels.k)) == 0)
        rc = l->fit(&run, &result, &model);
    cli_world_phase_end("train");
    if (rc == 0)
        rc = cli_run_accuracy(&run, model, result);
    cli_world_phase_end("evaluation");
    if (rc == 0)
        rc = cli_run_save(&run, model);
    cli_world_phase_end("save");
    if (rc == 0)
        rc = cli_print_result(result);
    else
        json_decref(result);
    lk_model_free(model);
    cli_run_free(&run);
    return rc;
}

const char *cli_learner_family(const cli_learner *learner)
{
    return learner->family_of ? learner->family_of() : learner->family;
}
