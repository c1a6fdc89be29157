/* train.c — the states of the iterative learners' protocol (learnkit/train.h). */
#include <learnkit/train.h>

const char *lk_train_state_name(lk_train_state s)
{
    switch (s) {
    case LK_TRAIN_CONTINUE: return "running";
    case LK_TRAIN_CONVERGED: return "converged";
    case LK_TRAIN_NOPROGRESS: return "no further progress";
    case LK_TRAIN_MAXITER: return "iteration limit";
    case LK_TRAIN_EARLYSTOP: return "early stopping";
    }
    return "unknown";
}
