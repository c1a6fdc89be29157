/* stream.c — training and scoring on data read in row blocks: the first
 * pass, the holdout, the reader thread, and accuracy passes. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "stream.h"

size_t cli_stream_block_rows(void)
{
    const char *e = getenv("LEARNKIT_BLOCK_ROWS");
    char *end;
    unsigned long v = e && *e ? strtoul(e, &end, 10) : 0;
    return v > 0 && v < ((size_t)1 << 24) && e && *end == '\0' ? (size_t)v : 1024;
}

void cli_stream_close(cli_stream *st)
{
    cli_stream_release(st);
    lk_rows_close(st->train);
    lk_rows_close(st->test);
    free(st->mask);
    lk_labels_free(&st->labels);
    lk_prep_free(&st->prep);
    lk_data_files_free(&st->files);
    if (st->rng)
        gsl_rng_free(st->rng);
    memset(st, 0, sizeof *st);
}

/* The label map of both sets, as lk_data_load builds it. */
static lk_status build_labels(cli_stream *st, const lk_rows_stats *tr, const lk_rows_stats *te,
                              lk_error *err)
{
    char **const sets[2] = { tr->labels, te->labels };
    const size_t counts[2] = { tr->n_labels, te->n_labels };
    lk_status s = lk_labels_from_texts(sets, counts, 2, &st->labels, err);
    if (s == LK_OK && st->labels.k < 2)
        s = lk_error_set(err, LK_EFORMAT, st->files.train, NULL,
                         "all rows have the same label '%s': nothing to learn",
                         st->labels.k ? st->labels.names[0] : "");
    return s;
}

/* The seeded stratified holdout of lk_data_load, from each row's label. */
static lk_status holdout(cli_stream *st, const lk_rows_stats *tr, lk_error *err)
{
    if (!(st->o.holdout > 0 && st->o.holdout < 1))
        return lk_error_set(err, LK_EINVAL, "--holdout", NULL, "must be between 0 and 1");
    uint32_t *cls = malloc(tr->n_labels * sizeof *cls), *y = malloc(tr->n * sizeof *y);
    st->mask = malloc(tr->n);
    lk_status s = LK_OK;
    if (!cls || !y || !st->mask)
        s = lk_error_set(err, LK_ENOMEM, "holdout", NULL, "out of memory");
    for (size_t c = 0; s == LK_OK && c < tr->n_labels; c++)
        s = lk_labels_lookup(&st->labels, tr->labels[c], &cls[c]) ? LK_OK
            : lk_error_set(err, LK_EFORMAT, st->files.train, NULL, "label '%s' lost",
                           tr->labels[c]);
    for (size_t i = 0; s == LK_OK && i < tr->n; i++)
        y[i] = cls[tr->ids[i]];
    if (s == LK_OK)
        s = lk_holdout_mark(y, tr->n, st->labels.k, st->o.holdout, st->rng, st->mask,
                            &st->n_test, err);
    st->n_train = tr->n - st->n_test;
    free(cls);
    free(y);
    return s;
}

