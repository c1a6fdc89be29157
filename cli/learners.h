/* learners.h — the training commands, each a cli_learner (see learner.h),
 * defined in its cmd_NAME.c and used by that command and by compare. */
#ifndef LEARNKIT_CLI_LEARNERS_H
#define LEARNKIT_CLI_LEARNERS_H

#include "learner.h"

extern const cli_learner CLI_LEARNER_ELM;        /* extreme learning machine (closed-form) */
extern const cli_learner CLI_LEARNER_LSQ;        /* least-squares classifier (closed-form) */
extern const cli_learner CLI_LEARNER_MLP;        /* multilayer perceptron, backprop (iterative) */
extern const cli_learner CLI_LEARNER_LOGREG;     /* softmax regression (iterative) */
extern const cli_learner CLI_LEARNER_PERCEPTRON; /* multiclass perceptron (iterative) */
extern const cli_learner CLI_LEARNER_AE;         /* autoencoders (+ softmax with classify) */

#endif
