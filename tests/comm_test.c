/* comm_test.c — the communication module, run alone (a world of one) and by
 * tests/mpi_comm.sh under mpirun -n 1..4, where every rank runs the same
 * checks.  Check's fork mode is off: a forked child must not touch MPI. */
#include <stdlib.h>
#include <string.h>
#include <learnkit.h>
#include "testhelp.h"

static lk_comm *C;
static int R, P;

START_TEST(test_share_covers_rows)
{
    /* Every n, every world size: contiguous shares, in order, differing by
     * at most one row, covering 0..n exactly. */
    for (size_t n = 0; n < 50; n += 7)
        for (int p = 1; p <= 9; p++) {
            size_t prev_end = 0, lo = (size_t)-1, hi = 0;
            for (int r = 0; r < p; r++) {
                size_t b, e;
                lk_comm_share(n, r, p, &b, &e);
                ck_assert_uint_eq(b, prev_end);
                ck_assert_uint_ge(e, b);
                lo = e - b < lo ? e - b : lo;
                hi = e - b > hi ? e - b : hi;
                prev_end = e;
            }
            ck_assert_uint_eq(prev_end, n);
            ck_assert_uint_le(hi - lo, 1);
        }
}
END_TEST

START_TEST(test_sums_and_max)
{
    ck_assert_int_eq(lk_comm_size(C), P);
    ck_assert_int_lt(lk_comm_rank(C), P);
    /* Values that depend on the rank, summed: 2.385 * (0 + 1 + ... + P-1)
     * plus a per-position offset, in double, lk_real and u64. */
    double d[3];
    lk_real f[3];
    uint64_t u[3];
    for (int j = 0; j < 3; j++) {
        d[j] = 2.385 * R + j;
        f[j] = (lk_real)(0.5 * R + j);
        u[j] = ((uint64_t)1 << 40) * (uint64_t)R + (uint64_t)j;
    }
    ck_assert_int_eq(lk_comm_sum(C, d, 3, NULL), LK_OK);
    ck_assert_int_eq(lk_comm_sum_real(C, f, 3, NULL), LK_OK);
    ck_assert_int_eq(lk_comm_sum_u64(C, u, 3, NULL), LK_OK);
    double tri = P * (P - 1) / 2.0;
    for (int j = 0; j < 3; j++) {
        ck_assert_double_eq_tol(d[j], 2.385 * tri + P * j, 1e-12);
        ck_assert_double_eq_tol(f[j], 0.5 * tri + P * j, 1e-6);
        ck_assert_uint_eq(u[j], ((uint64_t)1 << 40) * (uint64_t)tri + (uint64_t)(P * j));
    }
    double m[2] = { (double)R, -(double)R };
    ck_assert_int_eq(lk_comm_max(C, m, 2, NULL), LK_OK);
    ck_assert_double_eq(m[0], P - 1);
    ck_assert_double_eq(m[1], 0);
}
END_TEST

START_TEST(test_broadcast_and_ring)
{
    char text[32];
    snprintf(text, sizeof text, "rank %d", R);
    ck_assert_int_eq(lk_comm_bcast(C, text, sizeof text, P - 1, NULL), LK_OK);
    char want[32];
    snprintf(want, sizeof want, "rank %d", P - 1);
    ck_assert_str_eq(text, want);
    if (P < 2) {
        /* Nobody to talk to: refused, not hung. */
        lk_error err;
        ck_assert_int_eq(lk_comm_send(C, text, 1, 1, &err), LK_EINVAL);
        return;
    }
    /* A ring: even ranks send first, so nobody waits on a blocked peer. */
    double mine[4] = { R, R + 0.25, R + 0.5, R + 0.75 }, got[4];
    int to = (R + 1) % P, from = (R + P - 1) % P;
    if (R % 2 == 0) {
        ck_assert_int_eq(lk_comm_send(C, mine, sizeof mine, to, NULL), LK_OK);
        ck_assert_int_eq(lk_comm_recv(C, got, sizeof got, from, NULL), LK_OK);
    } else {
        ck_assert_int_eq(lk_comm_recv(C, got, sizeof got, from, NULL), LK_OK);
        ck_assert_int_eq(lk_comm_send(C, mine, sizeof mine, to, NULL), LK_OK);
    }
    ck_assert_double_eq(got[0], from);
    ck_assert_double_eq(got[3], from + 0.75);
    ck_assert_uint_gt(lk_comm_bytes(C), 0);
}
END_TEST

START_TEST(test_allgather_variable_sizes)
{
    /* Rank r gives r + 1 bytes of the letter 'a' + r. */
    char mine[16];
    memset(mine, 'a' + R, (size_t)R + 1);
    size_t counts[16];
    void *all;
    ck_assert_int_eq(lk_comm_allgather(C, mine, (size_t)R + 1, &all, counts, NULL), LK_OK);
    const char *p = all;
    for (int r = 0; r < P; r++) {
        ck_assert_uint_eq(counts[r], (size_t)r + 1);
        for (int i = 0; i <= r; i++)
            ck_assert_int_eq(*p++, 'a' + r);
    }
    free(all);
}
END_TEST

START_TEST(test_agree)
{
    lk_error err;
    lk_error_clear(&err);
    ck_assert_int_eq(lk_comm_agree(C, LK_OK, &err), LK_OK);
    /* The last rank fails: every rank learns its status and its message. */
    lk_status mine = LK_OK;
    if (R == P - 1)
        mine = lk_error_set(&err, LK_EFORMAT, "train.csv", "17:3", "\"4.2.1\" is not a number");
    ck_assert_int_eq(lk_comm_agree(C, mine, &err), LK_EFORMAT);
    ck_assert_str_eq(err.source, "train.csv");
    ck_assert_str_eq(err.place, "17:3");
    /* Every rank fails differently: the lowest rank's record wins. */
    lk_error_set(&err, R == 0 ? LK_ETOOBIG : LK_ENOMEM, "rank", NULL, "failure on %d", R);
    ck_assert_int_eq(lk_comm_agree(C, err.status, &err), LK_ETOOBIG);
    ck_assert_str_eq(err.text, "failure on 0");
}
END_TEST

int main(int argc, char **argv)
{
    if (!(C = th_mpi_start(&argc, &argv, "comm_test")))
        return 1;
    R = lk_comm_rank(C);
    P = lk_comm_size(C);
    Suite *s = suite_create("comm");
    TCase *core = tcase_create("core");
    tcase_add_test(core, test_share_covers_rows);
    tcase_add_test(core, test_sums_and_max);
    tcase_add_test(core, test_broadcast_and_ring);
    tcase_add_test(core, test_allgather_variable_sizes);
    TCase *errors = tcase_create("errors");
    tcase_add_test(errors, test_agree);
    suite_add_tcase(s, core);
    suite_add_tcase(s, errors);
    return th_run_mpi_suite(s, C);
}
