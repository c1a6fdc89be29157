/* loaders.h — every learner's loader run on one model, for the mutation
 * test and the model fuzzer (each loader reads only its own kind).  Header
 * only: the fuzzer links no test helper. */
#ifndef LEARNKIT_TESTS_LOADERS_H
#define LEARNKIT_TESTS_LOADERS_H

#include <learnkit.h>

#define TH_LOADERS 6

/* Run loader k (0 <= k < TH_LOADERS) on m and free what it loaded;
 * returns its status, err filled on failure. */
static inline lk_status th_load_one(int k, const lk_model *m, lk_error *err)
{
    union {
        lk_elm elm;
        lk_lsq lsq;
        lk_logreg logreg;
        lk_perceptron perceptron;
        lk_net mlp;
        lk_ae_stack ae;
    } x;
    lk_status s = LK_EINVAL;
    switch (k) {
    case 0: if ((s = lk_elm_load(m, &x.elm, err)) == LK_OK) lk_elm_free(&x.elm); break;
    case 1: if ((s = lk_lsq_load(m, &x.lsq, err)) == LK_OK) lk_lsq_free(&x.lsq); break;
    case 2: if ((s = lk_logreg_load(m, &x.logreg, err)) == LK_OK) lk_logreg_free(&x.logreg); break;
    case 3:
        if ((s = lk_perceptron_load(m, &x.perceptron, err)) == LK_OK)
            lk_perceptron_free(&x.perceptron);
        break;
    case 4: if ((s = lk_mlp_load(m, &x.mlp, NULL, err)) == LK_OK) lk_net_free(&x.mlp); break;
    case 5: if ((s = lk_ae_load(m, &x.ae, err)) == LK_OK) lk_ae_stack_free(&x.ae); break;
    }
    return s;
}

#endif
