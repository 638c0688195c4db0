// What a step of the delivery engine that may run the policy works in: the server, the db, the
// time it acts at (given by the caller: the engine reads no clock), and where its AOF records
// go. A step never replies; the records say exactly what it changed.
#pragma once

#include <cstdint>
#include <vector>

#include "src/delivery/records.h"

namespace server {

struct ServerState;

// What a site that may run the policy needs besides the stream and its group.
struct DeliveryContext {
  ServerState& state;
  int db;
  int64_t now_ms;
  std::vector<Record>* records;  // where AOF records go; null when nothing is recorded
};

}  // namespace server
