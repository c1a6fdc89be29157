/* learnkit/train.h — the protocol every iterative learner follows, GSL's
 * INITIALIZE / ITERATE / TEST, so that the caller owns the loop and decides
 * what to print:
 *
 *     lk_X_trainer *t;
 *     s = lk_X_trainer_alloc(&t, model, x, y, &cfg, rng, err);  every buffer, once
 *     do {
 *         s = lk_X_iterate(t, ..., err);        one epoch or one iteration;
 *         ...report...                          LK_ENUMERIC on a non-finite loss
 *     } while (s == LK_OK && lk_X_test(t) == LK_TRAIN_CONTINUE);
 *     lk_X_trainer_finish(t);                   where the learner keeps better
 *                                               weights aside (early stopping,
 *                                               averaging): put them in place
 *     lk_X_trainer_free(t);
 *
 * for X = net (learnkit/net.h: the MLP and backprop autoencoders), logreg
 * and perceptron.  alloc and iterate return an lk_status and fill the
 * caller's lk_error; test returns why training would stop now, LK_TRAIN_CONTINUE
 * (zero) while it goes on.  The configuration is checked by lk_X_check (a
 * sentence or NULL) before alloc, which refuses it the same way.  An iterate
 * allocates nothing. */
#ifndef LEARNKIT_TRAIN_H
#define LEARNKIT_TRAIN_H

#ifdef __cplusplus
extern "C" {
#endif

typedef enum lk_train_state {
    LK_TRAIN_CONTINUE = 0,  /* go on */
    LK_TRAIN_CONVERGED,     /* the learner's own test is met (gradient or loss
                               tolerance; no mistake left for a perceptron) */
    LK_TRAIN_NOPROGRESS,    /* a line search can make no further progress (the
                               precision of the gradient is reached) */
    LK_TRAIN_MAXITER,       /* the iteration or epoch budget is spent */
    LK_TRAIN_EARLYSTOP      /* the validation loss stopped improving (patience) */
} lk_train_state;

/* "running", "converged", "no further progress", "iteration limit",
 * "early stopping"; "unknown" out of range. */
const char *lk_train_state_name(lk_train_state s);

#ifdef __cplusplus
}
#endif
#endif
