/* stream.h — training and scoring on data read in row blocks (--stream, or
 * by itself when the data would not fit under --max-memory). */
#ifndef LEARNKIT_CLI_STREAM_H
#define LEARNKIT_CLI_STREAM_H

#include "learner.h"

typedef struct cli_stream {
    const char *command;
    lk_data_files files;
    lk_data_options o;
    lk_rows *train;         /* the training file (with a holdout: mask 0 rows) */
    lk_rows *test;          /* the test file, or NULL (holdout: train's mask 1 rows) */
    unsigned char *mask;    /* holdout: 1 for a held-out row of the training file */
    size_t n_rows;          /* rows of the training file (of the mask) */
    lk_labels labels;
    lk_prep prep;
    size_t n_train, n_test, d;
    gsl_rng *rng;
    double load_seconds;    /* the first pass (and the holdout's statistics pass) */
    lk_reader *reader;      /* while a learner consumes blocks */
    double read_s, wait_s;  /* summed over every pass read ahead */
} cli_stream;

/* Rows per block: LEARNKIT_BLOCK_ROWS in the environment (tests put block
 * boundaries mid-class and mid-file with it), else 1024: a block of MNIST
 * is 3 MB, large enough that handing it between threads costs nothing
 * beside its GEMMs, small enough that the two buffers and the learner's
 * block scratch (2000 units: 8 MB each) stay small beside its L x L sums. */
size_t cli_stream_block_rows(void);

/* Resolve DATA, run the first pass (row counts, width, label map, the
 * holdout split, the scaling's statistics) and make the seeded generator.
 * Returns 0, or an exit code after printing. */
int cli_stream_open(cli_stream *st, const char *command, const char *spec);
void cli_stream_close(cli_stream *st);
/* cli_stream_open's work on st (command, o and rng set by the caller), a
 * collective under mpirun: resolve, first pass, label map, holdout mask
 * (drawn from st->rng), and with fit_prep the scaling, set on the rows.
 * Without fit_prep the rows arrive as read and st->prep stays empty (the
 * caller fits it on rows it holds). */
lk_status cli_stream_scan(cli_stream *st, const char *spec, int fit_prep, lk_error *err);

/* The training rows as blocks read ahead by a thread (rewound by the
 * learner for each pass); cli_stream_release stops the thread and adds
 * its times to read_s and wait_s.  Returns 0 or an exit code. */
int cli_stream_train_blocks(cli_stream *st, lk_blocks *b);
void cli_stream_release(cli_stream *st);

/* The training rows (test = 0) or the test rows (test = 1) as a block
 * source for a learner that passes over both in turn: each rewind stops
 * the running reader (cli_stream_release) and starts one on these rows.
 * Only one of the two is read at a time; release after the fit. */
typedef struct cli_stream_source {
    cli_stream *st;
    int test;
    lk_blocks b;            /* the running reader's */
} cli_stream_source;
lk_blocks cli_stream_source_blocks(cli_stream_source *src, cli_stream *st, int test);

/* Accuracy of a model's scores (fn, on preprocessed blocks) over the
 * training rows (test = 0) or the test rows (test = 1): NAN when there
 * are none.  Returns 0 or an exit code after printing. */
typedef lk_status (*cli_scores_fn)(const void *model, const lk_mat *x, lk_mat *scores,
                                   lk_error *err);
int cli_stream_accuracy(cli_stream *st, int test, cli_scores_fn fn, const void *model,
                        double *acc);

/* cli_result_json's keys, plus "stream": {read_seconds, wait_seconds,
 * passes' bytes, block_rows}; compute_seconds is what the caller timed
 * minus the waits. */
json_t *cli_stream_result_json(const cli_stream *st, const char *model_kind,
                               double train_seconds);
/* Prep, label map and data name into m; saved with -o.  0 or EXIT_FAILURE. */
int cli_stream_save(const cli_stream *st, lk_model *m);

/* Under mpirun, run->split for the in-memory learners (cli_run_load):
 * this rank's share of the training rows and of the test rows (the rows
 * lk_split_shard would keep, in the same order; the test rows shared the
 * same way), read from the files without holding the rest; the label map,
 * the holdout (drawn from run->rng) and run->prep (fitted on every rank's
 * training rows, applied to both sets) are those of one process;
 * run->n_train_total and n_test_total count every rank's rows.  A
 * collective; errors agreed by every rank. */
lk_status cli_share_load(cli_run *run, const lk_data_options *o, const char *spec,
                         lk_error *err);

/* The learners' fits on a stream (cmd_elm.c, cmd_lsq.c, cmd_ae.c,
 * cmd_logreg.c); ae streams with the closed-form solvers only
 * (cli_ae_streams, after its options are checked). */
int cli_elm_fit_stream(cli_stream *st, json_t **result, lk_model **model);
int cli_lsq_fit_stream(cli_stream *st, json_t **result, lk_model **model);
int cli_ae_fit_stream(cli_stream *st, json_t **result, lk_model **model);
int cli_logreg_fit_stream(cli_stream *st, json_t **result, lk_model **model);
int cli_ae_streams(void);
/* ae reads the rows once per layer unless a softmax follows (--classify). */
int cli_ae_one_pass(void);

/* The whole training command on a stream: first pass, fit, summary or
 * JSON, -o.  Returns the exit code. */
int cli_stream_main(const cli_learner *l, const char *spec);

/* Whether `command` runs on a stream, and its fit there (NULL: it does not). */
typedef int (*cli_stream_fit_fn)(cli_stream *st, json_t **result, lk_model **model);
cli_stream_fit_fn cli_stream_fit_of(const char *command);
/* 1 when that fit reads the rows once (per layer): under mpirun it streams
 * each rank's share by itself. */
int cli_stream_one_pass(const char *command);

/* What loading DATA whole would take (an estimate from the file sizes),
 * for the automatic switch; 0 when unknown. */
size_t cli_data_bytes_estimate(const char *spec, const lk_data_options *o);

#endif
