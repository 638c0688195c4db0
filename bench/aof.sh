#!/usr/bin/env bash
# Append-only file side by side, Redis vs Runnel on this machine, in one run:
#   1. XADD throughput: redis-benchmark XADD (auto IDs, two small fields as bench/streams.sh) with
#      50 clients pipelined 16, with appendonly yes + appendfsync everysec as a ratio of
#      appendonly no, and the server's CPU time per operation (user+sys from /proc). Every run
#      gets a fresh server in a fresh dir; the four set-ups alternate over ROUNDS rounds and the
#      median run of each is kept (the machine is shared: read the ratios, not the absolutes).
#   2. restart: N entries loaded with explicit, increasing IDs through redis-cli --pipe with
#      appendonly yes (appendfsync no), SHUTDOWN NOSAVE, then the time from process start until
#      PING answers PONG and until INFO persistence says loading:0 and XLEN is N (Runnel opens
#      its port only once loaded; Redis answers LOADING meanwhile), and the server CPU that took.
#      Restarts alternate between the servers RESTARTS times; the median is kept.
# Redis writes its AOF without an RDB preamble (so both files hold the same XADD commands), and
# automatic rewrites are off on both sides: this measures appending and loading, not compaction.
# Prints each figure and the ratio Runnel / Redis. Usage: bench/aof.sh [N] (default 1000000);
# OPS (1000000), ROUNDS (5), RESTARTS (3) and RUNNEL_BUILD (build dir, default build) override.
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-1000000}
OPS=${OPS:-1000000}
ROUNDS=${ROUNDS:-5}
RESTARTS=${RESTARTS:-3}
BUILD=${RUNNEL_BUILD:-build}
[ -x "$BUILD/runnel-server" ] || { cmake -S . -B "$BUILD" -DCMAKE_BUILD_TYPE=Release >/dev/null; cmake --build "$BUILD" -j2 --target runnel-server; }
RUNNEL=$BUILD/runnel-server

. bench/lib.sh
die() { echo "bench/aof.sh: $*" >&2; exit 1; }

# Both servers, the same persistence set-up. $1: redis|runnel, $2: no|everysec|load (load:
# appendonly yes with appendfsync no, for filling and restarting), $3: port, $4: dir.
server_cmd() {
  local common=(--port "$3" --dir "$4" --auto-aof-rewrite-percentage 0)
  local aof=(--appendonly no)
  [ "$2" = everysec ] && aof=(--appendonly yes --appendfsync everysec)
  [ "$2" = load ] && aof=(--appendonly yes --appendfsync no)
  if [ "$1" = redis ]; then
    cmd=(redis-server "${common[@]}" "${aof[@]}" --save '' --aof-use-rdb-preamble no)
  else
    cmd=("$RUNNEL" "${common[@]}" "${aof[@]}")
  fi
}
launch() {  # name mode port dir; sets pid
  server_cmd "$@"
  "${cmd[@]}" >>"$tmp/$1.log" 2>&1 &
  pid=$!
  pids+=("$pid")
}
wait_pong() {  # port pid
  for _ in $(seq 1 200); do
    [ "$(redis-cli -p "$1" ping 2>/dev/null)" = PONG ] && return 0
    kill -0 "$2" 2>/dev/null || die "server on port $1 exited; see its log"
    sleep 0.05
  done
  die "no PONG on port $1"
}
stop() {  # port pid: SHUTDOWN NOSAVE (the AOF is flushed and fsynced), wait for the exit
  redis-cli -p "$1" shutdown nosave >/dev/null 2>&1 || true
  wait "$2" 2>/dev/null || true
  local keep=() p
  for p in "${pids[@]}"; do [ "$p" = "$2" ] || keep+=("$p"); done
  pids=("${keep[@]}")
}
cpu_ticks() { awk '{print $14+$15}' "/proc/$1/stat"; }
us_per() { awk -v t="$1" -v n="$2" -v hz="$(getconf CLK_TCK)" 'BEGIN { printf "%.2f", t / hz * 1e6 / n }'; }
ops_per_sec() { tr '\r' '\n' | grep -o '[0-9.]* requests per second' | tail -1 | cut -d' ' -f1; }
median() { tr ' ' '\n' <<<"$1" | grep . | sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }'; }
now_ns() { date +%s%N; }

