#include "src/commands/streams_dead_letter.h"

#include <utility>

#include "src/commands/streams_util.h"
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
  if (records != nullptr) {
    Record r{"XADD", std::string(key), id.value.ToString()};
    r.reserve(3 + field_values.size());
    for (std::string_view f : field_values) r.emplace_back(f);
    records->push_back(std::move(r));
  }
  return id.value;
}

}  // namespace server
