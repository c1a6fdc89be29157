/* data_load.c — lk_data_load: DATA read through the row-block source
 * (learnkit/rows.h), so that the in-memory dataset is one more user of it
 * and not a second reader.
 *
 * A first pass over each file learns its rows, width and distinct labels
 * (text: fields split, numbers not parsed; IDX: the labels alone, the
 * header giving the sizes).  The label map and the holdout come from it;
 * the memory limit is checked on the counted rows; then each set is read
 * once, block by block, into one allocation of the counted size.  A share
 * (part of parts) differs from the whole file only by the row range. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <learnkit/rows.h>
#include "labels.h"
#include "readers.h"
#include "rows_impl.h"
#include "textrows.h"

/* Rows per block of the load: a block of MNIST is 3 MB, and so one
 * gzread of a run of images per block. */
#define LOAD_BLOCK_ROWS 1024

/* One file of DATA and what its first pass found. */
typedef struct source {
    lk_rows *r;
    lk_rows_stats st;
    const char *path;
} source;

static void source_close(source *s)
{
    lk_rows_close(s->r);
    lk_rows_stats_free(&s->st);
    memset(s, 0, sizeof *s);
}

/* Refuse n rows of d features that would take more than the limit as
 * dense rows (before anything of that size is allocated), in the words of
 * the format's reader. */
static lk_status check_fits(const char *path, lk_format f, size_t n, size_t d, size_t max_bytes,
                            lk_error *err)
{
    size_t limit = max_bytes ? max_bytes : lki_default_max_bytes();
    if (d == 0 || n <= limit / sizeof(lk_real) / d)
        return LK_OK;
    if (f == LK_FORMAT_CSV)
        return lk_error_set(err, LK_ETOOBIG, path, NULL, "more than %zu bytes of features",
                            limit);
    return lk_error_set(err, LK_ETOOBIG, path, NULL,
                        "%zu rows of %zu features need %.1f GiB as dense rows, more than "
                        "the %.1f GiB allowed", n, d,
                        (double)n * (double)d * sizeof(lk_real) / (1u << 30),
                        (double)limit / (1u << 30));
}

/* Open and scan one file.  LIBSVM rows are opened without o->features so
 * that no block is allocated before the scan's width passed check_fits. */
static lk_status source_scan(source *s, const char *path, const char *labels_path, lk_format f,
                             const lk_data_options *o, int want_ids, lk_error *err)
{
    lk_data_options ro = *o;
    ro.features = 0;
    s->path = path;
    lk_status st = lki_rows_open(&s->r, path, labels_path, f, &ro, LOAD_BLOCK_ROWS, 1, err);
    if (st == LK_OK)
        st = lk_rows_scan(s->r, &s->st, NULL, want_ids, err);
    return st;
}

/* The width of the training rows (LIBSVM: at least o->features). */
static lk_status train_width(const lk_data_files *f, const lk_data_options *o, const source *tr,
                             size_t *d, lk_error *err)
{
    *d = tr->st.d;
    if (f->format == LK_FORMAT_LIBSVM && o->features > *d)
        *d = o->features;
    if (*d == 0)
        return lk_error_set(err, LK_EFORMAT, f->train, NULL, "no features in any row");
    return LK_OK;
}

/* The test file's width against the training rows' d, as the whole-file
 * readers worded it (LIBSVM: a test row may be narrower). */
static lk_status test_width(const lk_data_files *f, const source *te, size_t d, lk_error *err)
{
    size_t dt = te->st.d;
    if (f->format == LK_FORMAT_LIBSVM && dt > d)
        /* The test set names a feature the training set never saw. */
        return lk_error_set(err, LK_EFORMAT, f->test, "features",
                            "has feature index %zu beyond the training set's %zu; set the "
                            "number of features to %zu", dt, d, dt);
    if (f->format == LK_FORMAT_IDX && dt != d)
        return lk_error_set(err, LK_EFORMAT, f->test, NULL,
                            "test images have %zu pixels, training images %zu", dt, d);
    if (f->format == LK_FORMAT_CSV && dt != d)
        return lk_error_set(err, LK_EFORMAT, f->test, NULL,
                            "%zu features per row, the training set has %zu", dt, d);
    return LK_OK;
}

