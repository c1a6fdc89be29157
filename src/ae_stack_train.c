/* ae_stack_train.c — training a stack of autoencoders one step at a time
 * (the protocol of learnkit/train.h), and the one-call fit over it.
 *
 * Each iterate is one step of the greedy loop: a backprop epoch of the
 * current layer (the first one builds and initializes its autoencoder), a
 * closed-form solve, the test reconstruction error of layer 0, the
 * encoding of the training rows or of the test rows by the new layer (the
 * next layer's inputs, or the classifier's), or an iteration of the
 * classifier.  The random draws come in the order of the plain loop.
 *
 * Streamed (data.blocks), no codes are kept: layer l reads the rows
 * encoded on the fly by layers 0..l-1 (codes_next), so the encoding steps
 * are skipped and each solve is one pass over the source; the classifier
 * reads the rows encoded by every layer, one pass per evaluation, and its
 * accuracies are one pass over the training and the test rows. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <learnkit/ae_stack.h>
#include <learnkit/rows.h>

typedef enum phase { TRAIN, TEST, ENCODE_TRAIN, ENCODE_TEST, CLASSIFY, DONE } phase;

/* A block source through the trained layers below t->l: the rows of in,
 * encoded as each block arrives into t->cb. */
typedef struct coded {
    struct lk_ae_stack_trainer *t;
    const lk_blocks *in;
    size_t rows;                /* rows of the last pass */
} coded;

struct lk_ae_stack_trainer {
    lk_ae_stack_config cfg;     /* a copy: the corruption hook points at its noise */
    lk_ae_stack_data data;
    gsl_rng *rng;
    lk_ae_stack st;
    lk_ae_stack_result res;
    phase ph;
    size_t l;                   /* the layer being trained or encoded */
    lk_mat x, xt;               /* its inputs (views), training and test */
    lk_mat cx[2], ct[2];        /* codes, alternately the inputs and the outputs */
    lk_net ae;                  /* backprop: the autoencoder being trained */
    lk_net_trainer *ntr;
    lk_logreg m;                /* the classifier being trained */
    lk_logreg_trainer *ltr;
    lk_mat scores;
    int has_test;               /* some rank has test rows: every rank takes the test step */
    int failed;
    /* Streamed: data.blocks and data.test_blocks through the trained
     * layers below t->l. */
    coded ctr, cte;
    lk_blocks src, test_src;
    lk_mat cb[2];               /* one block's codes, alternately (max_rows x widest) */
    /* In memory, the classifier's rows (the last codes) as one block each. */
    lk_mat_blocks mtr, mte;
    lk_blocks mem_tr, mem_te;
};

/* Sum of squared differences. */
static double sse(const lk_mat *a, const lk_mat *b)
{
    double s = 0;
    for (size_t i = 0; i < a->rows; i++)
        for (size_t j = 0; j < a->cols; j++) {
            double e = (double)LK_AT(a, i, j) - (double)LK_AT(b, i, j);
            s += e * e;
        }
    return s;
}

/* The next block of c->in, encoded by layers 0..t->l-1 into t->cb; its
 * classes are the block's. */
static lk_status codes_next(void *ctx, lk_block *b, lk_error *err)
{
    coded *c = ctx;
    lk_ae_stack_trainer *t = c->t;
    lk_status s = c->in->next(c->in->ctx, b, err);
    if (s != LK_OK || b->n == 0)
        return s;
    c->rows += b->n;
    for (size_t l = 0; l < t->l && s == LK_OK; l++) {
        size_t w = t->st.enc.layers[l].out;
        lk_mat out = lk_mat_view(t->cb[l % 2].data, b->n, w, w);
        s = lk_net_apply_layer(&t->st.enc, l, &b->x, NULL, &out, err);
        b->x = out;
    }
    return s;
}

static lk_status codes_rewind(void *ctx, lk_error *err)
{
    coded *c = ctx;
    c->rows = 0;
    return c->in->rewind(c->in->ctx, err);
}

/* The current layer's inputs as a block source: the codes in memory (one
 * block, in mb and mem), or the streamed rows encoded on the fly. */
static const lk_blocks *layer_source(lk_ae_stack_trainer *t, lk_mat_blocks *mb, lk_blocks *mem)
{
    if (!t->data.blocks) {
        *mem = lk_blocks_of_mat(mb, &t->x, NULL, t->x.rows);
        return mem;
    }
    t->src.d = t->l ? t->st.enc.layers[t->l - 1].out : t->data.blocks->d;
    return &t->src;
}

