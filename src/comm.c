/* comm.c — the one file that names MPI (see learnkit/comm.h).  Without MPI
 * every function is that of a world of one process. */
#include "config.h"
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <learnkit/comm.h>
#ifdef HAVE_MPI
#include <mpi.h>
#endif

struct lk_comm {
    int rank, size;
    int local_size;      /* ranks on this machine */
    int started_mpi;     /* this module called MPI_Init, so it finalizes */
    double seconds;      /* inside collective and point-to-point calls */
    uint64_t bytes;      /* sent by this rank */
};

/* Buffers travel in pieces of this many elements: MPI's counts are int,
 * and an allreduce may hold a temporary as large as its piece (a 2000-unit
 * Gram matrix in one piece cost each rank 32 MB more).  Pieces of 8 MB
 * cost one more latency each, nothing in bandwidth. */
#define COMM_PIECE ((size_t)1 << 20)

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

int lk_comm_built_with_mpi(void)
{
#ifdef HAVE_MPI
    return 1;
#else
    return 0;
#endif
}

#ifdef HAVE_MPI
/* Launched by a process manager (mpirun, srun, hydra)?  A program started
 * on its own stays a world of one without touching MPI, so a serial run of
 * an MPI build costs nothing and needs no MPI runtime. */
static int launched_by_mpi(void)
{
    static const char *const vars[] = { "OMPI_COMM_WORLD_SIZE", "PMIX_RANK", "PMI_SIZE",
                                        "PMI_RANK", "MPI_LOCALNRANKS", NULL };
    for (size_t i = 0; vars[i]; i++)
        if (getenv(vars[i]))
            return 1;
    return 0;
}

static lk_status mpi_failed(lk_error *err, int rc, const char *what)
{
    char text[MPI_MAX_ERROR_STRING];
    int len = 0;
    if (MPI_Error_string(rc, text, &len) != MPI_SUCCESS)
        snprintf(text, sizeof text, "error %d", rc);
    return lk_error_set(err, LK_EIO, "mpi", what, "%s", text);
}
#endif

lk_status lk_comm_init(int *argc, char ***argv, lk_comm **out, lk_error *err)
{
    *out = NULL;
    lk_comm *c = calloc(1, sizeof *c);
    if (!c)
        return lk_error_set(err, LK_ENOMEM, "mpi", NULL, "out of memory");
    c->rank = 0;
    c->size = 1;
    c->local_size = 1;
#ifdef HAVE_MPI
    int ready = 0;
    MPI_Initialized(&ready);
    if (!ready && launched_by_mpi()) {
        int rc = MPI_Init(argc, argv);
        if (rc != MPI_SUCCESS) {
            free(c);
            return lk_error_set(err, LK_EIO, "mpi", "init", "MPI_Init failed (%d)", rc);
        }
        c->started_mpi = 1;
        ready = 1;
    }
    if (ready) {
        /* Errors come back as codes, so that they become statuses. */
        MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN);
        MPI_Comm_rank(MPI_COMM_WORLD, &c->rank);
        MPI_Comm_size(MPI_COMM_WORLD, &c->size);
        MPI_Comm node;
        c->local_size = 1;
        if (MPI_Comm_split_type(MPI_COMM_WORLD, MPI_COMM_TYPE_SHARED, 0, MPI_INFO_NULL, &node) ==
            MPI_SUCCESS) {
            MPI_Comm_size(node, &c->local_size);
            MPI_Comm_free(&node);
        }
    }
#else
    (void)argc;
    (void)argv;
#endif
    *out = c;
    return LK_OK;
}

void lk_comm_finalize(lk_comm *c)
{
    if (!c)
        return;
#ifdef HAVE_MPI
    if (c->started_mpi)
        MPI_Finalize();
#endif
    free(c);
}

void lk_comm_abort(const lk_comm *c, int code)
{
#ifdef HAVE_MPI
    if (c && c->size > 1)
        MPI_Abort(MPI_COMM_WORLD, code);
#else
    (void)c;
    (void)code;
#endif
}

int lk_comm_rank(const lk_comm *c) { return c ? c->rank : 0; }
int lk_comm_size(const lk_comm *c) { return c ? c->size : 1; }
int lk_comm_local_size(const lk_comm *c) { return c ? c->local_size : 1; }
double lk_comm_seconds(const lk_comm *c) { return c ? c->seconds : 0; }
uint64_t lk_comm_bytes(const lk_comm *c) { return c ? c->bytes : 0; }

void lk_comm_share(size_t n, int r, int p, size_t *begin, size_t *end)
{
    size_t P = p > 0 ? (size_t)p : 1, R = r > 0 ? (size_t)r : 0;
    size_t q = n / P, extra = n % P;
    *begin = R * q + (R < extra ? R : extra);
    *end = *begin + q + (R < extra ? 1 : 0);
}

