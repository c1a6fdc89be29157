/* model_samples.h — a tiny trained model of every kind learnkit saves, for
 * tests that take saved models apart: mlp (ReLU and PReLU layers), elm by
 * both solvers, lsq, logreg, perceptron of 3 and 2 classes, and
 * autoencoder stacks by backprop, ELM and mDA, each with and without a
 * softmax classifier.  Each holds its preprocessing and label map. */
#ifndef LEARNKIT_TESTS_MODEL_SAMPLES_H
#define LEARNKIT_TESTS_MODEL_SAMPLES_H

#include "testhelp.h"

#define TH_SAMPLE_ROWS 36
#define TH_SAMPLE_FEATURES 4
#define TH_SAMPLE_CLASSES 3

typedef struct th_samples {
    lk_mat x;               /* the rows they were trained on (a view) */
    size_t n;
    const char *name[16];
    lk_model *model[16];
} th_samples;

/* Train every sample from r (Check assertions on any failure). */
void th_samples_make(th_samples *s, gsl_rng *r);
void th_samples_free(th_samples *s);

#endif
