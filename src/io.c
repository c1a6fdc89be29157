/* io.c — whole-file reads (plain or gzip) and atomic writes. */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>
#include <learnkit/io.h>
#include <learnkit/mat.h>

lk_status lk_write_atomic(const char *path, const void *buf, size_t n, lk_error *err)
{
    size_t len = strlen(path);
    char *tmp = malloc(len + 16);
    if (!tmp)
        return lk_error_set(err, LK_ENOMEM, path, NULL, "out of memory");
    /* The temporary lives beside the target so rename() stays on one file
     * system and is atomic. */
    memcpy(tmp, path, len);
    memcpy(tmp + len, ".tmp.XXXXXX", 12);
    int fd = mkstemp(tmp);
    if (fd < 0) {
        lk_status s = lk_error_set(err, LK_EIO, path, NULL, "cannot create a file here: %s",
                                   strerror(errno));
        free(tmp);
        return s;
    }
    const unsigned char *p = buf;
    size_t left = n;
    while (left > 0) {
        ssize_t w = write(fd, p, left);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            goto fail;
        p += w;
        left -= (size_t)w;
    }
    if (fchmod(fd, 0644) != 0 || fsync(fd) != 0)
        goto fail;
    if (close(fd) != 0) {
        fd = -1;
        goto fail;
    }
    fd = -1;
    if (rename(tmp, path) != 0)
        goto fail;
    free(tmp);
    return LK_OK;
fail:;
    int e = errno;
    if (fd >= 0)
        close(fd);
    unlink(tmp);
    free(tmp);
    return lk_error_set(err, LK_EIO, path, NULL, "cannot write: %s", strerror(e));
}

lk_status lk_read_file(const char *path, size_t max_bytes, unsigned char **buf,
                       size_t *n, lk_error *err)
{
    *buf = NULL;
    *n = 0;
    FILE *f = fopen(path, "rb");
    if (!f)
        return lk_error_set(err, errno == ENOENT ? LK_ENOTFOUND : LK_EIO, path, NULL,
                            "cannot open: %s", strerror(errno));
    struct stat st;
    if (fstat(fileno(f), &st) != 0 || !S_ISREG(st.st_mode)) {
        fclose(f);
        return lk_error_set(err, LK_EIO, path, NULL, "not a regular file");
    }
    size_t size = (size_t)st.st_size;
    if (max_bytes && size > max_bytes) {
        fclose(f);
        return lk_error_set(err, LK_ETOOBIG, path, NULL,
                            "file of %zu bytes exceeds the limit of %zu", size, max_bytes);
    }
    unsigned char *data = lk_alloc_aligned(size + 1);
    if (!data) {
        fclose(f);
        return lk_error_set(err, LK_ENOMEM, path, NULL, "cannot hold %zu bytes", size);
    }
    size_t got = fread(data, 1, size, f);
    int failed = ferror(f);
    fclose(f);
    if (failed || got != size) {
        free(data);
        return lk_error_set(err, LK_EIO, path, NULL, "read %zu of %zu bytes", got, size);
    }
    data[size] = '\0';
    *buf = data;
    *n = size;
    return LK_OK;
}

/* The gzip trailer's ISIZE field: the uncompressed size modulo 2^32 of the
 * last member, used only as a first guess for the buffer.  A truncated or
 * damaged file has arbitrary bytes there, so the guess is believed only up
 * to what deflate can expand the file to (at most 1032:1); past that the
 * buffer simply grows as data arrives. */
static size_t gzip_size_hint(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return 0;
    unsigned char t[4];
    size_t hint = 0;
    long size = 0;
    if (fseek(f, -4, SEEK_END) == 0 && fread(t, 1, 4, f) == 4 && fseek(f, 0, SEEK_END) == 0 &&
        (size = ftell(f)) > 0)
        hint = (size_t)t[0] | (size_t)t[1] << 8 | (size_t)t[2] << 16 | (size_t)t[3] << 24;
    fclose(f);
    if (size > 0 && hint / 1032 > (size_t)size)
        hint = 0;
    return hint;
}

static int is_gzip(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return 0;
    unsigned char m[2] = { 0, 0 };
    size_t got = fread(m, 1, 2, f);
    fclose(f);
    return got == 2 && m[0] == 0x1f && m[1] == 0x8b;
}

lk_status lk_read_maybe_gz(const char *path, size_t max_bytes, unsigned char **buf,
                           size_t *n, lk_error *err)
{
    if (!is_gzip(path))
        return lk_read_file(path, max_bytes, buf, n, err);
    *buf = NULL;
    *n = 0;
    gzFile gz = gzopen(path, "rb");
    if (!gz)
        return lk_error_set(err, LK_EIO, path, NULL, "cannot open: %s", strerror(errno));
    gzbuffer(gz, 1 << 17);
    size_t cap = gzip_size_hint(path) + 1;
    if (cap < 4096)
        cap = 4096;
    if (max_bytes && cap > max_bytes + 1)
        cap = max_bytes + 1;
    /* Huge-page friendly when large (see lk_alloc_aligned); free() and
     * realloc() accept it. */
    unsigned char *data = lk_alloc_aligned(cap + 1);
    size_t len = 0;
    lk_status status = LK_OK;
    if (!data) {
        status = lk_error_set(err, LK_ENOMEM, path, NULL, "out of memory");
        goto done;
    }
    for (;;) {
        if (len == cap) {
            if (max_bytes && len > max_bytes) {
                status = lk_error_set(err, LK_ETOOBIG, path, NULL,
                                      "decompresses to more than %zu bytes", max_bytes);
                goto done;
            }
            size_t ncap = cap > SIZE_MAX / 2 ? SIZE_MAX - 1 : cap * 2;
            unsigned char *grown = realloc(data, ncap + 1);
            if (!grown) {
                status = lk_error_set(err, LK_ENOMEM, path, NULL, "out of memory");
                goto done;
            }
            data = grown;
            cap = ncap;
        }
        size_t want = cap - len;
        if (want > (1u << 30))
            want = 1u << 30;
        int got = gzread(gz, data + len, (unsigned)want);
        if (got < 0) {
            int code;
            const char *msg = gzerror(gz, &code);
            status = lk_error_set(err, LK_EFORMAT, path, NULL,
                                  "corrupt gzip data after %zu bytes: %s", len, msg);
            goto done;
        }
        if (got == 0)
            break;
        len += (size_t)got;
    }
    int code = Z_OK;
    const char *msg = gzerror(gz, &code);
    if (code != Z_OK) {
        status = lk_error_set(err, LK_EFORMAT, path, NULL,
                              "truncated or corrupt gzip data after %zu bytes: %s", len, msg);
        goto done;
    }
    if (max_bytes && len > max_bytes) {
        status = lk_error_set(err, LK_ETOOBIG, path, NULL,
                              "decompresses to more than %zu bytes", max_bytes);
        goto done;
    }
done:
    gzclose(gz);
    if (status != LK_OK) {
        free(data);
        return status;
    }
    data[len] = '\0';
    *buf = data;
    *n = len;
    return LK_OK;
}
