#include "src/http/dashboard_overview.h"

#include <algorithm>
#include <array>
#include <map>
#include <set>
#include <span>
#include <string_view>
#include <utility>

#include "src/delivery/policy.h"
#include "src/dispatch.h"
#include "src/http/dashboard_json.h"
#include "src/server_state.h"
#include "streams/consumer_group.h"
#include "streams/stream.h"

namespace server::http {

namespace {

// Which keys and dbs the overview may show the user: a key it may read with XINFO STREAM (the
// ACL's key patterns and command rules, as over RESP, but with no ACL LOG entry: showing the
// page is not an attempt), a db it may SELECT.
class DashboardReadAccess {
 public:
  DashboardReadAccess(ServerState& state, const Client* client)
      : acl_(state.Acl()),
        user_(client != nullptr ? state.UserOf(*client) : state.Acl().Default()) {
    static constexpr std::array<std::string_view, 3> kXInfo = {"XINFO", "STREAM", "k"};
    static constexpr std::array<std::string_view, 2> kSelect = {"SELECT", "1"};
    if (state.commands == nullptr) return;
    if (auto spec = Resolve(*state.commands, kXInfo)) xinfo_ = *spec;
    if (auto spec = Resolve(*state.commands, kSelect)) select_ = *spec;
  }

  bool MayReadDb(int db) const {
    if (user_.unrestricted || db == 0) return true;
    if (select_ == nullptr) return false;
    const std::string n = std::to_string(db);
    const std::array<std::string_view, 2> argv = {"SELECT", n};
    return acl_.Check(user_, *select_, argv).ok();
  }
  bool MayReadKey(std::string_view key) const {
    if (user_.unrestricted) return true;
    if (xinfo_ == nullptr) return false;
    const std::array<std::string_view, 3> argv = {"XINFO", "STREAM", key};
    return acl_.Check(user_, *xinfo_, argv).ok();
  }

