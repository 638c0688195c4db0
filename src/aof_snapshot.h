// The compact form of the dataset an AOF rewrite writes: for each database a SELECT, then per
// key the fewest commands that rebuild it exactly when replayed (strings as SET [PXAT], streams
// as their blocks' encoded bytes, RUNNEL.XLOADBLOCK, or XADDs with their IDs where a stand-in
// for a dangling PEL ID falls inside a block, plus XSETID, groups, consumers, PELs as XCLAIMs of up
// to 100 IDs sharing a delivery time and count, and the NACKed zone). Pure: it reads the databases
// and never changes them, so a forked child can run it.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "src/db.h"

namespace server {

// Receives the snapshot's commands in order. Command() returns false to stop (a write error);
// KeyDone() is called after each key's last command.
class SnapshotSink {
 public:
  virtual ~SnapshotSink() = default;
  virtual bool Command(int db, std::span<const std::string> argv) = 0;
  virtual void KeyDone() {}
};

// How the snapshot writes what has more than one form.
struct SnapshotOptions {
  // Streams' blocks as RUNNEL.XLOADBLOCK (their encoded bytes, loaded without re-encoding);
  // false: every entry as XADD, a form Redis loads too (aof-stream-blocks no).
  bool stream_blocks = true;
};

// Emits the commands that rebuild `dbs` (keys already expired at `now_ms` are left out),
// after a FUNCTION LOAD for each of `libraries` (the function libraries' code, which lives
// outside the databases). False when the sink stopped it.
bool EmitSnapshot(const std::vector<std::unique_ptr<Db>>& dbs, int64_t now_ms, SnapshotSink& sink,
                  std::span<const std::string> libraries = {}, SnapshotOptions options = {});

// The snapshot as AOF bytes: RESP multibulk commands, SELECT before each database's keys.
std::string SnapshotText(const std::vector<std::unique_ptr<Db>>& dbs, int64_t now_ms,
                         std::span<const std::string> libraries = {}, SnapshotOptions options = {});

// Writes the snapshot to `fd` through a buffer, then fdatasyncs it. Sleeps `key_delay_us`
// after each key (the test-only delay that keeps a rewrite running; 0 in production).
// False on a write or fsync error (errno tells which).
bool WriteSnapshot(const std::vector<std::unique_ptr<Db>>& dbs, int64_t now_ms, int fd,
                   int64_t key_delay_us = 0, std::span<const std::string> libraries = {},
                   SnapshotOptions options = {});

// The same without the fsync, for a pipe or a socket (a replica's full sync).
bool StreamSnapshot(const std::vector<std::unique_ptr<Db>>& dbs, int64_t now_ms, int fd,
                    std::span<const std::string> libraries = {}, int64_t key_delay_us = 0,
                    SnapshotOptions options = {});

}  // namespace server
