/* scored.c — a saved model applied to the rows of a dataset. */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "learner.h"
#include "scored.h"

void cli_scored_free(cli_scored *s)
{
    lk_model_free(s->model);
    lk_labels_free(&s->classes);
    lk_mat_free(&s->scores);
    free(s->truth);
    free(s->known);
    free(s->source);
    memset(s, 0, sizeof *s);
}

/* Class of a label text in the model's map (-1 if absent).  Both maps hold
 * canonical texts (integers printed by %lld), so equal labels compare equal. */
static long class_of(const lk_labels *l, const char *text)
{
    for (size_t c = 0; c < l->k; c++)
        if (strcmp(l->names[c], text) == 0)
            return (long)c;
    return -1;
}

int cli_model_rows(const char *spec, const lk_prep *prep, lk_split *split)
{
    lk_error err;
    memset(split, 0, sizeof *split);
    /* A dataset's own test set, or a file itself (read as its own test set
     * so every row is kept, in order). */
    lk_data_options o;
    int rc = cli_data_options(&o);
    if (rc)
        return rc;
    if (!spec || !*spec)
        spec = "mnist";
    struct stat st;
    if (stat(spec, &st) == 0 && S_ISREG(st.st_mode) && !o.test_path)
        o.test_path = spec;
    gsl_rng *rng = cli_rng();
    if (!rng)
        return cli_fail("out of memory");
    lk_status s = lk_data_load(spec, &o, rng, split, &err);
    gsl_rng_free(rng);
    if (s != LK_OK)
        return cli_fail_err(&err);
    lk_dataset *d = &split->test;
    if (d->d != prep->d) {
        rc = cli_fail("%s: the model expects %zu features per sample, the data has %zu",
                      split->test_source, prep->d, d->d);
        lk_split_free(split);
        return rc;
    }
    lk_prep_apply(prep, &d->x);
    return 0;
}

int cli_score(const char *model_path, const char *spec, cli_scored *out)
{
    memset(out, 0, sizeof *out);
    lk_error err;
    lk_prep prep = { 0 };
    lk_predictor *pred = NULL;
    lk_split split = { 0 };
    int rc = 0;
    if (lk_model_load(model_path, &out->model, &err) != LK_OK ||
        lk_labels_load(out->model, &out->classes, &err) != LK_OK ||
        lk_prep_load(out->model, &prep, &err) != LK_OK ||
        lk_predictor_load(out->model, &pred, &err) != LK_OK) {
        if (err.status == LK_EUNSUPPORTED && out->model &&
            strcmp(lk_model_kind(out->model), "ae") == 0) {
            cli_err_hint(&err, "train it with 'learnkit ae --classify'");
        }
        rc = cli_fail_err(&err);
        goto done;
    }
    if (lk_predictor_outputs(pred) != out->classes.k) {
        rc = cli_fail("%s: the predictor has %zu outputs for %zu classes", model_path,
                      lk_predictor_outputs(pred), out->classes.k);
        goto done;
    }
    if ((rc = cli_model_rows(spec, &prep, &split)) != 0)
        goto done;
    lk_dataset *d = &split.test;
    out->rows = d->n;
    out->source = strdup(split.test_source);
    out->probability = lk_predictor_is_probability(pred);
    out->truth = calloc(d->n ? d->n : 1, sizeof *out->truth);
    out->known = calloc(d->n ? d->n : 1, sizeof *out->known);
    if (!out->truth || !out->known || !out->source ||
        lk_mat_alloc(&out->scores, d->n, out->classes.k, &err) != LK_OK) {
        rc = cli_fail("out of memory");
        goto done;
    }
    for (size_t i = 0; i < d->n; i++) {
        long c = class_of(&out->classes, split.labels.names[d->y[i]]);
        out->known[i] = c >= 0;
        out->truth[i] = c >= 0 ? (uint32_t)c : 0;
    }
    if (lk_predictor_scores(pred, &d->x, &out->scores, &err) != LK_OK) {
        rc = cli_fail_err(&err);
        goto done;
    }
done:
    if (rc)
        cli_scored_free(out);
    lk_predictor_free(pred);
    lk_prep_free(&prep);
    lk_split_free(&split);
    return rc;
}
