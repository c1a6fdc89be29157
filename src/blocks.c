/* blocks.c — a matrix in memory as a source of row blocks (learnkit/rows.h),
 * so that a learner has one loop for data in memory and data streamed. */
#include <string.h>
#include <learnkit/rows.h>

static lk_status mat_next(void *ctx, lk_block *b, lk_error *err)
{
    (void)err;
    lk_mat_blocks *m = ctx;
    memset(b, 0, sizeof *b);
    size_t left = m->x->rows - m->at, n = left < m->block_rows ? left : m->block_rows;
    if (n == 0)
        return LK_OK;
    b->x = lk_mat_rows(m->x, m->at, n);
    b->y = m->y ? m->y + m->at : NULL;
    b->n = n;
    m->at += n;
    return LK_OK;
}

static lk_status mat_rewind(void *ctx, lk_error *err)
{
    (void)err;
    ((lk_mat_blocks *)ctx)->at = 0;
    return LK_OK;
}

lk_blocks lk_blocks_of_mat(lk_mat_blocks *state, const lk_mat *x, const uint32_t *y,
                           size_t block_rows)
{
    state->x = x;
    state->y = y;
    state->block_rows = block_rows ? block_rows : 1;
    state->at = 0;
    return (lk_blocks){ mat_next, mat_rewind, state, x->cols, state->block_rows };
}

lk_status lk_blocks_chunks(const lk_blocks *src, size_t chunk_rows, size_t k, lk_mat *t,
                           lk_chunk_fn fn, void *ctx, size_t *rows, lk_error *err)
{
    lk_status s = src->rewind(src->ctx, err);
    size_t n = 0;
    while (s == LK_OK) {
        lk_block b;
        if ((s = src->next(src->ctx, &b, err)) != LK_OK || b.n == 0)
            break;
        for (size_t r0 = 0; r0 < b.n && s == LK_OK; r0 += chunk_rows) {
            lk_mat xb = lk_mat_rows(&b.x, r0, chunk_rows), tb = lk_mat_rows(t, 0, xb.rows);
            if ((s = lk_onehot_into(b.y + r0, xb.rows, k, &tb, err)) == LK_OK)
                s = fn(ctx, &xb, &tb, err);
        }
        n += b.n;
    }
    if (rows)
        *rows = n;
    return s;
}

/* A chunk's one-hot targets, then fn. */
static lk_status chunk(const lk_mat *x, const uint32_t *y, size_t k, lk_mat *t, lk_chunk_fn fn,
                       void *ctx, lk_error *err)
{
    lk_mat tb = lk_mat_rows(t, 0, x->rows);
    lk_status s = lk_onehot_into(y, x->rows, k, &tb, err);
    return s == LK_OK ? fn(ctx, x, &tb, err) : s;
}

lk_status lk_blocks_chunks_fixed(const lk_blocks *src, size_t chunk_rows, size_t k, lk_mat *t,
                                 lk_mat *buf, uint32_t *ybuf, lk_chunk_fn fn, void *ctx,
                                 size_t *rows, lk_error *err)
{
    lk_status s = src->rewind(src->ctx, err);
    size_t n = 0, fill = 0, c = chunk_rows;
    while (s == LK_OK) {
        lk_block b;
        if ((s = src->next(src->ctx, &b, err)) != LK_OK || b.n == 0)
            break;
        for (size_t r = 0; r < b.n && s == LK_OK;) {
            if (fill == 0 && b.n - r >= c) {
                lk_mat xb = lk_mat_rows(&b.x, r, c);
                s = chunk(&xb, b.y + r, k, t, fn, ctx, err);
                r += c;
                continue;
            }
            size_t take = c - fill < b.n - r ? c - fill : b.n - r;
            for (size_t i = 0; i < take; i++)
                memcpy(lk_mat_row(buf, fill + i), lk_mat_row(&b.x, r + i),
                       b.x.cols * sizeof(lk_real));
            memcpy(ybuf + fill, b.y + r, take * sizeof *ybuf);
            fill += take;
            r += take;
            if (fill == c) {
                lk_mat xb = lk_mat_rows(buf, 0, c);
                s = chunk(&xb, ybuf, k, t, fn, ctx, err);
                fill = 0;
            }
        }
        n += b.n;
    }
    if (s == LK_OK && fill) {
        lk_mat xb = lk_mat_rows(buf, 0, fill);
        s = chunk(&xb, ybuf, k, t, fn, ctx, err);
    }
    if (rows)
        *rows = n;
    return s;
}
