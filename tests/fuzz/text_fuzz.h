/* text_fuzz.h — a fuzz input as a file (a memfd: no disk, no name to
 * clean up), and the checks of a load through the row-block source that
 * every reader shares. */
#ifndef LEARNKIT_TEXT_FUZZ_H
#define LEARNKIT_TEXT_FUZZ_H

/* memfd_create: include this header first (before any system header). */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include <learnkit.h>

/* Inputs may not ask for more than this much memory. */
#define FUZZ_MAX_BYTES ((size_t)64 << 20)

/* The bytes as a file whose path goes into path; returns its descriptor
 * (close it after), or -1. */
static inline int fuzz_file(const unsigned char *data, size_t size, char *path, size_t cap)
{
    int fd = memfd_create("fuzz", 0);
    if (fd < 0)
        return -1;
    if (size && write(fd, data, size) != (ssize_t)size) {
        close(fd);
        return -1;
    }
    snprintf(path, cap, "/proc/self/fd/%d", fd);
    return fd;
}

/* A set that loaded must describe exactly the rows it holds: no NaN, every
 * class below k. */
static inline void fuzz_check_set(const lk_dataset *d, size_t k)
{
    if (d->x.rows != d->n || (d->n && d->x.cols != d->d))
        abort();
    for (size_t i = 0; i < d->n; i++) {
        if (d->y[i] >= k)
            abort();
        for (size_t j = 0; j < d->d; j++)
            if (!(LK_AT(&d->x, i, j) == LK_AT(&d->x, i, j)))   /* NaN never gets through */
                abort();
    }
}

/* lk_data_load of the bytes as text data of o's format: with the file as
 * its own test set (both sets read) or with a holdout. */
static inline void fuzz_load_text(const unsigned char *data, size_t size, lk_data_options *o,
                           int own_test)
{
    char path[64];
    int fd = fuzz_file(data, size, path, sizeof path);
    if (fd < 0)
        return;
    o->max_bytes = FUZZ_MAX_BYTES;
    o->test_path = own_test ? path : NULL;
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    lk_split s;
    lk_error err;
    lk_error_clear(&err);
    if (lk_data_load(path, o, rng, &s, &err) == LK_OK) {
        if (s.train.n == 0 || s.train.d == 0 || s.labels.k < 2)
            abort();
        fuzz_check_set(&s.train, s.labels.k);
        fuzz_check_set(&s.test, s.labels.k);
        lk_split_free(&s);
    } else if (err.text[0] == '\0' || s.train.x.data || s.labels.names) {
        abort();
    }
    gsl_rng_free(rng);
    close(fd);
}

#endif
