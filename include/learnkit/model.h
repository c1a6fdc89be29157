/* learnkit/model.h — the one model file container every learner saves into.
 *
 * A model is a kind ("mlp", "elm", ...) and an ordered list of named entries,
 * each typed: an integer, a real, a string, a list of strings, or an array
 * (rows x cols of float or double).  Learners put their architecture
 * (activation names as strings), the preprocessing and label map, and their
 * arrays; they get them back by name with their shapes checked.
 *
 * Key names are dotted and grouped by their first word, which `learnkit
 * inspect` uses as sections: "arch.layers", "prep.mean", "labels", "w.0".
 *
 * File format (all integers little-endian, whatever the host):
 *
 *   offset  size  field
 *   0       8     magic  89 'L' 'K' 'M' 0D 0A 1A 0A   (catches text-mode damage)
 *   8       2     major version (2): a reader refuses another major
 *   10      2     minor version (0): additions a reader may skip
 *   12      4     number of entries E
 *   16      2+k   kind: u16 length k, k bytes
 *   ...           E entries: u8 type, u16 key length, key bytes,
 *                            u64 payload length, payload
 *   end-4   4     CRC-32 (zlib) of every byte before it
 *
 *   payloads:  INT   i64                 REAL  f64 (IEEE bits)
 *              STR   bytes (no NUL)      STRS  u32 count, then u32 length + bytes each
 *              ARRAY u8 element size (4 = f32, 8 = f64), u64 rows, u64 cols, data
 *
 * The reader checks the size, the CRC, then every count and length against
 * the bytes left before it allocates anything, so a damaged or hostile file
 * yields LK_EFORMAT with the byte offset, never a crash or a huge allocation.
 * The writer writes a temporary beside the target, flushes it and renames
 * it, so an interrupted save never leaves a partial file or damages an
 * existing one.  Same model, same bytes: nothing time- or host-dependent is
 * stored.
 *
 * Meaning, not only bytes.  A model file is untrusted input: what a user
 * got from someone else.  Every learner's loader (lk_elm_load, lk_lsq_load,
 * lk_logreg_load, lk_perceptron_load, lk_mlp_load, lk_ae_load, and
 * lk_net_load, lk_prep_load, lk_labels_load for the parts) checks every
 * entry it uses, with the same rules its fit or build applies:
 *   - the kind: a loader reads only its own kind;
 *   - names: activations allowed for that layer and learner (lk_elm_check,
 *     lk_mlp_build's and lk_ae_build's rules), losses that fit the output,
 *     known solvers and scalings;
 *   - counts: arch.inputs (in every learner's model) and arch.classes (in
 *     every model that classifies) in range, every array's shape equal to what the architecture implies,
 *     prep.features equal to arch.inputs, as many labels as arch.classes;
 *   - sizes: shapes are checked against the arrays really in the file
 *     before anything is allocated from a count, so a file can never ask
 *     for more memory than its own size implies;
 *   - values: every array a predictor uses is finite.
 * A bad entry gives LK_EFORMAT (LK_ENOTFOUND when missing) with the file as
 * the source and the key as the place, and the loader leaves nothing to
 * free.  A model that loads predicts without a crash.  The parser itself
 * refuses a duplicated key.
 *
 * One protocol for every learner X: lk_X_save(x, prep, labels, &model, err)
 * makes a new model of X's own kind (arch.* and X's arrays, then the
 * preprocessing and label map when given), and lk_X_load(model, x, err)
 * reads it back with the checks above; lk_predictor_load (learnkit/
 * predictor.h) picks the loader by the kind.
 *
 * Versions.  The minor version counts additions an older reader may skip;
 * the major changes when a key is renamed or changes meaning.  A reader
 * refuses a major other than its own with LK_EUNSUPPORTED: format 1 files
 * (whose logreg and perceptron models named their inputs arch.features and
 * their arrays w and b, and whose mlp and ae models had no arch.inputs)
 * give "format 1.0: retrain with this version", never a half-read model. */
#ifndef LEARNKIT_MODEL_H
#define LEARNKIT_MODEL_H

#include <stddef.h>
#include <stdint.h>
#include <learnkit/mat.h>

