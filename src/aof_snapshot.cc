#include "src/aof_snapshot.h"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <map>
#include <set>
#include <string_view>

#include "src/aof_writer.h"
#include "src/delivery/policy.h"
#include "src/types/set.h"
#include "src/types/hash.h"
#include "src/types/quicklist.h"
#include "src/types/zset.h"

namespace server {

namespace {

using streams::ConsumerGroup;
using streams::PendingEntry;
using streams::Stream;
using streams::StreamID;
using Argv = std::vector<std::string>;

// PEL references whose stream entry is gone (deleted or trimmed while pending), over all
// groups. XCLAIM and XNACK only take IDs the stream holds, so the snapshot adds a stand-in
// entry for each, claims it, then removes it again.
std::set<StreamID> DanglingIds(const Stream& s) {
  std::set<StreamID> out;
  for (const auto& [name, g] : s.groups()) {
    streams::PendingIndex::Iterator it(g->pel());
    for (bool ok = it.Seek(streams::SeekOp::kFirst); ok; ok = it.Next()) {
      if (!s.Contains(it.Value()->id)) out.insert(it.Value()->id);
    }
  }
  return out;
}

class StreamEmitter {
 public:
  StreamEmitter(int db, const std::string& key, SnapshotSink& sink, bool blocks)
      : db_(db), key_(key), sink_(sink), blocks_(blocks) {}

  bool Emit(const Stream& s) {
    const std::set<StreamID> dangling = DanglingIds(s);
    if (!Entries(s, dangling) || !Idmp(s)) return false;
    // Redis 7.0's order (entries, XSETID, groups) unless stand-ins must be claimed and removed
    // first: removing them with XDEL moves max-deleted-entry-id, which XSETID then restores.
    // Then entries-added alone goes first, as XGROUP CREATE caps ENTRIESREAD at it.
    if (!(dangling.empty() ? Metadata(s) : EntriesAddedBeforeGroups(s, dangling))) return false;
    for (const auto& [name, g] : s.groups()) {
      if (!Group(name, *g)) return false;
    }
    if (!(dangling.empty() || (RemoveStandIns(s, dangling) && Metadata(s)))) return false;
    return Extensions(s);
  }

 private:
  // Runnel's extensions: the scheduled entries (XSCHEDULE with their due times and handles),
  // then XRETENTION when the stream has a setting of its own.
  bool Extensions(const Stream& s) {
    bool ok = true;
    s.schedule().ForEach([&](int64_t due, uint64_t handle, std::string_view packed) {
      Argv argv = {"XSCHEDULE", key_, "AT", std::to_string(due), "HANDLE", std::to_string(handle)};
      for (std::string_view f : streams::ScheduleQueue::Unpack(packed)) argv.emplace_back(f);
      ok = Send(std::move(argv));
      return ok;
    });
    if (!ok) return false;
    const streams::RetentionSetting& r = s.retention().setting;
    if (r.max_age_ms < 0) return true;
    Argv argv = {"XRETENTION", key_, std::to_string(r.max_age_ms)};
    if (r.dead_letter_pending) argv.emplace_back("DEADLETTER-PENDING");
    return Send(std::move(argv));
  }

  bool Send(Argv argv) { return sink_.Command(db_, argv); }

