// What the hiredis benchmark drivers share: one round trip that exits on any error (a bench
// must not carry on with a broken setup), an INFO field, an XREADGROUP reply's IDs, and a
// process's CPU time from /proc.
#pragma once

#include <hiredis/hiredis.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

namespace bench {

using ReplyPtr = std::unique_ptr<redisReply, decltype(&freeReplyObject)>;

[[noreturn]] inline void Die(const std::string& what) {
  std::fprintf(stderr, "%s\n", what.c_str());
  std::exit(1);
}

// A connection to the server on localhost; exits when it cannot be made.
inline redisContext* Connect(int port) {
  redisContext* c = redisConnect("127.0.0.1", port);
  if (c == nullptr || c->err) Die("cannot connect");
  return c;
}

// Queues a command (pipelining: read its reply later with redisGetReply).
inline void Append(redisContext* c, const std::vector<std::string>& args) {
  std::vector<const char*> argv;
  std::vector<size_t> lens;
  for (const auto& a : args) {
    argv.push_back(a.data());
    lens.push_back(a.size());
  }
  if (redisAppendCommandArgv(c, static_cast<int>(args.size()), argv.data(), lens.data()) !=
      REDIS_OK) {
    Die(std::string("cannot queue a command: ") + c->errstr);
  }
}

// One round trip; exits on a connection error or an error reply.
inline ReplyPtr Command(redisContext* c, const std::vector<std::string>& args) {
  Append(c, args);
  void* r = nullptr;
  if (redisGetReply(c, &r) != REDIS_OK || r == nullptr) {
    Die(std::string("connection error: ") + c->errstr);
  }
  ReplyPtr reply(static_cast<redisReply*>(r), freeReplyObject);
  if (reply->type == REDIS_REPLY_ERROR) Die("error reply: " + std::string(reply->str, reply->len));
  return reply;
}

// An integer field of an INFO section, or -1 when it is not there.
inline long long InfoField(redisContext* c, const std::string& section, const std::string& field) {
  auto r = Command(c, {"INFO", section});
  std::istringstream in(std::string(r->str, r->len));
  for (std::string line; std::getline(in, line);) {
    if (line.rfind(field + ":", 0) == 0) return std::atoll(line.c_str() + field.size() + 1);
  }
  return -1;
}

// IDs of the entries in an XREADGROUP reply for one stream ([[key, [[id, fields]...]]]).
inline std::vector<std::string> EntryIds(const redisReply* r) {
  std::vector<std::string> ids;
  if (r->type != REDIS_REPLY_ARRAY || r->elements == 0) return ids;
  const redisReply* entries = r->element[0]->element[1];
  for (size_t i = 0; i < entries->elements; i++) {
    const redisReply* id = entries->element[i]->element[0];
    ids.emplace_back(id->str, id->len);
  }
  return ids;
}

// User+sys CPU seconds of process `pid` (all its threads), from /proc/<pid>/stat.
inline double CpuSeconds(long long pid) {
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string s((std::istreambuf_iterator<char>(stat)), {});
  // Fields after the ")" that closes the command name: utime is the 12th, stime the 13th.
  std::istringstream in(s.substr(s.rfind(')') + 2));
  std::string skip;
  for (int i = 0; i < 11; i++) in >> skip;
  long long utime = 0, stime = 0;
  in >> utime >> stime;
  return static_cast<double>(utime + stime) / static_cast<double>(sysconf(_SC_CLK_TCK));
}

}  // namespace bench
