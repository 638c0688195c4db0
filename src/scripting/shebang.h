// The first line of a script or a function library, as Redis 7 reads it: "#!lua flags=..." on
// an EVAL script (its flags, or compatibility mode when there is no shebang), and
// "#!lua name=<library>" on FUNCTION LOAD's code. Pure parsing with Redis's error texts; the
// flag names are shared with redis.register_function's `flags`.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "src/result.h"

namespace server::scripting {

enum ScriptFlag : uint32_t {
  kFlagNoWrites = 1u << 0,
  kFlagAllowOom = 1u << 1,
  kFlagAllowStale = 1u << 2,
  kFlagNoCluster = 1u << 3,
  kFlagAllowCrossSlot = 1u << 4,
};

// The flag a name stands for ("no-writes", "allow-oom", ...), or 0 for an unknown name.
uint32_t ScriptFlagByName(std::string_view name);
// Every flag set in `flags`, in Redis's order, for FUNCTION LIST.
std::string_view ScriptFlagName(uint32_t flag);
inline constexpr uint32_t kAllScriptFlags[] = {kFlagNoWrites, kFlagAllowOom, kFlagAllowStale,
                                               kFlagNoCluster, kFlagAllowCrossSlot};

struct EvalShebang {
  bool present = false;  // false: compatibility mode (no shebang), which ignores flags
  uint32_t flags = 0;
};

// The shebang of an EVAL script, if it starts with "#!".
Result<EvalShebang> ParseEvalShebang(std::string_view body);

// FUNCTION LOAD's metadata line: the library's name (the engine is always Lua).
Result<std::string> ParseLibraryShebang(std::string_view code);

// Whether `name` may name a library or a function: letters, digits and underscores, not empty.
bool ValidLibraryName(std::string_view name);

// The code as Lua compiles it: the shebang line becomes a comment of the same length, so line
// numbers in errors count it as line 1, as Redis's do.
std::string WithoutShebang(std::string_view code);

}  // namespace server::scripting
