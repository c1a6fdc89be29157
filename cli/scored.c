/* scored.c — a saved model applied to the rows of a dataset, whole or in
 * row blocks. */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "learner.h"
#include "scored.h"
#include "stream.h"

void cli_scored_free(cli_scored *s)
{
    lk_model_free(s->model);
    lk_labels_free(&s->classes);
    lk_prep_free(&s->prep);
    lk_predictor_free(s->pred);
    free(s->source);
    memset(s, 0, sizeof *s);
}

int cli_score_open(const char *model_path, cli_scored *out)
{
    memset(out, 0, sizeof *out);
    lk_error err;
    if (lk_model_load(model_path, &out->model, &err) != LK_OK ||
        lk_labels_load(out->model, &out->classes, &err) != LK_OK ||
        lk_prep_load(out->model, &out->prep, &err) != LK_OK ||
        lk_predictor_load(out->model, &out->pred, &err) != LK_OK) {
        if (err.status == LK_EUNSUPPORTED && out->model &&
            strcmp(lk_model_kind(out->model), "ae") == 0)
            cli_err_hint(&err, "train it with 'learnkit ae --classify'");
        if (!err.source[0] || strcmp(err.source, "model") == 0 || strchr(err.source, '.') == NULL)
            snprintf(err.source, sizeof err.source, "%s", model_path);
        cli_scored_free(out);
        return cli_fail_err(&err);
    }
    if (lk_predictor_outputs(out->pred) != out->classes.k) {
        int rc = cli_fail("%s: the predictor has %zu outputs for %zu classes", model_path,
                          lk_predictor_outputs(out->pred), out->classes.k);
        cli_scored_free(out);
        return rc;
    }
    out->probability = lk_predictor_is_probability(out->pred);
    return 0;
}

/* The rows to predict: a dataset's own test set, or a file itself (read as
 * its own test set so every row is kept, in order). */
static int rows_options(const char *spec, lk_data_options *o)
{
    int rc = cli_data_options(o);
    struct stat st;
    if (rc == 0 && spec && stat(spec, &st) == 0 && S_ISREG(st.st_mode) && !o->test_path)
        o->test_path = spec;
    return rc;
}

static int score_whole(cli_scored *out, const char *spec, cli_scored_fn fn, void *ctx)
{
    lk_error err;
    lk_split split = { 0 };
    lk_mat scores = { 0 };
    uint32_t *truth = NULL;
    unsigned char *known = NULL;
    lk_data_options o;
    int rc = rows_options(spec, &o);
    gsl_rng *rng = rc ? NULL : cli_rng();
    if (rc)
        return rc;
    if (lk_data_load(spec, &o, rng, &split, &err) != LK_OK) {
        rc = cli_fail_err(&err);
        goto done;
    }
    lk_dataset *d = &split.test;
    if (d->d != out->prep.d) {
        rc = cli_fail("%s: the model expects %zu features per sample, the data has %zu",
                      split.test_source, out->prep.d, d->d);
        goto done;
    }
    lk_prep_apply(&out->prep, &d->x);
    out->source = strdup(split.test_source);
    truth = calloc(d->n ? d->n : 1, sizeof *truth);
    known = calloc(d->n ? d->n : 1, sizeof *known);
    if (!truth || !known || !out->source ||
        lk_mat_alloc(&scores, d->n, out->classes.k, &err) != LK_OK) {
        rc = cli_fail("out of memory");
        goto done;
    }
    for (size_t i = 0; i < d->n; i++)
        known[i] = (unsigned char)lk_labels_lookup(&out->classes, split.labels.names[d->y[i]],
                                                   &truth[i]);
    if (lk_predictor_scores(out->pred, &d->x, &scores, &err) != LK_OK) {
        rc = cli_fail_err(&err);
        goto done;
    }
    out->rows = d->n;
    rc = fn(ctx, out, &scores, truth, known);
done:
    lk_mat_free(&scores);
    free(truth);
    free(known);
    lk_split_free(&split);
    if (rng)
        gsl_rng_free(rng);
    return rc;
}

