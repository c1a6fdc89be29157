/* scored.h — a saved model applied to a dataset, for predict and eval. */
#ifndef LEARNKIT_CLI_SCORED_H
#define LEARNKIT_CLI_SCORED_H

#include <stdint.h>
#include <learnkit/data.h>
#include "cli.h"

typedef struct cli_scored {
    lk_model *model;
    lk_labels classes;      /* the model's label map */
    lk_prep prep;           /* the model's preprocessing */
    lk_predictor *pred;
    int probability;        /* scores are probabilities */
    size_t rows;            /* rows scored so far */
    char *source;           /* what the rows are */
} cli_scored;

/* Load MODEL: its label map, preprocessing and predictor.  Returns 0 or an
 * exit code after printing one line. */
int cli_score_open(const char *model_path, cli_scored *out);

/* Called for each block of rows, in input order: their scores (n x k),
 * and truth[i], the data's label of row i as a model class where
 * known[i] (0: a label the model was not trained on).  Returns 0 or an
 * exit code after printing. */
typedef int (*cli_scored_fn)(void *ctx, const cli_scored *s, const lk_mat *scores,
                             const uint32_t *truth, const unsigned char *known);

/* Read DATA's rows to predict (the test set of an IDX directory or of
 * --test; otherwise every row of the file, in order), apply the model's
 * saved preprocessing (never refitted), and hand the scores to fn: all at
 * once, or block by block when `command` streams (--stream, or the data
 * above --max-memory).  Returns 0 or an exit code after printing. */
int cli_score_each(cli_scored *s, const char *command, const char *spec, cli_scored_fn fn,
                   void *ctx);
void cli_scored_free(cli_scored *s);

/* The rows a saved model is applied to: DATA's test set (an IDX directory's
 * t10k files, --test FILE, a built-in set's test rows) or every row of a
 * single file, in order, with the model's preprocessing applied (never
 * refitted) to split->test.  Returns 0 or an exit code after printing one
 * line (the data's width against prep->d included). */
int cli_model_rows(const char *spec, const lk_prep *prep, lk_split *split);

#endif
