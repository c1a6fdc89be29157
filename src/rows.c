/* rows.c — a data file read in row blocks (learnkit/rows.h): CSV and LIBSVM
 * through their line parsers, IDX in runs of rows (idxstream.c).  The one
 * reader of data files: streaming learners and lk_data_load use it. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <zlib.h>
#include <learnkit/rows.h>
#include "idxstream.h"
#include "labels.h"
#include "lines.h"
#include "readers.h"
#include "rows_impl.h"
#include "textrows.h"

struct lk_rows {
    char *path, *labels_path;
    lk_format format;
    lk_data_options o;
    size_t block_rows;
    /* text */
    lki_lines lines;
    lki_csv csv;
    lki_svm svm;
    /* IDX */
    lki_idxs idx;
    int is_idx;
    /* the block, allocated once the width is known */
    size_t d;
    lk_mat x;
    uint32_t *y;
    unsigned char *known;
    /* where the block in progress goes: the buffers above, or a caller's */
    lk_mat *ox;
    uint32_t *oy;
    unsigned char *oknown;
    lk_real *shift, *scale;
    /* the pass */
    size_t begin, end, row;
    int done;
    const unsigned char *mask;
    size_t mask_n;
    unsigned char want;
    const lk_labels *labels;
    int unknown_ok, numeric;
    const lk_prep *prep;
    double seconds, bytes;
};

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

void lk_rows_stats_free(lk_rows_stats *s)
{
    for (size_t i = 0; i < s->n_labels; i++)
        free(s->labels[i]);
    free(s->labels);
    free(s->ids);
    memset(s, 0, sizeof *s);
}

void lk_rows_close(lk_rows *r)
{
    if (!r)
        return;
    lki_lines_close(&r->lines);
    lki_csv_free(&r->csv);
    lki_svm_free(&r->svm);
    lki_idxs_close(&r->idx);
    lk_mat_free(&r->x);
    free(r->y);
    free(r->known);
    free(r->shift);
    free(r->scale);
    free(r->path);
    free(r->labels_path);
    free(r);
}

/* The headers of the image file and its label file; the block, of
 * block_rows images. */
static lk_status idx_open(lk_rows *r, const char *labels_path, int whole, lk_error *err)
{
    if (!labels_path)
        return lk_error_set(err, LK_EINVAL, r->path, NULL, "IDX images need their label file");
    if (!(r->labels_path = strdup(labels_path)))
        return lk_error_set(err, LK_ENOMEM, r->path, NULL, "out of memory");
    r->is_idx = 1;
    lk_status s = lki_idxs_open(&r->idx, r->path, r->labels_path, r->block_rows, whole,
                                err);
    if (s != LK_OK)
        return s;
    /* Whole: lki_idxs_open may have made the runs shorter (its comment). */
    r->block_rows = r->idx.max_rows;
    return lk_rows_set_width(r, r->idx.d, err);
}

lk_status lki_rows_open(lk_rows **out, const char *path, const char *labels_path,
                        lk_format format, const lk_data_options *o, size_t block_rows,
                        int whole, lk_error *err)
{
    *out = NULL;
    lk_rows *r = calloc(1, sizeof *r);
    if (!r || !(r->path = strdup(path))) {
        free(r);
        return lk_error_set(err, LK_ENOMEM, path, NULL, "out of memory");
    }
    r->format = format;
    r->o = o ? *o : lk_data_options_default();
    r->block_rows = block_rows ? block_rows : 1;
    r->end = SIZE_MAX;
    lk_status s;
    if (format == LK_FORMAT_IDX) {
        s = idx_open(r, labels_path, whole, err);
    } else if (format == LK_FORMAT_CSV || format == LK_FORMAT_LIBSVM) {
        s = lki_lines_open(&r->lines, r->path, err);
        lki_csv_init(&r->csv, r->path, &r->o);
        r->svm.source = r->path;
        if (s == LK_OK && format == LK_FORMAT_LIBSVM && r->o.features)
            s = lk_rows_set_width(r, r->o.features, err);
    } else {
        s = lk_error_set(err, LK_EINVAL, path, "format",
                         "cannot tell the format from the name (expected .csv, .svm, "
                         ".libsvm, .scale or .t, optionally .gz)");
    }
    if (s != LK_OK) {
        lk_rows_close(r);
        return s;
    }
    *out = r;
    return LK_OK;
}

