#!/usr/bin/env bash
# protocol/ is pure C++: no CAF, Asio, spdlog or prometheus include may appear.
set -euo pipefail
root=$1
if grep -rnE '#\s*include\s*[<"](caf/|boost/|asio|spdlog/|fmt/|prometheus/)' "$root/protocol"; then
  echo "forbidden include in protocol/ (see above)" >&2
  exit 1
fi
echo "protocol/ has no forbidden include"
