#!/usr/bin/env bash
# Every C++ source follows .clang-format (clang-format 14).
set -euo pipefail
root=$1
cd "$root"
# Every folder of the tree but the build trees and git's own.
files=$(find . \( -path ./build -o -path ./.git \) -prune -o \( -name '*.cpp' -o -name '*.hpp' \) -print | sort)
clang-format-14 --dry-run --Werror $files
echo "$(echo "$files" | wc -l) files formatted"
