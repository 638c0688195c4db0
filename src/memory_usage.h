// MEMORY USAGE's estimate of what one key costs: its keyspace node, the key's bytes and the
// value's own structures. Collections held in hash tables are measured on a sample of their
// members and extrapolated (Redis's SAMPLES; 0 measures every member), so the call stays
// O(samples) on a huge set; packed encodings are measured exactly, as their buffers' size.
#pragma once

#include <cstddef>
#include <string_view>

#include "src/value.h"

namespace server {

inline constexpr size_t kDefaultMemorySamples = 5;

size_t KeyMemoryUsage(std::string_view key, const Value& value, size_t samples);

}  // namespace server
