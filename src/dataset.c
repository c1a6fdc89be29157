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

/* A seeded, stratified split: in each class, a shuffled round(f * count)
 * rows go to the test set; both sets keep the file's order. */
static lk_status holdout_split(lki_rows *r, const uint32_t *y, size_t k, double f,
                               gsl_rng *rng, lk_split *out, lk_error *err)
{
    size_t n = r->n;
    size_t *order = malloc((n ? n : 1) * sizeof *order);
    char *to_test = calloc(n ? n : 1, 1);
    size_t *start = calloc(k + 1, sizeof *start);
    lk_status s = LK_OK;
    if (!order || !to_test || !start) {
        s = lk_error_set(err, LK_ENOMEM, "holdout", NULL, "out of memory");
        goto done;
    }
    /* Counting sort by class, then shuffle each class's block. */
    for (size_t i = 0; i < n; i++)
        start[y[i] + 1]++;
    for (size_t c = 0; c < k; c++)
        start[c + 1] += start[c];
    size_t *fill = malloc((k ? k : 1) * sizeof *fill);
    if (!fill) {
        s = lk_error_set(err, LK_ENOMEM, "holdout", NULL, "out of memory");
        goto done;
    }
    memcpy(fill, start, k * sizeof *fill);
    for (size_t i = 0; i < n; i++)
        order[fill[y[i]]++] = i;
    free(fill);
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
    if (n_test == 0 || n_test == n) {
        s = lk_error_set(err, LK_EINVAL, "data", "holdout",
                         "a holdout of %g leaves %zu test rows of %zu", f, n_test, n);
        goto done;
    }
    size_t *tr = order, *te = malloc(n_test * sizeof *te);
    if (!te) {
        s = lk_error_set(err, LK_ENOMEM, "holdout", NULL, "out of memory");
        goto done;
    }
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
    free(te);
done:
    free(order);
    free(to_test);
    free(start);
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
    char *dir = NULL;
    int have_test = 0;
    lk_status s = LK_OK;

    if (!is_dir(spec) && !is_file(spec) && lki_is_builtin(spec)) {
        /* Made in memory; read like CSV data (standard scaling by default). */
        if ((s = lki_builtin_read(spec, &train, &test, err)) != LK_OK)
            return s;
        out->name = strdup(spec);
        out->train_source = strdup(spec);
        out->test_source = strdup(spec);
        out->format = LK_FORMAT_CSV;
        have_test = 1;
    } else if (is_dir(spec) || (!is_file(spec) && !strchr(spec, '/') && !strchr(spec, '.'))) {
        /* A directory in the MNIST layout, or a dataset name on the search path. */
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
        char *p[4];
        for (int k = 0; k < 4; k++)
            p[k] = idx_path(dir, IDX_FILES[k]);
        s = read_idx_pair(p[0], p[1], &o, &train, err);
        if (s == LK_OK)
            s = read_idx_pair(p[2], p[3], &o, &test, err);
        if (s == LK_OK && test.d != train.d)
            s = lk_error_set(err, LK_EFORMAT, p[2], NULL,
                             "test images have %zu pixels, training images %zu", test.d, train.d);
        char buf[2048];
        snprintf(buf, sizeof buf, "%s, %s", p[0], p[1]);
        out->train_source = strdup(buf);
        snprintf(buf, sizeof buf, "%s, %s", p[2], p[3]);
        out->test_source = strdup(buf);
        for (int k = 0; k < 4; k++)
            free(p[k]);
        out->format = LK_FORMAT_IDX;
        have_test = 1;
    } else {
        if (!is_file(spec))
            return lk_error_set(err, LK_ENOTFOUND, spec, NULL,
                                "no such file, directory or dataset (known datasets: mnist, xor)");
        lk_format f = o.format != LK_FORMAT_AUTO ? o.format : format_by_name(spec);
        if (f == LK_FORMAT_IDX)
            return lk_error_set(err, LK_EINVAL, spec, NULL,
                                "IDX data is read from a directory in the MNIST layout");
        out->format = f;
        out->name = strdup(base_name(spec));
        out->train_source = strdup(spec);
        s = read_file(spec, f, &o, o.features, &train, err);
        if (s == LK_OK && o.test_path) {
            lk_format ft = o.format != LK_FORMAT_AUTO ? o.format : format_by_name(o.test_path);
            if (ft == LK_FORMAT_AUTO)
                ft = f;
            s = read_file(o.test_path, ft, &o, train.d, &test, err);
            out->test_source = strdup(o.test_path);
            have_test = 1;
            if (s == LK_OK && test.d > train.d && f == LK_FORMAT_LIBSVM) {
                /* The test set names a feature the training set never saw. */
                s = lk_error_set(err, LK_EFORMAT, o.test_path, "features",
                                 "has feature index %zu beyond the training set's %zu; set the "
                                 "number of features to %zu", test.d, train.d, test.d);
            } else if (s == LK_OK && test.d != train.d) {
                s = lk_error_set(err, LK_EFORMAT, o.test_path, NULL,
                                 "%zu features per row, the training set has %zu", test.d,
                                 train.d);
            }
        }
    }
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
    free(dir);
    return LK_OK;
fail:
    lki_rows_free(&train);
    lki_rows_free(&test);
    free(ytr);
    free(yte);
    free(dir);
    lk_split_free(out);
    return s;
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

lk_status lk_onehot(const uint32_t *y, size_t n, size_t k, lk_mat *t, lk_error *err)
{
    memset(t, 0, sizeof *t);
    for (size_t i = 0; i < n; i++)
        if (y[i] >= k)
            return lk_error_set(err, LK_EINVAL, "one-hot", NULL,
                                "row %zu has class %u, not below %zu", i + 1, (unsigned)y[i], k);
    lk_status s = lk_mat_alloc(t, n, k, err);
    if (s != LK_OK)
        return s;
    for (size_t i = 0; i < n; i++)
        LK_AT(t, i, y[i]) = 1;
    return LK_OK;
}

void lk_class_counts(const lk_dataset *d, size_t k, size_t *counts)
{
    memset(counts, 0, k * sizeof *counts);
    for (size_t i = 0; i < d->n; i++)
        if (d->y[i] < k)
            counts[d->y[i]]++;
}
