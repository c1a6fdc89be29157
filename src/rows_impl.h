/* rows_impl.h — what the in-memory load (data_load.c) asks of a row
 * source beyond learnkit/rows.h (private). */
#ifndef LEARNKIT_ROWS_IMPL_H
#define LEARNKIT_ROWS_IMPL_H

#include <learnkit/rows.h>

/* lk_rows_open, and with whole set the checks of a load that allocates
 * every row before reading them (lki_idxs_open's whole): an IDX file's
 * size against its header before any row is read. */
lk_status lki_rows_open(lk_rows **out, const char *path, const char *labels_path,
                        lk_format format, const lk_data_options *o, size_t block_rows,
                        int whole, lk_error *err);

/* At most max_rows rows per block from now on (a set of fewer rows than a
 * block needs no larger buffer); the block is allocated again if it was. */
lk_status lki_rows_limit_block(lk_rows *r, size_t max_rows, lk_error *err);

#endif
