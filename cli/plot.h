/* plot.h — the pictures of compare and eval, drawn with cairo and written
 * atomically (lk_write_atomic): no partial PNG is ever left. */
#ifndef LEARNKIT_CLI_PLOT_H
#define LEARNKIT_CLI_PLOT_H

#include <jansson.h>

#define CLI_PLOT_WIDTH 1500
#define CLI_PLOT_HEIGHT 620

/* Two panels from compare's result objects ("label", "family",
 * "train_seconds", "test_accuracy", optional "history" with "seconds" and
 * "test_accuracy"): left, test accuracy against training time (log x), one
 * marker per result, closed-form and iterative in two colours, the Pareto
 * front; right, the learning curves of the iterative results against
 * elapsed seconds (log x) with the closed-form results as horizontal marks
 * at their finishing times.  Returns 0 or EXIT_FAILURE after printing. */
int cli_plot_compare(const char *path, const char *dataset, const json_t *results);

/* A confusion matrix heat map (rows true, columns predicted; k x k counts)
 * with class names.  Returns 0 or EXIT_FAILURE after printing. */
int cli_plot_confusion(const char *path, const char *title, const size_t *counts, size_t k,
                       const char *const *names);

#endif
