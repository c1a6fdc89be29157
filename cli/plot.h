/* plot.h — pictures drawn with cairo and written atomically as PNG. */
#ifndef LEARNKIT_CLI_PLOT_H
#define LEARNKIT_CLI_PLOT_H

#include <cairo.h>
#include <stddef.h>

/* Encode the surface as PNG in memory and write it to path atomically (no
 * partial file on failure).  Returns 0 or EXIT_FAILURE after printing. */
int plot_save_png(cairo_surface_t *surface, const char *path);

/* A white ARGB canvas of w x h pixels and its context; NULL on failure. */
cairo_t *plot_canvas(int w, int h);

/* Text at (x, y): align -1 left, 0 centre, 1 right; baseline at y. */
void plot_text(cairo_t *cr, double x, double y, double size, int align, const char *text);
/* The same, rotated 90 degrees counterclockwise (for a y-axis label). */
void plot_text_vertical(cairo_t *cr, double x, double y, double size, const char *text);

/* A confusion matrix as a heat map with counts, class names on both axes. */
int plot_confusion(const char *path, const char *title, const size_t *counts, size_t k,
                   char *const *names);

/* compare's figure, PLOT_COMPARE_WIDTH x PLOT_COMPARE_HEIGHT, from its
 * result objects ("label", "family", "train_seconds", "test_accuracy",
 * optional "history" with "seconds" and "test_accuracy"): left, test
 * accuracy against training time (log x), one marker per result,
 * closed-form ones as blue squares, iterative ones as circles in a colour
 * each, the Pareto front; right, the learning curves of the iterative
 * results against elapsed seconds (log x), each in its marker's colour, with
 * the closed-form results as horizontal marks at their finishing times.
 * Returns 0 or EXIT_FAILURE after printing. */
#include <jansson.h>
#define PLOT_COMPARE_WIDTH 1500
#define PLOT_COMPARE_HEIGHT 620
int plot_compare(const char *path, const char *dataset, const json_t *results);
/* The RGB colour (3 values in [0, 1]) of the k-th iterative result. */
const double *plot_iterative_colour(size_t k);

#endif