static int score_stream(cli_scored *out, const char *spec, cli_scored_fn fn, void *ctx)
{
    lk_error err;
    lk_data_options o;
    lk_data_files f = { 0 };
    lk_rows *r = NULL;
    lk_reader *rd = NULL;
    lk_mat scores = { 0 };
    int rc = rows_options(spec, &o);
    if (rc)
        return rc;
    lk_status s = lk_data_resolve(spec, &o, &f, &err);
    const char *path = f.test ? f.test : f.train;
    if (s == LK_OK)
        s = lk_rows_open(&r, path, f.test ? f.test_labels : f.train_labels,
                         f.test ? f.test_format : f.format, &o, cli_stream_block_rows(), &err);
    if (s == LK_OK && (s = lk_rows_set_width(r, out->prep.d, &err)) == LK_OK) {
        lk_rows_set_labels(r, &out->classes, 1);
        lk_rows_set_prep(r, &out->prep);
        const char *lab = f.test ? f.test_labels : f.train_labels;
        size_t n = strlen(path) + (lab ? strlen(lab) + 2 : 0) + 1;
        if ((out->source = malloc(n)))
            snprintf(out->source, n, "%s%s%s", path, lab ? ", " : "", lab ? lab : "");
        else
            s = lk_error_set(&err, LK_ENOMEM, path, NULL, "out of memory");
    }
    if (s == LK_OK)
        s = lk_reader_start(&rd, r, &err);
    if (s == LK_OK)
        s = lk_mat_alloc(&scores, lk_rows_block_rows(r), out->classes.k, &err);
    lk_blocks b = rd ? lk_reader_blocks(rd) : (lk_blocks){ 0 };
    while (s == LK_OK && rc == 0) {
        lk_block blk;
        if ((s = b.next(b.ctx, &blk, &err)) != LK_OK || blk.n == 0)
            break;
        lk_mat sb = lk_mat_rows(&scores, 0, blk.n);
        if ((s = lk_predictor_scores(out->pred, &blk.x, &sb, &err)) != LK_OK)
            break;
        out->rows += blk.n;
        rc = fn(ctx, out, &sb, blk.y, blk.known);
    }
    if (s == LK_OK && rc == 0 && out->rows == 0)
        s = lk_error_set(&err, LK_EFORMAT, path, NULL, "no data rows");
    lk_reader_free(rd);
    lk_rows_close(r);
    lk_mat_free(&scores);
    lk_data_files_free(&f);
    return rc ? rc : s != LK_OK ? cli_fail_err(&err) : 0;
}

int cli_score_each(cli_scored *s, const char *command, const char *spec, cli_scored_fn fn,
                   void *ctx)
{
    int stream, rc = cli_want_stream(command, spec, &stream);
    if (rc)
        return rc;
    if (!spec || !*spec)
        spec = "mnist";
    return stream ? score_stream(s, spec, fn, ctx) : score_whole(s, spec, fn, ctx);
}

/* The rows encode and score read: a dataset's own test set, or a file itself
 * (as its own test set, every row kept in order), preprocessed for the model. */
int cli_model_rows(const char *spec, const lk_prep *prep, lk_split *split)
{
    lk_error err;
    memset(split, 0, sizeof *split);
    if (!spec || !*spec)
        spec = "mnist";
    lk_data_options o;
    int rc = rows_options(spec, &o);
    if (rc)
        return rc;
    gsl_rng *rng = cli_rng();
    if (!rng)
        return cli_fail("out of memory");
    lk_status s = lk_data_load(spec, &o, rng, split, &err);
    gsl_rng_free(rng);
    if (s != LK_OK)
        return cli_fail_err(&err);
    lk_dataset *d = &split->test;
    if (d->d != prep->d) {
        rc = cli_fail("%s: the model expects %zu features per sample, the data has %zu",
                      split->test_source, prep->d, d->d);
        lk_split_free(split);
        return rc;
    }
    lk_prep_apply(prep, &d->x);
    return 0;
}

