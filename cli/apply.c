/* apply.c — a saved model applied to DATA (apply.h). */
#include <stdlib.h>
#include <string.h>
#include "apply.h"

void cli_applied_free(cli_applied *a)
{
    lk_mat_free(&a->scores);
    free(a->y);
    cli_run_free(&a->run);
    lk_predictor_free(a->pred);
    lk_labels_free(&a->labels);
    lk_prep_free(&a->prep);
    lk_model_free(a->model);
    memset(a, 0, sizeof *a);
}

int cli_apply_model(cli_applied *a, const char *command, const char *model_path,
                    const char *spec, int whole_file)
{
    memset(a, 0, sizeof *a);
    lk_error err;
    lk_status s = lk_model_load(model_path, &a->model, &err);
    if (s == LK_OK)
        s = lk_prep_load(&a->prep, a->model, &err);
    if (s == LK_OK)
        s = lk_labels_load(&a->labels, a->model, &err);
    if (s == LK_OK)
        s = lk_predictor_load(a->model, &a->pred, &err);
    if (s != LK_OK) {
        cli_applied_free(a);
        return cli_fail_err(&err);
    }
    if (lk_predictor_outputs(a->pred) != a->labels.k ||
        lk_predictor_inputs(a->pred) != a->prep.d) {
        cli_applied_free(a);
        return cli_fail("%s: the model's predictor (%zu inputs, %zu outputs) does not match its "
                        "preprocessing (%zu features) and labels (%zu classes)", model_path,
                        lk_predictor_inputs(a->pred), lk_predictor_outputs(a->pred), a->prep.d,
                        a->labels.k);
    }
    int rc = cli_run_load_with(&a->run, command, spec, &a->prep, whole_file);
    if (rc) {
        cli_applied_free(a);
        return rc;
    }
    const lk_dataset *t = &a->run.split.test;
    const lk_labels *dl = &a->run.split.labels;
    /* The data's own class indices follow its label set; translate them
     * through the original label text to the model's classes. */
    uint32_t *map = malloc((dl->k ? dl->k : 1) * sizeof *map);
    a->y = malloc((t->n ? t->n : 1) * sizeof *a->y);
    if (!map || !a->y) {
        free(map);
        cli_applied_free(a);
        return cli_fail("out of memory");
    }
    for (size_t c = 0; c < dl->k; c++) {
        map[c] = UINT32_MAX;
        for (size_t m = 0; m < a->labels.k; m++)
            if (strcmp(dl->names[c], a->labels.names[m]) == 0)
                map[c] = (uint32_t)m;
    }
    for (size_t i = 0; i < t->n; i++) {
        if (map[t->y[i]] == UINT32_MAX) {
            const char *bad = dl->names[t->y[i]];
            free(map);
            char where[64];
            snprintf(where, sizeof where, "test row %zu", i + 1);
            rc = cli_fail("%s:%s: label '%s' is not one of the model's %zu classes",
                          a->run.split.test_source ? a->run.split.test_source : "DATA", where,
                          bad, a->labels.k);
            cli_applied_free(a);
            return rc;
        }
        a->y[i] = map[t->y[i]];
    }
    free(map);
    if ((s = lk_mat_alloc(&a->scores, t->n, a->labels.k, &err)) == LK_OK)
        s = lk_predictor_scores(a->pred, &t->x, &a->scores, &err);
    if (s != LK_OK) {
        cli_applied_free(a);
        return cli_fail_err(&err);
    }
    return 0;
}
