/* ae_stack.c — a stack of autoencoders trained greedily: its configuration
 * and the conversions of closed-form solutions and of the classifier into
 * layers.  The training loop is in ae_stack_train.c. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <learnkit/ae_stack.h>
#include <learnkit/mlp.h>
#include <learnkit/blas.h>

lk_ae_stack_config lk_ae_stack_defaults(void)
{
    lk_ae_stack_config c = { .solver = LK_AE_BACKPROP, .n_layers = 1, .hidden = { 500 },
                             .act = lk_act_default(LK_ACT_SIGMOID), .C = 1e3,
                             .mda_reg = LK_AE_MDA_REG, .clf = lk_logreg_defaults() };
    c.train = lk_net_config_default();
    c.train.loss = LK_LOSS_MSE;
    c.clf.max_iter = 1000;
    return c;
}

const char *lk_ae_stack_check(const lk_ae_stack_config *cfg)
{
    if (!lk_ae_solver_name(cfg->solver))
        return "unknown autoencoder solver";
    if (cfg->n_layers == 0 || cfg->n_layers > LK_AE_STACK_MAX_LAYERS)
        return "a stack has 1 to 16 layers";
    for (size_t l = 0; l < cfg->n_layers && cfg->solver != LK_AE_MDA; l++)
        if (cfg->hidden[l] == 0)
            return "every code width must be positive";
    if (!lk_act_name(cfg->act.kind))
        return "unknown activation";
    if (cfg->train.loss != LK_LOSS_MSE && cfg->train.loss != LK_LOSS_BCE)
        return "an autoencoder's reconstruction loss is mse or bce";
    if (cfg->act.kind == LK_ACT_SOFTMAX)
        return "softmax is for an output layer, not an encoder";
    /* The decoder is an output layer: the loss must fit its activation
     * (and PReLU's learnable slopes cannot be one's). */
    const char *why = lk_loss_check(cfg->train.loss, &cfg->act);
    if (why)
        return why;
    if (cfg->noise.kind == LK_AE_NOISE_MASK && !(cfg->noise.level >= 0 && cfg->noise.level < 1))
        return "the masking fraction must be in [0, 1)";
    if (cfg->noise.kind == LK_AE_NOISE_GAUSS &&
        !(cfg->noise.level >= 0 && isfinite(cfg->noise.level)))
        return "the noise's standard deviation must be a finite number >= 0";
    if (cfg->noise.kind != LK_AE_NOISE_NONE && cfg->noise.kind != LK_AE_NOISE_MASK &&
        cfg->noise.kind != LK_AE_NOISE_GAUSS)
        return "unknown noise type";
    if (cfg->solver == LK_AE_MDA && cfg->noise.kind == LK_AE_NOISE_GAUSS)
        return "the mda solver marginalizes masking noise only";
    if (cfg->solver == LK_AE_ELM && !(cfg->C > 0 && isfinite(cfg->C)))
        return "the ridge constant C must be a positive number";
    if (cfg->solver == LK_AE_MDA && !(cfg->mda_reg >= 0 && isfinite(cfg->mda_reg)))
        return "the mda regularizer must be a finite number >= 0";
    if (cfg->solver == LK_AE_BACKPROP && (why = lk_net_config_check(&cfg->train)) != NULL)
        return why;
    if (cfg->solver == LK_AE_BACKPROP && cfg->train.epochs == 0)
        return "each layer needs at least 1 epoch";
    if (!(cfg->sparsity >= 0 && cfg->sparsity < 1) || !(cfg->sparsity_weight >= 0) ||
        !isfinite(cfg->sparsity_weight) || !(cfg->contractive >= 0) || !isfinite(cfg->contractive))
        return "the sparsity target must be in [0, 1) and the penalty weights finite numbers >= 0";
    if ((cfg->sparsity > 0 || cfg->contractive > 0) && cfg->solver != LK_AE_BACKPROP)
        return "the sparsity and contractive penalties train by backprop";
    if ((cfg->sparsity > 0 || cfg->contractive > 0) && cfg->act.kind != LK_ACT_SIGMOID)
        return "the sparsity and contractive penalties need sigmoid codes";
    if (cfg->classify && (why = lk_logreg_check(&cfg->clf)) != NULL)
        return why;
    return NULL;
}

/* ---------------------------------------------------------------- conversions */

lk_status lk_ae_mda_layer(lk_net *net, size_t l, const lk_matd *w, lk_error *err)
{
    size_t d = w->rows;
    if (w->cols != d + 1)
        return lk_error_set(err, LK_EINVAL, "ae", NULL, "an mDA map is d x (d + 1), not %zu x %zu",
                            w->rows, w->cols);
    lk_mat wf;
    lk_status s = lk_mat_alloc(&wf, d, d + 1, err);
    if (s != LK_OK)
        return s;
    lk_matd_to_mat(&wf, w);
    lk_mat wv = lk_mat_view(wf.data, d, d, d + 1);
    if ((s = lk_net_set_layer(net, l, &wv, NULL, err)) == LK_OK) {
        lk_real *bias = lk_dense_b(&net->layers[l], &net->params);
        for (size_t i = 0; i < d; i++)
            bias[i] = LK_AT(&wf, i, d);
    }
    lk_mat_free(&wf);
    return s;
}

lk_status lk_ae_logreg_layer(const lk_logreg *m, lk_net *out, lk_error *err)
{
    lk_net net = { 0 };
    lk_act sm = lk_act_default(LK_ACT_SOFTMAX);
    lk_status s = lk_mlp_build(&net, m->d, 0, NULL, 1, &sm, m->k, NULL, LK_LOSS_SOFTMAX_CE,
                               err);
    if (s != LK_OK)
        return s;
    lk_mat src = lk_dense_w(&m->layer, &m->params), dst = lk_dense_w(&net.layers[0], &net.params);
    if ((s = lk_mat_copy(&dst, &src, err)) != LK_OK) {
        lk_net_free(&net);
        return s;
    }
    memcpy(lk_dense_b(&net.layers[0], &net.params), lk_dense_b(&m->layer, &m->params),
           m->k * sizeof(lk_real));
    *out = net;
    return LK_OK;
}
