/* names.c — lookups in tables of names, and the list a refusal shows. */
#include <stdio.h>
#include <string.h>
#include <learnkit/names.h>

static const char *field(const char *const *first, size_t stride, size_t k)
{
    return *(const char *const *)(const void *)((const char *)first + k * stride);
}

const char *lk_names_at(const lk_names *t, size_t k)
{
    return k < t->n ? field(t->first, t->stride, k) : NULL;
}

char *lk_names_list(const lk_names *t, char *buf, size_t size)
{
    size_t count = 0, seen = 0, len = 0;
    if (size == 0)
        return buf;
    buf[0] = '\0';
    for (size_t k = 0; k < t->n; k++)
        count += lk_names_at(t, k) != NULL;
    for (size_t k = 0; k < t->n && len < size; k++) {
        const char *name = lk_names_at(t, k);
        if (!name)
            continue;
        const char *hint = t->hint ? field(t->hint, t->stride, k) : NULL;
        const char *sep = seen == 0 ? "" : seen + 1 == count ? " or " : ", ";
        int w = snprintf(buf + len, size - len, "%s%s%s", sep, name, hint ? hint : "");
        if (w < 0)
            break;
        len += (size_t)w;
        seen++;
    }
    return buf;
}

lk_status lk_names_find(const lk_names *t, const char *text, const char *source, int *out,
                        lk_error *err)
{
    for (size_t k = 0; k < t->n; k++) {
        const char *name = lk_names_at(t, k);
        if (name && strcmp(text, name) == 0) {
            *out = (int)k;
            return LK_OK;
        }
    }
    char list[LK_ERROR_TEXT_MAX];
    return lk_error_set(err, LK_EINVAL, source, NULL, "unknown %s '%s' (expected %s)", t->what,
                        text, lk_names_list(t, list, sizeof list));
}
