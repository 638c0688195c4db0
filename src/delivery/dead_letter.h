// Dead letters (Runnel's delivery policy, not Redis's): an entry a group gives up on is appended
// to its dead-letter stream with its fields followed by the metadata fields below, and
// acknowledged in the group, as one step the AOF records as the XADD and XACK it made (inside
// MULTI/EXEC), so a replay never re-runs the policy. XREDRIVE moves dead letters back.
// The metadata fields always come last, in this order; an entry whose source entry was deleted
// before it was dead-lettered has the metadata fields only.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "src/delivery/context.h"
#include "src/delivery/records.h"
#include "streams/consumer_group.h"
#include "streams/stream.h"

namespace server {

struct ServerState;

inline constexpr std::string_view kDlqSourceStream = "dlq-source-stream";
inline constexpr std::string_view kDlqSourceId = "dlq-source-id";
inline constexpr std::string_view kDlqGroup = "dlq-group";
inline constexpr std::string_view kDlqConsumer = "dlq-consumer";
inline constexpr std::string_view kDlqDeliveries = "dlq-deliveries";
inline constexpr std::string_view kDlqReason = "dlq-reason";
inline constexpr std::array<std::string_view, 6> kDlqFields = {
    kDlqSourceStream, kDlqSourceId, kDlqGroup, kDlqConsumer, kDlqDeliveries, kDlqReason};

// Runnel's keyspace events (class t, on the source stream's key), one per entry: a policy
// dead-lettered it (after the dead-letter stream's own "xadd"), or redelivered it because its
// ack timeout ran out. Named so that no Redis event can take the names.
inline constexpr std::string_view kEventDeadLetter = "xpolicy-deadletter";
inline constexpr std::string_view kEventRedeliver = "xpolicy-redeliver";

// dlq-reason values.
inline constexpr std::string_view kDlqReasonMaxDeliveries = "max-deliveries";
inline constexpr std::string_view kDlqReasonFatal = "fatal";
inline constexpr std::string_view kDlqReasonRetention = "retention";

// Appends an entry with a generated ID ("*") to the stream `key` of db `db`, creating the
// stream when missing; marks WATCH and offers the key to blocked readers. The XADD with the
// concrete ID is appended to `records` (when not null). nullopt when `key` holds another type
// (nothing changed).
std::optional<streams::StreamID> AppendToStream(ServerState& state, int db, std::string_view key,
                                                std::span<const std::string_view> field_values,
                                                int64_t now_ms, std::vector<Record>* records);

// Whether dead letters of `key` under `policy` can be appended: the dead-letter key is another
// key, holding a stream or nothing yet. What a plan may need to know of the keyspace; the
// lookup may expire the key, so ask only when a dead letter is at stake.
bool DeadLetterAccepted(const DeliveryContext& dc, std::string_view key,
                        const streams::DeliveryPolicy& policy);

// Moves pending entry `e` of group `g` (named `group`) of stream `key` to the dead-letter
// stream of `policy`: its fields (when still in the stream) and the metadata, then acks it,
// counting it in the group and the server. `e` is gone afterwards. When the dead-letter key
// holds another type or names the source itself, nothing moves: `e` only loses its due time
// (so the timer does not retry it forever) and false is returned.
bool DeadLetter(DeliveryContext& dc, std::string_view key, streams::Stream& s,
                std::string_view group, streams::ConsumerGroup& g,
                const streams::DeliveryPolicy& policy, streams::PendingEntry& e,
                std::string_view reason);

}  // namespace server