lk_status cli_stream_scan(cli_stream *st, const char *spec, int fit_prep, lk_error *err)
{
    lk_data_options *o = &st->o;
    size_t b = cli_stream_block_rows();
    lk_status s = lk_data_resolve(spec, o, &st->files, err);
    if (s == LK_OK)
        s = lk_rows_open(&st->train, st->files.train, st->files.train_labels, st->files.format,
                         o, b, err);
    if (s == LK_OK && st->files.test)
        s = lk_rows_open(&st->test, st->files.test, st->files.test_labels,
                         st->files.test_format, o, b, err);
    if (s != LK_OK)
        return s;
    lk_format f = st->files.format;
    lk_scale_kind kind = o->scale == LK_SCALE_AUTO
                             ? (f == LK_FORMAT_IDX ? LK_SCALE_UNIT : LK_SCALE_STANDARD) : o->scale;
    int fitted = fit_prep &&
                 (kind == LK_SCALE_STANDARD || (kind == LK_SCALE_UNIT && f != LK_FORMAT_IDX));
    int hold = !st->test;
    lk_rows_stats tr = { 0 }, te = { 0 };
    lk_prep_acc acc = { 0 };
    if ((s = lk_prep_acc_init(&acc, kind, f, lk_rows_width(st->train), err)) != LK_OK)
        return s;
    /* The first pass: labels and width; the scaling's sums too, unless a
     * holdout must first say which rows are training rows, or the rows are
     * shared by ranks (each learns the file's row count and every label,
     * then sums the scaling over its own share only). */
    int ranks = cli_world_ranks() > 1;
    s = lk_rows_scan(st->train, &tr, fitted && !hold && !ranks ? &acc : NULL, hold, err);
    if (s == LK_OK && st->test)
        s = lk_rows_scan(st->test, &te, NULL, 0, err);
    if (s == LK_OK && ranks) {
        size_t first, end;
        lk_comm_share(tr.n, lk_comm_rank(CLI_WORLD), cli_world_ranks(), &first, &end);
        lk_rows_set_range(st->train, first, end);
        if (st->test) {
            lk_comm_share(te.n, lk_comm_rank(CLI_WORLD), cli_world_ranks(), &first, &end);
            lk_rows_set_range(st->test, first, end);
        }
    }
    st->d = tr.d;
    if (s == LK_OK && st->test && te.d != tr.d) {
        if (f == LK_FORMAT_LIBSVM && te.d > tr.d)
            s = lk_error_set(err, LK_EFORMAT, st->files.test, NULL,
                             "has feature index %zu beyond the training set's %zu; pass "
                             "--features %zu", te.d, tr.d, te.d);
        else if (f == LK_FORMAT_IDX)
            s = lk_error_set(err, LK_EFORMAT, st->files.test, NULL,
                             "test images have %zu pixels, training images %zu", te.d, tr.d);
        else if (f != LK_FORMAT_LIBSVM)
            s = lk_error_set(err, LK_EFORMAT, st->files.test, NULL,
                             "%zu features per row, the training set has %zu", te.d, tr.d);
    }
    if (s == LK_OK)
        s = build_labels(st, &tr, &te, err);
    st->n_train = tr.n;
    st->n_test = te.n;
    st->n_rows = tr.n;
    if (s == LK_OK && hold) {
        s = holdout(st, &tr, err);
        lk_rows_set_select(st->train, st->mask, st->n_rows, 0);
    }
    if (s == LK_OK && ranks && st->n_train < (size_t)cli_world_ranks())
        s = lk_error_set(err, LK_EINVAL, st->files.train, NULL,
                         "%zu training rows cannot be shared by %d processes", st->n_train,
                         cli_world_ranks());
    if (s == LK_OK && fitted && (hold || ranks)) {
        lk_rows_stats again;
        s = lk_rows_scan(st->train, &again, &acc, 0, err);
        if (s == LK_OK)
            lk_rows_stats_free(&again);
        else if (s == LK_EFORMAT && ranks && !strcmp(err->text, "no data rows"))
            s = LK_OK;     /* a rank with no training row in its share */
    }
    /* Every rank reaches the sum of the scaling's statistics, or none. */
    if (ranks)
        s = lk_comm_agree(CLI_WORLD, s, err);
    if (s == LK_OK && fit_prep)
        s = lk_prep_acc_finish(&acc, st->d, CLI_WORLD, &st->prep, err);
    lk_prep_acc_free(&acc);
    lk_rows_stats_free(&tr);
    lk_rows_stats_free(&te);
    for (int k = 0; k < 2 && s == LK_OK; k++) {
        lk_rows *r = k ? st->test : st->train;
        if (!r)
            continue;
        if ((s = lk_rows_set_width(r, st->d, err)) == LK_OK) {
            lk_rows_set_labels(r, &st->labels, 0);
            lk_rows_set_prep(r, fit_prep ? &st->prep : NULL);
        }
    }
    return s;
}

int cli_stream_open(cli_stream *st, const char *command, const char *spec)
{
    memset(st, 0, sizeof *st);
    st->command = command;
    int rc = cli_data_options(&st->o);
    if (rc)
        return rc;
    if (!(st->rng = cli_rng()))
        return cli_fail("out of memory");
    double t0 = cli_now();
    lk_error err;
    lk_status s = cli_stream_scan(st, spec, 1, &err);
    if (lk_comm_agree(CLI_WORLD, s, &err) != LK_OK) {
        cli_stream_close(st);
        return cli_fail_err(&err);
    }
    st->load_seconds = cli_now() - t0;
    char ranks[64] = "";
    if (cli_world_ranks() > 1)
        snprintf(ranks, sizeof ranks, ", each of %d ranks its share", cli_world_ranks());
    cli_notice("%s: streaming %zu train and %zu test rows, %zu features, %zu classes, in "
               "blocks of %zu rows%s (first pass %.2f s)", st->files.name, st->n_train,
               st->n_test, st->d, st->labels.k, lk_rows_block_rows(st->train), ranks,
               st->load_seconds);
    return 0;
}