lk_status lk_rows_open(lk_rows **out, const char *path, const char *labels_path,
                       lk_format format, const lk_data_options *o, size_t block_rows,
                       lk_error *err)
{
    return lki_rows_open(out, path, labels_path, format, o, block_rows, 0, err);
}

lk_status lki_rows_limit_block(lk_rows *r, size_t max_rows, lk_error *err)
{
    if (max_rows == 0)
        max_rows = 1;
    if (max_rows >= r->block_rows)
        return LK_OK;
    r->block_rows = max_rows;
    if (!r->x.data)
        return LK_OK;
    /* IDX runs keep their buffers: a run is never longer than a block. */
    lk_mat_free(&r->x);
    return lk_rows_set_width(r, r->d, err);
}

void lk_rows_set_range(lk_rows *r, size_t begin, size_t end)
{
    r->begin = begin;
    r->end = end;
}

void lk_rows_set_select(lk_rows *r, const unsigned char *mask, size_t n, unsigned char want)
{
    r->mask = mask;
    r->mask_n = n;
    r->want = want;
}

lk_status lk_rows_set_width(lk_rows *r, size_t d, lk_error *err)
{
    if (d == r->d && r->x.data)
        return LK_OK;
    if (r->format == LK_FORMAT_CSV && r->csv.ncols && d != r->csv.ncols - 1)
        return lk_error_set(err, LK_EFORMAT, r->path, NULL,
                            "%zu features per row, the training set has %zu", r->csv.ncols - 1,
                            d);
    if (r->format == LK_FORMAT_IDX && r->d && d != r->d)
        return lk_error_set(err, LK_EFORMAT, r->path, NULL,
                            "images have %zu pixels, training images %zu", r->d, d);
    lk_mat_free(&r->x);
    free(r->y);
    free(r->known);
    r->d = d;
    lk_status s = lk_mat_alloc(&r->x, r->block_rows, d, err);
    r->y = malloc(r->block_rows * sizeof *r->y);
    r->known = malloc(r->block_rows);
    if (s == LK_OK && (!r->y || !r->known))
        s = lk_error_set(err, LK_ENOMEM, r->path, NULL, "out of memory");
    return s;
}

size_t lk_rows_width(const lk_rows *r)
{
    return r->d;
}

size_t lk_rows_block_rows(const lk_rows *r)
{
    return r->block_rows;
}

void lk_rows_set_labels(lk_rows *r, const lk_labels *l, int unknown_ok)
{
    r->labels = l;
    r->unknown_ok = unknown_ok;
    r->numeric = l ? lki_labels_numeric(l) : 0;
}

void lk_rows_set_prep(lk_rows *r, const lk_prep *p)
{
    r->prep = p && p->kind != LK_SCALE_NONE ? p : NULL;
    free(r->shift);
    free(r->scale);
    r->shift = r->scale = NULL;
    if (!r->prep)
        return;
    r->shift = malloc(p->d * sizeof *r->shift);
    r->scale = malloc(p->d * sizeof *r->scale);
    if (!r->shift || !r->scale) {
        free(r->shift);
        free(r->scale);
        r->shift = r->scale = NULL;
        return;
    }
    for (size_t j = 0; j < p->d; j++) {
        r->shift[j] = (lk_real)p->shift[j];
        r->scale[j] = (lk_real)p->scale[j];
    }
}

lk_status lk_rows_rewind(lk_rows *r, lk_error *err)
{
    r->row = 0;
    r->done = 0;
    if (r->format == LK_FORMAT_IDX)
        return lki_idxs_seek(&r->idx, 0, err);
    lki_csv_free(&r->csv);
    lki_csv_init(&r->csv, r->path, &r->o);
    return lki_lines_rewind(&r->lines, err);
}

/* The next data row of a text file: 1 (*label set; the values parsed
 * unless parse is 0, and copied to dst unless it is NULL), 0 at the end, or
 * minus a status. */
