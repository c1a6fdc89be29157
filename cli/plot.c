/* plot.c — cairo drawing helpers and the confusion heat map. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <learnkit/io.h>
#include "cli.h"
#include "plot.h"

typedef struct png_buffer {
    unsigned char *data;
    size_t n, cap;
} png_buffer;

static cairo_status_t append(void *closure, const unsigned char *data, unsigned int length)
{
    png_buffer *b = closure;
    if (b->n + length > b->cap) {
        size_t cap = b->cap ? b->cap : 65536;
        while (cap < b->n + length)
            cap *= 2;
        unsigned char *p = realloc(b->data, cap);
        if (!p)
            return CAIRO_STATUS_NO_MEMORY;
        b->data = p;
        b->cap = cap;
    }
    memcpy(b->data + b->n, data, length);
    b->n += length;
    return CAIRO_STATUS_SUCCESS;
}

int plot_save_png(cairo_surface_t *surface, const char *path)
{
    png_buffer b = { 0 };
    cairo_surface_flush(surface);
    cairo_status_t st = cairo_surface_write_to_png_stream(surface, append, &b);
    if (st != CAIRO_STATUS_SUCCESS) {
        free(b.data);
        return cli_fail("%s: cannot encode the picture: %s", path, cairo_status_to_string(st));
    }
    lk_error err;
    lk_status s = lk_write_atomic(path, b.data, b.n, &err);
    free(b.data);
    return s == LK_OK ? 0 : cli_fail_err(&err);
}

cairo_t *plot_canvas(int w, int h)
{
    cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, w, h);
    if (cairo_surface_status(s) != CAIRO_STATUS_SUCCESS) {
        cairo_surface_destroy(s);
        return NULL;
    }
    cairo_t *cr = cairo_create(s);
    cairo_surface_destroy(s);   /* the context holds its own reference */
    cairo_set_source_rgb(cr, 1, 1, 1);
    cairo_paint(cr);
    cairo_select_font_face(cr, "sans-serif", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL);
    return cr;
}

void plot_text(cairo_t *cr, double x, double y, double size, int align, const char *text)
{
    cairo_text_extents_t e;
    cairo_set_font_size(cr, size);
    cairo_text_extents(cr, text, &e);
    double dx = align < 0 ? 0 : align == 0 ? -e.x_advance / 2 : -e.x_advance;
    cairo_move_to(cr, x + dx, y);
    cairo_show_text(cr, text);
}

void plot_text_vertical(cairo_t *cr, double x, double y, double size, const char *text)
{
    cairo_save(cr);
    cairo_translate(cr, x, y);
    cairo_rotate(cr, -1.5707963267948966);
    plot_text(cr, 0, 0, size, 0, text);
    cairo_restore(cr);
}

int plot_confusion(const char *path, const char *title, const size_t *counts, size_t k,
                   char *const *names)
{
    const double cell = k <= 10 ? 56 : k <= 30 ? 26 : 12, left = 110, top = 70;
    int w = (int)(left + cell * (double)k + 40), h = (int)(top + cell * (double)k + 70);
    cairo_t *cr = plot_canvas(w, h);
    if (!cr)
        return cli_fail("%s: cannot make a %d x %d picture", path, w, h);
    cairo_set_source_rgb(cr, 0.1, 0.1, 0.1);
    plot_text(cr, w / 2.0, 30, 18, 0, title);
    /* Each cell is shaded by its share of its row (the recall view), so a
     * rare class's errors show as clearly as a common one's; errors are
     * shaded against the largest error share, so the worst confusion is
     * always the darkest red whatever the accuracy. */
    double worst = 0;
    for (size_t i = 0; i < k; i++) {
        size_t row = 0;
        for (size_t j = 0; j < k; j++)
            row += counts[i * k + j];
        for (size_t j = 0; j < k; j++)
            if (i != j && row && (double)counts[i * k + j] / (double)row > worst)
                worst = (double)counts[i * k + j] / (double)row;
    }
    for (size_t i = 0; i < k; i++) {
        size_t row = 0;
        for (size_t j = 0; j < k; j++)
            row += counts[i * k + j];
        for (size_t j = 0; j < k; j++) {
            double v = row ? (double)counts[i * k + j] / (double)row : 0;
            double x = left + cell * (double)j, y = top + cell * (double)i;
            if (i == j)
                cairo_set_source_rgb(cr, 1 - 0.75 * v, 1 - 0.45 * v, 1 - 0.2 * v);
            else {
                double e = v > 0 && worst > 0 ? 0.1 + 0.9 * sqrt(v / worst) : 0;
                cairo_set_source_rgb(cr, 1 - 0.15 * e, 1 - 0.75 * e, 1 - 0.75 * e);
            }
            cairo_rectangle(cr, x, y, cell - 1, cell - 1);
            cairo_fill(cr);
            if (cell >= 26 && counts[i * k + j]) {
                char buf[32];
                snprintf(buf, sizeof buf, "%zu", counts[i * k + j]);
                int dark = i == j ? v > 0.6 : worst > 0 && sqrt(v / worst) > 0.7;
                cairo_set_source_rgb(cr, dark ? 1 : 0.1, dark ? 1 : 0.1, dark ? 1 : 0.1);
                plot_text(cr, x + cell / 2, y + cell / 2 + 4, cell >= 50 ? 12 : 9, 0, buf);
            }
        }
    }
    cairo_set_source_rgb(cr, 0.1, 0.1, 0.1);
    for (size_t i = 0; i < k && cell >= 12; i++) {
        plot_text(cr, left - 8, top + cell * (double)i + cell / 2 + 4, cell >= 26 ? 12 : 8, 1,
                  names[i]);
        plot_text(cr, left + cell * (double)i + cell / 2, top + cell * (double)k + 18,
                  cell >= 26 ? 12 : 8, 0, names[i]);
    }
    plot_text(cr, left + cell * (double)k / 2, top + cell * (double)k + 45, 14, 0,
              "predicted class");
    plot_text_vertical(cr, 30, top + cell * (double)k / 2, 14, "true class");
    int rc = plot_save_png(cairo_get_target(cr), path);
    cairo_destroy(cr);
    return rc;
}
