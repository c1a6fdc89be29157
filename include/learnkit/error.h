/* learnkit/error.h — status codes and the caller-owned error record.
 *
 * Every fallible learnkit function returns an lk_status and, when the caller
 * passes a non-NULL lk_error, fills it with where the problem is (a source such
 * as a file name or an option, and a place such as "17:3" for line 17 field 3)
 * and what was expected.  The library never prints, exits or aborts on
 * anything its input can cause: it returns one of these codes.
 *
 * All records are filled through lk_error_set(), so a single breakpoint
 * catches every error the library reports. */
#ifndef LEARNKIT_ERROR_H
#define LEARNKIT_ERROR_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum lk_status {
    LK_OK = 0,
    LK_ENOMEM,      /* an allocation failed, or a size overflowed size_t       */
    LK_EINVAL,      /* an argument or parameter is out of its domain             */
    LK_EIO,         /* a read, write, rename or open failed                      */
    LK_EFORMAT,     /* input bytes do not follow their format                    */
    LK_ENUMERIC,    /* NaN or infinite values, divergence, LAPACK info > 0       */
    LK_ETOOBIG,     /* the work would need more memory than allowed              */
    LK_ENOTFOUND,   /* a named dataset, file, key or entry does not exist        */
    LK_EUNSUPPORTED /* a valid request this build or file version cannot serve   */
} lk_status;

#define LK_ERROR_SOURCE_MAX 256
#define LK_ERROR_PLACE_MAX 64
#define LK_ERROR_TEXT_MAX 512

typedef struct lk_error {
    lk_status status;
    char source[LK_ERROR_SOURCE_MAX]; /* file name, option or module: "train.csv" */
    char place[LK_ERROR_PLACE_MAX];   /* "17:3", "byte 4096", "element 2"; may be empty */
    char text[LK_ERROR_TEXT_MAX];     /* what was expected                          */
} lk_error;

/* Fill err (if non-NULL) and return status, so callers can write
 *     return lk_error_set(err, LK_EFORMAT, path, "line 3", "expected %d fields", n);
 * source and place may be NULL.  The text is formatted like printf. */
lk_status lk_error_set(lk_error *err, lk_status status, const char *source,
                       const char *place, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

/* Reset a record to LK_OK with empty fields. */
void lk_error_clear(lk_error *err);

/* Write "SOURCE:PLACE: text" (parts that are empty left out) into buf, which
 * holds n bytes; returns buf.  This is the text after "learnkit: " in every
 * command-line message. */
char *lk_error_format(const lk_error *err, char *buf, size_t n);

/* A short lowercase name of a status: "out of memory", "format error", ... */
const char *lk_status_str(lk_status status);

#ifdef __cplusplus
}
#endif
#endif
