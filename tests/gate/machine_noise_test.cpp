#include "gate/machine_noise.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "gate/summary.h"

#include <random>

namespace perfgate::gate {
namespace {

// A repetition of a seeded workload with its own phases: the level ramps from
// 1000 to 3000 ns over the run (a growing index), jitter ±5 % from `seed`.
// slow_from/slow_to: a share of the run the machine made `factor` slower.
Repetition rep(unsigned seed, std::size_t n = 10'000, double slow_from = 0, double slow_to = 0,
               double factor = 1.5) {
  Repetition r;
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> jitter(0.95, 1.05);
  for (std::size_t i = 0; i < n; ++i) {
    const double t = double(i) / double(n);
    double x = (1000 + 2000 * t) * jitter(rng);
    if (t >= slow_from && t < slow_to) x *= factor;
    r.samples.push_back(x);
  }
  return r;
}

BenchmarkResult bench(std::vector<Repetition> reps) {
  BenchmarkResult b;
  b.repetitions = std::move(reps);
  return b;
}

TEST(MachineNoise, AWorkloadsOwnPhasesAreNotNoise) {
  // Slice medians go from ~1050 to ~2950 ns within each repetition: compared
  // across repetitions, none is slow.
  const auto b = bench({rep(1), rep(2), rep(3), rep(4), rep(5)});
  ASSERT_TRUE(slow_slice_percent(b));
  EXPECT_EQ(*slow_slice_percent(b), 0.0);
}

TEST(MachineNoise, CountsTheSlicesOfASlowSpell) {
  // One repetition of five ran 1.5x slower for its middle 20 %: 4 of its 20
  // slices, 4 of the 100 in all.
  const auto b = bench({rep(1), rep(2), rep(3, 10'000, 0.4, 0.6), rep(4), rep(5)});
  EXPECT_DOUBLE_EQ(*slow_slice_percent(b), 4.0);
  // A spell of 1.1x is within kSlowFactor.
  const auto mild = bench({rep(1), rep(2), rep(3, 10'000, 0.4, 0.6, 1.1), rep(4), rep(5)});
  EXPECT_EQ(*slow_slice_percent(mild), 0.0);
}

TEST(MachineNoise, ARepetitionSlowThroughoutCountsWhole) {
  const auto b = bench({rep(1), rep(2, 10'000, 0, 1), rep(3), rep(4), rep(5, 10'000, 0, 1)});
  EXPECT_DOUBLE_EQ(*slow_slice_percent(b), 40.0);
}

TEST(MachineNoise, StoredSliceMediansStandInForTheSamples) {
  // As compare reads results: no samples, the runner's slice medians.
  auto stored = [](unsigned seed, double slow_from = 0, double slow_to = 0) {
    Repetition r = rep(seed, 10'000, slow_from, slow_to);
    r.slice_medians = slice_medians(r.samples);
    r.samples.clear();
    return r;
  };
  const auto b = bench({stored(1), stored(2), stored(3, 0.4, 0.6), stored(4), stored(5)});
  EXPECT_DOUBLE_EQ(slow_slice_percent(b).value_or(-1), 4.0);
  EXPECT_EQ(slice_medians(std::vector<double>(999, 1.0)).size(), 0u);
  EXPECT_EQ(slice_medians(std::vector<double>(1000, 1.0)), std::vector<double>(20, 1.0));
}

TEST(MachineNoise, NeedsThreeRepetitionsOfEnoughSamples) {
  EXPECT_FALSE(slow_slice_percent(bench({rep(1), rep(2)})));
  // 999 samples: slices of fewer than 50; those repetitions are left out.
  EXPECT_FALSE(slow_slice_percent(bench({rep(1), rep(2), rep(3, 999), rep(4, 999)})));
  EXPECT_TRUE(slow_slice_percent(bench({rep(1), rep(2), rep(3, 1000)})));
}

// The workload's own tail: every 100th operation is a long one (10x), at the
// same index in every repetition. spikes: indices this repetition alone was
// interrupted at (3x).
Repetition with_tail(unsigned seed, std::vector<std::size_t> spikes = {}, std::size_t n = 10'000) {
  Repetition r = rep(seed, n);
  for (std::size_t i = 0; i < n; i += 100) r.samples[i] *= 10;
  for (std::size_t i : spikes) r.samples[i] *= 3;
  return r;
}

TEST(MachineNoise, AWorkloadsOwnLongOperationsAreNotInterruptions) {
  const auto b = bench({with_tail(1), with_tail(2), with_tail(3), with_tail(4), with_tail(5)});
  ASSERT_TRUE(interrupted_sample_percent(b));
  EXPECT_EQ(*interrupted_sample_percent(b), 0.0);
  // ... nor is a slow spell, which moves neighbours alike but stays under 2x.
  EXPECT_EQ(interrupted_sample_percent(bench({rep(1), rep(2), rep(3, 10'000, 0.4, 0.6), rep(4), rep(5)})), 0.0);
}

TEST(MachineNoise, CountsOperationsInterruptedInOneRepetition) {
  // 50 interrupted operations in one repetition, 25 in another, one of them a
  // long operation (interrupted long operations count too): 75 of 50 000.
  std::vector<std::size_t> a, c;
  for (std::size_t i = 0; i < 50; ++i) a.push_back(37 + 197 * i);
  for (std::size_t i = 0; i < 25; ++i) c.push_back(100 * i + (i == 0 ? 0 : 51));
  const auto b = bench({with_tail(1), with_tail(2, a), with_tail(3), with_tail(4, c), with_tail(5)});
  EXPECT_DOUBLE_EQ(interrupted_sample_percent(b).value_or(-1), 100.0 * 75 / 50'000);
  // The slow spell's share is untouched by them.
  EXPECT_EQ(slow_slice_percent(b).value_or(-1), 0.0);
}

TEST(MachineNoise, InterruptionsNeedThreeRepetitionsThatLineUp) {
  EXPECT_FALSE(interrupted_sample_percent(bench({with_tail(1), with_tail(2)})));
  // A repetition of another length is left out; three of one length remain.
  const auto mixed = bench({with_tail(1), with_tail(2), with_tail(3, {5}, 12'000), with_tail(4)});
  EXPECT_EQ(interrupted_sample_percent(mixed).value_or(-1), 0.0);
  EXPECT_FALSE(interrupted_sample_percent(bench({with_tail(1), with_tail(2, {}, 12'000), with_tail(3)})));
  // As compare reads results: no samples.
  auto bare = bench({with_tail(1), with_tail(2), with_tail(3)});
  for (auto& r : bare.repetitions) r.samples.clear();
  EXPECT_FALSE(interrupted_sample_percent(bare));
}

// The stored tail stands in for the samples: rep() and with_tail() as above,
// each repetition keeping its samples at or above its p99.
Repetition tailed(Repetition r) {
  r.stats = summarize(r.samples, 1.0);
  r.tail = tail_samples(r.samples, r.stats.p99);
  r.samples.clear();
  return r;
}

TEST(MachineNoise, AStoredTailTellsTheWorkloadsLongOperationsFromInterruptions) {
  // The long operations (every 100th, 10x) are the tail of every repetition.
  const auto own = bench({tailed(with_tail(1)), tailed(with_tail(2)), tailed(with_tail(3)), tailed(with_tail(4))});
  ASSERT_TRUE(interrupted_tail_percent(own));
  EXPECT_EQ(*interrupted_tail_percent(own), 0.0);
  // 50 operations of one repetition interrupted for 30x their time: above
  // most of its long operations, half of its tail.
  std::vector<std::size_t> spikes;
  for (std::size_t i = 0; i < 50; ++i) spikes.push_back(37 + 197 * i);
  Repetition hit = with_tail(2);
  for (std::size_t i : spikes) hit.samples[i] *= 30;
  const auto b = bench({tailed(with_tail(1)), tailed(hit), tailed(with_tail(3)), tailed(with_tail(4))});
  std::size_t listed = 0;
  for (const auto& r : b.repetitions) listed += r.tail.size();
  EXPECT_DOUBLE_EQ(interrupted_tail_percent(b).value_or(-1), 100.0 * 50 / double(listed));
  // Interrupted for 3x, the same operations stay below the long ones, out of
  // the tail: they do not set the p99 and are not counted here.
  const auto low = bench({tailed(with_tail(1)), tailed(with_tail(2, spikes)), tailed(with_tail(3)), tailed(with_tail(4))});
  EXPECT_EQ(interrupted_tail_percent(low), 0.0);
}

TEST(MachineNoise, ATailKeepsTheSlowestSamplesWithTheirIndices) {
  std::vector<double> s(1000, 10.0);
  s[3] = 50;
  s[500] = 40;
  const auto t = tail_samples(s, 10.0);  // every sample is at the p99: all are listed, up to the bound
  EXPECT_EQ(t.size(), 1000u);
  EXPECT_EQ(tail_samples(s, 40.0), (std::vector<std::pair<std::uint64_t, double>>{{3, 50.0}, {500, 40.0}}));
  std::vector<double> many(300'000, 1.0);
  for (std::size_t i = 0; i < many.size(); i += 100) many[i] = 2.0 + double(i) / 1e6;
  const auto capped = tail_samples(many, 2.0);
  ASSERT_EQ(capped.size(), kMaxTailSamples);
  EXPECT_TRUE(std::ranges::is_sorted(capped));
  EXPECT_EQ(capped.front().first, 300'000u - 100 * kMaxTailSamples) << "the slowest kept, in index order";
  EXPECT_TRUE(tail_samples(std::vector<double>(999, 1.0), 1.0).empty());
}

TEST(MachineNoise, TailsNeedThreeRepetitionsOfOneLength) {
  EXPECT_FALSE(interrupted_tail_percent(bench({tailed(with_tail(1)), tailed(with_tail(2))})));
  EXPECT_FALSE(interrupted_tail_percent(
      bench({tailed(with_tail(1)), tailed(with_tail(2, {}, 12'000)), tailed(with_tail(3))})));
  EXPECT_TRUE(interrupted_tail_percent(
      bench({tailed(with_tail(1)), tailed(with_tail(2, {}, 12'000)), tailed(with_tail(3)), tailed(with_tail(4))})));
}

}  // namespace
}  // namespace perfgate::gate
