#include "gate/permutation_statistics.h"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "gate/statistics.h"
#include "workloads/harness/rng.h"

namespace perfgate::gate {
namespace {

class Draws {
 public:
  explicit Draws(std::uint64_t seed) : rng_(seed) {}
  double normal() { return rng_.normal(); }
  // Per-repetition p99s whose log spreads normally (lru, compression: the
  // fast processes themselves spread).
  std::vector<double> lognormal(std::size_t n, double median, double sigma) {
    std::vector<double> v(n);
    for (auto& x : v) x = median * std::exp(sigma * normal());
    return v;
  }
  // A floor that the fast processes all hit within 0.1 %, and `slow` of the
  // processes 10–80 % above it (sketches' long documents on this VM, with a
  // busy SMT sibling in some processes).
  std::vector<double> floored(std::size_t n, double floor, double slow) {
    std::vector<double> v(n);
    for (auto& x : v)
      x = floor * (rng_.uniform() < slow ? 1.1 + 0.7 * rng_.uniform() : 1 + 0.001 * rng_.uniform());
    return v;
  }

 private:
  workloads::harness::Rng rng_;
};

TEST(PermutationLogRatio, AFloorThatFastProcessesShareIsComparedByTheMinimum) {
  Draws d(11);
  int t_caught = 0, caught = 0;
  constexpr int kTrials = 20;
  for (int i = 0; i < kTrials; ++i) {
    // 40 % slow: each side has ~9 fast processes. The minimum's evidence is
    // how unlikely it is that none of base's fast processes was labelled
    // head: with 4 of 30 that is 5 %, too little; with 9 it is 0.07 %.
    const auto base = d.floored(15, 100, 0.4), head = d.floored(15, 115, 0.4);
    const PermutationEstimate e = permutation_log_ratio(base, head, false);
    EXPECT_EQ(e.location, Location::minimum);
    EXPECT_NEAR(e.estimate.ratio, 1.15, 0.005);
    // Tight: the interval excludes +5 % and +25 %.
    caught += e.estimate.lower > 1.05 && e.estimate.upper < 1.25;
    const RatioEstimate t = welch_log_ratio(base, head);
    t_caught += t.lower > 1.05 && t.upper < 1.25;
  }
  EXPECT_EQ(caught, kTrials);
  EXPECT_LT(t_caught, kTrials / 2);  // the mean follows how many processes ran slow
}

// The mean of logs without each side's slowest ⌊n/10⌋ (A/B: the pairs' log
// ratios cut by as many at both ends), as the trimmed method computes it.
TEST(PermutationLogRatio, SpreadFastProcessesAreComparedByTheTrimmedMean) {
  Draws d(12);
  const auto base = d.lognormal(15, 1000, 0.08), head = d.lognormal(15, 1100, 0.08);
  const PermutationEstimate e = permutation_log_ratio(base, head, false);
  EXPECT_EQ(e.location, Location::mean);
  EXPECT_NEAR(e.estimate.ratio, trimmed_log_ratio(base, head).ratio, 1e-9);
  // About as wide as Yuen's interval on the same values.
  const RatioEstimate t = trimmed_log_ratio(base, head);
  EXPECT_NEAR(std::log(e.estimate.upper / e.estimate.lower), std::log(t.upper / t.lower),
              0.3 * std::log(t.upper / t.lower));
  const PermutationEstimate p = permutation_log_ratio(base, head, true);
  ASSERT_EQ(p.location, Location::mean);
  EXPECT_NEAR(p.estimate.ratio, paired_trimmed_log_ratio(base, head).ratio, 1e-9);
}

// One process the machine slowed fourfold (consensus's pools have them) moves
// a mean of 20 logs by 7 %; trimmed, it is left out, and the interval stays
// what the other processes resolve. (Untrimmed, it widened the mean's
// relabelled spread so far that the minimum decided: estimate 1.22.)
TEST(PermutationLogRatio, OneFarSlowerProcessDoesNotWidenTheInterval) {
  Draws d(17);
  auto base = d.lognormal(20, 1000, 0.05);
  const auto head = d.lognormal(20, 1150, 0.05);
  const RatioEstimate clean = permutation_log_ratio(base, head, false).estimate;
  base[7] *= 4;
  for (bool paired : {false, true}) {
    const PermutationEstimate e = permutation_log_ratio(base, head, paired);
    SCOPED_TRACE(::testing::Message() << "paired " << paired);
    EXPECT_EQ(e.location, Location::mean);
    EXPECT_NEAR(e.estimate.ratio, 1.15, 0.04);
    EXPECT_GT(e.estimate.lower, 1.10);
    EXPECT_LT(std::log(e.estimate.upper / e.estimate.lower), 2 * std::log(clean.upper / clean.lower));
  }
}

// The p-value's level holds whichever location the pooled values choose,
// trimmed or not: no more than 5 % of comparisons of one distribution with
// itself fall below 0.05, for spread and floored distributions, unpaired and
// paired.
TEST(PermutationLogRatio, FalseAlarmsStayWithinTheLevelWhicheverLocationIsChosen) {
  Draws d(13);
  constexpr int kTrials = 300;
  for (bool paired : {false, true}) {
    int spread = 0, floor = 0;
    for (int i = 0; i < kTrials; ++i) {
      // 9 repetitions: nothing is trimmed; 20: the slowest 2 (paired: 2 at
      // each end of the ratios).
      const std::size_t n = i % 2 == 0 ? 9 : 20;
      spread += permutation_p_slower(d.lognormal(n, 1000, 0.1), d.lognormal(n, 1000, 0.1), paired) < 0.05;
      floor += permutation_p_slower(d.floored(n, 100, 0.5), d.floored(n, 100, 0.5), paired) < 0.05;
    }
    // Binomial(300, 0.05): mean 15, sd 3.8.
    EXPECT_LE(spread, 25) << "paired " << paired;
    EXPECT_LE(floor, 25) << "paired " << paired;
    EXPECT_GE(spread + floor, 12) << "paired " << paired;  // not vacuously conservative
  }
}

TEST(PermutationLogRatio, IntervalCoversTheTrueRatioNearTheNominalRate) {
  Draws d(14);
  constexpr int kTrials = 150;
  int covered = 0, paired_covered = 0;
  for (int i = 0; i < kTrials; ++i) {
    const auto base = d.lognormal(10, 1000, 0.1), head = d.lognormal(10, 1150, 0.1);
    const RatioEstimate u = permutation_log_ratio(base, head, false).estimate;
    covered += u.lower <= 1.15 && 1.15 <= u.upper;
    const RatioEstimate p = permutation_log_ratio(base, head, true).estimate;
    paired_covered += p.lower <= 1.15 && 1.15 <= p.upper;
  }
  EXPECT_GE(covered, kTrials * 0.90);
  EXPECT_LE(covered, kTrials * 0.99);
  EXPECT_GE(paired_covered, kTrials * 0.90);
  EXPECT_LE(paired_covered, kTrials * 0.99);
}

TEST(PermutationLogRatio, SeparatedSidesGetTheSmallestPValueTheRelabellingsAllow) {
  const std::vector<double> base{100, 101, 102, 103, 104, 105, 106}, head{120, 121, 122, 123, 124, 125, 126};
  // Designs of up to 4 096 relabellings use every one of them, so these
  // p-values are exact. C(14, 7) = 3 432, one of them the observed.
  EXPECT_DOUBLE_EQ(permutation_p_slower(base, head, false), 1.0 / 3432);
  EXPECT_DOUBLE_EQ(permutation_p_slower(head, base, false), 1.0);
  // Paired, 7 pairs: 2^7 = 128 sign patterns, one of them all "slower".
  EXPECT_DOUBLE_EQ(permutation_p_slower(base, head, true), 1.0 / 128);
  // 5 against 5: C(10, 5) = 252; 5 pairs: 32; 6 against 4: C(10, 4) = 210.
  const std::vector<double> b5(base.begin(), base.begin() + 5), h5(head.begin(), head.begin() + 5);
  EXPECT_DOUBLE_EQ(permutation_p_slower(b5, h5, false), 1.0 / 252);
  EXPECT_DOUBLE_EQ(permutation_p_slower(b5, h5, true), 1.0 / 32);
  const std::vector<double> b6(base.begin(), base.begin() + 6), h4(head.begin(), head.begin() + 4);
  EXPECT_DOUBLE_EQ(permutation_p_slower(b6, h4, false), 1.0 / 210);
  // 12 pairs (4 096) are still enumerated; 8 against 8 (12 870) and 13
  // pairs are drawn: 2 000 relabellings, the observed one first.
  const std::vector<double> b12{100, 101, 102, 103, 104, 105, 106, 107, 108, 109, 110, 111};
  std::vector<double> h12;
  for (double x : b12) h12.push_back(x * 1.2);
  EXPECT_DOUBLE_EQ(permutation_p_slower(b12, h12, true), 1.0 / 4096);
  const std::vector<double> b8(b12.begin(), b12.begin() + 8), h8(h12.begin(), h12.begin() + 8);
  const double drawn = permutation_p_slower(b8, h8, false);
  EXPECT_GE(drawn, 1.0 / 2001);
  EXPECT_LT(drawn, 3.0 / 2001);
  std::vector<double> b13 = b12, h13 = h12;
  b13.push_back(112), h13.push_back(112 * 1.2);
  EXPECT_GE(permutation_p_slower(b13, h13, true), 1.0 / 2001);
}

// The enumeration covers each relabelling once: with all values tied, every
// relabelling reaches the observed statistic, so the p-value is exactly 1;
// with the sides apart (six steps of 10 %, the lower three base) 3 of 6 has
// C(6, 3) = 20 labellings, and by the minimum and the mean alike the
// observed one is the only one as extreme.
TEST(PermutationLogRatio, EnumeratedDesignsCountEachRelabellingOnce) {
  const std::vector<double> same{100, 100, 100, 100}, also{100, 100, 100, 100};
  EXPECT_DOUBLE_EQ(permutation_p_slower(same, also, false), 1.0);
  EXPECT_DOUBLE_EQ(permutation_p_slower(same, also, true), 1.0);
  const std::vector<double> base{100, 110, 121}, head{133.1, 146.41, 161.051};
  EXPECT_DOUBLE_EQ(permutation_p_slower(base, head, false), 1.0 / 20);
  // The reverse labelling is the least "slower" of the 20.
  EXPECT_DOUBLE_EQ(permutation_p_slower(head, base, false), 1.0);
}

TEST(PermutationLogRatio, SameInputsGiveTheSameVerdict) {
  Draws d(15);
  const auto base = d.floored(11, 100, 0.4), head = d.floored(11, 108, 0.4);
  const PermutationEstimate a = permutation_log_ratio(base, head, false), b = permutation_log_ratio(base, head, false);
  EXPECT_EQ(a.estimate.lower, b.estimate.lower);
  EXPECT_EQ(a.estimate.upper, b.estimate.upper);
  EXPECT_EQ(a.estimate.p_slower, b.estimate.p_slower);
}

// Whatever the minima and the means say, alone or against each other (a
// floor on one side only, slow processes on one side only), the interval
// holds the estimate and lies within e^±5 of it.
TEST(PermutationLogRatio, TheIntervalHoldsTheEstimateWhenMinimaAndMeansDisagree) {
  Draws d(16);
  for (int i = 0; i < 60; ++i) {
    const std::size_t n = 5 + static_cast<std::size_t>(i % 7) * 4;
    const auto base = i % 3 == 0 ? d.floored(n, 100, 0.2) : d.lognormal(n, 100, 0.05 * (1 + i % 4));
    const auto head = i % 2 == 0 ? d.floored(n, 100 + i, 0.8) : d.lognormal(n, 130 - i, 0.2);
    for (bool paired : {false, true}) {
      const RatioEstimate e = permutation_log_ratio(base, head, paired).estimate;
      SCOPED_TRACE(::testing::Message() << "case " << i << " paired " << paired);
      EXPECT_LE(e.lower, e.ratio);
      EXPECT_GE(e.upper, e.ratio);
      EXPECT_GE(e.lower, e.ratio * std::exp(-5.0) * 0.999);
      EXPECT_LE(e.upper, e.ratio * std::exp(5.0) * 1.001);
      EXPECT_GT(e.p_slower, 0);
      EXPECT_LE(e.p_slower, 1);
    }
  }
}

TEST(PermutationLogRatio, ADesignTooSmallToRejectGetsABoundedInterval) {
  // 3 pairs: 8 sign patterns, no p-value below 1/8: nothing is excluded, and
  // the search stops at e^±5 around the estimate.
  const std::vector<double> base{100, 101, 102}, head{110, 111, 112};
  const RatioEstimate e = permutation_log_ratio(base, head, true).estimate;
  EXPECT_NEAR(e.ratio, 1.0985, 0.001);
  EXPECT_NEAR(std::log(e.upper / e.ratio), 5, 1e-9);
  EXPECT_NEAR(std::log(e.ratio / e.lower), 5, 1e-9);
}

}  // namespace
}  // namespace perfgate::gate
