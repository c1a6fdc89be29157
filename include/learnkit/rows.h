/* learnkit/rows.h — data in row blocks: files larger than memory.
 *
 * An lk_rows is one data file (CSV or LIBSVM, plain or gzipped; or an IDX
 * image file with its label file) read front to back in blocks of at most
 * block_rows rows, into buffers allocated once at open.  A block arrives
 * already scaled (lk_rows_set_prep) with its labels mapped to classes
 * (lk_rows_set_labels); errors name the file and place (FILE:LINE:FIELD,
 * byte offsets).  lk_data_load reads through it too: a first pass, then
 * lk_dataset_read into one allocation.
 *
 *     lk_rows *r;
 *     lk_rows_open(&r, "train.csv", NULL, &opts, 4096, err);
 *     lk_rows_scan(r, &stats, err);            // first pass: rows, width,
 *                                              // labels, scaling sums
 *     lk_rows_set_labels(r, &labels, 0);  lk_rows_set_prep(r, &prep);
 *     while (lk_rows_next(r, &blk, err) == LK_OK && blk.n) ...;
 *     lk_rows_rewind(r, err);                  // and again
 *     lk_rows_close(r);
 *
 * Passes.  The scan reads every row once and keeps O(d + classes): the row
 * count, the width (LIBSVM's largest index), the distinct labels and the
 * sums a scaling needs (lk_prep_acc).  Every later pass gives the same rows
 * in the same order.
 *
 * Row range.  lk_rows_set_range keeps only the data rows [begin, end) of the
 * file (0-based, counted after a CSV header, blank lines not counted): IDX
 * seeks to the first, text skips the lines before without parsing their
 * numbers and stops after the last.  Data-parallel ranks read their share.
 *
 * Selection.  lk_rows_set_select(mask, n, want) keeps only the rows whose
 * mask byte (indexed by data row) equals want: a holdout split drawn once
 * gives the same training rows and test rows on every pass.
 *
 * lk_blocks is what a learner that streams consumes: "next block of rows",
 * and "again from the start".  lk_blocks_of_mat serves a matrix in memory,
 * lk_reader (below) serves an lk_rows from a second thread, so that the
 * next block is parsed while the BLAS works on this one. */
#ifndef LEARNKIT_ROWS_H
#define LEARNKIT_ROWS_H

#include <stddef.h>
#include <stdint.h>
#include <learnkit/data.h>
#include <learnkit/comm.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct lk_rows lk_rows;

/* One block: n rows of x (n x d view of the source's buffer) and their
 * classes y (0 with known[i] = 0 for a label the map lacks, when allowed). */
typedef struct lk_block {
    lk_mat x;
    const uint32_t *y;
    const unsigned char *known;
    size_t n;
} lk_block;

/* Sums for fitting a scaling over blocks of rows: kind and format as in
 * lk_prep_fit; d columns (the accumulator widens itself for LIBSVM). */
typedef struct lk_prep_acc {
    lk_scale_kind kind;
    lk_format format;
    size_t d, cap;
    double n;
    double *s1, *s2;       /* sums of x and x^2, or max |x| in s1 */
} lk_prep_acc;

lk_status lk_prep_acc_init(lk_prep_acc *a, lk_scale_kind kind, lk_format format, size_t d,
                           lk_error *err);
/* Add the rows of x (its columns beyond a->d widen the accumulator). */
lk_status lk_prep_acc_add(lk_prep_acc *a, const lk_mat *x, lk_error *err);
/* The scaling of everything added (over every rank with comm set: a
 * collective); d is the final width (>= a->d). */
lk_status lk_prep_acc_finish(lk_prep_acc *a, size_t d, const lk_comm *comm, lk_prep *p,
                             lk_error *err);
void lk_prep_acc_free(lk_prep_acc *a);

/* What lk_rows_scan found. */
typedef struct lk_rows_stats {
    size_t n;              /* data rows in the range */
    size_t d;              /* features (LIBSVM: the largest index, or min width) */
    size_t n_labels;
    char **labels;         /* distinct label texts, as read (first seen first) */
    uint32_t *ids;         /* want_ids: per row, its label's index in labels */
} lk_rows_stats;
void lk_rows_stats_free(lk_rows_stats *s);

/* Open path as o->format (or by its name); IDX needs labels_path.
 * block_rows >= 1.  LIBSVM rows are o->features wide until the scan or
 * lk_rows_set_width says more.  LK_ENOTFOUND, LK_EIO, LK_EFORMAT (header). */
lk_status lk_rows_open(lk_rows **out, const char *path, const char *labels_path,
                       lk_format format, const lk_data_options *o, size_t block_rows,
                       lk_error *err);
void lk_rows_close(lk_rows *r);

/* Keep data rows [begin, end) only (end SIZE_MAX: to the end).  Before the
 * first pass or after a rewind. */
void lk_rows_set_range(lk_rows *r, size_t begin, size_t end);
/* Keep rows whose mask[row] == want (mask of the file's first n rows; rows
 * beyond n are not kept; mask NULL: all). */
void lk_rows_set_select(lk_rows *r, const unsigned char *mask, size_t n, unsigned char want);
/* Rows this wide (LIBSVM: an index beyond it is an error naming the place);
 * CSV and IDX: must equal the file's width.  Allocates the block once. */
lk_status lk_rows_set_width(lk_rows *r, size_t d, lk_error *err);
size_t lk_rows_width(const lk_rows *r);
size_t lk_rows_block_rows(const lk_rows *r);
/* Map labels through l (NULL: y all 0); unknown_ok = 0 makes an unknown
 * label an error naming its line. */
void lk_rows_set_labels(lk_rows *r, const lk_labels *l, int unknown_ok);
/* Scale each block by p (NULL: as read). */
void lk_rows_set_prep(lk_rows *r, const lk_prep *p);