static int text_row(lk_rows *r, lk_real *dst, size_t width, int parse, const char **label,
                    lk_error *err)
{
    char *line;
    size_t len;
    for (;;) {
        int got = lki_lines_next(&r->lines, &line, &len, err);
        if (got <= 0)
            return got;
        size_t ln = r->lines.line_no;
        r->bytes += (double)len + 1;
        if (r->format == LK_FORMAT_CSV) {
            r->csv.skip = !parse;
            got = lki_csv_line(&r->csv, line, len, ln, err);
            if (got <= 0) {
                if (got < 0)
                    return got;
                continue;
            }
            *label = r->csv.label_text;
            if (!dst)
                return 1;
            if (r->csv.ncols - 1 != width) {
                char place[48];
                lki_place(place, sizeof place, ln, 0);
                return -(int)lk_error_set(err, LK_EFORMAT, r->path, place,
                                          "%zu features per row, the training set has %zu",
                                          r->csv.ncols - 1, width);
            }
            memcpy(dst, r->csv.row, width * sizeof *dst);
            return 1;
        }
        if ((got = lki_svm_line(&r->svm, line, len, ln, err)) <= 0) {
            if (got < 0)
                return got;
            continue;
        }
        *label = r->svm.label_text;
        if (!dst)
            return 1;
        memset(dst, 0, width * sizeof *dst);
        for (size_t j = 0; j < r->svm.m; j++) {
            size_t c = r->svm.col[j];
            if (c >= width) {
                char place[48];
                lki_place(place, sizeof place, ln, j + 2);
                return -(int)lk_error_set(err, LK_EFORMAT, r->path, place,
                                          "feature index %zu beyond the training set's %zu; "
                                          "set the number of features", c + 1, width);
            }
            dst[c] = r->svm.val[j];
        }
        return 1;
    }
}

/* The next text row of the range that the mask keeps: 1, 0 at the end, or
 * minus a status.  Rows before the range, or not selected, are skipped
 * unparsed. */
static int next_row(lk_rows *r, lk_real *dst, size_t width, int parse, const char **label,
                    lk_error *err)
{
    while (!r->done && r->row < r->end) {
        int keep = r->row >= r->begin &&
                   (!r->mask || (r->row < r->mask_n && r->mask[r->row] == r->want));
        int got = text_row(r, keep ? dst : NULL, width, keep && parse, label, err);
        if (got <= 0) {
            r->done = got == 0;
            return got;
        }
        r->row++;
        if (keep)
            return 1;
    }
    return 0;
}

/* The distinct labels seen so far, in first-seen order, with a sorted
 * permutation for lookups. */
typedef struct seen {
    char **text;
    size_t *order;
    size_t n, cap;
} seen;

static long seen_add(seen *s, const char *t)
{
    size_t lo = 0, hi = s->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp(t, s->text[s->order[mid]]);
        if (c == 0)
            return (long)s->order[mid];
        if (c < 0)
            hi = mid;
        else
            lo = mid + 1;
    }
    if (s->n == s->cap) {
        size_t c = s->cap ? 2 * s->cap : 16;
        char **tx = realloc(s->text, c * sizeof *tx);
        if (tx)
            s->text = tx;
        size_t *o = tx ? realloc(s->order, c * sizeof *o) : NULL;
        if (!o)
            return -1;
        s->order = o;
        s->cap = c;
    }
    if (!(s->text[s->n] = strdup(t)))
        return -1;
    memmove(s->order + lo + 1, s->order + lo, (s->n - lo) * sizeof *s->order);
    s->order[lo] = s->n;
    return (long)s->n++;
}

/* What the first pass collects per row: the distinct labels and (want_ids)
 * each row's label index. */
typedef struct scan_ctx {
    seen sn;
    lk_rows_stats *st;
    size_t cap_ids;
    int want_ids;
} scan_ctx;

static lk_status scan_label(lk_rows *r, scan_ctx *c, const char *label, lk_error *err)
{
    long id = seen_add(&c->sn, label);
    if (id < 0)
        return lk_error_set(err, LK_ENOMEM, r->path, NULL, "out of memory");
    lk_rows_stats *st = c->st;
    if (c->want_ids) {
        if (st->n == c->cap_ids) {
            size_t cap = c->cap_ids ? 2 * c->cap_ids : 4096;
            uint32_t *ids = realloc(st->ids, cap * sizeof *ids);
            if (!ids)
                return lk_error_set(err, LK_ENOMEM, r->path, NULL, "out of memory");
            st->ids = ids;
            c->cap_ids = cap;
        }
        st->ids[st->n] = (uint32_t)id;
    }
    st->n++;
    return LK_OK;
}