/* The seeded stratified holdout over the training file's rows: mask[i] = 1
 * for a test row, from each row's label as the first pass saw it. */
static lk_status holdout(const source *tr, const lk_labels *l, double f, gsl_rng *rng,
                         unsigned char **mask, size_t *n_test, lk_error *err)
{
    const lk_rows_stats *st = &tr->st;
    if (!(f > 0 && f < 1))
        return lk_error_set(err, LK_EINVAL, "data", "holdout", "must be between 0 and 1");
    uint32_t *cls = malloc((st->n_labels ? st->n_labels : 1) * sizeof *cls);
    uint32_t *y = malloc(st->n * sizeof *y);
    *mask = malloc(st->n);
    lk_status s = LK_OK;
    if (!cls || !y || !*mask)
        s = lk_error_set(err, LK_ENOMEM, "holdout", NULL, "out of memory");
    for (size_t c = 0; s == LK_OK && c < st->n_labels; c++)
        if (!lk_labels_lookup(l, st->labels[c], &cls[c]))
            s = lk_error_set(err, LK_EFORMAT, tr->path, NULL, "label '%s' lost", st->labels[c]);
    for (size_t i = 0; s == LK_OK && i < st->n; i++)
        y[i] = cls[st->ids[i]];
    if (s == LK_OK)
        s = lk_holdout_mark(y, st->n, l->k, f, rng, *mask, n_test, err);
    free(cls);
    free(y);
    return s;
}

/* Part `part` of `parts` of the selected rows (mask[i] == want, of n; mask
 * NULL: all n) of r, read into d: one allocation, blocks read in place. */
static lk_status read_part(lk_rows *r, const unsigned char *mask, size_t n, unsigned char want,
                           size_t total, size_t part, size_t parts, lk_dataset *d,
                           lk_error *err)
{
    size_t first, end, b, e;
    lk_comm_share(total, (int)part, (int)parts, &first, &end);
    lk_select_range(mask, n, want, first, end, &b, &e);
    lk_rows_set_range(r, b, e);
    lk_rows_set_select(r, mask, n, want);
    lk_status s = lki_rows_limit_block(r, end - first, err);
    if (s != LK_OK)
        return s;
    return lk_rows_read(r, end - first, d, err);
}

/* The first bad row of a scanned file, if it has one: a pass parsing every
 * row, at the file's own width, keeping nothing.  The first pass splits
 * text fields without parsing numbers, so an error it leads to about the
 * data as a whole (one class, a holdout that leaves no row, a test file of
 * another width) and an error in a holdout's training rows (read before
 * its test rows) yield to the file's first bad row, the error a reader of
 * the whole file meets first.  Only on the way to an error. */
static lk_status first_bad_row(source *src, lk_error *err)
{
    lk_rows *r = src->r;
    if (!r)
        return LK_OK;
    lk_rows_set_range(r, 0, SIZE_MAX);
    lk_rows_set_select(r, NULL, 0, 0);
    lk_rows_set_labels(r, NULL, 0);
    lk_status s = lk_rows_set_width(r, src->st.d ? src->st.d : 1, err);
    if (s == LK_OK)
        s = lk_rows_rewind(r, err);
    for (lk_block b = { .n = 1 }; s == LK_OK && b.n;)
        s = lk_rows_next(r, &b, err);
    return s;
}

/* s, or the first bad row of the training file, then of the test file. */
static lk_status rows_first(lk_status s, source *tr, source *te, lk_error *err)
{
    lk_error row;
    lk_status t = first_bad_row(tr, &row);
    if (t == LK_OK)
        t = first_bad_row(te, &row);
    if (t == LK_OK)
        return s;
    if (err)
        *err = row;
    return t;
}

static char *source_name(const char *file, const char *labels)
{
    char buf[2048];
    if (labels)
        snprintf(buf, sizeof buf, "%s, %s", file, labels);
    else
        snprintf(buf, sizeof buf, "%s", file);
    return strdup(buf);
}

