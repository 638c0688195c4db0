// A pipelined load generator lighter than redis-benchmark, so that the -P 16 rows of bench/run
// measure the server and not the client: one thread, CLIENTS non-blocking connections driven by
// epoll, each with PIPELINE requests in flight (a batch is sent whole once every reply of the
// previous one is in, as redis-benchmark does). Requests are RESP encoded once; with -r each
// __rand_int__ is overwritten in place by a 12-digit number drawn afresh below R (redis-benchmark's
// form), without -r it stays literal (redis-benchmark's too). Replies are only counted, never
// built: the parser walks each one's framing. An error reply or a lost connection exits 1.
// Prints "ops_per_sec X", "p99_ms Y" (per request: from its batch's send to its reply's read).
//   pipe_bench PORT [-c CLIENTS] [-P PIPELINE] [-n REQUESTS] [-r RANGE] COMMAND ARGS...
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <string>
#include <vector>

namespace {

[[noreturn]] void Fail(const std::string& what) {
  std::fprintf(stderr, "pipe_bench: %s\n", what.c_str());
  std::exit(1);
}

int64_t NowNs() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return int64_t{ts.tv_sec} * 1000000000 + ts.tv_nsec;
}

// xorshift64*: cheap and good enough to spread keys.
uint64_t NextRandom(uint64_t& s) {
  s ^= s >> 12;
  s ^= s << 25;
  s ^= s >> 27;
  return s * 2685821657736338717ULL;
}

constexpr char kPlaceholder[] = "__rand_int__";
constexpr size_t kPlaceholderLen = sizeof(kPlaceholder) - 1;  // 12, as the digits written

// The command encoded once as a RESP multibulk, with the offsets of its __rand_int__s.
struct Template {
  std::string bytes;
  std::vector<size_t> slots;
};

Template Encode(const std::vector<std::string>& args, bool substitute) {
  Template t;
  t.bytes = "*" + std::to_string(args.size()) + "\r\n";
  for (const auto& a : args) {
    t.bytes += "$" + std::to_string(a.size()) + "\r\n";
    const size_t start = t.bytes.size();
    t.bytes += a + "\r\n";
    for (size_t at = a.find(kPlaceholder); substitute && at != std::string::npos;
         at = a.find(kPlaceholder, at + kPlaceholderLen)) {
      t.slots.push_back(start + at);
    }
  }
  return t;
}

// The end of the line starting at p (past its \r\n), or nullptr when it is not all in.
const char* LineEnd(const char* p, const char* end) {
  const void* cr = std::memchr(p, '\r', end - p);
  if (cr == nullptr) return nullptr;
  const char* nl = static_cast<const char*>(cr) + 1;
  return nl < end ? nl + 1 : nullptr;
}

// Skips one complete reply starting at p: its end, or nullptr when it is not all in yet.
// Sets *error on an error reply (its text is printed by the caller).
const char* SkipReply(const char* p, const char* end, bool* error) {
  if (p >= end) return nullptr;
  const char type = *p;
  const char* next = LineEnd(p, end);
  if (next == nullptr) return nullptr;
  switch (type) {
    case '-':
    case '!':
      *error = true;
      return next;
    case '$':
    case '=': {
      const long len = std::strtol(p + 1, nullptr, 10);
      if (len < 0) return next;
      return end - next >= len + 2 ? next + len + 2 : nullptr;
    }
    case '*':
    case '~':
    case '>':
    case '%': {
      long n = std::strtol(p + 1, nullptr, 10);
      if (type == '%') n *= 2;
      for (long i = 0; i < n && next != nullptr; i++) next = SkipReply(next, end, error);
      return next;
    }
    default:  // + : _ , # ( and anything else of one line
      return next;
  }
}

struct Client {
  int fd = -1;
  std::vector<char> in;      // unparsed reply bytes [0, in_len)
  size_t in_len = 0;
  std::string out;           // the batch being written, from out_at
  size_t out_at = 0;
  long awaiting = 0;         // replies of the current batch still to come
  int64_t sent_ns = 0;
};

class Bench {
 public:
  Bench(int port, int clients, int pipeline, long requests, long range, Template t)
      : pipeline_(pipeline), requests_(requests), range_(range), tmpl_(std::move(t)),
        clients_(clients), out_registered_(clients, false), histogram_(kBuckets + 1, 0) {
    epoll_ = epoll_create1(0);
    if (epoll_ < 0) Fail("epoll_create1");
    for (int i = 0; i < clients; i++) Connect(port, i);
  }