#ifdef __cplusplus
extern "C" {
#endif

#define LK_MODEL_MAJOR 2
#define LK_MODEL_MINOR 0

typedef enum lk_entry_type {
    LK_ENTRY_INT = 1,
    LK_ENTRY_REAL = 2,
    LK_ENTRY_STR = 3,
    LK_ENTRY_STRS = 4,
    LK_ENTRY_ARRAY = 5
} lk_entry_type;

typedef struct lk_model lk_model;

/* Read-only description of one entry, for inspect and generic readers. */
typedef struct lk_entry_info {
    const char *key;
    lk_entry_type type;
    int64_t i;               /* INT */
    double r;                /* REAL */
    const char *s;           /* STR */
    size_t n_strs;           /* STRS */
    const char *const *strs; /* STRS */
    size_t rows, cols;       /* ARRAY */
    size_t elem_size;        /* ARRAY: 4 or 8 */
} lk_entry_info;

/* A new, empty model of a kind; NULL when out of memory. */
lk_model *lk_model_new(const char *kind);
void lk_model_free(lk_model *m);
const char *lk_model_kind(const lk_model *m);
/* The file the model was read from ("<model>" for a new one): the source
 * of every error about its entries. */
const char *lk_model_source(const lk_model *m);
/* File major/minor the model was read from (LK_MODEL_* for a new one). */
void lk_model_version(const lk_model *m, int *major, int *minor);

/* Put an entry (replacing one of the same key).  Values are copied.
 * LK_EINVAL for an empty key or one longer than 255 bytes, a string with a
 * NUL; LK_ENOMEM when out of memory. */
lk_status lk_model_put_int(lk_model *m, const char *key, int64_t v, lk_error *err);
lk_status lk_model_put_real(lk_model *m, const char *key, double v, lk_error *err);
lk_status lk_model_put_str(lk_model *m, const char *key, const char *s, lk_error *err);
lk_status lk_model_put_strs(lk_model *m, const char *key, size_t n,
                            const char *const *s, lk_error *err);
/* Stored in lk_real precision (f32 in the float build, f64 in the double). */
lk_status lk_model_put_mat(lk_model *m, const char *key, const lk_mat *a, lk_error *err);
lk_status lk_model_put_vec(lk_model *m, const char *key, size_t n, const lk_real *v,
                           lk_error *err);
/* Stored in double whatever lk_real is (preprocessing, fitted statistics). */
lk_status lk_model_put_dvec(lk_model *m, const char *key, size_t n, const double *v,
                            lk_error *err);

/* Get an entry.  LK_ENOTFOUND when absent, LK_EFORMAT when of another type
 * or shape; the error's source is the file the model came from and its
 * place the key: "m.lkm:elm.beta: expected 1000 x 10, found 10 x 1000". */
int lk_model_has(const lk_model *m, const char *key);
lk_status lk_model_get_int(const lk_model *m, const char *key, int64_t *out, lk_error *err);
/* An INT entry checked to lie in [lo, hi]. */
lk_status lk_model_get_size(const lk_model *m, const char *key, int64_t lo, int64_t hi,
                            size_t *out, lk_error *err);
lk_status lk_model_get_real(const lk_model *m, const char *key, double *out, lk_error *err);
/* Borrowed: valid while the model lives. */
lk_status lk_model_get_str(const lk_model *m, const char *key, const char **out,
                           lk_error *err);
lk_status lk_model_get_strs(const lk_model *m, const char *key, size_t *n,
                            const char *const **out, lk_error *err);
/* Copy an array of exactly rows x cols into dst (converting precision if the
 * file's differs); dst is any lk_mat of that shape, e.g. an arena view. */
lk_status lk_model_get_mat(const lk_model *m, const char *key, size_t rows, size_t cols,
                           lk_mat *dst, lk_error *err);
/* Shape of an array entry (to allocate before lk_model_get_mat). */
lk_status lk_model_get_shape(const lk_model *m, const char *key, size_t *rows,
                             size_t *cols, lk_error *err);
/* Copy an array of exactly n elements (any shape) as doubles. */
lk_status lk_model_get_dvec(const lk_model *m, const char *key, size_t n, double *dst,
                            lk_error *err);

size_t lk_model_count(const lk_model *m);
/* Describe entry i (0 <= i < count); LK_EINVAL when out of range. */
lk_status lk_model_entry(const lk_model *m, size_t i, lk_entry_info *info);
/* Copy element k of an array entry as a double (for inspect's statistics). */
double lk_model_array_value(const lk_model *m, size_t i, size_t k);

/* Serialize to a malloc'ed buffer (*buf freed by the caller with free()). */
lk_status lk_model_serialize(const lk_model *m, unsigned char **buf, size_t *n,
                             lk_error *err);
/* Parse n bytes; source names them in errors (a path, or "<memory>"). */
lk_status lk_model_parse(const unsigned char *buf, size_t n, const char *source,
                         lk_model **out, lk_error *err);

/* Atomic save (temporary beside path, fsync, rename) and load. */
lk_status lk_model_save(const lk_model *m, const char *path, lk_error *err);
lk_status lk_model_load(const char *path, lk_model **out, lk_error *err);

#ifdef __cplusplus
}
#endif
#endif
