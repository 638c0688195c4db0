// Stream workload driver for bench/run: XRANGE COUNT 100 at random places of a stream, and
// XREADGROUP COUNT 100 + XACK from a given place, against one server that already holds the
// stream (loaded by the script with IDs <first+1>-0 .. <first+n>-0). Prints "key value" lines:
//   ops_per_sec / entries_per_sec, and cpu_us_per_op / cpu_us_per_entry: the server's user+sys
//   CPU time (from /proc) per operation or entry over the timed loop.
// Usage:
//   scale_bench xrange PORT KEY FIRST N OPS [PIPELINE]
//       OPS XRANGE KEY <random entry's ID> + COUNT 100, PIPELINE (16) in flight on one
//       connection; the replies are scanned, not built into objects, so the client stays cheap.
//   scale_bench group PORT KEY START_ID ENTRIES
//       XGROUP CREATE KEY at START_ID, then XREADGROUP COUNT 100 + XACK of those, one round
//       trip each, until ENTRIES entries. With START_ID 0 the stream is read in laps (XGROUP
//       SETID back to 0 after each), so a 1,000-entry stream can be timed over as many entries.
#include <hiredis/hiredis.h>
#include <sys/resource.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "bench/bench_client.h"

namespace {

using bench::Append;
using bench::Command;
using bench::EntryIds;
using bench::CpuSeconds;
using bench::Die;
using bench::ReplyPtr;

long long ServerPid(redisContext* c) {
  const long long pid = bench::InfoField(c, "server", "process_id");
  if (pid <= 0) Die("INFO server has no process_id");
  return pid;
}

// This process's own user+sys CPU seconds.
double OwnCpuSeconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
         static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

// Times body() (which returns how many operations it did) and prints the rate, the server's CPU
// per operation under the given names, and the driver's own CPU per operation (client_cpu_us):
// when that is near the wall time per operation, the rate is the client's, not the server's.
template <typename Body>
void Timed(long long pid, const char* rate_name, const char* cpu_name, Body body) {
  const double cpu0 = CpuSeconds(pid), own0 = OwnCpuSeconds();
  const auto t0 = std::chrono::steady_clock::now();
  const long long done = body();
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  const double cpu = CpuSeconds(pid) - cpu0, own = OwnCpuSeconds() - own0;
  const double n = static_cast<double>(done);
  std::printf("%s %.0f\n", rate_name, n / secs);
  std::printf("%s %.3f\n", cpu_name, cpu * 1e6 / n);
  std::printf("client_cpu_us %.3f\n", own * 1e6 / n);
  std::printf("wall_us %.3f\n", secs * 1e6 / n);
}

std::vector<std::string> RangeArgs(const std::string& key, long long ms) {
  return {"XRANGE", key, std::to_string(ms) + "-0", "+", "COUNT", "100"};
}

int XRange(redisContext* c, const std::string& key, long long first, long long n, long long ops,
           int pipeline) {
  if (n < 100) Die("the stream must hold at least 100 entries");
  // Start points are drawn so every XRANGE returns a full 100 entries; the same seed gives both
  // servers the same sequence.
  std::mt19937_64 rng(42);
  std::uniform_int_distribution<long long> start(first + 1, first + n - 99);
  // One checked call first: a wrong key or ID format would otherwise time empty replies.
  auto check = Command(c, RangeArgs(key, first + n / 2));
  if (check->type != REDIS_REPLY_ARRAY || check->elements != 100) {
    Die("XRANGE " + key + " did not return 100 entries (is the stream loaded?)");
  }
  const long long pid = ServerPid(c);
  // Without reader functions hiredis parses each reply but returns only its type as the
  // "object": no allocation per entry and field, so the client's CPU goes to the sockets.
  redisReplyObjectFunctions* fn = c->reader->fn;
  c->reader->fn = nullptr;
  Timed(pid, "ops_per_sec", "cpu_us_per_op", [&] {
    long long sent = 0;
    for (; sent < ops && sent < pipeline; sent++) Append(c, RangeArgs(key, start(rng)));
    for (long long got = 0; got < ops; got++) {
      void* r = nullptr;
      if (redisGetReply(c, &r) != REDIS_OK) Die(std::string("connection: ") + c->errstr);
      if (reinterpret_cast<uintptr_t>(r) != REDIS_REPLY_ARRAY) Die("XRANGE replied a non-array");
      if (sent < ops) {
        Append(c, RangeArgs(key, start(rng)));
        sent++;
      }
    }
    return ops;
  });
  c->reader->fn = fn;
  return 0;
}

int Group(redisContext* c, const std::string& key, const std::string& start_id,
          long long entries) {
  const long long pid = ServerPid(c);
  // From "0" the whole stream is one lap; after the XACK that ends a lap, XGROUP SETID goes out
  // in the same write, so rereading a short stream costs no extra round trip.
  const long long lap = start_id == "0" ? Command(c, {"XLEN", key})->integer : 0;
  Command(c, {"XGROUP", "CREATE", key, "scale", start_id});
  Timed(pid, "entries_per_sec", "cpu_us_per_entry", [&] {
    long long done = 0, in_lap = 0;
    while (done < entries) {
      auto ids = EntryIds(Command(c, {"XREADGROUP", "GROUP", "scale", "c", "COUNT", "100",
                                      "STREAMS", key, ">"}).get());
      if (ids.empty()) Die("the stream ended after " + std::to_string(done) + " entries");
      in_lap += static_cast<long long>(ids.size());
      const bool lap_ends = lap > 0 && in_lap >= lap;
      std::vector<std::string> ack = {"XACK", key, "scale"};
      ack.insert(ack.end(), ids.begin(), ids.end());
      Append(c, ack);
      if (lap_ends) Append(c, {"XGROUP", "SETID", key, "scale", start_id});
      void* r = nullptr;
      if (redisGetReply(c, &r) != REDIS_OK) Die(std::string("connection: ") + c->errstr);
      ReplyPtr acked(static_cast<redisReply*>(r), freeReplyObject);
      if (acked->type != REDIS_REPLY_INTEGER ||
          acked->integer != static_cast<long long>(ids.size())) {
        Die("XACK acknowledged fewer entries than it was given");
      }
      if (lap_ends) {
        if (redisGetReply(c, &r) != REDIS_OK) Die(std::string("connection: ") + c->errstr);
        ReplyPtr set(static_cast<redisReply*>(r), freeReplyObject);
        if (set->type != REDIS_REPLY_STATUS) Die("XGROUP SETID failed");
        in_lap = 0;
      }
      done += static_cast<long long>(ids.size());
    }
    return done;
  });
  Command(c, {"XGROUP", "DESTROY", key, "scale"});
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  const std::vector<std::string> a(argv + 1, argv + argc);
  const bool xrange = a.size() >= 6 && a.size() <= 7 && a[0] == "xrange";
  const bool group = a.size() == 5 && a[0] == "group";
  if (!xrange && !group) {
    std::fprintf(stderr,
                 "usage: scale_bench xrange PORT KEY FIRST N OPS [PIPELINE]\n"
                 "       scale_bench group PORT KEY START_ID ENTRIES\n");
    return 2;
  }
  redisContext* c = redisConnect("127.0.0.1", std::atoi(a[1].c_str()));
  if (c == nullptr || c->err) Die("cannot connect to port " + a[1]);
  const int rc = xrange ? XRange(c, a[2], std::atoll(a[3].c_str()), std::atoll(a[4].c_str()),
                                 std::atoll(a[5].c_str()), a.size() == 7 ? std::atoi(a[6].c_str()) : 16)
                        : Group(c, a[2], a[3], std::atoll(a[4].c_str()));
  redisFree(c);
  return rc;
}
