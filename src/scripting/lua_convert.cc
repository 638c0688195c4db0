#include "src/scripting/lua_convert.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "resp/writer.h"

namespace server::scripting {

namespace {

// Reads RESP frames off a string and pushes them as Lua values.
class ReplyReader {
 public:
  ReplyReader(lua_State* L, std::string_view in) : L_(L), in_(in) {}

  bool Push(int depth) {
    if (depth > kMaxDepth || pos_ >= in_.size()) return false;
    if (!lua_checkstack(L_, 4)) return false;
    const char type = in_[pos_++];
    std::string_view line;
    if (!Line(line)) return false;
    switch (type) {
      case ':': {
        lua_pushnumber(L_, static_cast<lua_Number>(std::strtoll(std::string(line).c_str(), nullptr, 10)));
        return true;
      }
      case '+':
        return PushField("ok", line);
      case '-':
        return PushField("err", line);
      case '$':
      case '=': {
        const long long len = Number(line);
        if (len < 0) {
          lua_pushboolean(L_, 0);
          return true;
        }
        std::string_view body;
        if (!Bulk(static_cast<size_t>(len), body)) return false;
        if (type == '$') {
          lua_pushlstring(L_, body.data(), body.size());
          return true;
        }
        // Verbatim: "txt:" then the text.
        lua_newtable(L_);
        lua_pushstring(L_, "verbatim_string");
        lua_newtable(L_);
        lua_pushstring(L_, "format");
        lua_pushlstring(L_, body.data(), std::min<size_t>(3, body.size()));
        lua_rawset(L_, -3);
        lua_pushstring(L_, "string");
        const std::string_view text = body.size() >= 4 ? body.substr(4) : std::string_view();
        lua_pushlstring(L_, text.data(), text.size());
        lua_rawset(L_, -3);
        lua_rawset(L_, -3);
        return true;
      }
      case '*':
      case '~':
      case '>': {
        const long long n = Number(line);
        if (n < 0) {
          lua_pushboolean(L_, 0);
          return true;
        }
        if (type == '~') return PushSet(n, depth);
        lua_createtable(L_, static_cast<int>(std::min<long long>(n, 1 << 16)), 0);
        for (long long i = 0; i < n; i++) {
          if (!Push(depth + 1)) return false;
          lua_rawseti(L_, -2, static_cast<int>(i + 1));
        }
        return true;
      }
      case '%':
        return PushMap(Number(line), depth);
      case '_':
        lua_pushnil(L_);
        return true;
      case '#':
        lua_pushboolean(L_, line == "t");
        return true;
      case ',': {
        lua_newtable(L_);
        lua_pushstring(L_, "double");
        const std::string text(line);
        lua_pushnumber(L_, text == "inf"    ? HUGE_VAL
                           : text == "-inf" ? -HUGE_VAL
                                            : std::strtod(text.c_str(), nullptr));
        lua_rawset(L_, -3);
        return true;
      }
      case '(':
        return PushField("big_number", line);
      case '|': {
        // An attribute: read and dropped, the reply follows it.
        // Pair by pair: 2 * n would overflow for a count near LLONG_MAX.
        const long long n = Number(line);
        for (long long i = 0; i < n; i++) {
          if (!Push(depth + 1) || !Push(depth + 1)) return false;
          lua_pop(L_, 2);
        }
        return Push(depth);
      }
      default:
        return false;
    }
  }

 private:
  bool Line(std::string_view& out) {
    const size_t end = in_.find("\r\n", pos_);
    if (end == std::string_view::npos) return false;
    out = in_.substr(pos_, end - pos_);
    pos_ = end + 2;
    return true;
  }
  bool Bulk(size_t len, std::string_view& out) {
    if (in_.size() - pos_ < len + 2) return false;
    out = in_.substr(pos_, len);
    pos_ += len + 2;
    return true;
  }
  static long long Number(std::string_view s) {
    return std::strtoll(std::string(s).c_str(), nullptr, 10);
  }
  bool PushField(const char* name, std::string_view value) {
    lua_newtable(L_);
    lua_pushstring(L_, name);
    lua_pushlstring(L_, value.data(), value.size());
    lua_rawset(L_, -3);
    return true;
  }
  bool PushMap(long long pairs, int depth) {
    lua_newtable(L_);
    lua_pushstring(L_, "map");
    lua_newtable(L_);
    for (long long i = 0; i < pairs; i++) {
      if (!Push(depth + 1) || !Push(depth + 1)) return false;
      // A null key cannot index a Lua table (rawset would raise an error from C++ code).
      if (lua_isnil(L_, -2)) return false;
      lua_rawset(L_, -3);
    }
    lua_rawset(L_, -3);
    return true;
  }
  bool PushSet(long long n, int depth) {
    lua_newtable(L_);
    lua_pushstring(L_, "set");
    lua_newtable(L_);
    for (long long i = 0; i < n; i++) {
      if (!Push(depth + 1)) return false;
      if (lua_isnil(L_, -1)) return false;  // as a map's key
      lua_pushboolean(L_, 1);
      lua_rawset(L_, -3);
    }
    lua_rawset(L_, -3);
    return true;
  }

