/* share.c — the in-memory learners' data under mpirun: each rank loads
 * only its contiguous share of the training rows, and of the test rows
 * (lk_data_load_part: the load of one process but for the row range), so
 * that no rank ever holds every row.  What is fitted on the data is
 * global: the label map and the holdout come from the first pass every
 * rank makes over the labels, the scaling from sums over every rank's
 * rows. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "stream.h"

/* The scaling of every rank's training rows, applied to this rank's. */
static lk_status fit_prep(cli_run *run, lk_scale_kind kind, lk_error *err)
{
    lk_split *sp = &run->split;
    lk_prep_acc acc;
    lk_status s = lk_prep_acc_init(&acc, kind, sp->format, sp->train.d, err);
    if (s == LK_OK)
        s = lk_prep_acc_add(&acc, &sp->train.x, err);
    /* Every rank reaches the sums, or none. */
    s = lk_comm_agree(CLI_WORLD, s, err);
    if (s == LK_OK)
        s = lk_prep_acc_finish(&acc, sp->train.d, CLI_WORLD, &run->prep, err);
    lk_prep_acc_free(&acc);
    if (s == LK_OK) {
        lk_prep_apply(&run->prep, &sp->train.x);
        lk_prep_apply(&run->prep, &sp->test.x);
    }
    return s;
}

lk_status cli_share_load(cli_run *run, const lk_data_options *o, const char *spec, lk_error *err)
{
    /* The load of one process, but of this rank's rows only.  The holdout
     * draws from the run's generator, as there, so the learner's draws
     * after it are those of one process. */
    size_t totals[2] = { 0, 0 };
    lk_status s = lk_data_load_part(spec, o, run->rng, (size_t)lk_comm_rank(CLI_WORLD),
                                    (size_t)cli_world_ranks(), &run->split, totals, err);
    run->n_train_total = totals[0];
    run->n_test_total = totals[1];
    /* A rank whose share held a bad row stops every rank here. */
    s = lk_comm_agree(CLI_WORLD, s, err);
    if (s == LK_OK)
        s = fit_prep(run, o->scale, err);
    return s;
}
