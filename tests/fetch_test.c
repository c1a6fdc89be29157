/* fetch_test.c — registered datasets: SHA-256 through nettle, and a file
 * with the right name and the wrong bytes refused without installing it. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>
#include "testhelp.h"

START_TEST(test_sha256_and_remote_install)
{
    char hex[65];
    lk_sha256_hex("abc", 3, hex);
    ck_assert_str_eq(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    const lk_remote_dataset *d = lk_remote_find("mnist");
    ck_assert_ptr_nonnull(d);
    ck_assert_uint_eq(d->n_files, 4);
    ck_assert_ptr_null(lk_remote_find("cifar"));
    /* A file with the right name and the wrong bytes is refused, and
     * nothing is installed. */
    char src[256];
    snprintf(src, sizeof src, "%s", th_write("t10k-labels-idx1-ubyte.gz", "not labels", 10, 1));
    char dest[128];
    snprintf(dest, sizeof dest, "%s/dest", th_tmpdir);
    mkdir(dest, 0755);
    lk_error err;
    ck_assert_int_eq(lk_remote_install(&d->files[3], src, dest, &err), LK_EFORMAT);
    ck_assert_ptr_nonnull(strstr(err.text, "10 bytes, expected 10008"));
    ck_assert(!lk_remote_present(&d->files[3], dest));
    char probe[256];
    snprintf(probe, sizeof probe, "%s/t10k-labels-idx1-ubyte.gz", dest);
    ck_assert_int_ne(access(probe, F_OK), 0);
}
END_TEST

static Suite *fetch_suite(void)
{
    Suite *s = suite_create("fetch");
    TCase *core = tcase_create("core");
    tcase_add_checked_fixture(core, th_tmpdir_setup, th_tmpdir_teardown);
    tcase_add_test(core, test_sha256_and_remote_install);
    suite_add_tcase(s, core);
    return s;
}

int main(void) { return th_run_suite(fetch_suite()); }
