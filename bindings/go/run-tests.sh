#!/usr/bin/env bash
# Tests the Go binding against the C library installed at PREFIX:
#   gofmt, go vet, then go test -race (unit tests and the Example functions).
#
#   bindings/go/run-tests.sh PREFIX
#
# Uses $GO if set, else the `go` on PATH, else /usr/lib/go/bin/go (Debian's
# golang-go).  Needs cgo (a C compiler) and pkg-config.  No network: the
# module has no dependencies.
set -euo pipefail

die() { echo "bindings/go/run-tests.sh: FAIL: $*" >&2; exit 1; }

[ $# -eq 1 ] || die "usage: $0 PREFIX (where libpiiscan is installed)"
prefix=$(cd "$1" 2>/dev/null && pwd) || die "no such directory: $1"
here=$(cd "$(dirname "$0")" && pwd)

go=${GO:-$(command -v go || true)}
[ -n "$go" ] || go=/usr/lib/go/bin/go
[ -x "$go" ] || die "no Go toolchain (install golang-go, or set GO=/path/to/go)"
command -v pkg-config >/dev/null || die "pkg-config not found"

pc=$(find "$prefix" -name piiscan.pc -print -quit)
[ -n "$pc" ] || die "no piiscan.pc under $prefix (cmake --install BUILD --prefix $prefix)"
pcdir=$(dirname "$pc")
libdir=$(dirname "$pcdir")

export PKG_CONFIG_PATH="$pcdir${PKG_CONFIG_PATH:+:$PKG_CONFIG_PATH}"
export LD_LIBRARY_PATH="$libdir${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
export CGO_ENABLED=1
export CGO_LDFLAGS="-Wl,-rpath,$libdir${CGO_LDFLAGS:+ $CGO_LDFLAGS}"
export GOTOOLCHAIN=${GOTOOLCHAIN:-local}   # never download a toolchain (Go >= 1.21)
export GOFLAGS=${GOFLAGS:--mod=mod}
tmp=$(mktemp -d /tmp/piiscan-go.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
# A build without a home directory (CI containers) still needs a cache.
if [ -z "$("$go" env GOCACHE 2>/dev/null)" ] || [ "$("$go" env GOCACHE)" = off ]; then
  export GOCACHE="$tmp/cache"
fi
[ -n "$("$go" env GOPATH 2>/dev/null)" ] || export GOPATH="$tmp/gopath"

cd "$here"
echo "go: $("$go" version); libpiiscan $(pkg-config --modversion piiscan) at $libdir"

gofmt=$(dirname "$go")/gofmt
[ -x "$gofmt" ] || gofmt=$(command -v gofmt || true)
if [ -n "$gofmt" ]; then
  bad=$("$gofmt" -l .)
  [ -z "$bad" ] || die "not gofmt-formatted: $bad"
fi

"$go" vet ./... || die "go vet"

log="$tmp/test.log"
if ! timeout 600 "$go" test -race -count=1 -timeout 100s -v ./... >"$log" 2>&1; then
  cat "$log"
  die "go test -race"
fi
grep -E '^(ok|PASS|FAIL)' "$log"
# Examples run only when they have an Output comment: make sure all did.
want=$(grep -ho '^func Example[A-Za-z_]*' ./*_test.go | wc -l)
ran=$(grep -c '^--- PASS: Example' "$log" || true)
[ "$ran" -eq "$want" ] || { cat "$log"; die "$ran of $want Example functions ran"; }
tests=$(grep -c '^--- PASS: Test' "$log" || true)
echo "bindings/go: $tests tests and $ran examples passed (go test -race)"