/* Rows the current layer was trained on (streamed: by the last pass). */
static size_t layer_rows(const lk_ae_stack_trainer *t)
{
    return t->data.blocks ? t->ctr.rows : t->x.rows;
}

/* The classifier's rows, the last codes with their classes, training
 * (test = 0) or test rows: the codes in memory as one block, or the
 * streamed rows encoded by every layer as they arrive; NULL when there
 * are no test rows here.  Called once the whole stack is trained. */
static const lk_blocks *clf_source(lk_ae_stack_trainer *t, int test)
{
    size_t w = t->st.enc.layers[t->cfg.n_layers - 1].out;
    if (t->data.blocks) {
        lk_blocks *b = test ? &t->test_src : &t->src;
        if (test && !t->data.test_blocks)
            return NULL;
        b->d = w;
        return b;
    }
    const lk_mat *x = test ? &t->xt : &t->x;
    if (test && x->rows == 0)
        return NULL;
    lk_blocks *b = test ? &t->mem_te : &t->mem_tr;
    *b = lk_blocks_of_mat(test ? &t->mte : &t->mtr, x, test ? t->data.yt : t->data.y,
                          x->rows ? x->rows : 1);
    return b;
}

/* Streamed, the work of encoding those rows by the layers below (in
 * memory the ENCODE steps count it, once). */
static double encode_gflop(const lk_ae_stack_trainer *t)
{
    double w = 0;
    for (size_t l = 0; t->data.blocks && l < t->l; l++)
        w += (double)t->st.enc.layers[l].in * (double)t->st.enc.layers[l].out;
    return 2e-9 * (double)layer_rows(t) * w;
}

/* Floating-point work of one training epoch of net on n rows: forward,
 * back and weight gradient, a multiply and an add each. */
static double epoch_gflop(const lk_net *net, size_t n)
{
    double w = 0;
    for (size_t l = 0; l < net->n_layers; l++)
        w += (double)net->layers[l].in * (double)net->layers[l].out;
    return 6.0 * (double)n * w / 1e9;
}

/* What follows the training of layer t->l: its test error (layer 0 of
 * backprop and mda, with test rows), the codes, the classifier, or the end. */
static phase after_train(const lk_ae_stack_trainer *t)
{
    if (t->l == 0 && t->has_test && t->cfg.solver != LK_AE_ELM)
        return TEST;
    return t->l + 1 == t->cfg.n_layers && !t->cfg.classify ? DONE : ENCODE_TRAIN;
}

static phase after_test(const lk_ae_stack_trainer *t)
{
    return t->l + 1 == t->cfg.n_layers && !t->cfg.classify ? DONE : ENCODE_TRAIN;
}

/* One backprop epoch of layer l (the first builds the autoencoder); after
 * the last, its encoder goes into the stack, and the whole autoencoder too. */
static lk_status step_backprop(lk_ae_stack_trainer *t, lk_ae_progress *p, lk_error *err)
{
    const lk_ae_stack_config *c = &t->cfg;
    lk_status s;
    if (!t->ntr) {
        if ((s = lk_ae_build(&t->ae, t->x.cols, c->hidden[t->l], c->act, c->act, c->tied,
                             err)) != LK_OK)
            return s;
        lk_net_init(&t->ae, LK_INIT_AUTO, t->rng);
        if ((c->sparsity > 0 || c->contractive > 0) &&
            (s = lk_net_set_penalty(&t->ae, 0, c->sparsity, c->sparsity > 0 ? c->sparsity_weight : 0,
                                    c->contractive, err)) != LK_OK)
            return s;
        lk_net_config cfg = c->train;
        cfg.skip_errors = 1;
        cfg.corrupt = NULL;
        cfg.corrupt_ctx = NULL;
        if (c->noise.kind != LK_AE_NOISE_NONE) {
            cfg.corrupt = lk_ae_corrupt;
            cfg.corrupt_ctx = &t->cfg.noise;
        }
        if ((s = lk_net_trainer_alloc(&t->ntr, &t->ae, &cfg, &t->x, &t->x, t->rng, err)) != LK_OK)
            return s;
    }
    lk_net_epoch_stats es;
    if ((s = lk_net_iterate(t->ntr, &es, err)) != LK_OK)
        return s;
    *p = (lk_ae_progress){ .step = LK_AE_STEP_EPOCH, .layer = t->l, .epoch = es.epoch,
                           .epochs = c->train.epochs, .loss = es.loss,
                           .gflop = epoch_gflop(&t->ae, t->x.rows) };
    if (lk_net_test(t->ntr) == LK_TRAIN_CONTINUE)
        return LK_OK;
    lk_net_trainer_free(t->ntr);
    t->ntr = NULL;
    if ((s = lk_net_copy_layer(&t->st.enc, t->l, &t->ae, 0, err)) != LK_OK)
        return s;
    t->st.layers[t->l] = t->ae;     /* the stack keeps the whole autoencoder (its decoder) */
    t->ae = (lk_net){ 0 };
    t->ph = after_train(t);
    return LK_OK;
}

