// The compact argument syntax of the COMMAND DOCS table (see ParseDocSyntax in
// src/commands/server/command_docs.h), parsed into the argument tree COMMAND DOCS replies with.
#include <cctype>
#include <string>
#include <string_view>
#include <vector>

#include "src/ascii.h"
#include "src/commands/server/command_docs.h"

namespace server {

namespace {

// Recursive-descent parser for the docs syntax. `pos_` walks `text_`; every Parse* returns
// false on malformed input.
class DocParser {
 public:
  explicit DocParser(std::string_view text) : text_(text) {}

  bool ParseAll(std::vector<DocArg>& out) {
    if (!ParseSeq(out)) return false;
    SkipSpaces();
    return pos_ == text_.size();
  }

 private:
  void SkipSpaces() {
    while (pos_ < text_.size() && text_[pos_] == ' ') pos_++;
  }
  char Peek() {
    SkipSpaces();
    return pos_ < text_.size() ? text_[pos_] : '\0';
  }
  std::string_view Word() {
    SkipSpaces();
    size_t start = pos_;
    while (pos_ < text_.size() && std::string_view(" []()|").find(text_[pos_]) ==
                                      std::string_view::npos) {
      pos_++;
    }
    return text_.substr(start, pos_ - start);
  }
  // Tokens are UPPER words, plus the punctuation tokens some commands take ("=", "~", "*",
  // and "$" for a stream's last ID).
  static bool IsToken(std::string_view w) {
    return !w.empty() && (std::isupper(static_cast<unsigned char>(w[0])) || w == "=" ||
                          w == "~" || w == "*" || w == "$");
  }

  // A sequence ends at ']', ')', '|' or the end of the text.
  bool ParseSeq(std::vector<DocArg>& out) {
    while (true) {
      char c = Peek();
      if (c == '\0' || c == ']' || c == ')' || c == '|') return true;
      DocArg arg;
      if (!ParseItem(arg)) return false;
      out.push_back(std::move(arg));
    }
  }

  bool ParseItem(DocArg& arg) {
    char c = Peek();
    if (c == '[' || c == '(') {
      if (!ParseGroup(arg)) return false;
    } else {
      std::string_view w = Word();
      if (w.empty()) return false;
      bool multiple = TrimDots(w);
      if (IsToken(w)) {
        char next = Peek();
        bool takes_value = !multiple && next != '\0' && next != ']' && next != ')' &&
                           next != '|' && next != '[';
        if (takes_value) {
          if (!ParseItem(arg)) return false;
        } else {
          arg.name = AsciiLower(w);
          arg.type = "pure-token";
        }
        arg.token = std::string(w);
        arg.multiple = arg.multiple || multiple;
      } else {
        MakeArg(w, arg);
        arg.multiple = multiple;
      }
    }
    return true;
  }

  // A bracket group; a trailing "..." after its closing bracket repeats it.
  bool ParseGroup(DocArg& arg) {
    char open = text_[pos_++];
    char close = open == '[' ? ']' : ')';
    std::string label;
    size_t eq = text_.find('=', pos_);
    size_t stop = text_.find_first_of(" []()|", pos_);
    if (eq != std::string_view::npos && eq < stop) {
      label = std::string(text_.substr(pos_, eq - pos_));
      pos_ = eq + 1;
    }
    std::vector<std::vector<DocArg>> alts(1);
    while (true) {
      if (!ParseSeq(alts.back())) return false;
      char c = Peek();
      if (c == '|') {
        pos_++;
        alts.emplace_back();
      } else if (c == close) {
        pos_++;
        break;
      } else {
        return false;
      }
    }
    for (const auto& alt : alts) {
      if (alt.empty()) return false;
    }
    if (alts.size() > 1) {
      arg.type = "oneof";
      for (auto& alt : alts) {
        if (alt.size() == 1) {
          arg.args.push_back(std::move(alt[0]));
        } else {
          DocArg block;
          block.type = "block";
          block.name = alt[0].name;
          block.args = std::move(alt);
          arg.args.push_back(std::move(block));
        }
      }
      arg.name = label.empty() ? arg.args[0].name : label;
    } else if (alts[0].size() == 1) {
      // One item: the group only marks it optional, or names it ("[x=AUTH (user pass)]").
      arg = std::move(alts[0][0]);
      if (!label.empty()) arg.name = label;
    } else {
      arg.type = "block";
      arg.name = label.empty() ? alts[0][0].name : label;
      arg.args = std::move(alts[0]);
    }
    if (open == '[') arg.optional = true;
    if (text_.substr(pos_, 3) == "...") {
      pos_ += 3;
      arg.multiple = true;
      arg.multiple_token = alts.size() == 1 && alts[0].size() == 1 && !arg.token.empty() &&
                           arg.type != "pure-token";
    }
    return true;
  }

  static bool TrimDots(std::string_view& w) {
    if (w.size() > 3 && w.substr(w.size() - 3) == "...") {
      w.remove_suffix(3);
      return true;
    }
    return false;
  }

  void MakeArg(std::string_view w, DocArg& arg) {
    int spec_index = -1;
    if (size_t hash = w.rfind('#'); hash != std::string_view::npos && hash + 1 < w.size() &&
                                    std::isdigit(static_cast<unsigned char>(w[hash + 1]))) {
      spec_index = w[hash + 1] - '0';
      w = w.substr(0, hash);
    }
    size_t colon = w.rfind(':');
    std::string_view type;
    // "ip:port" is a name, not name:type: types are lower-case words we know.
    if (colon != std::string_view::npos) {
      std::string_view t = w.substr(colon + 1);
      if (t == "key" || t == "integer" || t == "double" || t == "pattern" || t == "unix-time" ||
          t == "string") {
        type = t;
        w = w.substr(0, colon);
      }
    }
    if (type.empty()) type = w == "key" ? "key" : "string";
    arg.name = std::string(w);
    arg.type = std::string(type);
    // Keys number their key specs in order of appearance (ZUNIONSTORE: destination 0, keys 1);
    // a "#N" suffix names the spec outright (SORT's patterns and STORE destination).
    if (type == "key") arg.key_spec_index = next_key_spec_++;
    if (spec_index >= 0) arg.key_spec_index = spec_index;
  }

  std::string_view text_;
  size_t pos_ = 0;
  int next_key_spec_ = 0;
};

}  // namespace

bool ParseDocSyntax(std::string_view syntax, std::vector<DocArg>& out) {
  out.clear();
  return DocParser(syntax).ParseAll(out);
}

}  // namespace server