  lua_State* L_;
  std::string_view in_;
  size_t pos_ = 0;
};

// `text` with CR and LF made spaces, for the reply types that end at a line break.
std::string OneLine(std::string text) {
  for (char& c : text) {
    if (c == '\r' || c == '\n') c = ' ';
  }
  return text;
}

}  // namespace

bool ErrorAlreadyCounted(lua_State* L, int index) {
  if (index < 0) index = lua_gettop(L) + index + 1;
  lua_pushstring(L, kErrorCountedField);
  lua_rawget(L, index);
  const bool counted = lua_toboolean(L, -1) != 0;
  lua_pop(L, 1);
  return counted;
}

namespace {

// The string field `name` of the table at `index`, if it is one.
bool StringField(lua_State* L, int index, const char* name, std::string& out) {
  lua_pushstring(L, name);
  lua_rawget(L, index);
  const bool is = lua_type(L, -1) == LUA_TSTRING;
  if (is) {
    size_t len;
    const char* s = lua_tolstring(L, -1, &len);
    out.assign(s, len);
  }
  lua_pop(L, 1);
  return is;
}

// Pushes field `name` of the table at `index`; true when it is of `type`.
bool FieldOfType(lua_State* L, int index, const char* name, int type) {
  lua_pushstring(L, name);
  lua_rawget(L, index);
  if (lua_type(L, -1) == type) return true;
  lua_pop(L, 1);
  return false;
}

void WriteValue(lua_State* L, int index, resp::Writer& out, int depth, int script_resp);

void WriteTable(lua_State* L, int index, resp::Writer& out, int depth, int script_resp) {
  std::string text;
  if (StringField(L, index, "err", text)) {
    return ErrorAlreadyCounted(L, index) ? out.RelayedError(text) : out.Error(text);
  }
  if (StringField(L, index, "ok", text)) {
    // A status is one line: Redis reads it as a C string (up to a NUL) and turns CR and LF
    // into spaces, so a script cannot break the reply stream.
    text.resize(std::min(text.size(), text.find('\0')));
    return out.Simple(OneLine(std::move(text)));
  }
  if (FieldOfType(L, index, "double", LUA_TNUMBER)) {
    out.Double(lua_tonumber(L, -1));
    lua_pop(L, 1);
    return;
  }
  if (StringField(L, index, "big_number", text)) return out.BigNumber(OneLine(std::move(text)));
  if (FieldOfType(L, index, "verbatim_string", LUA_TTABLE)) {
    const int v = lua_gettop(L);
    std::string format, body;
    if (StringField(L, v, "format", format) && StringField(L, v, "string", body)) {
      lua_pop(L, 1);
      return out.Verbatim(body, format);
    }
    lua_pop(L, 1);
  }
  if (FieldOfType(L, index, "map", LUA_TTABLE)) {
    const int m = lua_gettop(L);
    size_t pairs = 0;
    lua_pushnil(L);
    while (lua_next(L, m) != 0) {
      pairs++;
      lua_pop(L, 1);
    }
    out.Map(pairs);
    lua_pushnil(L);
    while (lua_next(L, m) != 0) {
      WriteValue(L, -2, out, depth + 1, script_resp);
      WriteValue(L, -1, out, depth + 1, script_resp);
      lua_pop(L, 1);
    }
    lua_pop(L, 1);
    return;
  }
  if (FieldOfType(L, index, "set", LUA_TTABLE)) {
    const int s = lua_gettop(L);
    size_t n = 0;
    lua_pushnil(L);
    while (lua_next(L, s) != 0) {
      n++;
      lua_pop(L, 1);
    }
    out.Set(n);
    lua_pushnil(L);
    while (lua_next(L, s) != 0) {
      WriteValue(L, -2, out, depth + 1, script_resp);
      lua_pop(L, 1);
    }
    lua_pop(L, 1);
    return;
  }
  // An array: elements 1..n up to the first nil.
  size_t n = 0;
  while (true) {
    lua_rawgeti(L, index, static_cast<int>(n + 1));
    const bool present = !lua_isnil(L, -1);
    lua_pop(L, 1);
    if (!present) break;
    n++;
  }
  out.Array(n);
  for (size_t i = 1; i <= n; i++) {
    lua_rawgeti(L, index, static_cast<int>(i));
    WriteValue(L, -1, out, depth + 1, script_resp);
    lua_pop(L, 1);
  }
}

void WriteValue(lua_State* L, int index, resp::Writer& out, int depth, int script_resp) {
  if (index < 0) index = lua_gettop(L) + index + 1;
  if (depth > kMaxDepth || !lua_checkstack(L, 4)) {
    return out.Error("ERR reached lua stack limit");
  }
  switch (lua_type(L, index)) {
    case LUA_TSTRING: {
      size_t len;
      const char* s = lua_tolstring(L, index, &len);
      return out.Bulk(std::string_view(s, len));
    }
    case LUA_TBOOLEAN:
      // After redis.setresp(3) a boolean is one (RESP2 shows it as 1 or 0); before, as RESP2.
      if (script_resp >= 3) return out.Bool(lua_toboolean(L, index) != 0);
      if (lua_toboolean(L, index)) return out.Integer(1);
      return out.Null();
    case LUA_TNUMBER:
      return out.Integer(LuaNumberToInteger(lua_tonumber(L, index)));
    case LUA_TTABLE:
      return WriteTable(L, index, out, depth, script_resp);
    default:
      return out.Null();
  }
}

}  // namespace

bool PushReply(lua_State* L, std::string_view reply) {
  const int top = lua_gettop(L);
  ReplyReader reader(L, reply);
  if (reader.Push(0)) return true;
  lua_settop(L, top);
  return false;
}

void WriteLuaValue(lua_State* L, int index, resp::Writer& out, int script_resp) {
  WriteValue(L, index, out, 0, script_resp);
}

long long LuaNumberToInteger(lua_Number n) {
  if (std::isnan(n) || n >= 9223372036854775808.0 || n < -9223372036854775808.0) {
    return INT64_MIN;
  }
  return static_cast<long long>(n);
}

}  // namespace server::scripting
