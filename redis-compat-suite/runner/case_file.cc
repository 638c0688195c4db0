#include "redis-compat-suite/runner/case_file.h"

#include <charconv>
#include <fstream>
#include <sstream>

#include "redis-compat-suite/runner/frame.h"
#include "resp/parser.h"

namespace compat {

namespace {

std::string Trim(const std::string& s) {
  size_t b = s.find_first_not_of(" \t\r");
  if (b == std::string::npos) return "";
  size_t e = s.find_last_not_of(" \t\r");
  return s.substr(b, e - b + 1);
}

bool ParseInt(const std::string& s, int& v) {
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  return ec == std::errc() && p == s.data() + s.size();
}

std::vector<std::string> Words(const std::string& s) {
  std::istringstream in(s);
  std::vector<std::string> out;
  for (std::string w; in >> w;) out.push_back(w);
  return out;
}

}  // namespace

bool ParseCaseFile(const std::string& path, CaseFile& out, std::string& error) {
  std::ifstream in(path);
  if (!in) {
    error = "cannot open " + path;
    return false;
  }
  out = CaseFile{};
  out.path = path;
  size_t slash = path.find_last_of('/');
  out.name = slash == std::string::npos ? path : path.substr(slash + 1);
  if (out.name.ends_with(".redis")) out.name.resize(out.name.size() - 6);

  // Modifiers (@mask, @sort, ...) accumulate here until the next command or @raw.
  Normalisation pending;
  std::string let_name, let_field;
  bool pending_any = false;
  std::string line;
  int lineno = 0;
  auto fail = [&](const std::string& msg) {
    error = "line " + std::to_string(lineno) + ": " + msg;
    return false;
  };
  auto attach = [&](Step& s) {
    s.norm = pending;
    s.let_name = let_name;
    s.let_field = let_field;
    pending = Normalisation{};
    let_name.clear();
    let_field.clear();
    pending_any = false;
  };
  while (std::getline(in, line)) {
    lineno++;
    std::string t = Trim(line);
    if (t.empty() || t[0] == '#') continue;
    if (t.starts_with("=>")) {
      if (out.steps.empty() ||
          (out.steps.back().kind != Step::Kind::kCommand &&
           out.steps.back().kind != Step::Kind::kRaw) ||
          out.steps.back().expected || !out.steps.back().compare) {
        return fail("'=>' must follow a compared command or @raw");
      }
      std::string bytes;
      if (!Unescape(Trim(t.substr(2)), bytes)) return fail("bad escape in '=>' bytes");
      size_t pos = 0;
      Frame f;
      std::string ferr;
      while (pos < bytes.size()) {
        if (ParseFrame(bytes, pos, f, ferr) != FrameStatus::kComplete) {
          return fail("'=>' bytes are not complete RESP frames: " + ferr);
        }
      }
      out.steps.back().expected = bytes;
      continue;
    }
    if (t[0] == '@') {
      std::vector<std::string> w = Words(t);
      const std::string& d = w[0];
      if (d == "@mask" || d == "@fields") {
        if (w.size() < 2) return fail(d + " needs at least one field name");
        auto& list = d == "@mask" ? pending.mask : pending.fields;
        list.insert(list.end(), w.begin() + 1, w.end());
        if (d == "@fields") pending.has_fields = true;
        pending_any = true;
      } else if (d == "@sort" || d == "@shape" || d == "@type") {
        if (w.size() != 1) return fail(d + " takes no argument");
        (d == "@sort" ? pending.sort : d == "@shape" ? pending.shape : pending.type_only) = true;
        pending_any = true;
      } else if (d == "@let") {
        if (w.size() < 2 || w.size() > 3) return fail("usage: @let NAME [FIELD]");
        let_name = w[1];
        let_field = w.size() == 3 ? w[2] : "";
        pending_any = true;
      } else if (d == "@raw") {
        Step s;
        s.kind = Step::Kind::kRaw;
        s.line = lineno;
        size_t sp1 = t.find(' ');
        size_t sp2 = sp1 == std::string::npos ? sp1 : t.find(' ', sp1 + 1);
        if (sp2 == std::string::npos || !ParseInt(t.substr(sp1 + 1, sp2 - sp1 - 1), s.replies) ||
            s.replies < 0) {
          return fail("usage: @raw N <escaped bytes>");
        }
        if (!Unescape(t.substr(sp2 + 1), s.raw)) return fail("bad escape in @raw bytes");
        attach(s);
        out.steps.push_back(std::move(s));
      } else if (d == "@read") {
        // Replies nobody asked for (pub/sub messages): read N without sending anything.
        Step s;
        s.kind = Step::Kind::kRaw;
        s.line = lineno;
        if (w.size() != 2 || !ParseInt(w[1], s.replies) || s.replies < 1) {
          return fail("usage: @read N");
        }
        attach(s);
        out.steps.push_back(std::move(s));
      } else if (d == "@conn" || d == "@sleep") {
        Step s;
        s.kind = d == "@conn" ? Step::Kind::kConn : Step::Kind::kSleep;
        s.line = lineno;
        if (w.size() != 2 || !ParseInt(w[1], s.number) || s.number < (d == "@conn" ? 1 : 0)) {
          return fail("usage: " + d + " N");
        }
        if (pending_any) return fail("modifiers must be followed by a command");
        out.steps.push_back(std::move(s));
      } else if (d == "@eof" || d == "@reconnect") {
        if (w.size() != 1) return fail(d + " takes no argument");
        if (pending_any) return fail("modifiers must be followed by a command");
        Step s;
        s.kind = d == "@eof" ? Step::Kind::kEof : Step::Kind::kReconnect;
        s.line = lineno;
        out.steps.push_back(std::move(s));
      } else {
        return fail("unknown directive " + d);
      }
      continue;
    }
    Step s;
    s.line = lineno;
    if (t[0] == '!') {
      s.compare = false;
      t = Trim(t.substr(1));
    }
    std::vector<std::string> args;
    if (!resp::SplitInlineArgs(t, args) || args.empty()) {
      return fail("cannot tokenise command (unbalanced quotes?)");
    }
    s.text = t;
    attach(s);
    out.steps.push_back(std::move(s));
  }
  if (pending_any) return fail("modifiers at the end of the file apply to nothing");
  return true;
}

}  // namespace compat
