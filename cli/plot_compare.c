/* plot_compare.c — compare's picture: accuracy against training time with
 * the Pareto front, and the learning curves (plot.h). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cli.h"
#include "plot.h"

static double num(const json_t *o, const char *key)
{
    const json_t *v = json_object_get(o, key);
    return json_is_number(v) ? json_number_value(v) : NAN;
}

typedef struct panel {
    double x0, y0, w, h;         /* plot area in pixels */
    double lx0, lx1, y_lo, y_hi; /* log10 seconds and accuracy ranges */
} panel;

static double px(const panel *p, double sec)
{
    return p->x0 + (log10(sec) - p->lx0) / (p->lx1 - p->lx0) * p->w;
}
static double py(const panel *p, double acc)
{
    return p->y0 + p->h - (acc - p->y_lo) / (p->y_hi - p->y_lo) * p->h;
}

static void text_at(cairo_t *cr, double x, double y, const char *s, double ax, double ay)
{
    cairo_text_extents_t e;
    cairo_text_extents(cr, s, &e);
    cairo_move_to(cr, x - ax * e.width - e.x_bearing, y - ay * e.height - e.y_bearing);
    cairo_show_text(cr, s);
}

/* Marker labels that do not cover one another: each label tries a few
 * places around its marker and takes the first clear of the labels already
 * placed and of the other markers (boxes as x0, y0, x1, y1). */
typedef struct box { double x0, y0, x1, y1; } box;

static int overlaps(const box *a, const box *b)
{
    return a->x0 < b->x1 && b->x0 < a->x1 && a->y0 < b->y1 && b->y0 < a->y1;
}

static void place_label(cairo_t *cr, const panel *p, double x, double y, const char *s,
                        box *taken, size_t *n_taken)
{
    cairo_text_extents_t e;
    cairo_text_extents(cr, s, &e);
    double w = e.width, h = e.height;
    /* right, left, then above and below on either side, farther out */
    const double dx[] = { 10, -10 - w, 10, -10 - w, 10, -10 - w, -w / 2, -w / 2, 10, -10 - w };
    const double dy[] = { -4 - h / 2, -4 - h / 2, -10 - h, -10 - h, 8, 8, -12 - h, 10, -24 - h, 22 };
    size_t nc = sizeof dx / sizeof *dx, best = 0;
    for (size_t c = 0; c < nc; c++) {
        box b = { x + dx[c], y + dy[c], x + dx[c] + w, y + dy[c] + h };
        int clear = b.x0 >= p->x0 && b.x1 <= p->x0 + p->w && b.y0 >= p->y0 &&
                    b.y1 <= p->y0 + p->h;
        for (size_t i = 0; clear && i < *n_taken; i++)
            clear = !overlaps(&b, &taken[i]);
        if (clear) {
            best = c;
            break;
        }
        if (c + 1 == nc)
            best = x > p->x0 + p->w - 130 ? 1 : 0;
    }
    box b = { x + dx[best], y + dy[best], x + dx[best] + w, y + dy[best] + h };
    taken[(*n_taken)++] = b;
    cairo_move_to(cr, b.x0 - e.x_bearing, b.y0 - e.y_bearing);
    cairo_show_text(cr, s);
}

