// server::AofWriter: RESP encoding with SELECT on db changes, buffering until the check point,
// appending to a real file, fsync policies and write errors; and EXEC's MULTI/EXEC wrapping of
// what a transaction recorded.
#include <signal.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "tests/support/command_harness.h"
#include "tests/support/reply_bytes.h"
#include "tests/support/temp_dir.h"
#include "src/aof_writer.h"

using server::AofWriter;
using server::FsyncPolicy;
using server::PropagatedCommand;
using Argv = std::vector<std::string>;

namespace {

using testing_support::ArgvsOf;
using testing_support::Multibulk;

using testing_support::ReadFile;
using testing_support::TempDir;

std::unique_ptr<AofWriter> OpenWriter(const std::string& path, FsyncPolicy policy) {
  std::string error;
  auto w = AofWriter::Open(path, policy, error);
  INFO(error);
  REQUIRE(w);
  return w;
}

int64_t Now() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(steady_clock::now().time_since_epoch()).count();
}

// Waits (at most a second) for the writer's background fsync to finish.
void WaitFsyncIdle(const AofWriter& w) {
  for (int i = 0; i < 200 && w.pending_bio_fsync() != 0; i++) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  REQUIRE(w.pending_bio_fsync() == 0);
}

}  // namespace

TEST_CASE("A command is encoded as a RESP multibulk of bulk strings, binary safe",
          "[aof_writer]") {
  CHECK(Multibulk({"SET", "k", "v"}) == "*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1\r\nv\r\n");
  CHECK(Multibulk({"SET", "", std::string("a\r\n\0b", 5)}) ==
        std::string("*3\r\n$3\r\nSET\r\n$0\r\n\r\n$5\r\na\r\n\0b\r\n", 30));
}

TEST_CASE("appendfsync names parse to policies and anything else is refused", "[aof_writer]") {
  CHECK(server::ParseFsyncPolicy("always") == FsyncPolicy::kAlways);
  CHECK(server::ParseFsyncPolicy("everysec") == FsyncPolicy::kEverysec);
  CHECK(server::ParseFsyncPolicy("no") == FsyncPolicy::kNo);
  CHECK_FALSE(server::ParseFsyncPolicy("sometimes").has_value());
}

TEST_CASE("The first record is preceded by SELECT, later ones only when the db changes",
          "[aof_writer]") {
  TempDir dir;
  auto w = OpenWriter(dir.File("a.aof"), FsyncPolicy::kNo);
  w->Append({0, {"SET", "a", "1"}});
  w->Append({0, {"SET", "b", "2"}});
  w->Append({5, {"DEL", "a"}});
  w->Append({5, {"DEL", "b"}});
  w->Append({0, {"INCR", "c"}});
  REQUIRE(w->Flush(Now()) == AofWriter::FlushResult::kOk);
  CHECK(ReadFile(dir.File("a.aof")) ==
        Multibulk({"SELECT", "0"}) + Multibulk({"SET", "a", "1"}) + Multibulk({"SET", "b", "2"}) +
            Multibulk({"SELECT", "5"}) + Multibulk({"DEL", "a"}) + Multibulk({"DEL", "b"}) + Multibulk({"SELECT", "0"}) +
            Multibulk({"INCR", "c"}));
}

TEST_CASE("Records stay in the buffer until the check point writes them", "[aof_writer]") {
  TempDir dir;
  auto w = OpenWriter(dir.File("a.aof"), FsyncPolicy::kNo);
  w->Append({2, {"SET", "k", "v"}});
  const std::string expected = Multibulk({"SELECT", "2"}) + Multibulk({"SET", "k", "v"});
  CHECK(w->buffer_length() == expected.size());
  CHECK(ReadFile(dir.File("a.aof")).empty());
  CHECK(w->current_size() == 0);
  w->Flush(Now());
  CHECK(w->buffer_length() == 0);
  CHECK(ReadFile(dir.File("a.aof")) == expected);
  CHECK(w->current_size() == expected.size());
}

