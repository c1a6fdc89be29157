/* apply.h — what predict and eval share: a saved model with its
 * preprocessing, label map and predictor, applied to DATA's test rows. */
#ifndef LEARNKIT_CLI_APPLY_H
#define LEARNKIT_CLI_APPLY_H

#include "learner.h"

typedef struct cli_applied {
    lk_model *model;
    lk_prep prep;          /* from the model, never refitted */
    lk_labels labels;      /* the model's classes and their original labels */
    lk_predictor *pred;
    cli_run run;           /* DATA, preprocessed with prep */
    lk_mat scores;         /* test rows x classes */
    uint32_t *y;           /* test labels as the model's class indices */
} cli_applied;

/* Load MODEL_PATH and DATA (see cli_run_load_with for whole_file), refuse
 * a width or class mismatch, and score the test rows.  Returns 0 or an
 * exit code after printing one line; a is then freed. */
int cli_apply_model(cli_applied *a, const char *command, const char *model_path,
                    const char *spec, int whole_file);
void cli_applied_free(cli_applied *a);

#endif
