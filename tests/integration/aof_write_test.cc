// Writing the append-only file through the real server: exact bytes for each appendfsync policy
// (SELECT on db changes, MULTI/EXEC around transactions, nothing for reads and errors), the file
// accepted by redis-check-aof and loaded by redis-server, writes made before a SHUTDOWN or
// SIGTERM on disk, INFO persistence, and (under strace) one fdatasync per loop iteration with
// appendfsync always, none after CONFIG SET appendfsync no.
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <cstdio>

#include "server_fixture.h"

namespace {

using itest::Multibulk;

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}


bool Executable(const char* path) { return access(path, X_OK) == 0; }

// Runs a shell command, returning its exit status and (in `out`) what it printed.
int Shell(const std::string& command, std::string& out) {
  FILE* p = popen((command + " 2>&1").c_str(), "r");
  REQUIRE(p != nullptr);
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof(buf), p)) > 0) out.append(buf, n);
  int status = pclose(p);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

// Writes through `c`: two dbs, a transaction spanning them, a read, an error, a discarded
// transaction, a transaction with a single write. Returns the bytes the AOF must hold afterwards.
std::string RunWrites(itest::Redis& c) {
  CHECK(c.Text({"SET", "a", "1"}) == "OK");
  CHECK(c.Text({"GET", "a"}) == "1");
  CHECK(c.Text({"INCR", "a"}) == "2");
  CHECK(c.Text({"SELECT", "2"}) == "OK");
  CHECK(c.Text({"SET", "s", "text"}) == "OK");
  CHECK(c.Text({"INCR", "s"}).rfind("ERR", 0) == 0);  // an error records nothing
  CHECK(c.Text({"MULTI"}) == "OK");
  CHECK(c.Text({"SET", "b", "x y"}) == "QUEUED");
  CHECK(c.Text({"GET", "b"}) == "QUEUED");
  CHECK(c.Text({"SELECT", "0"}) == "QUEUED");
  CHECK(c.Text({"DEL", "a"}) == "QUEUED");
  CHECK(c.Command({"EXEC"})->elements == 4);
  CHECK(c.Text({"MULTI"}) == "OK");  // a discarded transaction records nothing
  CHECK(c.Text({"SET", "d", "1"}) == "QUEUED");
  CHECK(c.Text({"DISCARD"}) == "OK");
  CHECK(c.Text({"MULTI"}) == "OK");
  CHECK(c.Text({"APPEND", "c", "z"}) == "QUEUED");
  CHECK(c.Command({"EXEC"})->elements == 1);
  return Multibulk({"SELECT", "0"}) + Multibulk({"SET", "a", "1"}) + Multibulk({"INCR", "a"}) +
         Multibulk({"SELECT", "2"}) + Multibulk({"SET", "s", "text"}) + Multibulk({"MULTI"}) +
         Multibulk({"SET", "b", "x y"}) + Multibulk({"SELECT", "0"}) + Multibulk({"DEL", "a"}) + Multibulk({"EXEC"}) +
         Multibulk({"APPEND", "c", "z"});
}

void CheckRedisCheckAofAccepts(const std::string& path) {
  if (!Executable("/usr/bin/redis-check-aof")) {
    WARN("redis-check-aof not installed: skipped");
    return;
  }
  std::string out;
  int rc = Shell("/usr/bin/redis-check-aof " + path, out);
  INFO(out);
  CHECK(rc == 0);
  CHECK(out.find("is valid") != std::string::npos);
}

std::string InfoField(itest::Redis& c, const std::string& name) {
  std::string info = c.Text({"INFO", "persistence"});
  size_t at = info.find("\r\n" + name + ":");
  if (at == std::string::npos) return "(absent)";
  at += name.size() + 3;
  return info.substr(at, info.find("\r\n", at) - at);
}

}  // namespace

TEST_CASE("Each appendfsync policy leaves the writes in the AOF before their replies",
          "[integration][aof]") {
  for (const char* policy : {"always", "everysec", "no"}) {
    DYNAMIC_SECTION("appendfsync " << policy) {
      itest::Server server({"--appendonly", "yes", "--appendfsync", policy});
      itest::Redis c(server.port());
      const std::string expected = RunWrites(c);
      const std::string path = server.dir() + "/appendonly.aof";
      if (std::string(policy) != "everysec") {
        // The replies above left after the write() (and, with always, the fdatasync).
        CHECK(ReadFile(path) == expected);
      } else {
        // As in Redis, a write waits (up to 2 s) while the background fsync of an earlier one
        // runs; it lands at a later check point (the cron tick at the latest).
        for (int i = 0; i < 300 && ReadFile(path) != expected; i++) {
          std::this_thread::sleep_for(std::chrono::milliseconds(10));
        }
        CHECK(ReadFile(path) == expected);
        CHECK(InfoField(c, "aof_delayed_fsync") == "0");
      }
      CheckRedisCheckAofAccepts(server.dir() + "/appendonly.aof");
    }
  }
}

