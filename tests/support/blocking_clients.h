// Several clients on one in-process harness, each with its own reply buffer, for unit tests of
// blocking commands: a client blocks (Run), another writes, Serve() wakes what is ready, and
// Take() returns what a client was sent since the last Take.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "resp/writer.h"
#include "src/blocking.h"
#include "tests/support/command_harness.h"

namespace testing_support {

struct BlockingClients {
  CommandHarness h;
  std::map<uint64_t, std::unique_ptr<server::Client>> clients;
  std::map<uint64_t, std::string> out;
  std::map<uint64_t, std::unique_ptr<resp::Writer>> writers;

  // Clients with ids 10 to 13.
  BlockingClients() {
    for (uint64_t id = 10; id < 14; id++) {
      auto c = std::make_unique<server::Client>();
      c->id = id;
      h.state.clients[id] = c.get();
      writers[id] = std::make_unique<resp::Writer>(out[id], 2);
      clients[id] = std::move(c);
    }
  }
  void Run(uint64_t id, std::vector<std::string> args) {
    std::vector<std::string_view> argv(args.begin(), args.end());
    server::Dispatch(h.state, *clients.at(id), argv, *writers.at(id));
  }
  server::BlockingRegistry::WriterFor Writers() {
    return [this](uint64_t id) -> resp::Writer* {
      auto it = writers.find(id);
      return it == writers.end() ? nullptr : it->second.get();
    };
  }
  std::vector<uint64_t> Serve() {
    return h.state.blocking.ServeReadyKeys(h.state, server::WakeTime::Now(), Writers());
  }
  std::string Take(uint64_t id) {
    std::string s;
    s.swap(out[id]);
    return s;
  }
};

}  // namespace testing_support
