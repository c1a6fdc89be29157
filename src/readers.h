/* readers.h — the format readers behind lk_data_load (private).
 *
 * Each reader turns one file into raw rows: features as lk_real and labels as
 * text (so integer and string labels share one path to the label map).
 * Errors name the file and the place: a byte offset for IDX, line:field for
 * text formats. */
#ifndef LEARNKIT_READERS_H
#define LEARNKIT_READERS_H

#include <stddef.h>
#include <stdint.h>
#include <learnkit/data.h>

/* Rows read from one source, before labels are mapped to classes. */
typedef struct lki_rows {
    lk_mat x;           /* n x d */
    char **labels;      /* n label texts (malloc'ed each), or NULL */
    size_t n, d;
} lki_rows;

void lki_rows_free(lki_rows *r);

/* An IDX file (optionally gzipped): rank >= 2 gives n x prod(dims[1..]) rows
 * of features; rank 1 gives n labels (as decimal text).  Every dimension is
 * checked against the bytes present before anything is allocated. */
lk_status lki_idx_read_features(const char *path, size_t max_bytes, lki_rows *out,
                                lk_error *err);
lk_status lki_idx_read_labels(const char *path, size_t max_bytes, lki_rows *out,
                              lk_error *err);
/* The same from bytes in memory (for fuzzing); source names them. */
lk_status lki_idx_parse(const unsigned char *buf, size_t n, const char *source, int want_rank1,
                        lki_rows *out, lk_error *err);

/* CSV (optionally gzipped): labels from the chosen column, every other field a
 * strictly parsed finite number. */
lk_status lki_csv_read(const char *path, const lk_data_options *opts, lki_rows *out,
                       lk_error *err);
lk_status lki_csv_parse(char *text, size_t n, const char *source, const lk_data_options *opts,
                        lki_rows *out, lk_error *err);

/* LIBSVM text (optionally gzipped): "label idx:val ..." with 1-based increasing
 * indices and numeric labels; min_features widens the rows (0: as many as the
 * largest index).  max_bytes bounds the dense rows (0: three quarters of
 * physical memory).  The parser writes into text, which holds n bytes and a
 * NUL after them. */
lk_status lki_libsvm_read(const char *path, size_t min_features, size_t max_bytes,
                          lki_rows *out, lk_error *err);
lk_status lki_libsvm_parse(char *text, size_t n, const char *source, size_t min_features,
                           size_t max_bytes, lki_rows *out, lk_error *err);

/* Built-in datasets ("xor"): training and test rows made in memory. */
int lki_is_builtin(const char *name);
lk_status lki_builtin_read(const char *name, lki_rows *train, lki_rows *test, lk_error *err);

#endif
