// Where an ordered structure of streams/ (the radix tree, an entry block) positions a cursor:
// one enum shared by all of them, so a stream can pass a seek straight through its layers.
#pragma once

namespace streams {

enum class SeekOp { kFirst, kLast, kEqual, kGreaterOrEqual, kGreater, kLessOrEqual, kLess };

}  // namespace streams
