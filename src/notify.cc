#include "src/notify.h"

#include "resp/writer.h"
#include "src/server_state.h"

namespace server {

namespace {

struct ClassLetter {
  char letter;
  uint32_t flag;
};
// The letters Redis accepts, in the order CONFIG GET spells them (after "A" or the A classes).
constexpr ClassLetter kTypeLetters[] = {
    {'g', kNotifyGeneric}, {'$', kNotifyString}, {'l', kNotifyList},    {'s', kNotifySet},
    {'h', kNotifyHash},    {'z', kNotifyZSet},   {'x', kNotifyExpired}, {'e', kNotifyEvicted},
    {'t', kNotifyStream},  {'d', kNotifyModule},
};
constexpr ClassLetter kOtherLetters[] = {
    {'K', kNotifyKeyspace}, {'E', kNotifyKeyevent},    {'m', kNotifyKeyMiss},
    {'n', kNotifyNew},      {'o', kNotifyOverwritten}, {'c', kNotifyTypeChanged},
};

// Writes [message|pmessage|smessage, (pattern,) channel, message] to one subscriber.
void Deliver(ServerState& state, uint64_t client, std::string_view what,
             const std::string* pattern, std::string_view channel, std::string_view message) {
  resp::Writer* w = state.outputs->WriterFor(client);
  if (w == nullptr) return;
  if (pattern != nullptr) {
    w->Push(4);
    w->Bulk("pmessage");
    w->Bulk(*pattern);
  } else {
    w->Push(3);
    w->Bulk(what);
  }
  w->Bulk(channel);
  w->Bulk(message);
  state.outputs->RequestFlush(client);
}

}  // namespace

std::optional<uint32_t> ParseNotifyClasses(std::string_view classes) {
  uint32_t flags = 0;
  for (char c : classes) {
    if (c == 'A') {
      flags |= kNotifyAll;
      continue;
    }
    bool known = false;
    for (const auto& l : kTypeLetters) {
      if (l.letter == c) flags |= l.flag, known = true;
    }
    for (const auto& l : kOtherLetters) {
      if (l.letter == c) flags |= l.flag, known = true;
    }
    if (!known) return std::nullopt;
  }
  return flags;
}

std::string NotifyClassesString(uint32_t flags) {
  std::string out;
  if ((flags & kNotifyAll) == kNotifyAll) {
    out += 'A';
  } else {
    for (const auto& l : kTypeLetters) {
      if (flags & l.flag) out += l.letter;
    }
  }
  for (const auto& l : kOtherLetters) {
    if (flags & l.flag) out += l.letter;
  }
  return out;
}

size_t PublishMessage(ServerState& state, PubSub::Kind kind, std::string_view channel,
                      std::string_view message) {
  const std::string_view what = kind == PubSub::Kind::kShard ? "smessage" : "message";
  auto deliver = [&](uint64_t client, const std::string* pattern) {
    if (state.outputs != nullptr) Deliver(state, client, what, pattern, channel, message);
  };
  return kind == PubSub::Kind::kShard ? state.pubsub.ShardPublish(channel, deliver)
                                      : state.pubsub.Publish(channel, deliver);
}

void NotifyKeyspaceEvent(ServerState& state, uint32_t type, std::string_view event,
                         std::string_view key, int db) {
  const uint32_t flags = state.config.notify_keyspace_events;
  if ((flags & type) == 0) return;
  const std::string prefix = "@" + std::to_string(db) + "__:";
  if (flags & kNotifyKeyspace) {
    std::string channel = "__keyspace" + prefix;
    channel.append(key);
    PublishMessage(state, PubSub::Kind::kChannel, channel, event);
  }
  if (flags & kNotifyKeyevent) {
    std::string channel = "__keyevent" + prefix;
    channel.append(event);
    PublishMessage(state, PubSub::Kind::kChannel, channel, key);
  }
}

}  // namespace server
