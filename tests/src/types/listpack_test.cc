// The listpack against a std::vector<std::string> model: random inserts, erases and replaces of
// values of every length class (the varint lengths change at 128 and 16384 bytes), walked
// forwards and backwards after each step (forwards and by index only for a forward-only
// listpack, which has no back-lengths).
#include <catch2/catch.hpp>

#include <random>
#include <string>
#include <vector>

#include "src/types/listpack.h"

using types::Listpack;

namespace {

// Checks that `lp` holds exactly `model`, walking forwards, backwards and by index.
void CheckSame(const Listpack& lp, const std::vector<std::string>& model, bool back_links) {
  REQUIRE(lp.size() == model.size());
  std::vector<std::string> forward;
  for (auto p = lp.begin(); p != lp.end(); p = lp.Next(p)) forward.emplace_back(lp.At(p));
  REQUIRE(forward == model);
  for (size_t i = 0; i < model.size(); i += 7) {
    REQUIRE(lp.At(lp.Seek(static_cast<int64_t>(i))) == model[i]);
  }
  REQUIRE(lp.Seek(static_cast<int64_t>(model.size())) == Listpack::kNone);
  if (!back_links) return;
  std::vector<std::string> backward;
  for (auto p = lp.last(); p != Listpack::kNone; p = lp.Prev(p)) backward.emplace_back(lp.At(p));
  REQUIRE(std::vector<std::string>(backward.rbegin(), backward.rend()) == model);
  for (size_t i = 0; i < model.size(); i += 7) {
    REQUIRE(lp.At(lp.Seek(-static_cast<int64_t>(i) - 1)) == model[model.size() - 1 - i]);
  }
  REQUIRE(lp.Seek(-static_cast<int64_t>(model.size()) - 1) == Listpack::kNone);
}

std::string RandomValue(std::mt19937_64& rng) {
  static const size_t kLengths[] = {0, 1, 5, 126, 127, 128, 129, 300, 16383, 16384, 20000};
  const size_t n = kLengths[rng() % std::size(kLengths)];
  std::string s(n, '\0');
  for (auto& c : s) c = static_cast<char>(rng());
  return s;
}

}  // namespace

TEST_CASE("A listpack stays equal to a vector model under random inserts, erases and replaces",
          "[listpack]") {
  std::mt19937_64 rng(GENERATE(1u, 2u, 3u));
  const auto links = GENERATE(Listpack::kBothWays, Listpack::kForwardOnly);
  Listpack lp(links);
  std::vector<std::string> model;
  for (int step = 0; step < 600; step++) {
    const size_t index = model.empty() ? 0 : rng() % (model.size() + 1);
    const int op = static_cast<int>(rng() % 10);
    if (op < 5 || model.empty()) {
      std::string v = RandomValue(rng);
      const auto p = index == model.size() ? lp.end() : lp.Seek(static_cast<int64_t>(index));
      REQUIRE(lp.At(lp.Insert(p, v)) == v);
      model.insert(model.begin() + static_cast<std::ptrdiff_t>(index), v);
    } else if (op < 7) {
      const size_t i = index % model.size();
      const auto next = lp.Erase(lp.Seek(static_cast<int64_t>(i)));
      model.erase(model.begin() + static_cast<std::ptrdiff_t>(i));
      if (i < model.size()) REQUIRE(lp.At(next) == model[i]);
    } else if (op < 9) {
      const size_t i = index % model.size();
      std::string v = RandomValue(rng);
      lp.Replace(lp.Seek(static_cast<int64_t>(i)), v);
      model[i] = v;
    } else {
      const size_t i = index % model.size();
      const size_t n = rng() % 4;
      lp.EraseRange(lp.Seek(static_cast<int64_t>(i)), n);
      model.erase(model.begin() + static_cast<std::ptrdiff_t>(i),
                  model.begin() + static_cast<std::ptrdiff_t>(std::min(model.size(), i + n)));
    }
    CheckSame(lp, model, links == Listpack::kBothWays);
  }
  // Copies and moves keep the mode (a hash's listpack must never gain back-lengths).
  Listpack copy = lp;
  CheckSame(copy, model, links == Listpack::kBothWays);
  REQUIRE(copy.bytes() == lp.bytes());
  Listpack moved = std::move(copy);
  CheckSame(moved, model, links == Listpack::kBothWays);
}

