// Delivery planning: which entries a consumer-group read, claim, release or due-timer pass takes
// and what becomes of each (redelivered, claimed, dead-lettered, dropped, delivered new), decided
// on the data alone: no clock (now_ms is given), no keyspace, no replies. The server writes its
// reply from a plan and then applies it (src/delivery/apply.h). Planning never changes the group
// or the stream, so a plan's walks stay valid. A plan lists its steps in the order the reply
// writes them (a PEL walk takes each entry at most once; XCLAIM and XNACK take repeated IDs
// again, judged on their earlier steps) and is applied before anything else changes the group.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string_view>
#include <vector>

#include "streams/consumer_group.h"
#include "streams/delivery_policy.h"
#include "streams/entry_block.h"
#include "streams/stream.h"
#include "streams/stream_id.h"

namespace streams {

// What becomes of a pending entry that one more delivery would take past MAX-DELIVERIES. The
// one place this is decided: every site that delivers, claims or releases asks here.
enum class Exhaustion {
  kNone,        // not exhausted: it may be delivered
  kDeadLetter,  // live: it goes to the dead-letter stream instead
  kReplaying,   // exhausted, but the AOF replays: the policy takes no action of its own (the AOF
                // holds what it did, as plain commands)
};
Exhaustion ExhaustionOf(const DeliveryPolicy& policy, uint64_t deliveries, bool loading);

// Admits an entry into the reply (COUNT, MAXCOUNT, MAXSIZE); false ends this stream's entries.
using AdmitFn = std::function<bool(const EntryView&)>;

// Whether the dead-letter stream takes entries (a stream or missing, not the source). Asked only
// when a plan's outcome depends on it, since looking the key up may expire it; empty: it does.
using DeadLetterCheck = std::function<bool()>;

// --- XREADGROUP ">"

struct GroupReadRequest {
  int64_t now_ms = 0;
  bool loading = false;         // the AOF replays: nothing is redelivered as due
  int64_t claim_min_idle = -1;  // CLAIM min-idle-time (8.4); -1 without CLAIM
};

// In reply order: due, then claimed, then fresh. Pointers are into the group's PEL.
struct GroupReadPlan {
  std::vector<PendingEntry*> due;            // made due by the policy: redelivered, counted
  std::vector<PendingEntry*> claimed;        // CLAIM: NACKed, then idle longest first
  std::vector<PendingEntry*> dead_letter;    // exhausted: not written, dead-lettered
  std::vector<PendingEntry*> undeliverable;  // due but deleted from the stream: dropped
  std::vector<StreamID> fresh;               // new entries after the group's last ID
  size_t written() const { return due.size() + claimed.size() + fresh.size(); }
};

// A ">" read: first (live only) the entries the policy made due, earliest due first; then with
// CLAIM the claimable ones (NACKed ones whose due time, if any, has come, then owned ones idle
// >= min-idle-time; neither due nor deleted); then the entries after the group's last ID. Each
// written entry is admitted by `admit`, and the first refusal ends that part.
GroupReadPlan PlanGroupRead(const Stream& s, const ConsumerGroup& g, const DeliveryPolicy& policy,
                            const GroupReadRequest& req, const AdmitFn& admit);

// Whether a ">" read at now_ms would write anything (the blocked side's test before it creates
// the consumer): new entries, a due entry, or with CLAIM a claimable one.
bool GroupReadMayDeliver(const Stream& s, const ConsumerGroup& g, const DeliveryPolicy& policy,
                         int64_t now_ms, int64_t claim_min_idle);

// When (wall-clock ms) the first pending entry of `g` still in the stream becomes claimable with
// CLAIM `min_idle`, or -1 when there is none. May be <= now when one already is.
int64_t NextClaimableAt(const Stream& s, const ConsumerGroup& g, int64_t min_idle);

// --- XREADGROUP with an ID: the consumer's own history

struct HistoryStep {
  PendingEntry* entry;
  bool deleted;  // gone from the stream: written as [id, nil] and left as it is
};
// `c`'s pending entries with ID > `after`, each admitted (a deleted one as an empty entry).
std::vector<HistoryStep> PlanHistoryRead(const Stream& s, const Consumer& c, StreamID after,
                                         const AdmitFn& admit);

// --- XAUTOCLAIM

struct AutoClaimRequest {
  int64_t now_ms = 0;
  bool loading = false;
  int64_t min_idle = 0;
  StreamID start;
  int64_t count = 100;   // claims (and drops) at most this many; looks at count * 10
  bool just_id = false;  // JUSTID: not a delivery, so never exhausted
};

enum class ClaimAction { kDrop, kDeadLetter, kClaim };
struct ClaimStep {
  ClaimAction action;
  StreamID id;
};
struct AutoClaimPlan {
  std::vector<ClaimStep> steps;  // in PEL order
  StreamID cursor;               // where the next call starts; 0-0 once the walk reached the end
};
// Walks the PEL from `start` in ID order: an entry deleted from the stream is dropped (and
// counts), a NACKed one waiting for its due time or one idle less than min-idle-time is
// skipped, an exhausted one is dead-lettered (live), any other is claimed (and counts).
AutoClaimPlan PlanAutoClaim(const Stream& s, const ConsumerGroup& g, const DeliveryPolicy& policy,
                            const AutoClaimRequest& req);

// --- XCLAIM

struct ClaimRequest {
  int64_t now_ms = 0;
  int64_t min_idle = 0;
  int64_t delivery_time = 0;  // what every claimed entry's delivery time becomes
  bool force = false;         // FORCE: IDs in the stream but not pending are created
};
enum class XClaimAction { kDrop, kCreate, kClaim };
struct XClaimStep {
  XClaimAction action;
  StreamID id;
};
// One step per ID that changes anything, in argument order. A repeated ID is judged on what the
// steps before it did (claimed: idle since delivery_time; dropped: no longer pending).
std::vector<XClaimStep> PlanClaim(const Stream& s, const ConsumerGroup& g,
                                  const std::vector<StreamID>& ids, const ClaimRequest& req);

// --- XNACK

enum class NackMode { kSilent, kFail, kFatal };
struct NackRequest {
  NackMode mode = NackMode::kFail;
  std::optional<uint64_t> retry_count;  // RETRYCOUNT: overrides what the mode would set
  bool force = false;                   // FORCE: NACKed entries for IDs not pending yet
  bool loading = false;
  // When it says no, a dead letter stays pending, released as without a policy.
  DeadLetterCheck dead_letter_ok;
};
// The delivery count XNACK leaves: RETRYCOUNT when given, else by mode. SILENT undoes one
// delivery but never goes below 0; FATAL marks a poison entry with LLONG_MAX.
uint64_t NackedCount(const NackRequest& req, uint64_t count);

enum class NackAction { kRelease, kDeadLetter };
struct NackStep {
  NackAction action;
  StreamID id;
  bool create;     // FORCE: not pending yet, created in the NACKed zone first
  uint64_t count;  // the delivery count it leaves with (a dead letter: see fatal)
  bool fatal;      // a FATAL dead letter keeps the count it had, not FATAL's marker
};
// One step per ID released (every occurrence of a repeated ID counts, judged on the steps
// before it). Under a policy, live, a FATAL release or one that has had all its deliveries is
// a dead letter instead.
std::vector<NackStep> PlanNack(const Stream& s, const ConsumerGroup& g,
                               const DeliveryPolicy& policy, const std::vector<StreamID>& ids,
                               const NackRequest& req);

// --- the due timer's pass over one group

struct DuePassPlan {
  std::vector<PendingEntry*> dead_letter;  // came due exhausted
  bool ready = false;                      // others came due: wake blocked readers
  int64_t resume_at = -1;                  // the per-pass limit was reached: due time to re-arm at
};
// Entries that came due in [from_ms, now_ms], earliest first; at most `max_dead_letters`
// dead letters, the rest left for a pass at resume_at. Refused dead letters do not count: they
// stay where they are, so the limit has nothing to spread.
DuePassPlan PlanDuePass(const ConsumerGroup& g, const DeliveryPolicy& policy, int64_t from_ms,
                        int64_t now_ms, size_t max_dead_letters,
                        const DeadLetterCheck& dead_letter_ok);

}  // namespace streams
