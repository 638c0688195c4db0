#include "src/delivery/schedule_pass.h"

#include <string>
#include <utility>
#include <vector>

#include "src/delivery/dead_letter.h"
#include "src/delivery/records.h"
#include "src/server_state.h"
#include "streams/stream.h"

namespace server {

uint64_t RunScheduledEntries(ServerState& state, int64_t now_ms) {
  uint64_t joined = 0;
  for (DueScheduler::Taken& t : state.schedules.TakeDue(now_ms, kScheduledStreamsPerPass)) {
    const DueScheduler::GroupRef& ref = t.ref;
    if (ref.db < 0 || static_cast<size_t>(ref.db) >= state.dbs.size()) continue;
    Value* v = state.dbs[static_cast<size_t>(ref.db)]->Find(ref.key, now_ms);
    if (v == nullptr || !v->is_stream()) continue;
    auto due = v->stream().schedule().TakeDue(now_ms, kScheduledEntriesPerStream);
    std::vector<Record> records;
    std::vector<Record>* sink = state.propagation.enabled() ? &records : nullptr;
    for (const streams::ScheduleQueue::Item& item : due) {
      const auto fields = streams::ScheduleQueue::Unpack(item.packed);
      // The stream cannot change type under us: it is the value found above.
      if (!AppendToStream(state, ref.db, ref.key, fields, now_ms, sink)) continue;
      joined++;
      if (sink != nullptr) records.push_back({"XUNSCHEDULE", ref.key, std::to_string(item.handle)});
    }
    RecordAllOutside(state.propagation, ref.db, std::move(records));
    // AppendToStream may not move the value, but look again rather than trust `v`.
    Value* after = state.dbs[static_cast<size_t>(ref.db)]->Find(ref.key, now_ms);
    if (after != nullptr && after->is_stream()) {
      if (auto next = after->stream().schedule().NextDue()) {
        state.schedules.Arm(ref.db, ref.key, "", *next);
      }
    }
  }
  return joined;
}

}  // namespace server
