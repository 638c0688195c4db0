#!/usr/bin/python3
"""Real redis-py (Debian's python3-redis) against runnel-server: the job-queue shapes the
libraries built on it use. A BRPOP worker loop takes every job exactly once across workers, a
BZPOPMIN scheduler runs delayed jobs in due order and never early, and hashes, sets, sorted
sets and transactions come back as redis-py's types, its PubSub (channels, patterns, a
subscriber thread) gets every message, and a job queue driven by Lua scripts (enqueue, delay,
promote, take, complete, as the queue libraries do) hands every job to exactly one worker.

Usage: redis_py_test.py path/to/runnel-server. Starts the server on a free port in a temporary
directory; exits non-zero on the first failed check."""
import subprocess
import sys
import tempfile
import threading
import time

import redis

from client_checks import answers_ping, check, free_port, run_checks


def start_server(binary, workdir):
    port = free_port()
    proc = subprocess.Popen([binary, "--port", str(port), "--dir", workdir, "--appendonly", "yes"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    if answers_ping(proc, redis.Redis(port=port, decode_responses=True)):
        return proc, port
    proc.kill()
    raise RuntimeError("runnel-server did not answer PING")


def brpop_worker_loop(port):
    jobs = 500
    seen = []
    lock = threading.Lock()

    def worker():
        r = redis.Redis(port=port, decode_responses=True)
        while True:
            item = r.brpop(["queue:high", "queue:low"], timeout=10)
            if item is None:
                raise AssertionError("a worker waited 10 s for a job")
            key, job = item
            if job == "stop":
                return
            with lock:
                seen.append((key, job))

    workers = [threading.Thread(target=worker) for _ in range(3)]
    for w in workers:
        w.start()
    producer = redis.Redis(port=port, decode_responses=True)
    for i in range(jobs):
        producer.lpush("queue:high" if i % 5 == 0 else "queue:low", f"job-{i}")
    # One stop per worker, behind every job (each list is FIFO: LPUSH in, BRPOP out).
    producer.lpush("queue:low", *["stop"] * len(workers))
    for w in workers:
        w.join()
    names = [job for _, job in seen]
    check(len(names) == jobs and len(set(names)) == jobs,
          "BRPOP workers take every job exactly once")
    check(all(key == "queue:high" for key, job in seen if int(job[4:]) % 5 == 0),
          "BRPOP reports the key each job came from")
    r = redis.Redis(port=port, decode_responses=True)
    started = time.monotonic()
    check(r.brpop("queue:empty", timeout=0.2) is None, "BRPOP on an empty list times out with None")
    check(time.monotonic() - started >= 0.15, "BRPOP's sub-second timeout is honoured")
    check(r.llen("queue:high") == 0 and r.llen("queue:low") == 0, "the queues are drained")


def bzpopmin_scheduler(port):
    r = redis.Redis(port=port, decode_responses=True)
    now = time.time()
    due = {f"task-{i}": now + 0.05 * (i % 8) for i in range(40)}
    r.zadd("schedule", due)
    ran = []
    while len(ran) < len(due):
        item = r.bzpopmin("schedule", timeout=2)
        if item is None:
            break
        _, task, score = item
        wait = score - time.time()
        if wait > 0:
            # Not due yet: put it back and sleep until it is (as schedulers built on ZSETs do).
            r.zadd("schedule", {task: score})
            time.sleep(min(wait, 0.05))
            continue
        ran.append((task, score, time.time()))
    check(len(ran) == len(due), "the BZPOPMIN scheduler runs every task")
    check(all(t >= s - 0.001 for _, s, t in ran), "no task runs before its due time")
    scores = [s for _, s, _ in ran]
    check(scores == sorted(scores), "tasks run in due order")
    check(r.bzpopmin("schedule", timeout=0.1) is None, "BZPOPMIN on an empty set times out")


def data_types(port):
    r = redis.Redis(port=port, decode_responses=True)
    r.hset("user:1", mapping={"name": "ada", "visits": "1"})
    r.hincrby("user:1", "visits", 2)
    check(r.hgetall("user:1") == {"name": "ada", "visits": "3"}, "HSET mapping and HGETALL dict")
    r.sadd("tags", "a", "b", "c")
    check(r.smembers("tags") == {"a", "b", "c"}, "SMEMBERS as a set")
    r.zadd("board", {"x": 1.5, "y": 0.25})
    check(r.zrange("board", 0, -1, withscores=True) == [("y", 0.25), ("x", 1.5)],
          "ZRANGE WITHSCORES parses scores as floats")
    check(r.zrevrangebyscore("board", "+inf", "-inf") == ["x", "y"], "ZREVRANGEBYSCORE")
    with r.pipeline(transaction=True) as p:
        p.rpush("list", "a", "b").lrange("list", 0, -1).llen("list")
        check(p.execute() == [2, ["a", "b"], 2], "a MULTI/EXEC pipeline")
    r.setbit("bits", 7, 1)
    check(r.bitcount("bits") == 1 and r.get("bits") == "\x01", "SETBIT and BITCOUNT")
    check(r.sort("list", alpha=True, desc=True) == ["b", "a"], "SORT ALPHA DESC")
    check(r.memory_usage("user:1") > 0, "MEMORY USAGE")


def next_message(p, timeout=2.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        m = p.get_message(ignore_subscribe_messages=True, timeout=0.1)
        if m is not None:
            return m
    return None


def pubsub(port):
    r = redis.Redis(port=port, decode_responses=True)
    p = r.pubsub()
    p.subscribe("orders")
    p.psubscribe("news.*")
    check(r.publish("orders", "o1") == 1, "PUBLISH counts the channel subscriber")
    check(r.publish("news.eu", "n1") == 1, "PUBLISH counts the pattern subscriber")
    m1, m2 = next_message(p), next_message(p)
    check(m1 is not None and m1["type"] == "message" and m1["channel"] == "orders" and
          m1["data"] == "o1", "redis-py's PubSub gets the channel message")
    check(m2 is not None and m2["type"] == "pmessage" and m2["pattern"] == "news.*" and
          m2["channel"] == "news.eu" and m2["data"] == "n1", "and the pattern message")
    check(r.pubsub_numsub("orders") == [("orders", 1)], "PUBSUB NUMSUB")
    check(r.pubsub_numpat() == 1, "PUBSUB NUMPAT")
    # A handler-driven subscriber in a background thread, as Celery and RQ run theirs.
    got = []
    q = r.pubsub()
    q.subscribe(**{"jobs": lambda m: got.append(m["data"])})
    worker = q.run_in_thread(sleep_time=0.01)
    for i in range(50):
        r.publish("jobs", f"job-{i}")
    deadline = time.monotonic() + 3
    while len(got) < 50 and time.monotonic() < deadline:
        time.sleep(0.01)
    worker.stop()
    # stop() only asks: the thread must be gone before its connection goes back to the pool.
    worker.join(timeout=2)
    check(got == [f"job-{i}" for i in range(50)], "a subscriber thread gets every message in order")
    # Subscriptions go with the connection.
    p.close()
    q.close()
    deadline = time.monotonic() + 2
    while r.pubsub_numsub("orders", "jobs") != [("orders", 0), ("jobs", 0)]:
        check(time.monotonic() < deadline, "a closed subscriber's channels are freed")
        time.sleep(0.01)
    check(r.pubsub_numpat() == 0, "and its patterns")


# The shape of the popular queue libraries' Lua (BullMQ, RQ, bee-queue): each step is one
# script over a counter, job hashes, a wait list, an active list and sorted sets of delayed and
# completed jobs, run through redis-py's register_script (EVALSHA, falling back to EVAL).
ENQUEUE = """
local id = redis.call('INCR', KEYS[1])
local key = 'job:' .. id
redis.call('HSET', key, 'data', ARGV[1], 'state', 'waiting')
if tonumber(ARGV[2]) > 0 then
  redis.call('ZADD', KEYS[3], tonumber(ARGV[3]) + tonumber(ARGV[2]), id)
  redis.call('HSET', key, 'state', 'delayed')
else
  redis.call('LPUSH', KEYS[2], id)
end
return id
"""
PROMOTE = """
local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, 100)
for _, id in ipairs(due) do
  redis.call('ZREM', KEYS[1], id)
  redis.call('LPUSH', KEYS[2], id)
  redis.call('HSET', 'job:' .. id, 'state', 'waiting')
end
return #due
"""
TAKE = """
local id = redis.call('RPOPLPUSH', KEYS[1], KEYS[2])
if not id then return false end
redis.call('HSET', 'job:' .. id, 'state', 'active', 'worker', ARGV[1])
return {id, redis.call('HGET', 'job:' .. id, 'data')}
"""
COMPLETE = """
if redis.call('LREM', KEYS[1], 1, ARGV[1]) == 0 then
  return redis.error_reply('ERR job ' .. ARGV[1] .. ' is not active')
end
redis.call('HSET', 'job:' .. ARGV[1], 'state', 'done')
redis.call('ZADD', KEYS[2], ARGV[2], ARGV[1])
redis.call('ZREMRANGEBYRANK', KEYS[2], 0, -101)
return redis.status_reply('OK')
"""


def lua_job_queue(port):
    r = redis.Redis(port=port, decode_responses=True)
    enqueue = r.register_script(ENQUEUE)
    promote = r.register_script(PROMOTE)
    keys = ["q:id", "q:wait", "q:delayed"]
    now = int(time.time() * 1000)
    ids = [enqueue(keys=keys, args=[f"payload-{i}", 0, now]) for i in range(150)]
    check(ids == list(range(1, 151)), "the enqueue script hands out ids in order")
    delayed = [enqueue(keys=keys, args=[f"later-{i}", 200, now]) for i in range(20)]
    check(r.zcard("q:delayed") == 20 and r.hget(f"job:{delayed[0]}", "state") == "delayed",
          "delayed jobs wait in the sorted set")
    check(promote(keys=["q:delayed", "q:wait"], args=[now]) == 0, "nothing is due yet")
    # The cache is flushed under the clients' feet: register_script falls back to EVAL.
    r.script_flush()
    check(promote(keys=["q:delayed", "q:wait"], args=[now + 250]) == 20,
          "the promote script moves the due jobs (reloaded after SCRIPT FLUSH)")

    done = []
    lock = threading.Lock()

    def worker(name):
        c = redis.Redis(port=port, decode_responses=True)
        take = c.register_script(TAKE)
        complete = c.register_script(COMPLETE)
        while True:
            job = take(keys=["q:wait", "q:active"], args=[name])
            if job is None:
                return
            jid, data = job
            acked = complete(keys=["q:active", "q:completed"], args=[jid, int(time.time() * 1000)])
            with lock:
                done.append((jid, data, acked))

    threads = [threading.Thread(target=worker, args=(f"w{i}",)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    check(all(acked == "OK" for _, _, acked in done),
          "the complete script acknowledges every active job")
    jids = sorted(int(j) for j, _, _ in done)
    check(jids == list(range(1, 171)), "four workers take every job exactly once through Lua")
    check(r.llen("q:active") == 0 and r.llen("q:wait") == 0, "no job is left waiting or active")
    check(r.zcard("q:completed") == 100, "the completed set is trimmed to the last 100")
    check(all(r.hget(f"job:{j}", "state") == "done" for j in (1, 75, 170)), "job hashes say done")
    complete = r.register_script(COMPLETE)
    try:
        complete(keys=["q:active", "q:completed"], args=["999", 0])
        check(False, "completing a job that is not active fails")
    except redis.ResponseError as e:
        check(str(e) == "job 999 is not active", "the script's error_reply reaches the client")
    r.set("q:wait", "not a list")
    take = r.register_script(TAKE)
    try:
        take(keys=["q:wait", "q:active"], args=["w"])
        check(False, "a command error inside the script fails the call")
    except redis.ResponseError as e:
        check(str(e).startswith("WRONGTYPE") and "script:" in str(e),
              "redis.call's WRONGTYPE reaches the client with the script's location")


def main():
    binary = sys.argv[1]
    with tempfile.TemporaryDirectory() as workdir:
        proc, port = start_server(binary, workdir)
        run_checks(proc, [brpop_worker_loop, bzpopmin_scheduler, data_types, pubsub, lua_job_queue],
                   port)
    print("all redis-py checks passed")


if __name__ == "__main__":
    main()
