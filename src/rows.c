/* rows.c — a data file read in row blocks (learnkit/rows.h): CSV and LIBSVM
 * through the line parsers the whole-file readers use, IDX by seeking. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <zlib.h>
#include <learnkit/rows.h>
#include "labels.h"
#include "lines.h"
#include "readers.h"
#include "textrows.h"

struct lk_rows {
    char *path;
    lk_format format;
    lk_data_options o;
    size_t block_rows;
    /* text */
    lki_lines lines;
    lki_csv csv;
    lki_svm svm;
    /* IDX */
    gzFile gz;
    unsigned type;
    size_t es, head, n_file;
    lki_rows idx_labels;
    unsigned char *raw;
    /* the block, allocated once the width is known */
    size_t d;
    lk_mat x;
    uint32_t *y;
    unsigned char *known;
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
    if (r->gz)
        gzclose(r->gz);
    lki_rows_free(&r->idx_labels);
    free(r->raw);
    lk_mat_free(&r->x);
    free(r->y);
    free(r->known);
    free(r->shift);
    free(r->scale);
    free(r->path);
    free(r);
}

static lk_status idx_error(lk_error *err, const char *path, size_t at, const char *text)
{
    char place[40];
    snprintf(place, sizeof place, "byte %zu", at);
    return lk_error_set(err, LK_EFORMAT, path, place, "%s", text);
}

/* The IDX header of the image file; the labels read whole (one per row). */
static lk_status idx_open(lk_rows *r, const char *labels_path, lk_error *err)
{
    if (!labels_path)
        return lk_error_set(err, LK_EINVAL, r->path, NULL, "IDX images need their label file");
    if (!(r->gz = gzopen(r->path, "rb")))
        return lk_error_set(err, errno == ENOENT ? LK_ENOTFOUND : LK_EIO, r->path, NULL,
                            "cannot open: %s", strerror(errno ? errno : EIO));
    unsigned char h[4 + 4 * 8];
    if (gzread(r->gz, h, 4) != 4)
        return idx_error(err, r->path, 0, "too short for an IDX header");
    static const size_t sizes[16] = { [8] = 1, [9] = 1, [11] = 2, [12] = 4, [13] = 4, [14] = 8 };
    r->type = h[2];
    unsigned rank = h[3];
    if (h[0] || h[1])
        return idx_error(err, r->path, 0, "not an IDX file (first bytes are not 0000)");
    if (r->type > 15 || !(r->es = sizes[r->type]))
        return idx_error(err, r->path, 2, "unknown IDX element type");
    if (rank < 2 || rank > 8)
        return idx_error(err, r->path, 3, "features need rank 2 to 8");
    if (gzread(r->gz, h + 4, 4 * rank) != (int)(4 * rank))
        return idx_error(err, r->path, 4, "truncated header");
    size_t d = 1;
    for (unsigned k = 0; k < rank; k++) {
        size_t dim = (size_t)h[4 + 4 * k] << 24 | (size_t)h[5 + 4 * k] << 16 |
                     (size_t)h[6 + 4 * k] << 8 | h[7 + 4 * k];
        if (dim == 0)
            return idx_error(err, r->path, 4 + 4 * k, "a dimension is zero");
        if (k == 0)
            r->n_file = dim;
        else if (d > ((size_t)1 << 40) / dim)
            return idx_error(err, r->path, 4 + 4 * k, "the dimensions are too large");
        else
            d *= dim;
    }
    r->head = 4 + 4 * (size_t)rank;
    lk_status s = lki_idx_read_labels(labels_path, r->o.max_bytes, &r->idx_labels, err);
    if (s != LK_OK)
        return s;
    if (r->idx_labels.n != r->n_file)
        return lk_error_set(err, LK_EFORMAT, labels_path, NULL,
                            "%zu labels for the %zu images of %s", r->idx_labels.n, r->n_file,
                            r->path);
    if (!(r->raw = malloc(d * r->es)))
        return lk_error_set(err, LK_ENOMEM, r->path, NULL, "out of memory");
    return lk_rows_set_width(r, d, err);
}

lk_status lk_rows_open(lk_rows **out, const char *path, const char *labels_path,
                       lk_format format, const lk_data_options *o, size_t block_rows,
                       lk_error *err)
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
        s = idx_open(r, labels_path, err);
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
        return gzseek(r->gz, (z_off_t)r->head, SEEK_SET) < 0
                   ? lk_error_set(err, LK_EIO, r->path, NULL, "cannot read it again")
                   : LK_OK;
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

/* The next IDX image into dst (NULL: skipped by seeking; not even that
 * when only the labels are wanted). */
