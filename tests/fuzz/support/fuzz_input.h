// Reading a libFuzzer input as a stream of small decisions (a byte, a bounded number, a short
// string), so a target can turn arbitrary bytes into structured calls. Running out of bytes is
// not an error: every read then returns zero or empty, and the target stops when done() says so.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace fuzz_support {

class FuzzInput {
 public:
  FuzzInput(const uint8_t* data, size_t size)
      : data_(reinterpret_cast<const char*>(data), size) {}

  bool done() const { return pos_ >= data_.size(); }
  size_t remaining() const { return data_.size() - pos_; }

  uint8_t Byte() { return done() ? 0 : static_cast<uint8_t>(data_[pos_++]); }
  // A value in [0, n) (n > 0), from one byte: the inputs stay short and mutations local.
  size_t Below(size_t n) { return Byte() % n; }
  bool Flag() { return (Byte() & 1) != 0; }
  // Up to `max_len` raw bytes, the length from one byte.
  std::string_view Bytes(size_t max_len) {
    const size_t len = Below(max_len + 1);
    return Take(len);
  }
  // The next `len` bytes (fewer at the end).
  std::string_view Take(size_t len) {
    if (len > remaining()) len = remaining();
    std::string_view out = data_.substr(pos_, len);
    pos_ += len;
    return out;
  }
  // Everything not read yet.
  std::string_view Rest() { return Take(remaining()); }

 private:
  std::string_view data_;
  size_t pos_ = 0;
};

}  // namespace fuzz_support
