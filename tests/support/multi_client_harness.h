// Several clients on one in-process ServerState, for unit tests of what commands write to
// other connections (pub/sub messages, client-side caching invalidations): a recording
// ClientOutputs keeps each client's connection bytes, in that client's protocol.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "resp/writer.h"
#include "src/dispatch.h"
#include "src/server_state.h"
#include "tests/support/command_harness.h"

namespace testing_support {

// Writes each client's out-of-band output into its own buffer, in that client's protocol.
struct RecordingOutputs : server::ClientOutputs {
  std::map<uint64_t, server::Client*>* clients = nullptr;
  std::map<uint64_t, std::string> out;
  std::map<uint64_t, std::unique_ptr<resp::Writer>> writers;
  std::map<uint64_t, int> flushes;
  resp::Writer* OutputFor(uint64_t id) override {
    flushes[id]++;
    auto c = clients->find(id);
    if (c == clients->end()) return nullptr;
    auto& w = writers[id];
    if (!w) w = std::make_unique<resp::Writer>(out[id], c->second->protocol);
    w->set_protocol(c->second->protocol);
    return w.get();
  }
  std::string Take(uint64_t id) { return std::exchange(out[id], std::string()); }
};

struct MultiClientHarness : CommandHarness {
  RecordingOutputs outputs;
  std::vector<std::unique_ptr<server::Client>> others;
  MultiClientHarness() {
    outputs.clients = &state.clients;
    state.outputs = &outputs;
  }
  // Another connected client (ids 2, 3...).
  server::Client& NewClient() {
    others.push_back(std::make_unique<server::Client>());
    server::Client& c = *others.back();
    c.id = 2 + others.size() - 1;
    state.clients[c.id] = &c;
    return c;
  }
  // The command's reply alone (what else reaches `c` stays in outputs).
  std::string RunAs(server::Client& c, std::vector<std::string> args) {
    std::vector<std::string_view> argv(args.begin(), args.end());
    std::string reply;
    resp::Writer w(reply, c.protocol);
    server::Dispatch(state, c, argv, w);
    return reply;
  }
  // The command run as the connection would: its reply goes into `c`'s stream with everything
  // else written to it, and the whole stream since the last Take comes back, in order.
  std::string Session(server::Client& c, std::vector<std::string> args) {
    std::vector<std::string_view> argv(args.begin(), args.end());
    resp::Writer* w = outputs.OutputFor(c.id);
    server::Dispatch(state, c, argv, *w);
    return outputs.Take(c.id);
  }
  // A client that has gone, cleaned up as the server does when its connection closes.
  void Disconnect(server::Client& c) {
    state.pubsub.RemoveClient(c.id);
    server::DisableTracking(state, c);
    state.clients.erase(c.id);
  }
};

}  // namespace testing_support
