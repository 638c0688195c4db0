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
