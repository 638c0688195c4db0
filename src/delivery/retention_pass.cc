#include "src/delivery/retention_pass.h"

#include <string>
#include <utility>
#include <vector>

#include "src/delivery/dead_letter.h"
#include "src/delivery/policy.h"
#include "src/delivery/records.h"
#include "src/notify.h"
#include "src/server_state.h"
#include "streams/stream.h"

namespace server {

namespace {

// Dead letters every entry of every group pending below `minid`, in ID order; records the
// groups' counters. Entries whose dead-letter key cannot take them stay pending.
void DeadLetterPendingBelow(DeliveryContext& dc, std::string_view key, streams::Stream& s,
                            streams::StreamID minid, std::vector<Record>& records) {
  for (const auto& [name, group] : s.groups()) {
    streams::ConsumerGroup& g = *group;
    const streams::DeliveryPolicy& policy = EffectivePolicy(dc.state.config, g);
    std::vector<streams::PendingEntry*> old;
    streams::PendingIndex::Iterator it(g.pel());
    for (bool ok = it.Seek(streams::SeekOp::kFirst); ok && it.Value()->id < minid; ok = it.Next()) {
      old.push_back(it.Value());
    }
    if (old.empty() || !DeadLetterAccepted(dc, key, policy)) continue;
    size_t moved = 0;
    for (streams::PendingEntry* e : old) {
      if (DeadLetter(dc, key, s, name, g, policy, *e, kDlqReasonRetention)) moved++;
    }
    if (moved > 0 && dc.records != nullptr) records.push_back(CountersRecord(key, name, g));
  }
}

// One bounded step on one stream: at most `budget` entries. Returns how many went.
uint64_t RetainStream(ServerState& state, int db, const std::string& key, streams::Stream& s,
                      const streams::RetentionSetting& setting, int64_t now_ms,
                      uint64_t budget) {
  const auto minid =
      streams::PlanRetentionStep(s, streams::RetentionCutoff(now_ms, setting.max_age_ms), budget);
  if (!minid) return 0;
  std::vector<Record> records;
  DeliveryContext dc{state, db, now_ms, state.propagation.enabled() ? &records : nullptr};
  if (setting.dead_letter_pending) DeadLetterPendingBelow(dc, key, s, *minid, records);
  const size_t removed = s.TrimMinId(*minid, /*approx=*/false, /*limit=*/0);
  s.retention().trimmed += removed;
  if (dc.records != nullptr) records.push_back({"XTRIM", key, "MINID", minid->ToString()});
  RecordAllOutside(state.propagation, db, std::move(records));
  state.dbs[static_cast<size_t>(db)]->Touch(key);
  NotifyKeyspaceEvent(state, kNotifyStream, "xtrim", key, db);
  return removed;
}

}  // namespace

streams::RetentionSetting EffectiveRetention(const Config& config, const streams::Stream& s) {
  const streams::RetentionSetting& own = s.retention().setting;
  if (own.max_age_ms >= 0) return own;
  return {config.stream_retention_ms, config.stream_retention_dead_letter_pending};
}

uint64_t RunRetentionPass(ServerState& state, int64_t now_ms) {
  if (state.config.stream_retention_ms == 0 && !state.retention_in_use) return 0;
  if (state.dbs.empty()) return 0;
  // The streams under retention among the next keys of the walk.
  std::vector<std::pair<int, std::string>> due;
  uint64_t looked = 0;
  for (size_t dbs_done = 0; looked < kRetentionKeysPerPass && dbs_done < state.dbs.size();) {
    auto& cursor = state.retention_cursor;
    if (cursor.db >= state.dbs.size()) cursor.db = 0;
    const int db = static_cast<int>(cursor.db);
    cursor.position = state.dbs[cursor.db]->Scan(
        cursor.position, now_ms, [&](std::string_view key, const Value& v) {
          looked++;
          if (v.is_stream() && EffectiveRetention(state.config, v.stream()).max_age_ms > 0) {
            due.emplace_back(db, std::string(key));
          }
        });
    if (cursor.position == 0) {
      cursor.db++;
      dbs_done++;
    }
  }
  uint64_t budget = kRetentionEntriesPerPass;
  uint64_t trimmed = 0;
  for (const auto& [db, key] : due) {
    if (budget == 0) break;
    Value* v = state.dbs[static_cast<size_t>(db)]->Find(key, now_ms);
    if (v == nullptr || !v->is_stream()) continue;
    const streams::RetentionSetting setting = EffectiveRetention(state.config, v->stream());
    const uint64_t removed = RetainStream(state, db, key, v->stream(), setting, now_ms, budget);
    budget -= removed;
    trimmed += removed;
  }
  state.stats.retention_trimmed += trimmed;
  return trimmed;
}

}  // namespace server
