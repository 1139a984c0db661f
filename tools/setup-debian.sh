#!/usr/bin/env bash
# Installs what building and testing libpiiscan needs on Debian 12 (as root).
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq build-essential cmake ninja-build pkg-config \
  libpcre2-dev libarchive-dev zlib1g-dev libmagic-dev libcriterion-dev \
  libexpat1-dev libssl-dev libpoppler-glib-dev \
  python3 python3-cryptography python3-jsonschema chromium file binutils git p7zip-full qpdf \
  zip golang-go python3-dev python3-venv python3-pip python3-setuptools python3-wheel python3-pytest python3-stdnum \
  clang libclang-rt-14-dev time >/dev/null
# clang + libclang-rt-14-dev: the libFuzzer run (fuzz/ci.sh); time: GNU time
# measures the peak memory of each hostile-input case (tests/hostile).
