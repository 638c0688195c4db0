"""Soak driver for bench/soak (see there): mixed work from many clients, a kill -9 and restart
in the middle, then checks that nothing acknowledged was lost and that memory stayed flat."""
import os
import random
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time

import redis

SERVER, TOTAL_S, CLIENTS, RSS_GROWTH = sys.argv[1], float(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4])


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


class Server:
    def __init__(self, directory, port):
        self.dir, self.port, self.proc = directory, port, None

    def start(self):
        log = open(os.path.join(self.dir, "runnel.log"), "ab")
        self.proc = subprocess.Popen(
            [SERVER, "--port", str(self.port), "--dir", self.dir, "--appendonly", "yes",
             "--appendfsync", "always", "--maxclients", str(CLIENTS + 100)],
            stdout=log, stderr=log)
        deadline = time.time() + 30
        while time.time() < deadline:
            try:
                if redis.Redis(port=self.port, socket_timeout=1).ping():
                    return
            except (redis.ConnectionError, redis.TimeoutError, redis.ResponseError):
                time.sleep(0.05)
        raise SystemExit("server did not come up")

    def kill9(self):
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait()

    def rss_kb(self):
        with open(f"/proc/{self.proc.pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
        return 0


class Ledger:
    """What the server acknowledged, per client: checked after the restart."""

    def __init__(self):
        self.lock = threading.Lock()
        self.counters = {}   # key -> last INCR value acknowledged
        self.hashes = {}     # key -> {field: value} acknowledged
        self.added = {}      # stream key -> XADDs acknowledged
        self.errors = []
        self.ops = 0


def worker(n, port, ledger, stop, down):
    rnd = random.Random(n)
    r = redis.Redis(port=port, socket_timeout=5, decode_responses=True)
    cnt, hkey, skey = f"soak:cnt:{n}", f"soak:h:{n}", f"soak:log:{n}"
    group_consumer = f"c{n}"
    ops = 0
    while not stop.is_set():
        if down.is_set():
            time.sleep(0.05)
            continue
        try:
            kind = rnd.random()
            if kind < 0.3:  # cache
                k = f"soak:cache:{rnd.randrange(10000)}"
                r.set(k, "x" * rnd.randrange(10, 200), ex=30)
                r.get(f"soak:cache:{rnd.randrange(10000)}")
            elif kind < 0.45:  # list as a queue
                q = f"soak:q:{n % 20}"
                r.lpush(q, "job")
                r.rpop(q)
            elif kind < 0.6:  # durable counters and a small hash
                v = r.incr(cnt)
                f = str(v % 50)
                r.hset(hkey, f, v)
                with ledger.lock:
                    ledger.counters[cnt] = v
                    ledger.hashes.setdefault(hkey, {})[f] = str(v)
            elif kind < 0.8:  # producer: a bounded log per client and the shared job stream
                r.xadd(skey, {"n": str(n)}, maxlen=1000, approximate=True)
                with ledger.lock:
                    ledger.added[skey] = ledger.added.get(skey, 0) + 1
                r.xadd("soak:jobs", {"from": str(n)}, maxlen=20000, approximate=True)
            else:  # consumer: ack most, leave some for the policy to retry and dead-letter
                got = r.xreadgroup("workers", group_consumer, {"soak:jobs": ">"}, count=10)
                ids = [eid for _, entries in got for eid, _ in entries]
                acked = [eid for eid in ids if rnd.random() > 0.05]
                if acked:
                    r.xack("soak:jobs", "workers", *acked)
                if rnd.random() < 0.01:
                    r.xtrim("soak:jobs:dlq", maxlen=1000, approximate=True)
            ops += 1
        except (redis.ConnectionError, redis.TimeoutError):
            # The server is being killed and restarted: not an error of the server's.
            time.sleep(0.05)
            r = redis.Redis(port=port, socket_timeout=5, decode_responses=True)
        except redis.ResponseError as e:
            with ledger.lock:
                ledger.errors.append(f"client {n}: {e}")
    with ledger.lock:
        ledger.ops += ops


def setup(port):
    r = redis.Redis(port=port)
    r.xgroup_create("soak:jobs", "workers", id="$", mkstream=True)
    r.execute_command("XGROUP", "SETPOLICY", "soak:jobs", "workers", "ACK-TIMEOUT", "2000",
                      "BACKOFF", "100", "500", "MAX-DELIVERIES", "3", "DEAD-LETTER", "soak:jobs:dlq")


def check(port, ledger):
    r = redis.Redis(port=port, decode_responses=True)
    lost = []
    with ledger.lock:
        for k, v in ledger.counters.items():
            got = int(r.get(k) or 0)
            if got < v:
                lost.append(f"{k}: {got} < acknowledged {v}")
        for k, fields in ledger.hashes.items():
            have = r.hgetall(k)
            for f, v in fields.items():
                if int(have.get(f, 0)) < int(v):
                    lost.append(f"{k} {f}: {have.get(f)} < acknowledged {v}")
        for k, n in ledger.added.items():
            added = dict(zip(*[iter(r.execute_command("XINFO", "STREAM", k))] * 2))["entries-added"]
            if int(added) < n:
                lost.append(f"{k}: entries-added {added} < acknowledged {n}")
    return lost


def main():
    directory = tempfile.mkdtemp(prefix="runnel-soak-")
    port = free_port()
    server = Server(directory, port)
    server.start()
    setup(port)
    ledger, stop, down = Ledger(), threading.Event(), threading.Event()
    threads = [threading.Thread(target=worker, args=(i, port, ledger, stop, down))
               for i in range(CLIENTS)]
    for t in threads:
        t.start()
    t0 = time.time()
    time.sleep(TOTAL_S * 0.3)
    print(f"[{time.time() - t0:5.1f}s] kill -9 under load (RSS {server.rss_kb()} kB)", flush=True)
    down.set()
    server.kill9()
    lost_at_kill = None
    server.start()
    lost_at_kill = check(port, ledger)
    print(f"[{time.time() - t0:5.1f}s] restarted: {len(lost_at_kill)} acknowledged writes missing",
          flush=True)
    down.clear()
    time.sleep(TOTAL_S * 0.2)  # warm-up after the restart
    rss_warm = server.rss_kb()
    samples = [rss_warm]
    end = t0 + TOTAL_S
    while time.time() < end:
        time.sleep(min(5, max(0.1, end - time.time())))
        samples.append(server.rss_kb())
    stop.set()
    for t in threads:
        t.join()
    lost_end = check(port, ledger)
    rss_end = samples[-1]
    growth = 100.0 * (rss_end - rss_warm) / max(1, rss_warm)
    info = redis.Redis(port=port, decode_responses=True).info("everything")
    print(f"clients {CLIENTS}, {TOTAL_S:.0f} s, {ledger.ops} operations, "
          f"{len(ledger.errors)} error replies, "
          f"{len(lost_at_kill) + len(lost_end)} acknowledged writes missing")
    print(f"RSS after warm-up {rss_warm} kB, at the end {rss_end} kB ({growth:+.1f}%), "
          f"samples {samples}")
    print(f"used_memory {info['used_memory']}, keys {info.get('db0', {}).get('keys')}, "
          f"redelivered {info.get('redelivered_entries', '-')}, "
          f"dead-lettered {info.get('dead_lettered_entries', '-')}")
    for e in (ledger.errors + lost_at_kill + lost_end)[:20]:
        print("  " + e)
    server.proc.terminate()
    server.proc.wait()
    ok = not ledger.errors and not lost_at_kill and not lost_end and growth <= RSS_GROWTH
    print("PASS" if ok else "FAIL")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
