#include "gate/summary.h"

#include <gtest/gtest.h>

#include <numeric>
#include <vector>

namespace perfgate::gate {
namespace {

TEST(Quantile, MatchesHyndmanFanDefinition7) {
  // R: quantile(1:10, c(0, .5, .9, .99, 1), type = 7) -> 1, 5.5, 9.1, 9.91, 10
  std::vector<double> v(10);
  std::iota(v.begin(), v.end(), 1.0);
  EXPECT_DOUBLE_EQ(quantile_sorted(v, 0.0), 1.0);
  EXPECT_DOUBLE_EQ(quantile_sorted(v, 0.5), 5.5);
  EXPECT_NEAR(quantile_sorted(v, 0.9), 9.1, 1e-12);
  EXPECT_NEAR(quantile_sorted(v, 0.99), 9.91, 1e-12);
  EXPECT_DOUBLE_EQ(quantile_sorted(v, 1.0), 10.0);
}

TEST(Summary, ComputesMomentsQuantilesAndThroughputInAnyOrder) {
  std::vector<double> v;
  for (int i = 1000; i >= 1; --i) v.push_back(i);  // descending on purpose
  const Summary s = summarize(v, 2.0);
  EXPECT_EQ(s.count, 1000u);
  EXPECT_DOUBLE_EQ(s.mean, 500.5);
  EXPECT_NEAR(s.stddev, 288.8194360957494, 1e-9);  // sd(1:1000) in R
  EXPECT_DOUBLE_EQ(s.min, 1);
  EXPECT_DOUBLE_EQ(s.max, 1000);
  EXPECT_NEAR(s.p99, 990.01, 1e-9);
  EXPECT_NEAR(s.p999, 999.001, 1e-9);
  EXPECT_DOUBLE_EQ(s.throughput_per_s, 500.0);
}

TEST(Summary, EmptyInputGivesZeroCount) {
  const Summary s = summarize({}, 1.0);
  EXPECT_EQ(s.count, 0u);
  EXPECT_EQ(s.p99, 0.0);
}

TEST(Summary, SingleSampleHasZeroStddev) {
  const std::vector<double> v{42};
  const Summary s = summarize(v, 0);
  EXPECT_EQ(s.stddev, 0.0);
  EXPECT_EQ(s.p99, 42.0);
  EXPECT_EQ(s.throughput_per_s, 0.0);
}

TEST(TailSamples, TenThousandOpsGiveOneHundredAboveP99) {
  EXPECT_EQ(tail_samples_above_p99(10'000), 100u);
  EXPECT_LT(tail_samples_above_p99(9'999), 100u);
}

}  // namespace
}  // namespace perfgate::gate