/* The files of DATA into out (sources named, labels mapped). */
static lk_status load_files(const char *spec, const lk_data_options *o, gsl_rng *rng,
                            size_t part, size_t parts, lk_split *out, size_t *totals,
                            lk_error *err)
{
    lk_data_files f;
    source tr = { 0 }, te = { 0 };
    unsigned char *mask = NULL;
    size_t d = 0, n_test = 0;
    int scanned = 0;        /* errors from here on yield to a bad row */
    lk_status s = lk_data_resolve(spec, o, &f, err);
    if (s != LK_OK)
        return s;
    out->name = f.name;
    f.name = NULL;
    out->format = f.format;
    out->train_source = source_name(f.train, f.train_labels);
    if (f.test)
        out->test_source = source_name(f.test, f.test_labels);
    if (!out->name || !out->train_source || (f.test && !out->test_source)) {
        s = lk_error_set(err, LK_ENOMEM, spec, NULL, "out of memory");
        goto done;
    }
    /* Training file first, test file after: its errors come first, as the
     * files are read in that order. */
    s = source_scan(&tr, f.train, f.train_labels, f.format, o, !f.test, err);
    if (s == LK_OK)
        s = train_width(&f, o, &tr, &d, err);
    if (s == LK_OK)
        s = check_fits(f.train, f.format, tr.st.n, d, o->max_bytes, err);
    scanned = s == LK_OK;
    if (s == LK_OK && f.test)
        s = source_scan(&te, f.test, f.test_labels, f.test_format, o, 0, err);
    if (s != LK_OK && te.r && !te.st.n) {
        lk_rows_close(te.r);    /* its own first pass failed: nothing to check */
        te.r = NULL;
    }
    if (s == LK_OK && f.test)
        s = test_width(&f, &te, d, err);
    if (s == LK_OK && f.test && (s = check_fits(f.test, f.format, te.st.n, d, o->max_bytes,
                                                err)) != LK_OK)
        scanned = 0;        /* as the test file's reader refused it */
    if (s != LK_OK)
        goto done;

    /* One label map over both sets, so a class seen only in the test set
     * still has a number (the model will simply never predict it). */
    char **const sets[2] = { tr.st.labels, te.st.labels };
    const size_t counts[2] = { tr.st.n_labels, te.st.n_labels };
    if ((s = lk_labels_from_texts(sets, counts, 2, &out->labels, err)) != LK_OK)
        goto done;
    if (out->labels.k < 2) {
        s = lk_error_set(err, LK_EFORMAT, out->train_source, NULL,
                         "all rows have the same label '%s': nothing to learn",
                         out->labels.k ? out->labels.names[0] : "");
        goto done;
    }
    if (!f.test) {
        if ((s = holdout(&tr, &out->labels, o->holdout, rng, &mask, &n_test, err)) != LK_OK)
            goto done;
        char buf[2048];
        snprintf(buf, sizeof buf, "holdout %g of %s", o->holdout, out->train_source);
        out->test_is_holdout = 1;
        if (!(out->test_source = strdup(buf))) {
            s = lk_error_set(err, LK_ENOMEM, spec, NULL, "out of memory");
            goto done;
        }
    }
    size_t n_train = tr.st.n - n_test;
    if (te.r)
        n_test = te.st.n;
    if (parts > 1 && n_train < parts) {
        s = lk_error_set(err, LK_EINVAL, f.train, NULL,
                         "%zu training rows cannot be shared by %zu processes", n_train, parts);
        goto done;
    }
    for (int k = 0; k < 2 && s == LK_OK; k++) {
        lk_rows *r = k && te.r ? te.r : tr.r;
        if ((s = lk_rows_set_width(r, d, err)) == LK_OK)
            lk_rows_set_labels(r, &out->labels, 0);
    }
    /* Without a holdout the training rows are read in file order: their
     * first error is the file's; the test rows come after them. */
    if (s == LK_OK && (s = read_part(tr.r, mask, tr.st.n, 0, n_train, part, parts, &out->train,
                                     err)) != LK_OK)
        scanned = scanned && mask;
    else
        scanned = 0;
    if (s == LK_OK)
        s = te.r ? read_part(te.r, NULL, te.st.n, 0, te.st.n, part, parts, &out->test, err)
                 : read_part(tr.r, mask, tr.st.n, 1, n_test, part, parts, &out->test, err);
    if (s == LK_OK && totals) {
        totals[0] = n_train;
        totals[1] = n_test;
    }
done:
    if (s != LK_OK && scanned && s != LK_ENOMEM)
        s = rows_first(s, &tr, &te, err);
    free(mask);
    source_close(&tr);
    source_close(&te);
    lk_data_files_free(&f);
    return s;
}

