// What each write leaves behind for the AOF (and, one day, replicas): commands in RESP-array
// form that replay to the same dataset, made deterministic (concrete stream IDs, absolute
// expiry times, the claims a read caused). Dispatch brackets every command; a write command's
// own argv is recorded unless its handler recorded something else (Add) or declared that it
// changed nothing (Suppress), and a command that replied an error records nothing by default.
// Writes outside any command (expiry, eviction, a blocked read served later) use AddOutside.
#pragma once

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace server {

struct PropagatedCommand {
  int db;
  std::vector<std::string> argv;
  bool replication_only = false;  // PUBLISH: replicas get it, the AOF does not
};

class Propagation {
 public:
  // Off (no AOF, or while the AOF is being replayed) nothing is recorded; handlers that build
  // costly records check enabled() first. On by default.
  void set_enabled(bool on) { enabled_ = on; }
  bool enabled() const { return enabled_; }
  // Dispatch: a command starts running in `db`. Commands nest (EXEC runs its queue inside).
  // Inline, as EndCommand: every command runs both.
  void BeginCommand(int db) { frames_.push_back({db, false}); }
  // Handler: record `argv` in place of the command's own (call again to record more, in order).
  void Add(std::vector<std::string> argv);
  void Add(std::initializer_list<std::string_view> argv);
  void Add(std::span<const std::string_view> argv);
  // Handler: a record for the replication stream only (PUBLISH, so that subscribers of
  // replicas get the message), not a change of the dataset.
  void AddReplicationOnly(std::span<const std::string_view> argv);
  // Handler: the write Add would record, when enabled() is off and building its record is
  // not worth it: counts the change, records nothing.
  void AddUnrecorded();
  // Handler: this call changed nothing, record nothing.
  void Suppress();
  // Dispatch: the command is done. Its own `argv` is recorded when the handler neither added
  // nor suppressed and `record_own` holds (a write command that did not reply an error).
  void EndCommand(std::span<const std::string_view> argv, bool record_own) {
    if (frames_.empty()) return;
    const Frame frame = frames_.back();
    frames_.pop_back();
    if (frame.touched || !record_own) return;
    changes_++;
    if (enabled_) RecordOwn(frame.db, argv);
  }
  // A write no command is running for (expiry, eviction, a blocked read served later).
  void AddOutside(int db, std::vector<std::string> argv);

  // Index of the next record: EXEC notes it to wrap what its queue recorded in MULTI/EXEC.
  size_t size() const { return records_.size(); }
  // Inserts `argv` at `index` (db as given), e.g. MULTI before a transaction's writes.
  void InsertAt(size_t index, int db, std::vector<std::string> argv);
  // Drops the records from `index` on (a script's redis.set_repl(REPL_NONE) writes).
  void TruncateTo(size_t index) {
    if (index < records_.size()) records_.resize(index);
  }
  // Wraps the records from `first` on in MULTI/EXEC when there are several, as Redis 7.0
  // propagates a transaction's or a script's effects: a replay applies them all or none. MULTI
  // takes the first record's db and EXEC the last one's, so no SELECT comes between.
  void WrapInTransaction(size_t first);
  const std::vector<PropagatedCommand>& records() const { return records_; }
  // Hands over (and forgets) everything recorded so far, in order.
  std::vector<PropagatedCommand> Take();

  // Writes that changed the dataset since the count was last reset, recorded or not (INFO's
  // rdb_changes_since_last_save): one per command record a write leaves (a blocked read
  // served later, an XREADGROUP that moved a PEL, an expiry included), where Redis counts
  // elements; MULTI/EXEC wrappers are not changes.
  uint64_t changes() const { return changes_; }
  void ResetChanges() { changes_ = 0; }

 private:
  struct Frame {
    int db;
    bool touched;  // Add or Suppress was called for this command
  };
  void RecordOwn(int db, std::span<const std::string_view> argv);
  std::vector<Frame> frames_;
  std::vector<PropagatedCommand> records_;
  bool enabled_ = true;
  uint64_t changes_ = 0;
};

}  // namespace server
