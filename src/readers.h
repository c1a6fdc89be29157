/* readers.h — the format parsers behind the row-block source (private).
 *
 * CSV and LIBSVM are parsed a line at a time, IDX elements converted a run
 * at a time (idxstream.h); lk_rows (rows.c) drives them for the streaming
 * learners and for lk_data_load alike.  Labels stay text until a label map
 * turns them into classes (so integer and string labels share one path).
 * Errors name the file and the place: a byte offset for IDX, line:field for
 * text formats. */
#ifndef LEARNKIT_READERS_H
#define LEARNKIT_READERS_H

#include <stddef.h>
#include <stdint.h>
#include <learnkit/data.h>

/* Rows made in memory (the built-in sets), before labels are mapped to
 * classes. */
typedef struct lki_rows {
    lk_mat x;           /* n x d */
    char **labels;      /* n label texts (malloc'ed each), or NULL */
    size_t n, d;
} lki_rows;

void lki_rows_free(lki_rows *r);

/* count IDX elements of a type (0x08 ... 0x0E) from big-endian bytes. */
void lki_idx_convert(const unsigned char *p, unsigned type, size_t count, lk_real *out);
/* Bytes per element of a type (0: unknown), and one element's value. */
size_t lki_idx_elem_size(unsigned type);
double lki_idx_element(const unsigned char *p, unsigned type);

/* Built-in datasets ("xor"): training and test rows made in memory. */
int lki_is_builtin(const char *name);
lk_status lki_builtin_read(const char *name, lki_rows *train, lki_rows *test, lk_error *err);

/* CSV one line at a time.  lki_csv_line takes a NUL-terminated line without its line
 * end, modified in place; it returns 1 for a data row (label_text points
 * into the line; row holds ncols - 1 values unless skip is set), 0 for a
 * blank or header line, or minus an lk_status with err filled. */
typedef struct lki_csv {
    const char *source;
    const lk_data_options *o;
    char **fields;
    size_t cap, ncols, label;
    int header_pending;
    int skip;                 /* 1: check the shape only, parse no number */
    const char *label_text;
    lk_real *row;
} lki_csv;
void lki_csv_init(lki_csv *c, const char *source, const lk_data_options *o);
int lki_csv_line(lki_csv *c, char *line, size_t len, size_t line_no, lk_error *err);
void lki_csv_free(lki_csv *c);

/* LIBSVM one line at a time: 1 for a row (label_text, and the pairs
 * col[j] (0-based) / val[j], j < m), 0 for a blank or comment line, or minus
 * an lk_status with err filled. */
typedef struct lki_svm {
    const char *source;
    const char *label_text;
    size_t *col;
    lk_real *val;
    size_t m, cap;
} lki_svm;
int lki_svm_line(lki_svm *s, char *line, size_t len, size_t line_no, lk_error *err);
void lki_svm_free(lki_svm *s);

#endif
