#include "gate/rank_statistics.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include "workloads/harness/rng.h"

namespace perfgate::gate {
namespace {

TEST(RankLogRatio, FullySeparatedSamplesHaveTheSmallestExactPValue) {
  const std::vector<double> base{100, 101, 102, 103, 104}, head{120, 121, 122, 123, 124};
  const RatioEstimate e = rank_log_ratio(base, head);
  EXPECT_NEAR(e.p_slower, 1.0 / 252, 1e-12);  // one arrangement of C(10, 5)
  // Hodges-Lehmann: the median of the 25 differences ln(h) - ln(b) is ln(122/102).
  EXPECT_NEAR(e.ratio, 122.0 / 102.0, 1e-12);
  // n = m = 5 at 95 %: the interval is [D_(3), D_(23)] of the sorted differences.
  std::vector<double> d;
  for (double b : base)
    for (double h : head) d.push_back(std::log(h / b));
  std::ranges::sort(d);
  EXPECT_NEAR(std::log(e.lower), d[2], 1e-12);
  EXPECT_NEAR(std::log(e.upper), d[22], 1e-12);
  // The other direction is as unlikely as it gets.
  EXPECT_NEAR(rank_log_ratio(head, base).p_slower, 1.0, 1e-12);
}

TEST(RankLogRatio, OneOutlierMovesTheEstimateLittle) {
  std::vector<double> base{100, 101, 99, 100.5, 99.5}, head{100, 101, 99, 100.5, 99.5};
  head[4] = 400;  // one repetition hit by host activity
  const RatioEstimate rank = rank_log_ratio(base, head);
  const RatioEstimate t = welch_log_ratio(base, head);
  EXPECT_LT(rank.ratio, 1.02);
  EXPECT_GT(t.ratio, 1.25);  // the log mean moves by ln(4)/5
}

TEST(RankLogRatio, IntervalCoversTheTrueRatioNearTheNominalRate) {
  workloads::harness::Rng rng(7);
  auto normal = [&] { return rng.normal(); };
  int covered = 0, unpaired_covered = 0;
  constexpr int kTrials = 2000;
  for (int t = 0; t < kTrials; ++t) {
    std::vector<double> b(8), h(8);
    for (auto& x : b) x = 1000 * std::exp(0.05 * normal());
    for (auto& x : h) x = 1150 * std::exp(0.05 * normal());
    const RatioEstimate u = rank_log_ratio(b, h);
    unpaired_covered += u.lower <= 1.15 && 1.15 <= u.upper;
    const RatioEstimate p = paired_rank_log_ratio(b, h);
    covered += p.lower <= 1.15 && 1.15 <= p.upper;
  }
  // Exact intervals are conservative at small n (discrete levels): >= 95 %, not far above.
  EXPECT_GE(unpaired_covered, kTrials * 0.93);
  EXPECT_LE(unpaired_covered, kTrials * 0.99);
  EXPECT_GE(covered, kTrials * 0.93);
  EXPECT_LE(covered, kTrials * 0.995);
}

TEST(PairedRankLogRatio, AllPairsSlowerGivesTheExactSignedRankPValue) {
  const std::vector<double> base{100, 200, 300, 400, 500, 600, 700};
  std::vector<double> head;
  for (double b : base) head.push_back(b * 1.2);
  const RatioEstimate e = paired_rank_log_ratio(base, head);
  EXPECT_NEAR(e.p_slower, 1.0 / 128, 1e-12);  // 2^-7
  EXPECT_NEAR(e.ratio, 1.2, 1e-9);
  EXPECT_EQ(e.n, 7u);
  // Five pairs cannot reach a one-sided 2.5 %: 1/32 is the smallest p-value.
  const std::vector<double> b5(base.begin(), base.begin() + 5), h5(head.begin(), head.begin() + 5);
  EXPECT_NEAR(paired_rank_log_ratio(b5, h5).p_slower, 1.0 / 32, 1e-12);
}

TEST(RankLogRatio, LargeSamplesUseTheNormalApproximationConsistently) {
  workloads::harness::Rng rng(3);
  std::vector<double> b(60), h(60);
  for (auto& x : b) x = 1000 * (1 + 0.1 * rng.uniform());
  for (auto& x : h) x = 1100 * (1 + 0.1 * rng.uniform());
  const RatioEstimate e = rank_log_ratio(b, h);  // 3600 cells: normal approximation
  EXPECT_GT(e.ratio, 1.07);
  EXPECT_LT(e.ratio, 1.13);
  EXPECT_LT(e.lower, e.ratio);
  EXPECT_GT(e.upper, e.ratio);
  EXPECT_LT(e.p_slower, 1e-6);
}

}  // namespace
}  // namespace perfgate::gate
