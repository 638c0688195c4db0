#include "src/propagation.h"

#include <utility>

namespace server {

void Propagation::Add(std::vector<std::string> argv) {
  // Outside any command (a unit test calling a handler directly) the record lands in db 0.
  int db = 0;
  if (!frames_.empty()) {
    frames_.back().touched = true;
    db = frames_.back().db;
  }
  changes_++;
  if (enabled_) records_.push_back({db, std::move(argv)});
}

void Propagation::AddUnrecorded() {
  if (!frames_.empty()) frames_.back().touched = true;
  changes_++;
}

void Propagation::Add(std::initializer_list<std::string_view> argv) {
  Add(std::span<const std::string_view>(argv.begin(), argv.size()));
}

void Propagation::Add(std::span<const std::string_view> argv) {
  std::vector<std::string> copy;
  copy.reserve(argv.size());
  for (std::string_view a : argv) copy.emplace_back(a);
  Add(std::move(copy));
}

void Propagation::AddReplicationOnly(std::span<const std::string_view> argv) {
  if (!enabled_) return;
  std::vector<std::string> copy(argv.begin(), argv.end());
  records_.push_back({frames_.empty() ? 0 : frames_.back().db, std::move(copy), true});
}

void Propagation::Suppress() {
  if (!frames_.empty()) frames_.back().touched = true;
}

void Propagation::RecordOwn(int db, std::span<const std::string_view> argv) {
  std::vector<std::string> copy;
  copy.reserve(argv.size());
  for (std::string_view a : argv) copy.emplace_back(a);
  records_.push_back({db, std::move(copy)});
}

void Propagation::AddOutside(int db, std::vector<std::string> argv) {
  changes_++;
  if (enabled_) records_.push_back({db, std::move(argv)});
}

void Propagation::InsertAt(size_t index, int db, std::vector<std::string> argv) {
  if (!enabled_) return;
  records_.insert(records_.begin() + static_cast<std::ptrdiff_t>(index), {db, std::move(argv)});
}

void Propagation::WrapInTransaction(size_t first) {
  const size_t end = records_.size();
  if (end <= first || end - first < 2) return;
  const int last_db = records_[end - 1].db;
  InsertAt(first, records_[first].db, {"MULTI"});
  if (enabled_) records_.push_back({last_db, {"EXEC"}});
}

std::vector<PropagatedCommand> Propagation::Take() {
  std::vector<PropagatedCommand> out;
  out.swap(records_);
  return out;
}

}  // namespace server