TEST_CASE("appendfilename names the file inside dir, and appendonly no writes none",
          "[integration][aof]") {
  {
    itest::Server server({"--appendonly", "yes", "--appendfilename", "mine.aof"});
    itest::Redis c(server.port());
    CHECK(c.Text({"SET", "k", "v"}) == "OK");
    CHECK(ReadFile(server.dir() + "/mine.aof") == Multibulk({"SELECT", "0"}) + Multibulk({"SET", "k", "v"}));
  }
  {
    itest::Server server({"--appendonly", "no"});
    itest::Redis c(server.port());
    CHECK(c.Text({"SET", "k", "v"}) == "OK");
    CHECK_FALSE(std::filesystem::exists(server.dir() + "/appendonly.aof"));
  }
}

TEST_CASE("Writes before SHUTDOWN or SIGTERM are in the file when the process has exited",
          "[integration][aof]") {
  SECTION("SHUTDOWN in the same pipeline as the writes") {
    itest::Server server({"--appendonly", "yes", "--appendfsync", "no"});
    itest::RawSocket s(server.port());
    s.SendAll(Multibulk({"SET", "k", "1"}) + Multibulk({"INCR", "k"}) + Multibulk({"SHUTDOWN"}));
    s.ReadUntilClosed(3000);
    REQUIRE(server.WaitExit(3000) == 0);
    CHECK(ReadFile(server.dir() + "/appendonly.aof") ==
          Multibulk({"SELECT", "0"}) + Multibulk({"SET", "k", "1"}) + Multibulk({"INCR", "k"}));
    CHECK(server.Log().find("Calling fsync() on the AOF file.") != std::string::npos);
  }
  SECTION("SIGTERM") {
    itest::Server server({"--appendonly", "yes", "--appendfsync", "everysec"});
    itest::Redis c(server.port());
    CHECK(c.Text({"SET", "k", "1"}) == "OK");
    REQUIRE(kill(server.pid(), SIGTERM) == 0);
    REQUIRE(server.WaitExit(3000) == 0);
    CHECK(ReadFile(server.dir() + "/appendonly.aof") ==
          Multibulk({"SELECT", "0"}) + Multibulk({"SET", "k", "1"}));
  }
}

TEST_CASE("A second run appends to the file and selects the db again", "[integration][aof]") {
  itest::Server server({"--appendonly", "yes"});
  const std::string path = server.dir() + "/appendonly.aof";
  {
    itest::Redis c(server.port());
    CHECK(c.Text({"SET", "k", "1"}) == "OK");
  }
  // A second server on the same dir (the first one is stopped first).
  const std::string first = ReadFile(path);
  REQUIRE(kill(server.pid(), SIGTERM) == 0);
  REQUIRE(server.WaitExit(3000) == 0);
  itest::Server again({"--appendonly", "yes", "--dir", server.dir()});
  itest::Redis c(again.port());
  CHECK(c.Text({"SET", "j", "2"}) == "OK");
  CHECK(ReadFile(path).substr(0, first.size()) == first);
  CHECK(ReadFile(path).substr(first.size()).find(Multibulk({"SELECT", "0"}) + Multibulk({"SET", "j", "2"})) !=
        std::string::npos);
}

