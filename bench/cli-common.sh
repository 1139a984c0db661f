# bench/cli-common.sh -- what bench/tree.sh and bench/zips.sh share: the
# Release build of the CLI and the generator, and best-of-N wall timing.
# Sourced, not run.  Needs $root, $build and $runs set.

# Configures and builds piiscan and bench_gen in $build; sets $piiscan.
build_cli() {
    echo "== building piiscan (Release) in $build"
    mkdir -p "$build"
    cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release -DPIISCAN_BUILD_TESTS=OFF \
        >"$build/bench-configure.log" 2>&1 || { cat "$build/bench-configure.log"; exit 1; }
    cmake --build "$build" --target piiscan_cli bench_gen -j "$(nproc)" >"$build/bench-build.log" 2>&1 ||
        { tail -n 40 "$build/bench-build.log"; exit 1; }
    piiscan="$build/cli/piiscan"
}

out_tmp=$(mktemp)
trap 'rm -f "$out_tmp"' EXIT
now() { echo "$EPOCHREALTIME"; }

# best command... -> the best wall seconds of $runs runs.  Output goes to a
# file, not /dev/null: ugrep notices /dev/null and skips the search.  Exit
# status 1 (found something) is success.
best() {
    local b="" t0 t1 d
    for _ in $(seq "$runs"); do
        t0=$(now)
        "$@" >"$out_tmp" 2>&1 || [ $? = 1 ]
        t1=$(now)
        d=$(awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }')
        b=$(awk -v a="$b" -v d="$d" 'BEGIN { print (a == "" || d < a) ? d : a }')
    done
    echo "$b"
}
