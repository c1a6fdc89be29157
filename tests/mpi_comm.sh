#!/bin/sh
# The communication module on 1 to 4 ranks: sums, broadcasts, a ring of
# sends, a gather of variable sizes and the failure agreement.
. "${top_srcdir:-.}/tests/mpi.sh.inc"
mpi_ranks "${top_builddir:-.}/tests/comm_test"
exit $status
