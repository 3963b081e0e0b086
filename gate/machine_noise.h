#pragma once
// How much the machine's speed moved during a benchmark's repetitions: the
// diagnosis behind an inconclusive verdict (DESIGN §8's "non-blocking
// warning" says what to do; this says why).
//
// Each repetition's samples, in measurement order, are cut into kSlices time
// slices. A repetition of a seeded workload does the same work in slice j
// every time, so slice j's median should agree across repetitions, whatever
// the workload's own phases (warm-up, a growing index). A slice whose median
// is more than kSlowFactor times the median of slice j over all repetitions
// ran during a slow spell of the machine — on a shared VM, a neighbour or the
// host taking the CPU for tens to hundreds of milliseconds — or in a process
// that was slow throughout (another physical placement). Either widens the
// spread of the per-repetition p99, which no statistic can take back.

#include <cstdint>
#include <optional>
#include <span>
#include <utility>
#include <vector>

#include "gate/results.h"

namespace perfgate::gate {

inline constexpr int kSlices = 20;
inline constexpr double kSlowFactor = 1.2;
// Below this the diagnosis is not made: slices of fewer samples have medians
// too noisy to compare, and 3 repetitions are the fewest with a median that
// is not one of two.
inline constexpr std::size_t kMinSliceSamples = 50;
inline constexpr std::size_t kMinRepetitions = 3;

// The medians of kSlices equal time slices of one repetition's samples (in
// measurement order); empty below kSlices · kMinSliceSamples samples. The
// runner stores them with every repetition (Repetition::slice_medians), so
// the diagnosis needs neither the samples nor a file that keeps them all.
std::vector<double> slice_medians(std::span<const double> samples);

// Percentage of the benchmark's time slices (over all repetitions with
// slice medians: stored, else computed from the stored samples) that ran
// kSlowFactor or more slower than the same slice's median over the
// repetitions; nullopt when fewer than kMinRepetitions repetitions have them.
std::optional<double> slow_slice_percent(const BenchmarkResult& b);

// Interruptions that reach only the tail. A seeded workload does the same
// operation at the same index in every repetition, and the runner stores
// every repetition's samples at the same indices, so operation i's median
// over the repetitions is what it costs the code. A sample kInterruptedFactor
// or more times that median was interrupted: a VM exit, a preemption, a
// page the host had taken away. Slow spells (above) move whole slices; these
// are single operations, too few to move a slice's median, but the p99 sits
// at the slowest 1 % of samples, where a few tenths of a percent of them
// decide it.
inline constexpr double kInterruptedFactor = 2.0;

// Percentage of the stored samples, over the repetitions that share the most
// common sample count (≥ kSlices · kMinSliceSamples), that were
// interrupted; nullopt with fewer than kMinRepetitions such repetitions (or
// when the samples were not read).
std::optional<double> interrupted_sample_percent(const BenchmarkResult& b);

// The same diagnosis without the samples, as compare and check read results:
// the runner stores each repetition's tail, its samples at or above its p99
// (every sample, in measurement order, and their p99) with their indices
// (Repetition::tail; at most kMaxTailSamples of the slowest; empty below
// kSlices · kMinSliceSamples samples).
inline constexpr std::size_t kMaxTailSamples = 2000;
std::vector<std::pair<std::uint64_t, double>> tail_samples(std::span<const double> samples, double p99);

// Percentage of the tail samples (over the repetitions with a tail that share
// the most common operation count) that were interrupted: kInterruptedFactor
// or more times the median of the same operation over those repetitions,
// where a repetition that does not list the operation counts with its
// smallest listed value, an upper bound of it. nullopt with fewer than
// kMinRepetitions such repetitions. High shares mean the p99 measures the
// machine's interruptions more than the code.
std::optional<double> interrupted_tail_percent(const BenchmarkResult& b);

}  // namespace perfgate::gate
