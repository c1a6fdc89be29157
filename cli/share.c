/* share.c — the in-memory learners' data under mpirun: each rank reads only
 * its contiguous share of the training rows, and of the test rows, through
 * the row-block source, so that no rank ever holds every row.  What is
 * fitted on the data is global: the label map and the holdout come from
 * the first pass every rank makes over the labels (cli_stream_scan), the
 * scaling from sums over every rank's rows. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "stream.h"

/* The selected rows (mask[i] == want; mask NULL: all) numbered [first,
 * end) of total, this rank's share, read from r into d. */
static lk_status read_share(lk_rows *r, const unsigned char *mask, size_t n_mask,
                            unsigned char want, size_t total, lk_dataset *d, lk_error *err)
{
    size_t first, end, b, e;
    lk_comm_share(total, lk_comm_rank(CLI_WORLD), cli_world_ranks(), &first, &end);
    lk_select_range(mask, mask ? n_mask : total, want, first, end, &b, &e);
    lk_rows_set_range(r, b, e);
    lk_rows_set_select(r, mask, n_mask, want);
    lk_blocks src = lk_blocks_of_rows(r);
    return lk_dataset_read(d, &src, end - first, lk_rows_source(r), err);
}

/* The names lk_data_load gives the sources. */
static lk_status name_sources(lk_split *sp, const cli_stream *st, lk_error *err)
{
    const lk_data_files *f = &st->files;
    char buf[2048];
    if (f->train_labels)
        snprintf(buf, sizeof buf, "%s, %s", f->train, f->train_labels);
    sp->train_source = strdup(f->train_labels ? buf : f->train);
    if (f->test_labels)
        snprintf(buf, sizeof buf, "%s, %s", f->test, f->test_labels);
    else if (f->test)
        snprintf(buf, sizeof buf, "%s", f->test);
    else
        snprintf(buf, sizeof buf, "holdout %g of %s", st->o.holdout,
                 sp->train_source ? sp->train_source : "");
    sp->test_source = strdup(buf);
    sp->name = strdup(f->name);
    if (!sp->train_source || !sp->test_source || !sp->name)
        return lk_error_set(err, LK_ENOMEM, f->train, NULL, "out of memory");
    return LK_OK;
}

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
    cli_stream st;
    memset(&st, 0, sizeof st);
    st.command = run->command;
    st.o = *o;
    /* The holdout draws from the run's generator, as lk_data_load does, so
     * the learner's draws after it are those of one process. */
    st.rng = run->rng;
    lk_split *sp = &run->split;
    lk_status s = cli_stream_scan(&st, spec, 0, err);
    if (s == LK_OK)
        s = read_share(st.train, st.mask, st.n_rows, 0, st.n_train, &sp->train, err);
    if (s == LK_OK)
        s = st.test ? read_share(st.test, NULL, 0, 0, st.n_test, &sp->test, err)
                    : read_share(st.train, st.mask, st.n_rows, 1, st.n_test, &sp->test, err);
    if (s == LK_OK) {
        sp->format = st.files.format;
        sp->test_is_holdout = !st.test;
        sp->labels = st.labels;
        st.labels = (lk_labels){ 0 };
        run->n_train_total = st.n_train;
        run->n_test_total = st.n_test;
        s = name_sources(sp, &st, err);
    }
    /* A rank whose share held a bad row stops every rank here. */
    s = lk_comm_agree(CLI_WORLD, s, err);
    if (s == LK_OK)
        s = fit_prep(run, o->scale, err);
    st.rng = NULL;
    cli_stream_close(&st);
    return s;
}
