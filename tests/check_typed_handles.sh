#!/bin/sh
# A wrong message to a typed handle is a compile error: compiles
# tests/compile_fail/typed_handles.cpp once per case with the project's
# include path. The control case must compile (so a failure below is the
# message, not the flags); every other case must fail on CAF's check.
# Usage: check_typed_handles.sh <c++ compiler> <source dir>
set -u
cxx=$1
src=$2
file=$src/tests/compile_fail/typed_handles.cpp
out=$(mktemp)
trap 'rm -f "$out"' EXIT
compile() {
  "$cxx" -std=c++20 -fsyntax-only -I"$src" -D"$1" "$file" >"$out" 2>&1
}
if ! compile CASE_OK; then
  echo "FAIL: the control case does not compile:"
  cat "$out"
  exit 1
fi
status=0
for case in CASE_SESSION_GETS_AAA_RELEASE CASE_SESSION_GETS_BARE_CLOSE CASE_SHARD_CLOSE_WITHOUT_ID CASE_AAA_GETS_DATAGRAM CASE_LAC_GETS_SESSION_SEND \
  CASE_TUNNEL_GETS_CALL_REQUEST; do
  if compile "$case"; then
    echo "FAIL: $case compiled: the handle accepted a message its interface does not list"
    status=1
  elif ! grep -q "receiver does not accept given message" "$out"; then
    echo "FAIL: $case failed for another reason:"
    head -20 "$out"
    status=1
  else
    echo "ok: $case is a compile error"
  fi
done
exit $status
