/* learner.h — what every training command shares: the data options of
 * the README, loading and preprocessing a dataset, accuracy, the common JSON
 * keys, and saving a model with its preprocessing and label map. */
#ifndef LEARNKIT_CLI_LEARNER_H
#define LEARNKIT_CLI_LEARNER_H

#include <learnkit/data.h>
#include <learnkit/net.h>
#include "cli.h"

/* --data-dir --test --holdout --format --label-col --header --features --scale */
extern const cli_opt CLI_DATA_OPTS[];

/* The data options given on the command line as lk_data_options; prints a
 * usage line and returns EXIT_USAGE for a bad value, else 0. */
int cli_data_options(lk_data_options *o);

/* --max-memory as bytes (default three quarters of physical memory);
 * EXIT_USAGE after printing for a bad value, else 0. */
int cli_max_memory(size_t *out);

/* Whether `command` should read DATA in row blocks: --stream, or by itself
 * (with a notice) when loading it whole would pass --max-memory; a command
 * that cannot stream is refused then, with the memory it would need.
 * Returns 0, or an exit code after printing. */
int cli_want_stream(const char *command, const char *spec, int *stream);

typedef struct cli_run {
    const char *command;    /* "elm" */
    lk_split split;         /* loaded; features already preprocessed */
    lk_prep prep;           /* fitted on split.train */
    double load_seconds;
    size_t n_train_total;   /* training rows of every rank (split.train: this rank's) */
    size_t n_test_total;    /* test rows of every rank (split.test: this rank's) */
    json_t *ranks_rows;     /* under mpirun: {"n_train_ranks": [...], "n_test_ranks": [...]} */
    gsl_rng *rng;           /* from --seed */
} cli_run;

/* Parse the data options given on the command line (after cli_parse), load
 * DATA (spec may be NULL: mnist), fit the preprocessing on the training rows
 * and apply it to both sets, and make the seeded generator.  Reports what
 * was loaded on stderr unless -q.  Returns 0, EXIT_USAGE for a bad option
 * value, or EXIT_FAILURE after printing the error. */
int cli_run_load(cli_run *run, const char *command, const char *spec);
void cli_run_free(cli_run *run);

/* Fraction of rows whose argmax of scores equals y. */
double cli_accuracy(const lk_mat *scores, const uint32_t *y);

/* GFLOP of one training epoch of net over rows: the forward GEMM and both
 * backward ones, 6 per weight per row. */
double cli_net_epoch_gflop(const lk_net *net, size_t rows);

/* {"command", "model", "dataset", "n_train", "n_test", "n_features",
 *  "n_classes"}: the keys every training command prints with --json. */
json_t *cli_result_json(const cli_run *run, const char *model_kind);

/* Put the dataset's name into m and, if -o FILE was given, save it
 * atomically (rank 0 writes; every rank agrees).  Returns 0 or
 * EXIT_FAILURE after printing.  cli_run_save: with the run's dataset. */
int cli_save_model(const char *data_name, lk_model *m);
int cli_run_save(const cli_run *run, lk_model *m);

/* Train and test accuracy of a trained model, through its predictor (the
 * one place they are computed, so they are the saved model's): sets
 * "train_accuracy" and, with test rows, "test_accuracy" in result, and the
 * seconds taken as phase_seconds.evaluation when result has phase_seconds.
 * A model kind that does not classify (an autoencoder without classifier)
 * sets neither.  Returns 0 or EXIT_FAILURE after printing. */
int cli_run_accuracy(const cli_run *run, const lk_model *model, json_t *result);

/* ---------------------------------------------------------------- learners
 *
 * Every training command is a cli_learner: its own option table (pointing
 * at static storage in its cmd_NAME.c), a reset to defaults, a check of the
 * parsed values, and a fit on data that is already loaded.  cmd_NAME is then
 *     int cmd_elm(int argc, char **argv) { return cli_learner_main(&CLI_LEARNER_ELM, argc, argv); }
 * and `compare` runs the same learner on its shared data with options from
 * its --learners list, so each learner's options and training exist once. */
typedef struct cli_learner {
    const char *name;        /* "elm"; also the command name */
    const char *family;      /* "closed-form" or "iterative" */
    const char *usage;       /* usage line after "learnkit NAME" */
    const char *about;       /* paragraph for --help */
    const cli_opt *opts;     /* the learner's own options */
    void (*reset)(void);     /* restore every own option to its default */
    /* Validate the parsed options (and, given n_features and n_classes of
     * the loaded data, sizes such as --layers; both 0 before loading).
     * Prints one usage line and returns EXIT_USAGE, or returns 0. */
    int (*check)(size_t n_features, size_t n_classes);
    /* Train on run->split (preprocessed) and return the result object of
     * the README's JSON output (cli_result_json plus train_seconds, params, and "history"
     * for iterative learners; also "gflop") and the trained model made by
     * the learner's lk_X_save with run->prep and the label map; the caller
     * adds train_accuracy and test_accuracy (cli_run_accuracy) and
     * peak_rss_bytes.  Progress on stderr unless -q.  Returns 0 or an exit
     * code after printing the error. */
    int (*fit)(cli_run *run, json_t **result, lk_model **model);
    /* The family under the options parsed now, for a learner whose family
     * depends on them (ae --solver); NULL: always `family`. */
    const char *(*family_of)(void);
} cli_learner;

/* The learner's family under the options parsed now. */
const char *cli_learner_family(const cli_learner *learner);

/* The whole command: parse own + data + common + output options, --help,
 * check, load DATA, fit, print the summary (or the JSON with --json) on
 * stdout, save with -o.  Returns the exit code. */
int cli_learner_main(const cli_learner *learner, int argc, char **argv);

/* Finish a training command: peak memory into the result, then the JSON
 * (--json) or the summary on stdout; releases result.  Returns 0 or 1. */
int cli_print_result(json_t *result);

/* Print the human summary of a result object on stdout. */
void cli_print_summary(const json_t *result);

#endif
