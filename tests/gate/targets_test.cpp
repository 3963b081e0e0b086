#include "gate/targets.h"

#include <gtest/gtest.h>

namespace perfgate::gate {
namespace {

BenchmarkResult bench() {
  BenchmarkResult b;
  b.name = "x";
  b.stats.p99 = 2'500'000;  // ns
  b.stats.throughput_per_s = 1000;
  b.metrics["compression_ratio"] = 3.5;
  return b;
}

TEST(Targets, ConvertsLatencyStatisticsToTheRequestedUnit) {
  EXPECT_DOUBLE_EQ(*metric_value(bench(), "p99_ms"), 2.5);
  EXPECT_DOUBLE_EQ(*metric_value(bench(), "p99_us"), 2500);
  EXPECT_DOUBLE_EQ(*metric_value(bench(), "compression_ratio"), 3.5);
  EXPECT_FALSE(metric_value(bench(), "p98_ms"));
}

TEST(Targets, LatencyPassesAtOrBelowTargetThroughputAtOrAbove) {
  EXPECT_TRUE(evaluate_target(bench(), {"p99_ms", 3, std::nullopt}).passed);
  EXPECT_FALSE(evaluate_target(bench(), {"p99_ms", 2, std::nullopt}).passed);
  EXPECT_TRUE(evaluate_target(bench(), {"compression_ratio", 3, std::nullopt}).passed);
  EXPECT_FALSE(evaluate_target(bench(), {"throughput_per_s", 2000, std::nullopt}).passed);
}

TEST(Targets, AcceptableRangeDecidesWhenGiven) {
  EXPECT_TRUE(evaluate_target(bench(), {"p99_ms", 1, std::pair{2.0, 3.0}}).passed);
  EXPECT_FALSE(evaluate_target(bench(), {"p99_ms", 5, std::pair{0.0, 2.0}}).passed);
}

TEST(Targets, UnmeasuredMetricFailsAndPassRateCounts) {
  Results r;
  BenchmarkResult b = bench();
  b.targets = {{"p99_ms", 3, std::nullopt}, {"nosuch_metric", 1, std::nullopt}};
  r.benchmarks = {b};
  const TargetSummary s = evaluate_targets(r);
  ASSERT_EQ(s.outcomes.size(), 2u);
  EXPECT_FALSE(s.outcomes[1].second.value);
  EXPECT_FALSE(s.outcomes[1].second.passed);
  EXPECT_DOUBLE_EQ(s.pass_rate(), 0.5);
}

}  // namespace
}  // namespace perfgate::gate
