#include "src/scripting/function_dump.h"

#include <array>

#include "src/errors.h"

namespace server::scripting {

namespace {

constexpr uint8_t kOpcodeFunction = 0xF5;

// The reflected form of the Jones polynomial, one table entry per byte value.
constexpr std::array<uint64_t, 256> MakeCrcTable() {
  constexpr uint64_t kReflectedPoly = 0x95ac9329ac4bc9b5ULL;
  std::array<uint64_t, 256> table{};
  for (uint64_t i = 0; i < 256; i++) {
    uint64_t crc = i;
    for (int bit = 0; bit < 8; bit++) crc = (crc & 1) ? (crc >> 1) ^ kReflectedPoly : crc >> 1;
    table[i] = crc;
  }
  return table;
}
constexpr std::array<uint64_t, 256> kCrcTable = MakeCrcTable();

void PutLength(std::string& out, uint64_t len) {
  if (len < (1u << 6)) {
    out.push_back(static_cast<char>(len));
  } else if (len < (1u << 14)) {
    out.push_back(static_cast<char>(0x40 | (len >> 8)));
    out.push_back(static_cast<char>(len & 0xFF));
  } else if (len <= UINT32_MAX) {
    out.push_back(static_cast<char>(0x80));
    for (int shift = 24; shift >= 0; shift -= 8) out.push_back(static_cast<char>(len >> shift));
  } else {
    out.push_back(static_cast<char>(0x81));
    for (int shift = 56; shift >= 0; shift -= 8) out.push_back(static_cast<char>(len >> shift));
  }
}

// Reads RDB records from a payload body (footer removed).
class Reader {
 public:
  explicit Reader(std::string_view in) : in_(in) {}
  bool done() const { return pos_ == in_.size(); }
  bool Byte(uint8_t& b) {
    if (pos_ >= in_.size()) return false;
    b = static_cast<uint8_t>(in_[pos_++]);
    return true;
  }
  // A length, or (encoded) the special string encoding in `special`.
  bool Length(uint64_t& len, bool& encoded) {
    uint8_t b;
    if (!Byte(b)) return false;
    encoded = false;
    switch (b >> 6) {
      case 0:
        len = b & 0x3F;
        return true;
      case 1: {
        uint8_t next;
        if (!Byte(next)) return false;
        len = (static_cast<uint64_t>(b & 0x3F) << 8) | next;
        return true;
      }
      case 2: {
        const int bytes = b == 0x80 ? 4 : b == 0x81 ? 8 : 0;
        if (bytes == 0) return false;
        len = 0;
        for (int i = 0; i < bytes; i++) {
          uint8_t next;
          if (!Byte(next)) return false;
          len = (len << 8) | next;
        }
        return true;
      }
      default:
        encoded = true;
        len = b & 0x3F;
        return true;
    }
  }
  bool String(std::string& out) {
    uint64_t len;
    bool encoded;
    if (!Length(len, encoded)) return false;
    if (!encoded) return Raw(len, out);
    switch (len) {
      case 0:
      case 1:
      case 2: {  // an integer stored in 1, 2 or 4 little-endian bytes
        const int bytes = 1 << len;
        int64_t v = 0;
        for (int i = 0; i < bytes; i++) {
          uint8_t b;
          if (!Byte(b)) return false;
          v |= static_cast<int64_t>(b) << (8 * i);
        }
        if (bytes == 1) v = static_cast<int8_t>(v);
        if (bytes == 2) v = static_cast<int16_t>(v);
        if (bytes == 4) v = static_cast<int32_t>(v);
        out = std::to_string(v);
        return true;
      }
      case 3: {  // LZF: compressed length, then original length, then the data
        uint64_t clen, olen;
        bool e1, e2;
        if (!Length(clen, e1) || !Length(olen, e2) || e1 || e2) return false;
        std::string compressed;
        if (!Raw(clen, compressed)) return false;
        return LzfDecompress(compressed, olen, out);
      }
      default:
        return false;
    }
  }

 private:
  bool Raw(uint64_t len, std::string& out) {
    if (len > in_.size() - pos_) return false;
    out.assign(in_.substr(pos_, len));
    pos_ += len;
    return true;
  }

  std::string_view in_;
  size_t pos_ = 0;
};

}  // namespace

uint64_t Crc64Jones(uint64_t crc, std::string_view data) {
  for (char c : data) crc = kCrcTable[(crc ^ static_cast<uint8_t>(c)) & 0xFF] ^ (crc >> 8);
  return crc;
}

bool LzfDecompress(std::string_view in, size_t out_len, std::string& out) {
  out.clear();
  out.reserve(out_len);
  size_t i = 0;
  while (i < in.size()) {
    const uint8_t ctrl = static_cast<uint8_t>(in[i++]);
    if (ctrl < 32) {  // a literal run of ctrl + 1 bytes
      const size_t run = ctrl + 1u;
      if (run > in.size() - i || out.size() + run > out_len) return false;
      out.append(in.substr(i, run));
      i += run;
      continue;
    }
    // A back reference: length (3 bits, extended by a byte when all set) and distance.
    size_t len = ctrl >> 5;
    if (len == 7) {
      if (i >= in.size()) return false;
      len += static_cast<uint8_t>(in[i++]);
    }
    if (i >= in.size()) return false;
    const size_t distance = ((ctrl & 0x1Fu) << 8) + static_cast<uint8_t>(in[i++]) + 1;
    len += 2;
    if (distance > out.size() || out.size() + len > out_len) return false;
    // Byte by byte: the copy may overlap what it appends.
    size_t from = out.size() - distance;
    for (size_t k = 0; k < len; k++) out.push_back(out[from + k]);
  }
  return out.size() == out_len;
}

std::string EncodeFunctionDump(std::span<const std::string> codes) {
  std::string out;
  for (const std::string& code : codes) {
    out.push_back(static_cast<char>(kOpcodeFunction));
    PutLength(out, code.size());
    out += code;
  }
  out.push_back(static_cast<char>(kFunctionDumpRdbVersion & 0xFF));
  out.push_back(static_cast<char>(kFunctionDumpRdbVersion >> 8));
  const uint64_t crc = Crc64Jones(0, out);
  for (int i = 0; i < 8; i++) out.push_back(static_cast<char>(crc >> (8 * i)));
  return out;
}

Result<std::vector<std::string>> DecodeFunctionDump(std::string_view payload) {
  if (payload.size() < 10) return Failure(err::kFunctionPayloadBad);
  const std::string_view footer = payload.substr(payload.size() - 10);
  const uint16_t version = static_cast<uint16_t>(static_cast<uint8_t>(footer[0]) |
                                                 (static_cast<uint8_t>(footer[1]) << 8));
  uint64_t crc = 0;
  for (int i = 0; i < 8; i++) crc |= static_cast<uint64_t>(static_cast<uint8_t>(footer[2 + i])) << (8 * i);
  if (version > kFunctionDumpMaxRdbVersion || Crc64Jones(0, payload.substr(0, payload.size() - 8)) != crc) {
    return Failure(err::kFunctionPayloadBad);
  }
  Reader reader(payload.substr(0, payload.size() - 10));
  std::vector<std::string> codes;
  while (!reader.done()) {
    uint8_t opcode;
    std::string code;
    if (!reader.Byte(opcode) || opcode != kOpcodeFunction) {
      return Failure(err::kFunctionPayloadNotFunction);
    }
    if (!reader.String(code)) return Failure(err::kFunctionPayloadTruncated);
    codes.push_back(std::move(code));
  }
  return codes;
}

}  // namespace server::scripting
