/* mlp.c — the multilayer perceptron classifier on top of lk_net. */
#include <stdlib.h>
#include <string.h>
#include <learnkit/mlp.h>
#include "model_check.h"
#include "registry.h"

size_t lk_mlp_auto_hidden(size_t rows)
{
    size_t h = rows / 100;
    return h < LK_MLP_HIDDEN_MIN ? LK_MLP_HIDDEN_MIN : h > LK_MLP_HIDDEN_MAX ? LK_MLP_HIDDEN_MAX : h;
}

lk_act lk_mlp_output_act(lk_loss_kind loss)
{
    switch (loss) {
    case LK_LOSS_SOFTMAX_CE: return lk_act_default(LK_ACT_SOFTMAX);
    case LK_LOSS_PERCEPTRON: return lk_act_default(LK_ACT_IDENTITY);
    default: return lk_act_default(LK_ACT_SIGMOID);
    }
}

/* The rules of an MLP's activations, shared by lk_mlp_build and
 * lk_mlp_load: NULL, or a sentence on what is wrong. */
static const char *hidden_check(const lk_act *a)
{
    if (a->kind == LK_ACT_SOFTMAX)
        return "softmax is for the output layer, not a hidden layer";
    return NULL;
}

lk_status lk_mlp_build(lk_net *net, size_t n_in, size_t n_hidden, const size_t *hidden,
                       size_t n_acts, const lk_act *acts, size_t n_out,
                       const lk_act *out_act, lk_loss_kind loss, lk_error *err)
{
    *net = (lk_net){ 0 };
    if (n_hidden && n_acts != 1 && n_acts != n_hidden)
        return lk_error_set(err, LK_EINVAL, "mlp", "activation",
                            "%zu activations for %zu hidden layers (give one, or one per "
                            "hidden layer)", n_acts, n_hidden);
    lk_act out = out_act ? *out_act : lk_mlp_output_act(loss);
    const char *why = lk_loss_check(loss, &out);
    if (why)
        return lk_error_set(err, LK_EINVAL, "mlp", "loss", "%s", why);
    if (n_in == 0 || n_out == 0)
        return lk_error_set(err, LK_EINVAL, "mlp", "layers",
                            "the network needs at least one input and one output");
    for (size_t l = 0; l < n_hidden; l++)
        if ((why = hidden_check(&acts[n_acts == 1 ? 0 : l])))
            return lk_error_set(err, LK_EINVAL, "mlp", "activation", "hidden layer %zu: %s",
                                l + 1, why);
    lk_net_begin(net, n_in);
    lk_status s = LK_OK;
    for (size_t l = 0; l < n_hidden && s == LK_OK; l++)
        s = lk_net_add(net, hidden[l], acts[n_acts == 1 ? 0 : l], err);
    if (s == LK_OK)
        s = lk_net_add(net, n_out, out, err);
    if (s == LK_OK)
        s = lk_net_finish(net, err);
    if (s != LK_OK)
        lk_net_free(net);
    return s;
}

double lk_mlp_accuracy(const lk_net *net, lk_net_work *w, const lk_mat *x, const uint32_t *y)
{
    size_t right = 0;
    for (size_t r = 0; r < x->rows; r += w->batch) {
        lk_mat xb = lk_mat_rows(x, r, w->batch);
        lk_mat a = lk_net_forward(net, w, &xb);
        for (size_t i = 0; i < a.rows; i++) {
            const lk_real *row = lk_mat_row(&a, i);
            /* One sigmoid output: class 1 when it reaches one half. */
            size_t c = a.cols == 1 ? (row[0] >= (lk_real)0.5) : lk_argmax(row, a.cols);
            right += c == y[r + i];
        }
    }
    return x->rows ? (double)right / (double)x->rows : 0;
}

lk_status lk_mlp_save(const lk_net *net, lk_loss_kind loss, const lk_prep *prep,
                      const lk_labels *labels, lk_model **out, lk_error *err)
{
    lk_status s = lki_model_begin("mlp", lk_net_inputs(net), lk_net_outputs(net), out, err);
    if (s == LK_OK && (s = lk_model_put_str(*out, "arch.loss", lk_loss_name(loss), err)) == LK_OK)
        s = lk_net_save(net, *out, "", err);
    return lki_model_end(out, s, prep, labels, err);
}

lk_status lk_mlp_load(const lk_model *m, lk_net *net, lk_loss_kind *loss, lk_error *err)
{
    const char *name;
    lk_loss_kind k;
    size_t d, n_out;
    *net = (lk_net){ 0 };
    lk_status s;
    if ((s = lki_model_io(m, "mlp", &d, 1, &n_out, err)) != LK_OK ||
        (s = lk_model_get_str(m, "arch.loss", &name, err)) != LK_OK)
        return s;
    lk_error e;
    if (lk_loss_parse(name, &k, NULL, &e) != LK_OK)
        return lki_model_bad(m, "arch.loss", err, "%s", e.text);
    if ((s = lk_net_load(m, "", net, err)) != LK_OK)
        return s;
    /* The build's own rules, so a file holds nothing a build would refuse. */
    const char *why = NULL, *where = "arch.activations";
    for (size_t l = 0; l + 1 < net->n_layers && !why; l++)
        why = hidden_check(&net->layers[l].act);
    for (size_t l = 0; l < net->n_layers && !why; l++)
        if (net->layers[l].tied)
            why = "an MLP has no tied layers", where = "arch.tied";
    if (!why && (why = lk_loss_check(k, lk_net_output_act(net))))
        where = "arch.loss";
    if (!why && lk_net_inputs(net) != d)
        why = "arch.inputs differs from the first width of arch.sizes", where = "arch.inputs";
    if (!why && lk_net_outputs(net) != n_out)
        why = "arch.classes differs from the last width of arch.sizes", where = "arch.classes";
    if (why) {
        lk_net_free(net);
        return lki_model_bad(m, where, err, "%s", why);
    }
    if (loss)
        *loss = k;
    return LK_OK;
}

/* ---------------------------------------------------------------- predictor */

static lk_status pred_load(const lk_model *m, void **state, size_t *n_in, size_t *n_out,
                           lk_error *err)
{
    lk_net *net = malloc(sizeof *net);
    if (!net)
        return lk_error_set(err, LK_ENOMEM, "model", NULL, "out of memory");
    lk_status s = lk_mlp_load(m, net, NULL, err);
    if (s != LK_OK) {
        free(net);
        return s;
    }
    *state = net;
    *n_in = lk_net_inputs(net);
    *n_out = lk_net_outputs(net);
    return LK_OK;
}

static int pred_probability(const void *state)
{
    lk_act_kind out = lk_net_output_act(state)->kind;
    return out == LK_ACT_SOFTMAX || out == LK_ACT_SIGMOID;
}

const lk_predictor_type lk_mlp_predictor = { "mlp", pred_load, lki_net_scores, lki_net_free, 1,
                                             pred_probability };
