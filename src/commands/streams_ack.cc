// XACK XACKDEL XNACK: not written yet.
#include "src/commands/streams.h"

namespace server {

std::span<const CommandSpec> StreamAckRows() { return {}; }

}  // namespace server
