#!/usr/bin/env bash
# bench/zips.sh -- scanning archives: a folder of 50 zips of small text
# files, single-threaded, against ugrep -z (which searches inside zips) with
# the same regex set, and against plain unpacking (unzip -p > /dev/null),
# in the same run.  Run by hand; never by CI.
#
#   bench/zips.sh [--mib N] [--runs N] [--data DIR] [--build DIR]
#
#   --mib N     uncompressed size of the whole folder (default 128)
#   --runs N    best of N runs (default 3)
set -euo pipefail
export LC_ALL=C.UTF-8

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/.." && pwd)
mib=128
runs=3
data="$root/bench/data"
build="$root/build-bench-cli"
while [ $# -gt 0 ]; do
    case "$1" in
    --mib) mib=$2; shift 2 ;;
    --runs) runs=$2; shift 2 ;;
    --data) data=$2; shift 2 ;;
    --build) build=$2; shift 2 ;;
    -h | --help) sed -n '2,11p' "$0"; exit 0 ;;
    *) echo "zips.sh: unknown argument: $1" >&2; exit 2 ;;
    esac
done

need() { command -v "$1" >/dev/null 2>&1 || { [ "$(id -u)" = 0 ] && apt-get install -y "$2" >/dev/null; };
         command -v "$1" >/dev/null 2>&1 || { echo "zips.sh: need $1 ($2)" >&2; exit 1; }; }
need ugrep ugrep
need unzip unzip
need python3 python3

. "$here/cli-common.sh"
build_cli

# ---- corpus: the prose generator's text cut into 2-16 KiB files, 50 zips ----
dir="$data/zips-${mib}M"
if [ ! -f "$dir/.done" ]; then
    echo "== generating $dir"
    rm -rf "$dir"
    mkdir -p "$dir"
    "$build/bench/bench_gen" prose "$mib" "$data/zips-src.txt" 2>"$dir/planted.txt"
    python3 - "$data/zips-src.txt" "$dir" <<'EOF'
import random, sys, zipfile
src, out = sys.argv[1], sys.argv[2]
text = open(src, "rb").read()
rnd = random.Random(42)
zips = [zipfile.ZipFile("%s/share-%02d.zip" % (out, i), "w", zipfile.ZIP_DEFLATED) for i in range(50)]
pos, n = 0, 0
while pos < len(text):
    size = rnd.randint(2048, 16384)
    end = text.find(b"\n", pos + size)
    end = len(text) if end < 0 else end + 1  # whole lines: no value is cut in two
    zips[n % 50].writestr("dept%d/file%05d.txt" % (n % 7, n), text[pos:end])
    pos, n = end, n + 1
for z in zips:
    z.close()
print("   %d files in 50 zips" % n)
EOF
    rm -f "$data/zips-src.txt"
    touch "$dir/.done"
fi
bytes=$(python3 -c "
import zipfile,glob,sys
print(sum(i.file_size for z in glob.glob(sys.argv[1]+'/*.zip') for i in zipfile.ZipFile(z).infolist()))" "$dir")
zbytes=$(cat "$dir"/*.zip | wc -c)
echo "== $((bytes / 1048576)) MiB of text in $((zbytes / 1048576)) MiB of zips"

# ugrep -P runs its own converter over a pattern before PCRE2 and refuses
# an anchor inside an alternation, "(?:^|[^0-9])", and several -e/-f
# patterns are combined the same way.  So: one alternation, with the
# boundary groups written as lookarounds (the same lines match).
ugrep_pat=$(sed -E 's/\(\?:\^\|\[\^([^]]*)\]\)/(?<![\1])/g; s/\(\?:\$\|\[\^([^]]*)\]\)/(?![\1])/g' \
    "$here/rg_patterns.txt" | awk 'NF { printf "%s(?:%s)", (n++ ? "|" : ""), $0 }')
unpack() { for z in "$dir"/*.zip; do unzip -p "$z"; done | cat >/dev/null; }
cat "$dir"/*.zip >/dev/null
t_unzip=$(best unpack)
t_ugrep=$(best ugrep -P -r -z -c -J1 -e "$ugrep_pat" "$dir")
# -j 1 beside ugrep -J1 (one thread each); -j 2 for the record.
t_pii=$(best "$piiscan" -j 1 --format jsonl "$dir")
t_pii2=$(best "$piiscan" -j 2 --format jsonl "$dir")
ugrep_lines=$(ugrep -P -r -z -c -J1 -e "$ugrep_pat" "$dir" | awk -F: '{ s += $NF } END { print s }')
pii_found=$("$piiscan" -j 1 --format jsonl "$dir" | grep -c '"kind":"finding"' || true)
mb() { awk -v b="$bytes" -v s="$1" 'BEGIN { printf "%.1f", b / s / 1e6 }'; }
echo
echo "Results ($(grep -m1 'model name' /proc/cpuinfo | sed 's/.*: //'), best of $runs; MB/s of uncompressed text)"
printf '%-28s %8s %8s\n' tool MB/s seconds
printf '%-28s %8s %8.2f\n' "unzip -p (plain unpacking)" "$(mb "$t_unzip")" "$t_unzip"
printf '%-28s %8s %8.2f\n' "ugrep -P -r -z -c -J1" "$(mb "$t_ugrep")" "$t_ugrep"
printf '%-28s %8s %8.2f\n' "piiscan -j 1" "$(mb "$t_pii")" "$t_pii"
printf '%-28s %8s %8.2f\n' "piiscan -j 2" "$(mb "$t_pii2")" "$t_pii2"
echo "piiscan -j 1 / ugrep -J1 = $(awk -v a="$t_ugrep" -v b="$t_pii" 'BEGIN { printf "%.2f", a / b }')x;" \
    "piiscan -j 1 / unpacking = $(awk -v a="$t_unzip" -v b="$t_pii" 'BEGIN { printf "%.2f", a / b }')x;" \
    "-j 2 over -j 1: $(awk -v a="$t_pii" -v b="$t_pii2" 'BEGIN { printf "%.2f", a / b }')x"
echo "matches: ugrep counted $ugrep_lines matching lines; piiscan reported $pii_found findings" \
    "(planted: $(grep -c . "$dir/planted.txt") lines of generator report)"
