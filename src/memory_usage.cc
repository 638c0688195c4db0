#include "src/memory_usage.h"

#include "src/types/hash.h"
#include "src/types/hash_table.h"
#include "src/types/quicklist.h"
#include "src/types/set.h"
#include "src/types/zset.h"

namespace server {

namespace {

size_t ValueBytes(const Value& v, size_t samples) {
  switch (v.type()) {
    case ValueType::kString: return types::StringHeapBytes(v.str());
    case ValueType::kStream: return v.stream().BytesUsedWithGroups();
    case ValueType::kList: return sizeof(types::List) + v.list().MemoryUsage();
    case ValueType::kHash: return v.hash().MemoryUsage(samples);  // the Hash is in the Value
    case ValueType::kSet: return sizeof(types::Set) + v.set().MemoryUsage(samples);
    case ValueType::kZSet: return sizeof(types::ZSet) + v.zset().MemoryUsage(samples);
  }
  return 0;
}

}  // namespace

size_t KeyMemoryUsage(std::string_view key, const Value& value, size_t samples) {
  // The keyspace node holds the chain link, the Value and the key's bytes in one block.
  return types::HashTable<Value>::NodeBytes(key.size()) + ValueBytes(value, samples);
}

}  // namespace server
