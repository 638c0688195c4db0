"""A producer and a consumer that find their primary through Redis Sentinel (redis-py's
redis.sentinel), driven by tests/integration/sentinel_test.cc across a failover.

    sentinel_client.py <out_dir> <sentinel_port>...

The producer appends to the stream `jobs` in batches (XADD) and counts an entry as
acknowledged once the batch is replicated: WAIT 1 1000 where the server has WAIT, otherwise
once one replica's acknowledged offset (INFO replication's slaveN offset=) reaches the
primary's offset after the batch. The consumer reads `jobs` in group `workers` (XREADGROUP,
then XACK); after any connection error it reads its own pending entries first, so an entry
delivered by a primary that died before the XACK is processed again. Both retry through
Sentinel on errors, until <out_dir>/stop exists; then the consumer drains what is left.

Writes <out_dir>/replicated.txt (entry ids acknowledged as replicated), consumed.txt (ids the
consumer processed and acknowledged) and ready (once the group exists), and prints one
summary line. Exits 0 unless it could not run at all; an error a failover cannot explain (any other error
reply) is printed to stderr and counted as unexpected.
"""
import os
import sys
import threading
import time

import redis
from redis.sentinel import Sentinel

out_dir = sys.argv[1]
sentinels = [("127.0.0.1", int(p)) for p in sys.argv[2:]]
DEADLINE = time.monotonic() + 120  # never outlive a broken test
BATCH = 20
# What a failover may cause: the primary gone, not yet replaced, or demoted under us.
RETRYABLE = (redis.ConnectionError, redis.TimeoutError, redis.ReadOnlyError,
             redis.sentinel.MasterNotFoundError)


def stopping():
    return os.path.exists(os.path.join(out_dir, "stop")) or time.monotonic() > DEADLINE


def primary():
    sentinel = Sentinel(sentinels, socket_timeout=0.5)
    return sentinel.master_for("mymaster", socket_timeout=1.0, socket_connect_timeout=0.5)


def ids_of(replies):
    return [i.decode() if isinstance(i, bytes) else i for i in replies]


class Counts:
    def __init__(self):
        self.lock = threading.Lock()
        self.errors = 0
        self.unexpected = 0
        self.wait_used = None


counts = Counts()


def note_error():
    with counts.lock:
        counts.errors += 1
    time.sleep(0.1)


def note_unexpected(e):
    print("unexpected error: %r" % e, file=sys.stderr, flush=True)
    with counts.lock:
        counts.unexpected += 1
    time.sleep(0.1)


def replicated_by_offsets(r, timeout_s=3.0):
    """One replica acknowledged everything the primary has streamed so far."""
    target = r.info("replication")["master_repl_offset"]
    end = time.monotonic() + timeout_s
    while time.monotonic() < end:
        info = r.info("replication")
        for key, value in info.items():
            if key.startswith("slave") and isinstance(value, dict) and value.get("offset", 0) >= target:
                return True
        time.sleep(0.05)
    return False


def replicated(r):
    if counts.wait_used is None:
        try:
            r.execute_command("WAIT", 1, 1000)
            counts.wait_used = True
        except redis.ResponseError as e:
            if "unknown command" not in str(e):
                raise
            counts.wait_used = False
    if counts.wait_used:
        return r.execute_command("WAIT", 1, 1000) >= 1
    return replicated_by_offsets(r)


def produce():
    r = primary()
    n = 0
    with open(os.path.join(out_dir, "replicated.txt"), "w") as out:
        while not stopping():
            try:
                pipe = r.pipeline(transaction=False)
                for i in range(BATCH):
                    pipe.xadd("jobs", {"n": n + i})
                ids = ids_of(pipe.execute())
                n += BATCH
                if replicated(r):
                    out.write("".join(i + "\n" for i in ids))
                    out.flush()
            except RETRYABLE:
                note_error()
                r = primary()
            except redis.ResponseError as e:
                note_unexpected(e)
            time.sleep(0.02)


def consume():
    r = primary()
    consumed = open(os.path.join(out_dir, "consumed.txt"), "w")
    # After an error: this consumer's own pending entries first ("0"), then new ones (">").
    start = "0"
    idle_since = None
    while True:
        if stopping():
            # Drain: stop once nothing new came for a second.
            idle_since = idle_since or time.monotonic()
            if time.monotonic() - idle_since > 1.0 or time.monotonic() > DEADLINE:
                break
        try:
            got = r.xreadgroup("workers", "c1", {"jobs": start}, count=50, block=100)
            entries = got[0][1] if got else []
            if start == "0" and not entries:
                start = ">"
                continue
            ids = ids_of([entry_id for entry_id, _ in entries])
            if ids:
                r.xack("jobs", "workers", *ids)
                consumed.write("".join(i + "\n" for i in ids))
                consumed.flush()
                if stopping():
                    idle_since = time.monotonic()
        except RETRYABLE:
            note_error()
            r = primary()
            start = "0"
        except redis.ResponseError as e:
            note_unexpected(e)
    consumed.close()


def main():
    end = time.monotonic() + 10
    while True:
        try:
            primary().xgroup_create("jobs", "workers", id="$", mkstream=True)
            break
        except redis.ResponseError as e:
            if "BUSYGROUP" in str(e):
                break
            raise
        except RETRYABLE:
            if time.monotonic() > end:
                raise
            time.sleep(0.1)
    open(os.path.join(out_dir, "ready"), "w").close()
    threads = [threading.Thread(target=produce), threading.Thread(target=consume)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    print("done errors=%d unexpected=%d wait=%s" %
          (counts.errors, counts.unexpected, counts.wait_used), flush=True)


main()
