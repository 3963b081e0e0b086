#include "gate/statistics.h"

#include <gtest/gtest.h>

#include <cmath>
#include <algorithm>

#include "workloads/harness/rng.h"

namespace perfgate::gate {
namespace {

TEST(IncompleteBeta, MatchesClosedForms) {
  EXPECT_NEAR(regularized_incomplete_beta(2, 3, 0.5), 0.6875, 1e-12);  // 11/16
  EXPECT_NEAR(regularized_incomplete_beta(1, 1, 0.3), 0.3, 1e-12);     // uniform
  EXPECT_NEAR(regularized_incomplete_beta(0.5, 0.5, 0.5), 0.5, 1e-12); // arcsine, symmetric
}

TEST(StudentT, QuantilesMatchTables) {
  EXPECT_NEAR(student_t_quantile(0.975, 4), 2.776445, 1e-6);
  EXPECT_NEAR(student_t_quantile(0.975, 10), 2.228139, 1e-6);
  EXPECT_NEAR(student_t_quantile(0.95, 1), 6.313752, 1e-6);
  EXPECT_NEAR(student_t_quantile(0.975, 1e6), 1.959966, 1e-5);
  EXPECT_NEAR(student_t_quantile(0.025, 4), -2.776445, 1e-6);
  EXPECT_NEAR(student_t_cdf(0, 7), 0.5, 1e-15);
}

// A t statistic on the z scale: t's 97.5 % point on 4 degrees of freedom
// (2.776) is z's (1.960); few degrees of freedom shrink a large t a lot
// (t = 10 on 2 is a 0.49 % tail: z 2.58), many hardly at all.
TEST(StudentT, ZOfTKeepsTheTailProbability) {
  EXPECT_NEAR(z_of_t(2.776445, 4), 1.959964, 1e-5);
  EXPECT_NEAR(z_of_t(-2.776445, 4), -1.959964, 1e-5);
  EXPECT_NEAR(z_of_t(6.313752, 1), 1.644854, 1e-5);
  EXPECT_NEAR(z_of_t(10, 2), 2.580965, 1e-5);
  EXPECT_NEAR(z_of_t(3, 1e7), 3.0, 1e-5);
  EXPECT_NEAR(z_of_t(0, 5), 0.0, 1e-9);
  EXPECT_NEAR(z_of_t(1e4, 3), 7.020844, 1e-4);  // a 1.1e-12 tail, computed directly, not as 1 - cdf
}

TEST(PairedLogRatio, RecoversAKnownRatio) {
  const std::vector<double> base{100, 110, 90, 105, 95};
  std::vector<double> head;
  for (double b : base) head.push_back(b * 1.2);
  const RatioEstimate r = paired_log_ratio(base, head);
  EXPECT_NEAR(r.ratio, 1.2, 1e-12);
  EXPECT_NEAR(r.lower, 1.2, 1e-12) << "zero spread of the differences collapses the interval";
  EXPECT_EQ(r.p_slower, 0.0);
}

// Interval coverage near the nominal level on lognormal data with a true
// ratio of 1.1: 2000 experiments of 5 pairs each, fixed seed.
TEST(PairedLogRatio, IntervalCoversTheTrueRatioAtTheNominalRate) {
  workloads::harness::Rng rng(42);
  constexpr double kTrue = 1.1;
  int covered = 0;
  constexpr int kExperiments = 2000;
  for (int e = 0; e < kExperiments; ++e) {
    std::vector<double> base, head;
    for (int i = 0; i < 5; ++i) {
      const double machine = 0.05 * rng.normal();  // shared by the pair: what pairing cancels
      base.push_back(std::exp(std::log(1000) + machine + 0.03 * rng.normal()));
      head.push_back(std::exp(std::log(1000 * kTrue) + machine + 0.03 * rng.normal()));
    }
    const RatioEstimate r = paired_log_ratio(base, head, 0.95);
    covered += r.lower <= kTrue && kTrue <= r.upper;
  }
  const double coverage = static_cast<double>(covered) / kExperiments;
  EXPECT_NEAR(coverage, 0.95, 0.015);
}

TEST(WelchLogRatio, IntervalCoversTheTrueRatioWithUnequalSpreads) {
  workloads::harness::Rng rng(7);
  int covered = 0;
  constexpr int kExperiments = 2000;
  for (int e = 0; e < kExperiments; ++e) {
    std::vector<double> base, head;
    for (int i = 0; i < 6; ++i) base.push_back(std::exp(5 + 0.02 * rng.normal()));
    for (int i = 0; i < 8; ++i) head.push_back(std::exp(5 + std::log(0.9) + 0.08 * rng.normal()));
    const RatioEstimate r = welch_log_ratio(base, head, 0.95);
    covered += r.lower <= 0.9 && 0.9 <= r.upper;
  }
  EXPECT_NEAR(static_cast<double>(covered) / kExperiments, 0.95, 0.015);
}

TEST(WelchLogRatio, DegreesOfFreedomFollowWelchSatterthwaite) {
  // Equal sizes and spreads: df = 2n − 2.
  const std::vector<double> base{std::exp(1.0), std::exp(2.0), std::exp(3.0)};
  const std::vector<double> head{std::exp(2.0), std::exp(3.0), std::exp(4.0)};
  const RatioEstimate r = welch_log_ratio(base, head);
  EXPECT_NEAR(r.df, 4.0, 1e-12);
  EXPECT_NEAR(r.ratio, std::exp(1.0), 1e-12);
}

// Trimming 20 %, logs {1, 2, 3, 4, 10}: the slowest of five cut, {1, 2, 3, 4} averaged
// (2.5); winsorized {1, 2, 3, 4, 4}, squares about its mean 2.8 summing to
// 6.8, over h(h − 1) = 12. Head is base shifted by 1 on the log scale.
TEST(TrimmedLogRatio, CutsEachSidesSlowestAndUsesTheWinsorizedVariance) {
  std::vector<double> base, head;
  for (double l : {3.0, 1.0, 10.0, 2.0, 4.0}) {
    base.push_back(std::exp(l));
    head.push_back(std::exp(l + 1));
  }
  const RatioEstimate r = trimmed_log_ratio(base, head, 0.95, 0.2);
  EXPECT_NEAR(r.ratio, std::exp(1.0), 1e-12);
  const double se = std::sqrt(2 * 6.8 / 12);
  EXPECT_NEAR(r.df, 6.0, 1e-12);  // Welch–Satterthwaite on h − 1 = 3 a side, equal variances
  EXPECT_NEAR(r.lower, std::exp(1 - student_t_quantile(0.975, 6) * se), 1e-9);
  EXPECT_NEAR(r.p_slower, 1 - student_t_cdf(1 / se, 6), 1e-12);
  // t's mean moves with the 10: the same data give t a wider interval.
  const RatioEstimate t = welch_log_ratio(base, head, 0.95);
  EXPECT_GT(t.upper / t.lower, r.upper / r.lower);
  // Paired, the ratios are all e: no spread, θ = e exactly.
  const RatioEstimate p = paired_trimmed_log_ratio(base, head, 0.95, 0.2);
  EXPECT_NEAR(p.ratio, std::exp(1.0), 1e-12);
  EXPECT_NEAR(p.lower, p.upper, 1e-12);
  // The gate's 10 % cuts nothing below 10 repetitions: Welch's t exactly.
  const RatioEstimate ten = trimmed_log_ratio(base, head, 0.95);
  EXPECT_NEAR(ten.lower, t.lower, 1e-12);
  EXPECT_NEAR(ten.upper, t.upper, 1e-12);
  EXPECT_NEAR(ten.df, t.df, 1e-9);
}

// The machine's noise is one-sided: some processes run slow, whatever the
// code. With a fifth of each side's repetitions slowed by 20-80 %, the
// trimmed interval still covers the true shift about as often as it says,
// and it is narrower than t's, which the slow processes widen.
TEST(TrimmedLogRatio, CoversTheShiftWhenSomeProcessesRunSlow) {
  workloads::harness::Rng rng(17);
  constexpr double kTrue = 1.15;
  constexpr int kExperiments = 2000;
  int covered = 0, t_covered = 0;
  double width = 0, t_width = 0;
  auto repetition = [&](double shift) {
    const double slow = rng.uniform() < 0.2 ? std::log(1.2 + 0.6 * rng.uniform()) : 0.0;
    return std::exp(std::log(1000) + shift + 0.05 * rng.normal() + slow);
  };
  for (int e = 0; e < kExperiments; ++e) {
    std::vector<double> base, head;
    for (int i = 0; i < 15; ++i) base.push_back(repetition(0));
    for (int i = 0; i < 15; ++i) head.push_back(repetition(std::log(kTrue)));
    const RatioEstimate r = trimmed_log_ratio(base, head, 0.95, 0.2);
    const RatioEstimate t = welch_log_ratio(base, head, 0.95);
    covered += r.lower <= kTrue && kTrue <= r.upper;
    t_covered += t.lower <= kTrue && kTrue <= t.upper;
    width += std::log(r.upper / r.lower);
    t_width += std::log(t.upper / t.lower);
  }
  EXPECT_NEAR(static_cast<double>(covered) / kExperiments, 0.95, 0.02);
  EXPECT_LT(width, 0.8 * t_width) << "trimmed " << width / kExperiments << ", t " << t_width / kExperiments;
  EXPECT_GT(static_cast<double>(t_covered) / kExperiments, 0.9);
}

// Paired: noise in either side of a pair moves its ratio either way; the
// trimmed mean of the ratios, cut at both ends, covers the shift at its
// nominal rate without slow processes, and with them (~28 % of the ratios
// moved, more than the 20 % cut at each end) errs on the safe side.
TEST(PairedTrimmedLogRatio, CoversTheShiftWithAndWithoutSlowProcesses) {
  workloads::harness::Rng rng(23);
  constexpr double kTrue = 1.1;
  constexpr int kExperiments = 2000;
  auto coverage = [&](double slow_share) {
    int covered = 0;
    for (int e = 0; e < kExperiments; ++e) {
      std::vector<double> base, head;
      auto slow = [&] { return rng.uniform() < slow_share ? std::log(1.2 + 0.6 * rng.uniform()) : 0.0; };
      for (int i = 0; i < 15; ++i) {
        const double machine = 0.05 * rng.normal();
        base.push_back(std::exp(std::log(1000) + machine + 0.03 * rng.normal() + slow()));
        head.push_back(std::exp(std::log(1000 * kTrue) + machine + 0.03 * rng.normal() + slow()));
      }
      const RatioEstimate r = paired_trimmed_log_ratio(base, head, 0.95, 0.2);
      covered += r.lower <= kTrue && kTrue <= r.upper;
      EXPECT_EQ(r.df, 8.0);  // 15 pairs, 3 cut at each end
    }
    return static_cast<double>(covered) / kExperiments;
  };
  EXPECT_NEAR(coverage(0), 0.95, 0.015);
  const double contaminated = coverage(0.15);
  EXPECT_GE(contaminated, 0.94);
  EXPECT_LE(contaminated, 0.99);
}

TEST(BootstrapLogRatio, AgreesWithTheTIntervalOnLargeSamples) {
  workloads::harness::Rng rng(3);
  std::vector<double> base, head;
  for (int i = 0; i < 200; ++i) {
    base.push_back(std::exp(3 + 0.1 * rng.normal()));
    head.push_back(std::exp(3.1 + 0.1 * rng.normal()));
  }
  const RatioEstimate t = welch_log_ratio(base, head);
  const RatioEstimate b = bootstrap_log_ratio(base, head, 0.95, 4000, 11);
  EXPECT_NEAR(b.ratio, t.ratio, 1e-12);
  EXPECT_NEAR(b.lower, t.lower, 0.01);
  EXPECT_NEAR(b.upper, t.upper, 0.01);
}

TEST(Holm, StepDownAdjustsAndKeepsMonotonicity) {
  // Sorted: 0.005·4 = 0.02, 0.01·3 = 0.03, 0.03·2 = 0.06, 0.04·1 = 0.04 → 0.06.
  const std::vector<double> p{0.01, 0.04, 0.03, 0.005};
  const auto adj = holm_adjust(p);
  EXPECT_NEAR(adj[0], 0.03, 1e-12);
  EXPECT_NEAR(adj[1], 0.06, 1e-12);
  EXPECT_NEAR(adj[2], 0.06, 1e-12);
  EXPECT_NEAR(adj[3], 0.02, 1e-12);
}

TEST(Holm, ControlsFamilyWiseErrorUnderTheNull) {
  // 20 true nulls with uniform p-values: a false rejection at α = 0.05 in at
  // most ~5 % of families (Bonferroni bound), versus ~64 % unadjusted.
  workloads::harness::Rng rng(5);
  int families_with_false_alarm = 0, unadjusted = 0;
  for (int f = 0; f < 4000; ++f) {
    std::vector<double> p(20);
    for (auto& x : p) x = rng.uniform();
    const auto adj = holm_adjust(p);
    families_with_false_alarm += std::ranges::any_of(adj, [](double a) { return a < 0.05; });
    unadjusted += std::ranges::any_of(p, [](double a) { return a < 0.05; });
  }
  EXPECT_LE(families_with_false_alarm / 4000.0, 0.06);
  EXPECT_GE(unadjusted / 4000.0, 0.55);
}

}  // namespace
}  // namespace perfgate::gate
