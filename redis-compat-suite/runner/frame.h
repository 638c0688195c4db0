// RESP2/RESP3 reply frames as the compat runner sees them: a small tree parsed from raw reply
// bytes, so normalisations (mask a field, sort, keep only the shape) can be applied equally to
// both servers' replies. Serialize() of an untouched tree gives back the exact bytes read.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace compat {

struct Frame {
  char type = 0;               // '+', '-', ':', '$', '*', '%', '~', '>', '|', '_', ',', '#', '(', '=', '!'
  std::string text;            // line payload, or bulk payload for '$' '=' '!'
  bool null_length = false;    // "$-1" / "*-1"
  std::vector<Frame> children; // aggregates; maps and attributes hold 2n children (k, v, k, v...)
  bool masked = false;         // set by a mask normalisation: the payload is hidden

  bool IsAggregate() const;
  bool IsStringLike() const { return type == '+' || type == '$' || type == '='; }
};

enum class FrameStatus { kComplete, kIncomplete, kError };

// Parses one frame at data[pos]. On kComplete, pos is advanced past it. On kError, `error`
// says what was wrong with the bytes.
FrameStatus ParseFrame(std::string_view data, size_t& pos, Frame& out, std::string& error);

// Writes the frame back as RESP bytes; masked nodes become "<type><masked>\r\n".
std::string Serialize(const Frame& f);
// Only types, aggregate sizes and nulls: "*2\r\n$\r\n:\r\n".
std::string SerializeShape(const Frame& f);

// Replaces the value of every map pair (or even/odd pair of a flat array, as RESP2 spells maps)
// whose key is a string equal to one of `fields`.
void MaskFields(Frame& f, const std::vector<std::string>& fields);
// Sorts, by serialized bytes, the elements of every aggregate whose elements are all scalars.
void SortLeafArrays(Frame& f);

// Escapes bytes for display: \r \n \t \\ and \xHH for anything outside printable ASCII.
std::string Escape(std::string_view bytes);
// The inverse, for `@raw` and `=>` lines: understands \r \n \t \\ \" \0 and \xHH.
bool Unescape(std::string_view text, std::string& out);

}  // namespace compat
