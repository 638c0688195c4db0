// Replaying the append-only file at start-up: not written yet.
#include "src/server.h"

namespace server {

bool Server::LoadAof() { return true; }

}  // namespace server
