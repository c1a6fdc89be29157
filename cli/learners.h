/* learners.h — the cli_learner of each training command. */
#ifndef LEARNKIT_CLI_LEARNERS_H
#define LEARNKIT_CLI_LEARNERS_H
#include "learner.h"
extern const cli_learner CLI_LEARNER_AE;
#endif
