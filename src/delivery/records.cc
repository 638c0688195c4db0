#include "src/delivery/records.h"

#include <algorithm>
#include <charconv>
#include <utility>

#include "src/server_state.h"

namespace server {

Record& Record::Arg(std::string_view arg) {
  // Written in place: one resize (zero-filling) per doubling, none for most records, which
  // fit kTypicalBytes.
  const size_t need = used_ + arg.size() + kBulkOverhead;
  if (need > buf_.size()) buf_.resize(std::max({need, 2 * buf_.size(), kTypicalBytes}));
  used_ = static_cast<size_t>(WriteBulk(buf_.data() + used_, arg) - buf_.data());
  argc_++;
  return *this;
}

template <typename Number>
Record& Record::Digits(Number v) {
  char digits[24];
  const char* end = std::to_chars(digits, digits + sizeof digits, v).ptr;
  return Arg(std::string_view(digits, static_cast<size_t>(end - digits)));
}

Record& Record::Int(int64_t v) { return Digits(v); }

Record& Record::Uint(uint64_t v) { return Digits(v); }

Record& Record::Id(streams::StreamID id) { return Arg(streams::FormattedId(id).view()); }

Record ClaimRecord(std::string_view key, std::string_view group, const streams::PendingEntry& e,
                   const streams::ConsumerGroup& g) {
  Record r;
  r.Arg("XCLAIM").Arg(key).Arg(group).Arg(e.owner() != nullptr ? std::string_view(e.owner()->name)
                                                                 : std::string_view());
  r.Arg("0").Id(e.id).Arg("TIME").Int(e.delivery_time_ms).Arg("RETRYCOUNT");
  r.Uint(e.delivery_count()).Arg("FORCE").Arg("JUSTID").Arg("LASTID").Id(g.last_id());
  return r;
}

Record PositionRecord(std::string_view key, std::string_view group,
                      const streams::ConsumerGroup& g) {
  Record r{"XGROUP", "SETID", key, group};
  r.Id(g.last_id()).Arg("ENTRIESREAD").Int(g.entries_read());
  return r;
}

Record CreateConsumerRecord(std::string_view key, std::string_view group,
                            std::string_view consumer) {
  return {"XGROUP", "CREATECONSUMER", key, group, consumer};
}

Record DropPendingRecord(std::string_view key, std::string_view group, streams::StreamID id) {
  Record r{"XACK", key, group};
  r.Id(id);
  return r;
}

Record CountersRecord(std::string_view key, std::string_view group,
                      const streams::ConsumerGroup& g) {
  Record r{"XGROUP", "SETCOUNTERS", key, group, "REDELIVERED"};
  r.Uint(g.counters().redelivered).Arg("DEAD-LETTERED").Uint(g.counters().dead_lettered);
  return r;
}

void RecordAll(CommandContext& ctx, std::vector<Record> records) {
  Propagation& p = ctx.server.propagation;
  if (records.empty()) return p.Suppress();
  const bool wrap = records.size() > 1 && ctx.client.command_depth <= 1;
  if (wrap) p.Add({"MULTI"});
  for (const Record& r : records) p.AddEncoded(r.argc(), r.body());
  if (wrap) p.Add({"EXEC"});
}

void RecordAllOutside(Propagation& propagation, int db, std::vector<Record> records) {
  const bool wrap = records.size() > 1;
  if (wrap) propagation.AddOutside(db, {"MULTI"});
  for (const Record& r : records) propagation.AddEncodedOutside(db, r.argc(), r.body());
  if (wrap) propagation.AddOutside(db, {"EXEC"});
}

}  // namespace server
