/* rows_dataset.c — rows of a row-block source gathered into a dataset in
 * memory (learnkit/rows.h): the in-memory learners read their rows through
 * the same source the streaming ones consume, a rank only its share. */
#include <stdlib.h>
#include <string.h>
#include <learnkit/rows.h>

static lk_status rows_next(void *ctx, lk_block *b, lk_error *err)
{
    return lk_rows_next(ctx, b, err);
}

static lk_status rows_rewind(void *ctx, lk_error *err)
{
    return lk_rows_rewind(ctx, err);
}

lk_blocks lk_blocks_of_rows(lk_rows *r)
{
    return (lk_blocks){ rows_next, rows_rewind, r, lk_rows_width(r), lk_rows_block_rows(r) };
}

void lk_select_range(const unsigned char *mask, size_t n, unsigned char want, size_t first,
                     size_t end, size_t *row_begin, size_t *row_end)
{
    size_t k = 0, i = 0;
    if (!mask) {
        *row_begin = first < n ? first : n;
        *row_end = end < n ? end : n;
        return;
    }
    /* The first selected row numbered `first`, then the row after the one
     * numbered end - 1: unselected rows between belong to neither share. */
    for (; i < n && k < first; i++)
        k += mask[i] == want;
    while (i < n && mask[i] != want)
        i++;
    *row_begin = i;
    for (; i < n && k < end; i++)
        k += mask[i] == want;
    *row_end = end > first ? i : *row_begin;
}

/* The end of a read of n counted rows, at of them read (n + 1: more came):
 * the dataset, or nothing left allocated after an error. */
static lk_status read_end(lk_dataset *out, size_t at, size_t n, const char *source,
                          lk_status s, lk_error *err)
{
    if (s == LK_OK && at != n)
        s = lk_error_set(err, LK_EFORMAT, source, NULL,
                         "%s rows than the %zu counted before (did the file change?)",
                         at > n ? "more" : "fewer", n);
    if (s != LK_OK) {
        lk_mat_free(&out->x);
        free(out->y);
        memset(out, 0, sizeof *out);
        return s;
    }
    out->n = n;
    return LK_OK;
}

lk_status lk_dataset_read(lk_dataset *out, const lk_blocks *src, size_t n, const char *source,
                          lk_error *err)
{
    memset(out, 0, sizeof *out);
    /* Allocated once at the size the first pass counted: no rank ever
     * holds a copy of its rows while it grows them. */
    lk_status s = lk_mat_alloc_uninit(&out->x, n, src->d, err);
    if (s != LK_OK)
        return s;
    if (!(out->y = malloc((n ? n : 1) * sizeof *out->y))) {
        lk_mat_free(&out->x);
        return lk_error_set(err, LK_ENOMEM, source, NULL, "out of memory");
    }
    out->d = src->d;
    size_t at = 0;
    s = src->rewind(src->ctx, err);
    while (s == LK_OK) {
        lk_block b;
        if ((s = src->next(src->ctx, &b, err)) != LK_OK || b.n == 0)
            break;
        if (b.n > n - at) {
            at = n + 1;
            break;
        }
        for (size_t i = 0; i < b.n; i++)
            memcpy(lk_mat_row(&out->x, at + i), lk_mat_row(&b.x, i), src->d * sizeof(lk_real));
        if (b.y)
            memcpy(out->y + at, b.y, b.n * sizeof *b.y);
        else
            memset(out->y + at, 0, b.n * sizeof *b.y);
        at += b.n;
    }
    return read_end(out, at, n, source, s, err);
}

lk_status lk_rows_read(lk_rows *r, size_t n, lk_dataset *out, lk_error *err)
{
    memset(out, 0, sizeof *out);
    size_t d = lk_rows_width(r), rows = lk_rows_block_rows(r), at = 0;
    const char *source = lk_rows_source(r);
    lk_status s = lk_mat_alloc_uninit(&out->x, n, d, err);
    if (s != LK_OK)
        return s;
    unsigned char *known = malloc(rows);
    if (!(out->y = malloc((n ? n : 1) * sizeof *out->y)) || !known)
        s = lk_error_set(err, LK_ENOMEM, source, NULL, "out of memory");
    if (s == LK_OK)
        s = lk_rows_rewind(r, err);
    out->d = d;
    while (s == LK_OK) {
        lk_block b;
        if (n - at >= rows) {
            /* A whole block has room where its rows go: read in place. */
            lk_mat dst = lk_mat_rows(&out->x, at, rows);
            s = lk_rows_next_into(r, &dst, out->y + at, known, &b, err);
        } else if ((s = lk_rows_next(r, &b, err)) == LK_OK && b.n > n - at) {
            at = n + 1;
            break;
        } else if (s == LK_OK) {
            for (size_t i = 0; i < b.n; i++)
                memcpy(lk_mat_row(&out->x, at + i), lk_mat_row(&b.x, i), d * sizeof(lk_real));
            memcpy(out->y + at, b.y, b.n * sizeof *b.y);
        }
        if (s != LK_OK || b.n == 0)
            break;
        at += b.n;
    }
    free(known);
    return read_end(out, at, n, source, s, err);
}
