/* learnkit/data.h — datasets: readers, named datasets, label maps and
 * preprocessing.
 *
 * A dataset is a dense feature block X (n x d, lk_real, row-major, as read:
 * not yet scaled) and a class index y[i] in 0..K-1 per row.  Original labels
 * (integers or strings) map to classes in sorted order (numerically when
 * every label is an integer); the map (lk_labels) travels with the data and
 * into every saved model, so predictions print the original labels.
 *
 * lk_data_load() resolves DATA as the README's "Data" section describes
 * it: a registered name ("mnist") found on the search path (data_dir,
 * $LEARNKIT_DATA, ./datasets/NAME, the installed data directory,
 * ${XDG_CACHE_HOME:-~/.cache}/learnkit/NAME), a directory in the MNIST
 * layout, or a CSV or LIBSVM file (gzipped or not), with a test set from
 * opts->test_path, the dataset itself, or a seeded stratified holdout.
 *
 * Preprocessing (lk_prep) is fitted on the training rows only and applied to
 * both sets; it is saved in the model and applied again at prediction. */
#ifndef LEARNKIT_DATA_H
#define LEARNKIT_DATA_H

#include <stddef.h>
#include <stdint.h>
#include <gsl/gsl_rng.h>
#include <learnkit/mat.h>
#include <learnkit/model.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum lk_format { LK_FORMAT_AUTO = 0, LK_FORMAT_IDX, LK_FORMAT_CSV, LK_FORMAT_LIBSVM } lk_format;
typedef enum lk_scale_kind {
    LK_SCALE_AUTO = 0,   /* unit for IDX, standard otherwise */
    LK_SCALE_UNIT,       /* x / 255 for IDX bytes; x / max|x| per feature otherwise */
    LK_SCALE_STANDARD,   /* (x - mean) / std, fitted on train; constant columns stay finite */
    LK_SCALE_NONE
} lk_scale_kind;
typedef enum lk_header_mode { LK_HEADER_AUTO = 0, LK_HEADER_YES, LK_HEADER_NO } lk_header_mode;

#define LK_LABEL_COL_FIRST 0
#define LK_LABEL_COL_LAST (-1)

typedef struct lk_data_options {
    const char *data_dir;   /* --data-dir: searched first for named datasets        */
    const char *test_path;  /* --test: test file for file data                     */
    double holdout;         /* fraction held out when there is no test set (0.2)   */
    lk_format format;       /* --format, or AUTO by extension                      */
    long label_col;         /* CSV: 1-based column, or LK_LABEL_COL_FIRST/LAST      */
    lk_header_mode header;  /* CSV header line                                     */
    size_t features;        /* LIBSVM dimension (0: from the data)                 */
    lk_scale_kind scale;
    size_t max_bytes;       /* refuse inputs that would need more (0: no limit)     */
} lk_data_options;

/* The defaults: holdout 0.2, format AUTO, label column first,
 * header AUTO, scale AUTO. */
lk_data_options lk_data_options_default(void);

typedef struct lk_labels {
    size_t k;           /* number of classes */
    char **names;       /* names[c]: the original label text of class c */
} lk_labels;

typedef struct lk_dataset {
    lk_mat x;           /* n x d features */
    uint32_t *y;        /* n class indices in 0..k-1 */
    size_t n, d;
} lk_dataset;

typedef struct lk_split {
    char *name;          /* "mnist", or the file's name */
    lk_format format;    /* the format that was read */
    char *train_source;  /* path(s) the training rows came from */
    char *test_source;   /* path(s) of the test rows, or "holdout 0.2 of ..." */
    int test_is_holdout;
    lk_dataset train, test;
    lk_labels labels;
} lk_split;

/* Load DATA (spec: NULL or "" means "mnist").  rng draws the holdout split.
 * Errors name the file and the place (line:field, byte offset). */
lk_status lk_data_load(const char *spec, const lk_data_options *opts, gsl_rng *rng,
                       lk_split *out, lk_error *err);
/* lk_data_load of part `part` of `parts` (part < parts): the same label
 * map, holdout (the same draws from rng) and source names, but of the
 * training rows and of the test rows only the contiguous share
 * lk_comm_share gives part, read without holding the rest (parts 1: all,
 * exactly lk_data_load).  totals (2 values, may be NULL) gets every
 * part's training and test rows.  LK_EINVAL when there are fewer training
 * rows than parts. */
lk_status lk_data_load_part(const char *spec, const lk_data_options *opts, gsl_rng *rng,
                            size_t part, size_t parts, lk_split *out, size_t *totals,
                            lk_error *err);
void lk_split_free(lk_split *s);