TEST_CASE("An existing file is appended to, and its size is the base size", "[aof_writer]") {
  TempDir dir;
  const std::string old = Multibulk({"SELECT", "0"}) + Multibulk({"SET", "old", "1"});
  std::ofstream(dir.File("a.aof"), std::ios::binary) << old;
  auto w = OpenWriter(dir.File("a.aof"), FsyncPolicy::kNo);
  CHECK(w->base_size() == old.size());
  CHECK(w->current_size() == old.size());
  // A fresh writer does not know which db the file left selected: it selects again.
  w->Append({0, {"SET", "new", "2"}});
  w->Flush(Now());
  CHECK(ReadFile(dir.File("a.aof")) == old + Multibulk({"SELECT", "0"}) + Multibulk({"SET", "new", "2"}));
}

TEST_CASE("Opening fails with a reason when the directory does not exist", "[aof_writer]") {
  std::string error;
  CHECK_FALSE(AofWriter::Open("/nonexistent-runnel-dir/a.aof", FsyncPolicy::kNo, error));
  CHECK(error.find("/nonexistent-runnel-dir/a.aof") != std::string::npos);
}

TEST_CASE("With always, the check point leaves nothing written but unsynced", "[aof_writer]") {
  TempDir dir;
  auto w = OpenWriter(dir.File("a.aof"), FsyncPolicy::kAlways);
  w->Append({0, {"SET", "a", "1"}});
  w->Append({0, {"SET", "b", "1"}});
  REQUIRE(w->Flush(Now()) == AofWriter::FlushResult::kOk);
  CHECK(w->current_size() > 0);
  CHECK(w->unsynced_bytes() == 0);
  CHECK(w->pending_bio_fsync() == 0);
}

TEST_CASE("With everysec, the fsync runs in the background about once a second",
          "[aof_writer]") {
  TempDir dir;
  auto w = OpenWriter(dir.File("a.aof"), FsyncPolicy::kEverysec);
  int64_t now = Now();
  w->Append({0, {"SET", "a", "1"}});
  w->Flush(now);
  // The first check point is more than a second after "never": its fsync started.
  CHECK(w->unsynced_bytes() == 0);
  // Wait for it, then write again within the same second: no new fsync yet.
  WaitFsyncIdle(*w);
  w->Append({0, {"SET", "b", "1"}});
  w->Flush(now + 10);
  CHECK(w->unsynced_bytes() > 0);
  // A second later, a check point with nothing new still fsyncs what is pending.
  w->Flush(now + 1100);
  CHECK(w->unsynced_bytes() == 0);
  CHECK(w->delayed_fsync() == 0);
}

TEST_CASE("With no, nothing is fsynced by the writer", "[aof_writer]") {
  TempDir dir;
  auto w = OpenWriter(dir.File("a.aof"), FsyncPolicy::kNo);
  w->Append({0, {"SET", "a", "1"}});
  w->Flush(Now());
  w->Flush(Now() + 5000);
  CHECK(w->unsynced_bytes() > 0);
  CHECK(w->Close());
  CHECK(w->unsynced_bytes() == 0);  // but shutdown does
}

TEST_CASE("A failing write keeps the buffer and reports the error; always makes it fatal",
          "[aof_writer]") {
  // /dev/full refuses every write with ENOSPC.
  auto w = OpenWriter("/dev/full", FsyncPolicy::kEverysec);
  w->Append({0, {"SET", "a", "1"}});
  const size_t buffered = w->buffer_length();
  CHECK(w->Flush(Now()) == AofWriter::FlushResult::kOk);
  CHECK_FALSE(w->last_write_ok());
  CHECK(w->last_write_errno() == ENOSPC);
  CHECK(w->buffer_length() == buffered);
  w->set_policy(FsyncPolicy::kAlways);
  CHECK(w->Flush(Now()) == AofWriter::FlushResult::kFatal);
}

namespace {

// Caps the size of files this process writes (RLIMIT_FSIZE), restoring the limit and SIGXFSZ's
// disposition when it goes away: a write crossing the cap is cut short, one past it fails.
class FileSizeCap {
 public:
  explicit FileSizeCap(rlim_t bytes) {
    REQUIRE(getrlimit(RLIMIT_FSIZE, &saved_) == 0);
    old_handler_ = signal(SIGXFSZ, SIG_IGN);
    rlimit cap = saved_;
    cap.rlim_cur = bytes;
    REQUIRE(setrlimit(RLIMIT_FSIZE, &cap) == 0);
  }
  ~FileSizeCap() { Lift(); }
  void Lift() {
    if (lifted_) return;
    lifted_ = true;
    setrlimit(RLIMIT_FSIZE, &saved_);
    signal(SIGXFSZ, old_handler_);
  }

