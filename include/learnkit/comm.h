/* learnkit/comm.h — the one door to other processes.
 *
 * learnkit trains data-parallel: every rank holds a share of the training
 * rows, and what a learner needs from the others is always a sum over rows
 * (a Gram matrix, a gradient, a count), a copy of what one rank has, or an
 * agreement that every rank succeeded.  This module is the only place that
 * names MPI, as src/blas.c is the only one that names CBLAS; learners see
 * "sum these numbers", never a rank.
 *
 * Built without MPI (./configure --with-mpi=no, or no OpenMPI found), the
 * same functions are those of a world of one process: sums and broadcasts
 * return at once, and the serial build pays nothing.  Every function takes a
 * NULL communicator as that one-process world too, so a library user who
 * never calls lk_comm_init trains exactly as before.
 *
 *     lk_comm *comm;
 *     lk_comm_init(&argc, &argv, &comm, err);   // MPI_Init under mpirun
 *     ... lk_comm_sum(comm, gram, L * L, err); ...
 *     lk_comm_finalize(comm);
 *
 * Collectives must be called by every rank in the same order.  A rank that
 * fails must still reach the next lk_comm_agree, which every rank calls at
 * the points where a failure is possible (after reading data, before a
 * reduction that a failed allocation would skip): it returns the same
 * status everywhere, and the error of the lowest failing rank, so that rank
 * 0 prints one clear message and every rank exits, never hangs.
 *
 * Sizes are size_t; buffers larger than MPI's int counts are sent in
 * pieces.  lk_comm_seconds() is the wall time spent inside these calls, so
 * that commands can report communication apart from compute. */
#ifndef LEARNKIT_COMM_H
#define LEARNKIT_COMM_H

#include <stddef.h>
#include <stdint.h>
#include <learnkit/mat.h>

#ifdef __cplusplus
extern "C" {
#endif

#ifndef LK_COMM_DECLARED
#define LK_COMM_DECLARED
typedef struct lk_comm lk_comm;
#endif

/* 1 when this build speaks MPI. */
int lk_comm_built_with_mpi(void);

/* Join the world of processes this one was launched in (MPI_Init when built
 * with MPI; a world of one otherwise).  *out is freed by lk_comm_finalize.
 * LK_ENOMEM, or LK_EIO when MPI cannot start. */
lk_status lk_comm_init(int *argc, char ***argv, lk_comm **out, lk_error *err);
/* Leave the world (MPI_Finalize when this module started MPI).  NULL: no-op. */
void lk_comm_finalize(lk_comm *c);
/* End every rank at once, with the given exit code: for a rank that cannot
 * reach the next agreement (MPI_Abort; plain exit without MPI).  Only for
 * programs, never called by the library itself. */
void lk_comm_abort(const lk_comm *c, int code);

/* This process's rank in 0..size-1, and the number of ranks (NULL: 0, 1). */
int lk_comm_rank(const lk_comm *c);
int lk_comm_size(const lk_comm *c);
/* How many ranks share this rank's machine (its memory and cores). */
int lk_comm_local_size(const lk_comm *c);

/* The rows [*begin, *end) of n that rank r of p holds: contiguous shares
 * that differ by at most one row, the first n % p ranks one row longer. */
void lk_comm_share(size_t n, int r, int p, size_t *begin, size_t *end);

/* In-place sums over ranks of n values; afterwards every rank holds the
 * same total, summed in the same order on every rank (so bit-identical). */
lk_status lk_comm_sum(const lk_comm *c, double *buf, size_t n, lk_error *err);
lk_status lk_comm_sum_real(const lk_comm *c, lk_real *buf, size_t n, lk_error *err);
lk_status lk_comm_sum_u64(const lk_comm *c, uint64_t *buf, size_t n, lk_error *err);
/* In-place maximum over ranks. */
lk_status lk_comm_max(const lk_comm *c, double *buf, size_t n, lk_error *err);

/* Copy root's bytes into every other rank's buf. */
lk_status lk_comm_bcast(const lk_comm *c, void *buf, size_t bytes, int root, lk_error *err);

/* Point-to-point, for reductions that are not sums (the QR tree of TSQR). */
lk_status lk_comm_send(const lk_comm *c, const void *buf, size_t bytes, int to, lk_error *err);
lk_status lk_comm_recv(const lk_comm *c, void *buf, size_t bytes, int from, lk_error *err);

/* Every rank's bytes, concatenated in rank order, on every rank: *all is
 * malloc'ed (freed by the caller), counts[r] (size ranks, caller-owned) is
 * what rank r gave.  For small, variable-sized things: label names. */
lk_status lk_comm_allgather(const lk_comm *c, const void *mine, size_t bytes, void **all,
                            size_t *counts, lk_error *err);

/* Agreement: every rank passes its own status (and its error record when
 * it failed).  Returns LK_OK on every rank when all passed LK_OK; else, on
 * every rank, the status of the lowest failing rank, with err holding that
 * rank's record. */
lk_status lk_comm_agree(const lk_comm *c, lk_status local, lk_error *err);

/* Seconds spent in this module's calls since lk_comm_init. */
double lk_comm_seconds(const lk_comm *c);
/* Bytes this rank has sent through sums, broadcasts and sends. */
uint64_t lk_comm_bytes(const lk_comm *c);

#ifdef __cplusplus
}
#endif
#endif