/* y[slot] and known[slot] for a row's label; unknown_ok = 0 makes an
 * unknown label an error naming its line (text) or its row (IDX). */
static lk_status map_label(lk_rows *r, size_t slot, size_t row, const char *label,
                           lk_error *err)
{
    r->oy[slot] = 0;
    r->oknown[slot] = 1;
    if (!r->labels || lki_labels_find(r->labels, r->numeric, label, &r->oy[slot]))
        return LK_OK;
    r->oknown[slot] = 0;
    if (r->unknown_ok)
        return LK_OK;
    char place[48];
    if (r->is_idx)
        snprintf(place, sizeof place, "label %zu", row + 1);
    else
        lki_place(place, sizeof place, r->lines.line_no, 0);
    return lk_error_set(err, LK_EFORMAT, r->path, place,
                        "label '%s' is not one of the %zu classes", label, r->labels->k);
}

/* Up to block_rows rows of the range that the mask keeps, from IDX runs
 * read whole: their images (unless labels_only) into the block's rows
 * [0, *n), scaled when scaled is set; each row's label to scan (when not
 * NULL), else mapped to y.  A run is at most what the block has room
 * for, so without a mask one block is one read of each file. */
static lk_status idx_fill(lk_rows *r, int labels_only, int scaled, scan_ctx *scan, size_t *n,
                          lk_error *err)
{
    lki_idxs *ix = &r->idx;
    size_t end = r->end < ix->n ? r->end : ix->n, k = 0;
    const lk_real *shift = scaled && r->prep ? r->shift : NULL;
    lk_status s = LK_OK;
    *n = 0;
    if (r->row < r->begin) {
        if ((s = lki_idxs_seek(ix, r->begin < end ? r->begin : end, err)) != LK_OK)
            return s;
        r->row = ix->row;
    }
    while (k < r->block_rows && r->row < end) {
        size_t first = r->row, m = r->block_rows - k < end - first ? r->block_rows - k
                                                                    : end - first;
        if ((s = lki_idxs_read(ix, m, !labels_only, err)) != LK_OK)
            return s;
        r->row += m;
        if (!labels_only)
            r->bytes += (double)(m * ix->d * ix->es);
        for (size_t i = 0; i < m; i++) {
            size_t row = first + i;
            if (r->mask && !(row < r->mask_n && r->mask[row] == r->want))
                continue;
            /* Without a mask the run lands in the block as it is: one
             * conversion of all its rows. */
            if (!labels_only && (r->mask || i == 0))
                lki_idxs_convert(ix, i, r->mask ? 1 : m, lk_mat_row(r->ox, k), r->ox->ld, shift,
                                 r->scale);
            const char *label = lki_idxs_label(ix, i);
            s = scan ? scan_label(r, scan, label, err) : map_label(r, k, row, label, err);
            if (s != LK_OK)
                return s;
            k++;
        }
    }
    *n = k;
    return LK_OK;
}

