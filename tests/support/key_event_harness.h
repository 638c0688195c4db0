// A harness whose second client is subscribed to __keyevent@*__:* with the given
// notify-keyspace-events classes: Events() returns what it received since the last call, one
// "<event> <key>" per message in order, with " @<db>" appended when the db is not 0.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "tests/support/command_harness.h"

namespace testing_support {

// Collects what the server writes to the subscriber's connection.
struct KeyEventOutputs : server::ClientOutputs {
  uint64_t subscriber = 0;
  server::Client* client = nullptr;
  std::string out;
  std::unique_ptr<resp::Writer> writer;
  resp::Writer* OutputFor(uint64_t id) override {
    if (id != subscriber) return nullptr;
    if (!writer) writer = std::make_unique<resp::Writer>(out, client->protocol);
    return writer.get();
  }
};

struct KeyEventHarness : CommandHarness {
  KeyEventOutputs outputs;
  server::Client sub;
  explicit KeyEventHarness(const std::string& classes = "EA") {
    sub.id = 2;
    state.clients[sub.id] = &sub;
    outputs.subscriber = sub.id;
    outputs.client = &sub;
    state.outputs = &outputs;
    std::vector<std::string_view> argv{"PSUBSCRIBE", "__keyevent@*__:*"};
    std::string reply;
    resp::Writer w(reply, sub.protocol);
    server::Dispatch(state, sub, argv, w);
    Run({"CONFIG", "SET", "notify-keyspace-events", classes});
  }
  // The events delivered since the last call, oldest first.
  std::vector<std::string> Events() {
    // Each pmessage is *4, then $-prefixed pattern, channel and message lines.
    std::vector<std::string> lines;
    size_t pos = 0;
    const std::string text = std::exchange(outputs.out, std::string());
    while (pos < text.size()) {
      const size_t end = text.find("\r\n", pos);
      lines.push_back(text.substr(pos, end - pos));
      pos = end + 2;
    }
    std::vector<std::string> events;
    for (size_t i = 0; i + 9 <= lines.size(); i += 9) {
      const std::string& channel = lines[i + 6];  // __keyevent@<db>__:<event>
      const size_t at = channel.find('@');
      const size_t colon = channel.find("__:");
      const std::string db = channel.substr(at + 1, colon - at - 1);
      events.push_back(channel.substr(colon + 3) + " " + lines[i + 8] +
                       (db == "0" ? "" : " @" + db));
    }
    return events;
  }
};

using KeyEvents = std::vector<std::string>;

}  // namespace testing_support
