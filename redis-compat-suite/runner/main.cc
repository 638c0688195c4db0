// compat_runner: Runnel's differential test driver. Starts Debian's redis-server (the oracle)
// and runnel-server on free ports, plays every case file against both on fresh connections and
// compares the raw reply bytes after the file's explicit normalisations. The servers are
// children of this process and are killed on every exit path (including a crash of the runner,
// through PR_SET_PDEATHSIG).
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <map>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "redis-compat-suite/runner/case_file.h"
#include "redis-compat-suite/runner/frame.h"
#include "resp/parser.h"

#ifndef RUNNEL_SERVER_BIN
#define RUNNEL_SERVER_BIN "runnel-server"
#endif
#ifndef COMPAT_CASES_DIR
#define COMPAT_CASES_DIR "cases"
#endif

namespace compat {

namespace {

namespace fs = std::filesystem;

constexpr int kReplyTimeoutMs = 5000;
constexpr int kEofTimeoutMs = 1000;
constexpr int kStartTimeoutMs = 10000;

bool g_verbose = false;

// ---------------------------------------------------------------- connections

// [subscribe|unsubscribe|psubscribe|punsubscribe|ssubscribe|sunsubscribe, name, count].
bool IsSubscribeConfirmation(const Frame& f) {
  if (f.children.size() != 3 || !f.children[0].IsStringLike()) return false;
  static constexpr std::string_view kKinds[] = {"subscribe",  "unsubscribe",  "psubscribe",
                                                "punsubscribe", "ssubscribe", "sunsubscribe"};
  for (std::string_view k : kKinds) {
    if (f.children[0].text == k) return true;
  }
  return false;
}

struct Reply {
  enum class Status { kOk, kClosed, kTimeout, kGarbage };
  Status status = Status::kOk;
  std::vector<Frame> frames;  // pushes and attributes first, then the reply proper
  std::string raw;
  std::string note;
};

class Conn {
 public:
  Conn() = default;
  Conn(const Conn&) = delete;
  Conn& operator=(const Conn&) = delete;
  ~Conn() { Close(); }

  bool Open(int port) {
    Close();
    fd_ = socket(AF_INET, SOCK_STREAM, 0);
    if (fd_ < 0) return false;
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(static_cast<uint16_t>(port));
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (connect(fd_, reinterpret_cast<sockaddr*>(&a), sizeof(a)) != 0) {
      Close();
      return false;
    }
    int one = 1;
    setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    return true;
  }

  void Close() {
    if (fd_ >= 0) close(fd_);
    fd_ = -1;
    buf_.clear();
    pos_ = 0;
  }

  bool open() const { return fd_ >= 0; }

  bool Send(std::string_view bytes) {
    while (!bytes.empty() && fd_ >= 0) {
      ssize_t n = send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) return false;
      bytes.remove_prefix(static_cast<size_t>(n));
    }
    return fd_ >= 0;
  }

