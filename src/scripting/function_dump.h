// FUNCTION DUMP's payload, in the form Redis 7 uses so that a dump moves between Runnel and
// Redis: per library the RDB function opcode (0xF5) and its code as an RDB string, then the
// RDB version (2 bytes, little-endian) and a CRC-64 (Jones) of everything before it (8 bytes,
// little-endian). We write strings uncompressed; we read LZF-compressed ones too (Redis
// compresses long code). Pure.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "src/result.h"

namespace server::scripting {

// The RDB version our payloads carry (Redis 7.0's, the oldest Redis that reads functions).
inline constexpr uint16_t kFunctionDumpRdbVersion = 10;
// The newest version we accept (Redis 7.2 and 7.4 write 11, Redis 8 writes 12: the function
// records are the same).
inline constexpr uint16_t kFunctionDumpMaxRdbVersion = 12;

std::string EncodeFunctionDump(std::span<const std::string> codes);
// The libraries' code, or Redis's error for a bad footer or a corrupt body.
Result<std::vector<std::string>> DecodeFunctionDump(std::string_view payload);

// CRC-64/Jones (reflected, polynomial 0xad93d23594c935a9, no final xor), as Redis's DUMP uses.
uint64_t Crc64Jones(uint64_t crc, std::string_view data);
// LZF decompression of `in` into exactly `out_len` bytes; false when `in` is malformed.
bool LzfDecompress(std::string_view in, size_t out_len, std::string& out);

}  // namespace server::scripting
