// Test harness for the integration tests: Server starts the real runnel-server (RUNNEL_SERVER_BIN)
// through launcher.h on a free port with a private temporary --dir, waits until it answers, and
// kills it when the fixture goes away. Also small helpers to talk to it with hiredis or a raw
// socket.
#pragma once

#include <arpa/inet.h>
#include <fcntl.h>
#include <hiredis/hiredis.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "launcher.h"

#ifndef RUNNEL_SERVER_BIN
#error "RUNNEL_SERVER_BIN must name the runnel-server binary"
#endif

namespace itest {

// Owns a raw socket. Reads wait at most `timeout_ms` in total.
class RawSocket {
 public:
  explicit RawSocket(int port) : fd_(RawConnect(port)) { REQUIRE(fd_ >= 0); }
  ~RawSocket() { Close(); }
  RawSocket(const RawSocket&) = delete;
  RawSocket& operator=(const RawSocket&) = delete;

  int fd() const { return fd_; }
  void Close() {
    if (fd_ >= 0) close(fd_);
    fd_ = -1;
  }

  // Writes everything with as few write() calls as the kernel allows (one, for small data).
  void SendAll(std::string_view data) {
    while (!data.empty()) {
      ssize_t n = send(fd_, data.data(), data.size(), MSG_NOSIGNAL);
      REQUIRE(n > 0);
      data.remove_prefix(static_cast<size_t>(n));
    }
  }

  // Reads until `want` bytes arrived, the peer closed, or the timeout passed.
  std::string ReadAtLeast(size_t want, int timeout_ms = 2000) {
    std::string out;
    auto deadline = Clock::now() + std::chrono::milliseconds(timeout_ms);
    while (out.size() < want) {
      if (!WaitReadable(deadline)) break;
      char buf[65536];
      ssize_t n = recv(fd_, buf, sizeof(buf), 0);
      if (n <= 0) {
        eof_ = true;
        break;
      }
      out.append(buf, static_cast<size_t>(n));
    }
    return out;
  }

  // Reads until the peer closes the connection (or the timeout passes).
  std::string ReadUntilClosed(int timeout_ms = 2000) {
    return ReadAtLeast(SIZE_MAX, timeout_ms);
  }

  bool eof() const { return eof_; }

 private:
  bool WaitReadable(Clock::time_point deadline) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    if (left.count() <= 0) return false;
    pollfd p{fd_, POLLIN, 0};
    return poll(&p, 1, static_cast<int>(left.count())) > 0;
  }

  int fd_;
  bool eof_ = false;
};

// Frees hiredis replies.
struct ReplyDeleter {
  void operator()(redisReply* r) const { freeReplyObject(r); }
};
using Reply = std::unique_ptr<redisReply, ReplyDeleter>;

// One hiredis connection.
class Redis {
 public:
  // Commands time out after `timeout_s` (a test whose server does long work may ask for more).
  explicit Redis(int port, int timeout_s = 2) {
    timeval tv{timeout_s, 0};
    ctx_ = redisConnectWithTimeout("127.0.0.1", port, tv);
    REQUIRE(ctx_ != nullptr);
    INFO("connect error: " << ctx_->errstr);
    REQUIRE(ctx_->err == 0);
    redisSetTimeout(ctx_, tv);
  }
  ~Redis() { redisFree(ctx_); }
  Redis(const Redis&) = delete;
  Redis& operator=(const Redis&) = delete;

  redisContext* ctx() { return ctx_; }

  // Runs a command given as separate arguments (binary safe). Null on I/O error.
  Reply Command(const std::vector<std::string>& args) {
    std::vector<const char*> argv;
    std::vector<size_t> lens;
    for (const auto& a : args) {
      argv.push_back(a.data());
      lens.push_back(a.size());
    }
    return Reply(static_cast<redisReply*>(
        redisCommandArgv(ctx_, static_cast<int>(args.size()), argv.data(), lens.data())));
  }

  // The reply as text: status, error and bulk strings as themselves, integers in decimal,
  // "(nil)" for a null. Arrays are not flattened: use Command for them.
  std::string Text(const std::vector<std::string>& args) {
    Reply r = Command(args);
    if (!r) return "(io error: " + std::string(ctx_->errstr) + ")";
    return ReplyText(r.get());
  }

