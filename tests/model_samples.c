/* model_samples.c — a tiny trained model of every kind (see
 * model_samples.h). */
#include <stdlib.h>
#include <string.h>
#include "model_samples.h"


#define N TH_SAMPLE_ROWS
#define D TH_SAMPLE_FEATURES
#define K TH_SAMPLE_CLASSES

/* The data every sample is trained on (the rows of the th_samples being
 * made). */
static lk_mat X;
static uint32_t Y[N];
static lk_prep PREP;
static lk_labels LABELS;

static void make_data(gsl_rng *r)
{
    ck_assert_int_eq(lk_mat_alloc(&X, N, D, NULL), LK_OK);
    memset(&PREP, 0, sizeof PREP);
    for (size_t i = 0; i < N; i++) {
        Y[i] = (uint32_t)(i % K);
        for (size_t j = 0; j < D; j++)
            LK_AT(&X, i, j) = (lk_real)((j % K == Y[i]) * 0.8 + 0.35 * gsl_rng_uniform(r));
    }
    ck_assert_int_eq(lk_prep_fit(&PREP, LK_SCALE_STANDARD, LK_FORMAT_CSV, &X, NULL), LK_OK);
    static char *names[K] = { "ant", "bee", "cat" };
    LABELS.k = K;
    LABELS.names = names;
}

static void train_net(lk_net *net, const lk_mat *x, const lk_mat *t, lk_loss_kind loss,
                      gsl_rng *r)
{
    lk_net_config cfg = lk_net_config_default();
    cfg.loss = loss;
    cfg.batch = 12;
    cfg.epochs = 3;
    lk_net_trainer *tr;
    ck_assert_int_eq(lk_net_trainer_alloc(&tr, net, &cfg, x, t, r, NULL), LK_OK);
    while (lk_net_test(tr) == LK_TRAIN_CONTINUE)
        ck_assert_int_eq(lk_net_iterate(tr, NULL, NULL), LK_OK);
    lk_net_trainer_free(tr);
}

static lk_model *make_mlp(gsl_rng *r)
{
    lk_net net;
    size_t hidden[] = { 5, 4 };
    lk_act acts[] = { lk_act_default(LK_ACT_RELU), lk_act_default(LK_ACT_PRELU) };
    ck_assert_int_eq(lk_mlp_build(&net, D, 2, hidden, 2, acts, K, NULL, LK_LOSS_SOFTMAX_CE,
                                  NULL), LK_OK);
    lk_net_init(&net, LK_INIT_AUTO, r);
    lk_mat t;
    ck_assert_int_eq(lk_onehot(Y, N, K, &t, NULL), LK_OK);
    train_net(&net, &X, &t, LK_LOSS_SOFTMAX_CE, r);
    lk_model *m;
    ck_assert_int_eq(lk_mlp_save(&net, LK_LOSS_SOFTMAX_CE, &PREP, &LABELS, &m, NULL), LK_OK);
    lk_mat_free(&t);
    lk_net_free(&net);
    return m;
}

static lk_model *make_elm(lk_elm_solver solver, gsl_rng *r)
{
    lk_elm_params p = lk_elm_params_default();
    p.hidden = 6;
    p.solver = solver;
    p.act = lk_act_default(LK_ACT_TANH);
    lk_elm e;
    ck_assert_int_eq(lk_elm_fit(&e, &p, &X, Y, K, r, NULL, NULL), LK_OK);
    lk_model *m;
    ck_assert_int_eq(lk_elm_save(&e, &PREP, &LABELS, &m, NULL), LK_OK);
    lk_elm_free(&e);
    return m;
}

static lk_model *make_lsq(void)
{
    lk_lsq_params p = lk_lsq_params_default();
    lk_lsq q;
    ck_assert_int_eq(lk_lsq_fit(&q, &p, &X, Y, K, NULL, NULL), LK_OK);
    lk_model *m;
    ck_assert_int_eq(lk_lsq_save(&q, &PREP, &LABELS, &m, NULL), LK_OK);
    lk_lsq_free(&q);
    return m;
}

static lk_model *make_logreg(void)
{
    lk_logreg g;
    lk_logreg_trainer *t;
    lk_logreg_config cfg = lk_logreg_defaults();
    cfg.max_iter = 5;
    ck_assert_int_eq(lk_logreg_alloc(&g, D, K, NULL), LK_OK);
    ck_assert_int_eq(lk_logreg_trainer_alloc(&t, &g, &X, Y, &cfg, NULL, NULL), LK_OK);
    do
        ck_assert_int_eq(lk_logreg_iterate(t, NULL), LK_OK);
    while (lk_logreg_test(t) == LK_TRAIN_CONTINUE);
    lk_logreg_trainer_free(t);
    lk_model *m;
    ck_assert_int_eq(lk_logreg_save(&g, &PREP, &LABELS, &m, NULL), LK_OK);
    lk_logreg_free(&g);
    return m;
}

static lk_model *make_perceptron(size_t k, gsl_rng *r)
{
    lk_perceptron p;
    lk_perceptron_trainer *t;
    lk_perceptron_config cfg = lk_perceptron_defaults();
    cfg.epochs = 3;
    uint32_t y[N];
    for (size_t i = 0; i < N; i++)
        y[i] = Y[i] % (uint32_t)k;
    ck_assert_int_eq(lk_perceptron_alloc(&p, D, k, NULL), LK_OK);
    ck_assert_int_eq(lk_perceptron_trainer_alloc(&t, &p, &X, y, &cfg, r, NULL), LK_OK);
    do
        ck_assert_int_eq(lk_perceptron_iterate(t, NULL), LK_OK);
    while (lk_perceptron_test(t) == LK_TRAIN_CONTINUE);
    lk_perceptron_trainer_finish(t);
    lk_perceptron_trainer_free(t);
    lk_labels two = { 2, LABELS.names };
    lk_model *m;
    ck_assert_int_eq(lk_perceptron_save(&p, &PREP, k == 2 ? &two : &LABELS, &m, NULL), LK_OK);
    lk_perceptron_free(&p);
    return m;
}

