// resp::ReplyBuffer: a model test against one std::string (random appends, seals, peeks and
// consumes must read back the same bytes), the bounded block sizes that make a big reply cost
// its own size, and a Writer over a chain spelling replies exactly as over a string.
#include <catch2/catch.hpp>

#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "resp/reply_buffer.h"
#include "resp/writer.h"

namespace {

// Everything unconsumed in `b`, read through Peek.
std::string ReplyBufferContents(const resp::ReplyBuffer& b) {
  std::vector<std::string_view> views(b.blocks() + 1);
  const size_t n = b.Peek(views.data(), views.size(), b.size());
  std::string out;
  for (size_t i = 0; i < n; i++) out.append(views[i]);
  return out;
}

// Writes the same mix of replies through `w`: every element kind, big bulks included.
void WriteReplyMix(resp::Writer& w, std::mt19937& rng, int count) {
  for (int i = 0; i < count; i++) {
    switch (rng() % 8) {
      case 0: w.Bulk(std::string(rng() % 40000, static_cast<char>('a' + i % 26))); break;
      case 1: w.Integer(static_cast<int64_t>(rng()) - 1000); break;
      case 2: w.Array(rng() % 1000); break;
      case 3: w.Error("ERR some\r\nerror"); break;
      case 4: w.Double(1.0 / (1 + rng() % 7)); break;
      case 5: w.Simple("OK"); break;
      case 6: w.Null(); break;
      default: w.Bulk("member:" + std::to_string(i)); break;
    }
  }
}

}  // namespace

TEST_CASE("A reply buffer reads back what was appended, through random seals and consumes",
          "[resp][reply_buffer]") {
  std::mt19937 rng(14);
  for (int round = 0; round < 20; round++) {
    resp::ReplyBuffer b;
    std::string model;
    size_t appended = 0;
    for (int op = 0; op < 500; op++) {
      switch (rng() % 5) {
        case 0:
        case 1: {  // append, mostly small, sometimes larger than a block
          const size_t len = rng() % 8 == 0 ? rng() % (3 * resp::ReplyBuffer::kBlockSize)
                                            : rng() % 200;
          std::string bytes(len, static_cast<char>('A' + op % 50));
          b.tail().append(bytes);
          model.append(bytes);
          appended += len;
          break;
        }
        case 2:
          b.Seal(rng() % 2 ? 0 : rng() % 50000);
          break;
        case 3: {  // a write took some of the front
          const size_t n = model.empty() ? 0 : rng() % (model.size() + 1);
          b.Consume(n);
          model.erase(0, n);
          break;
        }
        default: {  // a bounded peek sees a prefix, cut at max_bytes
          std::string_view views[3];
          const size_t max_bytes = rng() % 40000;
          const size_t n = b.Peek(views, 3, max_bytes);
          std::string got;
          for (size_t i = 0; i < n; i++) got.append(views[i]);
          REQUIRE(got.size() <= max_bytes);
          REQUIRE(model.compare(0, got.size(), got) == 0);
          break;
        }
      }
      REQUIRE(b.size() == model.size());
      REQUIRE(b.empty() == model.empty());
      REQUIRE(b.appended() == appended);
      REQUIRE(b.sealed_size() <= b.size());
    }
    REQUIRE(ReplyBufferContents(b) == model);
    b.Clear();
    CHECK(b.empty());
    CHECK(b.blocks() == 0);
    CHECK(b.appended() == appended);
  }
}

TEST_CASE("Sealed bytes stay where they are while more is appended", "[resp][reply_buffer]") {
  resp::ReplyBuffer b;
  b.tail().append("first reply");
  b.Seal();
  std::string_view view;
  REQUIRE(b.Peek(&view, 1, b.size()) == 1);
  const char* where = view.data();
  for (int i = 0; i < 10000; i++) b.tail().append("more bytes that would move a growing string");
  CHECK(b.sealed_size() == 11);
  REQUIRE(b.Peek(&view, 1, b.size()) == 1);
  CHECK(view.data() == where);
  CHECK(view == "first reply");
}

TEST_CASE("A writer over a reply buffer spells replies exactly as over a string",
          "[resp][reply_buffer][writer]") {
  for (int proto : {2, 3}) {
    std::mt19937 rng_a(7), rng_b(7);
    std::string flat;
    resp::Writer plain(flat, proto);
    WriteReplyMix(plain, rng_a, 3000);
    resp::ReplyBuffer chain;
    resp::Writer chained(chain, proto);
    WriteReplyMix(chained, rng_b, 3000);
    CHECK(ReplyBufferContents(chain) == flat);
    CHECK(chained.errors_written() == plain.errors_written());
  }
}

TEST_CASE("A big reply is chained blocks of bounded size, not one doubling string",
          "[resp][reply_buffer][writer]") {
  resp::ReplyBuffer chain;
  resp::Writer w(chain);
  const size_t members = 200000;
  w.Array(members);
  for (size_t i = 0; i < members; i++) w.Bulk("member:" + std::to_string(i));
  std::vector<std::string_view> views(chain.blocks());
  REQUIRE(chain.Peek(views.data(), views.size(), chain.size()) == views.size());
  size_t total = 0;
  for (const auto& v : views) {
    CHECK(v.size() <= resp::ReplyBuffer::kBlockSize);
    total += v.size();
  }
  CHECK(total == chain.size());
  // Every block but the tail is nearly full: the chain costs about the reply's own size.
  CHECK(views.size() <= chain.size() / (resp::ReplyBuffer::kBlockSize - 64) + 1);
  // A bulk bigger than a block gets a block of its own size, allocated once.
  const std::string big(5 * resp::ReplyBuffer::kBlockSize, 'x');
  w.Bulk(big);
  CHECK(chain.tail().size() == big.size() + 10);  // "$81920\r\n" ... "\r\n"
  CHECK(chain.tail().capacity() < big.size() + 64);
}

TEST_CASE("Error marks over a reply buffer survive sealing and consuming",
          "[resp][reply_buffer][writer][errors]") {
  resp::ReplyBuffer chain;
  resp::Writer w(chain);
  w.Bulk(std::string(resp::ReplyBuffer::kBlockSize - 10, 'x'));
  chain.Consume(chain.size());
  const auto m = w.mark();
  w.Error("ERR after a seal and a consume");
  CHECK(w.IsErrorSince(m));
  const auto m2 = w.mark();
  w.Array(1);
  w.Error("ERR nested");
  CHECK_FALSE(w.IsErrorSince(m2));
}

TEST_CASE("A deferred array header lands in front of its elements, over a string or a chain",
          "[resp][reply_buffer][writer]") {
  for (const size_t elements : {size_t{0}, size_t{3}, size_t{5000}}) {
    std::string expected = "+before\r\n*" + std::to_string(elements) + "\r\n";
    for (size_t i = 0; i < elements; i++) expected += "$1\r\nx\r\n";
    expected += ":1\r\n";
    auto write = [&](resp::Writer& w) {
      w.Simple("before");
      const auto d = w.DeferArray();
      for (size_t i = 0; i < elements; i++) w.Bulk("x");
      w.SetDeferredArray(d, elements);
      w.Integer(1);
    };
    std::string flat;
    resp::Writer plain(flat);
    write(plain);
    CHECK(flat == expected);
    resp::ReplyBuffer chain;
    resp::Writer chained(chain);
    write(chained);
    CHECK(ReplyBufferContents(chain) == expected);
    CHECK(chain.size() == expected.size());
    chain.Consume(chain.size());
    CHECK(chain.empty());
  }
}
