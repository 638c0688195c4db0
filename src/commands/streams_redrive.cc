// XREDRIVE (Runnel's): moves dead letters back to their source streams. Stub until it lands.
#include "src/commands/streams.h"

namespace server {

std::span<const CommandSpec> StreamRedriveRows() { return {}; }

}  // namespace server
