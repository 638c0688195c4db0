// RESP2 reply bytes built by hand, for tests that compare a handler's raw output with what Redis
// sends: one spelling for every test file instead of a copy in each.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace testing_support {

inline std::string Bulk(std::string_view s) {
  return "$" + std::to_string(s.size()) + "\r\n" + std::string(s) + "\r\n";
}
inline std::string Int(int64_t n) { return ":" + std::to_string(n) + "\r\n"; }
inline std::string Err(std::string_view text) { return "-" + std::string(text) + "\r\n"; }

// A command as a client sends it (and as the AOF holds it): an array of bulk strings.
inline std::string Multibulk(const std::vector<std::string>& args) {
  std::string out = "*" + std::to_string(args.size()) + "\r\n";
  for (const auto& a : args) out += Bulk(a);
  return out;
}

}  // namespace testing_support
