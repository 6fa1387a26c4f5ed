#!/usr/bin/env bash
# Every C++ source follows .clang-format (clang-format 14).
set -euo pipefail
root=$1
cd "$root"
files=$(find actors cli configs io metrics protocol tests tools bench -name '*.cpp' -o -name '*.hpp' 2>/dev/null | sort)
clang-format-14 --dry-run --Werror $files
echo "$(echo "$files" | wc -l) files formatted"