  // One full reply: any push or attribute frames followed by the reply itself. A RESP3 push
  // that confirms a (un)subscribe is the command's reply, not something before it; with
  // `push_ends` (@read: messages nobody asked for), any push is a whole reply.
  Reply Read(int timeout_ms, bool push_ends = false) {
    Reply r;
    if (fd_ < 0) {
      r.status = Reply::Status::kClosed;
      return r;
    }
    auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
    while (true) {
      Frame f;
      std::string err;
      size_t p = pos_;
      FrameStatus st = ParseFrame(buf_, p, f, err);
      if (st == FrameStatus::kError) {
        r.status = Reply::Status::kGarbage;
        r.note = err;
        r.raw += buf_.substr(pos_);
        Close();
        return r;
      }
      if (st == FrameStatus::kComplete) {
        r.raw += buf_.substr(pos_, p - pos_);
        pos_ = p;
        char type = f.type;
        const bool ends = type == '>' && (push_ends || IsSubscribeConfirmation(f));
        r.frames.push_back(std::move(f));
        if ((type != '>' && type != '|') || ends) break;
        continue;
      }
      int left = static_cast<int>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                      deadline - std::chrono::steady_clock::now())
                                      .count());
      int got = Fill(std::max(left, 0));
      if (got == 0) {
        r.status = Reply::Status::kClosed;
        r.raw += buf_.substr(pos_);
        Close();
        return r;
      }
      if (got < 0) {
        r.status = Reply::Status::kTimeout;
        r.raw += buf_.substr(pos_);
        Close();  // later replies would be misaligned
        return r;
      }
    }
    Compact();
    return r;
  }

  // Waits for the server to close the connection: "(connection closed)", "(still open)" or
  // whatever unexpected bytes arrived.
  std::string AwaitEof(int timeout_ms) {
    if (fd_ < 0) return "(connection closed)";
    if (pos_ < buf_.size()) {
      std::string extra = "(unexpected bytes) " + buf_.substr(pos_);
      Close();
      return extra;
    }
    int got = Fill(timeout_ms);
    if (got == 0) {
      Close();
      return "(connection closed)";
    }
    if (got < 0) return "(still open)";
    std::string extra = "(unexpected bytes) " + buf_.substr(pos_);
    Close();
    return extra;
  }

 private:
  // >0 bytes read, 0 EOF (or reset), -1 timeout.
  int Fill(int timeout_ms) {
    pollfd p{fd_, POLLIN, 0};
    int rc;
    do {
      rc = poll(&p, 1, timeout_ms);
    } while (rc < 0 && errno == EINTR);
    if (rc == 0) return -1;
    char tmp[16384];
    ssize_t n;
    do {
      n = recv(fd_, tmp, sizeof(tmp), 0);
    } while (n < 0 && errno == EINTR);
    if (n <= 0) return 0;
    buf_.append(tmp, static_cast<size_t>(n));
    return static_cast<int>(n);
  }

  void Compact() {
    if (pos_ == buf_.size()) {
      buf_.clear();
      pos_ = 0;
    }
  }

  int fd_ = -1;
  std::string buf_;
  size_t pos_ = 0;
};

std::string EncodeCommand(const std::vector<std::string>& args) {
  std::string s = "*" + std::to_string(args.size()) + "\r\n";
  for (const auto& a : args) s += "$" + std::to_string(a.size()) + "\r\n" + a + "\r\n";
  return s;
}

// ---------------------------------------------------------------- server processes

std::vector<pid_t> g_children;

void KillChildren() {
  for (pid_t pid : g_children) {
    if (pid > 0) kill(pid, SIGKILL);
  }
  for (pid_t pid : g_children) {
    if (pid > 0) waitpid(pid, nullptr, 0);
  }
  g_children.clear();
}

void OnSignal(int sig) {
  for (pid_t pid : g_children) {
    if (pid > 0) kill(pid, SIGKILL);
  }
  signal(sig, SIG_DFL);
  raise(sig);
}

// Binds all requested ports at once before releasing them so they are distinct.
std::vector<int> FreePorts(size_t n) {
  std::vector<int> fds, ports;
  for (size_t i = 0; i < n; i++) {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof(a);
    if (fd < 0 || bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof(a)) != 0 ||
        getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) != 0) {
      std::fprintf(stderr, "cannot find a free port: %s\n", std::strerror(errno));
      std::exit(2);
    }
    fds.push_back(fd);
    ports.push_back(ntohs(a.sin_port));
  }
  for (int fd : fds) close(fd);
  return ports;
}

class ServerProcess {
 public:
  ServerProcess(std::string label, std::string binary, fs::path dir)
      : label_(std::move(label)), binary_(std::move(binary)), dir_(std::move(dir)) {}

  const std::string& label() const { return label_; }
  int port() const { return port_; }

