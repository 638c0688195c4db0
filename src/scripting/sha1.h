// SHA-1 (FIPS 180-4) of a byte string, as lower-case hex: the name a script is cached under
// (EVALSHA, SCRIPT LOAD) and redis.sha1hex. Not used for anything that needs a secure hash.
#pragma once

#include <string>
#include <string_view>

namespace server::scripting {

std::string Sha1Hex(std::string_view data);

}  // namespace server::scripting
