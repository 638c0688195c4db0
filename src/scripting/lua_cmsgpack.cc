#include "src/scripting/lua_cmsgpack.h"

#include <cfloat>
#include <cmath>
#include <cstdint>
#include <cstring>

namespace server::scripting {
// Named so that the unity build can hold both Lua libraries in one TU.
namespace cmsgpack_lib {
namespace {

// A table nested this deep (the packed values themselves being depth 0) packs as nil, as in
// Redis: this also ends self-referencing tables.
constexpr int kMaxPackDepth = 16;

// Redis's texts, observed on 7.0. The stack texts are prefixed "stack overflow (...)" by Lua.
constexpr char kMissingBytes[] = "Missing bytes in input.";
constexpr char kBadFormat[] = "Bad data format in input.";
constexpr char kTooManyValues[] =
    "too many return values at once; use unpack_one or unpack_limit instead.";
constexpr char kArrayTooDeep[] = "in function mp_decode_to_lua_array";
// Redis reports nested maps running out of stack with the top-level text; so do we.
constexpr const char* kMapTooDeep = kTooManyValues;
constexpr char kNoRoomForOffset[] = "in function mp_unpack_full";

// --- pack ---------------------------------------------------------------------------------

// The encoding being built. Its bytes live in a Lua userdata at a fixed stack slot, replaced by
// a bigger one as it grows, so a Lua error thrown midway (a longjmp) leaks nothing; this class
// itself holds only plain pointers.
class PackBuffer {
 public:
  PackBuffer(lua_State* L, int slot) : L_(L), slot_(slot) {
    data_ = static_cast<unsigned char*>(lua_newuserdata(L, kInitialCapacity));
    lua_replace(L, slot);
  }

  void Byte(uint8_t b) {
    Reserve(1);
    data_[len_++] = b;
  }
  // `bytes` bytes of v, most significant first (MessagePack is big-endian).
  void BigEndian(uint64_t v, int bytes) {
    Reserve(bytes);
    for (int i = bytes - 1; i >= 0; --i) data_[len_++] = static_cast<unsigned char>(v >> (8 * i));
  }
  void Append(const char* bytes, size_t n) {
    Reserve(n);
    std::memcpy(data_ + len_, bytes, n);
    len_ += n;
  }
  void PushResult() { lua_pushlstring(L_, reinterpret_cast<const char*>(data_), len_); }

 private:
  static constexpr size_t kInitialCapacity = 64;

  // Needs one free stack slot (for the new userdata), which every caller has checked for.
  void Reserve(size_t n) {
    if (cap_ - len_ >= n) return;
    size_t cap = cap_ * 2;
    while (cap - len_ < n) cap *= 2;
    auto* bigger = static_cast<unsigned char*>(lua_newuserdata(L_, cap));
    std::memcpy(bigger, data_, len_);
    lua_replace(L_, slot_);
    data_ = bigger;
    cap_ = cap;
  }