/* ELM autoencoder layer: the encoder is f(beta x). */
static lk_status step_elm(lk_ae_stack_trainer *t, lk_ae_progress *p, lk_error *err)
{
    const lk_ae_stack_config *c = &t->cfg;
    size_t h = c->hidden[t->l];
    lk_mat_blocks mb;
    lk_blocks mem;
    const lk_blocks *in = layer_source(t, &mb, &mem);
    lk_mat beta = { 0 };
    /* Every rank reaches the fit's reduction, or none does. */
    lk_status s = lk_comm_agree(c->comm, lk_mat_alloc(&beta, h, in->d, err), err);
    if (s == LK_OK && (s = lk_ae_elm_blocks(in, h, c->act, c->C, t->rng, c->comm, &beta,
                                            err)) == LK_OK &&
        (s = lk_net_set_layer(&t->st.enc, t->l, &beta, NULL, err)) == LK_OK) {
        *p = (lk_ae_progress){ .step = LK_AE_STEP_SOLVE, .layer = t->l,
                               .gflop = 1e-9 * lk_ae_elm_flops(layer_rows(t), in->d, h) +
                                        encode_gflop(t) };
        t->ph = after_train(t);
    }
    lk_mat_free(&beta);
    return s;
}

/* mDA layer: the encoder is tanh(W [x; 1]), as wide as x. */
static lk_status step_mda(lk_ae_stack_trainer *t, lk_ae_progress *p, lk_error *err)
{
    const lk_ae_stack_config *c = &t->cfg;
    lk_mat_blocks mb;
    lk_blocks mem;
    const lk_blocks *in = layer_source(t, &mb, &mem);
    size_t d = in->d;
    double q = c->noise.kind == LK_AE_NOISE_MASK ? c->noise.level : 0;
    lk_matd w = { 0 };
    lk_status s = lk_comm_agree(c->comm, lk_matd_alloc(&w, d, d + 1, err), err);
    if (s == LK_OK && (s = lk_ae_mda_blocks(in, q, c->mda_reg, c->comm, &w, err)) == LK_OK &&
        (s = lk_ae_mda_layer(&t->st.enc, t->l, &w, err)) == LK_OK) {
        *p = (lk_ae_progress){ .step = LK_AE_STEP_SOLVE, .layer = t->l,
                               .gflop = 1e-9 * lk_ae_mda_flops(layer_rows(t), d) +
                                        encode_gflop(t) };
        t->ph = after_train(t);
    }
    lk_matd_free(&w);
    return s;
}

/* Layer 0's reconstruction of the test rows: the autoencoder's output
 * (backprop), or W [x; 1] (mda: the layer's pre-activation); one pass over
 * them (in memory one block), the MSE a ratio of sums over the ranks. */
