"""What the redis-py client scripts share: a free port, a named check, and running the checks
against a server process that is stopped however they end."""
import socket
import time

import redis


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def check(cond, what):
    if not cond:
        raise AssertionError(what)
    print("ok -", what)


def answers_ping(proc, client, seconds=10):
    """Waits until `client` gets an answer to PING from the server `proc` (True), or the
    process exits (a port another process took) or the time runs out (False)."""
    for _ in range(int(seconds / 0.05)):
        if proc.poll() is not None:
            return False
        try:
            client.ping()
            return True
        except redis.ConnectionError:
            time.sleep(0.05)
    return False


def run_checks(proc, checks, *args):
    """Runs each check(*args) in turn, then stops the server, even when one failed."""
    try:
        for run in checks:
            run(*args)
    finally:
        proc.terminate()
        proc.wait(timeout=10)