  lua_State* L_;
  int slot_;
  unsigned char* data_ = nullptr;
  size_t len_ = 0;
  size_t cap_ = kInitialCapacity;
};

// Smallest form: positive fixint, uint 8/16/32/64 for the rest of the non-negative numbers,
// negative fixint, int 8/16/32/64 for the negative ones.
void PackInteger(PackBuffer& out, int64_t v) {
  if (v >= 0) {
    auto u = static_cast<uint64_t>(v);
    if (u <= 0x7f) {
      out.Byte(static_cast<uint8_t>(u));
    } else if (u <= 0xff) {
      out.Byte(0xcc);
      out.BigEndian(u, 1);
    } else if (u <= 0xffff) {
      out.Byte(0xcd);
      out.BigEndian(u, 2);
    } else if (u <= 0xffffffff) {
      out.Byte(0xce);
      out.BigEndian(u, 4);
    } else {
      out.Byte(0xcf);
      out.BigEndian(u, 8);
    }
    return;
  }
  auto bits = static_cast<uint64_t>(v);
  if (v >= -32) {
    out.Byte(static_cast<uint8_t>(bits));
  } else if (v >= INT8_MIN) {
    out.Byte(0xd0);
    out.BigEndian(bits, 1);
  } else if (v >= INT16_MIN) {
    out.Byte(0xd1);
    out.BigEndian(bits, 2);
  } else if (v >= INT32_MIN) {
    out.Byte(0xd2);
    out.BigEndian(bits, 4);
  } else {
    out.Byte(0xd3);
    out.BigEndian(bits, 8);
  }
}

// A float 32 when it holds the value exactly (the infinities included), else a float 64; NaN
// never equals itself, so it is a float 64, as in Redis.
void PackFloat(PackBuffer& out, double d) {
  bool exact_as_float =
      std::isinf(d) || (std::fabs(d) <= FLT_MAX && static_cast<double>(static_cast<float>(d)) == d);
  if (exact_as_float) {
    float f = static_cast<float>(d);
    uint32_t bits;
    std::memcpy(&bits, &f, sizeof bits);
    out.Byte(0xca);
    out.BigEndian(bits, 4);
  } else {
    uint64_t bits;
    std::memcpy(&bits, &d, sizeof bits);
    out.Byte(0xcb);
    out.BigEndian(bits, 8);
  }
}

// Lua 5.1 has only doubles: one that is a whole number within int64 packs as an integer (so -0
// packs as 0), any other as a float.
void PackNumber(PackBuffer& out, lua_Number n) {
  if (n >= -0x1p63 && n < 0x1p63 && n == std::trunc(n)) {
    PackInteger(out, static_cast<int64_t>(n));
  } else {
    PackFloat(out, n);
  }
}

// fixstr below 32 bytes, then str 8 (Redis 7.0 emits 0xd9 from 32 bytes on), str 16, str 32.
void PackString(PackBuffer& out, const char* s, size_t len) {
  if (len < 32) {
    out.Byte(static_cast<uint8_t>(0xa0 | len));
  } else if (len <= 0xff) {
    out.Byte(0xd9);
    out.BigEndian(len, 1);
  } else if (len <= 0xffff) {
    out.Byte(0xda);
    out.BigEndian(len, 2);
  } else {
    out.Byte(0xdb);
    out.BigEndian(len, 4);
  }
  out.Append(s, len);
}

// fix form below 16 elements, then the 16-bit and the 32-bit count forms; `fix` and `wide` are
// the array's or the map's first bytes (0x90, 0xdc or 0x80, 0xde).
void PackCount(PackBuffer& out, size_t n, uint8_t fix, uint8_t wide) {
  if (n <= 15) {
    out.Byte(static_cast<uint8_t>(fix | n));
  } else if (n <= 0xffff) {
    out.Byte(wide);
    out.BigEndian(n, 2);
  } else {
    out.Byte(static_cast<uint8_t>(wide + 1));
    out.BigEndian(n, 4);
  }
}

// Whether the table's keys are exactly 1..n without holes (n may be 0: the empty table is an
// empty array); if so, stores n.
bool ArrayLength(lua_State* L, int table, size_t* length) {
  size_t count = 0;
  lua_Number max = 0;
  lua_pushnil(L);
  while (lua_next(L, table) != 0) {
    lua_pop(L, 1);
    if (lua_type(L, -1) != LUA_TNUMBER) {
      lua_pop(L, 1);
      return false;
    }
    lua_Number key = lua_tonumber(L, -1);
    if (key < 1 || key != std::floor(key)) {
      lua_pop(L, 1);
      return false;
    }
    ++count;
    if (key > max) max = key;
  }
  if (max != static_cast<lua_Number>(count)) return false;
  *length = count;
  return true;
}

void PackValue(lua_State* L, PackBuffer& out, int index, int depth);

void PackTable(lua_State* L, PackBuffer& out, int table, int depth) {
  // A key and a value, plus one slot for the buffer growing.
  luaL_checkstack(L, 3, "in function cmsgpack.pack");
  size_t length;
  if (ArrayLength(L, table, &length)) {
    PackCount(out, length, 0x90, 0xdc);
    for (size_t i = 1; i <= length; ++i) {
      lua_rawgeti(L, table, static_cast<int>(i));
      PackValue(L, out, lua_gettop(L), depth + 1);
      lua_pop(L, 1);
    }
    return;
  }
  size_t pairs = 0;
  lua_pushnil(L);
  while (lua_next(L, table) != 0) {
    lua_pop(L, 1);
    ++pairs;
  }
  PackCount(out, pairs, 0x80, 0xde);
  lua_pushnil(L);
  while (lua_next(L, table) != 0) {
    int top = lua_gettop(L);
    PackValue(L, out, top - 1, depth + 1);  // never converts the key in place: lua_next needs it
    PackValue(L, out, top, depth + 1);
    lua_pop(L, 1);
  }
}

// Functions, userdata, threads and nil all pack as nil, as in Redis.
void PackValue(lua_State* L, PackBuffer& out, int index, int depth) {
  switch (lua_type(L, index)) {
    case LUA_TNUMBER:
      PackNumber(out, lua_tonumber(L, index));
      break;
    case LUA_TSTRING: {
      size_t len;
      const char* s = lua_tolstring(L, index, &len);
      PackString(out, s, len);
      break;
    }
    case LUA_TBOOLEAN:
      out.Byte(lua_toboolean(L, index) ? 0xc3 : 0xc2);
      break;
    case LUA_TTABLE:
      if (depth >= kMaxPackDepth) {
        out.Byte(0xc0);
      } else {
        PackTable(L, out, index, depth);
      }
      break;
    default:
      out.Byte(0xc0);
      break;
  }
}

// pack(v1, v2, ...): the encodings of the arguments, concatenated.
int Pack(lua_State* L) {
  int nargs = lua_gettop(L);
  if (nargs == 0) return luaL_argerror(L, 0, "MessagePack pack needs input.");
  lua_pushnil(L);  // the buffer's slot
  PackBuffer out(L, nargs + 1);
  for (int i = 1; i <= nargs; ++i) PackValue(L, out, i, 0);
  out.PushResult();
  return 1;
}

// --- unpack -------------------------------------------------------------------------------

// The unread part of the input. Running short raises "Missing bytes in input." at once: there is
// nothing to clean up, partial tables are left on the Lua stack for the error to drop.
struct Cursor {
  lua_State* L;
  const unsigned char* p;
  size_t left;