/* The first pass: row count, width, labels, (want_ids) each row's label,
 * and (acc non-NULL) the sums of a scaling over the raw rows; the range and
 * the selection apply.  Leaves the source rewound.  IDX without acc reads
 * only the labels.  LK_EFORMAT when no row is there. */
lk_status lk_rows_scan(lk_rows *r, lk_rows_stats *st, lk_prep_acc *acc, int want_ids,
                       lk_error *err);
/* The next block into r's buffer (valid until the next call); b->n = 0 at
 * the end of the range. */
lk_status lk_rows_next(lk_rows *r, lk_block *b, lk_error *err);
/* The same into the caller's buffers (x at least block_rows x width, y
 * and known block_rows values), which b then views: a reader thread fills
 * its own slots without a copy.  LK_EINVAL for a smaller x. */
lk_status lk_rows_next_into(lk_rows *r, lk_mat *x, uint32_t *y, unsigned char *known,
                           lk_block *b, lk_error *err);
lk_status lk_rows_rewind(lk_rows *r, lk_error *err);
/* Bytes of input consumed in all passes so far (decompressed), and the
 * seconds spent reading and parsing them. */
double lk_rows_bytes(const lk_rows *r);
double lk_rows_seconds(const lk_rows *r);
const char *lk_rows_source(const lk_rows *r);

/* ---------------------------------------------------------------- consumers */

typedef struct lk_blocks {
    /* The next block (b->n = 0 at the end); valid until the next call. */
    lk_status (*next)(void *ctx, lk_block *b, lk_error *err);
    lk_status (*rewind)(void *ctx, lk_error *err);
    void *ctx;
    size_t d;              /* columns of every block */
    size_t max_rows;       /* no block is longer */
} lk_blocks;

/* One pass: rewind, then every block cut into chunks of at most chunk_rows
 * rows, each handed to fn with its one-hot targets (built in t, at least
 * chunk_rows x k; LK_EINVAL for a class not below k).  *rows (may be NULL)
 * counts the rows seen. */
typedef lk_status (*lk_chunk_fn)(void *ctx, const lk_mat *x, const lk_mat *t, lk_error *err);
lk_status lk_blocks_chunks(const lk_blocks *src, size_t chunk_rows, size_t k, lk_mat *t,
                           lk_chunk_fn fn, void *ctx, size_t *rows, lk_error *err);

/* One pass as lk_blocks_chunks, but the chunks are the pass's rows
 * [0, c), [c, 2c), ... (c = chunk_rows) whatever the blocks: a chunk that
 * spans blocks is gathered into buf (at least c x d) with its classes in
 * ybuf (c values); one inside a block is a view.  A sum over chunks is
 * then the same for every block size (a matrix in memory or a file read in
 * blocks of any length), so fits streamed and in memory agree bit for bit. */
lk_status lk_blocks_chunks_fixed(const lk_blocks *src, size_t chunk_rows, size_t k, lk_mat *t,
                                 lk_mat *buf, uint32_t *ybuf, lk_chunk_fn fn, void *ctx,
                                 size_t *rows, lk_error *err);

/* Blocks of up to block_rows rows of x with classes y (views, no copy). */
typedef struct lk_mat_blocks {
    const lk_mat *x;
    const uint32_t *y;
    size_t block_rows, at;
} lk_mat_blocks;
lk_blocks lk_blocks_of_mat(lk_mat_blocks *state, const lk_mat *x, const uint32_t *y,
                           size_t block_rows);

/* The blocks of r itself, read in the caller's thread (rewind rewinds r). */
lk_blocks lk_blocks_of_rows(lk_rows *r);

/* Every block of src from its start, gathered into out (allocated here
 * once: n x src->d features and n classes; out->n = n).  n is the count of
 * an earlier pass: LK_EFORMAT naming source when the pass gives another
 * (the file changed).  Errors of the source pass through; out is empty on
 * error.  With lk_rows_set_range and lk_rows_set_select this reads one
 * rank's share of a file without ever holding the rest. */
lk_status lk_dataset_read(lk_dataset *out, const lk_blocks *src, size_t n, const char *source,
                          lk_error *err);

/* lk_dataset_read of r's blocks (lk_blocks_of_rows), the blocks that have
 * room in out read in place, not through r's buffer: the in-memory load
 * (lk_data_load) costs one conversion per value, no copy. */
lk_status lk_rows_read(lk_rows *r, size_t n, lk_dataset *out, lk_error *err);

/* The rows [*row_begin, *row_end) of a file whose mask (n bytes) holds the
 * selected rows (mask[i] == want) numbered first to end - 1 (0-based, in
 * file order): with lk_rows_set_range and lk_rows_set_select, a share of
 * the selected rows.  mask NULL: every row is selected. */
void lk_select_range(const unsigned char *mask, size_t n, unsigned char want, size_t first,
                     size_t end, size_t *row_begin, size_t *row_end);

/* A reader thread over an lk_rows: two block buffers, the thread fills one
 * while the caller computes on the other (a bounded queue of two).  The
 * lk_rows belongs to the thread between lk_reader_start and lk_reader_free;
 * it is rewound at the start. */
typedef struct lk_reader lk_reader;
lk_status lk_reader_start(lk_reader **out, lk_rows *r, lk_error *err);
lk_blocks lk_reader_blocks(lk_reader *rd);
/* Seconds the thread spent reading, and the caller spent waiting for it. */
double lk_reader_read_seconds(const lk_reader *rd);
double lk_reader_wait_seconds(const lk_reader *rd);
void lk_reader_free(lk_reader *rd);

#ifdef __cplusplus
}
#endif
#endif