  static std::string ReplyText(const redisReply* r) {
    switch (r->type) {
      case REDIS_REPLY_STATUS:
      case REDIS_REPLY_ERROR:
      case REDIS_REPLY_STRING:
        return std::string(r->str, r->len);
      case REDIS_REPLY_INTEGER:
        return std::to_string(r->integer);
      case REDIS_REPLY_NIL:
        return "(nil)";
      case REDIS_REPLY_ARRAY:
        return "(array of " + std::to_string(r->elements) + ")";
    }
    return "(unknown)";
  }

 private:
  redisContext* ctx_ = nullptr;
};

// Builds a RESP multibulk request.
inline std::string Multibulk(const std::vector<std::string>& args) {
  std::string out = "*" + std::to_string(args.size()) + "\r\n";
  for (const auto& a : args) out += "$" + std::to_string(a.size()) + "\r\n" + a + "\r\n";
  return out;
}

// Parses a byte stream of replies with hiredis's reader.
class ReplyReader {
 public:
  ReplyReader() : reader_(redisReaderCreate()) {}
  ~ReplyReader() { redisReaderFree(reader_); }
  ReplyReader(const ReplyReader&) = delete;
  ReplyReader& operator=(const ReplyReader&) = delete;

  void Feed(std::string_view bytes) {
    REQUIRE(redisReaderFeed(reader_, bytes.data(), bytes.size()) == REDIS_OK);
  }
  // The next complete reply, or null if more bytes are needed.
  Reply Next() {
    void* r = nullptr;
    REQUIRE(redisReaderGetReply(reader_, &r) == REDIS_OK);
    return Reply(static_cast<redisReply*>(r));
  }

 private:
  redisReader* reader_;
};

// One runnel-server process on a free port with a private temporary --dir (appendonly no unless
// `extra_args` say otherwise), started by LaunchOnFreePort and answering commands once built.
class Server {
 public:
  explicit Server(std::vector<std::string> extra_args = {}) {
    char tmpl[] = "/tmp/runnel-itest-XXXXXX";
    REQUIRE(mkdtemp(tmpl) != nullptr);
    dir_ = tmpl;
    auto argv_for = [&](int port) {
      std::vector<std::string> args = {RUNNEL_SERVER_BIN, "--port",  std::to_string(port),
                                       "--appendonly",    "no",      "--dir",
                                       dir_};
      args.insert(args.end(), extra_args.begin(), extra_args.end());
      return args;
    };
    process_ = LaunchOnFreePort(argv_for, dir_ + "/server.log", port_);
    INFO("server log:\n" << Log());
    REQUIRE(process_ != nullptr);
    REQUIRE(AnswersQuit());
  }

  ~Server() {
    process_.reset();  // SIGKILL, reaped
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  int port() const { return port_; }
  pid_t pid() const { return process_->pid(); }
  const std::string& dir() const { return dir_; }
  std::string Log() const { return ReadFile(dir_ + "/server.log"); }

  // Waits for the process to exit on its own. Returns its exit code, or -1 on timeout, or
  // 128+signal if a signal killed it.
  int WaitExit(int timeout_ms) { return process_->WaitExit(timeout_ms); }

  bool Running() { return process_->Running(); }

  // Resident memory of the server in bytes (from /proc).
  size_t RssBytes() const {
    std::ifstream in("/proc/" + std::to_string(pid()) + "/status");
    std::string line;
    while (std::getline(in, line)) {
      if (line.rfind("VmRSS:", 0) == 0) return std::stoull(line.substr(6)) * 1024;
    }
    return 0;
  }

 private:
  // Sends QUIT on a fresh connection and waits for the server's close: the server's loop runs
  // (so its start-up, the pidfile included, is done), and the probe no longer counts as a client
  // when the test starts (--maxclients tests count connections exactly).
  bool AnswersQuit() {
    int fd = RawConnect(port_);
    if (fd < 0) return false;
    const char kQuit[] = "QUIT\r\n";
    bool sent = send(fd, kQuit, sizeof(kQuit) - 1, MSG_NOSIGNAL) > 0;
    pollfd p{fd, POLLIN, 0};
    char buf[256];
    while (sent && poll(&p, 1, 2000) > 0 && recv(fd, buf, sizeof(buf), 0) > 0) {
    }
    close(fd);
    return sent;
  }

  std::string dir_;
  int port_ = 0;
  std::unique_ptr<ChildProcess> process_;
};

}  // namespace itest
