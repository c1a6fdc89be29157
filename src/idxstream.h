/* idxstream.h — an IDX image file and its label file read forward in runs
 * of rows: one gzread per run for each file, so that a pass over MNIST is
 * a few dozen library calls instead of 120000 (private to rows.c). */
#ifndef LEARNKIT_IDXSTREAM_H
#define LEARNKIT_IDXSTREAM_H

#include <stddef.h>
#include <zlib.h>
#include <learnkit/mat.h>
#include <learnkit/error.h>

typedef struct lki_idxs {
    const char *path, *labels_path;   /* borrowed from the caller */
    gzFile im, lab;
    unsigned type, ltype;
    size_t es, les;                   /* bytes per element */
    size_t head, lhead;               /* header bytes */
    size_t n, d;                      /* images, pixels per image */
    size_t max_rows;                  /* rows per run, at most */
    size_t row;                       /* the row both files are at */
    int whole;                        /* checked as the in-memory load needs */
    unsigned char *raw, *lraw;        /* the run's images and labels */
    char *ltext;                      /* the run's label texts */
    char u8text[256][4];              /* "0" ... "255": u8 labels need no formatting */
} lki_idxs;

/* Open both files and check both headers (naming the file and byte),
 * with buffers for runs of max_rows rows.  path and labels_path must
 * outlive s.  With whole set (the in-memory load, which allocates every
 * row before it reads them) a plain file's size must be what its header
 * promises, checked here before any row is read, and a gzipped file that
 * ends early or goes on is refused with the same words ("the header
 * promises N data bytes, the file has M") at the end of the header;
 * without it, the rows before the damage arrive and the error names the
 * row where the file ends; whole also makes the runs no longer than the
 * header's rows nor 64 MB of values (max_rows then says how long).  Bytes
 * a damaged gzip stream garbled are
 * reported as its damage.  LK_ENOTFOUND, LK_EIO, LK_EFORMAT, LK_ENOMEM. */
lk_status lki_idxs_open(lki_idxs *s, const char *path, const char *labels_path,
                        size_t max_rows, int whole, lk_error *err);
void lki_idxs_close(lki_idxs *s);

/* Position both files at row (<= n). */
lk_status lki_idxs_seek(lki_idxs *s, size_t row, lk_error *err);

/* Read the next m rows (m <= max_rows, row + m <= n): their labels, and
 * their images when images is set.  A file that ends early is an
 * LK_EFORMAT naming the file, the byte and the row; so are bytes after
 * the last row, found when a run reaches it. */
lk_status lki_idxs_read(lki_idxs *s, size_t m, int images, lk_error *err);

/* The label text of row i of the last run (valid until the next read). */
const char *lki_idxs_label(const lki_idxs *s, size_t i);

/* Rows [i, i + count) of the last run's images into dst (ld apart), as
 * (x - shift[j]) * scale[j] when shift is not NULL: conversion and scaling
 * in one loop, as lk_prep_apply computes it. */
void lki_idxs_convert(const lki_idxs *s, size_t i, size_t count, lk_real *dst, size_t ld,
                      const lk_real *shift, const lk_real *scale);

#endif
