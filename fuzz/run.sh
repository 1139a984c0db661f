#!/usr/bin/env bash
# Runs the libFuzzer targets: fuzz/run.sh [SECONDS] [TARGET...]  (default 60 s, all targets).
# Builds with clang into build-fuzz (apt-get install -y clang libclang-rt-14-dev).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
secs=${1:-60}
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=($(cd "$root/fuzz" && ls fuzz_*.c | sed "s/\.c$//"))
CC=clang cmake -S "$root" -B "$root/build-fuzz" -DPIISCAN_FUZZ=ON -DPIISCAN_BUILD_TESTS=OFF \
  -DPIISCAN_BUILD_CLI=OFF -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$root/build-fuzz" -j "$(nproc)" --target "${targets[@]}"
for t in "${targets[@]}"; do
  work="$root/build-fuzz/corpus-$t"
  mkdir -p "$work"
  echo "== $t for ${secs}s"
  "$root/build-fuzz/fuzz/$t" -max_total_time="$secs" -max_len=65536 -timeout=10 \
    -print_final_stats=1 "$work" "$root/fuzz/corpus/$t" 2>&1 | grep -E "stat::number_of_executed_units|ERROR|SUMMARY|crash-" || true
done
