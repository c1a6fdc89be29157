/* error.c — the single setter of lk_error records. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <learnkit/error.h>

static void copy_field(char *dst, size_t cap, const char *src)
{
    if (!src) {
        dst[0] = '\0';
        return;
    }
    size_t n = strlen(src);
    if (n >= cap)
        n = cap - 1;
    memcpy(dst, src, n);
    dst[n] = '\0';
}

lk_status lk_error_set(lk_error *err, lk_status status, const char *source,
                       const char *place, const char *fmt, ...)
{
    if (!err)
        return status;
    err->status = status;
    copy_field(err->source, sizeof err->source, source);
    copy_field(err->place, sizeof err->place, place);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->text, sizeof err->text, fmt, ap);
    va_end(ap);
    return status;
}

void lk_error_clear(lk_error *err)
{
    if (!err)
        return;
    err->status = LK_OK;
    err->source[0] = err->place[0] = err->text[0] = '\0';
}

char *lk_error_format(const lk_error *err, char *buf, size_t n)
{
    if (!buf || n == 0)
        return buf;
    const char *text = err->text[0] ? err->text : lk_status_str(err->status);
    if (err->source[0] && err->place[0])
        snprintf(buf, n, "%s:%s: %s", err->source, err->place, text);
    else if (err->source[0])
        snprintf(buf, n, "%s: %s", err->source, text);
    else
        snprintf(buf, n, "%s", text);
    return buf;
}

const char *lk_status_str(lk_status status)
{
    switch (status) {
    case LK_OK: return "success";
    case LK_ENOMEM: return "out of memory";
    case LK_EINVAL: return "invalid argument";
    case LK_EIO: return "input/output error";
    case LK_EFORMAT: return "format error";
    case LK_ENUMERIC: return "numerical failure";
    case LK_ETOOBIG: return "too large for the memory allowed";
    case LK_ENOTFOUND: return "not found";
    case LK_EUNSUPPORTED: return "not supported";
    }
    return "unknown status";
}
