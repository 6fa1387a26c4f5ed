#!/usr/bin/env bash
# The layer table (README.md "Source tree", docs/architecture.md "Layers"):
# each folder may include only the project folders listed for it, and
# protocol/ no CAF, Asio, spdlog, fmt or prometheus header.
#
#   check_layers.sh ROOT          check the tree at ROOT
#   check_layers.sh --self-test   check that the check itself catches violations
set -euo pipefail

# folder -> the project folders its sources may include (its own is implied).
declare -A allowed=(
  [protocol]=""
  [model]=""
  [configs]="protocol"
  [dataplane]="protocol model configs"
  [actors]="protocol model configs dataplane"
  [metrics]="model dataplane"
  [cli]="model"
  [io]="protocol model configs dataplane actors metrics cli"
  [daemon]="protocol model configs dataplane actors metrics cli io"
)
project_folders="protocol model configs dataplane actors metrics cli io daemon tools bench tests"

check() {
  local root=$1 bad=0 folder inc target
  for folder in "${!allowed[@]}"; do
    [ -d "$root/$folder" ] || continue
    while IFS= read -r line; do
      inc=${line#*:*:}
      target=$(sed -E 's/^[[:space:]]*#[[:space:]]*include[[:space:]]*"([a-z_]+)\/.*/\1/' <<<"$inc")
      [ "$target" = "$folder" ] && continue
      [[ " $project_folders " == *" $target "* ]] || continue
      if [[ " ${allowed[$folder]} " != *" $target "* ]]; then
        echo "layer violation: ${line%%:*} (${folder}/ may include only: ${allowed[$folder]:-nothing else})" >&2
        bad=1
      fi
    done < <(grep -rnE '^[[:space:]]*#[[:space:]]*include[[:space:]]*"[a-z_]+/' "$root/$folder" \
               --include='*.cpp' --include='*.hpp' --include='*.h' --include='*.in' || true)
  done
  if grep -rnE '#\s*include\s*[<"](caf/|boost/|asio|spdlog/|fmt/|prometheus/)' "$root/protocol"; then
    echo "forbidden include in protocol/ (see above)" >&2
    bad=1
  fi
  if [ -d "$root/dataplane" ] && grep -rnE '#\s*include\s*[<"](caf/|boost/|asio)' "$root/dataplane"; then
    echo "forbidden include in dataplane/ (see above): no CAF, no Asio" >&2
    bad=1
  fi
  return $bad
}

self_test() {
  local t
  t=$(mktemp -d)
  trap 'rm -rf "$t"' RETURN
  mkdir -p "$t/cli" "$t/actors" "$t/protocol" "$t/io" "$t/dataplane"
  echo '#include "model/query.hpp"' >"$t/cli/ok.cpp"
  check "$t" >/dev/null 2>&1 || { echo "self-test: a clean tree was refused" >&2; return 1; }
  echo '#include "actors/query.hpp"' >"$t/cli/bad.cpp"
  if check "$t" >/dev/null 2>&1; then echo "self-test: cli/ including actors/ passed" >&2; return 1; fi
  rm "$t/cli/bad.cpp"
  echo '#include "io/udp.hpp"' >"$t/actors/bad.cpp"
  if check "$t" >/dev/null 2>&1; then echo "self-test: actors/ including io/ passed" >&2; return 1; fi
  rm "$t/actors/bad.cpp"
  echo '#include "actors/context.hpp"' >"$t/dataplane/bad.cpp"
  if check "$t" >/dev/null 2>&1; then echo "self-test: dataplane/ including actors/ passed" >&2; return 1; fi
  echo '#include <caf/all.hpp>' >"$t/dataplane/bad.cpp"
  if check "$t" >/dev/null 2>&1; then echo "self-test: dataplane/ including CAF passed" >&2; return 1; fi
  rm "$t/dataplane/bad.cpp"
  echo '#include <caf/all.hpp>' >"$t/protocol/bad.cpp"
  if check "$t" >/dev/null 2>&1; then echo "self-test: protocol/ including CAF passed" >&2; return 1; fi
  echo "self-test: every violation was caught"
}

if [ "${1:-}" = "--self-test" ]; then
  self_test
else
  check "$1"
  echo "every folder includes only the folders below it"
fi
