/* dataset.c — resolving DATA (a name, an IDX directory or a file), reading
 * train and test sets, mapping labels to classes, and the holdout split. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <gsl/gsl_randist.h>
#include "labels.h"
#include "readers.h"

#ifndef LK_DATADIR
#define LK_DATADIR "/usr/local/share/learnkit"
#endif

static const char *const IDX_FILES[4] = { "train-images-idx3-ubyte", "train-labels-idx1-ubyte",
                                          "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte" };

/* Datasets learnkit knows how to fetch. */
static const char *const REGISTERED[] = { "mnist", NULL };

lk_data_options lk_data_options_default(void)
{
    return (lk_data_options){ .holdout = 0.2, .format = LK_FORMAT_AUTO,
                              .label_col = LK_LABEL_COL_FIRST, .header = LK_HEADER_AUTO,
                              .scale = LK_SCALE_AUTO };
}

const char *lk_format_name(lk_format f)
{
    static const char *const names[] = { "auto", "idx", "csv", "libsvm" };
    return (unsigned)f < 4 ? names[f] : "?";
}

static int is_dir(const char *p)
{
    struct stat st;
    return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

static int is_file(const char *p)
{
    struct stat st;
    return stat(p, &st) == 0 && S_ISREG(st.st_mode);
}

static char *join(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    char *s = malloc(la + lb + 2);
    if (s) {
        memcpy(s, a, la);
        s[la] = '/';
        memcpy(s + la + 1, b, lb + 1);
    }
    return s;
}

/* DIR/base or DIR/base.gz, whichever exists (plain first); NULL if neither. */
static char *idx_path(const char *dir, const char *base)
{
    char *p = join(dir, base);
    if (!p || is_file(p))
        return p;
    char *gz = malloc(strlen(p) + 4);
    if (gz)
        sprintf(gz, "%s.gz", p);
    free(p);
    if (gz && is_file(gz))
        return gz;
    free(gz);
    return NULL;
}

static int has_idx_layout(const char *dir)
{
    for (int k = 0; k < 4; k++) {
        char *p = idx_path(dir, IDX_FILES[k]);
        if (!p)
            return 0;
        free(p);
    }
    return 1;
}

const char *const *lk_data_names(void)
{
    return REGISTERED;
}

int lki_is_registered(const char *name)
{
    for (size_t k = 0; REGISTERED[k]; k++)
        if (strcmp(REGISTERED[k], name) == 0)
            return 1;
    return 0;
}

/* The directories searched for a named dataset, in order (learnkit/data.h). */
static size_t search_path(const char *name, const char *data_dir, char **dirs, size_t max)
{
    size_t n = 0;
    const char *env = getenv("LEARNKIT_DATA");
    const char *xdg = getenv("XDG_CACHE_HOME"), *home = getenv("HOME");
    char buf[4096];
    if (data_dir && n + 2 <= max) {
        dirs[n++] = join(data_dir, name);
        dirs[n++] = strdup(data_dir);
    }
    if (env && *env && n + 2 <= max) {
        dirs[n++] = join(env, name);
        dirs[n++] = strdup(env);
    }
    if (n < max) {
        snprintf(buf, sizeof buf, "./datasets/%s", name);
        dirs[n++] = strdup(buf);
    }
    if (n < max)
        dirs[n++] = join(LK_DATADIR, name);
    if (n < max && ((xdg && *xdg) || home)) {
        if (xdg && *xdg)
            snprintf(buf, sizeof buf, "%s/learnkit/%s", xdg, name);
        else
            snprintf(buf, sizeof buf, "%s/.cache/learnkit/%s", home, name);
        dirs[n++] = strdup(buf);
    }
    return n;
}

lk_status lk_data_find(const char *name, const char *data_dir, char **dir, lk_error *err)
{
    *dir = NULL;
    char *dirs[8] = { 0 };
    size_t n = search_path(name, data_dir, dirs, 8);
    char tried[1024] = "";
    for (size_t k = 0; k < n; k++) {
        if (!*dir && dirs[k] && has_idx_layout(dirs[k])) {
            *dir = dirs[k];
            continue;
        }
        if (!*dir && dirs[k] && strlen(tried) + strlen(dirs[k]) + 3 < sizeof tried) {
            if (*tried)
                strcat(tried, ", ");
            strcat(tried, dirs[k]);
        }
        free(dirs[k]);
    }
    if (*dir)
        return LK_OK;
    return lk_error_set(err, LK_ENOTFOUND, name, NULL, "dataset not found (searched %s)", tried);
}

/* The last dot-extension of a path, ignoring a final .gz. */
static lk_format format_by_name(const char *path)
{
    char base[512];
    snprintf(base, sizeof base, "%s", path);
    size_t len = strlen(base);
    if (len > 3 && strcmp(base + len - 3, ".gz") == 0)
        base[len - 3] = '\0';
    const char *dot = strrchr(base, '.');
    const char *slash = strrchr(base, '/');
    if (!dot || (slash && dot < slash))
        return LK_FORMAT_AUTO;
    static const char *const svm[] = { ".svm", ".libsvm", ".scale", ".t", NULL };
    if (strcmp(dot, ".csv") == 0)
        return LK_FORMAT_CSV;
    for (size_t k = 0; svm[k]; k++)
        if (strcmp(dot, svm[k]) == 0)
            return LK_FORMAT_LIBSVM;
    if (strstr(base, "idx") != NULL)
        return LK_FORMAT_IDX;
    return LK_FORMAT_AUTO;
}

static lk_status read_idx_pair(const char *images, const char *labels, const lk_data_options *o,
                               lki_rows *out, lk_error *err)
{
    lki_rows lab;
    lk_status s = lki_idx_read_features(images, o->max_bytes, out, err);
    if (s != LK_OK)
        return s;
    if ((s = lki_idx_read_labels(labels, o->max_bytes, &lab, err)) != LK_OK) {
        lki_rows_free(out);
        return s;
    }
    if (lab.n != out->n) {
        s = lk_error_set(err, LK_EFORMAT, labels, NULL,
                         "%zu labels for the %zu images of %s", lab.n, out->n, images);
        lki_rows_free(&lab);
        lki_rows_free(out);
        return s;
    }
    out->labels = lab.labels;
    lab.labels = NULL;
    lki_rows_free(&lab);
    return LK_OK;
}

static lk_status read_file(const char *path, lk_format f, const lk_data_options *o,
                           size_t min_features, lki_rows *out, lk_error *err)
{
    switch (f) {
    case LK_FORMAT_CSV:
        return lki_csv_read(path, o, out, err);
    case LK_FORMAT_LIBSVM:
        return lki_libsvm_read(path, min_features, o->max_bytes, out, err);
    default:
        return lk_error_set(err, LK_EINVAL, path, "format",
                            "cannot tell the format from the name (expected .csv, .svm, "
                            ".libsvm, .scale or .t, optionally .gz)");
    }
}

/* A dataset of rows idx[k], k < n, of r (features copied, labels mapped);
 * with idx NULL, all of r's rows, whose feature block is moved, not copied. */
static lk_status take_rows(lki_rows *r, const uint32_t *y, const size_t *idx, size_t n,
                           lk_dataset *out, lk_error *err)
{
    memset(out, 0, sizeof *out);
    out->y = malloc((n ? n : 1) * sizeof *out->y);
    if (!out->y)
        return lk_error_set(err, LK_ENOMEM, "data", NULL, "out of memory");
    if (idx) {
        lk_status s = lk_mat_alloc_uninit(&out->x, n, r->d, err);
        if (s != LK_OK) {
            free(out->y);
            out->y = NULL;
            return s;
        }
        lk_mat_gather_rows(&out->x, &r->x, idx);
        for (size_t k = 0; k < n; k++)
            out->y[k] = y[idx[k]];
    } else {
        out->x = r->x;
        r->x = (lk_mat){ 0 };
        memcpy(out->y, y, n * sizeof *y);
    }
    out->n = n;
    out->d = r->d;
    return LK_OK;
}

static void dataset_free(lk_dataset *d)
{
    lk_mat_free(&d->x);
    free(d->y);
    memset(d, 0, sizeof *d);
}

lk_status lk_holdout_mark(const uint32_t *y, size_t n, size_t k, double f, gsl_rng *rng,
                           unsigned char *to_test, size_t *n_test_out, lk_error *err)
{
    size_t *order = malloc((n ? n : 1) * sizeof *order);
    size_t *start = calloc(k + 1, sizeof *start);
    size_t *fill = malloc((k ? k : 1) * sizeof *fill);
    lk_status s = LK_OK;
    memset(to_test, 0, n);
    if (!order || !start || !fill) {
        s = lk_error_set(err, LK_ENOMEM, "holdout", NULL, "out of memory");
        goto done;
    }
    /* Counting sort by class, then shuffle each class's block. */
    for (size_t i = 0; i < n; i++)
        start[y[i] + 1]++;
    for (size_t c = 0; c < k; c++)
        start[c + 1] += start[c];
    memcpy(fill, start, k * sizeof *fill);
    for (size_t i = 0; i < n; i++)
        order[fill[y[i]]++] = i;
    size_t n_test = 0;
    for (size_t c = 0; c < k; c++) {
        size_t count = start[c + 1] - start[c];
        if (count > 1)
            gsl_ran_shuffle(rng, order + start[c], count, sizeof *order);
        size_t take = (size_t)floor(f * (double)count + 0.5);
        if (take >= count && count > 1)
            take = count - 1;
        for (size_t j = 0; j < take; j++)
            to_test[order[start[c] + j]] = 1;
        n_test += take;
    }
    *n_test_out = n_test;
    if (n_test == 0 || n_test == n)
        s = lk_error_set(err, LK_EINVAL, "data", "holdout",
                         "a holdout of %g leaves %zu test rows of %zu", f, n_test, n);
done:
    free(order);
    free(start);
    free(fill);
    return s;
}

/* A seeded, stratified split (lki_holdout_mark); both sets keep the file's
 * order. */
static lk_status holdout_split(lki_rows *r, const uint32_t *y, size_t k, double f,
                               gsl_rng *rng, lk_split *out, lk_error *err)
{
    size_t n = r->n, n_test = 0;
    unsigned char *to_test = malloc(n ? n : 1);
    size_t *tr = malloc((n ? n : 1) * sizeof *tr), *te = malloc((n ? n : 1) * sizeof *te);
    lk_status s;
    if (!to_test || !tr || !te)
        s = lk_error_set(err, LK_ENOMEM, "holdout", NULL, "out of memory");
    else
        s = lk_holdout_mark(y, n, k, f, rng, to_test, &n_test, err);
    if (s == LK_OK) {
        size_t a = 0, b = 0;
        for (size_t i = 0; i < n; i++) {
            if (to_test[i])
                te[b++] = i;
            else
                tr[a++] = i;
        }
        s = take_rows(r, y, tr, a, &out->train, err);
        if (s == LK_OK)
            s = take_rows(r, y, te, b, &out->test, err);
    }
    free(to_test);
    free(tr);
    free(te);
    return s;
}

static char *xstrdup_printf(const char *fmt, const char *a, double f)
{
    char buf[1024];
    snprintf(buf, sizeof buf, fmt, f, a);
    return strdup(buf);
}

static const char *base_name(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash && slash[1] ? slash + 1 : path;
}

lk_status lk_data_load(const char *spec, const lk_data_options *opts, gsl_rng *rng,
                       lk_split *out, lk_error *err)
{
    memset(out, 0, sizeof *out);
    lk_data_options o = opts ? *opts : lk_data_options_default();
    if (!spec || !*spec)
        spec = "mnist";
    lki_rows train = { 0 }, test = { 0 };
    uint32_t *ytr = NULL, *yte = NULL;
    int have_test = 0;
    lk_status s = LK_OK;

    lk_data_files f = { 0 };
    /* A built-in set ("xor") is made in memory and read like CSV data
     * (standard scaling by default); anything else names files. */
    int builtin = !is_dir(spec) && !is_file(spec) && lki_is_builtin(spec);
    if (builtin) {
        if ((s = lki_builtin_read(spec, &train, &test, err)) != LK_OK)
            return s;
        out->name = strdup(spec);
        out->train_source = strdup(spec);
        out->test_source = strdup(spec);
        out->format = LK_FORMAT_CSV;
        have_test = 1;
    } else {
        if ((s = lk_data_resolve(spec, &o, &f, err)) != LK_OK)
            return s;
        out->name = f.name;
        f.name = NULL;
        out->format = f.format;
    }
    if (!builtin && f.format == LK_FORMAT_IDX) {
        s = read_idx_pair(f.train, f.train_labels, &o, &train, err);
        if (s == LK_OK)
            s = read_idx_pair(f.test, f.test_labels, &o, &test, err);
        if (s == LK_OK && test.d != train.d)
            s = lk_error_set(err, LK_EFORMAT, f.test, NULL,
                             "test images have %zu pixels, training images %zu", test.d, train.d);
        char buf[2048];
        snprintf(buf, sizeof buf, "%s, %s", f.train, f.train_labels);
        out->train_source = strdup(buf);
        snprintf(buf, sizeof buf, "%s, %s", f.test, f.test_labels);
        out->test_source = strdup(buf);
        have_test = 1;
    } else if (!builtin) {
        out->train_source = strdup(f.train);
        s = read_file(f.train, f.format, &o, o.features, &train, err);
        if (s == LK_OK && f.test) {
            s = read_file(f.test, f.test_format, &o, train.d, &test, err);
            out->test_source = strdup(f.test);
            have_test = 1;
            if (s == LK_OK && test.d > train.d && f.format == LK_FORMAT_LIBSVM) {
                /* The test set names a feature the training set never saw. */
                s = lk_error_set(err, LK_EFORMAT, f.test, "features",
                                 "has feature index %zu beyond the training set's %zu; set the "
                                 "number of features to %zu", test.d, train.d, test.d);
            } else if (s == LK_OK && test.d != train.d) {
                s = lk_error_set(err, LK_EFORMAT, f.test, NULL,
                                 "%zu features per row, the training set has %zu", test.d,
                                 train.d);
            }
        }
    }
    lk_data_files_free(&f);
    if (s != LK_OK)
        goto fail;
    if (train.n == 0) {
        s = lk_error_set(err, LK_EFORMAT, out->train_source, NULL, "no data rows");
        goto fail;
    }

    /* One label map over both sets, so a class seen only in the test set
     * still has a number (the model will simply never predict it). */
    char **const sets[2] = { train.labels, test.labels };
    const size_t counts[2] = { train.n, have_test ? test.n : 0 };
    if ((s = lki_labels_build(sets, counts, 2, &out->labels, err)) != LK_OK)
        goto fail;
    if (out->labels.k < 2) {
        s = lk_error_set(err, LK_EFORMAT, out->train_source, NULL,
                         "all rows have the same label '%s': nothing to learn",
                         out->labels.k ? out->labels.names[0] : "");
        goto fail;
    }
    ytr = malloc(train.n * sizeof *ytr);
    yte = malloc((have_test && test.n ? test.n : 1) * sizeof *yte);
    if (!ytr || !yte) {
        s = lk_error_set(err, LK_ENOMEM, "data", NULL, "out of memory");
        goto fail;
    }
    if ((s = lki_labels_map(&out->labels, train.labels, train.n, ytr, out->train_source, err)))
        goto fail;
    if (have_test) {
        if ((s = lki_labels_map(&out->labels, test.labels, test.n, yte, out->test_source, err)))
            goto fail;
        if ((s = take_rows(&train, ytr, NULL, train.n, &out->train, err)) != LK_OK)
            goto fail;
        if ((s = take_rows(&test, yte, NULL, test.n, &out->test, err)) != LK_OK)
            goto fail;
    } else {
        if (!(o.holdout > 0 && o.holdout < 1)) {
            s = lk_error_set(err, LK_EINVAL, "data", "holdout", "must be between 0 and 1");
            goto fail;
        }
        if ((s = holdout_split(&train, ytr, out->labels.k, o.holdout, rng, out, err)) != LK_OK)
            goto fail;
        out->test_is_holdout = 1;
        out->test_source = xstrdup_printf("holdout %g of %s", out->train_source, o.holdout);
    }
    lki_rows_free(&train);
    lki_rows_free(&test);
    free(ytr);
    free(yte);
    return LK_OK;
fail:
    lki_rows_free(&train);
    lki_rows_free(&test);
    free(ytr);
    free(yte);
    lk_split_free(out);
    return s;
}

void lk_data_files_free(lk_data_files *f)
{
    free(f->name);
    free(f->train);
    free(f->train_labels);
    free(f->test);
    free(f->test_labels);
    memset(f, 0, sizeof *f);
}

lk_status lk_data_resolve(const char *spec, const lk_data_options *opts, lk_data_files *out,
                          lk_error *err)
{
    memset(out, 0, sizeof *out);
    lk_data_options o = opts ? *opts : lk_data_options_default();
    if (!spec || !*spec)
        spec = "mnist";
    lk_status s = LK_OK;
    if (is_dir(spec) || (!is_file(spec) && !strchr(spec, '/') && !strchr(spec, '.'))) {
        char *dir = NULL;
        if (is_dir(spec) && has_idx_layout(spec)) {
            dir = strdup(spec);
            out->name = strdup(base_name(spec));
        } else if (is_dir(spec)) {
            return lk_error_set(err, LK_ENOTFOUND, spec, NULL,
                                "not a dataset directory (expected %s, %s, %s and %s, each "
                                "optionally .gz)", IDX_FILES[0], IDX_FILES[1], IDX_FILES[2],
                                IDX_FILES[3]);
        } else {
            if ((s = lk_data_find(spec, o.data_dir, &dir, err)) != LK_OK) {
                if (!lki_is_registered(spec))
                    lk_error_set(err, LK_ENOTFOUND, spec, NULL,
                                 "no such file, directory or dataset (known datasets: mnist, xor)");
                return s;
            }
            out->name = strdup(spec);
        }
        out->format = out->test_format = LK_FORMAT_IDX;
        out->train = idx_path(dir, IDX_FILES[0]);
        out->train_labels = idx_path(dir, IDX_FILES[1]);
        out->test = idx_path(dir, IDX_FILES[2]);
        out->test_labels = idx_path(dir, IDX_FILES[3]);
        free(dir);
        if (!out->name || !out->train || !out->train_labels || !out->test || !out->test_labels) {
            lk_data_files_free(out);
            return lk_error_set(err, LK_ENOMEM, spec, NULL, "out of memory");
        }
        return LK_OK;
    }
    if (!is_file(spec))
        return lk_error_set(err, LK_ENOTFOUND, spec, NULL,
                            "no such file, directory or dataset (known datasets: mnist, xor)");
    lk_format f = o.format != LK_FORMAT_AUTO ? o.format : format_by_name(spec);
    if (f == LK_FORMAT_IDX)
        return lk_error_set(err, LK_EINVAL, spec, NULL,
                            "IDX data is read from a directory in the MNIST layout");
    if (f == LK_FORMAT_AUTO)
        return read_file(spec, f, &o, 0, NULL, err);
    out->format = f;
    out->name = strdup(base_name(spec));
    out->train = strdup(spec);
    if (o.test_path) {
        lk_format ft = o.format != LK_FORMAT_AUTO ? o.format : format_by_name(o.test_path);
        out->test_format = ft == LK_FORMAT_AUTO ? f : ft;
        out->test = strdup(o.test_path);
    }
    if (!out->name || !out->train || (o.test_path && !out->test)) {
        lk_data_files_free(out);
        return lk_error_set(err, LK_ENOMEM, spec, NULL, "out of memory");
    }
    return LK_OK;
}

void lk_split_free(lk_split *s)
{
    if (!s)
        return;
    free(s->name);
    free(s->train_source);
    free(s->test_source);
    dataset_free(&s->train);
    dataset_free(&s->test);
    lk_labels_free(&s->labels);
    memset(s, 0, sizeof *s);
}

lk_status lk_onehot_into(const uint32_t *y, size_t n, size_t k, lk_mat *t, lk_error *err)
{
    for (size_t i = 0; i < n; i++)
        if (y[i] >= k)
            return lk_error_set(err, LK_EINVAL, "one-hot", NULL,
                                "label %u of row %zu is not below %zu", (unsigned)y[i], i + 1, k);
    if (t->rows != n || t->cols != k)
        return lk_error_set(err, LK_EINVAL, "one-hot", NULL, "targets of %zu x %zu for %zu rows "
                            "of %zu classes", t->rows, t->cols, n, k);
    lk_mat_fill(t, 0);
    for (size_t i = 0; i < n; i++)
        LK_AT(t, i, y[i]) = 1;
    return LK_OK;
}

lk_status lk_onehot(const uint32_t *y, size_t n, size_t k, lk_mat *t, lk_error *err)
{
    memset(t, 0, sizeof *t);
    for (size_t i = 0; i < n; i++)
        if (y[i] >= k)
            return lk_onehot_into(y, n, k, t, err);
    lk_status s = lk_mat_alloc(t, n, k, err);
    if (s == LK_OK)
        s = lk_onehot_into(y, n, k, t, err);
    return s;
}

void lk_class_counts(const lk_dataset *d, size_t k, size_t *counts)
{
    memset(counts, 0, k * sizeof *counts);
    for (size_t i = 0; i < d->n; i++)
        if (d->y[i] < k)
            counts[d->y[i]]++;
}