static int idx_row(lk_rows *r, lk_real *dst, int labels_only, const char **label, lk_error *err)
{
    if (r->row >= r->n_file)
        return 0;
    size_t bytes = r->d * r->es;
    if (labels_only) {
    } else if (!dst) {
        if (gzseek(r->gz, (z_off_t)bytes, SEEK_CUR) < 0)
            return -(int)lk_error_set(err, LK_EIO, r->path, NULL, "cannot seek");
    } else {
        int got = gzread(r->gz, r->raw, (unsigned)bytes);
        if (got != (int)bytes) {
            char place[40];
            snprintf(place, sizeof place, "byte %zu", r->head + r->row * bytes);
            return -(int)lk_error_set(err, LK_EFORMAT, r->path, place,
                                      "the header promises %zu images, the file ends in image "
                                      "%zu (truncated?)", r->n_file, r->row + 1);
        }
        lki_idx_convert(r->raw, r->type, r->d, dst);
        r->bytes += (double)bytes;
    }
    *label = r->idx_labels.labels[r->row];
    return 1;
}

/* The next row of the range that the mask keeps: 1, 0 at the end, or minus
 * a status.  Rows before the range, or not selected, are skipped unparsed. */
static int next_row(lk_rows *r, lk_real *dst, size_t width, int parse, const char **label,
                    lk_error *err)
{
    while (!r->done && r->row < r->end) {
        int keep = r->row >= r->begin &&
                   (!r->mask || (r->row < r->mask_n && r->mask[r->row] == r->want));
        lk_real *to = keep ? dst : NULL;
        int got = r->format == LK_FORMAT_IDX ? idx_row(r, to, !parse, label, err)
                                             : text_row(r, to, width, keep && parse, label, err);
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

lk_status lk_rows_scan(lk_rows *r, lk_rows_stats *st, lk_prep_acc *acc, int want_ids,
                       lk_error *err)
{
    memset(st, 0, sizeof *st);
    double t0 = now();
    seen sn = { 0 };
    size_t cap_ids = 0, width = r->d;
    lk_real *wide = NULL;
    lk_status s = lk_rows_rewind(r, err);
    while (s == LK_OK) {
        const char *label;
        lk_real *dst = acc && r->format == LK_FORMAT_IDX ? lk_mat_row(&r->x, 0) : NULL;
        int got = next_row(r, dst, r->d, acc != NULL, &label, err);
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
            size_t w = r->format == LK_FORMAT_CSV ? r->csv.ncols - 1 : r->d;
            lk_mat one = lk_mat_view(dst ? dst : r->csv.row, 1, w, w);
            s = lk_prep_acc_add(acc, &one, err);
        }
        long id = seen_add(&sn, label);
        if (id < 0 && s == LK_OK)
            s = lk_error_set(err, LK_ENOMEM, r->path, NULL, "out of memory");
        if (s == LK_OK && want_ids) {
            if (st->n == cap_ids) {
                size_t c = cap_ids ? 2 * cap_ids : 4096;
                uint32_t *ids = realloc(st->ids, c * sizeof *ids);
                if (!ids) {
                    s = lk_error_set(err, LK_ENOMEM, r->path, NULL, "out of memory");
                    break;
                }
                st->ids = ids;
                cap_ids = c;
            }
            st->ids[st->n] = (uint32_t)id;
        }
        st->n++;
    }
    free(wide);
    free(sn.order);
    st->labels = sn.text;
    st->n_labels = sn.n;
    if (r->format == LK_FORMAT_CSV)
        width = r->csv.ncols ? r->csv.ncols - 1 : 0;
    st->d = r->format == LK_FORMAT_IDX ? r->d : width;
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

lk_status lk_rows_next(lk_rows *r, lk_block *b, lk_error *err)
{
    memset(b, 0, sizeof *b);
    if (!r->x.data)
        return lk_error_set(err, LK_EINVAL, r->path, NULL, "the width of the rows is not known");
    if (r->prep && (!r->shift || r->prep->d != r->d))
        return lk_error_set(err, LK_EINVAL, r->path, NULL,
                            "the scaling has %zu features, the rows %zu", r->prep->d, r->d);
    double t0 = now();
    size_t n = 0;
    lk_status s = LK_OK;
    while (n < r->block_rows) {
        const char *label;
        int got = next_row(r, lk_mat_row(&r->x, n), r->d, 1, &label, err);
        if (got < 0)
            s = (lk_status)-got;
        if (got <= 0)
            break;
        r->y[n] = 0;
        r->known[n] = 1;
        if (r->labels && !lki_labels_find(r->labels, r->numeric, label, &r->y[n])) {
            r->known[n] = 0;
            if (!r->unknown_ok) {
                char place[48];
                if (r->format == LK_FORMAT_IDX)
                    snprintf(place, sizeof place, "label %zu", r->row);
                else
                    lki_place(place, sizeof place, r->lines.line_no, 0);
                s = lk_error_set(err, LK_EFORMAT, r->path, place,
                                 "label '%s' is not one of the %zu classes", label,
                                 r->labels->k);
                break;
            }
        }
        n++;
    }
    if (s == LK_OK) {
        b->x = lk_mat_rows(&r->x, 0, n);
        b->y = r->y;
        b->known = r->known;
        b->n = n;
        apply_prep(r, &b->x);
    }
    r->seconds += now() - t0;
    return s;
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
