/* dataset.c — resolving DATA (a name, an IDX directory or a file), the
 * holdout split, one-hot targets; the reading is data_load.c's. */
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

static const char *base_name(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash && slash[1] ? slash + 1 : path;
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
        return lk_error_set(err, LK_EINVAL, spec, "format",
                            "cannot tell the format from the name (expected .csv, .svm, "
                            ".libsvm, .scale or .t, optionally .gz)");
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
