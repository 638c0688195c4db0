// Reply writer: appends RESP2 or RESP3 frames to an output buffer. Only this type knows the
// protocol version, so handlers say what a reply *is* (a map, a null, a double) and the
// version chosen by HELLO decides how it is spelled. Aggregates are written as a header
// followed by exactly that many elements (a map of n pairs takes 2n elements).
// The writer also keeps count of the error replies it wrote, so its caller can tell whether a
// reply was an error without reading the bytes back (see Mark / IsErrorSince).
// Written into a ReplyBuffer (a connection's output), the writer seals the tail block before an
// element would overflow it, so big replies are chained blocks, never one doubling string.
#pragma once

#include <cstdint>
#include <limits>
#include <string>
#include <string_view>

#include "resp/reply_buffer.h"

namespace resp {

// Told of every error reply a Writer writes (the server's per-error statistics). A writer
// without one counts its errors only in errors_written().
class ErrorSink {
 public:
  virtual void OnErrorReply(std::string_view text) = 0;

 protected:
  ~ErrorSink() = default;
};

class Writer {
 public:
  // Appends to one string, however large it grows (AOF replay, tests, bodies built apart).
  explicit Writer(std::string& out, int protocol = 2) : out_(&out), protocol_(protocol) {}
  // Appends to `out`'s tail, sealing it into a block when the next element would not fit.
  explicit Writer(ReplyBuffer& out, int protocol = 2)
      : out_(&out.tail()), chain_(&out), seal_at_(ReplyBuffer::kBlockSize), protocol_(protocol) {}

  int protocol() const { return protocol_; }
  void set_protocol(int protocol) { protocol_ = protocol; }
  // The string appended to (for a ReplyBuffer, its current tail).
  std::string& buffer() { return *out_; }

  // Where the next reply starts: take one before writing a reply, then ask IsErrorSince.
  struct Mark {
    size_t offset;
    uint64_t errors;
  };
  Mark mark() const { return {Offset(), errors_written_}; }
  // Whether the reply written since `m` is an error reply itself: an array that holds errors
  // (EXEC's) is not. Nothing written is not an error either.
  bool IsErrorSince(Mark m) const {
    return errors_written_ > m.errors && last_error_offset_ == m.offset;
  }
  // Error replies written so far, at any depth.
  uint64_t errors_written() const { return errors_written_; }

  void Simple(std::string_view s);            // +OK
  void Ok() {
    Room(5);
    out_->append("+OK\r\n");
  }
  // `text` is the full error including its code ("ERR syntax error", "WRONGTYPE ...").
  void Error(std::string_view text);
  // An error passed on from where it was already counted (a script returning the error of a
  // command it called): written and counted in errors_written(), but not told to the sink.
  void RelayedError(std::string_view text);
  void set_error_sink(ErrorSink* sink) { error_sink_ = sink; }
  void Integer(int64_t v);
  void Bulk(std::string_view s);
  void Null();                                 // RESP2 $-1, RESP3 _
  void NullArray();                            // RESP2 *-1, RESP3 _
  void Array(size_t n);
  void Map(size_t pairs);                      // RESP2: flat array of 2n
  void Set(size_t n);                          // RESP2: array
  void Push(size_t n);                         // RESP2: array
  void Double(double v);                       // RESP2: bulk string
  void Bool(bool v);                           // RESP2: integer 1/0
  void Verbatim(std::string_view s, std::string_view format = "txt");  // RESP2: bulk
  void BigNumber(std::string_view digits);     // RESP2: bulk
  // An array whose length is known only after its elements are written (Redis's deferred
  // length): take a Deferred, write the elements, then SetDeferredArray. Over a ReplyBuffer the
  // header goes into a block reserved for it and nothing is copied; over a plain string it is
  // inserted in front of the elements.
  struct Deferred {
    size_t offset;      // plain string: where the header goes
    std::string* slot;  // ReplyBuffer: the block reserved for it
  };
  Deferred DeferArray();
  void SetDeferredArray(Deferred d, size_t n);
  void Raw(std::string_view bytes) {
    Room(bytes.size());
    out_->append(bytes);
  }

 private:
  // Room for an element's whole `need` bytes in the tail: the one check on the hot path.
  void Room(size_t need) {
    if (out_->size() + need > seal_at_) chain_->Seal(need);
  }
  // Bytes written before this point: a ReplyBuffer's count survives its blocks being sealed
  // and consumed.
  size_t Offset() const { return chain_ ? chain_->appended() : out_->size(); }
  void Header(char type, int64_t n);
  void HeaderNoRoom(char type, int64_t n);

  std::string* out_;
  ReplyBuffer* chain_ = nullptr;
  size_t seal_at_ = std::numeric_limits<size_t>::max();  // seal the tail past this size
  int protocol_;
  uint64_t errors_written_ = 0;
  size_t last_error_offset_ = 0;  // where the last error reply's '-' went in the buffer
  ErrorSink* error_sink_ = nullptr;
};

// Formats a double the way Redis 7.0 replies with one (scores, RESP3 doubles): %.17g, so 0.1 is
// "0.10000000000000001", 3.0 is "3", and "inf"/"-inf". Not for INCRBYFLOAT, whose reply Redis
// formats differently (long double, trailing zeros trimmed: "0.1").
std::string FormatDouble(double v);

}  // namespace resp
