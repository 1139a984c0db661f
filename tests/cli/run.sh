#!/usr/bin/env bash
# ctest entry for the CLI end-to-end tests: run.sh PIISCAN_BINARY TESTS_DIR
set -euo pipefail
exec python3 "$2/cli/test_cli.py" "$1" "$(cd "$2/.." && pwd)"