  bool Start(int port) {
    port_ = port;
    std::vector<std::string> args{binary_};
    std::string p = std::to_string(port);
    if (label_ == "redis") {
      args.insert(args.end(), {"--port", p, "--bind", "127.0.0.1", "--save", "", "--appendonly",
                               "no", "--dir", dir_.string(), "--daemonize", "no",
                               "--enable-debug-command", "no", "--logfile", ""});
    } else {
      args.insert(args.end(), {"--port", p, "--appendonly", "no", "--dir", dir_.string()});
    }
    std::string log = (dir_ / "server.log").string();
    pid_t pid = fork();
    if (pid < 0) return false;
    if (pid == 0) {
      prctl(PR_SET_PDEATHSIG, SIGKILL);
      int fd = open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
      if (fd >= 0) {
        dup2(fd, 1);
        dup2(fd, 2);
      }
      if (chdir(dir_.c_str()) != 0) _exit(126);
      std::vector<char*> argv;
      for (auto& a : args) argv.push_back(a.data());
      argv.push_back(nullptr);
      execv(argv[0], argv.data());
      _exit(127);
    }
    pid_ = pid;
    g_children.push_back(pid);
    return WaitReady();
  }

  // Whether the process is still running; reaps it if not.
  bool Alive() {
    if (pid_ <= 0) return false;
    int status;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      std::replace(g_children.begin(), g_children.end(), pid_, pid_t{-1});
      pid_ = -1;
      return false;
    }
    return true;
  }

  std::string LogTail() const {
    FILE* f = std::fopen((dir_ / "server.log").c_str(), "r");
    if (!f) return "";
    std::string s;
    char b[4096];
    size_t n;
    while ((n = std::fread(b, 1, sizeof(b), f)) > 0) s.append(b, n);
    std::fclose(f);
    return s.size() > 2000 ? s.substr(s.size() - 2000) : s;
  }

 private:
  bool WaitReady() {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(kStartTimeoutMs);
    while (std::chrono::steady_clock::now() < deadline) {
      if (!Alive()) return false;
      Conn c;
      if (c.Open(port_) && c.Send("*1\r\n$4\r\nPING\r\n")) {
        Reply r = c.Read(1000);
        if (r.status == Reply::Status::kOk && r.raw == "+PONG\r\n") return true;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return false;
  }

  std::string label_;
  std::string binary_;
  fs::path dir_;
  int port_ = 0;
  pid_t pid_ = -1;
};

// ---------------------------------------------------------------- running a case

std::string StatusSuffix(const Reply& r) {
  switch (r.status) {
    case Reply::Status::kOk: return "";
    case Reply::Status::kClosed: return "(connection closed)";
    case Reply::Status::kTimeout: return "(no reply)";
    case Reply::Status::kGarbage: return "(not RESP: " + r.note + ")";
  }
  return "";
}

// The bytes that are compared: the reply after the step's normalisations.
std::string Render(const Reply& r, const Normalisation& n) {
  if (r.status != Reply::Status::kOk) return r.raw + StatusSuffix(r);
  if (!n.Any()) return r.raw;
  std::vector<Frame> frames = r.frames;
  if (n.type_only) return std::string(1, frames.back().type) + " (type only)";
  if (n.has_fields) {
    const Frame& f = frames.back();
    std::string out(1, f.type);
    out += " (fields)";
    std::string text = "\n" + f.text;
    for (auto& c : text) {
      if (c == '\r') c = '\n';
    }
    for (std::string name : n.fields) {
      if (name.starts_with("#")) name = "# " + name.substr(1);  // "#Server" is "# Server"
      // "name" matches a "name:..." line; "name:value" and "# Section" match whole lines.
      bool whole_line = name.starts_with("#") || name.find(':') != std::string::npos;
      bool present = whole_line ? text.find("\n" + name + "\n") != std::string::npos
                                : text.find("\n" + name + ":") != std::string::npos;
      out += " " + name + (present ? "=present" : "=absent");
    }
    return out;
  }
  std::string out;
  for (Frame& f : frames) {
    if (!n.mask.empty()) MaskFields(f, n.mask);
    if (n.sort) SortLeafArrays(f);
    out += n.shape ? SerializeShape(f) : Serialize(f);
  }
  return out;
}

struct Side {
  ServerProcess* proc = nullptr;
  std::map<int, Conn> conns;
  int current = 1;
  std::map<std::string, std::string> vars;

  Conn& Current() {
    Conn& c = conns[current];
    if (!c.open()) c.Open(proc->port());
    return c;
  }
};

bool Substitute(const std::string& text, const std::map<std::string, std::string>& vars,
                std::string& out, std::string& error) {
  out.clear();
  for (size_t i = 0; i < text.size(); i++) {
    if (text.compare(i, 2, "${") == 0) {
      size_t end = text.find('}', i);
      if (end != std::string::npos) {
        std::string name = text.substr(i + 2, end - i - 2);
        auto it = vars.find(name);
        if (it == vars.end()) {
          error = "unknown variable ${" + name + "}";
          return false;
        }
        out += it->second;
        i = end;
        continue;
      }
    }
    out += text[i];
  }
  return true;
}

std::string LetValue(const Reply& r, const std::string& field) {
  if (r.frames.empty()) return "";
  const std::string& text = r.frames.back().text;
  if (field.empty()) return text;
  std::string first_line = text.substr(0, text.find('\n'));
  size_t pos = 0;
  while (pos <= first_line.size()) {
    size_t sp = first_line.find(' ', pos);
    std::string tok = first_line.substr(pos, sp == std::string::npos ? sp : sp - pos);
    if (tok.starts_with(field + "=")) return tok.substr(field.size() + 1);
    if (sp == std::string::npos) break;
    pos = sp + 1;
  }
  return "";
}

// Plays one command or raw step on one side; returns the rendered reply bytes.
std::string PlayStep(Side& side, const Step& step) {
  std::string payload;
  int replies = 1;
  if (step.kind == Step::Kind::kRaw) {
    payload = step.raw;
    replies = step.replies;
  } else {
    std::string text, error;
    if (!Substitute(step.text, side.vars, text, error)) return "(runner: " + error + ")";
    std::vector<std::string> args;
    resp::SplitInlineArgs(text, args);
    payload = EncodeCommand(args);
  }
  Conn& c = side.Current();
  if (!c.open()) return "(runner: cannot connect)";
  c.Send(payload);  // a failed send shows up as a closed connection when reading
  std::string out;
  for (int i = 0; i < replies; i++) {
    Reply r = c.Read(kReplyTimeoutMs, step.kind == Step::Kind::kRaw && step.raw.empty());
    out += Render(r, step.norm);
    if (!step.let_name.empty()) side.vars[step.let_name] = LetValue(r, step.let_field);
    if (r.status != Reply::Status::kOk) break;
  }
  return out;
}

struct Diff {
  int line;
  std::string what;
  std::string redis;
  std::string runnel;
  bool hand_written;
};

std::string Describe(const Step& s) {
  switch (s.kind) {
    case Step::Kind::kCommand: return (s.compare ? "" : "!") + s.text;
    case Step::Kind::kRaw: return "@raw " + std::to_string(s.replies) + " " + Escape(s.raw);
    case Step::Kind::kEof: return "@eof";
    default: return "";
  }
}

// Known passwords, so the reset can authenticate after a case that set requirepass.
std::set<std::string> g_passwords;

void NotePassword(const Step& s) {
  if (s.kind != Step::Kind::kCommand) return;
  std::vector<std::string> a;
  resp::SplitInlineArgs(s.text, a);
  auto lower = [](std::string v) {
    for (auto& ch : v) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    return v;
  };
  if (a.size() < 4 || lower(a[0]) != "config" || lower(a[1]) != "set") return;
  for (size_t i = 2; i + 1 < a.size(); i += 2) {
    if (lower(a[i]) == "requirepass") g_passwords.insert(a[i + 1]);
  }
}

// FLUSHALL and clear requirepass on a fresh admin connection. Returns an error text or "".
std::string ResetServer(ServerProcess& p) {
  Conn c;
  if (!c.Open(p.port())) return "cannot connect";
  auto call = [&](std::vector<std::string> args) {
    c.Send(EncodeCommand(args));
    return c.Read(kReplyTimeoutMs).raw;
  };
  // Only a case that set requirepass can have left one behind.
  if (!g_passwords.empty()) {
    std::string r = call({"CONFIG", "SET", "requirepass", ""});
    if (r.starts_with("-NOAUTH")) {
      for (const auto& pw : g_passwords) {
        if (call({"AUTH", pw}) == "+OK\r\n") break;
      }
      r = call({"CONFIG", "SET", "requirepass", ""});
    }
    if (r != "+OK\r\n") return "CONFIG SET requirepass \"\" replied " + Escape(r);
  }
  std::string r = call({"FLUSHALL"});
  if (r != "+OK\r\n") return "FLUSHALL replied " + Escape(r);
  return "";
}

bool RunCase(const CaseFile& cf, ServerProcess& redis, ServerProcess& runnel) {
  for (ServerProcess* p : {&redis, &runnel}) {
    std::string err = ResetServer(*p);
    if (!err.empty()) {
      std::printf("FAIL %s\n  reset of %s failed: %s\n", cf.name.c_str(), p->label().c_str(),
                  err.c_str());
      return false;
    }
  }
  Side rs, ns;
  rs.proc = &redis;
  ns.proc = &runnel;
  std::vector<Diff> diffs;
  for (const Step& step : cf.steps) {
    switch (step.kind) {
      case Step::Kind::kConn:
        rs.current = ns.current = step.number;
        continue;
      case Step::Kind::kSleep:
        std::this_thread::sleep_for(std::chrono::milliseconds(step.number));
        continue;
      case Step::Kind::kReconnect:
        rs.conns[rs.current].Close();
        ns.conns[ns.current].Close();
        continue;
      default:
        break;
    }
    std::string a, b;
    bool hand = step.expected.has_value();
    if (step.kind == Step::Kind::kEof) {
      a = rs.Current().AwaitEof(kEofTimeoutMs);
      b = ns.Current().AwaitEof(kEofTimeoutMs);
    } else if (hand) {
      Reply expected;
      size_t pos = 0;
      std::string err;
      while (pos < step.expected->size()) {
        Frame f;
        ParseFrame(*step.expected, pos, f, err);
        expected.frames.push_back(std::move(f));
      }
      expected.raw = *step.expected;
      a = Render(expected, step.norm);
      // Raw bytes go to Redis too, its replies read and dropped: they may answer what both
      // servers were already sent (a blocked command), and must not be left to misalign the
      // connection's later replies. A hand-written @read (no bytes) reads Runnel only: the
      // messages it expects come from commands sent to Runnel only.
      if (step.kind == Step::Kind::kRaw && !step.raw.empty()) PlayStep(rs, step);
      b = PlayStep(ns, step);
    } else {
      a = PlayStep(rs, step);
      b = PlayStep(ns, step);
    }
    bool same = !step.compare || a == b;
    if (g_verbose) {
      std::printf("  %s line %d: %s\n", same ? "ok  " : "DIFF", step.line,
                  Escape(Describe(step)).c_str());
      std::printf("      %s: %s\n", hand ? "expected" : "redis ", Escape(a).c_str());
      std::printf("      %s: %s\n", hand ? "runnel  " : "runnel", Escape(b).c_str());
    }
    NotePassword(step);
    if (!same) diffs.push_back({step.line, Describe(step), a, b, hand});
  }
  if (diffs.empty()) {
    std::printf("PASS %s\n", cf.name.c_str());
    return true;
  }
  std::printf("FAIL %s\n", cf.name.c_str());
  for (const Diff& d : diffs) {
    std::printf("  %s:%d: %s\n", cf.path.c_str(), d.line, Escape(d.what).c_str());
    std::printf("    %s %s\n", d.hand_written ? "expected (hand-written):" : "redis :",
                Escape(d.redis).c_str());
    std::printf("    %s %s\n", d.hand_written ? "runnel                 :" : "runnel:",
                Escape(d.runnel).c_str());
  }
  return false;
}

void Usage() {
  std::fprintf(stderr,
               "usage: compat_runner [--verbose] [--redis PATH] [--runnel PATH] [--cases DIR]\n"
               "                     [CASE...]   (CASE: a file path or a name in DIR)\n");
}

}  // namespace

