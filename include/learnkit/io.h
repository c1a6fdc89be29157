/* learnkit/io.h — whole-file reads and atomic writes.
 *
 * Every file learnkit writes (models, pictures, fetched data) goes through
 * lk_write_atomic: the bytes go to a temporary in the target's directory,
 * are flushed to disk, and the temporary is renamed over the target.  A
 * failure or an interruption leaves no partial file and never damages an
 * existing one. */
#ifndef LEARNKIT_IO_H
#define LEARNKIT_IO_H

#include <stddef.h>
#include <learnkit/error.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Write n bytes to path atomically.  LK_EIO naming the path and the system's
 * reason on failure. */
lk_status lk_write_atomic(const char *path, const void *buf, size_t n, lk_error *err);

/* Read a whole file into a malloc'ed buffer (freed by the caller with free()).
 * Files larger than max_bytes are refused with LK_ETOOBIG (max_bytes = 0: no
 * limit).  A trailing NUL is added after the n bytes for the convenience of
 * text parsers (not counted in *n). */
lk_status lk_read_file(const char *path, size_t max_bytes, unsigned char **buf,
                       size_t *n, lk_error *err);

/* Read a file that may be gzip-compressed (detected by its magic bytes, not
 * its name) into a malloc'ed buffer, decompressing through zlib; same
 * contract as lk_read_file, max_bytes bounding the decompressed size.  A
 * corrupt or truncated gzip stream is LK_EFORMAT naming the path. */
lk_status lk_read_maybe_gz(const char *path, size_t max_bytes, unsigned char **buf,
                           size_t *n, lk_error *err);

#ifdef __cplusplus
}
#endif
#endif
