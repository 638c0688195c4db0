#!/usr/bin/env bash
# What a delivery policy (XGROUP SETPOLICY) costs a consumer group, on one Runnel server holding
# N entries of two small fields (as bench/groups.sh), driver bench/group_bench.cc:
#   1. XREADGROUP COUNT 100 + XACK round trips over all N entries, entries/s and the server's CPU
#      per entry (user+sys from /proc), with no policy and with
#      `ACK-TIMEOUT 60000 MAX-DELIVERIES 5`; ROUNDS rounds, each running both set-ups in
#      alternating order (ABBA), median and range kept. Target: ratio >= 0.90 and <= 1.11.
#   2. one consumer holding all N entries pending: bytes per pending entry (used_memory growth)
#      with no policy and with `ACK-TIMEOUT 3600000` (every entry gets a deadline in the due
#      index), and the server's CPU time over IDLE seconds of no commands with those deadlines
#      armed (both should be ~0: one timer per group, set for the earliest deadline).
#      Redis's bytes per pending entry (it has no policy) for reference.
#   3. with CALLGRIND=1 (needs valgrind; adds ~15 s): the same read+ack loop over CG_N (50000)
#      entries on servers under callgrind, counting the server's user-space instructions per
#      entry with and without the policy: a figure the other processes on the machine cannot
#      disturb (it leaves out the kernel's share, the socket reads and writes).
# The machine is shared: read the ratios and ranges, not the absolutes.
# Usage: bench/policy.sh [N] (default 1000000); ROUNDS (3), IDLE (10 s), CALLGRIND (0), CG_N
# (50000) and RUNNEL_BUILD (build dir, default build) override.
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-1000000}
ROUNDS=${ROUNDS:-3}
IDLE=${IDLE:-10}
CALLGRIND=${CALLGRIND:-0}
CG_N=${CG_N:-50000}
BUILD=${RUNNEL_BUILD:-build}
if [ ! -x "$BUILD/runnel-server" ] || [ ! -x "$BUILD/bench/group_bench" ]; then
  cmake -S . -B "$BUILD" -DCMAKE_BUILD_TYPE=Release >/dev/null
  cmake --build "$BUILD" -j2 --target runnel-server group_bench
fi
DRIVER=$BUILD/bench/group_bench
RUN_POLICY="ACK-TIMEOUT 60000 MAX-DELIVERIES 5"
PENDING_POLICY="ACK-TIMEOUT 3600000"

. bench/lib.sh
field() { awk -v k="$1" '$1==k{print $2}'; }  # key, on stdin: the driver's "key value" lines

awk -v n="$N" 'BEGIN { for (i = 1; i <= n; i++) printf "XADD s %.0f-0 field 12345 name alice\r\n", 1700000000000 + i }' >"$tmp/load.txt"

# Redis's bytes per pending entry, then Redis goes away so it takes no CPU from the rest.
RP=$(free_port); start "$RP" redis-server --port "$RP" --save '' --appendonly no --dir "$tmp"
redis-cli -p "$RP" --pipe <"$tmp/load.txt" >/dev/null
redis_pel=$("$DRIVER" "$RP" --skip-throughput | field pending_bytes)
redis-cli -p "$RP" shutdown nosave >/dev/null 2>&1 || true

NP=$(free_port); start "$NP" "$BUILD/runnel-server" --port "$NP" --appendonly no --dir "$tmp"
redis-cli -p "$NP" --pipe <"$tmp/load.txt" >/dev/null

# 2. pending entries, with and without deadlines (each group destroyed by the driver after).
out=$("$DRIVER" "$NP" --skip-throughput --idle "$IDLE")
pel_none=$(field pending_bytes <<<"$out"); idle_none=$(field idle_cpu_ms <<<"$out")
out=$("$DRIVER" "$NP" --skip-throughput --idle "$IDLE" --policy "$PENDING_POLICY")
pel_pol=$(field pending_bytes <<<"$out"); idle_pol=$(field idle_cpu_ms <<<"$out")