static int start_reader(cli_stream *st, lk_rows *r, lk_blocks *b)
{
    lk_error err;
    if (lk_reader_start(&st->reader, r, &err) != LK_OK)
        return cli_fail_err(&err);
    *b = lk_reader_blocks(st->reader);
    return 0;
}

int cli_stream_train_blocks(cli_stream *st, lk_blocks *b)
{
    cli_stream_release(st);
    lk_rows_set_select(st->train, st->mask, st->n_rows, 0);
    return start_reader(st, st->train, b);
}

static lk_status source_next(void *ctx, lk_block *b, lk_error *err)
{
    cli_stream_source *src = ctx;
    return src->b.next(src->b.ctx, b, err);
}

/* Stop the reader of the other rows and start one on these: with a
 * holdout, training and test rows are one file, read by one thread. */
static lk_status source_rewind(void *ctx, lk_error *err)
{
    cli_stream_source *src = ctx;
    cli_stream *st = src->st;
    lk_rows *r = src->test && st->test ? st->test : st->train;
    cli_stream_release(st);
    lk_rows_set_select(r, r == st->train ? st->mask : NULL, st->n_rows, src->test ? 1 : 0);
    lk_status s = lk_reader_start(&st->reader, r, err);
    if (s == LK_OK)
        src->b = lk_reader_blocks(st->reader);
    return s;
}

lk_blocks cli_stream_source_blocks(cli_stream_source *src, cli_stream *st, int test)
{
    lk_rows *r = test && st->test ? st->test : st->train;
    *src = (cli_stream_source){ .st = st, .test = test };
    return (lk_blocks){ source_next, source_rewind, src, st->d, lk_rows_block_rows(r) };
}

void cli_stream_release(cli_stream *st)
{
    if (!st->reader)
        return;
    st->read_s += lk_reader_read_seconds(st->reader);
    st->wait_s += lk_reader_wait_seconds(st->reader);
    lk_reader_free(st->reader);
    st->reader = NULL;
}

int cli_stream_accuracy(cli_stream *st, int test, cli_scores_fn fn, const void *model,
                        double *acc)
{
    *acc = NAN;
    lk_rows *r = test && st->test ? st->test : st->train;
    if (test && !st->test && !st->mask)
        return 0;
    cli_stream_release(st);
    lk_rows_set_select(r, r == st->train ? st->mask : NULL, st->n_rows, test ? 1 : 0);
    lk_blocks b;
    int rc = start_reader(st, r, &b);
    if (rc)
        return rc;
    lk_mat sc;
    lk_error err;
    lk_status s = lk_mat_alloc_uninit(&sc, b.max_rows, st->labels.k, &err);
    size_t right = 0, n = 0;
    while (s == LK_OK) {
        lk_block blk;
        if ((s = b.next(b.ctx, &blk, &err)) != LK_OK || blk.n == 0)
            break;
        lk_mat sb = lk_mat_rows(&sc, 0, blk.n);
        if ((s = fn(model, &blk.x, &sb, &err)) != LK_OK)
            break;
        for (size_t i = 0; i < blk.n; i++)
            right += lk_argmax(lk_mat_row(&sb, i), sb.cols) == blk.y[i];
        n += blk.n;
    }
    lk_mat_free(&sc);
    cli_stream_release(st);
    /* The counts of every rank's share. */
    uint64_t c[2] = { right, n };
    if ((s = lk_comm_agree(CLI_WORLD, s, &err)) == LK_OK)
        s = lk_comm_sum_u64(CLI_WORLD, c, 2, &err);
    if (s != LK_OK)
        return cli_fail_err(&err);
    *acc = c[1] ? (double)c[0] / (double)c[1] : NAN;
    return 0;
}

json_t *cli_stream_result_json(const cli_stream *st, const char *model_kind,
                               double train_seconds)
{
    json_t *o = json_pack("{s:s,s:s,s:s,s:I,s:I,s:I,s:I}", "command", st->command, "model",
                          model_kind, "dataset", st->files.name, "n_train",
                          (json_int_t)st->n_train, "n_test", (json_int_t)st->n_test,
                          "n_features", (json_int_t)st->d, "n_classes",
                          (json_int_t)st->labels.k);
    double bytes = lk_rows_bytes(st->train) + (st->test ? lk_rows_bytes(st->test) : 0);
    if (cli_world_ranks() > 1) {
        json_object_set_new(o, "ranks", json_integer(cli_world_ranks()));
        json_object_set_new(o, "comm_seconds", json_real(lk_comm_seconds(CLI_WORLD)));
        json_object_set_new(o, "comm_bytes", json_integer((json_int_t)lk_comm_bytes(CLI_WORLD)));
    }
    json_object_set_new(o, "stream",
                        json_pack("{s:I,s:f,s:f,s:f,s:f,s:f}", "block_rows",
                                  (json_int_t)lk_rows_block_rows(st->train), "first_pass_seconds",
                                  st->load_seconds, "read_seconds", st->read_s,
                                  "wait_seconds", st->wait_s, "compute_seconds",
                                  train_seconds - st->wait_s, "bytes_read", bytes));
    return o;
}

