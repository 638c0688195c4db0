#include "resp/writer.h"

#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstring>

namespace resp {

namespace {

// The longest header: a type byte, a 64-bit integer's 20 characters, CRLF.
constexpr size_t kHeaderMax = 24;
// Bulks up to this size are written with one append.
constexpr size_t kSmallBulk = 64;

}  // namespace

void Writer::Header(char type, int64_t n) {
  Room(kHeaderMax);
  HeaderNoRoom(type, n);
}

void Writer::HeaderNoRoom(char type, int64_t n) {
  // Built whole and appended once: headers are written for every reply and every bulk.
  char buf[kHeaderMax];
  buf[0] = type;
  char* end = std::to_chars(buf + 1, buf + sizeof(buf) - 2, n).ptr;
  *end++ = '\r';
  *end++ = '\n';
  out_->append(buf, static_cast<size_t>(end - buf));
}

Writer::Deferred Writer::DeferArray() {
  if (chain_) return {0, chain_->ReserveSlot(kHeaderMax)};
  return {out_->size(), nullptr};
}

void Writer::SetDeferredArray(Deferred d, size_t n) {
  char buf[kHeaderMax];
  buf[0] = '*';
  char* end = std::to_chars(buf + 1, buf + sizeof(buf) - 2, n).ptr;
  *end++ = '\r';
  *end++ = '\n';
  const std::string_view header(buf, static_cast<size_t>(end - buf));
  if (d.slot != nullptr) {
    chain_->FillSlot(d.slot, header);
  } else {
    out_->insert(d.offset, header);
  }
}

void Writer::Simple(std::string_view s) {
  Room(s.size() + 3);
  out_->push_back('+');
  out_->append(s);
  out_->append("\r\n");
}

void Writer::Error(std::string_view text) {
  if (error_sink_ != nullptr) error_sink_->OnErrorReply(text);
  RelayedError(text);
}

void Writer::RelayedError(std::string_view text) {
  Room(text.size() + 3);
  errors_written_++;
  last_error_offset_ = Offset();
  out_->push_back('-');
  // Error texts must stay on one line or they would corrupt the stream.
  for (char c : text) out_->push_back(c == '\r' || c == '\n' ? ' ' : c);
  out_->append("\r\n");
}

void Writer::Integer(int64_t v) { Header(':', v); }

void Writer::Bulk(std::string_view s) {
  // One room check for the whole element: header, payload and CRLF.
  Room(kHeaderMax + s.size() + 2);
  if (s.size() <= kSmallBulk) {
    // Most bulks are short (GET's value, an ID): assembled on the stack, appended once.
    char buf[kHeaderMax + kSmallBulk + 2];
    buf[0] = '$';
    char* end = std::to_chars(buf + 1, buf + kHeaderMax - 2, s.size()).ptr;
    *end++ = '\r';
    *end++ = '\n';
    if (!s.empty()) std::memcpy(end, s.data(), s.size());  // an empty view's data may be null
    end += s.size();
    *end++ = '\r';
    *end++ = '\n';
    out_->append(buf, static_cast<size_t>(end - buf));
    return;
  }
  HeaderNoRoom('$', static_cast<int64_t>(s.size()));
  out_->append(s);
  out_->append("\r\n");
}

void Writer::Null() {
  Room(5);
  out_->append(protocol_ >= 3 ? "_\r\n" : "$-1\r\n");
}

void Writer::NullArray() {
  Room(5);
  out_->append(protocol_ >= 3 ? "_\r\n" : "*-1\r\n");
}

void Writer::Array(size_t n) { Header('*', static_cast<int64_t>(n)); }

void Writer::Map(size_t pairs) {
  if (protocol_ >= 3) {
    Header('%', static_cast<int64_t>(pairs));
  } else {
    Header('*', static_cast<int64_t>(pairs * 2));
  }
}

void Writer::Set(size_t n) { Header(protocol_ >= 3 ? '~' : '*', static_cast<int64_t>(n)); }

void Writer::Push(size_t n) { Header(protocol_ >= 3 ? '>' : '*', static_cast<int64_t>(n)); }

void Writer::Double(double v) {
  if (protocol_ >= 3) {
    const std::string text = FormatDouble(v);
    Room(text.size() + 3);
    out_->push_back(',');
    out_->append(text);
    out_->append("\r\n");
  } else {
    Bulk(FormatDouble(v));
  }
}

void Writer::Bool(bool v) {
  if (protocol_ >= 3) {
    Room(4);
    out_->append(v ? "#t\r\n" : "#f\r\n");
  } else {
    Integer(v ? 1 : 0);
  }
}

void Writer::Verbatim(std::string_view s, std::string_view format) {
  if (protocol_ >= 3) {
    Room(kHeaderMax + s.size() + 6);
    HeaderNoRoom('=', static_cast<int64_t>(s.size() + 4));
    // The frame's length counts exactly three bytes of format: a shorter one (a script may
    // return any) is padded with NULs, as the C string Redis copies three bytes from would be.
    format = format.substr(0, 3);
    out_->append(format);
    out_->append(3 - format.size(), '\0');
    out_->push_back(':');
    out_->append(s);
    out_->append("\r\n");
  } else {
    Bulk(s);
  }
}

void Writer::BigNumber(std::string_view digits) {
  if (protocol_ >= 3) {
    Room(digits.size() + 3);
    out_->push_back('(');
    out_->append(digits);
    out_->append("\r\n");
  } else {
    Bulk(digits);
  }
}

std::string FormatDouble(double v) {
  if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
  if (std::isnan(v)) return "nan";
  // Redis 7.0 prints reply doubles with %.17g (ZSCORE of 0.1 is "0.10000000000000001"), and
  // clients compare scores as text, so we spell them the same way rather than shortest form.
  char buf[64];
  int n = std::snprintf(buf, sizeof(buf), "%.17g", v);
  return std::string(buf, static_cast<size_t>(n));
}

}  // namespace resp