/* A two-layer stack by each solver, with a softmax classifier on the last
 * codes when clf is set. */
static lk_model *make_ae(lk_ae_solver solver, int clf, gsl_rng *r)
{
    lk_ae_stack st = { .solver = solver };
    size_t h[2] = { 5, 3 };
    if (solver == LK_AE_MDA)
        h[0] = h[1] = D;
    lk_act act = lk_act_default(solver == LK_AE_MDA ? LK_ACT_TANH : LK_ACT_SIGMOID);
    lk_net_begin(&st.enc, D);
    for (size_t l = 0; l < 2; l++)
        ck_assert_int_eq(lk_net_add(&st.enc, h[l], act, NULL), LK_OK);
    ck_assert_int_eq(lk_net_finish(&st.enc, NULL), LK_OK);
    if (solver == LK_AE_BACKPROP)
        st.layers = calloc(2, sizeof *st.layers);
    lk_mat in = X, codes[2];
    for (size_t l = 0; l < 2; l++) {
        if (solver == LK_AE_BACKPROP) {
            lk_net *ae = &st.layers[l];
            lk_act dec = lk_act_default(l ? LK_ACT_IDENTITY : LK_ACT_SIGMOID);
            ck_assert_int_eq(lk_ae_build(ae, in.cols, h[l], act, dec, l == 0, NULL), LK_OK);
            lk_net_init(ae, LK_INIT_AUTO, r);
            train_net(ae, &in, &in, LK_LOSS_MSE, r);
            ck_assert_int_eq(lk_net_copy_layer(&st.enc, l, ae, 0, NULL), LK_OK);
        } else if (solver == LK_AE_ELM) {
            lk_mat beta;
            ck_assert_int_eq(lk_mat_alloc(&beta, h[l], in.cols, NULL), LK_OK);
            ck_assert_int_eq(lk_ae_elm(&in, h[l], act, 1e3, r, &beta, NULL), LK_OK);
            ck_assert_int_eq(lk_net_set_layer(&st.enc, l, &beta, NULL, NULL), LK_OK);
            lk_mat_free(&beta);
        } else {
            th_mda_layer(&st.enc, l, &in, 0.3, 1e-3);
        }
        ck_assert_int_eq(lk_mat_alloc(&codes[l], N, h[l], NULL), LK_OK);
        ck_assert_int_eq(lk_net_apply_layer(&st.enc, l, &in, NULL, &codes[l], NULL), LK_OK);
        in = codes[l];
    }
    if (clf) {
        lk_act sm = lk_act_default(LK_ACT_SOFTMAX);
        ck_assert_int_eq(lk_mlp_build(&st.clf, h[1], 0, NULL, 1, &sm, K, NULL,
                                      LK_LOSS_SOFTMAX_CE, NULL), LK_OK);
        lk_net_init(&st.clf, LK_INIT_AUTO, r);
        lk_mat t;
        ck_assert_int_eq(lk_onehot(Y, N, K, &t, NULL), LK_OK);
        train_net(&st.clf, &codes[1], &t, LK_LOSS_SOFTMAX_CE, r);
        lk_mat_free(&t);
        st.has_clf = 1;
    }
    lk_mat_free(&codes[0]);
    lk_mat_free(&codes[1]);
    lk_model *m;
    ck_assert_int_eq(lk_ae_save(&st, &PREP, &LABELS, &m, NULL), LK_OK);
    lk_ae_stack_free(&st);
    return m;
}

void th_samples_make(th_samples *s, gsl_rng *r)
{
    make_data(r);
    *s = (th_samples){ .x = X };
    s->x.owner = 0;
    struct { const char *name; lk_model *m; } all[] = {
        { "mlp", make_mlp(r) },
        { "elm svd", make_elm(LK_ELM_SVD, r) },
        { "elm ridge", make_elm(LK_ELM_RIDGE, r) },
        { "lsq", make_lsq() },
        { "logreg", make_logreg() },
        { "perceptron", make_perceptron(K, r) },
        { "perceptron 2 classes", make_perceptron(2, r) },
        { "ae backprop", make_ae(LK_AE_BACKPROP, 0, r) },
        { "ae backprop + softmax", make_ae(LK_AE_BACKPROP, 1, r) },
        { "ae elm", make_ae(LK_AE_ELM, 0, r) },
        { "ae elm + softmax", make_ae(LK_AE_ELM, 1, r) },
        { "ae mda", make_ae(LK_AE_MDA, 0, r) },
        { "ae mda + softmax", make_ae(LK_AE_MDA, 1, r) },
    };
    for (size_t k = 0; k < sizeof all / sizeof *all; k++) {
        s->name[k] = all[k].name;
        s->model[k] = all[k].m;
    }
    s->n = sizeof all / sizeof *all;
}

void th_samples_free(th_samples *s)
{
    for (size_t k = 0; k < s->n; k++)
        lk_model_free(s->model[k]);
    lk_prep_free(&PREP);
    lk_mat_free(&X);
    memset(s, 0, sizeof *s);
}