int cli_stream_save(const cli_stream *st, lk_model *m)
{
    /* The learner's save put the preprocessing and the label map. */
    return cli_save_model(st->files.name, m);
}

static double file_bytes(const char *path)
{
    struct stat sb;
    if (!path || stat(path, &sb) != 0)
        return 0;
    size_t n = strlen(path);
    /* A gzipped file holds several times its size: text compresses about
     * fivefold, IDX images about sevenfold. */
    return (double)sb.st_size * (n > 3 && strcmp(path + n - 3, ".gz") == 0 ? 6 : 1);
}

size_t cli_data_bytes_estimate(const char *spec, const lk_data_options *o)
{
    lk_data_files f;
    if (lk_data_resolve(spec, o, &f, NULL) != LK_OK)
        return 0;
    double text = file_bytes(f.train) + file_bytes(f.test);
    double idx = file_bytes(f.train_labels) + file_bytes(f.test_labels);
    /* Loading holds the bytes read, and the features as lk_real: for text
     * at most two bytes per value ("0,"), for IDX one byte per value. */
    double need = f.format == LK_FORMAT_IDX ? text * (1 + sizeof(lk_real)) + idx
                                            : text * (1 + sizeof(lk_real) / 2.0);
    lk_data_files_free(&f);
    return need > (double)SIZE_MAX ? SIZE_MAX : (size_t)need;
}

/* The learners that stream.  streams: NULL, or whether the options parsed
 * (the command's check) choose a fit that streams.  one_pass: NULL when
 * the fit always reads the rows once (per layer), else whether it does
 * with the options parsed: such a fit, under mpirun, streams each rank's
 * share rather than hold it; a fit of many passes (logreg: one per
 * evaluation; ae's softmax on the codes likewise) holds its share unless
 * told to stream. */
static int many_passes(void) { return 0; }

static const struct stream_learner {
    const char *name;
    cli_stream_fit_fn fit;
    int (*streams)(void);
    int (*one_pass)(void);
} STREAMERS[] = { { "elm", cli_elm_fit_stream, NULL, NULL },
                  { "lsq", cli_lsq_fit_stream, NULL, NULL },
                  { "ae", cli_ae_fit_stream, cli_ae_streams, cli_ae_one_pass },
                  { "logreg", cli_logreg_fit_stream, NULL, many_passes } };

static const struct stream_learner *streamer(const char *command)
{
    for (size_t i = 0; i < sizeof STREAMERS / sizeof *STREAMERS; i++)
        if (strcmp(STREAMERS[i].name, command) == 0)
            return !STREAMERS[i].streams || STREAMERS[i].streams() ? &STREAMERS[i] : NULL;
    return NULL;
}

cli_stream_fit_fn cli_stream_fit_of(const char *command)
{
    const struct stream_learner *l = streamer(command);
    return l ? l->fit : NULL;
}

int cli_stream_one_pass(const char *command)
{
    const struct stream_learner *l = streamer(command);
    return l && (!l->one_pass || l->one_pass());
}

int cli_stream_main(const cli_learner *l, const char *spec)
{
    cli_stream_fit_fn fit = cli_stream_fit_of(l->name);
    cli_stream st;
    int rc = cli_stream_open(&st, l->name, spec);
    if (rc)
        return rc;
    cli_world_phase_end("first_pass");
    json_t *result = NULL;
    lk_model *model = NULL;
    if ((rc = l->check(st.d, st.labels.k)) == 0)
        rc = fit(&st, &result, &model);
    cli_world_phase_end("train_and_evaluation");
    if (rc == 0 && model)
        rc = cli_stream_save(&st, model);
    cli_world_phase_end("save");
    if (rc == 0)
        rc = cli_print_result(result);
    else
        json_decref(result);
    lk_model_free(model);
    cli_stream_close(&st);
    return rc;
}