 private:
  rlimit saved_{};
  sighandler_t old_handler_ = SIG_DFL;
  bool lifted_ = false;
};

}  // namespace

TEST_CASE("A write cut short is removed from the file and retried whole once writes work",
          "[aof_writer]") {
  TempDir dir;
  auto w = OpenWriter(dir.File("a.aof"), FsyncPolicy::kEverysec);
  w->Append({0, {"SET", "a", "1"}});
  w->Flush(Now());
  const std::string first = ReadFile(dir.File("a.aof"));
  const std::string big(100, 'x');
  w->Append({0, {"SET", "b", big}});
  WaitFsyncIdle(*w);  // a running fsync would postpone the write
  {
    FileSizeCap cap(first.size() + 10);  // room for 10 of the record's bytes
    CHECK(w->Flush(Now() + 5000) == AofWriter::FlushResult::kOk);
    CHECK_FALSE(w->last_write_ok());
    CHECK(w->last_write_errno() == EFBIG);
    // No half record left behind for the loader to choke on.
    CHECK(ReadFile(dir.File("a.aof")) == first);
    CHECK(w->current_size() == first.size());
    cap.Lift();
    w->Flush(Now() + 10000);
  }
  CHECK(w->last_write_ok());
  CHECK(w->buffer_length() == 0);
  CHECK(ReadFile(dir.File("a.aof")) == first + Multibulk({"SET", "b", big}));
}

TEST_CASE("EXEC wraps two or more recorded writes in MULTI/EXEC, SELECT before MULTI",
          "[aof_writer][propagation]") {
  testing_support::CommandHarness h;
  h.Run({"SELECT", "3"});
  h.Run({"MULTI"});
  h.Run({"SET", "a", "1"});
  h.Run({"GET", "a"});
  h.Run({"SELECT", "0"});
  h.Run({"INCR", "b"});
  h.Run({"EXEC"});
  auto records = h.state.propagation.Take();
  REQUIRE(ArgvsOf(records) ==
          std::vector<Argv>{{"MULTI"}, {"SET", "a", "1"}, {"INCR", "b"}, {"EXEC"}});
  CHECK(records[0].db == 3);
  CHECK(records[1].db == 3);
  CHECK(records[2].db == 0);
  CHECK(records[3].db == 0);

  TempDir dir;
  auto w = OpenWriter(dir.File("a.aof"), FsyncPolicy::kNo);
  for (const auto& r : records) w->Append(r);
  w->Flush(Now());
  CHECK(ReadFile(dir.File("a.aof")) == Multibulk({"SELECT", "3"}) + Multibulk({"MULTI"}) +
                                           Multibulk({"SET", "a", "1"}) + Multibulk({"SELECT", "0"}) +
                                           Multibulk({"INCR", "b"}) + Multibulk({"EXEC"}));
}

TEST_CASE("A transaction with one write records it bare, one with none records nothing",
          "[aof_writer][propagation]") {
  testing_support::CommandHarness h;
  h.Run({"MULTI"});
  h.Run({"SET", "a", "1"});
  h.Run({"GET", "a"});
  h.Run({"EXEC"});
  CHECK(ArgvsOf(h.state.propagation.Take()) == std::vector<Argv>{{"SET", "a", "1"}});
  h.Run({"MULTI"});
  h.Run({"GET", "a"});
  h.Run({"EXEC"});
  CHECK(h.state.propagation.Take().empty());
  // A command failing at run time inside EXEC records nothing; the others still wrap.
  h.Run({"MULTI"});
  h.Run({"SET", "s", "x"});
  h.Run({"INCR", "s"});
  h.Run({"SET", "t", "y"});
  h.Run({"EXEC"});
  CHECK(ArgvsOf(h.state.propagation.Take()) ==
        std::vector<Argv>{{"MULTI"}, {"SET", "s", "x"}, {"SET", "t", "y"}, {"EXEC"}});
}
