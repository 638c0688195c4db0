// LATENCY GRAPH and LATENCY DOCTOR's texts, made from the latency monitor's samples alone (and,
// for DOCTOR's advice, the few settings it depends on). Pure: the time is passed in. The layout
// and wording are Redis 7.0's, as observed on its output.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "src/latency_monitor.h"

namespace server {

// The event's history as Redis's ASCII graph: a header with the history's high and low and the
// all-time high, a rule, four rows of bars (one column per sample, oldest left, each row three
// steps: '_', 'o', '#'; '|' below the top), a blank row, then each sample's age ("13s", "2m")
// written downwards.
std::string LatencyGraph(std::string_view event, const LatencyMonitor::Event& samples,
                         int64_t now_sec);

// What DOCTOR's advice depends on besides the samples.
struct DoctorSettings {
  int64_t latency_monitor_threshold_ms = 0;  // 0: monitoring is off
  int64_t slowlog_log_slower_than_us = 0;
  bool appendfsync_always = false;
};

// The human report: a line per event (spikes, average, mean deviation, mean period, worst) and
// the advice the events call for, in a fixed order.
std::string LatencyDoctor(const LatencyMonitor& monitor, const DoctorSettings& settings,
                          int64_t now_sec);

}  // namespace server
