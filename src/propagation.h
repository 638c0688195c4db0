// What each write leaves behind for the AOF and the replicas: commands in RESP-array form that
// replay to the same dataset, made deterministic (concrete stream IDs, absolute expiry times,
// the claims a read caused). Dispatch brackets every command; a write command's own argv is
// recorded unless its handler recorded something else (Add) or declared that it changed nothing
// (Suppress), and a command that replied an error records nothing by default. Writes outside
// any command (expiry, eviction, a blocked read served later) use AddOutside.
// Records are encoded once, as RESP, into one buffer: the AOF, its rewrite buffer and the
// replication stream append those bytes as they are (ForEachRun).
#pragma once

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace server {

// Appends `argv` to `out` as one RESP multibulk command: *N\r\n then $len\r\narg\r\n each.
void AppendMultibulk(std::string& out, std::span<const std::string> argv);
void AppendMultibulk(std::string& out, std::span<const std::string_view> argv);
// The parts of one: "*N\r\n", then one "$len\r\narg\r\n" per argument.
void AppendArrayHeader(std::string& out, size_t n);
void AppendBulk(std::string& out, std::string_view arg);
// The same bulk written at `p`, which has room for arg.size() + kBulkOverhead bytes ("$", a
// size_t's digits and two CRLFs); returns the end.
inline constexpr size_t kBulkOverhead = 1 + 20 + 2 + 2;
char* WriteBulk(char* p, std::string_view arg);
// SELECT db, as the AOF and the replication stream write it before records of another db.
void AppendSelect(std::string& out, int db);

// A record decoded back into its arguments (tests and other inspection; the server itself
// only ever appends the encoded bytes).
struct PropagatedCommand {
  int db;
  std::vector<std::string> argv;
  bool replication_only = false;  // PUBLISH: replicas get it, the AOF does not
};

class Propagation {
 public:
  // Off (no AOF and no replicas, or while the AOF is being replayed) nothing is recorded;
  // handlers that build costly records check enabled() first. On by default.
  void set_enabled(bool on) { enabled_ = on; }
  bool enabled() const { return enabled_; }
  // Dispatch: a command starts running in `db`. Commands nest (EXEC runs its queue inside).
  // Inline, as EndCommand: every command runs both.
  void BeginCommand(int db) { frames_.push_back({db, false}); }
  // Handler: record `argv` in place of the command's own (call again to record more, in order).
  void Add(std::span<const std::string> argv);
  void Add(std::initializer_list<std::string_view> argv);
  void Add(std::span<const std::string_view> argv);
  // Connection: the request about to run arrived as `resp`, its exact RESP multibulk, which
  // `argv` (the parser's views into it) spans. Recording that same argv (a write's own, or
  // AddReplacing's) then copies the bytes instead of encoding them again. Valid until
  // ForgetRequest(), which the connection calls once the request has run.
  void NoteRequest(std::span<const std::string_view> argv, std::string_view resp) {
    request_argv_ = argv;
    request_resp_ = resp;
  }
  void ForgetRequest() { request_argv_ = {}; }
  // Handler: a record already encoded, `argc` arguments whose bulks are `body` (the "*N"
  // header is written here). src/delivery/records.h's Record builds them.
  void AddEncoded(size_t argc, std::string_view body);
  // Handler: records `argv` with argument `index` replaced by `arg` (XADD's concrete ID in
  // place of "*"), written in one pass.
  void AddReplacing(std::span<const std::string_view> argv, size_t index, std::string_view arg);
  // Handler, with nothing built first: a record of `argc` arguments written straight into the
  // buffer, sized once for `arg_bytes` bytes of arguments (a hint: more only costs a resize).
  // Exactly `argc` Arg() calls must follow, before anything else is recorded. Only while
  // enabled() (otherwise AddUnrecorded).
  void BeginRecord(size_t argc, size_t arg_bytes);
  void Arg(std::string_view arg);
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
  void AddOutside(int db, std::span<const std::string> argv);
  void AddOutside(int db, std::initializer_list<std::string_view> argv);
  void AddEncodedOutside(int db, size_t argc, std::string_view body);

  // Records held, in order. EXEC notes size() to wrap what its queue recorded in MULTI/EXEC.
  size_t size() const { return records_.size(); }
  bool empty() const { return records_.empty(); }
  // Inserts `argv` at `index` (db as given), e.g. MULTI before a transaction's writes.
  void InsertAt(size_t index, int db, std::initializer_list<std::string_view> argv);
  // Drops the records from `index` on (a script's redis.set_repl(REPL_NONE) writes).
  void TruncateTo(size_t index);
  // Wraps the records from `first` on in MULTI/EXEC when there are several, as Redis 7.0
  // propagates a transaction's or a script's effects: a replay applies them all or none. MULTI
  // takes the first record's db and EXEC the last one's, so no SELECT comes between.
  void WrapInTransaction(size_t first);

  // Calls f(db, replication_only, bytes) for each run of consecutive records that share their
  // db and replication_only, in order; `bytes` is the run's RESP.
  template <typename F>
  void ForEachRun(F&& f) const {
    size_t i = 0;
    while (i < records_.size()) {
      size_t j = i + 1;
      while (j < records_.size() && records_[j].db == records_[i].db &&
             records_[j].replication_only == records_[i].replication_only) {
        j++;
      }
      const size_t end = j < records_.size() ? records_[j].offset : bytes_.size();
      f(records_[i].db, records_[i].replication_only,
        std::string_view(bytes_).substr(records_[i].offset, end - records_[i].offset));
      i = j;
    }
  }
  // Forgets everything recorded so far (the buffers keep their capacity).
  void Clear();
  // Hands over (and forgets) everything recorded so far, in order, decoded.
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
  struct Record {
    size_t offset;  // into bytes_; the record ends where the next begins
    int db;
    bool replication_only;
  };
  // Marks the running command as having recorded; returns its db (0 outside any command).
  int Touch();
  void StartRecord(int db, bool replication_only);
  void RecordOwn(int db, std::span<const std::string_view> argv);
  template <typename Args>
  void Push(int db, const Args& argv, bool replication_only = false);
  void PushEncoded(int db, size_t argc, std::string_view body);
  // Whether `argv` is the noted request's own and request_resp_ is its encoding.
  bool IsNotedRequest(std::span<const std::string_view> argv) const;
  std::vector<Frame> frames_;
  std::span<const std::string_view> request_argv_;
  std::string_view request_resp_;
  std::string bytes_;
  std::vector<Record> records_;
  bool enabled_ = true;
  uint64_t changes_ = 0;
  // While a BeginRecord record is open: where its next argument goes (bytes_ is sized past
  // it), and how many Arg() calls it still expects.
  size_t cursor_ = 0;
  size_t args_owed_ = 0;
};

}  // namespace server
