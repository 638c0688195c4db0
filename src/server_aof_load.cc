// Replaying the append-only file at start-up, before the port opens (src/aof_loader.h does
// the work; this is the server's hook).
#include "src/aof_loader.h"
#include "src/server.h"

namespace server {

bool Server::LoadAof() { return LoadAofAtStartup(state_); }

}  // namespace server
