#!/usr/bin/env bash
# Runs one libFuzzer target on a copy of its seed corpus for N seconds.
# usage: run.sh FUZZER SEED_CORPUS_DIR SECONDS [extra libFuzzer flags...]
# Exit 0 when the run ends with no finding; a crash, leak or sanitizer report
# fails it and leaves the reproducer in the work directory it prints.
set -euo pipefail
fuzzer=$1 seeds=$2 seconds=$3
shift 3
work=$(mktemp -d "${TMPDIR:-/tmp}/brasfuzz.XXXXXX")
mkdir -p "$work/corpus"
cp -r "$seeds"/. "$work/corpus/" 2>/dev/null || true
cd "$work"
if "$fuzzer" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 "$@" corpus 2> fuzz.log; then
  grep -E '^stat::number_of_executed_units|^Done' fuzz.log || true
  rm -rf "$work"
else
  tail -n 60 fuzz.log
  echo "fuzz finding kept in $work" >&2
  exit 1
fi
