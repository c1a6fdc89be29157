/* learner.h — what every training command shares: the data options of
 * SPEC.md, loading and preprocessing a dataset, accuracy, the common JSON
 * keys, and saving a model with its preprocessing and label map. */
#ifndef LEARNKIT_CLI_LEARNER_H
#define LEARNKIT_CLI_LEARNER_H

#include <learnkit/data.h>
#include "cli.h"

/* --data-dir --test --holdout --format --label-col --header --features --scale */
extern const cli_opt CLI_DATA_OPTS[];

typedef struct cli_run {
    const char *command;    /* "elm" */
    lk_split split;         /* loaded; features already preprocessed */
    lk_prep prep;           /* fitted on split.train */
    double load_seconds;
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

/* {"command", "model", "dataset", "n_train", "n_test", "n_features",
 *  "n_classes"}: the keys every training command prints with --json. */
json_t *cli_result_json(const cli_run *run, const char *model_kind);

/* Put the preprocessing and label map into m and, if -o FILE was given,
 * save it atomically.  Returns 0 or EXIT_FAILURE after printing. */
int cli_run_save(const cli_run *run, lk_model *m);

#endif