/* Is there anyone to talk to? */
static int alone(const lk_comm *c) { return !c || c->size <= 1; }

/* The element types and operations the public reductions use. */
typedef enum reduction { SUM_DOUBLE, SUM_REAL, SUM_U64, MAX_DOUBLE } reduction;

/* The statistics are the only mutable part of a communicator; the public
 * functions take it const because, to the caller, a collective does not
 * change the world. */
static lk_comm *stats(const lk_comm *c) { return (lk_comm *)(uintptr_t)c; }

/* In-place reduction of n elements over the ranks, in pieces of MPI's int
 * counts; nothing to do for a world of one. */
static lk_status reduce(const lk_comm *c, void *buf, size_t n, reduction r, lk_error *err)
{
    if (alone(c))
        return LK_OK;
#ifdef HAVE_MPI
    static const size_t elem[] = { sizeof(double), sizeof(lk_real), sizeof(uint64_t),
                                   sizeof(double) };
    MPI_Datatype type = r == SUM_REAL ? (LK_REAL_IS_DOUBLE ? MPI_DOUBLE : MPI_FLOAT)
                        : r == SUM_U64 ? MPI_UINT64_T : MPI_DOUBLE;
    MPI_Op op = r == MAX_DOUBLE ? MPI_MAX : MPI_SUM;
    double t0 = now();
    for (size_t done = 0; done < n; done += COMM_PIECE) {
        size_t k = n - done < COMM_PIECE ? n - done : COMM_PIECE;
        int rc = MPI_Allreduce(MPI_IN_PLACE, (char *)buf + done * elem[r], (int)k, type, op,
                               MPI_COMM_WORLD);
        if (rc != MPI_SUCCESS)
            return mpi_failed(err, rc, "allreduce");
        stats(c)->bytes += (uint64_t)(k * elem[r]);
    }
    stats(c)->seconds += now() - t0;
    return LK_OK;
#else
    (void)buf, (void)n, (void)r, (void)err;
    return LK_OK;
#endif
}

lk_status lk_comm_sum(const lk_comm *c, double *buf, size_t n, lk_error *err)
{
    return reduce(c, buf, n, SUM_DOUBLE, err);
}

lk_status lk_comm_sum_real(const lk_comm *c, lk_real *buf, size_t n, lk_error *err)
{
    return reduce(c, buf, n, SUM_REAL, err);
}

lk_status lk_comm_sum_u64(const lk_comm *c, uint64_t *buf, size_t n, lk_error *err)
{
    return reduce(c, buf, n, SUM_U64, err);
}

lk_status lk_comm_max(const lk_comm *c, double *buf, size_t n, lk_error *err)
{
    return reduce(c, buf, n, MAX_DOUBLE, err);
}

lk_status lk_comm_bcast(const lk_comm *c, void *buf, size_t bytes, int root, lk_error *err)
{
    if (alone(c))
        return LK_OK;
#ifdef HAVE_MPI
    double t0 = now();
    for (size_t done = 0; done < bytes; done += COMM_PIECE) {
        size_t k = bytes - done < COMM_PIECE ? bytes - done : COMM_PIECE;
        int rc = MPI_Bcast((char *)buf + done, (int)k, MPI_BYTE, root, MPI_COMM_WORLD);
        if (rc != MPI_SUCCESS)
            return mpi_failed(err, rc, "broadcast");
        if (c->rank == root)
            stats(c)->bytes += k;
    }
    stats(c)->seconds += now() - t0;
    return LK_OK;
#else
    (void)buf, (void)bytes, (void)root, (void)err;
    return LK_OK;
#endif
}

lk_status lk_comm_send(const lk_comm *c, const void *buf, size_t bytes, int to, lk_error *err)
{
    if (alone(c) || to < 0 || to >= c->size || to == c->rank)
        return lk_error_set(err, LK_EINVAL, "mpi", "send", "no rank %d to send to", to);
#ifdef HAVE_MPI
    double t0 = now();
    for (size_t done = 0; done < bytes; done += COMM_PIECE) {
        size_t k = bytes - done < COMM_PIECE ? bytes - done : COMM_PIECE;
        int rc = MPI_Send((const char *)buf + done, (int)k, MPI_BYTE, to, 0, MPI_COMM_WORLD);
        if (rc != MPI_SUCCESS)
            return mpi_failed(err, rc, "send");
        stats(c)->bytes += k;
    }
    stats(c)->seconds += now() - t0;
    return LK_OK;
#else
    (void)buf, (void)bytes;
    return LK_OK;
#endif
}

