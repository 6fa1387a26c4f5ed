#!/usr/bin/env bash
# Every C++ source follows .clang-format (clang-format 14).
set -euo pipefail
root=$1
cd "$root"
dirs=()
for d in actors cli configs io metrics protocol tests tools bench; do
  [ -d "$d" ] && dirs+=("$d")
done
files=$(find "${dirs[@]}" -name '*.cpp' -o -name '*.hpp' | sort)
clang-format-14 --dry-run --Werror $files
echo "$(echo "$files" | wc -l) files formatted"
