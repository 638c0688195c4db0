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

// One message's frame, [what, (pattern,) channel, message], as RESP2 (an array) or RESP3 (a
// push): formatted once per publish and copied to every subscriber of that protocol.
std::string Frame(int protocol, std::string_view what, const std::string* pattern,
                  std::string_view channel, std::string_view message) {
  std::string out;
  out.reserve(48 + channel.size() + message.size() + (pattern ? pattern->size() : 0));
  resp::Writer w(out, protocol);
  w.Push(pattern ? 4 : 3);
  w.Bulk(pattern ? "pmessage" : what);
  if (pattern) w.Bulk(*pattern);
  w.Bulk(channel);
  w.Bulk(message);
  return out;
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
  // The channel's frames, made on first use; a pattern's frame is made per delivery.
  std::string frames[2];
  auto deliver = [&](uint64_t client, const std::string* pattern) {
    if (state.outputs == nullptr) return;
    resp::Writer* w = state.outputs->OutputFor(client);
    if (w == nullptr) return;
    const int protocol = w->protocol() == 3 ? 3 : 2;
    if (pattern != nullptr) return w->Raw(Frame(protocol, what, pattern, channel, message));
    std::string& frame = frames[protocol - 2];
    if (frame.empty()) frame = Frame(protocol, what, nullptr, channel, message);
    w->Raw(frame);
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
