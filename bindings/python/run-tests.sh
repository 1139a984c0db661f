#!/usr/bin/env bash
# Builds the Python binding from source against the libpiiscan installed at
# PREFIX, installs it into a fresh virtualenv and runs its tests (pytest).
#   bindings/python/run-tests.sh PREFIX      (e.g. /tmp/pyprefix)
# PYTHON selects the interpreter (default python3).  Test dependencies
# (pytest, python-stdnum) come from the system (Debian: python3-pytest,
# python3-stdnum; the venv sees them) or else from PyPI.  Extra arguments
# after PREFIX go to pytest.
set -euo pipefail
fail() { echo "FAIL (python binding): $*" >&2; exit 1; }
[ $# -ge 1 ] || fail "usage: $0 PREFIX [pytest args...]"
prefix=$(cd "$1" 2>/dev/null && pwd) || fail "no such prefix: $1"
shift
here=$(cd "$(dirname "$0")" && pwd)
python=${PYTHON:-python3}
command -v "$python" >/dev/null || fail "$python not found"
pc=$(find "$prefix" -name piiscan.pc -print -quit)
[ -n "$pc" ] || fail "no piiscan.pc under $prefix (cmake --install build --prefix $prefix)"
export PKG_CONFIG_PATH="$(dirname "$pc")${PKG_CONFIG_PATH:+:$PKG_CONFIG_PATH}"

work=$(mktemp -d /tmp/piiscan-py.XXXXXX)
trap 'rm -rf "$work"' EXIT
echo "== python binding: venv ($("$python" --version 2>&1)), library from $prefix"
"$python" -m venv --system-site-packages "$work/venv" ||
  fail "cannot make a virtualenv (Debian: apt-get install python3-venv)"
py="$work/venv/bin/python"
if ! "$py" -c 'import pytest, stdnum' 2>/dev/null; then
  echo "== installing pytest and python-stdnum from PyPI"
  "$py" -m pip install -q --disable-pip-version-check pytest python-stdnum ||
    fail "cannot install pytest/python-stdnum"
fi

# Build from a copy, so that build/ and *.egg-info never land in the tree.
mkdir "$work/src"
(cd "$here" && tar --exclude=./build --exclude='*.egg-info' --exclude=__pycache__ -cf - .) |
  (cd "$work/src" && tar -xf -)
isolation=--no-build-isolation
# Offline build with the venv's own setuptools (>= 61, and wheel unless >= 70.1);
# else pip fetches the build requirements from PyPI.
"$py" - 2>/dev/null <<'PY' || isolation=
import sys, setuptools
v = tuple(int(x) for x in setuptools.__version__.split(".")[:2])
if v < (70, 1):
    import wheel  # noqa: F401  (bdist_wheel)
sys.exit(v < (61, 0))
PY
echo "== building and installing the package"
"$py" -m pip install -q --disable-pip-version-check $isolation "$work/src" ||
  fail "pip install ./bindings/python failed"
# Import the installed package (never the source tree) and show what it links.
(cd "$work" && "$py" -c 'import piiscan, sys; print("== piiscan", piiscan.__version__, "library", piiscan.library_version, "from", piiscan.__file__)') ||
  fail "import piiscan failed"

echo "== pytest"
cd "$work"
PYTHONDONTWRITEBYTECODE=1 PIISCAN_REPO=$(cd "$here/../.." && pwd) "$py" -m pytest -p no:cacheprovider -q -rs "$here/tests" "$@" ||
  fail "tests failed"