  // Live entries and stand-ins, merged in ID order (XADD only appends above the last ID). A
  // stream with none at all is made as Redis 7.0's rewrite makes it: an entry trimmed at once.
  // Each block goes whole, as its encoded bytes (RUNNEL.XLOADBLOCK: no re-encoding on the other
  // side), unless a stand-in falls inside its ID range: then its entries go as XADDs, with the
  // stand-ins between them.
  bool Entries(const Stream& s, const std::set<StreamID>& dangling) {
    if (s.empty() && dangling.empty()) {
      return Send({"XADD", key_, "MAXLEN", "0", "0-1", "x", "y"});
    }
    auto next_dangling = dangling.begin();
    auto stand_ins_below = [&](StreamID bound) {
      for (; next_dangling != dangling.end() && *next_dangling < bound; ++next_dangling) {
        if (!Send({"XADD", key_, next_dangling->ToString(), "x", "y"})) return false;
      }
      return true;
    };
    const bool whole = s.ForEachBlockImage([&](const streams::BlockImage& image) {
      if (!stand_ins_below(image.master_id)) return false;
      if (blocks_ && (next_dangling == dangling.end() || *next_dangling > image.last_id)) {
        return Send({"RUNNEL.XLOADBLOCK", key_, image.master_id.ToString(),
                     image.last_id.ToString(), std::to_string(image.entries),
                     std::string(image.bytes)});
      }
      auto block = streams::EntryBlock::Import(image);  // our own bytes: always accepted
      streams::EntryBlock::Cursor it(*block.block);
      for (bool ok = it.SeekFirst(); ok; ok = it.Next()) {
        if (!stand_ins_below(it.id())) return false;
        Argv argv = {"XADD", key_, it.id().ToString()};
        for (std::string_view f : it.entry().field_values) argv.emplace_back(f);
        if (!Send(std::move(argv))) return false;
      }
      return true;
    });
    return whole && stand_ins_below(StreamID::Max()) &&
           (next_dangling == dangling.end() ||
            Send({"XADD", key_, next_dangling->ToString(), "x", "y"}));
  }

  // Idempotent producers (once the entries are in): the stream's own XCFGSET settings, then
  // every iid whose entry is still there, producer by producer, oldest first, so replaying
  // evicts nothing the stream still holds. Expired ones may be written: XIDMPRECORD drops them.
  bool Idmp(const Stream& s) {
    const streams::IdmpTable* t = s.idmp();
    if (t == nullptr) return true;
    if (auto c = t->config()) {
      if (!Send({"XCFGSET", key_, "IDMP-DURATION", std::to_string(c->duration_s), "IDMP-MAXSIZE",
                 std::to_string(c->maxsize)})) {
        return false;
      }
    }
    bool ok = true;
    t->ForEach([&](std::string_view pid, std::string_view iid, StreamID id) {
      if (ok && s.Contains(id)) {
        ok = Send({"XIDMPRECORD", key_, std::string(pid), std::string(iid), id.ToString()});
      }
    });
    return ok;
  }

  // The group's position, policy and policy counters, then per consumer (name order) its pending
  // entries as claims with their exact delivery time and count (which give them their due
  // times again), or CREATECONSUMER when it has none; then the NACKed zone in NACK order, with
  // the due times.
  bool Group(const std::string& name, const ConsumerGroup& g) {
    if (!Send({"XGROUP", "CREATE", key_, name, g.last_id().ToString(), "ENTRIESREAD",
               std::to_string(g.entries_read())})) {
      return false;
    }
    // The group's own delivery policy (Runnel's); the server default is config, not data.
    if (!g.policy().empty()) {
      Argv argv{"XGROUP", "SETPOLICY", key_, name};
      for (std::string& a : PolicyOptionArgs(g.policy())) argv.push_back(std::move(a));
      if (!Send(std::move(argv))) return false;
    }
    const ConsumerGroup::PolicyCounters& n = g.counters();
    if ((n.redelivered > 0 || n.dead_lettered > 0) &&
        !Send({"XGROUP", "SETCOUNTERS", key_, name, "REDELIVERED", std::to_string(n.redelivered),
               "DEAD-LETTERED", std::to_string(n.dead_lettered)})) {
      return false;
    }
    for (const auto& [cname, c] : g.consumers()) {
      if (c->pel.size() == 0) {
        if (!Send({"XGROUP", "CREATECONSUMER", key_, name, cname})) return false;
        continue;
      }
      if (!Claims(name, cname, c->pel)) return false;
    }
    bool ok = true;
    g.ForEachNacked([&](PendingEntry& e) {
      Argv argv{"XNACK", key_, name, "FAIL", "IDS", "1", e.id.ToString(), "RETRYCOUNT",
                std::to_string(e.delivery_count()), "FORCE"};
      if (e.due_ms() >= 0) {
        argv.emplace_back("DUE-AT");
        argv.push_back(std::to_string(e.due_ms()));
      }
      ok = Send(std::move(argv));
      return ok;
    });
    return ok;
  }