TEST_CASE("A forward-only listpack saves the back-length byte of every short entry",
          "[listpack]") {
  Listpack both;
  Listpack forward(Listpack::kForwardOnly);
  for (const char* v : {"name", "user12345", "age", "45", "city", "paris"}) {
    both.PushBack(v);
    forward.PushBack(v);
  }
  REQUIRE(both.bytes() - forward.bytes() == 6);
  REQUIRE(forward.At(forward.Seek(5)) == "paris");
  REQUIRE(forward.Find("45", forward.Seek(1), 2) == forward.Seek(3));
  REQUIRE(forward.Find("45", forward.begin(), 2) == Listpack::kNone);  // a value, not a field
}

TEST_CASE("Listpack Find steps by its stride, so a hash finds fields and never values",
          "[listpack]") {
  Listpack lp;
  for (const char* s : {"f1", "v1", "v1", "f2", "f3", "f1"}) lp.PushBack(s);
  // Fields are at even indexes: "f1" at 0; the value "f1" at 5 is never a match for stride 2.
  CHECK(lp.Find("f1", lp.begin(), 2) == lp.Seek(0));
  CHECK(lp.Find("v1", lp.begin(), 2) == lp.Seek(2));
  CHECK(lp.Find("f3", lp.begin(), 2) == lp.Seek(4));
  CHECK(lp.Find("f2", lp.begin(), 2) == Listpack::kNone);
  CHECK(lp.Find("f2", lp.begin(), 1) == lp.Seek(3));
  CHECK(lp.Find("absent") == Listpack::kNone);
}

TEST_CASE("An empty listpack has no entries and takes no bytes", "[listpack]") {
  Listpack lp;
  CHECK(lp.empty());
  CHECK(lp.bytes() == 0);
  CHECK(lp.last() == Listpack::kNone);
  CHECK(lp.Seek(0) == Listpack::kNone);
  lp.PushFront("x");
  lp.PushFront("");
  CHECK(lp.size() == 2);
  CHECK(lp.At(lp.begin()).empty());
  CHECK(lp.bytes() == 2 + 3);  // "": length and back-length; "x": the same and its byte
}

TEST_CASE("A small listpack's buffer stays at its size rounded up to 16 bytes", "[listpack]") {
  Listpack lp;
  REQUIRE(lp.capacity() == 0);
  for (int i = 0; i < 60; i++) {
    lp.PushBack("field:" + std::to_string(i));
    REQUIRE(lp.capacity() == (lp.bytes() + 15) / 16 * 16);
  }
  lp.EraseRange(lp.begin(), 50);
  REQUIRE(lp.capacity() == (lp.bytes() + 15) / 16 * 16);
  lp.EraseRange(lp.begin(), 10);
  REQUIRE(lp.empty());
  REQUIRE(lp.capacity() == 0);
}

TEST_CASE("A large listpack grows geometrically and gives memory back when mostly emptied",
          "[listpack]") {
  Listpack lp;
  const std::string v(100, 'x');
  size_t reallocations = 0;
  size_t last_capacity = 0;
  for (int i = 0; i < 2000; i++) {
    lp.PushBack(v);
    if (lp.capacity() != last_capacity) reallocations++;
    last_capacity = lp.capacity();
  }
  // About one reallocation per entry up to kExactLimit, then a handful of doublings.
  REQUIRE(reallocations < Listpack::kExactLimit / 100 + 20);
  REQUIRE(lp.capacity() >= lp.bytes());
  lp.EraseRange(lp.begin(), 1990);
  REQUIRE(lp.capacity() == (lp.bytes() + 15) / 16 * 16);
}

TEST_CASE("A copied listpack holds the same entries in its own buffer", "[listpack]") {
  Listpack lp;
  for (int i = 0; i < 10; i++) lp.PushBack(std::to_string(i));
  Listpack copy = lp;
  lp.Replace(lp.begin(), "changed");
  REQUIRE(copy.size() == 10);
  REQUIRE(copy.At(copy.begin()) == "0");
  REQUIRE(copy.At(copy.last()) == "9");
  Listpack moved = std::move(copy);
  REQUIRE(moved.size() == 10);
  REQUIRE(moved.At(moved.Seek(4)) == "4");
}
