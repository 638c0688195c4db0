// The conversions between Redis replies and Lua values that scripts see, as Redis documents
// them. A command's reply (RESP bytes our writer produced, RESP2 or, after redis.setresp(3),
// RESP3) becomes a Lua value for redis.call; a script's return value becomes the reply, in
// the calling client's protocol. Both directions are bounded in depth (a reply or table nested
// deeper than kMaxDepth is refused rather than overflowing the C stack).
#pragma once

#include <lua.hpp>

#include <string>
#include <string_view>

namespace resp {
class Writer;
}

namespace server::scripting {

// Set (true) on the error table redis.call / redis.pcall make from an error that was counted in
// the error statistics already; a script returning that table relays it without counting it
// again. Redis's name, visible to scripts as it is in Redis.
inline constexpr const char* kErrorCountedField = "ignore_error_stats_update";

// Whether the table at `index` carries kErrorCountedField.
bool ErrorAlreadyCounted(lua_State* L, int index);

inline constexpr int kMaxDepth = 1000;

// Pushes the one complete reply at the start of `reply` as a Lua value:
//   integer -> number, bulk -> string, null bulk/array -> false (RESP3 null -> nil),
//   status -> {ok=s}, error -> {err=s}, array -> table; RESP3 also: boolean -> boolean,
//   double -> {double=n}, big number -> {big_number=s}, verbatim -> {verbatim_string={format=,
//   string=}}, map -> {map={k=v}}, set -> {set={m=true}}.
// False (nothing pushed) when the bytes are not a well-formed reply.
bool PushReply(lua_State* L, std::string_view reply);

// Writes the Lua value at `index` as the script's reply in the writer's protocol:
//   number -> integer (truncated), string -> bulk, true -> 1 and false -> null (after
//   redis.setresp(3), `script_resp`: booleans, which RESP2 shows as 1 and 0), nil -> null, table with ok/err -> status/error, with map/set/double/
//   big_number/verbatim_string (RESP3 forms; RESP2 gets their flat equivalents), else an array
//   of the elements 1..n up to the first nil.
void WriteLuaValue(lua_State* L, int index, resp::Writer& out, int script_resp);

// A Lua number as Redis converts it to an integer reply: truncated toward zero, and what does
// not fit (or NaN) as INT64_MIN, which is what Redis's C cast yields on x86-64.
long long LuaNumberToInteger(lua_Number n);

}  // namespace server::scripting