static lk_status step_test(lk_ae_stack_trainer *t, lk_ae_progress *p, lk_error *err)
{
    lk_mat rec = { 0 }, codes = { 0 };
    lk_net_work ev = { 0 };
    lk_mat_blocks mb;
    lk_blocks mem;
    const lk_blocks *src = t->data.test_blocks;
    if (!src) {
        mem = lk_blocks_of_mat(&mb, &t->xt, NULL, t->xt.rows);
        src = &mem;
    }
    int bp = t->cfg.solver == LK_AE_BACKPROP;
    double sum[2] = { 0, 0 };     /* squared errors, values */
    /* A rank without test rows still takes part in the sums. */
    size_t rows = src->max_rows ? src->max_rows : 1;
    lk_status s = lk_mat_alloc(&rec, rows, src->d, err);
    if (s == LK_OK)
        s = bp ? lk_net_work_alloc(&ev, &t->st.layers[0], 500, err)
               : lk_mat_alloc(&codes, rows, src->d, err);
    if (s == LK_OK)
        s = src->rewind(src->ctx, err);
    while (s == LK_OK) {
        lk_block b;
        if ((s = src->next(src->ctx, &b, err)) != LK_OK || b.n == 0)
            break;
        lk_mat rb = lk_mat_rows(&rec, 0, b.n);
        if (bp) {
            lk_net_predict(&t->st.layers[0], &ev, &b.x, &rb);
        } else {
            lk_mat cb = lk_mat_rows(&codes, 0, b.n);
            if ((s = lk_net_apply_layer(&t->st.enc, 0, &b.x, &rb, &cb, err)) != LK_OK)
                break;
        }
        sum[0] += sse(&rb, &b.x);
        sum[1] += (double)b.n * (double)b.x.cols;
    }
    if ((s = lk_comm_agree(t->cfg.comm, s, err)) == LK_OK &&
        (s = lk_comm_sum(t->cfg.comm, sum, 2, err)) == LK_OK) {
        t->res.test_mse = sum[1] > 0 ? sum[0] / sum[1] : NAN;
        *p = (lk_ae_progress){ .step = LK_AE_STEP_TEST };
        t->ph = after_test(t);
    }
    lk_net_work_free(&ev);
    lk_mat_free(&rec);
    lk_mat_free(&codes);
    return s;
}

/* Codes of layer l for the rows of x, into *out (allocated here). */
static lk_status encode_rows(const lk_ae_stack *st, size_t l, const lk_mat *x, lk_mat *out,
                             lk_error *err)
{
    size_t width = st->enc.layers[l].out;
    lk_mat_free(out);
    /* Not zeroed: lk_net_apply_layer writes every value. */
    lk_status s = lk_mat_alloc_uninit(out, x->rows ? x->rows : 1, width, err);
    if (s != LK_OK)
        return s;
    out->rows = x->rows;
    return x->rows ? lk_net_apply_layer(&st->enc, l, x, NULL, out, err) : LK_OK;
}

/* The training rows' codes (the next layer's inputs, work that counts as
 * training), or the test rows' (then the codes become the inputs). */
static lk_status step_encode(lk_ae_stack_trainer *t, lk_ae_progress *p, lk_error *err)
{
    size_t l = t->l, k = l % 2;
    int last = l + 1 == t->cfg.n_layers, test = t->ph == ENCODE_TEST;
    lk_status s = encode_rows(&t->st, l, test ? &t->xt : &t->x, test ? &t->ct[k] : &t->cx[k],
                              err);
    if (s != LK_OK)
        return s;
    *p = (lk_ae_progress){ .step = LK_AE_STEP_ENCODE, .layer = l, .test_rows = test,
                           .last = last };
    if (!test) {
        if (!last)
            p->gflop = 2e-9 * (double)t->x.rows * (double)t->x.cols *
                       (double)t->st.enc.layers[l].out;
        t->ph = ENCODE_TEST;
        return LK_OK;
    }
    t->x = t->cx[k];
    t->xt = t->ct[k];
    t->l++;
    t->ph = last ? CLASSIFY : TRAIN;
    return LK_OK;
}

/* Fraction of the rows of src (NULL: none here) the logistic regression
 * classifies right, over every rank's rows (a ratio of sums, as the test
 * MSE; NAN without rows anywhere): one pass, each block's scores into
 * t->scores.  Every rank takes part, with rows or without. */
static lk_status clf_accuracy(lk_ae_stack_trainer *t, const lk_blocks *src, const char *what,
                              double *acc, lk_error *err)
{
    uint64_t c[2] = { 0, 0 };       /* right, rows */
    lk_status s = src ? src->rewind(src->ctx, err) : LK_OK;
    while (s == LK_OK && src) {
        lk_block b;
        if ((s = src->next(src->ctx, &b, err)) != LK_OK || b.n == 0)
            break;
        if (!b.y) {
            s = lk_error_set(err, LK_EINVAL, "ae", NULL, "the %s rows come without classes",
                             what);
            break;
        }
        lk_mat sc = lk_mat_rows(&t->scores, 0, b.n);
        if ((s = lk_logreg_proba(&t->m, &b.x, &sc, err)) != LK_OK)
            break;
        for (size_t i = 0; i < b.n; i++)
            c[0] += lk_argmax(lk_mat_row(&sc, i), sc.cols) == b.y[i];
        c[1] += b.n;
    }
    if ((s = lk_comm_agree(t->cfg.comm, s, err)) == LK_OK &&
        (s = lk_comm_sum_u64(t->cfg.comm, c, 2, err)) == LK_OK)
        *acc = c[1] ? (double)c[0] / (double)c[1] : NAN;
    return s;
}

