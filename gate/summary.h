#pragma once
// Descriptive statistics of one repetition's latency samples. Pure.

#include <cstdint>
#include <span>

namespace perfgate::gate {

struct Summary {
  std::uint64_t count = 0;
  double mean = 0, stddev = 0;  // stddev: sample standard deviation (n - 1)
  double min = 0, p50 = 0, p90 = 0, p95 = 0, p99 = 0, p999 = 0, max = 0;
  double throughput_per_s = 0;  // count / measured seconds; 0 when unknown
};

// Quantile q in [0, 1] of ascending `sorted` by linear interpolation between
// order statistics: Hyndman & Fan (1996) definition 7, the default of R and
// NumPy. Requires a non-empty input.
double quantile_sorted(std::span<const double> sorted, double q);

// Summary of samples (any order; any unit). `measured_seconds` <= 0 leaves the
// throughput at 0. An empty input gives a zero Summary with count 0.
Summary summarize(std::span<const double> samples, double measured_seconds);

// How many samples lie strictly above the p99: the tail the p99 rests on.
// The gate requires >= 100 of them before it decides on a p99.
std::uint64_t tail_samples_above_p99(std::uint64_t count);

}  // namespace perfgate::gate
