/* comm_probe.c — how fast this machine's ranks sum a buffer: the
 * allreduce behind every data-parallel learner, timed for the payloads the
 * learners send (an MLP's gradient, an ELM's Gram matrix).  Run under
 * mpirun; rank 0 prints, per payload, seconds per sum and the bus rate
 * 2 (P - 1) / P x payload / seconds that the ring model of bench/mpi_model.py
 * divides by. */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <learnkit.h>

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

int main(int argc, char **argv)
{
    lk_comm *c;
    lk_error err;
    if (lk_comm_init(&argc, &argv, &c, &err) != LK_OK)
        return 1;
    int p = lk_comm_size(c), r = lk_comm_rank(c);
    /* bytes: 784-500-10's gradient in float, Gram matrices of 2000 and 5000
     * units in double */
    const size_t sizes[] = { 397510 * 4, 2000 * 2000 * 8, 5000 * 5000 * 8 };
    for (size_t s = 0; s < 3; s++) {
        size_t n = sizes[s] / sizeof(double);
        double *buf = calloc(n, sizeof *buf);
        if (!buf)
            return 1;
        int reps = s == 0 ? 200 : s == 1 ? 10 : 3;
        lk_comm_sum(c, buf, n, NULL);   /* warm up: buffers, connections */
        double t0 = now();
        for (int k = 0; k < reps; k++)
            lk_comm_sum(c, buf, n, NULL);
        double t = (now() - t0) / reps;
        double moved = 2.0 * (p - 1) / p * (double)sizes[s];
        if (r == 0)
            printf("allreduce of %.1f MB on %d ranks: %.4f s, bus rate %.2f GB/s\n",
                   sizes[s] / 1e6, p, t, p > 1 ? moved / t / 1e9 : 0.0);
        free(buf);
    }
    lk_comm_finalize(c);
    return 0;
}
