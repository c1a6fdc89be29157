/* world.c — the program in a world of processes (mpirun -n P learnkit ...):
 * rank 0 alone prints and writes, every rank takes its share of the cores
 * for BLAS, and every training command trains data-parallel.  Without
 * mpirun the world has one rank and nothing here changes what the program
 * does. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "cli.h"

lk_comm *CLI_WORLD;

int cli_world_start(int *argc, char ***argv)
{
    lk_error err;
    if (lk_comm_init(argc, argv, &CLI_WORLD, &err) != LK_OK)
        return cli_fail_err(&err);
    /* Results are rank 0's to print: the others write to nowhere. */
    if (!cli_is_root() && !freopen("/dev/null", "w", stdout))
        return cli_fail("cannot silence the output of rank %d", lk_comm_rank(CLI_WORLD));
    return 0;
}

void cli_world_end(void)
{
    lk_comm_finalize(CLI_WORLD);
    CLI_WORLD = NULL;
}

int cli_is_root(void)
{
    return lk_comm_rank(CLI_WORLD) == 0;
}

int cli_world_ranks(void)
{
    return lk_comm_size(CLI_WORLD);
}

int cli_world_threads(void)
{
    /* The ranks on one machine share its cores: each takes its part, so
     * that P ranks x T threads do not oversubscribe it. */
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    int local = lk_comm_local_size(CLI_WORLD);
    long t = cores > 0 ? cores / (local > 0 ? local : 1) : 1;
    return t > 0 ? (int)t : 1;
}

double cli_world_accuracy(const lk_mat *scores, const uint32_t *y)
{
    uint64_t c[2] = { 0, scores->rows };
    for (size_t i = 0; i < scores->rows; i++)
        c[0] += lk_argmax(lk_mat_row(scores, i), scores->cols) == y[i];
    if (lk_comm_sum_u64(CLI_WORLD, c, 2, NULL) != LK_OK || c[1] == 0)
        return 0;
    return (double)c[0] / (double)c[1];
}

json_t *cli_world_peak_rss(void)
{
    uint64_t mine = cli_peak_rss();
    void *all;
    int p = cli_world_ranks();
    size_t *counts = calloc((size_t)p, sizeof *counts);
    json_t *a = json_array();
    if (counts && lk_comm_allgather(CLI_WORLD, &mine, sizeof mine, &all, counts, NULL) == LK_OK) {
        const uint64_t *v = all;
        for (int r = 0; r < p; r++)
            json_array_append_new(a, json_integer((json_int_t)v[r]));
        free(all);
    }
    free(counts);
    return a;
}

double cli_world_mean(double local, size_t rows)
{
    double s[2] = { local * (double)rows, (double)rows };
    if (lk_comm_sum(CLI_WORLD, s, 2, NULL) != LK_OK || s[1] == 0)
        return local;
    return s[0] / s[1];
}

/* Communication seconds per phase of a command, for --json. */
static json_t *PHASES;
static double PHASE_MARK;

void cli_world_phase_end(const char *name)
{
    if (cli_world_ranks() <= 1)
        return;
    double now = lk_comm_seconds(CLI_WORLD);
    if (!PHASES)
        PHASES = json_object();
    json_object_set_new(PHASES, name, json_real(now - PHASE_MARK));
    PHASE_MARK = now;
}

json_t *cli_world_phases_take(void)
{
    json_t *p = PHASES;
    PHASES = NULL;
    return p;
}

double cli_world_fraction(double local, size_t rows)
{
    if (cli_world_ranks() <= 1)
        return local;
    /* Counts, not fractions, are summed: the global figure is exact. */
    uint64_t c[2] = { rows ? (uint64_t)llround(local * (double)rows) : 0, rows };
    if (lk_comm_sum_u64(CLI_WORLD, c, 2, NULL) != LK_OK || c[1] == 0)
        return NAN;
    return (double)c[0] / (double)c[1];
}
