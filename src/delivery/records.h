// What the delivery engine and the stream commands record for the AOF in place of themselves
// (src/propagation.h): the deterministic commands that rebuild a consumer group's state on replay
// (a delivery or claim as an XCLAIM with absolute TIME and RETRYCOUNT, the group's position as
// XGROUP SETID with ENTRIESREAD), and how several records of one command are kept together
// (MULTI/EXEC).
#pragma once

#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

#include "src/command_table.h"
#include "src/propagation.h"
#include "streams/consumer_group.h"
#include "streams/stream_id.h"

namespace server {

// One record in its RESP form, built an argument at a time: no vector of strings, and numbers
// and IDs written as digits straight into it. Propagation appends its bytes as they are.
class Record {
 public:
  Record() = default;
  Record(std::initializer_list<std::string_view> args) {
    for (std::string_view a : args) Arg(a);
  }
  Record& Arg(std::string_view arg);
  Record& Int(int64_t v);
  Record& Uint(uint64_t v);
  Record& Id(streams::StreamID id);
  size_t argc() const { return argc_; }
  // The arguments' bulks, without the "*N" header (Propagation::AddEncoded writes it).
  std::string_view body() const { return std::string_view(buf_.data(), used_); }

 private:
  template <typename Number>
  Record& Digits(Number v);  // Int and Uint
  // An XCLAIM record with a short key, group and consumer takes about 150 bytes.
  static constexpr size_t kTypicalBytes = 192;
  size_t argc_ = 0;
  size_t used_ = 0;  // bytes of buf_ written; the rest is room
  std::string buf_;
};

// XCLAIM key group consumer 0 id TIME t RETRYCOUNT n FORCE JUSTID LASTID group-last-id: puts the
// pending entry `e` back exactly as it is now (owner, delivery time and count; taken out of the
// NACKed zone; created when missing), as Redis 7.0 propagates deliveries and claims.
Record ClaimRecord(std::string_view key, std::string_view group, const streams::PendingEntry& e,
                   const streams::ConsumerGroup& g);
// XGROUP SETID key group last-id ENTRIESREAD n: the group's position, entries-read included.
Record PositionRecord(std::string_view key, std::string_view group,
                      const streams::ConsumerGroup& g);
// XGROUP CREATECONSUMER key group consumer.
Record CreateConsumerRecord(std::string_view key, std::string_view group,
                            std::string_view consumer);
// XACK key group id: a pending entry dropped because its stream entry was deleted.
Record DropPendingRecord(std::string_view key, std::string_view group, streams::StreamID id);

// XGROUP SETCOUNTERS key group REDELIVERED n DEAD-LETTERED m: the delivery policy's counters
// (Runnel's), recorded after a step that changed them, since a replay never re-runs the policy.
Record CountersRecord(std::string_view key, std::string_view group,
                      const streams::ConsumerGroup& g);

// Adds build()'s record to `records`, or, when `records` is null (propagation is off: no AOF
// and no replicas, or the AOF is being replayed), only counts the change without building it.
template <typename Build>
void KeepRecord(Propagation& propagation, std::vector<Record>* records, Build build) {
  if (records != nullptr) {
    records->push_back(build());
  } else {
    propagation.AddUnrecorded();
  }
}

// Records `records` in place of the running command: nothing (Suppress) when empty, bare when
// one, and wrapped in MULTI/EXEC when more, so a replay applies them all or none, as Redis
// does. Inside EXEC (command_depth > 1) the transaction's own MULTI/EXEC already wraps them.
void RecordAll(CommandContext& ctx, std::vector<Record> records);
// The same for a write no command is running for (a blocked XREADGROUP served later).
void RecordAllOutside(Propagation& propagation, int db, std::vector<Record> records);

}  // namespace server
