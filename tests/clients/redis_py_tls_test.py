#!/usr/bin/python3
"""Real redis-py (Debian's python3-redis) over TLS against runnel-server: ssl=True with the
test CA, a client certificate, and the server's tls-auth-clients yes. Commands, a pipeline
of thousands of commands, a value of megabytes each way, pub/sub across two TLS connections,
and a client without a certificate refused while the others carry on. Certificates are made
at run time with the openssl CLI (Debian's openssl, installed by .ci/setup).

Usage: redis_py_tls_test.py path/to/runnel-server. Exits non-zero on the first failed check."""
import os
import subprocess
import sys
import tempfile

import redis

from client_checks import answers_ping, check, free_port, run_checks


def make_certs(d):
    def run(*args):
        subprocess.run(["openssl", *args], check=True, stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL)

    ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
    with open(os.path.join(d, "san.ext"), "w") as f:
        f.write("subjectAltName=DNS:localhost,IP:127.0.0.1\n")
    run("req", "-x509", "-new", *ec, "-keyout", f"{d}/ca.key", "-out", f"{d}/ca.crt", "-days", "2",
        "-subj", "/CN=Runnel redis-py CA")
    for name in ("server", "client"):
        run("req", "-new", *ec, "-keyout", f"{d}/{name}.key", "-out", f"{d}/{name}.csr",
            "-subj", f"/CN={'localhost' if name == 'server' else name}")
        run("x509", "-req", "-in", f"{d}/{name}.csr", "-CA", f"{d}/ca.crt", "-CAkey", f"{d}/ca.key",
            "-CAcreateserial", "-days", "2", "-extfile", f"{d}/san.ext", "-out", f"{d}/{name}.crt")


def start_server(binary, d):
    for _ in range(5):
        port = free_port()
        proc = subprocess.Popen(
            [binary, "--port", "0", "--tls-port", str(port), "--dir", d, "--appendonly", "no",
             "--tls-cert-file", f"{d}/server.crt", "--tls-key-file", f"{d}/server.key",
             "--tls-ca-cert-file", f"{d}/ca.crt"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        if answers_ping(proc, connect(port, d)):
            return proc, port
        proc.kill()  # the port was taken, most likely: another try on another one
        proc.wait()
    raise RuntimeError("runnel-server did not answer PING over TLS")


def connect(port, d, cert=True, decode=True):
    extra = {"ssl_certfile": f"{d}/client.crt", "ssl_keyfile": f"{d}/client.key"} if cert else {}
    return redis.Redis(host="127.0.0.1", port=port, ssl=True, ssl_ca_certs=f"{d}/ca.crt",
                       ssl_cert_reqs="required", decode_responses=decode, **extra)


def commands_and_pipeline(port, d):
    r = connect(port, d)
    check(r.ping(), "PING over TLS")
    r.set("greeting", "hello")
    check(r.get("greeting") == "hello", "SET and GET over TLS")
    r.hset("user:1", mapping={"name": "ada", "visits": "3"})
    check(r.hgetall("user:1") == {"name": "ada", "visits": "3"}, "a hash comes back as a dict")
    pipe = r.pipeline(transaction=False)
    for i in range(5000):
        pipe.rpush("numbers", i)
    replies = pipe.execute()
    check(replies[-1] == 5000, "a pipeline of 5000 commands over TLS gets every reply")
    check(r.lrange("numbers", 0, 2) == ["0", "1", "2"], "the pipelined pushes are in order")
    with r.pipeline(transaction=True) as tx:
        tx.incr("counter").incr("counter").get("counter")
        check(tx.execute() == [1, 2, "2"], "MULTI/EXEC over TLS")


def big_values(port, d):
    r = connect(port, d, decode=False)
    blob = os.urandom(6 * 1024 * 1024)
    r.set("blob", blob)
    check(r.get("blob") == blob, "a 6 MB binary value goes in and comes back intact over TLS")


def pubsub(port, d):
    sub = connect(port, d).pubsub()
    sub.subscribe("news")
    first = sub.get_message(timeout=2)
    check(first and first["type"] == "subscribe", "SUBSCRIBE is confirmed over TLS")
    pub = connect(port, d)
    check(pub.publish("news", "tls works") == 1, "PUBLISH reaches the one TLS subscriber")
    msg = sub.get_message(timeout=2)
    check(msg and msg["data"] == "tls works", "the subscriber reads the message over TLS")
    sub.close()


def client_without_certificate(port, d):
    anonymous = connect(port, d, cert=False)
    try:
        anonymous.ping()
        check(False, "a client without a certificate is refused (tls-auth-clients yes)")
    except (redis.ConnectionError, OSError):
        check(True, "a client without a certificate is refused (tls-auth-clients yes)")
    check(connect(port, d).get("greeting") == "hello", "other clients carry on")


def main():
    binary = sys.argv[1]
    with tempfile.TemporaryDirectory() as d:
        make_certs(d)
        proc, port = start_server(binary, d)
        run_checks(proc, [commands_and_pipeline, big_values, pubsub, client_without_certificate],
                   port, d)
    print("all redis-py TLS checks passed")


if __name__ == "__main__":
    main()