/* The softmax classifier on the codes is the logreg learner's multinomial
 * logistic regression, run until its own convergence test stops it (the
 * cap only guards against a problem that never settles): the problem is
 * convex, so its accuracy measures the codes, not how far a budget of
 * epochs got.  Measured on MNIST, ELM-AE codes: Adam for 10 epochs 93.5%,
 * L-BFGS to convergence 94.5%.  It trains on a block source (clf_source),
 * one pass per evaluation of its objective: in memory the kept codes as
 * one block, streamed the rows encoded by the whole stack at every pass,
 * so no codes are held; the same 4096-row chunks either way. */
static lk_status step_classify(lk_ae_stack_trainer *t, lk_ae_progress *p, lk_error *err)
{
    lk_status s;
    if (!t->ltr) {
        const lk_blocks *tr = clf_source(t, 0), *te = clf_source(t, 1);
        size_t k = t->data.n_classes, rows = tr->max_rows;
        if (te && te->max_rows > rows)
            rows = te->max_rows;
        /* Every rank reaches the trainer's agreements, or none does. */
        if ((s = lk_logreg_alloc(&t->m, tr->d, k, err)) == LK_OK)
            s = lk_mat_alloc_uninit(&t->scores, rows, k, err);
        if ((s = lk_comm_agree(t->cfg.comm, s, err)) != LK_OK ||
            (s = lk_logreg_trainer_alloc_blocks(&t->ltr, &t->m, tr, &t->cfg.clf, err)) != LK_OK)
            return s;
    }
    if ((s = lk_logreg_iterate(t->ltr, err)) != LK_OK)
        return s;
    *p = (lk_ae_progress){ .step = LK_AE_STEP_CLASSIFY, .epoch = lk_logreg_iterations(t->ltr),
                           .epochs = t->cfg.clf.max_iter, .loss = lk_logreg_loss(t->ltr) };
    if (lk_logreg_test(t->ltr) == LK_TRAIN_CONTINUE)
        return LK_OK;
    t->res.clf_iterations = lk_logreg_iterations(t->ltr);
    t->res.clf_stop = lk_logreg_test(t->ltr);
    if ((s = clf_accuracy(t, clf_source(t, 0), "training", &t->res.train_accuracy, err)) !=
            LK_OK ||
        (s = clf_accuracy(t, clf_source(t, 1), "test", &t->res.test_accuracy, err)) != LK_OK ||
        (s = lk_ae_logreg_layer(&t->m, &t->st.clf, err)) != LK_OK)
        return s;
    t->st.has_clf = 1;
    t->ph = DONE;
    return LK_OK;
}

/* The stack's encoder network planned (widths and activations), its
 * weights set layer by layer as they are trained. */
static lk_status plan_stack(lk_ae_stack *st, const lk_ae_stack_config *c, size_t d,
                            lk_error *err)
{
    int mda = c->solver == LK_AE_MDA;
    lk_status s = LK_OK;
    *st = (lk_ae_stack){ .solver = c->solver };
    lk_net_begin(&st->enc, d);
    for (size_t l = 0; l < c->n_layers && s == LK_OK; l++)
        s = lk_net_add(&st->enc, mda ? d : c->hidden[l], mda ? lk_act_default(LK_ACT_TANH) : c->act,
                       err);
    if (s == LK_OK)
        s = lk_net_finish(&st->enc, err);
    if (s == LK_OK && c->solver == LK_AE_BACKPROP &&
        !(st->layers = calloc(c->n_layers, sizeof *st->layers)))
        s = lk_error_set(err, LK_ENOMEM, "ae", NULL, "out of memory");
    return s;
}

/* Rows in blocks: for the closed-form layers, which sum over the rows in
 * one pass each, and the classifier, one pass per evaluation (the classes
 * come with the blocks). */
