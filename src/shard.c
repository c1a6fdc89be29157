/* shard.c — this rank's share of a dataset's training rows. */
#include <stdlib.h>
#include <string.h>
#include <learnkit/data.h>
#include <learnkit/comm.h>

lk_status lk_split_shard(lk_split *s, const lk_comm *c, lk_error *err)
{
    size_t n = s->train.n, d = s->train.d, b, e;
    lk_comm_share(n, lk_comm_rank(c), lk_comm_size(c), &b, &e);
    if (b == 0 && e == n)
        return LK_OK;
    if (e == b)
        return lk_error_set(err, LK_EINVAL, s->train_source, NULL,
                            "%zu training rows cannot be shared by %d processes",
                            n, lk_comm_size(c));
    lk_mat x;
    lk_status st = lk_mat_alloc_uninit(&x, e - b, d, err);
    uint32_t *y = st == LK_OK ? malloc((e - b) * sizeof *y) : NULL;
    if (st == LK_OK && !y)
        st = lk_error_set(err, LK_ENOMEM, s->train_source, NULL, "out of memory");
    if (st != LK_OK) {
        lk_mat_free(&x);
        return st;
    }
    for (size_t i = b; i < e; i++)
        memcpy(lk_mat_row(&x, i - b), lk_mat_row(&s->train.x, i), d * sizeof(lk_real));
    memcpy(y, s->train.y + b, (e - b) * sizeof *y);
    lk_mat_free(&s->train.x);
    free(s->train.y);
    s->train.x = x;
    s->train.y = y;
    s->train.n = e - b;
    return LK_OK;
}