  // A consumer's pending entries in ID order, as XCLAIMs of up to kClaimBatch IDs: a run of
  // entries sharing their delivery time and count (one XREADGROUP's delivery, typically) is one
  // command, which replays much faster than a command per entry and makes the same PEL.
  static constexpr size_t kClaimBatch = 100;
  bool Claims(const std::string& group, const std::string& consumer,
              const streams::PendingIndex& pel) {
    Argv ids;
    int64_t time = 0;
    uint64_t count = 0;
    auto flush = [&] {
      if (ids.empty()) return true;
      Argv argv{"XCLAIM", key_, group, consumer, "0"};
      for (std::string& id : ids) argv.push_back(std::move(id));
      ids.clear();
      argv.insert(argv.end(), {"TIME", std::to_string(time), "RETRYCOUNT", std::to_string(count),
                               "FORCE", "JUSTID"});
      return Send(std::move(argv));
    };
    streams::PendingIndex::Iterator it(pel);
    for (bool ok = it.Seek(streams::SeekOp::kFirst); ok; ok = it.Next()) {
      const PendingEntry& e = *it.Value();
      const bool joins = !ids.empty() && ids.size() < kClaimBatch &&
                         e.delivery_time_ms == time && e.delivery_count() == count;
      if (!joins && !flush()) return false;
      time = e.delivery_time_ms;
      count = e.delivery_count();
      ids.push_back(e.id.ToString());
    }
    return flush();
  }

  // Stand-ins below the first live entry go with an exact trim, which (unlike XDEL) leaves
  // max-deleted-entry-id alone; those above it can only have been deleted by XDEL, so the
  // real max-deleted-entry-id is set and XSETID restores it.
  bool RemoveStandIns(const Stream& s, const std::set<StreamID>& dangling) {
    if (dangling.empty()) return true;
    std::optional<StreamID> first = s.FirstEntryId();
    if (!first) return Send({"XTRIM", key_, "MAXLEN", "0"});
    if (*dangling.begin() < *first && !Send({"XTRIM", key_, "MINID", first->ToString()})) {
      return false;
    }
    for (auto it = dangling.upper_bound(*first); it != dangling.end(); ++it) {
      if (!Send({"XDEL", key_, it->ToString()})) return false;
    }
    return true;
  }

  // While stand-ins are in the stream: entries-added (at least the length, as XSETID requires),
  // with the last ID at or above every entry, for the groups' ENTRIESREAD. Metadata() sets the
  // real values once the stand-ins are gone.
  bool EntriesAddedBeforeGroups(const Stream& s, const std::set<StreamID>& dangling) {
    const StreamID top = std::max(s.last_id(), *dangling.rbegin());
    const uint64_t added = std::max<uint64_t>(s.entries_added(), s.length() + dangling.size());
    return Send({"XSETID", key_, top.ToString(), "ENTRIESADDED", std::to_string(added)});
  }

  // last-generated-id, entries-added and max-deleted-entry-id. XSETID refuses a last ID below
  // the max-deleted ID it is given, a state an earlier XSETID may have left: then the
  // metadata is set with the max-deleted ID as last ID first, and the last ID lowered after.
  bool Metadata(const Stream& s) {
    const StreamID last = s.last_id();
    const StreamID maxdel = s.max_deleted_id();
    const std::string added = std::to_string(s.entries_added());
    if (maxdel > last) {
      return Send({"XSETID", key_, maxdel.ToString(), "ENTRIESADDED", added, "MAXDELETEDID",
                   maxdel.ToString()}) &&
             Send({"XSETID", key_, last.ToString()});
    }
    return Send({"XSETID", key_, last.ToString(), "ENTRIESADDED", added, "MAXDELETEDID",
                 maxdel.ToString()});
  }

