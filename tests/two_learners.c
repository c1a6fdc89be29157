/* two_learners.c: train an ELM and an MLP on DATA (default xor), save both.
 * cc two_learners.c $(pkg-config --cflags --libs learnkit) -o two_learners */
#include <stdio.h>
#include <learnkit.h>

int main(int argc, char **argv)
{
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    lk_data_options opt = lk_data_options_default();
    lk_split d = { 0 };
    lk_prep prep = { 0 };
    lk_elm elm = { 0 };
    lk_net net = { 0 };
    lk_net_config cfg = lk_net_config_default();     /* Adam, softmax-CE, batch 100 */
    lk_net_trainer *tr = NULL;
    lk_model *m1 = NULL, *m2 = NULL;
    lk_mat t = { 0 };
    size_t hidden = 16;
    lk_act relu = lk_act_default(LK_ACT_RELU);
    lk_error err;
    lk_status s = lk_data_load(argc > 1 ? argv[1] : "xor", &opt, rng, &d, &err);
    if (!s && !(s = lk_prep_fit(&prep, opt.scale, d.format, &d.train.x, &err)))
        lk_prep_apply(&prep, &d.train.x);
    lk_elm_params ep = lk_elm_params_default();
    ep.hidden = 0;                                       /* width and solver from the rows */
    ep.solver = LK_ELM_AUTO;
    if (!s && !(s = lk_elm_fit(&elm, &ep, &d.train.x, d.train.y, d.labels.k, rng, NULL, &err)) &&
        !(s = lk_elm_save(&elm, &prep, &d.labels, &m1, &err)))
        s = lk_model_save(m1, "elm.lkm", &err);
    if (!s && !(s = lk_mlp_build(&net, d.train.d, 1, &hidden, 1, &relu, d.labels.k, NULL,
                                 cfg.loss, &err)) &&
        !(s = lk_onehot(d.train.y, d.train.n, d.labels.k, &t, &err))) {
        lk_net_init(&net, LK_INIT_AUTO, rng);
        cfg.epochs = 100;
        cfg.optim_cfg.lr = 0.01;
        s = lk_net_trainer_alloc(&tr, &net, &cfg, &d.train.x, &t, rng, &err);
        while (!s && !(s = lk_net_iterate(tr, NULL, &err)) && lk_net_test(tr) == LK_TRAIN_CONTINUE)
            ;
    }
    if (!s && !(s = lk_mlp_save(&net, cfg.loss, &prep, &d.labels, &m2, &err)))
        s = lk_model_save(m2, "mlp.lkm", &err);
    char text[1024];
    if (s)
        fprintf(stderr, "two_learners: %s\n", lk_error_format(&err, text, sizeof text));
    lk_net_trainer_free(tr);
    lk_model_free(m1);
    lk_model_free(m2);
    lk_mat_free(&t);
    lk_net_free(&net);
    lk_elm_free(&elm);
    lk_prep_free(&prep);
    lk_split_free(&d);
    gsl_rng_free(rng);
    return s ? 1 : 0;
}
