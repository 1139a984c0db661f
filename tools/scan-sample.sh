#!/usr/bin/env bash
# The main job (README.md): build piiscan and scan the shipped sample folder
# (UTF-8, CP949 and UTF-16 files with fake customer data).  Extra arguments go
# to piiscan, e.g. tools/scan-sample.sh --format jsonl
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
gen=()
command -v ninja >/dev/null && gen=(-G Ninja)
cmake -S . -B build "${gen[@]}" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j "$(nproc 2>/dev/null || echo 2)" --target piiscan_cli >/dev/null
set +e
build/cli/piiscan "$@" examples/sample
status=$?
set -e
echo "piiscan exit status: $status (0 nothing found, 1 findings, 2 errors)" >&2
[ "$status" -le 1 ]
