// JSON for the dashboard's API: a writer that places the commas itself (so a reply is valid
// JSON by construction, any byte of a key name escaped), and a reader for the one shape the API
// accepts, a flat object of strings, integers, booleans and nulls (POST /api/redrive's body).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace server::http {

class JsonWriter {
 public:
  JsonWriter& BeginObject();
  JsonWriter& EndObject();
  JsonWriter& BeginArray();
  JsonWriter& EndArray();
  JsonWriter& Key(std::string_view name);
  JsonWriter& String(std::string_view s);
  JsonWriter& Int(int64_t v);
  JsonWriter& UInt(uint64_t v);
  JsonWriter& Double(double v);  // non-finite values are written as null
  JsonWriter& Bool(bool v);
  JsonWriter& Null();
  // Int, or null when absent.
  JsonWriter& OptionalInt(std::optional<int64_t> v);
  std::string Take() { return std::move(out_); }

 private:
  void BeforeValue();
  std::string out_;
  std::vector<bool> first_;  // per open container: nothing written in it yet
  bool after_key_ = false;
};

// One value of a flat JSON object; `text` holds a string's decoded bytes or a number's digits.
struct JsonScalar {
  enum class Kind { kString, kInteger, kBool, kNull } kind = Kind::kNull;
  std::string text;
  int64_t integer = 0;
  bool boolean = false;
};
using FlatJsonObject = std::map<std::string, JsonScalar, std::less<>>;

// Parses `{"k": v, ...}` where every v is a string, an integer, true, false or null; nullopt
// for anything else (nested values, fractions, trailing bytes, invalid escapes).
std::optional<FlatJsonObject> ParseFlatJsonObject(std::string_view text);

}  // namespace server::http
