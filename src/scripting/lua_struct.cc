#include "src/scripting/lua_struct.h"

#include <bit>
#include <cfloat>
#include <climits>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <utility>

namespace server::scripting {
// Named so that the unity build can hold both Lua libraries in one TU.
namespace struct_lib {
namespace {

// i and I take at most this many bytes; i33 and above are refused.
constexpr int kMaxIntSize = 32;
// '!' with no number: the strictest alignment of the platform's scalar types (x86-64: 8).
constexpr int kMaxAlign = 8;

enum class Endian { kLittle, kBig };

// The state a format string changes as it goes: byte order and maximum alignment. Each call
// starts from native order and no alignment (1).
struct FormatState {
  Endian endian = std::endian::native == std::endian::little ? Endian::kLittle : Endian::kBig;
  size_t align = 1;
};

// The decimal number at *fmt (advancing past it), or `fallback` when there is none. Sizes are C
// ints: above INT_MAX is an error.
int ReadCount(lua_State* L, const char** fmt, int fallback) {
  if (**fmt < '0' || **fmt > '9') return fallback;
  int n = 0;
  while (**fmt >= '0' && **fmt <= '9') {
    int digit = **fmt - '0';
    if (n > INT_MAX / 10 || n * 10 > INT_MAX - digit) luaL_error(L, "integral size overflow");
    n = n * 10 + digit;
    ++*fmt;
  }
  return n;
}

// The bytes option `opt` occupies (reading its count from *fmt), or 0 for the options that take
// no fixed room: s, the control characters, and unknown ones.
size_t OptionSize(lua_State* L, char opt, const char** fmt) {
  switch (opt) {
    case 'b':
    case 'B':
    case 'x':
      return 1;
    case 'h':
    case 'H':
      return sizeof(short);
    case 'l':
    case 'L':
      return sizeof(long);
    case 'T':
      return sizeof(size_t);
    case 'f':
      return sizeof(float);
    case 'd':
      return sizeof(double);
    case 'c':
      return static_cast<size_t>(ReadCount(L, fmt, 1));
    case 'i':
    case 'I': {
      int n = ReadCount(L, fmt, sizeof(int));
      if (n > kMaxIntSize) {
        luaL_error(L, "integral size %d is larger than limit of %d", n, kMaxIntSize);
      }
      return static_cast<size_t>(n);
    }
    default:
      return 0;
  }
}

// Padding before an item of `size` bytes at offset `pos`: items align to their size capped by
// the current maximum alignment; strings never align. The rounding is the library's, also for
// sizes that are not powers of two (I3 under !4 pads to an even offset).
size_t Padding(size_t pos, const FormatState& state, char opt, size_t size) {
  if (size == 0 || opt == 'c') return 0;
  if (size > state.align) size = state.align;
  return (size - (pos & (size - 1))) & (size - 1);
}

// ' ' (ignored), '<', '>' and '![n]'; anything else is not a format option.
void ControlOption(lua_State* L, char opt, const char** fmt, FormatState& state) {
  switch (opt) {
    case ' ':
      return;
    case '>':
      state.endian = Endian::kBig;
      return;
    case '<':
      state.endian = Endian::kLittle;
      return;
    case '!': {
      int a = ReadCount(L, fmt, kMaxAlign);
      if (a <= 0 || (a & (a - 1)) != 0) luaL_error(L, "alignment %d is not a power of 2", a);
      state.align = static_cast<size_t>(a);
      return;
    }
    default:
      luaL_argerror(L, 1, lua_pushfstring(L, "invalid format option '%c'", opt));
  }
}

bool IsAsciiAlnum(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

// A Lua number as the 64 bits a C cast gives on x86-64 (Redis's build), without the undefined
// behaviour: negative numbers through int64 (below its range: INT64_MIN's bits), the others
// through uint64 (2^64 and above, infinity included: 0), NaN as INT64_MIN's bits.
uint64_t NumberBits(double n) {
  constexpr uint64_t kIndefinite = uint64_t{1} << 63;
  if (std::isnan(n)) return kIndefinite;
  if (n < 0) return n >= -0x1p63 ? static_cast<uint64_t>(static_cast<int64_t>(n)) : kIndefinite;
  if (n >= 0x1p64) return 0;
  return static_cast<uint64_t>(n);
}

// A double rounded to float as the FPU does it: beyond the float range, infinity unless within
// half a unit of FLT_MAX.
float ToFloat(double d) {
  if (std::isfinite(d) && std::fabs(d) > FLT_MAX) {
    bool rounds_to_max = std::fabs(d) < static_cast<double>(FLT_MAX) + 0x1p103;
    float magnitude = rounds_to_max ? FLT_MAX : INFINITY;
    return d < 0 ? -magnitude : magnitude;
  }
  return static_cast<float>(d);
}

// Copies `size` bytes of a native-order scalar into `out` in `endian` order.
void OrderBytes(const void* native, size_t size, Endian endian, char* out) {
  std::memcpy(out, native, size);
  bool native_little = std::endian::native == std::endian::little;
  if ((endian == Endian::kLittle) != native_little) {
    for (size_t i = 0; i < size / 2; ++i) std::swap(out[i], out[size - 1 - i]);
  }
}

// `size` bytes of an integer. Wider than 8 bytes, the bytes above the low 8 are zero whatever
// the sign, as Redis writes them.
void PutInteger(luaL_Buffer& b, double n, Endian endian, size_t size) {
  uint64_t v = NumberBits(n);
  char bytes[kMaxIntSize];
  for (size_t i = 0; i < size; ++i) {
    char byte = i < 8 ? static_cast<char>((v >> (8 * i)) & 0xff) : '\0';
    bytes[endian == Endian::kLittle ? i : size - 1 - i] = byte;
  }
  luaL_addlstring(&b, bytes, size);
}

// The integer in `size` bytes. Wider than 8 bytes only the low 64 bits are kept, and the sign
// test uses bit (size * 8 - 1) mod 64: Redis's shift, as x86-64 executes it.
lua_Number GetInteger(const unsigned char* at, Endian endian, bool is_signed, size_t size) {
  uint64_t v = 0;
  for (size_t i = 0; i < size; ++i) {
    v = (v << 8) | at[endian == Endian::kBig ? i : size - 1 - i];
  }
  if (!is_signed) return static_cast<lua_Number>(v);
  uint64_t sign_and_above = ~uint64_t{0} << ((static_cast<int>(size) * 8 - 1) & 63);
  if (v & sign_and_above) v |= sign_and_above;
  return static_cast<lua_Number>(static_cast<int64_t>(v));
}

bool IsIntegerOption(char opt) {
  switch (opt) {
    case 'b':
    case 'B':
    case 'h':
    case 'H':
    case 'l':
    case 'L':
    case 'T':
    case 'i':
    case 'I':
      return true;
    default:
      return false;
  }
}

// pack(fmt, v1, v2, ...): the values laid out as fmt says.
int Pack(lua_State* L) {
  const char* fmt = luaL_checkstring(L, 1);
  FormatState state;
  int arg = 2;
  size_t total = 0;
  // Redis's library keeps a nil above the arguments: the first missing one reads "got nil".
  lua_pushnil(L);
  luaL_Buffer b;
  luaL_buffinit(L, &b);
  while (*fmt != '\0') {
    char opt = *fmt++;
    size_t size = OptionSize(L, opt, &fmt);
    size_t padding = Padding(total, state, opt, size);
    total += padding;
    for (; padding > 0; --padding) luaL_addchar(&b, '\0');
    if (IsIntegerOption(opt)) {
      PutInteger(b, luaL_checknumber(L, arg++), state.endian, size);
    } else if (opt == 'x') {
      luaL_addchar(&b, '\0');
    } else if (opt == 'f') {
      float f = ToFloat(luaL_checknumber(L, arg++));
      char bytes[sizeof f];
      OrderBytes(&f, sizeof f, state.endian, bytes);
      luaL_addlstring(&b, bytes, sizeof bytes);
    } else if (opt == 'd') {
      double d = luaL_checknumber(L, arg++);
      char bytes[sizeof d];
      OrderBytes(&d, sizeof d, state.endian, bytes);
      luaL_addlstring(&b, bytes, sizeof bytes);
    } else if (opt == 'c' || opt == 's') {
      size_t len;
      const char* s = luaL_checklstring(L, arg++, &len);
      if (size == 0) size = len;  // c0 and s: the whole string
      // Redis names the argument after the string's ("bad argument #3" for the second).
      luaL_argcheck(L, len >= size, arg, "string too short");
      luaL_addlstring(&b, s, size);
      if (opt == 's') {
        luaL_addchar(&b, '\0');
        ++size;
      }
    } else {
      ControlOption(L, opt, &fmt, state);
    }
    total += size;
  }
  luaL_pushresult(&b);
  return 1;
}

// unpack(fmt, s [, pos]): the values fmt describes in s from byte pos (1-based), then the
// position after them. A pos below 1 wraps around as a size_t (so -1 reads "data string too
// short" once something is read) and only 0 is refused, as in Redis.
int Unpack(lua_State* L) {
  const char* fmt = luaL_checkstring(L, 1);
  size_t len;
  const char* data = luaL_checklstring(L, 2, &len);
  auto pos = static_cast<size_t>(luaL_optinteger(L, 3, 1));
  luaL_argcheck(L, pos > 0, 3, "offset must be 1 or greater");
  --pos;
  FormatState state;
  int results = 0;
  while (*fmt != '\0') {
    char opt = *fmt++;
    size_t size = OptionSize(L, opt, &fmt);
    pos += Padding(pos, state, opt, size);
    luaL_argcheck(L, size <= len && pos <= len - size, 2, "data string too short");
    luaL_checkstack(L, 2, "too many results");
    const auto* at = reinterpret_cast<const unsigned char*>(data) + pos;
    if (IsIntegerOption(opt)) {
      bool is_signed = opt >= 'a' && opt <= 'z';
      lua_pushnumber(L, GetInteger(at, state.endian, is_signed, size));
      ++results;
    } else if (opt == 'x') {
      // padding: nothing to read
    } else if (opt == 'f' || opt == 'd') {
      char bytes[sizeof(double)];
      OrderBytes(at, size, state.endian, bytes);  // symmetric: native order from `endian`
      if (opt == 'f') {
        float f;
        std::memcpy(&f, bytes, sizeof f);
        lua_pushnumber(L, f);
      } else {
        double d;
        std::memcpy(&d, bytes, sizeof d);
        lua_pushnumber(L, d);
      }
      ++results;
    } else if (opt == 'c') {
      if (size == 0) {  // c0: as long as the result just read says
        if (results == 0 || !lua_isnumber(L, -1))
          luaL_error(L, "format 'c0' needs a previous size");
        size = static_cast<size_t>(NumberBits(lua_tonumber(L, -1)));
        lua_pop(L, 1);
        --results;
        luaL_argcheck(L, size <= len && pos <= len - size, 2, "data string too short");
      }
      lua_pushlstring(L, data + pos, size);
      ++results;
    } else if (opt == 's') {
      const void* end = std::memchr(data + pos, '\0', len - pos);
      if (end == nullptr) luaL_error(L, "unfinished string in data");
      size_t text = static_cast<size_t>(static_cast<const char*>(end) - (data + pos));
      lua_pushlstring(L, data + pos, text);
      size = text + 1;
      ++results;
    } else {
      ControlOption(L, opt, &fmt, state);
    }
    pos += size;
  }
  lua_pushinteger(L, static_cast<lua_Integer>(pos + 1));
  return results + 1;
}

// size(fmt): the bytes pack(fmt, ...) makes; s and c0 have no fixed size. Like Redis's, it
// ignores unknown letters and digits (only other characters are checked as options).
int Size(lua_State* L) {
  const char* fmt = luaL_checkstring(L, 1);
  FormatState state;
  size_t pos = 0;
  while (*fmt != '\0') {
    char opt = *fmt++;
    size_t size = OptionSize(L, opt, &fmt);
    pos += Padding(pos, state, opt, size);
    if (opt == 's') {
      luaL_argerror(L, 1, "option 's' has no fixed size");
    } else if (opt == 'c' && size == 0) {
      luaL_argerror(L, 1, "option 'c0' has no fixed size");
    }
    if (!IsAsciiAlnum(opt)) ControlOption(L, opt, &fmt, state);
    pos += size;
  }
  lua_pushinteger(L, static_cast<lua_Integer>(pos));
  return 1;
}

}  // namespace
}  // namespace struct_lib

int OpenStruct(lua_State* L) {
  using namespace struct_lib;
  static constexpr luaL_Reg kFunctions[] = {
      {"pack", Pack},
      {"unpack", Unpack},
      {"size", Size},
  };
  lua_createtable(L, 0, 3);
  for (const luaL_Reg& f : kFunctions) {
    lua_pushcfunction(L, f.func);
    lua_setfield(L, -2, f.name);
  }
  return 1;
}

}  // namespace server::scripting
