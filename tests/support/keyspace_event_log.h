// The keyspace notifications a harness's commands publish, in order, for unit tests of the
// families' events: a subscriber client on __keyevent@*__:* (notify-keyspace-events as asked,
// KEA by default) whose pushed pmessages are decoded into "event key" strings, with " @<db>"
// after the key for a db other than 0. Install it after the harness's state exists; it becomes
// the state's ClientOutputs. KeyEventHarness is a CommandHarness with one built in.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "resp/writer.h"
#include "src/dispatch.h"
#include "src/server_state.h"
#include "tests/support/command_harness.h"

namespace testing_support {

class KeyspaceEventLog : public server::ClientOutputs {
 public:
  explicit KeyspaceEventLog(server::ServerState& state, const std::string& classes = "KEA",
                            uint64_t subscriber_id = 99)
      : state_(state), writer_(out_, 2) {
    sub_.id = subscriber_id;
    state_.clients[sub_.id] = &sub_;
    state_.outputs = this;
    Send({"CONFIG", "SET", "notify-keyspace-events", classes});
    Send({"PSUBSCRIBE", "__keyevent@*__:*"});
    out_.clear();
  }
  KeyspaceEventLog(const KeyspaceEventLog&) = delete;
  KeyspaceEventLog& operator=(const KeyspaceEventLog&) = delete;
  ~KeyspaceEventLog() {
    state_.clients.erase(sub_.id);
    state_.outputs = nullptr;
  }

  resp::Writer* OutputFor(uint64_t client_id) override {
    return client_id == sub_.id ? &writer_ : nullptr;
  }

  // "event key" for each notification since the last Take, oldest first.
  std::vector<std::string> Take() {
    std::vector<std::string> events;
    size_t at = 0;
    // Each message: *4 pmessage <pattern> __keyevent@<db>__:<event> <key>, all bulk strings.
    while (at < out_.size()) {
      at = out_.find("\r\n", at) + 2;  // "*4"
      std::string_view parts[4];
      for (std::string_view& part : parts) {
        const size_t len_end = out_.find("\r\n", at);
        const size_t len = std::stoul(out_.substr(at + 1, len_end - at - 1));
        part = std::string_view(out_).substr(len_end + 2, len);
        at = len_end + 2 + len + 2;
      }
      const std::string_view channel = parts[2];  // __keyevent@<db>__:<event>
      const size_t db_at = channel.find('@') + 1;
      const std::string_view db = channel.substr(db_at, channel.find("__:") - db_at);
      events.push_back(std::string(channel.substr(channel.find(':') + 1)) + " " +
                       std::string(parts[3]) + (db == "0" ? "" : " @" + std::string(db)));
    }
    out_.clear();
    return events;
  }

 private:
  void Send(std::vector<std::string> args) {
    std::vector<std::string_view> argv(args.begin(), args.end());
    std::string reply;
    resp::Writer w(reply, 2);
    server::Dispatch(state_, sub_, argv, w);
  }

  server::ServerState& state_;
  server::Client sub_;
  std::string out_;
  resp::Writer writer_;
};

// A command harness whose events are logged (classes as notify-keyspace-events takes them).
struct KeyEventHarness : CommandHarness {
  KeyspaceEventLog log;
  explicit KeyEventHarness(const std::string& classes = "EA") : log(state, classes) {}
  // The events raised since the last call.
  std::vector<std::string> Events() { return log.Take(); }
  // Runs `args` and returns the events it raised.
  std::vector<std::string> Events(std::vector<std::string> args) {
    log.Take();
    Run(std::move(args));
    return log.Take();
  }
};

using KeyEvents = std::vector<std::string>;

}  // namespace testing_support