# --- 1. XADD throughput, no AOF vs appendfsync everysec -------------------------------------
declare -A runs_ops runs_cpu runs_bytes
xadd_run() {  # name mode
  local name=$1 mode=$2 port dir t0 t1 ops
  port=$(free_port); dir=$(mktemp -d "$tmp/xadd.XXXXXX")
  launch "$name" "$mode" "$port" "$dir"
  wait_pong "$port" "$pid"
  t0=$(cpu_ticks "$pid")
  ops=$(redis-benchmark -p "$port" -c 50 -P 16 -n "$OPS" -q XADD bench '*' field 12345 name alice 2>&1 | ops_per_sec)
  t1=$(cpu_ticks "$pid")
  [ -n "$ops" ] || die "redis-benchmark gave no figure against $name ($mode)"
  [ "$(redis-cli -p "$port" xlen bench)" = "$OPS" ] || die "$name ($mode) did not take every XADD"
  stop "$port" "$pid"
  if [ "$mode" = everysec ]; then  # the file must hold the writes: bytes of AOF per XADD
    local bytes; bytes=$(du -sb "$dir" | cut -f1)
    [ "$bytes" -gt "$OPS" ] || die "$name wrote no AOF under appendfsync everysec"
    runs_bytes[$name.$mode]+="$(awk -v b="$bytes" -v n="$OPS" 'BEGIN { printf "%.1f", b / n }') "
  fi
  rm -rf "$dir"
  runs_ops[$name.$mode]+="$ops "
  runs_cpu[$name.$mode]+="$(us_per "$((t1 - t0))" "$OPS") "
}
for round in $(seq 1 "$ROUNDS"); do
  # Alternate which server goes first, so neither always runs on the warmer machine.
  order=(redis runnel); [ $((round % 2)) -eq 0 ] && order=(runnel redis)
  for mode in no everysec; do for name in "${order[@]}"; do xadd_run "$name" "$mode"; done; done
done
declare -A ops cpu bytes
for key in "${!runs_ops[@]}"; do
  ops[$key]=$(median "${runs_ops[$key]}"); cpu[$key]=$(median "${runs_cpu[$key]}")
done
for key in "${!runs_bytes[@]}"; do bytes[$key]=$(median "${runs_bytes[$key]}"); done

# --- 2. restart with N entries in the AOF ---------------------------------------------------
awk -v n="$N" 'BEGIN { for (i = 1; i <= n; i++) printf "XADD s %.0f-0 field 12345 name alice\r\n", 1700000000000 + i }' >"$tmp/load.txt"
declare -A dirs aof_mb runs_ping runs_ready runs_rcpu
for name in redis runnel; do
  port=$(free_port); dirs[$name]=$(mktemp -d "$tmp/$name.XXXXXX")
  launch "$name" load "$port" "${dirs[$name]}"
  wait_pong "$port" "$pid"
  out=$(redis-cli -p "$port" --pipe <"$tmp/load.txt")
  grep -q 'errors: 0,' <<<"$out" || die "$name refused part of the load: $out"
  [ "$(redis-cli -p "$port" xlen s)" = "$N" ] || die "$name holds no $N entries after the load"
  stop "$port" "$pid"
  aof_mb[$name]=$(du -sb "${dirs[$name]}" | awk '{ printf "%.1f", $1 / 1e6 }')
