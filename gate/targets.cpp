#include "gate/targets.h"

#include <algorithm>
#include <array>

namespace perfgate::gate {
namespace {

struct StatField {
  std::string_view name;
  double Summary::*field;
};
constexpr std::array kStats = {
    StatField{"mean", &Summary::mean}, StatField{"stddev", &Summary::stddev}, StatField{"min", &Summary::min},
    StatField{"p50", &Summary::p50},   StatField{"p90", &Summary::p90},       StatField{"p95", &Summary::p95},
    StatField{"p99", &Summary::p99},   StatField{"p999", &Summary::p999},     StatField{"max", &Summary::max},
};
struct UnitScale {
  std::string_view suffix;
  double ns_per_unit;
};
constexpr std::array kUnits = {UnitScale{"_ns", 1.0}, UnitScale{"_us", 1e3}, UnitScale{"_ms", 1e6},
                               UnitScale{"_s", 1e9}};

// Latency statistic "<stat>_<unit>": the stat's value converted from ns.
std::optional<double> latency_stat(const Summary& s, std::string_view metric) {
  for (const auto& u : kUnits) {
    if (!metric.ends_with(u.suffix)) continue;
    const std::string_view stat = metric.substr(0, metric.size() - u.suffix.size());
    for (const auto& f : kStats)
      if (f.name == stat) return s.*f.field / u.ns_per_unit;
  }
  return std::nullopt;
}

bool lower_is_better(std::string_view metric) {
  Summary probe;
  return latency_stat(probe, metric).has_value() || metric == "cpu_percent" || metric == "peak_rss_mb";
}

}  // namespace

std::optional<double> metric_value(const BenchmarkResult& b, std::string_view metric) {
  if (b.status != "ok") return std::nullopt;
  if (b.unit == "ns")
    if (auto v = latency_stat(b.stats, metric)) return v;
  if (metric == "throughput_per_s") return b.stats.throughput_per_s;
  if (metric == "cpu_percent") return b.cpu_percent;
  if (metric == "peak_rss_mb") return static_cast<double>(b.peak_rss_bytes) / (1 << 20);
  if (auto it = b.metrics.find(std::string(metric)); it != b.metrics.end()) return it->second;
  return std::nullopt;
}

bool is_known_metric(std::string_view metric, const std::vector<std::string>& workload_metrics) {
  return latency_stat(Summary{}, metric).has_value() || metric == "throughput_per_s" || metric == "cpu_percent" ||
         metric == "peak_rss_mb" || std::ranges::find(workload_metrics, metric) != workload_metrics.end();
}

std::string known_metrics_phrase(const std::vector<std::string>& workload_metrics) {
  std::string out = "<stat>_<unit> (stat: mean, stddev, min, p50, p90, p95, p99, p999, max; unit: ns, us, ms, s), "
                    "throughput_per_s, cpu_percent, peak_rss_mb";
  for (const auto& m : workload_metrics) out += ", " + m;
  return out;
}

TargetOutcome evaluate_target(const BenchmarkResult& b, const Target& t) {
  TargetOutcome o{t, metric_value(b, t.metric), false, lower_is_better(t.metric)};
  if (!o.value) return o;
  if (t.acceptable_range)
    o.passed = *o.value >= t.acceptable_range->first && *o.value <= t.acceptable_range->second;
  else
    o.passed = o.lower_is_better ? *o.value <= t.target : *o.value >= t.target;
  return o;
}

TargetSummary evaluate_targets(const Results& results) {
  TargetSummary s;
  for (const auto& b : results.benchmarks)
    for (const auto& t : b.targets) {
      s.outcomes.emplace_back(b.name, evaluate_target(b, t));
      s.passed += s.outcomes.back().second.passed;
    }
  return s;
}

}  // namespace perfgate::gate
