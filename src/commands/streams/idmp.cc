// XCFGSET (Redis 8.6) and XIDMPRECORD (8.8, for the AOF rewrite), and the IDMP steps of XADD.
// An iid's age is its entry's ID (streams/idmp.h), so replay needs no times of its own; a
// record whose entry is gone (XDEL, trims) is not a duplicate: the iid may add a fresh entry
// (unlike Redis, #14908, where the new entry is silently dropped). An IDMP add is recorded as
// one XADD with IDMP pid iid and its concrete ID, a form only the AOF's replay may send: one
// record, so a torn tail never keeps the entry without its iid.
#include "src/commands/streams/idmp.h"

#include <xxhash.h>

#include <cstring>
#include <string>

#include "resp/strict_int.h"
#include "src/commands/registry.h"
#include "src/commands/streams/util.h"
#include "src/commands/util.h"
#include "src/errors.h"
#include "src/propagation.h"

namespace server {

namespace {

// Every so many recording XADDs also sweep one producer for expired iids, so idle ones are
// reclaimed at a fraction of the add rate without a lookup on every add.
constexpr uint64_t kAddsPerSweep = 8;

streams::IdmpConfig IdmpEffectiveConfig(const CommandContext& ctx, const streams::IdmpTable& t) {
  return t.Effective(IdmpDefaultsFrom(ctx.server.config));
}

uint64_t IdmpNow(const CommandContext& ctx) { return static_cast<uint64_t>(ctx.now_ms); }

}  // namespace

std::string IdmpAutoIid(std::span<const std::string_view> field_values) {
  unsigned __int128 sum = 0;
  std::string pair;
  for (size_t i = 0; i + 1 < field_values.size(); i += 2) {
    // Length-prefixed, so ("ab","c") and ("a","bc") differ.
    const uint64_t flen = field_values[i].size();
    pair.assign(reinterpret_cast<const char*>(&flen), sizeof(flen));
    pair.append(field_values[i]);
    pair.append(field_values[i + 1]);
    const XXH128_hash_t h = XXH3_128bits(pair.data(), pair.size());
    sum += (static_cast<unsigned __int128>(h.high64) << 64) | h.low64;
  }
  std::string iid(16, '\0');
  const uint64_t low = static_cast<uint64_t>(sum);
  const uint64_t high = static_cast<uint64_t>(sum >> 64);
  std::memcpy(iid.data(), &high, 8);
  std::memcpy(iid.data() + 8, &low, 8);
  return iid;
}

std::optional<streams::StreamID> IdmpDuplicateOf(CommandContext& ctx, streams::Stream& s,
                                                 std::string_view pid, std::string_view iid,
                                                 streams::IdmpTable::Probe* probe) {
  streams::IdmpTable* t = s.idmp();
  if (t == nullptr) return std::nullopt;
  const streams::IdmpTable::Probe look =
      t->Look(pid, iid, IdmpNow(ctx), IdmpEffectiveConfig(ctx, *t));
  if (probe != nullptr) *probe = look;
  auto id = look.found();
  if (!id || !s.Contains(*id)) return std::nullopt;
  return id;
}

void IdmpRecordAdded(CommandContext& ctx, streams::Stream& s, std::string_view pid,
                     std::string_view iid, streams::StreamID id,
                     const streams::IdmpTable::Probe* probe) {
  streams::IdmpTable& t = s.EnsureIdmp();
  const streams::IdmpConfig config = IdmpEffectiveConfig(ctx, t);
  // Replaying an add whose iid has expired since: not kept, as XIDMPRECORD does.
  if (ctx.server.loading && streams::IdmpTable::Expired(id, IdmpNow(ctx), config)) return;
  if (probe != nullptr) {
    t.Record(*probe, pid, iid, id, config);
  } else {
    t.Record(pid, iid, id, config);
  }
  // A lone producer was just swept by the lookup.
  if (t.iids_added() % kAddsPerSweep == 0 && t.producers() > 1) {
    t.SweepSome(IdmpNow(ctx), config, 1);
  }
}

namespace {

// XCFGSET key [IDMP-DURATION s] [IDMP-MAXSIZE n]: at least one. Settings that differ from the
// stream's current ones clear its iids (the idempotency page: "with different values"); the
// same values keep them.
void XCfgSet(CommandContext& ctx) {
  std::optional<int64_t> duration;
  std::optional<int64_t> maxsize;
  for (size_t i = 2; i < ctx.argc(); i += 2) {
    if (i + 1 >= ctx.argc()) return ctx.reply.Error(err::kSyntax);
    int64_t n = 0;
    const bool is_int = resp::ParseStrictInt64(ctx.arg(i + 1), n);
    if (EqualsIgnoreCase(ctx.arg(i), "IDMP-DURATION")) {
      if (!is_int || n < streams::IdmpConfig::kMinDuration ||
          n > streams::IdmpConfig::kMaxDuration) {
        return ctx.reply.Error(err::kIdmpInvalidDuration);
      }
      duration = n;
    } else if (EqualsIgnoreCase(ctx.arg(i), "IDMP-MAXSIZE")) {
      if (!is_int || n < streams::IdmpConfig::kMinMaxSize ||
          n > streams::IdmpConfig::kMaxMaxSize) {
        return ctx.reply.Error(err::kIdmpInvalidMaxSize);
      }
      maxsize = n;
    } else {
      return ctx.reply.Error(err::kSyntax);
    }
  }
  if (!duration && !maxsize) return ctx.reply.Error(err::kSyntax);
  auto found = FindStream(ctx, ctx.arg(1));
  if (!found) return ctx.reply.Error(found.error());
  streams::Stream* s = *found;
  if (s == nullptr) return ctx.reply.Error(err::kNoSuchKey);
  streams::IdmpTable& t = s->EnsureIdmp();
  const streams::IdmpConfig current = IdmpEffectiveConfig(ctx, t);
  streams::IdmpConfig next = current;
  if (duration) next.duration_s = *duration;
  if (maxsize) next.maxsize = *maxsize;
  if (next != current) t.Clear();
  t.SetConfig(next);
  ctx.db().Touch(ctx.arg(1));
  ctx.reply.Ok();
}

// XIDMPRECORD key pid iid stream-id: what an IDMP XADD recorded, replayed from the AOF. OK when
// the pair is recorded (or already maps to that ID); an iid whose time has passed is accepted
// and not kept, so a replay never brings back what had expired.
void XIdmpRecord(CommandContext& ctx) {
  auto found = FindStream(ctx, ctx.arg(1));
  if (!found) return ctx.reply.Error(found.error());
  streams::Stream* s = *found;
  if (s == nullptr) return ctx.reply.Error(err::kNoSuchKey);
  const std::string_view pid = ctx.arg(2);
  const std::string_view iid = ctx.arg(3);
  if (pid.empty() || iid.empty()) return ctx.reply.Error(err::kIdmpRecordEmptyId);
  auto id = streams::ParseStrictId(ctx.arg(4));
  if (!id.ok()) return ctx.reply.Error(IdStatusText(id.status));
  if (!s->Contains(id.value)) return ctx.reply.Error(err::kIdmpRecordNoEntry);
  if (auto existing = IdmpDuplicateOf(ctx, *s, pid, iid)) {
    if (*existing != id.value) return ctx.reply.Error(err::kIdmpRecordConflict);
    ctx.server.propagation.Suppress();
    return ctx.reply.Ok();
  }
  streams::IdmpTable& t = s->EnsureIdmp();
  const streams::IdmpConfig config = IdmpEffectiveConfig(ctx, t);
  if (streams::IdmpTable::Expired(id.value, IdmpNow(ctx), config)) {
    ctx.server.propagation.Suppress();
    return ctx.reply.Ok();
  }
  t.Record(pid, iid, id.value, config);
  ctx.reply.Ok();
}

constexpr CommandSpec kStreamIdmpRows[] = {
    {"xcfgset", -2, kWrite | kFast, 1, 1, 1, XCfgSet,
     "Sets the IDMP configuration parameters for a stream.", "8.6.0", "stream",
     {"O(1)", "key [IDMP-DURATION idmp-duration:integer] [IDMP-MAXSIZE idmp-maxsize:integer]", "",
      "RW update"}},
    {"xidmprecord", 5, kWrite | kDenyOom | kFast, 1, 1, 1, XIdmpRecord,
     "An internal command for setting IDMP metadata on an existing stream message.", "8.8.0",
     "stream", {"O(1)", "key pid iid stream-id", "", "RW update"}},
};

}  // namespace

std::span<const CommandSpec> StreamIdmpRows() { return kStreamIdmpRows; }

}  // namespace server