 private:
  const acl::Registry& acl_;
  const acl::User& user_;
  const CommandSpec* xinfo_ = nullptr;
  const CommandSpec* select_ = nullptr;
};

GroupView ViewOfGroup(const ServerState& state, const QueueHistory& history, int db,
                      std::string_view key, const streams::Stream& s, std::string_view name,
                      const streams::ConsumerGroup& g, int64_t now_ms) {
  GroupView v;
  v.name = std::string(name);
  v.last_delivered_id = g.last_id().ToString();
  v.entries_read = g.entries_read();
  v.lag = streams::GroupLag(s, g);
  v.pending = g.pending_count();
  v.oldest_pending_ms = streams::OldestPendingAgeMs(g, now_ms);
  v.redelivered = g.counters().redelivered;
  v.dead_lettered = g.counters().dead_lettered;
  const streams::DeliveryPolicy& policy = EffectivePolicy(state.config, g);
  v.max_deliveries = policy.max_deliveries;
  if (!policy.empty()) v.dead_letter_key = DeadLetterKey(state.config, policy, key);
  for (const auto& [cname, c] : g.consumers()) {
    v.consumers.push_back({cname, c->pel.size(), now_ms - c->seen_time_ms});
  }
  v.rates = history.Rates(QueueHistory::SeriesName(db, key, name));
  return v;
}

// The counters a group's series samples; nullopt while its entries-read is unknown.
std::optional<uint64_t> GroupReadTotal(const streams::ConsumerGroup& g) {
  if (g.entries_read() < 0) return std::nullopt;
  return static_cast<uint64_t>(g.entries_read());
}

void WriteRates(JsonWriter& w, const std::vector<QueueHistory::Rate>& rates) {
  w.BeginArray();
  for (const auto& r : rates) {
    w.BeginArray().Int(r.t_ms).Double(r.in).Double(r.done).EndArray();
  }
  w.EndArray();
}

}  // namespace

Overview BuildOverview(ServerState& state, const Client* client, int64_t now_ms,
                       size_t max_streams) {
  Overview out;
  out.now_ms = now_ms;
  const DashboardReadAccess access(state, client);
  struct Found {
    int db;
    std::string_view key;
    const streams::Stream* stream;
  };
  std::vector<Found> found;
  for (size_t db = 0; db < state.dbs.size(); db++) {
    if (!access.MayReadDb(static_cast<int>(db))) continue;
    state.dbs[db]->ForEach(now_ms, [&](std::string_view key, const Value& v) {
      if (v.is_stream() && access.MayReadKey(key)) {
        found.push_back({static_cast<int>(db), key, &v.stream()});
      }
    });
  }
  // Only the shown ones need an order: the first max_streams by (db, key).
  const size_t shown = std::min(found.size(), max_streams);
  out.truncated = shown < found.size();
  std::partial_sort(found.begin(), found.begin() + static_cast<std::ptrdiff_t>(shown),
                    found.end(), [](const Found& a, const Found& b) {
                      return std::pair(a.db, a.key) < std::pair(b.db, b.key);
                    });

  std::map<std::pair<int, std::string>, std::set<std::string>> dead_letter_sources;
  for (size_t i = 0; i < shown; i++) {
    const Found& f = found[i];
    StreamView sv;
    sv.db = f.db;
    sv.key = std::string(f.key);
    sv.length = f.stream->length();
    sv.entries_added = f.stream->entries_added();
    sv.last_id = f.stream->last_id().ToString();
    sv.rates = state.queue_history.Rates(QueueHistory::SeriesName(f.db, f.key, ""));
    for (const auto& [name, g] : f.stream->groups()) {
      GroupView gv = ViewOfGroup(state, state.queue_history, f.db, f.key, *f.stream, name, *g,
                                 now_ms);
      if (!gv.dead_letter_key.empty() && access.MayReadKey(gv.dead_letter_key)) {
        dead_letter_sources[{f.db, gv.dead_letter_key}].insert(sv.key + "/" + gv.name);
      }
      sv.groups.push_back(std::move(gv));
    }
    out.streams.push_back(std::move(sv));
  }
  // The dead-letter streams' lengths, from every stream found (one may be beyond the shown
  // ones); the keys view dead_letter_sources' own.
  std::map<std::pair<int, std::string_view>, uint64_t> dead_letter_lengths;
  for (const auto& [where, sources] : dead_letter_sources) {
    dead_letter_lengths[{where.first, where.second}] = 0;
  }
  if (!dead_letter_lengths.empty()) {
    for (const Found& f : found) {
      auto it = dead_letter_lengths.find({f.db, f.key});
      if (it != dead_letter_lengths.end()) it->second = f.stream->length();
    }
  }
  for (auto& [where, sources] : dead_letter_sources) {
    DeadLetterView dv;
    dv.db = where.first;
    dv.key = where.second;
    dv.length = dead_letter_lengths[{dv.db, where.second}];
    dv.sources.assign(sources.begin(), sources.end());
    out.dead_letters.push_back(std::move(dv));
  }
  for (StreamView& sv : out.streams) {
    sv.is_dead_letter = dead_letter_sources.contains({sv.db, sv.key});
  }
  return out;
}

std::string OverviewJson(const Overview& overview) {
  JsonWriter w;
  w.BeginObject();
  w.Key("now_ms").Int(overview.now_ms);
  w.Key("sample_interval_ms").Int(QueueHistory::kIntervalMs);
  w.Key("history_window_ms").Int(QueueHistory::kWindowMs);
  w.Key("truncated").Bool(overview.truncated);
  w.Key("streams").BeginArray();
  for (const StreamView& s : overview.streams) {
    w.BeginObject();
    w.Key("db").Int(s.db).Key("key").String(s.key);
    w.Key("length").UInt(s.length).Key("entries_added").UInt(s.entries_added);
    w.Key("last_id").String(s.last_id).Key("dead_letter").Bool(s.is_dead_letter);
    w.Key("rates");
    WriteRates(w, s.rates);
    w.Key("groups").BeginArray();
    for (const GroupView& g : s.groups) {
      w.BeginObject();
      w.Key("name").String(g.name).Key("last_delivered_id").String(g.last_delivered_id);
      w.Key("entries_read").OptionalInt(g.entries_read < 0 ? std::nullopt
                                                           : std::optional(g.entries_read));
      w.Key("lag").OptionalInt(g.lag).Key("pending").UInt(g.pending);
      w.Key("oldest_pending_ms").OptionalInt(g.oldest_pending_ms);
      w.Key("redelivered").UInt(g.redelivered).Key("dead_lettered").UInt(g.dead_lettered);
      w.Key("max_deliveries").UInt(g.max_deliveries);
      w.Key("dead_letter_key");
      if (g.dead_letter_key.empty()) {
        w.Null();
      } else {
        w.String(g.dead_letter_key);
      }
      w.Key("consumers").BeginArray();
      for (const ConsumerView& c : g.consumers) {
        w.BeginObject().Key("name").String(c.name).Key("pending").UInt(c.pending);
        w.Key("idle_ms").Int(c.idle_ms).EndObject();
      }
      w.EndArray();
      w.Key("rates");
      WriteRates(w, g.rates);
      w.EndObject();
    }
    w.EndArray();
    w.EndObject();
  }
  w.EndArray();
  w.Key("dead_letters").BeginArray();
  for (const DeadLetterView& d : overview.dead_letters) {
    w.BeginObject().Key("db").Int(d.db).Key("key").String(d.key).Key("length").UInt(d.length);
    w.Key("sources").BeginArray();
    for (const auto& src : d.sources) w.String(src);
    w.EndArray().EndObject();
  }
  w.EndArray();
  w.EndObject();
  return w.Take();
}

void FeedQueueHistory(ServerState& state, int64_t now_ms, size_t budget) {
  QueueHistory& history = state.queue_history;
  if (state.dbs.empty()) return;
  // A pass starts at most once per interval: a small keyspace is walked once per sample, not
  // on every tick.
  if (history.scan_db == 0 && history.scan_cursor == 0) {
    const int64_t since = now_ms - history.pass_started_ms;
    if (history.pass_started_ms >= 0 && since < QueueHistory::kIntervalMs) return;
    history.pass_started_ms = now_ms;
  }
  size_t spent = 0;  // keys, groups and buckets visited: what a tick costs
  while (spent < budget) {
    if (history.scan_db >= state.dbs.size()) history.scan_db = 0;
    const int db = static_cast<int>(history.scan_db);
    const Db& d = *state.dbs[history.scan_db];
    if (d.size() == 0) {
      history.scan_cursor = 0;
    } else {
      history.scan_cursor = d.Scan(history.scan_cursor, now_ms,
                                   [&](std::string_view key, const Value& v) {
        spent++;
        if (!v.is_stream()) return;
        const streams::Stream& s = v.stream();
        history.Record(QueueHistory::SeriesName(db, key, ""), now_ms, s.entries_added(), 0);
        for (const auto& [name, g] : s.groups()) {
          spent++;
          if (auto total = GroupReadTotal(*g)) {
            history.Record(QueueHistory::SeriesName(db, key, name), now_ms, *total,
                           g->pending_count());
          }
        }
      });
      spent++;  // the bucket itself, so a sparse table's empty buckets count too
    }
    if (history.scan_cursor == 0 && ++history.scan_db == state.dbs.size()) {
      history.scan_db = 0;
      history.Prune(now_ms);  // a whole pass: what it did not meet is gone
      return;
    }
  }
}

}  // namespace server::http