static lk_status check_blocks(const lk_ae_stack_config *c, const lk_ae_stack_data *data,
                              lk_error *err)
{
    const lk_blocks *b = data->blocks, *bt = data->test_blocks;
    if (data->x || data->xt)
        return lk_error_set(err, LK_EINVAL, "ae", NULL,
                            "the rows come in a matrix or in blocks, not both");
    if (c->solver == LK_AE_BACKPROP)
        return lk_error_set(err, LK_EUNSUPPORTED, "ae", NULL,
                            "backprop trains by epochs over shuffled rows held in memory: only "
                            "the elm and mda solvers take the rows in blocks");
    if (c->classify && data->n_classes < 2)
        return lk_error_set(err, LK_EINVAL, "ae", NULL,
                            "a classifier needs the classes of the rows (at least 2)");
    if (b->d == 0 || b->max_rows == 0)
        return lk_error_set(err, LK_EINVAL, "ae", NULL, "a block source without columns or rows");
    if (bt && (bt->d != b->d || bt->max_rows == 0))
        return lk_error_set(err, LK_EINVAL, "ae", NULL,
                            "the test rows have %zu values, the training rows %zu", bt->d, b->d);
    return LK_OK;
}

static lk_status check_data(const lk_ae_stack_config *c, const lk_ae_stack_data *data,
                            lk_error *err)
{
    if (data->blocks)
        return check_blocks(c, data, err);
    const lk_mat *x = data->x, *xt = data->xt;
    if (!x || x->rows == 0 || x->cols == 0)
        return lk_error_set(err, LK_EINVAL, "ae", NULL, "no training rows");
    if (xt && xt->rows && xt->cols != x->cols)
        return lk_error_set(err, LK_EINVAL, "ae", NULL,
                            "the test rows have %zu values, the training rows %zu", xt->cols,
                            x->cols);
    if (c->classify && (!data->y || data->n_classes < 2 || (xt && xt->rows && !data->yt)))
        return lk_error_set(err, LK_EINVAL, "ae", NULL,
                            "a classifier needs the classes of the rows (at least 2)");
    return LK_OK;
}

void lk_ae_stack_trainer_free(lk_ae_stack_trainer *t)
{
    if (!t)
        return;
    for (int i = 0; i < 2; i++) {
        lk_mat_free(&t->cx[i]);
        lk_mat_free(&t->ct[i]);
        lk_mat_free(&t->cb[i]);
    }
    lk_net_trainer_free(t->ntr);
    lk_net_free(&t->ae);
    lk_logreg_trainer_free(t->ltr);
    lk_logreg_free(&t->m);
    lk_mat_free(&t->scores);
    lk_ae_stack_free(&t->st);
    free(t);
}

lk_status lk_ae_stack_trainer_alloc(lk_ae_stack_trainer **out, const lk_ae_stack_config *cfg,
                                    const lk_ae_stack_data *data, gsl_rng *rng, lk_error *err)
{
    *out = NULL;
    const char *why = lk_ae_stack_check(cfg);
    if (why)
        return lk_error_set(err, LK_EINVAL, "ae", NULL, "%s", why);
    lk_status s = check_data(cfg, data, err);
    if (s != LK_OK)
        return s;
    lk_ae_stack_trainer *t = calloc(1, sizeof *t);
    if (!t)
        return lk_error_set(err, LK_ENOMEM, "ae", NULL, "out of memory");
    *t = (lk_ae_stack_trainer){ .cfg = *cfg, .data = *data, .rng = rng, .ph = TRAIN };
    /* One world for every part of the fit. */
    t->cfg.train.comm = cfg->comm;
    t->cfg.clf.comm = cfg->comm;
    t->res = (lk_ae_stack_result){ .test_mse = NAN, .train_accuracy = NAN,
                                   .test_accuracy = NAN };
    if (data->x)
        t->x = *data->x;
    if (data->xt)
        t->xt = *data->xt;
    /* Whether there is a test step is the world's answer, so a rank
     * without test rows cannot leave the others waiting in its sums. */
    uint64_t test_rows = data->test_blocks ? 1 : t->xt.rows;
    s = lk_comm_sum_u64(cfg->comm, &test_rows, 1, err);
    t->has_test = test_rows > 0;
    const lk_blocks *b = data->blocks;
    if (s == LK_OK &&
        (s = plan_stack(&t->st, cfg, b ? b->d : t->x.cols, err)) == LK_OK && b) {
        const lk_blocks *bt = data->test_blocks;
        t->ctr = (coded){ t, b, 0 };
        t->cte = (coded){ t, bt, 0 };
        t->src = (lk_blocks){ codes_next, codes_rewind, &t->ctr, b->d, b->max_rows };
        if (bt)
            t->test_src = (lk_blocks){ codes_next, codes_rewind, &t->cte, bt->d, bt->max_rows };
        /* The codes of one block, for a layer above the first or for the
         * classifier: allocated once, as long as the longest block and as
         * wide as the widest layer that feeds a layer or the classifier. */
        size_t wide = 0, rows = bt && bt->max_rows > b->max_rows ? bt->max_rows : b->max_rows;
        size_t feeding = cfg->classify ? cfg->n_layers : cfg->n_layers - 1;
        for (size_t l = 0; l < feeding; l++)
            wide = t->st.enc.layers[l].out > wide ? t->st.enc.layers[l].out : wide;
        for (int i = 0; i < 2 && wide && s == LK_OK; i++)
            s = lk_mat_alloc_uninit(&t->cb[i], rows, wide, err);
    }
    if (s != LK_OK) {
        lk_ae_stack_trainer_free(t);
        return s;
    }
    *out = t;
    return LK_OK;
}