  int db_;
  const std::string& key_;
  SnapshotSink& sink_;
  bool blocks_;  // RUNNEL.XLOADBLOCK where it can; else XADDs only
};

// A sorted set as ZADD commands of at most kZSetBatch pairs, in order, each score as the
// shortest text that reads back as exactly the same double.
constexpr size_t kZSetBatch = 64;

bool EmitZSet(int db, const std::string& key, const types::ZSet& z, SnapshotSink& sink) {
  Argv argv;
  bool ok = true;
  auto flush = [&] {
    ok = sink.Command(db, argv);
    argv.clear();
    return ok;
  };
  z.Walk(0, z.size(), /*reverse=*/false, [&](const types::ZSet::Item& item) {
    if (argv.empty()) argv = {"ZADD", key};
    argv.push_back(types::ScoreText(item.score));
    argv.emplace_back(item.member);
    return argv.size() < 2 + 2 * kZSetBatch || flush();
  });
  return ok && (argv.empty() || flush());
}

// Collects the snapshot as RESP bytes, SELECT whenever the db changes.
class TextSink : public SnapshotSink {
 public:
  explicit TextSink(std::string& out) : out_(out) {}
  bool Command(int db, std::span<const std::string> argv) override {
    if (db != db_) {
      const std::string select[] = {"SELECT", std::to_string(db)};
      AppendMultibulk(out_, select);
      db_ = db;
    }
    AppendMultibulk(out_, argv);
    return true;
  }

 private:
  std::string& out_;
  int db_ = -1;
};

// TextSink's bytes, written to a file every 64 KiB.
class FdSink : public SnapshotSink {
 public:
  FdSink(int fd, int64_t key_delay_us) : fd_(fd), key_delay_us_(key_delay_us), text_(buf_) {}
  bool Command(int db, std::span<const std::string> argv) override {
    text_.Command(db, argv);
    return buf_.size() < kChunk || Drain();
  }
  void KeyDone() override {
    if (key_delay_us_ > 0) usleep(static_cast<useconds_t>(key_delay_us_));
  }
  bool Drain() {
    size_t done = 0;
    while (done < buf_.size()) {
      ssize_t n = write(fd_, buf_.data() + done, buf_.size() - done);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) return false;
      done += static_cast<size_t>(n);
    }
    buf_.clear();
    return true;
  }

 private:
  static constexpr size_t kChunk = 64 * 1024;
  int fd_;
  int64_t key_delay_us_;
  std::string buf_;
  TextSink text_;
};

// A set as SADDs of at most kSetBatch members each. Replayed, the first SADD creates the set as
// Redis would for that many members, and later ones convert it where Redis would.
constexpr size_t kSetBatch = 64;

bool EmitSet(int db, const std::string& key, const types::Set& set, SnapshotSink& sink) {
  bool ok = true;
  Argv argv;
  auto flush = [&] {
    if (ok && argv.size() > 2) ok = sink.Command(db, argv);
    argv = {"SADD", key};
  };
  flush();
  set.ForEach([&](std::string_view m) {
    argv.emplace_back(m);
    if (argv.size() == 2 + kSetBatch) flush();
  });
  flush();
  return ok;
}

// A hash as HSET in batches of kHashBatch pairs, then its field expiries as HPEXPIREAT, one
// per distinct time (fields sharing a time share the command). Fields already past their time
// are left out; a hash with none left is not written at all.
constexpr size_t kHashBatch = 64;

bool EmitHash(int db, const std::string& key, const types::Hash& h, int64_t now_ms,
              SnapshotSink& sink) {
  Argv batch;
  std::map<int64_t, std::vector<std::string>> expiries;
  bool ok = true;
  h.ForEach([&](std::string_view f, std::string_view v, int64_t at) {
    if (!ok || (at != types::Hash::kNoExpiry && at <= now_ms)) return;
    if (batch.empty()) batch = {"HSET", key};
    batch.emplace_back(f);
    batch.emplace_back(v);
    if (at != types::Hash::kNoExpiry) expiries[at].emplace_back(f);
    if (batch.size() == 2 + 2 * kHashBatch) {
      ok = sink.Command(db, batch);
      batch.clear();
    }
  });
  if (ok && !batch.empty()) ok = sink.Command(db, batch);
  for (auto& [at, fields] : expiries) {
    for (size_t i = 0; ok && i < fields.size(); i += kHashBatch) {
      const size_t n = std::min(kHashBatch, fields.size() - i);
      Argv argv{"HPEXPIREAT", key, std::to_string(at), "FIELDS", std::to_string(n)};
      argv.insert(argv.end(), fields.begin() + static_cast<std::ptrdiff_t>(i),
                  fields.begin() + static_cast<std::ptrdiff_t>(i + n));
      ok = sink.Command(db, argv);
    }
  }
  return ok;
}

// A list as RPUSHes of at most kListBatch entries each, head to tail.
constexpr size_t kListBatch = 64;

bool EmitList(int db, const std::string& key, const types::List& list, SnapshotSink& sink) {
  Argv argv;
  for (auto c = list.At(0); c.Valid(); c.Next()) {
    if (argv.empty()) argv = {"RPUSH", key};
    argv.emplace_back(c.Value());
    if (argv.size() == 2 + kListBatch) {
      if (!sink.Command(db, argv)) return false;
      argv.clear();
    }
  }
  return argv.empty() || sink.Command(db, argv);
}

}  // namespace

