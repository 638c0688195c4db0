// A command harness that listens to keyspace notifications: notify-keyspace-events is set to
// the classes asked for (plus E), a second client subscribes to __keyevent@*__:* and each
// message it gets is kept as "event key", in order. For tests of which events a command raises.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "tests/support/command_harness.h"

namespace testing_support {

// Writes the subscriber's messages into one RESP2 buffer.
struct FamilyEventOutputs : server::ClientOutputs {
  uint64_t subscriber = 0;
  std::string out;
  std::unique_ptr<resp::Writer> writer;
  resp::Writer* OutputFor(uint64_t id) override {
    if (id != subscriber) return nullptr;
    if (!writer) writer = std::make_unique<resp::Writer>(out, 2);
    return writer.get();
  }
};

struct FamilyEventHarness : CommandHarness {
  FamilyEventOutputs outputs;
  server::Client subscriber;

  explicit FamilyEventHarness(std::string classes = "A") {
    subscriber.id = 2;
    state.clients[subscriber.id] = &subscriber;
    outputs.subscriber = subscriber.id;
    state.outputs = &outputs;
    Run({"CONFIG", "SET", "notify-keyspace-events", "E" + classes});
    std::vector<std::string> sub{"PSUBSCRIBE", "__keyevent@*__:*"};
    std::vector<std::string_view> argv(sub.begin(), sub.end());
    std::string reply;
    resp::Writer w(reply, 2);
    server::Dispatch(state, subscriber, argv, w);
  }

  // Runs `args` and returns the events it raised, each as "event key".
  std::vector<std::string> Events(std::vector<std::string> args) {
    outputs.out.clear();
    Run(std::move(args));
    return Take();
  }

  // The events raised since the last call, each as "event key" (from pmessage frames:
  // *4 $8 pmessage $ pattern $ channel $ message).
  std::vector<std::string> Take() {
    std::vector<std::string> events;
    std::string_view s = outputs.out;
    auto bulk = [&s]() {
      const size_t nl = s.find("\r\n");
      const size_t len = std::stoul(std::string(s.substr(1, nl - 1)));
      std::string_view v = s.substr(nl + 2, len);
      s.remove_prefix(nl + 2 + len + 2);
      return v;
    };
    while (!s.empty()) {
      s.remove_prefix(s.find("\r\n") + 2);  // *4
      bulk();                               // pmessage
      bulk();                               // the pattern
      std::string_view channel = bulk();
      std::string_view key = bulk();
      std::string event(channel.substr(channel.find(':') + 1));
      events.push_back(event + " " + std::string(key));
    }
    outputs.out.clear();
    return events;
  }
};

}  // namespace testing_support