int Main(int argc, char** argv) {
  std::string redis_bin = "/usr/bin/redis-server";
  std::string runnel_bin = RUNNEL_SERVER_BIN;
  std::string cases_dir = COMPAT_CASES_DIR;
  std::vector<std::string> selected;
  for (int i = 1; i < argc; i++) {
    std::string a = argv[i];
    if (a == "--verbose" || a == "-v") {
      g_verbose = true;
    } else if ((a == "--redis" || a == "--runnel" || a == "--cases") && i + 1 < argc) {
      (a == "--redis" ? redis_bin : a == "--runnel" ? runnel_bin : cases_dir) = argv[++i];
    } else if (a == "--help" || a == "-h" || a.starts_with("-")) {
      Usage();
      return 2;
    } else {
      selected.push_back(a);
    }
  }

  std::vector<std::string> files;
  if (selected.empty()) {
    for (const auto& e : fs::directory_iterator(cases_dir)) {
      if (e.path().extension() == ".redis") files.push_back(e.path().string());
    }
    std::sort(files.begin(), files.end());
  } else {
    for (const auto& s : selected) {
      if (fs::exists(s)) {
        files.push_back(s);
      } else {
        std::string name = s.ends_with(".redis") ? s : s + ".redis";
        files.push_back((fs::path(cases_dir) / name).string());
      }
    }
  }
  std::vector<CaseFile> cases;
  bool syntax_ok = true;
  for (const auto& f : files) {
    CaseFile cf;
    std::string err;
    if (!ParseCaseFile(f, cf, err)) {
      std::fprintf(stderr, "%s: %s\n", f.c_str(), err.c_str());
      syntax_ok = false;
      continue;
    }
    cases.push_back(std::move(cf));
  }
  if (!syntax_ok) return 2;

  signal(SIGINT, OnSignal);
  signal(SIGTERM, OnSignal);
  signal(SIGPIPE, SIG_IGN);
  std::atexit(KillChildren);

  char tmpl[] = "/tmp/runnel-compat-XXXXXX";
  if (mkdtemp(tmpl) == nullptr) {
    std::perror("mkdtemp");
    return 2;
  }
  fs::path root = tmpl;
  fs::create_directories(root / "redis");
  fs::create_directories(root / "runnel");
  std::vector<int> ports = FreePorts(2);
  ServerProcess redis("redis", redis_bin, root / "redis");
  ServerProcess runnel("runnel", runnel_bin, root / "runnel");
  for (auto [p, port] : {std::pair{&redis, ports[0]}, std::pair{&runnel, ports[1]}}) {
    if (!p->Start(port)) {
      std::fprintf(stderr, "could not start %s on port %d; log:\n%s\n", p->label().c_str(), port,
                   p->LogTail().c_str());
      KillChildren();
      return 2;
    }
  }
  if (g_verbose) std::printf("redis on %d, runnel on %d\n", ports[0], ports[1]);

  int passed = 0, failed = 0;
  for (const CaseFile& cf : cases) {
    bool ok = RunCase(cf, redis, runnel);
    ok ? passed++ : failed++;
    for (ServerProcess* p : {&redis, &runnel}) {
      if (p->Alive()) continue;
      std::printf("  %s died during %s; log tail:\n%s\n  restarting it\n", p->label().c_str(),
                  cf.name.c_str(), p->LogTail().c_str());
      if (!p->Start(FreePorts(1)[0])) {
        std::fprintf(stderr, "could not restart %s\n", p->label().c_str());
        KillChildren();
        return 2;
      }
    }
  }
  KillChildren();
  std::error_code ec;
  fs::remove_all(root, ec);
  std::printf("%d passed, %d failed\n", passed, failed);
  return failed == 0 ? 0 : 1;
}

}  // namespace compat

int main(int argc, char** argv) { return compat::Main(argc, argv); }
