#pragma once
// Absolute targets from the suite config (seed 003 style: value, target,
// ✅/❌, pass rate). Pure.
//
// Metric names: "<stat>_<unit>" for latency statistics (stat: mean, stddev,
// min, p50, p90, p95, p99, p999, max; unit: ns, us, ms, s), "throughput_per_s",
// "cpu_percent", "peak_rss_mb", or a workload metric by its name
// ("compression_ratio"). With an acceptable_range the value passes when it
// lies inside it; otherwise latency, CPU and memory pass at or below the
// target, throughput and workload metrics at or above it.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "gate/results.h"

namespace perfgate::gate {

struct TargetOutcome {
  Target target;
  std::optional<double> value;  // nullopt: the metric was not measured
  bool passed = false;
  bool lower_is_better = true;
};

// The metric's value for a benchmark, in the unit its name asks for.
std::optional<double> metric_value(const BenchmarkResult& benchmark, std::string_view metric);

TargetOutcome evaluate_target(const BenchmarkResult& benchmark, const Target& target);

// Whether a target may name the metric: a latency statistic,
// throughput_per_s, cpu_percent, peak_rss_mb, or one of the workload's
// metrics (workload_metrics: workloads::Info::metrics; empty for a command
// or a Google Benchmark binary). A typo would otherwise fail its target as
// "not measured" on every run.
bool is_known_metric(std::string_view metric, const std::vector<std::string>& workload_metrics);
// "p99_ms (or another <stat>_<unit>), throughput_per_s, …": for the error.
std::string known_metrics_phrase(const std::vector<std::string>& workload_metrics);

struct TargetSummary {
  std::vector<std::pair<std::string, TargetOutcome>> outcomes;  // benchmark name, outcome
  std::size_t passed = 0;
  double pass_rate() const { return outcomes.empty() ? 1.0 : static_cast<double>(passed) / static_cast<double>(outcomes.size()); }
};

TargetSummary evaluate_targets(const Results& results);

}  // namespace perfgate::gate
