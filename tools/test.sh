#!/usr/bin/env bash
# The test command (README.md): builds and runs every test.
#   1. normal build with -Werror: Criterion unit tests + CLI end-to-end tests (ctest)
#   2. the same under AddressSanitizer + UndefinedBehaviorSanitizer
#   3. libFuzzer: every fuzz target for PIISCAN_FUZZ_SECONDS (default 30; 0 skips)
#      with ASan+UBSan (fuzz/ci.sh; needs clang and libclang-rt-14-dev)
#   4. install to a temporary prefix; build the C example through pkg-config and
#      through find_package(piiscan); run it and check that it finds an RRN.
#   4. the Go and Python bindings, built and tested against that installed library.
# Needs: cmake, a C compiler, pkg-config, libpcre2-dev, libcriterion-dev, python3
# (tools/setup-debian.sh installs them on Debian 12).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
jobs=$(nproc 2>/dev/null || echo 2)
gen=()
command -v ninja >/dev/null && gen=(-G Ninja)

step() { printf '\n==== %s\n' "$*"; }

step "normal build (-Werror)"
cmake -S . -B build "${gen[@]}" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DPIISCAN_WERROR=ON >/dev/null
cmake --build build -j "$jobs"
step "tests (normal build)"
ctest --test-dir build --output-on-failure -j "$jobs"

step "sanitizer build (ASan + UBSan, -Werror)"
cmake -S . -B build-asan "${gen[@]}" -DCMAKE_BUILD_TYPE=Debug -DPIISCAN_SANITIZE=ON \
  -DPIISCAN_WERROR=ON >/dev/null
cmake --build build-asan -j "$jobs"
step "tests (sanitizer build)"
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  ctest --test-dir build-asan --output-on-failure -j "$jobs"

fuzz_secs=${PIISCAN_FUZZ_SECONDS:-30}
if [ "$fuzz_secs" != 0 ]; then
  step "fuzz targets, ${fuzz_secs} s each (fuzz/ci.sh)"
  if command -v clang >/dev/null; then
    bash fuzz/ci.sh "$fuzz_secs"
  elif [ -n "${CI:-}" ]; then
    echo "FAIL: clang is not installed (tools/setup-debian.sh installs it)"; exit 1
  else
    echo "SKIP: clang is not installed"
  fi
fi

step "installed library: pkg-config and find_package"
prefix=$(mktemp -d /tmp/piiscan-install.XXXXXX)
trap 'rm -rf "$prefix"' EXIT
cmake --install build --prefix "$prefix" >/dev/null
pcdir=$(dirname "$(find "$prefix" -name piiscan.pc | head -1)")
libdir=$(dirname "$pcdir")
export PKG_CONFIG_PATH="$pcdir"
# shellcheck disable=SC2046
cc -std=c11 -Wall -Wextra -Werror examples/find_rrn.c $(pkg-config --cflags --libs piiscan) \
  -Wl,-rpath,"$libdir" -o "$prefix/find_rrn"
out=$(printf '주민등록번호: 900101-1234568\n' | "$prefix/find_rrn")
echo "$out"
grep -q '^kr_rrn line 1 offset 20: 900101-1\*\*\*\*\*\* (checksum, high)' <<<"$out" ||
  { echo "FAIL: the pkg-config build of examples/find_rrn.c did not find the RRN"; exit 1; }
if grep -q '1234568' <<<"$out"; then echo "FAIL: raw value printed"; exit 1; fi
cmake -S examples/cmake-consumer -B "$prefix/consumer" "${gen[@]}" -DCMAKE_PREFIX_PATH="$prefix" >/dev/null
cmake --build "$prefix/consumer" >/dev/null
out=$(printf 'RRN 900101-1234568\n' | "$prefix/consumer/find_rrn")
grep -q '^kr_rrn line 1 offset 4: 900101-1\*\*\*\*\*\*' <<<"$out" ||
  { echo "FAIL: the find_package build of examples/find_rrn.c did not find the RRN"; exit 1; }
# Only piiscan_* symbols leave the shared library.
bad=$(nm -D --defined-only "$libdir"/libpiiscan.so | awk '$2 ~ /[TDBR]/ {print $3}' | grep -v '^piiscan_' || true)
[ -z "$bad" ] || { echo "FAIL: non-piiscan_ symbols exported: $bad"; exit 1; }

step "Go binding (go vet, go test -race) against the installed library"
bash bindings/go/run-tests.sh "$prefix"

if [ -x bindings/python/run-tests.sh ] || [ -f bindings/python/run-tests.sh ]; then
  step "Python binding (pytest) against the installed library"
  bash bindings/python/run-tests.sh "$prefix"
fi

step "all tests passed"