/* Rows [b, e) of d, moved to the front (the rest freed with it later). */
static void keep_rows(lk_dataset *d, size_t b, size_t e)
{
    for (size_t i = b; i < e; i++) {
        memmove(lk_mat_row(&d->x, i - b), lk_mat_row(&d->x, i), d->d * sizeof(lk_real));
        d->y[i - b] = d->y[i];
    }
    d->n = d->x.rows = e - b;
}

static lk_status builtin_set(lki_rows *r, const lk_labels *l, const char *name, lk_dataset *d,
                             lk_error *err)
{
    if (!(d->y = malloc((r->n ? r->n : 1) * sizeof *d->y)))
        return lk_error_set(err, LK_ENOMEM, name, NULL, "out of memory");
    lk_status s = lki_labels_map(l, r->labels, r->n, d->y, name, err);
    d->x = r->x;
    r->x = (lk_mat){ 0 };
    d->n = r->n;
    d->d = r->d;
    return s;
}

/* A built-in set ("xor"), made in memory and read like CSV data (standard
 * scaling by default): no file, so no row source. */
static lk_status load_builtin(const char *spec, size_t part, size_t parts, lk_split *out,
                              size_t *totals, lk_error *err)
{
    lki_rows tr = { 0 }, te = { 0 };
    lk_status s = lki_builtin_read(spec, &tr, &te, err);
    if (s != LK_OK)
        return s;
    out->name = strdup(spec);
    out->train_source = strdup(spec);
    out->test_source = strdup(spec);
    out->format = LK_FORMAT_CSV;
    char **const sets[2] = { tr.labels, te.labels };
    const size_t counts[2] = { tr.n, te.n };
    if (!out->name || !out->train_source || !out->test_source)
        s = lk_error_set(err, LK_ENOMEM, spec, NULL, "out of memory");
    if (s == LK_OK)
        s = lk_labels_from_texts(sets, counts, 2, &out->labels, err);
    if (s == LK_OK)
        s = builtin_set(&tr, &out->labels, spec, &out->train, err);
    if (s == LK_OK)
        s = builtin_set(&te, &out->labels, spec, &out->test, err);
    if (s == LK_OK && totals) {
        totals[0] = out->train.n;
        totals[1] = out->test.n;
    }
    if (s == LK_OK && parts > 1 && out->train.n < parts)
        s = lk_error_set(err, LK_EINVAL, spec, NULL,
                         "%zu training rows cannot be shared by %zu processes", out->train.n,
                         parts);
    for (int k = 0; k < 2 && s == LK_OK && parts > 1; k++) {
        lk_dataset *d = k ? &out->test : &out->train;
        size_t b, e;
        lk_comm_share(d->n, (int)part, (int)parts, &b, &e);
        keep_rows(d, b, e);
    }
    lki_rows_free(&tr);
    lki_rows_free(&te);
    return s;
}

lk_status lk_data_load_part(const char *spec, const lk_data_options *opts, gsl_rng *rng,
                            size_t part, size_t parts, lk_split *out, size_t *totals,
                            lk_error *err)
{
    memset(out, 0, sizeof *out);
    lk_data_options o = opts ? *opts : lk_data_options_default();
    if (!spec || !*spec)
        spec = "mnist";
    if (parts == 0 || part >= parts)
        return lk_error_set(err, LK_EINVAL, spec, NULL, "part %zu of %zu", part, parts);
    /* A built-in set only when no file or directory has its name. */
    struct stat st;
    int builtin = lki_is_builtin(spec) && stat(spec, &st) != 0;
    lk_status s = builtin ? load_builtin(spec, part, parts, out, totals, err)
                          : load_files(spec, &o, rng, part, parts, out, totals, err);
    if (s != LK_OK)
        lk_split_free(out);
    return s;
}

lk_status lk_data_load(const char *spec, const lk_data_options *opts, gsl_rng *rng,
                       lk_split *out, lk_error *err)
{
    return lk_data_load_part(spec, opts, rng, 0, 1, out, NULL, err);
}
