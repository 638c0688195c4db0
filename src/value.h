// A keyspace value: one of the types Redis knows, held by the keyspace's hash table. Strings are
// stored as bytes (integers too: INCR parses and re-formats, as Redis's int encoding behaves
// identically on the wire). Streams join this variant in "Streams core".
#pragma once

#include <string>
#include <string_view>
#include <variant>

namespace server {

enum class ValueType { kString };

class Value {
 public:
  Value() = default;
  static Value String(std::string s) {
    Value v;
    v.data_ = std::move(s);
    return v;
  }

  ValueType type() const { return static_cast<ValueType>(data_.index()); }
  bool is_string() const { return type() == ValueType::kString; }
  std::string& str() { return std::get<std::string>(data_); }
  const std::string& str() const { return std::get<std::string>(data_); }

  // The name TYPE replies with.
  std::string_view TypeName() const {
    switch (type()) {
      case ValueType::kString: return "string";
    }
    return "none";
  }

 private:
  std::variant<std::string> data_;
};

}  // namespace server
