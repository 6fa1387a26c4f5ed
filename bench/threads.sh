#!/usr/bin/env bash
# brasd's CPU per set-up with one CAF worker thread against two (or any two
# brasd configurations or builds), alternating in the same sitting: each pair
# runs bench/setup_rate.sh once per side, the order swapped every pair, and
# the script prints each run's "cpu-per-setup" line, then the per-pair ratios
# B/A (brasd CPU per set-up) and their median, and the medians of the set-up
# rate and the RSS per session of each side. Run by hand, as root.
#
#   sudo bench/threads.sh [SESSIONS [PAIRS [PER-TUNNEL]]]     e.g. 10000 5 250
#
# Environment:
#   A_THREADS, B_THREADS   brasd worker threads of each side (default 1 and 2)
#   A_BRASD, B_BRASD       each side's brasd binary (default: the release build's);
#                          bras-loadgen and bras-cli are this tree's on both sides
#   A_SED, B_SED           a sed expression for each side's brasd configuration
#                          (bench/setup_rate.sh BRASD_SED), e.g.
#                          B_SED='s#^  scheduler: .*#  scheduler: stealing#'
#   PERF_STAT=1, MAX_OUTSTANDING=N   passed to bench/setup_rate.sh
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
sessions=${1:-10000}
pairs=${2:-5}
per_tunnel=${3:-250}
a_threads=${A_THREADS:-1}
b_threads=${B_THREADS:-2}
out=$(mktemp -d /tmp/bras-threads.XXXXXX)
trap 'rm -rf "$out"' EXIT
# run SIDE PAIR: one set-up run of that side; its cpu-per-setup line goes to $out/SIDE.
run() {
  local side=$1 threads sed brasd
  if [ "$side" = A ]; then
    threads=$a_threads sed=${A_SED:-} brasd=${A_BRASD:-}
  else
    threads=$b_threads sed=${B_SED:-} brasd=${B_BRASD:-}
  fi
  BRASD=${brasd:-${BRASD:-}} BRASD_SED=$sed RUNS=1 "$root/bench/setup_rate.sh" "$sessions" "$threads" "$per_tunnel" \
    >"$out/run.txt" 2>&1 || {
    echo "run $side failed:" >&2
    tail -20 "$out/run.txt" >&2
    exit 1
  }
  local line
  line=$(grep '^cpu-per-setup:' "$out/run.txt")
  grep -E 'task-clock|context-switches|cpu-migrations' "$out/run.txt" | sed "s/^/  $side pair $2: /" || true
  echo "$side pair $2: $line"
  echo "$line" | grep -o 'brasd-us=[0-9.]*' | cut -d= -f2 >>"$out/$side"
  echo "$line" | grep -o ' rate=[0-9.]*' | cut -d= -f2 >>"$out/$side.rate"
  grep -o 'per-session-bytes=[0-9]*' "$out/run.txt" | cut -d= -f2 >>"$out/$side.rss"
}
echo "A: threads=$a_threads ${A_SED:+sed=$A_SED} ${A_BRASD:+brasd=$A_BRASD}  B: threads=$b_threads" \
  "${B_SED:+sed=$B_SED} ${B_BRASD:+brasd=$B_BRASD}  sessions=$sessions pairs=$pairs"
for i in $(seq "$pairs"); do
  if [ $((i % 2)) -eq 1 ]; then run A "$i"; run B "$i"; else run B "$i"; run A "$i"; fi
done
# median FILE: the median of the numbers in FILE, one a line.
median() { sort -g "$1" | awk '{ v[NR] = $1 } END { printf "%.3f", (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
paste "$out/A" "$out/B" | awk '{ printf "pair %d: A %.1f us  B %.1f us  B/A %.3f\n", NR, $1, $2, $2 / $1 }'
paste "$out/A" "$out/B" | awk '{ printf "%.4f\n", $2 / $1 }' >"$out/ratio"
echo "brasd CPU per set-up, median: A $(median "$out/A") us  B $(median "$out/B") us;" \
  "B/A per pair: median $(median "$out/ratio") (range $(sort -g "$out/ratio" | head -1)-$(sort -g "$out/ratio" | tail -1))"
echo "set-up rate, median: A $(median "$out/A.rate")/s  B $(median "$out/B.rate")/s;" \
  "RSS per session, median: A $(median "$out/A.rss") B  B $(median "$out/B.rss") B"
