/* vanishing.c — the vanishing-gradient lesson in numbers: a deep sigmoid
 * network (784-[100]x8-10 on MNIST, plain SGD) trained by `learnkit mlp`
 * plain, with --batch-norm, with ReLU and He init, and with gradient
 * clipping.  For each, the per-layer gradient norms `--json` reports (mean
 * of ||dW|| over the first and the last epoch's batches), the first layer's
 * norm relative to the last one's, and the test accuracy; with --plot, a
 * picture of the norms per layer per configuration (log scale).
 *     bench/vanishing ./learnkit [--epochs 5] [--threads 2] [--plot F.png] [DATA] */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <jansson.h>
#include "../cli/cli.h"
#include "../cli/plot.h"

#define MAX_LAYERS 16

typedef struct config {
    const char *label, *opts;
    double rgb[3];
} config;

static const config CONFIGS[] = {
    { "sigmoid", "--activation sigmoid", { 0.80, 0.15, 0.15 } },
    { "sigmoid + batch norm", "--activation sigmoid --batch-norm", { 0.10, 0.45, 0.80 } },
    { "ReLU + He init", "--activation relu --init he", { 0.15, 0.60, 0.20 } },
    { "sigmoid + clipping 0.1", "--activation sigmoid --clip-norm 0.1", { 0.85, 0.55, 0.05 } },
};
#define N_CONFIGS (sizeof CONFIGS / sizeof *CONFIGS)

typedef struct result {
    size_t layers;
    double first[MAX_LAYERS], last[MAX_LAYERS];  /* norms in epoch 1 and the last epoch */
    double test_accuracy, seconds;
} result;

static int run(const char *learnkit, const config *c, const char *epochs, const char *threads,
               const char *data, result *r)
{
    char cmd[2048];
    snprintf(cmd, sizeof cmd,
             "%s mlp --hidden 100,100,100,100,100,100,100,100 %s --optimizer sgd --lr 0.1 "
             "--epochs %s --threads %s --json -q %s", learnkit, c->opts, epochs, threads, data);
    fprintf(stderr, "$ %s\n", cmd);
    FILE *p = popen(cmd, "r");
    if (!p)
        return 1;
    json_error_t je;
    json_t *o = json_loadf(p, 0, &je);
    int rc = pclose(p);
    if (!o || rc != 0) {
        fprintf(stderr, "vanishing: '%s' failed\n", cmd);
        json_decref(o);
        return 1;
    }
    const json_t *h = json_object_get(o, "history");
    size_t n = json_array_size(h);
    const json_t *g1 = json_object_get(json_array_get(h, 0), "grad_norm");
    const json_t *gn = json_object_get(json_array_get(h, n - 1), "grad_norm");
    r->layers = json_array_size(g1);
    if (n == 0 || r->layers == 0 || r->layers > MAX_LAYERS) {
        json_decref(o);
        return 1;
    }
    for (size_t l = 0; l < r->layers; l++) {
        r->first[l] = json_number_value(json_array_get(g1, l));
        r->last[l] = json_number_value(json_array_get(gn, l));
    }
    r->test_accuracy = json_number_value(json_object_get(o, "test_accuracy"));
    r->seconds = json_number_value(json_object_get(o, "train_seconds"));
    json_decref(o);
    return 0;
}

/* Gradient norm per layer (log scale) for each configuration, the last
 * epoch solid and the first dashed. */