TEST_CASE("INFO persistence shows Redis 7.0's AOF fields, sizes following the file",
          "[integration][aof]") {
  itest::Server server({"--appendonly", "yes"});
  itest::Redis c(server.port());
  CHECK(InfoField(c, "aof_enabled") == "1");
  CHECK(InfoField(c, "aof_current_size") == "0");
  CHECK(c.Text({"SET", "k", "v"}) == "OK");
  const auto size = std::filesystem::file_size(server.dir() + "/appendonly.aof");
  CHECK(InfoField(c, "aof_current_size") == std::to_string(size));
  CHECK(InfoField(c, "aof_base_size") == "0");
  CHECK(InfoField(c, "aof_last_write_status") == "ok");
  CHECK(InfoField(c, "aof_buffer_length") == "0");
  CHECK(InfoField(c, "aof_delayed_fsync") == "0");
  // The order of the AOF fields, from aof_enabled on, as redis-server 7.0.15 prints them.
  std::string info = c.Text({"INFO", "persistence"});
  std::vector<std::string> names;
  for (size_t at = info.find("aof_enabled"); at < info.size();) {
    size_t colon = info.find(':', at);
    names.push_back(info.substr(at, colon - at));
    at = info.find("\r\n", colon);
    at = at == std::string::npos ? info.size() : at + 2;
  }
  CHECK(names == std::vector<std::string>{
                     "aof_enabled", "aof_rewrite_in_progress", "aof_rewrite_scheduled",
                     "aof_last_rewrite_time_sec", "aof_current_rewrite_time_sec",
                     "aof_last_bgrewrite_status", "aof_rewrites",
                     "aof_rewrites_consecutive_failures", "aof_last_write_status",
                     "aof_last_cow_size", "module_fork_in_progress", "module_fork_last_cow_size",
                     "aof_current_size", "aof_base_size", "aof_pending_rewrite",
                     "aof_buffer_length", "aof_pending_bio_fsync", "aof_delayed_fsync"});

  itest::Server off;  // the fixture's default: appendonly no
  itest::Redis o(off.port());
  CHECK(InfoField(o, "aof_enabled") == "0");
  CHECK(InfoField(o, "aof_last_write_status") == "ok");
  CHECK(InfoField(o, "aof_current_size") == "(absent)");
}