lk_status lk_ae_stack_iterate(lk_ae_stack_trainer *t, lk_ae_progress *p, lk_error *err)
{
    lk_ae_progress none;
    if (!p)
        p = &none;
    if (t->failed || t->ph == DONE)
        return lk_error_set(err, LK_EINVAL, "ae", NULL, "training has %s",
                            t->failed ? "failed" : "finished");
    lk_status s = LK_OK;
    switch (t->ph) {
    case TRAIN:
        s = t->cfg.solver == LK_AE_BACKPROP ? step_backprop(t, p, err)
            : t->cfg.solver == LK_AE_ELM    ? step_elm(t, p, err)
                                            : step_mda(t, p, err);
        break;
    case TEST: s = step_test(t, p, err); break;
    case ENCODE_TRAIN:
    case ENCODE_TEST: s = step_encode(t, p, err); break;
    case CLASSIFY: s = step_classify(t, p, err); break;
    case DONE: break;
    }
    /* Streamed, there are no codes to keep: the next layer, or after the
     * last the classifier, reads the rows encoded on the fly. */
    if (s == LK_OK && t->data.blocks && t->ph == ENCODE_TRAIN) {
        t->l++;
        t->ph = t->l == t->cfg.n_layers ? CLASSIFY : TRAIN;
    }
    t->failed = s != LK_OK;
    return s;
}

lk_train_state lk_ae_stack_test(const lk_ae_stack_trainer *t)
{
    if (t->failed)
        return LK_TRAIN_NOPROGRESS;
    return t->ph == DONE ? LK_TRAIN_CONVERGED : LK_TRAIN_CONTINUE;
}

lk_status lk_ae_stack_trainer_finish(lk_ae_stack_trainer *t, lk_ae_stack *st,
                                     lk_ae_stack_result *res, lk_error *err)
{
    if (t->ph != DONE || t->failed)
        return lk_error_set(err, LK_EINVAL, "ae", NULL, "the stack is not trained yet");
    *st = t->st;
    t->st = (lk_ae_stack){ 0 };
    if (res)
        *res = t->res;
    return LK_OK;
}

lk_status lk_ae_stack_fit(const lk_ae_stack_config *cfg, const lk_ae_stack_data *data,
                          gsl_rng *rng, lk_ae_stack_callback cb, void *ctx, lk_ae_stack *st,
                          lk_ae_stack_result *res, lk_error *err)
{
    *st = (lk_ae_stack){ 0 };
    *res = (lk_ae_stack_result){ .test_mse = NAN, .train_accuracy = NAN,
                                 .test_accuracy = NAN };
    lk_ae_stack_trainer *t;
    lk_status s = lk_ae_stack_trainer_alloc(&t, cfg, data, rng, err);
    while (s == LK_OK && lk_ae_stack_test(t) == LK_TRAIN_CONTINUE) {
        lk_ae_progress p;
        if ((s = lk_ae_stack_iterate(t, &p, err)) == LK_OK && cb && cb(&p, ctx) != 0)
            s = lk_error_set(err, LK_EINVAL, "ae", NULL, "stopped by the caller");
    }
    if (s == LK_OK)
        s = lk_ae_stack_trainer_finish(t, st, res, err);
    lk_ae_stack_trainer_free(t);
    return s;
}