lk_status lk_comm_recv(const lk_comm *c, void *buf, size_t bytes, int from, lk_error *err)
{
    if (alone(c) || from < 0 || from >= c->size || from == c->rank)
        return lk_error_set(err, LK_EINVAL, "mpi", "receive", "no rank %d to receive from",
                            from);
#ifdef HAVE_MPI
    double t0 = now();
    for (size_t done = 0; done < bytes; done += COMM_PIECE) {
        size_t k = bytes - done < COMM_PIECE ? bytes - done : COMM_PIECE;
        int rc = MPI_Recv((char *)buf + done, (int)k, MPI_BYTE, from, 0, MPI_COMM_WORLD,
                          MPI_STATUS_IGNORE);
        if (rc != MPI_SUCCESS)
            return mpi_failed(err, rc, "receive");
    }
    stats(c)->seconds += now() - t0;
    return LK_OK;
#else
    (void)buf, (void)bytes;
    return LK_OK;
#endif
}

lk_status lk_comm_allgather(const lk_comm *c, const void *mine, size_t bytes, void **all,
                            size_t *counts, lk_error *err)
{
    *all = NULL;
    int p = lk_comm_size(c);
    if (alone(c)) {
        counts[0] = bytes;
        *all = malloc(bytes ? bytes : 1);
        if (!*all)
            return lk_error_set(err, LK_ENOMEM, "mpi", "gather", "out of memory");
        memcpy(*all, mine, bytes);
        return LK_OK;
    }
#ifdef HAVE_MPI
    /* Sizes first (as doubles-free u64), then the bytes, each rank's at its
     * offset; every piece must fit MPI's int displacements. */
    uint64_t *sz = calloc((size_t)p, sizeof *sz);
    int *cnt = malloc((size_t)p * sizeof *cnt), *off = malloc((size_t)p * sizeof *off);
    lk_status s = LK_OK;
    if (!sz || !cnt || !off) {
        s = lk_error_set(err, LK_ENOMEM, "mpi", "gather", "out of memory");
        goto done;
    }
    sz[c->rank] = bytes;
    if ((s = lk_comm_sum_u64(c, sz, (size_t)p, err)) != LK_OK)
        goto done;
    uint64_t total = 0;
    for (int r = 0; r < p; r++) {
        if (sz[r] > INT_MAX || total + sz[r] > INT_MAX) {
            s = lk_error_set(err, LK_ETOOBIG, "mpi", "gather",
                             "%llu bytes to gather, more than one message holds",
                             (unsigned long long)(total + sz[r]));
            goto done;
        }
        counts[r] = (size_t)sz[r];
        cnt[r] = (int)sz[r];
        off[r] = (int)total;
        total += sz[r];
    }
    if (!(*all = malloc(total ? (size_t)total : 1))) {
        s = lk_error_set(err, LK_ENOMEM, "mpi", "gather", "out of memory");
        goto done;
    }
    double t0 = now();
    int rc = MPI_Allgatherv(mine, (int)bytes, MPI_BYTE, *all, cnt, off, MPI_BYTE,
                            MPI_COMM_WORLD);
    stats(c)->seconds += now() - t0;
    stats(c)->bytes += bytes;
    if (rc != MPI_SUCCESS) {
        free(*all);
        *all = NULL;
        s = mpi_failed(err, rc, "gather");
    }
done:
    free(sz);
    free(cnt);
    free(off);
    return s;
#else
    (void)mine, (void)p, (void)err;
    return LK_OK;
#endif
}

lk_status lk_comm_agree(const lk_comm *c, lk_status local, lk_error *err)
{
    if (alone(c))
        return local;
#ifdef HAVE_MPI
    /* The lowest failing rank (or size when none failed), then its record. */
    double first = local != LK_OK ? (double)c->rank : (double)c->size;
    double neg = -first;
    lk_status s = lk_comm_max(c, &neg, 1, NULL);
    if (s != LK_OK)
        return lk_error_set(err, s, "mpi", "agreement", "ranks could not agree");
    int failed = (int)-neg;
    if (failed >= c->size)
        return LK_OK;
    lk_error e = { .status = LK_OK };
    if (c->rank == failed) {
        if (err)
            e = *err;
        else
            lk_error_set(&e, local, NULL, NULL, "%s", lk_status_str(local));
        e.status = local;
    }
    if ((s = lk_comm_bcast(c, &e, sizeof e, failed, NULL)) != LK_OK)
        return lk_error_set(err, s, "mpi", "agreement", "ranks could not agree");
    if (err)
        *err = e;
    return e.status != LK_OK ? e.status : LK_EIO;
#else
    (void)err;
    return local;
#endif
}
