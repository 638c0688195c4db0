#!/usr/bin/env bash
# Consumer groups side by side, Redis vs Runnel on this machine, in one run. Each server gets
# N entries of two small fields (as bench/streams.sh), then bench/group_bench.cc measures:
#   1. bytes per pending entry: used_memory growth while one group holds all N entries pending;
#   2. XREADGROUP COUNT 100 + XACK round trips over all N entries: entries/s and the server's
#      CPU time per entry (user+sys from /proc).
# Prints each figure and the ratio Runnel / Redis. Usage: bench/groups.sh [N] (default 1000000).
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-1000000}
if [ ! -x build/runnel-server ] || [ ! -x build/bench/group_bench ]; then
  cmake -S . -B build -DCMAKE_BUILD_TYPE=Release >/dev/null
  cmake --build build -j2 --target runnel-server group_bench
fi

. bench/lib.sh

RP=$(free_port); start "$RP" redis-server --port "$RP" --save '' --appendonly no --dir "$tmp"
NP=$(free_port); start "$NP" build/runnel-server --port "$NP" --appendonly no --dir "$tmp"

awk -v n="$N" 'BEGIN { for (i = 1; i <= n; i++) printf "XADD s %.0f-0 field 12345 name alice\r\n", 1700000000000 + i }' >"$tmp/load.txt"

declare -A pel eps cpu
for name in redis runnel; do
  port=$RP; [ "$name" = runnel ] && port=$NP
  redis-cli -p "$port" --pipe <"$tmp/load.txt" >/dev/null
  out=$(build/bench/group_bench "$port")
  pel[$name]=$(awk '$1=="pending_bytes"{print $2}' <<<"$out")
  eps[$name]=$(awk '$1=="entries_per_sec"{print $2}' <<<"$out")
  cpu[$name]=$(awk '$1=="cpu_us_per_entry"{print $2}' <<<"$out")
done

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }'; }
printf '%-40s %12s %12s %8s\n' "consumer groups, N=$N" redis runnel ratio
printf '%-40s %12s %12s %8s\n' "bytes per pending entry (lower better)" "${pel[redis]}" "${pel[runnel]}" "$(ratio "${pel[runnel]}" "${pel[redis]}")"
printf '%-40s %12s %12s %8s\n' "XREADGROUP 100 + XACK entries/s" "${eps[redis]}" "${eps[runnel]}" "$(ratio "${eps[runnel]}" "${eps[redis]}")"
printf '%-40s %12s %12s %8s\n' "server CPU us per entry (lower better)" "${cpu[redis]}" "${cpu[runnel]}" "$(ratio "${cpu[runnel]}" "${cpu[redis]}")"
