#!/bin/sh
# Quick start: install the dependencies, build learnkit, fetch MNIST and
# train an extreme learning machine on it.
#   MNIST_FROM=DIR  take the MNIST files from DIR instead of downloading them
set -e
cd "$(dirname "$0")/.."
sh scripts/install-deps.sh
[ -x configure ] || autoreconf -fi
[ -f Makefile ] || ./configure
make -j"$(nproc)"
./learnkit fetch mnist ${MNIST_FROM:+--from "$MNIST_FROM"}
./learnkit elm --hidden 1000
