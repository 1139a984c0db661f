#!/usr/bin/env bash
# CI fuzzing: fuzz/ci.sh [SECONDS]   (default 30 s per target; tools/test.sh runs it)
#
# Builds every fuzz/fuzz_*.c as a libFuzzer binary with clang and
# -fsanitize=fuzzer,address,undefined (UBSan made fatal), then runs each for
# SECONDS from its seed corpus (fuzz/corpus/<target>, copied: the checkout is
# not written).  Fails if any target crashes, leaks, times out (25 s for one
# input), runs out of memory (2 GB) or reports undefined behaviour; the input
# that did it is kept under build-fuzz-ci/artifacts/<target>/ — add it to
# fuzz/corpus/<target>/ with the fix, so the standalone replay ctests
# (fuzz_<target>_corpus) keep it fixed.  Prints executions per target.
# Needs clang and libFuzzer (Debian 12: apt-get install clang libclang-rt-14-dev).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
secs=${1:-30}
build=${PIISCAN_FUZZ_BUILD:-$root/build-fuzz-ci}
gen=()
command -v ninja >/dev/null && gen=(-G Ninja)
CC=clang cmake -S "$root" -B "$build" "${gen[@]}" -DPIISCAN_FUZZ=ON -DPIISCAN_BUILD_TESTS=OFF \
  -DPIISCAN_BUILD_CLI=OFF -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_C_FLAGS="-fno-sanitize-recover=undefined" >/dev/null
mapfile -t targets < <(cd "$root/fuzz" && ls fuzz_*.c | sed 's/\.c$//')
cmake --build "$build" -j "$(nproc 2>/dev/null || echo 2)" --target "${targets[@]}"

export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
failed=()
summary=()
for t in "${targets[@]}"; do
  work="$build/ci/$t"
  rm -rf "$work"
  mkdir -p "$work/corpus" "$build/artifacts/$t"
  cp -r "$root/fuzz/corpus/$t/." "$work/corpus/" 2>/dev/null || true
  echo "== $t for ${secs}s"
  rc=0
  "$build/fuzz/$t" -max_total_time="$secs" -max_len=65536 -timeout=25 -rss_limit_mb=2048 \
    -print_final_stats=1 -artifact_prefix="$build/artifacts/$t/" "$work/corpus" \
    >"$work/log" 2>&1 || rc=$?
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$work/log")
  if [ $rc -ne 0 ] || grep -q "runtime error:" "$work/log"; then
    failed+=("$t")
    summary+=("$(printf '%-20s %12s FAILED (exit %d)' "$t" "${execs:-?}" "$rc")")
    grep -E -A40 "ERROR|runtime error|SUMMARY|Test unit written" "$work/log" | head -80 || tail -40 "$work/log"
  else
    summary+=("$(printf '%-20s %12s ok' "$t" "${execs:-?}")")
  fi
done
printf '\n%-20s %12s %s\n' target executions result
printf '%s\n' "${summary[@]}"
if [ ${#failed[@]} -gt 0 ]; then
  echo "fuzz/ci.sh: crashes in ${failed[*]}; inputs in $build/artifacts/" >&2
  exit 1
fi
