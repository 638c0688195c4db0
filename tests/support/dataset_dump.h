// The whole dataset of an in-process server as canonical text, for replay-equivalence tests
// (propagation, AOF rewrite): strings and lists with expiry, sets' members, hashes with field
// expiries, streams with metadata and entries, groups
// with policy and its counters, consumers, PEL (times, counts, due times) and NACK order. Left out on purpose: what
// depends on when a command ran rather than on what it did (a consumer's seen-time and
// active-time, values' access times), which neither Redis nor we replay.
#pragma once

#include <map>
#include <set>
#include <sstream>
#include <string>
#include <string_view>

#include "src/delivery/policy.h"
#include "src/server_state.h"
#include "src/types/set.h"
#include "src/types/hash.h"
#include "src/types/quicklist.h"
#include "src/types/zset.h"
#include "tests/support/command_harness.h"

namespace testing_support {

inline std::string DumpDataset(CommandHarness& h) {
  std::ostringstream out;
  const int64_t now = server::WallClockMs();
  for (size_t db = 0; db < h.state.dbs.size(); db++) {
    std::map<std::string, const server::Value*> keys;
    h.state.dbs[db]->ForEach(now, [&](std::string_view k, const server::Value& v) {
      keys[std::string(k)] = &v;
    });
    for (const auto& [key, v] : keys) {
      out << "db" << db << " " << key << " expire=" << h.state.dbs[db]->GetExpire(key);
      if (v->is_zset()) {
        out << " zset " << v->zset().EncodingName() << "\n";
        v->zset().Walk(0, v->zset().size(), false, [&](const types::ZSet::Item& item) {
          out << "  " << item.member << " " << types::ScoreText(item.score) << "\n";
          return true;
        });
        continue;
      }
      if (v->is_string()) {
        out << " string=" << v->str() << "\n";
        continue;
      }
      if (v->is_set()) {  // members sorted; the encoding may differ after a reload, as Redis's
        std::set<std::string> members;
        v->set().ForEach([&](std::string_view m) { members.emplace(m); });
        out << " set";
        for (const auto& m : members) out << " " << m;
        out << "\n";
        continue;
      }
      if (v->is_hash()) {
        // Fields sorted (encoding order may differ after a replay), each with its expiry.
        std::map<std::string, std::string> fields;
        v->hash().ForEach([&](std::string_view f, std::string_view val, int64_t at) {
          fields[std::string(f)] = std::string(val) + " expire=" + std::to_string(at);
        });
        out << " hash len=" << fields.size() << "\n";
        for (const auto& [f, rest] : fields) out << "  " << f << " " << rest << "\n";
        continue;
      }
      if (v->is_list()) {
        out << " list";
        for (auto c = v->list().At(0); c.Valid(); c.Next()) out << " " << c.Value();
        out << "\n";
        continue;
      }
      const streams::Stream& s = v->stream();
      out << " stream len=" << s.length() << " last=" << s.last_id().ToString()
          << " first=" << s.first_id().ToString() << " maxdel=" << s.max_deleted_id().ToString()
          << " added=" << s.entries_added() << "\n";
      for (auto it = s.Range(streams::StreamID::Min(), streams::StreamID::Max()); it.Valid();
           it.Next()) {
        out << "  " << it.id().ToString();
        for (std::string_view f : it.entry().field_values) out << " " << f;
        out << "\n";
      }
      for (const auto& [name, g] : s.groups()) {
        out << "  group " << name << " last=" << g->last_id().ToString()
            << " read=" << g->entries_read() << " nacked=" << g->nacked_count()
            << " redelivered=" << g->counters().redelivered
            << " dead-lettered=" << g->counters().dead_lettered << "\n";
        if (!g->policy().empty()) {
          out << "   policy";
          for (const std::string& a : server::PolicyOptionArgs(g->policy())) out << " " << a;
          out << "\n";
        }
        for (const auto& [cname, c] : g->consumers()) {
          out << "   consumer " << cname << " pel=" << c->pel.size() << "\n";
        }
        streams::PendingIndex::Iterator it(g->pel());
        for (bool ok = it.Seek(streams::SeekOp::kFirst); ok; ok = it.Next()) {
          const streams::PendingEntry* e = it.Value();
          out << "   pending " << e->id.ToString() << " owner="
              << (e->owner() ? e->owner()->name : std::string("<nacked>"))
              << " time=" << e->delivery_time_ms << " count=" << e->delivery_count()
              << " due=" << e->due_ms() << "\n";
        }
        g->ForEachNacked([&](streams::PendingEntry& e) {
          out << "   nacked " << e.id.ToString() << "\n";
          return true;
        });
        if (std::string problem = g->Validate(); !problem.empty()) out << "INVALID " << problem;
      }
      if (std::string problem = s.Validate(); !problem.empty()) out << "INVALID " << problem;
    }
  }
  return out.str();
}

}  // namespace testing_support