TEST_CASE("redis-server 7.0 loads the AOF Runnel wrote", "[integration][aof]") {
  if (!Executable("/usr/bin/redis-server")) {
    WARN("redis-server not installed: skipped");
    return;
  }
  std::string dir;
  {
    itest::Server server({"--appendonly", "yes"});
    {
      itest::Redis c(server.port());
      RunWrites(c);
    }
    REQUIRE(kill(server.pid(), SIGTERM) == 0);
    REQUIRE(server.WaitExit(3000) == 0);
    char tmpl[] = "/tmp/runnel-aof-redis-XXXXXX";
    REQUIRE(mkdtemp(tmpl) != nullptr);
    dir = tmpl;
    std::filesystem::copy_file(server.dir() + "/appendonly.aof", dir + "/appendonly.aof");
  }
  const int port = itest::FreePort();
  std::string out;
  REQUIRE(Shell("/usr/bin/redis-server --port " + std::to_string(port) +
                    " --save '' --appendonly yes --daemonize yes --dir " + dir +
                    " --logfile " + dir + "/redis.log --pidfile " + dir + "/redis.pid",
                out) == 0);
  // Redis listens while it loads (replying LOADING): wait for a PONG.
  bool up = false;
  for (int i = 0; i < 300 && !up; i++) {
    int fd = itest::RawConnect(port);
    if (fd >= 0) {
      close(fd);
      itest::Redis probe(port);
      up = probe.Text({"PING"}) == "PONG";
    }
    if (!up) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  INFO(ReadFile(dir + "/redis.log"));
  REQUIRE(up);
  {
    itest::Redis r(port);
    CHECK(r.Text({"GET", "a"}) == "(nil)");
    CHECK(r.Text({"GET", "c"}) == "z");
    CHECK(r.Text({"SELECT", "2"}) == "OK");
    CHECK(r.Text({"GET", "s"}) == "text");
    CHECK(r.Text({"GET", "b"}) == "x y");
    r.Command({"SHUTDOWN", "NOSAVE"});
  }
  for (int i = 0; i < 200 && std::filesystem::exists(dir + "/redis.pid"); i++) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  std::error_code ec;
  std::filesystem::remove_all(dir, ec);
}

namespace {

// runnel-server started under `strace -f -e trace=fdatasync`, to count the fsyncs it makes.
// Stopped with SHUTDOWN (killing strace would leave the server running untraced).
class TracedServer {
 public:
  explicit TracedServer(const std::string& policy) {
    char tmpl[] = "/tmp/runnel-aof-strace-XXXXXX";
    REQUIRE(mkdtemp(tmpl) != nullptr);
    dir_ = tmpl;
    auto argv_for = [&](int port) {
      return std::vector<std::string>{"/usr/bin/strace", "-f", "-qq", "-e", "trace=fdatasync",
                                      "-o", dir_ + "/trace", RUNNEL_SERVER_BIN,
                                      "--port", std::to_string(port), "--dir", dir_,
                                      "--appendonly", "yes", "--appendfsync", policy,
                                      "--pidfile", dir_ + "/runnel.pid"};
    };
    // The listener is strace's child. When strace cannot run the server (no ptrace here?) it
    // exits without the port clash text and the test is skipped.
    process_ = itest::LaunchOnFreePort(argv_for, dir_ + "/server.log", port_,
                                       "Could not create server TCP", /*or_its_children=*/true);
    up_ = process_ != nullptr && process_->Running();
    // The port opens a moment before the pid file is written: wait for the pid, or every
    // fsync would be counted as another thread's.
    for (int i = 0; up_ && server_pid_ <= 0 && i < 200; i++) {
      std::ifstream in(dir_ + "/runnel.pid");
      if (!(in >> server_pid_)) std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
  }
  ~TracedServer() {
    if (up_) {
      itest::RawSocket s(port_);
      s.SendAll(itest::Multibulk({"SHUTDOWN"}));
      s.ReadUntilClosed(3000);
    }
    // strace exits with the server; were it killed first, the server would run on untraced.
    if (process_ != nullptr && process_->WaitExit(10000) == -1 && server_pid_ > 0) {
      kill(server_pid_, SIGKILL);
    }
    process_.reset();
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }

  bool up() const { return up_; }
  int port() const { return port_; }
  std::string Log() const { return ReadFile(dir_ + "/server.log"); }
  // fdatasync calls so far: by the main thread, and by any other thread.
  int MainThreadFsyncs() const { return Count(true); }
  int OtherThreadFsyncs() const { return Count(false); }
  // strace writes its trace a little after the traced call returns (the reply can arrive
  // first): waits up to 2 s for the main thread's count to reach `at_least`, returns it.
  int MainThreadFsyncsSettled(int at_least) const {
    auto deadline = itest::Clock::now() + std::chrono::seconds(2);
    int n = MainThreadFsyncs();
    while (n < at_least && itest::Clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
      n = MainThreadFsyncs();
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));  // and nothing more follows
    return MainThreadFsyncs();
  }

 private:
  int Count(bool main_thread) const {
    std::istringstream in(ReadFile(dir_ + "/trace"));
    int n = 0;
    for (std::string line; std::getline(in, line);) {
      if (line.find("fdatasync(") == std::string::npos) continue;
      const bool by_main = std::atoi(line.c_str()) == server_pid_;
      if (by_main == main_thread) n++;
    }
    return n;
  }

  std::string dir_;
  int port_ = 0;
  std::unique_ptr<itest::ChildProcess> process_;
  int server_pid_ = -1;
  bool up_ = false;
};

}  // namespace

TEST_CASE("appendfsync always fsyncs once per loop iteration, not once per command, and "
          "CONFIG SET appendfsync changes the policy at run time",
          "[integration][aof]") {
  if (!Executable("/usr/bin/strace")) {
    WARN("strace not installed: skipped");
    return;
  }
  TracedServer server("always");
  if (!server.up()) {
    WARN("could not run the server under strace: skipped\n" << server.Log());
    return;
  }
  itest::Redis c(server.port());
  // Each round trip is its own loop iteration: each write is fsynced before its reply.
  const int before = server.MainThreadFsyncs();
  for (int i = 0; i < 10; i++) CHECK(c.Text({"SET", "k" + std::to_string(i), "v"}) == "OK");
  CHECK(server.MainThreadFsyncsSettled(before + 10) - before == 10);

  // 500 writes arriving in one read share one fsync (a few, if the kernel splits the bytes).
  std::string pipeline;
  for (int i = 0; i < 500; i++) pipeline += itest::Multibulk({"SET", "p" + std::to_string(i), "v"});
  const int before_pipeline = server.MainThreadFsyncs();
  itest::RawSocket s(server.port());
  s.SendAll(pipeline);
  CHECK(s.ReadAtLeast(500 * 5, 3000).size() == 500 * 5);  // 500 × "+OK\r\n"
  const int pipeline_fsyncs = server.MainThreadFsyncsSettled(before_pipeline + 1) - before_pipeline;
  CHECK(pipeline_fsyncs >= 1);
  CHECK(pipeline_fsyncs <= 5);

  // Reads fsync nothing.
  const int before_reads = server.MainThreadFsyncs();
  for (int i = 0; i < 5; i++) CHECK(c.Text({"GET", "k1"}) == "v");
  CHECK(server.MainThreadFsyncs() == before_reads);

  // appendfsync no: the writer leaves it to the OS.
  CHECK(c.Text({"CONFIG", "SET", "appendfsync", "no"}) == "OK");
  const int before_no = server.MainThreadFsyncs() + server.OtherThreadFsyncs();
  for (int i = 0; i < 10; i++) CHECK(c.Text({"SET", "n" + std::to_string(i), "v"}) == "OK");
  std::this_thread::sleep_for(std::chrono::milliseconds(1200));
  CHECK(server.MainThreadFsyncs() + server.OtherThreadFsyncs() == before_no);

  // appendfsync everysec: the fsync happens on another thread, within about a second.
  CHECK(c.Text({"CONFIG", "SET", "appendfsync", "everysec"}) == "OK");
  const int main_before = server.MainThreadFsyncs();
  const int other_before = server.OtherThreadFsyncs();
  for (int i = 0; i < 10; i++) CHECK(c.Text({"SET", "e" + std::to_string(i), "v"}) == "OK");
  for (int i = 0; i < 300 && server.OtherThreadFsyncs() == other_before; i++) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  CHECK(server.OtherThreadFsyncs() > other_before);
  CHECK(server.MainThreadFsyncs() == main_before);
}

namespace {

// Starts a server whose files may not grow past `bytes` (RLIMIT_FSIZE, inherited through fork
// and exec; SIGXFSZ ignored so a write past it fails with EFBIG instead of killing).
std::unique_ptr<itest::Server> StartWithFileSizeCap(rlim_t bytes,
                                                    std::vector<std::string> args) {
  rlimit saved{};
  REQUIRE(getrlimit(RLIMIT_FSIZE, &saved) == 0);
  sighandler_t old = signal(SIGXFSZ, SIG_IGN);
  rlimit cap = saved;
  cap.rlim_cur = bytes;
  REQUIRE(setrlimit(RLIMIT_FSIZE, &cap) == 0);
  auto server = std::make_unique<itest::Server>(std::move(args));
  setrlimit(RLIMIT_FSIZE, &saved);
  signal(SIGXFSZ, old);
  return server;
}

}  // namespace

TEST_CASE("With always, a write the AOF cannot take makes the server exit without replying",
          "[integration][aof]") {
  auto server = StartWithFileSizeCap(16384, {"--appendonly", "yes", "--appendfsync", "always"});
  itest::RawSocket s(server->port());
  s.SendAll(itest::Multibulk({"SET", "k", std::string(20000, 'x')}));
  CHECK(s.ReadUntilClosed(3000).empty());
  CHECK(s.eof());
  CHECK(server->WaitExit(3000) == 1);
  CHECK(server->Log().find("Can't recover from AOF write error") != std::string::npos);
  // Nothing of the refused write is in the file.
  CHECK(std::filesystem::file_size(server->dir() + "/appendonly.aof") == 0);
}

TEST_CASE("With everysec, a failed AOF write shows in INFO and clears once writes fit again",
          "[integration][aof]") {
  auto server =
      StartWithFileSizeCap(16384, {"--appendonly", "yes", "--appendfsync", "everysec"});
  itest::Redis c(server->port());
  CHECK(c.Text({"SET", "small", "1"}) == "OK");
  CHECK(InfoField(c, "aof_last_write_status") == "ok");
  CHECK(c.Text({"SET", "big", std::string(20000, 'x')}) == "OK");
  // The write may wait for the background fsync of the first one: give it a moment.
  for (int i = 0; i < 300 && InfoField(c, "aof_last_write_status") == "ok"; i++) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  CHECK(InfoField(c, "aof_last_write_status") == "err");
  CHECK(std::stoul(InfoField(c, "aof_buffer_length")) > 20000);
  const std::string path = server->dir() + "/appendonly.aof";
  const std::string before = Multibulk({"SELECT", "0"}) + Multibulk({"SET", "small", "1"});
  // The part that fitted was cut off again: no half command in the file.
  CHECK(ReadFile(path) == before);
  CHECK(server->Log().find("Short write while writing to the AOF file") != std::string::npos);
  // As Redis: while the AOF cannot be written, writes are refused and reads still served.
  CHECK(c.Text({"SET", "other", "1"}) == "MISCONF Errors writing to the AOF file: File too large");
  CHECK(c.Text({"GET", "small"}) == "1");

  // Room again: a later check point writes the whole buffer and the status recovers.
  rlimit unlimited{RLIM_INFINITY, RLIM_INFINITY};
  REQUIRE(prlimit(server->pid(), RLIMIT_FSIZE, &unlimited, nullptr) == 0);
  for (int i = 0; i < 300 && InfoField(c, "aof_last_write_status") == "err"; i++) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  CHECK(InfoField(c, "aof_last_write_status") == "ok");
  CHECK(ReadFile(path) == before + Multibulk({"SET", "big", std::string(20000, 'x')}));
  CHECK(server->Log().find("AOF write error looks solved") != std::string::npos);
  CHECK(c.Text({"SET", "other", "1"}) == "OK");
}