static void axes(cairo_t *cr, const panel *p, const char *title, const char *xlabel)
{
    char buf[32];
    cairo_set_source_rgb(cr, 0.85, 0.85, 0.85);
    cairo_set_line_width(cr, 1);
    cairo_set_font_size(cr, 13);
    for (int d = (int)floor(p->lx0); d <= (int)ceil(p->lx1); d++)
        for (int m = 1; m < 10; m++) {
            double l = d + log10(m);
            if (l < p->lx0 - 1e-9 || l > p->lx1 + 1e-9)
                continue;
            double x = p->x0 + (l - p->lx0) / (p->lx1 - p->lx0) * p->w;
            cairo_set_source_rgb(cr, m == 1 ? 0.75 : 0.9, m == 1 ? 0.75 : 0.9, m == 1 ? 0.75 : 0.9);
            cairo_move_to(cr, x, p->y0);
            cairo_line_to(cr, x, p->y0 + p->h);
            cairo_stroke(cr);
            if (m == 1) {
                cairo_set_source_rgb(cr, 0.1, 0.1, 0.1);
                snprintf(buf, sizeof buf, d >= 0 ? "%.0f" : d == -1 ? "0.1" : d == -2 ? "0.01" : "%g",
                         pow(10, d));
                text_at(cr, x, p->y0 + p->h + 6, buf, 0.5, 0);
            }
        }
    double step = (p->y_hi - p->y_lo) > 0.3 ? 0.1 : (p->y_hi - p->y_lo) > 0.1 ? 0.02 : 0.01;
    for (double a = ceil(p->y_lo / step - 1e-9) * step; a <= p->y_hi + 1e-9; a += step) {
        double y = py(p, a);
        cairo_set_source_rgb(cr, 0.85, 0.85, 0.85);
        cairo_move_to(cr, p->x0, y);
        cairo_line_to(cr, p->x0 + p->w, y);
        cairo_stroke(cr);
        cairo_set_source_rgb(cr, 0.1, 0.1, 0.1);
        snprintf(buf, sizeof buf, "%.0f%%", 100 * a);
        text_at(cr, p->x0 - 6, y, buf, 1, 0.5);
    }
    cairo_set_source_rgb(cr, 0.1, 0.1, 0.1);
    cairo_set_line_width(cr, 1.5);
    cairo_rectangle(cr, p->x0, p->y0, p->w, p->h);
    cairo_stroke(cr);
    cairo_set_font_size(cr, 14);
    text_at(cr, p->x0 + p->w / 2, p->y0 + p->h + 28, xlabel, 0.5, 0);
    cairo_save(cr);
    cairo_translate(cr, p->x0 - 58, p->y0 + p->h / 2);
    cairo_rotate(cr, -M_PI / 2);
    text_at(cr, 0, 0, "test accuracy", 0.5, 0.5);
    cairo_restore(cr);
    cairo_set_font_size(cr, 16);
    text_at(cr, p->x0 + p->w / 2, p->y0 - 12, title, 0.5, 1);
}

static const double COL_CLOSED[3] = { 0.12, 0.40, 0.75 };
/* Iterative learners take one warm or green colour each, so that crossing
 * learning curves can be told apart and matched with their markers; the
 * closed-form ones share the blue (their marks never cross). */
static const double COL_ITER[][3] = {
    { 0.90, 0.42, 0.05 },   /* orange */
    { 0.75, 0.10, 0.20 },   /* crimson */
    { 0.20, 0.55, 0.20 },   /* green */
    { 0.55, 0.25, 0.65 },   /* purple */
    { 0.50, 0.32, 0.12 },   /* brown */
};
#define N_COL_ITER (sizeof COL_ITER / sizeof *COL_ITER)

const double *plot_iterative_colour(size_t k)
{
    return COL_ITER[k % N_COL_ITER];
}

static int is_closed(const json_t *r)
{
    const char *f = json_string_value(json_object_get(r, "family"));
    return f && strcmp(f, "closed-form") == 0;
}

static const char *label_of(const json_t *r)
{
    const char *s = json_string_value(json_object_get(r, "label"));
    if (!s)
        s = json_string_value(json_object_get(r, "learner"));
    return s ? s : "?";
}