lk_status lk_rows_scan(lk_rows *r, lk_rows_stats *st, lk_prep_acc *acc, int want_ids,
                       lk_error *err)
{
    memset(st, 0, sizeof *st);
    double t0 = now();
    scan_ctx c = { .st = st, .want_ids = want_ids };
    size_t width = r->d;
    lk_real *wide = NULL;
    r->ox = &r->x;
    lk_status s = lk_rows_rewind(r, err);
    while (s == LK_OK && r->is_idx) {
        size_t n;
        if ((s = idx_fill(r, acc == NULL, 0, &c, &n, err)) != LK_OK || n == 0)
            break;
        if (acc) {
            lk_mat blk = lk_mat_rows(&r->x, 0, n);
            s = lk_prep_acc_add(acc, &blk, err);
        }
    }
    while (s == LK_OK && !r->is_idx) {
        const char *label;
        int got = next_row(r, NULL, r->d, acc != NULL, &label, err);
        if (got < 0)
            s = (lk_status)-got;
        if (got <= 0)
            break;
        if (r->format == LK_FORMAT_LIBSVM) {
            size_t m = r->svm.m, top = m ? r->svm.col[m - 1] + 1 : 0;
            if (top > width)
                width = top;
            if (acc) {
                lk_real *w = realloc(wide, (width ? width : 1) * sizeof *w);
                if (!w) {
                    s = lk_error_set(err, LK_ENOMEM, r->path, NULL, "out of memory");
                    break;
                }
                wide = w;
                memset(wide, 0, width * sizeof *wide);
                for (size_t j = 0; j < m; j++)
                    wide[r->svm.col[j]] = r->svm.val[j];
                lk_mat one = lk_mat_view(wide, 1, width, width);
                s = lk_prep_acc_add(acc, &one, err);
            }
        } else if (acc) {
            size_t w = r->csv.ncols - 1;
            lk_mat one = lk_mat_view(r->csv.row, 1, w, w);
            s = lk_prep_acc_add(acc, &one, err);
        }
        if (s == LK_OK)
            s = scan_label(r, &c, label, err);
    }
    free(wide);
    free(c.sn.order);
    st->labels = c.sn.text;
    st->n_labels = c.sn.n;
    if (r->format == LK_FORMAT_CSV)
        width = r->csv.ncols ? r->csv.ncols - 1 : 0;
    st->d = r->is_idx ? r->d : width;
    if (s == LK_OK && st->n == 0)
        s = lk_error_set(err, LK_EFORMAT, r->path, NULL, "no data rows");
    if (s == LK_OK)
        s = lk_rows_rewind(r, err);
    r->seconds += now() - t0;
    if (s != LK_OK)
        lk_rows_stats_free(st);
    return s;
}

static void apply_prep(const lk_rows *r, lk_mat *x)
{
    if (!r->prep)
        return;
    for (size_t i = 0; i < x->rows; i++) {
        lk_real *row = lk_mat_row(x, i);
        for (size_t j = 0; j < r->d && j < r->prep->d; j++)
            row[j] = (row[j] - r->shift[j]) * r->scale[j];
    }
}

lk_status lk_rows_next_into(lk_rows *r, lk_mat *x, uint32_t *y, unsigned char *known,
                           lk_block *b, lk_error *err)
{
    memset(b, 0, sizeof *b);
    if (!r->x.data)
        return lk_error_set(err, LK_EINVAL, r->path, NULL, "the width of the rows is not known");
    if (x->rows < r->block_rows || x->cols != r->d)
        return lk_error_set(err, LK_EINVAL, r->path, NULL,
                            "a block of %zu x %zu rows needs a buffer that size, not %zu x %zu",
                            r->block_rows, r->d, x->rows, x->cols);
    if (r->prep && (!r->shift || r->prep->d != r->d))
        return lk_error_set(err, LK_EINVAL, r->path, NULL,
                            "the scaling has %zu features, the rows %zu", r->prep->d, r->d);
    double t0 = now();
    r->ox = x;
    r->oy = y;
    r->oknown = known;
    size_t n = 0;
    lk_status s = LK_OK;
    if (r->is_idx)
        s = idx_fill(r, 0, 1, NULL, &n, err);
    while (!r->is_idx && n < r->block_rows) {
        const char *label;
        int got = next_row(r, lk_mat_row(x, n), r->d, 1, &label, err);
        if (got < 0)
            s = (lk_status)-got;
        if (got <= 0 || (s = map_label(r, n, r->row - 1, label, err)) != LK_OK)
            break;
        n++;
    }
    if (s == LK_OK) {
        b->x = lk_mat_rows(x, 0, n);
        b->y = y;
        b->known = known;
        b->n = n;
        if (!r->is_idx)
            apply_prep(r, &b->x);
    }
    r->seconds += now() - t0;
    return s;
}

lk_status lk_rows_next(lk_rows *r, lk_block *b, lk_error *err)
{
    return lk_rows_next_into(r, &r->x, r->y, r->known, b, err);
}

double lk_rows_bytes(const lk_rows *r)
{
    return r->bytes;
}

double lk_rows_seconds(const lk_rows *r)
{
    return r->seconds;
}

const char *lk_rows_source(const lk_rows *r)
{
    return r->path;
}
