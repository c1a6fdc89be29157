#!/bin/sh
# The communication module on 1 to 4 ranks: sums, broadcasts, a ring of
# sends, a gather of variable sizes and the failure agreement.
. "${top_srcdir:-.}/tests/mpi.sh.inc"
status=0
for n in 1 2 3 4; do
    if LK_TEST_RANKS=$n mpi "$n" "${top_builddir:-.}/tests/comm_test"; then
        echo "ok: comm_test on $n ranks"
    else
        echo "FAIL: comm_test on $n ranks"
        status=1
    fi
done
exit $status
