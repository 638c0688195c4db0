// The server's side of the append-only file: not written yet, so writes are dropped.
#include "src/server.h"

namespace server {

bool Server::OpenAof() { return true; }

void Server::FeedAof() { state_.propagation.Take(); }

void Server::CloseAof() {}

}  // namespace server
