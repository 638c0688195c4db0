// /metrics: the server and its queues in the Prometheus text format (src/http/exposition.h).
// One walk of every db feeds the per-stream and per-group families; the server-wide ones come
// from ServerState's counters. Reads only: a scrape changes nothing, so it needs no AOF record
// (the walk is SCAN's, which neither expires keys nor touches their access time).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <unordered_set>

#include "src/http/exposition.h"
#include "src/server_state.h"

namespace server::http {

struct QueueFamilies;

// A scrape done a slice at a time, so that ten thousand streams never hold the loop for more
// than a slice: the listener runs Step once per loop iteration until it is done. The walk is
// SCAN's cursor over each db, so keys added or removed between slices are seen or not (as by
// SCAN), a key present throughout is seen once (a resize can visit a key twice: duplicates
// are dropped, as Prometheus refuses repeated series), and the values are each read when
// visited, not at one instant.
class MetricsScrape {
 public:
  // Takes the server-wide figures now; pending ages are measured from `now_ms` (wall clock).
  MetricsScrape(ServerState& state, int64_t now_ms);
  ~MetricsScrape();
  MetricsScrape(const MetricsScrape&) = delete;
  MetricsScrape& operator=(const MetricsScrape&) = delete;

  // Walks on for about `budget_us` microseconds (at least one SCAN step); true once the walk is
  // over.
  bool Step(ServerState& state, int64_t budget_us);
  std::string Render() const { return exposition_.Render(); }
  const Exposition& exposition() const { return exposition_; }

 private:
  Exposition exposition_;
  std::unique_ptr<QueueFamilies> families_;
  Exposition::FamilyId keys_;
  int64_t now_ms_;
  size_t db_ = 0;
  uint64_t cursor_ = 0;
  std::unordered_set<std::string> seen_;  // this db's streams already written
  std::string db_label_;
  std::string labels_;
};

// The whole exposition at `now_ms` at once (tests, and a caller that does not mind the time).
std::string RenderMetrics(ServerState& state, int64_t now_ms);

// The per-command and per-error counters (runnel_commands_total{command}, runnel_errors_total
// {error}, ...) from ServerState's commandstats and errorstats.
void AddCommandMetrics(Exposition& out, const ServerState& state);

}  // namespace server::http