static int draw(const char *path, const result *r, const char *epochs)
{
    const int W = 900, H = 560;
    const double x0 = 90, y0 = 60, w = 560, h = 420;
    cairo_t *cr = plot_canvas(W, H);
    if (!cr)
        return cli_fail("%s: cannot make a picture", path);
    double lo = INFINITY, hi = -INFINITY;
    for (size_t c = 0; c < N_CONFIGS; c++)
        for (size_t l = 0; l < r[c].layers; l++)
            for (int k = 0; k < 2; k++) {
                double v = k ? r[c].last[l] : r[c].first[l];
                if (v > 0) {
                    lo = fmin(lo, floor(log10(v)));
                    hi = fmax(hi, ceil(log10(v)));
                }
            }
    size_t L = r[0].layers;
    cairo_set_source_rgb(cr, 0.1, 0.1, 0.1);
    char title[160];
    snprintf(title, sizeof title,
             "Gradient norm per layer, 784-[100]x8-10 on MNIST, SGD (epoch 1 dashed, epoch %s solid)",
             epochs);
    plot_text(cr, W / 2.0, 30, 15, 0, title);
    cairo_set_line_width(cr, 1);
    for (double e = lo; e <= hi; e++) {
        double y = y0 + h - (e - lo) / (hi - lo) * h;
        cairo_set_source_rgb(cr, 0.88, 0.88, 0.88);
        cairo_move_to(cr, x0, y);
        cairo_line_to(cr, x0 + w, y);
        cairo_stroke(cr);
        char t[32];
        snprintf(t, sizeof t, "1e%+.0f", e);
        cairo_set_source_rgb(cr, 0.2, 0.2, 0.2);
        plot_text(cr, x0 - 8, y + 4, 11, 1, t);
    }
    for (size_t l = 0; l < L; l++) {
        double x = x0 + (double)l / (double)(L - 1) * w;
        char t[32];
        snprintf(t, sizeof t, "%zu", l + 1);
        plot_text(cr, x, y0 + h + 18, 11, 0, t);
    }
    plot_text(cr, x0 + w / 2, y0 + h + 42, 13, 0, "layer (1 = next to the input, 9 = output)");
    plot_text_vertical(cr, 30, y0 + h / 2, 13, "mean ||dW|| over the epoch's batches");
    cairo_set_source_rgb(cr, 0.3, 0.3, 0.3);
    cairo_rectangle(cr, x0, y0, w, h);
    cairo_stroke(cr);
    for (size_t c = 0; c < N_CONFIGS; c++) {
        for (int k = 0; k < 2; k++) {
            const double *v = k ? r[c].last : r[c].first;
            double dash = 6;
            cairo_set_dash(cr, &dash, k ? 0 : 1, 0);
            cairo_set_line_width(cr, (k ? 2.5 : 1.5) * (c == 0 ? 2.2 : 1));
            cairo_set_source_rgb(cr, CONFIGS[c].rgb[0], CONFIGS[c].rgb[1], CONFIGS[c].rgb[2]);
            for (size_t l = 0; l < r[c].layers; l++) {
                double x = x0 + (double)l / (double)(L - 1) * w;
                double y = y0 + h - (log10(v[l]) - lo) / (hi - lo) * h;
                if (l == 0)
                    cairo_move_to(cr, x, y);
                else
                    cairo_line_to(cr, x, y);
            }
            cairo_stroke(cr);
        }
        double ly = y0 + 20 + 60.0 * (double)c;
        cairo_set_dash(cr, NULL, 0, 0);
        cairo_set_line_width(cr, 3);
        cairo_move_to(cr, x0 + w + 20, ly);
        cairo_line_to(cr, x0 + w + 50, ly);
        cairo_stroke(cr);
        char t[96];
        plot_text(cr, x0 + w + 58, ly + 4, 12, -1, CONFIGS[c].label);
        snprintf(t, sizeof t, "first/last %.1e, test %.1f%%", r[c].last[0] / r[c].last[L - 1],
                 100 * r[c].test_accuracy);
        cairo_set_source_rgb(cr, 0.3, 0.3, 0.3);
        plot_text(cr, x0 + w + 58, ly + 22, 11, -1, t);
    }
    int rc = plot_save_png(cairo_get_target(cr), path);
    cairo_destroy(cr);
    return rc;
}

int main(int argc, char **argv)
{
    const char *learnkit = NULL, *epochs = "5", *threads = "2", *plot = NULL, *data = "";
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--epochs") == 0 && i + 1 < argc)
            epochs = argv[++i];
        else if (strcmp(argv[i], "--threads") == 0 && i + 1 < argc)
            threads = argv[++i];
        else if (strcmp(argv[i], "--plot") == 0 && i + 1 < argc)
            plot = argv[++i];
        else if (!learnkit)
            learnkit = argv[i];
        else
            data = argv[i];
    }
    if (!learnkit) {
        fprintf(stderr, "usage: vanishing LEARNKIT [--epochs N] [--threads N] [--plot F.png] [DATA]\n");
        return 2;
    }
    result r[N_CONFIGS];
    printf("| configuration | layer-1 / layer-9 norm, epoch 1 | same, epoch %s | test accuracy | train |\n"
           "| --- | --- | --- | --- | --- |\n", epochs);
    for (size_t c = 0; c < N_CONFIGS; c++) {
        if (run(learnkit, &CONFIGS[c], epochs, threads, data, &r[c]) != 0)
            return 1;
        size_t L = r[c].layers;
        printf("| %s | %.2e | %.2e | %.2f%% | %.1f s |\n", CONFIGS[c].label,
               r[c].first[0] / r[c].first[L - 1], r[c].last[0] / r[c].last[L - 1],
               100 * r[c].test_accuracy, r[c].seconds);
        fflush(stdout);
    }
    return plot ? draw(plot, r, epochs) : 0;
}
