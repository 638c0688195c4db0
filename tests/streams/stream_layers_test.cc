// The radix tree and entry blocks used together the way a stream will use them: blocks keyed
// by their first ID, an ID found by seeking the last block key <= the ID, then inside it.
#include <catch2/catch.hpp>

#include <memory>
#include <string>
#include <vector>

#include "streams/entry_block.h"
#include "streams/radix_tree.h"

using streams::EntryBlock;
using streams::RadixTree;
using streams::SeekOp;
using streams::StreamID;

TEST_CASE("A radix tree of entry blocks finds every appended entry through one SeekOp",
          "[radix][block]") {
  std::vector<std::unique_ptr<EntryBlock>> owned;
  RadixTree<EntryBlock*> tree;
  EntryBlock* tail = nullptr;
  const std::string_view fields[] = {"field", "12345", "name", "alice"};
  for (uint64_t i = 1; i <= 1000; i++) {
    StreamID id{1700000000000 + i / 3, i % 3};
    if (tail == nullptr || !tail->Append(id, fields)) {
      owned.push_back(std::make_unique<EntryBlock>());
      tail = owned.back().get();
      REQUIRE(tail->Append(id, fields));
      REQUIRE(tree.TryInsert(id, tail));
    }
  }
  CHECK(tree.size() == owned.size());
  CHECK(owned.size() == 10);  // 100 entries per block by default

  for (uint64_t i = 1; i <= 1000; i += 37) {
    StreamID id{1700000000000 + i / 3, i % 3};
    RadixTree<EntryBlock*>::Iterator it(tree);
    REQUIRE(it.Seek(SeekOp::kLessOrEqual, id));
    EntryBlock::Cursor cursor(*it.Value());
    REQUIRE(cursor.Seek(SeekOp::kEqual, id));
    CHECK(cursor.entry().value(1) == "alice");
  }
  // Before the first entry there is no block to look in.
  RadixTree<EntryBlock*>::Iterator it(tree);
  CHECK_FALSE(it.Seek(SeekOp::kLessOrEqual, StreamID{1700000000000, 0}));
}