  void Run() {
    const int64_t t0 = NowNs();
    for (size_t i = 0; i < clients_.size(); i++) SendBatch(i);
    std::vector<epoll_event> events(clients_.size());
    while (done_ < requests_) {
      const int n = epoll_wait(epoll_, events.data(), static_cast<int>(events.size()), 10000);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) Fail("no reply for 10 s");
      for (int e = 0; e < n; e++) {
        const size_t i = events[e].data.u64;
        if (events[e].events & EPOLLOUT) Flush(i);
        if (events[e].events & (EPOLLIN | EPOLLHUP | EPOLLERR)) Read(i);
      }
    }
    const double secs = static_cast<double>(NowNs() - t0) / 1e9;
    std::printf("ops_per_sec %.0f\n", static_cast<double>(done_) / secs);
    std::printf("p99_ms %.3f\n", Percentile(0.99) / 1000.0);
  }

 private:
  static constexpr size_t kBuckets = 1000000;  // 1 us each, up to 1 s; the last is "longer"

  void Connect(int port, int i) {
    Client& c = clients_[i];
    c.fd = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<uint16_t>(port));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (c.fd < 0 || connect(c.fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
      Fail("cannot connect to port " + std::to_string(port));
    }
    int one = 1;
    setsockopt(c.fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    fcntl(c.fd, F_SETFL, fcntl(c.fd, F_GETFL) | O_NONBLOCK);
    c.in.resize(64 * 1024);
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.u64 = static_cast<uint64_t>(i);
    if (epoll_ctl(epoll_, EPOLL_CTL_ADD, c.fd, &ev) != 0) Fail("epoll_ctl");
  }

  // The next batch: up to PIPELINE requests of those not yet issued, keys drawn afresh.
  void SendBatch(size_t i) {
    Client& c = clients_[i];
    const long batch = std::min<long>(pipeline_, requests_ - issued_);
    if (batch <= 0) return;
    issued_ += batch;
    c.out.clear();
    c.out_at = 0;
    for (long r = 0; r < batch; r++) {
      const size_t base = c.out.size();
      c.out += tmpl_.bytes;
      for (size_t slot : tmpl_.slots) WriteDigits(&c.out[base + slot]);
    }
    c.awaiting = batch;
    c.sent_ns = NowNs();
    Flush(i);
  }

  void WriteDigits(char* at) {
    uint64_t v = NextRandom(rng_) % static_cast<uint64_t>(range_);
    for (int d = static_cast<int>(kPlaceholderLen) - 1; d >= 0; d--, v /= 10) at[d] = '0' + v % 10;
  }

  void Flush(size_t i) {
    Client& c = clients_[i];
    while (c.out_at < c.out.size()) {
      const ssize_t w = write(c.fd, c.out.data() + c.out_at, c.out.size() - c.out_at);
      if (w < 0 && errno == EINTR) continue;
      if (w < 0 && errno == EAGAIN) break;
      if (w <= 0) Fail("write failed");
      c.out_at += static_cast<size_t>(w);
    }
    // EPOLLOUT only while a batch is half written (the socket buffer was full).
    const bool want_out = c.out_at < c.out.size();
    if (want_out != out_registered_[i]) {
      epoll_event ev{};
      ev.events = EPOLLIN | (want_out ? uint32_t{EPOLLOUT} : 0u);
      ev.data.u64 = static_cast<uint64_t>(i);
      epoll_ctl(epoll_, EPOLL_CTL_MOD, c.fd, &ev);
      out_registered_[i] = want_out;
    }
  }

  void Read(size_t i) {
    Client& c = clients_[i];
    if (c.in.size() - c.in_len < 16 * 1024) c.in.resize(c.in.size() * 2);
    const ssize_t r = read(c.fd, c.in.data() + c.in_len, c.in.size() - c.in_len);
    if (r < 0 && (errno == EINTR || errno == EAGAIN)) return;
    if (r <= 0) Fail("the server closed a connection");
    c.in_len += static_cast<size_t>(r);
    const int64_t now = NowNs();
    const char* p = c.in.data();
    const char* end = p + c.in_len;
    long got = 0;
    for (;;) {
      bool error = false;
      const char* next = SkipReply(p, end, &error);
      if (next == nullptr) break;
      if (error) Fail("error reply: " + std::string(p, LineEnd(p, end) - 2 - p));
      p = next;
      got++;
    }
    c.in_len = static_cast<size_t>(end - p);
    if (c.in_len > 0 && p != c.in.data()) std::memmove(c.in.data(), p, c.in_len);
    if (got == 0) return;
    if (got > c.awaiting) Fail("more replies than requests");
    const uint64_t us = static_cast<uint64_t>(now - c.sent_ns) / 1000;
    histogram_[us < kBuckets ? us : kBuckets] += static_cast<uint64_t>(got);
    c.awaiting -= got;
    done_ += got;
    if (c.awaiting == 0) SendBatch(i);
  }

  // The latency (us) under which the given share of requests fell.
  double Percentile(double share) const {
    const uint64_t want = static_cast<uint64_t>(share * static_cast<double>(done_));
    uint64_t seen = 0;
    for (size_t us = 0; us <= kBuckets; us++) {
      seen += histogram_[us];
      if (seen >= want && seen > 0) return static_cast<double>(us);
    }
    return static_cast<double>(kBuckets);
  }

  int epoll_ = -1;
  const long pipeline_;
  const long requests_;
  const long range_;
  const Template tmpl_;
  std::vector<Client> clients_;
  std::vector<bool> out_registered_;
  std::vector<uint64_t> histogram_;
  long issued_ = 0;
  long done_ = 0;
  uint64_t rng_ = 0x9E3779B97F4A7C15ULL;
};

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) Fail("usage: pipe_bench PORT [-c CLIENTS] [-P PIPELINE] [-n REQUESTS] [-r RANGE] COMMAND ARGS...");
  const int port = std::atoi(argv[1]);
  long clients = 50, pipeline = 1, requests = 100000, range = 0;
  int a = 2;
  for (; a + 1 < argc && argv[a][0] == '-'; a += 2) {
    const std::string opt = argv[a];
    const long v = std::atol(argv[a + 1]);
    if (opt == "-c") clients = v;
    else if (opt == "-P") pipeline = v;
    else if (opt == "-n") requests = v;
    else if (opt == "-r") range = v;
    else Fail("unknown option " + opt);
  }
  if (a >= argc) Fail("no command given");
  if (clients < 1 || pipeline < 1 || requests < 1 || range < 0) Fail("bad option value");
  const std::vector<std::string> args(argv + a, argv + argc);
  Bench bench(port, static_cast<int>(clients), static_cast<int>(pipeline), requests, range,
              Encode(args, range > 0));
  bench.Run();
  return 0;
}
