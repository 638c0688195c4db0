#include "src/tracking.h"

#include <algorithm>

#include "resp/writer.h"
#include "src/errors.h"
#include "src/server_state.h"

namespace server {

namespace {

constexpr std::string_view kInvalidateChannel = "__redis__:invalidate";

Client* FindClient(ServerState& state, uint64_t id) {
  auto it = state.clients.find(id);
  return it == state.clients.end() ? nullptr : it->second;
}

// Writes `frame` to the client's connection, or keeps it for after the running command when
// that command is the client's own.
void Send(ServerState& state, uint64_t target, std::string frame) {
  if (target == state.executing_client) {
    state.tracking.deferred.emplace_back(target, std::move(frame));
    return;
  }
  if (state.outputs == nullptr) return;
  if (resp::Writer* w = state.outputs->OutputFor(target)) w->Raw(frame);
}

// Tells `client` (through its redirect target, if it has one) to drop `keys`; null keys: drop
// everything. Nothing goes to a RESP2 client that is not a redirect target in subscribed mode.
void Deliver(ServerState& state, Client& client, const std::span<const std::string_view>* keys) {
  Client* target = &client;
  const bool redirected = client.tracking.redirect != 0;
  if (redirected) {
    target = FindClient(state, client.tracking.redirect);
    if (target == nullptr) {
      client.tracking.broken_redirect = true;
      if (client.protocol < 3) return;
      std::string frame;
      resp::Writer w(frame, client.protocol);
      w.Push(2);
      w.Bulk("tracking-redir-broken");
      w.Integer(static_cast<int64_t>(client.tracking.redirect));
      return Send(state, client.id, std::move(frame));
    }
  }
  std::string frame;
  resp::Writer w(frame, target->protocol);
  if (target->protocol >= 3) {
    w.Push(2);
    w.Bulk("invalidate");
  } else if (redirected && target->subscriptions > 0) {
    w.Push(3);
    w.Bulk("message");
    w.Bulk(kInvalidateChannel);
  } else {
    return;
  }
  if (keys == nullptr) {
    w.Null();
  } else {
    w.Array(keys->size());
    for (std::string_view k : *keys) w.Bulk(k);
  }
  Send(state, target->id, std::move(frame));
}

void InvalidateKey(ServerState& state, std::string_view key) {
  state.tracking.table.Invalidate(key, [&](uint64_t id) {
    Client* c = FindClient(state, id);
    // Gone, or stopped tracking (or restarted in BCAST) since it read the key.
    if (c == nullptr || !c->tracking.on || c->tracking.bcast) return;
    if (c->tracking.noloop && id == state.executing_client) return;
    const std::string_view one[] = {key};
    const std::span<const std::string_view> keys(one);
    Deliver(state, *c, &keys);
  });
}

bool Overlap(std::string_view a, std::string_view b) {
  return a.starts_with(b) || b.starts_with(a);
}

}  // namespace

std::string TrackingConflict(const Client& client, const TrackingOptions& opts) {
  const ClientTracking& t = client.tracking;
  if (!opts.bcast && !opts.prefixes.empty()) return std::string(err::kTrackingPrefixNeedsBcast);
  if (t.on && t.bcast != opts.bcast) return std::string(err::kTrackingBcastSwitch);
  if (opts.bcast && (opts.optin || opts.optout)) return std::string(err::kTrackingOptBcast);
  if (opts.optin && opts.optout) return std::string(err::kTrackingOptInAndOut);
  if ((opts.optin && t.optout) || (opts.optout && t.optin)) {
    return std::string(err::kTrackingOptSwitch);
  }
  if (opts.bcast) {
    for (size_t i = 0; i < opts.prefixes.size(); i++) {
      for (const std::string& have : t.prefixes) {
        if (Overlap(opts.prefixes[i], have)) {
          return err::TrackingPrefixOverlap(opts.prefixes[i], have, true);
        }
      }
      for (size_t j = i + 1; j < opts.prefixes.size(); j++) {
        if (Overlap(opts.prefixes[i], opts.prefixes[j])) {
          return err::TrackingPrefixOverlap(opts.prefixes[i], opts.prefixes[j], false);
        }
      }
    }
  }
  return {};
}

void EnableTracking(ServerState& state, Client& client, const TrackingOptions& opts) {
  ClientTracking& t = client.tracking;
  if (!t.on) state.tracking.clients++;
  t.on = true;
  t.broken_redirect = false;
  t.bcast = opts.bcast;
  t.optin = opts.optin;
  t.optout = opts.optout;
  t.noloop = opts.noloop;
  t.redirect = opts.redirect;
  if (!opts.bcast) return;
  auto follow = [&](std::string_view prefix) {
    state.tracking.table.Follow(prefix, client.id);
    auto at = std::lower_bound(t.prefixes.begin(), t.prefixes.end(), prefix);
    if (at == t.prefixes.end() || *at != prefix) t.prefixes.insert(at, std::string(prefix));
  };
  if (opts.prefixes.empty()) follow("");
  for (std::string_view p : opts.prefixes) follow(p);
}

void DisableTracking(ServerState& state, Client& client) {
  if (!client.tracking.on) return;
  for (const std::string& p : client.tracking.prefixes) {
    state.tracking.table.Unfollow(p, client.id);
  }
  client.tracking = ClientTracking{};
  state.tracking.clients--;
}

void TrackingRememberKeys(ServerState& state, Client& client,
                          std::span<const std::string_view> keys) {
  const ClientTracking& t = client.tracking;
  if (!t.on || t.bcast) return;
  if (t.optin && !t.caching) return;
  if (t.optout && t.caching) return;
  TrackingTable& table = state.tracking.table;
  for (std::string_view k : keys) table.Remember(k, client.id);
  const int64_t max = state.config.tracking_table_max_keys;
  std::string victim;
  while (max > 0 && table.keys() > static_cast<size_t>(max) && table.RandomKey(victim)) {
    InvalidateKey(state, victim);
  }
}

void TrackingKeyModified(ServerState& state, std::string_view key) {
  TrackingTable& table = state.tracking.table;
  if (table.keys() > 0) InvalidateKey(state, key);
  if (table.has_prefixes()) table.NoteChanged(key, state.executing_client);
}

void TrackingInvalidateAll(ServerState& state) {
  if (state.tracking.clients > 0) {
    for (const auto& [id, c] : state.clients) {
      if (c->tracking.on) Deliver(state, *c, nullptr);
    }
  }
  state.tracking.table.ClearKeys();
}

void TrackingBroadcast(ServerState& state) {
  std::vector<std::string_view> keys;
  state.tracking.table.TakeChanged([&](std::span<const uint64_t> clients,
                                       std::span<const TrackingTable::Changed> changed) {
    for (uint64_t id : clients) {
      Client* c = FindClient(state, id);
      if (c == nullptr || !c->tracking.on || !c->tracking.bcast) continue;
      keys.clear();
      for (const auto& ch : changed) {
        if (c->tracking.noloop && ch.by == id) continue;
        keys.push_back(ch.key);
      }
      if (keys.empty()) continue;
      const std::span<const std::string_view> view(keys);
      Deliver(state, *c, &view);
    }
  });
}

void TrackingSendDeferred(ServerState& state) {
  auto pending = std::move(state.tracking.deferred);
  state.tracking.deferred.clear();
  if (state.outputs == nullptr) return;
  for (auto& [id, frame] : pending) {
    if (resp::Writer* w = state.outputs->OutputFor(id)) w->Raw(frame);
  }
}

}  // namespace server
