/* reader_thread.c — an lk_rows read ahead by a second thread: two block
 * buffers, the thread parses into one while the caller computes on the
 * other (learnkit/rows.h).  The thread only reads and parses; it never
 * calls the BLAS, so the caller's BLAS threads keep the cores they had. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <learnkit/rows.h>

typedef struct slot {
    lk_mat x;
    uint32_t *y;
    unsigned char *known;
    size_t n;
    int full;
    lk_status status;
    lk_error err;
} slot;

struct lk_reader {
    lk_rows *rows;
    pthread_t thread;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    slot s[2];
    int fill, take, held;   /* the slot the thread fills next, the caller takes next, holds */
    int paused;             /* the pass ended (or failed): wait for a rewind */
    int want_rewind, stop;
    double read_s, wait_s;
};

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static void *run(void *arg)
{
    lk_reader *rd = arg;
    pthread_mutex_lock(&rd->mu);
    for (;;) {
        while (!rd->stop && !rd->want_rewind && (rd->paused || rd->s[rd->fill].full))
            pthread_cond_wait(&rd->cv, &rd->mu);
        if (rd->stop)
            break;
        slot *sl = &rd->s[rd->fill];
        if (rd->want_rewind) {
            rd->s[0].full = rd->s[1].full = 0;
            rd->fill = rd->take = 0;
            rd->held = -1;
            sl = &rd->s[0];
            pthread_mutex_unlock(&rd->mu);
            sl->status = lk_rows_rewind(rd->rows, &sl->err);
            pthread_mutex_lock(&rd->mu);
            rd->want_rewind = 0;
            rd->paused = sl->status != LK_OK;
            if (rd->paused) {
                sl->n = 0;
                sl->full = 1;
            }
            pthread_cond_broadcast(&rd->cv);
            continue;
        }
        pthread_mutex_unlock(&rd->mu);
        /* Outside the lock: the caller computes on the other slot. */
        double t0 = now();
        lk_block b;
        sl->status = lk_rows_next_into(rd->rows, &sl->x, sl->y, sl->known, &b, &sl->err);
        sl->n = sl->status == LK_OK ? b.n : 0;
        double t1 = now();
        pthread_mutex_lock(&rd->mu);
        rd->read_s += t1 - t0;
        sl->full = 1;
        if (sl->n == 0)
            rd->paused = 1;
        rd->fill ^= 1;
        pthread_cond_broadcast(&rd->cv);
    }
    pthread_mutex_unlock(&rd->mu);
    return NULL;
}

static lk_status reader_next(void *ctx, lk_block *b, lk_error *err)
{
    lk_reader *rd = ctx;
    memset(b, 0, sizeof *b);
    pthread_mutex_lock(&rd->mu);
    if (rd->held >= 0) {
        rd->s[rd->held].full = 0;
        rd->held = -1;
        pthread_cond_broadcast(&rd->cv);
    }
    double t0 = now();
    while (!rd->s[rd->take].full || rd->want_rewind)
        pthread_cond_wait(&rd->cv, &rd->mu);
    rd->wait_s += now() - t0;
    slot *sl = &rd->s[rd->take];
    rd->held = rd->take;
    rd->take ^= 1;
    lk_status s = sl->status;
    if (s != LK_OK) {
        if (err)
            *err = sl->err;
    } else {
        b->x = lk_mat_rows(&sl->x, 0, sl->n);
        b->y = sl->y;
        b->known = sl->known;
        b->n = sl->n;
    }
    pthread_mutex_unlock(&rd->mu);
    return s;
}

static lk_status reader_rewind(void *ctx, lk_error *err)
{
    (void)err;
    lk_reader *rd = ctx;
    pthread_mutex_lock(&rd->mu);
    rd->want_rewind = 1;
    pthread_cond_broadcast(&rd->cv);
    while (rd->want_rewind)
        pthread_cond_wait(&rd->cv, &rd->mu);
    pthread_mutex_unlock(&rd->mu);
    /* A failed rewind arrives as the status of the next block. */
    return LK_OK;
}

lk_status lk_reader_start(lk_reader **out, lk_rows *r, lk_error *err)
{
    *out = NULL;
    size_t d = lk_rows_width(r), rows = lk_rows_block_rows(r);
    lk_reader *rd = calloc(1, sizeof *rd);
    if (!rd)
        return lk_error_set(err, LK_ENOMEM, lk_rows_source(r), NULL, "out of memory");
    rd->rows = r;
    rd->held = -1;
    /* The thread reads from the first row on at once. */
    lk_status s = lk_rows_rewind(r, err);
    for (int i = 0; i < 2 && s == LK_OK; i++) {
        s = lk_mat_alloc(&rd->s[i].x, rows, d, err);
        rd->s[i].y = malloc(rows * sizeof *rd->s[i].y);
        rd->s[i].known = malloc(rows);
        if (s == LK_OK && (!rd->s[i].y || !rd->s[i].known))
            s = lk_error_set(err, LK_ENOMEM, lk_rows_source(r), NULL, "out of memory");
    }
    if (s == LK_OK) {
        pthread_mutex_init(&rd->mu, NULL);
        pthread_cond_init(&rd->cv, NULL);
        if (pthread_create(&rd->thread, NULL, run, rd) != 0) {
            pthread_mutex_destroy(&rd->mu);
            pthread_cond_destroy(&rd->cv);
            s = lk_error_set(err, LK_ENOMEM, lk_rows_source(r), NULL,
                             "cannot start a reader thread");
        }
    }
    if (s != LK_OK) {
        for (int i = 0; i < 2; i++) {
            lk_mat_free(&rd->s[i].x);
            free(rd->s[i].y);
            free(rd->s[i].known);
        }
        free(rd);
        return s;
    }
    *out = rd;
    return LK_OK;
}

lk_blocks lk_reader_blocks(lk_reader *rd)
{
    return (lk_blocks){ reader_next, reader_rewind, rd, rd->s[0].x.cols, rd->s[0].x.rows };
}

double lk_reader_read_seconds(const lk_reader *rd)
{
    return rd->read_s;
}

double lk_reader_wait_seconds(const lk_reader *rd)
{
    return rd->wait_s;
}

void lk_reader_free(lk_reader *rd)
{
    if (!rd)
        return;
    pthread_mutex_lock(&rd->mu);
    rd->stop = 1;
    pthread_cond_broadcast(&rd->cv);
    pthread_mutex_unlock(&rd->mu);
    pthread_join(rd->thread, NULL);
    pthread_mutex_destroy(&rd->mu);
    pthread_cond_destroy(&rd->cv);
    for (int i = 0; i < 2; i++) {
        lk_mat_free(&rd->s[i].x);
        free(rd->s[i].y);
        free(rd->s[i].known);
    }
    free(rd);
}
