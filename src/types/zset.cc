#include "src/types/zset.h"

#include <charconv>
#include <cmath>
#include <limits>

namespace types {

std::string ScoreText(double score) {
  if (std::isinf(score)) return score > 0 ? "inf" : "-inf";
  char buf[32];
  auto r = std::to_chars(buf, buf + sizeof buf, score);
  return std::string(buf, r.ptr);
}

double ZSet::PackedScore(std::string_view text) {
  if (text == "inf") return std::numeric_limits<double>::infinity();
  if (text == "-inf") return -std::numeric_limits<double>::infinity();
  double v = 0;
  std::from_chars(text.data(), text.data() + text.size(), v);
  return v;
}

ZSet::ZSet(const ZSet& other) : big_(other.big_), listpack_(other.listpack_) {
  if (!big_) return;
  other.dict_.ForEach([&](std::string_view member, double score) {
    auto [node, inserted] = dict_.UpsertEntry(member, score);
    (void)inserted;
    index_.Insert(Entry{score, node});
  });
}

Listpack::Pos ZSet::FindPacked(std::string_view member) const {
  return listpack_.Find(member, listpack_.begin(), 2);
}

Listpack::Pos ZSet::PackedInsertPos(double score, std::string_view member) const {
  Listpack::Pos p = listpack_.begin();
  while (p != listpack_.end()) {
    const std::string_view m = listpack_.At(p);
    const Listpack::Pos s = listpack_.Next(p);
    const double sc = PackedScore(listpack_.At(s));
    if (sc > score || (sc == score && m > member)) return p;
    p = listpack_.Next(s);
  }
  return p;
}

std::optional<double> ZSet::Score(std::string_view member) const {
  if (big_) {
    const double* s = dict_.Find(member);
    return s == nullptr ? std::nullopt : std::optional<double>(*s);
  }
  const Listpack::Pos p = FindPacked(member);
  if (p == Listpack::kNone) return std::nullopt;
  return PackedScore(listpack_.At(listpack_.Next(p)));
}

void ZSet::ConvertToBig() {
  for (Listpack::Pos p = listpack_.begin(); p != listpack_.end();) {
    const std::string_view m = listpack_.At(p);
    const Listpack::Pos s = listpack_.Next(p);
    const double score = PackedScore(listpack_.At(s));
    auto [node, inserted] = dict_.UpsertEntry(m, score);
    (void)inserted;
    index_.Insert(Entry{score, node});
    p = listpack_.Next(s);
  }
  listpack_.Clear();
  listpack_.ShrinkToFit();
  big_ = true;
}

bool ZSet::Set(std::string_view member, double score, const Limits& limits) {
  if (!big_) {
    const Listpack::Pos p = FindPacked(member);
    if (p != Listpack::kNone) {
      // Moving an existing member: out and back in at its new place.
      listpack_.EraseRange(p, 2);
    } else if (size() + 1 > limits.max_listpack_entries ||
               member.size() > limits.max_listpack_value) {
      ConvertToBig();
    }
    if (!big_) {
      const std::string text = ScoreText(score);
      const Listpack::Pos at = PackedInsertPos(score, member);
      listpack_.Insert(listpack_.Insert(at, text), member);
      return p == Listpack::kNone;
    }
  }
  if (const auto* node = dict_.FindEntry(member)) {
    if (node->value == score) return false;
    index_.Erase(Entry{node->value, node});
    auto [moved, inserted] = dict_.UpsertEntry(member, score);
    (void)inserted;
    index_.Insert(Entry{score, moved});
    return false;
  }
  auto [node, inserted] = dict_.UpsertEntry(member, score);
  (void)inserted;
  index_.Insert(Entry{score, node});
  return true;
}

bool ZSet::Remove(std::string_view member) {
  if (!big_) {
    const Listpack::Pos p = FindPacked(member);
    if (p == Listpack::kNone) return false;
    listpack_.EraseRange(p, 2);
    return true;
  }
  const auto* node = dict_.FindEntry(member);
  if (node == nullptr) return false;
  index_.Erase(Entry{node->value, node});
  dict_.Erase(member);
  return true;
}

std::optional<size_t> ZSet::Rank(std::string_view member) const {
  if (big_) {
    const auto* node = dict_.FindEntry(member);
    if (node == nullptr) return std::nullopt;
    return index_.Rank(Entry{node->value, node});
  }
  size_t rank = 0;
  for (Listpack::Pos p = listpack_.begin(); p != listpack_.end(); rank++) {
    if (listpack_.At(p) == member) return rank;
    p = listpack_.Next(listpack_.Next(p));
  }
  return std::nullopt;
}

size_t ZSet::CountBelow(double score, bool inclusive) const {
  auto below = [&](double s) { return inclusive ? s <= score : s < score; };
  if (big_) {
    return index_.CountLess(score, [&](const Entry& e, double) { return below(e.score); });
  }
  size_t n = 0;
  for (Listpack::Pos p = listpack_.begin(); p != listpack_.end(); n++) {
    const Listpack::Pos s = listpack_.Next(p);
    if (!below(PackedScore(listpack_.At(s)))) break;
    p = listpack_.Next(s);
  }
  return n;
}

size_t ZSet::CountBelowLex(std::string_view member, bool inclusive) const {
  auto below = [&](std::string_view m) { return inclusive ? m <= member : m < member; };
  if (big_) {
    return index_.CountLess(member, [&](const Entry& e, std::string_view) {
      return below(e.member());
    });
  }
  size_t n = 0;
  for (Listpack::Pos p = listpack_.begin(); p != listpack_.end(); n++) {
    if (!below(listpack_.At(p))) break;
    p = listpack_.Next(listpack_.Next(p));
  }
  return n;
}

ZSet::Item ZSet::At(size_t rank) const {
  Item out{};
  Walk(rank, 1, false, [&](const Item& item) {
    out = item;
    return false;
  });
  return out;
}

size_t ZSet::MemoryUsage(size_t samples) const {
  if (!big_) return listpack_.capacity();
  // The member table, plus the index's entries (its leaves run between half and full).
  return dict_.EstimateBytes(samples, [](double) { return size_t{0}; }) +
         index_.size() * sizeof(Entry);
}

}  // namespace types