# 1. throughput, alternating: none policy | policy none | none policy ...
eps_none=(); eps_pol=(); cpu_none=(); cpu_pol=()
run() {  # none|policy
  local out
  if [ "$1" = none ]; then
    out=$("$DRIVER" "$NP" --skip-memory)
    eps_none+=("$(field entries_per_sec <<<"$out")"); cpu_none+=("$(field cpu_us_per_entry <<<"$out")")
  else
    out=$("$DRIVER" "$NP" --skip-memory --policy "$RUN_POLICY")
    eps_pol+=("$(field entries_per_sec <<<"$out")"); cpu_pol+=("$(field cpu_us_per_entry <<<"$out")")
  fi
}
for r in $(seq 1 "$ROUNDS"); do
  if [ $((r % 2)) = 1 ]; then run none; run policy; else run policy; run none; fi
done

# 3. instructions per entry under callgrind, instrumenting only the read+ack loop (not the load).
ir_none=""; ir_pol=""
callgrind_ir() {  # extra driver options...; prints the server's instructions per entry
  local port out vp
  port=$(free_port); out="$tmp/callgrind.$port"
  valgrind --tool=callgrind --instr-atstart=no --callgrind-out-file="$out" \
    "$BUILD/runnel-server" --port "$port" --appendonly no --dir "$tmp" >/dev/null 2>&1 &
  vp=$!; pids+=("$vp")
  for _ in $(seq 1 200); do redis-cli -p "$port" ping >/dev/null 2>&1 && break; sleep 0.1; done
  head -n "$CG_N" "$tmp/load.txt" | redis-cli -p "$port" --pipe >/dev/null
  callgrind_control -i on "$vp" >/dev/null 2>&1
  "$DRIVER" "$port" --skip-memory "$@" >/dev/null
  callgrind_control -i off "$vp" >/dev/null 2>&1
  redis-cli -p "$port" shutdown nosave >/dev/null 2>&1 || true
  wait "$vp" || true
  awk -v n="$CG_N" '$1=="totals:"{printf "%.0f", $2 / n}' "$out"
}
if [ "$CALLGRIND" = 1 ]; then
  command -v valgrind >/dev/null || { echo "bench/policy.sh: CALLGRIND=1 needs valgrind" >&2; exit 1; }
  [ "$CG_N" -le "$N" ] || CG_N=$N
  ir_none=$(callgrind_ir); ir_pol=$(callgrind_ir --policy "$RUN_POLICY")
fi

median() {  # printf format, values...
  local fmt=$1; shift
  printf '%s\n' "$@" | sort -g | awk -v f="$fmt" '{v[NR]=$1} END { printf f, (NR % 2 ? v[(NR+1)/2] : (v[NR/2] + v[NR/2+1]) / 2) }'
}
range() { printf '%s\n' "$@" | sort -g | awk 'NR==1{lo=$1} {hi=$1} END { print lo "-" hi }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }'; }

printf 'delivery policy, N=%s, %s rounds; throughput policy: %s\n' "$N" "$ROUNDS" "$RUN_POLICY"
printf '%-44s %18s %18s %7s\n' "" "no policy" "policy" ratio
m1=$(median %.0f "${eps_none[@]}"); m2=$(median %.0f "${eps_pol[@]}")
printf '%-44s %18s %18s %7s\n' "XREADGROUP 100 + XACK entries/s, median" "$m1" "$m2" "$(ratio "$m2" "$m1")"
printf '%-44s %18s %18s\n' "  range" "$(range "${eps_none[@]}")" "$(range "${eps_pol[@]}")"
m1=$(median %.3f "${cpu_none[@]}"); m2=$(median %.3f "${cpu_pol[@]}")
printf '%-44s %18s %18s %7s\n' "server CPU us per entry, median" "$m1" "$m2" "$(ratio "$m2" "$m1")"
printf '%-44s %18s %18s\n' "  range" "$(range "${cpu_none[@]}")" "$(range "${cpu_pol[@]}")"
printf '%-44s %18s %18s %7s\n' "bytes per pending entry ($PENDING_POLICY)" "$pel_none" "$pel_pol" "$(ratio "$pel_pol" "$pel_none")"
printf '%-44s %18s %18s\n' "server CPU ms over ${IDLE} s idle, N pending" "$idle_none" "$idle_pol"
printf '%-44s %18s\n' "Redis bytes per pending entry (no policy)" "$redis_pel"
if [ -n "$ir_none" ]; then
  printf '%-44s %18s %18s %7s\n' "server user instructions per entry (callgrind)" "$ir_none" "$ir_pol" "$(ratio "$ir_pol" "$ir_none")"
fi
