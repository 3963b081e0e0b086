#pragma once
// Permutation tests of the ratio of per-repetition statistics that use two
// locations of each side's log values: the trimmed mean (without each side's
// slowest 10 %; A/B: the pairs' log ratios without 10 % at each end, as the
// trimmed method cuts) and the minimum.
//
// Why: on a shared machine the noise between repetitions is one-sided. A
// neighbour on the core's other hardware thread, or the host, can only make
// a process slower. Where a benchmark's fast processes all land on the same
// p99 (deterministic work, such as sketches' long documents), the fastest
// repetition of each side measures the code and the rest measure the
// machine (Chen & Revels 2016, "Robust benchmarking in noisy
// environments", make the same argument for the minimum of timings). Where
// the fast processes themselves spread (lru, compression), the mean of logs
// is the steadier estimate; trimmed, so that one process the machine slowed
// several-fold (consensus's pools have them) does not set its spread.
//
// The test statistic is the larger (for "slower"; the smaller for
// "faster") of the two differences, each divided by its spread over the
// relabellings of the pooled values (a nonparametric combination, Pesarin &
// Salmaso, Permutation Tests for Complex Data, 2010, ch. 4). Those spreads
// are functions of the pooled values only, the same for every relabelling,
// so the test is exact whichever difference dominates: under H0 (the two
// sides exchangeable) its p-value is uniform (Good, Permutation, Parametric
// and Bootstrap Tests of Hypotheses, 3rd ed., §3). The estimate is the
// difference of the location with the narrower spread, where head is
// shifted by the difference of trimmed means (`location`).
//
// A ratio θ is a shift ln θ of head's log values; the test of θ = c
// relabels base ∪ (head − ln c). The interval inverts those tests (the c
// that are not rejected at (1 − confidence)/2 on either side). Baseline
// mode relabels which repetitions were head; A/B mode swaps base and head
// within pairs. Designs of at most 4 096 relabellings (7 against 7, 12
// pairs) use all of them, so their p-values are exact; larger ones draw
// 2 000 from a fixed seed: the same inputs always give the same verdict.

#include <cstddef>
#include <span>
#include <string_view>

#include "gate/statistics.h"

namespace perfgate::gate {

// mean: the trimmed mean of logs (below 10 repetitions nothing is cut).
enum class Location { mean, minimum };
std::string_view to_string(Location l);

struct PermutationEstimate {
  RatioEstimate estimate;
  Location location = Location::mean;  // chosen at the estimate
};

// Requires >= 2 values each (paired: equal counts), positive.
PermutationEstimate permutation_log_ratio(std::span<const double> base, std::span<const double> head, bool paired,
                                          double confidence = 0.95);

// Only the one-sided p-value of H0: θ <= 1 (cheaper: no interval).
double permutation_p_slower(std::span<const double> base, std::span<const double> head, bool paired);

// The smallest p-value the tests above can give for these counts: one
// relabelling in all of the design's (3 against 3: 1/20; 4 pairs: 1/16),
// or 1/2 001 where they are drawn. A design whose smallest p-value is above
// the level can never reject, whatever the data.
double smallest_permutation_p(std::size_t base, std::size_t head, bool paired);

}  // namespace perfgate::gate
