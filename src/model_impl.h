/* model_impl.h — the in-memory form of an lk_model, shared by model.c (the
 * entries and their getters) and model_file.c (the file format).  Private. */
#ifndef LEARNKIT_MODEL_IMPL_H
#define LEARNKIT_MODEL_IMPL_H

#include <stddef.h>
#include <stdint.h>
#include <learnkit/model.h>

#define KEY_MAX 255
#define HEADER_BYTES 16
#define ENTRY_HEAD 11       /* type + key length + payload length */
#define ARRAY_HEAD 17       /* element size + rows + cols */
/* Models are read whole; 16 GiB is far beyond any learner here. */
#define MODEL_MAX_BYTES ((size_t)1 << 34)

typedef struct entry {
    char *key;
    lk_entry_type type;
    int64_t i;
    double r;
    char *s;
    size_t n_strs;
    char **strs;
    size_t rows, cols, elem_size;
    void *data;
} entry;

struct lk_model {
    char *kind;
    char *source;       /* file it came from, for messages */
    int major, minor;
    size_t n, cap;
    entry *e;
};


/* The file magic: 89 'L' 'K' 'M' CR LF 1A LF. */
extern const unsigned char LKI_MODEL_MAGIC[8];

/* strdup that returns NULL when out of memory. */
char *lki_dup_str(const char *s);

#endif
