# Shared by the bench scripts (sourced after they cd to the repository root): a free loopback
# port, a temporary directory and the servers started, all cleaned up when the script exits.
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
tmp=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$tmp"; }
trap cleanup EXIT

# start port command...: runs a server in the background and waits until it answers PING.
start() {
  local port=$1; shift
  "$@" >/dev/null 2>&1 &
  pids+=($!)
  for _ in $(seq 1 100); do redis-cli -p "$port" ping >/dev/null 2>&1 && break; sleep 0.05; done
}

# Figures shared by bench/run (the older scripts keep their own copies, defined after sourcing).
cpu_ticks() { awk '{print $14+$15}' "/proc/$1/stat"; }  # pid: user+sys clock ticks so far
ticks() { awk '{print $14+$15, $14}' "/proc/$1/stat"; }  # pid: user+sys and user ticks so far
us_per() { awk -v t="$1" -v n="$2" -v hz="$(getconf CLK_TCK)" 'BEGIN { printf "%.3f", t / hz * 1e6 / n }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "-" }'; }
# median "v1 v2 ...": the middle value, or the mean of the two middle ones for an even count.
median() {
  tr ' ' '\n' <<<"$1" | grep . | sort -g |
    awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
# stream_load KEY N: N XADDs of two small fields with explicit, increasing IDs
# (1700000000001-0 ...), in RESP-free inline form for redis-cli --pipe.
stream_load() {
  awk -v k="$1" -v n="$2" 'BEGIN { for (i = 1; i <= n; i++) printf "XADD %s %.0f-0 field 12345 name alice\r\n", k, 1700000000000 + i }'
}
# Issue 14's loads, in inline form for redis-cli --pipe, 100 elements per command where the
# command takes several (the figures are per element; batching only makes the load quicker).
# hash_load KEYFMT N: N hashes (key printf(KEYFMT, i), i = 0 .. N-1) of 5 short fields.
hash_load() {
  awk -v f="$1" -v n="$2" 'BEGIN { for (i = 0; i < n; i++) {
    printf "HSET " f " name user%d age %d city paris plan free seen %d\r\n", i, i, i % 90, 1700000000 + i } }'
}
# members_load CMD KEY N KIND: CMD KEY followed by N elements in batches of 100: KIND str is
# "member:i", int is i, elem is "element:i", zset is "score member:i" with a random score in
# [0, 1000000) (seeded, so both servers get the same set).
members_load() {
  awk -v c="$1" -v k="$2" -v n="$3" -v kind="$4" 'BEGIN { srand(14)
    for (i = 0; i < n; i++) {
      if (i % 100 == 0) printf "%s%s %s", (i ? "\r\n" : ""), c, k
      if (kind == "str") printf " member:%d", i
      else if (kind == "int") printf " %d", i
      else if (kind == "elem") printf " element:%d", i
      else printf " %.3f member:%d", rand() * 1000000, i
    }
    if (n) printf "\r\n" }'
}
