#include "src/delivery/dead_letter.h"

#include <utility>

#include "src/delivery/policy.h"
#include "src/log.h"
#include "src/notify.h"
#include "src/server_state.h"

namespace server {

std::optional<streams::StreamID> AppendToStream(ServerState& state, int db, std::string_view key,
                                                std::span<const std::string_view> field_values,
                                                int64_t now_ms, std::vector<Record>* records) {
  Db& d = *state.dbs[static_cast<size_t>(db)];
  Value* v = d.Find(key, now_ms);
  if (v != nullptr && !v->is_stream()) return std::nullopt;
  const streams::StreamLimits limits = StreamLimitsFrom(state.config);
  const auto now = static_cast<uint64_t>(now_ms);
  streams::IdResult<streams::StreamID> id;
  if (v == nullptr) {
    Value value = Value::NewStream();
    id = value.stream().Add(streams::XAddId{}, field_values, now, limits);
    if (!id.ok()) return std::nullopt;
    d.Set(key, std::move(value));
  } else {
    id = v->stream().Add(streams::XAddId{}, field_values, now, limits);
    if (!id.ok()) return std::nullopt;  // the stream's IDs are exhausted
    d.Touch(key);
  }
  state.blocking.SignalKeyReady(db, key);
  NotifyKeyspaceEvent(state, kNotifyStream, "xadd", key, db);
  if (records != nullptr) {
    Record r{"XADD", key};
    r.Id(id.value);
    for (std::string_view f : field_values) r.Arg(f);
    records->push_back(std::move(r));
  }
  return id.value;
}

bool DeadLetterAccepted(const DeliveryContext& dc, std::string_view key,
                        const streams::DeliveryPolicy& policy) {
  const std::string dlq = DeadLetterKey(dc.state.config, policy, key);
  if (dlq == key) return false;
  Value* v = dc.state.dbs[static_cast<size_t>(dc.db)]->Find(dlq, dc.now_ms);
  return v == nullptr || v->is_stream();
}

bool DeadLetter(DeliveryContext& dc, std::string_view key, streams::Stream& s,
                std::string_view group, streams::ConsumerGroup& g,
                const streams::DeliveryPolicy& policy, streams::PendingEntry& e,
                std::string_view reason) {
  const std::string dlq = DeadLetterKey(dc.state.config, policy, key);
  // Copies: the fields must outlive any change the append makes to the keyspace.
  std::vector<std::string> items;
  if (auto it = s.Range(e.id, e.id); it.Valid()) {
    for (std::string_view f : it.entry().field_values) items.emplace_back(f);
  }
  const std::string values[] = {std::string(key),
                                e.id.ToString(),
                                std::string(group),
                                e.owner() != nullptr ? e.owner()->name : std::string(),
                                std::to_string(e.delivery_count()),
                                std::string(reason)};
  for (size_t i = 0; i < kDlqFields.size(); i++) {
    items.emplace_back(kDlqFields[i]);
    items.push_back(values[i]);
  }
  std::vector<std::string_view> views(items.begin(), items.end());
  std::optional<streams::StreamID> added;
  if (dlq != key) added = AppendToStream(dc.state, dc.db, dlq, views, dc.now_ms, dc.records);
  if (!added) {
    dc.state.policy_stats.dead_letter_failures++;
    g.SetDue(e, -1);
    Log(LogLevel::kWarning, "Could not dead-letter " + e.id.ToString() + " of group " +
                                std::string(group) + " of stream " + std::string(key) +
                                ": dead-letter key " + dlq + " is not a stream");
    return false;
  }
  const streams::StreamID id = e.id;
  g.Ack(id);
  if (dc.records != nullptr) dc.records->push_back(DropPendingRecord(key, group, id));
  g.counters().dead_lettered++;
  dc.state.policy_stats.dead_lettered++;
  // Runnel's own event, after the dead-letter stream's "xadd" (see README, Keyspace notifications).
  NotifyKeyspaceEvent(dc.state, kNotifyStream, kEventDeadLetter, key, dc.db);
  return true;
}

}  // namespace server