int plot_compare(const char *path, const char *dataset, const json_t *results)
{
    size_t n = json_array_size(results);
    double tmin = INFINITY, tmax = 0, amin = 1, amax = 0;
    for (size_t i = 0; i < n; i++) {
        const json_t *r = json_array_get(results, i);
        double t = num(r, "train_seconds"), a = num(r, "test_accuracy");
        if (isfinite(t) && t > 0) {
            tmin = fmin(tmin, t);
            tmax = fmax(tmax, t);
        }
        if (isfinite(a)) {
            amin = fmin(amin, a);
            amax = fmax(amax, a);
        }
        size_t j;
        const json_t *h;
        json_array_foreach(json_object_get(r, "history"), j, h) {
            double s = num(h, "seconds"), ha = num(h, "test_accuracy");
            if (isfinite(s) && s > 0) {
                tmin = fmin(tmin, s);
                tmax = fmax(tmax, s);
            }
            if (isfinite(ha)) {
                amin = fmin(amin, ha);
                amax = fmax(amax, ha);
            }
        }
    }
    if (!(tmax > 0)) {
        tmin = 0.1;
        tmax = 10;
    }
    if (amin > amax) {
        amin = 0;
        amax = 1;
    }
    double pad = fmax(0.01, 0.06 * (amax - amin));
    panel L = { 95, 60, 610, 470, floor(log10(tmin) - 0.15), ceil(log10(tmax) + 0.15),
                fmax(0, amin - pad), fmin(1, amax + pad) };
    if (L.y_hi - L.y_lo < 0.02)
        L.y_hi = L.y_lo + 0.02;
    panel R = L;
    R.x0 = 860;

    cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_RGB24, PLOT_COMPARE_WIDTH,
                                                    PLOT_COMPARE_HEIGHT);
    cairo_t *cr = cairo_create(s);
    cairo_set_source_rgb(cr, 1, 1, 1);
    cairo_paint(cr);
    cairo_select_font_face(cr, "sans-serif", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL);
    char title[160];
    snprintf(title, sizeof title, "%s: test accuracy against training time", dataset ? dataset : "");
    axes(cr, &L, title, "training time (seconds, log scale)");
    axes(cr, &R, "learning curves (iterative); closed-form at their finish",
         "elapsed training time (seconds, log scale)");

    /* Pareto front: sorted by time, each point more accurate than every faster one. */
    size_t *ord = malloc((n ? n : 1) * sizeof *ord);
    size_t m = 0;
    for (size_t i = 0; ord && i < n; i++) {
        const json_t *r = json_array_get(results, i);
        if (num(r, "train_seconds") > 0 && isfinite(num(r, "test_accuracy")))
            ord[m++] = i;
    }
    for (size_t i = 1; i < m; i++)
        for (size_t j = i; j > 0 && num(json_array_get(results, ord[j]), "train_seconds") <
                                        num(json_array_get(results, ord[j - 1]), "train_seconds");
             j--) {
            size_t t = ord[j];
            ord[j] = ord[j - 1];
            ord[j - 1] = t;
        }
    cairo_save(cr);
    cairo_rectangle(cr, L.x0, L.y0, L.w, L.h);
    cairo_clip(cr);
    cairo_set_source_rgb(cr, 0.3, 0.3, 0.3);
    cairo_set_line_width(cr, 1.5);
    double dash[] = { 6, 4 };
    cairo_set_dash(cr, dash, 2, 0);
    double best = -1;
    int started = 0;
    for (size_t i = 0; i < m; i++) {
        const json_t *r = json_array_get(results, ord[i]);
        double t = num(r, "train_seconds"), a = num(r, "test_accuracy");
        if (a <= best)
            continue;
        if (!started) {
            cairo_move_to(cr, px(&L, t), py(&L, a));
            started = 1;
        } else {
            cairo_line_to(cr, px(&L, t), py(&L, best));
            cairo_line_to(cr, px(&L, t), py(&L, a));
        }
        best = a;
    }
    if (started) {
        cairo_line_to(cr, L.x0 + L.w, py(&L, best));
        cairo_stroke(cr);
    }
    cairo_restore(cr);
    free(ord);

    cairo_set_font_size(cr, 13);
    /* Every marker's box first, so no label covers a marker drawn later. */
    box *taken = malloc(2 * (n ? n : 1) * sizeof *taken);
    box *taken_r = malloc((n ? n : 1) * sizeof *taken_r);
    size_t n_taken = 0, n_taken_r = 0;
    for (size_t i = 0; taken && i < n; i++) {
        const json_t *r = json_array_get(results, i);
        double t = num(r, "train_seconds"), a = num(r, "test_accuracy");
        if (t > 0 && isfinite(a))
            taken[n_taken++] = (box){ px(&L, t) - 7, py(&L, a) - 7, px(&L, t) + 7,
                                      py(&L, a) + 7 };
    }
    size_t n_iter = 0;
    for (size_t i = 0; i < n; i++) {
        const json_t *r = json_array_get(results, i);
        double t = num(r, "train_seconds"), a = num(r, "test_accuracy");
        if (!(t > 0) || !isfinite(a))
            continue;
        const double *c = is_closed(r) ? COL_CLOSED : plot_iterative_colour(n_iter++);
        double x = px(&L, t), y = py(&L, a);
        cairo_set_source_rgb(cr, c[0], c[1], c[2]);
        if (is_closed(r))
            cairo_rectangle(cr, x - 6, y - 6, 12, 12);
        else
            cairo_arc(cr, x, y, 6.5, 0, 2 * M_PI);
        cairo_fill(cr);
        cairo_set_source_rgb(cr, 0.1, 0.1, 0.1);
        if (taken)
            place_label(cr, &L, x, y, label_of(r), taken, &n_taken);
        else
            text_at(cr, x + 10, y - 4, label_of(r), 0, 1);
        /* Right panel: curves, and closed-form marks at their finishing time. */
        cairo_save(cr);
        cairo_rectangle(cr, R.x0, R.y0, R.w, R.h);
        cairo_clip(cr);
        cairo_set_source_rgb(cr, c[0], c[1], c[2]);
        cairo_set_line_width(cr, 2);
        const json_t *hist = json_object_get(r, "history");
        if (json_array_size(hist) > 0) {
            size_t j;
            const json_t *h;
            int first = 1;
            double lx = 0, ly = 0;
            json_array_foreach(hist, j, h) {
                double hs = num(h, "seconds"), ha = num(h, "test_accuracy");
                if (!(hs > 0) || !isfinite(ha))
                    continue;
                lx = px(&R, hs);
                ly = py(&R, ha);
                if (first)
                    cairo_move_to(cr, lx, ly);
                else
                    cairo_line_to(cr, lx, ly);
                first = 0;
            }
            cairo_stroke(cr);
            json_array_foreach(hist, j, h) {
                double hs = num(h, "seconds"), ha = num(h, "test_accuracy");
                if (hs > 0 && isfinite(ha)) {
                    cairo_arc(cr, px(&R, hs), py(&R, ha), 3, 0, 2 * M_PI);
                    cairo_fill(cr);
                }
            }
            if (!first) {    /* the label in its curve's colour */
                if (taken_r)
                    place_label(cr, &R, lx, ly, label_of(r), taken_r, &n_taken_r);
                else
                    text_at(cr, lx - 4, ly - 6, label_of(r), 1, 1);
            }
        } else {
            /* Closed-form results as a mark at their finishing time; an
             * iterative learner without per-epoch test accuracy (an
             * autoencoder's classifier comes after it) as its final point. */
            double x1 = px(&R, t), y1 = py(&R, a);
            if (is_closed(r)) {
                cairo_set_line_width(cr, 3);
                cairo_move_to(cr, x1 - 22, y1);
                cairo_line_to(cr, x1 + 22, y1);
                cairo_stroke(cr);
            } else {
                cairo_arc(cr, x1, y1, 5, 0, 2 * M_PI);
                cairo_fill(cr);
            }
            if (is_closed(r))    /* iterative labels keep their colour */
                cairo_set_source_rgb(cr, 0.1, 0.1, 0.1);
            if (taken_r)
                place_label(cr, &R, x1 + (is_closed(r) ? 16 : 0), y1, label_of(r), taken_r,
                            &n_taken_r);
            else
                text_at(cr, x1 + 26, y1, label_of(r), 0, 0.5);
        }
        cairo_restore(cr);
    }
    free(taken);
    free(taken_r);
    /* Legend. */
    cairo_set_font_size(cr, 13);
    double lx = L.x0 + 12, ly = L.y0 + 18;
    cairo_set_source_rgba(cr, 1, 1, 1, 0.85);
    cairo_rectangle(cr, lx - 6, ly - 12, 190, 62);
    cairo_fill(cr);
    cairo_set_source_rgb(cr, COL_CLOSED[0], COL_CLOSED[1], COL_CLOSED[2]);
    cairo_rectangle(cr, lx, ly - 6, 12, 12);
    cairo_fill(cr);
    cairo_set_source_rgb(cr, COL_ITER[0][0], COL_ITER[0][1], COL_ITER[0][2]);
    cairo_arc(cr, lx + 6, ly + 18, 6.5, 0, 2 * M_PI);
    cairo_fill(cr);
    cairo_set_source_rgb(cr, 0.3, 0.3, 0.3);
    cairo_set_dash(cr, dash, 2, 0);
    cairo_move_to(cr, lx - 2, ly + 38);
    cairo_line_to(cr, lx + 14, ly + 38);
    cairo_stroke(cr);
    cairo_set_dash(cr, NULL, 0, 0);
    cairo_set_source_rgb(cr, 0.1, 0.1, 0.1);
    text_at(cr, lx + 22, ly, "closed-form", 0, 0.5);
    text_at(cr, lx + 22, ly + 18, "iterative, a colour each", 0, 0.5);
    text_at(cr, lx + 22, ly + 38, "Pareto front", 0, 0.5);
    cairo_status_t st = cairo_status(cr);
    cairo_destroy(cr);
    if (st != CAIRO_STATUS_SUCCESS) {
        cairo_surface_destroy(s);
        return cli_fail("%s: drawing failed: %s", path, cairo_status_to_string(st));
    }
    int rc = plot_save_png(s, path);
    cairo_surface_destroy(s);
    return rc;
}