  const unsigned char* Take(size_t n) {
    if (left < n) luaL_error(L, "%s", kMissingBytes);
    const unsigned char* at = p;
    p += n;
    left -= n;
    return at;
  }
  uint64_t BigEndian(int bytes) {
    const unsigned char* at = Take(bytes);
    uint64_t v = 0;
    for (int i = 0; i < bytes; ++i) v = (v << 8) | at[i];
    return v;
  }
};

void UnpackValue(Cursor& in);

void UnpackString(Cursor& in, size_t len) {
  const unsigned char* s = in.Take(len);
  lua_pushlstring(in.L, reinterpret_cast<const char*>(s), len);
}

// Stack per nesting level: the table and the index being filled (plus the value, checked here so
// that a too-deep input fails at the same depth as in Redis, 4000 levels).
void UnpackArray(Cursor& in, size_t n) {
  lua_State* L = in.L;
  luaL_checkstack(L, 3, kArrayTooDeep);
  // Not preallocated: grown as Redis grows it, so that pairs() visits keys in Redis's order.
  lua_newtable(L);
  for (size_t i = 1; i <= n; ++i) {
    lua_pushnumber(L, static_cast<lua_Number>(i));
    UnpackValue(in);
    lua_rawset(L, -3);  // a nil element leaves a hole, as in Redis
  }
}

void UnpackMap(Cursor& in, size_t n) {
  lua_State* L = in.L;
  luaL_checkstack(L, 3, kMapTooDeep);
  lua_newtable(L);  // as for arrays: pairs() order as in Redis
  for (size_t i = 0; i < n; ++i) {
    UnpackValue(in);
    UnpackValue(in);
    lua_rawset(L, -3);  // raises Lua's "table index is nil" / "table index is NaN"
  }
}

void UnpackValue(Cursor& in) {
  lua_State* L = in.L;
  uint8_t b = *in.Take(1);
  if (b <= 0x7f) return lua_pushnumber(L, b);
  if (b >= 0xe0) return lua_pushnumber(L, static_cast<int8_t>(b));
  if (b <= 0x8f) return UnpackMap(in, b & 0x0f);
  if (b <= 0x9f) return UnpackArray(in, b & 0x0f);
  if (b <= 0xbf) return UnpackString(in, b & 0x1f);
  switch (b) {
    case 0xc0:
      return lua_pushnil(L);
    case 0xc2:
      return lua_pushboolean(L, 0);
    case 0xc3:
      return lua_pushboolean(L, 1);
    case 0xca: {
      auto bits = static_cast<uint32_t>(in.BigEndian(4));
      float f;
      std::memcpy(&f, &bits, sizeof f);
      return lua_pushnumber(L, f);
    }
    case 0xcb: {
      uint64_t bits = in.BigEndian(8);
      double d;
      std::memcpy(&d, &bits, sizeof d);
      return lua_pushnumber(L, d);
    }
    case 0xcc:
      return lua_pushnumber(L, static_cast<lua_Number>(in.BigEndian(1)));
    case 0xcd:
      return lua_pushnumber(L, static_cast<lua_Number>(in.BigEndian(2)));
    case 0xce:
      return lua_pushnumber(L, static_cast<lua_Number>(in.BigEndian(4)));
    case 0xcf:  // Redis reads a uint 64 as signed: 0xffffffffffffffff unpacks as -1
    case 0xd3:
      return lua_pushnumber(L, static_cast<lua_Number>(static_cast<int64_t>(in.BigEndian(8))));
    case 0xd0:
      return lua_pushnumber(L, static_cast<int8_t>(in.BigEndian(1)));
    case 0xd1:
      return lua_pushnumber(L, static_cast<int16_t>(in.BigEndian(2)));
    case 0xd2:
      return lua_pushnumber(L, static_cast<int32_t>(in.BigEndian(4)));
    case 0xd9:
      return UnpackString(in, in.BigEndian(1));
    case 0xda:
      return UnpackString(in, in.BigEndian(2));
    case 0xdb:
      return UnpackString(in, in.BigEndian(4));
    case 0xdc:
      return UnpackArray(in, in.BigEndian(2));
    case 0xdd:
      return UnpackArray(in, in.BigEndian(4));
    case 0xde:
      return UnpackMap(in, in.BigEndian(2));
    case 0xdf:
      return UnpackMap(in, in.BigEndian(4));
    default:  // 0xc1 (never used), bin 8/16/32, ext and fixext: Redis 7.0 refuses them all
      luaL_error(L, "%s", kBadFormat);
  }
}

// Decodes up to `limit` objects of argument 1 from byte `offset` (0-based). With limit and offset
// both 0 (unpack) it decodes them all and returns only them; otherwise it returns first the
// offset of the next object, or -1 when the input is used up. Redis formats the offset and the
// input length with %d: the low 32 bits (and calls the length the "limit").
int UnpackObjects(lua_State* L, lua_Integer limit, lua_Integer offset) {
  size_t len;
  const char* s = luaL_checklstring(L, 1, &len);
  if (offset < 0 || limit < 0) {
    return luaL_error(L, "Invalid request to unpack with offset of %d and limit of %d.",
                      static_cast<int>(offset), static_cast<int>(len));
  }
  if (static_cast<size_t>(offset) > len) {
    return luaL_error(L, "Start offset %d greater than input length %d.", static_cast<int>(offset),
                      static_cast<int>(len));
  }
  bool all = limit == 0 && offset == 0;
  lua_settop(L, 1);  // the input stays referenced below the results
  Cursor in{L, reinterpret_cast<const unsigned char*>(s) + offset,
            len - static_cast<size_t>(offset)};
  int count = 0;
  while (in.left > 0 && (all || count < limit)) {
    luaL_checkstack(L, 1, kTooManyValues);
    UnpackValue(in);
    ++count;
  }
  if (all) return count;
  luaL_checkstack(L, 1, kNoRoomForOffset);
  lua_pushinteger(L, in.left == 0 ? -1 : static_cast<lua_Integer>(len - in.left));
  lua_insert(L, 2);
  return count + 1;
}

// unpack(s): every object in s, as multiple results.
int Unpack(lua_State* L) { return UnpackObjects(L, 0, 0); }

// unpack_one(s [, offset]): the next offset, then one object.
int UnpackOne(lua_State* L) {
  lua_Integer offset = luaL_optinteger(L, 2, 0);
  return UnpackObjects(L, 1, offset);
}

// unpack_limit(s, limit [, offset]): the next offset, then up to `limit` objects.
int UnpackLimit(lua_State* L) {
  lua_Integer limit = luaL_checkinteger(L, 2);
  lua_Integer offset = luaL_optinteger(L, 3, 0);
  return UnpackObjects(L, limit, offset);
}

}  // namespace
}  // namespace cmsgpack_lib

int OpenCmsgpack(lua_State* L) {
  using namespace cmsgpack_lib;
  static constexpr luaL_Reg kFunctions[] = {
      {"pack", Pack},
      {"unpack", Unpack},
      {"unpack_one", UnpackOne},
      {"unpack_limit", UnpackLimit},
  };
  lua_createtable(L, 0, 8);
  for (const luaL_Reg& f : kFunctions) {
    lua_pushcfunction(L, f.func);
    lua_setfield(L, -2, f.name);
  }
  // The identification fields Redis's module carries, which scripts can read.
  static constexpr const char* kInfo[][2] = {
      {"_NAME", "cmsgpack"},
      {"_VERSION", "lua-cmsgpack 0.4.0"},
      {"_COPYRIGHT", "Copyright (C) 2012, Salvatore Sanfilippo"},
      {"_DESCRIPTION", "MessagePack C implementation for Lua"},
  };
  for (const auto& [name, text] : kInfo) {
    lua_pushstring(L, text);
    lua_setfield(L, -2, name);
  }
  return 1;
}

}  // namespace server::scripting