bool EmitSnapshot(const std::vector<std::unique_ptr<Db>>& dbs, int64_t now_ms, SnapshotSink& sink,
                  std::span<const std::string> libraries, SnapshotOptions options) {
  bool ok = true;
  for (const std::string& code : libraries) {
    if (!ok) break;
    ok = sink.Command(0, Argv{"FUNCTION", "LOAD", code});
  }
  for (size_t i = 0; i < dbs.size() && ok; i++) {
    const int db = static_cast<int>(i);
    const Db& d = *dbs[i];
    d.ForEach(now_ms, [&](std::string_view key_view, const Value& v) {
      const std::string key(key_view);
      if (!ok) return;
      const int64_t at = d.GetExpire(key);
      if (v.is_string()) {
        Argv argv = {"SET", key, v.str()};
        if (at != kNoExpire) {
          argv.emplace_back("PXAT");
          argv.push_back(std::to_string(at));
        }
        ok = sink.Command(db, argv);
        sink.KeyDone();
        return;
      }
      switch (v.type()) {
        case ValueType::kString:
          break;
        case ValueType::kStream:
          ok = StreamEmitter(db, key, sink, options.stream_blocks).Emit(v.stream());
          break;
        case ValueType::kList:
          ok = EmitList(db, key, v.list(), sink);
          break;
        case ValueType::kHash:
          ok = EmitHash(db, key, v.hash(), now_ms, sink);
          break;
        case ValueType::kSet:
          ok = EmitSet(db, key, v.set(), sink);
          break;
        case ValueType::kZSet:
          ok = EmitZSet(db, key, v.zset(), sink);
          break;
      }
      if (ok && at != kNoExpire) ok = sink.Command(db, Argv{"PEXPIREAT", key, std::to_string(at)});
      sink.KeyDone();
    });
  }
  return ok;
}

std::string SnapshotText(const std::vector<std::unique_ptr<Db>>& dbs, int64_t now_ms,
                         std::span<const std::string> libraries, SnapshotOptions options) {
  std::string out;
  TextSink sink(out);
  EmitSnapshot(dbs, now_ms, sink, libraries, options);
  return out;
}

bool WriteSnapshot(const std::vector<std::unique_ptr<Db>>& dbs, int64_t now_ms, int fd,
                   int64_t key_delay_us, std::span<const std::string> libraries,
                   SnapshotOptions options) {
  if (!StreamSnapshot(dbs, now_ms, fd, libraries, key_delay_us, options)) return false;
  int rc;
  do {
    rc = fdatasync(fd);
  } while (rc != 0 && errno == EINTR);
  return rc == 0;
}

bool StreamSnapshot(const std::vector<std::unique_ptr<Db>>& dbs, int64_t now_ms, int fd,
                    std::span<const std::string> libraries, int64_t key_delay_us,
                    SnapshotOptions options) {
  FdSink sink(fd, key_delay_us);
  return EmitSnapshot(dbs, now_ms, sink, libraries, options) && sink.Drain();
}

}  // namespace server
