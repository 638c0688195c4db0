// XADD's idempotent producers (Redis 8.6's IDMP / IDMPAUTO): the options XADD parsed, the iid
// IDMPAUTO derives from an entry, and the lookup and record steps XAdd runs around its add.
// XCFGSET and XIDMPRECORD live in idmp.cc. The table itself is streams::IdmpTable.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "src/command_table.h"
#include "streams/stream.h"

namespace server {

// IDMP pid iid | IDMPAUTO pid, as XADD parsed them: `first`..`first + count - 1` are their argv
// slots, which the AOF record of the XADD leaves out.
struct IdmpArgs {
  bool given = false;
  bool auto_iid = false;
  std::string_view pid;
  std::string_view iid;  // IDMP's; IDMPAUTO's is computed once the fields are known
  size_t first = 0;
  size_t count = 0;
};

// IDMPAUTO's iid: 16 raw bytes, the sum (mod 2^128) of XXH3-128 over each length-prefixed
// field/value pair, so the same pairs in any order give the same iid.
std::string IdmpAutoIid(std::span<const std::string_view> field_values);

// The ID an earlier XADD recorded for (pid, iid) in `s`, when that record is live and its
// entry still in the stream (after an XDEL or a trim of it, the iid is free again). `probe`,
// when given, keeps the lookup for IdmpRecordAdded.
std::optional<streams::StreamID> IdmpDuplicateOf(CommandContext& ctx, streams::Stream& s,
                                                 std::string_view pid, std::string_view iid,
                                                 streams::IdmpTable::Probe* probe = nullptr);

// Records (pid, iid) -> id in `s` after the add (and now and then sweeps another producer's
// expired iids). XADD's own AOF record carries IDMP pid iid, so nothing more is recorded.
// `probe` is IdmpDuplicateOf's for this add, when `s` had a table then.
void IdmpRecordAdded(CommandContext& ctx, streams::Stream& s, std::string_view pid,
                     std::string_view iid, streams::StreamID id,
                     const streams::IdmpTable::Probe* probe);

}  // namespace server