done
alive_or_die() {  # name: within the restart loops
  kill -0 "$pid" 2>/dev/null || die "$1 exited while loading its AOF: $(tail -3 "$tmp/$1.log")"
  [ $(($(now_ns) - t0)) -lt 600000000000 ] || die "$1 still loading after 600 s"
}
restart() {  # name
  local name=$1 port t0 t_ping t_ready ticks
  port=$(free_port)
  t0=$(now_ns)
  launch "$name" load "$port" "${dirs[$name]}"
  # Polled every 10 ms: a tighter loop would take CPU from the loading server.
  until [ "$(redis-cli -p "$port" ping 2>/dev/null)" = PONG ]; do
    alive_or_die "$name"
    sleep 0.01
  done
  t_ping=$(now_ns)
  until redis-cli -p "$port" info persistence 2>/dev/null | tr -d '\r' | grep -qx 'loading:0' &&
        [ "$(redis-cli -p "$port" xlen s 2>/dev/null)" = "$N" ]; do
    alive_or_die "$name"
    sleep 0.01
  done
  t_ready=$(now_ns)
  ticks=$(cpu_ticks "$pid")
  stop "$port" "$pid"
  runs_ping[$name]+="$(awk -v a="$t_ping" -v b="$t0" 'BEGIN { printf "%.3f", (a - b) / 1e9 }') "
  runs_ready[$name]+="$(awk -v a="$t_ready" -v b="$t0" 'BEGIN { printf "%.3f", (a - b) / 1e9 }') "
  runs_rcpu[$name]+="$(awk -v t="$ticks" -v hz="$(getconf CLK_TCK)" 'BEGIN { printf "%.2f", t / hz }') "
}
for round in $(seq 1 "$RESTARTS"); do
  order=(redis runnel); [ $((round % 2)) -eq 0 ] && order=(runnel redis)
  for name in "${order[@]}"; do restart "$name"; done
done
declare -A ping ready rcpu
for name in redis runnel; do
  ping[$name]=$(median "${runs_ping[$name]}"); ready[$name]=$(median "${runs_ready[$name]}")
  rcpu[$name]=$(median "${runs_rcpu[$name]}")
done

# --- table ----------------------------------------------------------------------------------
row() { printf '%-42s %12s %12s %8s\n' "$@"; }
row "AOF, XADD -c 50 -P 16, median of $ROUNDS" redis runnel ratio
row "XADD ops/s, appendonly no" "${ops[redis.no]}" "${ops[runnel.no]}" "$(ratio "${ops[runnel.no]}" "${ops[redis.no]}")"
row "XADD ops/s, appendfsync everysec" "${ops[redis.everysec]}" "${ops[runnel.everysec]}" "$(ratio "${ops[runnel.everysec]}" "${ops[redis.everysec]}")"
row "  everysec / no AOF (higher better)" "$(ratio "${ops[redis.everysec]}" "${ops[redis.no]}")" "$(ratio "${ops[runnel.everysec]}" "${ops[runnel.no]}")" ""
row "XADD server CPU us/op, appendonly no" "${cpu[redis.no]}" "${cpu[runnel.no]}" "$(ratio "${cpu[runnel.no]}" "${cpu[redis.no]}")"
row "XADD server CPU us/op, everysec" "${cpu[redis.everysec]}" "${cpu[runnel.everysec]}" "$(ratio "${cpu[runnel.everysec]}" "${cpu[redis.everysec]}")"
row "AOF bytes per XADD, everysec" "${bytes[redis.everysec]}" "${bytes[runnel.everysec]}" "$(ratio "${bytes[runnel.everysec]}" "${bytes[redis.everysec]}")"
row "restart, N=$N, median of $RESTARTS" "" "" ""
row "AOF size MB" "${aof_mb[redis]}" "${aof_mb[runnel]}" "$(ratio "${aof_mb[runnel]}" "${aof_mb[redis]}")"
row "s from start to PONG" "${ping[redis]}" "${ping[runnel]}" "$(ratio "${ping[runnel]}" "${ping[redis]}")"
row "s from start to loading:0 and XLEN=N" "${ready[redis]}" "${ready[runnel]}" "$(ratio "${ready[runnel]}" "${ready[redis]}")"
row "server CPU s to load (lower better)" "${rcpu[redis]}" "${rcpu[runnel]}" "$(ratio "${rcpu[runnel]}" "${rcpu[redis]}")"