/* Where DATA's rows are, without reading them (for learnkit/rows.h): the
 * format, and the training and test files (IDX: images and labels; test
 * NULL when a file has no --test).  Errors as lk_data_load's. */
typedef struct lk_data_files {
    char *name;
    lk_format format, test_format;
    char *train, *train_labels;
    char *test, *test_labels;
} lk_data_files;
lk_status lk_data_resolve(const char *spec, const lk_data_options *opts, lk_data_files *out,
                          lk_error *err);
void lk_data_files_free(lk_data_files *f);

#ifndef LK_COMM_DECLARED
#define LK_COMM_DECLARED
typedef struct lk_comm lk_comm;
#endif
/* Keep only this rank's contiguous share of the training rows (the rows
 * lk_comm_share assigns it; all of them in a world of one), for training
 * data-parallel; the test rows stay whole.  LK_EINVAL when there are fewer
 * training rows than ranks, LK_ENOMEM; the split is unchanged on error. */
lk_status lk_split_shard(lk_split *s, const lk_comm *c, lk_error *err);

/* The dataset names DATA may be (besides a directory or a file), in a
 * NULL-terminated list: "mnist", ... */
const char *const *lk_data_names(void);

/* Where a named dataset's files are, or LK_ENOTFOUND; *dir is malloc'ed. */
lk_status lk_data_find(const char *name, const char *data_dir, char **dir, lk_error *err);

/* One-hot targets: t (allocated here, n x k) with t[i][y[i]] = 1; LK_EINVAL
 * (t left empty) when some y[i] is not below k. */
lk_status lk_onehot(const uint32_t *y, size_t n, size_t k, lk_mat *t, lk_error *err);
/* The same into t (n x k, allocated by the caller). */
lk_status lk_onehot_into(const uint32_t *y, size_t n, size_t k, lk_mat *t, lk_error *err);

/* Per-class counts (k values) of a dataset. */
void lk_class_counts(const lk_dataset *d, size_t k, size_t *counts);

/* ---------------------------------------------------------------- labels */

/* Put the label map into m ("labels"), and read it back: distinct names in
 * the order lki_labels_build gives them, as many as the model's
 * arch.classes when it has one (LK_EFORMAT at "labels" otherwise). */
lk_status lk_labels_save(const lk_labels *l, lk_model *m, lk_error *err);
lk_status lk_labels_load(const lk_model *m, lk_labels *l, lk_error *err);
void lk_labels_free(lk_labels *l);
/* The map of the distinct labels of n_sets arrays of label texts (sorted
 * numerically when all are integers, else by bytes), as lk_data_load
 * builds it. */
lk_status lk_labels_from_texts(char **const *sets, const size_t *counts, size_t n_sets,
                               lk_labels *out, lk_error *err);
/* 1 with *c the class of a label text ("+1" finds the class "1"), else 0. */
int lk_labels_lookup(const lk_labels *l, const char *text, uint32_t *c);

/* The seeded stratified holdout of lk_data_load over n rows of classes
 * y < k: mark[i] = 1 for a held-out row (in each class, a shuffled
 * round(f * count) of its rows), *n_test of them.  LK_EINVAL when that
 * leaves no test or no training row; LK_ENOMEM. */
lk_status lk_holdout_mark(const uint32_t *y, size_t n, size_t k, double f, gsl_rng *rng,
                          unsigned char *mark, size_t *n_test, lk_error *err);

/* ---------------------------------------------------------------- preprocessing */

/* x' = (x - shift[j]) * scale[j] per feature j. */
typedef struct lk_prep {
    lk_scale_kind kind;  /* never AUTO once fitted */
    size_t d;
    double *shift;
    double *scale;
} lk_prep;

/* Fit on the training features (AUTO resolved by the format read). */
lk_status lk_prep_fit(lk_prep *p, lk_scale_kind kind, lk_format format, const lk_mat *x,
                      lk_error *err);
void lk_prep_apply(const lk_prep *p, lk_mat *x);
/* Put the preprocessing into m (prep.scale, prep.features, prep.shift,
 * prep.factor), and read it back: a known scaling, 1 x prep.features finite
 * values each, prep.features equal to the model's arch.inputs when it has
 * one (LK_EFORMAT at the key otherwise). */
lk_status lk_prep_save(const lk_prep *p, lk_model *m, lk_error *err);
lk_status lk_prep_load(const lk_model *m, lk_prep *p, lk_error *err);
void lk_prep_free(lk_prep *p);

const char *lk_format_name(lk_format f);
const char *lk_scale_name(lk_scale_kind k);

#ifdef __cplusplus
}
#endif
#endif
