#include "src/delivery/records.h"

#include <utility>

#include "src/server_state.h"

namespace server {

Record ClaimRecord(std::string_view key, std::string_view group, const streams::PendingEntry& e,
                   const streams::ConsumerGroup& g) {
  return {"XCLAIM",
          std::string(key),
          std::string(group),
          e.owner() != nullptr ? e.owner()->name : std::string(),
          "0",
          e.id.ToString(),
          "TIME",
          std::to_string(e.delivery_time_ms),
          "RETRYCOUNT",
          std::to_string(e.delivery_count()),
          "FORCE",
          "JUSTID",
          "LASTID",
          g.last_id().ToString()};
}

Record PositionRecord(std::string_view key, std::string_view group,
                      const streams::ConsumerGroup& g) {
  return {"XGROUP",          "SETID", std::string(key), std::string(group), g.last_id().ToString(),
          "ENTRIESREAD", std::to_string(g.entries_read())};
}

Record CreateConsumerRecord(std::string_view key, std::string_view group,
                            std::string_view consumer) {
  return {"XGROUP", "CREATECONSUMER", std::string(key), std::string(group),
          std::string(consumer)};
}

Record DropPendingRecord(std::string_view key, std::string_view group, streams::StreamID id) {
  return {"XACK", std::string(key), std::string(group), id.ToString()};
}

Record CountersRecord(std::string_view key, std::string_view group,
                      const streams::ConsumerGroup& g) {
  return {"XGROUP",      "SETCOUNTERS", std::string(key),
          std::string(group), "REDELIVERED", std::to_string(g.counters().redelivered),
          "DEAD-LETTERED", std::to_string(g.counters().dead_lettered)};
}

void RecordAll(CommandContext& ctx, std::vector<Record> records) {
  Propagation& p = ctx.server.propagation;
  if (records.empty()) return p.Suppress();
  const bool wrap = records.size() > 1 && ctx.client.command_depth <= 1;
  if (wrap) p.Add(Record{"MULTI"});
  for (Record& r : records) p.Add(std::move(r));
  if (wrap) p.Add(Record{"EXEC"});
}

void RecordAllOutside(Propagation& propagation, int db, std::vector<Record> records) {
  const bool wrap = records.size() > 1;
  if (wrap) propagation.AddOutside(db, {"MULTI"});
  for (Record& r : records) propagation.AddOutside(db, std::move(r));
  if (wrap) propagation.AddOutside(db, {"EXEC"});
}

}  // namespace server
