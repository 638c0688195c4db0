#include "src/propagation.h"

#include <cassert>
#include <charconv>
#include <cstring>
#include <utility>

#include "resp/parser.h"

namespace server {

namespace {

constexpr size_t kHeaderMax = 1 + 20 + 2;  // "*" or "$", a size_t's digits, CRLF

// "<prefix><n>\r\n" at `p` (room for kHeaderMax bytes); returns the end. Argument counts and
// lengths are mostly one or two digits.
char* WriteHeader(char* p, char prefix, size_t n) {
  *p++ = prefix;
  if (n < 10) {
    *p++ = static_cast<char>('0' + n);
  } else if (n < 100) {
    *p++ = static_cast<char>('0' + n / 10);
    *p++ = static_cast<char>('0' + n % 10);
  } else {
    p = std::to_chars(p, p + 20, n).ptr;
  }
  *p++ = '\r';
  *p++ = '\n';
  return p;
}

// Sized once and written in place: this runs for every write that is recorded.
template <typename Args>
void AppendArgs(std::string& out, const Args& argv) {
  size_t need = kHeaderMax;
  for (std::string_view a : argv) need += kHeaderMax + a.size() + 2;
  const size_t start = out.size();
  out.resize(start + need);
  char* p = WriteHeader(out.data() + start, '*', std::size(argv));
  for (std::string_view a : argv) p = WriteBulk(p, a);
  out.resize(static_cast<size_t>(p - out.data()));
}

#ifndef NDEBUG
// What NoteRequest promises: the noted bytes are exactly argv's encoding.
bool EncodesAs(std::span<const std::string_view> argv, std::string_view resp) {
  std::string encoded;
  AppendArgs(encoded, argv);
  return encoded == resp;
}
#endif

}  // namespace

static_assert(kHeaderMax + 2 == kBulkOverhead);

char* WriteBulk(char* p, std::string_view arg) {
  p = WriteHeader(p, '$', arg.size());
  if (!arg.empty()) std::memcpy(p, arg.data(), arg.size());  // an empty view's data may be null
  p += arg.size();
  *p++ = '\r';
  *p++ = '\n';
  return p;
}

void AppendArrayHeader(std::string& out, size_t n) {
  char head[kHeaderMax];
  out.append(head, static_cast<size_t>(WriteHeader(head, '*', n) - head));
}

void AppendBulk(std::string& out, std::string_view arg) {
  const size_t start = out.size();
  out.resize(start + kHeaderMax + arg.size() + 2);
  out.resize(static_cast<size_t>(WriteBulk(out.data() + start, arg) - out.data()));
}

void AppendSelect(std::string& out, int db) {
  char number[16];
  const char* end = std::to_chars(number, number + sizeof number, db).ptr;
  AppendArrayHeader(out, 2);
  AppendBulk(out, "SELECT");
  AppendBulk(out, std::string_view(number, static_cast<size_t>(end - number)));
}

void AppendMultibulk(std::string& out, std::span<const std::string> argv) { AppendArgs(out, argv); }

void AppendMultibulk(std::string& out, std::span<const std::string_view> argv) {
  AppendArgs(out, argv);
}

int Propagation::Touch() {
  // Outside any command (a unit test calling a handler directly) the record lands in db 0.
  if (frames_.empty()) return 0;
  frames_.back().touched = true;
  return frames_.back().db;
}

void Propagation::StartRecord(int db, bool replication_only) {
  assert(args_owed_ == 0 && "a record begun with BeginRecord is missing arguments");
  records_.push_back({bytes_.size(), db, replication_only});
}

template <typename Args>
void Propagation::Push(int db, const Args& argv, bool replication_only) {
  StartRecord(db, replication_only);
  AppendArgs(bytes_, argv);
}

void Propagation::PushEncoded(int db, size_t argc, std::string_view body) {
  StartRecord(db, false);
  const size_t start = bytes_.size();
  bytes_.resize(start + kHeaderMax + body.size());
  char* p = WriteHeader(bytes_.data() + start, '*', argc);
  if (!body.empty()) std::memcpy(p, body.data(), body.size());
  bytes_.resize(static_cast<size_t>(p - bytes_.data()) + body.size());
}

bool Propagation::IsNotedRequest(std::span<const std::string_view> argv) const {
  if (argv.data() != request_argv_.data() || argv.size() != request_argv_.size() ||
      argv.empty()) {
    return false;
  }
  // The parser reads headers strictly (no sign, no leading zero) but, as Redis, skips the two
  // bytes after a bulk unread: they must be CRLF for the bytes to be the canonical encoding.
  for (std::string_view a : argv) {
    if (a.data()[a.size()] != '\r' || a.data()[a.size() + 1] != '\n') return false;
  }
  return true;
}

void Propagation::RecordOwn(int db, std::span<const std::string_view> argv) {
  if (!IsNotedRequest(argv)) return Push(db, argv);
  StartRecord(db, false);
  bytes_.append(request_resp_);
  assert(EncodesAs(argv, request_resp_));
}

void Propagation::Add(std::span<const std::string> argv) {
  const int db = Touch();
  changes_++;
  if (enabled_) Push(db, argv);
}

void Propagation::Add(std::initializer_list<std::string_view> argv) {
  Add(std::span<const std::string_view>(argv.begin(), argv.size()));
}

void Propagation::Add(std::span<const std::string_view> argv) {
  const int db = Touch();
  changes_++;
  if (enabled_) Push(db, argv);
}

void Propagation::AddEncoded(size_t argc, std::string_view body) {
  const int db = Touch();
  changes_++;
  if (enabled_) PushEncoded(db, argc, body);
}

void Propagation::AddReplacing(std::span<const std::string_view> argv, size_t index,
                               std::string_view arg) {
  const int db = Touch();
  changes_++;
  if (!enabled_) return;
  StartRecord(db, false);
  if (IsNotedRequest(argv) && index > 0 && index < argv.size()) {
    // The request's bytes around the replaced argument's bulk: it starts after the previous
    // argument's CRLF and ends after its own.
    assert(EncodesAs(argv, request_resp_));
    const char* const base = request_resp_.data();
    const size_t from = static_cast<size_t>(argv[index - 1].data() - base) + argv[index - 1].size() + 2;
    const size_t to = static_cast<size_t>(argv[index].data() - base) + argv[index].size() + 2;
    const size_t start = bytes_.size();
    bytes_.resize(start + from + kHeaderMax + arg.size() + 2 + (request_resp_.size() - to));
    char* p = bytes_.data() + start;
    std::memcpy(p, base, from);
    p = WriteBulk(p + from, arg);
    std::memcpy(p, base + to, request_resp_.size() - to);
    p += request_resp_.size() - to;
    bytes_.resize(static_cast<size_t>(p - bytes_.data()));
    return;
  }
  size_t need = kHeaderMax + kHeaderMax + arg.size() + 2;
  for (std::string_view a : argv) need += kHeaderMax + a.size() + 2;
  const size_t start = bytes_.size();
  bytes_.resize(start + need);
  char* p = WriteHeader(bytes_.data() + start, '*', argv.size());
  for (size_t i = 0; i < argv.size(); i++) p = WriteBulk(p, i == index ? arg : argv[i]);
  bytes_.resize(static_cast<size_t>(p - bytes_.data()));
}

void Propagation::BeginRecord(size_t argc, size_t arg_bytes) {
  const int db = Touch();
  changes_++;
  assert(enabled_ && "BeginRecord while propagation is off: use AddUnrecorded");
  StartRecord(db, false);
  const size_t start = bytes_.size();
  bytes_.resize(start + kHeaderMax + argc * (kHeaderMax + 2) + arg_bytes);
  cursor_ = static_cast<size_t>(WriteHeader(bytes_.data() + start, '*', argc) - bytes_.data());
  args_owed_ = argc;
  if (argc == 0) bytes_.resize(cursor_);
}

void Propagation::Arg(std::string_view arg) {
  assert(args_owed_ > 0 && "more Arg() calls than BeginRecord announced");
  // BeginRecord's size is a hint: an argument past it grows the buffer.
  if (bytes_.size() - cursor_ < kHeaderMax + arg.size() + 2) {
    bytes_.resize(cursor_ + kHeaderMax + arg.size() + 2);
  }
  cursor_ = static_cast<size_t>(WriteBulk(bytes_.data() + cursor_, arg) - bytes_.data());
  if (--args_owed_ == 0) bytes_.resize(cursor_);
}

void Propagation::AddUnrecorded() {
  Touch();
  changes_++;
}

void Propagation::AddReplicationOnly(std::span<const std::string_view> argv) {
  if (!enabled_) return;
  Push(frames_.empty() ? 0 : frames_.back().db, argv, true);
}

void Propagation::Suppress() { Touch(); }

void Propagation::AddOutside(int db, std::span<const std::string> argv) {
  changes_++;
  if (enabled_) Push(db, argv);
}

void Propagation::AddOutside(int db, std::initializer_list<std::string_view> argv) {
  changes_++;
  if (enabled_) Push(db, argv);
}

void Propagation::AddEncodedOutside(int db, size_t argc, std::string_view body) {
  changes_++;
  if (enabled_) PushEncoded(db, argc, body);
}

void Propagation::InsertAt(size_t index, int db, std::initializer_list<std::string_view> argv) {
  if (!enabled_) return;
  if (index >= records_.size()) return Push(db, argv);
  std::string resp;
  AppendArgs(resp, argv);
  const size_t at = records_[index].offset;
  bytes_.insert(at, resp);
  for (size_t i = index; i < records_.size(); i++) records_[i].offset += resp.size();
  records_.insert(records_.begin() + static_cast<std::ptrdiff_t>(index), {at, db, false});
}

void Propagation::TruncateTo(size_t index) {
  if (index >= records_.size()) return;
  bytes_.resize(records_[index].offset);
  records_.resize(index);
}

void Propagation::WrapInTransaction(size_t first) {
  const size_t end = records_.size();
  if (end <= first || end - first < 2) return;
  const int last_db = records_[end - 1].db;
  InsertAt(first, records_[first].db, {"MULTI"});
  if (enabled_) Push(last_db, std::initializer_list<std::string_view>{"EXEC"});
}

void Propagation::Clear() {
  assert(args_owed_ == 0 && "a record begun with BeginRecord is missing arguments");
  records_.clear();
  // One huge transaction must not pin its buffer for the rest of the process's life.
  constexpr size_t kKeepCapacity = 1 << 20;
  if (bytes_.capacity() > kKeepCapacity) {
    std::string().swap(bytes_);
  } else {
    bytes_.clear();
  }
}

std::vector<PropagatedCommand> Propagation::Take() {
  std::vector<PropagatedCommand> out;
  out.reserve(records_.size());
  for (size_t i = 0; i < records_.size(); i++) {
    const size_t end = i + 1 < records_.size() ? records_[i + 1].offset : bytes_.size();
    resp::Parser parser;
    const resp::Parser::Status status =
        parser.Parse(std::string_view(bytes_).substr(records_[i].offset, end - records_[i].offset));
    assert(status == resp::Parser::Status::kComplete);
    (void)status;
    out.push_back({records_[i].db,
                   std::vector<std::string>(parser.args().begin(), parser.args().end()),
                   records_[i].replication_only});
  }
  Clear();
  return out;
}

}  // namespace server
