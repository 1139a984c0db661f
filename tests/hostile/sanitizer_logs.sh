#!/usr/bin/env bash
# sanitizer_logs.sh reset|check DIR -- in the sanitizer build the CLI tests run
# with ASAN_OPTIONS/UBSAN_OPTIONS log_path=DIR/asan, DIR/ubsan (tests/CMakeLists.txt):
# a leak, an overflow or undefined behaviour in any CLI run leaves a file there,
# even when the test that ran it only looked at the output.  `reset` empties DIR
# (world-writable: one test runs the CLI as nobody); `check` fails and prints
# the reports if any run left one.
set -euo pipefail
dir=${2:?usage: sanitizer_logs.sh reset|check DIR}
case $1 in
reset)
  rm -rf "$dir"
  mkdir -p "$dir"
  chmod 1777 "$dir"
  ;;
check)
  shopt -s nullglob
  logs=("$dir"/*)
  if [ ${#logs[@]} -gt 0 ]; then
    echo "sanitizer reports from CLI runs (${#logs[@]}):"
    for f in "${logs[@]}"; do
      echo "==== $f"
      head -c 20000 "$f"
    done
    exit 1
  fi
  echo "no sanitizer reports from CLI runs"
  ;;
*) echo "usage: sanitizer_logs.sh reset|check DIR" >&2; exit 2 ;;
esac
