#!/usr/bin/env bash
# bench/tree.sh -- the CLI on a tree of 20,000 small files: wall time with
# 1 and 2 worker threads, against `rg -c` (ripgrep, one thread and two)
# with the equivalent regex set, in the same run.  Run by hand; never by CI.
#
#   bench/tree.sh [--files N] [--runs N] [--data DIR] [--build DIR]
set -euo pipefail
export LC_ALL=C.UTF-8

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/.." && pwd)
files=20000
runs=3
data="$root/bench/data"
build="$root/build-bench-cli"
while [ $# -gt 0 ]; do
    case "$1" in
    --files) files=$2; shift 2 ;;
    --runs) runs=$2; shift 2 ;;
    --data) data=$2; shift 2 ;;
    --build) build=$2; shift 2 ;;
    -h | --help) sed -n '2,7p' "$0"; exit 0 ;;
    *) echo "tree.sh: unknown argument: $1" >&2; exit 2 ;;
    esac
done
command -v rg >/dev/null || { [ "$(id -u)" = 0 ] && apt-get install -y ripgrep >/dev/null; }

. "$here/cli-common.sh"
build_cli

# ---- the tree: the prose generator's text in files of 1-12 KiB, 100 per directory
dir="$data/tree-$files"
if [ ! -f "$dir/.done" ]; then
    echo "== generating $dir"
    rm -rf "$dir"
    mkdir -p "$dir"
    "$build/bench/bench_gen" prose $(((files * 7 + 1023) / 1024)) "$data/tree-src.txt" 2>/dev/null
    python3 - "$data/tree-src.txt" "$dir" "$files" <<'EOF'
import os, random, sys
src, out, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
text = open(src, "rb").read()
rnd = random.Random(7)
pos = 0
for i in range(n):
    size = rnd.randint(1024, 12288)
    if pos + size >= len(text):
        pos = 0
    end = text.find(b"\n", pos + size)
    end = len(text) if end < 0 else end + 1
    d = os.path.join(out, "d%03d" % (i // 100))
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, "f%05d.txt" % i), "wb") as f:
        f.write(text[pos:end])
    pos = end
EOF
    rm -f "$data/tree-src.txt"
    touch "$dir/.done"
fi
bytes=$(find "$dir" -type f -name '*.txt' -printf '%s\n' | awk '{ s += $1 } END { print s }')
echo "== $files files, $((bytes / 1048576)) MiB"

cat $(find "$dir" -type f | head -n 1) >/dev/null
find "$dir" -type f -exec cat {} + >/dev/null # warm the page cache
t_rg1=$(best rg -j1 -c -f "$here/rg_patterns.txt" "$dir")
t_rg2=$(best rg -j2 -c -f "$here/rg_patterns.txt" "$dir")
t_p1=$(best "$piiscan" -q -f jsonl -j 1 "$dir")
t_p2=$(best "$piiscan" -q -f jsonl -j 2 "$dir")
mb() { awk -v b="$bytes" -v s="$1" 'BEGIN { printf "%.1f", b / s / 1e6 }'; }
echo
echo "Results ($(grep -m1 'model name' /proc/cpuinfo | sed 's/.*: //'), $(nproc) CPUs, best of $runs)"
printf '%-26s %8s %8s\n' command seconds MB/s
printf '%-26s %8.2f %8s\n' "rg -j1 -c" "$t_rg1" "$(mb "$t_rg1")"
printf '%-26s %8.2f %8s\n' "rg -j2 -c" "$t_rg2" "$(mb "$t_rg2")"
printf '%-26s %8.2f %8s\n' "piiscan -j 1" "$t_p1" "$(mb "$t_p1")"
printf '%-26s %8.2f %8s\n' "piiscan -j 2" "$t_p2" "$(mb "$t_p2")"
echo "piiscan -j2 speed-up over -j1: $(awk -v a="$t_p1" -v b="$t_p2" 'BEGIN { printf "%.2f", a / b }')x (target >= 1.8x)"
echo "piiscan -j2 vs rg -j2 -c: $(awk -v a="$t_rg2" -v b="$t_p2" 'BEGIN { printf "%.2f", a / b }')x;" \
    "piiscan -j1 vs rg -j1 -c: $(awk -v a="$t_rg1" -v b="$t_p1" 'BEGIN { printf "%.2f", a / b }')x (target >= 1)"
