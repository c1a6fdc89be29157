/* learnkit.h — neural learners trained by backpropagation beside their
 * closed-form alternatives.  Include this for the whole public API, or the
 * module headers under learnkit/ one by one.
 *
 * Conventions shared by every module:
 *  - lk_real (learnkit/real.h) is float, or double in a --enable-double build;
 *  - matrices are row-major lk_mat blocks handed straight to BLAS;
 *  - fallible functions return lk_status and fill an optional lk_error;
 *  - every random draw takes a gsl_rng * from the caller: same seed, same bytes;
 *  - nothing in the library prints, exits or aborts. */
#ifndef LEARNKIT_H
#define LEARNKIT_H

#include <learnkit/real.h>
#include <learnkit/error.h>
#include <learnkit/mat.h>
#include <learnkit/blas.h>
#include <learnkit/activation.h>
#include <learnkit/loss.h>
#include <learnkit/optim.h>
#include <learnkit/dense.h>
#include <learnkit/model.h>
#include <learnkit/predictor.h>
#include <learnkit/io.h>
#include <learnkit/names.h>
#include <learnkit/train.h>
#include <learnkit/data.h>
#include <learnkit/fetch.h>
#include <learnkit/net.h>
#include <learnkit/mlp.h>
#include <learnkit/ae.h>
#include <learnkit/ae_codes.h>
#include <learnkit/ae_stack.h>
#include <learnkit/ridge.h>
#include <learnkit/pinv.h>
#include <learnkit/elm.h>
#include <learnkit/lsq.h>
#include <learnkit/logreg.h>
#include <learnkit/perceptron.h>
#include <learnkit/comm.h>

#endif
