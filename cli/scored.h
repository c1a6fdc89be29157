/* scored.h — a saved model applied to a dataset, for predict and eval. */
#ifndef LEARNKIT_CLI_SCORED_H
#define LEARNKIT_CLI_SCORED_H

#include <stdint.h>
#include <learnkit/data.h>
#include "cli.h"

typedef struct cli_scored {
    lk_model *model;
    lk_labels classes;      /* the model's label map */
    lk_mat scores;          /* rows x classes.k */
    int probability;        /* scores are probabilities */
    uint32_t *truth;        /* the data's label of each row as a model class, or */
    int *known;             /* 0 where the data's label is not one of the model's */
    size_t rows;
    char *source;           /* what the rows are */
} cli_scored;

/* Load MODEL, read DATA's rows to predict (the test set of an IDX directory
 * or of --test; otherwise every row of the file, in order), apply the
 * model's saved preprocessing (never refitted) and compute the scores.
 * Returns 0 or an exit code after printing one line. */
int cli_score(const char *model_path, const char *spec, cli_scored *out);
void cli_scored_free(cli_scored *s);

/* The rows a saved model is applied to: DATA's test set (an IDX directory's
 * t10k files, --test FILE, a built-in set's test rows) or every row of a
 * single file, in order, with the model's preprocessing applied (never
 * refitted) to split->test.  Returns 0 or an exit code after printing one
 * line (the data's width against prep->d included). */
int cli_model_rows(const char *spec, const lk_prep *prep, lk_split *split);

#endif
