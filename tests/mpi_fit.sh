#!/bin/sh
# Data-parallel fits on 1 to 4 ranks equal the one-process fits.
. "${top_srcdir:-.}/tests/mpi.sh.inc"
mpi_ranks "${top_builddir:-.}/tests/mpi_fit_test"
exit $status
