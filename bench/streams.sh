#!/usr/bin/env bash
# Streams side by side, Redis vs Runnel on this machine, in one run:
#   1. memory: N entries of two small fields (field 12345 name alice) loaded with explicit,
#      increasing IDs through redis-cli --pipe; bytes per entry = used_memory growth / N;
#   2. throughput: redis-benchmark XADD (auto IDs) and XRANGE COUNT 10 with 50 clients,
#      pipelined 16, and the server's CPU time per operation (user+sys from /proc).
# Prints each figure and the ratio Runnel / Redis. Usage: bench/streams.sh [N] (default 1000000).
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-1000000}
OPS=${OPS:-300000}
[ -x build/runnel-server ] || { cmake -S . -B build -DCMAKE_BUILD_TYPE=Release >/dev/null; cmake --build build -j2 --target runnel-server; }

. bench/lib.sh

start() {  # name port command...
  local name=$1 port=$2; shift 2
  "$@" >"$tmp/$name.log" 2>&1 &
  pids+=($!)
  for _ in $(seq 1 100); do redis-cli -p "$port" ping >/dev/null 2>&1 && break; sleep 0.05; done
  echo $! >"$tmp/$name.pid"
}
used_memory() { redis-cli -p "$1" info memory | tr -d '\r' | awk -F: '$1=="used_memory"{print $2}'; }
cpu_ticks() { awk '{print $14+$15}' "/proc/$1/stat"; }
ops_per_sec() { tr '\r' '\n' | grep -o '[0-9.]* requests per second' | tail -1 | cut -d' ' -f1; }

RP=$(free_port); start redis "$RP" redis-server --port "$RP" --save '' --appendonly no --dir "$tmp"
NP=$(free_port); start runnel "$NP" build/runnel-server --port "$NP" --appendonly no --dir "$tmp"

awk -v n="$N" 'BEGIN { for (i = 1; i <= n; i++) printf "XADD s %.0f-0 field 12345 name alice\r\n", 1700000000000 + i }' >"$tmp/load.txt"

declare -A bpe xadd xrange cpu_xadd
for name in redis runnel; do
  port=$RP; [ "$name" = runnel ] && port=$NP
  pid=$(cat "$tmp/$name.pid")
  before=$(used_memory "$port")
  redis-cli -p "$port" --pipe <"$tmp/load.txt" >/dev/null
  after=$(used_memory "$port")
  bpe[$name]=$(awk -v a="$after" -v b="$before" -v n="$N" 'BEGIN { printf "%.1f", (a - b) / n }')
  t0=$(cpu_ticks "$pid")
  xadd[$name]=$(redis-benchmark -p "$port" -c 50 -P 16 -n "$OPS" -q XADD bench '*' field 12345 name alice 2>&1 | ops_per_sec)
  t1=$(cpu_ticks "$pid")
  cpu_xadd[$name]=$(awk -v t="$((t1 - t0))" -v n="$OPS" -v hz="$(getconf CLK_TCK)" 'BEGIN { printf "%.2f", t / hz * 1e6 / n }')
  xrange[$name]=$(redis-benchmark -p "$port" -c 50 -P 16 -n "$OPS" -q XRANGE s - + COUNT 10 2>&1 | ops_per_sec)
done

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }'; }
printf '%-34s %14s %14s %8s\n' "streams, N=$N" redis runnel ratio
printf '%-34s %14s %14s %8s\n' "bytes per entry (lower is better)" "${bpe[redis]}" "${bpe[runnel]}" "$(ratio "${bpe[runnel]}" "${bpe[redis]}")"
printf '%-34s %14s %14s %8s\n' "XADD ops/s (-c 50 -P 16)" "${xadd[redis]}" "${xadd[runnel]}" "$(ratio "${xadd[runnel]}" "${xadd[redis]}")"
printf '%-34s %14s %14s %8s\n' "XADD server CPU us/op" "${cpu_xadd[redis]}" "${cpu_xadd[runnel]}" "$(ratio "${cpu_xadd[runnel]}" "${cpu_xadd[redis]}")"
printf '%-34s %14s %14s %8s\n' "XRANGE COUNT 10 ops/s" "${xrange[redis]}" "${xrange[runnel]}" "$(ratio "${xrange[runnel]}" "${xrange[redis]}")"
